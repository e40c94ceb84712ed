#include "postgres/pg_connection.hpp"

#include <charconv>
#include <cstdlib>
#include <cstring>

#include <libpq-fe.h>

#include "anguan/core/log.hpp"

namespace anguan::store::postgres {
namespace {

// Frees a PGresult however the scope ends.
struct ResultDeleter {
  void operator()(PGresult* res) const { PQclear(res); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

class PgRow final : public SqlRow {
 public:
  PgRow(PGresult* res, int row) : res_(res), row_(row) {}
  bool isNull(int column) const override { return PQgetisnull(res_, row_, column) != 0; }
  std::int64_t getInt(int column) const override {
    const char* text = PQgetvalue(res_, row_, column);
    std::int64_t value = 0;
    std::from_chars(text, text + std::strlen(text), value);
    return value;
  }
  double getDouble(int column) const override {
    return std::strtod(PQgetvalue(res_, row_, column), nullptr);
  }
  bool getBool(int column) const override {
    const char* text = PQgetvalue(res_, row_, column);
    return text[0] == 't' || text[0] == '1';
  }
  std::string getText(int column) const override {
    return {PQgetvalue(res_, row_, column),
            static_cast<std::size_t>(PQgetlength(res_, row_, column))};
  }

 private:
  PGresult* res_;
  int row_;
};

std::string toText(const SqlParam& param) {
  if (const auto* i = std::get_if<std::int64_t>(&param)) {
    return std::to_string(*i);
  }
  if (const auto* d = std::get_if<double>(&param)) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), *d);  // Shortest round-trip form.
    (void)ec;
    return {buf, end};
  }
  if (const auto* b = std::get_if<bool>(&param)) {
    return *b ? "t" : "f";
  }
  if (const auto* s = std::get_if<std::string>(&param)) {
    return *s;
  }
  return {};
}

void noticeToLog(void* /*arg*/, const char* message) { log::debug("postgres: {}", message); }

}  // namespace

Error toError(const char* sqlstate) {
  std::string state = sqlstate == nullptr ? "" : sqlstate;
  if (state == "23505") {
    return Error::conflict("base.duplicate", "A record with this value already exists");
  }
  if (state.starts_with("23")) {
    return Error::conflict("store.constraint", "The change violates a database constraint");
  }
  if (state.empty() || state == "40001" || state == "40P01" || state.starts_with("08") ||
      state.starts_with("53") || state.starts_with("57P")) {
    return Error::unavailable("store.unavailable", "The database is unavailable, retry later");
  }
  return Error::internal("store.failure", "Storage failure");
}

bool validSchemaName(const std::string& schema) {
  if (schema.empty() || schema.size() > 63) {
    return false;
  }
  for (char c : schema) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) {
      return false;
    }
  }
  return true;
}

Result<std::unique_ptr<PgConnection>> PgConnection::open(const std::string& url,
                                                         const std::string& schema) {
  if (!schema.empty() && !validSchemaName(schema)) {
    return Error::invalidArgument("store.bad_schema", "Schema name must match [a-z0-9_]+");
  }
  PGconn* raw = PQconnectdb(url.c_str());
  if (raw == nullptr || PQstatus(raw) != CONNECTION_OK) {
    log::error("postgres: cannot connect: {}", raw != nullptr ? PQerrorMessage(raw) : "oom");
    PQfinish(raw);
    return Error::unavailable("store.unavailable", "Cannot connect to PostgreSQL");
  }
  std::unique_ptr<PgConnection> conn(new PgConnection(raw, schema));
  AG_RETURN_IF_ERROR(conn->setUp());
  return conn;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

Status PgConnection::setUp() {
  PQsetNoticeProcessor(conn_, noticeToLog, nullptr);
  statements_.clear();
  std::string sql = "SET client_min_messages TO warning; SET synchronous_commit TO on;";
  if (!schema_.empty()) {
    // validSchemaName() made the name safe to splice.
    sql += " CREATE SCHEMA IF NOT EXISTS " + schema_ + "; SET search_path TO " + schema_ + ";";
  }
  return script(sql);
}

Status PgConnection::ensureConnected() {
  if (PQstatus(conn_) == CONNECTION_OK) {
    return okStatus();
  }
  log::warn("postgres: connection lost, reconnecting");
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    log::error("postgres: reconnect failed: {}", PQerrorMessage(conn_));
    return Error::unavailable("store.unavailable", "Cannot connect to PostgreSQL");
  }
  return setUp();
}

Error PgConnection::fail(PGresult* res, const char* what) {
  const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const char* message = res != nullptr ? PQresultErrorMessage(res) : PQerrorMessage(conn_);
  log::warn("postgres {}: {} [{}]", what, message, state != nullptr ? state : "-");
  if (PQstatus(conn_) != CONNECTION_OK) {
    return toError(nullptr);
  }
  Error e = toError(state);
  if (res != nullptr && e.code() == ErrorCode::kConflict) {
    const char* constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
    e.with("constraint", constraint != nullptr ? constraint : "");
  }
  return e;
}

Result<std::int64_t> PgConnection::run(const std::string& sql, const std::vector<SqlParam>& params,
                                       const RowFn& on_row) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    std::string name = "ag" + std::to_string(statements_.size() + 1);
    PgResult prepared(
        PQprepare(conn_, name.c_str(), sql.c_str(), static_cast<int>(params.size()), nullptr));
    auto status = prepared ? PQresultStatus(prepared.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK) {
      log::error("postgres prepare failed for [{}]", sql);
      return fail(prepared.get(), "prepare");
    }
    it = statements_.emplace(sql, std::move(name)).first;
  }
  std::vector<std::string> texts;
  std::vector<const char*> values;
  texts.reserve(params.size());
  values.reserve(params.size());
  for (const auto& p : params) {
    texts.push_back(toText(p));
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    values.push_back(std::holds_alternative<std::monostate>(params[i]) ? nullptr
                                                                       : texts[i].c_str());
  }
  PgResult res(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()),
                              values.data(), nullptr, nullptr, 0));
  auto status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_TUPLES_OK) {
    if (on_row) {
      int rows = PQntuples(res.get());
      for (int r = 0; r < rows; ++r) {
        on_row(PgRow(res.get(), r));
      }
    }
  } else if (status != PGRES_COMMAND_OK) {
    return fail(res.get(), "exec");
  }
  const char* affected = PQcmdTuples(res.get());
  std::int64_t changed = 0;
  std::from_chars(affected, affected + std::strlen(affected), changed);
  return changed;
}

Status PgConnection::script(const std::string& sql) {
  PgResult res(PQexec(conn_, sql.c_str()));
  auto status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return fail(res.get(), "exec");
  }
  return okStatus();
}

Status PgConnection::commit() {
  PgResult res(PQexec(conn_, "COMMIT"));
  auto status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK) {
    return fail(res.get(), "commit");
  }
  // COMMIT of a transaction the server aborted (a statement failed and the callback ignored
  // the error) reports ROLLBACK instead of failing.
  if (std::strcmp(PQcmdStatus(res.get()), "COMMIT") != 0) {
    log::error("postgres: transaction was aborted; COMMIT rolled back");
    return Error::internal("store.transaction_aborted", "Storage failure");
  }
  return okStatus();
}

void PgConnection::rollbackIfOpen() {
  if (PQstatus(conn_) != CONNECTION_OK) {
    return;
  }
  if (PQtransactionStatus(conn_) != PQTRANS_IDLE) {
    PgResult res(PQexec(conn_, "ROLLBACK"));
  }
}

}  // namespace anguan::store::postgres
