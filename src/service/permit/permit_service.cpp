#include "anguan/service/permit_service.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include "anguan/core/crypto.hpp"
#include "anguan/domain/base/schema.hpp"
#include "anguan/domain/permit/gas.hpp"
#include "anguan/domain/permit/start_gate.hpp"

#include "permit/permit_internal.hpp"
#include "permit/work_type_json.hpp"

namespace anguan::service {
namespace json = boost::json;
using namespace permit_detail;
using permit::Action;
using permit::State;

namespace {

const base::EntitySchema& schema(const char* name) { return *base::findSchema(name); }

struct Plan {
  std::string type;
  std::string title;
  std::int64_t area_id = 0;
  Instant from{}, to{};
  std::int64_t leader_id = 0, guardian_id = 0, contractor_id = 0;
  std::vector<std::int64_t> worker_ids, equipment_ids, linked_ids;
  json::object conditions, fields;
  json::array jha;
};

const std::vector<std::string> kPlanKeys = {"type",
                                            "title",
                                            "area_id",
                                            "from",
                                            "to",
                                            "leader_id",
                                            "guardian_id",
                                            "worker_ids",
                                            "contractor_id",
                                            "equipment_ids",
                                            "linked_permit_ids",
                                            "conditions",
                                            "fields",
                                            "jha",
                                            "version",
                                            "overrides"};

Result<std::vector<std::int64_t>> ids(const json::object& o, const char* key) {
  std::vector<std::int64_t> out;
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    return out;
  }
  if (!v->is_array() || v->as_array().size() > 200) {
    return invalid(key, "wrong_type");
  }
  for (const auto& item : v->as_array()) {
    if (!item.is_int64() || item.as_int64() <= 0) {
      return invalid(key, "wrong_type");
    }
    if (std::find(out.begin(), out.end(), item.as_int64()) == out.end()) {
      out.push_back(item.as_int64());
    }
  }
  return out;
}

Result<std::int64_t> optId(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    return std::int64_t{0};
  }
  if (!v->is_int64() || v->as_int64() <= 0) {
    return invalid(key, "wrong_type");
  }
  return v->as_int64();
}

Result<Plan> parsePlan(const json::object& body) {
  for (const auto& kv : body) {
    if (std::find(kPlanKeys.begin(), kPlanKeys.end(), std::string(kv.key())) == kPlanKeys.end()) {
      return invalid(std::string(kv.key()), "unknown_field");
    }
  }
  Plan p;
  p.type = stringIn(body, "type");
  if (p.type.empty()) {
    return invalid("type", "required");
  }
  p.title = stringIn(body, "title");
  if (p.title.empty()) {
    return invalid("title", "required");
  }
  if (p.title.size() > 400) {
    return invalid("title", "too_long");
  }
  AG_ASSIGN_OR_RETURN(p.area_id, optId(body, "area_id"));
  if (p.area_id == 0) {
    return invalid("area_id", "required");
  }
  for (const char* key : {"from", "to"}) {
    const std::string text = stringIn(body, key);
    if (text.empty()) {
      return invalid(key, "required");
    }
    auto t = parseRfc3339(text);
    if (!t) {
      return invalid(key, "bad_time");
    }
    // Minute precision.
    const auto minute = std::chrono::floor<std::chrono::minutes>(*t);
    (std::string(key) == "from" ? p.from : p.to) = Instant(minute);
  }
  if (p.to <= p.from) {
    return invalid("to", "before_start");
  }
  AG_ASSIGN_OR_RETURN(p.leader_id, optId(body, "leader_id"));
  if (p.leader_id == 0) {
    return invalid("leader_id", "required");
  }
  AG_ASSIGN_OR_RETURN(p.guardian_id, optId(body, "guardian_id"));
  AG_ASSIGN_OR_RETURN(p.contractor_id, optId(body, "contractor_id"));
  AG_ASSIGN_OR_RETURN(p.worker_ids, ids(body, "worker_ids"));
  AG_ASSIGN_OR_RETURN(p.equipment_ids, ids(body, "equipment_ids"));
  AG_ASSIGN_OR_RETURN(p.linked_ids, ids(body, "linked_permit_ids"));
  if (const auto* c = body.if_contains("conditions"); c != nullptr && !c->is_null()) {
    if (!c->is_object()) {
      return invalid("conditions", "wrong_type");
    }
    p.conditions = c->as_object();
    for (const char* key : {"wind_level", "height_m", "load_t"}) {
      if (const auto* v = p.conditions.if_contains(key); v != nullptr && !v->is_null()) {
        if (!v->is_number()) {
          return invalid(std::string("conditions.") + key, "wrong_type");
        }
        const double x = v->to_number<double>();
        if (x < 0 || x > (std::string(key) == "wind_level" ? 17 : 100000)) {
          return invalid(std::string("conditions.") + key, "out_of_range");
        }
      }
    }
  }
  if (const auto* f = body.if_contains("fields"); f != nullptr && !f->is_null()) {
    if (!f->is_object()) {
      return invalid("fields", "wrong_type");
    }
    p.fields = f->as_object();
  }
  if (const auto* j = body.if_contains("jha"); j != nullptr && !j->is_null()) {
    if (!j->is_array() || j->as_array().size() > 100) {
      return invalid("jha", "wrong_type");
    }
    for (const auto& step : j->as_array()) {
      if (!step.is_object() || stringIn(step.as_object(), "step").empty()) {
        return invalid("jha", "step_required");
      }
    }
    p.jha = j->as_array();
  }
  return p;
}

json::object planJson(const Plan& p, int tz) {
  json::object o;
  o["type"] = p.type;
  o["title"] = p.title;
  o["area_id"] = p.area_id;
  o["from"] = formatRfc3339(p.from, tz);
  o["to"] = formatRfc3339(p.to, tz);
  o["leader_id"] = p.leader_id;
  o["guardian_id"] = p.guardian_id ? json::value(p.guardian_id) : json::value(nullptr);
  o["contractor_id"] = p.contractor_id ? json::value(p.contractor_id) : json::value(nullptr);
  o["worker_ids"] = json::value_from(p.worker_ids);
  o["equipment_ids"] = json::value_from(p.equipment_ids);
  o["linked_permit_ids"] = json::value_from(p.linked_ids);
  o["conditions"] = p.conditions;
  o["fields"] = p.fields;
  o["jha"] = p.jha;
  return o;
}

std::string crewList(const Plan& p) {
  std::set<std::int64_t> crew(p.worker_ids.begin(), p.worker_ids.end());
  crew.insert(p.leader_id);
  if (p.guardian_id) {
    crew.insert(p.guardian_id);
  }
  std::string out = ",";
  for (auto id : crew) {
    out += std::to_string(id) + ",";
  }
  return out;
}

// Everything the rules need about a plan, loaded in one transaction.
struct Analysis {
  std::shared_ptr<const std::vector<permit::WorkTypeDef>> types;  // Keeps `type` alive.
  const permit::WorkTypeDef* type = nullptr;
  permit::Grade grade;
  const permit::LevelDef* level = nullptr;
  bool night = false, holiday = false;
  std::vector<permit::Finding> findings;
  base::Record area;
  json::object names;  // area, leader, guardian, workers[]
};

}  // namespace

