#include "common/notification_repository.hpp"

#include <algorithm>

namespace anguan::store {
namespace {

constexpr const char* kColumns =
    "id, user_id, kind, entity, entity_id, title_zh, title_en, body_zh, body_en, org_path, "
    "created_at, read_at, pushed_at, push_attempts";

Notification readRow(const SqlRow& row) {
  Notification n;
  n.id = row.getInt(0);
  n.user_id = row.getInt(1);
  n.kind = row.getText(2);
  n.entity = row.getText(3);
  n.entity_id = row.getInt(4);
  n.title_zh = row.getText(5);
  n.title_en = row.getText(6);
  n.body_zh = row.getText(7);
  n.body_en = row.getText(8);
  n.org_path = row.getText(9);
  n.created_at = fromMillis(row.getInt(10));
  n.read_at = readOptionalInstant(row, 11);
  n.pushed_at = readOptionalInstant(row, 12);
  n.push_attempts = static_cast<int>(row.getInt(13));
  return n;
}

std::string idList(ParamList& p, const std::vector<std::int64_t>& ids) {
  std::string out;
  for (auto id : ids) {
    out += (out.empty() ? "" : ", ") + p.add(id);
  }
  return out;
}

}  // namespace

Result<std::int64_t> SqlNotificationRepository::insert(const Notification& n) {
  ParamList p(conn_.dialect());
  std::string sql =
      "INSERT INTO notifications (user_id, kind, entity, entity_id, title_zh, title_en, "
      "body_zh, body_en, org_path, created_at) VALUES (";
  sql += p.add(n.user_id) + ", " + p.add(n.kind) + ", " + p.add(n.entity) + ", " +
         p.add(n.entity_id) + ", " + p.add(n.title_zh) + ", " + p.add(n.title_en) + ", " +
         p.add(n.body_zh) + ", " + p.add(n.body_en) + ", " + p.add(n.org_path) + ", " +
         p.add(toMillis(n.created_at)) + ")";
  AG_ASSIGN_OR_RETURN(auto id, conn_.insertId(sql, p.params()));
  return id.value_or(0);
}

Result<std::vector<Notification>> SqlNotificationRepository::select(
    const std::string& where_and_order, const ParamList& params) {
  std::vector<Notification> out;
  AG_ASSIGN_OR_RETURN(
      auto ignored,
      conn_.run(std::string("SELECT ") + kColumns + " FROM notifications " + where_and_order,
                params.params(), [&](const SqlRow& row) { out.push_back(readRow(row)); }));
  (void)ignored;
  return out;
}

Result<std::vector<Notification>> SqlNotificationRepository::listForUser(std::int64_t user_id,
                                                                         bool unread_only,
                                                                         std::int64_t offset,
                                                                         std::int64_t limit,
                                                                         std::int64_t* total) {
  ParamList p(conn_.dialect());
  std::string where = "WHERE user_id = " + p.add(user_id);
  if (unread_only) {
    where += " AND read_at IS NULL";
  }
  if (total != nullptr) {
    AG_ASSIGN_OR_RETURN(
        auto n, queryOneInt(conn_, "SELECT COUNT(*) FROM notifications " + where, p.params()));
    *total = n.value_or(0);
  }
  const std::int64_t lim = std::clamp<std::int64_t>(limit, 1, 500);
  where += " ORDER BY id DESC LIMIT " + p.add(lim) + " OFFSET " +
           p.add(std::max<std::int64_t>(offset, 0));
  return select(where, p);
}

Result<std::int64_t> SqlNotificationRepository::countUnread(std::int64_t user_id) {
  ParamList p(conn_.dialect());
  AG_ASSIGN_OR_RETURN(auto n, queryOneInt(conn_,
                                          "SELECT COUNT(*) FROM notifications WHERE user_id = " +
                                              p.add(user_id) + " AND read_at IS NULL",
                                          p.params()));
  return n.value_or(0);
}

Result<std::int64_t> SqlNotificationRepository::markRead(std::int64_t user_id, std::int64_t id,
                                                         Instant at) {
  ParamList p(conn_.dialect());
  std::string sql = "UPDATE notifications SET read_at = " + p.add(toMillis(at)) +
                    " WHERE user_id = " + p.add(user_id) + " AND read_at IS NULL";
  if (id > 0) {
    sql += " AND id = " + p.add(id);
  }
  return execSql(conn_, sql, p);
}

Result<std::vector<Notification>> SqlNotificationRepository::pendingPush(std::int64_t limit,
                                                                         int max_attempts) {
  ParamList p(conn_.dialect());
  std::string where = "WHERE pushed_at IS NULL AND push_attempts < " +
                      p.add(std::int64_t{max_attempts}) + " ORDER BY id LIMIT " +
                      p.add(std::clamp<std::int64_t>(limit, 1, 10000));
  return select(where, p);
}

Status SqlNotificationRepository::markPushed(const std::vector<std::int64_t>& ids, Instant at) {
  if (ids.empty()) {
    return {};
  }
  ParamList p(conn_.dialect());
  std::string sql = "UPDATE notifications SET pushed_at = " + p.add(toMillis(at)) +
                    ", push_attempts = push_attempts + 1 WHERE id IN (" + idList(p, ids) + ")";
  AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, sql, p));
  (void)n;
  return {};
}

Status SqlNotificationRepository::markPushFailed(const std::vector<std::int64_t>& ids) {
  if (ids.empty()) {
    return {};
  }
  ParamList p(conn_.dialect());
  std::string sql = "UPDATE notifications SET push_attempts = push_attempts + 1 WHERE id IN (" +
                    idList(p, ids) + ")";
  AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, sql, p));
  (void)n;
  return {};
}

Result<std::vector<std::int64_t>> SqlNotificationRepository::usersOfPerson(std::int64_t person_id) {
  std::vector<std::int64_t> out;
  if (person_id <= 0) {
    return out;
  }
  ParamList p(conn_.dialect());
  std::string sql = "SELECT id FROM users WHERE person_id = " + p.add(person_id) +
                    " AND active = " + p.add(true) + " ORDER BY id";
  AG_ASSIGN_OR_RETURN(auto ignored, conn_.run(sql, p.params(), [&](const SqlRow& row) {
    out.push_back(row.getInt(0));
  }));
  (void)ignored;
  return out;
}

Result<std::vector<std::int64_t>> SqlNotificationRepository::usersWithRole(
    const std::string& role, const std::string& org_path, bool include_below) {
  ParamList p(conn_.dialect());
  // A user sees the entity when the user's org_path is a prefix of the entity's path.
  // A substring test rather than LIKE, which SQLite prepared again for every role: this runs for
  // nearly every notification.
  std::string sql = "SELECT id, org_path FROM users WHERE active = " + p.add(true) + " AND " +
                    containsText(conn_.dialect(), "roles", p.add("," + role + ",")) +
                    " ORDER BY id";
  std::vector<std::int64_t> out;
  AG_ASSIGN_OR_RETURN(auto ignored, conn_.run(sql, p.params(), [&](const SqlRow& row) {
    const std::string path = row.getText(1);
    const bool above = org_path.compare(0, path.size(), path) == 0;
    const bool below = include_below && path.compare(0, org_path.size(), org_path) == 0;
    if (above || below) {
      out.push_back(row.getInt(0));
    }
  }));
  (void)ignored;
  return out;
}

}  // namespace anguan::store
