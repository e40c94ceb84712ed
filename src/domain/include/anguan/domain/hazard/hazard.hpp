// Hidden hazards (事故隐患) and their closed loop (issue 4; domain-rules.md §3):
//
//   reported --assign--> assigned --start--> rectifying --submit--> submitted
//   submitted --verify_pass--> closed (销号) ; submitted --verify_fail--> rectifying
//   reported/assigned --reject--> rejected (not a hazard, with reason)
//   assigned/rectifying --reassign--> assigned ; assigned/rectifying --extend--> (same state)
//
// The table says which actions exist in which state; the guards (check*) say who may do them
// and with what (verifier ≠ rectifier, evidence, acceptance of major hazards, interim controls
// on an extension). Deadlines, reminders, escalation and recurrence are pure functions of the
// hazard, a policy and the time passed in.
//
// Thread safety: pure functions and value types.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"

namespace anguan::hazard {

enum class State { kReported, kAssigned, kRectifying, kSubmitted, kClosed, kRejected };
enum class Action {
  kAssign,
  kReassign,
  kStart,
  kSubmit,
  kVerifyPass,
  kVerifyFail,
  kReject,
  kExtend
};
// 一般 / 重大 (national law has two grades; 较大 is a company option not shipped by default).
enum class Level { kGeneral, kMajor };
enum class Source { kAdHoc, kInspection, kPermit, kAiCamera, kAudit };

inline constexpr State kAllStates[] = {State::kReported,  State::kAssigned, State::kRectifying,
                                       State::kSubmitted, State::kClosed,   State::kRejected};
inline constexpr Action kAllActions[] = {Action::kAssign, Action::kReassign,   Action::kStart,
                                         Action::kSubmit, Action::kVerifyPass, Action::kVerifyFail,
                                         Action::kReject, Action::kExtend};

// snake_case names: "reported", "verify_pass", "general", "ad_hoc", "ai_camera" ...
const char* toString(State state);
std::optional<State> parseState(std::string_view text);
const char* toString(Action action);
std::optional<Action> parseAction(std::string_view text);
const char* toString(Level level);
std::optional<Level> parseLevel(std::string_view text);
const char* toString(Source source);
std::optional<Source> parseSource(std::string_view text);

// Illegal → conflict "hazard.illegal_transition" with details "from" and "action".
Result<State> transition(State from, Action action);
// Not closed and not rejected.
bool isOpen(State state);
// Open and past the reporting stage: somebody owes a rectification (assigned, rectifying).
bool owesRectification(State state);

// 重大隐患治理方案: the six parts of Order 16 Art. 15.
struct GovernancePlan {
  std::string targets;              // 1. targets and tasks
  std::string method;               // 2. methods and measures
  std::string funds;                // 3. funds and materials
  std::string responsible;          // 4. responsible organisation and people
  std::optional<Instant> deadline;  // 5. deadline and requirements
  std::string safety_measures;      // 6. safety measures and emergency plan
};
// kInvalidArgument "hazard.plan_incomplete" with detail "part" naming the first missing part.
Status checkPlan(const GovernancePlan& plan);

// The facts the guards need about a hazard.
struct HazardFacts {
  State state = State::kReported;
  Level level = Level::kGeneral;
  std::int64_t reporter_user_id = 0;
  std::int64_t assignee_person_id = 0;
  std::int64_t rectifier_user_id = 0;  // Who submitted the current rectification.
  std::optional<Instant> deadline;
  bool has_plan = false;        // A complete governance plan is stored (major hazards).
  bool has_acceptance = false;  // Acceptance evaluation by the safety department recorded.
};

// Who acts.
struct ActorFacts {
  std::int64_t user_id = 0;
  std::int64_t person_id = 0;   // 0 = the account is not linked to a person.
  bool safety_officer = false;  // Holds the safety_officer (or admin) role.
};

// start / submit: only the assignee (by person) — kPermissionDenied "hazard.not_assignee".
// A major hazard can only start with a complete plan — kConflict "hazard.plan_required".
Status checkRectifier(const HazardFacts& h, const ActorFacts& actor);

// Evidence for a submission: at least one photo, a text and the measure taken.
struct Evidence {
  int photos = 0;
  std::string text;
  std::string measure;
};
// kInvalidArgument "hazard.evidence_required" (detail "missing": photos|text|measure).
Status checkEvidence(const Evidence& evidence);

// verify_pass / verify_fail: the reporter or a safety officer, never the rectifier.
// kPermissionDenied "hazard.self_verify" when actor is the rectifier (checked first),
// kPermissionDenied "hazard.not_verifier" when neither reporter nor safety officer.
Status checkVerifier(const HazardFacts& h, const ActorFacts& actor);
// verify_pass of a major hazard needs the acceptance evaluation — kConflict
// "hazard.acceptance_required".
Status checkClose(const HazardFacts& h);
// extend: a later deadline and interim controls. kInvalidArgument "hazard.deadline_not_later",
// "hazard.interim_controls_required".
Status checkExtension(const HazardFacts& h, Instant new_deadline,
                      std::string_view interim_controls);
// reject / reassign need a reason: kInvalidArgument "hazard.reason_required".
Status checkReason(std::string_view reason);

// Deadlines by level (configurable): days after assignment.
struct DeadlinePolicy {
  std::map<Level, int> days = {{Level::kGeneral, 7}, {Level::kMajor, 30}};
};
Instant deadlineFor(Level level, Instant assigned_at, const DeadlinePolicy& policy);

// Reminder and escalation schedule.
struct ChasePolicy {
  // "Due soon" reminder this long before the deadline (once per deadline).
  std::chrono::hours due_soon_before{24};
  // Enterprise offset: overdue escalation is repeated once per local calendar day.
  int tz_offset_minutes = 480;
};
// Days since 1970-01-01 in the local calendar at `tz_offset_minutes`.
std::int64_t localDay(Instant t, int tz_offset_minutes);

// What the chasing job keeps per hazard so that it is idempotent.
struct ChaseMemo {
  std::optional<Instant> due_soon_sent_for;        // The deadline the reminder was sent for.
  std::optional<std::int64_t> last_escalated_day;  // localDay of the last escalation.
};
struct ChaseDecision {
  bool due_soon = false;  // Remind the assignee the deadline is near.
  bool overdue = false;   // Escalate (assignee + manager) for today's local day.
  std::int64_t day = 0;   // localDay(now) (store it as last_escalated_day when overdue).
};
// Only hazards that owe a rectification (assigned, rectifying) with a deadline are chased.
// due_soon: deadline - due_soon_before <= now < deadline and not yet sent for this deadline.
// overdue: now >= deadline and not yet escalated on today's local day.
ChaseDecision chase(State state, const std::optional<Instant>& deadline, const ChaseMemo& memo,
                    Instant now, const ChasePolicy& policy);

// Recurrence (H5): the same area and type as a hazard closed within the previous window.
struct ClosedHazard {
  std::int64_t id = 0;
  std::int64_t area_id = 0;
  std::string type_code;
  Instant closed_at{};
};
inline constexpr int kRecurrenceWindowDays = 90;
// The most recently closed matching hazard with reported_at - window <= closed_at <= reported_at
// (both ends inclusive), or nullopt.
std::optional<std::int64_t> findRecurrence(std::int64_t area_id, std::string_view type_code,
                                           Instant reported_at,
                                           const std::vector<ClosedHazard>& candidates,
                                           int window_days = kRecurrenceWindowDays);

// Auto-assignment rule: the most specific match wins (area, then type, then level each add
// specificity; ties go to the first rule). No rule → the area's responsible person.
struct AssignmentRule {
  std::int64_t area_id = 0;  // 0 = any
  std::string type_code;     // "" = any; a prefix match ("物" covers "物.设备")
  std::optional<Level> level;
  std::int64_t person_id = 0;
};
// 0 when nobody can be found (no rule and no responsible person).
std::int64_t pickAssignee(const std::vector<AssignmentRule>& rules, std::int64_t area_id,
                          std::string_view type_code, Level level,
                          std::int64_t area_responsible_person_id);

// H1: reported within 24 h of discovery (inclusive).
bool reportedInTime(Instant discovered_at, Instant reported_at);
// H3/H4: closed on or before the deadline.
bool closedOnTime(const std::optional<Instant>& deadline, const std::optional<Instant>& closed_at);

}  // namespace anguan::hazard
