// Roll-ups of readings into 1-minute and 1-hour buckets, kept up to date as data arrives, and the
// choice of resolution for a chart query by its span:
//   span <= 2 h -> raw, span <= 3 days -> 1-minute, longer -> 1-hour (both limits inclusive).
//
// count counts every reading (flagged ones too); min/max/sum and valid_count cover valid readings
// only, so avg = sum / valid_count is what charts and O3 use. Buckets start on whole UTC minutes
// or hours (Asia/Shanghai is a whole-hour offset, so its hours line up too).
//
// Thread safety: value types and pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>

#include "anguan/core/clock.hpp"

namespace anguan::monitor {

enum class Resolution : std::uint8_t { kRaw, kMinute, kHour };

inline constexpr std::chrono::milliseconds kRawMaxSpan = std::chrono::hours(2);
inline constexpr std::chrono::milliseconds kMinuteMaxSpan = std::chrono::days(3);

Resolution chooseResolution(std::chrono::milliseconds span);

// Start of the bucket holding `t`. REQUIRES: resolution != kRaw.
Instant bucketStart(Instant t, Resolution resolution);

struct RollupBucket {
  Instant start{};
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  double sum = 0.0;
  std::int64_t count = 0;
  std::int64_t valid_count = 0;

  // Mean of the valid readings; nullopt when there are none.
  std::optional<double> avg() const;
  bool operator==(const RollupBucket&) const = default;
};

RollupBucket emptyBucket(Instant t, Resolution resolution);

// Adds one reading to `bucket`. REQUIRES: the reading belongs to it.
void addReading(RollupBucket& bucket, double value, bool valid);

// Folds `from` into `into` (e.g. a minute bucket into its hour, or two partial buckets of the
// same period computed on different nodes). Keeps into.start.
void merge(RollupBucket& into, const RollupBucket& from);

}  // namespace anguan::monitor
