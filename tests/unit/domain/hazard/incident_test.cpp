#include "anguan/domain/hazard/incident.hpp"

#include <gtest/gtest.h>

namespace anguan::hazard {
namespace {

TEST(IncidentSeverity, Gb6441LostWorkdayBoundaries) {
  struct Case {
    std::int64_t days;
    bool died;
    Severity want;
  };
  const Case cases[] = {
      {0, false, Severity::kNone},       {1, false, Severity::kMinor},
      {104, false, Severity::kMinor},    {105, false, Severity::kSerious},
      {5999, false, Severity::kSerious}, {6000, false, Severity::kFatal},
      {0, true, Severity::kFatal},       {30, true, Severity::kFatal},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.days);
    EXPECT_EQ(classifyInjury(c.days, c.died).value(), c.want);
  }
  EXPECT_EQ(classifyInjury(-1, false).error().key(), "incident.bad_workdays");
}

TEST(IncidentSeverity, TallyTakesTheWorst) {
  auto t = tally({{3, false}, {120, false}, {0, false}}).value();
  EXPECT_EQ(t.severity, Severity::kSerious);
  EXPECT_EQ(t.minor, 1);
  EXPECT_EQ(t.serious, 1);
  EXPECT_EQ(t.fatalities, 0);
  EXPECT_EQ(t.lost_workdays, 123);
  auto f = tally({{10, true}, {5, false}}).value();
  EXPECT_EQ(f.severity, Severity::kFatal);
  EXPECT_EQ(f.lost_workdays, 6005);
  EXPECT_EQ(tally({}).value().severity, Severity::kNone);
  EXPECT_FALSE(tally({{-3, false}}).has_value());
  for (Severity s : {Severity::kNone, Severity::kMinor, Severity::kSerious, Severity::kFatal}) {
    EXPECT_EQ(parseSeverity(toString(s)), s);
  }
}

TEST(IncidentClose, NeedsEveryActionDone) {
  EXPECT_TRUE(checkIncidentClose(0).has_value());
  auto s = checkIncidentClose(2);
  ASSERT_TRUE(s.has_error());
  EXPECT_EQ(s.error().key(), "incident.actions_open");
  EXPECT_EQ(s.error().details().at("open"), "2");
}

TEST(IncidentRates, E1AndE2) {
  EXPECT_DOUBLE_EQ(injuryFrequency(2, 400'000).value(), 5.0);
  EXPECT_FALSE(injuryFrequency(2, 0).has_value());
  EXPECT_DOUBLE_EQ(injuriesPerThousand(3, 1500).value(), 2.0);
  EXPECT_FALSE(injuriesPerThousand(3, 0).has_value());
  EXPECT_DOUBLE_EQ(averageHeadcount({100, 110, 120}).value(), 110.0);
  EXPECT_FALSE(averageHeadcount({}).has_value());
}

}  // namespace
}  // namespace anguan::hazard
