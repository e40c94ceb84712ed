#include "anguan/service/base_data_service.hpp"

#include <algorithm>
#include <charconv>
#include <set>

#include "anguan/domain/base/validation.hpp"
#include "anguan/service/record_json.hpp"

namespace anguan::service {
namespace json = boost::json;

namespace {

Error notFound() { return Error::notFound("base.not_found", "no such record"); }

Error forbidden() {
  return Error::permissionDenied("auth.forbidden", "your role does not allow this");
}

bool parseInt(const std::string& s, std::int64_t& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc{} && ptr == s.data() + s.size();
}

std::chrono::year_month_day localToday(Instant now, int tz_offset) {
  return std::chrono::year_month_day{
      std::chrono::floor<std::chrono::days>(now + std::chrono::minutes{tz_offset})};
}

// Adds the schema's own findings for fields the JSON decoding did not already reject, so that
// a form shows every problem at once.
std::vector<base::FieldProblem> withFieldProblems(const base::EntitySchema& schema,
                                                  base::Record record,
                                                  std::vector<base::FieldProblem> problems) {
  for (auto it = record.values.begin(); it != record.values.end();) {
    const bool bad = std::any_of(problems.begin(), problems.end(),
                                 [&](const auto& p) { return p.field == it->first; });
    it = bad ? record.values.erase(it) : std::next(it);
  }
  for (const auto& p : base::validateRecord(schema, record)) {
    const bool seen = std::any_of(problems.begin(), problems.end(),
                                  [&](const auto& q) { return q.field == p.field; });
    if (!seen) {
      problems.push_back(p);
    }
  }
  return problems;
}

}  // namespace

auth::Permission writePermission(const base::EntitySchema& schema) {
  if (schema.name == "people" || schema.name == "certificates") {
    return auth::Permission::kPeopleWrite;
  }
  if (schema.name == "holidays") {
    return auth::Permission::kCalendarWrite;
  }
  return auth::Permission::kOrgWrite;
}

Result<const base::EntitySchema*> BaseDataService::entity(std::string_view name) {
  const auto* s = base::findSchema(name);
  if (s == nullptr) {
    return Error::notFound("base.unknown_entity", "no such kind of record");
  }
  return s;
}

void BaseDataService::addComputed(const base::EntitySchema& schema, base::Record& record) const {
  if (schema.name == "certificates") {
    record.values["status"] = base::certificateStatus(
        record.getText("expires_on"), record.getText("next_review_on"),
        localToday(clock_.now(), settings_.tz_offset_minutes), settings_.certificate_warn_days);
  }
}

std::string BaseDataService::auditJson(const base::EntitySchema& schema,
                                       const base::Record& record) const {
  return json::serialize(recordToJson(schema, record, settings_.tz_offset_minutes));
}

void BaseDataService::publish(const base::EntitySchema& schema, const char* action,
                              const base::Record& record, const std::string& actor) {
  json::object data;
  data["action"] = action;
  data["entity"] = schema.name;
  data["id"] = record.id;
  data["version"] = record.version;
  data["actor"] = actor;
  events_.publish(Event{"base." + schema.name, record.org_path, json::serialize(data)});
}

Result<RecordView> BaseDataService::view(store::Transaction& tx, const auth::Principal& caller,
                                         const base::EntitySchema& schema, base::Record record) {
  RecordView v;
  for (const auto& spec : schema.fields) {
    if (spec.type != base::FieldType::kRef) {
      continue;
    }
    const std::int64_t id = record.getInt(spec.name);
    if (id <= 0) {
      continue;
    }
    const auto* target = base::findSchema(spec.ref);
    auto ref = tx.records().get(*target, id);
    if (ref && auth::inScope(caller.org_path, ref->org_path)) {
      std::string title = ref->getText(target->title_field);
      if (title.empty()) {
        title = "#" + std::to_string(id);
      }
      v.ref_titles[spec.name] = std::move(title);
    } else if (!ref && ref.error().code() != ErrorCode::kNotFound) {
      return ref.error();
    }
  }
  addComputed(schema, record);
  v.record = std::move(record);
  return v;
}

Result<store::ListQuery> BaseDataService::parseQuery(const auth::Principal& caller,
                                                     const base::EntitySchema& schema,
                                                     const QueryParams& params) const {
  store::ListQuery q;
  q.scope_prefix = caller.org_path.empty() ? "/-/" : caller.org_path;
  auto badField = [](const std::string& f) {
    return Error::invalidArgument("query.bad_field", "unknown field in query").with("field", f);
  };
  auto badValue = [](const std::string& f) {
    return Error::invalidArgument("query.bad_value", "bad value in query").with("field", f);
  };
  for (const auto& [key, value] : params) {
    if (key == "page" || key == "page_size") {
      std::int64_t n = 0;
      if (!parseInt(value, n) || n < 1) {
        return badValue(key);
      }
      (key == "page" ? q.page : q.page_size) = n;
    } else if (key == "sort") {
      std::string f = value;
      q.sort_desc = !f.empty() && f[0] == '-';
      if (q.sort_desc) {
        f.erase(0, 1);
      }
      const auto* spec = schema.field(f);
      if (f != "id" && f != "created_at" && f != "updated_at" &&
          (spec == nullptr || spec->computed || spec->type == base::FieldType::kCodeList)) {
        return badField(f);
      }
      q.sort_field = f;
    } else if (key == "q") {
      if (value.size() > 200) {
        return badValue(key);
      }
      q.search = value;
    } else if (key == "lang" || key == "format" || key == "token" || key == "_") {
      continue;
    } else {
      store::Filter filter;
      std::string field = key;
      if (field.size() > 4 && field.ends_with("__ge")) {
        filter.op = store::FilterOp::kGe;
        field.resize(field.size() - 4);
      } else if (field.size() > 4 && field.ends_with("__le")) {
        filter.op = store::FilterOp::kLe;
        field.resize(field.size() - 4);
      } else if (field.size() > 10 && field.ends_with("__contains")) {
        filter.op = store::FilterOp::kContains;
        field.resize(field.size() - 10);
      }
      filter.field = field;
      if (field == "id") {
        std::int64_t id = 0;
        if (!parseInt(value, id)) {
          return badValue(key);
        }
        filter.value = id;
        q.filters.push_back(std::move(filter));
        continue;
      }
      const auto* spec = schema.field(field);
      if (spec == nullptr || spec->computed) {
        return badField(field);
      }
      if (filter.op == store::FilterOp::kContains && spec->type != base::FieldType::kText) {
        return badField(field);
      }
      std::string unresolved;
      base::Value v;
      if (spec->type == base::FieldType::kCodeList) {
        // Filtering a list means "contains this code".
        bool known = std::any_of(spec->options.begin(), spec->options.end(),
                                 [&](const base::Option& o) { return o.code == value; });
        if (!known) {
          return badValue(key);
        }
        v = value;
      } else if (spec->type == base::FieldType::kText) {
        v = value;
      } else if (!valueFromCell(*spec, value, settings_.tz_offset_minutes, v, unresolved).empty() ||
                 !unresolved.empty() || base::isNull(v)) {
        return badValue(key);
      }
      filter.value = std::move(v);
      q.filters.push_back(std::move(filter));
    }
  }
  q.page_size = std::min<std::int64_t>(q.page_size, 1000);
  return q;
}

Result<RecordPage> BaseDataService::list(const auth::Principal& caller,
                                         const base::EntitySchema& schema,
                                         const QueryParams& params) {
  if (!caller.can(auth::Permission::kBaseRead)) {
    return forbidden();
  }
  AG_ASSIGN_OR_RETURN(store::ListQuery q, parseQuery(caller, schema, params));
  RecordPage out;
  out.page = q.page;
  out.page_size = q.page_size;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(store::Page page, tx.records().list(schema, q));
    out.total = page.total;
    out.items.reserve(page.items.size());
    for (auto& r : page.items) {
      AG_ASSIGN_OR_RETURN(RecordView v, view(tx, caller, schema, std::move(r)));
      out.items.push_back(std::move(v));
    }
    return okStatus();
  }));
  return out;
}

