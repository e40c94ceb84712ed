#include "anguan/domain/monitor/rules.hpp"

#include <chrono>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace anguan::monitor {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

const Instant kT0 = fromMillis(1'800'000'000'000);

constexpr auto kNone = TransitionKind::kNone;
constexpr auto kRaise = TransitionKind::kRaise;
constexpr auto kEscalate = TransitionKind::kEscalate;
constexpr auto kClear = TransitionKind::kClear;
constexpr auto kWarn = Level::kWarning;
constexpr auto kAlarm = Level::kAlarm;
constexpr auto kNoLevel = Level::kNone;

struct Step {
  milliseconds offset;
  double value;
  TransitionKind kind;
  Level level;  // Level of the transition (ignored for kNone).
};

struct RuleRow {
  const char* name;
  Condition condition;
  Thresholds thresholds;
  std::vector<Step> steps;
};

Thresholds lel() { return defaultThresholds(SensorKind::kCombustibleLel); }
Thresholds o2() { return defaultThresholds(SensorKind::kOxygen); }
Thresholds withDelay(Thresholds t, milliseconds delay) {
  t.delay = delay;
  return t;
}
Thresholds noHysteresis(Thresholds t) {
  t.hysteresis = 0.0;
  return t;
}
Thresholds rate(double per_minute) {
  Thresholds t;
  t.rate_per_minute = per_minute;
  return t;
}

const char* name(TransitionKind k) {
  switch (k) {
    case TransitionKind::kNone:
      return "none";
    case TransitionKind::kRaise:
      return "raise";
    case TransitionKind::kEscalate:
      return "escalate";
    case TransitionKind::kClear:
      return "clear";
  }
  return "?";
}

void runRule(const RuleRow& row) {
  RuleState state;
  for (std::size_t i = 0; i < row.steps.size(); ++i) {
    const Step& step = row.steps[i];
    const Transition tr =
        evaluate(state, row.condition, row.thresholds, {step.value, kT0 + step.offset});
    EXPECT_EQ(tr.kind, step.kind) << row.name << ", step " << i << " (value " << step.value
                                  << "): got " << name(tr.kind);
    if (step.kind != kNone && tr.kind == step.kind) {
      EXPECT_EQ(tr.level, step.level) << row.name << ", step " << i;
      EXPECT_EQ(tr.condition, row.condition);
      EXPECT_EQ(tr.at, kT0 + step.offset);
    }
  }
}

TEST(MonitorRulesTest, LevelsAndHysteresisAtTheirEdges) {
  const RuleRow rows[] = {
      {"LEL 25 is the first level, 50 the second",
       Condition::kHigh,
       lel(),
       {{0s, 24.99, kNone, kNoLevel},
        {1s, 25.0, kRaise, kWarn},
        {2s, 49.99, kNone, kNoLevel},
        {3s, 50.0, kEscalate, kAlarm},
        {4s, 60.0, kNone, kNoLevel}}},
      {"LEL straight to 50 raises at alarm level",
       Condition::kHigh,
       lel(),
       {{0s, 50.0, kRaise, kAlarm}}},
      {"LEL hysteresis 2: clears only below 23",
       Condition::kHigh,
       lel(),
       {{0s, 25.0, kRaise, kWarn},
        {1s, 24.0, kNone, kNoLevel},
        {2s, 23.0, kNone, kNoLevel},
        {3s, 22.99, kClear, kWarn},
        {4s, 24.99, kNone, kNoLevel},
        {5s, 25.0, kRaise, kWarn}}},
      {"alarm level holds while the value falls into the warning band",
       Condition::kHigh,
       lel(),
       {{0s, 55.0, kRaise, kAlarm},
        {1s, 30.0, kNone, kNoLevel},
        {2s, 50.0, kNone, kNoLevel},
        {3s, 20.0, kClear, kAlarm}}},
      {"without hysteresis the clear point is the level itself",
       Condition::kHigh,
       noHysteresis(lel()),
       {{0s, 25.0, kRaise, kWarn}, {1s, 25.0, kNone, kNoLevel}, {2s, 24.99, kClear, kWarn}}},
      {"O2 low: 19.5 is acceptable, below it alarms",
       Condition::kLow,
       o2(),
       {{0s, 19.5, kNone, kNoLevel},
        {1s, 19.49, kRaise, kAlarm},
        {2s, 19.6, kNone, kNoLevel},
        {3s, 19.69, kNone, kNoLevel},
        {4s, 19.71, kClear, kAlarm}}},
      {"O2 high: 23.5 is acceptable, above it alarms",
       Condition::kHigh,
       o2(),
       {{0s, 23.5, kNone, kNoLevel},
        {1s, 23.51, kRaise, kAlarm},
        {2s, 23.4, kNone, kNoLevel},
        {3s, 23.31, kNone, kNoLevel},
        {4s, 23.29, kClear, kAlarm}}},
      {"O2 low condition ignores high values",
       Condition::kLow,
       o2(),
       {{0s, 25.0, kNone, kNoLevel}, {1s, 20.9, kNone, kNoLevel}}},
      {"H2S reaches its MAC set point",
       Condition::kHigh,
       defaultThresholds(SensorKind::kH2S),
       {{0s, 3.51, kNone, kNoLevel},
        {1s, 3.52, kRaise, kWarn},
        {2s, 7.04, kNone, kNoLevel},
        {3s, 7.05, kEscalate, kAlarm}}},
      {"fault code: any non-zero code, cleared by 0",
       Condition::kHigh,
       defaultThresholds(SensorKind::kFaultCode),
       {{0s, 0.0, kNone, kNoLevel}, {1s, 17.0, kRaise, kAlarm}, {2s, 0.0, kClear, kAlarm}}},
      {"a raised condition is never raised twice",
       Condition::kHigh,
       lel(),
       {{0s, 60.0, kRaise, kAlarm},
        {1s, 70.0, kNone, kNoLevel},
        {2s, 60.0, kNone, kNoLevel},
        {3s, 99.0, kNone, kNoLevel}}},
      {"older and same-time readings are ignored",
       Condition::kHigh,
       lel(),
       {{10s, 30.0, kRaise, kWarn},
        {5s, 0.0, kNone, kNoLevel},
        {10s, 0.0, kNone, kNoLevel},
        {11s, 0.0, kClear, kWarn}}},
  };
  for (const RuleRow& row : rows) {
    runRule(row);
  }
}

