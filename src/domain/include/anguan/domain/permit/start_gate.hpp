// Guards for start, resume and expiry (issue 3 part 6; domain-rules §1.4).
//
// Thread safety: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "anguan/core/clock.hpp"
#include "anguan/domain/permit/reason.hpp"
#include "anguan/domain/permit/state_machine.hpp"

namespace anguan::permit {

struct GateInput {
  State state = State::kDraft;
  Instant now{}, valid_from{}, valid_to{};
  std::optional<Instant> last_passing_gas_test;
  // Gases whose latest reading failed: a failed reading stands until that gas passes again.
  std::vector<std::string> failing_gases;
  bool gas_required = false;
  std::chrono::minutes gas_max_age{30};
  int measures_total = 0, measures_confirmed = 0;  // applicable measures
  bool briefing_signed = false;
  bool shift_leader_checked = false;
  bool needs_shift_leader_check = false;
  bool guardian_present = true;
  // Added: 特级 hot work needs continuous gas monitoring for the whole job (5.3).
  bool continuous_monitor_required = false;
  bool continuous_monitor_present = false;
};

// Empty = may start. Checks: state issued; valid_from ≤ now < valid_to; gas test (when required)
// taken at or before now and at most gas_max_age old (exactly 30 min passes, 30 min + 1 ms fails);
// no gas whose latest reading failed (whether or not the type needs a test: a reading that
// failed is a hazard on site);
// all measures confirmed; briefing signed; shift leader check (hot work); guardian present;
// continuous monitor in place where required (特级 hot work).
std::vector<Reason> startBlockers(const GateInput& in);

struct ResumeInput {
  Instant suspended_at{}, now{};
  std::chrono::minutes retest_after_break{0};
  std::optional<Instant> last_passing_gas_test;
  std::vector<std::string> failing_gases;  // as in GateInput
  bool gas_required = false;
  Instant valid_to{};
  std::chrono::minutes gas_max_age{30};  // added: same 30 min rule as at start
};

// Empty = may resume. Expired (now ≥ valid_to) blocks. When gas is required, the re-test interval
// is > 0 and the break (now − suspended_at) exceeds it (strictly), a passing test taken after
// suspended_at and ≤ gas_max_age old is needed. A break exactly equal to the interval needs none.
// A gas whose latest reading failed blocks, whatever the break.
std::vector<Reason> resumeBlockers(const ResumeInput& in);

bool isExpired(Instant valid_to, Instant now);  // now >= valid_to
// Guardian presence (4.10: the guardian stays on site for the whole job). Once the guardian has
// started guarding on the phone, it confirms presence while the job runs; silence for longer
// than the timeout counts as absence, and absence suspends the work.
inline constexpr std::chrono::minutes kGuardianPresenceTimeout{5};
// now > last_seen + timeout (exactly at the timeout still counts as present).
bool guardianAbsent(Instant last_seen, Instant now,
                    std::chrono::minutes timeout = kGuardianPresenceTimeout);

// last_test + periodic; periodic 0 → none.
std::optional<Instant> nextRetestDue(Instant last_test, std::chrono::minutes periodic);

}  // namespace anguan::permit
