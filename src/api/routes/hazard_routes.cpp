// Hazards, risk register, inspections and incidents (issue 4).
#include <boost/json.hpp>

#include "anguan/service/hazard_service.hpp"

#include "routes/json_fields.hpp"
#include "routes/routes.hpp"

namespace anguan::api {
namespace {
namespace json = boost::json;

json::value optTime(const std::optional<Instant>& t, int tz) {
  return t ? json::value(formatRfc3339(*t, tz)) : json::value(nullptr);
}

json::object hazardJson(const store::HazardRow& h, int tz, Instant now) {
  const bool overdue = hazard::owesRectification(h.state) && h.deadline && now >= *h.deadline;
  json::object o{{"id", h.id},
                 {"version", h.version},
                 {"area_id", h.area_id},
                 {"type_code", h.type_code},
                 {"level", hazard::toString(h.level)},
                 {"state", hazard::toString(h.state)},
                 {"source", hazard::toString(h.source)},
                 {"source_ref", h.source_ref},
                 {"description", h.description},
                 {"reporter_user_id", h.reporter_user_id},
                 {"reporter_name", h.reporter_name},
                 {"discovered_at", formatRfc3339(h.discovered_at, tz)},
                 {"reported_at", formatRfc3339(h.reported_at, tz)},
                 {"assignee_person_id", h.assignee_person_id},
                 {"assigned_at", optTime(h.assigned_at, tz)},
                 {"deadline", optTime(h.deadline, tz)},
                 {"overdue", overdue},
                 {"rectifier_user_id", h.rectifier_user_id},
                 {"rectify_measure", h.rectify_measure},
                 {"rectify_text", h.rectify_text},
                 {"submitted_at", optTime(h.submitted_at, tz)},
                 {"verifier_user_id", h.verifier_user_id},
                 {"closed_at", optTime(h.closed_at, tz)},
                 {"closed_on_time", hazard::closedOnTime(h.deadline, h.closed_at)},
                 {"reject_reason", h.reject_reason},
                 {"interim_controls", h.interim_controls},
                 {"recurrence_of", h.recurrence_of},
                 {"extensions", h.extensions},
                 {"escalations", h.escalations}};
  if (h.level == hazard::Level::kMajor) {
    o["plan"] = h.has_plan ? json::value(json::object{{"targets", h.plan.targets},
                                                      {"method", h.plan.method},
                                                      {"funds", h.plan.funds},
                                                      {"responsible", h.plan.responsible},
                                                      {"deadline", optTime(h.plan.deadline, tz)},
                                                      {"safety_measures", h.plan.safety_measures}})
                           : json::value(nullptr);
    o["supervisor_person_id"] = h.supervisor_person_id;
    o["reported_to_management_at"] = optTime(h.reported_to_management_at, tz);
    o["accepted_at"] = optTime(h.accepted_at, tz);
    o["acceptance_note"] = h.acceptance_note;
  }
  return o;
}

json::object detailJson(const service::HazardDetail& d, int tz, Instant now) {
  json::object o = hazardJson(d.hazard, tz, now);
  json::array events;
  for (const auto& e : d.events) {
    events.push_back(json::object{{"at", formatRfc3339(e.at, tz)},
                                  {"actor_id", e.actor_id},
                                  {"actor_name", e.actor_name},
                                  {"action", e.action},
                                  {"from", e.from_state},
                                  {"to", e.to_state},
                                  {"note", e.note}});
  }
  json::array files;
  for (const auto& f : d.files) {
    files.push_back(json::object{{"id", f.id},
                                 {"kind", f.kind},
                                 {"mime", f.mime},
                                 {"size", f.size},
                                 {"url", "/api/v1/hazard-files/" + f.id}});
  }
  json::array dups;
  for (auto id : d.open_duplicates) {
    dups.push_back(id);
  }
  o["events"] = std::move(events);
  o["files"] = std::move(files);
  o["open_duplicates"] = std::move(dups);
  return o;
}

Reply pageReply(const store::HazardPage& page, int tz, Instant now) {
  json::array items;
  for (const auto& h : page.items) {
    items.push_back(hazardJson(h, tz, now));
  }
  return jsonReply(json::object{{"items", std::move(items)}, {"total", page.total}});
}

Result<store::HazardQuery> ledgerQuery(const Context& ctx, Instant now) {
  store::HazardQuery q;
  for (const auto& [k, v] : ctx.query) {
    if (k == "state") {
      auto s = hazard::parseState(v);
      if (!s) {
        return Error::invalidArgument("query.bad_value", "bad state").with("field", "state");
      }
      q.states.push_back(*s);
    } else if (k == "level") {
      q.level = hazard::parseLevel(v);
      if (!q.level) {
        return Error::invalidArgument("query.bad_value", "bad level").with("field", "level");
      }
    } else if (k == "type") {
      q.type_prefix = v;
    } else if (k == "q") {
      q.search = v;
    } else if (k == "overdue" && v == "1") {
      q.overdue_at = now;
    } else if (k == "recurring" && v == "1") {
      q.recurring_only = true;
    } else if (k == "sort") {
      q.sort_desc = !v.empty() && v[0] == '-';
      q.sort = q.sort_desc ? v.substr(1) : v;
    }
  }
  AG_ASSIGN_OR_RETURN(q.area_id, intQuery(ctx, "area_id", 0));
  AG_ASSIGN_OR_RETURN(q.page, intQuery(ctx, "page", 1));
  AG_ASSIGN_OR_RETURN(q.page_size, intQuery(ctx, "page_size", 50));
  AG_ASSIGN_OR_RETURN(q.reported_from, timeQuery(ctx, "from"));
  AG_ASSIGN_OR_RETURN(q.reported_to, timeQuery(ctx, "to"));
  return q;
}

json::object riskJson(const store::RiskPointRow& r) {
  json::array controls;
  for (const auto& c : r.controls) {
    controls.push_back(json::value(c));
  }
  return json::object{{"id", r.id},
                      {"version", r.version},
                      {"area_id", r.area_id},
                      {"name", r.name},
                      {"activity", r.activity},
                      {"hazard", r.hazard_desc},
                      {"accident_type", r.accident_type},
                      {"method", r.method},
                      {"l", r.l},
                      {"e", r.e},
                      {"c", r.c},
                      {"score", r.score},
                      {"colour", risk::toString(r.colour)},
                      {"controls", std::move(controls)},
                      {"control_level", risk::toString(r.control_level)},
                      {"responsible_person_id", r.responsible_person_id}};
}

json::object inspectionJson(const store::InspectionRow& r) {
  json::array items;
  for (const auto& it : r.items) {
    items.push_back(json::object{
        {"text", it.text}, {"result", it.result}, {"note", it.note}, {"hazard_id", it.hazard_id}});
  }
  const auto date =
      std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{r.due_day}}};
  return json::object{{"id", r.id},
                      {"risk_point_id", r.risk_point_id},
                      {"area_id", r.area_id},
                      {"assignee_person_id", r.assignee_person_id},
                      {"due_on", formatDate(date)},
                      {"status", r.status},
                      {"escalated", r.escalated_at.has_value()},
                      {"items", std::move(items)}};
}

