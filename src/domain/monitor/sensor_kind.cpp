#include "anguan/domain/monitor/sensor_kind.hpp"

#include <array>
#include <cmath>

namespace anguan::monitor {
namespace {

using enum SensorKind;
using enum SensorCategory;

constexpr std::array<SensorKindInfo, kSensorKindCount> kKinds{{
    {kCombustibleLel, "combustible_lel", "%LEL", 0.0, 100.0, "monitor.kind.combustible_lel",
     "可燃气体(%LEL)", "Combustible gas (%LEL)", kGas, true, true},
    {kCombustibleVol, "combustible_vol", "%vol", 0.0, 100.0, "monitor.kind.combustible_vol",
     "可燃气体(%vol)", "Combustible gas (%vol)", kGas, true, true},
    {kOxygen, "o2", "%vol", 0.0, 30.0, "monitor.kind.o2", "氧气", "Oxygen", kGas, true, false},
    {kH2S, "h2s", "ppm", 0.0, 1000.0, "monitor.kind.h2s", "硫化氢", "Hydrogen sulphide", kGas, true,
     true},
    {kCO, "co", "ppm", 0.0, 2000.0, "monitor.kind.co", "一氧化碳", "Carbon monoxide", kGas, true,
     true},
    {kNH3, "nh3", "ppm", 0.0, 1000.0, "monitor.kind.nh3", "氨气", "Ammonia", kGas, true, true},
    {kCl2, "cl2", "ppm", 0.0, 100.0, "monitor.kind.cl2", "氯气", "Chlorine", kGas, true, true},
    {kTemperature, "temperature", "°C", -50.0, 80.0, "monitor.kind.temperature", "环境温度",
     "Temperature", kEnvironment, true, false},
    {kHumidity, "humidity", "%RH", 0.0, 100.0, "monitor.kind.humidity", "湿度", "Humidity",
     kEnvironment, true, false},
    {kDust, "dust", "mg/m³", 0.0, 1000.0, "monitor.kind.dust", "粉尘", "Dust", kEnvironment, true,
     false},
    {kNoise, "noise", "dB(A)", 0.0, 150.0, "monitor.kind.noise", "噪声", "Noise", kEnvironment,
     true, false},
    {kWindSpeed, "wind_speed", "m/s", 0.0, 75.0, "monitor.kind.wind_speed", "风速", "Wind speed",
     kEnvironment, true, true},
    {kEquipmentTemperature, "equipment_temperature", "°C", -50.0, 1200.0,
     "monitor.kind.equipment_temperature", "设备温度", "Equipment temperature", kEquipment, true,
     false},
    {kPressure, "pressure", "MPa", -0.1, 100.0, "monitor.kind.pressure", "压力", "Pressure",
     kEquipment, true, false},
    {kVibration, "vibration", "mm/s", 0.0, 200.0, "monitor.kind.vibration", "振动", "Vibration",
     kEquipment, true, true},
    {kSpeed, "speed", "r/min", 0.0, 100000.0, "monitor.kind.speed", "转速", "Speed", kEquipment,
     true, true},
    {kFaultCode, "fault_code", "", 0.0, 65535.0, "monitor.kind.fault_code", "故障码", "Fault code",
     kEquipment, false, true},
}};

// GBZ 2.1-2019 limits quoted in domain-rules.md §1.4 (confidence M). mg/m³.
constexpr std::array<ToxicLimit, 9> kToxicRows{{
    {"H2S", SensorKind::kH2S, 34.08, 10.0, std::nullopt, std::nullopt},
    {"CO", SensorKind::kCO, 28.01, std::nullopt, 20.0, 30.0},
    {"NH3", SensorKind::kNH3, 17.03, std::nullopt, 20.0, 30.0},
    {"Cl2", SensorKind::kCl2, 70.90, 1.0, std::nullopt, std::nullopt},
    {"SO2", std::nullopt, 64.07, std::nullopt, 5.0, 10.0},
    {"NO2", std::nullopt, 46.01, std::nullopt, 5.0, 10.0},
    {"HCN", std::nullopt, 27.03, 1.0, std::nullopt, std::nullopt},
    {"COCl2", std::nullopt, 98.92, 0.5, std::nullopt, std::nullopt},
    {"C6H6", std::nullopt, 78.11, std::nullopt, 6.0, 10.0},
}};

constexpr ToxicLimitTable kToxicTable{"GBZ 2.1-2019", kToxicRows};

Thresholds toxicThresholds(SensorKind kind) {
  Thresholds t;
  for (const ToxicLimit& row : kToxicTable.rows) {
    if (row.kind != kind) {
      continue;
    }
    if (row.mac) {
      t.alarm_high = mgPerM3ToPpm(*row.mac, row.molar_mass);
      t.warning_high = mgPerM3ToPpm(*row.mac * 0.5, row.molar_mass);
    } else {
      if (row.pc_stel) {
        t.alarm_high = mgPerM3ToPpm(*row.pc_stel, row.molar_mass);
      }
      if (row.pc_twa) {
        t.warning_high = mgPerM3ToPpm(*row.pc_twa, row.molar_mass);
      }
    }
  }
  return t;
}

}  // namespace

std::span<const SensorKindInfo> allSensorKinds() { return kKinds; }

const SensorKindInfo& kindInfo(SensorKind kind) { return kKinds[static_cast<std::size_t>(kind)]; }

std::optional<SensorKind> parseSensorKind(std::string_view code) {
  for (const SensorKindInfo& info : kKinds) {
    if (info.code == code) {
      return info.kind;
    }
  }
  return std::nullopt;
}

double mgPerM3ToPpm(double mg_per_m3, double molar_mass) {
  // The small epsilon keeps exact products (e.g. 0.5 * 24.04 / 24.04) from flooring one step low.
  return std::floor(mg_per_m3 * kMolarVolume20C / molar_mass * 100.0 + 1e-9) / 100.0;
}

const ToxicLimitTable& toxicLimits() { return kToxicTable; }

Thresholds defaultThresholds(SensorKind kind) {
  Thresholds t;
  switch (kind) {
    case kCombustibleLel:
      t.warning_high = 25.0;
      t.alarm_high = 50.0;
      t.hysteresis = 2.0;
      break;
    case kCombustibleVol:
      t.warning_high = 0.2;
      t.alarm_high = 0.5;
      break;
    case kOxygen:
      t.alarm_low = 19.5;
      t.alarm_high = 23.5;
      t.trigger_at_level = false;
      t.hysteresis = 0.2;
      break;
    case kH2S:
    case kCO:
    case kNH3:
    case kCl2:
      t = toxicThresholds(kind);
      break;
    case kTemperature:
      t.warning_high = 35.0;
      t.alarm_high = 40.0;
      t.hysteresis = 1.0;
      break;
    case kNoise:
      t.warning_high = 85.0;
      t.hysteresis = 2.0;
      break;
    case kWindSpeed:
      t.warning_high = 8.0;
      t.alarm_high = 10.8;
      t.hysteresis = 0.5;
      break;
    case kFaultCode:
      t.alarm_high = 1.0;
      break;
    case kHumidity:
    case kDust:
    case kEquipmentTemperature:
    case kPressure:
    case kVibration:
    case kSpeed:
      break;
  }
  return t;
}

}  // namespace anguan::monitor
