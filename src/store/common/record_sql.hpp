// SQL text and value mapping generated from an EntitySchema: the column list, reading a row into
// a Record, binding a Value for a field, and the WHERE/ORDER BY of a ListQuery with every
// caller-supplied field name validated against the schema.
//
// Thread safety: pure functions; tableLayout() caches per thread.
#pragma once

#include <string>
#include <vector>

#include "anguan/core/result.hpp"
#include "anguan/domain/base/record.hpp"
#include "anguan/domain/base/schema.hpp"
#include "anguan/domain/store/store.hpp"

#include "common/sql.hpp"

namespace anguan::store {

// Fixed leading columns of every base table; field columns follow at kFirstFieldColumn.
inline constexpr int kFirstFieldColumn = 6;

struct TableLayout {
  // Stored (non-computed) fields, in column order, excluding a field named "org_id", which is
  // the table's own org_id column.
  std::vector<const base::FieldSpec*> columns;
  bool has_org_id_field = false;
  std::string name;         // schema.name.
  std::string table;        // Quoted table name.
  std::string select_list;  // "id, version, org_id, org_path, created_at, updated_at, \"f\"..."
  std::string get_sql;      // SELECT select_list FROM table WHERE id = <placeholder 1>.
};

// The layout of `schema`. REQUIRES: schema outlives the calling thread's use of the result
// (schemas() entries are static).
const TableLayout& tableLayout(Dialect dialect, const base::EntitySchema& schema);

base::Record readRecord(const TableLayout& layout, const SqlRow& row);

// The parameter for storing `value` in `field`'s column. kInvalidArgument
// ("base.invalid_value", detail "field") when the value's type does not fit the field.
[[nodiscard]] Result<SqlParam> toParam(const base::FieldSpec& field, const base::Value& value);

// The value written to the org_id column: the "org_id" field when the schema has one and it is
// set, else record.org_id.
std::int64_t effectiveOrgId(const TableLayout& layout, const base::Record& record);

struct WhereClause {
  std::string sql;  // "" or " WHERE ...".
};

// Builds the WHERE clause of `query` (filters, search, scope) into `params`. kInvalidArgument
// "query.bad_field" for a field that is not a schema field, id, created_at or updated_at;
// "query.bad_filter" for an operator/value the field can't take.
[[nodiscard]] Result<WhereClause> buildWhere(const base::EntitySchema& schema,
                                             const ListQuery& query, ParamList& params);
// " ORDER BY ..." for the validated sort field, ties broken by id.
[[nodiscard]] Result<std::string> buildOrderBy(Dialect dialect, const base::EntitySchema& schema,
                                               const ListQuery& query);

}  // namespace anguan::store
