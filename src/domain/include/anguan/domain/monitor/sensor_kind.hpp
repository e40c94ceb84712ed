// The catalogue of sensor kinds anguan understands: for each kind its stable code, unit, physical
// range (readings outside it are flagged out_of_range by cleaning), i18n key with zh/en fallback
// names, category, and the default alarm thresholds that rules.hpp resolves overrides against.
//
// Toxic-gas defaults come from a data table (GBZ 2.1, mg/m³) converted to the sensor unit, ppm, at
// 20 °C and 101.325 kPa (molar volume 24.04 L/mol): ppm = mg/m³ × 24.04 / M. The converted value is
// rounded *down* to 0.01 ppm so that the set point never lies above the legal limit.
//
// Thread safety: immutable static data and pure functions.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace anguan::monitor {

// Persisted by code (see SensorKindInfo::code), never by number.
enum class SensorKind : std::uint8_t {
  kCombustibleLel,  // Combustible gas, % of the lower explosive limit.
  kCombustibleVol,  // Combustible gas, % by volume (v/v).
  kOxygen,
  kH2S,
  kCO,
  kNH3,
  kCl2,
  kTemperature,  // Ambient.
  kHumidity,
  kDust,
  kNoise,
  kWindSpeed,
  kEquipmentTemperature,
  kPressure,
  kVibration,
  kSpeed,
  kFaultCode,  // 0 = no fault; any other value is an equipment fault code.
};
inline constexpr std::size_t kSensorKindCount = 17;

enum class SensorCategory : std::uint8_t { kGas, kEnvironment, kEquipment };

// Alarm set points for one sensor. A level that is nullopt is not evaluated.
//
// Comparison: when `trigger_at_level` is true a high level is reached at value >= level (detector
// set points: "first level <= 25 %LEL" means the detector is set at most at 25 and alarms when the
// reading reaches it); when false only a value strictly beyond the level counts (permitted ranges:
// O2 19.5 and 23.5 are themselves acceptable). Low levels mirror this (value <= / < level).
//
// Hysteresis (sensor unit, >= 0) moves the *clear* point: an open high condition clears only once
// the value is no longer beyond (lowest configured high level − hysteresis), a low one once it is
// no longer beyond (highest configured low level + hysteresis), with the same comparison.
//
// Delay: the condition must hold continuously for at least `delay` (reading time) before it is
// raised or escalated; clearing is immediate.
//
// Rate of change: |Δvalue| per minute between consecutive valid readings; reaching
// `rate_per_minute` raises a warning-level rate condition (no hysteresis).
struct Thresholds {
  std::optional<double> warning_high;
  std::optional<double> alarm_high;
  std::optional<double> warning_low;
  std::optional<double> alarm_low;
  bool trigger_at_level = true;
  double hysteresis = 0.0;
  std::chrono::milliseconds delay{0};
  std::optional<double> rate_per_minute;

  bool operator==(const Thresholds&) const = default;
};

struct SensorKindInfo {
  SensorKind kind;
  std::string_view code;  // Stable English code: "combustible_lel", "o2", ...
  std::string_view unit;  // "%LEL", "%vol", "ppm", "°C", ...
  double range_min;       // Physical range: readings outside are out_of_range.
  double range_max;
  std::string_view name_key;  // i18n key, "monitor.kind.<code>".
  std::string_view name_zh;   // Fallback labels for the key.
  std::string_view name_en;
  SensorCategory category;
  bool continuous;     // False for discrete codes: no spike or stuck checks.
  bool zero_baseline;  // Normally reads 0 (gas detectors in clean air): 0 is never stuck.
};

// All kinds, in enum order.
std::span<const SensorKindInfo> allSensorKinds();
const SensorKindInfo& kindInfo(SensorKind kind);
// Parses SensorKindInfo::code; nullopt when unknown.
std::optional<SensorKind> parseSensorKind(std::string_view code);

// Default thresholds for a kind (domain-rules.md §1.4, §1.9; GBZ 2.1 via toxicLimits()).
//   combustible %LEL  warning >= 25, alarm >= 50 (detector first/second level), hysteresis 2
//   combustible %vol  warning >= 0.2, alarm >= 0.5 (hot-work acceptance 5.3.2, LEL < 4 % / >= 4 %)
//   O2                alarm < 19.5 or > 23.5 (strict), hysteresis 0.2
//   H2S, Cl2          alarm >= MAC, warning >= 50 % of MAC (company practice, configurable)
//   CO, NH3           warning >= PC-TWA, alarm >= PC-STEL
//   temperature       warning >= 35 °C, alarm >= 40 °C (high-temperature work rules)
//   noise             warning >= 85 dB(A)
//   wind speed        warning >= 8.0 m/s (Beaufort 5: no outdoor hot work or work at height),
//                     alarm >= 10.8 m/s (Beaufort 6: no outdoor lifting)
//   fault code        alarm >= 1 (any non-zero code is a fault)
//   others            no levels (set per area or sensor).
Thresholds defaultThresholds(SensorKind kind);

// GBZ 2.1 occupational exposure limits, kept as data with the table's version.
struct ToxicLimit {
  std::string_view substance;      // "H2S", "CO", ...
  std::optional<SensorKind> kind;  // The sensor kind it sets defaults for, if any.
  double molar_mass;               // g/mol, for the mg/m³ -> ppm conversion.
  std::optional<double> mac;       // mg/m³, maximum allowable concentration.
  std::optional<double> pc_twa;    // mg/m³, time-weighted average.
  std::optional<double> pc_stel;   // mg/m³, short-term exposure limit.
};
struct ToxicLimitTable {
  std::string_view version;  // "GBZ 2.1-2019".
  std::span<const ToxicLimit> rows;
};
const ToxicLimitTable& toxicLimits();

inline constexpr double kMolarVolume20C = 24.04;  // L/mol at 20 °C, 101.325 kPa.
// mg/m³ -> ppm at 20 °C, rounded down to 0.01 ppm. REQUIRES: molar_mass > 0.
double mgPerM3ToPpm(double mg_per_m3, double molar_mass);

}  // namespace anguan::monitor
