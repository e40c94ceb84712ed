// Synthetic telemetry for the demo enterprise (`anguan simulate`, issue 5 §9): realistic values
// per sensor kind, occasional excursions over the alarm levels, a sensor that goes silent now and
// then (to exercise the offline alarm) and camera / positioning events.
//
// Everything is a pure function of (config seed, sensor or device code, time): no state is kept
// between calls, so the same seed gives the same series whatever the tick rate, a restarted
// simulator continues the same series, and tests can look at any instant. Randomness comes from
// splitmix64 over those inputs (never rand()).
//
//   value(t) = baseline(kind, t) + smooth noise + excursion(t)
//
// Smooth noise is gaussian value noise (knots every 10 and 37 minutes, linear in between), so the
// pipeline's spike filter accepts normal data. Baselines: gas near 0 (O2 20.9 %vol), ambient
// temperature a diurnal cosine peaking at 14:00 local time, humidity its mirror image, wind with
// gusts, noise louder in the day shift (08:00-17:00 local), equipment values around a set point
// that differs per sensor. Excursions: at most one per sensor per hour, starting in that hour with
// probability `gas_excursions_per_hour` (combustible gas) or `toxic_excursions_per_hour` (H2S, CO),
// lasting 3-8 minutes as a trapezoid (ramp, plateau, ramp). A combustible excursion peaks between
// 28 and 45 %LEL (over the 25 %LEL first level), a `severe_share` of them between 52 and 65 %LEL
// (over the 50 %LEL second level).
//
// Thread safety: pure functions over value types.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "anguan/core/clock.hpp"
#include "anguan/domain/monitor/sensor_kind.hpp"
#include "anguan/domain/monitor/violation.hpp"

namespace anguan::monitor::sim {

struct SimConfig {
  std::uint64_t seed = 20261129;
  int tz_offset_minutes = 480;              // Local time for the diurnal and shift patterns.
  double gas_excursions_per_hour = 0.25;    // Per combustible-gas sensor, 0..1.
  double toxic_excursions_per_hour = 0.05;  // Per H2S / CO sensor, 0..1.
  double severe_share = 0.15;               // Share of combustible excursions over 50 %LEL.
  // A sensor marked `goes_silent` sends nothing for `silent_for` at the start of every
  // `silent_every` period (offset per sensor).
  std::chrono::minutes silent_every{120};
  std::chrono::minutes silent_for{15};
  // Camera and positioning events, per device.
  double camera_events_per_hour = 4.0;
  double positioning_events_per_hour = 1.0;
  // Share of camera events below the default confirmation rule (fewer frames or lower
  // confidence than ViolationPolicy's defaults), so the pipeline has something to reject.
  double unconfirmed_share = 0.3;
};

struct SensorSpec {
  std::string code;
  SensorKind kind = SensorKind::kTemperature;
  bool goes_silent = false;
};

// Deterministic pseudo-random numbers (splitmix64). Also used by the runner for jitter.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  double uniform();   // [0, 1)
  double gaussian();  // Standard normal (Box-Muller).

 private:
  std::uint64_t state_;
};

// FNV-1a of a code, to key the generators by sensor or device.
std::uint64_t hashCode(std::string_view code);

// The value of `sensor` at `t`, clamped to the kind's physical range. Fault codes are 0 or a
// small positive code; discrete kinds get no noise.
double sampleValue(const SimConfig& config, const SensorSpec& sensor, Instant t);

// The same without noise or excursions: the per-kind baseline pattern.
double baselineValue(const SimConfig& config, const SensorSpec& sensor, Instant t);

struct Excursion {
  Instant start{};
  std::chrono::milliseconds duration{0};
  double peak = 0.0;  // Added to the baseline at the plateau (O2: subtracted).
};

// Excursions of `sensor` that start in [from, to), oldest first. Empty for kinds without them.
std::vector<Excursion> excursionsIn(const SimConfig& config, const SensorSpec& sensor, Instant from,
                                    Instant to);

// True when the sensor sends nothing at `t` (only sensors with goes_silent).
bool isSilent(const SimConfig& config, const SensorSpec& sensor, Instant t);

struct SimEvent {
  ViolationType type = ViolationType::kNoHelmet;
  Instant at{};
  double confidence = 1.0;
  int frames = 0;
};

// Events of one device in [from, to), oldest first: camera violation types for a camera,
// positioning types (unauthorised entry, overcrowding, overtime) for a positioning system.
// Contiguous ranges never repeat or miss an event.
std::vector<SimEvent> eventsIn(const SimConfig& config, std::string_view device_code,
                               EventSource source, Instant from, Instant to);

}  // namespace anguan::monitor::sim
