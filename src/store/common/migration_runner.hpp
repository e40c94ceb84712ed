// Applies pending numbered migrations (common/migration.hpp) through a SqlConnection. Shared by
// both drivers; the caller supplies the dialect's BEGIN statement and an optional lock statement
// run first inside each migration's transaction (PostgreSQL: an advisory lock, so that several
// nodes starting at once apply each migration exactly once).
//
// Thread safety: uses only the connection it is given.
#pragma once

#include <string>
#include <vector>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"

#include "common/migration.hpp"
#include "common/sql.hpp"

namespace anguan::store {

struct MigrationDialect {
  std::string begin_sql;  // "BEGIN IMMEDIATE" / "BEGIN".
  std::string lock_sql;   // Run right after BEGIN; "" = none.
};

// Creates schema_migrations if needed, then applies each migration whose number is not in it,
// in order, each in its own transaction. Returns the number applied. kUnavailable when a
// migration fails (the database is left at the last good migration).
[[nodiscard]] Result<int> runMigrations(SqlConnection& conn, const std::vector<Migration>& all,
                                        const MigrationDialect& dialect, Instant now);

}  // namespace anguan::store
