#include "anguan/domain/permit/grading.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include <gtest/gtest.h>

namespace anguan::permit {
namespace {

bool hasKey(const Grade& g, const std::string& key) {
  return std::any_of(g.reasons.begin(), g.reasons.end(),
                     [&](const Reason& r) { return r.key == key; });
}

GradingInput hot() {
  GradingInput in;
  in.type_code = "hot_work";
  return in;
}

TEST(PermitGradingHot, BaseLevels) {
  struct Case {
    const char* name;
    GradingInput in;
    const char* level;
    const char* reason;
  };
  auto with = [](auto f) {
    GradingInput in = hot();
    f(in);
    return in;
  };
  const Case cases[] = {
      {"outside", hot(), "2", "permit.grade.hot.other"},
      {"fire area", with([](GradingInput& i) { i.fire_explosion_area = true; }), "1",
       "permit.grade.hot.fire_area"},
      {"running unit in fire area", with([](GradingInput& i) {
         i.fire_explosion_area = true;
         i.unit_in_operation = true;
       }),
       "special", "permit.grade.hot.fire_area_running_unit"},
      {"running unit outside fire area", with([](GradingInput& i) { i.unit_in_operation = true; }),
       "2", "permit.grade.hot.other"},
      {"hot tapping", with([](GradingInput& i) { i.hot_tapping = true; }), "special",
       "permit.grade.hot.hot_tapping"},
      {"major hazard fire dike", with([](GradingInput& i) {
         i.inside_fire_dike = true;
         i.major_hazard = true;
       }),
       "special", "permit.grade.hot.major_hazard_fire_dike"},
      {"fire dike, not major hazard", with([](GradingInput& i) { i.inside_fire_dike = true; }), "2",
       "permit.grade.hot.other"},
      {"pipe rack", with([](GradingInput& i) { i.area_kind = "pipe_rack"; }), "1",
       "permit.grade.hot.pipe_rack"},
      {"shut down and cleaned", with([](GradingInput& i) {
         i.fire_explosion_area = true;
         i.unit_in_operation = true;
         i.unit_shutdown_cleaned = true;
       }),
       "2", "permit.grade.hot.shutdown_cleaned"},
      {"hot tapping ignores shutdown flag", with([](GradingInput& i) {
         i.hot_tapping = true;
         i.unit_shutdown_cleaned = true;
       }),
       "special", "permit.grade.hot.hot_tapping"},
  };
  for (const auto& c : cases) {
    auto g = grade(c.in);
    ASSERT_TRUE(g.has_value()) << c.name;
    EXPECT_EQ(g->level, c.level) << c.name;
    EXPECT_TRUE(hasKey(*g, c.reason)) << c.name;
    EXPECT_TRUE(g->permit_required) << c.name;
    EXPECT_FALSE(g->forbidden) << c.name;
  }
}

TEST(PermitGradingHot, UpgradeByOneLevel) {
  struct Case {
    bool fire_area, running, night, holiday, outdoor;
    int wind;
    const char* level;
  };
  const Case cases[] = {
      {false, false, false, false, false, 0, "2"},
      {false, false, true, false, false, 0, "1"},
      {false, false, false, true, false, 0, "1"},
      {false, false, true, true, false, 0, "1"},  // several triggers: still one level
      {false, false, false, false, true, 4, "2"},
      {false, false, false, false, true, 5, "1"},
      {false, false, false, false, false, 5, "2"},  // indoors: wind does not count
      {true, false, true, false, false, 0, "special"},
      {true, false, false, false, true, 6, "special"},
      {true, true, true, true, true, 8, "special"},  // capped
  };
  for (const auto& c : cases) {
    GradingInput in = hot();
    in.fire_explosion_area = c.fire_area;
    in.unit_in_operation = c.running;
    in.night = c.night;
    in.holiday = c.holiday;
    in.outdoor = c.outdoor;
    in.wind_level = c.wind;
    auto g = grade(in);
    ASSERT_TRUE(g.has_value());
    EXPECT_EQ(g->level, c.level) << c.fire_area << c.running << c.night << c.holiday << c.outdoor
                                 << c.wind;
  }
}

TEST(PermitGradingHot, UpgradeReasonsAreReadable) {
  GradingInput in = hot();
  in.fire_explosion_area = true;
  in.night = true;
  in.holiday = true;
  auto g = grade(in);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->level, "special");
  EXPECT_TRUE(hasKey(*g, "permit.grade.hot.fire_area"));
  EXPECT_TRUE(hasKey(*g, "permit.grade.upgrade.night"));
  EXPECT_TRUE(hasKey(*g, "permit.grade.upgrade.holiday"));
  auto applied = std::find_if(g->reasons.begin(), g->reasons.end(), [](const Reason& r) {
    return r.key == "permit.grade.upgrade.applied";
  });
  ASSERT_NE(applied, g->reasons.end());
  EXPECT_EQ(applied->params.at("from"), "1");
  EXPECT_EQ(applied->params.at("to"), "special");
  EXPECT_EQ(renderReason(*applied, false), "Upgraded by one level: level 1 → special level");
  EXPECT_EQ(renderReason(*applied, true), "按规定升一级管理：一级 → 特级");

