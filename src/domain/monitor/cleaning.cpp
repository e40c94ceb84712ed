#include "anguan/domain/monitor/cleaning.hpp"

#include <algorithm>
#include <cmath>

namespace anguan::monitor {
namespace {

constexpr double kMadScale = 1.4826;  // MAD -> standard deviation for normal data.

// Median of values[0..n); reorders them. REQUIRES: n > 0.
double medianInPlace(double* values, std::size_t n) {
  double* mid = values + n / 2;
  std::nth_element(values, mid, values + n);
  double upper = *mid;
  if (n % 2 == 1) {
    return upper;
  }
  double lower = *std::max_element(values, mid);
  return (lower + upper) / 2.0;
}

void pushWindow(std::array<double, kMaxHampelWindow>& window, std::size_t& count, std::size_t& next,
                std::size_t capacity, double value) {
  window[next] = value;
  next = (next + 1) % capacity;
  count = std::min(count + 1, capacity);
}

}  // namespace

std::string toString(QualityFlags flags) {
  static constexpr std::array<std::pair<QualityFlag, const char*>, 6> kNames{{
      {QualityFlag::kDuplicate, "duplicate"},
      {QualityFlag::kOutOfRange, "out_of_range"},
      {QualityFlag::kSpike, "spike"},
      {QualityFlag::kStuck, "stuck"},
      {QualityFlag::kFuture, "future"},
      {QualityFlag::kTooOld, "too_old"},
  }};
  std::string out;
  for (const auto& [flag, name] : kNames) {
    if (flags.has(flag)) {
      if (!out.empty()) {
        out += ',';
      }
      out += name;
    }
  }
  return out;
}

CleaningConfig defaultCleaning(SensorKind kind) {
  const SensorKindInfo& info = kindInfo(kind);
  CleaningConfig config;
  config.range_min = info.range_min;
  config.range_max = info.range_max;
  // Gas readings are never flagged as spikes: a leak can arrive as a single step, and its alarm
  // must not wait for a second reading to confirm the new level (fail-safe; a threshold's delay
  // is the way to debounce). Range, duplicate, stuck and time checks still apply.
  config.spike_check = info.continuous && info.category != SensorCategory::kGas;
  config.stuck_check = info.continuous;
  if (info.zero_baseline) {
    config.stuck_exempt_value = 0.0;
  }
  // A spike must also move by more than the sensor's resolution and normal jitter: with the
  // Hampel threshold alone, a quiet sensor (MAD ≈ 0) or one reporting in steps (1 %LEL, 0.1 %
  // O2) flags ordinary changes — about 9 % of plain noise in the simulator's trials.
  switch (kind) {
    case SensorKind::kCombustibleLel:
      config.spike_min_deviation = 5.0;
      break;
    case SensorKind::kCombustibleVol:
      config.spike_min_deviation = 0.25;
      break;
    case SensorKind::kOxygen:
      config.spike_min_deviation = 0.5;
      break;
    case SensorKind::kH2S:
      config.spike_min_deviation = 3.0;
      break;
    case SensorKind::kCO:
      config.spike_min_deviation = 10.0;
      break;
    case SensorKind::kNH3:
      config.spike_min_deviation = 5.0;
      break;
    case SensorKind::kCl2:
      config.spike_min_deviation = 0.5;
      break;
    case SensorKind::kTemperature:
      config.spike_min_deviation = 2.0;
      break;
    case SensorKind::kHumidity:
      config.spike_min_deviation = 5.0;
      break;
    case SensorKind::kDust:
      config.spike_min_deviation = 2.0;
      break;
    case SensorKind::kNoise:
      config.spike_min_deviation = 5.0;
      break;
    case SensorKind::kWindSpeed:
      config.spike_min_deviation = 3.0;
      break;
    case SensorKind::kEquipmentTemperature:
      config.spike_min_deviation = 5.0;
      break;
    case SensorKind::kPressure:
      config.spike_min_deviation = 0.05;
      break;
    case SensorKind::kVibration:
      config.spike_min_deviation = 1.0;
      break;
    case SensorKind::kSpeed:
      config.spike_min_deviation = 50.0;
      break;
    case SensorKind::kFaultCode:
      break;
  }
  return config;
}

SensorState::SensorState(const CleaningConfig& config) : config_(config) {
  config_.hampel_window = std::clamp<std::size_t>(config_.hampel_window, 3, kMaxHampelWindow);
}

QualityFlags clean(SensorState& s, const Reading& reading, Instant now) {
  const CleaningConfig& c = s.config_;
  const double x = reading.value;
  QualityFlags flags;

  // Written so that NaN fails the test too.
  if (!(x >= c.range_min && x <= c.range_max)) {
    flags.set(QualityFlag::kOutOfRange);
  }
  if (reading.at > now + c.future_skew) {
    flags.set(QualityFlag::kFuture);
  }
  if (reading.at < now - c.max_age) {
    flags.set(QualityFlag::kTooOld);
  }
  for (std::size_t i = 0; i < s.recent_count_; ++i) {
    if (s.recent_[i] == reading.at) {
      flags.set(QualityFlag::kDuplicate);
      return flags;
    }
  }

  if (!s.last_seen_ || now > *s.last_seen_) {
    s.last_seen_ = now;
  }
  s.recent_[s.recent_next_] = reading.at;
  s.recent_next_ = (s.recent_next_ + 1) % kRecentTimestamps;
  s.recent_count_ = std::min(s.recent_count_ + 1, kRecentTimestamps);

  if (!flags.valid()) {
    // Untrusted time or value: keep it out of the spike window and the stuck run.
    return flags;
  }
  const bool in_order = !s.has_newest_ || reading.at > s.newest_at_;

  int outlier_side = 0;
  if (c.spike_check && s.window_count_ == c.hampel_window) {
    std::array<double, kMaxHampelWindow> scratch;
    std::copy_n(s.window_.begin(), s.window_count_, scratch.begin());
    const double median = medianInPlace(scratch.data(), s.window_count_);
    for (std::size_t i = 0; i < s.window_count_; ++i) {
      scratch[i] = std::abs(scratch[i] - median);
    }
    const double mad = medianInPlace(scratch.data(), s.window_count_);
    const double deviation = std::abs(x - median);
    if (deviation > c.hampel_k * kMadScale * mad && deviation > c.spike_min_deviation) {
      outlier_side = x > median ? 1 : -1;
    }
  }
  if (!in_order) {
    if (outlier_side != 0) {
      flags.set(QualityFlag::kSpike);
    }
    return flags;
  }
  s.has_newest_ = true;
  s.newest_at_ = reading.at;

  if (outlier_side != 0 && outlier_side == s.pending_outlier_side_) {
    // Level shift: restart the window from the two readings on the new level.
    s.window_count_ = 0;
    s.window_next_ = 0;
    pushWindow(s.window_, s.window_count_, s.window_next_, c.hampel_window,
               s.pending_outlier_value_);
    pushWindow(s.window_, s.window_count_, s.window_next_, c.hampel_window, x);
    s.pending_outlier_side_ = 0;
  } else if (outlier_side != 0) {
    flags.set(QualityFlag::kSpike);
    s.pending_outlier_side_ = outlier_side;
    s.pending_outlier_value_ = x;
  } else {
    s.pending_outlier_side_ = 0;
    pushWindow(s.window_, s.window_count_, s.window_next_, c.hampel_window, x);
  }

  if (!s.has_run_ || std::abs(x - s.run_value_) > c.stuck_tolerance) {
    s.has_run_ = true;
    s.run_value_ = x;
    s.run_start_ = reading.at;
    s.run_count_ = 1;
  } else {
    ++s.run_count_;
  }
  const bool exempt =
      c.stuck_exempt_value && std::abs(x - *c.stuck_exempt_value) <= c.stuck_tolerance;
  if (c.stuck_check && !exempt && s.run_count_ >= c.stuck_min_readings &&
      reading.at - s.run_start_ >= c.stuck_min_duration) {
    flags.set(QualityFlag::kStuck);
  }
  return flags;
}

bool isOffline(Instant last_seen, std::chrono::milliseconds interval, Instant now, int multiple) {
  return now - last_seen >= interval * multiple;
}

const char* toString(CalibrationStatus status) {
  switch (status) {
    case CalibrationStatus::kOk:
      return "ok";
    case CalibrationStatus::kDueSoon:
      return "due_soon";
    case CalibrationStatus::kOverdue:
      return "overdue";
  }
  return "ok";
}

CalibrationStatus calibrationStatus(std::chrono::year_month_day due_date,
                                    std::chrono::year_month_day today, int due_soon_days) {
  const auto days_left = (std::chrono::sys_days{due_date} - std::chrono::sys_days{today}).count();
  if (days_left < 0) {
    return CalibrationStatus::kOverdue;
  }
  if (days_left <= due_soon_days) {
    return CalibrationStatus::kDueSoon;
  }
  return CalibrationStatus::kOk;
}

}  // namespace anguan::monitor
