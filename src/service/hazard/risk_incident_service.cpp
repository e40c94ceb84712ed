// HazardService: risk register, inspections and incidents.
#include <algorithm>
#include <map>

#include <boost/json.hpp>

#include "anguan/domain/base/schema.hpp"
#include "anguan/service/audit_service.hpp"
#include "anguan/service/hazard_service.hpp"
#include "anguan/service/notification_service.hpp"

namespace anguan::service {
namespace {

namespace json = boost::json;

bool isSafetyRole(const auth::Principal& p) {
  for (const auto& r : p.roles) {
    if (r == "safety_officer" || r == "approver_safety" || r == "admin") {
      return true;
    }
  }
  return false;
}

Status requireSafetyRole(const auth::Principal& p) {
  if (!isSafetyRole(p)) {
    return Error::permissionDenied("hazard.forbidden", "needs a safety officer");
  }
  return {};
}

Result<risk::Assessment> assess(const HazardConfig& cfg, const std::string& method, double l,
                                double e, double c) {
  if (method == "lec") {
    return risk::assessLec(l, e, c, cfg.lec);
  }
  if (method == "ls") {
    if (l != static_cast<int>(l) || e != static_cast<int>(e)) {
      return Error::invalidArgument("risk.bad_value", "L and S are whole numbers")
          .with("factor", "L");
    }
    return risk::assessLs(static_cast<int>(l), static_cast<int>(e), cfg.ls);
  }
  return Error::invalidArgument("risk.bad_method", "method is lec or ls");
}

std::chrono::year_month_day dayToDate(std::int64_t day) {
  return std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{day}}};
}
std::int64_t dateToDay(std::chrono::year_month_day d) {
  return std::chrono::sys_days{d}.time_since_epoch().count();
}

}  // namespace

Result<store::RiskPointRow> HazardService::createRiskPoint(const auth::Principal& caller,
                                                           const RiskPointInput& in) {
  AG_RETURN_IF_ERROR(requireSafetyRole(caller));
  AG_ASSIGN_OR_RETURN(auto a, assess(config_, in.method, in.l, in.e, in.c));
  if (in.name.empty() || in.controls.empty()) {
    return Error::invalidArgument("validation.failed", "name and at least one control required");
  }
  const Instant now = clock_.now();
  store::RiskPointRow r;
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    auto area = tx.records().get(*base::findSchema("areas"), in.area_id);
    if (!area || !auth::inScope(caller.org_path, area->org_path)) {
      return Error::invalidArgument("hazard.bad_area", "no such area in your scope")
          .with("field", "area_id");
    }
    r.area_id = in.area_id;
    r.org_path = area->org_path;
    r.name = in.name;
    r.activity = in.activity;
    r.hazard_desc = in.hazard_desc;
    r.accident_type = in.accident_type;
    r.method = in.method;
    r.l = in.l;
    r.e = in.e;
    r.c = in.c;
    r.score = a.score;
    r.colour = a.colour;
    r.controls = in.controls;
    r.control_level = in.control_level;
    r.responsible_person_id = in.responsible_person_id != 0 ? in.responsible_person_id
                                                            : area->getInt("responsible_person_id");
    r.next_due_day = hazard::localDay(now, settings_.tz_offset_minutes);
    r.created_at = now;
    AG_ASSIGN_OR_RETURN(r.id, tx.hazards().insertRiskPoint(r));
    r.version = 1;
    return appendAudit(
        tx, Actor::of(caller), now, "risk.create", "risk_points", r.id, r.org_path, "",
        json::serialize(json::object{{"score", r.score}, {"colour", risk::toString(r.colour)}}));
  }));
  return r;
}

Result<store::RiskPointRow> HazardService::reassess(const auth::Principal& caller, std::int64_t id,
                                                    const std::string& method, double l, double e,
                                                    double c) {
  AG_RETURN_IF_ERROR(requireSafetyRole(caller));
  AG_ASSIGN_OR_RETURN(auto a, assess(config_, method, l, e, c));
  const Instant now = clock_.now();
  store::RiskPointRow out;
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auto r, tx.hazards().getRiskPoint(id));
    if (!auth::inScope(caller.org_path, r.org_path)) {
      return Error::notFound("risk.not_found", "no such risk point");
    }
    const std::string before =
        json::serialize(json::object{{"score", r.score}, {"colour", risk::toString(r.colour)}});
    r.method = method;
    r.l = l;
    r.e = e;
    r.c = c;
    r.score = a.score;
    r.colour = a.colour;
    AG_ASSIGN_OR_RETURN(out, tx.hazards().updateRiskPoint(r, now));
    return appendAudit(
        tx, Actor::of(caller), now, "risk.assess", "risk_points", id, r.org_path, before,
        json::serialize(json::object{{"score", r.score}, {"colour", risk::toString(r.colour)}}));
  }));
  return out;
}