PermitService::PermitService(store::Store& store, const Clock& clock, const Settings& settings,
                             EventPublisher& events, NotificationService& notifications)
    : store_(store),
      clock_(clock),
      settings_(settings),
      events_(events),
      notifications_(notifications) {}

Status PermitService::ensureWorkTypes() {
  const Instant now = clock_.now();
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auto rows, tx.permits().listWorkTypes());
    if (!rows.empty()) {
      return {};
    }
    for (const auto& def : permit::defaultWorkTypes()) {
      store::WorkTypeRow row;
      row.code = def.code;
      row.rules_version = def.rules_version;
      row.doc = json::serialize(permit_json::toJson(def, "zh-CN"));
      row.updated_at = now;
      AG_RETURN_IF_ERROR(tx.permits().saveWorkType(row));
    }
    return {};
  }));
  std::lock_guard lock(types_mutex_);
  types_cached_ = false;
  return {};
}

Result<PermitService::TypeList> PermitService::loadTypes(store::Transaction& tx) {
  {
    std::lock_guard lock(types_mutex_);
    if (types_cached_) {
      return types_cache_;
    }
  }
  AG_ASSIGN_OR_RETURN(auto rows, tx.permits().listWorkTypes());
  std::vector<permit::WorkTypeDef> out;
  for (const auto& row : rows) {
    if (!row.active) {
      continue;
    }
    boost::system::error_code ec;
    auto v = json::parse(row.doc, ec);
    if (ec || !v.is_object()) {
      return Error::internal("permit.bad_work_type", "stored work type is damaged")
          .with("code", row.code);
    }
    AG_ASSIGN_OR_RETURN(auto def, permit_json::fromJson(v.as_object()));
    def.rules_version = static_cast<int>(row.rules_version);
    out.push_back(std::move(def));
  }
  auto list = std::make_shared<const std::vector<permit::WorkTypeDef>>(std::move(out));
  std::lock_guard lock(types_mutex_);
  types_cache_ = list;
  types_cached_ = true;
  return list;
}

Result<json::array> PermitService::workTypes(const auth::Principal& caller) {
  std::vector<permit::WorkTypeDef> types;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auto list, loadTypes(tx));
    types = *list;
    return {};
  }));
  json::array out;
  for (const auto& t : types) {
    out.push_back(permit_json::toJson(t, caller.language));
  }
  return out;
}

Result<json::object> PermitService::workType(const auth::Principal& caller,
                                             const std::string& code) {
  AG_ASSIGN_OR_RETURN(auto all, workTypes(caller));
  for (auto& t : all) {
    if (stringIn(t.as_object(), "code") == code) {
      return t.as_object();
    }
  }
  return Error::notFound("permit.unknown_type", "No such work type").with("type", code);
}

Result<json::object> PermitService::saveWorkType(const auth::Principal& caller,
                                                 const std::string& code, const json::object& body,
                                                 bool create) {
  if (!hasRole(caller, "admin")) {
    return forbidden();
  }
  json::object input = body;
  input["code"] = code;
  AG_ASSIGN_OR_RETURN(auto def, permit_json::fromJson(input));
  const Instant now = clock_.now();
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auto rows, tx.permits().listWorkTypes());
    const store::WorkTypeRow* existing = nullptr;
    for (const auto& r : rows) {
      if (r.code == code) {
        existing = &r;
      }
    }
    if (create && existing != nullptr) {
      return Error::conflict("base.duplicate", "This work type exists").with("field", "code");
    }
    if (!create && existing == nullptr) {
      return Error::notFound("permit.unknown_type", "No such work type").with("type", code);
    }
    store::WorkTypeRow row;
    row.code = code;
    row.rules_version = existing ? existing->rules_version + 1 : 1;
    def.rules_version = static_cast<int>(row.rules_version);
    row.doc = json::serialize(permit_json::toJson(def, "zh-CN"));
    row.updated_at = now;
    row.updated_by = caller.user_id.value;
    AG_RETURN_IF_ERROR(tx.permits().saveWorkType(row));
    return appendAudit(tx, Actor::of(caller), now, create ? "create" : "update", "work_types", 0,
                       "", existing ? existing->doc : "", row.doc);
  }));
  {
    std::lock_guard lock(types_mutex_);
    types_cached_ = false;
  }
  return permit_json::toJson(def, caller.language);
}

json::array PermitService::commonFields(const std::string& language) const {
  json::array out;
  for (const auto& f : permit::commonFields()) {
    out.push_back(json::object{{"name", f.name},
                               {"kind", f.kind},
                               {"label", language == "en" ? f.en : f.zh},
                               {"required", f.required}});
  }
  return out;
}

namespace {

Result<base::Record> visibleRecord(store::Transaction& tx, const auth::Principal* caller,
                                   const char* entity, std::int64_t id, const char* field) {
  auto r = tx.records().get(schema(entity), id);
  if (!r || (caller != nullptr && !auth::inScope(caller->org_path, r->org_path))) {
    return invalid(field, "bad_reference");
  }
  return r;
}

Result<permit::PersonInfo> personInfo(store::Transaction& tx, const auth::Principal* caller,
                                      std::int64_t id, const char* field) {
  AG_ASSIGN_OR_RETURN(auto person, visibleRecord(tx, caller, "people", id, field));
  permit::PersonInfo info;
  info.id = id;
  info.name = person.getText("name");
  store::ListQuery q;
  q.filters.push_back({"person_id", store::FilterOp::kEq, base::Value(id)});
  q.page_size = 100;
  q.count_total = false;
  AG_ASSIGN_OR_RETURN(auto certs, tx.records().list(schema("certificates"), q));
  for (const auto& c : certs.items) {
    permit::CertInfo ci;
    ci.type = c.getText("cert_type");
    const std::string exp = c.getText("expires_on");
    if (!exp.empty()) {
      ci.expires_on = exp;
    }
    info.certs.push_back(std::move(ci));
  }
  return info;
}

double distance(const base::Record& a, const base::Record& b) {
  auto num = [](const base::Record& r, const char* f) {
    const auto& v = r.get(f);
    if (const auto* d = std::get_if<double>(&v)) {
      return *d;
    }
    if (const auto* i = std::get_if<std::int64_t>(&v)) {
      return static_cast<double>(*i);
    }
    return 0.0;
  };
  return std::hypot(num(a, "plan_x") - num(b, "plan_x"), num(a, "plan_y") - num(b, "plan_y"));
}

bool flag(const base::Record& r, const char* f) {
  const auto& v = r.get(f);
  const auto* b = std::get_if<bool>(&v);
  return b != nullptr && *b;
}

}  // namespace

// Which of the type's own form fields the plan fills, and which hold a value of the wrong kind.
// A field may also come as a condition of the same name (height_m, load_t, line_tag: the grading
// inputs). Person fields are typed as names or given as ids; an enum must be one of its options.
static void fieldStates(const permit::WorkTypeDef& type, const Plan& plan,
                        std::set<std::string>& filled, std::set<std::string>& invalid) {
  auto blank = [](const json::string& s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return c == ' ' || c == '\t' || c == '\n'; });
  };
  for (const auto& f : type.fields) {
    const json::value* v = plan.fields.if_contains(f.name);
    if (v == nullptr || v->is_null() || (v->is_string() && blank(v->as_string()))) {
      v = plan.conditions.if_contains(f.name);
    }
    if (v == nullptr || v->is_null() || (v->is_string() && blank(v->as_string())) ||
        (v->is_array() && v->as_array().empty())) {
      continue;
    }
    bool ok = true;
    if (f.kind == "bool") {
      ok = v->is_bool();
    } else if (f.kind == "number") {
      if (v->is_string()) {
        const std::string s(v->as_string());
        char* end = nullptr;
        const double d = std::strtod(s.c_str(), &end);
        ok = end != s.c_str() && *end == '\0' && std::isfinite(d);
      } else {
        ok = v->is_number();
      }
    } else if (f.kind == "enum") {
      ok = v->is_string() && std::find(f.options.begin(), f.options.end(),
                                       std::string_view(v->as_string())) != f.options.end();
    } else {
      ok = !v->is_object();
    }
    (ok ? filled : invalid).insert(f.name);
  }
}

