// seedMonitorDemo on a real SQLite store: the registry and credentials it creates, and that a
// second run changes nothing.
#include "anguan/service/monitor_demo.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "anguan/core/crypto.hpp"
#include "anguan/domain/base/schema.hpp"
#include "anguan/domain/monitor/sensor_kind.hpp"

#include "unit/service/service_fixture.hpp"

namespace anguan::service {
namespace {

class MonitorDemoTest : public service_testing::SqliteServiceTest {
 protected:
  void SetUp() override {
    SqliteServiceTest::SetUp();
    // One company and the demo enterprise's areas that the monitoring demo uses.
    Status st = store_->write([&](store::Transaction& tx) -> Status {
      const auto* orgs = base::findSchema("org_units");
      base::Record org;
      org.values = {{"name", std::string("华安化工")},
                    {"code", std::string("HACHEM")},
                    {"kind", std::string("company")}};
      org.org_path = "/";
      AG_ASSIGN_OR_RETURN(base::Record stored, tx.records().insert(*orgs, org, clock_.now()));
      stored.org_id = stored.id;
      stored.org_path = "/" + std::to_string(stored.id) + "/";
      AG_ASSIGN_OR_RETURN(stored, tx.records().update(*orgs, stored, clock_.now()));
      org_path_ = stored.org_path;
      double x = 0.0;
      for (const char* code : {"A-P1-PR", "A-P2-PR", "A-P1-CDU", "A-P1-FCC", "A-P1-TF1", "A-P1-MW",
                               "A-P2-HDT", "A-P2-TF2", "A-P2-UTL"}) {
        base::Record area;
        area.org_id = stored.id;
        area.org_path = stored.org_path;
        area.values = {{"name", std::string("区域 ") + code},
                       {"code", std::string(code)},
                       {"org_id", stored.id},
                       {"kind", std::string("process_unit")},
                       {"plan_x", x},
                       {"plan_y", 100.0}};
        x += 50.0;
        AG_ASSIGN_OR_RETURN(base::Record a,
                            tx.records().insert(*base::findSchema("areas"), area, clock_.now()));
        area_ids_[code] = a.id;
      }
      return okStatus();
    });
    ASSERT_TRUE(st) << st.error().message();
  }

  store::Registry registry() {
    store::Registry out;
    Status st = store_->read([&](store::Transaction& tx) -> Status {
      AG_ASSIGN_OR_RETURN(out, tx.monitor().registry());
      return okStatus();
    });
    EXPECT_TRUE(st) << st.error().message();
    return out;
  }

  std::vector<store::DeviceCredential> credentials() {
    std::vector<store::DeviceCredential> out;
    Status st = store_->read([&](store::Transaction& tx) -> Status {
      AG_ASSIGN_OR_RETURN(out, tx.monitor().credentials());
      return okStatus();
    });
    EXPECT_TRUE(st) << st.error().message();
    return out;
  }

