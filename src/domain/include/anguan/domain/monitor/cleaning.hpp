// Cleaning of sensor readings: every reading is kept, but gets quality flags that keep it out of
// rule evaluation and out of the "valid readings" of indicator O3. Also the offline and calibration
// checks shown on a sensor.
//
// One SensorState per sensor holds what the checks need in fixed-size rings (no allocation after
// construction); clean() is O(hampel_window). Readings are expected roughly in time order; an
// out-of-order reading (older than the newest one seen) is still checked for duplicate, range,
// timestamp and spike, but does not update the spike window or the stuck run.
//
// Thread safety: a SensorState is a plain value; callers serialise access per sensor.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "anguan/core/clock.hpp"
#include "anguan/domain/monitor/sensor_kind.hpp"

namespace anguan::monitor {

// Bits are persisted with the reading.
enum class QualityFlag : std::uint8_t {
  kDuplicate = 1U << 0U,   // Same sensor and timestamp as a recent reading.
  kOutOfRange = 1U << 1U,  // Outside the kind's physical range (also NaN/Inf if they get here).
  kSpike = 1U << 2U,       // Hampel filter outlier.
  kStuck = 1U << 3U,       // Unchanged for too long.
  kFuture = 1U << 4U,      // Timestamp > now + skew.
  kTooOld = 1U << 5U,      // Timestamp < now − max age.
};

class QualityFlags {
 public:
  constexpr QualityFlags() = default;
  constexpr explicit QualityFlags(std::uint8_t bits) : bits_(bits) {}

  constexpr bool valid() const { return bits_ == 0; }
  constexpr bool has(QualityFlag f) const { return (bits_ & static_cast<std::uint8_t>(f)) != 0; }
  constexpr void set(QualityFlag f) {
    bits_ = static_cast<std::uint8_t>(bits_ | static_cast<std::uint8_t>(f));
  }
  constexpr std::uint8_t bits() const { return bits_; }
  constexpr bool operator==(const QualityFlags&) const = default;

 private:
  std::uint8_t bits_ = 0;
};

// Comma-separated flag codes ("duplicate,spike"), "" when valid. For logs and the API.
std::string toString(QualityFlags flags);

inline constexpr std::size_t kMaxHampelWindow = 31;
inline constexpr std::size_t kRecentTimestamps = 16;

struct CleaningConfig {
  double range_min = 0.0;
  double range_max = 0.0;

  // Spike: |x − median| > k · 1.4826 · MAD (and > spike_min_deviation) over the last
  // `hampel_window` accepted values. No spike check until the window is full. Two consecutive
  // outliers on the same side of the median are a level shift, not spikes: the second is accepted
  // and the window restarts from the two (so checks pause until it is full again). A real gas
  // leak is therefore held back by at most one reading.
  bool spike_check = true;
  std::size_t hampel_window = 7;  // 3..kMaxHampelWindow.
  double hampel_k = 3.0;
  double spike_min_deviation = 0.0;  // Absolute floor for the threshold (quantised sensors).

  // Stuck: the value stayed within `stuck_tolerance` of the run's first value for at least
  // `stuck_min_readings` readings (this one included) spanning at least `stuck_min_duration`.
  // Set the duration to a multiple of the expected interval. `stuck_exempt_value` (0 for gas
  // detectors in clean air) is never stuck.
  bool stuck_check = true;
  std::int64_t stuck_min_readings = 60;
  std::chrono::milliseconds stuck_min_duration = std::chrono::minutes(30);
  double stuck_tolerance = 0.0;
  std::optional<double> stuck_exempt_value;

  std::chrono::milliseconds future_skew = std::chrono::minutes(2);
  std::chrono::milliseconds max_age = std::chrono::days(7);
};

// Defaults for a kind: its physical range, no spike/stuck checks for discrete kinds, 0 exempt
// from stuck for zero-baseline kinds.
CleaningConfig defaultCleaning(SensorKind kind);

struct Reading {
  double value = 0.0;
  Instant at{};  // Device timestamp.
};

class SensorState {
 public:
  explicit SensorState(const CleaningConfig& config);

  const CleaningConfig& config() const { return config_; }
  // Receive time of the last non-duplicate reading, for isOffline(); nullopt before the first.
  std::optional<Instant> lastSeen() const { return last_seen_; }
  // Number of values in the spike window (≤ hampel_window).
  std::size_t windowSize() const { return window_count_; }

 private:
  friend QualityFlags clean(SensorState& state, const Reading& reading, Instant now);

  CleaningConfig config_;
  std::optional<Instant> last_seen_;

  std::array<Instant, kRecentTimestamps> recent_{};  // Ring of recent timestamps (duplicates).
  std::size_t recent_count_ = 0;
  std::size_t recent_next_ = 0;

  std::array<double, kMaxHampelWindow> window_{};  // Ring of accepted values (spikes).
  std::size_t window_count_ = 0;
  std::size_t window_next_ = 0;
  bool has_newest_ = false;
  Instant newest_at_{};
  int pending_outlier_side_ = 0;  // +1/−1 when the previous in-order reading was a spike.
  double pending_outlier_value_ = 0.0;

  bool has_run_ = false;  // Stuck run.
  double run_value_ = 0.0;
  Instant run_start_{};
  std::int64_t run_count_ = 0;
};

// Flags `reading` and updates `state`. `now` is the receive time.
QualityFlags clean(SensorState& state, const Reading& reading, Instant now);

// True when a sensor silent since `last_seen` is offline: now − last_seen >= multiple × interval.
bool isOffline(Instant last_seen, std::chrono::milliseconds interval, Instant now,
               int multiple = 3);

enum class CalibrationStatus : std::uint8_t { kOk, kDueSoon, kOverdue };
const char* toString(CalibrationStatus status);  // "ok", "due_soon", "overdue".

// kOverdue when today is after the due date; kDueSoon when the due date is today or within
// `due_soon_days` days; else kOk.
CalibrationStatus calibrationStatus(std::chrono::year_month_day due_date,
                                    std::chrono::year_month_day today, int due_soon_days = 30);

}  // namespace anguan::monitor
