// Notifications through the outbox: a use case calls enqueue() inside its own write
// transaction, so a notification exists exactly when the change that caused it committed. After
// the commit, the use case calls nudge(): the service's dispatcher thread then pushes unpushed
// notifications over the EventPublisher (WebSocket topic "notify.user", only to the recipient) and
// marks them pushed, many commits' worth in one read and one write, while the request that
// caused them is answered without waiting for a second commit. The scheduler also calls
// dispatch() periodically, so a push that failed (or a node that crashed between commit and push)
// is retried. The in-app list, unread count and "mark read" read the same table.
//
// Thread safety: safe from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"
#include "anguan/domain/auth/access.hpp"
#include "anguan/domain/store/store.hpp"
#include "anguan/service/context.hpp"

namespace anguan::service {

struct NotificationDraft {
  // Recipients: accounts, and/or people (resolved to their linked accounts).
  std::vector<std::int64_t> user_ids;
  std::vector<std::int64_t> person_ids;
  std::string kind;  // e.g. "permit.approval_waiting", "hazard.overdue"
  std::string entity;
  std::int64_t entity_id = 0;
  std::string title_zh, title_en;
  std::string body_zh, body_en;
  std::string org_path;
};

struct NotificationPage {
  std::vector<store::Notification> items;
  std::int64_t total = 0;
  std::int64_t unread = 0;
};

class NotificationService {
 public:
  // Starts the dispatcher thread; the destructor stops it (destroy before store and events).
  NotificationService(store::Store& store, const Clock& clock, EventPublisher& events);
  ~NotificationService();
  NotificationService(const NotificationService&) = delete;
  NotificationService& operator=(const NotificationService&) = delete;

  // Stores one notification per distinct recipient account. Returns how many were stored.
  [[nodiscard]] static Result<std::int64_t> enqueue(store::Transaction& tx,
                                                    const NotificationDraft& draft, Instant now);
  // Role holders who can see `org_path` (their scope contains it).
  [[nodiscard]] static Result<std::vector<std::int64_t>> roleHolders(store::Transaction& tx,
                                                                     const std::string& role,
                                                                     const std::string& org_path);

  // Pushes up to `limit` unpushed notifications; returns how many were pushed. One dispatch runs
  // at a time per process: a call while another is running returns 0 at once (the running one,
  // or the next scheduled run, pushes what is left), so concurrent writers never contend for
  // the same outbox rows.
  static constexpr std::int64_t kDispatchLimit = 500;
  [[nodiscard]] Result<std::int64_t> dispatch(std::int64_t limit = kDispatchLimit);
  // Asks the dispatcher thread to push what is unpushed, soon. Call after a commit that
  // enqueued notifications; returns at once.
  void nudge();

  [[nodiscard]] Result<NotificationPage> list(const auth::Principal& caller, bool unread_only,
                                              std::int64_t page, std::int64_t page_size);
  // id 0 = all. Returns rows changed.
  [[nodiscard]] Result<std::int64_t> markRead(const auth::Principal& caller, std::int64_t id);

 private:
  void dispatcherLoop();
  Result<std::int64_t> dispatchLocked(std::int64_t limit);

  store::Store& store_;
  const Clock& clock_;
  EventPublisher& events_;
  std::mutex dispatch_mutex_;
  std::mutex nudge_mutex_;
  std::condition_variable nudge_cv_;
  bool nudged_ = false;    // Guarded by nudge_mutex_.
  bool stopping_ = false;  // Guarded by nudge_mutex_.
  std::thread dispatcher_;
};

}  // namespace anguan::service