// The part of the analysis that doesn't depend on other open work: the plan's references
// (scope-checked), the grade, people and certificates, maintenance and environment.
struct Gathered {
  Analysis a;
  permit::FeasibilityInput in;
};

static Result<Gathered> gather(store::Transaction& tx, const auth::Principal* caller,
                               std::shared_ptr<const std::vector<permit::WorkTypeDef>> types,
                               const Plan& plan, Instant now, int tz,
                               EnvironmentCheck* environment) {
  Analysis a;
  a.types = std::move(types);
  a.type = permit::findType(*a.types, plan.type);
  if (a.type == nullptr) {
    return invalid("type", "unknown_type");
  }
  AG_ASSIGN_OR_RETURN(a.area, visibleRecord(tx, caller, "areas", plan.area_id, "area_id"));
  a.names["area"] = a.area.getText("name");
  // Night: any part of the window in the night hours; holiday: any day of it a holiday or a
  // weekend that isn't a make-up working day.
  std::set<std::string> days;
  for (Instant t = plan.from; t < plan.to; t += std::chrono::minutes(30)) {
    a.night = a.night || permit::isNight(localMinute(t, tz));
    days.insert(localDate(t, tz));
  }
  a.night = a.night || permit::isNight(localMinute(plan.to - std::chrono::minutes(1), tz));
  days.insert(localDate(plan.to - std::chrono::minutes(1), tz));
  for (const auto& day : days) {
    store::ListQuery q;
    q.filters.push_back({"date", store::FilterOp::kEq, base::Value(day)});
    q.count_total = false;
    AG_ASSIGN_OR_RETURN(auto cal, tx.records().list(schema("holidays"), q));
    std::string kind;
    if (!cal.items.empty()) {
      kind = cal.items.front().getText("kind");
    }
    auto t = parseRfc3339(day + "T12:00:00+00:00");
    const int wd = t ? weekday(*t, 0) : 1;
    if (kind == "holiday" || (kind.empty() && (wd == 0 || wd == 6))) {
      a.holiday = true;
    }
  }
  permit::GradingInput g;
  g.type_code = a.type->grading == permit::GradingRule::kNone ? "" : plan.type;
  g.fire_explosion_area = flag(a.area, "fire_explosion_hazard");
  g.major_hazard = flag(a.area, "major_hazard");
  g.inside_fire_dike = flag(a.area, "inside_fire_dike");
  g.outdoor = flag(a.area, "outdoor");
  g.area_kind = a.area.getText("kind");
  g.unit_in_operation = boolIn(plan.conditions, "unit_in_operation");
  g.hot_tapping = boolIn(plan.conditions, "hot_tapping");
  g.unit_shutdown_cleaned = boolIn(plan.conditions, "unit_shutdown_cleaned");
  g.night = a.night;
  g.holiday = a.holiday;
  g.wind_level = static_cast<int>(numberIn(plan.conditions, "wind_level"));
  g.height_m = numberIn(plan.conditions, "height_m");
  g.load_t = numberIn(plan.conditions, "load_t");
  if (const auto* hz = arrayIn(plan.conditions, "objective_hazards")) {
    for (const auto& h : *hz) {
      if (h.is_string()) {
        g.objective_hazards.emplace_back(h.as_string());
      }
    }
  }
  if (a.type->grading == permit::GradingRule::kNone) {
    a.grade.level = a.type->levels.empty() ? "none" : a.type->levels.front().code;
  } else {
    g.type_code = a.type->code;
    auto graded = permit::grade(g);
    if (!graded) {
      auto e = graded.error();
      return invalid("conditions", e.key());
    }
    a.grade = *graded;
  }
  a.level = permit::findLevel(*a.type, a.grade.level);
  if (a.level == nullptr) {
    return Error::internal("permit.bad_work_type", "the work type has no such level")
        .with("level", a.grade.level);
  }

  permit::FeasibilityInput in;
  in.type = a.type;
  in.level = a.grade.level;
  in.now = now;
  in.from = plan.from;
  in.to = plan.to;
  in.today_local = localDate(now, tz);
  in.window_end_local_date = localDate(plan.to, tz);
  in.area_id = plan.area_id;
  in.fire_explosion_area = g.fire_explosion_area;
  in.equipment_ids = plan.equipment_ids;
  in.line_tag = stringIn(plan.conditions, "line_tag");
  in.painting = boolIn(plan.conditions, "painting");
  in.height_m = g.height_m;
  fieldStates(*a.type, plan, in.filled_fields, in.invalid_fields);
  AG_ASSIGN_OR_RETURN(auto leader, personInfo(tx, caller, plan.leader_id, "leader_id"));
  a.names["leader"] = leader.name;
  in.leader = leader;
  if (plan.guardian_id) {
    AG_ASSIGN_OR_RETURN(auto guardian, personInfo(tx, caller, plan.guardian_id, "guardian_id"));
    a.names["guardian"] = guardian.name;
    in.guardian = guardian;
  }
  json::array worker_names;
  for (auto id : plan.worker_ids) {
    AG_ASSIGN_OR_RETURN(auto w, personInfo(tx, caller, id, "worker_ids"));
    worker_names.emplace_back(w.name);
    in.workers.push_back(std::move(w));
  }
  a.names["workers"] = std::move(worker_names);
  for (auto id : plan.equipment_ids) {
    AG_ASSIGN_OR_RETURN(auto eq, visibleRecord(tx, caller, "equipment", id, "equipment_ids"));
    (void)eq;
  }
  if (plan.contractor_id) {
    AG_ASSIGN_OR_RETURN(
        auto org, visibleRecord(tx, nullptr, "org_units", plan.contractor_id, "contractor_id"));
    a.names["contractor"] = org.getText("name");
  }
  // Maintenance windows overlapping the job, on its equipment or in its area.
  {
    store::ListQuery q;
    q.filters.push_back({"starts_at", store::FilterOp::kLe, base::Value(toMillis(plan.to))});
    q.filters.push_back({"ends_at", store::FilterOp::kGe, base::Value(toMillis(plan.from))});
    q.page_size = 1000;
    q.count_total = false;
    AG_ASSIGN_OR_RETURN(auto windows, tx.records().list(schema("maintenance_windows"), q));
    for (const auto& m : windows.items) {
      permit::MaintenanceInfo mi;
      mi.id = m.id;
      mi.equipment_id = m.getInt("equipment_id");
      auto eq = tx.records().get(schema("equipment"), mi.equipment_id);
      mi.area_id = eq ? eq->getInt("area_id") : 0;
      mi.from = fromMillis(m.getInt("starts_at"));
      mi.to = fromMillis(m.getInt("ends_at"));
      mi.title = m.getText("description");
      in.maintenance.push_back(std::move(mi));
    }
  }
  if (environment != nullptr) {
    std::vector<permit::Finding> env;
    for (const auto& f : environment->findings(plan.area_id, now)) {
      permit::Finding pf;
      pf.code = stringIn(f, "code");
      const std::string sev = stringIn(f, "severity");
      pf.severity = sev == "block"  ? permit::Severity::kBlock
                    : sev == "warn" ? permit::Severity::kWarn
                                    : permit::Severity::kPass;
      pf.reason = reasonFrom(f);
      env.push_back(std::move(pf));
    }
    in.environment = std::move(env);
  }
  return Gathered{std::move(a), std::move(in)};
}

