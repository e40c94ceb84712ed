#include "anguan/domain/hazard/hazard.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "anguan/core/enum_names.hpp"

namespace anguan::hazard {
namespace {

constexpr std::array<std::pair<State, const char*>, 6> kStateNames = {{
    {State::kReported, "reported"},
    {State::kAssigned, "assigned"},
    {State::kRectifying, "rectifying"},
    {State::kSubmitted, "submitted"},
    {State::kClosed, "closed"},
    {State::kRejected, "rejected"},
}};
constexpr std::array<std::pair<Action, const char*>, 8> kActionNames = {{
    {Action::kAssign, "assign"},
    {Action::kReassign, "reassign"},
    {Action::kStart, "start"},
    {Action::kSubmit, "submit"},
    {Action::kVerifyPass, "verify_pass"},
    {Action::kVerifyFail, "verify_fail"},
    {Action::kReject, "reject"},
    {Action::kExtend, "extend"},
}};
constexpr std::array<std::pair<Level, const char*>, 2> kLevelNames = {{
    {Level::kGeneral, "general"},
    {Level::kMajor, "major"},
}};
constexpr std::array<std::pair<Source, const char*>, 5> kSourceNames = {{
    {Source::kAdHoc, "ad_hoc"},
    {Source::kInspection, "inspection"},
    {Source::kPermit, "permit"},
    {Source::kAiCamera, "ai_camera"},
    {Source::kAudit, "audit"},
}};

struct Edge {
  State from;
  Action action;
  State to;
};
constexpr std::array<Edge, 11> kEdges = {{
    {State::kReported, Action::kAssign, State::kAssigned},
    {State::kReported, Action::kReject, State::kRejected},
    {State::kAssigned, Action::kReassign, State::kAssigned},
    {State::kAssigned, Action::kStart, State::kRectifying},
    {State::kAssigned, Action::kReject, State::kRejected},
    {State::kAssigned, Action::kExtend, State::kAssigned},
    {State::kRectifying, Action::kReassign, State::kAssigned},
    {State::kRectifying, Action::kSubmit, State::kSubmitted},
    {State::kRectifying, Action::kExtend, State::kRectifying},
    {State::kSubmitted, Action::kVerifyPass, State::kClosed},
    {State::kSubmitted, Action::kVerifyFail, State::kRectifying},
}};

constexpr std::int64_t kMsPerDay = 86'400'000;

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) {
    --q;
  }
  return q;
}

}  // namespace

const char* toString(State state) { return nameOf(kStateNames, state); }
std::optional<State> parseState(std::string_view text) { return parseName(kStateNames, text); }
const char* toString(Action action) { return nameOf(kActionNames, action); }
std::optional<Action> parseAction(std::string_view text) { return parseName(kActionNames, text); }
const char* toString(Level level) { return nameOf(kLevelNames, level); }
std::optional<Level> parseLevel(std::string_view text) { return parseName(kLevelNames, text); }
const char* toString(Source source) { return nameOf(kSourceNames, source); }
std::optional<Source> parseSource(std::string_view text) { return parseName(kSourceNames, text); }

Result<State> transition(State from, Action action) {
  for (const auto& e : kEdges) {
    if (e.from == from && e.action == action) {
      return e.to;
    }
  }
  return Error::conflict("hazard.illegal_transition", std::string("cannot ") + toString(action) +
                                                          " a hazard that is " + toString(from))
      .with("from", toString(from))
      .with("action", toString(action));
}

bool isOpen(State state) { return state != State::kClosed && state != State::kRejected; }

bool owesRectification(State state) {
  return state == State::kAssigned || state == State::kRectifying;
}

Status checkPlan(const GovernancePlan& plan) {
  const std::pair<const char*, bool> parts[] = {
      {"targets", !plan.targets.empty()},      {"method", !plan.method.empty()},
      {"funds", !plan.funds.empty()},          {"responsible", !plan.responsible.empty()},
      {"deadline", plan.deadline.has_value()}, {"safety_measures", !plan.safety_measures.empty()},
  };
  for (const auto& [name, present] : parts) {
    if (!present) {
      return Error::invalidArgument("hazard.plan_incomplete",
                                    std::string("the governance plan lacks ") + name)
          .with("part", name);
    }
  }
  return {};
}

Status checkRectifier(const HazardFacts& h, const ActorFacts& actor) {
  if (actor.person_id == 0 || actor.person_id != h.assignee_person_id) {
    return Error::permissionDenied("hazard.not_assignee",
                                   "only the assigned person can rectify this hazard");
  }
  if (h.level == Level::kMajor && !h.has_plan) {
    return Error::conflict("hazard.plan_required",
                           "a major hazard needs its governance plan before rectification");
  }
  return {};
}