json::object incidentJson(const service::IncidentDetail& d, int tz) {
  const auto& r = d.incident;
  json::array people;
  for (const auto& p : r.people) {
    people.push_back(
        json::object{{"name", p.name}, {"lost_workdays", p.lost_workdays}, {"died", p.died}});
  }
  json::array actions;
  for (const auto& a : d.actions) {
    actions.push_back(json::object{{"id", a.id},
                                   {"description", a.description},
                                   {"owner_person_id", a.owner_person_id},
                                   {"deadline", optTime(a.deadline, tz)},
                                   {"done_at", optTime(a.done_at, tz)},
                                   {"done_note", a.done_note}});
  }
  json::array hazards;
  for (auto id : r.hazard_ids) {
    hazards.push_back(id);
  }
  return json::object{{"id", r.id},
                      {"area_id", r.area_id},
                      {"occurred_at", formatRfc3339(r.occurred_at, tz)},
                      {"category", r.category},
                      {"title", r.title},
                      {"description", r.description},
                      {"severity", hazard::toString(r.severity)},
                      {"people", std::move(people)},
                      {"minor", r.minor},
                      {"serious", r.serious},
                      {"fatalities", r.fatalities},
                      {"lost_workdays", r.lost_workdays},
                      {"permit_id", r.permit_id},
                      {"hazard_ids", std::move(hazards)},
                      {"root_cause", r.root_cause},
                      {"status", r.status},
                      {"actions", std::move(actions)}};
}

}  // namespace

