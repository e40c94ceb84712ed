// Persistence port for the notification outbox: every notification is stored in the same
// transaction as the change that causes it, then pushed (WebSocket now, webhooks later) by a
// dispatcher that marks it pushed. A failed push leaves it unpushed and it is retried, so
// nothing is lost; the in-app list reads the same table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"

namespace anguan::store {

struct Notification {
  std::int64_t id = 0;
  std::int64_t user_id = 0;  // Recipient account.
  std::string kind;          // e.g. "permit.approval_waiting", "hazard.assigned".
  std::string entity;        // e.g. "permits", "hazards".
  std::int64_t entity_id = 0;
  std::string title_zh, title_en;
  std::string body_zh, body_en;
  std::string org_path;  // Scope of the entity it is about.
  Instant created_at{};
  std::optional<Instant> read_at;
  std::optional<Instant> pushed_at;
  int push_attempts = 0;
};

class NotificationRepository {
 public:
  virtual ~NotificationRepository() = default;
  // Sets id and stores it. Returns the id.
  [[nodiscard]] virtual Result<std::int64_t> insert(const Notification& n) = 0;
  // Newest first. `unread_only` skips read ones.
  [[nodiscard]] virtual Result<std::vector<Notification>> listForUser(std::int64_t user_id,
                                                                      bool unread_only,
                                                                      std::int64_t offset,
                                                                      std::int64_t limit,
                                                                      std::int64_t* total) = 0;
  [[nodiscard]] virtual Result<std::int64_t> countUnread(std::int64_t user_id) = 0;
  // Marks one (id > 0) or all (id == 0) of the user's notifications read. Returns rows changed.
  [[nodiscard]] virtual Result<std::int64_t> markRead(std::int64_t user_id, std::int64_t id,
                                                      Instant at) = 0;
  // Oldest unpushed first, at most `limit`, with fewer than `max_attempts` attempts.
  [[nodiscard]] virtual Result<std::vector<Notification>> pendingPush(std::int64_t limit,
                                                                      int max_attempts) = 0;
  [[nodiscard]] virtual Status markPushed(const std::vector<std::int64_t>& ids, Instant at) = 0;
  [[nodiscard]] virtual Status markPushFailed(const std::vector<std::int64_t>& ids) = 0;
  // Account ids linked to a person record (users.person_id), active ones only.
  [[nodiscard]] virtual Result<std::vector<std::int64_t>> usersOfPerson(std::int64_t person_id) = 0;
  // Active accounts holding `role` whose org_path is a prefix of `org_path` (they can see it)
  // or, when `include_below`, also those inside the subtree of `org_path`.
  [[nodiscard]] virtual Result<std::vector<std::int64_t>> usersWithRole(const std::string& role,
                                                                        const std::string& org_path,
                                                                        bool include_below) = 0;
};

}  // namespace anguan::store
