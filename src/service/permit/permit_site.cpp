// On-site control: gas tests, measures, briefing, shift check, start, suspend/resume, progress,
// completion, acceptance, review, close.
#include <algorithm>
#include <cmath>

#include "anguan/core/crypto.hpp"
#include "anguan/domain/permit/gas.hpp"
#include "anguan/domain/permit/start_gate.hpp"
#include "anguan/service/permit_service.hpp"

#include "permit/permit_internal.hpp"

namespace anguan::service {
namespace json = boost::json;
using namespace permit_detail;
using permit::Action;
using permit::State;

namespace {

bool isSiteRole(const auth::Principal& p) {
  return hasAnyRole(p, {"guardian", "work_leader", "safety_officer", "approver_unit", "admin"});
}

Status requireState(const MutationCtx& c, std::initializer_list<State> states, const char* action) {
  if (std::find(states.begin(), states.end(), c.state()) != states.end()) {
    return {};
  }
  return Error::conflict("permit.illegal_transition",
                         std::string("Cannot ") + action + " a permit that is " + c.row.state)
      .with("from", c.row.state)
      .with("action", action);
}

const json::object& conditions(const MutationCtx& c) {
  static const json::object kEmpty;
  const auto* plan = objectIn(c.doc, "plan");
  if (plan == nullptr) {
    return kEmpty;
  }
  const auto* cond = objectIn(*plan, "conditions");
  return cond != nullptr ? *cond : kEmpty;
}

permit::GasContext gasContext(const MutationCtx& c) {
  const std::string& t = c.row.type_code;
  if (t == "hot_work") {
    return boolIn(conditions(c), "oxygen_equipment") ? permit::GasContext::kOxygenEquipment
                                                     : permit::GasContext::kHotWork;
  }
  if (t == "confined_space") {
    return permit::GasContext::kConfinedSpace;
  }
  if (t == "temp_power") {
    return permit::GasContext::kTempPower;
  }
  return permit::GasContext::kOther;
}

bool gasRequired(const MutationCtx& c) {
  return c.type.gas.required ||
         (c.row.type_code == "temp_power" && boolIn(conditions(c), "fire_explosion_area"));
}

std::chrono::minutes retestAfterBreak(const MutationCtx& c) {
  const auto* level = permit::findLevel(c.type, c.row.level);
  return level != nullptr ? level->retest_after_break : std::chrono::minutes(0);
}

std::string joinReasons(const std::vector<permit::Reason>& reasons, bool zh) {
  std::string out;
  for (const auto& r : reasons) {
    out += (out.empty() ? "" : "；") + permit::renderReason(r, zh);
  }
  return out;
}

Error blocked(const char* key, const char* message, const std::vector<permit::Reason>& reasons,
              bool zh) {
  Error e = Error::conflict(key, message);
  e.with("reasons", joinReasons(reasons, zh));
  int n = 0;
  for (const auto& r : reasons) {
    e.with("reason." + std::to_string(++n), r.key);
  }
  return e;
}

}  // namespace

namespace {

constexpr std::size_t kMaxReadings = 8;  // A multi-gas detector shows four to six.

// One reading: {gas, value, unit, lel_percent}, from the body itself or from `readings`.
Result<permit::GasSample> gasReading(const json::object& o, const std::string& prefix) {
  permit::GasSample s;
  s.gas = stringIn(o, "gas");
  s.unit = stringIn(o, "unit");
  const auto* value = o.if_contains("value");
  if (s.gas.empty()) {
    return invalid(prefix + "gas", "required");
  }
  if (value == nullptr || !value->is_number()) {
    return invalid(prefix + "value", "required");
  }
  s.value = value->to_number<double>();
  if (!std::isfinite(s.value) || s.value < 0 || s.value > 1e6) {
    return invalid(prefix + "value", "out_of_range");
  }
  if (const auto* lel = o.if_contains("lel_percent"); lel != nullptr && lel->is_number()) {
    s.lel_percent = lel->to_number<double>();
  }
  return s;
}

// The readings of one sampling: either the body's own {gas, value, …} or `readings`, the
// values a multi-gas detector showed at once (each gas at most once).
Result<std::vector<permit::GasSample>> gasReadings(const json::object& body) {
  std::vector<permit::GasSample> out;
  const auto* list = body.if_contains("readings");
  if (list == nullptr) {
    AG_ASSIGN_OR_RETURN(auto one, gasReading(body, ""));
    out.push_back(std::move(one));
    return out;
  }
  for (const char* single : {"gas", "value", "unit", "lel_percent"}) {
    if (body.contains(single)) {
      return invalid(single, "not_with_readings");
    }
  }
  if (!list->is_array() || list->as_array().empty()) {
    return invalid("readings", "required");
  }
  if (list->as_array().size() > kMaxReadings) {
    return invalid("readings", "too_many");
  }
  for (const auto& item : list->as_array()) {
    if (!item.is_object()) {
      return invalid("readings", "wrong_type");
    }
    for (const auto& kv : item.as_object()) {
      const std::string_view key = kv.key();
      if (key != "gas" && key != "value" && key != "unit" && key != "lel_percent") {
        return invalid("readings." + std::string(key), "unknown_field");
      }
    }
    AG_ASSIGN_OR_RETURN(auto one, gasReading(item.as_object(), "readings."));
    const bool repeated = std::any_of(out.begin(), out.end(),
                                      [&](const permit::GasSample& s) { return s.gas == one.gas; });
    if (repeated) {
      return invalid("readings.gas", "duplicate");
    }
    out.push_back(std::move(one));
  }
  return out;
}

}  // namespace

Result<json::object> PermitService::recordGasTest(const auth::Principal& caller, std::int64_t id,
                                                  const json::object& body) {
  if (!isSiteRole(caller)) {
    return forbidden();
  }
  AG_ASSIGN_OR_RETURN(auto samples, gasReadings(body));
  const std::string sampled = stringIn(body, "sampled_at");
  auto sampled_at = parseRfc3339(sampled);
  if (!sampled_at) {
    return invalid("sampled_at", sampled.empty() ? "required" : "bad_time");
  }
  const Instant now = clock_.now();
  if (*sampled_at > now + std::chrono::minutes(2) || *sampled_at < now - std::chrono::hours(24)) {
    return invalid("sampled_at", "out_of_range");
  }
  const std::string point = stringIn(body, "point");
  const std::string tester = stringIn(body, "tester_name");
  if (point.empty()) {
    return invalid("point", "required");
  }
  const bool zh = chinese(caller);
  json::object result;
  auto out = change(caller, id, [&](MutationCtx& c) -> Status {
    AG_RETURN_IF_ERROR(requireState(c, {State::kIssued, State::kActive, State::kSuspended},
                                    "record a gas test on"));
    const permit::GasContext context = gasContext(c);
    auto& tests = arrayAt(c.doc, "gas_tests");
    json::array verdicts;
    bool all_pass = true;
    std::string text;
    for (const auto& s : samples) {
      auto verdict = permit::evaluateGas(s, context);
      tests.push_back(json::object{{"sampled_at", toMillis(*sampled_at)},
                                   {"recorded_at", toMillis(c.now)},
                                   {"gas", s.gas},
                                   {"value", s.value},
                                   {"unit", s.unit},
                                   {"lel_percent", s.lel_percent},
                                   {"point", point},
                                   {"instrument", stringIn(body, "instrument")},
                                   {"tester_name", tester.empty() ? c.actor.name : tester},
                                   {"recorded_by", c.actor.name},
                                   {"pass", verdict.pass},
                                   {"reason", reasonJson(verdict.reason)}});
      std::string one = permit::renderReason(verdict.reason, zh);
      text += (text.empty() ? "" : (zh ? "；" : "; ")) + one;
      verdicts.push_back(json::object{{"gas", s.gas}, {"pass", verdict.pass}, {"text", one}});
      all_pass = all_pass && verdict.pass;
      c.event("gas_test", json::object{{"gas", s.gas},
                                       {"value", s.value},
                                       {"unit", s.unit},
                                       {"pass", verdict.pass},
                                       {"point", point}});
    }
    result = json::object{{"pass", all_pass}, {"text", text}, {"readings", std::move(verdicts)}};
    c.audit_action = "permit.gas_test";
    if (!all_pass && c.state() == State::kActive) {
      // Unsafe air stops the work at once (GB 30871 5.2.6, 6.5); it resumes after a passing
      // re-test of the gas that failed.
      AG_RETURN_IF_ERROR(suspendWork(c, "气体检测不合格 gas test failed", "gas_test"));
    }
    return {};
  });
  if (!out) {
    return out.error();
  }
  result["permit"] = *std::move(out);
  return result;
}

Result<json::object> PermitService::confirmMeasures(const auth::Principal& caller, std::int64_t id,
                                                    const json::array& items) {
  if (!isSiteRole(caller) && !hasRole(caller, "worker")) {
    return forbidden();
  }
  if (items.empty() || items.size() > 200) {
    return invalid("items", "required");
  }
  return change(caller, id, [&](MutationCtx& c) -> Status {
    AG_RETURN_IF_ERROR(requireState(c, {State::kIssued, State::kActive}, "confirm measures of"));
    auto& measures = objectAt(c.doc, "measures");
    int n = 0;
    for (const auto& v : items) {
      if (!v.is_object()) {
        return invalid("items", "wrong_type");
      }
      const auto& o = v.as_object();
      const std::string code = stringIn(o, "code");
      const auto* applies = o.if_contains("applies");
      if (applies == nullptr || !applies->is_bool()) {
        return invalid("items.applies", "required");
      }
      const bool known = std::any_of(c.type.measures.begin(), c.type.measures.end(),
                                     [&](const permit::MeasureDef& m) { return m.code == code; });
      if (!known) {
        return invalid("items.code", "unknown_measure");
      }
      measures[code] = json::object{{"applies", applies->as_bool()},
                                    {"confirmed_by", c.actor.name},
                                    {"confirmed_by_id", c.actor.id},
                                    {"at", toMillis(c.now)}};
      ++n;
    }
    c.event("measures_confirmed", json::object{{"count", n}});
    c.audit_action = "permit.measures";
    return {};
  });
}

Result<json::object> PermitService::briefing(const auth::Principal& caller, std::int64_t id,
                                             const std::string& giver,
                                             const std::vector<std::string>& receivers) {
  if (!isSiteRole(caller)) {
    return forbidden();
  }
  if (giver.empty()) {
    return invalid("giver", "required");
  }
  if (receivers.empty()) {
    return invalid("receivers", "required");
  }
  return change(caller, id, [&](MutationCtx& c) -> Status {
    AG_RETURN_IF_ERROR(requireState(c, {State::kIssued, State::kActive}, "brief the crew of"));
    c.doc["briefing"] = json::object{{"giver", giver},
                                     {"receivers", json::value_from(receivers)},
                                     {"by", c.actor.name},
                                     {"at", toMillis(c.now)}};
    c.event("briefing", json::object{{"giver", giver}, {"receivers", receivers.size()}});
    c.audit_action = "permit.briefing";
    return {};
  });
}

Result<json::object> PermitService::shiftCheck(const auth::Principal& caller, std::int64_t id) {
  if (!hasAnyRole(caller, {"approver_unit", "work_leader", "safety_officer"})) {
    return forbidden();
  }
  return change(caller, id, [&](MutationCtx& c) -> Status {
    AG_RETURN_IF_ERROR(requireState(c, {State::kIssued}, "check"));
    c.doc["shift_check"] = json::object{{"by", c.actor.name}, {"at", toMillis(c.now)}};
    c.event("shift_check");
    c.audit_action = "permit.shift_check";
    return {};
  });
}

namespace {

permit::GateInput gateInput(const MutationCtx& c) {
  permit::GateInput g;
  g.state = c.state();
  g.now = c.now;
  g.valid_from = c.row.window_from;
  g.valid_to = c.row.window_to;
  g.last_passing_gas_test = lastPassingGasTest(c.doc);
  g.failing_gases = failingGases(c.doc);
  g.gas_required = gasRequired(c);
  g.gas_max_age = c.type.gas.max_age;
  g.measures_total = static_cast<int>(c.type.measures.size());
  const auto* measures = objectIn(c.doc, "measures");
  for (const auto& m : c.type.measures) {
    if (measures != nullptr && measures->contains(m.code)) {
      ++g.measures_confirmed;
    }
  }
  g.briefing_signed = objectIn(c.doc, "briefing") != nullptr;
  g.needs_shift_leader_check = c.type.needs_shift_leader_check;
  g.shift_leader_checked = objectIn(c.doc, "shift_check") != nullptr;
  g.guardian_present = c.row.guardian_id != 0;
  g.continuous_monitor_required = c.type.gas.continuous_for_top_level && !c.type.levels.empty() &&
                                  c.row.level == c.type.levels.front().code;
  g.continuous_monitor_present = boolIn(conditions(c), "continuous_monitor");
  return g;
}

}  // namespace

Result<json::object> PermitService::start(const auth::Principal& caller, std::int64_t id) {
  if (!hasAnyRole(caller, {"guardian", "work_leader", "safety_officer"})) {
    return forbidden();
  }
  return change(caller, id, [&](MutationCtx& c) -> Status {
    if (c.state() != State::kIssued) {
      return statusOf(permit::transition(c.state(), Action::kStart));
    }
    auto blockers = permit::startBlockers(gateInput(c));
    if (!blockers.empty()) {
      return blocked("permit.start_blocked", "The work can't start yet", blockers, chinese(caller));
    }
    c.row.started_at = c.now;
    AG_RETURN_IF_ERROR(c.apply(Action::kStart, "started"));
    c.notify("started", "已开工", "work started", {"approver_unit"});
    return {};
  });
}

namespace permit_detail {

Status suspendWork(MutationCtx& c, const std::string& reason, const std::string& source) {
  c.row.suspended_at = c.now;
  // Presence is confirmed afresh after a break.
  c.doc.erase("guardian_presence");
  arrayAt(c.doc, "suspensions")
      .push_back(json::object{{"at", toMillis(c.now)},
                              {"by", c.actor.name},
                              {"reason", reason},
                              {"source", source},
                              {"resumed_at", nullptr}});
  AG_RETURN_IF_ERROR(
      c.apply(Action::kSuspend, "suspended", json::object{{"reason", reason}, {"source", source}}));
  c.notify("suspended", "已暂停：" + reason, "suspended: " + reason,
           {"approver_unit", "safety_officer"});
  return {};
}

}  // namespace permit_detail

Result<json::object> PermitService::suspend(const auth::Principal& caller, std::int64_t id,
                                            const std::string& reason) {
  if (!isSiteRole(caller) && !hasAnyRole(caller, {"approver_safety", "approver_leader"})) {
    return forbidden();
  }
  if (reason.size() < 2) {
    return invalid("reason", "required");
  }
  return change(caller, id, [&](MutationCtx& c) -> Status {
    if (c.state() != State::kActive) {
      return statusOf(permit::transition(c.state(), Action::kSuspend));
    }
    return suspendWork(c, reason, "manual");
  });
}

Result<std::vector<std::int64_t>> PermitService::suspendInAreaBySystem(
    std::int64_t area_id, const std::vector<std::string>& types, const std::string& reason,
    const std::string& source) {
  std::vector<store::PermitRow> rows;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    store::PermitQuery q;
    q.states = {"active"};
    q.area_id = area_id;
    q.with_doc = false;
    q.limit = 1000;
    AG_ASSIGN_OR_RETURN(rows, tx.permits().list(q, nullptr));
    return {};
  }));
  std::vector<std::int64_t> out;
  for (const auto& row : rows) {
    if (!types.empty() && std::find(types.begin(), types.end(), row.type_code) == types.end()) {
      continue;
    }
    auto r = mutate(nullptr, row.id, [&](MutationCtx& c) -> Status {
      if (c.state() != State::kActive) {
        return {};
      }
      return suspendWork(c, reason, source);
    });
    if (r) {
      out.push_back(row.id);
    }
  }
  return out;
}

