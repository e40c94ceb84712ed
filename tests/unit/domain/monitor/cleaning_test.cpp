#include "anguan/domain/monitor/cleaning.hpp"

#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace anguan::monitor {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

const Instant kNow = fromMillis(1'800'000'000'000);

Instant at(milliseconds offset) { return kNow + offset; }

constexpr auto kDup = QualityFlag::kDuplicate;
constexpr auto kRange = QualityFlag::kOutOfRange;
constexpr auto kSpike = QualityFlag::kSpike;
constexpr auto kStuck = QualityFlag::kStuck;
constexpr auto kFuture = QualityFlag::kFuture;
constexpr auto kOld = QualityFlag::kTooOld;

QualityFlags flagsOf(std::initializer_list<QualityFlag> list) {
  QualityFlags f;
  for (QualityFlag q : list) {
    f.set(q);
  }
  return f;
}

// ---------------------------------------------------------------------------------------------
// Single readings on a fresh state: range and timestamp edges.

struct SingleRow {
  const char* name;
  SensorKind kind;
  double value;
  milliseconds offset;  // Reading time relative to now.
  QualityFlags expected;
};

TEST(MonitorCleaningTest, RangeAndTimestampEdges) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const SingleRow rows[] = {
      {"lel at 0", SensorKind::kCombustibleLel, 0.0, 0ms, {}},
      {"lel at 100", SensorKind::kCombustibleLel, 100.0, 0ms, {}},
      {"lel below 0", SensorKind::kCombustibleLel, -0.01, 0ms, flagsOf({kRange})},
      {"lel above 100", SensorKind::kCombustibleLel, 100.01, 0ms, flagsOf({kRange})},
      {"nan", SensorKind::kCombustibleLel, nan, 0ms, flagsOf({kRange})},
      {"inf", SensorKind::kOxygen, inf, 0ms, flagsOf({kRange})},
      {"o2 above 30", SensorKind::kOxygen, 30.5, 0ms, flagsOf({kRange})},
      {"at now + skew", SensorKind::kOxygen, 20.9, 2min, {}},
      {"past now + skew", SensorKind::kOxygen, 20.9, 2min + 1ms, flagsOf({kFuture})},
      {"at now - 7 days", SensorKind::kOxygen, 20.9, -std::chrono::days(7), {}},
      {"before now - 7 days", SensorKind::kOxygen, 20.9, -std::chrono::days(7) - 1ms,
       flagsOf({kOld})},
      {"future and out of range", SensorKind::kOxygen, -1.0, 3min, flagsOf({kRange, kFuture})},
  };
  for (const SingleRow& row : rows) {
    SensorState state(defaultCleaning(row.kind));
    EXPECT_EQ(clean(state, {row.value, at(row.offset)}, kNow), row.expected)
        << row.name << ": got " << toString(clean(state, {row.value, at(row.offset)}, kNow));
  }
}

TEST(MonitorCleaningTest, FlagsPrintAsStableCodes) {
  EXPECT_EQ(toString(QualityFlags{}), "");
  EXPECT_EQ(toString(flagsOf({kDup, kStuck})), "duplicate,stuck");
  EXPECT_EQ(toString(flagsOf({kRange, kSpike, kFuture, kOld})),
            "out_of_range,spike,future,too_old");
}

// ---------------------------------------------------------------------------------------------
// Sequences: each row feeds readings (value, time offset) and checks the flags of every one.

struct Step {
  double value;
  milliseconds offset;
  QualityFlags expected;
};

struct SequenceRow {
  const char* name;
  CleaningConfig config;
  std::vector<Step> steps;
};

CleaningConfig temperature() { return defaultCleaning(SensorKind::kTemperature); }

CleaningConfig noStuck(CleaningConfig c) {
  c.stuck_check = false;
  return c;
}

// `n` readings of `value`, one second apart from `start`, all valid.
std::vector<Step> steady(double value, int n, milliseconds start = 0ms) {
  std::vector<Step> steps;
  for (int i = 0; i < n; ++i) {
    steps.push_back({value, start + std::chrono::seconds(i), {}});
  }
  return steps;
}

