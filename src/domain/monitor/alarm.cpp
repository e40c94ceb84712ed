#include "anguan/domain/monitor/alarm.hpp"

#include <array>
#include <string>

namespace anguan::monitor {
namespace {

using enum AlarmState;
using enum AlarmEvent;

enum class Guard : std::uint8_t { kNone, kSeverityWarning };

struct Row {
  AlarmState from;
  AlarmEvent event;
  AlarmState to;
  Guard guard;
};

// Every legal transition; anything else is illegal.
constexpr std::array<Row, 9> kTable{{
    {kRaised, kAcknowledge, kAcknowledged, Guard::kNone},
    {kRaised, kClear, kClearedUnacknowledged, Guard::kNone},
    {kRaised, kUpgrade, kRaised, Guard::kSeverityWarning},
    {kAcknowledged, kClear, kCleared, Guard::kNone},
    {kAcknowledged, kUpgrade, kRaised, Guard::kSeverityWarning},
    {kClearedUnacknowledged, kAcknowledge, kCleared, Guard::kNone},
    {kClearedUnacknowledged, kRecur, kRaised, Guard::kNone},
    {kCleared, kClose, kClosed, Guard::kNone},
    {kCleared, kRecur, kRaised, Guard::kNone},
}};

template <class E, std::size_t N>
std::optional<E> parseCode(std::string_view code, const std::array<std::string_view, N>& names) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == code) {
      return static_cast<E>(i);
    }
  }
  return std::nullopt;
}

constexpr std::array<std::string_view, 2> kSeverityNames{"warning", "critical"};
constexpr std::array<std::string_view, 4> kKindNames{"threshold", "rate", "device_offline",
                                                     "equipment_fault"};
constexpr std::array<std::string_view, 5> kStateNames{
    "raised", "acknowledged", "cleared_unacknowledged", "cleared", "closed"};
constexpr std::array<std::string_view, 5> kEventNames{"acknowledge", "clear", "close", "recur",
                                                      "upgrade"};

}  // namespace

std::string_view toString(Severity severity) {
  return kSeverityNames[static_cast<std::size_t>(severity)];
}
std::string_view toString(AlarmKind kind) { return kKindNames[static_cast<std::size_t>(kind)]; }
std::string_view toString(AlarmState state) { return kStateNames[static_cast<std::size_t>(state)]; }
std::string_view toString(AlarmEvent event) { return kEventNames[static_cast<std::size_t>(event)]; }
std::optional<Severity> parseSeverity(std::string_view code) {
  return parseCode<Severity>(code, kSeverityNames);
}
std::optional<AlarmKind> parseAlarmKind(std::string_view code) {
  return parseCode<AlarmKind>(code, kKindNames);
}
std::optional<AlarmState> parseAlarmState(std::string_view code) {
  return parseCode<AlarmState>(code, kStateNames);
}

Alarm raiseAlarm(AlarmKind kind, Severity severity, Instant at) {
  Alarm alarm;
  alarm.kind = kind;
  alarm.severity = severity;
  alarm.raised_at = at;
  alarm.ack_due_from = at;
  return alarm;
}

Result<AlarmState> nextState(AlarmState from, AlarmEvent event, Severity severity) {
  for (const Row& row : kTable) {
    if (row.from != from || row.event != event) {
      continue;
    }
    if (row.guard == Guard::kSeverityWarning && severity != Severity::kWarning) {
      break;
    }
    return row.to;
  }
  return Error::conflict("alarm.illegal_transition", "cannot " + std::string(toString(event)) +
                                                         " an alarm that is " +
                                                         std::string(toString(from)))
      .with("from", std::string(toString(from)))
      .with("event", std::string(toString(event)));
}

Status apply(Alarm& alarm, AlarmEvent event, Instant at) {
  AG_ASSIGN_OR_RETURN(AlarmState to, nextState(alarm.state, event, alarm.severity));
  if (at < alarm.raised_at) {
    return Error::invalidArgument("alarm.time_before_raise",
                                  "the event is earlier than the alarm itself");
  }
  switch (event) {
    case kAcknowledge:
      alarm.acknowledged_at = at;
      break;
    case kClear:
      alarm.cleared_at = at;
      break;
    case kClose:
      alarm.closed_at = at;
      break;
    case kRecur:
      alarm.acknowledged_at.reset();
      alarm.cleared_at.reset();
      alarm.ack_due_from = at;
      alarm.escalation_level = 0;
      ++alarm.occurrences;
      break;
    case kUpgrade:
      alarm.severity = Severity::kCritical;
      alarm.acknowledged_at.reset();
      alarm.ack_due_from = at;
      alarm.escalation_level = 0;
      break;
  }
  alarm.state = to;
  return okStatus();
}

std::optional<int> escalationDue(const Alarm& alarm, Instant now, const AckSla& sla) {
  if (alarm.state != kRaised || alarm.escalation_level >= sla.max_escalation_levels) {
    return std::nullopt;
  }
  const auto period = sla.forSeverity(alarm.severity).count();
  const auto elapsed = (now - alarm.ack_due_from).count();
  if (period <= 0 || elapsed <= 0) {
    return std::nullopt;
  }
  // Largest n with elapsed > n × period.
  const auto due = (elapsed - 1) / period;
  if (due > alarm.escalation_level) {
    return alarm.escalation_level + 1;
  }
  return std::nullopt;
}

bool acknowledgedWithinSla(const Alarm& alarm, const AckSla& sla) {
  return alarm.acknowledged_at &&
         *alarm.acknowledged_at - alarm.ack_due_from <= sla.forSeverity(alarm.severity);
}

}  // namespace anguan::monitor