Result<std::vector<std::int64_t>> PermitService::suspendAll(const auth::Principal& caller,
                                                            std::int64_t area_id,
                                                            const std::string& reason,
                                                            const std::string& password) {
  if (!isSiteRole(caller) && !hasAnyRole(caller, {"approver_safety", "approver_leader"})) {
    return forbidden();
  }
  if (reason.size() < 2) {
    return invalid("reason", "required");
  }
  std::vector<store::PermitRow> rows;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_RETURN_IF_ERROR(verifyPassword(tx, caller, password, clock_.now()));
    store::PermitQuery q;
    q.states = {"active"};
    q.area_id = area_id;
    q.scope_prefix = caller.org_path;
    q.with_doc = false;
    q.limit = 1000;
    AG_ASSIGN_OR_RETURN(rows, tx.permits().list(q, nullptr));
    return {};
  }));
  std::vector<std::int64_t> out;
  for (const auto& row : rows) {
    auto r = mutate(&caller, row.id, [&](MutationCtx& c) -> Status {
      if (c.state() != State::kActive) {
        return {};
      }
      return suspendWork(c, reason, "emergency");
    });
    AG_RETURN_IF_ERROR(statusOf(r));
    out.push_back(row.id);
  }
  return out;
}

Result<json::object> PermitService::resume(const auth::Principal& caller, std::int64_t id) {
  if (!hasAnyRole(caller, {"guardian", "work_leader", "safety_officer"})) {
    return forbidden();
  }
  return change(caller, id, [&](MutationCtx& c) -> Status {
    if (c.state() != State::kSuspended) {
      return statusOf(permit::transition(c.state(), Action::kResume));
    }
    permit::ResumeInput in;
    in.suspended_at = c.row.suspended_at.value_or(c.now);
    in.now = c.now;
    in.retest_after_break = retestAfterBreak(c);
    in.last_passing_gas_test = lastPassingGasTest(c.doc);
    in.failing_gases = failingGases(c.doc);
    in.gas_required = gasRequired(c);
    in.valid_to = c.row.window_to;
    in.gas_max_age = c.type.gas.max_age;
    // A system suspension (gas alarm) always needs a new passing test.
    auto& susp = arrayAt(c.doc, "suspensions");
    const bool by_alarm = !susp.empty() && susp.back().is_object() &&
                          (stringIn(susp.back().as_object(), "source") == "system" ||
                           stringIn(susp.back().as_object(), "source") == "gas_alarm");
    if (by_alarm && in.gas_required) {
      in.retest_after_break = std::chrono::minutes(0);
    }
    auto blockers = permit::resumeBlockers(in);
    if (by_alarm && (!in.last_passing_gas_test || *in.last_passing_gas_test <= in.suspended_at)) {
      blockers.push_back(permit::Reason{"permit.gate.gas_retest_needed", {}});
    }
    if (!blockers.empty()) {
      return blocked("permit.resume_blocked", "The work can't resume yet", blockers,
                     chinese(caller));
    }
    if (!susp.empty() && susp.back().is_object()) {
      susp.back().as_object()["resumed_at"] = toMillis(c.now);
    }
    c.row.suspended_at.reset();
    AG_RETURN_IF_ERROR(c.apply(Action::kResume, "resumed"));
    c.notify("resumed", "已恢复作业", "work resumed");
    return {};
  });
}

