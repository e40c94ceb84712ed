// Reading permits: detail with timeline, lists, the close-out report, the public status page,
// the daily board, files; and the deadline job.
#include <algorithm>

#include "anguan/domain/base/schema.hpp"
#include "anguan/domain/permit/gas.hpp"
#include "anguan/domain/permit/start_gate.hpp"
#include "anguan/service/permit_service.hpp"

#include "permit/permit_internal.hpp"
#include "permit/work_type_json.hpp"

namespace anguan::service {
namespace json = boost::json;
using namespace permit_detail;
using permit::State;

namespace {

json::value timeOrNull(const std::optional<Instant>& t, int tz) {
  return t ? json::value(formatRfc3339(*t, tz)) : json::value(nullptr);
}

json::value msTime(const json::object& o, const char* key, int tz) {
  return timeOrNull(instantIn(o, key), tz);
}

std::string eventText(const store::PermitEventRow& e, bool zh) {
  static const std::map<std::string, std::pair<const char*, const char*>> kNames = {
      {"created", {"创建作业计划", "Plan created"}},
      {"edited", {"修改作业计划", "Plan edited"}},
      {"submitted", {"提交审批", "Submitted"}},
      {"approval_started", {"进入审批", "Approval started"}},
      {"approved", {"审批通过", "Approved"}},
      {"rejected", {"驳回", "Rejected"}},
      {"returned", {"退回修改", "Returned for changes"}},
      {"issued", {"签发作业票", "Permit issued"}},
      {"gas_test", {"气体检测", "Gas test"}},
      {"measures_confirmed", {"确认安全措施", "Safety measures confirmed"}},
      {"briefing", {"安全交底", "Crew briefing"}},
      {"shift_check", {"当班班长验票", "Shift leader's check"}},
      {"started", {"开始作业", "Work started"}},
      {"suspended", {"暂停作业", "Suspended"}},
      {"resumed", {"恢复作业", "Resumed"}},
      {"progress", {"进度报告", "Progress report"}},
      {"key_step", {"关键步骤确认", "Key step confirmed"}},
      {"completed", {"作业完工", "Work completed"}},
      {"accepted", {"完工验收", "Completion accepted"}},
      {"reviewed", {"作业复盘", "Review recorded"}},
      {"closed", {"关闭作业票", "Permit closed"}},
      {"cancelled", {"取消", "Cancelled"}},
      {"expired", {"到期失效", "Expired"}},
      {"escalated", {"审批超时升级", "Approval escalated"}},
      {"reminded", {"审批提醒", "Approval reminder"}},
      {"expiry_warning", {"即将到期提醒", "About to expire"}},
      {"attachment", {"上传附件", "Attachment added"}},
      {"retest_due", {"复测提醒", "Re-test due"}},
      {"guardian_on_site", {"监护人到岗", "Guardian on site"}},
      {"guardian_left", {"监护人离开", "Guardian left"}}};
  auto it = kNames.find(e.kind);
  std::string text = it == kNames.end() ? e.kind : (zh ? it->second.first : it->second.second);
  boost::system::error_code ec;
  auto data = json::parse(e.data, ec);
  if (!ec && data.is_object()) {
    const auto& d = data.as_object();
    for (const char* key : {"comment", "reason", "text"}) {
      const std::string v = stringIn(d, key);
      if (!v.empty()) {
        text += zh ? "：" : ": ";
        text += v;
        break;
      }
    }
    if (e.kind == "gas_test") {
      char buf[256];
      std::snprintf(buf, sizeof buf, " %s %.3g %s %s",
                    permit::gasName(stringIn(d, "gas"), zh).c_str(), numberIn(d, "value"),
                    stringIn(d, "unit").c_str(),
                    boolIn(d, "pass") ? (zh ? "合格" : "pass") : (zh ? "不合格" : "FAIL"));
      text += buf;
    }
  }
  return text;
}

json::array allowedActions(const auth::Principal& p, const store::PermitRow& row,
                           const json::object& doc) {
  json::array out;
  auto add = [&](const char* a) { out.emplace_back(a); };
  const bool planner = hasAnyRole(p, {"work_leader", "safety_officer", "admin"});
  const bool site = hasAnyRole(p, {"guardian", "work_leader", "safety_officer"});
  const auto st = permit::parseState(row.state).value_or(State::kDraft);
  switch (st) {
    case State::kDraft:
    case State::kReturned:
      if (planner) {
        add("edit");
        add("submit");
        add("cancel");
      }
      break;
    case State::kInApproval: {
      auto steps = stepsFrom(doc);
      for (auto i : permit::openSteps(steps)) {
        if (hasRole(p, steps[i].role) && row.created_by != p.user_id.value) {
          add("approve");
          add("reject");
          add("return");
          break;
        }
      }
      if (planner) {
        add("cancel");
      }
      break;
    }
    case State::kIssued:
      if (site || hasRole(p, "approver_unit")) {
        add("gas_test");
        add("measures");
        add("briefing");
        add("shift_check");
        add("start");
      }
      if (planner) {
        add("cancel");
      }
      break;
    case State::kActive:
      if (site || hasRole(p, "worker")) {
        add("progress");
      }
      if (site) {
        add("gas_test");
        add("suspend");
        add("complete");
      }
      break;
    case State::kSuspended:
      if (site) {
        add("gas_test");
        add("resume");
      }
      break;
    case State::kCompleted:
      if (hasAnyRole(p, {"approver_unit", "safety_officer", "work_leader", "guardian"})) {
        if (objectIn(doc, "acceptance") == nullptr) {
          add("acceptance");
        }
        if (objectIn(doc, "review") == nullptr) {
          add("review");
        }
        add("close");
      }
      break;
    default:
      break;
  }
  return out;
}

// The permits this one links to (its plan) and those linking to it.
json::array linkedIds(const json::object& doc) {
  json::array linked;
  if (const auto* plan = objectIn(doc, "plan")) {
    if (const auto* ids = arrayIn(*plan, "linked_permit_ids")) {
      for (const auto& v : *ids) {
        linked.push_back(v);
      }
    }
  }
  if (const auto* by = arrayIn(doc, "linked_by")) {
    for (const auto& v : *by) {
      linked.push_back(v);
    }
  }
  return linked;
}

json::object detailJson(const auth::Principal& p, const store::PermitRow& row,
                        const json::object& doc, const std::vector<store::PermitEventRow>& events,
                        int tz, Instant now, const PermitService::TypeView* view, bool with_rules) {
  const bool zh = chinese(p);
  json::object o = summaryJson(row, doc, view != nullptr ? &view->zh : nullptr, zh, tz);
  if (const auto* plan = objectIn(doc, "plan")) {
    o["plan"] = *plan;
  }
  if (const auto* names = objectIn(doc, "names")) {
    o["names"] = *names;
  }
  static const permit::WorkTypeDef kNoType;
  const permit::WorkTypeDef& def = view != nullptr ? view->def : kNoType;
  if (view != nullptr && with_rules) {
    o["work_type"] = p.language == "en" ? view->en : view->zh;
  }
  o["rules_version"] = row.rules_version;
  if (const auto* grade = objectIn(doc, "grade")) {
    json::array reasons;
    if (const auto* rs = arrayIn(*grade, "reasons")) {
      for (const auto& r : *rs) {
        reasons.emplace_back(reasonText(r, zh));
      }
    }
    o["grade"] = json::object{
        {"level", stringIn(*grade, "level")},
        {"level_label", o["level_label"]},
        {"permit_required",
         grade->if_contains("permit_required") ? grade->at("permit_required") : json::value(true)},
        {"reasons", std::move(reasons)},
        {"night", boolIn(*grade, "night")},
        {"holiday", boolIn(*grade, "holiday")}};
  }
  auto findingsOf = [&](const char* key) {
    json::array findings;
    if (const auto* fs = arrayIn(doc, key)) {
      for (const auto& f : *fs) {
        if (!f.is_object()) {
          continue;
        }
        const auto& fo = f.as_object();
        findings.push_back(json::object{
            {"code", stringIn(fo, "code")},
            {"severity", stringIn(fo, "severity")},
            {"text", fo.contains("reason") ? reasonText(fo.at("reason"), zh) : std::string()}});
      }
    }
    return findings;
  };
  auto objectOf = [&](const char* key) {
    return objectIn(doc, key) ? json::value(*objectIn(doc, key)) : json::value(json::object());
  };
  o["findings"] = findingsOf("findings");
  o["overrides"] = objectOf("overrides");
  // The check again at the last approval (empty until issued).
  o["issue_findings"] = findingsOf("issue_findings");
  o["issue_overrides"] = objectOf("issue_overrides");
  if (const auto* presence = objectIn(doc, "guardian_presence")) {
    o["guardian_presence"] = json::object{{"since", msTime(*presence, "since", tz)},
                                          {"last_seen", msTime(*presence, "last_seen", tz)},
                                          {"by", stringIn(*presence, "by")}};
  } else {
    o["guardian_presence"] = nullptr;
  }
  json::array steps;
  const auto parsed = stepsFrom(doc);
  if (const auto* raw = arrayIn(doc, "steps")) {
    for (std::size_t i = 0; i < raw->size() && i < parsed.size(); ++i) {
      const auto& so = (*raw)[i].as_object();
      const auto& s = parsed[i];
      std::string label;
      for (const auto& l : def.levels) {
        if (l.code == row.level) {
          for (const auto& c : l.chain) {
            if (c.code == s.code) {
              label = zh ? c.zh : c.en;
            }
          }
        }
      }
      if (label.empty()) {
        label = permit_json::roleLabel(s.role, zh);
      }
      auto due = permit::stepDue(s);
      steps.push_back(json::object{
          {"seq", s.seq},
          {"group", s.group},
          {"code", s.code},
          {"role", s.role},
          {"role_label", permit_json::roleLabel(s.role, zh)},
          {"label", label},
          {"kind", permit::toString(s.kind)},
          {"state", permit::toString(s.state)},
          {"state_label", stateLabel(permit::toString(s.state), zh)},
          {"opened_at", timeOrNull(s.opened_at, tz)},
          {"due_at", timeOrNull(due, tz)},
          {"overdue", s.state == permit::StepState::kOpen && due && now > *due},
          {"decided_at", timeOrNull(s.decided_at, tz)},
          {"decided_by_name", stringIn(so, "decided_by_name")},
          {"comment", stringIn(so, "comment")},
          {"location", so.contains("location") ? so.at("location") : json::value(nullptr)},
          {"signature_kind", stringIn(so, "signature_kind")},
          {"signature_file", stringIn(so, "signature_file")},
          {"escalation_level", s.escalation_level}});
    }
  }
  o["steps"] = std::move(steps);
  json::array gas;
  if (const auto* tests = arrayIn(doc, "gas_tests")) {
    for (const auto& t : *tests) {
      const auto& to = t.as_object();
      json::object g = to;
      g["sampled_at"] = msTime(to, "sampled_at", tz);
      g["recorded_at"] = msTime(to, "recorded_at", tz);
      g["text"] = to.contains("reason") ? reasonText(to.at("reason"), zh) : std::string();
      gas.push_back(std::move(g));
    }
  }
  o["gas_tests"] = std::move(gas);
  json::array measures;
  const auto* confirmed = objectIn(doc, "measures");
  for (const auto& m : def.measures) {
    json::object mo{{"code", m.code}, {"text", zh ? m.zh : m.en}};
    if (confirmed != nullptr && confirmed->contains(m.code)) {
      const auto& c = confirmed->at(m.code).as_object();
      mo["applies"] = boolIn(c, "applies");
      mo["confirmed_by"] = stringIn(c, "confirmed_by");
      mo["confirmed_at"] = msTime(c, "at", tz);
    } else {
      mo["applies"] = nullptr;
    }
    measures.push_back(std::move(mo));
  }
  o["measures"] = std::move(measures);
  auto copyTimed = [&](const char* key) -> json::value {
    const auto* v = objectIn(doc, key);
    if (v == nullptr) {
      return nullptr;
    }
    json::object c = *v;
    c["at"] = msTime(*v, "at", tz);
    return c;
  };
  o["briefing"] = copyTimed("briefing");
  o["shift_check"] = copyTimed("shift_check");
  o["acceptance"] = copyTimed("acceptance");
  o["review"] = copyTimed("review");
  auto timedList = [&](const char* key) {
    json::array out;
    if (const auto* items = arrayIn(doc, key)) {
      for (const auto& v : *items) {
        json::object c = v.as_object();
        c["at"] = msTime(v.as_object(), "at", tz);
        if (c.contains("resumed_at")) {
          c["resumed_at"] = msTime(v.as_object(), "resumed_at", tz);
        }
        out.push_back(std::move(c));
      }
    }
    return out;
  };
  o["progress"] = timedList("progress");
  o["suspensions"] = timedList("suspensions");
  json::array timeline;
  for (const auto& e : events) {
    timeline.push_back(json::object{{"at", formatRfc3339(e.at, tz)},
                                    {"actor", e.actor_name},
                                    {"kind", e.kind},
                                    {"from_state", e.from_state},
                                    {"to_state", e.to_state},
                                    {"text", eventText(e, zh)}});
  }
  o["events"] = std::move(timeline);
  o["allowed_actions"] = allowedActions(p, row, doc);
  o["public_url"] = "/p/" + row.public_token;
  o["public_token"] = row.public_token;
  o["started_at"] = timeOrNull(row.started_at, tz);
  o["completed_at"] = timeOrNull(row.completed_at, tz);
  o["issued_at"] = timeOrNull(row.issued_at, tz);
  o["closed_at"] = timeOrNull(row.closed_at, tz);
  o["submitted_at"] = timeOrNull(row.submitted_at, tz);
  o["created_at"] = formatRfc3339(row.created_at, tz);
  o["linked_ids"] = linkedIds(doc);
  return o;
}

}  // namespace

Result<std::shared_ptr<const PermitService::TypeView>> PermitService::typeView(
    store::Transaction& tx, const std::string& code, std::int64_t rules_version) {
  auto key = std::make_pair(code, rules_version);
  {
    std::lock_guard lock(types_mutex_);
    if (auto it = type_views_.find(key); it != type_views_.end()) {
      return it->second;
    }
  }
  AG_ASSIGN_OR_RETURN(auto kept, tx.permits().workTypeVersion(code, rules_version));
  if (!kept) {
    return std::shared_ptr<const TypeView>();
  }
  boost::system::error_code ec;
  auto snapshot = json::parse(*kept, ec);
  if (ec || !snapshot.is_object()) {
    return Error::internal("permit.bad_work_type", "stored work type is damaged")
        .with("code", code);
  }
  auto view = std::make_shared<TypeView>();
  AG_ASSIGN_OR_RETURN(view->def, permit_json::fromJson(snapshot.as_object()));
  view->def.rules_version = static_cast<int>(rules_version);
  view->zh = permit_json::toJson(view->def, "zh-CN");
  view->en = permit_json::toJson(view->def, "en");
  std::lock_guard lock(types_mutex_);
  if (type_views_.size() < 256) {
    type_views_.emplace(std::move(key), view);
  }
  return std::shared_ptr<const TypeView>(std::move(view));
}

Status PermitService::loadDetail(store::Transaction& tx, const auth::Principal& caller,
                                 DetailParts& d) {
  d.view.reset();
  if (auto v = typeView(tx, d.row.type_code, d.row.rules_version)) {
    d.view = *v;  // Damaged rules show the permit without them.
  }
  AG_ASSIGN_OR_RETURN(d.events, tx.permits().events(d.row.id));
  AG_ASSIGN_OR_RETURN(d.files, tx.permits().listFiles(d.row.id));
  d.linked = json::array{};
  for (const auto& v : linkedIds(d.doc)) {
    auto other = tx.permits().get(v.as_int64());
    if (other && auth::inScope(caller.org_path, other->org_path)) {
      d.linked.push_back(
          json::object{{"id", other->id}, {"number", other->number}, {"type", other->type_code}});
    }
  }
  // The enterprise: the root org unit of the permit's path ("/1/...").
  d.enterprise.reset();
  const auto second = d.row.org_path.find('/', 1);
  if (second != std::string::npos) {
    try {
      const auto root_id = std::stoll(d.row.org_path.substr(1, second - 1));
      if (auto root = tx.records().get(*base::findSchema("org_units"), root_id)) {
        d.enterprise = root->getText("name");
      }
    } catch (const std::exception&) {
    }
  }
  return {};
}

json::object PermitService::composeDetail(const auth::Principal& caller, const DetailParts& d,
                                          Instant now) const {
  json::object out = detailJson(caller, d.row, d.doc, d.events, settings_.tz_offset_minutes, now,
                                d.view.get(), d.with_rules);
  out["linked"] = d.linked;
  json::array fa;
  for (const auto& f : d.files) {
    fa.push_back(json::object{
        {"id", f.id}, {"name", f.name}, {"content_type", f.content_type}, {"size", f.size}});
  }
  out["files"] = std::move(fa);
  if (d.enterprise) {
    out["enterprise"] = *d.enterprise;
  }
  return out;
}

Result<json::object> PermitService::get(const auth::Principal& caller, std::int64_t id) {
  DetailParts d;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_RETURN_IF_ERROR(readPermit(tx, &caller, id, d.row, d.doc));
    return loadDetail(tx, caller, d);
  }));
  return composeDetail(caller, d, clock_.now());
}

