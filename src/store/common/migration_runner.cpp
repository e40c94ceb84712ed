#include "common/migration_runner.hpp"

#include <set>

#include "anguan/core/log.hpp"

namespace anguan::store {
namespace {

Result<std::set<int>> appliedNumbers(SqlConnection& conn) {
  std::set<int> applied;
  AG_ASSIGN_OR_RETURN(auto ignored,
                      conn.run("SELECT number FROM schema_migrations", {}, [&](const SqlRow& row) {
                        applied.insert(static_cast<int>(row.getInt(0)));
                      }));
  (void)ignored;
  return applied;
}

Error migrationFailed(const Migration& m, const Error& cause) {
  log::error("migration {} failed: {} ({})", m.name, cause.key(), cause.message());
  return Error::unavailable("store.migration_failed", "A database migration failed")
      .with("migration", m.name);
}

// Applies one migration inside its own transaction. Returns false when another node applied it
// meanwhile.
Result<bool> applyOne(SqlConnection& conn, const Migration& m, const MigrationDialect& dialect,
                      Instant now) {
  AG_RETURN_IF_ERROR(conn.script(dialect.begin_sql));
  auto body = [&]() -> Result<bool> {
    if (!dialect.lock_sql.empty()) {
      AG_ASSIGN_OR_RETURN(auto locked, conn.run(dialect.lock_sql, {}, {}));
      (void)locked;
    }
    AG_ASSIGN_OR_RETURN(auto applied, appliedNumbers(conn));
    if (applied.contains(m.number)) {
      return false;
    }
    AG_RETURN_IF_ERROR(conn.script(m.sql));
    ParamList p(conn.dialect());
    std::string sql = "INSERT INTO schema_migrations (number, name, applied_at) VALUES (";
    sql += p.add(std::int64_t{m.number}) + ", ";
    sql += p.add(std::string(m.name)) + ", ";
    sql += p.add(toMillis(now)) + ")";
    AG_ASSIGN_OR_RETURN(auto inserted, conn.run(sql, p.params(), {}));
    (void)inserted;
    return true;
  };
  auto result = body();
  if (!result) {
    (void)conn.script("ROLLBACK");
    return result;
  }
  AG_RETURN_IF_ERROR(conn.script("COMMIT"));
  return result;
}

}  // namespace

Result<int> runMigrations(SqlConnection& conn, const std::vector<Migration>& all,
                          const MigrationDialect& dialect, Instant now) {
  auto created = conn.script(
      "CREATE TABLE IF NOT EXISTS schema_migrations (number BIGINT PRIMARY KEY, name TEXT NOT "
      "NULL, applied_at BIGINT NOT NULL)");
  if (!created) {
    log::error("cannot create schema_migrations: {}", created.error().message());
    return Error::unavailable("store.migration_failed", "Cannot create schema_migrations");
  }
  auto applied = appliedNumbers(conn);
  if (!applied) {
    return Error::unavailable("store.migration_failed", "Cannot read schema_migrations");
  }
  int count = 0;
  for (const auto& m : all) {
    if (applied->contains(m.number)) {
      continue;
    }
    auto done = applyOne(conn, m, dialect, now);
    if (!done) {
      return migrationFailed(m, done.error());
    }
    if (*done) {
      log::info("applied migration {}", m.name);
      ++count;
    }
  }
  return count;
}

}  // namespace anguan::store