std::vector<Step> operator+(std::vector<Step> a, const std::vector<Step>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

void runSequence(const SequenceRow& row) {
  SensorState state(row.config);
  for (std::size_t i = 0; i < row.steps.size(); ++i) {
    const Step& step = row.steps[i];
    // Received when sent, so timestamps never look future or old.
    const QualityFlags got = clean(state, {step.value, at(step.offset)}, at(step.offset));
    EXPECT_EQ(got, step.expected) << row.name << ", step " << i << " (value " << step.value
                                  << "): got '" << toString(got) << "'";
  }
}

TEST(MonitorCleaningTest, DuplicatesAndHampelSpikes) {
  CleaningConfig min_dev = noStuck(temperature());
  min_dev.spike_min_deviation = 0.5;
  CleaningConfig window5 = noStuck(temperature());
  window5.hampel_window = 5;
  // Window 10..16: median 13, MAD 2, threshold 3 × 1.4826 × 2 = 8.8956.
  const std::vector<Step> ramp = {{10, 0s, {}}, {11, 1s, {}}, {12, 2s, {}}, {13, 3s, {}},
                                  {14, 4s, {}}, {15, 5s, {}}, {16, 6s, {}}};
  const SequenceRow rows[] = {
      {"same timestamp is a duplicate",
       temperature(),
       {{20, 0s, {}}, {21, 0s, flagsOf({kDup})}, {20, 1ms, {}}}},
      {"window not yet full: no spike check", noStuck(temperature()),
       steady(20, 6) + std::vector<Step>{{60, 6s, {}}}},
      {"window full: spike", noStuck(temperature()),
       steady(20, 7) + std::vector<Step>{{60, 7s, flagsOf({kSpike})}, {20, 8s, {}}}},
      {"configured window of 5", window5,
       steady(20, 5) + std::vector<Step>{{60, 5s, flagsOf({kSpike})}}},
      {"just inside the Hampel threshold", noStuck(temperature()),
       ramp + std::vector<Step>{{13 + 8.89, 7s, {}}}},
      {"just outside the Hampel threshold", noStuck(temperature()),
       ramp + std::vector<Step>{{13 + 8.90, 7s, flagsOf({kSpike})}}},
      {"below threshold side too", noStuck(temperature()),
       ramp + std::vector<Step>{{13 - 8.90, 7s, flagsOf({kSpike})}}},
      {"level shift: second outlier on the same side is accepted", noStuck(temperature()),
       steady(20, 7) + std::vector<Step>{{40, 7s, flagsOf({kSpike})}, {41, 8s, {}}, {42, 9s, {}}}},
      {"opposite outliers stay spikes", noStuck(temperature()),
       steady(20, 7) + std::vector<Step>{{40, 7s, flagsOf({kSpike})},
                                         {0, 8s, flagsOf({kSpike})},
                                         {20, 9s, {}}}},
      {"min deviation floor with MAD 0", min_dev,
       steady(20, 7) + std::vector<Step>{{20.5, 7s, {}}, {20.6, 8s, flagsOf({kSpike})}}},
      {"out-of-range values stay out of the window", noStuck(temperature()),
       steady(20, 6) + std::vector<Step>{{500, 6s, flagsOf({kRange})}, {60, 7s, {}}}},
  };
  for (const SequenceRow& row : rows) {
    runSequence(row);
  }
}

TEST(MonitorCleaningTest, LevelShiftRestartsTheWindow) {
  SensorState state(noStuck(temperature()));
  for (int i = 0; i < 7; ++i) {
    clean(state, {20, at(std::chrono::seconds(i))}, at(std::chrono::seconds(i)));
  }
  EXPECT_EQ(state.windowSize(), 7U);
  EXPECT_TRUE(clean(state, {40, at(7s)}, at(7s)).has(kSpike));
  EXPECT_TRUE(clean(state, {41, at(8s)}, at(8s)).valid());
  EXPECT_EQ(state.windowSize(), 2U);
}

TEST(MonitorCleaningTest, DuplicateMemoryIsBoundedToRecentTimestamps) {
  SensorState state(noStuck(temperature()));
  clean(state, {20, at(0s)}, at(0s));
  for (std::size_t i = 1; i < kRecentTimestamps; ++i) {
    clean(state, {20, at(std::chrono::seconds(i))}, at(std::chrono::seconds(i)));
  }
  EXPECT_TRUE(clean(state, {20, at(0s)}, at(20s)).has(kDup));  // Still among the last 16.
  clean(state, {20, at(16s)}, at(20s));
  EXPECT_FALSE(clean(state, {20, at(0s)}, at(20s)).has(kDup));  // Pushed out.
}

CleaningConfig stuckConfig(SensorKind kind) {
  CleaningConfig c = defaultCleaning(kind);
  c.spike_check = false;
  return c;
}

// `n` readings of `value` every `interval`; the ones from `first_stuck` (1-based) on are stuck.
std::vector<Step> run(double value, int n, milliseconds interval, int first_stuck) {
  std::vector<Step> steps;
  for (int i = 1; i <= n; ++i) {
    steps.push_back(
        {value, interval * (i - 1), i >= first_stuck ? flagsOf({kStuck}) : QualityFlags{}});
  }
  return steps;
}

TEST(MonitorCleaningTest, StuckNeedsBothReadingCountAndDuration) {
  CleaningConfig tolerant = stuckConfig(SensorKind::kOxygen);
  tolerant.stuck_tolerance = 0.1;
  std::vector<Step> wobble;
  for (int i = 0; i < 62; ++i) {
    wobble.push_back({i % 2 == 0 ? 20.9 : 20.95, std::chrono::seconds(31 * i),
                      i + 1 >= 60 ? flagsOf({kStuck}) : QualityFlags{}});
  }
  const SequenceRow rows[] = {
      // 60 readings 31 s apart span 30.5 min: the 60th is the first stuck one.
      {"count reached last", stuckConfig(SensorKind::kOxygen), run(20.9, 61, 31s, 60)},
      // 30 s apart: the 60th spans 29.5 min, the 61st exactly 30 min.
      {"duration reached last", stuckConfig(SensorKind::kOxygen), run(20.9, 62, 30s, 61)},
      {"zero baseline gas at 0 is never stuck", stuckConfig(SensorKind::kCombustibleLel),
       run(0.0, 80, 31s, 1000)},
      {"gas stuck above 0", stuckConfig(SensorKind::kCombustibleLel), run(5.0, 61, 31s, 60)},
      {"within tolerance counts as unchanged", tolerant, wobble},
      {"fault codes are never stuck", defaultCleaning(SensorKind::kFaultCode),
       run(7.0, 80, 31s, 1000)},
      {"a change restarts the run", stuckConfig(SensorKind::kOxygen),
       run(20.9, 59, 31s, 1000) + run(21.0, 59, 31s, 1000)},
  };
  // The last row's second run must start after the first.
  SequenceRow last = rows[6];
  for (std::size_t i = 59; i < last.steps.size(); ++i) {
    last.steps[i].offset += 31s * 59;
  }
  for (std::size_t i = 0; i + 1 < std::size(rows); ++i) {
    runSequence(rows[i]);
  }
  runSequence(last);
}

TEST(MonitorCleaningTest, OutOfOrderReadingsDoNotMoveTheWindow) {
  SensorState state(noStuck(temperature()));
  for (int i = 0; i < 7; ++i) {
    clean(state, {20, at(std::chrono::seconds(10 + i))}, at(20s));
  }
  EXPECT_TRUE(clean(state, {60, at(1s)}, at(20s)).has(kSpike));  // Older, still checked.
  EXPECT_TRUE(clean(state, {61, at(2s)}, at(20s)).has(kSpike));  // Not taken as a level shift.
  EXPECT_TRUE(clean(state, {20, at(30s)}, at(30s)).valid());
}

TEST(MonitorCleaningTest, LastSeenIsTheReceiveTimeOfNonDuplicates) {
  SensorState state(temperature());
  EXPECT_FALSE(state.lastSeen().has_value());
  clean(state, {20, at(0s)}, at(1s));
  EXPECT_EQ(state.lastSeen(), at(1s));
  clean(state, {20, at(0s)}, at(9s));  // Duplicate (e.g. broker redelivery): not a sign of life.
  EXPECT_EQ(state.lastSeen(), at(1s));
  clean(state, {20, at(10min)}, at(2s));  // Future timestamp, but the device is talking.
  EXPECT_EQ(state.lastSeen(), at(2s));
}

struct OfflineRow {
  milliseconds silent;
  int multiple;
  bool offline;
};

TEST(MonitorCleaningTest, OfflineAfterThreeIntervalsOfSilence) {
  const OfflineRow rows[] = {
      {0ms, 3, false}, {180s - 1ms, 3, false}, {180s, 3, true},
      {600s, 3, true}, {300s - 1ms, 5, false}, {300s, 5, true},
  };
  for (const OfflineRow& row : rows) {
    EXPECT_EQ(isOffline(kNow, 60s, kNow + row.silent, row.multiple), row.offline)
        << row.silent.count() << " ms, x" << row.multiple;
  }
  EXPECT_TRUE(isOffline(kNow, 60s, kNow + 180s));  // Default multiple is 3.
}

struct CalibrationRow {
  int days_before_due;  // today = due − this
  int due_soon_days;
  CalibrationStatus expected;
};

TEST(MonitorCleaningTest, CalibrationDueSoonWithinThirtyDaysOverdueAfterTheDueDate) {
  using std::chrono::sys_days;
  using std::chrono::year_month_day;
  const year_month_day due{std::chrono::year{2026}, std::chrono::month{3}, std::chrono::day{1}};
  const CalibrationRow rows[] = {
      {31, 30, CalibrationStatus::kOk},      {30, 30, CalibrationStatus::kDueSoon},
      {1, 30, CalibrationStatus::kDueSoon},  {0, 30, CalibrationStatus::kDueSoon},
      {-1, 30, CalibrationStatus::kOverdue}, {-400, 30, CalibrationStatus::kOverdue},
      {8, 7, CalibrationStatus::kOk},        {7, 7, CalibrationStatus::kDueSoon},
  };
  for (const CalibrationRow& row : rows) {
    const year_month_day today{sys_days{due} - std::chrono::days(row.days_before_due)};
    EXPECT_EQ(calibrationStatus(due, today, row.due_soon_days), row.expected)
        << row.days_before_due << " days before, window " << row.due_soon_days;
  }
  EXPECT_EQ(calibrationStatus(due, due), CalibrationStatus::kDueSoon);
  EXPECT_STREQ(toString(CalibrationStatus::kOverdue), "overdue");
}

}  // namespace
}  // namespace anguan::monitor

