#include "anguan/domain/monitor/simulation.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <span>

namespace anguan::monitor::sim {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kDayMs = 86'400'000;

// Salts that keep the generators of one sensor independent of each other.
enum class Salt : std::uint64_t {
  kNoise = 1,
  kSetPoint = 2,
  kExcursion = 3,
  kSilent = 4,
  kEvent = 5,
  kGust = 6,
};

std::uint64_t mix64(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31U);
}

SplitMix64 stream(const SimConfig& config, std::uint64_t code_hash, Salt salt, std::int64_t slot) {
  const auto s = static_cast<std::uint64_t>(salt);
  return SplitMix64(
      mix64(config.seed ^ mix64(code_hash ^ mix64(s ^ mix64(static_cast<std::uint64_t>(slot))))));
}

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) {
    --q;
  }
  return q;
}

// Local hour of day as a fraction, 0 <= h < 24.
double localHour(const SimConfig& config, Instant t) {
  const std::int64_t local = toMillis(t) + std::int64_t{config.tz_offset_minutes} * kMinuteMs;
  const std::int64_t in_day = local - floorDiv(local, kDayMs) * kDayMs;
  return static_cast<double>(in_day) / static_cast<double>(kHourMs);
}

// cos(2π (h - peak) / 24): 1 at the peak hour, -1 twelve hours away.
double diurnal(double hour, double peak_hour) {
  return std::cos(2.0 * std::numbers::pi * (hour - peak_hour) / 24.0);
}

double noiseSigma(SensorKind kind) {
  switch (kind) {
    case SensorKind::kCombustibleLel:
      return 0.3;
    case SensorKind::kCombustibleVol:
      return 0.005;
    case SensorKind::kOxygen:
      return 0.03;
    case SensorKind::kH2S:
      return 0.08;
    case SensorKind::kCO:
      return 0.4;
    case SensorKind::kNH3:
      return 0.3;
    case SensorKind::kCl2:
      return 0.02;
    case SensorKind::kTemperature:
      return 0.2;
    case SensorKind::kHumidity:
      return 1.0;
    case SensorKind::kDust:
      return 0.05;
    case SensorKind::kNoise:
      return 2.0;
    case SensorKind::kWindSpeed:
      return 0.5;
    case SensorKind::kEquipmentTemperature:
      return 0.5;
    case SensorKind::kPressure:
      return 0.01;
    case SensorKind::kVibration:
      return 0.15;
    case SensorKind::kSpeed:
      return 3.0;
    case SensorKind::kFaultCode:
      return 0.0;
  }
  return 0.0;
}

double excursionRate(const SimConfig& config, SensorKind kind) {
  switch (kind) {
    case SensorKind::kCombustibleLel:
      return config.gas_excursions_per_hour;
    case SensorKind::kH2S:
    case SensorKind::kCO:
      return config.toxic_excursions_per_hour;
    case SensorKind::kFaultCode:
      return 0.02;  // A fault now and then on equipment.
    default:
      return 0.0;
  }
}

// The excursion of the hour slot, if one starts in it. Excursions end within their hour.
std::optional<Excursion> excursionOfHour(const SimConfig& config, const SensorSpec& sensor,
                                         std::int64_t hour) {
  const double rate = excursionRate(config, sensor.kind);
  if (rate <= 0.0) {
    return std::nullopt;
  }
  SplitMix64 r = stream(config, hashCode(sensor.code), Salt::kExcursion, hour);
  if (r.uniform() >= rate) {
    return std::nullopt;
  }
  const std::int64_t duration_s = 180 + static_cast<std::int64_t>(r.uniform() * 301.0);  // 3-8 min
  const std::int64_t start_s =
      static_cast<std::int64_t>(r.uniform() * static_cast<double>(3600 - duration_s));
  Excursion e;
  e.start = fromMillis(hour * kHourMs + start_s * 1000);
  e.duration = milliseconds{duration_s * 1000};
  switch (sensor.kind) {
    case SensorKind::kCombustibleLel:
      e.peak =
          r.uniform() < config.severe_share ? 52.0 + r.uniform() * 13.0 : 28.0 + r.uniform() * 17.0;
      break;
    case SensorKind::kH2S:
      e.peak = 4.0 + r.uniform() * 8.0;
      break;  // Warning 3.52, alarm 7.05.
    case SensorKind::kCO:
      e.peak = 20.0 + r.uniform() * 15.0;
      break;  // Warning 17.2, alarm 25.7.
    case SensorKind::kFaultCode:
      e.peak = 101.0 + std::floor(r.uniform() * 30.0);
      break;
    default:
      break;
  }
  return e;
}

