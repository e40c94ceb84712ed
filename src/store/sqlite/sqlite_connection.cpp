#include "sqlite/sqlite_connection.hpp"

#include <sqlite3.h>

#include "anguan/core/log.hpp"

#include "sqlite/wal_write_vfs.hpp"

namespace anguan::store::sqlite {
namespace {

constexpr std::size_t kMaxCachedStatements = 512;
constexpr int kBusyTimeoutMs = 5000;
constexpr int kStatementJournalInMemory = -1;  // never spilled to a file

class SqliteRow final : public SqlRow {
 public:
  explicit SqliteRow(sqlite3_stmt* stmt) : stmt_(stmt) {}
  bool isNull(int column) const override {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }
  std::int64_t getInt(int column) const override { return sqlite3_column_int64(stmt_, column); }
  double getDouble(int column) const override { return sqlite3_column_double(stmt_, column); }
  bool getBool(int column) const override { return sqlite3_column_int64(stmt_, column) != 0; }
  std::string getText(int column) const override {
    const auto* text = sqlite3_column_text(stmt_, column);
    if (text == nullptr) {
      return {};
    }
    return {reinterpret_cast<const char*>(text),
            static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
  }

 private:
  sqlite3_stmt* stmt_;
};

// Resets a cached statement when a run ends, however it ends, so it can be reused.
class ResetGuard {
 public:
  explicit ResetGuard(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~ResetGuard() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  ResetGuard(const ResetGuard&) = delete;
  ResetGuard& operator=(const ResetGuard&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

int bind(sqlite3_stmt* stmt, int index, const SqlParam& param) {
  if (const auto* i = std::get_if<std::int64_t>(&param)) {
    return sqlite3_bind_int64(stmt, index, *i);
  }
  if (const auto* d = std::get_if<double>(&param)) {
    return sqlite3_bind_double(stmt, index, *d);
  }
  if (const auto* b = std::get_if<bool>(&param)) {
    return sqlite3_bind_int(stmt, index, *b ? 1 : 0);
  }
  if (const auto* s = std::get_if<std::string>(&param)) {
    // SQLITE_STATIC: `params` outlives the statement's use in run().
    return sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
  }
  return sqlite3_bind_null(stmt, index);
}

// "UNIQUE constraint failed: people.employee_no" -> "people_employee_no_key", the name the
// migrations give that constraint (as PostgreSQL reports it).
std::string uniqueConstraintName(const char* message) {
  std::string text = message == nullptr ? "" : message;
  const std::string marker = "UNIQUE constraint failed: ";
  auto at = text.find(marker);
  if (at == std::string::npos) {
    return {};
  }
  std::string column = text.substr(at + marker.size());
  if (column.find(',') != std::string::npos) {
    return {};
  }
  for (char& c : column) {
    if (c == '.') {
      c = '_';
    }
  }
  return column + "_key";
}

}  // namespace

Error toError(int rc) {
  switch (rc & 0xff) {  // Primary result code.
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error::unavailable("store.busy", "The database is busy, retry later");
    case SQLITE_CONSTRAINT:
      return Error::conflict("base.duplicate", "The change violates a database constraint");
    default:
      return Error::internal("store.failure", "Storage failure");
  }
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const std::string& path,
                                                                 Mode mode) {
  // Before SQLite initialises (the first open): no memory statistics. With them on (the
  // library's default) every allocation of every connection takes one process-wide mutex, so
  // the writer and the readers of other threads queued on it: the permit bench made about 10 %
  // fewer futex calls without them (docs/performance.md, session 14). Nothing reads the
  // statistics.
  static const int memstatus_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)memstatus_off;
  // Statement journals in memory. The writer runs each queued write in a savepoint, so SQLite
  // keeps the original of every page that write changes; past 64 KiB (the default) it moved them
  // to a temporary file, and the writer created, wrote and deleted one for most batches: 60 % of
  // all pwrite calls and a third of the writer's time outside COMMIT (docs/performance.md,
  // session 15). RELEASE empties it. No bound: with a positive bound SQLite allocates the whole
  // bound as one chunk for every journal (64 MiB per write, page faults on the writer), and
  // SQLite 3.40 fails a write with SQLITE_FULL once its journal outgrows a bound above 128 KiB
  // (session 16). The cost: a statement that rewrites a large table (a migration) holds the
  // originals of the pages it changes in memory until it ends.
  static const int stmt_journal_in_memory =
      sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, kStatementJournalInMemory);
  (void)stmt_journal_in_memory;
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |=
      mode == Mode::kWriter ? (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) : SQLITE_OPEN_READONLY;
  sqlite3* db = nullptr;
  // A commit's WAL frames reach the kernel in a few large writes (wal_write_vfs.hpp).
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, walWriteVfsName());
  if (rc != SQLITE_OK) {
    log::error("sqlite: cannot open {}: {}", path,
               db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return Error::unavailable("store.open_failed", "Cannot open the database file");
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  std::unique_ptr<SqliteConnection> conn(new SqliteConnection(db));
  std::string pragmas =
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
      // No memory-mapped reads (mmap_size 0): a read transaction that begins after any commit
      // unmaps the whole mapping (sqlite3OsUnfetch) and faults its pages in again. Reads of the
      // hazard ledger alone ran about twice as fast mapped, but with writes going on (permits,
      // monitoring) the remapping cost more than it saved: permit lifecycles 45 -> 68/s without
      // it (docs/performance.md "Permit lifecycles"). The hazard ledger's p99 stays under half
      // its target.
      "PRAGMA mmap_size=0; "
      "PRAGMA busy_timeout=" +
      std::to_string(kBusyTimeoutMs) + ";";
  if (mode == Mode::kReader) {
    pragmas += " PRAGMA query_only=1;";
  }
  auto status = conn->script(pragmas);
  if (!status) {
    return Error::unavailable("store.open_failed", "Cannot configure the database connection");
  }
  return conn;
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, stmt] : statements_) {
    sqlite3_finalize(stmt);
  }
  sqlite3_close_v2(db_);
}

Error SqliteConnection::fail(int rc, const char* what) {
  log::warn("sqlite {}: {} ({})", what, sqlite3_errmsg(db_), rc);
  return toError(rc);
}

Result<sqlite3_stmt*> SqliteConnection::statement(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) {
    return it->second;
  }
  if (statements_.size() >= kMaxCachedStatements) {
    for (auto& [text, stmt] : statements_) {
      sqlite3_finalize(stmt);
    }
    statements_.clear();
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    log::error("sqlite prepare failed for [{}]", sql);
    return fail(rc, "prepare");
  }
  statements_.emplace(sql, stmt);
  return stmt;
}

Result<std::int64_t> SqliteConnection::run(const std::string& sql,
                                           const std::vector<SqlParam>& params,
                                           const RowFn& on_row) {
  AG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, statement(sql));
  ResetGuard guard(stmt);
  int count = std::min(sqlite3_bind_parameter_count(stmt), static_cast<int>(params.size()));
  for (int i = 0; i < count; ++i) {
    if (int rc = bind(stmt, i + 1, params[static_cast<std::size_t>(i)]); rc != SQLITE_OK) {
      return fail(rc, "bind");
    }
  }
  SqliteRow row(stmt);
  while (true) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      if (on_row) {
        on_row(row);
      }
      continue;
    }
    if (rc == SQLITE_DONE) {
      break;
    }
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
      std::string constraint = uniqueConstraintName(sqlite3_errmsg(db_));
      Error e = fail(rc, "step");
      return e.with("constraint", constraint);
    }
    return fail(rc, "step");
  }
  return sqlite3_stmt_readonly(stmt) != 0 ? 0 : sqlite3_changes64(db_);
}

Status SqliteConnection::script(const std::string& sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    log::warn("sqlite exec: {} ({})", message != nullptr ? message : sqlite3_errstr(rc), rc);
    sqlite3_free(message);
    return toError(rc);
  }
  return okStatus();
}

Result<std::optional<std::int64_t>> SqliteConnection::insertId(
    const std::string& insert_sql, const std::vector<SqlParam>& params) {
  AG_ASSIGN_OR_RETURN(auto inserted, run(insert_sql, params, {}));
  if (inserted == 0) {
    return std::optional<std::int64_t>{};
  }
  return std::optional<std::int64_t>{sqlite3_last_insert_rowid(db_)};
}

Status SqliteConnection::command(const std::string& sql) {
  AG_ASSIGN_OR_RETURN(auto changed, run(sql, {}, {}));
  (void)changed;
  return okStatus();
}

bool SqliteConnection::inTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

std::int64_t SqliteConnection::totalChanges() const { return sqlite3_total_changes64(db_); }

}  // namespace anguan::store::sqlite