// A refused submit or issue, with every finding that is not a pass as "finding.N":
// "<code> [warn|block] <reason>".
static Error withFindings(Error e, const std::vector<permit::Finding>& findings, bool zh) {
  int n = 0;
  for (const auto& f : findings) {
    if (f.severity != permit::Severity::kPass) {
      e.with("finding." + std::to_string(++n),
             f.code + " [" + permit::toString(f.severity) + "] " +
                 permit::renderReason(localized(f.reason, zh), zh));
    }
  }
  return e;
}

// The plan the permit was submitted with, from its document.
static Result<Plan> storedPlan(const json::object& doc) {
  const auto* plan = objectIn(doc, "plan");
  if (plan == nullptr) {
    return Error::internal("permit.corrupt", "the stored permit has no plan");
  }
  return parsePlan(*plan);
}

// The reasons of `overrides` that answer a warning among `findings` (the ones to keep).
static json::object warnOverrides(const std::vector<permit::Finding>& findings,
                                  const std::map<std::string, std::string>& overrides) {
  json::object out;
  for (const auto& [code, reason] : overrides) {
    for (const auto& f : findings) {
      if (f.code == code && f.severity == permit::Severity::kWarn) {
        out[code] = reason;
      }
    }
  }
  return out;
}

// Adds the other open work overlapping the window (and submits not yet committed) and runs the
// feasibility checks at `now`.
static Result<Analysis> finishAnalysis(store::Transaction& tx, Gathered g, const Plan& plan,
                                       Instant now, int tz, std::int64_t self_id,
                                       const std::vector<store::PermitRow>* in_flight) {
  Analysis& a = g.a;
  permit::FeasibilityInput& in = g.in;
  in.now = now;
  in.today_local = localDate(now, tz);
  in.others.clear();
  // Other work overlapping in time (any area: distances decide).
  store::PermitQuery pq;
  pq.states = {"submitted", "in_approval", "issued", "active", "suspended"};
  pq.from = plan.from;
  pq.to = plan.to;
  pq.limit = 5000;
  pq.with_doc = false;
  pq.narrow = true;
  pq.any_order = true;
  // Only the work a check can flag: the rest passes every check whatever it is.
  const auto matters = permit::otherWorkThatMatters(
      a.type->code, in.painting, in.guardian ? in.guardian->id : std::int64_t{0});
  pq.any_of =
      store::PermitQuery::AnyOf{matters.guardian_id, matters.type_codes, matters.painting_work};
  AG_ASSIGN_OR_RETURN(auto others, tx.permits().list(pq, nullptr));
  if (in_flight != nullptr) {
    // Submits being saved right now (not visible to this read yet) that overlap the window.
    for (const auto& r : *in_flight) {
      const bool listed = std::any_of(others.begin(), others.end(),
                                      [&](const store::PermitRow& o) { return o.id == r.id; });
      if (!listed && r.window_from < plan.to && r.window_to > plan.from) {
        others.push_back(r);
      }
    }
  }
  std::map<std::int64_t, base::Record> areas;
  for (const auto& o : others) {
    if (o.id == self_id) {
      continue;
    }
    permit::OtherWork w;
    w.permit_id = o.id;
    w.number = o.number;
    w.type_code = o.type_code;
    w.area_id = o.area_id;
    w.same_area = o.area_id == plan.area_id;
    if (!w.same_area) {
      auto it = areas.find(o.area_id);
      if (it == areas.end()) {
        auto r = tx.records().get(schema("areas"), o.area_id);
        if (!r) {
          continue;
        }
        it = areas.emplace(o.area_id, *r).first;
      }
      w.distance_m = distance(a.area, it->second);
    }
    w.from = o.window_from;
    w.to = o.window_to;
    w.guardian_id = o.guardian_id;
    // Parse only conditions that hold something the checks read ("{}" and the like don't).
    const bool relevant = o.conditions.find("line_tag") != std::string::npos ||
                          o.conditions.find("painting") != std::string::npos ||
                          o.conditions.find("height_m") != std::string::npos;
    if (relevant) {
      boost::system::error_code ec;
      auto c = json::parse(o.conditions, ec);
      if (!ec && c.is_object()) {
        w.line_tag = stringIn(c.as_object(), "line_tag");
        w.painting = boolIn(c.as_object(), "painting");
        w.height_m = numberIn(c.as_object(), "height_m");
      }
    }
    in.others.push_back(std::move(w));
  }
  a.findings = permit::checkFeasibility(in);
  if (a.grade.forbidden) {
    permit::Finding f;
    f.code = "grade.forbidden";
    f.severity = permit::Severity::kBlock;
    f.reason = a.grade.reasons.empty() ? permit::Reason{"permit.grade.forbidden", {}}
                                       : a.grade.reasons.back();
    a.findings.push_back(std::move(f));
  }
  return std::move(g.a);
}

// Loads the plan's references (scope-checked), grades it and runs the feasibility checks.
static Result<Analysis> analyse(store::Transaction& tx, const auth::Principal* caller,
                                std::shared_ptr<const std::vector<permit::WorkTypeDef>> types,
                                const Plan& plan, Instant now, int tz, std::int64_t self_id,
                                EnvironmentCheck* environment,
                                const std::vector<store::PermitRow>* in_flight = nullptr) {
  AG_ASSIGN_OR_RETURN(auto g, gather(tx, caller, std::move(types), plan, now, tz, environment));
  return finishAnalysis(tx, std::move(g), plan, now, tz, self_id, in_flight);
}

static json::object analysisJson(const Analysis& a, bool zh) {
  json::array reasons;
  for (const auto& r : a.grade.reasons) {
    reasons.emplace_back(permit::renderReason(r, zh));
  }
  json::array findings;
  for (const auto& f : a.findings) {
    findings.push_back(json::object{{"code", f.code},
                                    {"severity", permit::toString(f.severity)},
                                    {"text", permit::renderReason(localized(f.reason, zh), zh)}});
  }
  json::array chain;
  if (a.level != nullptr) {
    for (const auto& s : a.level->chain) {
      chain.push_back(json::object{{"role", s.role},
                                   {"role_label", permit_json::roleLabel(s.role, zh)},
                                   {"label", zh ? s.zh : s.en},
                                   {"kind", permit::toString(s.kind)},
                                   {"sla_minutes", s.sla_minutes}});
    }
  }
  return json::object{
      {"grade", json::object{{"level", a.grade.level},
                             {"level_label", a.level == nullptr || a.grade.level == "none"
                                                 ? ""
                                                 : (zh ? a.level->zh : a.level->en)},
                             {"permit_required", a.grade.permit_required},
                             {"forbidden", a.grade.forbidden},
                             {"reasons", std::move(reasons)}}},
      {"findings", std::move(findings)},
      {"chain", std::move(chain)},
      {"max_validity_minutes", a.level ? a.level->max_validity.count() : 0},
      {"night", a.night},
      {"holiday", a.holiday}};
}