  std::string org_path_;
  std::map<std::string, std::int64_t> area_ids_;
};

TEST_F(MonitorDemoTest, SeedsDevicesSensorsThresholdAndOneCredentialPerDevice) {
  auto seeded = seedMonitorDemo(*store_, clock_, settings_);
  ASSERT_TRUE(seeded) << seeded.error().message();
  const auto& devices = *seeded;
  std::size_t sensors = 0;
  std::map<std::string, int> kinds;
  std::set<std::string> device_kinds;
  int silent = 0;
  for (const auto& d : devices) {
    EXPECT_EQ(d.token.size(), 43U) << d.code;
    EXPECT_TRUE(d.site == "p1" || d.site == "p2") << d.code;
    device_kinds.insert(d.kind);
    for (const auto& s : d.sensors) {
      ++sensors;
      ++kinds[s.kind];
      EXPECT_TRUE(monitor::parseSensorKind(s.kind).has_value()) << s.kind;
      EXPECT_GE(s.interval_seconds, 1);
      silent += s.goes_silent ? 1 : 0;
    }
  }
  EXPECT_GE(sensors, 40U);
  EXPECT_LE(sensors, 60U);
  EXPECT_EQ(silent, 1);
  for (const char* k :
       {"combustible_lel", "o2", "h2s", "co", "temperature", "humidity", "wind_speed", "noise",
        "pressure", "vibration", "equipment_temperature", "fault_code"}) {
    EXPECT_GT(kinds[k], 0) << k;
  }
  EXPECT_EQ(device_kinds, (std::set<std::string>{"gateway", "gas_detector", "sensor_node", "plc",
                                                 "camera", "positioning"}));
  EXPECT_EQ(std::count_if(devices.begin(), devices.end(),
                          [](const DemoDevice& d) { return d.kind == "camera"; }),
            2);

  const store::Registry reg = registry();
  EXPECT_EQ(reg.devices.size(), devices.size());
  EXPECT_EQ(reg.sensors.size(), sensors);
  for (const auto& d : reg.devices) {
    EXPECT_EQ(d.org_path, org_path_) << d.code;  // Scoped through the area.
  }
  // Gas detectors hang off their plant's gateway.
  std::map<std::string, std::int64_t> device_id;
  for (const auto& d : reg.devices) {
    device_id[d.code] = d.id;
  }
  for (const auto& d : reg.devices) {
    if (d.kind == "gas_detector") {
      EXPECT_EQ(d.gateway_id, device_id.at(d.site == "p1" ? "GW-P1" : "GW-P2")) << d.code;
    }
  }
  // Calibration: exactly one overdue and one due within the next week.
  const auto today = std::chrono::floor<std::chrono::days>(
      clock_.now() + std::chrono::minutes(settings_.tz_offset_minutes));
  int overdue = 0, soon = 0;
  for (const auto& s : reg.sensors) {
    auto due = parseDate(s.calibration_due);
    ASSERT_TRUE(due.has_value()) << s.code << " " << s.calibration_due;
    const auto days = (std::chrono::sys_days(*due) - today).count();
    overdue += days < 0 ? 1 : 0;
    soon += days >= 0 && days <= 7 ? 1 : 0;
  }
  EXPECT_EQ(overdue, 1);
  EXPECT_EQ(soon, 1);
  ASSERT_EQ(reg.area_thresholds.size(), 1U);
  EXPECT_EQ(reg.area_thresholds[0].area_id, area_ids_.at("A-P2-HDT"));
  EXPECT_EQ(reg.area_thresholds[0].kind, "combustible_lel");
  EXPECT_EQ(reg.area_thresholds[0].alarm_high, 40.0);

  // One credential per device, holding the token's hash (never the token) and the MQTT user.
  const auto creds = credentials();
  ASSERT_EQ(creds.size(), devices.size());
  std::map<std::int64_t, store::DeviceCredential> by_device;
  for (const auto& c : creds) {
    by_device[c.device_id] = c;
  }
  for (const auto& d : devices) {
    const auto& c = by_device.at(device_id.at(d.code));
    EXPECT_EQ(c.token_hash, crypto::sha256Hex(d.token));
    EXPECT_EQ(c.mqtt_username, d.code);
    EXPECT_EQ(c.token_hint, d.token.substr(d.token.size() - 4));
  }
}

TEST_F(MonitorDemoTest, SeedingTwiceDoesNotDuplicateAndKeepsTheTokens) {
  auto first = seedMonitorDemo(*store_, clock_, settings_);
  ASSERT_TRUE(first) << first.error().message();
  ASSERT_FALSE(first->empty());
  const auto reg1 = registry();
  const auto creds1 = credentials();

  auto second = seedMonitorDemo(*store_, clock_, settings_);
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_TRUE(second->empty());
  const auto reg2 = registry();
  EXPECT_EQ(reg2.devices.size(), reg1.devices.size());
  EXPECT_EQ(reg2.sensors.size(), reg1.sensors.size());
  EXPECT_EQ(reg2.area_thresholds.size(), reg1.area_thresholds.size());
  const auto creds2 = credentials();
  ASSERT_EQ(creds2.size(), creds1.size());
  std::set<std::string> hashes1, hashes2;
  for (const auto& c : creds1) {
    hashes1.insert(c.token_hash);
  }
  for (const auto& c : creds2) {
    hashes2.insert(c.token_hash);
  }
  EXPECT_EQ(hashes1, hashes2);  // The tokens in demo-devices.json still work.
  EXPECT_NE(monitorDemoSummary(*second).find("exist"), std::string::npos);
}

TEST_F(MonitorDemoTest, WithoutTheDemoAreasItRefuses) {
  // A store with org units but none of the demo areas: nothing to attach devices to.
  service_testing::SqliteServiceTest::TearDown();
  service_testing::SqliteServiceTest::SetUp();
  auto seeded = seedMonitorDemo(*store_, clock_, settings_);
  ASSERT_FALSE(seeded);
  EXPECT_EQ(seeded.error().key(), "demo.base_missing");
  EXPECT_TRUE(registry().devices.empty());
}

}  // namespace
}  // namespace anguan::service
