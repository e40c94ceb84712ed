#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "anguan/domain/store/monitor_store.hpp"

#include "contract/backend.hpp"
#include "contract/helpers.hpp"

namespace anguan::store::contract {
namespace {

using std::chrono::minutes;

const Instant kT0 = fromMillis(1'780'000'000'000);
const std::int64_t kMs0 = 1'780'000'000'000;

AlarmRow sampleAlarm(std::int64_t area, std::int64_t sensor, const std::string& path,
                     Instant raised) {
  AlarmRow a;
  a.org_path = path;
  a.area_id = area;
  a.device_id = 3;
  a.sensor_id = sensor;
  a.kind = "gas";
  a.condition = "high";
  a.severity = "critical";
  a.state = "raised";
  a.value = 31.5;
  a.threshold = 25.0;
  a.raised_at = raised;
  a.ack_due_from = raised;
  a.note = "可燃气体";
  return a;
}

ViolationRow sampleViolation(std::int64_t area, const std::string& type, const std::string& path,
                             Instant occurred) {
  ViolationRow v;
  v.org_path = path;
  v.area_id = area;
  v.device_id = 4;
  v.type = type;
  v.person_id = 0;
  v.permit_id = 0;
  v.confidence = 0.92;
  v.frames = 5;
  v.occurred_at = occurred;
  v.received_at = occurred + std::chrono::seconds{1};
  return v;
}

class MonitorRepositoryContractTest : public StoreContractTest {
 protected:
  template <class T, class Fn>
  T mustWrite(Fn fn) {
    auto out = inWrite<T>(store(), [&](Transaction& tx) { return fn(tx.monitor()); });
    EXPECT_TRUE(out) << describe(out.error());
    return out ? *std::move(out) : T{};
  }
  template <class T, class Fn>
  T mustRead(Fn fn) {
    auto out = inRead<T>(store(), [&](Transaction& tx) { return fn(tx.monitor()); });
    EXPECT_TRUE(out) << describe(out.error());
    return out ? *std::move(out) : T{};
  }
  void writeOk(const std::function<Status(MonitorRepository&)>& fn) {
    auto status = write([&](Transaction& tx) { return fn(tx.monitor()); });
    ASSERT_TRUE(status) << describe(status.error());
  }
  std::int64_t record(const std::string& entity, const std::string& path,
                      std::map<std::string, base::Value> values) {
    auto out = inWrite<base::Record>(store(), [&](Transaction& tx) {
      return tx.records().insert(schemaNamed(entity), makeRecord(path, std::move(values)),
                                 at(1000));
    });
    EXPECT_TRUE(out) << describe(out.error());
    return out ? out->id : 0;
  }
  std::vector<ReadingRow> readings(std::int64_t sensor, std::int64_t from, std::int64_t to,
                                   std::int64_t limit = 1000) {
    return mustRead<std::vector<ReadingRow>>(
        [&](MonitorRepository& m) { return m.readings(sensor, from, to, limit); });
  }
  std::vector<RollupRow> rollups(std::int64_t sensor) {
    return mustRead<std::vector<RollupRow>>([&](MonitorRepository& m) {
      return m.rollups(sensor, RollupResolution::kMinute, 0, kMs0 * 2);
    });
  }
  std::vector<std::int64_t> alarmIds(const AlarmQuery& q, std::int64_t* total = nullptr) {
    auto rows = mustRead<std::vector<AlarmRow>>(
        [&](MonitorRepository& m) { return m.listAlarms(q, total); });
    std::vector<std::int64_t> ids;
    for (const auto& a : rows) {
      ids.push_back(a.id);
    }
    return ids;
  }
  std::vector<std::int64_t> violationIds(const ViolationQuery& q, std::int64_t* total = nullptr) {
    auto rows = mustRead<std::vector<ViolationRow>>(
        [&](MonitorRepository& m) { return m.listViolations(q, total); });
    std::vector<std::int64_t> ids;
    for (const auto& v : rows) {
      ids.push_back(v.id);
    }
    return ids;
  }
};

// ---------------------------------------------------------------- registry

TEST_P(MonitorRepositoryContractTest, RegistryReadsEveryRowWithPathsAndNullDefaults) {
  const auto area = record(
      "areas", "/1/2/",
      {{"name", std::string("罐区A")}, {"code", std::string("TA")}, {"org_id", std::int64_t{2}}});
  const auto gw = record("devices", "/1/2/",
                         {{"name", std::string("网关")},
                          {"code", std::string("GW1")},
                          {"kind", std::string("gateway")},
                          {"area_id", area},
                          {"site", std::string("plant1")},
                          {"active", false}});
  const auto det = record("devices", "/1/2/",
                          {{"name", std::string("检测仪")},
                           {"code", std::string("GD1")},
                           {"kind", std::string("gas_detector")},
                           {"area_id", area},
                           {"gateway_id", gw}});
  const auto s1 = record("sensors", "/1/2/",
                         {{"name", std::string("LEL-1")},
                          {"code", std::string("AT-101")},
                          {"device_id", det},
                          {"kind", std::string("combustible_lel")},
                          {"area_id", area},
                          {"position", std::string("泵房东")},
                          {"interval_seconds", std::int64_t{10}},
                          {"calibration_due", std::string("2026-12-31")},
                          {"alarm_high", 50.0},
                          {"warning_high", 25.0},
                          {"active", true}});
  const auto s2 = record("sensors", "/1/2/",
                         {{"name", std::string("O2")},
                          {"code", std::string("AT-102")},
                          {"device_id", det},
                          {"kind", std::string("o2")},
                          {"area_id", area}});
  const auto th = record("area_thresholds", "/1/2/",
                         {{"area_id", area},
                          {"kind", std::string("o2")},
                          {"warning_low", 19.5},
                          {"hysteresis", 0.5},
                          {"delay_seconds", std::int64_t{30}}});

  auto reg = mustRead<Registry>([](MonitorRepository& m) { return m.registry(); });
  ASSERT_EQ(reg.areas.size(), 1u);
  EXPECT_EQ(reg.areas[0].id, area);
  EXPECT_EQ(reg.areas[0].code, "TA");
  EXPECT_EQ(reg.areas[0].name, "罐区A");
  EXPECT_EQ(reg.areas[0].org_path, "/1/2/");

  ASSERT_EQ(reg.devices.size(), 2u);
  EXPECT_EQ(reg.devices[0].id, gw);
  EXPECT_FALSE(reg.devices[0].active);
  EXPECT_EQ(reg.devices[0].gateway_id, 0);
  EXPECT_EQ(reg.devices[0].site, "plant1");
  EXPECT_EQ(reg.devices[0].kind, "gateway");
  EXPECT_EQ(reg.devices[1].id, det);
  EXPECT_TRUE(reg.devices[1].active);  // NULL counts as active.
  EXPECT_EQ(reg.devices[1].gateway_id, gw);
  EXPECT_EQ(reg.devices[1].area_id, area);
  EXPECT_EQ(reg.devices[1].org_path, "/1/2/");
  EXPECT_EQ(reg.devices[1].code, "GD1");

  ASSERT_EQ(reg.sensors.size(), 2u);
  const SensorRow& a = reg.sensors[0];
  EXPECT_EQ(a.id, s1);
  EXPECT_EQ(a.code, "AT-101");
  EXPECT_EQ(a.device_id, det);
  EXPECT_EQ(a.kind, "combustible_lel");
  EXPECT_EQ(a.area_id, area);
  EXPECT_EQ(a.org_path, "/1/2/");
  EXPECT_EQ(a.position, "泵房东");
  EXPECT_EQ(a.interval_seconds, 10);
  EXPECT_EQ(a.calibration_due, "2026-12-31");
  EXPECT_EQ(a.warning_high, 25.0);
  EXPECT_EQ(a.alarm_high, 50.0);
  EXPECT_EQ(a.warning_low, std::nullopt);
  EXPECT_EQ(a.alarm_low, std::nullopt);
  EXPECT_TRUE(a.active);
  const SensorRow& b = reg.sensors[1];
  EXPECT_EQ(b.id, s2);
  EXPECT_EQ(b.interval_seconds, 60);  // NULL -> 60.
  EXPECT_TRUE(b.active);              // NULL counts as active.
  EXPECT_EQ(b.calibration_due, "");
  EXPECT_EQ(b.alarm_high, std::nullopt);

  ASSERT_EQ(reg.area_thresholds.size(), 1u);
  const AreaThresholdRow& t = reg.area_thresholds[0];
  EXPECT_EQ(t.id, th);
  EXPECT_EQ(t.area_id, area);
  EXPECT_EQ(t.kind, "o2");
  EXPECT_EQ(t.warning_low, 19.5);
  EXPECT_EQ(t.warning_high, std::nullopt);
  EXPECT_EQ(t.hysteresis, 0.5);
  EXPECT_EQ(t.delay_seconds, 30);
  EXPECT_EQ(t.rate_per_minute, std::nullopt);
}

// ---------------------------------------------------------------- credentials

TEST_P(MonitorRepositoryContractTest, CredentialsAreLookedUpByHashAndReplacedPerDevice) {
  DeviceCredential c{7, "hash-a", "ab12", "dev-7", "$7$xyz", kT0, 1};
  writeOk([&](MonitorRepository& m) { return m.putCredential(c); });
  auto got = mustRead<DeviceCredential>(
      [](MonitorRepository& m) { return m.credentialByTokenHash("hash-a"); });
  EXPECT_EQ(got.device_id, 7);
  EXPECT_EQ(got.token_hint, "ab12");
  EXPECT_EQ(got.mqtt_username, "dev-7");
  EXPECT_EQ(got.mqtt_password_hash, "$7$xyz");
  EXPECT_EQ(got.created_at, kT0);
  EXPECT_EQ(got.created_by, 1);

  // Replacing the device's token drops the old hash.
  c.token_hash = "hash-b";
  c.token_hint = "cd34";
  writeOk([&](MonitorRepository& m) { return m.putCredential(c); });
  auto old = inRead<DeviceCredential>(
      store(), [](Transaction& tx) { return tx.monitor().credentialByTokenHash("hash-a"); });
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(old.error().key(), "monitor.device_token_invalid");
  EXPECT_EQ(mustRead<DeviceCredential>([](MonitorRepository& m) {
              return m.credentialByTokenHash("hash-b");
            }).token_hint,
            "cd34");

  // Another device cannot take the same token hash.
  DeviceCredential other{8, "hash-b", "cd34", "dev-8", "", kT0, 1};
  auto dup = write([&](Transaction& tx) { return tx.monitor().putCredential(other); });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code(), ErrorCode::kConflict);

