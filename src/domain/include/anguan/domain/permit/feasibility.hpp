// Feasibility check before submit and again at issue (issue 3 part 4): pass / warn / block
// findings from a snapshot the service assembles. Overlap of two windows is [from, to)
// intersecting: touching ends don't overlap.
//
// Decisions documented here:
// - Maintenance on the same equipment → block; on the same area (other equipment) → warn.
// - Certificates: expiry dates are local dates, valid through that day. Expired (before today)
//   or expiring before the window's end date (expires_on < window_end_local_date) → block;
//   expiring within 30 days after the window end → warn.
// - A person with no certificate of the required types (any-of) → block. valid_status false
//   (revoked, suspended) counts as not held.
// - SIMOPS: hot work ↔ blind plate within 30 m in a fire/explosion area (the planned job's area
//   flag) → block; two blind plates on the same line_tag → block; a painting confined-space job
//   and hot work in the same area → block; hot work ↔ painting (any type) within 10 m (5.2.9) →
//   block; height ↔ height in the same area → warn (protective layer; double above 24 m).
//   same_area counts as distance 0.
// - The level's max validity: to − from ≤ max_validity (exactly equal passes).
// - At submit the window must start in the future ("window.future"). At issue (the last
//   approval, `at_issue`) it must not have ended ("window.open": to > now): an approval that
//   comes after the planned start may still issue the rest of the window.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"
#include "anguan/domain/permit/reason.hpp"
#include "anguan/domain/permit/work_type.hpp"

namespace anguan::permit {

enum class Severity { kPass, kWarn, kBlock };
const char* toString(Severity severity);

struct Finding {
  std::string
      code;  // stable check code, e.g. "cert.worker.12", "window.future", "simops.hot_blind.7"
  Severity severity = Severity::kPass;
  Reason reason;
};

struct CertInfo {
  std::string type;
  std::optional<std::string> expires_on;  // YYYY-MM-DD, local; nullopt = no expiry
  bool valid_status = true;
};

struct PersonInfo {
  std::int64_t id = 0;
  std::string name;
  std::vector<CertInfo> certs;
};

struct OtherWork {
  std::int64_t permit_id = 0;
  std::string number, type_code;
  std::int64_t area_id = 0;
  double distance_m = 0;  // between area plan coordinates, computed by the service
  bool same_area = false;
  Instant from{}, to{};
  std::int64_t guardian_id = 0;
  std::string line_tag;  // blind plate pipeline
  bool painting = false;
  double height_m = 0;
};

struct MaintenanceInfo {
  std::int64_t id = 0;
  std::int64_t equipment_id = 0, area_id = 0;
  Instant from{}, to{};
  std::string title;
};

struct FeasibilityInput {
  const WorkTypeDef* type = nullptr;
  std::string level;
  Instant now{}, from{}, to{};
  std::string today_local;  // YYYY-MM-DD
  std::string window_end_local_date;
  std::int64_t area_id = 0;
  bool fire_explosion_area = false;
  std::vector<std::int64_t> equipment_ids;
  std::optional<PersonInfo> leader, guardian;
  std::vector<PersonInfo> workers;
  std::vector<OtherWork> others;
  std::vector<MaintenanceInfo> maintenance;
  std::string line_tag;
  bool painting = false;
  double height_m = 0;
  std::optional<std::vector<Finding>> environment;  // hook for the monitoring issue
  bool at_issue = false;  // the check again at the last approval (see "window.open" above)
  // The type's own form fields (WorkTypeDef::fields) that hold a value, and those whose value is
  // not of the field's kind (a number that isn't one, an option not in the list). Which values
  // count as blank is the service's to say. A required field not filled → block "field.<name>";
  // an invalid one → block "field.<name>"; all required filled → pass "fields".
  std::set<std::string> filled_fields;
  std::set<std::string> invalid_fields;
};

std::vector<Finding> checkFeasibility(const FeasibilityInput& in);

// The other open work that a rule above can flag for a job of type `type_code` (`painting`: the
// job's own painting flag) guarded by `guardian_id` (0: none): work with that guardian, work of
// one of `type_codes`, and, when `painting_work`, work that paints (any type). Every check passes
// any other overlapping work, so the service lists only these. A unit test holds this to
// checkFeasibility for every pair of default work types.
struct OtherWorkFilter {
  std::int64_t guardian_id = 0;
  std::vector<std::string> type_codes;
  bool painting_work = false;
};
OtherWorkFilter otherWorkThatMatters(const std::string& type_code, bool painting,
                                     std::int64_t guardian_id);
bool hasBlock(const std::vector<Finding>& findings);
bool hasWarn(const std::vector<Finding>& findings);
// [a_from, a_to) ∩ [b_from, b_to) ≠ ∅.
bool overlaps(Instant a_from, Instant a_to, Instant b_from, Instant b_to);

// Any block → conflict "permit.blocked" (detail "code" = first block). Every warn needs a
// reason of ≥ 5 characters (after trimming; counted in UTF-8 code points) in reasons_by_code
// [finding.code] → invalidArgument "permit.override_reason_required" (detail "code").
Status checkOverride(const std::vector<Finding>& findings,
                     const std::map<std::string, std::string>& reasons_by_code);

}  // namespace anguan::permit