Result<std::vector<store::RiskPointRow>> HazardService::riskPoints(const auth::Principal& caller,
                                                                   std::int64_t area_id) {
  std::vector<store::RiskPointRow> out;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(out, tx.hazards().listRiskPoints(caller.org_path, area_id));
    return {};
  }));
  return out;
}

Result<std::vector<AreaColour>> HazardService::colourMap(const auth::Principal& caller) {
  AG_ASSIGN_OR_RETURN(auto points, riskPoints(caller, 0));
  std::map<std::int64_t, AreaColour> by_area;
  for (const auto& p : points) {
    if (!p.active) {
      continue;
    }
    auto [it, inserted] = by_area.try_emplace(p.area_id, AreaColour{p.area_id, p.colour, 0});
    it->second.colour = risk::higher(it->second.colour, p.colour);
    it->second.points += 1;
  }
  std::vector<AreaColour> out;
  for (const auto& [id, c] : by_area) {
    out.push_back(c);
  }
  return out;
}

Result<std::vector<store::InspectionRow>> HazardService::inspections(const auth::Principal& caller,
                                                                     bool mine_only,
                                                                     const std::string& status) {
  std::vector<store::InspectionRow> out;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    store::InspectionQuery q;
    q.scope_prefix = caller.org_path;
    q.status = status;
    q.page_size = 500;
    if (mine_only) {
      AG_ASSIGN_OR_RETURN(auto user, tx.users().findById(caller.user_id));
      if (user.person_id == 0) {
        return {};
      }
      q.assignee_person_id = user.person_id;
    }
    AG_ASSIGN_OR_RETURN(out, tx.hazards().listInspections(q, nullptr));
    return {};
  }));
  return out;
}

Result<store::InspectionRow> HazardService::completeInspection(
    const auth::Principal& caller, std::int64_t id, const std::vector<InspectionResult>& results) {
  const Instant now = clock_.now();
  store::InspectionRow row;
  std::vector<std::pair<std::size_t, ReportInput>> failed;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(row, tx.hazards().getInspection(id));
    if (!auth::inScope(caller.org_path, row.org_path)) {
      return Error::notFound("inspection.not_found", "no such inspection");
    }
    AG_ASSIGN_OR_RETURN(auto user, tx.users().findById(caller.user_id));
    if (user.person_id == 0 || user.person_id != row.assignee_person_id) {
      return Error::permissionDenied("inspection.not_assignee",
                                     "only the assigned person can do this inspection");
    }
    if (row.status != "pending") {
      return Error::conflict("inspection.done", "the inspection is already done");
    }
    if (results.size() != row.items.size()) {
      return Error::invalidArgument("inspection.incomplete", "every checklist item needs a result");
    }
    return {};
  }));
  for (const auto& r : results) {
    if (r.index >= row.items.size()) {
      return Error::invalidArgument("inspection.incomplete", "bad checklist item");
    }
    row.items[r.index].result = r.ok ? "ok" : "fail";
    row.items[r.index].note = r.note;
    if (!r.ok) {
      ReportInput in;
      in.area_id = row.area_id;
      in.type_code = r.type_code;
      in.level = r.level;
      in.description = row.items[r.index].text + (r.note.empty() ? "" : ": " + r.note);
      in.source = hazard::Source::kInspection;
      in.source_ref = id;
      in.photo_ids = r.photo_ids;
      failed.emplace_back(r.index, in);
    }
  }
  // Each failed item becomes a hazard (its own transaction, like a report from the phone).
  for (auto& [index, in] : failed) {
    AG_ASSIGN_OR_RETURN(auto d, report(caller, in));
    row.items[index].hazard_id = d.hazard.id;
  }
  row.status = "done";
  row.done_at = now;
  row.done_by = caller.user_id.value;
  store::InspectionRow out;
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(out, tx.hazards().updateInspection(row));
    return appendAudit(tx, Actor::of(caller), now, "inspection.complete", "inspections", id,
                       row.org_path, "", json::serialize(json::object{{"failed", failed.size()}}));
  }));
  return out;
}