Result<RecordView> BaseDataService::get(const auth::Principal& caller,
                                        const base::EntitySchema& schema, std::int64_t id) {
  if (!caller.can(auth::Permission::kBaseRead)) {
    return forbidden();
  }
  RecordView out;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    auto r = tx.records().get(schema, id);
    if (!r) {
      return r.error().code() == ErrorCode::kNotFound ? notFound() : r.error();
    }
    if (!auth::inScope(caller.org_path, r->org_path)) {
      return notFound();
    }
    AG_ASSIGN_OR_RETURN(out, view(tx, caller, schema, std::move(*r)));
    return okStatus();
  }));
  return out;
}

Status BaseDataService::checkReferences(WriteContext& ctx, const base::EntitySchema& schema,
                                        const base::Record& record) {
  std::vector<base::FieldProblem> problems;
  for (const auto& spec : schema.fields) {
    if (spec.type != base::FieldType::kRef) {
      continue;
    }
    const std::int64_t id = record.getInt(spec.name);
    if (id <= 0) {
      continue;
    }
    const auto* target = base::findSchema(spec.ref);
    auto ref = ctx.tx.records().get(*target, id);
    if (!ref) {
      if (ref.error().code() != ErrorCode::kNotFound) {
        return ref.error();
      }
      problems.push_back({spec.name, "bad_reference"});
    } else if (!auth::inScope(ctx.scope, ref->org_path)) {
      problems.push_back({spec.name, "bad_reference"});
    }
  }
  if (!problems.empty()) {
    return base::validationError(problems);
  }
  return okStatus();
}