Result<json::object> PermitService::guardianPresence(const auth::Principal& caller, std::int64_t id,
                                                     bool present) {
  if (!hasRole(caller, "guardian")) {
    return forbidden();
  }
  return change(caller, id, [&](MutationCtx& c) -> Status {
    AG_ASSIGN_OR_RETURN(auto user, c.tx.users().findById(caller.user_id));
    if (user.person_id == 0 || c.row.guardian_id != user.person_id) {
      return Error::permissionDenied("permit.not_the_guardian",
                                     "Only the permit's guardian confirms presence");
    }
    AG_RETURN_IF_ERROR(requireState(c, {State::kIssued, State::kActive}, "guard"));
    c.audit_action = "permit.guardian_presence";
    if (!present) {
      c.event("guardian_left");
      if (c.state() == State::kActive) {
        return suspendWork(c, chinese(caller) ? "监护人离开现场" : "guardian left the site",
                           "guardian_absent");
      }
      c.doc.erase("guardian_presence");
      return {};
    }
    auto& presence = objectAt(c.doc, "guardian_presence");
    if (presence.empty()) {
      presence["since"] = toMillis(c.now);
      presence["by"] = c.actor.name;
      c.event("guardian_on_site");
    }
    presence["last_seen"] = toMillis(c.now);
    return {};
  });
}

