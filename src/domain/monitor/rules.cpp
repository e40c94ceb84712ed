#include "anguan/domain/monitor/rules.hpp"

#include <cmath>
#include <string>

namespace anguan::monitor {
namespace {

// Is `x` beyond `level` in the condition's direction?
bool beyond(double x, double level, bool high, bool strict) {
  if (high) {
    return strict ? x > level : x >= level;
  }
  return strict ? x < level : x <= level;
}

Error invalid(const char* problem) {
  return Error::invalidArgument("monitor.thresholds_invalid", "invalid thresholds")
      .with("problem", problem);
}

bool finiteOrEmpty(const std::optional<double>& v) { return !v || std::isfinite(*v); }

}  // namespace

ResolvedThresholds resolveThresholds(SensorKind kind, const std::optional<Thresholds>& area,
                                     const std::optional<Thresholds>& sensor) {
  if (sensor) {
    return {*sensor, ThresholdSource::kSensor};
  }
  if (area) {
    return {*area, ThresholdSource::kArea};
  }
  return {defaultThresholds(kind), ThresholdSource::kKindDefault};
}

Status validateThresholds(const Thresholds& t) {
  if (!finiteOrEmpty(t.warning_high) || !finiteOrEmpty(t.alarm_high) ||
      !finiteOrEmpty(t.warning_low) || !finiteOrEmpty(t.alarm_low) ||
      !finiteOrEmpty(t.rate_per_minute) || !std::isfinite(t.hysteresis)) {
    return invalid("not_finite");
  }
  if (t.warning_high && t.alarm_high && *t.warning_high > *t.alarm_high) {
    return invalid("warning_above_alarm_high");
  }
  if (t.warning_low && t.alarm_low && *t.warning_low < *t.alarm_low) {
    return invalid("warning_below_alarm_low");
  }
  const auto lowest_high = t.warning_high ? t.warning_high : t.alarm_high;
  const auto highest_low = t.warning_low ? t.warning_low : t.alarm_low;
  if (lowest_high && highest_low && *highest_low >= *lowest_high) {
    return invalid("low_above_high");
  }
  if (t.hysteresis < 0.0) {
    return invalid("negative_hysteresis");
  }
  if (t.delay.count() < 0) {
    return invalid("negative_delay");
  }
  if (t.rate_per_minute && *t.rate_per_minute <= 0.0) {
    return invalid("bad_rate");
  }
  return okStatus();
}

Transition evaluate(RuleState& s, Condition condition, const Thresholds& t,
                    const Reading& reading) {
  Transition out;
  out.condition = condition;
  out.at = reading.at;
  out.value = reading.value;
  if (s.last_at_ && reading.at <= *s.last_at_) {
    return out;  // Out of order: the state already reflects a later reading.
  }
  const std::optional<Instant> previous_at = s.last_at_;
  const double previous_value = s.last_value_;
  s.last_at_ = reading.at;
  s.last_value_ = reading.value;

  const bool strict = !t.trigger_at_level;
  bool high = true;
  double hysteresis = t.hysteresis;
  std::array<std::optional<double>, 2> levels;  // [warning, alarm]
  double x = reading.value;
  switch (condition) {
    case Condition::kHigh:
      levels = {t.warning_high, t.alarm_high};
      break;
    case Condition::kLow:
      levels = {t.warning_low, t.alarm_low};
      high = false;
      break;
    case Condition::kRate: {
      levels = {t.rate_per_minute, std::nullopt};
      hysteresis = 0.0;
      if (!previous_at) {
        return out;
      }
      const double minutes =
          std::chrono::duration<double, std::ratio<60>>(reading.at - *previous_at).count();
      x = std::abs(reading.value - previous_value) / minutes;
      out.value = x;
      break;
    }
  }

  Level reached = Level::kNone;
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (levels[i] && beyond(x, *levels[i], high, strict)) {
      if (!s.beyond_since_[i]) {
        s.beyond_since_[i] = reading.at;
      }
      if (reading.at - *s.beyond_since_[i] >= t.delay) {
        reached = static_cast<Level>(i + 1);
      }
    } else {
      s.beyond_since_[i].reset();
    }
  }

  if (s.open()) {
    const std::optional<double> base = levels[0] ? levels[0] : levels[1];
    const bool still_beyond =
        base && beyond(x, high ? *base - hysteresis : *base + hysteresis, high, strict);
    if (!still_beyond) {
      out.kind = TransitionKind::kClear;
      out.level = s.level_;
      s.level_ = Level::kNone;
      s.beyond_since_ = {};
      return out;
    }
    if (reached > s.level_) {
      s.level_ = reached;
      out.kind = TransitionKind::kEscalate;
      out.level = reached;
    }
    return out;
  }
  if (reached != Level::kNone) {
    s.level_ = reached;
    out.kind = TransitionKind::kRaise;
    out.level = reached;
  }
  return out;
}

Evaluation evaluateReading(SensorRules& rules, const Thresholds& t, const Reading& reading,
                           QualityFlags flags) {
  Evaluation result;
  if (!flags.valid()) {
    return result;
  }
  for (auto [state, condition] :
       {std::pair{&rules.high, Condition::kHigh}, std::pair{&rules.low, Condition::kLow},
        std::pair{&rules.rate, Condition::kRate}}) {
    Transition tr = evaluate(*state, condition, t, reading);
    if (tr.kind != TransitionKind::kNone) {
      result.transitions[result.count++] = tr;
    }
  }
  return result;
}

Severity severityFor(Level level) {
  return level == Level::kAlarm ? Severity::kCritical : Severity::kWarning;
}

AlarmKind alarmKindFor(SensorKind kind, Condition condition) {
  if (condition == Condition::kRate) {
    return AlarmKind::kRate;
  }
  if (kind == SensorKind::kFaultCode) {
    return AlarmKind::kEquipmentFault;
  }
  return AlarmKind::kThreshold;
}

}  // namespace anguan::monitor