Status BaseDataService::resolveScope(WriteContext& ctx, const base::EntitySchema& schema,
                                     base::Record& record) {
  if (!schema.scoped) {
    record.org_id = 0;
    record.org_path.clear();
    return okStatus();
  }
  if (schema.name == "org_units") {
    const std::int64_t parent = record.getInt("parent_id");
    if (parent <= 0) {
      // Roots come from the command line (the system's scope is "/"); an update of an existing
      // root keeps it a root (checked by update()).
      if (ctx.scope != "/" && record.id == 0) {
        return base::validationError({{"parent_id", "required"}});
      }
      record.org_path = "/";  // A root; the final path gets the id after insert.
      return okStatus();
    }
    const auto* orgs = base::findSchema("org_units");
    AG_ASSIGN_OR_RETURN(base::Record p, ctx.tx.records().get(*orgs, parent));
    if (record.id != 0 &&
        p.org_path.find("/" + std::to_string(record.id) + "/") != std::string::npos) {
      return base::validationError({{"parent_id", "cycle"}});
    }
    record.org_path = p.org_path;  // Parent path; own id is appended once known.
    return okStatus();
  }
  const auto* spec = schema.field(schema.scope_field);
  const auto* target = base::findSchema(spec->ref);
  auto owner = ctx.tx.records().get(*target, record.getInt(spec->name));
  if (!owner) {
    return base::validationError({{spec->name, "bad_reference"}});
  }
  record.org_id = target->name == "org_units" ? owner->id : owner->org_id;
  record.org_path = owner->org_path;
  if (!auth::inScope(ctx.scope, record.org_path)) {
    return base::validationError({{spec->name, "bad_reference"}});
  }
  return okStatus();
}

Result<base::Record> BaseDataService::insertChecked(WriteContext& ctx,
                                                    const base::EntitySchema& schema,
                                                    base::Record record) {
  record.id = 0;
  auto problems = base::validateRecord(schema, record);
  if (!problems.empty()) {
    return base::validationError(problems);
  }
  AG_RETURN_IF_ERROR(checkReferences(ctx, schema, record));
  AG_RETURN_IF_ERROR(resolveScope(ctx, schema, record));
  AG_ASSIGN_OR_RETURN(base::Record stored, ctx.tx.records().insert(schema, record, ctx.now));
  if (schema.name == "org_units") {
    stored.org_id = stored.id;
    stored.org_path = record.org_path + std::to_string(stored.id) + "/";
    AG_ASSIGN_OR_RETURN(stored, ctx.tx.records().update(schema, stored, ctx.now));
  }
  AG_RETURN_IF_ERROR(appendAudit(ctx.tx, ctx.actor, ctx.now, "create", schema.name, stored.id,
                                 stored.org_path, "", auditJson(schema, stored)));
  return stored;
}