  in.unit_in_operation = true;  // already special
  g = grade(in);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->level, "special");
  EXPECT_TRUE(hasKey(*g, "permit.grade.upgrade.capped"));
  EXPECT_FALSE(hasKey(*g, "permit.grade.upgrade.applied"));
}

TEST(PermitGradingHot, WindFiveOutdoorsIsNotForbiddenButFlagged) {
  GradingInput in = hot();
  in.outdoor = true;
  in.wind_level = 5;
  auto g = grade(in);
  ASSERT_TRUE(g.has_value());
  EXPECT_FALSE(g->forbidden);
  EXPECT_TRUE(hasKey(*g, "permit.grade.hot.wind_forbidden_unless_unavoidable"));
  in.wind_level = 4;
  g = grade(in);
  ASSERT_TRUE(g.has_value());
  EXPECT_FALSE(hasKey(*g, "permit.grade.hot.wind_forbidden_unless_unavoidable"));
}

TEST(PermitGradingHot, FixedHotWorkAreaNeedsNoGradedPermit) {
  GradingInput in = hot();
  in.area_kind = "fixed_hot_work_area";
  auto g = grade(in);
  ASSERT_TRUE(g.has_value());
  EXPECT_FALSE(g->permit_required);
  EXPECT_TRUE(hasKey(*g, "permit.grade.hot.fixed_area"));
}

TEST(PermitGradingHeight, BandsAndClasses) {
  struct Case {
    double h;
    const char* class_a;
    const char* class_b;
  };
  const Case cases[] = {
      {2.0, "I", "II"},    {3.0, "I", "II"},    {5.0, "I", "II"},
      {5.01, "II", "III"}, {15.0, "II", "III"}, {15.01, "III", "IV"},
      {30.0, "III", "IV"}, {30.01, "IV", "IV"}, {120.0, "IV", "IV"},
  };
  for (const auto& c : cases) {
    GradingInput in;
    in.type_code = "height";
    in.height_m = c.h;
    auto a = grade(in);
    ASSERT_TRUE(a.has_value()) << c.h;
    EXPECT_EQ(a->level, c.class_a) << c.h;
    EXPECT_TRUE(hasKey(*a, "permit.grade.height.class_a")) << c.h;
    in.objective_hazards = {kHazardSlippery};
    auto b = grade(in);
    ASSERT_TRUE(b.has_value()) << c.h;
    EXPECT_EQ(b->level, c.class_b) << c.h;
    EXPECT_TRUE(hasKey(*b, "permit.grade.height.class_b")) << c.h;
  }
}

TEST(PermitGradingHeight, EveryObjectiveHazardMakesClassB) {
  ASSERT_EQ(objectiveHazardCodes().size(), 9u);
  for (const auto& h : objectiveHazardCodes()) {
    GradingInput in;
    in.type_code = "height";
    in.height_m = 4;
    in.objective_hazards = {h};
    auto g = grade(in);
    ASSERT_TRUE(g.has_value()) << h;
    EXPECT_EQ(g->level, "II") << h;
    EXPECT_EQ(g->reasons.back().params.at("hazards"), h);
  }
}

TEST(PermitGradingHeight, InvalidInput) {
  for (double h : {1.99, 0.0, -3.0, std::numeric_limits<double>::quiet_NaN()}) {
    GradingInput in;
    in.type_code = "height";
    in.height_m = h;
    auto g = grade(in);
    ASSERT_TRUE(g.has_error()) << h;
    EXPECT_EQ(g.error().key(), "permit.grade.height_below_2m");
    EXPECT_EQ(g.error().code(), ErrorCode::kInvalidArgument);
  }
  GradingInput in;
  in.type_code = "height";
  in.height_m = 3;
  in.objective_hazards = {"z_unknown"};
  auto g = grade(in);
  ASSERT_TRUE(g.has_error());
  EXPECT_EQ(g.error().key(), "permit.grade.unknown_hazard");
}

