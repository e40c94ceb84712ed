// Risk register (双重预防, domain-rules.md §4): LEC (D = L × E × C) and the LS matrix (R = L × S)
// as editable data with the documented defaults, the four colours 红/橙/黄/蓝, inspection
// frequency by colour and the next due date.
//
// Bands are checked from the top: a score belongs to the first band whose threshold it reaches
// (>= when inclusive, > otherwise); a score that reaches none is 蓝 (low).
//
// Thread safety: pure functions and value types.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "anguan/core/result.hpp"

namespace anguan::risk {

// Ordered from the highest: red (重大) > orange (较大) > yellow (一般) > blue (低).
enum class Colour { kRed, kOrange, kYellow, kBlue };
const char* toString(Colour colour);  // "red", "orange", "yellow", "blue"
const char* zhName(Colour colour);    // "红", "橙", "黄", "蓝"
const char* zhGrade(Colour colour);   // "重大", "较大", "一般", "低"
std::optional<Colour> parseColour(std::string_view text);
// The more severe of the two.
Colour higher(Colour a, Colour b);
// The highest colour of a list (an area's colour on the map); nullopt when empty.
std::optional<Colour> highest(const std::vector<Colour>& colours);

struct Band {
  Colour colour = Colour::kBlue;
  double threshold = 0;
  bool inclusive = true;  // score >= threshold (true) or score > threshold (false)
};
// Bands must be red, orange, yellow in that order with strictly decreasing thresholds.
// kInvalidArgument "risk.bad_bands".
Status checkBands(const std::vector<Band>& bands);
Colour colourFor(double score, const std::vector<Band>& bands);

struct Choice {
  double value = 0;
  std::string label;
};

// LEC tables and D bands (domain-rules.md §4.2). Defaults: D >= 320 red, >= 160 orange,
// >= 70 yellow, otherwise blue.
struct LecConfig {
  std::vector<Choice> l;
  std::vector<Choice> e;
  std::vector<Choice> c;
  std::vector<Band> bands;
};
const LecConfig& defaultLec();
// The classic five D grades (1 极其危险 … 5 稍有危险) at > 320 / >= 160 / >= 70 / >= 20.
int lecClassicGrade(double d);

// LS matrix (domain-rules.md §4.3): L and S in 1..max. Defaults: R >= 20 red, >= 15 orange,
// >= 9 yellow, otherwise blue.
struct LsConfig {
  int max_l = 5;
  int max_s = 5;
  std::vector<Band> bands;
};
const LsConfig& defaultLs();

struct Assessment {
  double score = 0;
  Colour colour = Colour::kBlue;
};
// L, E and C must be values of the tables: kInvalidArgument "risk.bad_value" (detail "factor").
Result<Assessment> assessLec(double l, double e, double c, const LecConfig& config);
// L and S must be integers in 1..max: kInvalidArgument "risk.bad_value" (detail "factor").
Result<Assessment> assessLs(int l, int s, const LsConfig& config);

// Who owns a control measure (分级管控).
enum class ControlLevel { kCompany, kPlant, kWorkshop, kTeam };
const char* toString(ControlLevel level);  // "company", "plant", "workshop", "team"
std::optional<ControlLevel> parseControlLevel(std::string_view text);

// Inspection frequency (configurable by colour; default 红 daily, 橙 weekly, 黄 monthly,
// 蓝 quarterly).
enum class Period { kDaily, kWeekly, kMonthly, kQuarterly };
const char* toString(Period period);
std::optional<Period> parsePeriod(std::string_view text);
struct FrequencyPolicy {
  Period red = Period::kDaily;
  Period orange = Period::kWeekly;
  Period yellow = Period::kMonthly;
  Period blue = Period::kQuarterly;
};
Period periodFor(Colour colour, const FrequencyPolicy& policy);
// The due date after `last` (a local calendar date): +1 day, +7 days, +1 month or +3 months;
// month steps clamp to the month's last day (Jan 31 + 1 month = Feb 28/29).
std::chrono::year_month_day nextDue(std::chrono::year_month_day last, Period period);

}  // namespace anguan::risk