Result<RecordView> BaseDataService::create(const auth::Principal& caller,
                                           const base::EntitySchema& schema,
                                           const json::object& body) {
  if (!caller.can(writePermission(schema))) {
    return forbidden();
  }
  base::Record record;
  auto problems = recordFromJson(schema, body, record,
                                 {"id", "version", "org_id", "created_at", "updated_at", "_refs"});
  if (!problems.empty()) {
    return base::validationError(withFieldProblems(schema, record, std::move(problems)));
  }
  RecordView out;
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    WriteContext ctx{tx, Actor::of(caller), caller.org_path, clock_.now()};
    AG_ASSIGN_OR_RETURN(base::Record stored, insertChecked(ctx, schema, std::move(record)));
    AG_ASSIGN_OR_RETURN(out, view(tx, caller, schema, std::move(stored)));
    return okStatus();
  }));
  publish(schema, "create", out.record, Actor::of(caller).name);
  return out;
}

Status BaseDataService::cascadeScope(WriteContext& ctx, const base::EntitySchema& schema,
                                     const base::Record& record) {
  // Records whose scope comes through this one (a person's certificates, an area's equipment,
  // equipment's maintenance windows) follow it to its new org.
  for (const auto& dependent : base::schemas()) {
    if (!dependent.scoped || dependent.scope_field.empty() || dependent.name == "org_units") {
      continue;
    }
    const auto* spec = dependent.field(dependent.scope_field);
    if (spec == nullptr || spec->ref != schema.name || spec->name == "org_id") {
      continue;
    }
    store::ListQuery q;
    q.filters.push_back({spec->name, store::FilterOp::kEq, record.id});
    q.page_size = 1000;
    for (q.page = 1;; ++q.page) {
      AG_ASSIGN_OR_RETURN(store::Page page, ctx.tx.records().list(dependent, q));
      for (auto& child : page.items) {
        if (child.org_path == record.org_path) {
          continue;
        }
        child.org_id = record.org_id;
        child.org_path = record.org_path;
        AG_ASSIGN_OR_RETURN(base::Record saved, ctx.tx.records().update(dependent, child, ctx.now));
        AG_RETURN_IF_ERROR(cascadeScope(ctx, dependent, saved));
      }
      if (page.items.size() < static_cast<std::size_t>(q.page_size)) {
        break;
      }
    }
  }
  return okStatus();
}

Result<RecordView> BaseDataService::update(const auth::Principal& caller,
                                           const base::EntitySchema& schema, std::int64_t id,
                                           const json::object& body) {
  if (!caller.can(writePermission(schema))) {
    return forbidden();
  }
  const json::value* version = body.if_contains("version");
  if (version == nullptr || !version->is_int64()) {
    return base::validationError({{"version", version == nullptr ? "required" : "wrong_type"}});
  }
  base::Record record;
  auto problems = recordFromJson(schema, body, record,
                                 {"id", "version", "org_id", "created_at", "updated_at", "_refs"});
  if (!problems.empty()) {
    return base::validationError(withFieldProblems(schema, record, std::move(problems)));
  }
  record.id = id;
  record.version = version->as_int64();
  problems = base::validateRecord(schema, record);
  if (!problems.empty()) {
    return base::validationError(problems);
  }
  RecordView out;
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    WriteContext ctx{tx, Actor::of(caller), caller.org_path, clock_.now()};
    auto existing = tx.records().get(schema, id);
    if (!existing) {
      return existing.error().code() == ErrorCode::kNotFound ? notFound() : existing.error();
    }
    if (!auth::inScope(caller.org_path, existing->org_path)) {
      return notFound();
    }
    if (existing->version != record.version) {
      return Error::conflict("base.stale_version",
                             "someone else changed this record; reload and try again");
    }
    AG_RETURN_IF_ERROR(checkReferences(ctx, schema, record));
    AG_RETURN_IF_ERROR(resolveScope(ctx, schema, record));
    const bool is_org = schema.name == "org_units";
    if (is_org) {
      record.org_id = id;
      if (existing->getInt("parent_id") <= 0 && record.getInt("parent_id") <= 0) {
        record.org_path = existing->org_path;  // Root stays root.
      } else {
        record.org_path += std::to_string(id) + "/";
      }
      const bool was_root = existing->getInt("parent_id") <= 0;
      const bool is_root = record.getInt("parent_id") <= 0;
      if (was_root != is_root) {
        return base::validationError({{"parent_id", was_root ? "root_fixed" : "required"}});
      }
    }
    const std::string before = auditJson(schema, *existing);
    AG_ASSIGN_OR_RETURN(base::Record stored, tx.records().update(schema, record, ctx.now));
    if (is_org && existing->org_path != stored.org_path) {
      AG_ASSIGN_OR_RETURN(auto moved,
                          tx.records().rewriteOrgPaths(existing->org_path, stored.org_path));
      (void)moved;
    } else if (!is_org && existing->org_path != stored.org_path) {
      AG_RETURN_IF_ERROR(cascadeScope(ctx, schema, stored));
    }
    AG_RETURN_IF_ERROR(appendAudit(tx, ctx.actor, ctx.now, "update", schema.name, stored.id,
                                   stored.org_path, before, auditJson(schema, stored)));
    AG_ASSIGN_OR_RETURN(out, view(tx, caller, schema, std::move(stored)));
    return okStatus();
  }));
  publish(schema, "update", out.record, Actor::of(caller).name);
  return out;
}

