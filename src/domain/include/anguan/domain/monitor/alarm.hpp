// The alarm lifecycle: an explicit transition table (with guards) over the states an alarm goes
// through, acknowledgement SLAs and escalation. An alarm needs both acknowledgement by a person and
// the condition to clear before it can be closed; either may come first:
//
//   raised --ack--> acknowledged --clear--> cleared --close--> closed
//   raised --clear--> cleared_unacknowledged --ack--> cleared --close--> closed
//
// One open (not closed) alarm per condition: when a cleared alarm's condition comes back before it
// is closed, the same alarm recurs (back to raised, needing a fresh acknowledgement) instead of a
// second alarm being opened. A warning alarm whose rule escalates to alarm level is upgraded to
// critical and, if it was acknowledged, needs acknowledging again.
//
// Thread safety: value types and pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"

namespace anguan::monitor {

enum class Severity : std::uint8_t { kWarning, kCritical };
enum class AlarmKind : std::uint8_t { kThreshold, kRate, kDeviceOffline, kEquipmentFault };
enum class AlarmState : std::uint8_t {
  kRaised,                 // Condition active, nobody has acknowledged.
  kAcknowledged,           // Condition active, acknowledged.
  kClearedUnacknowledged,  // Condition gone, still needs acknowledgement.
  kCleared,                // Condition gone and acknowledged: may be closed.
  kClosed,
};
enum class AlarmEvent : std::uint8_t {
  kAcknowledge,  // A person acknowledges.
  kClear,        // The condition is gone (rule clear, sensor back online, fault code 0).
  kClose,        // A person (or the service) closes a cleared, acknowledged alarm.
  kRecur,        // The condition is back before the alarm was closed.
  kUpgrade,      // Warning -> critical (the rule escalated to alarm level).
};

// Stable codes: "warning", "critical"; "threshold", "rate", "device_offline", "equipment_fault";
// "raised", "acknowledged", "cleared_unacknowledged", "cleared", "closed"; "acknowledge", ...
std::string_view toString(Severity severity);
std::string_view toString(AlarmKind kind);
std::string_view toString(AlarmState state);
std::string_view toString(AlarmEvent event);
std::optional<Severity> parseSeverity(std::string_view code);
std::optional<AlarmKind> parseAlarmKind(std::string_view code);
std::optional<AlarmState> parseAlarmState(std::string_view code);

struct Alarm {
  AlarmKind kind = AlarmKind::kThreshold;
  Severity severity = Severity::kWarning;
  AlarmState state = AlarmState::kRaised;
  Instant raised_at{};
  Instant ack_due_from{};  // Start of the acknowledgement SLA: raise, last recurrence or upgrade.
  std::optional<Instant> acknowledged_at;
  std::optional<Instant> cleared_at;
  std::optional<Instant> closed_at;
  int escalation_level = 0;  // 0 = nobody escalated to yet.
  int occurrences = 1;
};

Alarm raiseAlarm(AlarmKind kind, Severity severity, Instant at);

inline bool isOpen(AlarmState state) { return state != AlarmState::kClosed; }
inline bool needsAcknowledgement(AlarmState state) {
  return state == AlarmState::kRaised || state == AlarmState::kClearedUnacknowledged;
}

// The transition table. kUpgrade is guarded: only a warning alarm can be upgraded.
// Fails with kConflict "alarm.illegal_transition" (details: from, event) when `event` is not
// allowed in `from` or its guard fails.
[[nodiscard]] Result<AlarmState> nextState(AlarmState from, AlarmEvent event, Severity severity);

// Applies `event` at `at`, updating the state and the timestamps (kRecur resets acknowledgement,
// clearing and escalation and counts an occurrence; kUpgrade sets critical and restarts the SLA).
// Fails with "alarm.illegal_transition" as nextState(), or kInvalidArgument
// "alarm.time_before_raise" when at < raised_at. On failure `alarm` is unchanged.
[[nodiscard]] Status apply(Alarm& alarm, AlarmEvent event, Instant at);

struct AckSla {
  std::chrono::milliseconds critical = std::chrono::minutes(5);
  std::chrono::milliseconds warning = std::chrono::minutes(30);
  int max_escalation_levels = 3;

  std::chrono::milliseconds forSeverity(Severity severity) const {
    return severity == Severity::kCritical ? critical : warning;
  }
};

// The escalation level now due for an alarm nobody has acknowledged, or nullopt. Level n is due
// once now − ack_due_from > n × SLA (acknowledging at exactly the SLA is still on time), up to
// max_escalation_levels. Returns escalation_level + 1 (one step at a time; the caller records it
// in escalation_level) while that level is due. Only alarms in kRaised escalate: a cleared
// alarm still waits for acknowledgement but the danger is over.
std::optional<int> escalationDue(const Alarm& alarm, Instant now, const AckSla& sla = {});

// For indicators O4/O5: acknowledged within the SLA of its severity (inclusive).
bool acknowledgedWithinSla(const Alarm& alarm, const AckSla& sla = {});

}  // namespace anguan::monitor