  other.token_hash = "hash-c";
  writeOk([&](MonitorRepository& m) { return m.putCredential(other); });
  auto all =
      mustRead<std::vector<DeviceCredential>>([](MonitorRepository& m) { return m.credentials(); });
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].device_id, 7);
  EXPECT_EQ(all[1].device_id, 8);

  auto of7 = mustRead<std::optional<DeviceCredential>>(
      [](MonitorRepository& m) { return m.credentialOf(7); });
  ASSERT_TRUE(of7.has_value());
  EXPECT_EQ(of7->token_hash, "hash-b");
  writeOk([](MonitorRepository& m) { return m.removeCredential(7); });
  EXPECT_FALSE(mustRead<std::optional<DeviceCredential>>([](MonitorRepository& m) {
                 return m.credentialOf(7);
               }).has_value());
}

// ---------------------------------------------------------------- readings

TEST_P(MonitorRepositoryContractTest, ReadingsSkipDuplicatesAndQueryHalfOpenRanges) {
  std::vector<ReadingRow> rows;
  for (int i = 0; i < 10; ++i) {
    rows.push_back({1, kMs0 + i * 1000, 0, 10.0 + i, i == 3 ? 4 : 0});
  }
  rows.push_back({1, kMs0 + 5000, 1, 99.0, 1});  // Same ts, distinct seq: kept.
  rows.push_back({2, kMs0, 0, 7.5, 0});
  rows.push_back({1, kMs0, 0, -5.0, 0});  // Same key later in the batch: the first is kept.
  auto inserted =
      mustWrite<std::int64_t>([&](MonitorRepository& m) { return m.insertReadings(rows); });
  EXPECT_EQ(inserted, 12);

  // A redelivered batch: the overlap is skipped, only the new row counts.
  std::vector<ReadingRow> again = {rows[0], rows[1], {1, kMs0 + 20'000, 0, 1.0, 0}};
  again[0].value = -1;  // Not overwritten.
  EXPECT_EQ(mustWrite<std::int64_t>([&](MonitorRepository& m) { return m.insertReadings(again); }),
            1);

  auto r = readings(1, kMs0 + 1000, kMs0 + 5000);  // from inclusive, to exclusive.
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r.front().ts, kMs0 + 1000);
  EXPECT_EQ(r.back().ts, kMs0 + 4000);
  EXPECT_EQ(r[2].flags, 4);
  auto at5 = readings(1, kMs0 + 5000, kMs0 + 5001);
  ASSERT_EQ(at5.size(), 2u);
  EXPECT_EQ(at5[0].seq, 0);
  EXPECT_EQ(at5[1].seq, 1);
  EXPECT_EQ(at5[1].value, 99.0);
  EXPECT_EQ(readings(1, kMs0, kMs0 + 1)[0].value, 10.0);
  EXPECT_EQ(readings(1, kMs0, kMs0 * 2, 3).size(), 3u);  // limit
  EXPECT_EQ(readings(1, kMs0, kMs0 * 2).size(), 12u);
  EXPECT_EQ(readings(2, kMs0, kMs0 * 2).size(), 1u);
  EXPECT_TRUE(readings(3, kMs0, kMs0 * 2).empty());
}

TEST_P(MonitorRepositoryContractTest, LargeReadingBatchesCrossChunkBoundaries) {
  // Sizes around the chunk sizes of both dialects, including remainders of every kind.
  std::int64_t ts = kMs0;
  std::int64_t total = 0;
  for (int n : {1, 3, 4, 5, 255, 256, 257, 1023, 1024, 1025, 3001}) {
    std::vector<ReadingRow> rows;
    for (int i = 0; i < n; ++i) {
      rows.push_back({5, ts++, 0, static_cast<double>(i), 0});
    }
    total += n;
    EXPECT_EQ(mustWrite<std::int64_t>([&](MonitorRepository& m) { return m.insertReadings(rows); }),
              n)
        << n;
  }
  auto all = readings(5, 0, kMs0 * 2, 100000);
  ASSERT_EQ(static_cast<std::int64_t>(all.size()), total);
  for (std::size_t i = 1; i < all.size(); ++i) {
    ASSERT_EQ(all[i].ts, all[i - 1].ts + 1);
  }
  EXPECT_EQ(all.back().value, 3000.0);
}

TEST_P(MonitorRepositoryContractTest, PurgeAndCountsCoverKnownSensors) {
  std::vector<ReadingRow> rows;
  for (int i = 0; i < 6; ++i) {
    rows.push_back({1, kMs0 + i * 1000, 0, 1.0, i % 3 == 0 ? 2 : 0});
    rows.push_back({2, kMs0 + i * 1000, 0, 1.0, 0});
  }
  writeOk([&](MonitorRepository& m) -> Status {
    AG_ASSIGN_OR_RETURN(auto n, m.insertReadings(rows));
    (void)n;
    std::vector<SensorStatusRow> status = {{1, kMs0 + 5000, 1.0, 0, kMs0 + 5000, 1.0},
                                           {2, kMs0 + 5000, 1.0, 0, kMs0 + 5000, 1.0}};
    return m.upsertSensorStatus(status);
  });
  using Counts = std::pair<std::int64_t, std::int64_t>;
  EXPECT_EQ(
      mustRead<Counts>([](MonitorRepository& m) { return m.readingCounts(kMs0, kMs0 + 6000); }),
      Counts(12, 10));
  EXPECT_EQ(mustRead<Counts>(
                [](MonitorRepository& m) { return m.readingCounts(kMs0 + 1000, kMs0 + 3000); }),
            Counts(4, 4));
  EXPECT_EQ(mustRead<Counts>([](MonitorRepository& m) { return m.readingCounts(kMs0, kMs0); }),
            Counts(0, 0));

  EXPECT_EQ(
      mustWrite<std::int64_t>([](MonitorRepository& m) { return m.purgeReadings(kMs0 + 2000); }),
      4);  // ts < before: 0 s and 1 s of both sensors.
  EXPECT_EQ(readings(1, 0, kMs0 * 2).front().ts, kMs0 + 2000);
  EXPECT_EQ(readings(2, 0, kMs0 * 2).size(), 4u);
  EXPECT_EQ(mustWrite<std::int64_t>([](MonitorRepository& m) { return m.purgeReadings(0); }), 0);
}

// ---------------------------------------------------------------- roll-ups

TEST_P(MonitorRepositoryContractTest, RollupsMergeMinMaxOverValidReadingsOnly) {
  const std::int64_t bucket = kMs0;
  // First: a bucket that has only invalid readings so far (no min/max).
  std::vector<RollupRow> first = {
      {1, RollupResolution::kMinute, bucket, std::nullopt, std::nullopt, 0.0, 2, 0},
      {1, RollupResolution::kMinute, bucket + 60'000, 4.0, 6.0, 10.0, 2, 2},
      {1, RollupResolution::kHour, bucket, 4.0, 6.0, 10.0, 2, 2},
  };
  writeOk([&](MonitorRepository& m) { return m.mergeRollups(first); });
  auto r = rollups(1);
  ASSERT_EQ(r.size(), 2u);  // Only minute buckets.
  EXPECT_EQ(r[0].min_value, std::nullopt);
  EXPECT_EQ(r[0].max_value, std::nullopt);
  EXPECT_EQ(r[0].count, 2);
  EXPECT_EQ(r[0].valid_count, 0);

  // A valid reading arrives for the first bucket, an invalid one for the second, and the same
  // bucket twice in one batch.
  std::vector<RollupRow> second = {
      {1, RollupResolution::kMinute, bucket, 8.0, 8.0, 8.0, 1, 1},
      {1, RollupResolution::kMinute, bucket + 60'000, std::nullopt, std::nullopt, 0.0, 1, 0},
      {1, RollupResolution::kMinute, bucket, 3.0, 9.0, 12.0, 2, 2},
  };
  writeOk([&](MonitorRepository& m) { return m.mergeRollups(second); });
  r = rollups(1);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].bucket, bucket);
  EXPECT_EQ(r[0].min_value, 3.0);
  EXPECT_EQ(r[0].max_value, 9.0);
  EXPECT_EQ(r[0].sum_value, 20.0);
  EXPECT_EQ(r[0].count, 5);
  EXPECT_EQ(r[0].valid_count, 3);
  EXPECT_EQ(r[1].min_value, 4.0);  // An invalid reading leaves min/max alone.
  EXPECT_EQ(r[1].max_value, 6.0);
  EXPECT_EQ(r[1].sum_value, 10.0);
  EXPECT_EQ(r[1].count, 3);
  EXPECT_EQ(r[1].valid_count, 2);

  // Lower max / higher min than stored leave them; a new extreme replaces them.
  std::vector<RollupRow> third = {
      {1, RollupResolution::kMinute, bucket + 60'000, 5.0, 5.5, 10.5, 2, 2},
      {1, RollupResolution::kMinute, bucket, -1.0, 100.0, 99.0, 2, 2},
  };
  writeOk([&](MonitorRepository& m) { return m.mergeRollups(third); });
  r = rollups(1);
  EXPECT_EQ(r[0].min_value, -1.0);
  EXPECT_EQ(r[0].max_value, 100.0);
  EXPECT_EQ(r[1].min_value, 4.0);
  EXPECT_EQ(r[1].max_value, 6.0);
  EXPECT_EQ(r[1].valid_count, 4);

  auto hours = mustRead<std::vector<RollupRow>>(
      [](MonitorRepository& m) { return m.rollups(1, RollupResolution::kHour, kMs0, kMs0 + 1); });
  ASSERT_EQ(hours.size(), 1u);
  EXPECT_EQ(hours[0].resolution, RollupResolution::kHour);
  // [from, to): the bucket at `to` is excluded.
  EXPECT_TRUE(mustRead<std::vector<RollupRow>>([](MonitorRepository& m) {
                return m.rollups(1, RollupResolution::kMinute, kMs0 + 1, kMs0 + 60'000);
              }).empty());
}

// ---------------------------------------------------------------- sensor status

TEST_P(MonitorRepositoryContractTest, SensorStatusKeepsTheNewerReadingAndNewerValidReading) {
  std::vector<SensorStatusRow> first = {{1, kMs0 + 2000, 5.0, 0, kMs0 + 2000, 5.0},
                                        {2, kMs0, 1.0, 4, 0, 0.0}};
  writeOk([&](MonitorRepository& m) { return m.upsertSensorStatus(first); });
  std::vector<SensorStatusRow> second = {
      {1, kMs0 + 1000, 4.0, 0, kMs0 + 1000, 4.0},  // Older: ignored.
      {2, kMs0 + 3000, 9.0, 8, 0, 0.0},            // Newer, invalid: last_valid stays.
      {2, kMs0 + 2500, 7.0, 0, kMs0 + 2500, 7.0},  // Same sensor twice in one batch.
      {3, kMs0, 3.0, 0, kMs0, 3.0},
  };
  writeOk([&](MonitorRepository& m) { return m.upsertSensorStatus(second); });
  auto s =
      mustRead<std::vector<SensorStatusRow>>([](MonitorRepository& m) { return m.sensorStatus(); });
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].last_ts, kMs0 + 2000);
  EXPECT_EQ(s[0].last_value, 5.0);
  EXPECT_EQ(s[0].last_valid_ts, kMs0 + 2000);
  EXPECT_EQ(s[1].last_ts, kMs0 + 3000);
  EXPECT_EQ(s[1].last_value, 9.0);
  EXPECT_EQ(s[1].last_flags, 8);
  EXPECT_EQ(s[1].last_valid_ts, kMs0 + 2500);
  EXPECT_EQ(s[1].last_valid_value, 7.0);
  EXPECT_EQ(s[2].sensor_id, 3);

  // A later batch with an older valid reading leaves last_valid alone.
  std::vector<SensorStatusRow> third = {{2, kMs0 + 4000, 1.0, 0, kMs0 + 2400, 6.0}};
  writeOk([&](MonitorRepository& m) { return m.upsertSensorStatus(third); });
  s = mustRead<std::vector<SensorStatusRow>>([](MonitorRepository& m) { return m.sensorStatus(); });
  EXPECT_EQ(s[1].last_ts, kMs0 + 4000);
  EXPECT_EQ(s[1].last_valid_ts, kMs0 + 2500);
  EXPECT_EQ(s[1].last_valid_value, 7.0);
}

// ---------------------------------------------------------------- claims

TEST_P(MonitorRepositoryContractTest, ClaimsReportNewExistingAndDuplicatesInTheBatch) {
  std::vector<MessageClaim> first = {{1, 100, kMs0}, {1, 101, kMs0}, {2, 100, kMs0}};
  EXPECT_EQ(
      mustWrite<std::vector<bool>>([&](MonitorRepository& m) { return m.claimMessages(first); }),
      (std::vector<bool>{true, true, true}));
  std::vector<MessageClaim> second = {{1, 101, kMs0 + 10},
                                      {1, 102, kMs0 + 10},
                                      {1, 102, kMs0 + 10},
                                      {2, 100, kMs0 + 10},
                                      {3, -5, kMs0 + 10}};
  EXPECT_EQ(
      mustWrite<std::vector<bool>>([&](MonitorRepository& m) { return m.claimMessages(second); }),
      (std::vector<bool>{false, true, false, false, true}));

  // A batch larger than a chunk, with repeats across chunks.
  std::vector<MessageClaim> big;
  for (int i = 0; i < 1500; ++i) {
    big.push_back({9, i % 1000, kMs0 + 20});
  }
  auto flags =
      mustWrite<std::vector<bool>>([&](MonitorRepository& m) { return m.claimMessages(big); });
  ASSERT_EQ(flags.size(), 1500u);
  EXPECT_EQ(std::count(flags.begin(), flags.begin() + 1000, true), 1000);
  EXPECT_EQ(std::count(flags.begin() + 1000, flags.end(), true), 0);

  EXPECT_EQ(mustWrite<std::int64_t>([](MonitorRepository& m) { return m.purgeClaims(kMs0 + 10); }),
            3);
  // A purged claim is new again.
  EXPECT_EQ(mustWrite<std::vector<bool>>([&](MonitorRepository& m) {
              return m.claimMessages(std::span<const MessageClaim>(first.data(), 1));
            }),
            (std::vector<bool>{true}));
}

TEST_P(MonitorRepositoryContractTest, ExistingClaimsOnlyLooksAndTellsEachRow) {
  std::vector<MessageClaim> stored = {{1, 100, kMs0}, {2, -7, kMs0}};
  (void)mustWrite<std::vector<bool>>([&](MonitorRepository& m) { return m.claimMessages(stored); });
  std::vector<MessageClaim> probe = {
      {1, 100, kMs0}, {1, 101, kMs0}, {2, -7, kMs0}, {3, 100, kMs0}, {1, 100, kMs0}};
  EXPECT_EQ(
      mustRead<std::vector<bool>>([&](MonitorRepository& m) { return m.existingClaims(probe); }),
      (std::vector<bool>{true, false, true, false, true}));
  // Looking stored nothing: the unknown ones are still new to claimMessages.
  EXPECT_EQ(
      mustWrite<std::vector<bool>>([&](MonitorRepository& m) { return m.claimMessages(probe); }),
      (std::vector<bool>{false, true, false, true, false}));
  EXPECT_TRUE(mustRead<std::vector<bool>>([](MonitorRepository& m) {
                return m.existingClaims({});
              }).empty());
}

TEST_P(MonitorRepositoryContractTest, ClaimsRollBackWithTheirTransaction) {
  std::vector<MessageClaim> claims = {{1, 1, kMs0}};
  auto status = write([&](Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auto flags, tx.monitor().claimMessages(claims));
    (void)flags;
    return Error::internal("test.abort", "");
  });
  ASSERT_FALSE(status);
  EXPECT_EQ(
      mustWrite<std::vector<bool>>([&](MonitorRepository& m) { return m.claimMessages(claims); }),
      (std::vector<bool>{true}));
}