Status BaseDataService::remove(const auth::Principal& caller, const base::EntitySchema& schema,
                               std::int64_t id, std::int64_t version) {
  if (!caller.can(writePermission(schema))) {
    return forbidden();
  }
  base::Record removed;
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    auto existing = tx.records().get(schema, id);
    if (!existing) {
      return existing.error().code() == ErrorCode::kNotFound ? notFound() : existing.error();
    }
    if (!auth::inScope(caller.org_path, existing->org_path)) {
      return notFound();
    }
    if (existing->version != version) {
      return Error::conflict("base.stale_version",
                             "someone else changed this record; reload and try again");
    }
    AG_RETURN_IF_ERROR(tx.records().remove(schema, id, version));
    removed = *existing;
    return appendAudit(tx, Actor::of(caller), clock_.now(), "delete", schema.name, id,
                       existing->org_path, auditJson(schema, *existing), "");
  }));
  publish(schema, "delete", removed, Actor::of(caller).name);
  return okStatus();
}

Result<std::string> BaseDataService::exportTable(const auth::Principal& caller,
                                                 const base::EntitySchema& schema,
                                                 const QueryParams& params, SheetFormat format,
                                                 const std::string& language) {
  if (!caller.can(auth::Permission::kBaseRead)) {
    return forbidden();
  }
  AG_ASSIGN_OR_RETURN(store::ListQuery q, parseQuery(caller, schema, params));
  q.page_size = 1000;
  Table table;
  table.sheet_name = language.rfind("en", 0) == 0 ? schema.en : schema.zh;
  std::vector<std::string> header;
  for (const auto& spec : schema.fields) {
    header.push_back(label(spec, language));
  }
  table.rows.push_back(std::move(header));
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    std::map<std::pair<std::string, std::int64_t>, std::string> ref_cache;
    for (q.page = 1;; ++q.page) {
      AG_ASSIGN_OR_RETURN(store::Page page, tx.records().list(schema, q));
      for (auto& r : page.items) {
        addComputed(schema, r);
        std::vector<std::string> row;
        for (const auto& spec : schema.fields) {
          if (spec.type == base::FieldType::kRef && r.getInt(spec.name) > 0) {
            // References export as the target's code (or title) so the file re-imports.
            const auto key = std::make_pair(spec.ref, r.getInt(spec.name));
            auto it = ref_cache.find(key);
            if (it == ref_cache.end()) {
              const auto* target = base::findSchema(spec.ref);
              auto ref = tx.records().get(*target, key.second);
              std::string text = std::to_string(key.second);
              if (ref && auth::inScope(caller.org_path, ref->org_path) &&
                  !target->key_field.empty()) {
                text = ref->getText(target->key_field);
              }
              it = ref_cache.emplace(key, text).first;
            }
            row.push_back(it->second);
          } else {
            row.push_back(
                valueToCell(spec, r.get(spec.name), settings_.tz_offset_minutes, language));
          }
        }
        table.rows.push_back(std::move(row));
      }
      if (page.items.size() < static_cast<std::size_t>(q.page_size) || table.rows.size() > 200000) {
        break;
      }
    }
    return okStatus();
  }));
  return codec_.write(table, format);
}

