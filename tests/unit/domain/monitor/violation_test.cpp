#include "anguan/domain/monitor/violation.hpp"

#include <chrono>
#include <limits>

#include <gtest/gtest.h>

namespace anguan::monitor {
namespace {

using namespace std::chrono_literals;

const Instant kT0 = fromMillis(1'800'000'000'000);

using enum ViolationType;

TEST(MonitorViolationTest, CatalogueCodesRoundTripAndOnlyGuardianAbsentSuspendsWork) {
  ASSERT_EQ(allViolationTypes().size(), kViolationTypeCount);
  for (std::size_t i = 0; i < kViolationTypeCount; ++i) {
    const ViolationTypeInfo& info = allViolationTypes()[i];
    EXPECT_EQ(static_cast<std::size_t>(info.type), i);
    EXPECT_EQ(parseViolationType(info.code), info.type);
    EXPECT_EQ(info.suspends_work, info.type == kGuardianAbsent) << info.code;
  }
  EXPECT_EQ(parseViolationType("no_gloves"), std::nullopt);
  EXPECT_TRUE(violationInfo(kNoHelmet).ppe);
  EXPECT_TRUE(violationInfo(kNoHarness).ppe);
  EXPECT_FALSE(violationInfo(kSmoking).ppe);
  EXPECT_TRUE(violationInfo(kNoHelmet).marks_training);
  EXPECT_FALSE(violationInfo(kFireSmoke).marks_training);
  EXPECT_EQ(violationInfo(kOvercrowding).source, EventSource::kPositioning);
  EXPECT_EQ(violationInfo(kIntrusion).source, EventSource::kCamera);
}

struct ConfirmRow {
  ViolationType type;
  int frames;
  double confidence;
  bool confirmed;
};

TEST(MonitorViolationTest, ConfirmedAtMinFramesAndMinConfidence) {
  const ConfirmRow rows[] = {
      {kNoHelmet, 3, 0.80, true},      {kNoHelmet, 2, 0.99, false}, {kNoHelmet, 3, 0.79, false},
      {kNoHarness, 10, 1.0, true},     {kFireSmoke, 3, 0.60, true}, {kFireSmoke, 3, 0.59, false},
      {kGuardianAbsent, 0, 0.0, true}, {kOvertime, 0, 0.0, true},
  };
  const ViolationPolicy policy;
  for (const ConfirmRow& row : rows) {
    ViolationEvent e;
    e.type = row.type;
    e.frames = row.frames;
    e.confidence = row.confidence;
    EXPECT_EQ(isConfirmed(e, policy), row.confirmed)
        << violationInfo(row.type).code << " " << row.frames << " " << row.confidence;
  }

  ViolationPolicy strict;
  strict.rules[static_cast<std::size_t>(kSmoking)] = {5, 0.9};
  ViolationEvent e;
  e.type = kSmoking;
  e.frames = 4;
  e.confidence = 0.95;
  EXPECT_FALSE(isConfirmed(e, strict));
  e.frames = 5;
  EXPECT_TRUE(isConfirmed(e, strict));
}

TEST(MonitorViolationTest, ValidateRejectsBadConfidenceAndFrames) {
  struct Row {
    double confidence;
    int frames;
    const char* key;
  };
  const Row rows[] = {
      {0.0, 0, ""},
      {1.0, 5, ""},
      {1.01, 5, "violation.bad_confidence"},
      {-0.01, 5, "violation.bad_confidence"},
      {std::numeric_limits<double>::quiet_NaN(), 5, "violation.bad_confidence"},
      {0.5, -1, "violation.bad_frames"},
  };
  for (const Row& row : rows) {
    ViolationEvent e;
    e.confidence = row.confidence;
    e.frames = row.frames;
    const Status s = validateEvent(e);
    if (std::string(row.key).empty()) {
      EXPECT_TRUE(s.has_value());
    } else {
      ASSERT_TRUE(s.has_error()) << row.key;
      EXPECT_EQ(s.error().key(), row.key);
    }
  }
}

ViolationEvent event(ViolationType type, std::int64_t area, std::int64_t person,
                     std::int64_t device, std::chrono::milliseconds offset) {
  ViolationEvent e;
  e.type = type;
  e.area_id = area;
  e.person_id = person;
  e.device_id = device;
  e.at = kT0 + offset;
  return e;
}

struct DedupRow {
  const char* name;
  ViolationEvent e;
  Dedup expected;
};

TEST(MonitorViolationTest, DeduperWindowRunsFromTheLastNewViolation) {
  const DedupRow rows[] = {
      {"first", event(kNoHelmet, 1, 7, 100, 0ms), Dedup::kNew},
      {"same person just inside the window", event(kNoHelmet, 1, 7, 101, 5min - 1ms),
       Dedup::kDuplicate},
      {"at exactly the window", event(kNoHelmet, 1, 7, 100, 5min), Dedup::kNew},
      {"window restarted at 5 min", event(kNoHelmet, 1, 7, 100, 10min - 1ms), Dedup::kDuplicate},
      {"other area", event(kNoHelmet, 2, 7, 100, 6min), Dedup::kNew},
      {"other person", event(kNoHelmet, 1, 8, 100, 6min), Dedup::kNew},
      {"other type", event(kSmoking, 1, 7, 100, 6min), Dedup::kNew},
      {"no person: keyed by camera", event(kIntrusion, 1, 0, 100, 6min), Dedup::kNew},
      {"same camera, no person", event(kIntrusion, 1, 0, 100, 7min), Dedup::kDuplicate},
      {"other camera, no person", event(kIntrusion, 1, 0, 101, 7min), Dedup::kNew},
      {"late arrival inside the window", event(kIntrusion, 1, 0, 100, 2min), Dedup::kDuplicate},
  };
  ViolationDeduper dedup;
  for (const DedupRow& row : rows) {
    EXPECT_EQ(dedup.check(row.e), row.expected) << row.name;
  }
}

TEST(MonitorViolationTest, PruneForgetsKeysOlderThanTheWindow) {
  ViolationDeduper dedup(1min);
  EXPECT_EQ(dedup.check(event(kNoHelmet, 1, 7, 0, 0ms)), Dedup::kNew);
  EXPECT_EQ(dedup.check(event(kNoHelmet, 2, 7, 0, 30s)), Dedup::kNew);
  dedup.prune(kT0 + 1min);
  EXPECT_EQ(dedup.size(), 1U);
  dedup.prune(kT0 + 90s - 1ms);
  EXPECT_EQ(dedup.size(), 1U);
  dedup.prune(kT0 + 90s);
  EXPECT_EQ(dedup.size(), 0U);
}

}  // namespace
}  // namespace anguan::monitor