Result<json::object> PermitService::list(const auth::Principal& caller,
                                         const PermitListQuery& query) {
  store::PermitQuery q;
  q.states = query.states;
  q.type_code = query.type;
  q.area_id = query.area_id;
  q.from = query.from;
  q.to = query.to;
  q.search = query.search;
  q.scope_prefix = caller.org_path;
  const std::int64_t size = std::clamp<std::int64_t>(query.page_size, 1, 200);
  q.limit = size;
  q.offset = (std::max<std::int64_t>(query.page, 1) - 1) * size;
  json::array items;
  std::int64_t total = 0;
  const bool zh = chinese(caller);
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    if (query.mine) {
      AG_ASSIGN_OR_RETURN(auto user, tx.users().findById(caller.user_id));
      q.crew_person = user.person_id > 0 ? user.person_id : -1;
    }
    AG_ASSIGN_OR_RETURN(auto rows, tx.permits().list(q, &total));
    for (const auto& row : rows) {
      boost::system::error_code ec;
      auto doc = json::parse(row.doc, ec);
      auto view = typeView(tx, row.type_code, row.rules_version);
      items.push_back(summaryJson(row, ec || !doc.is_object() ? json::object() : doc.as_object(),
                                  rulesObject(view), zh, settings_.tz_offset_minutes));
    }
    return {};
  }));
  return json::object{
      {"items", std::move(items)}, {"total", total}, {"page", query.page}, {"page_size", size}};
}

