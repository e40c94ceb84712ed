#include "anguan/domain/monitor/sensor_kind.hpp"

#include <string>

#include <gtest/gtest.h>

#include "anguan/domain/monitor/rules.hpp"

namespace anguan::monitor {
namespace {

TEST(MonitorSensorKindTest, CatalogueIsInEnumOrderAndCodesRoundTrip) {
  ASSERT_EQ(allSensorKinds().size(), kSensorKindCount);
  for (std::size_t i = 0; i < kSensorKindCount; ++i) {
    const SensorKindInfo& info = allSensorKinds()[i];
    EXPECT_EQ(static_cast<std::size_t>(info.kind), i);
    EXPECT_EQ(parseSensorKind(info.code), info.kind) << info.code;
    EXPECT_EQ(std::string(info.name_key), "monitor.kind." + std::string(info.code));
    EXPECT_FALSE(info.name_zh.empty());
    EXPECT_FALSE(info.name_en.empty());
    EXPECT_LT(info.range_min, info.range_max) << info.code;
  }
  EXPECT_EQ(parseSensorKind("methane"), std::nullopt);
  EXPECT_EQ(parseSensorKind(""), std::nullopt);
}

TEST(MonitorSensorKindTest, EveryDefaultThresholdSetIsValid) {
  for (const SensorKindInfo& info : allSensorKinds()) {
    EXPECT_TRUE(validateThresholds(defaultThresholds(info.kind)).has_value()) << info.code;
  }
}

TEST(MonitorSensorKindTest, CombustibleAndOxygenDefaultsFollowTheRules) {
  const Thresholds lel = defaultThresholds(SensorKind::kCombustibleLel);
  EXPECT_EQ(lel.warning_high, 25.0);
  EXPECT_EQ(lel.alarm_high, 50.0);
  EXPECT_TRUE(lel.trigger_at_level);
  EXPECT_EQ(kindInfo(SensorKind::kCombustibleLel).unit, "%LEL");

  const Thresholds vol = defaultThresholds(SensorKind::kCombustibleVol);
  EXPECT_EQ(vol.warning_high, 0.2);
  EXPECT_EQ(vol.alarm_high, 0.5);

  const Thresholds o2 = defaultThresholds(SensorKind::kOxygen);
  EXPECT_EQ(o2.alarm_low, 19.5);
  EXPECT_EQ(o2.alarm_high, 23.5);
  EXPECT_FALSE(o2.trigger_at_level);  // 19.5 and 23.5 themselves are acceptable.
}

struct PpmRow {
  double mg;
  double molar_mass;
  double ppm;
};

TEST(MonitorSensorKindTest, MgPerCubicMetreConvertsToPpmAt20CRoundedDown) {
  const PpmRow rows[] = {
      {10.0, 34.08, 7.05},    // H2S MAC: 7.0540
      {20.0, 28.01, 17.16},   // CO PC-TWA: 17.165
      {30.0, 28.01, 25.74},   // CO PC-STEL: 25.748
      {20.0, 17.03, 28.23},   // NH3 PC-TWA: 28.232
      {30.0, 17.03, 42.34},   // NH3 PC-STEL: 42.349
      {1.0, 70.90, 0.33},     // Cl2 MAC: 0.3391
      {24.04, 24.04, 24.04},  // Exact: no step lost to rounding.
  };
  for (const PpmRow& row : rows) {
    EXPECT_DOUBLE_EQ(mgPerM3ToPpm(row.mg, row.molar_mass), row.ppm)
        << row.mg << "/" << row.molar_mass;
  }
}

struct ToxicRow {
  SensorKind kind;
  double warning;
  double alarm;
};

TEST(MonitorSensorKindTest, ToxicDefaultsComeFromTheVersionedGbzTable) {
  EXPECT_EQ(toxicLimits().version, "GBZ 2.1-2019");
  EXPECT_GE(toxicLimits().rows.size(), 4U);
  const ToxicRow rows[] = {
      {SensorKind::kH2S, 3.52, 7.05},   // MAC 10 mg/m³; warning at half of it.
      {SensorKind::kCO, 17.16, 25.74},  // PC-TWA 20 / PC-STEL 30.
      {SensorKind::kNH3, 28.23, 42.34},
      {SensorKind::kCl2, 0.16, 0.33},  // MAC 1 mg/m³.
  };
  for (const ToxicRow& row : rows) {
    const Thresholds t = defaultThresholds(row.kind);
    ASSERT_TRUE(t.warning_high && t.alarm_high) << kindInfo(row.kind).code;
    EXPECT_DOUBLE_EQ(*t.warning_high, row.warning) << kindInfo(row.kind).code;
    EXPECT_DOUBLE_EQ(*t.alarm_high, row.alarm) << kindInfo(row.kind).code;
    EXPECT_EQ(kindInfo(row.kind).unit, "ppm");
    EXPECT_EQ(kindInfo(row.kind).category, SensorCategory::kGas);
  }
}

TEST(MonitorSensorKindTest, FaultCodeIsDiscreteAndAlarmsOnAnyNonZeroCode) {
  const SensorKindInfo& info = kindInfo(SensorKind::kFaultCode);
  EXPECT_FALSE(info.continuous);
  EXPECT_EQ(defaultThresholds(SensorKind::kFaultCode).alarm_high, 1.0);
  EXPECT_FALSE(defaultThresholds(SensorKind::kHumidity).alarm_high.has_value());
}

}  // namespace
}  // namespace anguan::monitor
