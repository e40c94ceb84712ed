#include "anguan/domain/hazard/incident.hpp"

#include <string>

namespace anguan::hazard {

const char* toString(Severity severity) {
  switch (severity) {
    case Severity::kNone:
      return "none";
    case Severity::kMinor:
      return "minor";
    case Severity::kSerious:
      return "serious";
    case Severity::kFatal:
      return "fatal";
  }
  return "none";
}

std::optional<Severity> parseSeverity(std::string_view text) {
  for (Severity s : {Severity::kNone, Severity::kMinor, Severity::kSerious, Severity::kFatal}) {
    if (text == toString(s)) {
      return s;
    }
  }
  return std::nullopt;
}

Result<Severity> classifyInjury(std::int64_t lost_workdays, bool died) {
  if (lost_workdays < 0) {
    return Error::invalidArgument("incident.bad_workdays", "lost workdays cannot be negative");
  }
  if (died || lost_workdays >= kFatalityDays) {
    return Severity::kFatal;
  }
  if (lost_workdays >= kSeriousInjuryDays) {
    return Severity::kSerious;
  }
  if (lost_workdays >= 1) {
    return Severity::kMinor;
  }
  return Severity::kNone;
}

Result<IncidentTally> tally(const std::vector<InjuredPerson>& people) {
  IncidentTally t;
  for (const auto& p : people) {
    AG_ASSIGN_OR_RETURN(Severity s, classifyInjury(p.lost_workdays, p.died));
    if (static_cast<int>(s) > static_cast<int>(t.severity)) {
      t.severity = s;
    }
    switch (s) {
      case Severity::kMinor:
        ++t.minor;
        break;
      case Severity::kSerious:
        ++t.serious;
        break;
      case Severity::kFatal:
        ++t.fatalities;
        break;
      case Severity::kNone:
        break;
    }
    t.lost_workdays += s == Severity::kFatal ? kFatalityDays : p.lost_workdays;
  }
  return t;
}

Status checkIncidentClose(std::int64_t open_actions) {
  if (open_actions > 0) {
    return Error::conflict("incident.actions_open",
                           "an incident cannot close while a corrective action is open")
        .with("open", std::to_string(open_actions));
  }
  return {};
}

std::optional<double> injuryFrequency(std::int64_t injured_persons, double hours_worked) {
  if (hours_worked <= 0) {
    return std::nullopt;
  }
  return static_cast<double>(injured_persons) * 1e6 / hours_worked;
}

std::optional<double> injuriesPerThousand(std::int64_t minor_and_serious, double avg_headcount) {
  if (avg_headcount <= 0) {
    return std::nullopt;
  }
  return static_cast<double>(minor_and_serious) * 1000.0 / avg_headcount;
}

std::optional<double> averageHeadcount(const std::vector<double>& monthly) {
  if (monthly.empty()) {
    return std::nullopt;
  }
  double sum = 0;
  for (double m : monthly) {
    sum += m;
  }
  return sum / static_cast<double>(monthly.size());
}

}  // namespace anguan::hazard
