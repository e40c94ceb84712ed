#include "anguan/ingest/simulator.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace anguan::ingest {
namespace {

using namespace std::chrono_literals;
using service::DemoDevice;
using service::DemoSensor;

const Instant kStart = fromMillis(1'795'910'400'000);  // 2026-11-29T00:00:00Z

DemoDevice device(std::string code, std::string kind, std::vector<DemoSensor> sensors) {
  DemoDevice d;
  d.code = std::move(code);
  d.site = "p1";
  d.token = "tok-" + d.code;
  d.kind = std::move(kind);
  d.area_code = "A-1";
  d.sensors = std::move(sensors);
  return d;
}

monitor::sim::SimConfig quietConfig() {
  monitor::sim::SimConfig c;
  c.camera_events_per_hour = 0.0;
  c.positioning_events_per_hour = 0.0;
  return c;
}

std::map<std::string, int> countBySensor(const std::vector<DeviceBatch>& batches) {
  std::map<std::string, int> out;
  for (const auto& b : batches) {
    for (const auto& r : b.readings) {
      ++out[r.sensor];
    }
  }
  return out;
}

struct DueRow {
  std::int64_t interval_seconds;
  double speed;
  std::chrono::seconds run;
  int expected;  // Readings of the sensor over the run.
};

TEST(IngestSimulatorTest, SensorsAreDueByTheirIntervalScaledBySpeed) {
  const DueRow rows[] = {
      {10, 1.0, 60s, 6},   {10, 1.0, 9s, 0},    {30, 1.0, 60s, 2},   {1, 1.0, 5s, 5},
      {60, 1.0, 600s, 10}, {10, 10.0, 60s, 60}, {30, 60.0, 30s, 60}, {60, 0.5, 240s, 2},
  };
  for (const auto& row : rows) {
    SimulationPlan plan({device("D1", "gas_detector", {{"S1", "o2", row.interval_seconds, "A-1"}})},
                        quietConfig(), kStart, row.speed);
    int n = 0;
    std::int64_t last_ts = toMillis(kStart);
    // Ticks of one second, as the runner does.
    for (auto t = kStart + 1s; t <= kStart + row.run; t += 1s) {
      for (const auto& b : plan.advance(t)) {
        for (const auto& r : b.readings) {
          ++n;
          EXPECT_GT(r.ts, last_ts);  // Wall time, increasing, never ahead of the tick.
          EXPECT_LE(r.ts, toMillis(t));
          last_ts = r.ts;
        }
      }
    }
    // The phase may put the first due time anywhere in the first period: one either way at most
    // for partial periods; whole periods give the exact count.
    EXPECT_NEAR(n, row.expected, row.run.count() % row.interval_seconds == 0 ? 0 : 1)
        << row.interval_seconds << "s at speed " << row.speed;
  }
}

TEST(IngestSimulatorTest, TickSizeDoesNotChangeWhatIsSent) {
  std::vector<DemoDevice> devices = {
      device("GD-1", "gas_detector",
             {{"GD-1-LEL", "combustible_lel", 10, "A-1"}, {"GD-1-O2", "o2", 10, "A-1"}}),
      device("ENV-1", "sensor_node",
             {{"ENV-1-TT", "temperature", 30, "A-1"}, {"ENV-1-WS", "wind_speed", 10, "A-1"}}),
      device("CAM-1", "camera", {})};
  monitor::sim::SimConfig config;
  config.camera_events_per_hour = 30.0;
  SimulationPlan fine(devices, config, kStart, 5.0);
  SimulationPlan coarse(devices, config, kStart, 5.0);
  std::vector<SimReading> a, b;
  std::vector<SimEventOut> ea, eb;
  for (auto t = kStart + 1s; t <= kStart + 900s; t += 1s) {
    for (auto& batch : fine.advance(t)) {
      a.insert(a.end(), batch.readings.begin(), batch.readings.end());
      ea.insert(ea.end(), batch.events.begin(), batch.events.end());
    }
  }
  for (auto t = kStart + 7s; t <= kStart + 903s; t += 7s) {
    for (auto& batch : coarse.advance(std::min(t, kStart + 900s))) {
      b.insert(b.end(), batch.readings.begin(), batch.readings.end());
      eb.insert(eb.end(), batch.events.begin(), batch.events.end());
    }
  }
  ASSERT_EQ(a.size(), b.size());
  auto key = [](const SimReading& r) { return std::tuple(r.sensor, r.ts, r.value); };
  std::multiset<std::tuple<std::string, std::int64_t, double>> sa, sb;
  for (const auto& r : a) {
    sa.insert(key(r));
  }
  for (const auto& r : b) {
    sb.insert(key(r));
  }
  EXPECT_EQ(sa, sb);
  ASSERT_EQ(ea.size(), eb.size());
  EXPECT_FALSE(ea.empty());  // 30/h at speed 5 for 15 min: ~37 expected.
  for (std::size_t i = 0; i < ea.size(); ++i) {
    EXPECT_EQ(ea[i].type, eb[i].type);
    EXPECT_EQ(ea[i].ts, eb[i].ts);
  }
  // Nothing is due twice: (sensor, ts) pairs are unique.
  std::set<std::pair<std::string, std::int64_t>> seen;
  for (const auto& r : a) {
    EXPECT_TRUE(seen.emplace(r.sensor, r.ts).second) << r.sensor << " " << r.ts;
  }
}

TEST(IngestSimulatorTest, BatchesAreSplitAtTheLimitPerDeviceWithEventsInTheFirst) {
  std::vector<DemoSensor> many;
  for (int i = 0; i < 1200; ++i) {
    many.push_back({"S" + std::to_string(i), "temperature", 1, "A-1"});
  }
  monitor::sim::SimConfig config = quietConfig();
  config.camera_events_per_hour = 3600.0;  // Every simulated minute.
  SimulationPlan plan({device("BIG", "sensor_node", many),
                       device("SMALL", "sensor_node", {{"T1", "temperature", 1, "A-1"}}),
                       device("CAM", "camera", {})},
                      config, kStart, 60.0);
  const auto batches = plan.advance(kStart + 1s, 1000);
  // BIG: 1200 sensors × 60 readings = 72,000 → 72 batches of 1000.
  std::map<std::size_t, std::vector<std::size_t>> sizes;
  for (const auto& b : batches) {
    EXPECT_LE(b.readings.size(), 1000U);
    sizes[b.device].push_back(b.readings.size());
  }
  ASSERT_EQ(sizes[0].size(), 72U);
  EXPECT_EQ(std::count(sizes[0].begin(), sizes[0].end(), 1000U), 72);
  ASSERT_EQ(sizes[1].size(), 1U);
  EXPECT_EQ(sizes[1][0], 60U);
  // The camera: events only, one batch.
  ASSERT_EQ(sizes[2].size(), 1U);
  EXPECT_EQ(sizes[2][0], 0U);
  const auto& cam = *std::find_if(batches.begin(), batches.end(),
                                  [](const DeviceBatch& b) { return b.device == 2; });
  EXPECT_EQ(cam.events.size(), 1U);
  // Device order, and each device's readings oldest first across its batches.
  std::int64_t last = 0;
  std::size_t prev_device = 0;
  for (const auto& b : batches) {
    EXPECT_GE(b.device, prev_device);
    if (b.device != prev_device) {
      last = 0;
    }
    prev_device = b.device;
    for (const auto& r : b.readings) {
      EXPECT_GE(r.ts, last);
      last = r.ts;
    }
  }
  // A smaller limit splits the small device too: 60 readings in 25s → 25, 25, 10.
  SimulationPlan small({device("SMALL", "sensor_node", {{"T1", "temperature", 1, "A-1"}})},
                       quietConfig(), kStart, 60.0);
  std::vector<std::size_t> parts;
  for (const auto& b : small.advance(kStart + 1s, 25)) {
    parts.push_back(b.readings.size());
  }
  EXPECT_EQ(parts, (std::vector<std::size_t>{25, 25, 10}));
}

TEST(IngestSimulatorTest, SilentSensorsAndUnknownKindsSendNothingAndTimeDoesNotRunBackwards) {
  monitor::sim::SimConfig config = quietConfig();
  config.silent_every = 120min;
  config.silent_for = 120min;  // Always silent.
  SimulationPlan plan({device("D", "sensor_node",
                              {{"QUIET", "temperature", 1, "A-1", true},
                               {"ODD", "radiation", 1, "A-1"},
                               {"LOUD", "temperature", 1, "A-1"}})},
                      config, kStart, 1.0);
  const auto counts = countBySensor(plan.advance(kStart + 10s));
  EXPECT_EQ(counts.count("QUIET"), 0U);
  EXPECT_EQ(counts.count("ODD"), 0U);
  EXPECT_EQ(counts.at("LOUD"), 10);
  EXPECT_TRUE(plan.advance(kStart + 10s).empty());
  EXPECT_TRUE(plan.advance(kStart + 5s).empty());
  EXPECT_EQ(countBySensor(plan.advance(kStart + 12s)).at("LOUD"), 2);
}

TEST(IngestSimulatorTest, PayloadsFollowTheTelemetryContract) {
  DeviceBatch b;
  b.readings = {{"GD-1-LEL", 1795910400123, 12.5}, {"GD-1-O2", 1795910400456, 20.9}};
  b.events = {{"no_helmet", 1795910401000, 0.91, 4}};
  const auto body = boost::json::parse(telemetryBody(b)).as_object();
  ASSERT_EQ(body.at("readings").as_array().size(), 2U);
  const auto& r0 = body.at("readings").as_array()[0].as_object();
  EXPECT_EQ(r0.at("sensor").as_string(), "GD-1-LEL");
  EXPECT_EQ(r0.at("ts").as_int64(), 1795910400123);
  EXPECT_DOUBLE_EQ(r0.at("value").as_double(), 12.5);
  const auto& e0 = body.at("events").as_array()[0].as_object();
  EXPECT_EQ(e0.at("type").as_string(), "no_helmet");
  EXPECT_DOUBLE_EQ(e0.at("confidence").as_double(), 0.91);
  EXPECT_EQ(e0.at("frames").as_int64(), 4);
  EXPECT_EQ(e0.at("ts").as_int64(), 1795910401000);

  const auto mqtt = boost::json::parse(mqttReadingsPayload(b)).as_object();
  EXPECT_EQ(mqtt.size(), 1U);
  EXPECT_EQ(mqtt.at("readings").as_array().size(), 2U);
  EXPECT_EQ(boost::json::parse(mqttEventPayload(b.events[0])).as_object().at("type").as_string(),
            "no_helmet");
  DeviceBatch events_only;
  events_only.events = b.events;
  EXPECT_FALSE(boost::json::parse(telemetryBody(events_only)).as_object().contains("readings"));
}

TEST(IngestSimulatorTest, DevicesFileRoundTripsAndBadFilesAreRefused) {
  std::vector<DemoDevice> devices = {
      device("GD-1", "gas_detector", {{"GD-1-LEL", "combustible_lel", 10, "A-1", false}}),
      device("ENV-1", "sensor_node", {{"ENV-1-TT", "temperature", 30, "A-2", true}})};
  auto parsed = service::parseDevicesJson(service::devicesJson(devices));
  ASSERT_TRUE(parsed) << parsed.error().message();
  ASSERT_EQ(parsed->size(), 2U);
  EXPECT_EQ((*parsed)[1].token, "tok-ENV-1");
  EXPECT_EQ((*parsed)[1].site, "p1");
  EXPECT_EQ((*parsed)[1].sensors[0].interval_seconds, 30);
  EXPECT_TRUE((*parsed)[1].sensors[0].goes_silent);
  EXPECT_FALSE((*parsed)[0].sensors[0].goes_silent);
  EXPECT_EQ((*parsed)[1].sensors[0].area_code, "A-2");

  for (const char* bad : {"", "[]", "{\"devices\":{}}", "{\"devices\":[{\"code\":\"X\"}]}",
                          "{\"devices\":[{\"code\":\"X\",\"token\":\"t\",\"sensors\":[{\"code\":"
                          "\"S\",\"kind\":\"o2\",\"interval_seconds\":0}]}]}"}) {
    auto r = service::parseDevicesJson(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().key(), "demo.devices_file");
  }
}

}  // namespace
}  // namespace anguan::ingest