Status checkEvidence(const Evidence& evidence) {
  const char* missing = nullptr;
  if (evidence.photos < 1) {
    missing = "photos";
  } else if (evidence.text.empty()) {
    missing = "text";
  } else if (evidence.measure.empty()) {
    missing = "measure";
  }
  if (missing != nullptr) {
    return Error::invalidArgument("hazard.evidence_required",
                                  std::string("rectification evidence is missing: ") + missing)
        .with("missing", missing);
  }
  return {};
}

Status checkVerifier(const HazardFacts& h, const ActorFacts& actor) {
  if (actor.user_id != 0 && actor.user_id == h.rectifier_user_id) {
    return Error::permissionDenied("hazard.self_verify",
                                   "the rectifier cannot verify their own rectification");
  }
  if (actor.user_id != h.reporter_user_id && !actor.safety_officer) {
    return Error::permissionDenied("hazard.not_verifier",
                                   "only the reporter or a safety officer can verify");
  }
  return {};
}

Status checkClose(const HazardFacts& h) {
  if (h.level == Level::kMajor && !h.has_acceptance) {
    return Error::conflict("hazard.acceptance_required",
                           "a major hazard closes only after the acceptance evaluation");
  }
  return {};
}

Status checkExtension(const HazardFacts& h, Instant new_deadline,
                      std::string_view interim_controls) {
  if (h.deadline && new_deadline <= *h.deadline) {
    return Error::invalidArgument("hazard.deadline_not_later",
                                  "the new deadline must be later than the current one");
  }
  if (interim_controls.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Error::invalidArgument("hazard.interim_controls_required",
                                  "extending a deadline needs interim controls");
  }
  return {};
}

Status checkReason(std::string_view reason) {
  if (reason.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Error::invalidArgument("hazard.reason_required", "a reason is required");
  }
  return {};
}

Instant deadlineFor(Level level, Instant assigned_at, const DeadlinePolicy& policy) {
  auto it = policy.days.find(level);
  const int days = it == policy.days.end() ? 7 : it->second;
  return assigned_at + std::chrono::days{days};
}

std::int64_t localDay(Instant t, int tz_offset_minutes) {
  return floorDiv(toMillis(t) + std::int64_t{tz_offset_minutes} * 60'000, kMsPerDay);
}

ChaseDecision chase(State state, const std::optional<Instant>& deadline, const ChaseMemo& memo,
                    Instant now, const ChasePolicy& policy) {
  ChaseDecision d;
  d.day = localDay(now, policy.tz_offset_minutes);
  if (!owesRectification(state) || !deadline) {
    return d;
  }
  if (now >= *deadline) {
    d.overdue = !memo.last_escalated_day || *memo.last_escalated_day < d.day;
  } else if (now >= *deadline - policy.due_soon_before) {
    d.due_soon = !memo.due_soon_sent_for || *memo.due_soon_sent_for != *deadline;
  }
  return d;
}

std::optional<std::int64_t> findRecurrence(std::int64_t area_id, std::string_view type_code,
                                           Instant reported_at,
                                           const std::vector<ClosedHazard>& candidates,
                                           int window_days) {
  const Instant from = reported_at - std::chrono::days{window_days};
  const ClosedHazard* best = nullptr;
  for (const auto& c : candidates) {
    if (c.area_id != area_id || c.type_code != type_code) {
      continue;
    }
    if (c.closed_at < from || c.closed_at > reported_at) {
      continue;
    }
    if (best == nullptr || c.closed_at > best->closed_at ||
        (c.closed_at == best->closed_at && c.id > best->id)) {
      best = &c;
    }
  }
  if (best == nullptr) {
    return std::nullopt;
  }
  return best->id;
}

std::int64_t pickAssignee(const std::vector<AssignmentRule>& rules, std::int64_t area_id,
                          std::string_view type_code, Level level,
                          std::int64_t area_responsible_person_id) {
  int best_score = -1;
  std::int64_t best = 0;
  for (const auto& r : rules) {
    if (r.person_id <= 0) {
      continue;
    }
    if (r.area_id != 0 && r.area_id != area_id) {
      continue;
    }
    if (!r.type_code.empty() && type_code.substr(0, r.type_code.size()) != r.type_code) {
      continue;
    }
    if (r.level && *r.level != level) {
      continue;
    }
    const int score =
        (r.area_id != 0 ? 4 : 0) + (!r.type_code.empty() ? 2 : 0) + (r.level.has_value() ? 1 : 0);
    if (score > best_score) {
      best_score = score;
      best = r.person_id;
    }
  }
  return best != 0 ? best : area_responsible_person_id;
}

bool reportedInTime(Instant discovered_at, Instant reported_at) {
  return reported_at - discovered_at <= std::chrono::hours{24};
}

bool closedOnTime(const std::optional<Instant>& deadline, const std::optional<Instant>& closed_at) {
  return deadline && closed_at && *closed_at <= *deadline;
}

}  // namespace anguan::hazard
