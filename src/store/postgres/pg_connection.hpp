// One libpq connection as a SqlConnection: statements prepared once per connection (keyed by
// SQL text) and run with PQexecPrepared, parameters in text format, and the single SQLSTATE ->
// Error mapping (toError). Reconnects (and re-applies the search_path) when the server went
// away.
//
// Thread safety: one thread at a time; the store's pool hands it out.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "anguan/core/result.hpp"

#include "common/sql.hpp"

struct pg_conn;
struct pg_result;

namespace anguan::store::postgres {

// Maps a SQLSTATE (nullptr when there is none, e.g. the connection dropped): 23505 and other
// 23xxx -> kConflict, 40001/40P01, 08xxx, 53xxx, 57Pxx -> kUnavailable, else kInternal.
Error toError(const char* sqlstate);

// True for [a-z0-9_]{1,63}: the only schema names we splice into SQL.
bool validSchemaName(const std::string& schema);

class PgConnection final : public SqlConnection {
 public:
  // Connects and, when `schema` is not empty, creates it if needed and sets the search_path.
  // kUnavailable when the server can't be reached.
  [[nodiscard]] static Result<std::unique_ptr<PgConnection>> open(const std::string& url,
                                                                  const std::string& schema);
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }
  [[nodiscard]] Result<std::int64_t> run(const std::string& sql,
                                         const std::vector<SqlParam>& params,
                                         const RowFn& on_row) override;
  [[nodiscard]] Status script(const std::string& sql) override;

  // Reconnects when the connection was lost. kUnavailable when that fails.
  [[nodiscard]] Status ensureConnected();
  // COMMIT that notices a transaction the server had already aborted.
  [[nodiscard]] Status commit();
  // Rolls back whatever transaction is still open (after an error).
  void rollbackIfOpen();

 private:
  PgConnection(pg_conn* conn, std::string schema) : conn_(conn), schema_(std::move(schema)) {}
  [[nodiscard]] Status setUp();
  // Logs the error of `res` (or of the connection) and maps it.
  Error fail(pg_result* res, const char* what);

  pg_conn* conn_;
  std::string schema_;
  // SQL text -> prepared statement name on this connection.
  std::unordered_map<std::string, std::string> statements_;
};

}  // namespace anguan::store::postgres