Status permit_detail::suspendIfGuardianAbsent(MutationCtx& c, bool* suspended) {
  const auto* presence = objectIn(c.doc, "guardian_presence");
  if (c.state() != State::kActive || presence == nullptr) {
    return {};
  }
  const auto last = instantIn(*presence, "last_seen");
  if (!last || !permit::guardianAbsent(*last, c.now)) {
    return {};
  }
  *suspended = true;
  return suspendWork(c, "监护人在场确认超时（监护人不在场）", "guardian_absent");
}

Result<json::object> PermitService::progress(const auth::Principal& caller, std::int64_t id,
                                             const std::string& text, bool key_step) {
  if (!isSiteRole(caller) && !hasRole(caller, "worker")) {
    return forbidden();
  }
  if (text.empty() || text.size() > 2000) {
    return invalid("text", "required");
  }
  return change(caller, id, [&](MutationCtx& c) -> Status {
    AG_RETURN_IF_ERROR(requireState(c, {State::kActive, State::kSuspended}, "report progress on"));
    arrayAt(c.doc, "progress")
        .push_back(json::object{
            {"at", toMillis(c.now)}, {"by", c.actor.name}, {"text", text}, {"key_step", key_step}});
    c.event(key_step ? "key_step" : "progress", json::object{{"text", text}});
    c.audit_action = "permit.progress";
    return {};
  });
}