Result<ImportReport> BaseDataService::importTable(const auth::Principal& caller,
                                                  const base::EntitySchema& schema,
                                                  std::string_view bytes, SheetFormat format) {
  if (!caller.can(writePermission(schema))) {
    return forbidden();
  }
  AG_ASSIGN_OR_RETURN(Table table, codec_.read(bytes, format, settings_.import_max_rows));
  ImportReport report;
  if (table.rows.empty()) {
    report.problems.push_back({1, "", "empty_file"});
    return report;
  }
  // Map header cells to fields by name or by label in either language.
  std::vector<const base::FieldSpec*> columns;
  for (const auto& cell : table.rows[0]) {
    const base::FieldSpec* match = nullptr;
    for (const auto& spec : schema.fields) {
      if (cell == spec.name || cell == spec.zh || cell == spec.en) {
        match = &spec;
      }
    }
    if (match == nullptr && !cell.empty()) {
      report.problems.push_back({1, cell, "unknown_column"});
    }
    columns.push_back(match);
  }
  for (const auto& spec : schema.fields) {
    if (spec.required && std::find(columns.begin(), columns.end(), &spec) == columns.end()) {
      report.problems.push_back({1, spec.name, "missing_column"});
    }
  }
  if (!report.problems.empty()) {
    return report;
  }
  struct PendingRef {
    std::size_t row;
    std::string field;
    std::string text;
  };
  std::vector<base::Record> records;
  std::vector<std::int64_t> lines;  // File line of each record, for messages.
  std::vector<PendingRef> refs;
  for (std::size_t i = 1; i < table.rows.size(); ++i) {
    const auto& row = table.rows[i];
    const auto line = static_cast<std::int64_t>(i + 1);
    base::Record r;
    bool any = false;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (columns[c] == nullptr || columns[c]->computed) {
        continue;
      }
      const std::string cell = c < row.size() ? row[c] : std::string();
      any = any || !cell.empty();
      std::string unresolved;
      base::Value v;
      const std::string reason =
          valueFromCell(*columns[c], cell, settings_.tz_offset_minutes, v, unresolved);
      if (!reason.empty()) {
        report.problems.push_back({line, columns[c]->name, reason});
      }
      if (!unresolved.empty()) {
        refs.push_back({records.size(), columns[c]->name, unresolved});
      }
      r.values[columns[c]->name] = std::move(v);
    }
    if (!any) {
      continue;  // Blank line.
    }
    // Validate now so that every bad row and field is reported at once. References still to
    // be resolved by key stand in as a placeholder id.
    base::Record probe = r;
    for (const auto& ref : refs) {
      if (ref.row == records.size()) {
        probe.values[ref.field] = std::int64_t{1};
      }
    }
    for (const auto& p : base::validateRecord(schema, probe)) {
      const bool reported =
          std::any_of(report.problems.begin(), report.problems.end(),
                      [&](const ImportProblem& q) { return q.line == line && q.field == p.field; });
      if (!reported) {
        report.problems.push_back({line, p.field, p.reason});
      }
    }
    records.push_back(std::move(r));
    lines.push_back(line);
  }
  if (!report.problems.empty()) {
    return report;
  }
  // Everything in one transaction: any failure rolls all of it back.
  std::vector<base::Record> stored;
  Status written = store_.write([&](store::Transaction& tx) -> Status {
    WriteContext ctx{tx, Actor::of(caller), caller.org_path, clock_.now()};
    for (const auto& ref : refs) {
      const auto* spec = schema.field(ref.field);
      const auto* target = base::findSchema(spec->ref);
      store::ListQuery q;
      q.scope_prefix = caller.org_path;
      q.page_size = 2;
      if (target->key_field.empty()) {
        report.problems.push_back({lines[ref.row], ref.field, "bad_reference"});
        continue;
      }
      q.filters.push_back({target->key_field, store::FilterOp::kEq, ref.text});
      AG_ASSIGN_OR_RETURN(store::Page page, tx.records().list(*target, q));
      if (page.items.size() != 1) {
        report.problems.push_back({lines[ref.row], ref.field, "bad_reference"});
        continue;
      }
      records[ref.row].values[ref.field] = page.items[0].id;
    }
    if (!report.problems.empty()) {
      return Error::invalidArgument("import.invalid", "some rows are not valid");
    }
    for (std::size_t i = 0; i < records.size(); ++i) {
      auto r = insertChecked(ctx, schema, records[i]);
      if (!r) {
        const auto& e = r.error();
        if (e.details().empty()) {
          report.problems.push_back({lines[i], "", e.key()});
        }
        for (const auto& [field, reason] : e.details()) {
          report.problems.push_back({lines[i], field == "field" ? reason : field,
                                     e.key() == "base.duplicate" ? "duplicate" : reason});
        }
        continue;
      }
      stored.push_back(*r);
    }
    if (!report.problems.empty()) {
      return Error::invalidArgument("import.invalid", "some rows are not valid");
    }
    return okStatus();
  });
  if (!written) {
    if (!report.problems.empty()) {
      return report;
    }
    return written.error();
  }
  report.imported = static_cast<std::int64_t>(stored.size());
  if (!stored.empty()) {
    json::object data;
    data["action"] = "import";
    data["entity"] = schema.name;
    data["count"] = report.imported;
    data["actor"] = Actor::of(caller).name;
    events_.publish(Event{"base." + schema.name, caller.org_path, json::serialize(data)});
  }
  return report;
}