static json::object storedAnalysis(const Analysis& a) {
  json::array reasons;
  for (const auto& r : a.grade.reasons) {
    reasons.push_back(reasonJson(r));
  }
  json::array findings;
  for (const auto& f : a.findings) {
    findings.push_back(json::object{{"code", f.code},
                                    {"severity", permit::toString(f.severity)},
                                    {"reason", reasonJson(f.reason)}});
  }
  return json::object{{"grade", json::object{{"level", a.grade.level},
                                             {"permit_required", a.grade.permit_required},
                                             {"forbidden", a.grade.forbidden},
                                             {"reasons", std::move(reasons)},
                                             {"night", a.night},
                                             {"holiday", a.holiday}}},
                      {"findings", std::move(findings)}};
}

static bool canPlan(const auth::Principal& p) {
  return hasAnyRole(p, {"work_leader", "safety_officer", "admin"});
}

Result<json::object> PermitService::preview(const auth::Principal& caller,
                                            const json::object& body) {
  if (!canPlan(caller)) {
    return forbidden();
  }
  AG_ASSIGN_OR_RETURN(Plan plan, parsePlan(body));
  json::object out;
  const Instant now = clock_.now();
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auto types, loadTypes(tx));
    AG_ASSIGN_OR_RETURN(auto a, analyse(tx, &caller, types, plan, now, settings_.tz_offset_minutes,
                                        0, environment_));
    out = analysisJson(a, chinese(caller));
    return {};
  }));
  return out;
}

Result<json::object> PermitService::create(const auth::Principal& caller,
                                           const json::object& body) {
  if (!canPlan(caller)) {
    return forbidden();
  }
  AG_ASSIGN_OR_RETURN(Plan plan, parsePlan(body));
  const Instant now = clock_.now();
  const int tz = settings_.tz_offset_minutes;
  // Grading and findings on a read snapshot: a draft's findings are advice; submit re-checks.
  Analysis a;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auto types, loadTypes(tx));
    AG_ASSIGN_OR_RETURN(a, analyse(tx, &caller, types, plan, now, tz, 0, environment_));
    return {};
  }));
  store::PermitRow row;
  row.type_code = plan.type;
  row.level = a.grade.level;
  row.state = "draft";
  row.org_id = a.area.org_id;
  row.org_path = a.area.org_path;
  row.area_id = plan.area_id;
  row.title = plan.title;
  row.window_from = plan.from;
  row.window_to = plan.to;
  row.leader_id = plan.leader_id;
  row.guardian_id = plan.guardian_id;
  row.crew = crewList(plan);
  row.rules_version = a.type->rules_version;
  row.public_token = crypto::randomToken();
  row.number = "tmp-" + row.public_token;
  row.created_by = caller.user_id.value;
  row.created_at = now;
  row.updated_at = now;
  row.conditions = json::serialize(plan.conditions);
  {
    json::object doc = storedAnalysis(a);
    doc["plan"] = planJson(plan, tz);
    doc["names"] = a.names;
    row.doc = json::serialize(doc);
  }
  std::string date = localDate(now, tz);
  date.erase(std::remove(date.begin(), date.end(), '-'), date.end());
  const std::string prefix = numberPrefix(plan.type) + "-" + date + "-";
  std::int64_t id = 0;
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    for (auto linked : plan.linked_ids) {
      auto other = tx.permits().get(linked);
      if (!other || !auth::inScope(caller.org_path, other->org_path)) {
        return invalid("linked_permit_ids", "bad_reference");
      }
    }
    AG_ASSIGN_OR_RETURN(id, tx.permits().insert(row));
    char seq[16];
    std::snprintf(seq, sizeof seq, "%06lld", static_cast<long long>(id));
    const std::string number = prefix + seq;
    AG_RETURN_IF_ERROR(tx.permits().setNumber(id, number));
    store::PermitEventRow e;
    e.permit_id = id;
    e.at = now;
    e.actor_id = caller.user_id.value;
    e.actor_name = Actor::of(caller).name;
    e.kind = "created";
    e.to_state = "draft";
    e.data = json::serialize(json::object{{"number", number}, {"level", row.level}});
    AG_ASSIGN_OR_RETURN(auto eid, tx.permits().appendEvent(e));
    (void)eid;
    // Cross-reference: linked permits list this one too (4.6).
    for (auto linked : plan.linked_ids) {
      AG_ASSIGN_OR_RETURN(auto other, tx.permits().get(linked));
      boost::system::error_code ec;
      auto odoc = json::parse(other.doc, ec);
      if (!ec && odoc.is_object()) {
        auto& refs = arrayAt(odoc.as_object(), "linked_by");
        refs.emplace_back(id);
        other.doc = json::serialize(odoc);
        AG_ASSIGN_OR_RETURN(auto v, tx.permits().update(other));
        (void)v;
      }
    }
    return appendAudit(tx, Actor::of(caller), now, "create", kEntity, id, row.org_path, "",
                       json::serialize(json::object{{"number", number},
                                                    {"type", row.type_code},
                                                    {"level", row.level},
                                                    {"title", row.title}}));
  }));
  afterCommit(row.org_path, id, "draft", false);
  return answer(caller, id);
}

namespace {

// What a mutator recorded, saved by mutate()'s write transaction.
struct PreparedChange {
  store::PermitRow row;     // With the version it was read at.
  store::PermitRow before;  // `row` as read (without doc): the update writes what differs.
  std::string before_state, audit_action;
  Actor actor;
  std::vector<store::PermitEventRow> events;
  std::vector<NotificationDraft> notices;
  std::vector<store::PermitFileRow> files;
};

bool isStale(const Error& e) {
  return e.code() == ErrorCode::kConflict && e.key() == "permit.stale_version";
}

}  // namespace