// The excursion's contribution at t: a trapezoid with quarter-length ramps (a fault code is a
// plain step).
double excursionValue(const Excursion& e, SensorKind kind, Instant t) {
  const auto since = (t - e.start).count();
  const auto length = e.duration.count();
  if (since < 0 || since >= length) {
    return 0.0;
  }
  if (kind == SensorKind::kFaultCode) {
    return e.peak;
  }
  const double ramp = static_cast<double>(length) / 4.0;
  const double x = static_cast<double>(since);
  double shape = 1.0;
  if (x < ramp) {
    shape = x / ramp;
  } else if (x > static_cast<double>(length) - ramp) {
    shape = (static_cast<double>(length) - x) / ramp;
  }
  return e.peak * shape;
}

// Piecewise-linear noise: standard-normal knots every `knot_ms`, joined by straight lines. `octave`
// keeps octaves of one sensor independent.
double valueNoise(const SimConfig& config, std::uint64_t code_hash, std::int64_t knot_ms,
                  std::int64_t octave, Instant t) {
  const std::int64_t k = floorDiv(toMillis(t), knot_ms);
  const double x = static_cast<double>(toMillis(t) - k * knot_ms) / static_cast<double>(knot_ms);
  auto knot = [&](std::int64_t i) {
    return stream(config, code_hash ^ static_cast<std::uint64_t>(octave), Salt::kNoise, -2 - i)
        .gaussian();
  };
  return knot(k) * (1.0 - x) + knot(k + 1) * x;
}

}  // namespace

std::uint64_t SplitMix64::next() {
  state_ += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = state_;
  z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31U);
}

double SplitMix64::uniform() { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }

double SplitMix64::gaussian() {
  const double u1 = 1.0 - uniform();  // (0, 1]: log stays finite.
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

std::uint64_t hashCode(std::string_view code) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : code) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

double baselineValue(const SimConfig& config, const SensorSpec& sensor, Instant t) {
  // A per-sensor offset in [0, 1), so two sensors of a kind don't read the same.
  SplitMix64 set_point = stream(config, hashCode(sensor.code), Salt::kSetPoint, 0);
  const double r = set_point.uniform();
  const double hour = localHour(config, t);
  switch (sensor.kind) {
    case SensorKind::kCombustibleLel:
      return 0.6 + r * 0.6;
    case SensorKind::kCombustibleVol:
      return 0.015 + r * 0.02;
    case SensorKind::kOxygen:
      return 20.85 + r * 0.1;
    case SensorKind::kH2S:
      return 0.2 + r * 0.2;
    case SensorKind::kCO:
      return 1.0 + r * 2.0;
    case SensorKind::kNH3:
      return 0.5 + r * 1.0;
    case SensorKind::kCl2:
      return 0.04 + r * 0.03;
    case SensorKind::kTemperature:
      return 12.0 + r * 2.0 + 5.0 * diurnal(hour, 14.0);
    case SensorKind::kHumidity:
      return 68.0 + r * 6.0 - 15.0 * diurnal(hour, 14.0);
    case SensorKind::kDust:
      return 0.2 + r * 0.3;
    case SensorKind::kNoise: {
      const bool day_shift = hour >= 8.0 && hour < 17.0;
      return day_shift ? 78.0 + r * 6.0 : 60.0 + r * 4.0;
    }
    case SensorKind::kWindSpeed:
      return 2.0 + r * 1.0 + 1.0 * diurnal(hour, 15.0);
    case SensorKind::kEquipmentTemperature:
      return 60.0 + r * 30.0 + 2.0 * diurnal(hour, 14.0);
    case SensorKind::kPressure:
      return 0.8 + r * 1.6;
    case SensorKind::kVibration:
      return 1.8 + r * 2.0;
    case SensorKind::kSpeed:
      return 1470.0 + r * 20.0;
    case SensorKind::kFaultCode:
      return 0.0;
  }
  return 0.0;
}