class SystemBatchImpl final : public SystemBatch {
 public:
  SystemBatchImpl(BaseDataService& service, BaseDataService::WriteContext& ctx)
      : service_(service), ctx_(ctx) {}

  Result<base::Record> insert(const std::string& entity, base::Record record) override {
    const auto* schema = base::findSchema(entity);
    if (schema == nullptr) {
      return Error::notFound("base.unknown_entity", "no such kind of record");
    }
    return service_.insertChecked(ctx_, *schema, std::move(record));
  }

 private:
  BaseDataService& service_;
  BaseDataService::WriteContext& ctx_;
};

Status BaseDataService::systemBatch(const std::function<Status(SystemBatch&)>& fn) {
  return store_.write([&](store::Transaction& tx) -> Status {
    WriteContext ctx{tx, Actor{}, "/", clock_.now()};
    SystemBatchImpl batch(*this, ctx);
    return fn(batch);
  });
}

Result<std::int64_t> BaseDataService::findOrgForSystem(const std::string& code) {
  const auto* schema = base::findSchema("org_units");
  std::int64_t id = 0;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    store::ListQuery q;
    q.page_size = 1;
    q.sort_field = "id";
    if (!code.empty()) {
      q.filters.push_back({"code", store::FilterOp::kEq, code});
    }
    AG_ASSIGN_OR_RETURN(store::Page page, tx.records().list(*schema, q));
    if (!page.items.empty()) {
      id = page.items[0].id;
    }
    return okStatus();
  }));
  if (id == 0 && !code.empty()) {
    return Error::notFound("org.not_found", "no org unit has code " + code);
  }
  return id;
}

Result<std::map<std::string, std::int64_t>> BaseDataService::counts(const auth::Principal& caller) {
  if (!caller.can(auth::Permission::kBaseRead)) {
    return forbidden();
  }
  std::map<std::string, std::int64_t> out;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    for (const auto& schema : base::schemas()) {
      store::ListQuery q;
      q.scope_prefix = caller.org_path.empty() ? "/-/" : caller.org_path;
      q.page_size = 1;
      AG_ASSIGN_OR_RETURN(store::Page page, tx.records().list(schema, q));
      out[schema.name] = page.total;
    }
    return okStatus();
  }));
  return out;
}

}  // namespace anguan::service