// ---------------------------------------------------------------- alarms

TEST_P(MonitorRepositoryContractTest, AlarmsRoundTripAndUpdateOptimistically) {
  AlarmRow a = sampleAlarm(5, 11, "/1/2/", kT0);
  a.threshold = std::nullopt;
  const auto id = mustWrite<std::int64_t>([&](MonitorRepository& m) { return m.insertAlarm(a); });
  ASSERT_GT(id, 0);
  auto got = mustRead<AlarmRow>([&](MonitorRepository& m) { return m.getAlarm(id); });
  EXPECT_EQ(got.version, 1);
  EXPECT_EQ(got.org_path, "/1/2/");
  EXPECT_EQ(got.area_id, 5);
  EXPECT_EQ(got.device_id, 3);
  EXPECT_EQ(got.sensor_id, 11);
  EXPECT_EQ(got.kind, "gas");
  EXPECT_EQ(got.condition, "high");
  EXPECT_EQ(got.severity, "critical");
  EXPECT_EQ(got.state, "raised");
  EXPECT_EQ(got.value, 31.5);
  EXPECT_EQ(got.threshold, std::nullopt);
  EXPECT_EQ(got.raised_at, kT0);
  EXPECT_EQ(got.acknowledged_at, std::nullopt);
  EXPECT_EQ(got.acknowledged_by, std::nullopt);
  EXPECT_EQ(got.occurrences, 1);
  EXPECT_EQ(got.note, "可燃气体");

  got.state = "acknowledged";
  got.acknowledged_at = kT0 + minutes{1};
  got.acknowledged_by = 42;
  got.escalation_level = 2;
  got.occurrences = 3;
  auto updated = mustWrite<AlarmRow>([&](MonitorRepository& m) { return m.updateAlarm(got); });
  EXPECT_EQ(updated.version, 2);
  auto again = mustRead<AlarmRow>([&](MonitorRepository& m) { return m.getAlarm(id); });
  EXPECT_EQ(again.version, 2);
  EXPECT_EQ(again.state, "acknowledged");
  EXPECT_EQ(again.acknowledged_at, kT0 + minutes{1});
  EXPECT_EQ(again.acknowledged_by, 42);
  EXPECT_EQ(again.escalation_level, 2);
  EXPECT_EQ(again.occurrences, 3);

  // The old version is stale.
  auto stale =
      inWrite<AlarmRow>(store(), [&](Transaction& tx) { return tx.monitor().updateAlarm(got); });
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(stale.error().key(), "monitor.alarm_stale_version");

  auto missing =
      inRead<AlarmRow>(store(), [](Transaction& tx) { return tx.monitor().getAlarm(999); });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().key(), "monitor.alarm_not_found");
  AlarmRow ghost = again;
  ghost.id = 999;
  auto ghost_update =
      inWrite<AlarmRow>(store(), [&](Transaction& tx) { return tx.monitor().updateAlarm(ghost); });
  ASSERT_FALSE(ghost_update);
  EXPECT_EQ(ghost_update.error().code(), ErrorCode::kNotFound);

  // Permits and history.
  writeOk([&](MonitorRepository& m) -> Status {
    AG_RETURN_IF_ERROR(m.linkPermit({id, 70, false}));
    AG_RETURN_IF_ERROR(m.linkPermit({id, 71, true}));
    AG_RETURN_IF_ERROR(m.linkPermit({id, 70, true}));  // Re-link updates.
    AG_RETURN_IF_ERROR(m.addAlarmEvent({0, id, kT0, "raise", 0, "31.5"}));
    return m.addAlarmEvent({0, id, kT0 + minutes{1}, "acknowledge", 42, ""});
  });
  auto permits =
      mustRead<std::vector<AlarmPermit>>([&](MonitorRepository& m) { return m.permitsOf(id); });
  ASSERT_EQ(permits.size(), 2u);
  EXPECT_EQ(permits[0].permit_id, 70);
  EXPECT_TRUE(permits[0].suspended);
  EXPECT_EQ(permits[1].permit_id, 71);
  auto events =
      mustRead<std::vector<AlarmEventRow>>([&](MonitorRepository& m) { return m.alarmEvents(id); });
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].event, "raise");
  EXPECT_EQ(events[0].detail, "31.5");
  EXPECT_EQ(events[1].event, "acknowledge");
  EXPECT_EQ(events[1].actor_id, 42);
  EXPECT_EQ(events[1].at, kT0 + minutes{1});
}

