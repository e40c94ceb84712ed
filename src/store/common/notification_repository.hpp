// The NotificationRepository port (anguan/domain/store/notification_store.hpp) over SQL.
#pragma once

#include "anguan/domain/store/notification_store.hpp"

#include "common/sql.hpp"

namespace anguan::store {

class SqlNotificationRepository final : public NotificationRepository {
 public:
  explicit SqlNotificationRepository(SqlConnection& conn) : conn_(conn) {}
  [[nodiscard]] Result<std::int64_t> insert(const Notification& n) override;
  [[nodiscard]] Result<std::vector<Notification>> listForUser(std::int64_t user_id,
                                                              bool unread_only, std::int64_t offset,
                                                              std::int64_t limit,
                                                              std::int64_t* total) override;
  [[nodiscard]] Result<std::int64_t> countUnread(std::int64_t user_id) override;
  [[nodiscard]] Result<std::int64_t> markRead(std::int64_t user_id, std::int64_t id,
                                              Instant at) override;
  [[nodiscard]] Result<std::vector<Notification>> pendingPush(std::int64_t limit,
                                                              int max_attempts) override;
  [[nodiscard]] Status markPushed(const std::vector<std::int64_t>& ids, Instant at) override;
  [[nodiscard]] Status markPushFailed(const std::vector<std::int64_t>& ids) override;
  [[nodiscard]] Result<std::vector<std::int64_t>> usersOfPerson(std::int64_t person_id) override;
  [[nodiscard]] Result<std::vector<std::int64_t>> usersWithRole(const std::string& role,
                                                                const std::string& org_path,
                                                                bool include_below) override;

 private:
  [[nodiscard]] Result<std::vector<Notification>> select(const std::string& where_and_order,
                                                         const ParamList& params);
  SqlConnection& conn_;
};

}  // namespace anguan::store
