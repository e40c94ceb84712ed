#include "anguan/service/notification_service.hpp"

#include <algorithm>
#include <set>

#include <boost/json.hpp>

#include "anguan/core/log.hpp"

namespace anguan::service {
namespace json = boost::json;

NotificationService::NotificationService(store::Store& store, const Clock& clock,
                                         EventPublisher& events)
    : store_(store), clock_(clock), events_(events) {
  dispatcher_ = std::thread([this] { dispatcherLoop(); });
}

NotificationService::~NotificationService() {
  {
    std::lock_guard lock(nudge_mutex_);
    stopping_ = true;
  }
  nudge_cv_.notify_one();
  dispatcher_.join();
}

void NotificationService::nudge() {
  {
    std::lock_guard lock(nudge_mutex_);
    if (nudged_) {
      return;  // The dispatcher has not started on the last nudge yet: it will push this too.
    }
    nudged_ = true;
  }
  nudge_cv_.notify_one();
}

void NotificationService::dispatcherLoop() {
  std::unique_lock lock(nudge_mutex_);
  for (;;) {
    nudge_cv_.wait(lock, [this] { return nudged_ || stopping_; });
    if (stopping_) {
      return;
    }
    // Cleared before the read: a commit after this point nudges again and is pushed next round.
    nudged_ = false;
    lock.unlock();
    Result<std::int64_t> pushed = 0;
    {
      // Waits for a scheduled dispatch() in progress: its read may predate the nudging commit.
      std::lock_guard guard(dispatch_mutex_);
      pushed = dispatchLocked(kDispatchLimit);
    }
    if (!pushed) {
      log::warn("notifications: push failed (the scheduler retries): {}", pushed.error().message());
    }
    lock.lock();
    if (pushed && *pushed >= kDispatchLimit) {
      nudged_ = true;  // More are waiting.
    }
  }
}

Result<std::int64_t> NotificationService::enqueue(store::Transaction& tx,
                                                  const NotificationDraft& draft, Instant now) {
  std::set<std::int64_t> recipients(draft.user_ids.begin(), draft.user_ids.end());
  for (auto person : draft.person_ids) {
    AG_ASSIGN_OR_RETURN(auto users, tx.notifications().usersOfPerson(person));
    recipients.insert(users.begin(), users.end());
  }
  recipients.erase(0);
  std::int64_t stored = 0;
  for (auto user : recipients) {
    store::Notification n;
    n.user_id = user;
    n.kind = draft.kind;
    n.entity = draft.entity;
    n.entity_id = draft.entity_id;
    n.title_zh = draft.title_zh;
    n.title_en = draft.title_en;
    n.body_zh = draft.body_zh;
    n.body_en = draft.body_en;
    n.org_path = draft.org_path;
    n.created_at = now;
    AG_ASSIGN_OR_RETURN(auto id, tx.notifications().insert(n));
    (void)id;
    ++stored;
  }
  return stored;
}

Result<std::vector<std::int64_t>> NotificationService::roleHolders(store::Transaction& tx,
                                                                   const std::string& role,
                                                                   const std::string& org_path) {
  return tx.notifications().usersWithRole(role, org_path, false);
}

Result<std::int64_t> NotificationService::dispatch(std::int64_t limit) {
  std::unique_lock guard(dispatch_mutex_, std::try_to_lock);
  if (!guard.owns_lock()) {
    return 0;
  }
  return dispatchLocked(limit);
}

Result<std::int64_t> NotificationService::dispatchLocked(std::int64_t limit) {
  std::vector<store::Notification> pending;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(pending, tx.notifications().pendingPush(limit, 10));
    return {};
  }));
  if (pending.empty()) {
    return 0;
  }
  std::vector<std::int64_t> ids;
  ids.reserve(pending.size());
  for (const auto& n : pending) {
    json::object data{{"id", n.id},
                      {"kind", n.kind},
                      {"entity", n.entity},
                      {"entity_id", n.entity_id},
                      {"title_zh", n.title_zh},
                      {"title_en", n.title_en},
                      {"body_zh", n.body_zh},
                      {"body_en", n.body_en},
                      {"created_at", formatRfc3339(n.created_at, 0)}};
    Event e;
    e.topic = "notify.user";
    e.org_path = "";
    e.user_id = n.user_id;
    e.json = json::serialize(data);
    events_.publish(e);
    ids.push_back(n.id);
  }
  const Instant now = clock_.now();
  AG_RETURN_IF_ERROR(store_.write(
      [&](store::Transaction& tx) -> Status { return tx.notifications().markPushed(ids, now); }));
  return static_cast<std::int64_t>(ids.size());
}

Result<NotificationPage> NotificationService::list(const auth::Principal& caller, bool unread_only,
                                                   std::int64_t page, std::int64_t page_size) {
  NotificationPage out;
  const std::int64_t size = std::clamp<std::int64_t>(page_size, 1, 200);
  const std::int64_t offset = (std::max<std::int64_t>(page, 1) - 1) * size;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(out.items, tx.notifications().listForUser(caller.user_id.value, unread_only,
                                                                  offset, size, &out.total));
    AG_ASSIGN_OR_RETURN(out.unread, tx.notifications().countUnread(caller.user_id.value));
    return {};
  }));
  return out;
}

Result<std::int64_t> NotificationService::markRead(const auth::Principal& caller, std::int64_t id) {
  std::int64_t changed = 0;
  const Instant now = clock_.now();
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(changed, tx.notifications().markRead(caller.user_id.value, id, now));
    return {};
  }));
  return changed;
}

}  // namespace anguan::service