TEST_P(MonitorRepositoryContractTest, AlarmListFiltersPagesAndSortsNewestFirst) {
  struct Spec {
    std::int64_t area, sensor;
    const char* path;
    int minute;
    const char* state;
    const char* severity;
  };
  const std::vector<Spec> specs = {
      {5, 11, "/1/2/", 0, "raised", "critical"},       // 1
      {5, 12, "/1/2/", 1, "acknowledged", "warning"},  // 2
      {6, 13, "/1/3/", 2, "closed", "critical"},       // 3
      {6, 13, "/1/3/", 3, "cleared", "warning"},       // 4
      {7, 14, "/1/20/", 4, "raised", "critical"},      // 5
  };
  std::vector<std::int64_t> ids;
  for (const auto& s : specs) {
    AlarmRow a = sampleAlarm(s.area, s.sensor, s.path, kT0 + minutes{s.minute});
    a.state = s.state;
    a.severity = s.severity;
    ids.push_back(mustWrite<std::int64_t>([&](MonitorRepository& m) { return m.insertAlarm(a); }));
  }
  writeOk([&](MonitorRepository& m) -> Status {
    AG_RETURN_IF_ERROR(m.linkPermit({ids[1], 80, false}));
    AG_RETURN_IF_ERROR(m.linkPermit({ids[3], 80, true}));
    return m.linkPermit({ids[3], 81, false});
  });
  auto rev = [&](std::vector<int> idx) {
    std::vector<std::int64_t> out;
    for (int i : idx) {
      out.push_back(ids[static_cast<std::size_t>(i)]);
    }
    return out;
  };

  std::int64_t total = -1;
  EXPECT_EQ(alarmIds(AlarmQuery{}, &total), rev({4, 3, 2, 1, 0}));
  EXPECT_EQ(total, 5);
  AlarmQuery q;
  q.states = {"raised", "cleared"};
  EXPECT_EQ(alarmIds(q), rev({4, 3, 0}));
  q = {};
  q.open_only = true;
  EXPECT_EQ(alarmIds(q), rev({4, 3, 1, 0}));
  q = {};
  q.area_id = 6;
  EXPECT_EQ(alarmIds(q), rev({3, 2}));
  q = {};
  q.sensor_id = 12;
  EXPECT_EQ(alarmIds(q), rev({1}));
  q = {};
  q.permit_id = 80;
  EXPECT_EQ(alarmIds(q), rev({3, 1}));
  q = {};
  q.severity = "critical";
  EXPECT_EQ(alarmIds(q), rev({4, 2, 0}));
  q = {};
  q.from = kT0 + minutes{1};  // Inclusive.
  q.to = kT0 + minutes{3};    // Exclusive.
  EXPECT_EQ(alarmIds(q), rev({2, 1}));
  q = {};
  q.scope_prefix = "/1/2/";  // Not "/1/20/".
  EXPECT_EQ(alarmIds(q), rev({1, 0}));
  q = {};
  q.scope_prefix = "/1/";
  q.open_only = true;
  q.severity = "warning";
  EXPECT_EQ(alarmIds(q, &total), rev({3, 1}));
  EXPECT_EQ(total, 2);
  q = {};
  q.page = 2;
  q.page_size = 2;
  EXPECT_EQ(alarmIds(q, &total), rev({2, 1}));
  EXPECT_EQ(total, 5);
  q.page = 3;
  EXPECT_EQ(alarmIds(q), rev({0}));

  auto open = mustRead<std::vector<AlarmRow>>([](MonitorRepository& m) { return m.openAlarms(); });
  ASSERT_EQ(open.size(), 4u);
  EXPECT_EQ(open[0].id, ids[0]);
  EXPECT_TRUE(std::none_of(open.begin(), open.end(),
                           [](const AlarmRow& a) { return a.state == "closed"; }));
}