double sampleValue(const SimConfig& config, const SensorSpec& sensor, Instant t) {
  const std::uint64_t h = hashCode(sensor.code);
  double value = baselineValue(config, sensor, t);
  const double sigma = noiseSigma(sensor.kind);
  if (sigma > 0.0) {
    // Real signals wander: value noise with gaussian knots every 10 and 37 minutes, joined by
    // straight lines. Independent noise per reading would not look like a detector, and the
    // pipeline's 7-reading Hampel window flags ~9 % of it as spikes (this keeps it under 1.5 %;
    // the rest are turns of the line that the window takes for spikes).
    value += sigma * (0.8 * valueNoise(config, h, 10 * kMinuteMs, 1, t) +
                      0.5 * valueNoise(config, h, 37 * kMinuteMs, 2, t));
  }
  if (sensor.kind == SensorKind::kWindSpeed) {
    // Gusts: in one 8-minute slot of five the wind rises 2-5 m/s and falls back (raised cosine).
    const std::int64_t slot_ms = 8 * kMinuteMs;
    const std::int64_t slot = floorDiv(toMillis(t), slot_ms);
    SplitMix64 gust = stream(config, h, Salt::kGust, slot);
    if (gust.uniform() < 0.2) {
      const double amplitude = 2.0 + gust.uniform() * 3.0;
      const double x =
          static_cast<double>(toMillis(t) - slot * slot_ms) / static_cast<double>(slot_ms);
      value += amplitude * 0.5 * (1.0 - std::cos(2.0 * std::numbers::pi * x));
    }
  }
  if (auto e = excursionOfHour(config, sensor, floorDiv(toMillis(t), kHourMs))) {
    value += excursionValue(*e, sensor.kind, t);
  }
  const SensorKindInfo& info = kindInfo(sensor.kind);
  if (info.zero_baseline) {
    value = std::max(value, 0.0);  // Detectors in clean air read 0, never below.
  }
  value = std::clamp(value, info.range_min, info.range_max);
  // Six decimals keep the payloads short; coarser steps would make flat runs that the spike
  // filter (a median absolute deviation of 0) reads as spikes at every step.
  return std::round(value * 1e6) / 1e6;
}

std::vector<Excursion> excursionsIn(const SimConfig& config, const SensorSpec& sensor, Instant from,
                                    Instant to) {
  std::vector<Excursion> out;
  if (to <= from) {
    return out;
  }
  const std::int64_t first = floorDiv(toMillis(from), kHourMs);
  const std::int64_t last = floorDiv(toMillis(to) - 1, kHourMs);
  for (std::int64_t hour = first; hour <= last; ++hour) {
    if (auto e = excursionOfHour(config, sensor, hour); e && e->start >= from && e->start < to) {
      out.push_back(*e);
    }
  }
  return out;
}