Result<json::object> PermitService::report(const auth::Principal& caller, std::int64_t id) {
  AG_ASSIGN_OR_RETURN(auto d, get(caller, id));
  const bool zh = chinese(caller);
  const int tz = settings_.tz_offset_minutes;
  json::object r;
  r["permit"] = json::object{{"id", d["id"]},
                             {"number", d["number"]},
                             {"type_label", d["type_label"]},
                             {"level_label", d["level_label"]},
                             {"title", d["title"]},
                             {"area_name", d["area_name"]},
                             {"state", d["state"]}};
  r["crew"] = d.contains("names") ? d["names"] : json::value(json::object());
  r["planned"] = json::object{{"from", d["from"]}, {"to", d["to"]}};
  r["actual"] = json::object{{"started_at", d["started_at"]},
                             {"completed_at", d["completed_at"]},
                             {"closed_at", d["closed_at"]}};
  r["grade"] = d["grade"];
  r["findings"] = d["findings"];
  r["overrides"] = d["overrides"];
  r["issue_findings"] = d["issue_findings"];
  r["issue_overrides"] = d["issue_overrides"];
  r["approvals"] = d["steps"];
  r["gas_tests"] = d["gas_tests"];
  r["measures"] = d["measures"];
  r["suspensions"] = d["suspensions"];
  r["acceptance"] = d["acceptance"];
  r["review"] = d["review"];
  r["timeline"] = d["events"];
  // Conformity (indicator P3): started after issue, all measures confirmed, gas valid at start,
  // signatures complete, never active past validity.
  json::array checks;
  auto check = [&](const char* code, bool ok, const char* zh_text, const char* en_text) {
    checks.push_back(json::object{{"code", code}, {"ok", ok}, {"text", zh ? zh_text : en_text}});
  };
  const auto& st = d["state"].as_string();
  const bool started = !d["started_at"].is_null();
  check("started_after_issue",
        started && !d["issued_at"].is_null() &&
            d["started_at"].as_string() >= d["issued_at"].as_string(),
        "签发后开工", "Started after issue");
  bool all_measures = true;
  for (const auto& m : d["measures"].as_array()) {
    all_measures = all_measures && !m.as_object().at("applies").is_null();
  }
  check("measures_confirmed", all_measures, "安全措施逐项确认", "Every measure confirmed");
  bool signatures = true;
  for (const auto& s : d["steps"].as_array()) {
    signatures = signatures && stringIn(s.as_object(), "state") == "approved" &&
                 !stringIn(s.as_object(), "signature_kind").empty();
  }
  check("signatures_complete", signatures && !d["acceptance"].is_null(), "签字完整",
        "Signatures complete");
  check("within_validity",
        d["completed_at"].is_null() || d["completed_at"].as_string() <= d["to"].as_string(),
        "未超期作业", "Never active past validity");
  check("closed_out", st == "closed", "已关闭归档", "Closed out");
  r["conformity"] = std::move(checks);
  r["generated_at"] = formatRfc3339(clock_.now(), tz);
  return r;
}