Result<std::int64_t> HazardService::generateInspections(Instant now) {
  const std::int64_t today = hazard::localDay(now, settings_.tz_offset_minutes);
  std::int64_t changed = 0;
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auto due, tx.hazards().riskPointsDue(today));
    for (auto p : due) {
      const std::int64_t due_day = std::max(*p.next_due_day, today);
      store::InspectionRow in;
      in.risk_point_id = p.id;
      in.area_id = p.area_id;
      in.org_path = p.org_path;
      in.assignee_person_id = p.responsible_person_id;
      in.due_day = due_day;
      in.status = "pending";
      for (const auto& c : p.controls) {
        in.items.push_back({c, "", "", 0});
      }
      in.created_at = now;
      AG_ASSIGN_OR_RETURN(in.id, tx.hazards().insertInspection(in));
      p.next_due_day = dateToDay(
          risk::nextDue(dayToDate(due_day), risk::periodFor(p.colour, config_.frequency)));
      AG_ASSIGN_OR_RETURN(auto stored, tx.hazards().updateRiskPoint(p, now));
      (void)stored;
      NotificationDraft d;
      d.person_ids = {p.responsible_person_id};
      d.kind = "inspection.assigned";
      d.entity = "inspections";
      d.entity_id = in.id;
      d.title_zh = "巡检任务: " + p.name;
      d.title_en = "Inspection task: " + p.name;
      d.org_path = p.org_path;
      AG_ASSIGN_OR_RETURN(auto n, NotificationService::enqueue(tx, d, now));
      (void)n;
      ++changed;
    }
    // Overdue (pending after its day) inspections are escalated once.
    store::InspectionQuery q;
    q.status = "pending";
    q.due_before = today;
    q.page_size = 10000;
    AG_ASSIGN_OR_RETURN(auto overdue, tx.hazards().listInspections(q, nullptr));
    for (auto in : overdue) {
      if (in.escalated_at) {
        continue;
      }
      in.escalated_at = now;
      AG_ASSIGN_OR_RETURN(auto stored, tx.hazards().updateInspection(in));
      (void)stored;
      NotificationDraft d;
      AG_ASSIGN_OR_RETURN(d.user_ids,
                          NotificationService::roleHolders(tx, "safety_officer", in.org_path));
      d.person_ids = {in.assignee_person_id};
      d.kind = "inspection.overdue";
      d.entity = "inspections";
      d.entity_id = in.id;
      d.title_zh = "巡检逾期 #" + std::to_string(in.id);
      d.title_en = "Inspection overdue #" + std::to_string(in.id);
      d.org_path = in.org_path;
      AG_ASSIGN_OR_RETURN(auto n, NotificationService::enqueue(tx, d, now));
      (void)n;
      ++changed;
    }
    return {};
  }));
  return changed;
}

// ------------------------------------------------------------------ incidents

Result<IncidentDetail> HazardService::createIncident(const auth::Principal& caller,
                                                     const IncidentInput& in) {
  AG_RETURN_IF_ERROR(requireSafetyRole(caller));
  std::vector<hazard::InjuredPerson> injured;
  for (const auto& p : in.people) {
    injured.push_back({p.lost_workdays, p.died});
  }
  AG_ASSIGN_OR_RETURN(auto t, hazard::tally(injured));
  if (in.title.empty()) {
    return Error::invalidArgument("validation.failed", "title is required")
        .with("title", "required");
  }
  const Instant now = clock_.now();
  std::int64_t id = 0;
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    auto area = tx.records().get(*base::findSchema("areas"), in.area_id);
    if (!area || !auth::inScope(caller.org_path, area->org_path)) {
      return Error::invalidArgument("hazard.bad_area", "no such area in your scope")
          .with("field", "area_id");
    }
    store::IncidentRow r;
    r.org_path = area->org_path;
    r.area_id = in.area_id;
    r.occurred_at = in.occurred_at;
    r.category = in.category;
    r.title = in.title;
    r.description = in.description;
    r.root_cause = in.root_cause;
    r.people = in.people;
    r.severity = t.severity;
    r.minor = t.minor;
    r.serious = t.serious;
    r.fatalities = t.fatalities;
    r.lost_workdays = t.lost_workdays;
    r.permit_id = in.permit_id;
    r.hazard_ids = in.hazard_ids;
    r.status = "open";
    r.reported_by = caller.user_id.value;
    r.created_at = now;
    AG_ASSIGN_OR_RETURN(id, tx.hazards().insertIncident(r));
    return appendAudit(tx, Actor::of(caller), now, "incident.create", "incidents", id, r.org_path,
                       "",
                       json::serialize(json::object{{"severity", hazard::toString(t.severity)}}));
  }));
  return getIncident(caller, id);
}