// ---------------------------------------------------------------- violations

TEST_P(MonitorRepositoryContractTest, ViolationsRoundTripUpdateAndFilter) {
  ViolationRow v = sampleViolation(5, "no_helmet", "/1/2/", kT0);
  v.person_id = 9;
  v.permit_id = 70;
  v.has_snapshot = true;
  v.needs_training = true;
  const auto a =
      mustWrite<std::int64_t>([&](MonitorRepository& m) { return m.insertViolation(v); });
  const auto b = mustWrite<std::int64_t>([&](MonitorRepository& m) {
    return m.insertViolation(sampleViolation(6, "smoking", "/1/3/", kT0 + minutes{1}));
  });
  const auto c = mustWrite<std::int64_t>([&](MonitorRepository& m) {
    return m.insertViolation(sampleViolation(5, "no_helmet", "/1/2/", kT0 + minutes{2}));
  });
  auto got = mustRead<ViolationRow>([&](MonitorRepository& m) { return m.getViolation(a); });
  EXPECT_EQ(got.version, 1);
  EXPECT_EQ(got.type, "no_helmet");
  EXPECT_EQ(got.person_id, 9);
  EXPECT_EQ(got.permit_id, 70);
  EXPECT_DOUBLE_EQ(got.confidence, 0.92);
  EXPECT_EQ(got.frames, 5);
  EXPECT_EQ(got.occurred_at, kT0);
  EXPECT_EQ(got.received_at, kT0 + std::chrono::seconds{1});
  EXPECT_TRUE(got.has_snapshot);
  EXPECT_TRUE(got.needs_training);
  EXPECT_EQ(got.status, "open");
  EXPECT_EQ(got.handled_by, std::nullopt);

  got.status = "handled";
  got.handled_by = 4;
  got.handled_at = kT0 + minutes{5};
  got.note = "已教育";
  EXPECT_EQ(
      mustWrite<ViolationRow>([&](MonitorRepository& m) { return m.updateViolation(got); }).version,
      2);
  auto stale = inWrite<ViolationRow>(
      store(), [&](Transaction& tx) { return tx.monitor().updateViolation(got); });
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code(), ErrorCode::kConflict);
  auto reread = mustRead<ViolationRow>([&](MonitorRepository& m) { return m.getViolation(a); });
  EXPECT_EQ(reread.status, "handled");
  EXPECT_EQ(reread.handled_by, 4);
  EXPECT_EQ(reread.handled_at, kT0 + minutes{5});
  EXPECT_EQ(reread.note, "已教育");
  auto missing =
      inRead<ViolationRow>(store(), [](Transaction& tx) { return tx.monitor().getViolation(999); });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);

  std::int64_t total = -1;
  EXPECT_EQ(violationIds({}, &total), (std::vector<std::int64_t>{c, b, a}));
  EXPECT_EQ(total, 3);
  ViolationQuery q;
  q.area_id = 5;
  EXPECT_EQ(violationIds(q), (std::vector<std::int64_t>{c, a}));
  q = {};
  q.permit_id = 70;
  EXPECT_EQ(violationIds(q), (std::vector<std::int64_t>{a}));
  q = {};
  q.person_id = 9;
  EXPECT_EQ(violationIds(q), (std::vector<std::int64_t>{a}));
  q = {};
  q.type = "smoking";
  EXPECT_EQ(violationIds(q), (std::vector<std::int64_t>{b}));
  q = {};
  q.status = "open";
  EXPECT_EQ(violationIds(q), (std::vector<std::int64_t>{c, b}));
  q = {};
  q.scope_prefix = "/1/3/";
  EXPECT_EQ(violationIds(q), (std::vector<std::int64_t>{b}));
  q = {};
  q.from = kT0 + minutes{1};
  q.to = kT0 + minutes{2};
  EXPECT_EQ(violationIds(q), (std::vector<std::int64_t>{b}));
  q = {};
  q.page = 2;
  q.page_size = 2;
  EXPECT_EQ(violationIds(q, &total), (std::vector<std::int64_t>{a}));
  EXPECT_EQ(total, 3);
}