Result<std::int64_t> PermitService::mutate(const auth::Principal* caller, std::int64_t id,
                                           const Mutator& fn, std::mutex* prepare_lock,
                                           DetailParts* detail) {
  constexpr int kAttempts = 8;
  for (int attempt = 1;; ++attempt) {
    // Taken before the read transaction begins, so its snapshot is newer than anything the
    // previous holder saw.
    std::unique_lock<std::mutex> prepare_guard;
    if (prepare_lock != nullptr) {
      prepare_guard = std::unique_lock(*prepare_lock);
    }
    const Instant now = clock_.now();
    PreparedChange ch;
    AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
      store::PermitRow row;
      // In the storage of the detail it ends in (see DetailParts::doc), else in an arena of its
      // own: the moves into ctx and into the detail then copy nothing.
      json::object doc(detail != nullptr ? detail->doc.storage()
                                         : json::make_shared_resource<json::monotonic_resource>());
      // The doc comes back parsed and cleared from the row: serialised again below.
      AG_RETURN_IF_ERROR(readPermit(tx, caller, id, row, doc));
      ch.before = row;
      // The rules of a (code, rules_version) never change: parsed once per process, and `view`
      // keeps them alive while ctx refers to them.
      AG_ASSIGN_OR_RETURN(auto view, typeView(tx, row.type_code, row.rules_version));
      static const permit::WorkTypeDef kNoRules;
      MutationCtx ctx{tx,
                      caller,
                      caller ? Actor::of(*caller) : Actor{},
                      now,
                      std::move(row),
                      std::move(doc),
                      view != nullptr ? view->def : kNoRules,
                      "",
                      {},
                      {},
                      {}};
      ch.before_state = ctx.row.state;
      AG_RETURN_IF_ERROR(fn(ctx));
      if (prepare_guard.owns_lock()) {
        // What `fn` decided under the lock is recorded (a submit is in flight from here on), so
        // the rest of the preparation (the document, the recipients) runs beside the next one.
        prepare_guard.unlock();
      }
      ctx.row.updated_at = now;
      ctx.row.doc = json::serialize(ctx.doc);
      if (detail != nullptr && caller != nullptr) {
        std::string serialized = std::move(ctx.row.doc);
        detail->row = ctx.row;
        ctx.row.doc = std::move(serialized);
        detail->doc = std::move(ctx.doc);
        if (detail->brief) {
          detail->view = view;
        } else {
          AG_RETURN_IF_ERROR(loadDetail(tx, *caller, *detail));
        }
      }
      for (auto& n : ctx.notices) {
        for (const auto& role : n.roles) {
          AG_ASSIGN_OR_RETURN(auto users,
                              NotificationService::roleHolders(tx, role, ctx.row.org_path));
          n.draft.user_ids.insert(n.draft.user_ids.end(), users.begin(), users.end());
        }
        ch.notices.push_back(std::move(n.draft));
      }
      ch.row = std::move(ctx.row);
      ch.audit_action = ctx.audit_action.empty() ? "permit.update" : ctx.audit_action;
      ch.actor = std::move(ctx.actor);
      ch.events = std::move(ctx.events);
      ch.files = std::move(ctx.files);
      return {};
    }));
    if (prepare_guard.owns_lock()) {
      prepare_guard.unlock();
    }
    std::int64_t saved_version = 0;
    std::vector<std::int64_t> event_ids;
    auto saved = store_.write([&](store::Transaction& tx) -> Status {
      event_ids.clear();
      AG_ASSIGN_OR_RETURN(saved_version, tx.permits().updateChanged(ch.row, ch.before));
      for (const auto& f : ch.files) {
        AG_RETURN_IF_ERROR(tx.permits().insertFile(f));
      }
      for (const auto& e : ch.events) {
        AG_ASSIGN_OR_RETURN(auto eid, tx.permits().appendEvent(e));
        event_ids.push_back(eid);
      }
      for (const auto& n : ch.notices) {
        AG_ASSIGN_OR_RETURN(auto stored, NotificationService::enqueue(tx, n, now));
        (void)stored;
      }
      json::object after{{"number", ch.row.number}, {"state", ch.row.state}};
      if (!ch.events.empty()) {
        after["event"] = ch.events.back().kind;
      }
      return appendAudit(tx, ch.actor, now, ch.audit_action, kEntity, id, ch.row.org_path,
                         json::serialize(json::object{{"state", ch.before_state}}),
                         json::serialize(after));
    });
    if (!saved) {
      if (isStale(saved.error()) && attempt < kAttempts) {
        continue;  // Someone else changed the permit since it was read: run `fn` again.
      }
      return saved.error();
    }
    if (detail != nullptr) {
      // What the write stored, in the order a fresh read would list it.
      detail->row.version = saved_version;
      for (std::size_t i = 0; i < ch.events.size() && i < event_ids.size(); ++i) {
        detail->events.push_back(ch.events[i]);
        detail->events.back().id = event_ids[i];
        detail->events.back().permit_id = id;
      }
      for (const auto& f : ch.files) {
        detail->files.push_back(f);
        detail->files.back().data.clear();
      }
    }
    afterCommit(ch.row.org_path, id, ch.row.state, !ch.notices.empty());
    return id;
  }
}

Result<json::object> PermitService::change(const auth::Principal& caller, std::int64_t id,
                                           const Mutator& fn) {
  DetailParts detail;
  detail.with_rules = false;
  detail.brief = caller.prefer_minimal;
  AG_RETURN_IF_ERROR(statusOf(mutate(&caller, id, fn, nullptr, &detail)));
  if (detail.brief) {
    return briefJson(caller, detail);
  }
  return composeDetail(caller, detail, clock_.now());
}

json::object PermitService::briefJson(const auth::Principal& caller, const DetailParts& d) const {
  return summaryJson(d.row, d.doc, d.view != nullptr ? &d.view->zh : nullptr, chinese(caller),
                     settings_.tz_offset_minutes);
}

Result<json::object> PermitService::answer(const auth::Principal& caller, std::int64_t id) {
  if (!caller.prefer_minimal) {
    return get(caller, id);
  }
  DetailParts d;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_RETURN_IF_ERROR(readPermit(tx, &caller, id, d.row, d.doc));
    if (auto v = typeView(tx, d.row.type_code, d.row.rules_version)) {
      d.view = *v;  // Damaged rules give a summary without labels.
    }
    return {};
  }));
  return briefJson(caller, d);
}

void PermitService::afterCommit(const std::string& org_path, std::int64_t id,
                                const std::string& state, bool notified) {
  Event e;
  e.topic = "permits.changed";
  e.org_path = org_path;
  e.json = json::serialize(json::object{{"id", id}, {"state", state}});
  events_.publish(e);
  if (notified) {
    notifications_.nudge();
  }
}

Result<json::object> PermitService::update(const auth::Principal& caller, std::int64_t id,
                                           const json::object& body, std::int64_t version) {
  if (!canPlan(caller)) {
    return forbidden();
  }
  AG_ASSIGN_OR_RETURN(Plan plan, parsePlan(body));
  const int tz = settings_.tz_offset_minutes;
  return change(caller, id, [&](MutationCtx& c) -> Status {
    if (!permit::isEditable(c.state())) {
      return Error::conflict("permit.not_editable",
                             "An issued permit can't be edited; a changed job needs a new permit")
          .with("state", c.row.state);
    }
    if (c.row.version != version) {
      return Error::conflict("permit.stale_version",
                             "The permit was changed by someone else; reload and try again");
    }
    if (plan.type != c.row.type_code) {
      return invalid("type", "cannot_change");
    }
    AG_ASSIGN_OR_RETURN(auto types, loadTypes(c.tx));
    AG_ASSIGN_OR_RETURN(auto a,
                        analyse(c.tx, c.caller, types, plan, c.now, tz, c.row.id, environment_));
    auto stored = storedAnalysis(a);
    c.doc["grade"] = stored["grade"];
    c.doc["findings"] = stored["findings"];
    c.doc["plan"] = planJson(plan, tz);
    c.doc["names"] = a.names;
    c.row.level = a.grade.level;
    c.row.org_id = a.area.org_id;
    c.row.org_path = a.area.org_path;
    c.row.area_id = plan.area_id;
    c.row.title = plan.title;
    c.row.window_from = plan.from;
    c.row.window_to = plan.to;
    c.row.leader_id = plan.leader_id;
    c.row.guardian_id = plan.guardian_id;
    c.row.crew = crewList(plan);
    c.row.rules_version = a.type->rules_version;
    c.row.conditions = json::serialize(plan.conditions);
    c.audit_action = "permit.edited";
    c.event("edited");
    return {};
  });
}

