#include "anguan/domain/monitor/simulation.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "anguan/domain/monitor/cleaning.hpp"

namespace anguan::monitor::sim {
namespace {

using namespace std::chrono_literals;
using enum SensorKind;

// 2026-11-29T00:00:00Z = 08:00 in Shanghai.
const Instant kMidnightUtc = fromMillis(1'795'910'400'000);

Instant local(int hour, int minute = 0) {
  // Local (UTC+8) hour of 2026-11-29.
  return kMidnightUtc + std::chrono::hours(hour - 8) + std::chrono::minutes(minute);
}

TEST(MonitorSimulationTest, SplitMixIsDeterministicAndUniformIsInUnitInterval) {
  SplitMix64 a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t x = a.next();
    EXPECT_EQ(x, b.next());
    differs = differs || x != c.next();
  }
  EXPECT_TRUE(differs);
  SplitMix64 u(7);
  double sum = 0.0;
  for (int i = 0; i < 10000; ++i) {
    const double v = u.uniform();
    ASSERT_GE(v, 0.0);
    ASSERT_LT(v, 1.0);
    sum += v;
  }
  EXPECT_NEAR(sum / 10000.0, 0.5, 0.02);
  SplitMix64 g(9);
  double s1 = 0.0, s2 = 0.0;
  for (int i = 0; i < 20000; ++i) {
    const double v = g.gaussian();
    s1 += v;
    s2 += v * v;
  }
  EXPECT_NEAR(s1 / 20000.0, 0.0, 0.03);
  EXPECT_NEAR(s2 / 20000.0, 1.0, 0.05);
}

TEST(MonitorSimulationTest, SameSeedSameSeriesOtherSeedOtherSeries) {
  SimConfig config;
  SimConfig other = config;
  other.seed += 1;
  const SensorSpec s{"GT-101", kCombustibleLel, false};
  int differences = 0;
  for (int i = 0; i < 500; ++i) {
    const Instant t = kMidnightUtc + std::chrono::seconds(i * 7);
    EXPECT_EQ(sampleValue(config, s, t), sampleValue(config, s, t));
    differences += sampleValue(config, s, t) != sampleValue(other, s, t) ? 1 : 0;
  }
  EXPECT_GT(differences, 250);
  const auto day = kMidnightUtc + 24h;
  EXPECT_EQ(eventsIn(config, "CAM-1", EventSource::kCamera, kMidnightUtc, day).size(),
            eventsIn(config, "CAM-1", EventSource::kCamera, kMidnightUtc, day).size());
}

struct RangeRow {
  SensorKind kind;
  double low;  // Every sample outside an excursion stays within [low, high].
  double high;
};

TEST(MonitorSimulationTest, ValuesStayInRealisticRangesPerKind) {
  SimConfig config;
  config.gas_excursions_per_hour = 0.0;
  config.toxic_excursions_per_hour = 0.0;
  const RangeRow rows[] = {
      {kCombustibleLel, 0.0, 3.0},
      {kCombustibleVol, 0.0, 0.06},
      {kOxygen, 20.6, 21.2},
      {kH2S, 0.0, 1.0},
      {kCO, 0.0, 6.0},
      {kNH3, 0.0, 3.0},
      {kCl2, 0.0, 0.2},
      {kTemperature, 5.0, 20.0},
      {kHumidity, 45.0, 96.0},
      {kDust, 0.0, 1.0},
      {kNoise, 50.0, 95.0},
      {kWindSpeed, 0.0, 12.0},
      {kEquipmentTemperature, 50.0, 100.0},
      {kPressure, 0.7, 2.5},
      {kVibration, 1.0, 4.5},
      {kSpeed, 1450.0, 1510.0},
  };
  for (const auto& row : rows) {
    for (int sensor = 0; sensor < 5; ++sensor) {
      const SensorSpec s{std::string(kindInfo(row.kind).code) + "-" + std::to_string(sensor),
                         row.kind, false};
      for (int i = 0; i < 2880; ++i) {  // A day at 30 s.
        const Instant t = kMidnightUtc + std::chrono::seconds(i * 30);
        const double v = sampleValue(config, s, t);
        ASSERT_GE(v, row.low) << s.code << " at " << i;
        ASSERT_LE(v, row.high) << s.code << " at " << i;
        ASSERT_GE(v, kindInfo(row.kind).range_min);
        ASSERT_LE(v, kindInfo(row.kind).range_max);
      }
    }
  }
}

TEST(MonitorSimulationTest, NormalSeriesPassTheDefaultCleaningAlmostUnflagged) {
  // The pipeline's cleaning (Hampel spike filter, stuck check) should accept the simulated normal
  // data: the demo's flags must come from excursions and silence, not from the noise model.
  SimConfig config;
  config.gas_excursions_per_hour = 0.0;
  config.toxic_excursions_per_hour = 0.0;
  for (const auto& info : allSensorKinds()) {
    if (!info.continuous) {
      continue;
    }
    int flagged = 0, total = 0;
    for (int sensor = 0; sensor < 3; ++sensor) {
      const SensorSpec s{std::string(info.code) + "-" + std::to_string(sensor), info.kind, false};
      SensorState state(defaultCleaning(info.kind));
      for (int i = 0; i < 8640; ++i) {  // A day at 10 s.
        const Instant t = kMidnightUtc + std::chrono::seconds(i * 10);
        const QualityFlags flags = clean(state, {sampleValue(config, s, t), t}, t);
        flagged += flags.valid() ? 0 : 1;
        ++total;
      }
    }
    EXPECT_LT(flagged, total * 15 / 1000) << info.code << ": " << flagged << " of " << total;
  }
}

TEST(MonitorSimulationTest, FaultCodeIsZeroOrASmallPositiveCode) {
  SimConfig config;
  int faults = 0;
  for (int sensor = 0; sensor < 20; ++sensor) {
    const SensorSpec s{"FC-" + std::to_string(sensor), kFaultCode, false};
    for (int i = 0; i < 2880; ++i) {
      const double v = sampleValue(config, s, kMidnightUtc + std::chrono::seconds(i * 30));
      ASSERT_TRUE(v == 0.0 || (v >= 101.0 && v <= 130.0 && v == std::floor(v))) << v;
      faults += v != 0.0 ? 1 : 0;
    }
  }
  EXPECT_GT(faults, 0);
  EXPECT_LT(faults, 20 * 2880 / 50);  // Faults are rare.
}

TEST(MonitorSimulationTest, AmbientTemperaturePeaksAroundTwoPmLocalAndHumidityBottomsThen) {
  const SimConfig config;
  const SensorSpec temp{"TT-1", kTemperature, false};
  const SensorSpec hum{"HT-1", kHumidity, false};
  int warmest = 0, dampest_low = 0;
  double best = -1e9, lowest = 1e9;
  for (int m = 0; m < 24 * 60; m += 10) {
    const Instant t = local(0) + std::chrono::minutes(m);
    if (baselineValue(config, temp, t) > best) {
      best = baselineValue(config, temp, t);
      warmest = m;
    }
    if (baselineValue(config, hum, t) < lowest) {
      lowest = baselineValue(config, hum, t);
      dampest_low = m;
    }
  }
  EXPECT_EQ(warmest, 14 * 60);
  EXPECT_EQ(dampest_low, 14 * 60);
  // A real swing: 14:00 is about 10 °C warmer than 02:00.
  EXPECT_NEAR(baselineValue(config, temp, local(14)) - baselineValue(config, temp, local(2)), 10.0,
              0.01);
  // Shifting the zone shifts the peak: at UTC the warmest hour is 14:00 UTC.
  SimConfig utc = config;
  utc.tz_offset_minutes = 0;
  EXPECT_GT(baselineValue(utc, temp, kMidnightUtc + 14h),
            baselineValue(utc, temp, kMidnightUtc + 13h));
  EXPECT_GT(baselineValue(utc, temp, kMidnightUtc + 14h),
            baselineValue(utc, temp, kMidnightUtc + 15h));
}

TEST(MonitorSimulationTest, NoiseIsLouderInTheDayShift) {
  const SimConfig config;
  const SensorSpec s{"NT-1", kNoise, false};
  struct Row {
    int hour;
    int minute;
    bool day;
  };
  const Row rows[] = {{7, 59, false}, {8, 0, true},   {12, 0, true},
                      {16, 59, true}, {17, 0, false}, {23, 0, false}};
  for (const auto& row : rows) {
    const double v = baselineValue(config, s, local(row.hour, row.minute));
    EXPECT_EQ(v >= 78.0, row.day) << row.hour << ":" << row.minute << " " << v;
  }
}

TEST(MonitorSimulationTest, CombustibleExcursionsOverADayAreWithinBoundsAndCrossTheLevels) {
  SimConfig config;
  config.gas_excursions_per_hour = 0.25;
  config.severe_share = 0.15;
  int count = 0, over_first = 0, over_second = 0;
  for (int sensor = 0; sensor < 40; ++sensor) {
    const SensorSpec s{"GT-" + std::to_string(sensor), kCombustibleLel, false};
    const auto excursions = excursionsIn(config, s, kMidnightUtc, kMidnightUtc + 24h);
    for (const auto& e : excursions) {
      ++count;
      EXPECT_GE(e.duration, 3min);
      EXPECT_LE(e.duration, 8min);
      EXPECT_GE(e.peak, 28.0);
      EXPECT_LE(e.peak, 65.0);
      // The sampled series crosses the first level in the plateau, and is back to normal after.
      double max = 0.0;
      for (auto t = e.start; t < e.start + e.duration; t += 5s) {
        max = std::max(max, sampleValue(config, s, t));
      }
      EXPECT_GE(max, 25.0);
      over_first += max >= 25.0 ? 1 : 0;
      over_second += max >= 50.0 ? 1 : 0;
      EXPECT_LT(sampleValue(config, s, e.start + e.duration + 1s), 5.0);
      EXPECT_LT(sampleValue(config, s, e.start - 1s), 5.0);
    }
  }
  // 40 sensors × 24 h × 0.25 = 240 expected; binomial sd ≈ 13.
  EXPECT_GE(count, 190);
  EXPECT_LE(count, 290);
  EXPECT_EQ(over_first, count);
  // About 15 % severe: 36 expected.
  EXPECT_GE(over_second, 15);
  EXPECT_LE(over_second, 65);

  SimConfig none = config;
  none.gas_excursions_per_hour = 0.0;
  EXPECT_TRUE(excursionsIn(none, {"GT-0", kCombustibleLel, false}, kMidnightUtc, kMidnightUtc + 24h)
                  .empty());
  // Kinds without excursions have none.
  EXPECT_TRUE(excursionsIn(config, {"TT-0", kTemperature, false}, kMidnightUtc, kMidnightUtc + 24h)
                  .empty());
}

TEST(MonitorSimulationTest, ExcursionRangesSplitWithoutLossOrRepeat) {
  const SimConfig config;
  const SensorSpec s{"GT-7", kCombustibleLel, false};
  const auto whole = excursionsIn(config, s, kMidnightUtc, kMidnightUtc + 48h);
  std::size_t parts = 0;
  for (auto t = kMidnightUtc; t < kMidnightUtc + 48h; t += 17min) {
    parts += excursionsIn(config, s, t, std::min(t + 17min, kMidnightUtc + 48h)).size();
  }
  EXPECT_EQ(parts, whole.size());
  EXPECT_FALSE(whole.empty());
}

TEST(MonitorSimulationTest, OnlyTheDesignatedSensorGoesSilentForItsWindow) {
  SimConfig config;
  config.silent_every = 120min;
  config.silent_for = 15min;
  const SensorSpec quiet{"TT-9", kTemperature, true};
  const SensorSpec normal{"TT-9", kTemperature, false};
  int silent_minutes = 0;
  int longest = 0, run = 0;
  for (int m = 0; m < 24 * 60; ++m) {
    const Instant t = kMidnightUtc + std::chrono::minutes(m);
    EXPECT_FALSE(isSilent(config, normal, t));
    if (isSilent(config, quiet, t)) {
      ++silent_minutes;
      longest = std::max(longest, ++run);
    } else {
      run = 0;
    }
  }
  EXPECT_EQ(silent_minutes, 12 * 15);
  EXPECT_EQ(longest, 15);
}

TEST(MonitorSimulationTest, CameraEventsComeNowAndThenSomeBelowTheConfirmationRule) {
  SimConfig config;
  config.camera_events_per_hour = 4.0;
  config.unconfirmed_share = 0.3;
  const ViolationPolicy policy;
  int total = 0, unconfirmed = 0;
  std::map<ViolationType, int> by_type;
  for (int cam = 0; cam < 10; ++cam) {
    const auto events = eventsIn(config, "CAM-" + std::to_string(cam), EventSource::kCamera,
                                 kMidnightUtc, kMidnightUtc + 24h);
    Instant last = kMidnightUtc;
    for (const auto& e : events) {
      EXPECT_GE(e.at, last);
      last = e.at;
      EXPECT_EQ(violationInfo(e.type).source, EventSource::kCamera);
      EXPECT_GE(e.confidence, 0.0);
      EXPECT_LE(e.confidence, 1.0);
      EXPECT_GE(e.frames, 0);
      ViolationEvent v;
      v.type = e.type;
      v.confidence = e.confidence;
      v.frames = e.frames;
      unconfirmed += isConfirmed(v, policy) ? 0 : 1;
      ++by_type[e.type];
      ++total;
    }
  }
  // 10 cameras × 24 h × 4 = 960 expected.
  EXPECT_GE(total, 850);
  EXPECT_LE(total, 1070);
  EXPECT_GE(unconfirmed, total * 20 / 100);
  EXPECT_LE(unconfirmed, total * 40 / 100);
  EXPECT_GT(by_type[ViolationType::kNoHelmet], by_type[ViolationType::kFireSmoke]);

  const auto positioning =
      eventsIn(config, "POS-1", EventSource::kPositioning, kMidnightUtc, kMidnightUtc + 24h);
  EXPECT_FALSE(positioning.empty());
  for (const auto& e : positioning) {
    EXPECT_EQ(violationInfo(e.type).source, EventSource::kPositioning);
    EXPECT_NE(e.type, ViolationType::kGuardianAbsent);  // Would suspend the demo's work.
  }
  // Contiguous tick ranges give the same events as one range.
  std::size_t parts = 0;
  for (auto t = kMidnightUtc; t < kMidnightUtc + 24h; t += 10s) {
    parts += eventsIn(config, "CAM-0", EventSource::kCamera, t, t + 10s).size();
  }
  EXPECT_EQ(
      parts,
      eventsIn(config, "CAM-0", EventSource::kCamera, kMidnightUtc, kMidnightUtc + 24h).size());
}

}  // namespace
}  // namespace anguan::monitor::sim