namespace anguan::monitor {
namespace {

// A leak can arrive as one step: gas readings are never held back as spikes, other kinds are.
TEST(MonitorCleaningTest, AGasStepIsNeverASpikeButATemperatureStepIs) {
  struct Row {
    SensorKind kind;
    double base;
    double step;
    bool spike;
  };
  const Row rows[] = {{SensorKind::kCombustibleLel, 0.0, 60.0, false},
                      {SensorKind::kH2S, 0.0, 30.0, false},
                      {SensorKind::kOxygen, 20.9, 17.0, false},
                      {SensorKind::kTemperature, 20.0, 60.0, true}};
  for (const auto& row : rows) {
    SensorState state(defaultCleaning(row.kind));
    const Instant t0 = fromMillis(1'800'000'000'000);
    for (int i = 0; i < 10; ++i) {
      const Instant t = t0 + std::chrono::seconds(i);
      EXPECT_TRUE(clean(state, {row.base + (i % 2) * 0.01, t}, t).valid());
    }
    const Instant t = t0 + std::chrono::seconds(10);
    EXPECT_EQ(clean(state, {row.step, t}, t).has(QualityFlag::kSpike), row.spike)
        << kindInfo(row.kind).code;
  }
}

}  // namespace
}  // namespace anguan::monitor