Result<json::object> PermitService::complete(const auth::Principal& caller, std::int64_t id) {
  if (!hasAnyRole(caller, {"work_leader", "guardian", "safety_officer"})) {
    return forbidden();
  }
  return change(caller, id, [&](MutationCtx& c) -> Status {
    c.row.completed_at = c.now;
    AG_RETURN_IF_ERROR(c.apply(Action::kComplete, "completed"));
    c.notify("completed", "已完工，待验收", "completed; waiting for acceptance", {"approver_unit"});
    return {};
  });
}

Result<json::object> PermitService::acceptance(const auth::Principal& caller, std::int64_t id,
                                               const std::vector<std::string>& items,
                                               const std::string& comment,
                                               const Signature& signature) {
  if (!hasAnyRole(caller, {"approver_unit", "safety_officer", "work_leader", "guardian"})) {
    return forbidden();
  }
  return change(caller, id, [&](MutationCtx& c) -> Status {
    AG_RETURN_IF_ERROR(requireState(c, {State::kCompleted}, "accept"));
    if (objectIn(c.doc, "acceptance") != nullptr) {
      return Error::conflict("permit.already_accepted", "Acceptance is already recorded");
    }
    for (const auto& m : c.type.closeout) {
      if (std::find(items.begin(), items.end(), m.code) == items.end()) {
        return Error::invalidArgument("permit.acceptance_incomplete",
                                      "Every close-out item must be confirmed")
            .with("item", m.code);
      }
    }
    json::object sig;
    AG_RETURN_IF_ERROR(verifySignature(c, caller, signature, sig, "acceptance-signature.png"));
    json::object acc{{"items", json::value_from(items)},
                     {"comment", comment},
                     {"by", c.actor.name},
                     {"by_id", c.actor.id},
                     {"at", toMillis(c.now)}};
    for (const auto& kv : sig) {
      acc[kv.key()] = kv.value();
    }
    c.doc["acceptance"] = acc;
    c.event("accepted", json::object{{"comment", comment}});
    c.audit_action = "permit.accepted";
    return {};
  });
}

