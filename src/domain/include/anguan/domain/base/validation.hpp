// Validation of base-data records against their schema, plus the entity-specific rules that
// involve more than one field (an end after a start, an expiry after the issue date).
//
// Thread safety: pure functions.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "anguan/core/result.hpp"
#include "anguan/domain/base/record.hpp"
#include "anguan/domain/base/schema.hpp"

namespace anguan::base {

struct FieldProblem {
  std::string field;
  std::string reason;  // Stable code: "required", "too_long", "not_an_option", "out_of_range",
                       // "bad_date", "bad_phone", "before_start", "unknown_field", ...
  bool operator==(const FieldProblem&) const = default;
};

// Checks every field's type, presence, length, range and options, and the cross-field rules.
// Returns all problems found (empty = valid). Computed fields are ignored.
std::vector<FieldProblem> validateRecord(const EntitySchema& schema, const Record& record);

// Wraps problems into an Error "validation.failed" with details "<field>" -> "<reason>".
Error validationError(const std::vector<FieldProblem>& problems);

// Certificate status on `today` (enterprise time zone): "expired" when expires_on (last valid
// day) or next_review_on is before today; "expiring" when either falls within `warn_days`
// from today (inclusive); otherwise "valid". Dates are "YYYY-MM-DD"; an empty next_review_on is
// ignored. Returns "expired" for an unparseable expiry (fail safe).
std::string certificateStatus(const std::string& expires_on, const std::string& next_review_on,
                              std::chrono::year_month_day today, int warn_days = 30);

}  // namespace anguan::base
