#include "anguan/domain/risk/risk.hpp"

#include <gtest/gtest.h>

namespace anguan::risk {
namespace {

using namespace std::chrono;

TEST(RiskLec, DefaultTablesMatchDomainRules) {
  const auto& lec = defaultLec();
  std::vector<double> l, e, c;
  for (const auto& x : lec.l) l.push_back(x.value);
  for (const auto& x : lec.e) e.push_back(x.value);
  for (const auto& x : lec.c) c.push_back(x.value);
  EXPECT_EQ(l, (std::vector<double>{10, 6, 3, 1, 0.5, 0.2, 0.1}));
  EXPECT_EQ(e, (std::vector<double>{10, 6, 3, 2, 1, 0.5}));
  EXPECT_EQ(c, (std::vector<double>{100, 40, 15, 7, 3, 1}));
  EXPECT_TRUE(checkBands(lec.bands).has_value());
}

TEST(RiskLec, ColourAtEveryBoundary) {
  struct Case {
    double d;
    Colour colour;
  };
  const Case cases[] = {
      {1000, Colour::kRed},       {320.001, Colour::kRed}, {320, Colour::kRed},
      {319.999, Colour::kOrange}, {160, Colour::kOrange},  {159.999, Colour::kYellow},
      {70, Colour::kYellow},      {69.999, Colour::kBlue}, {20, Colour::kBlue},
      {0.001, Colour::kBlue},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.d);
    EXPECT_EQ(colourFor(c.d, defaultLec().bands), c.colour);
  }
}

TEST(RiskLec, ExclusiveBoundaryWhenConfigured) {
  std::vector<Band> bands = {
      {Colour::kRed, 320, false}, {Colour::kOrange, 160, true}, {Colour::kYellow, 70, true}};
  EXPECT_EQ(colourFor(320, bands), Colour::kOrange);
  EXPECT_EQ(colourFor(320.5, bands), Colour::kRed);
}

TEST(RiskLec, AssessProductsLandOnBoundaries) {
  struct Case {
    double l, e, c;
    double d;
    Colour colour;
  };
  const Case cases[] = {
      {6, 6, 15, 540, Colour::kRed},  // > 320
      {10, 2, 16, 0, Colour::kRed},   // 16 is not a C value → error (checked below)
      {10, 6, 7, 420, Colour::kRed},        {3, 6, 15, 270, Colour::kOrange},
      {1, 10, 40, 400, Colour::kRed},       {0.5, 10, 40, 200, Colour::kOrange},
      {1, 10, 7, 70, Colour::kYellow},      {1, 6, 15, 90, Colour::kYellow},
      {0.5, 2, 40, 40, Colour::kBlue},      {6, 3, 7, 126, Colour::kYellow},
      {0.1, 0.5, 1, 0.05, Colour::kBlue},   {1, 2, 40, 80, Colour::kYellow},
      {2, 10, 40, 0, Colour::kRed},  // L=2 invalid
      {0.2, 10, 100, 200, Colour::kOrange}, {0.1, 10, 100, 100, Colour::kYellow},
      {6, 10, 3, 180, Colour::kOrange},     {10, 0.5, 1, 5, Colour::kBlue},
      {0.2, 2, 40, 16, Colour::kBlue},      {1, 3, 15, 45, Colour::kBlue},
      {10, 2, 100, 2000, Colour::kRed},     {10, 2, 3, 60, Colour::kBlue},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::to_string(c.l) + "x" + std::to_string(c.e) + "x" + std::to_string(c.c));
    auto a = assessLec(c.l, c.e, c.c, defaultLec());
    if (c.d == 0) {
      ASSERT_TRUE(a.has_error());
      EXPECT_EQ(a.error().key(), "risk.bad_value");
      continue;
    }
    ASSERT_TRUE(a.has_value());
    EXPECT_DOUBLE_EQ(a->score, c.d);
    EXPECT_EQ(a->colour, c.colour);
  }
  EXPECT_EQ(assessLec(1, 1, 1, defaultLec()).value().score, 1);
  EXPECT_EQ(assessLec(2, 2, 40, defaultLec()).error().details().at("factor"), "L");
  EXPECT_EQ(assessLec(3, 4, 40, defaultLec()).error().details().at("factor"), "E");
  EXPECT_EQ(assessLec(3, 2, 41, defaultLec()).error().details().at("factor"), "C");
}

TEST(RiskLec, ClassicFiveGrades) {
  EXPECT_EQ(lecClassicGrade(320.5), 1);
  EXPECT_EQ(lecClassicGrade(320), 2);
  EXPECT_EQ(lecClassicGrade(160), 2);
  EXPECT_EQ(lecClassicGrade(159.9), 3);
  EXPECT_EQ(lecClassicGrade(70), 3);
  EXPECT_EQ(lecClassicGrade(69.9), 4);
  EXPECT_EQ(lecClassicGrade(20), 4);
  EXPECT_EQ(lecClassicGrade(19.9), 5);
}