Result<json::object> PermitService::publicStatus(const std::string& token,
                                                 const std::string& language) {
  if (token.size() < 20 || token.size() > 64) {
    return Error::notFound("permit.not_found", "No such permit");
  }
  json::object out;
  const bool zh = language != "en";
  const int tz = settings_.tz_offset_minutes;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auto row, tx.permits().getByToken(token));
    boost::system::error_code ec;
    auto doc = json::parse(row.doc, ec);
    if (ec || !doc.is_object()) {
      return Error::internal("permit.corrupt", "the stored permit is damaged");
    }
    const auto& d = doc.as_object();
    auto view = typeView(tx, row.type_code, row.rules_version);
    auto s = summaryJson(row, d, rulesObject(view), zh, tz);
    out["number"] = s["number"];
    out["type_label"] = s["type_label"];
    out["level_label"] = s["level_label"];
    out["state"] = s["state"];
    out["state_label"] = s["state_label"];
    out["title"] = s["title"];
    out["area_name"] = s["area_name"];
    out["from"] = s["from"];
    out["to"] = s["to"];
    out["leader_name"] = s["leader_name"];
    out["guardian_name"] = s["guardian_name"];
    json::array approvals;
    if (const auto* steps = arrayIn(d, "steps")) {
      for (const auto& v : *steps) {
        const auto& so = v.as_object();
        approvals.push_back(
            json::object{{"role_label", permit_json::roleLabel(stringIn(so, "role"), zh)},
                         {"state", stringIn(so, "state")},
                         {"name", stringIn(so, "decided_by_name")},
                         {"at", msTime(so, "decided_at", tz)}});
      }
    }
    out["approvals"] = std::move(approvals);
    // The latest sampling (every reading taken at the latest sampling time); `pass` says whether
    // the air is clear now, i.e. no gas's latest reading failed.
    json::value last = nullptr;
    if (const auto* tests = arrayIn(d, "gas_tests"); tests != nullptr && !tests->empty()) {
      std::optional<Instant> latest;
      for (const auto& v : *tests) {
        const auto at = v.is_object() ? instantIn(v.as_object(), "sampled_at") : std::nullopt;
        if (at && (!latest || *at > *latest)) {
          latest = at;
        }
      }
      json::array readings;
      for (const auto& v : *tests) {
        if (!v.is_object() || instantIn(v.as_object(), "sampled_at") != latest) {
          continue;
        }
        const auto& t = v.as_object();
        readings.push_back(json::object{{"gas", permit::gasName(stringIn(t, "gas"), zh)},
                                        {"value", numberIn(t, "value")},
                                        {"unit", stringIn(t, "unit")},
                                        {"pass", boolIn(t, "pass")}});
      }
      if (latest) {
        last = json::object{{"sampled_at", formatRfc3339(*latest, tz)},
                            {"pass", failingGases(d).empty()},
                            {"readings", std::move(readings)}};
      }
    }
    out["last_gas_test"] = std::move(last);
    out["checked_at"] = formatRfc3339(clock_.now(), tz);
    return {};
  }));
  return out;
}

