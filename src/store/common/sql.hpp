// The dialect-neutral SQL seam between the repositories (common/repositories.hpp), which are
// written once, and the two drivers (sqlite/, postgres/), which only run statements. A
// SqlConnection runs one parameterised statement at a time; every value is bound as a parameter
// and only trusted identifiers (schema field names, fixed table names) are ever spliced into SQL
// text.
//
// Thread safety: a SqlConnection belongs to one thread at a time (the Store hands it out).
// The free functions are pure.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"

namespace anguan::store {

enum class Dialect { kSqlite, kPostgres };

// A bound parameter. Booleans become 0/1 on SQLite and t/f on PostgreSQL.
using SqlParam = std::variant<std::monostate, std::int64_t, double, bool, std::string>;

// One result row, valid only during the row callback.
class SqlRow {
 public:
  virtual ~SqlRow() = default;
  virtual bool isNull(int column) const = 0;
  virtual std::int64_t getInt(int column) const = 0;
  virtual double getDouble(int column) const = 0;
  virtual bool getBool(int column) const = 0;
  virtual std::string getText(int column) const = 0;
};

// Called per row. It must only read the row: running another statement from inside it is not
// allowed (drivers reuse cached statements).
using RowFn = std::function<void(const SqlRow&)>;

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual Dialect dialect() const = 0;
  // Runs one statement with `params` bound to ?1.. / $1.. and calls `on_row` (may be empty) for
  // each result row. Returns the number of rows changed for INSERT/UPDATE/DELETE, else 0.
  // Errors: kConflict on constraint violations (a unique violation carries the detail
  // "constraint" with the constraint name when the driver knows it), kUnavailable when the
  // database is busy or unreachable, kInternal otherwise.
  [[nodiscard]] virtual Result<std::int64_t> run(const std::string& sql,
                                                 const std::vector<SqlParam>& params,
                                                 const RowFn& on_row) = 0;
  // Runs a parameterless script of one or more statements (migrations, BEGIN/COMMIT).
  [[nodiscard]] virtual Status script(const std::string& sql) = 0;
  // Runs `insert_sql`, an INSERT of one row (no RETURNING clause) into a table whose `id` column
  // is its integer key, and returns that row's id; nullopt when nothing was inserted (ON CONFLICT
  // DO NOTHING). Not for ON CONFLICT DO UPDATE: SQLite reports no id for a row it updated. This
  // default appends " RETURNING id" and reads the row it answers.
  [[nodiscard]] virtual Result<std::optional<std::int64_t>> insertId(
      const std::string& insert_sql, const std::vector<SqlParam>& params);
};

// Collects parameters while SQL text is built and returns the matching placeholder.
class ParamList {
 public:
  explicit ParamList(Dialect dialect) : dialect_(dialect) {}
  // Appends `value` and returns its placeholder ("?3" or "$3").
  std::string add(SqlParam value);
  const std::vector<SqlParam>& params() const { return params_; }
  Dialect dialect() const { return dialect_; }

 private:
  Dialect dialect_;
  std::vector<SqlParam> params_;
};

// "?n" on SQLite, "$n" on PostgreSQL.
std::string placeholder(Dialect dialect, int n);
// `"name"`. REQUIRES: name is a trusted identifier (schema field or fixed column name).
std::string quoteIdent(std::string_view name);
// Escapes \, % and _ for use in `LIKE ... ESCAPE '\'`.
std::string escapeLike(std::string_view text);
// Case-insensitive LIKE of `column` against placeholder `ph` (ESCAPE '\' included).
std::string likeInsensitive(Dialect dialect, const std::string& column, const std::string& ph);
// `column` contains the parameter `ph` as a plain substring (case-sensitive, no wildcards, and
// unlike a LIKE on a bound pattern SQLite does not prepare it again for each value).
std::string containsText(Dialect dialect, const std::string& column, const std::string& ph);
// ORDER BY expression of a column; text sorts bytewise on both dialects.
std::string sortExpr(Dialect dialect, const std::string& column, bool is_text);
// Code lists are stored as ",a,b," ("" for an empty list) so that "contains x" is
// LIKE '%,x,%'.
std::string encodeCodeList(const std::vector<std::string>& codes);
std::vector<std::string> decodeCodeList(std::string_view stored);

// Small helpers for repositories written over a SqlConnection.
// The first column of the first row as an integer (NULL reads 0), or nullopt when there is no row.
[[nodiscard]] Result<std::optional<std::int64_t>> queryOneInt(SqlConnection& conn,
                                                              const std::string& sql,
                                                              const std::vector<SqlParam>& params);
// Runs a statement; returns rows changed.
[[nodiscard]] Result<std::int64_t> execSql(SqlConnection& conn, const std::string& sql,
                                           const ParamList& params);
// An optional instant as milliseconds since the epoch, or NULL.
SqlParam optionalMillis(const std::optional<Instant>& t);
// Column `column` of `row` as an optional instant (NULL = nullopt).
std::optional<Instant> readOptionalInstant(const SqlRow& row, int column);

}  // namespace anguan::store