Result<IncidentDetail> HazardService::getIncident(const auth::Principal& caller, std::int64_t id) {
  IncidentDetail d;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(d.incident, tx.hazards().getIncident(id));
    if (!auth::inScope(caller.org_path, d.incident.org_path)) {
      return Error::notFound("incident.not_found", "no such incident");
    }
    AG_ASSIGN_OR_RETURN(d.actions, tx.hazards().actionsOf(id));
    return {};
  }));
  return d;
}

Result<std::vector<store::IncidentRow>> HazardService::incidents(const auth::Principal& caller) {
  std::vector<store::IncidentRow> out;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(out,
                        tx.hazards().listIncidents(caller.org_path, std::nullopt, std::nullopt));
    return {};
  }));
  return out;
}

Result<IncidentDetail> HazardService::addAction(const auth::Principal& caller,
                                                std::int64_t incident_id,
                                                const std::string& description,
                                                std::int64_t owner_person_id,
                                                std::optional<Instant> deadline) {
  AG_RETURN_IF_ERROR(requireSafetyRole(caller));
  if (description.empty() || owner_person_id <= 0 || !deadline) {
    return Error::invalidArgument("validation.failed",
                                  "an action needs a description, an owner and a deadline");
  }
  AG_ASSIGN_OR_RETURN(auto d, getIncident(caller, incident_id));
  if (d.incident.status != "open") {
    return Error::conflict("incident.closed", "the incident is closed");
  }
  const Instant now = clock_.now();
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(
        auto aid, tx.hazards().insertAction(
                      {0, incident_id, description, owner_person_id, deadline, std::nullopt, ""}));
    NotificationDraft n;
    n.person_ids = {owner_person_id};
    n.kind = "incident.action_assigned";
    n.entity = "incidents";
    n.entity_id = incident_id;
    n.title_zh = "事故整改措施: " + description;
    n.title_en = "Corrective action: " + description;
    n.org_path = d.incident.org_path;
    AG_ASSIGN_OR_RETURN(auto sent, NotificationService::enqueue(tx, n, now));
    (void)sent;
    return appendAudit(tx, Actor::of(caller), now, "incident.action", "incidents", incident_id,
                       d.incident.org_path, "", json::serialize(json::object{{"action_id", aid}}));
  }));
  return getIncident(caller, incident_id);
}

Result<IncidentDetail> HazardService::completeAction(const auth::Principal& caller,
                                                     std::int64_t incident_id,
                                                     std::int64_t action_id,
                                                     const std::string& note) {
  AG_ASSIGN_OR_RETURN(auto d, getIncident(caller, incident_id));
  auto it = std::find_if(d.actions.begin(), d.actions.end(),
                         [&](const store::IncidentAction& a) { return a.id == action_id; });
  if (it == d.actions.end()) {
    return Error::notFound("incident.action_not_found", "no such corrective action");
  }
  if (it->done_at) {
    return Error::conflict("incident.action_done", "the action is already done");
  }
  if (note.empty()) {
    return Error::invalidArgument("hazard.reason_required", "describe what was done");
  }
  const Instant now = clock_.now();
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auto user, tx.users().findById(caller.user_id));
    if (user.person_id != it->owner_person_id && !isSafetyRole(caller)) {
      return Error::permissionDenied("incident.not_owner", "only the owner can complete it");
    }
    store::IncidentAction a = *it;
    a.done_at = now;
    a.done_note = note;
    AG_RETURN_IF_ERROR(tx.hazards().updateAction(a));
    return appendAudit(tx, Actor::of(caller), now, "incident.action_done", "incidents", incident_id,
                       d.incident.org_path, "",
                       json::serialize(json::object{{"action_id", action_id}}));
  }));
  return getIncident(caller, incident_id);
}