TEST(MonitorRulesTest, DelayMustHoldExactlyItsLengthBeforeRaising) {
  const RuleRow rows[] = {
      {"raised at exactly 10 s",
       Condition::kHigh,
       withDelay(lel(), 10s),
       {{0s, 30.0, kNone, kNoLevel}, {9999ms, 30.0, kNone, kNoLevel}, {10s, 30.0, kRaise, kWarn}}},
      {"an interruption restarts the delay",
       Condition::kHigh,
       withDelay(lel(), 10s),
       {{0s, 30.0, kNone, kNoLevel},
        {5s, 20.0, kNone, kNoLevel},
        {6s, 30.0, kNone, kNoLevel},
        {15999ms, 30.0, kNone, kNoLevel},
        {16s, 30.0, kRaise, kWarn}}},
      {"each level has its own delay; clearing is immediate",
       Condition::kHigh,
       withDelay(lel(), 10s),
       {{0s, 30.0, kNone, kNoLevel},
        {5s, 55.0, kNone, kNoLevel},
        {10s, 55.0, kRaise, kWarn},
        {14999ms, 55.0, kNone, kNoLevel},
        {15s, 55.0, kEscalate, kAlarm},
        {16s, 0.0, kClear, kAlarm}}},
  };
  for (const RuleRow& row : rows) {
    runRule(row);
  }
}

TEST(MonitorRulesTest, RateOfChangeIsUnitsPerMinuteBetweenValidReadings) {
  const RuleRow rows[] = {
      {"first reading has no rate", Condition::kRate, rate(10.0), {{0s, 50.0, kNone, kNoLevel}}},
      {"5 units in 30 s is 10/min: reaches the limit",
       Condition::kRate,
       rate(10.0),
       {{0s, 0.0, kNone, kNoLevel},
        {30s, 4.75, kNone, kNoLevel},
        {60s, 9.75, kRaise, kWarn},
        {90s, 14.75, kNone, kNoLevel},
        {120s, 14.75, kClear, kWarn}}},
      {"falling counts too",
       Condition::kRate,
       rate(10.0),
       {{0s, 20.0, kNone, kNoLevel}, {60s, 5.0, kRaise, kWarn}}},
      {"no rate limit configured",
       Condition::kRate,
       Thresholds{},
       {{0s, 0.0, kNone, kNoLevel}, {1s, 100.0, kNone, kNoLevel}}},
  };
  for (const RuleRow& row : rows) {
    runRule(row);
  }
  RuleState state;
  evaluate(state, Condition::kRate, rate(10.0), {0.0, kT0});
  const Transition tr = evaluate(state, Condition::kRate, rate(10.0), {6.0, kT0 + 30s});
  EXPECT_EQ(tr.kind, kRaise);
  EXPECT_DOUBLE_EQ(tr.value, 12.0);  // The rate, not the reading.
}

TEST(MonitorRulesTest, FlaggedReadingsAreNotEvaluated) {
  SensorRules rules;
  QualityFlags spike;
  spike.set(QualityFlag::kSpike);
  EXPECT_EQ(evaluateReading(rules, lel(), {80.0, kT0}, spike).count, 0U);
  EXPECT_FALSE(rules.high.open());

  const Evaluation e = evaluateReading(rules, lel(), {80.0, kT0 + 1s}, QualityFlags{});
  ASSERT_EQ(e.count, 1U);
  EXPECT_EQ(e.begin()->kind, kRaise);
  EXPECT_EQ(e.begin()->level, kAlarm);
  EXPECT_EQ(rules.high.level(), kAlarm);
  EXPECT_FALSE(rules.low.open());
}