Result<json::object> PermitService::review(const auth::Principal& caller, std::int64_t id,
                                           const std::string& lessons) {
  if (!hasAnyRole(caller, {"work_leader", "safety_officer", "approver_unit"})) {
    return forbidden();
  }
  if (lessons.size() < 2 || lessons.size() > 4000) {
    return invalid("lessons", "required");
  }
  return change(caller, id, [&](MutationCtx& c) -> Status {
    AG_RETURN_IF_ERROR(requireState(c, {State::kCompleted}, "review"));
    c.doc["review"] =
        json::object{{"lessons", lessons}, {"by", c.actor.name}, {"at", toMillis(c.now)}};
    c.event("reviewed", json::object{{"lessons", lessons}});
    c.audit_action = "permit.reviewed";
    return {};
  });
}

Result<json::object> PermitService::close(const auth::Principal& caller, std::int64_t id) {
  if (!hasAnyRole(caller, {"work_leader", "safety_officer", "approver_unit"})) {
    return forbidden();
  }
  return change(caller, id, [&](MutationCtx& c) -> Status {
    if (c.state() != State::kCompleted) {
      return statusOf(permit::transition(c.state(), Action::kClose));
    }
    if (objectIn(c.doc, "acceptance") == nullptr) {
      return Error::conflict("permit.closeout_incomplete",
                             "Completion acceptance must be signed before closing")
          .with("missing", "acceptance");
    }
    if (objectIn(c.doc, "review") == nullptr) {
      return Error::conflict("permit.closeout_incomplete",
                             "The review (lessons learned) must be recorded before closing")
          .with("missing", "review");
    }
    c.row.closed_at = c.now;
    AG_RETURN_IF_ERROR(c.apply(Action::kClose, "closed"));
    return {};
  });
}

}  // namespace anguan::service