void addHazardRoutes(Router& router, Services& s) {
  const int tz = s.settings.tz_offset_minutes;
  auto& hz = s.hazards;
  const Clock& clock = s.clock;

  router.add({http::verb::post, "/api/v1/hazard-files", Access::kSignedIn, true, true,
              "Upload a photo (raw JPEG/PNG/WebP body, ≤ 5 MiB); returns its id", "hazards",
              [&hz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::string id, hz.uploadPhoto(ctx.caller(), ctx.request.body()),
                                  ctx);
                return jsonReply(json::object{{"id", id}}, http::status::created);
              }});
  router.add({http::verb::get, "/api/v1/hazard-files/{id}", Access::kSignedIn, false, false,
              "A hazard photo (only in your scope)", "hazards", [&hz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(auto file, hz.photo(ctx.caller(), ctx.params["id"]), ctx);
                Reply r;
                r.content_type = file.first;
                r.body = std::move(file.second);
                r.headers.emplace_back("Cache-Control", "private, max-age=3600");
                return r;
              }});
  router.add({http::verb::get, "/api/v1/hazard-types", Access::kSignedIn, false, false,
              "The hazard taxonomy", "hazards", [&hz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(auto types, hz.types(ctx.caller()), ctx);
                json::array out;
                const bool en = ctx.language == "en";
                for (const auto& t : types) {
                  out.push_back(json::object{{"code", t.code},
                                             {"name", en ? t.name_en : t.name_zh},
                                             {"name_zh", t.name_zh},
                                             {"name_en", t.name_en},
                                             {"active", t.active}});
                }
                return jsonReply(out);
              }});
  router.add({http::verb::put, "/api/v1/hazard-types", Access::kSignedIn, true, false,
              "Add or edit a hazard type (safety officers)", "hazards",
              [&hz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(auto body, parseBody(ctx), ctx);
                store::HazardType t;
                AG_REPLY_IF_ERROR(t.code, stringField(body, "code", true), ctx);
                AG_REPLY_IF_ERROR(t.name_zh, stringField(body, "name_zh", true), ctx);
                AG_REPLY_IF_ERROR(t.name_en, stringField(body, "name_en", false), ctx);
                AG_REPLY_IF_ERROR(auto active, boolField(body, "active"), ctx);
                t.active = active.value_or(true);
                if (auto st = hz.saveType(ctx.caller(), t); !st) {
                  return errorReply(st.error(), ctx.language);
                }
                return noContent();
              }});

  router.add({http::verb::get, "/api/v1/hazards", Access::kSignedIn, false, false,
              "Hazard ledger (state, level, area_id, type, q, overdue=1, recurring=1, from, to, "
              "sort, page, page_size)",
              "hazards", [&hz, &clock, tz](Context& ctx) -> Reply {
                const Instant now = clock.now();
                AG_REPLY_IF_ERROR(auto q, ledgerQuery(ctx, now), ctx);
                AG_REPLY_IF_ERROR(auto page, hz.list(ctx.caller(), q), ctx);
                return pageReply(page, tz, now);
              }});
  router.add({http::verb::get, "/api/v1/hazards/mine", Access::kSignedIn, false, false,
              "Your hazards: ?role=rectify (default) or verify", "hazards",
              [&hz, &clock, tz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(auto page, hz.mine(ctx.caller(), ctx.queryValue("role")), ctx);
                return pageReply(page, tz, clock.now());
              }});
  router.add({http::verb::get, "/api/v1/hazards/export", Access::kSignedIn, false, false,
              "Export the ledger as XLSX or CSV (?format=xlsx|csv, same filters as the ledger)",
              "hazards", [&hz, &clock](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(auto q, ledgerQuery(ctx, clock.now()), ctx);
                const auto f = ctx.queryValue("format");
                if (!f.empty() && f != "xlsx" && f != "csv") {
                  return errorReply(Error::invalidArgument("query.bad_value", "format: xlsx or csv")
                                        .with("field", "format"),
                                    ctx.language);
                }
                const bool xlsx = f != "csv";
                AG_REPLY_IF_ERROR(
                    std::string bytes,
                    hz.exportLedger(ctx.caller(), q,
                                    xlsx ? service::SheetFormat::kXlsx : service::SheetFormat::kCsv,
                                    ctx.language),
                    ctx);
                Reply r;
                r.body = std::move(bytes);
                r.content_type =
                    xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                         : "text/csv; charset=utf-8";
                r.headers.emplace_back(
                    "Content-Disposition",
                    std::string("attachment; filename=\"hazards.") + (xlsx ? "xlsx\"" : "csv\""));
                return r;
              }});
  router.add({http::verb::post, "/api/v1/hazards", Access::kSignedIn, true, false,
              "Report a hazard", "hazards", [&hz, &clock, tz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(auto body, parseBody(ctx), ctx);
                if (auto st =
                        readFields(body, {"area_id", "type_code", "level", "description",
                                          "discovered_at", "source", "source_ref", "photo_ids"});
                    !st) {
                  return errorReply(st.error(), ctx.language);
                }
                service::ReportInput in;
                AG_REPLY_IF_ERROR(in.area_id, intField(body, "area_id", true), ctx);
                AG_REPLY_IF_ERROR(in.type_code, stringField(body, "type_code", true), ctx);
                AG_REPLY_IF_ERROR(auto level, stringField(body, "level", false), ctx);
                if (!level.empty()) {
                  auto l = hazard::parseLevel(level);
                  if (!l) {
                    return errorReply(Error::invalidArgument("validation.failed", "bad level")
                                          .with("level", "bad_value"),
                                      ctx.language);
                  }
                  in.level = *l;
                }
                AG_REPLY_IF_ERROR(in.description, stringField(body, "description", true), ctx);
                AG_REPLY_IF_ERROR(in.discovered_at, timeField(body, "discovered_at", false), ctx);
                AG_REPLY_IF_ERROR(auto source, stringField(body, "source", false), ctx);
                if (!source.empty()) {
                  auto src = hazard::parseSource(source);
                  if (!src) {
                    return errorReply(Error::invalidArgument("validation.failed", "bad source")
                                          .with("source", "bad_value"),
                                      ctx.language);
                  }
                  in.source = *src;
                }
                AG_REPLY_IF_ERROR(in.source_ref, intField(body, "source_ref", false), ctx);
                if (body.contains("photo_ids")) {
                  AG_REPLY_IF_ERROR(in.photo_ids, listField(body, "photo_ids"), ctx);
                }
                AG_REPLY_IF_ERROR(auto d, hz.report(ctx.caller(), in), ctx);
                return jsonReply(detailJson(d, tz, clock.now()), http::status::created);
              }});
  router.add({http::verb::get, "/api/v1/hazards/{id}", Access::kSignedIn, false, false,
              "Hazard detail with timeline and photos", "hazards",
              [&hz, &clock, tz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                AG_REPLY_IF_ERROR(auto d, hz.get(ctx.caller(), id), ctx);
                return jsonReply(detailJson(d, tz, clock.now()));
              }});

  // One POST per action: /api/v1/hazards/{id}/{action}.
  auto action = [&](const char* name, const char* summary, auto fn) {
    router.add({http::verb::post, std::string("/api/v1/hazards/{id}/") + name, Access::kSignedIn,
                true, false, summary, "hazards", [fn, &clock, tz](Context& ctx) -> Reply {
                  AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                  json::object body;
                  if (!ctx.request.body().empty()) {
                    AG_REPLY_IF_ERROR(body, parseBody(ctx), ctx);
                  }
                  AG_REPLY_IF_ERROR(auto d, fn(ctx, body, id), ctx);
                  return jsonReply(detailJson(d, tz, clock.now()));
                }});
  };
  action(
      "assign", "Assign or re-assign (person_id, reason)",
      [&hz](Context& ctx, const json::object& b, std::int64_t id) -> Result<service::HazardDetail> {
        AG_ASSIGN_OR_RETURN(auto person, intField(b, "person_id", true));
        AG_ASSIGN_OR_RETURN(auto reason, stringField(b, "reason", false));
        return hz.assign(ctx.caller(), id, person, reason);
      });
  action(
      "reject", "Reject: not a hazard (reason)",
      [&hz](Context& ctx, const json::object& b, std::int64_t id) -> Result<service::HazardDetail> {
        AG_ASSIGN_OR_RETURN(auto reason, stringField(b, "reason", false));
        return hz.reject(ctx.caller(), id, reason);
      });
  action(
      "start", "Start rectifying (the assignee)",
      [&hz](Context& ctx, const json::object&, std::int64_t id) -> Result<service::HazardDetail> {
        return hz.start(ctx.caller(), id);
      });
  action(
      "submit", "Submit the rectification (measure, text, photo_ids)",
      [&hz](Context& ctx, const json::object& b, std::int64_t id) -> Result<service::HazardDetail> {
        AG_ASSIGN_OR_RETURN(auto measure, stringField(b, "measure", false));
        AG_ASSIGN_OR_RETURN(auto text, stringField(b, "text", false));
        std::vector<std::string> photos;
        if (b.contains("photo_ids")) {
          AG_ASSIGN_OR_RETURN(photos, listField(b, "photo_ids"));
        }
        return hz.submit(ctx.caller(), id, measure, text, photos);
      });
  action(
      "verify", "Verify: pass=true closes (销号), false sends back (note)",
      [&hz](Context& ctx, const json::object& b, std::int64_t id) -> Result<service::HazardDetail> {
        AG_ASSIGN_OR_RETURN(auto pass, boolField(b, "pass"));
        AG_ASSIGN_OR_RETURN(auto note, stringField(b, "note", false));
        if (!pass) {
          return Error::invalidArgument("validation.failed", "pass is required")
              .with("pass", "required");
        }
        return hz.verify(ctx.caller(), id, *pass, note);
      });
  action(
      "extend", "Extend the deadline (deadline, interim_controls)",
      [&hz](Context& ctx, const json::object& b, std::int64_t id) -> Result<service::HazardDetail> {
        AG_ASSIGN_OR_RETURN(auto deadline, timeField(b, "deadline", true));
        AG_ASSIGN_OR_RETURN(auto controls, stringField(b, "interim_controls", false));
        return hz.extend(ctx.caller(), id, *deadline, controls);
      });
  action(
      "plan", "Governance plan of a major hazard (six parts)",
      [&hz](Context& ctx, const json::object& b, std::int64_t id) -> Result<service::HazardDetail> {
        hazard::GovernancePlan p;
        AG_ASSIGN_OR_RETURN(p.targets, stringField(b, "targets", false));
        AG_ASSIGN_OR_RETURN(p.method, stringField(b, "method", false));
        AG_ASSIGN_OR_RETURN(p.funds, stringField(b, "funds", false));
        AG_ASSIGN_OR_RETURN(p.responsible, stringField(b, "responsible", false));
        AG_ASSIGN_OR_RETURN(p.deadline, timeField(b, "deadline", false));
        AG_ASSIGN_OR_RETURN(p.safety_measures, stringField(b, "safety_measures", false));
        return hz.setPlan(ctx.caller(), id, p);
      });
  action(
      "supervise", "List for supervision 挂牌督办 (supervisor_person_id)",
      [&hz](Context& ctx, const json::object& b, std::int64_t id) -> Result<service::HazardDetail> {
        AG_ASSIGN_OR_RETURN(auto person, intField(b, "supervisor_person_id", true));
        return hz.supervise(ctx.caller(), id, person);
      });
  action(
      "follow-up", "Supervisor's follow-up (note)",
      [&hz](Context& ctx, const json::object& b, std::int64_t id) -> Result<service::HazardDetail> {
        AG_ASSIGN_OR_RETURN(auto note, stringField(b, "note", false));
        return hz.followUp(ctx.caller(), id, note);
      });
  action(
      "report-management", "Report the major hazard to management",
      [&hz](Context& ctx, const json::object&, std::int64_t id) -> Result<service::HazardDetail> {
        return hz.reportToManagement(ctx.caller(), id);
      });
  action(
      "accept", "Acceptance evaluation by the safety department (note)",
      [&hz](Context& ctx, const json::object& b, std::int64_t id) -> Result<service::HazardDetail> {
        AG_ASSIGN_OR_RETURN(auto note, stringField(b, "note", false));
        return hz.accept(ctx.caller(), id, note);
      });

  // Risk register.
  router.add({http::verb::get, "/api/v1/risk-points", Access::kSignedIn, false, false,
              "Risk points in your scope (?area_id)", "risk", [&hz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(auto area, intQuery(ctx, "area_id", 0), ctx);
                AG_REPLY_IF_ERROR(auto rows, hz.riskPoints(ctx.caller(), area), ctx);
                json::array out;
                for (const auto& r : rows) {
                  out.push_back(riskJson(r));
                }
                return jsonReply(out);
              }});
  router.add({http::verb::get, "/api/v1/risk-points/colour-map", Access::kSignedIn, false, false,
              "Highest risk colour per area", "risk", [&hz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(auto rows, hz.colourMap(ctx.caller()), ctx);
                json::array out;
                for (const auto& a : rows) {
                  out.push_back(json::object{{"area_id", a.area_id},
                                             {"colour", risk::toString(a.colour)},
                                             {"points", a.points}});
                }
                return jsonReply(out);
              }});
  router.add({http::verb::post, "/api/v1/risk-points", Access::kSignedIn, true, false,
              "Create a risk point with its LEC or LS assessment and controls", "risk",
              [&hz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(auto b, parseBody(ctx), ctx);
                service::RiskPointInput in;
                AG_REPLY_IF_ERROR(in.area_id, intField(b, "area_id", true), ctx);
                AG_REPLY_IF_ERROR(in.name, stringField(b, "name", true), ctx);
                AG_REPLY_IF_ERROR(in.activity, stringField(b, "activity", false), ctx);
                AG_REPLY_IF_ERROR(in.hazard_desc, stringField(b, "hazard", false), ctx);
                AG_REPLY_IF_ERROR(in.accident_type, stringField(b, "accident_type", false), ctx);
                AG_REPLY_IF_ERROR(in.method, stringField(b, "method", true), ctx);
                AG_REPLY_IF_ERROR(auto l, numberField(b, "l"), ctx);
                AG_REPLY_IF_ERROR(auto e, numberField(b, "e"), ctx);
                AG_REPLY_IF_ERROR(auto c, numberField(b, "c"), ctx);
                in.l = l.value_or(0);
                in.e = e.value_or(0);
                in.c = c.value_or(0);
                AG_REPLY_IF_ERROR(in.controls, listField(b, "controls"), ctx);
                AG_REPLY_IF_ERROR(auto level, stringField(b, "control_level", false), ctx);
                in.control_level =
                    risk::parseControlLevel(level).value_or(risk::ControlLevel::kTeam);
                AG_REPLY_IF_ERROR(in.responsible_person_id,
                                  intField(b, "responsible_person_id", false), ctx);
                AG_REPLY_IF_ERROR(auto r, hz.createRiskPoint(ctx.caller(), in), ctx);
                return jsonReply(riskJson(r), http::status::created);
              }});

  // Inspections.
  router.add({http::verb::get, "/api/v1/inspections", Access::kSignedIn, false, false,
              "Inspection tasks (?mine=1, status)", "risk", [&hz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(auto rows,
                                  hz.inspections(ctx.caller(), ctx.queryValue("mine") == "1",
                                                 ctx.queryValue("status")),
                                  ctx);
                json::array out;
                for (const auto& r : rows) {
                  out.push_back(inspectionJson(r));
                }
                return jsonReply(out);
              }});
  router.add({http::verb::post, "/api/v1/inspections/{id}/complete", Access::kSignedIn, true, false,
              "Complete an inspection: results [{index, ok, note, level, type_code, photo_ids}]",
              "risk", [&hz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                AG_REPLY_IF_ERROR(auto b, parseBody(ctx), ctx);
                std::vector<service::InspectionResult> results;
                const auto* arr = b.if_contains("results");
                if (arr == nullptr || !arr->is_array()) {
                  return errorReply(Error::invalidArgument("validation.failed", "results required")
                                        .with("results", "required"),
                                    ctx.language);
                }
                for (const auto& v : arr->as_array()) {
                  if (!v.is_object()) {
                    continue;
                  }
                  const auto& o = v.as_object();
                  service::InspectionResult r;
                  AG_REPLY_IF_ERROR(auto index, intField(o, "index", true), ctx);
                  r.index = static_cast<std::size_t>(std::max<std::int64_t>(index, 0));
                  AG_REPLY_IF_ERROR(auto ok, boolField(o, "ok"), ctx);
                  r.ok = ok.value_or(true);
                  AG_REPLY_IF_ERROR(r.note, stringField(o, "note", false), ctx);
                  AG_REPLY_IF_ERROR(auto level, stringField(o, "level", false), ctx);
                  r.level = hazard::parseLevel(level).value_or(hazard::Level::kGeneral);
                  AG_REPLY_IF_ERROR(auto type, stringField(o, "type_code", false), ctx);
                  if (!type.empty()) {
                    r.type_code = type;
                  }
                  if (o.contains("photo_ids")) {
                    AG_REPLY_IF_ERROR(r.photo_ids, listField(o, "photo_ids"), ctx);
                  }
                  results.push_back(std::move(r));
                }
                AG_REPLY_IF_ERROR(auto row, hz.completeInspection(ctx.caller(), id, results), ctx);
                return jsonReply(inspectionJson(row));
              }});

  // Incidents.
  router.add({http::verb::get, "/api/v1/incidents", Access::kSignedIn, false, false,
              "Incidents in your scope", "incidents", [&hz, tz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(auto rows, hz.incidents(ctx.caller()), ctx);
                json::array out;
                for (const auto& r : rows) {
                  out.push_back(incidentJson({r, {}}, tz));
                }
                return jsonReply(out);
              }});
  router.add(
      {http::verb::get, "/api/v1/incidents/figures", Access::kSignedIn, false, false,
       "E1/E2 figures for months from..to (YYYY-MM)", "incidents", [&hz](Context& ctx) -> Reply {
         AG_REPLY_IF_ERROR(
             auto f, hz.figures(ctx.caller(), ctx.queryValue("from"), ctx.queryValue("to")), ctx);
         auto opt = [](const std::optional<double>& v) {
           return v ? json::value(*v) : json::value(nullptr);
         };
         return jsonReply(json::object{{"injured", f.injured},
                                       {"minor", f.minor},
                                       {"serious", f.serious},
                                       {"fatalities", f.fatalities},
                                       {"lost_workdays", f.lost_workdays},
                                       {"hours_worked", f.hours_worked},
                                       {"avg_headcount", opt(f.avg_headcount)},
                                       {"e1", opt(f.e1_injury_frequency)},
                                       {"e2", opt(f.e2_per_thousand)}});
       }});
  router.add({http::verb::get, "/api/v1/incidents/{id}", Access::kSignedIn, false, false,
              "Incident with its corrective actions", "incidents",
              [&hz, tz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                AG_REPLY_IF_ERROR(auto d, hz.getIncident(ctx.caller(), id), ctx);
                return jsonReply(incidentJson(d, tz));
              }});
  router.add({http::verb::post, "/api/v1/incidents", Access::kSignedIn, true, false,
              "Record an incident (severity from the people's lost workdays, GB 6441)", "incidents",
              [&hz, tz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(auto b, parseBody(ctx), ctx);
                service::IncidentInput in;
                AG_REPLY_IF_ERROR(in.area_id, intField(b, "area_id", true), ctx);
                AG_REPLY_IF_ERROR(auto at, timeField(b, "occurred_at", true), ctx);
                in.occurred_at = *at;
                AG_REPLY_IF_ERROR(in.category, stringField(b, "category", false), ctx);
                AG_REPLY_IF_ERROR(in.title, stringField(b, "title", true), ctx);
                AG_REPLY_IF_ERROR(in.description, stringField(b, "description", false), ctx);
                AG_REPLY_IF_ERROR(in.root_cause, stringField(b, "root_cause", false), ctx);
                AG_REPLY_IF_ERROR(in.permit_id, intField(b, "permit_id", false), ctx);
                AG_REPLY_IF_ERROR(in.hazard_ids, idListField(b, "hazard_ids"), ctx);
                if (const auto* people = b.if_contains("people"); people && people->is_array()) {
                  for (const auto& v : people->as_array()) {
                    if (!v.is_object()) {
                      continue;
                    }
                    store::IncidentPerson p;
                    AG_REPLY_IF_ERROR(p.name, stringField(v.as_object(), "name", false), ctx);
                    AG_REPLY_IF_ERROR(p.lost_workdays,
                                      intField(v.as_object(), "lost_workdays", false), ctx);
                    AG_REPLY_IF_ERROR(auto died, boolField(v.as_object(), "died"), ctx);
                    p.died = died.value_or(false);
                    in.people.push_back(std::move(p));
                  }
                }
                AG_REPLY_IF_ERROR(auto d, hz.createIncident(ctx.caller(), in), ctx);
                return jsonReply(incidentJson(d, tz), http::status::created);
              }});
  router.add({http::verb::post, "/api/v1/incidents/{id}/actions", Access::kSignedIn, true, false,
              "Add a corrective action (description, owner_person_id, deadline)", "incidents",
              [&hz, tz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                AG_REPLY_IF_ERROR(auto b, parseBody(ctx), ctx);
                AG_REPLY_IF_ERROR(auto desc, stringField(b, "description", true), ctx);
                AG_REPLY_IF_ERROR(auto owner, intField(b, "owner_person_id", true), ctx);
                AG_REPLY_IF_ERROR(auto deadline, timeField(b, "deadline", true), ctx);
                AG_REPLY_IF_ERROR(auto d, hz.addAction(ctx.caller(), id, desc, owner, deadline),
                                  ctx);
                return jsonReply(incidentJson(d, tz), http::status::created);
              }});
  router.add(
      {http::verb::post, "/api/v1/incidents/{id}/actions/{action}/done", Access::kSignedIn, true,
       false, "Complete a corrective action (note)", "incidents", [&hz, tz](Context& ctx) -> Reply {
         AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
         AG_REPLY_IF_ERROR(std::int64_t action_id, idParam(ctx, "action"), ctx);
         AG_REPLY_IF_ERROR(auto b, parseBody(ctx), ctx);
         AG_REPLY_IF_ERROR(auto note, stringField(b, "note", true), ctx);
         AG_REPLY_IF_ERROR(auto d, hz.completeAction(ctx.caller(), id, action_id, note), ctx);
         return jsonReply(incidentJson(d, tz));
       }});
  router.add({http::verb::post, "/api/v1/incidents/{id}/close", Access::kSignedIn, true, false,
              "Close an incident (every action done)", "incidents",
              [&hz, tz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                AG_REPLY_IF_ERROR(auto d, hz.closeIncident(ctx.caller(), id), ctx);
                return jsonReply(incidentJson(d, tz));
              }});
  router.add({http::verb::put, "/api/v1/work-periods", Access::kSignedIn, true, false,
              "Hours worked and headcount of an org unit for a month (org_id, month, hours, "
              "headcount)",
              "incidents", [&hz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(auto b, parseBody(ctx), ctx);
                AG_REPLY_IF_ERROR(auto org, intField(b, "org_id", true), ctx);
                AG_REPLY_IF_ERROR(auto month, stringField(b, "month", true), ctx);
                AG_REPLY_IF_ERROR(auto hours, numberField(b, "hours"), ctx);
                AG_REPLY_IF_ERROR(auto heads, numberField(b, "headcount"), ctx);
                if (auto st = hz.saveWorkPeriod(ctx.caller(), org, month, hours.value_or(0),
                                                heads.value_or(0));
                    !st) {
                  return errorReply(st.error(), ctx.language);
                }
                return noContent();
              }});
}

}  // namespace anguan::api