Result<json::object> PermitService::submit(const auth::Principal& caller, std::int64_t id,
                                           const std::map<std::string, std::string>& overrides) {
  if (!canPlan(caller)) {
    return forbidden();
  }
  const int tz = settings_.tz_offset_minutes;
  const std::uint64_t ticket = ++submit_tickets_;
  // The slow part of the check (people and certificates, calendar, maintenance, environment)
  // runs on a snapshot before the submit lock; under the lock only the overlap with other work
  // is checked. If the permit changed in between, it is gathered again under the lock.
  std::optional<Gathered> pre;
  std::int64_t pre_version = -1;
  {
    auto gathered = store_.read([&](store::Transaction& tx) -> Status {
      AG_ASSIGN_OR_RETURN(auto row, tx.permits().get(id));
      if (!auth::inScope(caller.org_path, row.org_path)) {
        return Error::notFound("permit.not_found", "No such permit");
      }
      boost::system::error_code ec;
      auto doc = json::parse(row.doc, ec);
      if (ec || !doc.is_object()) {
        return Error::internal("permit.corrupt", "the stored permit is damaged");
      }
      AG_ASSIGN_OR_RETURN(Plan plan, storedPlan(doc.as_object()));
      AG_ASSIGN_OR_RETURN(auto types, loadTypes(tx));
      AG_ASSIGN_OR_RETURN(auto g, gather(tx, &caller, types, plan, clock_.now(), tz, environment_));
      pre = std::move(g);
      pre_version = row.version;
      return {};
    });
    (void)gathered;  // mutate() below reports any error of its own read.
  }
  DetailParts brief;  // Filled only for a caller who prefers a minimal answer.
  brief.brief = true;
  auto submitted = mutate(
      &caller, id,
      [&](MutationCtx& c) -> Status {
        const State st = c.state();
        if (st != State::kDraft && st != State::kReturned) {
          return statusOf(permit::transition(st, Action::kSubmit));
        }
        // Feasibility again, with today's data.
        AG_ASSIGN_OR_RETURN(Plan plan, storedPlan(c.doc));
        AG_ASSIGN_OR_RETURN(auto types, loadTypes(c.tx));
        // The check sees the committed open work plus the submits being saved right now, and this
        // submit joins the latter before anyone else checks: two overlapping submits can't both
        // miss each other (guardian busy, simultaneous operations).
        // mutate() holds plan_mutex_ for this whole function (see in_flight_).
        Analysis a;
        {
          std::vector<store::PermitRow> in_flight;
          for (const auto& [pid, entry] : in_flight_) {
            if (pid != c.row.id) {
              in_flight.push_back(entry.second);
            }
          }
          Gathered g;
          if (pre && pre_version == c.row.version) {
            g = std::move(*pre);
          } else {
            AG_ASSIGN_OR_RETURN(g, gather(c.tx, c.caller, types, plan, c.now, tz, environment_));
          }
          pre.reset();  // A retry after a lost race gathers afresh.
          AG_ASSIGN_OR_RETURN(
              a, finishAnalysis(c.tx, std::move(g), plan, c.now, tz, c.row.id, &in_flight));
          if (auto st2 = permit::checkOverride(a.findings, overrides); !st2) {
            return withFindings(st2.error(), a.findings, chinese(caller));
          }
          store::PermitRow entry = c.row;
          entry.doc.clear();
          entry.state = "submitted";
          in_flight_[c.row.id] = {ticket, std::move(entry)};
        }
        auto stored = storedAnalysis(a);
        c.doc["grade"] = stored["grade"];
        c.doc["findings"] = stored["findings"];
        json::object ov = warnOverrides(a.findings, overrides);
        c.doc["overrides"] = ov;
        c.row.level = a.grade.level;
        // Submitted under the rules it was just checked and routed by: a change of the work
        // type after this applies to new submits, not to this permit (see checkAtIssue).
        c.row.rules_version = a.type->rules_version;
        c.row.submitted_at = c.now;
        AG_RETURN_IF_ERROR(c.apply(st == State::kReturned ? Action::kResubmit : Action::kSubmit,
                                   "submitted", json::object{{"overrides", ov.size()}}));
        const bool cross_work = boolIn(plan.conditions, "cross_work");
        auto steps = permit::planSteps(*a.level, cross_work);
        if (steps.empty()) {
          // No approval needed (e.g. lifting under 10 t with its risk analysis recorded).
          AG_RETURN_IF_ERROR(c.apply(Action::kStartApproval, "approval_started"));
          AG_RETURN_IF_ERROR(c.apply(Action::kApproveFinal, "issued"));
          c.row.issued_at = c.now;
          writeSteps(c.doc, steps);
          c.notify("issued", "已签发，可按条件开工", "issued; may start when conditions are met");
          return {};
        }
        auto opened = permit::openNext(steps, c.now);
        writeSteps(c.doc, steps);
        c.row.waiting_roles = waitingRoles(steps);
        c.row.waiting_since = c.now;
        AG_RETURN_IF_ERROR(c.apply(Action::kStartApproval, "approval_started"));
        std::vector<std::string> roles;
        for (auto i : opened) {
          roles.push_back(steps[i].role);
        }
        c.notify("approval_waiting", "等待您审批", "waiting for your approval", roles, false);
        c.audit_action = "permit.submitted";
        return {};
      },
      &plan_mutex_, caller.prefer_minimal ? &brief : nullptr);
  {
    std::lock_guard lock(plan_mutex_);
    if (auto it = in_flight_.find(id); it != in_flight_.end() && it->second.first == ticket) {
      in_flight_.erase(it);
    }
  }
  if (!submitted) {
    return submitted.error();
  }
  if (caller.prefer_minimal) {
    return briefJson(caller, brief);
  }
  return get(caller, id);
}

Result<json::object> PermitService::cancel(const auth::Principal& caller, std::int64_t id,
                                           const std::string& reason) {
  if (!canPlan(caller)) {
    return forbidden();
  }
  if (reason.size() < 2) {
    return invalid("reason", "required");
  }
  return change(caller, id, [&](MutationCtx& c) -> Status {
    AG_RETURN_IF_ERROR(c.apply(Action::kCancel, "cancelled", json::object{{"reason", reason}}));
    c.row.waiting_roles.clear();
    c.notify("cancelled", "已取消", "cancelled");
    return {};
  });
}