namespace anguan::service {

Result<json::object> PermitService::addFile(const auth::Principal& caller, std::int64_t id,
                                            const std::string& name, const std::string& bytes) {
  if (!hasAnyRole(caller,
                  {"work_leader", "guardian", "safety_officer", "approver_unit", "admin"})) {
    return forbidden();
  }
  std::string type;
  if (bytes.rfind("\x89PNG\r\n\x1a\n", 0) == 0) {
    type = "image/png";
  } else if (bytes.size() > 3 && static_cast<unsigned char>(bytes[0]) == 0xFF &&
             static_cast<unsigned char>(bytes[1]) == 0xD8 &&
             static_cast<unsigned char>(bytes[2]) == 0xFF) {
    type = "image/jpeg";
  } else if (bytes.rfind("%PDF-", 0) == 0) {
    type = "application/pdf";
  } else if (bytes.size() > 12 && bytes.compare(0, 4, "RIFF") == 0 &&
             bytes.compare(8, 4, "WEBP") == 0) {
    type = "image/webp";
  } else {
    return Error::invalidArgument("permit.file_type", "Only PNG, JPEG, WebP photos and PDF files");
  }
  if (bytes.size() > 10u * 1024 * 1024) {
    return Error::invalidArgument("permit.file_too_large", "The file is over 10 MiB");
  }
  std::string clean;
  for (char c : name.substr(0, 120)) {
    if (c != '/' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) {
      clean += c;
    }
  }
  store::PermitFileRow f;
  f.id = crypto::sha256Hex(crypto::randomToken()).substr(0, 32);
  f.name = clean.empty() ? "attachment" : clean;
  f.content_type = type;
  f.data = bytes;
  f.size = static_cast<std::int64_t>(bytes.size());
  f.created_by = caller.user_id.value;
  auto r = mutate(&caller, id, [&](MutationCtx& c) -> Status {
    if (permit::isTerminal(c.state())) {
      return Error::conflict("permit.not_editable", "The permit is closed");
    }
    f.permit_id = c.row.id;
    f.created_at = c.now;
    c.files.push_back(f);
    c.event("attachment", json::object{{"name", f.name}, {"content_type", type}});
    c.audit_action = "permit.attachment";
    return {};
  });
  if (!r) {
    return r.error();
  }
  return json::object{{"id", f.id}, {"name", f.name}, {"content_type", type}, {"size", f.size}};
}

}  // namespace anguan::service
