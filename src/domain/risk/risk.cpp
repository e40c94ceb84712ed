#include "anguan/domain/risk/risk.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "anguan/core/enum_names.hpp"

namespace anguan::risk {
namespace {

constexpr std::array<std::pair<Colour, const char*>, 4> kColourNames = {{
    {Colour::kRed, "red"},
    {Colour::kOrange, "orange"},
    {Colour::kYellow, "yellow"},
    {Colour::kBlue, "blue"},
}};
constexpr std::array<std::pair<ControlLevel, const char*>, 4> kControlNames = {{
    {ControlLevel::kCompany, "company"},
    {ControlLevel::kPlant, "plant"},
    {ControlLevel::kWorkshop, "workshop"},
    {ControlLevel::kTeam, "team"},
}};
constexpr std::array<std::pair<Period, const char*>, 4> kPeriodNames = {{
    {Period::kDaily, "daily"},
    {Period::kWeekly, "weekly"},
    {Period::kMonthly, "monthly"},
    {Period::kQuarterly, "quarterly"},
}};

bool inTable(double value, const std::vector<Choice>& table) {
  for (const auto& c : table) {
    if (std::fabs(c.value - value) < 1e-9) {
      return true;
    }
  }
  return false;
}

Error badValue(const char* factor) {
  return Error::invalidArgument("risk.bad_value", std::string("not an allowed value of ") + factor)
      .with("factor", factor);
}

}  // namespace

const char* toString(Colour colour) { return nameOf(kColourNames, colour); }
const char* zhName(Colour colour) {
  switch (colour) {
    case Colour::kRed:
      return "红";
    case Colour::kOrange:
      return "橙";
    case Colour::kYellow:
      return "黄";
    case Colour::kBlue:
      return "蓝";
  }
  return "";
}
const char* zhGrade(Colour colour) {
  switch (colour) {
    case Colour::kRed:
      return "重大";
    case Colour::kOrange:
      return "较大";
    case Colour::kYellow:
      return "一般";
    case Colour::kBlue:
      return "低";
  }
  return "";
}
std::optional<Colour> parseColour(std::string_view text) { return parseName(kColourNames, text); }

Colour higher(Colour a, Colour b) { return static_cast<int>(a) <= static_cast<int>(b) ? a : b; }

std::optional<Colour> highest(const std::vector<Colour>& colours) {
  if (colours.empty()) {
    return std::nullopt;
  }
  Colour out = Colour::kBlue;
  for (Colour c : colours) {
    out = higher(out, c);
  }
  return out;
}

Status checkBands(const std::vector<Band>& bands) {
  const Colour expected[] = {Colour::kRed, Colour::kOrange, Colour::kYellow};
  if (bands.size() != 3) {
    return Error::invalidArgument("risk.bad_bands", "three bands: red, orange, yellow");
  }
  for (std::size_t i = 0; i < bands.size(); ++i) {
    if (bands[i].colour != expected[i] || !std::isfinite(bands[i].threshold) ||
        (i > 0 && bands[i].threshold >= bands[i - 1].threshold)) {
      return Error::invalidArgument("risk.bad_bands",
                                    "bands must be red, orange, yellow with falling thresholds");
    }
  }
  return {};
}

Colour colourFor(double score, const std::vector<Band>& bands) {
  for (const auto& b : bands) {
    if (b.inclusive ? score >= b.threshold : score > b.threshold) {
      return b.colour;
    }
  }
  return Colour::kBlue;
}

const LecConfig& defaultLec() {
  static const LecConfig kConfig = {
      {{10, "完全可以预料"},
       {6, "相当可能"},
       {3, "可能，但不经常"},
       {1, "可能性小，完全意外"},
       {0.5, "很不可能，可以设想"},
       {0.2, "极不可能"},
       {0.1, "实际不可能"}},
      {{10, "连续暴露"},
       {6, "每天工作时间内暴露"},
       {3, "每周一次或偶然暴露"},
       {2, "每月一次暴露"},
       {1, "每年几次暴露"},
       {0.5, "非常罕见地暴露"}},
      {{100, "大灾难，许多人死亡"},
       {40, "灾难，数人死亡"},
       {15, "非常严重，一人死亡"},
       {7, "严重，重伤"},
       {3, "重大，致残"},
       {1, "引人注目，需要救护"}},
      {{Colour::kRed, 320, true}, {Colour::kOrange, 160, true}, {Colour::kYellow, 70, true}},
  };
  return kConfig;
}

int lecClassicGrade(double d) {
  if (d > 320) {
    return 1;
  }
  if (d >= 160) {
    return 2;
  }
  if (d >= 70) {
    return 3;
  }
  if (d >= 20) {
    return 4;
  }
  return 5;
}

const LsConfig& defaultLs() {
  static const LsConfig kConfig = {
      5, 5, {{Colour::kRed, 20, true}, {Colour::kOrange, 15, true}, {Colour::kYellow, 9, true}}};
  return kConfig;
}

Result<Assessment> assessLec(double l, double e, double c, const LecConfig& config) {
  if (!inTable(l, config.l)) {
    return badValue("L");
  }
  if (!inTable(e, config.e)) {
    return badValue("E");
  }
  if (!inTable(c, config.c)) {
    return badValue("C");
  }
  // Round away binary noise (0.1 × 3 × …) to 1e-6 so boundaries compare exactly.
  const double d = std::round(l * e * c * 1e6) / 1e6;
  return Assessment{d, colourFor(d, config.bands)};
}

Result<Assessment> assessLs(int l, int s, const LsConfig& config) {
  if (l < 1 || l > config.max_l) {
    return badValue("L");
  }
  if (s < 1 || s > config.max_s) {
    return badValue("S");
  }
  const double r = static_cast<double>(l) * s;
  return Assessment{r, colourFor(r, config.bands)};
}

const char* toString(ControlLevel level) { return nameOf(kControlNames, level); }
std::optional<ControlLevel> parseControlLevel(std::string_view text) {
  return parseName(kControlNames, text);
}
const char* toString(Period period) { return nameOf(kPeriodNames, period); }
std::optional<Period> parsePeriod(std::string_view text) { return parseName(kPeriodNames, text); }

Period periodFor(Colour colour, const FrequencyPolicy& policy) {
  switch (colour) {
    case Colour::kRed:
      return policy.red;
    case Colour::kOrange:
      return policy.orange;
    case Colour::kYellow:
      return policy.yellow;
    case Colour::kBlue:
      return policy.blue;
  }
  return policy.blue;
}

std::chrono::year_month_day nextDue(std::chrono::year_month_day last, Period period) {
  using namespace std::chrono;
  auto addMonths = [](year_month_day d, int n) {
    year_month ym = year_month{d.year(), d.month()} + months{n};
    const auto last_day = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
    return year_month_day{ym.year(), ym.month(), std::min(d.day(), last_day)};
  };
  switch (period) {
    case Period::kDaily:
      return year_month_day{sys_days{last} + days{1}};
    case Period::kWeekly:
      return year_month_day{sys_days{last} + days{7}};
    case Period::kMonthly:
      return addMonths(last, 1);
    case Period::kQuarterly:
      return addMonths(last, 3);
  }
  return last;
}

}  // namespace anguan::risk
