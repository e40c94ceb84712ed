// The permits API test fixture, shared by the permit and monitoring API tests: a fresh demo
// server per test and helpers to plan, issue and start a hot-work permit as real users.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness.hpp"

namespace anguan::testing_api {

namespace json = boost::json;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr int kTz = 480;  // The demo enterprise's offset.
// Plans start this far ahead: clear of the demo permits (at most 15 days' validity around today)
// and the demo maintenance windows (within 34 days), so findings depend on the test alone.
constexpr minutes kAhead{40 * 24 * 60};

class PermitApiBase : public ::testing::Test {
 protected:
  void SetUp() override { server_ = std::make_unique<TestServer>(); }
  void TearDown() override { server_.reset(); }
  TestServer& s() { return *server_; }

  std::string token(const std::string& user) {
    auto it = tokens_.find(user);
    if (it == tokens_.end()) {
      it = tokens_.emplace(user, s().login(user)).first;
    }
    return it->second;
  }
  HttpResult post(const std::string& user, const std::string& path, const json::value& body) {
    return s().request("POST", path, json::serialize(body), token(user));
  }
  HttpResult get(const std::string& user, const std::string& path) {
    return s().request("GET", path, "", token(user));
  }
  static std::string path(std::int64_t id, const std::string& action = "") {
    return "/api/v1/permits/" + std::to_string(id) + (action.empty() ? "" : "/" + action);
  }
  std::int64_t personOf(const std::string& user) {
    return get(user, "/api/v1/auth/me").json().at("person_id").as_int64();
  }
  // 常减压装置: a fire/explosion process unit in plant P1.
  std::int64_t cdu() {
    auto r = get("p1leader", "/api/v1/areas?q=%E5%B8%B8%E5%87%8F%E5%8E%8B");
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json().at("items").as_array().at(0).at("id").as_int64();
  }
  // Server time `m` minutes from now, at minute precision, in the enterprise offset.
  std::string at(minutes m) {
    return formatRfc3339(std::chrono::floor<minutes>(s().clock().now()) + m, kTz);
  }
  // Moves the server clock; sessions may lapse over the jump, so log in afresh afterwards.
  void advance(std::chrono::milliseconds d) {
    s().clock().advance(d);
    tokens_.clear();
  }
  std::string nowText() { return formatRfc3339(s().clock().now(), kTz); }

