// Threshold rules: resolving a sensor's thresholds (sensor override > area override > kind
// default), and evaluating valid readings against them. Each sensor has one RuleState per
// condition (high, low, rate); evaluate() updates it and says what happened: the condition was
// raised at a level, escalated to a higher level, or cleared. A raised condition is never raised
// again until it has cleared (one open alarm per condition); its level only goes up while open.
//
// Per reading: O(1), no allocation. Readings must come in time order per sensor; an older or
// same-time reading is ignored.
//
// Thread safety: value types and pure functions; callers serialise access per sensor.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"
#include "anguan/domain/monitor/alarm.hpp"
#include "anguan/domain/monitor/cleaning.hpp"
#include "anguan/domain/monitor/sensor_kind.hpp"

namespace anguan::monitor {

enum class ThresholdSource : std::uint8_t { kKindDefault, kArea, kSensor };

struct ResolvedThresholds {
  Thresholds thresholds;
  ThresholdSource source = ThresholdSource::kKindDefault;
};

// An override is a complete threshold set (the admin starts from the resolved set and edits it):
// the most specific one present wins.
ResolvedThresholds resolveThresholds(SensorKind kind, const std::optional<Thresholds>& area,
                                     const std::optional<Thresholds>& sensor);

// Checks an admin-entered set. Fails with kInvalidArgument "monitor.thresholds_invalid" and
// detail "problem": "warning_above_alarm_high", "warning_below_alarm_low", "low_above_high",
// "negative_hysteresis", "negative_delay", "bad_rate", "not_finite".
[[nodiscard]] Status validateThresholds(const Thresholds& t);

enum class Level : std::uint8_t { kNone, kWarning, kAlarm };
enum class Condition : std::uint8_t { kHigh, kLow, kRate };
enum class TransitionKind : std::uint8_t { kNone, kRaise, kEscalate, kClear };

struct Transition {
  TransitionKind kind = TransitionKind::kNone;
  Condition condition = Condition::kHigh;
  Level level = Level::kNone;  // Raised/escalated-to level; the level that was open on clear.
  Instant at{};
  double value = 0.0;  // The reading (for kRate: the rate in units per minute).
};

class RuleState {
 public:
  Level level() const { return level_; }
  bool open() const { return level_ != Level::kNone; }

 private:
  friend Transition evaluate(RuleState& state, Condition condition, const Thresholds& t,
                             const Reading& reading);

  Level level_ = Level::kNone;
  std::array<std::optional<Instant>, 2> beyond_since_;  // [warning, alarm]: held since.
  std::optional<Instant> last_at_;
  double last_value_ = 0.0;
};

// Evaluates one valid reading for one condition. REQUIRES: the reading had no quality flags.
Transition evaluate(RuleState& state, Condition condition, const Thresholds& t,
                    const Reading& reading);

// The three conditions of one sensor.
struct SensorRules {
  RuleState high;
  RuleState low;
  RuleState rate;
};

struct Evaluation {
  std::array<Transition, 3> transitions{};
  std::size_t count = 0;

  const Transition* begin() const { return transitions.data(); }
  const Transition* end() const { return transitions.data() + count; }
};

// Evaluates a cleaned reading against all conditions; flagged readings are not evaluated.
Evaluation evaluateReading(SensorRules& rules, const Thresholds& t, const Reading& reading,
                           QualityFlags flags);

// Level -> alarm severity (alarm level is critical); kind of alarm for a sensor's condition.
Severity severityFor(Level level);
AlarmKind alarmKindFor(SensorKind kind, Condition condition);

}  // namespace anguan::monitor
