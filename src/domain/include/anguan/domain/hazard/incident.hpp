// Incidents (事故/事件) for the lagging indicators: GB 6441-1986 injury severity by lost workdays,
// the incident's overall severity, the close guard (no open corrective action) and the E1/E2
// rates (indicators.md).
//
// Thread safety: pure functions and value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "anguan/core/result.hpp"

namespace anguan::hazard {

// none: no lost workday (near miss, first aid); minor 轻伤 1..104 days; serious 重伤 105..5999;
// fatal 死亡 (6000 days, or recorded as a death).
enum class Severity { kNone, kMinor, kSerious, kFatal };
const char* toString(Severity severity);  // "none", "minor", "serious", "fatal"
std::optional<Severity> parseSeverity(std::string_view text);

inline constexpr std::int64_t kSeriousInjuryDays = 105;
inline constexpr std::int64_t kFatalityDays = 6000;

// kInvalidArgument "incident.bad_workdays" when negative.
Result<Severity> classifyInjury(std::int64_t lost_workdays, bool died);

struct InjuredPerson {
  std::int64_t lost_workdays = 0;
  bool died = false;
};
struct IncidentTally {
  Severity severity = Severity::kNone;  // The worst of the persons.
  std::int64_t minor = 0;
  std::int64_t serious = 0;
  std::int64_t fatalities = 0;
  std::int64_t lost_workdays = 0;  // Sum; a death counts 6000.
};
Result<IncidentTally> tally(const std::vector<InjuredPerson>& people);

// An incident closes only when every corrective action is done: kConflict
// "incident.actions_open" (detail "open" = count).
Status checkIncidentClose(std::int64_t open_actions);

// E1 百万工时伤害率 = injured persons × 10⁶ ÷ hours (nullopt when hours <= 0).
std::optional<double> injuryFrequency(std::int64_t injured_persons, double hours_worked);
// E2 千人负伤率 = (minor + serious) ÷ average headcount × 1000 (nullopt when headcount <= 0).
std::optional<double> injuriesPerThousand(std::int64_t minor_and_serious, double avg_headcount);
// Mean of the monthly headcounts (nullopt when empty).
std::optional<double> averageHeadcount(const std::vector<double>& monthly);

}  // namespace anguan::hazard
