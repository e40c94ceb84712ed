#include "common/record_sql.hpp"

#include <unordered_map>

namespace anguan::store {
namespace {

using base::FieldType;

bool isBaseColumn(const std::string& name) {
  return name == "id" || name == "version" || name == "org_id" || name == "org_path" ||
         name == "created_at" || name == "updated_at";
}

bool isTextual(FieldType type) {
  return type == FieldType::kText || type == FieldType::kEnum || type == FieldType::kDate ||
         type == FieldType::kCodeList;
}

TableLayout makeLayout(Dialect dialect, const base::EntitySchema& schema) {
  TableLayout layout;
  layout.name = schema.name;
  layout.table = quoteIdent(schema.name);
  layout.select_list = "id, version, org_id, org_path, created_at, updated_at";
  for (const auto& f : schema.fields) {
    if (f.computed) {
      continue;
    }
    if (f.name == "org_id") {
      layout.has_org_id_field = true;
      continue;
    }
    if (isBaseColumn(f.name)) {
      continue;
    }
    layout.columns.push_back(&f);
    layout.select_list += ", " + quoteIdent(f.name);
  }
  layout.get_sql = "SELECT " + layout.select_list + " FROM " + layout.table +
                   " WHERE id = " + placeholder(dialect, 1);
  return layout;
}

Error badValue(const base::FieldSpec& field) {
  return Error::invalidArgument("base.invalid_value", "Value does not fit the field's type")
      .with("field", field.name);
}

Error badField(const std::string& name) {
  return Error::invalidArgument("query.bad_field", "Unknown field in query").with("field", name);
}

Error badFilter(const std::string& name) {
  return Error::invalidArgument("query.bad_filter", "Filter does not apply to this field")
      .with("field", name);
}

// A column a query may name: a stored field, or one of the fixed columns.
struct QueryColumn {
  std::string sql;                         // Quoted column.
  const base::FieldSpec* field = nullptr;  // nullptr for id/created_at/updated_at.
};

Result<QueryColumn> queryColumn(const base::EntitySchema& schema, const std::string& name) {
  if (name == "id" || name == "created_at" || name == "updated_at") {
    return QueryColumn{name, nullptr};
  }
  const base::FieldSpec* f = schema.field(name);
  if (f == nullptr || f->computed) {
    return badField(name);
  }
  return QueryColumn{quoteIdent(f->name), f};
}

Result<std::string> filterSql(const base::EntitySchema& schema, const Filter& filter,
                              ParamList& params, Dialect dialect) {
  AG_ASSIGN_OR_RETURN(QueryColumn col, queryColumn(schema, filter.field));
  const base::FieldSpec* f = col.field;
  if (f == nullptr) {  // A fixed int64 column.
    const auto* v = std::get_if<std::int64_t>(&filter.value);
    if (v == nullptr || filter.op == FilterOp::kContains) {
      return badFilter(filter.field);
    }
    const char* op = filter.op == FilterOp::kEq   ? " = "
                     : filter.op == FilterOp::kGe ? " >= "
                                                  : " <= ";
    return col.sql + op + params.add(*v);
  }
  if (filter.op == FilterOp::kContains) {
    const auto* s = std::get_if<std::string>(&filter.value);
    if (f->type != FieldType::kText || s == nullptr) {
      return badFilter(filter.field);
    }
    return likeInsensitive(dialect, col.sql, params.add("%" + escapeLike(*s) + "%"));
  }
  if (f->type == FieldType::kCodeList) {
    const auto* s = std::get_if<std::string>(&filter.value);
    if (filter.op != FilterOp::kEq || s == nullptr) {
      return badFilter(filter.field);
    }
    return col.sql + " LIKE " + params.add("%," + escapeLike(*s) + ",%") + " ESCAPE '\\'";
  }
  if (base::isNull(filter.value)) {
    if (filter.op != FilterOp::kEq) {
      return badFilter(filter.field);
    }
    return col.sql + " IS NULL";
  }
  auto param = toParam(*f, filter.value);
  if (!param) {
    return badFilter(filter.field);
  }
  const char* op = filter.op == FilterOp::kEq   ? " = "
                   : filter.op == FilterOp::kGe ? " >= "
                                                : " <= ";
  return col.sql + op + params.add(std::move(*param));
}

}  // namespace

const TableLayout& tableLayout(Dialect dialect, const base::EntitySchema& schema) {
  // Per-thread cache so that hot paths (get) don't rebuild SQL text or take a lock. Keyed by
  // address and checked by name in case a (test) schema object was replaced at that address.
  thread_local std::unordered_map<const base::EntitySchema*, TableLayout> cache[2];
  auto& mine = cache[dialect == Dialect::kSqlite ? 0 : 1];
  auto it = mine.find(&schema);
  if (it != mine.end() && it->second.name == schema.name) {
    return it->second;
  }
  return mine.insert_or_assign(&schema, makeLayout(dialect, schema)).first->second;
}

base::Record readRecord(const TableLayout& layout, const SqlRow& row) {
  base::Record r;
  r.id = row.getInt(0);
  r.version = row.getInt(1);
  r.org_id = row.getInt(2);
  r.org_path = row.getText(3);
  r.created_at = fromMillis(row.getInt(4));
  r.updated_at = fromMillis(row.getInt(5));
  int col = kFirstFieldColumn;
  for (const base::FieldSpec* f : layout.columns) {
    base::Value v;
    if (!row.isNull(col)) {
      switch (f->type) {
        case FieldType::kText:
        case FieldType::kEnum:
        case FieldType::kDate:
          v = row.getText(col);
          break;
        case FieldType::kInteger:
        case FieldType::kRef:
        case FieldType::kDateTime:
          v = row.getInt(col);
          break;
        case FieldType::kNumber:
          v = row.getDouble(col);
          break;
        case FieldType::kBool:
          v = row.getBool(col);
          break;
        case FieldType::kCodeList:
          v = decodeCodeList(row.getText(col));
          break;
      }
    }
    r.values.emplace(f->name, std::move(v));
    ++col;
  }
  if (layout.has_org_id_field) {
    r.values.emplace("org_id", r.org_id);
  }
  return r;
}

Result<SqlParam> toParam(const base::FieldSpec& field, const base::Value& value) {
  if (base::isNull(value)) {
    return SqlParam{};
  }
  switch (field.type) {
    case FieldType::kText:
    case FieldType::kEnum:
    case FieldType::kDate:
      if (const auto* s = std::get_if<std::string>(&value)) {
        return SqlParam{*s};
      }
      break;
    case FieldType::kInteger:
    case FieldType::kRef:
    case FieldType::kDateTime:
      if (const auto* i = std::get_if<std::int64_t>(&value)) {
        return SqlParam{*i};
      }
      break;
    case FieldType::kNumber:
      if (const auto* d = std::get_if<double>(&value)) {
        return SqlParam{*d};
      }
      if (const auto* i = std::get_if<std::int64_t>(&value)) {
        return SqlParam{static_cast<double>(*i)};
      }
      break;
    case FieldType::kBool:
      if (const auto* b = std::get_if<bool>(&value)) {
        return SqlParam{*b};
      }
      break;
    case FieldType::kCodeList:
      if (const auto* l = std::get_if<std::vector<std::string>>(&value)) {
        return SqlParam{encodeCodeList(*l)};
      }
      break;
  }
  return badValue(field);
}

std::int64_t effectiveOrgId(const TableLayout& layout, const base::Record& record) {
  if (layout.has_org_id_field) {
    if (const auto* i = std::get_if<std::int64_t>(&record.get("org_id"))) {
      return *i;
    }
  }
  return record.org_id;
}

Result<WhereClause> buildWhere(const base::EntitySchema& schema, const ListQuery& query,
                               ParamList& params) {
  Dialect dialect = params.dialect();
  std::vector<std::string> terms;
  for (const auto& filter : query.filters) {
    AG_ASSIGN_OR_RETURN(std::string term, filterSql(schema, filter, params, dialect));
    terms.push_back(std::move(term));
  }
  if (!query.search.empty()) {
    std::string ph;
    std::string any;
    for (const auto& f : schema.fields) {
      if (f.type != FieldType::kText || f.computed) {
        continue;
      }
      if (ph.empty()) {
        ph = params.add("%" + escapeLike(query.search) + "%");
      }
      any += any.empty() ? "(" : " OR ";
      any += likeInsensitive(dialect, quoteIdent(f.name), ph);
    }
    terms.push_back(any.empty() ? "1 = 0" : any + ")");
  }
  if (!query.scope_prefix.empty()) {
    terms.push_back("(org_path LIKE " + params.add(escapeLike(query.scope_prefix) + "%") +
                    " ESCAPE '\\' OR org_path = '')");
  }
  WhereClause where;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    where.sql += (i == 0 ? " WHERE " : " AND ") + terms[i];
  }
  return where;
}

Result<std::string> buildOrderBy(Dialect dialect, const base::EntitySchema& schema,
                                 const ListQuery& query) {
  const std::string dir = query.sort_desc ? " DESC" : " ASC";
  const std::string name = query.sort_field.empty() ? "id" : query.sort_field;
  AG_ASSIGN_OR_RETURN(QueryColumn col, queryColumn(schema, name));
  if (col.field == nullptr) {
    if (name == "id") {
      return " ORDER BY id" + dir;
    }
    return " ORDER BY " + col.sql + dir + ", id" + dir;
  }
  if (col.field->type == FieldType::kCodeList) {
    return badField(name);
  }
  // NULLs last in both directions and on both dialects (they disagree by default).
  return " ORDER BY (" + col.sql + " IS NULL) ASC, " +
         sortExpr(dialect, col.sql, isTextual(col.field->type)) + dir + ", id" + dir;
}

}  // namespace anguan::store
