#include "anguan/domain/monitor/rollup.hpp"

#include <algorithm>

#include "anguan/core/assert.hpp"

namespace anguan::monitor {

Resolution chooseResolution(std::chrono::milliseconds span) {
  if (span <= kRawMaxSpan) {
    return Resolution::kRaw;
  }
  if (span <= kMinuteMaxSpan) {
    return Resolution::kMinute;
  }
  return Resolution::kHour;
}

Instant bucketStart(Instant t, Resolution resolution) {
  AG_ASSERT(resolution != Resolution::kRaw, "raw readings have no bucket");
  if (resolution == Resolution::kHour) {
    return std::chrono::floor<std::chrono::hours>(t);
  }
  return std::chrono::floor<std::chrono::minutes>(t);
}

std::optional<double> RollupBucket::avg() const {
  if (valid_count == 0) {
    return std::nullopt;
  }
  return sum / static_cast<double>(valid_count);
}

RollupBucket emptyBucket(Instant t, Resolution resolution) {
  RollupBucket bucket;
  bucket.start = bucketStart(t, resolution);
  return bucket;
}

void addReading(RollupBucket& bucket, double value, bool valid) {
  ++bucket.count;
  if (!valid) {
    return;
  }
  ++bucket.valid_count;
  bucket.sum += value;
  bucket.min = std::min(bucket.min, value);
  bucket.max = std::max(bucket.max, value);
}

void merge(RollupBucket& into, const RollupBucket& from) {
  into.count += from.count;
  into.valid_count += from.valid_count;
  into.sum += from.sum;
  into.min = std::min(into.min, from.min);
  into.max = std::max(into.max, from.max);
}

}  // namespace anguan::monitor
