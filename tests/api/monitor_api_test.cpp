// Monitoring API (issue 5): telemetry over HTTP with device tokens, cleaning, alarms and their
// lifecycle, the binding to permits (a gas alarm suspends hot work; resuming needs a new gas
// test), violations from camera and positioning events, series, and every bad payload refused
// with a reason, kept as a dead letter and counted — without storing anything.
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "anguan/core/broker_auth.hpp"
#include "anguan/core/crypto.hpp"
#include "anguan/ingest/mqtt_ingest.hpp"
#include "anguan/ingest/mqtt_publisher.hpp"

#include "ingest/support/mosquitto_broker.hpp"
#include "permit_fixture.hpp"

namespace anguan::testing_api {
namespace {

class MonitorApi : public PermitApiBase {
 protected:
  // A device with one sensor of `kind` in `area`, and its token.
  struct Device {
    std::int64_t id = 0;
    std::int64_t sensor = 0;
    std::string code;
    std::string sensor_code;
    std::string token;
  };

  Device device(std::int64_t area, const std::string& code, const std::string& kind,
                int interval_seconds = 10, const std::string& device_kind = "gas_detector") {
    Device d;
    d.code = code;
    auto r = post("admin", "/api/v1/devices",
                  {{"name", "检测仪 " + code},
                   {"code", code},
                   {"kind", device_kind},
                   {"area_id", area},
                   {"active", true}});
    EXPECT_EQ(r.status, 201u) << r.body;
    d.id = r.json().at("id").as_int64();
    d.sensor_code = code + "-S";
    r = post("admin", "/api/v1/sensors",
             {{"name", "传感器 " + code},
              {"code", d.sensor_code},
              {"device_id", d.id},
              {"kind", kind},
              {"area_id", area},
              {"interval_seconds", interval_seconds},
              {"active", true}});
    EXPECT_EQ(r.status, 201u) << r.body;
    d.sensor = r.json().at("id").as_int64();
    r = post("admin", "/api/v1/devices/" + std::to_string(d.id) + "/token", json::object{});
    EXPECT_EQ(r.status, 200u) << r.body;
    d.token = std::string(r.json().at("token").as_string());
    return d;
  }