TEST_P(MonitorRepositoryContractTest, SnapshotsKeepEveryByteAndTrainingNeedsListPerPerson) {
  std::string jpeg("\xFF\xD8\xFF\xE0", 4);
  jpeg += std::string("\0\x10JFIF\0", 7);
  for (int i = 0; i < 512; ++i) {
    jpeg += static_cast<char>(i % 256);
  }
  jpeg += std::string("\xFF\xD9", 2);
  writeOk([&](MonitorRepository& m) { return m.putSnapshot(12, "image/jpeg", jpeg); });
  auto snap = mustRead<std::pair<std::string, std::string>>(
      [](MonitorRepository& m) { return m.snapshot(12); });
  EXPECT_EQ(snap.first, "image/jpeg");
  ASSERT_EQ(snap.second.size(), jpeg.size());
  EXPECT_EQ(snap.second, jpeg);

  // Replacing it.
  const std::string png("\x89PNG\r\n\x1a\n\0\0", 10);
  writeOk([&](MonitorRepository& m) { return m.putSnapshot(12, "image/png", png); });
  snap = mustRead<std::pair<std::string, std::string>>(
      [](MonitorRepository& m) { return m.snapshot(12); });
  EXPECT_EQ(snap.first, "image/png");
  EXPECT_EQ(snap.second, png);

  auto missing = inRead<std::pair<std::string, std::string>>(
      store(), [](Transaction& tx) { return tx.monitor().snapshot(13); });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().key(), "monitor.snapshot_not_found");

  const auto n1 = mustWrite<std::int64_t>([](MonitorRepository& m) {
    return m.insertTrainingNeed({0, 9, 12, "未戴安全帽", kT0, std::nullopt});
  });
  mustWrite<std::int64_t>([](MonitorRepository& m) {
    return m.insertTrainingNeed({0, 10, 13, "吸烟", kT0, kT0 + minutes{9}});
  });
  auto needs =
      mustRead<std::vector<TrainingNeed>>([](MonitorRepository& m) { return m.trainingNeeds(9); });
  ASSERT_EQ(needs.size(), 1u);
  EXPECT_EQ(needs[0].id, n1);
  EXPECT_EQ(needs[0].violation_id, 12);
  EXPECT_EQ(needs[0].reason, "未戴安全帽");
  EXPECT_EQ(needs[0].created_at, kT0);
  EXPECT_EQ(needs[0].done_at, std::nullopt);
  EXPECT_EQ(mustRead<std::vector<TrainingNeed>>(
                [](MonitorRepository& m) { return m.trainingNeeds(10); })[0]
                .done_at,
            kT0 + minutes{9});
}

