// Automatic grading of a planned job (domain-rules §1.2): hot work 特级/一级/二级 with the
// one-level upgrade for night, holidays and wind ≥ 5 outdoors; height Ⅰ–Ⅳ from height band and
// objective hazards; lifting 一/二/三级 from load (< 10 t: no permit). Every decision carries a
// Reason so the user sees why.
//
// Thread safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "anguan/core/result.hpp"
#include "anguan/domain/permit/reason.hpp"

namespace anguan::permit {

// Objective hazard codes of GB 30871 8.1.2 a)–i) (height work, Class B method when any present).
inline constexpr const char* kHazardWind = "a_wind";                // gust ≥ level 5
inline constexpr const char* kHazardCold = "b_low_temperature";     // mean ≤ 5 ℃
inline constexpr const char* kHazardColdWater = "c_cold_water";     // ≤ 12 ℃
inline constexpr const char* kHazardSlippery = "d_slippery";        // ice, snow, oil, water
inline constexpr const char* kHazardPoorLight = "e_poor_light";     // light or visibility
inline constexpr const char* kHazardLiveLine = "f_live_conductor";  // closer than Table 1
inline constexpr const char* kHazardFooting = "g_unstable_footing";
inline constexpr const char* kHazardToxic = "h_toxic_or_low_o2";
inline constexpr const char* kHazardDisaster = "i_disaster_or_rescue";
const std::vector<std::string>& objectiveHazardCodes();

struct GradingInput {
  std::string type_code;
  // area
  bool fire_explosion_area = false, major_hazard = false, inside_fire_dike = false, outdoor = false;
  std::string area_kind;  // process_unit, tank_farm, pipe_rack, fixed_hot_work_area ...
  // hot work
  bool unit_in_operation = false, hot_tapping = false, unit_shutdown_cleaned = false;
  // time (already converted to enterprise local time by the caller)
  bool night = false, holiday = false;  // holiday includes rest days per the calendar
  int wind_level = 0;                   // Beaufort
  // height
  double height_m = 0;
  std::vector<std::string> objective_hazards;  // objectiveHazardCodes()
  // lifting
  double load_t = 0;
};

struct Grade {
  std::string level;  // a LevelDef code of the type
  bool permit_required = true;
  bool forbidden = false;
  std::vector<Reason> reasons;
};

// Invalid input (height < 2 m for height work, negative or non-finite load/height, unknown type
// code, unknown hazard code, negative wind) → invalidArgument "permit.grade.*".
// Types without a grading rule get level "none". Admin-defined types are not known here: the
// service grades them as "none" itself (or passes a default type code).
Result<Grade> grade(const GradingInput& in);

// Night window in local minutes of day; wraps midnight when start > end. [start, end).
bool isNight(int local_minutes_of_day, int night_start_min = 20 * 60, int night_end_min = 6 * 60);

// Reason key → {zh template, en template} with {param} placeholders. Covers every key that
// grading, gas, start_gate, approval and feasibility produce.
const std::map<std::string, std::pair<std::string, std::string>>& reasonTexts();
// Replaces {name} in the template with params (missing params stay as written).
std::string renderReason(const Reason& reason, bool chinese);

}  // namespace anguan::permit