  HttpResult send(const Device& d, const json::value& body) {
    return s().request("POST", "/api/v1/telemetry", json::serialize(body), "",
                       {{"Authorization", "Device " + d.token}});
  }
  HttpResult sendRaw(const std::string& token, const std::string& body) {
    return s().request("POST", "/api/v1/telemetry", body, "",
                       {{"Authorization", "Device " + token}});
  }
  json::object reading(const Device& d, double value, std::int64_t offset_ms = 0) {
    return json::object{{"sensor", d.sensor_code},
                        {"ts", toMillis(s().clock().now()) + offset_ms},
                        {"value", value}};
  }
  HttpResult one(const Device& d, double value, std::int64_t offset_ms = 0) {
    return send(d, {{"readings", json::array{reading(d, value, offset_ms)}}});
  }
  json::array alarms(const std::string& query) {
    auto r = get("safety", "/api/v1/monitor/alarms?" + query);
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json().at("items").as_array();
  }
  json::array sensorAlarms(const Device& d) {
    return alarms("sensor_id=" + std::to_string(d.sensor));
  }
  std::int64_t rawCount(const Device& d) {
    auto r = get("safety", "/api/v1/monitor/sensors/" + std::to_string(d.sensor) + "/series?from=" +
                               urlTime(-minutes(50)) + "&to=" + urlTime(minutes(50)));
    EXPECT_EQ(r.status, 200u) << r.body;
    return static_cast<std::int64_t>(r.json().at("points").as_array().size());
  }
  std::string urlTime(std::chrono::milliseconds d) {
    std::string t = formatRfc3339(s().clock().now() + d, kTz);
    std::string out;
    for (char c : t) {
      out += c == '+' ? std::string("%2B") : std::string(1, c);
    }
    return out;
  }
  // Waits (up to 30 s) until `pred` holds; side effects run on their own thread. Generous, so
  // that a slow run (CI runs this suite under ASan, two tests on two cores) is not taken for a
  // failure; a passing check returns at once.
  template <class Pred>
  bool eventually(Pred pred) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return pred();
  }
  std::int64_t metric(const std::string& name) {
    auto r = s().request("GET", "/metrics");
    const auto pos = r.body.find("\n" + name + " ");
    if (pos == std::string::npos) {
      return -1;
    }
    return std::stoll(r.body.substr(pos + name.size() + 2));
  }
  // Runs SQL on the test database from a connection of its own (to make the store fail).
  void sql(const std::string& statement) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(s().dbPath().c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << statement << ": " << (err != nullptr ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
  }
  void breakReadings() {
    sql("CREATE TRIGGER test_fail_readings BEFORE INSERT ON readings "
        "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  }
  void mendReadings() { sql("DROP TRIGGER test_fail_readings"); }
  std::int64_t flaggedCount(const Device& d) {
    auto r = get("safety", "/api/v1/monitor/sensors/" + std::to_string(d.sensor) + "/series?from=" +
                               urlTime(-minutes(50)) + "&to=" + urlTime(minutes(50)));
    EXPECT_EQ(r.status, 200u) << r.body;
    const json::value body = r.json();
    std::int64_t n = 0;
    for (const auto& p : body.at("points").as_array()) {
      n += p.at("flags").as_array().empty() ? 0 : 1;
    }
    return n;
  }
  std::string employeeNo(const std::string& user) {
    auto r = get("admin", "/api/v1/people/" + std::to_string(personOf(user)));
    return std::string(r.json().at("employee_no").as_string());
  }
};

// --- acceptance: gas alarm → permit suspended, alarm pushed, resume needs a new gas test ---

TEST_F(MonitorApi, AGasAlarmSuspendsHotWorkReachesWebSocketAndResumeNeedsANewGasTest) {
  const auto id = active();
  const Device d = device(cdu(), "GD-T1", "combustible_lel");

  WsClient ws(s().port(), token("safety"));
  ASSERT_TRUE(ws.connected());
  ws.send(R"({"op":"subscribe","topic":"monitor.alarms"})");
  ASSERT_NE(ws.receive(std::chrono::seconds(2)).find("subscribed"), std::string::npos);

  auto r = one(d, 62.0);  // Over the 50 %LEL alarm level.
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("accepted").as_int64(), 1);
  EXPECT_EQ(r.json().at("flagged").as_int64(), 0);

  // The alarm reaches the live client.
  std::string msg;
  for (int i = 0; i < 5 && msg.find("\"critical\"") == std::string::npos; ++i) {
    msg = ws.receive(std::chrono::seconds(2));
  }
  ASSERT_NE(msg.find("\"monitor.alarms\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("\"critical\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("GD-T1-S"), std::string::npos) << msg;

  // The hot work in the area is suspended at once, by the gas alarm.
  ASSERT_TRUE(eventually([&] { return permit(id).at("state").as_string() == "suspended"; }));
  const auto suspended = permit(id);
  EXPECT_EQ(count(kinds(suspended), "suspended"), 1u);

  // The alarm is linked to the permit it suspended.
  auto list = sensorAlarms(d);
  ASSERT_EQ(list.size(), 1u);
  const auto alarm_id = list[0].at("id").as_int64();
  ASSERT_TRUE(eventually([&] {
    auto a = get("safety", "/api/v1/monitor/alarms/" + std::to_string(alarm_id)).json();
    for (const auto& p : a.at("permits").as_array()) {
      if (p.at("id").as_int64() == id && p.at("suspended").as_bool()) {
        return true;
      }
    }
    return false;
  }));

  // Resuming is refused until a new passing gas test.
  r = post("p1guard", path(id, "resume"), json::object{});
  EXPECT_EQ(r.status, 409u) << r.body;
  EXPECT_NE(r.body.find("gas_retest_needed"), std::string::npos) << r.body;
  expectUnchanged(id, permit(id));
  passGasTest(id);
  r = post("p1guard", path(id, "resume"), json::object{});
  EXPECT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(permit(id).at("state").as_string(), "active");
}

// --- MQTT redelivery: a message flagged DUP whose claim is stored is skipped, once ---

TEST_F(MonitorApi, ARedeliveredMessageIsSkippedOnlyWhenItsClaimIsStored) {
  const Device d = device(cdu(), "GD-DUP", "o2");
  auto& monitor = *s().app().monitor;
  auto ref = monitor.deviceByCode("GD-DUP");
  ASSERT_TRUE(ref) << ref.error().message();
  auto submit = [&](std::int64_t ts, std::int64_t claim, bool dup) {
    const std::string payload =
        R"({"readings":[{"sensor":"GD-DUP-S","ts":)" + std::to_string(ts) + R"(,"value":20.9}]})";
    auto batch = monitor.decode(*ref, payload, service::IngestChannel::kMqtt, false);
    EXPECT_TRUE(batch) << batch.error().message();
    batch->claim = claim;
    batch->maybe_redelivered = dup;
    auto promise = std::make_shared<std::promise<Result<service::IngestResult>>>();
    auto future = promise->get_future();
    EXPECT_TRUE(monitor.submit(
        std::move(*batch),
        [promise](const Result<service::IngestResult>& r) { promise->set_value(r); }));
    auto r = future.get();
    EXPECT_TRUE(r) << r.error().message();
    return *r;
  };
  const std::int64_t t0 = toMillis(s().clock().now());
  const auto dups0 = monitor.stats().duplicates;

  // First delivery: stored with its claim.
  auto r = submit(t0, 4242, false);
  EXPECT_FALSE(r.duplicate);
  EXPECT_EQ(r.accepted, 1);
  // The same message again, flagged DUP: recognised, nothing written.
  r = submit(t0, 4242, true);
  EXPECT_TRUE(r.duplicate);
  EXPECT_EQ(r.accepted, 0);
  EXPECT_EQ(monitor.stats().duplicates, dups0 + 1);
  // A DUP-flagged message that was never stored (its first delivery died with a crash) is stored.
  r = submit(t0 + 1000, 4243, true);
  EXPECT_FALSE(r.duplicate);
  EXPECT_EQ(r.accepted, 1);
  EXPECT_EQ(monitor.stats().duplicates, dups0 + 1);
  // ... and its claim now makes a second redelivery a duplicate too.
  r = submit(t0 + 1000, 4243, true);
  EXPECT_TRUE(r.duplicate);
  EXPECT_EQ(rawCount(d), 2);
}

TEST_F(MonitorApi, AWarningLevelReadingDoesNotSuspendWork) {
  const auto id = active();
  const Device d = device(cdu(), "GD-T2", "combustible_lel");
  ASSERT_EQ(one(d, 30.0).status, 200u);  // Between 25 (warning) and 50 (alarm).
  ASSERT_TRUE(eventually([&] { return sensorAlarms(d).size() == 1; }));
  EXPECT_EQ(sensorAlarms(d)[0].at("severity").as_string(), "warning");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(permit(id).at("state").as_string(), "active");
}

// --- alarm lifecycle ---

TEST_F(MonitorApi, AnAlarmIsAcknowledgedClearedAndClosedAndFloodsStayOneAlarm) {
  const Device d = device(cdu(), "GD-T3", "combustible_lel");
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(one(d, 30.0 + i, i * 1000).status, 200u);
  }
  auto list = sensorAlarms(d);
  ASSERT_EQ(list.size(), 1u) << "one open alarm per condition";
  const std::string a = "/api/v1/monitor/alarms/" + std::to_string(list[0].at("id").as_int64());
  EXPECT_EQ(list[0].at("state").as_string(), "raised");

  // Workers and auditors only look.
  EXPECT_EQ(post("p1worker", a + "/acknowledge", json::object{}).status, 403u);
  // A raised alarm can't be closed.
  auto r = post("safety", a + "/close", json::object{});
  EXPECT_EQ(r.status, 409u) << r.body;

  r = post("safety", a + "/acknowledge", {{"note", "已通知现场"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("state").as_string(), "acknowledged");
  EXPECT_EQ(r.json().at("note").as_string(), "已通知现场");
  EXPECT_EQ(post("safety", a + "/acknowledge", json::object{}).status, 409u);

  ASSERT_EQ(one(d, 0.0, 6000).status, 200u);  // Back to clean air.
  EXPECT_EQ(get("safety", a).json().at("state").as_string(), "cleared");
  r = post("safety", a + "/close", {{"note", "泄漏点已处理"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("state").as_string(), "closed");
  // The history has every step, with who acknowledged.
  const auto closed = r.json();
  std::vector<std::string> events;
  for (const auto& e : closed.at("events").as_array()) {
    events.emplace_back(e.at("event").as_string());
  }
  EXPECT_EQ(events, (std::vector<std::string>{"raise", "acknowledge", "clear", "close"}));
  EXPECT_FALSE(closed.at("acknowledged_by_name").as_string().empty());

  // After closing, a new excursion is a new alarm.
  ASSERT_EQ(one(d, 40.0, 7000).status, 200u);
  EXPECT_EQ(sensorAlarms(d).size(), 2u);
  EXPECT_EQ(alarms("open=1&sensor_id=" + std::to_string(d.sensor)).size(), 1u);
}

TEST_F(MonitorApi, AnUnacknowledgedCriticalAlarmEscalatesAfterItsSla) {
  const Device d = device(cdu(), "GD-T4", "combustible_lel");
  ASSERT_EQ(one(d, 70.0).status, 200u);
  const auto id = sensorAlarms(d)[0].at("id").as_int64();
  advance(minutes(4));
  runJobs();
  EXPECT_EQ(get("safety", "/api/v1/monitor/alarms/" + std::to_string(id))
                .json()
                .at("escalation_level")
                .as_int64(),
            0);
  advance(minutes(2));  // Past the 5-minute SLA for critical alarms.
  runJobs();
  auto a = get("safety", "/api/v1/monitor/alarms/" + std::to_string(id)).json();
  EXPECT_EQ(a.at("escalation_level").as_int64(), 1);
  EXPECT_EQ(a.at("events").as_array().back().at("event").as_string(), "escalate");
}

TEST_F(MonitorApi, ASilentSensorRaisesAnOfflineAlarmThatClearsWhenItReports) {
  const Device d = device(cdu(), "GD-T5", "o2", 10);
  ASSERT_EQ(one(d, 20.9).status, 200u);
  advance(std::chrono::seconds(29));
  runJobs();
  EXPECT_TRUE(sensorAlarms(d).empty()) << "not offline before 3 intervals";
  advance(std::chrono::seconds(2));  // 31 s > 3 × 10 s.
  runJobs();
  auto list = sensorAlarms(d);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("kind").as_string(), "device_offline");
  ASSERT_EQ(one(d, 20.9).status, 200u);
  EXPECT_EQ(sensorAlarms(d)[0].at("state").as_string(), "cleared_unacknowledged");
}

// --- cleaning ---

TEST_F(MonitorApi, FlaggedReadingsAreKeptButRaiseNoAlarm) {
  const Device d = device(cdu(), "GD-T6", "combustible_lel");
  // Two timestamps inside one minute (and hour) bucket.
  const std::int64_t t0 = toMillis(std::chrono::floor<minutes>(s().clock().now())) + 30000;
  auto at_ms = [&](double v, std::int64_t ts) {
    return json::object{{"sensor", d.sensor_code}, {"ts", ts}, {"value", v}};
  };
  ASSERT_EQ(send(d, {{"readings", json::array{at_ms(3.0, t0 - 1000)}}}).status, 200u);
  auto r = send(d, {{"readings", json::array{at_ms(150.0, t0),           // Out of range.
                                             at_ms(4.0, t0 - 1000)}}});  // Duplicate timestamp.
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("accepted").as_int64(), 2);
  EXPECT_EQ(r.json().at("flagged").as_int64(), 2);
  EXPECT_TRUE(sensorAlarms(d).empty());
  EXPECT_EQ(rawCount(d), 3);  // Nothing deleted.
  // The series marks them.
  auto series =
      get("safety", "/api/v1/monitor/sensors/" + std::to_string(d.sensor) +
                        "/series?from=" + urlTime(-minutes(5)) + "&to=" + urlTime(minutes(5)))
          .json();
  EXPECT_EQ(series.at("resolution").as_string(), "raw");
  int flagged = 0;
  for (const auto& p : series.at("points").as_array()) {
    flagged += p.at("flags").as_array().empty() ? 0 : 1;
  }
  EXPECT_EQ(flagged, 2);
  // A week's span is served from the hourly roll-up, with the valid readings only in min/max.
  series = get("safety", "/api/v1/monitor/sensors/" + std::to_string(d.sensor) + "/series?from=" +
                             urlTime(-hours(24 * 7)) + "&to=" + urlTime(minutes(5)))
               .json();
  EXPECT_EQ(series.at("resolution").as_string(), "hour");
  ASSERT_EQ(series.at("points").as_array().size(), 1u);
  const auto& b = series.at("points").as_array()[0];
  EXPECT_EQ(b.at("count").as_int64(), 3);
  EXPECT_EQ(b.at("valid_count").as_int64(), 1);
  EXPECT_DOUBLE_EQ(b.at("max").as_double(), 3.0);
}

// --- bad input ---

TEST_F(MonitorApi, BadPayloadsAreRefusedWithAReasonKeptAsDeadLettersAndStoreNothing) {
  const Device d = device(cdu(), "GD-T7", "h2s");
  const Device other = device(cdu(), "GD-T8", "co");
  const auto rejected_before = metric("anguan_ingest_rejected_total");
  struct Case {
    std::string body;
    unsigned status;
    std::string code;
  };
  std::string huge = R"({"readings":[)";
  for (int i = 0; i < 10001; ++i) {
    huge += std::string(i ? "," : "") + R"({"sensor":")" + d.sensor_code + R"(","value":1})";
  }
  huge += "]}";
  const std::string sc = d.sensor_code;
  const std::vector<Case> cases = {
      {"{not json", 400, "telemetry.bad_json"},
      {"[1,2]", 400, "telemetry.bad_json"},
      {R"({"readings":[{"sensor":")" + sc + R"(","value":NaN}]})", 400, "telemetry.bad_json"},
      {R"({"readings":[{"sensor":")" + sc + R"(","value":Infinity}]})", 400, "telemetry.bad_json"},
      {R"({"readings":[{"sensor":")" + sc + R"(","value":1e999}]})", 400, ""},
      {R"({"readings":[{"sensor":")" + sc + R"(","value":"5"}]})", 400, "telemetry.bad_value"},
      {R"({"readings":[{"sensor":")" + sc + R"("}]})", 400, "telemetry.missing_field"},
      {R"({"readings":[{"sensor":"NOPE","value":1}]})", 400, "telemetry.unknown_sensor"},
      {R"({"readings":[{"sensor":")" + other.sensor_code + R"(","value":1}]})", 400,
       "telemetry.unknown_sensor"},
      {R"({"readings":[{"sensor":")" + sc + R"(","value":1,"ts":"yesterday"}]})", 400,
       "telemetry.bad_time"},
      {R"({"readings":{"sensor":")" + sc + R"("}})", 400, "telemetry.bad_field"},
      {R"({"readings":[],"extra":1})", 400, "telemetry.bad_field"},
      {R"({"readings":[]})", 400, "telemetry.empty"},
      {R"({"events":[{"type":"dancing"}]})", 400, "telemetry.unknown_event"},
      {R"({"events":[{"type":"no_helmet","confidence":1.5}]})", 400, "telemetry.bad_value"},
      {R"({"events":[{"type":"no_helmet","snapshot":"bm90IGFuIGltYWdl"}]})", 400,
       "telemetry.bad_snapshot"},
      {huge, 400, "telemetry.too_large"},
  };
  for (const auto& c : cases) {
    auto r = sendRaw(d.token, c.body);
    EXPECT_EQ(r.status, c.status) << c.body.substr(0, 120) << " -> " << r.body;
    if (!c.code.empty()) {
      EXPECT_EQ(r.errorCode(), c.code) << c.body.substr(0, 120);
    }
    EXPECT_FALSE(r.json().at("error").at("message").as_string().empty());
  }
  // The reason names the reading.
  auto r = sendRaw(d.token, R"({"readings":[{"sensor":")" + sc +
                                R"(","value":1},{"sensor":"NOPE","value":2}]})");
  EXPECT_NE(r.body.find("\"index\":\"1\""), std::string::npos) << r.body;

  // Tokens.
  EXPECT_EQ(sendRaw("", R"({"readings":[]})").status, 401u);
  r = sendRaw("not-a-real-token-at-all-0000", R"({"readings":[]})");
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(r.errorCode(), "monitor.device_token_invalid");
  // A session token is not a device token.
  r = s().request("POST", "/api/v1/telemetry", R"({"readings":[]})", token("admin"));
  EXPECT_EQ(r.status, 401u);

  // Nothing was stored; everything was counted and kept for the admin.
  EXPECT_EQ(rawCount(d), 0);
  ASSERT_TRUE(eventually([&] {
    return metric("anguan_ingest_rejected_total") >=
           rejected_before + static_cast<std::int64_t>(cases.size()) + 2;
  }));
  ASSERT_TRUE(eventually([&] {
    auto dl = get("admin", "/api/v1/monitor/dead-letters?page_size=100");
    return dl.status == 200 &&
           dl.json().at("total").as_int64() >= static_cast<std::int64_t>(cases.size());
  }));
  auto dl = get("admin", "/api/v1/monitor/dead-letters?page_size=100").json();
  bool saw_unknown = false;
  for (const auto& x : dl.at("items").as_array()) {
    if (x.at("code").as_string() == "telemetry.unknown_sensor") {
      saw_unknown = true;
      EXPECT_EQ(x.at("channel").as_string(), "http");
      EXPECT_EQ(x.at("source").as_string(), "GD-T7");
      EXPECT_LE(x.at("payload").as_string().size(), 4096u);
    }
  }
  EXPECT_TRUE(saw_unknown) << json::serialize(dl);
  EXPECT_EQ(get("safety", "/api/v1/monitor/dead-letters").status, 403u);

  // A revoked token stops working.
  ASSERT_EQ(s().request("DELETE", "/api/v1/devices/" + std::to_string(d.id) + "/token", "",
                        token("admin"))
                .status,
            204u);
  EXPECT_EQ(one(d, 1.0).status, 401u);
  // Only admins issue tokens.
  EXPECT_EQ(
      post("safety", "/api/v1/devices/" + std::to_string(d.id) + "/token", json::object{}).status,
      403u);
}

// --- violations ---

TEST_F(MonitorApi, ConfirmedCameraEventsBecomeViolationsLinkedToTheWorkAndThePerson) {
  const auto id = active();
  const Device cam = device(cdu(), "CAM-T1", "temperature", 60, "camera");
  const std::string worker = employeeNo("p1worker");
  // 1×1 PNG.
  const std::string png = crypto::base64Encode(std::string(
      "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89", 33));
  auto event = [&](double confidence, int frames) {
    return json::object{{"type", "no_helmet"},
                        {"confidence", confidence},
                        {"frames", frames},
                        {"person", worker},
                        {"snapshot", png}};
  };
  // Below the confirmation rule: not a violation.
  auto r = send(cam, {{"events", json::array{event(0.3, 1)}}});
  ASSERT_EQ(r.status, 200u) << r.body;
  auto list = get("safety", "/api/v1/monitor/violations").json();
  EXPECT_EQ(list.at("total").as_int64(), 0);
  // Confirmed: recorded once, de-duplicated within the window.
  ASSERT_EQ(send(cam, {{"events", json::array{event(0.95, 12)}}}).status, 200u);
  ASSERT_EQ(send(cam, {{"events", json::array{event(0.97, 15)}}}).status, 200u);
  list = get("safety", "/api/v1/monitor/violations").json();
  ASSERT_EQ(list.at("total").as_int64(), 1);
  const auto& v = list.at("items").as_array()[0];
  EXPECT_EQ(v.at("type").as_string(), "no_helmet");
  EXPECT_EQ(v.at("permit_id").as_int64(), id);
  EXPECT_EQ(v.at("person_id").as_int64(), personOf("p1worker"));
  EXPECT_TRUE(v.at("needs_training").as_bool());
  EXPECT_TRUE(v.at("has_snapshot").as_bool());
  const auto vid = v.at("id").as_int64();
  auto img = get("safety", "/api/v1/monitor/violations/" + std::to_string(vid) + "/snapshot");
  EXPECT_EQ(img.status, 200u);
  EXPECT_EQ(img.headers["Content-Type"], "image/png");
  // Handling.
  EXPECT_EQ(post("p1worker", "/api/v1/monitor/violations/" + std::to_string(vid) + "/handle",
                 {{"status", "handled"}})
                .status,
            403u);
  EXPECT_EQ(post("safety", "/api/v1/monitor/violations/" + std::to_string(vid) + "/handle",
                 {{"status", "maybe"}})
                .status,
            400u);
  r = post("safety", "/api/v1/monitor/violations/" + std::to_string(vid) + "/handle",
           {{"status", "handled"}, {"note", "已现场纠正并教育"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("status").as_string(), "handled");
  EXPECT_EQ(post("safety", "/api/v1/monitor/violations/" + std::to_string(vid) + "/handle",
                 {{"status", "dismissed"}})
                .status,
            409u);
}

TEST_F(MonitorApi, AConfirmedGuardianAbsentEventSuspendsTheWork) {
  const auto id = active();
  const Device pos = device(cdu(), "POS-T1", "temperature", 60, "positioning");
  auto r = send(
      pos,
      {{"events", json::array{json::object{{"type", "guardian_absent"}, {"confidence", 1.0}}}}});
  ASSERT_EQ(r.status, 200u) << r.body;
  ASSERT_TRUE(eventually([&] { return permit(id).at("state").as_string() == "suspended"; }));
}

// --- feasibility ---

TEST_F(MonitorApi, ACurrentReadingOverTheAlarmLevelBlocksPlanningInTheArea) {
  const Device d = device(cdu(), "GD-T9", "combustible_lel");
  ASSERT_EQ(one(d, 55.0).status, 200u);
  auto body = plan();
  body["from"] = at(minutes(5));
  body["to"] = at(minutes(120));
  auto r = post("p1leader", "/api/v1/permits/preview", body);
  ASSERT_EQ(r.status, 200u) << r.body;
  bool blocked = false;
  const auto preview = r.json();
  for (const auto& f : preview.at("findings").as_array()) {
    if (f.at("code").as_string() == "environment.reading_over_alarm") {
      blocked = f.at("severity").as_string() == "block";
    }
  }
  EXPECT_TRUE(blocked) << r.body;
}

// --- board ---

TEST_F(MonitorApi, TheBoardShowsLiveValuesLevelsAndTheWorkInEachArea) {
  const auto id = active();
  const Device d = device(cdu(), "GD-T10", "combustible_lel");
  ASSERT_EQ(one(d, 27.5).status, 200u);
  auto board = get("p1leader", "/api/v1/monitor/board").json();
  bool found = false;
  for (const auto& a : board.at("areas").as_array()) {
    if (a.at("id").as_int64() != cdu()) {
      continue;
    }
    bool permit_listed = false;
    for (const auto& p : a.at("active_permits").as_array()) {
      if (p.at("id").as_int64() == id) {
        permit_listed = true;
        // The work type by its name in the caller's language (a Chinese account), not its code.
        EXPECT_EQ(p.at("type").as_string(), "hot_work");
        EXPECT_EQ(p.at("type_label").as_string(), "动火作业");
      }
    }
    EXPECT_TRUE(permit_listed);
    for (const auto& sn : a.at("sensors").as_array()) {
      if (sn.at("code").as_string() == d.sensor_code) {
        found = true;
        EXPECT_DOUBLE_EQ(sn.at("value").as_double(), 27.5);
        EXPECT_EQ(sn.at("level").as_string(), "warning");
        EXPECT_EQ(sn.at("unit").as_string(), "%LEL");
        EXPECT_DOUBLE_EQ(sn.at("thresholds").at("alarm_high").as_double(), 50.0);
      }
    }
    EXPECT_NE(a.at("level").as_string(), "normal");
  }
  EXPECT_TRUE(found);
}

TEST_F(MonitorApi, ASensorCreatedAMomentAgoHasAnEmptySeriesAndIsOnTheBoard) {
  const Device d = device(cdu(), "GD-NEW", "o2");
  auto r = get("safety", "/api/v1/monitor/sensors/" + std::to_string(d.sensor) + "/series?from=" +
                             urlTime(-minutes(50)) + "&to=" + urlTime(minutes(50)));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_TRUE(r.json().at("points").as_array().empty());
  bool listed = false;
  const auto board = get("p1leader", "/api/v1/monitor/board").json();
  for (const auto& a : board.at("areas").as_array()) {
    for (const auto& sn : a.at("sensors").as_array()) {
      listed = listed || sn.at("code").as_string() == d.sensor_code;
    }
  }
  EXPECT_TRUE(listed);
}

// The first readings of a new device arrive together: none may be refused while another
// request is still loading the registry that knows the device.
TEST_F(MonitorApi, TheFirstReadingsOfANewDeviceArrivingTogetherAreAllAccepted) {
  for (int round = 0; round < 3; ++round) {
    const Device d = device(cdu(), "GD-RACE" + std::to_string(round), "o2");
    std::vector<std::future<unsigned>> sent;
    for (int i = 0; i < 8; ++i) {
      sent.push_back(std::async(std::launch::async, [&, i] {
        return send(d, json::object{{"readings", json::array{reading(d, 20.9, -1000 * i)}}}).status;
      }));
    }
    for (auto& f : sent) {
      EXPECT_EQ(f.get(), 200u) << "round " << round;
    }
  }
}

// --- MQTT through a real Mosquitto broker ---

// A commit that fails leaves the pipeline's memory as it was: the same readings sent again are
// cleaned and evaluated as the first time (not flagged as duplicates of themselves), and the alarm
// they change is changed in the database too.
TEST_F(MonitorApi, ReadingsWhoseCommitFailedAreTakenAsNewWhenSentAgain) {
  const Device d = device(cdu(), "GD-F1", "combustible_lel");
  ASSERT_EQ(one(d, 30.0).status, 200u);
  auto list = sensorAlarms(d);
  ASSERT_EQ(list.size(), 1u);
  const std::string a = "/api/v1/monitor/alarms/" + std::to_string(list[0].at("id").as_int64());
  ASSERT_EQ(post("safety", a + "/acknowledge", json::object{}).status, 200u);

  const json::value clean_air = {{"readings", json::array{reading(d, 0.0, 1000)}}};
  breakReadings();
  auto r = send(d, clean_air);
  EXPECT_EQ(r.status, 503u) << r.body;
  EXPECT_EQ(r.errorCode(), "store.commit_failed") << r.body;
  EXPECT_EQ(get("safety", a).json().at("state").as_string(), "acknowledged");
  EXPECT_EQ(rawCount(d), 1);
  EXPECT_EQ(metric("anguan_ingest_commit_failures_total"), 1);

  mendReadings();
  r = send(d, clean_air);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("accepted").as_int64(), 1);
  EXPECT_EQ(r.json().at("flagged").as_int64(), 0) << "taken for a duplicate of itself";
  EXPECT_EQ(get("safety", a).json().at("state").as_string(), "cleared");
  EXPECT_EQ(rawCount(d), 2);
  EXPECT_EQ(flaggedCount(d), 0);
}

class MonitorMqtt : public MonitorApi {
 protected:
  // A broker with the shipped limits, password and ACL files generated from anguan's device
  // credentials, and anguan consuming from it.
  void startBroker() {
    auto files =
        s().app().monitor->mosquittoFiles("anguan", broker::mosquittoPasswordHash("svc-secret"));
    ASSERT_TRUE(files) << files.error().message();
    broker_.configure(ingest::testing::shippedLimits(), files->first, files->second);
    ASSERT_TRUE(broker_.start()) << broker_.log();
    ingest::MqttSubscriberOptions o;
    o.port = broker_.port();
    o.username = "anguan";
    o.password = "svc-secret";
    o.client_id = "anguan-test";
    ingest_ = std::make_unique<ingest::MqttIngest>(*s().app().monitor, o);
    ASSERT_TRUE(eventually([&] { return ingest_->stats().subscriber.subscribed > 0; }));
  }
  // A publisher connected to the broker as device `d`.
  Result<std::unique_ptr<ingest::MqttPublisher>> publisher(const Device& d) {
    ingest::MqttPublisherOptions o;
    o.port = broker_.port();
    o.client_id = "pub-" + d.code;
    o.username = d.code;
    o.password = d.token;
    return ingest::MqttPublisher::connect(o);
  }
  Result<ingest::PublishReport> publish(const Device& d, const std::string& topic,
                                        const std::string& payload) {
    AG_ASSIGN_OR_RETURN(auto pub, publisher(d));
    return pub->publish({{topic, payload}}, 1);
  }
  // Publishes `n` QoS 1 messages as device `d`, one normal O2 reading each, 100 ms apart from a
  // minute ago.
  void publishReadings(const Device& d, int n) {
    auto pub = publisher(d);
    ASSERT_TRUE(pub) << pub.error().message();
    std::vector<ingest::OutgoingMessage> msgs;
    const auto t0 = toMillis(s().clock().now()) - 60000;
    for (int i = 0; i < n; ++i) {
      msgs.push_back({"anguan/p1/" + d.code + "/telemetry",
                      json::serialize(json::object{
                          {"readings", json::array{json::object{{"sensor", d.sensor_code},
                                                                {"ts", t0 + i * 100},
                                                                {"value", 20.9}}}}})});
    }
    auto rep = (*pub)->publish(msgs, 1);
    ASSERT_TRUE(rep) << rep.error().message();
    EXPECT_EQ(rep->accepted, static_cast<decltype(rep->accepted)>(n));
  }
  void TearDown() override {
    if (ingest_) {
      ingest_->stop();
    }
    ingest_.reset();
    MonitorApi::TearDown();
  }

  ingest::testing::MosquittoBroker broker_;
  std::unique_ptr<ingest::MqttIngest> ingest_;
};

TEST_F(MonitorMqtt, AGasReadingPublishedThroughMosquittoSuspendsHotWorkAndReachesWebSocket) {
  const auto id = active();
  const Device d = device(cdu(), "GD-M1", "combustible_lel");
  const Device other = device(cdu(), "GD-M2", "combustible_lel");
  startBroker();
  WsClient ws(s().port(), token("safety"));
  ASSERT_TRUE(ws.connected());
  ws.send(R"({"op":"subscribe","topic":"monitor.alarms"})");
  ASSERT_NE(ws.receive(std::chrono::seconds(2)).find("subscribed"), std::string::npos);

  const std::string payload = json::serialize(json::object{
      {"readings",
       json::array{json::object{
           {"sensor", d.sensor_code}, {"ts", toMillis(s().clock().now())}, {"value", 64.0}}}}});
  auto rep = publish(d, "anguan/p1/GD-M1/telemetry", payload);
  ASSERT_TRUE(rep) << rep.error().message();
  EXPECT_EQ(rep->accepted, 1u);

  std::string msg;
  for (int i = 0; i < 5 && msg.find("\"critical\"") == std::string::npos; ++i) {
    msg = ws.receive(std::chrono::seconds(2));
  }
  EXPECT_NE(msg.find("GD-M1-S"), std::string::npos) << msg;
  ASSERT_TRUE(eventually([&] { return permit(id).at("state").as_string() == "suspended"; }));
  auto r = post("p1guard", path(id, "resume"), json::object{});
  EXPECT_EQ(r.status, 409u) << r.body;
  passGasTest(id);
  EXPECT_EQ(post("p1guard", path(id, "resume"), json::object{}).status, 200u);

  // The broker's ACL keeps a device to its own topics.
  rep = publish(other, "anguan/p1/GD-M1/telemetry", payload);
  ASSERT_TRUE(rep) << rep.error().message();
  EXPECT_EQ(rep->refused, 1u);
  // A bad payload on the device's own topic is a dead letter from the MQTT channel, and is
  // acknowledged (not redelivered for ever).
  rep = publish(other, "anguan/p1/GD-M2/telemetry", "{\"readings\":[{\"sensor\":1}]}");
  ASSERT_TRUE(rep) << rep.error().message();
  ASSERT_TRUE(eventually([&] {
    auto dl = get("admin", "/api/v1/monitor/dead-letters").json();
    for (const auto& x : dl.at("items").as_array()) {
      if (x.at("channel").as_string() == "mqtt" &&
          x.at("code").as_string() == "telemetry.missing_field") {
        return true;
      }
    }
    return false;
  }));
  EXPECT_EQ(rawCount(d), 1);
}

TEST_F(MonitorMqtt, MessagesQueuedWhileAnguanWasAwayAreStoredOnceEach) {
  const Device d = device(cdu(), "GD-M3", "o2", 1);
  startBroker();
  // anguan goes away; its persistent session keeps collecting.
  ingest_->stop();
  ingest_.reset();
  publishReadings(d, 200);
  // Back again: everything queued arrives, once.
  ingest::MqttSubscriberOptions so;
  so.port = broker_.port();
  so.username = "anguan";
  so.password = "svc-secret";
  so.client_id = "anguan-test";
  ingest_ = std::make_unique<ingest::MqttIngest>(*s().app().monitor, so);
  ASSERT_TRUE(eventually([&] { return rawCount(d) >= 200; }))
      << rawCount(d) << " "
      << "received " << ingest_->stats().received << " submitted " << ingest_->stats().submitted
      << " rejected " << ingest_->stats().rejected << " backlog " << ingest_->stats().backlog
      << " messages " << ingest_->stats().subscriber.messages << " acks "
      << ingest_->stats().subscriber.acks << " connects " << ingest_->stats().subscriber.connects
      << " broker:\n"
      << broker_.log();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(rawCount(d), 200);
}

// Messages whose commit failed are not acknowledged; the broker sends them again only on a new
// connection, which anguan makes. Once the store works again every one is stored, once, and none
// is flagged as a duplicate of itself.
TEST_F(MonitorMqtt, MessagesWhoseCommitFailedComeAgainAndAreStoredOnceEach) {
  const Device d = device(cdu(), "GD-M4", "o2", 1);
  startBroker();
  breakReadings();
  publishReadings(d, 20);
  ASSERT_TRUE(eventually([&] { return s().app().monitor->stats().commit_failures > 0; }));
  EXPECT_EQ(rawCount(d), 0);

  mendReadings();
  ASSERT_TRUE(eventually([&] { return rawCount(d) >= 20; }))
      << rawCount(d) << " redeliveries " << ingest_->stats().subscriber.redeliveries << " connects "
      << ingest_->stats().subscriber.connects << " broker:\n"
      << broker_.log();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(rawCount(d), 20);
  EXPECT_EQ(flaggedCount(d), 0);
  EXPECT_GE(ingest_->stats().subscriber.redeliveries, 1u);
  EXPECT_GE(ingest_->stats().subscriber.connects, 2u);
}

// A message the store refuses every time (here a trigger refuses one value) must not fail the
// commits of the messages it joins for ever: the pipeline commits a failed group one batch at a
// time, the others are stored, and the one the store refuses while it takes others is kept as a
// dead letter and acknowledged.
TEST_F(MonitorMqtt, AMessageTheStoreAlwaysRefusesBecomesADeadLetterAndTheOthersAreStored) {
  const Device d = device(cdu(), "GD-M5", "o2", 1);
  startBroker();
  sql("CREATE TRIGGER test_poison BEFORE INSERT ON readings WHEN NEW.value = 6.5 "
      "BEGIN SELECT RAISE(ABORT, 'injected poison'); END");
  auto pub = publisher(d);
  ASSERT_TRUE(pub) << pub.error().message();
  const auto t0 = toMillis(s().clock().now()) - 60000;
  const std::string topic = "anguan/p1/" + d.code + "/telemetry";
  auto message = [&](int i, double value) {
    return ingest::OutgoingMessage{
        topic, json::serialize(json::object{
                   {"readings",
                    json::array{json::object{
                        {"sensor", d.sensor_code}, {"ts", t0 + i * 100}, {"value", value}}}}})};
  };
  std::vector<ingest::OutgoingMessage> msgs;
  for (int i = 0; i < 120; ++i) {
    msgs.push_back(message(i, i == 3 ? 6.5 : 20.9));
  }
  auto rep = (*pub)->publish(msgs, 1);
  ASSERT_TRUE(rep) << rep.error().message();
  auto poisonLetters = [&]() {
    int n = 0;
    auto dl = get("admin", "/api/v1/monitor/dead-letters").json();
    for (const auto& x : dl.at("items").as_array()) {
      if (x.at("channel").as_string() == "mqtt" &&
          x.at("code").as_string() == "telemetry.not_storable" &&
          x.at("payload").as_string().find("6.5") != std::string::npos) {
        ++n;
      }
    }
    return n;
  };
  ASSERT_TRUE(eventually([&] { return rawCount(d) >= 119 && poisonLetters() >= 1; }))
      << rawCount(d) << " dead letters " << poisonLetters() << " commit failures "
      << s().app().monitor->stats().commit_failures << " unstorable "
      << s().app().monitor->stats().unstorable;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(rawCount(d), 119);
  EXPECT_GE(metric("anguan_ingest_unstorable_total"), 1);
  // Acknowledged: the broker stops sending it, so the commits stop failing.
  const auto failures = s().app().monitor->stats().commit_failures;
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(s().app().monitor->stats().commit_failures, failures);
}

}  // namespace
}  // namespace anguan::testing_api