// ---------------------------------------------------------------- dead letters

TEST_P(MonitorRepositoryContractTest, DeadLettersKeepGarbagePayloadsNewestFirst) {
  std::string garbage("{\"v\":\0\xFF\xFE", 8);
  garbage += "温度";
  writeOk([&](MonitorRepository& m) -> Status {
    AG_RETURN_IF_ERROR(
        m.insertDeadLetter({0, kT0, "http", "GD1", "telemetry.bad_json", "bad json", garbage}));
    AG_RETURN_IF_ERROR(
        m.insertDeadLetter({0, kT0 + minutes{1}, "mqtt", "anguan/p/x/telemetry",
                            "telemetry.unknown_device", "", std::string(10'000, 'x')}));
    return m.insertDeadLetter({0, kT0 + minutes{2}, "mqtt", "t", "telemetry.bad_token", "", ""});
  });
  std::int64_t total = 0;
  auto all = mustRead<std::vector<DeadLetter>>(
      [&](MonitorRepository& m) { return m.deadLetters(0, 10, &total); });
  EXPECT_EQ(total, 3);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].code, "telemetry.bad_token");
  EXPECT_EQ(all[1].payload.size(), 4096u);  // Cut to 4 KiB.
  EXPECT_EQ(all[2].channel, "http");
  EXPECT_EQ(all[2].source, "GD1");
  EXPECT_EQ(all[2].reason, "bad json");
  EXPECT_EQ(all[2].received_at, kT0);
  // NUL and invalid bytes become U+FFFD; valid text is kept.
  EXPECT_EQ(all[2].payload, "{\"v\":\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD温度");

  auto page = mustRead<std::vector<DeadLetter>>(
      [&](MonitorRepository& m) { return m.deadLetters(1, 1, nullptr); });
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].code, "telemetry.unknown_device");
}

