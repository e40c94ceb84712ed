#include "common/repositories.hpp"

#include <algorithm>
#include <optional>

#include "common/record_sql.hpp"

namespace anguan::store {
namespace {

constexpr std::int64_t kMaxPageSize = 1000;
constexpr std::int64_t kScanBatch = 1000;

Result<std::int64_t> exec(SqlConnection& conn, const std::string& sql, const ParamList& p) {
  return conn.run(sql, p.params(), {});
}

// The first column of the first row, or nullopt when there is no row.
Result<std::optional<std::int64_t>> queryInt(SqlConnection& conn, const std::string& sql,
                                             const std::vector<SqlParam>& params) {
  std::optional<std::int64_t> value;
  AG_ASSIGN_OR_RETURN(auto ignored, conn.run(sql, params, [&](const SqlRow& row) {
    if (!value) {
      value = row.isNull(0) ? 0 : row.getInt(0);
    }
  }));
  (void)ignored;
  return value;
}

Error duplicate(const std::string& field) {
  Error e = Error::conflict("base.duplicate", "A record with this value already exists");
  if (!field.empty()) {
    e.with("field", field);
  }
  return e;
}

// A unique violation the pre-check could not see (a concurrent writer on PostgreSQL): name the
// field from the constraint ("<table>_<field>_key") and drop the constraint detail.
Error mapConstraint(const Error& error, const std::string& table,
                    const std::vector<std::string>& unique_fields) {
  if (error.code() != ErrorCode::kConflict) {
    return error;
  }
  auto it = error.details().find("constraint");
  std::string constraint = it == error.details().end() ? "" : it->second;
  for (const auto& f : unique_fields) {
    if (constraint == table + "_" + f + "_key") {
      return duplicate(f);
    }
  }
  return duplicate("");
}

std::vector<std::string> uniqueFields(const base::EntitySchema& schema) {
  std::vector<std::string> out;
  for (const auto& f : schema.fields) {
    if (f.unique && !f.computed) {
      out.push_back(f.name);
    }
  }
  return out;
}

Error recordNotFound(const base::EntitySchema& schema, std::int64_t id) {
  return Error::notFound("base.not_found", "No such record")
      .with("entity", schema.name)
      .with("id", std::to_string(id));
}

Error staleVersion() {
  return Error::conflict("base.stale_version",
                         "The record was changed by someone else; reload and try again");
}

std::pair<std::int64_t, std::int64_t> paging(std::int64_t page, std::int64_t page_size) {
  std::int64_t size = std::clamp<std::int64_t>(page_size, 1, kMaxPageSize);
  std::int64_t p = std::max<std::int64_t>(page, 1);
  return {size, (p - 1) * size};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Records

Result<base::Record> SqlRecordRepository::get(const base::EntitySchema& schema, std::int64_t id) {
  const TableLayout& layout = tableLayout(conn_.dialect(), schema);
  std::optional<base::Record> found;
  AG_ASSIGN_OR_RETURN(auto ignored,
                      conn_.run(layout.get_sql, {SqlParam{id}},
                                [&](const SqlRow& row) { found = readRecord(layout, row); }));
  (void)ignored;
  if (!found) {
    return recordNotFound(schema, id);
  }
  return *std::move(found);
}

Result<Page> SqlRecordRepository::list(const base::EntitySchema& schema, const ListQuery& query) {
  const TableLayout& layout = tableLayout(conn_.dialect(), schema);
  ParamList p(conn_.dialect());
  AG_ASSIGN_OR_RETURN(WhereClause where, buildWhere(schema, query, p));
  AG_ASSIGN_OR_RETURN(std::string order, buildOrderBy(conn_.dialect(), schema, query));
  Page page;
  auto [limit, offset] = paging(query.page, query.page_size);
  if (query.count_total) {
    AG_ASSIGN_OR_RETURN(
        auto total,
        queryInt(conn_, "SELECT COUNT(*) FROM " + layout.table + where.sql, p.params()));
    page.total = total.value_or(0);
    if (offset >= page.total) {
      return page;
    }
  }
  std::string sql = "SELECT " + layout.select_list + " FROM " + layout.table + where.sql + order;
  sql += " LIMIT " + p.add(limit);
  sql += " OFFSET " + p.add(offset);
  AG_ASSIGN_OR_RETURN(auto ignored, conn_.run(sql, p.params(), [&](const SqlRow& row) {
    page.items.push_back(readRecord(layout, row));
  }));
  (void)ignored;
  if (!query.count_total) {
    page.total = offset + static_cast<std::int64_t>(page.items.size());
  }
  return page;
}

Status SqlRecordRepository::checkUnique(const base::EntitySchema& schema,
                                        const base::Record& record, std::int64_t self_id) {
  for (const auto& f : schema.fields) {
    if (!f.unique || f.computed || base::isNull(record.get(f.name))) {
      continue;
    }
    AG_ASSIGN_OR_RETURN(SqlParam value, toParam(f, record.get(f.name)));
    ParamList p(conn_.dialect());
    std::string sql = "SELECT id FROM " + quoteIdent(schema.name) + " WHERE " + quoteIdent(f.name) +
                      " = " + p.add(std::move(value)) + " AND id <> " + p.add(self_id) + " LIMIT 1";
    AG_ASSIGN_OR_RETURN(auto other, queryInt(conn_, sql, p.params()));
    if (other) {
      return duplicate(f.name);
    }
  }
  return okStatus();
}

Result<base::Record> SqlRecordRepository::insert(const base::EntitySchema& schema,
                                                 const base::Record& record, Instant now) {
  const TableLayout& layout = tableLayout(conn_.dialect(), schema);
  AG_RETURN_IF_ERROR(checkUnique(schema, record, 0));
  ParamList p(conn_.dialect());
  std::string cols = "version, org_id, org_path, created_at, updated_at";
  std::string vals = p.add(std::int64_t{1}) + ", " + p.add(effectiveOrgId(layout, record)) + ", " +
                     p.add(record.org_path) + ", " + p.add(toMillis(now)) + ", " +
                     p.add(toMillis(now));
  base::Record out;
  for (const base::FieldSpec* f : layout.columns) {
    const base::Value& v = record.get(f->name);
    AG_ASSIGN_OR_RETURN(SqlParam param, toParam(*f, v));
    cols += ", " + quoteIdent(f->name);
    vals += ", " + p.add(std::move(param));
    out.values.emplace(f->name, v);
  }
  std::string sql = "INSERT INTO " + layout.table + " (" + cols + ") VALUES (" + vals + ")";
  auto id = conn_.insertId(sql, p.params());
  if (!id) {
    return mapConstraint(id.error(), schema.name, uniqueFields(schema));
  }
  out.id = id->value_or(0);
  out.version = 1;
  out.org_id = effectiveOrgId(layout, record);
  out.org_path = record.org_path;
  out.created_at = now;
  out.updated_at = now;
  if (layout.has_org_id_field) {
    out.values.emplace("org_id", out.org_id);
  }
  return out;
}

Status SqlRecordRepository::explainNoMatch(const base::EntitySchema& schema, std::int64_t id,
                                           std::int64_t version) {
  ParamList p(conn_.dialect());
  AG_ASSIGN_OR_RETURN(
      auto stored,
      queryInt(conn_, "SELECT version FROM " + quoteIdent(schema.name) + " WHERE id = " + p.add(id),
               p.params()));
  if (!stored) {
    return recordNotFound(schema, id);
  }
  if (*stored != version) {
    return staleVersion();
  }
  return okStatus();
}

Result<base::Record> SqlRecordRepository::update(const base::EntitySchema& schema,
                                                 const base::Record& record, Instant now) {
  const TableLayout& layout = tableLayout(conn_.dialect(), schema);
  AG_RETURN_IF_ERROR(explainNoMatch(schema, record.id, record.version));
  AG_RETURN_IF_ERROR(checkUnique(schema, record, record.id));
  ParamList p(conn_.dialect());
  std::string sql =
      "UPDATE " + layout.table +
      " SET version = version + 1, org_id = " + p.add(effectiveOrgId(layout, record)) +
      ", org_path = " + p.add(record.org_path) + ", updated_at = " + p.add(toMillis(now));
  for (const base::FieldSpec* f : layout.columns) {
    AG_ASSIGN_OR_RETURN(SqlParam param, toParam(*f, record.get(f->name)));
    sql += ", " + quoteIdent(f->name) + " = " + p.add(std::move(param));
  }
  sql += " WHERE id = " + p.add(record.id) + " AND version = " + p.add(record.version);
  auto changed = exec(conn_, sql, p);
  if (!changed) {
    return mapConstraint(changed.error(), schema.name, uniqueFields(schema));
  }
  if (*changed == 0) {
    AG_RETURN_IF_ERROR(explainNoMatch(schema, record.id, record.version));
    return staleVersion();
  }
  return get(schema, record.id);
}

Status SqlRecordRepository::checkNotReferenced(const base::EntitySchema& schema, std::int64_t id) {
  auto referenced = [&](const std::string& table, const std::string& column) -> Result<bool> {
    ParamList p(conn_.dialect());
    std::string sql = "SELECT 1 FROM " + quoteIdent(table) + " WHERE " + quoteIdent(column) +
                      " = " + p.add(id) + " LIMIT 1";
    AG_ASSIGN_OR_RETURN(auto hit, queryInt(conn_, sql, p.params()));
    return hit.has_value();
  };
  auto inUse = [](const std::string& table) {
    return Error::conflict("base.in_use", "The record is still referenced").with("entity", table);
  };
  for (const auto& other : base::schemas()) {
    for (const auto& f : other.fields) {
      if (f.type != base::FieldType::kRef || f.ref != schema.name || f.computed) {
        continue;
      }
      AG_ASSIGN_OR_RETURN(bool hit, referenced(other.name, f.name));
      if (hit) {
        return inUse(other.name);
      }
    }
  }
  const char* user_column = schema.name == "org_units" ? "org_id"
                            : schema.name == "people"  ? "person_id"
                                                       : nullptr;
  if (user_column != nullptr) {
    AG_ASSIGN_OR_RETURN(bool hit, referenced("users", user_column));
    if (hit) {
      return inUse("users");
    }
  }
  return okStatus();
}

Status SqlRecordRepository::remove(const base::EntitySchema& schema, std::int64_t id,
                                   std::int64_t version) {
  AG_RETURN_IF_ERROR(explainNoMatch(schema, id, version));
  AG_RETURN_IF_ERROR(checkNotReferenced(schema, id));
  ParamList p(conn_.dialect());
  std::string sql = "DELETE FROM " + quoteIdent(schema.name) + " WHERE id = " + p.add(id) +
                    " AND version = " + p.add(version);
  AG_ASSIGN_OR_RETURN(auto changed, exec(conn_, sql, p));
  if (changed == 0) {
    return staleVersion();
  }
  return okStatus();
}

Result<std::int64_t> SqlRecordRepository::countReferences(const base::EntitySchema& schema,
                                                          const std::string& field,
                                                          std::int64_t id) {
  const base::FieldSpec* f = schema.field(field);
  if (f == nullptr || f->type != base::FieldType::kRef) {
    return Error::invalidArgument("query.bad_field", "Not a reference field").with("field", field);
  }
  ParamList p(conn_.dialect());
  std::string sql = "SELECT COUNT(*) FROM " + quoteIdent(schema.name) + " WHERE " +
                    quoteIdent(f->name) + " = " + p.add(id);
  AG_ASSIGN_OR_RETURN(auto n, queryInt(conn_, sql, p.params()));
  return n.value_or(0);
}

Result<std::int64_t> SqlRecordRepository::rewriteOrgPaths(const std::string& old_prefix,
                                                          const std::string& new_prefix) {
  if (old_prefix.empty()) {
    return Error::invalidArgument("base.bad_org_path", "The old path prefix must not be empty");
  }
  std::vector<std::string> tables;
  for (const auto& s : base::schemas()) {
    if (s.scoped) {
      tables.push_back(s.name);
    }
  }
  tables.emplace_back("users");
  std::int64_t changed = 0;
  for (const auto& table : tables) {
    ParamList p(conn_.dialect());
    std::string sql =
        "UPDATE " + quoteIdent(table) + " SET org_path = CAST(" + p.add(new_prefix) +
        " AS TEXT) || substr(org_path, " + p.add(static_cast<std::int64_t>(old_prefix.size()) + 1) +
        ") WHERE org_path LIKE " + p.add(escapeLike(old_prefix) + "%") + " ESCAPE '\\'";
    AG_ASSIGN_OR_RETURN(auto n, exec(conn_, sql, p));
    changed += n;
  }
  return changed;
}

// ---------------------------------------------------------------------------------------------
// Users

namespace {

constexpr const char* kUserColumns =
    "id, username, display_name, password_hash, roles, org_id, org_path, person_id, language, "
    "active, failed_logins, locked_until, version, created_at, updated_at";

auth::User readUser(const SqlRow& row) {
  auth::User u;
  u.id = UserId{row.getInt(0)};
  u.username = row.getText(1);
  u.display_name = row.getText(2);
  u.password_hash = row.getText(3);
  u.roles = decodeCodeList(row.getText(4));
  u.org_id = row.getInt(5);
  u.org_path = row.getText(6);
  u.person_id = row.getInt(7);
  u.language = row.getText(8);
  u.active = row.getBool(9);
  u.failed_logins = static_cast<int>(row.getInt(10));
  if (!row.isNull(11)) {
    u.locked_until = fromMillis(row.getInt(11));
  }
  u.version = row.getInt(12);
  u.created_at = fromMillis(row.getInt(13));
  u.updated_at = fromMillis(row.getInt(14));
  return u;
}

SqlParam optionalInstant(const std::optional<Instant>& t) {
  return t ? SqlParam{toMillis(*t)} : SqlParam{};
}

Error userNotFound() { return Error::notFound("auth.user_not_found", "No such user"); }

}  // namespace

Result<auth::User> SqlUserRepository::findOne(const std::string& where, SqlParam value) {
  ParamList p(conn_.dialect());
  std::string sql = std::string("SELECT ") + kUserColumns + " FROM users WHERE " + where + " = " +
                    p.add(std::move(value));
  std::optional<auth::User> found;
  AG_ASSIGN_OR_RETURN(
      auto ignored, conn_.run(sql, p.params(), [&](const SqlRow& row) { found = readUser(row); }));
  (void)ignored;
  if (!found) {
    return userNotFound();
  }
  return *std::move(found);
}

Result<auth::User> SqlUserRepository::findById(UserId id) { return findOne("id", id.value); }

Result<auth::User> SqlUserRepository::findByUsername(const std::string& username) {
  return findOne("username", username);
}

Status SqlUserRepository::checkUsernameFree(const auth::User& user) {
  ParamList p(conn_.dialect());
  std::string sql = "SELECT id FROM users WHERE username = " + p.add(user.username) +
                    " AND id <> " + p.add(user.id.value) + " LIMIT 1";
  AG_ASSIGN_OR_RETURN(auto other, queryInt(conn_, sql, p.params()));
  if (other) {
    return duplicate("username");
  }
  return okStatus();
}

Result<auth::User> SqlUserRepository::insert(const auth::User& user, Instant now) {
  auth::User out = user;
  out.id = UserId{0};
  AG_RETURN_IF_ERROR(checkUsernameFree(out));
  ParamList p(conn_.dialect());
  std::string sql =
      "INSERT INTO users (username, display_name, password_hash, roles, org_id, org_path, "
      "person_id, language, active, failed_logins, locked_until, version, created_at, "
      "updated_at) VALUES (";
  sql += p.add(user.username) + ", " + p.add(user.display_name) + ", " + p.add(user.password_hash) +
         ", " + p.add(encodeCodeList(user.roles)) + ", " + p.add(user.org_id) + ", " +
         p.add(user.org_path) + ", " + p.add(user.person_id) + ", " + p.add(user.language) + ", " +
         p.add(user.active) + ", " + p.add(std::int64_t{user.failed_logins}) + ", " +
         p.add(optionalInstant(user.locked_until)) + ", " + p.add(std::int64_t{1}) + ", " +
         p.add(toMillis(now)) + ", " + p.add(toMillis(now)) + ")";
  auto id = conn_.insertId(sql, p.params());
  if (!id) {
    return mapConstraint(id.error(), "users", {"username"});
  }
  out.id = UserId{id->value_or(0)};
  out.version = 1;
  out.created_at = now;
  out.updated_at = now;
  return out;
}

Result<auth::User> SqlUserRepository::update(const auth::User& user, Instant now) {
  AG_RETURN_IF_ERROR(checkUsernameFree(user));
  ParamList p(conn_.dialect());
  std::string sql = "UPDATE users SET username = " + p.add(user.username) +
                    ", display_name = " + p.add(user.display_name) +
                    ", password_hash = " + p.add(user.password_hash) +
                    ", roles = " + p.add(encodeCodeList(user.roles)) +
                    ", org_id = " + p.add(user.org_id) + ", org_path = " + p.add(user.org_path) +
                    ", person_id = " + p.add(user.person_id) +
                    ", language = " + p.add(user.language) + ", active = " + p.add(user.active) +
                    ", failed_logins = " + p.add(std::int64_t{user.failed_logins}) +
                    ", locked_until = " + p.add(optionalInstant(user.locked_until)) +
                    ", version = version + 1, updated_at = " + p.add(toMillis(now)) +
                    " WHERE id = " + p.add(user.id.value) + " AND version = " + p.add(user.version);
  auto changed = exec(conn_, sql, p);
  if (!changed) {
    return mapConstraint(changed.error(), "users", {"username"});
  }
  if (*changed == 0) {
    AG_ASSIGN_OR_RETURN(auto stored, findById(user.id));
    (void)stored;
    return staleVersion();
  }
  return findById(user.id);
}

Result<std::vector<auth::User>> SqlUserRepository::list(const std::string& search,
                                                        const std::string& scope_prefix,
                                                        std::int64_t offset, std::int64_t limit,
                                                        std::int64_t* total) {
  ParamList p(conn_.dialect());
  std::string where;
  if (!search.empty()) {
    std::string ph = p.add("%" + escapeLike(search) + "%");
    where += " WHERE (" + likeInsensitive(conn_.dialect(), "username", ph) + " OR " +
             likeInsensitive(conn_.dialect(), "display_name", ph) + " OR roles LIKE " +
             p.add("%," + escapeLike(search) + ",%") + " ESCAPE '\\')";
  }
  if (!scope_prefix.empty()) {
    where += where.empty() ? " WHERE " : " AND ";
    where += "org_path LIKE " + p.add(escapeLike(scope_prefix) + "%") + " ESCAPE '\\'";
  }
  if (total != nullptr) {
    AG_ASSIGN_OR_RETURN(auto n, queryInt(conn_, "SELECT COUNT(*) FROM users" + where, p.params()));
    *total = n.value_or(0);
  }
  std::string sql = std::string("SELECT ") + kUserColumns + " FROM users" + where +
                    " ORDER BY id LIMIT " +
                    p.add(std::clamp<std::int64_t>(limit, 1, kMaxPageSize)) + " OFFSET " +
                    p.add(std::max<std::int64_t>(offset, 0));
  std::vector<auth::User> users;
  AG_ASSIGN_OR_RETURN(auto ignored, conn_.run(sql, p.params(), [&](const SqlRow& row) {
    users.push_back(readUser(row));
  }));
  (void)ignored;
  return users;
}

Result<std::int64_t> SqlUserRepository::count() {
  AG_ASSIGN_OR_RETURN(auto n, queryInt(conn_, "SELECT COUNT(*) FROM users", {}));
  return n.value_or(0);
}

// ---------------------------------------------------------------------------------------------
// Sessions

Status SqlSessionRepository::insert(const auth::Session& s) {
  ParamList p(conn_.dialect());
  std::string sql =
      "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked_at, "
      "client_address) VALUES (" +
      p.add(s.token_hash) + ", " + p.add(s.user_id.value) + ", " + p.add(toMillis(s.created_at)) +
      ", " + p.add(toMillis(s.expires_at)) + ", " + p.add(optionalInstant(s.revoked_at)) + ", " +
      p.add(s.client_address) + ")";
  auto inserted = exec(conn_, sql, p);
  if (!inserted) {
    return mapConstraint(inserted.error(), "sessions", {});
  }
  return okStatus();
}

Result<auth::Session> SqlSessionRepository::find(const std::string& token_hash) {
  ParamList p(conn_.dialect());
  std::string sql =
      "SELECT token_hash, user_id, created_at, expires_at, revoked_at, client_address FROM "
      "sessions WHERE token_hash = " +
      p.add(token_hash);
  std::optional<auth::Session> found;
  AG_ASSIGN_OR_RETURN(auto ignored, conn_.run(sql, p.params(), [&](const SqlRow& row) {
    auth::Session s;
    s.token_hash = row.getText(0);
    s.user_id = UserId{row.getInt(1)};
    s.created_at = fromMillis(row.getInt(2));
    s.expires_at = fromMillis(row.getInt(3));
    if (!row.isNull(4)) {
      s.revoked_at = fromMillis(row.getInt(4));
    }
    s.client_address = row.getText(5);
    found = std::move(s);
  }));
  (void)ignored;
  if (!found) {
    return Error::notFound("auth.session_not_found", "No such session");
  }
  return *std::move(found);
}

Status SqlSessionRepository::revoke(const std::string& token_hash, Instant at) {
  ParamList p(conn_.dialect());
  std::string sql = "UPDATE sessions SET revoked_at = COALESCE(revoked_at, " + p.add(toMillis(at)) +
                    ") WHERE token_hash = " + p.add(token_hash);
  AG_ASSIGN_OR_RETURN(auto n, exec(conn_, sql, p));
  if (n == 0) {
    return Error::notFound("auth.session_not_found", "No such session");
  }
  return okStatus();
}

Result<std::int64_t> SqlSessionRepository::revokeAllForUser(UserId user, Instant at) {
  ParamList p(conn_.dialect());
  std::string ms = p.add(toMillis(at));
  std::string sql = "UPDATE sessions SET revoked_at = " + ms +
                    " WHERE user_id = " + p.add(user.value) +
                    " AND revoked_at IS NULL AND expires_at > " + ms;
  return exec(conn_, sql, p);
}

Result<std::int64_t> SqlSessionRepository::purgeExpired(Instant before) {
  ParamList p(conn_.dialect());
  return exec(conn_, "DELETE FROM sessions WHERE expires_at < " + p.add(toMillis(before)), p);
}

// ---------------------------------------------------------------------------------------------
// Audit

namespace {

constexpr const char* kAuditColumns =
    "seq, at, actor_id, actor_name, client_address, action, entity, entity_id, org_path, "
    "before_json, after_json, prev_hash, hash";

audit::Entry readEntry(const SqlRow& row) {
  audit::Entry e;
  e.seq = row.getInt(0);
  e.at = fromMillis(row.getInt(1));
  e.actor_id = row.getInt(2);
  e.actor_name = row.getText(3);
  e.client_address = row.getText(4);
  e.action = row.getText(5);
  e.entity = row.getText(6);
  e.entity_id = row.getInt(7);
  e.org_path = row.getText(8);
  e.before_json = row.getText(9);
  e.after_json = row.getText(10);
  e.prev_hash = row.getText(11);
  e.hash = row.getText(12);
  return e;
}

}  // namespace

Result<audit::Entry> SqlAuditRepository::append(const audit::Entry& entry) {
  if (conn_.dialect() == Dialect::kPostgres) {
    ParamList lock(conn_.dialect());
    AG_ASSIGN_OR_RETURN(auto locked,
                        conn_.run("SELECT pg_advisory_xact_lock(" + lock.add(kAuditLockKey) + ")",
                                  lock.params(), {}));
    (void)locked;
  }
  audit::Entry e = entry;
  e.seq = 1;
  e.prev_hash = audit::kGenesisHash;
  AG_ASSIGN_OR_RETURN(auto ignored,
                      conn_.run("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", {},
                                [&](const SqlRow& row) {
                                  e.seq = row.getInt(0) + 1;
                                  e.prev_hash = row.getText(1);
                                }));
  (void)ignored;
  e.hash = audit::chainHash(e);
  ParamList p(conn_.dialect());
  std::string sql = std::string("INSERT INTO audit_log (") + kAuditColumns + ") VALUES (" +
                    p.add(e.seq) + ", " + p.add(toMillis(e.at)) + ", " + p.add(e.actor_id) + ", " +
                    p.add(e.actor_name) + ", " + p.add(e.client_address) + ", " + p.add(e.action) +
                    ", " + p.add(e.entity) + ", " + p.add(e.entity_id) + ", " + p.add(e.org_path) +
                    ", " + p.add(e.before_json) + ", " + p.add(e.after_json) + ", " +
                    p.add(e.prev_hash) + ", " + p.add(e.hash) + ")";
  AG_ASSIGN_OR_RETURN(auto n, exec(conn_, sql, p));
  (void)n;
  return e;
}

Result<std::vector<audit::Entry>> SqlAuditRepository::list(const AuditQuery& query,
                                                           std::int64_t* total) {
  ParamList p(conn_.dialect());
  std::vector<std::string> terms;
  if (!query.entity.empty()) {
    terms.push_back("entity = " + p.add(query.entity));
  }
  if (!query.action.empty()) {
    terms.push_back("action = " + p.add(query.action));
  }
  if (query.actor_id != 0) {
    terms.push_back("actor_id = " + p.add(query.actor_id));
  }
  if (query.entity_id != 0) {
    terms.push_back("entity_id = " + p.add(query.entity_id));
  }
  if (query.from) {
    terms.push_back("at >= " + p.add(toMillis(*query.from)));
  }
  if (query.to) {
    terms.push_back("at <= " + p.add(toMillis(*query.to)));
  }
  if (!query.scope_prefix.empty()) {
    terms.push_back("(org_path LIKE " + p.add(escapeLike(query.scope_prefix) + "%") +
                    " ESCAPE '\\' OR org_path = '')");
  }
  std::string where;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    where += (i == 0 ? " WHERE " : " AND ") + terms[i];
  }
  if (total != nullptr) {
    AG_ASSIGN_OR_RETURN(auto n,
                        queryInt(conn_, "SELECT COUNT(*) FROM audit_log" + where, p.params()));
    *total = n.value_or(0);
  }
  auto [limit, offset] = paging(query.page, query.page_size);
  std::string sql = std::string("SELECT ") + kAuditColumns + " FROM audit_log" + where +
                    " ORDER BY seq DESC LIMIT " + p.add(limit) + " OFFSET " + p.add(offset);
  std::vector<audit::Entry> entries;
  AG_ASSIGN_OR_RETURN(auto ignored, conn_.run(sql, p.params(), [&](const SqlRow& row) {
    entries.push_back(readEntry(row));
  }));
  (void)ignored;
  return entries;
}

Status SqlAuditRepository::scan(const std::function<bool(const audit::Entry&)>& fn) {
  std::int64_t after = 0;
  const std::string sql = std::string("SELECT ") + kAuditColumns + " FROM audit_log WHERE seq > " +
                          placeholder(conn_.dialect(), 1) + " ORDER BY seq LIMIT " +
                          placeholder(conn_.dialect(), 2);
  std::vector<audit::Entry> batch;
  batch.reserve(kScanBatch);
  while (true) {
    batch.clear();
    AG_ASSIGN_OR_RETURN(auto ignored,
                        conn_.run(sql, {SqlParam{after}, SqlParam{kScanBatch}},
                                  [&](const SqlRow& row) { batch.push_back(readEntry(row)); }));
    (void)ignored;
    for (const auto& e : batch) {
      if (!fn(e)) {
        return okStatus();
      }
    }
    if (static_cast<std::int64_t>(batch.size()) < kScanBatch) {
      return okStatus();
    }
    after = batch.back().seq;
  }
}

}  // namespace anguan::store