Result<IncidentDetail> HazardService::closeIncident(const auth::Principal& caller,
                                                    std::int64_t id) {
  AG_RETURN_IF_ERROR(requireSafetyRole(caller));
  AG_ASSIGN_OR_RETURN(auto d, getIncident(caller, id));
  if (d.incident.status != "open") {
    return Error::conflict("incident.closed", "the incident is closed");
  }
  const auto open = std::count_if(d.actions.begin(), d.actions.end(),
                                  [](const store::IncidentAction& a) { return !a.done_at; });
  AG_RETURN_IF_ERROR(hazard::checkIncidentClose(open));
  const Instant now = clock_.now();
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    store::IncidentRow r = d.incident;
    r.status = "closed";
    r.closed_at = now;
    AG_ASSIGN_OR_RETURN(auto stored, tx.hazards().updateIncident(r, now));
    (void)stored;
    return appendAudit(tx, Actor::of(caller), now, "incident.close", "incidents", id, r.org_path,
                       "", "");
  }));
  return getIncident(caller, id);
}

Status HazardService::saveWorkPeriod(const auth::Principal& caller, std::int64_t org_id,
                                     const std::string& month, double hours, double headcount) {
  AG_RETURN_IF_ERROR(requireSafetyRole(caller));
  if (month.size() != 7 || month[4] != '-' || !parseDate(month + "-01") || hours < 0 ||
      headcount < 0) {
    return Error::invalidArgument("validation.failed", "month is YYYY-MM; figures >= 0");
  }
  return store_.write([&](store::Transaction& tx) -> Status {
    auto org = tx.records().get(*base::findSchema("org_units"), org_id);
    if (!org || !auth::inScope(caller.org_path, org->org_path)) {
      return Error::invalidArgument("validation.failed", "no such org unit in your scope")
          .with("field", "org_id");
    }
    AG_RETURN_IF_ERROR(
        tx.hazards().upsertWorkPeriod({org_id, org->org_path, month, hours, headcount}));
    return appendAudit(tx, Actor::of(caller), clock_.now(), "incident.work_period", "work_periods",
                       org_id, org->org_path, "",
                       json::serialize(json::object{
                           {"month", month}, {"hours", hours}, {"headcount", headcount}}));
  });
}

Result<SafetyFigures> HazardService::figures(const auth::Principal& caller,
                                             const std::string& from_month,
                                             const std::string& to_month) {
  SafetyFigures f;
  std::vector<store::WorkPeriod> periods;
  std::vector<store::IncidentRow> rows;
  const auto from = parseDate(from_month + "-01");
  const auto to = parseDate(to_month + "-01");
  if (!from || !to) {
    return Error::invalidArgument("query.bad_value", "from/to are YYYY-MM").with("field", "from");
  }
  const Instant from_t =
      std::chrono::sys_days{*from} - std::chrono::minutes{settings_.tz_offset_minutes};
  const auto next = std::chrono::year_month{to->year(), to->month()} + std::chrono::months{1};
  const Instant to_t = std::chrono::sys_days{next / std::chrono::day{1}} -
                       std::chrono::minutes{settings_.tz_offset_minutes};
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(periods, tx.hazards().workPeriods(caller.org_path, from_month, to_month));
    AG_ASSIGN_OR_RETURN(rows, tx.hazards().listIncidents(caller.org_path, from_t, to_t));
    return {};
  }));
  std::map<std::string, double> headcount_by_month;
  for (const auto& p : periods) {
    f.hours_worked += p.hours_worked;
    headcount_by_month[p.month] += p.headcount;
  }
  std::vector<double> monthly;
  for (const auto& [m, h] : headcount_by_month) {
    monthly.push_back(h);
  }
  for (const auto& r : rows) {
    f.minor += r.minor;
    f.serious += r.serious;
    f.fatalities += r.fatalities;
    f.lost_workdays += r.lost_workdays;
  }
  f.injured = f.minor + f.serious + f.fatalities;
  f.avg_headcount = hazard::averageHeadcount(monthly);
  f.e1_injury_frequency = hazard::injuryFrequency(f.injured, f.hours_worked);
  if (f.avg_headcount) {
    f.e2_per_thousand = hazard::injuriesPerThousand(f.minor + f.serious, *f.avg_headcount);
  }
  return f;
}

}  // namespace anguan::service
