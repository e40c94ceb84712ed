// Approval routing and step progression (issue 3 part 5). Steps are planned from the level's
// chain; a group is one sequential step, one coordinator step, or a run of consecutive countersign
// steps that are open in parallel. The next group opens only when the current one is fully
// approved (or skipped). A reject or return ends the flow; the service moves the permit state.
//
// Thread safety: pure functions over caller-owned vectors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"
#include "anguan/domain/permit/work_type.hpp"

namespace anguan::permit {

enum class StepState { kPending, kOpen, kApproved, kRejected, kReturned, kSkipped };
const char* toString(StepState state);
std::optional<StepState> parseStepState(std::string_view text);

struct Step {
  int seq = 0;    // 1-based position
  int group = 0;  // 1-based; steps of one group are open in parallel
  std::string code, role;
  StepKind kind = StepKind::kSequential;
  int sla_minutes = 120;
  StepState state = StepState::kPending;
  std::optional<Instant> opened_at, decided_at;
  std::int64_t decided_by = 0;
  int escalation_level = 0;
};

// cross_work → a coordinator step (role safety_officer, code "coordinator") comes first.
std::vector<Step> planSteps(const LevelDef& level, bool cross_work);
// Opens the next group when no step is open and every earlier one is approved/skipped; returns
// the indices opened (empty when a step is still open, the flow ended, or all are done).
std::vector<std::size_t> openNext(std::vector<Step>& steps, Instant now);
// Indices of the open steps: who the permit is waiting for.
std::vector<std::size_t> openSteps(const std::vector<Step>& steps);
// True when every step is approved or skipped (and there is at least one approved step).
bool allApproved(const std::vector<Step>& steps);
// Decide one open step: decision must be kApproved, kRejected or kReturned (else invalidArgument
// "permit.bad_decision"); the step must be open (else conflict "permit.step_not_open"). Reject or
// return also turns the remaining pending/open steps into kSkipped. Role match is the service's.
Status decide(std::vector<Step>& steps, std::size_t index, StepState decision, std::int64_t user,
              Instant now);
// opened_at + sla × (escalation_level + 1): each escalation gives the new role a fresh SLA.
std::optional<Instant> stepDue(const Step& s);
// The role the open step escalates to when now > stepDue(s), along the ladder
// approver_unit → approver_dept → approver_safety → approver_leader (leader stays leader);
// other roles (safety_officer, dept_manager ...) escalate to approver_safety, then up the ladder.
// nullopt when not open or not overdue. The service then sets role and escalation_level += 1.
std::optional<std::string> escalationRole(const Step& s, Instant now);
// The next role of the ladder (approver_leader → approver_leader).
std::string nextLadderRole(const std::string& role);

}  // namespace anguan::permit