// ---------------------------------------------------------------- webhooks

TEST_P(MonitorRepositoryContractTest, WebhooksCrudAndDueDeliveriesOldestFirst) {
  WebhookRow w;
  w.org_path = "/1/";
  w.name = "值班群";
  w.format = "dingtalk";
  w.url = "http://127.0.0.1:9/robot";
  w.topics = "alarm,violation";
  w.min_severity = "critical";
  w.secret = "SEC123";
  w.created_at = kT0;
  w.updated_at = kT0;
  const auto id = mustWrite<std::int64_t>([&](MonitorRepository& m) { return m.insertWebhook(w); });
  auto got = mustRead<WebhookRow>([&](MonitorRepository& m) { return m.getWebhook(id); });
  EXPECT_EQ(got.version, 1);
  EXPECT_EQ(got.name, "值班群");
  EXPECT_EQ(got.format, "dingtalk");
  EXPECT_EQ(got.topics, "alarm,violation");
  EXPECT_EQ(got.min_severity, "critical");
  EXPECT_EQ(got.secret, "SEC123");
  EXPECT_TRUE(got.active);
  EXPECT_EQ(got.created_at, kT0);

  got.active = false;
  got.url = "http://127.0.0.1:9/other";
  got.updated_at = kT0 + minutes{1};
  auto updated = mustWrite<WebhookRow>([&](MonitorRepository& m) { return m.updateWebhook(got); });
  EXPECT_EQ(updated.version, 2);
  EXPECT_FALSE(updated.active);
  EXPECT_EQ(updated.url, "http://127.0.0.1:9/other");
  EXPECT_EQ(updated.created_at, kT0);
  EXPECT_EQ(updated.updated_at, kT0 + minutes{1});
  auto stale = inWrite<WebhookRow>(
      store(), [&](Transaction& tx) { return tx.monitor().updateWebhook(got); });
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().key(), "monitor.webhook_stale_version");

  auto delivery = [&](int minute, const char* status) {
    WebhookDelivery d;
    d.webhook_id = id;
    d.topic = "alarm";
    d.payload = "{\"msgtype\":\"text\"}";
    d.status = status;
    d.next_attempt_at = kT0 + minutes{minute};
    d.created_at = kT0;
    return mustWrite<std::int64_t>([&](MonitorRepository& m) { return m.insertDelivery(d); });
  };
  const auto d_late = delivery(10, "pending");
  const auto d_early = delivery(2, "pending");
  const auto d_sent = delivery(1, "sent");
  const auto d_now = delivery(5, "pending");
  auto due = mustRead<std::vector<WebhookDelivery>>(
      [](MonitorRepository& m) { return m.dueDeliveries(kT0 + minutes{5}, 10); });
  ASSERT_EQ(due.size(), 2u);  // next_attempt_at <= now, pending only.
  EXPECT_EQ(due[0].id, d_early);
  EXPECT_EQ(due[1].id, d_now);
  EXPECT_EQ(due[0].payload, "{\"msgtype\":\"text\"}");
  EXPECT_EQ(mustRead<std::vector<WebhookDelivery>>([](MonitorRepository& m) {
              return m.dueDeliveries(kT0 + minutes{5}, 1);
            }).size(),
            1u);

  WebhookDelivery d = due[0];
  d.status = "sent";
  d.attempts = 1;
  d.sent_at = kT0 + minutes{3};
  writeOk([&](MonitorRepository& m) { return m.updateDelivery(d); });
  WebhookDelivery retry = due[1];
  retry.attempts = 1;
  retry.last_error = "HTTP 502";
  retry.next_attempt_at = kT0 + minutes{20};
  writeOk([&](MonitorRepository& m) { return m.updateDelivery(retry); });
  due = mustRead<std::vector<WebhookDelivery>>(
      [](MonitorRepository& m) { return m.dueDeliveries(kT0 + minutes{15}, 10); });
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, d_late);

  auto of = mustRead<std::vector<WebhookDelivery>>(
      [&](MonitorRepository& m) { return m.deliveriesOf(id, 10); });
  ASSERT_EQ(of.size(), 4u);
  EXPECT_EQ(of[0].id, d_now);  // Newest first.
  EXPECT_EQ(of[0].last_error, "HTTP 502");
  EXPECT_EQ(of[0].attempts, 1);
  EXPECT_EQ(of[1].id, d_sent);
  EXPECT_EQ(of[2].sent_at, kT0 + minutes{3});

  EXPECT_EQ(
      mustRead<std::vector<WebhookRow>>([](MonitorRepository& m) { return m.webhooks(); }).size(),
      1u);
  writeOk([&](MonitorRepository& m) { return m.removeWebhook(id); });
  EXPECT_TRUE(
      mustRead<std::vector<WebhookRow>>([](MonitorRepository& m) { return m.webhooks(); }).empty());
  EXPECT_TRUE(mustRead<std::vector<WebhookDelivery>>([&](MonitorRepository& m) {
                return m.deliveriesOf(id, 10);
              }).empty());
  auto gone = write([&](Transaction& tx) { return tx.monitor().removeWebhook(id); });
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code(), ErrorCode::kNotFound);
}

AG_INSTANTIATE_FOR_BACKENDS(MonitorRepositoryContractTest);

}  // namespace
}  // namespace anguan::store::contract
