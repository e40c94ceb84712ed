#include "anguan/domain/permit/grading.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>

namespace anguan::permit {
namespace {

std::string num(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

constexpr std::array<const char*, 3> kHotLevels = {"2", "1", "special"};  // low → high
constexpr std::array<const char*, 3> kHotLevelsZh = {"二级", "一级", "特级"};
constexpr std::array<const char*, 3> kHotLevelsEn = {"level 2", "level 1", "special level"};

bool isUngraded(std::string_view code) {
  for (const char* c : {"confined_space", "blind_plate", "temp_power", "excavation", "road_break",
                        "inspection", "maintenance"}) {
    if (code == c) {
      return true;
    }
  }
  return false;
}

Result<Grade> gradeHot(const GradingInput& in) {
  Grade g;
  if (in.area_kind == "fixed_hot_work_area") {
    // 5.5: inside an approved fixed hot-work area no graded permit is needed.
    g.level = "2";
    g.permit_required = false;
    g.reasons.push_back({"permit.grade.hot.fixed_area", {}});
    return g;
  }
  int level = 0;  // index into kHotLevels
  if (in.hot_tapping) {
    level = 2;
    g.reasons.push_back({"permit.grade.hot.hot_tapping", {}});
  } else if (in.fire_explosion_area && in.unit_in_operation) {
    level = 2;
    g.reasons.push_back({"permit.grade.hot.fire_area_running_unit", {}});
  } else if (in.inside_fire_dike && in.major_hazard) {
    level = 2;
    g.reasons.push_back({"permit.grade.hot.major_hazard_fire_dike", {}});
  } else if (in.fire_explosion_area) {
    level = 1;
    g.reasons.push_back({"permit.grade.hot.fire_area", {}});
  } else if (in.area_kind == "pipe_rack") {
    level = 1;
    g.reasons.push_back({"permit.grade.hot.pipe_rack", {}});
  } else {
    g.reasons.push_back({"permit.grade.hot.other", {}});
  }
  // 5.1.4: a shut-down, cleaned, purged, tested and isolated unit may be managed as 二级 (not when
  // hot tapping, which needs a unit in operation).
  if (level > 0 && in.unit_shutdown_cleaned && !in.hot_tapping) {
    level = 0;
    g.reasons.push_back({"permit.grade.hot.shutdown_cleaned", {}});
  }
  // 5.1.1 / 5.2.15: one level higher at night, on holidays/rest days, or outdoors in wind ≥ 5.
  // Several triggers still raise by one level only; each is listed.
  const bool windy = in.outdoor && in.wind_level >= 5;
  std::vector<Reason> triggers;
  if (in.night) {
    triggers.push_back({"permit.grade.upgrade.night", {}});
  }
  if (in.holiday) {
    triggers.push_back({"permit.grade.upgrade.holiday", {}});
  }
  if (windy) {
    g.reasons.push_back({"permit.grade.hot.wind_forbidden_unless_unavoidable",
                         {{"wind", std::to_string(in.wind_level)}}});
    triggers.push_back({"permit.grade.upgrade.wind", {{"wind", std::to_string(in.wind_level)}}});
  }
  if (!triggers.empty()) {
    g.reasons.insert(g.reasons.end(), triggers.begin(), triggers.end());
    if (level == 2) {
      g.reasons.push_back({"permit.grade.upgrade.capped", {}});
    } else {
      g.reasons.push_back({"permit.grade.upgrade.applied",
                           {{"from", kHotLevels[level]},
                            {"to", kHotLevels[level + 1]},
                            {"from_zh", kHotLevelsZh[level]},
                            {"to_zh", kHotLevelsZh[level + 1]},
                            {"from_en", kHotLevelsEn[level]},
                            {"to_en", kHotLevelsEn[level + 1]}}});
      ++level;
    }
  }
  g.level = kHotLevels[level];
  return g;
}

Result<Grade> gradeHeight(const GradingInput& in) {
  if (!std::isfinite(in.height_m) || in.height_m < 2.0) {
    return Error::invalidArgument("permit.grade.height_below_2m",
                                  "Work below 2 m is not work at height")
        .with("height_m", num(in.height_m));
  }
  std::vector<std::string> hazards;
  for (const auto& h : in.objective_hazards) {
    const auto& known = objectiveHazardCodes();
    if (std::find(known.begin(), known.end(), h) == known.end()) {
      return Error::invalidArgument("permit.grade.unknown_hazard", "Unknown objective hazard")
          .with("hazard", h);
    }
    if (std::find(hazards.begin(), hazards.end(), h) == hazards.end()) {
      hazards.push_back(h);
    }
  }
  Grade g;
  if (in.outdoor && in.wind_level >= 5) {
    // 8.2.x / §1.9: no height work outdoors at wind ≥ 5; it is also objective hazard a).
    g.forbidden = true;
    g.reasons.push_back(
        {"permit.grade.height.wind_forbidden", {{"wind", std::to_string(in.wind_level)}}});
    if (std::find(hazards.begin(), hazards.end(), kHazardWind) == hazards.end()) {
      hazards.push_back(kHazardWind);
    }
  }
  int band = 0;
  std::string band_key;
  if (in.height_m <= 5.0) {
    band = 0;
    band_key = "2-5";
  } else if (in.height_m <= 15.0) {
    band = 1;
    band_key = "5-15";
  } else if (in.height_m <= 30.0) {
    band = 2;
    band_key = "15-30";
  } else {
    band = 3;
    band_key = ">30";
  }
  static constexpr std::array<const char*, 4> kClassA = {"I", "II", "III", "IV"};
  static constexpr std::array<const char*, 4> kClassB = {"II", "III", "IV", "IV"};
  if (hazards.empty()) {
    g.level = kClassA[band];
    g.reasons.push_back({"permit.grade.height.class_a",
                         {{"height", num(in.height_m)}, {"band", band_key}, {"level", g.level}}});
  } else {
    g.level = kClassB[band];
    std::string list;
    for (const auto& h : hazards) {
      list += list.empty() ? h : "," + h;
    }
    g.reasons.push_back({"permit.grade.height.class_b",
                         {{"height", num(in.height_m)},
                          {"band", band_key},
                          {"level", g.level},
                          {"hazards", list}}});
  }
  return g;
}

Result<Grade> gradeLifting(const GradingInput& in) {
  if (!std::isfinite(in.load_t) || in.load_t < 0) {
    return Error::invalidArgument("permit.grade.bad_load", "The load must be 0 t or more")
        .with("load_t", num(in.load_t));
  }
  Grade g;
  const std::string load = num(in.load_t);
  if (in.load_t > 100.0) {
    g.level = "1";
    g.reasons.push_back({"permit.grade.lift.over_100t", {{"load", load}}});
  } else if (in.load_t >= 40.0) {
    g.level = "2";
    g.reasons.push_back({"permit.grade.lift.40_100t", {{"load", load}}});
  } else if (in.load_t >= 10.0) {
    g.level = "3";
    g.reasons.push_back({"permit.grade.lift.10_40t", {{"load", load}}});
  } else {
    g.level = "below_10t";
    g.permit_required = false;
    g.reasons.push_back({"permit.grade.lift.below_10t", {{"load", load}}});
  }
  if (in.outdoor && in.wind_level >= 6) {
    g.forbidden = true;
    g.reasons.push_back(
        {"permit.grade.lift.wind_forbidden", {{"wind", std::to_string(in.wind_level)}}});
  }
  return g;
}

}  // namespace

const std::vector<std::string>& objectiveHazardCodes() {
  static const std::vector<std::string> kCodes = {
      kHazardWind,     kHazardCold,    kHazardColdWater, kHazardSlippery, kHazardPoorLight,
      kHazardLiveLine, kHazardFooting, kHazardToxic,     kHazardDisaster};
  return kCodes;
}

Result<Grade> grade(const GradingInput& in) {
  if (in.wind_level < 0 || in.wind_level > 17) {
    return Error::invalidArgument("permit.grade.bad_wind", "Wind must be Beaufort 0–17")
        .with("wind_level", std::to_string(in.wind_level));
  }
  if (in.type_code == "hot_work") {
    return gradeHot(in);
  }
  if (in.type_code == "height") {
    return gradeHeight(in);
  }
  if (in.type_code == "lifting") {
    return gradeLifting(in);
  }
  if (isUngraded(in.type_code)) {
    Grade g;
    g.level = "none";
    g.reasons.push_back({"permit.grade.ungraded", {{"type", in.type_code}}});
    return g;
  }
  return Error::invalidArgument("permit.grade.unknown_type", "Unknown work type")
      .with("type", in.type_code);
}

bool isNight(int local_minutes_of_day, int night_start_min, int night_end_min) {
  const int m = ((local_minutes_of_day % 1440) + 1440) % 1440;
  if (night_start_min == night_end_min) {
    return false;
  }
  if (night_start_min < night_end_min) {
    return m >= night_start_min && m < night_end_min;
  }
  return m >= night_start_min || m < night_end_min;
}

}  // namespace anguan::permit
