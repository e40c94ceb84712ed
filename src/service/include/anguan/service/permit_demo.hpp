// Demo permits for `anguan demo` (issue 3 part 11): about a year of permit history for the demo
// enterprise, written straight through the store with past timestamps, shaped exactly as
// PermitService writes them (row columns, doc, timeline events), so lists, boards, reports and
// the indicators have realistic data. Grades and findings come from the domain rules. The open
// approvals' approvers, and the unit's approvers for the last week's started, completed and
// expired work, have the notifications the service would have sent them.
//
// Thread safety: call from one thread, after seedDemo().
#pragma once

#include <string>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"
#include "anguan/domain/store/store.hpp"
#include "anguan/service/context.hpp"

namespace anguan::service {

// Returns a one-line human summary. Deterministic for a given clock.
[[nodiscard]] Result<std::string> seedPermitDemo(store::Store& store, const Clock& clock,
                                                 const Settings& settings);

}  // namespace anguan::service
