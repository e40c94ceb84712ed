// Demo permits: a year of history for the demo enterprise (see permit_demo.hpp).
#include "anguan/service/permit_demo.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <string_view>

#include "anguan/core/crypto.hpp"
#include "anguan/domain/base/schema.hpp"
#include "anguan/domain/permit/gas.hpp"

#include "permit/permit_internal.hpp"
#include "permit/work_type_json.hpp"

namespace anguan::service {
namespace json = boost::json;
using namespace permit_detail;
using permit::Action;
using std::chrono::minutes;

namespace {

const base::EntitySchema& schema(const char* name) { return *base::findSchema(name); }

struct Person {
  std::int64_t id = 0;
  std::string name;
  std::vector<std::string> roles;
  permit::PersonInfo info;
  bool has(const std::string& role) const {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
  }
};

struct Area {
  base::Record rec;
  bool flag(const char* f) const {
    const auto* b = std::get_if<bool>(&rec.get(f));
    return b != nullptr && *b;
  }
};

struct Approver {
  std::int64_t id = 0;
  std::string name;
};

// One scenario per permit.
enum class Outcome {
  kClosed,
  kClosedLate,
  kClosedOverride,
  kClosedSuspended,
  kClosedReturned,
  kExpired,
  kRejected,
  kReturned,
  kCancelled,
  kInApproval,
  kIssued,
  kActive,
  kSuspended
};

const char* kTitles[] = {"更换法兰垫片",   "管线补焊",   "储罐人孔检查",     "泵体检修",
                         "换热器抽芯清洗", "阀门更换",   "保温层拆除与恢复", "电缆敷设",
                         "仪表接线检查",   "钢结构防腐", "设备基础开挖",     "吊装更换电机",
                         "临时照明接电",   "管廊巡检",   "盲板拆装",         "塔内件检查"};

// The notifications the service would have sent about this permit's open approval and its recent
// steps, to the role holders it sends them to (the demo crews have no accounts): the approvers
// its open step waits for (unread), and the unit's approvers for work started, completed or
// expired in the last week (read when older than a day). None waits to be pushed.
Status addDemoNotices(store::Transaction& tx, const store::PermitRow& row, std::int64_t id,
                      const std::vector<store::PermitEventRow>& events, Instant now) {
  struct Notice {
    const char* kind;
    const char* zh;
    const char* en;
    std::vector<std::string> roles;
    Instant at;
  };
  std::vector<Notice> notices;
  if (row.state == "in_approval" && row.waiting_since) {
    notices.push_back({"approval_waiting", "等待您审批", "waiting for your approval",
                       decodeRoles(row.waiting_roles), *row.waiting_since});
  }
  for (const auto& e : events) {
    if (now - e.at > std::chrono::hours(24 * 7)) {
      continue;
    }
    if (e.kind == "started") {
      notices.push_back({"started", "已开工", "work started", {"approver_unit"}, e.at});
    } else if (e.kind == "completed") {
      notices.push_back({"completed",
                         "已完工，待验收",
                         "completed; waiting for acceptance",
                         {"approver_unit"},
                         e.at});
    } else if (e.kind == "expired") {
      notices.push_back({"expired", "已到期失效", "expired", {"approver_unit"}, e.at});
    }
  }
  std::vector<std::int64_t> stored;
  for (const auto& n : notices) {
    std::set<std::int64_t> users;
    for (const auto& role : n.roles) {
      AG_ASSIGN_OR_RETURN(auto holders, NotificationService::roleHolders(tx, role, row.org_path));
      users.insert(holders.begin(), holders.end());
    }
    for (auto user : users) {
      store::Notification out;
      out.user_id = user;
      out.kind = std::string("permit.") + n.kind;
      out.entity = kEntity;
      out.entity_id = id;
      out.title_zh = row.number + " " + n.zh;
      out.title_en = row.number + " " + n.en;
      out.body_zh = row.title;
      out.body_en = row.title;
      out.org_path = row.org_path;
      out.created_at = n.at;
      AG_ASSIGN_OR_RETURN(auto nid, tx.notifications().insert(out));
      stored.push_back(nid);
      if (std::string_view(n.kind) != "approval_waiting" && now - n.at > std::chrono::hours(24)) {
        AG_ASSIGN_OR_RETURN(auto read, tx.notifications().markRead(user, nid, n.at));
        (void)read;
      }
    }
  }
  return tx.notifications().markPushed(stored, now);
}

}  // namespace

Result<std::string> seedPermitDemo(store::Store& store, const Clock& clock,
                                   const Settings& settings) {
  const int tz = settings.tz_offset_minutes;
  const Instant now = clock.now();
  std::mt19937 rng(3071);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const auto types = permit::defaultWorkTypes();

  // Reference data: P1 areas, P1 people with certificates, demo accounts, holidays.
  std::vector<Area> areas;
  std::vector<Person> people;
  std::map<std::string, Approver> approvers;  // role -> account
  Approver planner;
  std::set<std::string> holidays, workdays;
  std::string p1_path;
  AG_RETURN_IF_ERROR(store.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auto p1user, tx.users().findByUsername("p1leader"));
    planner = {p1user.id.value, p1user.display_name};
    p1_path = p1user.org_path;
    for (const auto& [role, username] :
         std::vector<std::pair<std::string, std::string>>{{"approver_unit", "p1unit"},
                                                          {"approver_safety", "hse"},
                                                          {"approver_dept", "dept"},
                                                          {"approver_leader", "leader"},
                                                          {"safety_officer", "safety"}}) {
      AG_ASSIGN_OR_RETURN(auto u, tx.users().findByUsername(username));
      approvers[role] = {u.id.value, u.display_name};
    }
    store::ListQuery q;
    q.page_size = 1000;
    q.scope_prefix = p1_path;
    AG_ASSIGN_OR_RETURN(auto a, tx.records().list(schema("areas"), q));
    for (auto& r : a.items) {
      areas.push_back({r});
    }
    AG_ASSIGN_OR_RETURN(auto p, tx.records().list(schema("people"), q));
    std::map<std::int64_t, std::size_t> index;
    for (auto& r : p.items) {
      // The people behind the demo accounts (employee numbers E9xxx) keep a free calendar, so
      // someone trying the system can plan with them without "guardian busy" findings.
      if (r.getText("employee_no").rfind("E9", 0) == 0) {
        continue;
      }
      Person person;
      person.id = r.id;
      person.name = r.getText("name");
      if (const auto* roles = std::get_if<std::vector<std::string>>(&r.get("roles"))) {
        person.roles = *roles;
      }
      person.info.id = r.id;
      person.info.name = person.name;
      index[r.id] = people.size();
      people.push_back(std::move(person));
    }
    for (std::int64_t page = 1;; ++page) {
      store::ListQuery cq;
      cq.page_size = 1000;
      cq.page = page;
      AG_ASSIGN_OR_RETURN(auto certs, tx.records().list(schema("certificates"), cq));
      for (const auto& c : certs.items) {
        auto it = index.find(c.getInt("person_id"));
        if (it == index.end()) {
          continue;
        }
        permit::CertInfo ci;
        ci.type = c.getText("cert_type");
        if (const std::string exp = c.getText("expires_on"); !exp.empty()) {
          ci.expires_on = exp;
        }
        people[it->second].info.certs.push_back(std::move(ci));
      }
      if (certs.items.size() < 1000) {
        break;
      }
    }
    store::ListQuery hq;
    hq.page_size = 1000;
    AG_ASSIGN_OR_RETURN(auto cal, tx.records().list(schema("holidays"), hq));
    for (const auto& d : cal.items) {
      (d.getText("kind") == "holiday" ? holidays : workdays).insert(d.getText("date"));
    }
    return {};
  }));
  if (areas.empty() || people.empty()) {
    return Error::conflict("demo.no_base_data", "seed the demo enterprise first");
  }
  auto holidayOn = [&](Instant t) {
    const std::string day = localDate(t, tz);
    if (holidays.count(day)) {
      return true;
    }
    if (workdays.count(day)) {
      return false;
    }
    const auto local = std::chrono::floor<std::chrono::days>(t + minutes(tz));
    const unsigned wd = std::chrono::weekday(std::chrono::sys_days(local)).c_encoding();
    return wd == 0 || wd == 6;
  };
  auto withRole = [&](const std::string& role) {
    std::vector<const Person*> out;
    for (const auto& p : people) {
      if (p.has(role)) {
        out.push_back(&p);
      }
    }
    return out;
  };
  const auto leaders = withRole("work_leader");
  const auto guardians = withRole("guardian");
  const auto workers = withRole("worker");
  if (leaders.empty() || guardians.empty() || workers.empty()) {
    return Error::conflict("demo.no_crews", "the demo enterprise has no crews");
  }
  auto holds = [](const Person& p, const std::vector<std::string>& certs) {
    if (certs.empty()) {
      return true;
    }
    for (const auto& c : p.info.certs) {
      if (std::find(certs.begin(), certs.end(), c.type) != certs.end()) {
        return true;
      }
    }
    return false;
  };

  const std::vector<std::string> type_mix = {
      "hot_work",   "hot_work",   "hot_work",   "confined_space", "confined_space", "blind_plate",
      "height",     "height",     "lifting",    "temp_power",     "temp_power",     "excavation",
      "road_break", "inspection", "inspection", "maintenance",    "maintenance"};

  struct Built {
    store::PermitRow row;
    std::vector<store::PermitEventRow> events;
  };
  std::vector<Built> built;
  std::map<std::string, int> by_state;
  const int kPast = 820;
  const int kCurrent = 24;
  for (int n = 0; n < kPast + kCurrent; ++n) {
    const bool current = n >= kPast;
    Outcome outcome = Outcome::kClosed;
    if (current) {
      const Outcome cur[] = {Outcome::kInApproval, Outcome::kInApproval, Outcome::kIssued,
                             Outcome::kActive,     Outcome::kActive,     Outcome::kSuspended};
      outcome = cur[(n - kPast) % 6];
    } else {
      const int roll = pick(100);
      outcome = roll < 62   ? Outcome::kClosed
                : roll < 70 ? Outcome::kClosedLate
                : roll < 75 ? Outcome::kClosedOverride
                : roll < 79 ? Outcome::kClosedSuspended
                : roll < 83 ? Outcome::kClosedReturned
                : roll < 87 ? Outcome::kExpired
                : roll < 91 ? Outcome::kRejected
                : roll < 93 ? Outcome::kReturned
                            : Outcome::kCancelled;
    }
    const auto* type =
        permit::findType(types, type_mix[static_cast<std::size_t>(n) % type_mix.size()]);
    const Area& area = areas[static_cast<std::size_t>(pick(static_cast<int>(areas.size())))];

    // Window: mostly day work; one in seven at night.
    const auto today = std::chrono::floor<std::chrono::days>(now + minutes(tz));
    Instant from;
    if (current) {
      // Today around now: approvals still open start later; live ones started earlier.
      const int ahead = outcome == Outcome::kInApproval || outcome == Outcome::kIssued
                            ? 60 + pick(300)
                            : -(30 + pick(60));
      from = std::chrono::floor<minutes>(now + minutes(ahead));
    } else {
      const int day = 2 + pick(363);
      const int start = pick(7) == 0 ? 20 * 60 + pick(180) : 8 * 60 + pick(9 * 60);
      from = Instant(std::chrono::duration_cast<std::chrono::milliseconds>(
                 (today - std::chrono::days{day}).time_since_epoch())) +
             minutes(start - tz);
    }

    // Conditions by type, graded by the domain rules.
    json::object cond;
    permit::GradingInput g;
    g.type_code = type->grading == permit::GradingRule::kNone ? "" : type->code;
    g.fire_explosion_area = area.flag("fire_explosion_hazard");
    g.major_hazard = area.flag("major_hazard");
    g.inside_fire_dike = area.flag("inside_fire_dike");
    g.outdoor = area.flag("outdoor");
    g.area_kind = area.rec.getText("kind");
    if (type->code == "hot_work") {
      g.unit_in_operation = pick(3) == 0;
      g.unit_shutdown_cleaned = !g.unit_in_operation && pick(2) == 0;
      cond["unit_in_operation"] = g.unit_in_operation;
      cond["unit_shutdown_cleaned"] = g.unit_shutdown_cleaned;
      cond["continuous_monitor"] = true;
    } else if (type->code == "height") {
      const double heights[] = {3, 4.5, 8, 12, 18, 25, 32};
      g.height_m = heights[pick(7)];
      cond["height_m"] = g.height_m;
      if (pick(4) == 0) {
        const auto& codes = permit::objectiveHazardCodes();
        g.objective_hazards.push_back(codes[static_cast<std::size_t>(pick(3))]);
        cond["objective_hazards"] = json::value_from(g.objective_hazards);
      }
    } else if (type->code == "lifting") {
      const double loads[] = {12, 25, 45, 80, 120};
      g.load_t = loads[pick(5)];
      cond["load_t"] = g.load_t;
    } else if (type->code == "blind_plate") {
      cond["line_tag"] = "L-3" + std::to_string(n);
    } else if (type->code == "temp_power") {
      cond["fire_explosion_area"] = g.fire_explosion_area;
    }
    if (g.outdoor && pick(10) == 0) {
      g.wind_level = 5;
      cond["wind_level"] = 5;
    }
    const auto duration = minutes(60 * (2 + pick(5)));
    Instant to = from + duration;
    for (Instant t = from; t < to; t += minutes(30)) {
      g.night = g.night || permit::isNight(localMinute(t, tz));
      g.holiday = g.holiday || holidayOn(t);
    }
    permit::Grade grade;
    if (type->grading == permit::GradingRule::kNone) {
      grade.level = type->levels.front().code;
    } else {
      auto graded = permit::grade(g);
      if (!graded) {
        continue;
      }
      grade = *graded;
    }
    if (grade.forbidden) {
      continue;
    }
    const auto* level = permit::findLevel(*type, grade.level);
    if (level == nullptr) {
      continue;
    }
    if (to - from > level->max_validity) {
      to = from + level->max_validity;
    }

    // Crew: pick until the feasibility rules pass without a block (as of the planning time).
    const Instant created =
        current ? now - minutes(60 * (10 + pick(20))) : from - minutes(60 * (6 + pick(60)));
    // The type's own form: every required field filled as a planner would (the grading inputs
    // height_m, load_t and line_tag come as conditions).
    json::object fields;
    const std::string area_name = area.rec.getText("name");
    for (const auto& f : type->fields) {
      if (!f.required || cond.contains(f.name)) {
        continue;
      }
      if (f.name == "hot_location") {
        fields[f.name] = area_name + " 管线法兰";
      } else if (f.name == "hot_method") {
        fields[f.name] = pick(2) ? "electric_welding" : "gas_cutting";
      } else if (f.kind == "enum") {
        fields[f.name] = f.options.empty() ? "" : f.options.front();
      } else if (f.kind == "number") {
        fields[f.name] = f.name == "temperature_c"        ? 35.0
                         : f.name == "pressure_mpa"       ? 0.3
                         : f.name == "permitted_power_kw" ? 15.0
                                                          : 1.5;
      } else if (f.kind == "person") {
        fields[f.name] = "王强";
      } else if (f.kind == "people") {
        fields[f.name] = json::array{"王强", "李明"};
      } else {
        fields[f.name] = area_name + " " + f.zh;
      }
    }
    if (type->code == "hot_work") {
      fields["worker_cert_numbers"] = "见作业人员证书";
    }
    permit::FeasibilityInput in;
    for (const auto& kv : fields) {
      in.filled_fields.insert(std::string(kv.key()));
    }
    for (const auto& f : type->fields) {
      if (cond.contains(f.name)) {
        in.filled_fields.insert(f.name);
      }
    }
    in.type = type;
    in.level = grade.level;
    in.now = created;
    in.from = from;
    in.to = to;
    in.today_local = localDate(created, tz);
    in.window_end_local_date = localDate(to, tz);
    in.area_id = area.rec.id;
    in.fire_explosion_area = g.fire_explosion_area;
    in.line_tag = cond.contains("line_tag") ? std::string(cond["line_tag"].as_string()) : "";
    in.height_m = g.height_m;
    std::vector<permit::Finding> findings;
    const Person* leader = nullptr;
    const Person* guardian = nullptr;
    std::vector<const Person*> crew;
    bool ok = false;
    for (int attempt = 0; attempt < 30 && !ok; ++attempt) {
      leader = leaders[static_cast<std::size_t>(pick(static_cast<int>(leaders.size())))];
      guardian = guardians[static_cast<std::size_t>(pick(static_cast<int>(guardians.size())))];
      crew.clear();
      std::vector<const Person*> fit;
      for (const auto* w : workers) {
        if (holds(*w, type->worker_certs) && w->id != guardian->id) {
          fit.push_back(w);
        }
      }
      if (fit.empty()) {
        break;
      }
      const int count = 1 + pick(3);
      for (int i = 0; i < count; ++i) {
        const auto* w = fit[static_cast<std::size_t>(pick(static_cast<int>(fit.size())))];
        if (std::find(crew.begin(), crew.end(), w) == crew.end()) {
          crew.push_back(w);
        }
      }
      in.leader = leader->info;
      in.guardian = guardian->info;
      in.workers.clear();
      for (const auto* w : crew) {
        in.workers.push_back(w->info);
      }
      findings = permit::checkFeasibility(in);
      ok = !permit::hasBlock(findings);
      if (ok && outcome == Outcome::kClosedOverride && !permit::hasWarn(findings) && attempt < 29) {
        ok = false;  // look for a crew with a warning to override
      }
    }
    if (!ok) {
      continue;
    }

    // The row and doc, as create() writes them.
    store::PermitRow row;
    row.type_code = type->code;
    row.level = grade.level;
    row.state = "draft";
    row.org_id = area.rec.org_id;
    row.org_path = area.rec.org_path;
    row.area_id = area.rec.id;
    row.title = area.rec.getText("name") + " " +
                kTitles[static_cast<std::size_t>(pick(static_cast<int>(std::size(kTitles))))];
    row.window_from = from;
    row.window_to = to;
    row.leader_id = leader->id;
    row.guardian_id = guardian->id;
    std::set<std::int64_t> crew_ids{leader->id, guardian->id};
    json::array worker_ids, worker_names;
    for (const auto* w : crew) {
      crew_ids.insert(w->id);
      worker_ids.emplace_back(w->id);
      worker_names.emplace_back(w->name);
    }
    row.crew = ",";
    for (auto id : crew_ids) {
      row.crew += std::to_string(id) + ",";
    }
    row.rules_version = type->rules_version;
    row.public_token = crypto::randomToken();
    row.created_by = planner.id;
    row.created_at = created;
    json::array reasons;
    for (const auto& r : grade.reasons) {
      reasons.push_back(reasonJson(r));
    }
    auto findingsJson = [](const std::vector<permit::Finding>& list) {
      json::array out;
      for (const auto& f : list) {
        out.push_back(json::object{{"code", f.code},
                                   {"severity", permit::toString(f.severity)},
                                   {"reason", reasonJson(f.reason)}});
      }
      return out;
    };
    json::array stored_findings = findingsJson(findings);
    json::object overrides;
    for (const auto& f : findings) {
      if (f.severity == permit::Severity::kWarn) {
        overrides[f.code] = "已核实，证书复审已预约，作业期间有效；安全员现场确认";
      }
    }
    json::object doc{{"grade", json::object{{"level", grade.level},
                                            {"permit_required", grade.permit_required},
                                            {"forbidden", grade.forbidden},
                                            {"reasons", std::move(reasons)},
                                            {"night", g.night},
                                            {"holiday", g.holiday}}},
                     {"findings", std::move(stored_findings)}};
    doc["plan"] = json::object{
        {"type", type->code},
        {"title", row.title},
        {"area_id", area.rec.id},
        {"from", formatRfc3339(from, tz)},
        {"to", formatRfc3339(to, tz)},
        {"leader_id", leader->id},
        {"guardian_id", guardian->id},
        {"contractor_id", nullptr},
        {"worker_ids", worker_ids},
        {"equipment_ids", json::array{}},
        {"linked_permit_ids", json::array{}},
        {"conditions", cond},
        {"fields", fields},
        {"jha", json::array{json::object{
                    {"step", "作业准备"},
                    {"hazards", json::array{json::object{
                                    {"hazard", "可燃气体泄漏"},
                                    {"controls", json::array{"隔离置换", "气体检测"}}}}}}}}};
    doc["names"] = json::object{{"area", area.rec.getText("name")},
                                {"leader", leader->name},
                                {"guardian", guardian->name},
                                {"workers", std::move(worker_names)}};

    // Walk the lifecycle with the state machine, as the service would, at past times.
    struct Walk {
      store::PermitRow& row;
      std::vector<store::PermitEventRow> events;
      Status apply(Action a, const std::string& kind, Instant at, const Approver& who,
                   json::object data = {}) {
        AG_ASSIGN_OR_RETURN(permit::State next,
                            permit::transition(*permit::parseState(row.state), a));
        event(kind, at, who, std::move(data));
        events.back().to_state = permit::toString(next);
        row.state = permit::toString(next);
        return {};
      }
      void event(const std::string& kind, Instant at, const Approver& who, json::object data = {}) {
        store::PermitEventRow e;
        e.at = at;
        e.actor_id = who.id;
        e.actor_name = who.name;
        e.kind = kind;
        e.from_state = row.state;
        e.to_state = row.state;
        e.data = json::serialize(data);
        events.push_back(std::move(e));
      }
    } walk{row, {}};
    walk.event("created", created, planner, json::object{{"level", row.level}});
    Instant t = created;
    auto step_time = [&](int lo, int hi) {
      t += minutes(lo + pick(hi - lo + 1));
      return t;
    };
    if (outcome == Outcome::kCancelled && pick(2) == 0) {
      AG_RETURN_IF_ERROR(walk.apply(Action::kCancel, "cancelled", step_time(30, 600), planner,
                                    json::object{{"reason", "计划调整，作业取消"}}));
      built.push_back({row, std::move(walk.events)});
      built.back().row.doc = json::serialize(doc);
      built.back().row.conditions = json::serialize(cond);
      continue;
    }
    const bool use_overrides = !overrides.empty() && outcome != Outcome::kRejected;
    doc["overrides"] = use_overrides ? overrides : json::object{};
    row.submitted_at = step_time(10, 90);
    AG_RETURN_IF_ERROR(
        walk.apply(Action::kSubmit, "submitted", t, planner,
                   json::object{{"overrides", use_overrides ? overrides.size() : 0}}));
    auto steps = permit::planSteps(*level, false);
    AG_RETURN_IF_ERROR(walk.apply(Action::kStartApproval, "approval_started", t, planner));
    const Approver system_actor{0, "system"};
    auto decideAll = [&](bool stop_at_end_state, permit::StepState last) -> Status {
      while (true) {
        auto open = permit::openNext(steps, t);
        if (open.empty()) {
          open = permit::openSteps(steps);
        }
        if (open.empty()) {
          break;
        }
        for (auto i : open) {
          const bool late = outcome == Outcome::kClosedLate && pick(2) == 0;
          const int wait = late ? steps[i].sla_minutes + 20 + pick(400)
                                : 3 + pick(std::max(5, steps[i].sla_minutes - 10));
          const Instant at = *steps[i].opened_at + minutes(wait);
          t = std::max(t, at);
          const auto& who = approvers.count(steps[i].role) ? approvers[steps[i].role]
                                                           : approvers["approver_unit"];
          const bool final_step = permit::openSteps(steps).size() == 1 &&
                                  steps[i].seq == static_cast<int>(steps.size());
          const permit::StepState d =
              stop_at_end_state && final_step ? last : permit::StepState::kApproved;
          AG_RETURN_IF_ERROR(permit::decide(steps, i, d, who.id, at));
          writeSteps(doc, steps);
          auto& so = arrayAt(doc, "steps")[i].as_object();
          const std::string comment = d == permit::StepState::kApproved ? "同意，按措施执行"
                                      : d == permit::StepState::kRejected
                                          ? "作业必要性不足，驳回"
                                          : "气体检测点位不全，请补充后重新提交";
          so["decided_by_name"] = who.name;
          so["comment"] = comment;
          so["location"] = json::object{{"lat", 29.9417}, {"lng", 121.8531}, {"text", "现场"}};
          so["signature_kind"] = "password";
          json::object data{{"step", steps[i].seq},
                            {"role", steps[i].role},
                            {"comment", comment},
                            {"signature_kind", "password"}};
          if (d == permit::StepState::kApproved) {
            walk.event("approved", at, who, data);
          } else {
            row.waiting_roles.clear();
            return walk.apply(d == permit::StepState::kRejected ? Action::kReject : Action::kReturn,
                              d == permit::StepState::kRejected ? "rejected" : "returned", at, who,
                              data);
          }
        }
      }
      return {};
    };
    if (outcome == Outcome::kRejected || outcome == Outcome::kReturned ||
        outcome == Outcome::kClosedReturned) {
      AG_RETURN_IF_ERROR(decideAll(true, outcome == Outcome::kRejected
                                             ? permit::StepState::kRejected
                                             : permit::StepState::kReturned));
      if (outcome == Outcome::kClosedReturned) {
        walk.event("edited", step_time(30, 240), planner);
        AG_RETURN_IF_ERROR(walk.apply(Action::kResubmit, "submitted", t, planner));
        steps = permit::planSteps(*level, false);
        AG_RETURN_IF_ERROR(walk.apply(Action::kStartApproval, "approval_started", t, planner));
      }
    }
    if (outcome == Outcome::kInApproval) {
      // Leave the chain open: approve all but the last step (if more than one).
      permit::openNext(steps, t);
      if (steps.size() > 1) {
        const auto& who = approvers[steps[0].role];
        const Instant at = std::min(now, t + minutes(5 + pick(40)));
        AG_RETURN_IF_ERROR(permit::decide(steps, 0, permit::StepState::kApproved, who.id, at));
        walk.event("approved", at, who,
                   json::object{{"step", 1}, {"role", steps[0].role}, {"comment", "同意"}});
        permit::openNext(steps, at);
        writeSteps(doc, steps);
        auto& so = arrayAt(doc, "steps")[0].as_object();
        so["decided_by_name"] = who.name;
        so["comment"] = "同意";
        so["signature_kind"] = "password";
      }
      writeSteps(doc, steps);
      row.waiting_roles = waitingRoles(steps);
      row.waiting_since = t;
    }
    const bool issued_path = outcome != Outcome::kRejected && outcome != Outcome::kReturned &&
                             outcome != Outcome::kInApproval;
    if (issued_path && outcome != Outcome::kCancelled) {
      AG_RETURN_IF_ERROR(decideAll(false, permit::StepState::kApproved));
      writeSteps(doc, steps);
      AG_RETURN_IF_ERROR(walk.apply(Action::kApproveFinal, "issued", t, planner));
      walk.events.back().actor_id = steps.empty() ? planner.id : steps.back().decided_by;
      row.issued_at = t;
      row.waiting_roles.clear();
      row.waiting_since.reset();
      // The check again at issue, as the last approval runs it (on the same crew and calendar).
      permit::FeasibilityInput at_issue = in;
      at_issue.now = t;
      at_issue.at_issue = true;
      at_issue.today_local = localDate(t, tz);
      const auto found = permit::checkFeasibility(at_issue);
      if (permit::hasBlock(found)) {
        continue;  // e.g. the approvals ran past the window's end: it would not have been issued
      }
      json::object issue_overrides;
      for (const auto& f : found) {
        if (f.severity == permit::Severity::kWarn && !overrides.contains(f.code)) {
          issue_overrides[f.code] = "签发前复核：证书复审已预约，作业期间有效";
        }
      }
      doc["issue_findings"] = findingsJson(found);
      if (!issue_overrides.empty()) {
        doc["issue_overrides"] = std::move(issue_overrides);
      }
    } else if (outcome == Outcome::kCancelled) {
      AG_RETURN_IF_ERROR(walk.apply(Action::kCancel, "cancelled", step_time(20, 300), planner,
                                    json::object{{"reason", "装置运行调整，作业推迟另行申请"}}));
    }
    const bool goes_live = outcome == Outcome::kClosed || outcome == Outcome::kClosedLate ||
                           outcome == Outcome::kClosedOverride ||
                           outcome == Outcome::kClosedSuspended ||
                           outcome == Outcome::kClosedReturned || outcome == Outcome::kActive ||
                           outcome == Outcome::kSuspended || outcome == Outcome::kIssued ||
                           (outcome == Outcome::kExpired && pick(2) == 0);
    if (row.state == "issued" && goes_live) {
      // On site: gas tests, measures, briefing, shift check, then start.
      Instant site = std::max(t, from - minutes(30));
      if (outcome == Outcome::kIssued) {
        site = std::min(site, now - minutes(15));
      }
      const Approver leader_actor{planner.id, leader->name};
      const bool needs_gas =
          type->gas.required || (type->code == "temp_power" && g.fire_explosion_area);
      if (needs_gas) {
        const auto ctx = type->code == "hot_work"         ? permit::GasContext::kHotWork
                         : type->code == "confined_space" ? permit::GasContext::kConfinedSpace
                         : type->code == "temp_power"     ? permit::GasContext::kTempPower
                                                          : permit::GasContext::kOther;
        const Instant sampled = site + minutes(4);
        const bool first_fails = pick(12) == 0;
        for (int round = first_fails ? 0 : 1; round < 2; ++round) {
          for (const auto& gas : type->gas.gases) {
            permit::GasSample s;
            s.gas = gas;
            if (gas == "flammable") {
              s.unit = "%vol";
              s.lel_percent = 5.0;
              s.value = round == 0 ? 0.6 : 0.05 + 0.01 * pick(10);
            } else if (gas == "o2") {
              s.unit = "%vol";
              s.value = 20.6 + 0.1 * pick(4);
            } else {
              s.unit = "mg/m3";
              s.value = 0.1 * pick(5);
            }
            const auto verdict = permit::evaluateGas(s, ctx);
            const Instant at = round == 0 ? site + minutes(1) : sampled;
            arrayAt(doc, "gas_tests")
                .push_back(json::object{{"sampled_at", toMillis(at)},
                                        {"recorded_at", toMillis(at + minutes(1))},
                                        {"gas", s.gas},
                                        {"value", s.value},
                                        {"unit", s.unit},
                                        {"lel_percent", s.lel_percent},
                                        {"point", "作业点下风向1m"},
                                        {"instrument", "MX6-0" + std::to_string(1 + pick(8))},
                                        {"tester_name", guardian->name},
                                        {"recorded_by", guardian->name},
                                        {"pass", verdict.pass},
                                        {"reason", reasonJson(verdict.reason)}});
            walk.event("gas_test", at + minutes(1), leader_actor,
                       json::object{{"gas", s.gas},
                                    {"value", s.value},
                                    {"unit", s.unit},
                                    {"pass", verdict.pass},
                                    {"point", "作业点下风向1m"}});
          }
        }
      }
      auto& measures = objectAt(doc, "measures");
      for (const auto& m : type->measures) {
        measures[m.code] = json::object{{"applies", pick(5) != 0},
                                        {"confirmed_by", leader->name},
                                        {"confirmed_by_id", planner.id},
                                        {"at", toMillis(site + minutes(6))}};
      }
      walk.event("measures_confirmed", site + minutes(6), leader_actor,
                 json::object{{"count", type->measures.size()}});
      doc["briefing"] = json::object{{"giver", leader->name},
                                     {"receivers", doc["names"].as_object()["workers"]},
                                     {"by", leader->name},
                                     {"at", toMillis(site + minutes(8))}};
      walk.event("briefing", site + minutes(8), leader_actor,
                 json::object{{"giver", leader->name}, {"receivers", crew.size()}});
      if (type->needs_shift_leader_check) {
        doc["shift_check"] = json::object{{"by", approvers["approver_unit"].name},
                                          {"at", toMillis(site + minutes(10))}};
        walk.event("shift_check", site + minutes(10), approvers["approver_unit"]);
      }
      if (outcome != Outcome::kIssued) {
        const Instant started = std::max(from, site + minutes(12));
        row.started_at = started;
        t = started;
        AG_RETURN_IF_ERROR(walk.apply(Action::kStart, "started", started, leader_actor));
        if (outcome == Outcome::kClosedSuspended || outcome == Outcome::kSuspended) {
          const Instant sus = outcome == Outcome::kSuspended ? now - minutes(10) : t + minutes(50);
          arrayAt(doc, "suspensions")
              .push_back(json::object{{"at", toMillis(sus)},
                                      {"by", guardian->name},
                                      {"reason", "现场风力增大，暂停作业"},
                                      {"source", "manual"},
                                      {"resumed_at", nullptr}});
          row.suspended_at = sus;
          AG_RETURN_IF_ERROR(
              walk.apply(Action::kSuspend, "suspended", sus, leader_actor,
                         json::object{{"reason", "现场风力增大，暂停作业"}, {"source", "manual"}}));
          if (outcome == Outcome::kClosedSuspended) {
            const Instant res = sus + minutes(20);
            arrayAt(doc, "suspensions").back().as_object()["resumed_at"] = toMillis(res);
            row.suspended_at.reset();
            AG_RETURN_IF_ERROR(walk.apply(Action::kResume, "resumed", res, leader_actor));
          }
        }
        if (outcome == Outcome::kExpired) {
          AG_RETURN_IF_ERROR(walk.apply(Action::kExpire, "expired", to, system_actor));
        } else if (row.state == "active" && outcome != Outcome::kActive) {
          arrayAt(doc, "progress")
              .push_back(json::object{{"at", toMillis(started + minutes(40))},
                                      {"by", leader->name},
                                      {"text", "关键步骤完成，现场正常"},
                                      {"key_step", true}});
          walk.event("key_step", started + minutes(40), leader_actor,
                     json::object{{"text", "关键步骤完成，现场正常"}});
          const Instant done = std::max(started + minutes(45), to - minutes(pick(50)));
          row.completed_at = done;
          AG_RETURN_IF_ERROR(walk.apply(Action::kComplete, "completed", done, leader_actor));
          json::array items;
          for (const auto& c : type->closeout) {
            items.emplace_back(c.code);
          }
          const auto& unit = approvers["approver_unit"];
          doc["acceptance"] = json::object{{"items", items},
                                           {"comment", "现场已恢复，验收合格"},
                                           {"by", unit.name},
                                           {"by_id", unit.id},
                                           {"at", toMillis(done + minutes(20))},
                                           {"signature_kind", "password"}};
          walk.event("accepted", done + minutes(20), unit,
                     json::object{{"comment", "现场已恢复，验收合格"}});
          const char* lessons[] = {"作业按方案执行，无异常", "气体检测及时，监护到位",
                                   "下次提前准备灭火器材", "交叉作业协调需提前沟通"};
          doc["review"] = json::object{{"lessons", lessons[pick(4)]},
                                       {"by", leader->name},
                                       {"at", toMillis(done + minutes(60))}};
          walk.event("reviewed", done + minutes(60), leader_actor,
                     json::object{{"lessons", doc["review"].as_object()["lessons"]}});
          row.closed_at = done + minutes(70);
          AG_RETURN_IF_ERROR(walk.apply(Action::kClose, "closed", done + minutes(70), unit));
        }
      }
    } else if (row.state == "issued" && outcome == Outcome::kExpired) {
      AG_RETURN_IF_ERROR(walk.apply(Action::kExpire, "expired", to, system_actor));
    }
    if (!walk.events.empty()) {
      row.updated_at = walk.events.back().at;
    }
    row.doc = json::serialize(doc);
    row.conditions = json::serialize(cond);
    // Countersigned steps and progress during a suspension were generated out of order.
    std::stable_sort(
        walk.events.begin(), walk.events.end(),
        [](const store::PermitEventRow& x, const store::PermitEventRow& y) { return x.at < y.at; });
    built.push_back({row, std::move(walk.events)});
  }

  // Write in a few big transactions, oldest first (ids follow time).
  std::sort(built.begin(), built.end(),
            [](const Built& a, const Built& b) { return a.row.created_at < b.row.created_at; });
  for (std::size_t begin = 0; begin < built.size(); begin += 300) {
    const std::size_t end = std::min(built.size(), begin + 300);
    AG_RETURN_IF_ERROR(store.write([&](store::Transaction& tx) -> Status {
      for (std::size_t i = begin; i < end; ++i) {
        auto& b = built[i];
        b.row.number = "tmp-" + b.row.public_token;
        if (b.row.updated_at == Instant{}) {
          b.row.updated_at = b.row.created_at;
        }
        AG_ASSIGN_OR_RETURN(auto id, tx.permits().insert(b.row));
        char seq[16];
        std::snprintf(seq, sizeof seq, "%06lld", static_cast<long long>(id));
        std::string date = localDate(b.row.created_at, tz);
        date.erase(std::remove(date.begin(), date.end(), '-'), date.end());
        b.row.number = numberPrefix(b.row.type_code) + "-" + date + "-" + seq;
        AG_RETURN_IF_ERROR(tx.permits().setNumber(id, b.row.number));
        for (auto& e : b.events) {
          e.permit_id = id;
          AG_ASSIGN_OR_RETURN(auto eid, tx.permits().appendEvent(e));
          (void)eid;
        }
        AG_RETURN_IF_ERROR(addDemoNotices(tx, b.row, id, b.events, now));
        ++by_state[b.row.state];
      }
      return {};
    }));
  }
  std::string out = "anguan: demo permits: " + std::to_string(built.size()) + " (";
  for (const auto& [state, count] : by_state) {
    out += state + " " + std::to_string(count) + ", ";
  }
  out.resize(out.size() - 2);
  return out + ")\n";
}

}  // namespace anguan::service
