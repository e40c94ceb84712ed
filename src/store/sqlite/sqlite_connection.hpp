// One sqlite3 connection as a SqlConnection: prepared statements cached by SQL text, parameters
// bound (never spliced), and the single SQLite result code -> Error mapping (toError).
//
// Thread safety: one thread at a time (opened with SQLITE_OPEN_NOMUTEX); the store hands it out.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "anguan/core/result.hpp"

#include "common/sql.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace anguan::store::sqlite {

// BUSY/LOCKED -> kUnavailable, CONSTRAINT -> kConflict, anything else -> kInternal. The raw
// SQLite text is logged by the caller, never put into the Error.
Error toError(int rc);

class SqliteConnection final : public SqlConnection {
 public:
  enum class Mode { kWriter, kReader };

  // Opens `path` and applies the connection PRAGMAs. kUnavailable when it can't be opened.
  [[nodiscard]] static Result<std::unique_ptr<SqliteConnection>> open(const std::string& path,
                                                                      Mode mode);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }
  [[nodiscard]] Result<std::int64_t> run(const std::string& sql,
                                         const std::vector<SqlParam>& params,
                                         const RowFn& on_row) override;
  [[nodiscard]] Status script(const std::string& sql) override;
  // The id is the row's rowid (sqlite3_last_insert_rowid): no RETURNING, whose result SQLite
  // collects in an ephemeral table for every insert.
  [[nodiscard]] Result<std::optional<std::int64_t>> insertId(
      const std::string& insert_sql, const std::vector<SqlParam>& params) override;
  // Runs one parameterless statement (BEGIN, COMMIT, SAVEPOINT...) through the statement
  // cache, so the hot transaction brackets are not re-parsed every time.
  [[nodiscard]] Status command(const std::string& sql);
  // True while a transaction is open (false after SQLite rolled one back by itself).
  bool inTransaction() const;
  // Rows inserted, updated or deleted through this connection since it was opened.
  std::int64_t totalChanges() const;

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  [[nodiscard]] Result<sqlite3_stmt*> statement(const std::string& sql);
  // Logs the connection's current error text and maps `rc`.
  Error fail(int rc, const char* what);

  sqlite3* db_;
  // Keyed by SQL text; bounded by kMaxCachedStatements.
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace anguan::store::sqlite