  // A hot-work plan in 常减压 by p1leader: window from kAhead for 4 h, p1guard guarding, p1worker
  // welding. The continuous monitor is on site in case the night/holiday upgrade makes it 特级.
  json::object plan() {
    return json::object{
        {"type", "hot_work"},
        {"title", "API 测试 动火"},
        {"area_id", cdu()},
        {"from", at(kAhead)},
        {"to", at(kAhead + minutes(240))},
        {"leader_id", personOf("p1leader")},
        {"guardian_id", personOf("p1guard")},
        {"worker_ids", json::array{personOf("p1worker")}},
        {"conditions", json::object{{"continuous_monitor", true}}},
        {"fields", json::object{{"hot_location", "P-101 出口法兰"},
                                {"hot_method", "electric_welding"},
                                {"worker_cert_numbers", "孙涛 DEMO-p1worker-1"}}},
        {"jha", json::array{json::object{
                    {"step", "焊接"},
                    {"hazards",
                     json::array{json::object{{"hazard", "火花飞溅"},
                                              {"controls", json::array{"防火毯", "灭火器"}}}}}}}}};
  }
  std::int64_t create(const json::object& body) {
    auto r = post("p1leader", "/api/v1/permits", body);
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.status == 201 ? r.json().at("id").as_int64() : 0;
  }
  json::object permit(std::int64_t id) { return get("safety", path(id)).json().as_object(); }
  std::int64_t permitCount() {
    return get("safety", "/api/v1/permits?page_size=1").json().at("total").as_int64();
  }
  // Overrides with a reason for every warning the plan has (demo maintenance windows are random).
  json::object warningOverrides(std::int64_t id) {
    json::object ov;
    for (const auto& f : json::array(permit(id).at("findings").as_array())) {
      if (f.at("severity").as_string() == "warn") {
        ov[f.at("code").as_string()] = "已与检修单位协调，错开作业面";
      }
    }
    return ov;
  }
  HttpResult submit(std::int64_t id) {
    return post("p1leader", path(id, "submit"), {{"overrides", warningOverrides(id)}});
  }
  static json::object password(const std::string& pw = "anguan123") {
    return json::object{{"kind", "password"}, {"password", pw}};
  }
  HttpResult approve(const std::string& user, std::int64_t id, json::value signature = password()) {
    return post(user, path(id, "approve"),
                {{"comment", "同意"},
                 {"signature", std::move(signature)},
                 {"location", json::object{{"lat", 30.1}, {"lng", 121.5}, {"text", "现场"}}}});
  }
  static std::string userFor(const std::string& role) {
    static const std::map<std::string, std::string> kUsers = {{"approver_unit", "p1unit"},
                                                              {"approver_dept", "dept"},
                                                              {"approver_safety", "hse"},
                                                              {"approver_leader", "leader"},
                                                              {"safety_officer", "safety"}};
    auto it = kUsers.find(role);
    return it == kUsers.end() ? "" : it->second;
  }
  // The first open step's index, or -1.
  static int openStep(const json::object& p) {
    const auto& steps = p.at("steps").as_array();
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (steps[i].at("state").as_string() == "open") {
        return static_cast<int>(i);
      }
    }
    return -1;
  }
  // Approves every open step by the demo account holding its role, until issued.
  void approveChain(std::int64_t id) {
    for (int n = 0; n < 8; ++n) {
      auto p = permit(id);
      if (p.at("state").as_string() != "in_approval") {
        break;
      }
      const int i = openStep(p);
      ASSERT_GE(i, 0);
      const std::string role(p.at("steps").as_array()[i].at("role").as_string());
      const std::string user = userFor(role);
      ASSERT_FALSE(user.empty()) << role;
      auto r = approve(user, id);
      ASSERT_EQ(r.status, 200u) << r.body;
    }
    EXPECT_EQ(permit(id).at("state").as_string(), "issued");
  }
  // Planned, submitted and approved to issued.
  std::int64_t issued(const json::object& body) {
    const auto id = create(body);
    auto r = submit(id);
    EXPECT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.json().at("state").as_string(), "in_approval");
    approveChain(id);
    return id;
  }
  std::int64_t issued() { return issued(plan()); }

  json::object gasTest(double value_vol) {
    return json::object{{"sampled_at", nowText()}, {"gas", "flammable"},   {"value", value_vol},
                        {"unit", "%vol"},          {"lel_percent", 5.0},   {"point", "法兰口"},
                        {"instrument", "GT-903"},  {"tester_name", "刘洋"}};
  }
  void passGasTest(std::int64_t id) {
    auto r = post("p1guard", path(id, "gas-tests"), gasTest(0.1));
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_TRUE(r.json().at("pass").as_bool()) << r.body;
  }
  // Every measure confirmed, the crew briefed, the shift leader's check: all but the gas test.
  void prepareStart(std::int64_t id) {
    json::array items;
    for (const auto& m : json::array(permit(id).at("measures").as_array())) {
      items.push_back(json::object{{"code", m.at("code")}, {"applies", true}});
    }
    auto r = post("p1guard", path(id, "measures"), {{"items", items}});
    ASSERT_EQ(r.status, 200u) << r.body;
    r = post("p1leader", path(id, "briefing"),
             {{"giver", "张伟"}, {"receivers", json::array{"孙涛", "刘洋"}}});
    ASSERT_EQ(r.status, 200u) << r.body;
    r = post("p1leader", path(id, "shift-check"), json::object{});
    ASSERT_EQ(r.status, 200u) << r.body;
  }
  // Issued, prepared, inside the window with a fresh passing gas test, and started.
  std::int64_t active() {
    const auto id = issued();
    prepareStart(id);
    advance(kAhead + minutes(1));
    passGasTest(id);
    auto r = post("p1guard", path(id, "start"), json::object{});
    EXPECT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.json().at("state").as_string(), "active");
    return id;
  }
  void runJobs() {
    auto r = post("admin", "/api/v1/system/jobs/run", json::object{});
    ASSERT_EQ(r.status, 200u) << r.body;
    for (const auto& j : json::array(r.json().at("jobs").as_array())) {
      EXPECT_TRUE(j.at("ok").as_bool()) << json::serialize(j);
    }
  }
  // A refused call changed nothing: same state, version and timeline.
  void expectUnchanged(std::int64_t id, const json::object& before) {
    auto after = permit(id);
    EXPECT_EQ(after.at("state"), before.at("state"));
    EXPECT_EQ(after.at("version"), before.at("version"));
    EXPECT_EQ(after.at("events").as_array().size(), before.at("events").as_array().size());
  }
  static std::string details(const HttpResult& r) {
    auto v = r.json();
    if (!v.is_object() || !v.as_object().contains("error")) {
      return "";
    }
    const auto* d = v.at("error").as_object().if_contains("details");
    return d == nullptr ? "" : json::serialize(*d);
  }
  static std::vector<std::string> kinds(const json::object& p) {
    std::vector<std::string> out;
    for (const auto& e : p.at("events").as_array()) {
      out.emplace_back(e.at("kind").as_string());
    }
    return out;
  }
  static std::size_t count(const std::vector<std::string>& v, const std::string& x) {
    return static_cast<std::size_t>(std::count(v.begin(), v.end(), x));
  }

  std::unique_ptr<TestServer> server_;
  std::map<std::string, std::string> tokens_;
};

}  // namespace anguan::testing_api