bool isSilent(const SimConfig& config, const SensorSpec& sensor, Instant t) {
  if (!sensor.goes_silent) {
    return false;
  }
  const std::int64_t period = std::chrono::duration_cast<milliseconds>(config.silent_every).count();
  const std::int64_t length = std::chrono::duration_cast<milliseconds>(config.silent_for).count();
  if (period <= 0 || length <= 0) {
    return false;
  }
  SplitMix64 r = stream(config, hashCode(sensor.code), Salt::kSilent, 0);
  const auto offset = static_cast<std::int64_t>(r.next() % static_cast<std::uint64_t>(period));
  const std::int64_t shifted = toMillis(t) + offset;
  return shifted - floorDiv(shifted, period) * period < length;
}

std::vector<SimEvent> eventsIn(const SimConfig& config, std::string_view device_code,
                               EventSource source, Instant from, Instant to) {
  std::vector<SimEvent> out;
  if (to <= from) {
    return out;
  }
  const bool camera = source == EventSource::kCamera;
  const double per_minute =
      (camera ? config.camera_events_per_hour : config.positioning_events_per_hour) / 60.0;
  if (per_minute <= 0.0) {
    return out;
  }
  struct Weighted {
    ViolationType type;
    double weight;
  };
  static constexpr Weighted kCamera[] = {{ViolationType::kNoHelmet, 4.0},
                                         {ViolationType::kNoHarness, 2.0},
                                         {ViolationType::kSmoking, 1.0},
                                         {ViolationType::kIntrusion, 2.0},
                                         {ViolationType::kFireSmoke, 0.5}};
  static constexpr Weighted kPositioning[] = {{ViolationType::kUnauthorisedEntry, 2.0},
                                              {ViolationType::kOvercrowding, 1.0},
                                              {ViolationType::kOvertime, 1.0}};
  const std::span<const Weighted> table =
      camera ? std::span<const Weighted>(kCamera) : std::span<const Weighted>(kPositioning);
  double total_weight = 0.0;
  for (const auto& w : table) {
    total_weight += w.weight;
  }
  const ViolationPolicy policy;
  const std::uint64_t h = hashCode(device_code);
  const std::int64_t first = floorDiv(toMillis(from), kMinuteMs);
  const std::int64_t last = floorDiv(toMillis(to) - 1, kMinuteMs);
  for (std::int64_t minute = first; minute <= last; ++minute) {
    SplitMix64 r = stream(config, h, Salt::kEvent, minute);
    if (r.uniform() >= per_minute) {
      continue;
    }
    SimEvent e;
    e.at = fromMillis(minute * kMinuteMs + static_cast<std::int64_t>(r.uniform() * 60000.0));
    double pick = r.uniform() * total_weight;
    e.type = table.back().type;
    for (const auto& w : table) {
      if (pick < w.weight) {
        e.type = w.type;
        break;
      }
      pick -= w.weight;
    }
    const ConfirmationRule& rule = policy.rule(e.type);
    if (camera) {
      const bool unconfirmed = r.uniform() < config.unconfirmed_share;
      if (unconfirmed && r.uniform() < 0.5 && rule.min_frames > 0) {
        // Too few frames, confident enough.
        e.frames = static_cast<int>(r.uniform() * rule.min_frames);
        e.confidence = std::min(0.99, rule.min_confidence + 0.02 + r.uniform() * 0.15);
      } else if (unconfirmed) {
        // Enough frames, not confident enough.
        e.frames = rule.min_frames + static_cast<int>(r.uniform() * 8.0);
        e.confidence = rule.min_confidence * (0.6 + r.uniform() * 0.35);
      } else {
        e.frames = rule.min_frames + static_cast<int>(r.uniform() * 10.0);
        e.confidence = std::min(0.99, rule.min_confidence + 0.02 + r.uniform() * 0.17);
      }
      e.confidence = std::round(e.confidence * 100.0) / 100.0;
    } else {
      e.frames = 0;
      e.confidence = 1.0;
    }
    if (e.at >= from && e.at < to) {
      out.push_back(e);
    }
  }
  return out;
}

}  // namespace anguan::monitor::sim