Result<json::object> PermitService::board(const auth::Principal& caller, const std::string& date) {
  const int tz = settings_.tz_offset_minutes;
  char offset[16];
  std::snprintf(offset, sizeof offset, "%c%02d:%02d", tz < 0 ? '-' : '+', std::abs(tz) / 60,
                std::abs(tz) % 60);
  auto start = parseRfc3339(date + "T00:00:00" + offset);
  if (date.size() != 10 || !start) {
    return Error::invalidArgument("query.bad_value", "bad date").with("field", "date");
  }
  const Instant end = *start + std::chrono::hours(24);
  PermitListQuery q;
  q.from = *start;
  q.to = end;
  q.page_size = 200;
  q.states = {"submitted", "in_approval", "issued", "active",
              "suspended", "completed",   "closed", "expired"};
  AG_ASSIGN_OR_RETURN(auto listed, list(caller, q));
  std::map<std::int64_t, json::object> by_area;
  for (auto& item : listed["items"].as_array()) {
    auto& o = item.as_object();
    const std::int64_t area = o["area_id"].as_int64();
    auto& a = by_area[area];
    if (a.empty()) {
      a["area_id"] = area;
      a["area_name"] = o["area_name"];
      a["permits"] = json::array();
    }
    a["permits"].as_array().push_back(o);
  }
  json::array areas;
  for (auto& [id, a] : by_area) {
    areas.push_back(std::move(a));
  }
  return json::object{{"date", date},
                      {"from", formatRfc3339(*start, tz)},
                      {"to", formatRfc3339(end, tz)},
                      {"areas", std::move(areas)}};
}

