#include "common/sql.hpp"

namespace anguan::store {

std::string ParamList::add(SqlParam value) {
  params_.push_back(std::move(value));
  return placeholder(dialect_, static_cast<int>(params_.size()));
}

std::string placeholder(Dialect dialect, int n) {
  return (dialect == Dialect::kSqlite ? "?" : "$") + std::to_string(n);
}

std::string quoteIdent(std::string_view name) {
  std::string out = "\"";
  out += name;
  out += '"';
  return out;
}

std::string escapeLike(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 4);
  for (char c : text) {
    if (c == '\\' || c == '%' || c == '_') {
      out += '\\';
    }
    out += c;
  }
  return out;
}

std::string likeInsensitive(Dialect dialect, const std::string& column, const std::string& ph) {
  // SQLite's LIKE is already case-insensitive for ASCII (CJK has no case).
  if (dialect == Dialect::kSqlite) {
    return column + " LIKE " + ph + " ESCAPE '\\'";
  }
  return column + " ILIKE " + ph + " ESCAPE '\\'";
}

std::string containsText(Dialect dialect, const std::string& column, const std::string& ph) {
  return (dialect == Dialect::kSqlite ? "instr(" : "strpos(") + column + ", " + ph + ") > 0";
}

std::string sortExpr(Dialect dialect, const std::string& column, bool is_text) {
  if (is_text && dialect == Dialect::kPostgres) {
    return column + " COLLATE \"C\"";
  }
  return column;
}

std::string encodeCodeList(const std::vector<std::string>& codes) {
  if (codes.empty()) {
    return {};
  }
  std::string out = ",";
  for (const auto& c : codes) {
    out += c;
    out += ',';
  }
  return out;
}

std::vector<std::string> decodeCodeList(std::string_view stored) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < stored.size()) {
    std::size_t comma = stored.find(',', start);
    if (comma == std::string_view::npos) {
      comma = stored.size();
    }
    if (comma > start) {
      out.emplace_back(stored.substr(start, comma - start));
    }
    start = comma + 1;
  }
  return out;
}

Result<std::optional<std::int64_t>> queryOneInt(SqlConnection& conn, const std::string& sql,
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

Result<std::optional<std::int64_t>> SqlConnection::insertId(const std::string& insert_sql,
                                                            const std::vector<SqlParam>& params) {
  return queryOneInt(*this, insert_sql + " RETURNING id", params);
}

Result<std::int64_t> execSql(SqlConnection& conn, const std::string& sql, const ParamList& params) {
  return conn.run(sql, params.params(), {});
}

SqlParam optionalMillis(const std::optional<Instant>& t) {
  if (!t) {
    return std::monostate{};
  }
  return toMillis(*t);
}

std::optional<Instant> readOptionalInstant(const SqlRow& row, int column) {
  if (row.isNull(column)) {
    return std::nullopt;
  }
  return fromMillis(row.getInt(column));
}

}  // namespace anguan::store