TEST(PermitGradingHeight, WindFiveOutdoorsIsForbiddenAndClassB) {
  GradingInput in;
  in.type_code = "height";
  in.height_m = 3;
  in.outdoor = true;
  in.wind_level = 5;
  auto g = grade(in);
  ASSERT_TRUE(g.has_value());
  EXPECT_TRUE(g->forbidden);
  EXPECT_EQ(g->level, "II");
  in.wind_level = 4;
  g = grade(in);
  ASSERT_TRUE(g.has_value());
  EXPECT_FALSE(g->forbidden);
  EXPECT_EQ(g->level, "I");
}

TEST(PermitGradingLifting, LoadBoundaries) {
  struct Case {
    double t;
    const char* level;
    bool permit;
  };
  const Case cases[] = {
      {0, "below_10t", false}, {9.99, "below_10t", false}, {10, "3", true},     {39.99, "3", true},
      {40, "2", true},         {100, "2", true},           {100.01, "1", true}, {500, "1", true},
  };
  for (const auto& c : cases) {
    GradingInput in;
    in.type_code = "lifting";
    in.load_t = c.t;
    auto g = grade(in);
    ASSERT_TRUE(g.has_value()) << c.t;
    EXPECT_EQ(g->level, c.level) << c.t;
    EXPECT_EQ(g->permit_required, c.permit) << c.t;
    ASSERT_FALSE(g->reasons.empty());
    EXPECT_FALSE(g->reasons[0].params.at("load").empty());
  }
}

TEST(PermitGradingLifting, InvalidLoadAndWindSix) {
  GradingInput in;
  in.type_code = "lifting";
  in.load_t = -0.1;
  auto g = grade(in);
  ASSERT_TRUE(g.has_error());
  EXPECT_EQ(g.error().key(), "permit.grade.bad_load");
  in.load_t = 50;
  in.outdoor = true;
  in.wind_level = 5;
  g = grade(in);
  ASSERT_TRUE(g.has_value());
  EXPECT_FALSE(g->forbidden);
  in.wind_level = 6;
  g = grade(in);
  ASSERT_TRUE(g.has_value());
  EXPECT_TRUE(g->forbidden);
}

TEST(PermitGrading, UngradedAndUnknownTypes) {
  for (const char* code : {"confined_space", "blind_plate", "temp_power", "excavation",
                           "road_break", "inspection", "maintenance"}) {
    GradingInput in;
    in.type_code = code;
    in.night = true;
    auto g = grade(in);
    ASSERT_TRUE(g.has_value()) << code;
    EXPECT_EQ(g->level, "none") << code;
    EXPECT_TRUE(g->permit_required);
  }
  GradingInput in;
  in.type_code = "welding";
  auto g = grade(in);
  ASSERT_TRUE(g.has_error());
  EXPECT_EQ(g.error().key(), "permit.grade.unknown_type");
  in = hot();
  in.wind_level = -1;
  EXPECT_TRUE(grade(in).has_error());
}

TEST(PermitGrading, IsNight) {
  struct Case {
    int minute;
    bool night;
  };
  for (const auto& c :
       {Case{0, true}, Case{5 * 60 + 59, true}, Case{6 * 60, false}, Case{12 * 60, false},
        Case{19 * 60 + 59, false}, Case{20 * 60, true}, Case{23 * 60 + 59, true}}) {
    EXPECT_EQ(isNight(c.minute), c.night) << c.minute;
  }
  // A window that does not wrap midnight.
  EXPECT_TRUE(isNight(60, 0, 120));
  EXPECT_FALSE(isNight(120, 0, 120));
  EXPECT_FALSE(isNight(600, 600, 600));
}

TEST(PermitGrading, EveryReasonKeyHasBothTexts) {
  for (const auto& [key, texts] : reasonTexts()) {
    EXPECT_FALSE(texts.first.empty()) << key;
    EXPECT_FALSE(texts.second.empty()) << key;
  }
  // Every reason a grading run can produce is translatable.
  GradingInput in = hot();
  in.fire_explosion_area = true;
  in.outdoor = true;
  in.wind_level = 5;
  in.night = true;
  in.holiday = true;
  auto g = grade(in);
  ASSERT_TRUE(g.has_value());
  for (const auto& r : g->reasons) {
    EXPECT_EQ(reasonTexts().count(r.key), 1u) << r.key;
    EXPECT_EQ(renderReason(r, true).find('{'), std::string::npos) << r.key;
  }
}

TEST(PermitGrading, RenderReasonFillsParams) {
  Reason r{"permit.grade.lift.40_100t", {{"load", "40"}}};
  EXPECT_EQ(renderReason(r, false), "Load 40 t, 40–100 t: level 2");
  EXPECT_EQ(renderReason(r, true), "吊物质量40 t，40 t～100 t，为二级吊装");
  EXPECT_EQ(renderReason({"no.such.key", {}}, true), "no.such.key");
}

}  // namespace
}  // namespace anguan::permit