Status PermitService::checkAtIssue(MutationCtx& c,
                                   const std::map<std::string, std::string>& overrides) {
  AG_ASSIGN_OR_RETURN(Plan plan, storedPlan(c.doc));
  AG_ASSIGN_OR_RETURN(auto types, loadTypes(c.tx));
  // The permit's own type is checked by the rules it was submitted under (c.type, its
  // rules_version), not by a later edit of the work type; other work keeps today's rules.
  const permit::WorkTypeDef* current = permit::findType(*types, c.row.type_code);
  if (!c.type.code.empty() && c.type.code == c.row.type_code &&
      (current == nullptr || current->rules_version != c.type.rules_version)) {
    auto own = std::make_shared<std::vector<permit::WorkTypeDef>>();
    own->reserve(types->size() + 1);
    bool found = false;
    for (const auto& t : *types) {
      found = found || t.code == c.type.code;
      own->push_back(t.code == c.type.code ? c.type : t);
    }
    if (!found) {
      own->push_back(c.type);  // deactivated since submit: its permits still run
    }
    types = std::move(own);
  }
  const int tz = settings_.tz_offset_minutes;
  // The references were checked against the planner's scope at submit; the approver's scope
  // may be narrower (a contractor's people), so they are not checked against it again.
  AG_ASSIGN_OR_RETURN(auto g, gather(c.tx, nullptr, types, plan, c.now, tz, environment_));
  g.in.at_issue = true;
  AG_ASSIGN_OR_RETURN(auto a,
                      finishAnalysis(c.tx, std::move(g), plan, c.now, tz, c.row.id, nullptr));
  if (a.grade.level != c.row.level) {
    // The approvals were routed for the submitted level (an area's flag or the calendar
    // changed since): the chain no longer fits.
    permit::Finding f;
    f.code = "grade.changed";
    f.severity = permit::Severity::kBlock;
    f.reason = {"permit.feas.grade_changed", {{"submitted", c.row.level}, {"now", a.grade.level}}};
    a.findings.push_back(std::move(f));
  }
  // A warning overridden at submit keeps its reason; one found anew needs the approver's.
  std::map<std::string, std::string> reasons = overrides;
  if (const auto* submitted = objectIn(c.doc, "overrides")) {
    for (const auto& kv : *submitted) {
      if (kv.value().is_string()) {
        reasons.emplace(std::string(kv.key()), std::string(kv.value().as_string()));
      }
    }
  }
  const bool zh = c.caller != nullptr && chinese(*c.caller);
  if (auto ok = permit::checkOverride(a.findings, reasons); !ok) {
    return withFindings(Error(ok.error()).with("check", "issue"), a.findings, zh);
  }
  json::object fresh = warnOverrides(a.findings, overrides);
  auto stored = storedAnalysis(a);
  c.doc["issue_findings"] = stored["findings"];
  if (!fresh.empty()) {
    c.doc["issue_overrides"] = fresh;
  }
  return {};
}

Result<json::object> PermitService::decide(const auth::Principal& caller, std::int64_t id,
                                           const Decision& d) {
  if (d.action != "approve" && d.action != "reject" && d.action != "return") {
    return invalid("action", "unknown");
  }
  if (d.action != "approve" && d.comment.size() < 2) {
    return invalid("comment", "required");
  }
  return change(caller, id, [&](MutationCtx& c) -> Status {
    const State st = c.state();
    const Action action = d.action == "approve"  ? Action::kApproveFinal
                          : d.action == "reject" ? Action::kReject
                                                 : Action::kReturn;
    if (st != State::kInApproval) {
      return statusOf(permit::transition(st, action));
    }
    auto steps = stepsFrom(c.doc);
    std::optional<std::size_t> mine;
    for (auto i : permit::openSteps(steps)) {
      if (hasRole(caller, steps[i].role)) {
        mine = i;
        break;
      }
    }
    if (!mine) {
      // A step of my role that is not open (already decided, e.g. by a concurrent approver,
      // or not yet reached) is a conflict, not a missing permission.
      for (std::size_t i = 0; i < steps.size(); ++i) {
        if (hasRole(caller, steps[i].role)) {
          return Error::conflict("permit.step_not_open", "This approval step is not open")
              .with("seq", std::to_string(steps[i].seq))
              .with("state", permit::toString(steps[i].state));
        }
      }
      return forbidden();
    }
    if (c.row.created_by == caller.user_id.value) {
      return Error::permissionDenied("permit.self_approval",
                                     "The applicant can't approve their own permit");
    }
    json::object sig;
    AG_RETURN_IF_ERROR(verifySignature(c, caller, d.signature, sig, "signature.png"));
    const permit::StepState decision = d.action == "approve"  ? permit::StepState::kApproved
                                       : d.action == "reject" ? permit::StepState::kRejected
                                                              : permit::StepState::kReturned;
    AG_RETURN_IF_ERROR(permit::decide(steps, *mine, decision, caller.user_id.value, c.now));
    writeSteps(c.doc, steps);
    auto& so = arrayAt(c.doc, "steps")[*mine].as_object();
    so["decided_by_name"] = c.actor.name;
    so["comment"] = d.comment;
    so["location"] = d.location;
    for (const auto& kv : sig) {
      so[kv.key()] = kv.value();
    }
    json::object data{{"step", steps[*mine].seq},
                      {"role", steps[*mine].role},
                      {"comment", d.comment},
                      {"location", d.location},
                      {"signature_kind", sig["signature_kind"]}};
    if (d.action == "approve") {
      c.event("approved", data);
      c.audit_action = "permit.approved";
      auto opened = permit::openNext(steps, c.now);
      writeSteps(c.doc, steps);
      if (permit::allApproved(steps)) {
        AG_RETURN_IF_ERROR(checkAtIssue(c, d.overrides));
        AG_RETURN_IF_ERROR(c.apply(Action::kApproveFinal, "issued"));
        c.row.issued_at = c.now;
        c.row.waiting_roles.clear();
        c.row.waiting_since.reset();
        c.notify("issued", "已批准签发", "approved and issued");
      } else {
        const std::string before = c.row.waiting_roles;
        c.row.waiting_roles = waitingRoles(steps);
        if (!opened.empty()) {
          c.row.waiting_since = c.now;
          std::vector<std::string> roles;
          for (auto i : opened) {
            roles.push_back(steps[i].role);
          }
          c.notify("approval_waiting", "等待您审批", "waiting for your approval", roles, false);
        }
      }
      return {};
    }
    c.row.waiting_roles.clear();
    c.row.waiting_since.reset();
    AG_RETURN_IF_ERROR(c.apply(action, d.action == "reject" ? "rejected" : "returned", data));
    if (d.action == "reject") {
      c.notify("rejected", "被驳回：" + d.comment, "rejected: " + d.comment);
    } else {
      c.notify("returned", "被退回修改：" + d.comment, "returned for changes: " + d.comment);
    }
    return {};
  });
}

Result<json::array> PermitService::queue(const auth::Principal& caller) {
  json::array out;
  std::string roles = ",";
  for (const auto& r : caller.roles) {
    roles += r + ",";
  }
  const bool zh = chinese(caller);
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    store::PermitQuery q;
    q.states = {"in_approval"};
    q.waiting_role_any = roles;
    q.scope_prefix = caller.org_path;
    q.limit = 200;
    q.newest_first = false;
    AG_ASSIGN_OR_RETURN(auto rows, tx.permits().list(q, nullptr));
    for (const auto& row : rows) {
      boost::system::error_code ec;
      auto doc = json::parse(row.doc, ec);
      if (ec || !doc.is_object()) {
        continue;
      }
      if (row.created_by == caller.user_id.value) {
        continue;
      }
      auto view = typeView(tx, row.type_code, row.rules_version);
      auto s =
          summaryJson(row, doc.as_object(), rulesObject(view), zh, settings_.tz_offset_minutes);
      auto steps = stepsFrom(doc.as_object());
      for (auto i : permit::openSteps(steps)) {
        if (hasRole(caller, steps[i].role)) {
          if (auto due = permit::stepDue(steps[i])) {
            s["due_at"] = formatRfc3339(*due, settings_.tz_offset_minutes);
            s["overdue"] = clock_.now() > *due;
          }
        }
      }
      out.push_back(std::move(s));
    }
    return {};
  }));
  return out;
}

}  // namespace anguan::service