TEST(RiskLs, EveryCellOfTheDefaultMatrix) {
  // R 20–25 red; 15–16 orange; 9–12 yellow; 1–8 blue (domain-rules.md §4.3).
  for (int l = 1; l <= 5; ++l) {
    for (int s = 1; s <= 5; ++s) {
      const int r = l * s;
      Colour want = r >= 20   ? Colour::kRed
                    : r >= 15 ? Colour::kOrange
                    : r >= 9  ? Colour::kYellow
                              : Colour::kBlue;
      auto a = assessLs(l, s, defaultLs());
      ASSERT_TRUE(a.has_value());
      EXPECT_EQ(a->score, r);
      EXPECT_EQ(a->colour, want) << l << "x" << s;
    }
  }
  const struct {
    int r;
    Colour c;
  } edges[] = {{25, Colour::kRed},    {20, Colour::kRed},    {16, Colour::kOrange},
               {15, Colour::kOrange}, {12, Colour::kYellow}, {9, Colour::kYellow},
               {8, Colour::kBlue},    {1, Colour::kBlue}};
  for (const auto& e : edges) {
    EXPECT_EQ(colourFor(e.r, defaultLs().bands), e.c) << e.r;
  }
  EXPECT_EQ(assessLs(0, 3, defaultLs()).error().details().at("factor"), "L");
  EXPECT_EQ(assessLs(3, 6, defaultLs()).error().details().at("factor"), "S");
}

TEST(RiskBands, Validation) {
  EXPECT_TRUE(checkBands(defaultLs().bands).has_value());
  EXPECT_FALSE(checkBands({}).has_value());
  EXPECT_FALSE(
      checkBands(
          {{Colour::kRed, 10, true}, {Colour::kOrange, 10, true}, {Colour::kYellow, 5, true}})
          .has_value());
  EXPECT_FALSE(
      checkBands(
          {{Colour::kOrange, 20, true}, {Colour::kRed, 10, true}, {Colour::kYellow, 5, true}})
          .has_value());
}

TEST(RiskColour, HighestAndNames) {
  EXPECT_EQ(highest({Colour::kBlue, Colour::kOrange, Colour::kYellow}), Colour::kOrange);
  EXPECT_EQ(highest({Colour::kBlue}), Colour::kBlue);
  EXPECT_FALSE(highest({}).has_value());
  EXPECT_STREQ(zhName(Colour::kRed), "红");
  EXPECT_STREQ(zhName(Colour::kBlue), "蓝");
  EXPECT_STREQ(zhGrade(Colour::kOrange), "较大");
  for (Colour c : {Colour::kRed, Colour::kOrange, Colour::kYellow, Colour::kBlue}) {
    EXPECT_EQ(parseColour(toString(c)), c);
  }
  EXPECT_EQ(parseControlLevel("workshop"), ControlLevel::kWorkshop);
  EXPECT_FALSE(parseControlLevel("dept"));
}

TEST(RiskInspection, FrequencyAndNextDue) {
  FrequencyPolicy p;
  EXPECT_EQ(periodFor(Colour::kRed, p), Period::kDaily);
  EXPECT_EQ(periodFor(Colour::kOrange, p), Period::kWeekly);
  EXPECT_EQ(periodFor(Colour::kYellow, p), Period::kMonthly);
  EXPECT_EQ(periodFor(Colour::kBlue, p), Period::kQuarterly);
  p.blue = Period::kMonthly;
  EXPECT_EQ(periodFor(Colour::kBlue, p), Period::kMonthly);

  struct Case {
    year_month_day from;
    Period period;
    year_month_day want;
  };
  const Case cases[] = {
      {2026y / 12 / 31, Period::kDaily, 2027y / 1 / 1},
      {2026y / 2 / 28, Period::kDaily, 2026y / 3 / 1},
      {2028y / 2 / 28, Period::kDaily, 2028y / 2 / 29},
      {2026y / 12 / 28, Period::kWeekly, 2027y / 1 / 4},
      {2026y / 1 / 31, Period::kMonthly, 2026y / 2 / 28},
      {2028y / 1 / 31, Period::kMonthly, 2028y / 2 / 29},
      {2026y / 12 / 15, Period::kMonthly, 2027y / 1 / 15},
      {2026y / 11 / 30, Period::kQuarterly, 2027y / 2 / 28},
      {2026y / 1 / 15, Period::kQuarterly, 2026y / 4 / 15},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(nextDue(c.from, c.period), c.want);
  }
}

}  // namespace
}  // namespace anguan::risk
