#include "anguan/domain/monitor/rollup.hpp"

#include <chrono>

#include <gtest/gtest.h>

namespace anguan::monitor {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

TEST(MonitorRollupTest, ResolutionBoundariesAreInclusive) {
  struct Row {
    milliseconds span;
    Resolution expected;
  };
  const Row rows[] = {
      {0ms, Resolution::kRaw},
      {-1h, Resolution::kRaw},
      {2h, Resolution::kRaw},
      {2h + 1ms, Resolution::kMinute},
      {std::chrono::days(3), Resolution::kMinute},
      {std::chrono::days(3) + 1ms, Resolution::kHour},
      {std::chrono::days(365), Resolution::kHour},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(chooseResolution(row.span), row.expected) << row.span.count();
  }
}

TEST(MonitorRollupTest, BucketStartFloorsToTheMinuteOrHour) {
  struct Row {
    std::int64_t t;
    Resolution resolution;
    std::int64_t start;
  };
  // 1'800'000'000'000 ms is 2027-01-15T08:00:00Z.
  const std::int64_t hour = 1'800'000'000'000;
  const Row rows[] = {
      {hour, Resolution::kMinute, hour},
      {hour, Resolution::kHour, hour},
      {hour + 59'999, Resolution::kMinute, hour},
      {hour + 60'000, Resolution::kMinute, hour + 60'000},
      {hour + 3'599'999, Resolution::kHour, hour},
      {hour + 3'600'000, Resolution::kHour, hour + 3'600'000},
      {hour + 754'321, Resolution::kMinute, hour + 720'000},
      {-1, Resolution::kMinute, -60'000},  // Before the epoch still floors down.
  };
  for (const Row& row : rows) {
    EXPECT_EQ(toMillis(bucketStart(fromMillis(row.t), row.resolution)), row.start) << row.t;
  }
}

TEST(MonitorRollupTest, FlaggedReadingsCountButDoNotShapeTheStatistics) {
  RollupBucket b = emptyBucket(fromMillis(90'000), Resolution::kMinute);
  EXPECT_EQ(toMillis(b.start), 60'000);
  EXPECT_EQ(b.avg(), std::nullopt);
  addReading(b, 500.0, false);
  EXPECT_EQ(b.avg(), std::nullopt);
  addReading(b, 2.0, true);
  addReading(b, 4.0, true);
  addReading(b, -1.0, false);
  EXPECT_EQ(b.count, 4);
  EXPECT_EQ(b.valid_count, 2);
  EXPECT_EQ(b.min, 2.0);
  EXPECT_EQ(b.max, 4.0);
  EXPECT_EQ(b.sum, 6.0);
  EXPECT_EQ(b.avg(), 3.0);
}

TEST(MonitorRollupTest, MergingMinutesGivesTheSameHourAsAddingDirectly) {
  const Instant hour = fromMillis(1'800'000'000'000);
  RollupBucket direct = emptyBucket(hour, Resolution::kHour);
  RollupBucket merged = emptyBucket(hour, Resolution::kHour);
  for (int minute = 0; minute < 60; minute += 7) {
    RollupBucket m = emptyBucket(hour + std::chrono::minutes(minute), Resolution::kMinute);
    for (int i = 0; i < 3; ++i) {
      const double v = minute + i * 0.5;
      const bool valid = i != 2 || minute % 2 == 0;
      addReading(m, v, valid);
      addReading(direct, v, valid);
    }
    merge(merged, m);
  }
  RollupBucket empty_minute = emptyBucket(hour, Resolution::kMinute);
  merge(merged, empty_minute);  // An empty bucket changes nothing.
  EXPECT_EQ(merged, direct);
  EXPECT_EQ(merged.start, hour);
  EXPECT_EQ(merged.min, 0.0);
  EXPECT_EQ(merged.max, 57.0);
}

}  // namespace
}  // namespace anguan::monitor