Result<store::PermitFileRow> PermitService::file(const auth::Principal& caller,
                                                 const std::string& file_id) {
  store::PermitFileRow out;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(out, tx.permits().getFile(file_id));
    AG_ASSIGN_OR_RETURN(auto row, tx.permits().get(out.permit_id));
    if (!auth::inScope(caller.org_path, row.org_path)) {
      return Error::notFound("permit.file_not_found", "No such file");
    }
    return {};
  }));
  return out;
}

Result<std::int64_t> PermitService::runDeadlines(Instant now) {
  std::vector<store::PermitRow> rows;
  std::map<std::int64_t, std::chrono::minutes> retest_every;  // active permits with a re-test
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    store::PermitQuery q;
    q.states = {"in_approval", "issued", "active", "suspended"};
    q.limit = 5000;
    q.newest_first = false;
    AG_ASSIGN_OR_RETURN(rows, tx.permits().list(q, nullptr));
    for (const auto& row : rows) {
      if (row.state == "active") {
        auto view = typeView(tx, row.type_code, row.rules_version);
        if (view && *view != nullptr && (*view)->def.gas.periodic.count() > 0) {
          retest_every[row.id] = (*view)->def.gas.periodic;
        }
      }
    }
    return {};
  }));
  // Cheap pre-check from the stored row, so quiet permits cost no write.
  auto maybeDue = [&](const store::PermitRow& row) {
    if (row.state != "in_approval") {
      if (row.window_to - now <= std::chrono::minutes(30)) {
        return true;
      }
    }
    boost::system::error_code ec;
    auto doc = json::parse(row.doc, ec);
    if (ec || !doc.is_object()) {
      return false;
    }
    if (row.state == "active") {
      if (const auto* presence = objectIn(doc.as_object(), "guardian_presence")) {
        const auto seen = instantIn(*presence, "last_seen");
        if (seen && permit::guardianAbsent(*seen, now)) {
          return true;
        }
      }
      const auto every = retest_every.find(row.id);
      const auto last = lastPassingGasTest(doc.as_object());
      return every != retest_every.end() && last && now >= *last + every->second;
    }
    if (row.state != "in_approval") {
      return false;
    }
    const auto steps = stepsFrom(doc.as_object());
    for (auto i : permit::openSteps(steps)) {
      if (auto due = permit::stepDue(steps[i])) {
        if (now >= *due - std::chrono::minutes(steps[i].sla_minutes) / 2) {
          return true;
        }
      }
    }
    return false;
  };
  std::int64_t changed = 0;
  for (const auto& row : rows) {
    if (!maybeDue(row)) {
      continue;
    }
    bool touched = false;
    auto r = mutate(nullptr, row.id, [&](MutationCtx& c) -> Status {
      c.now = now;
      const State st = c.state();
      auto& alerts = objectAt(c.doc, "alerts");
      if (st == State::kIssued || st == State::kActive || st == State::kSuspended) {
        if (permit::isExpired(c.row.window_to, now)) {
          AG_RETURN_IF_ERROR(c.apply(permit::Action::kExpire, "expired"));
          c.notify("expired", "已到期失效", "expired", {"approver_unit"});
          touched = true;
          return {};
        }
        bool absent = false;
        AG_RETURN_IF_ERROR(suspendIfGuardianAbsent(c, &absent));
        if (absent) {
          touched = true;
          return {};
        }
        if (!boolIn(alerts, "expiry_warned") && c.row.window_to - now <= std::chrono::minutes(30)) {
          alerts["expiry_warned"] = true;
          c.event("expiry_warning");
          c.notify("expiring", "将于30分钟内到期", "expires within 30 minutes");
          touched = true;
        }
        if (st == State::kActive && c.type.gas.periodic.count() > 0) {
          if (auto last = lastPassingGasTest(c.doc)) {
            auto due = permit::nextRetestDue(*last, c.type.gas.periodic);
            if (due && now >= *due && intIn(alerts, "retest_for") != toMillis(*last)) {
              alerts["retest_for"] = toMillis(*last);
              c.event("retest_due");
              c.notify("retest_due", "需要复测气体", "gas re-test due");
              touched = true;
            }
          }
        }
      }
      if (st == State::kInApproval) {
        auto steps = stepsFrom(c.doc);
        bool steps_changed = false;
        for (auto i : permit::openSteps(steps)) {
          auto& s = steps[i];
          auto& so = arrayAt(c.doc, "steps")[i].as_object();
          auto due = permit::stepDue(s);
          if (!due) {
            continue;
          }
          // Reminder at half the SLA, once per escalation level.
          const auto half = *due - std::chrono::minutes(s.sla_minutes) / 2;
          if (now >= half && now < *due && intIn(so, "reminded_level") != s.escalation_level + 1) {
            so["reminded_level"] = s.escalation_level + 1;
            c.event("reminded", json::object{{"role", s.role}});
            c.notify("approval_reminder", "审批即将超时", "approval due soon", {s.role}, false);
            touched = true;
          }
          if (auto next = permit::escalationRole(s, now)) {
            const std::string from_role = s.role;
            s.role = *next;
            s.escalation_level += 1;
            steps_changed = true;
            c.event("escalated", json::object{{"from_role", from_role}, {"to_role", *next}});
            c.notify("approval_escalated", "审批超时，已升级至您",
                     "approval overdue, escalated to you", {*next}, false);
            touched = true;
          }
        }
        if (steps_changed) {
          writeSteps(c.doc, steps);
          c.row.waiting_roles = waitingRoles(steps);
        }
      }
      if (!touched) {
        return Error::conflict("permit.nothing_to_do", "");
      }
      c.audit_action = "permit.deadlines";
      return {};
    });
    if (r) {
      ++changed;
    } else if (r.error().key() != "permit.nothing_to_do" &&
               r.error().key() != "permit.stale_version") {
      return r.error();
    }
  }
  return changed;
}

}  // namespace anguan::service
