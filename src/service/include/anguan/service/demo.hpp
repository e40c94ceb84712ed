// The demo enterprise (`anguan demo`): a chemical company with two plants, areas with plan
// coordinates, ~200 people in departments and two contractors, certificates (some expiring
// soon, some expired), equipment with maintenance windows, this year's holidays, and one demo
// account per role. Later modules extend it. Deterministic: the same clock gives the same data.
//
// Thread safety: call from one thread.
#pragma once

#include <string>

#include "anguan/core/clock.hpp"
#include "anguan/service/auth_service.hpp"
#include "anguan/service/base_data_service.hpp"

namespace anguan::service {

// Returns a human summary (URL hint, logins). kConflict "demo.exists" when org units exist.
[[nodiscard]] Result<std::string> seedDemo(BaseDataService& base, AuthService& auth,
                                           const Clock& clock, const Settings& settings,
                                           const std::string& password);

// `anguan user add`: creates the account in the org unit with `org_code` (default: the first
// root unit, created as "企业" when the database has none). Returns the user id.
[[nodiscard]] Result<std::int64_t> addAccountAsSystem(BaseDataService& base, AuthService& auth,
                                                      NewUser user, const std::string& roles,
                                                      const std::string& org_code);

}  // namespace anguan::service