TEST(MonitorRulesTest, EvaluateReadingReportsEveryConditionThatChanged) {
  Thresholds t = o2();
  t.rate_per_minute = 1.0;
  SensorRules rules;
  EXPECT_EQ(evaluateReading(rules, t, {20.9, kT0}, {}).count, 0U);
  const Evaluation e = evaluateReading(rules, t, {18.0, kT0 + 60s}, {});
  ASSERT_EQ(e.count, 2U);
  EXPECT_EQ(e.transitions[0].condition, Condition::kLow);
  EXPECT_EQ(e.transitions[0].kind, kRaise);
  EXPECT_EQ(e.transitions[1].condition, Condition::kRate);
  EXPECT_EQ(e.transitions[1].kind, kRaise);
}

TEST(MonitorRulesTest, ResolvePrefersSensorThenAreaThenKindDefault) {
  Thresholds area = lel();
  area.warning_high = 20.0;
  Thresholds sensor = lel();
  sensor.warning_high = 15.0;

  const auto d = resolveThresholds(SensorKind::kCombustibleLel, std::nullopt, std::nullopt);
  EXPECT_EQ(d.source, ThresholdSource::kKindDefault);
  EXPECT_EQ(d.thresholds, lel());
  const auto a = resolveThresholds(SensorKind::kCombustibleLel, area, std::nullopt);
  EXPECT_EQ(a.source, ThresholdSource::kArea);
  EXPECT_EQ(a.thresholds.warning_high, 20.0);
  const auto s = resolveThresholds(SensorKind::kCombustibleLel, area, sensor);
  EXPECT_EQ(s.source, ThresholdSource::kSensor);
  EXPECT_EQ(s.thresholds.warning_high, 15.0);
  const auto s2 = resolveThresholds(SensorKind::kCombustibleLel, std::nullopt, sensor);
  EXPECT_EQ(s2.source, ThresholdSource::kSensor);
}

struct ValidateRow {
  const char* problem;  // "" = valid
  Thresholds thresholds;
};

TEST(MonitorRulesTest, ValidateRejectsInconsistentSets) {
  auto with = [](auto edit) {
    Thresholds t = lel();
    edit(t);
    return t;
  };
  const ValidateRow rows[] = {
      {"", lel()},
      {"", o2()},
      {"", with([](Thresholds& t) { t.warning_high = 50.0; })},  // Equal levels are allowed.
      {"warning_above_alarm_high", with([](Thresholds& t) { t.warning_high = 50.01; })},
      {"warning_below_alarm_low", with([](Thresholds& t) {
         t.alarm_low = 5.0;
         t.warning_low = 4.0;
       })},
      {"low_above_high", with([](Thresholds& t) { t.alarm_low = 25.0; })},
      {"negative_hysteresis", with([](Thresholds& t) { t.hysteresis = -0.1; })},
      {"negative_delay", with([](Thresholds& t) { t.delay = -1ms; })},
      {"bad_rate", with([](Thresholds& t) { t.rate_per_minute = 0.0; })},
      {"not_finite",
       with([](Thresholds& t) { t.alarm_high = std::numeric_limits<double>::infinity(); })},
  };
  for (const ValidateRow& row : rows) {
    const Status s = validateThresholds(row.thresholds);
    if (std::string(row.problem).empty()) {
      EXPECT_TRUE(s.has_value()) << s.error().details().at("problem");
      continue;
    }
    ASSERT_TRUE(s.has_error()) << row.problem;
    EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.error().key(), "monitor.thresholds_invalid");
    EXPECT_EQ(s.error().details().at("problem"), row.problem);
  }
}

TEST(MonitorRulesTest, LevelsMapToSeverityAndConditionsToAlarmKinds) {
  EXPECT_EQ(severityFor(kWarn), Severity::kWarning);
  EXPECT_EQ(severityFor(kAlarm), Severity::kCritical);
  EXPECT_EQ(alarmKindFor(SensorKind::kCombustibleLel, Condition::kHigh), AlarmKind::kThreshold);
  EXPECT_EQ(alarmKindFor(SensorKind::kOxygen, Condition::kLow), AlarmKind::kThreshold);
  EXPECT_EQ(alarmKindFor(SensorKind::kOxygen, Condition::kRate), AlarmKind::kRate);
  EXPECT_EQ(alarmKindFor(SensorKind::kFaultCode, Condition::kHigh), AlarmKind::kEquipmentFault);
}

}  // namespace
}  // namespace anguan::monitor
