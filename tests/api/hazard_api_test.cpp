// Hazards API: the closed loop as real users, every illegal case refused without a change, the
// chase job with a moved clock, risk register, inspections and incidents.
#include <gtest/gtest.h>

#include "harness.hpp"

namespace anguan::testing_api {
namespace {

namespace json = boost::json;
using std::chrono::days;
using std::chrono::hours;

const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(64, '\0');

class HazardApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
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
  std::string upload(const std::string& user, const std::string& bytes = kPng) {
    auto r = s().request("POST", "/api/v1/hazard-files", bytes, token(user),
                         {{"Content-Type", "image/png"}});
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.status == 201 ? std::string(r.json().at("id").as_string()) : "";
  }
  // Moves the test clock; sessions may expire, so everyone logs in again.
  void advance(std::chrono::milliseconds d) {
    s().clock().advance(d);
    tokens_.clear();
  }
  std::int64_t personOf(const std::string& user) {
    return get(user, "/api/v1/auth/me").json().at("person_id").as_int64();
  }
  std::int64_t areaOf(const std::string& user) {
    auto r = get(user, "/api/v1/areas?page_size=1");
    return r.json().at("items").as_array().at(0).at("id").as_int64();
  }
  json::object hazard(std::int64_t id) {
    return get("safety", "/api/v1/hazards/" + std::to_string(id)).json().as_object();
  }
  // Reported by p1leader and re-assigned to p1worker.
  std::int64_t reportForWorker(const std::string& type, const std::string& level = "general") {
    auto photo = upload("p1leader");
    auto r = post("p1leader", "/api/v1/hazards",
                  {{"area_id", areaOf("p1leader")},
                   {"type_code", type},
                   {"level", level},
                   {"description", "api test " + type},
                   {"photo_ids", json::array{json::value(photo)}}});
    EXPECT_EQ(r.status, 201u) << r.body;
    const auto id = r.json().at("id").as_int64();
    auto a = post("safety", "/api/v1/hazards/" + std::to_string(id) + "/assign",
                  {{"person_id", personOf("p1worker")}, {"reason", "api test"}});
    EXPECT_EQ(a.status, 200u) << a.body;
    return id;
  }
  void expectUnchanged(std::int64_t id, const json::object& before) {
    auto after = hazard(id);
    EXPECT_EQ(after.at("state"), before.at("state"));
    EXPECT_EQ(after.at("version"), before.at("version"));
    EXPECT_EQ(after.at("events").as_array().size(), before.at("events").as_array().size());
  }

  static TestServer* server_;
  std::map<std::string, std::string> tokens_;
};
TestServer* HazardApiTest::server_ = nullptr;

TEST_F(HazardApiTest, ClosedLoopReportAssignRectifyVerifyClose) {
  const auto id = reportForWorker("物.泄漏");
  auto h = hazard(id);
  EXPECT_EQ(h.at("state").as_string(), "assigned");
  EXPECT_EQ(h.at("assignee_person_id").as_int64(), personOf("p1worker"));
  ASSERT_TRUE(h.at("deadline").is_string());
  EXPECT_EQ(h.at("files").as_array().size(), 1u);
  const std::string path = "/api/v1/hazards/" + std::to_string(id);

  // My hazards to rectify lists it.
  auto mine = get("p1worker", "/api/v1/hazards/mine?role=rectify").json();
  bool listed = false;
  for (const auto& x : mine.at("items").as_array()) {
    listed = listed || x.at("id").as_int64() == id;
  }
  EXPECT_TRUE(listed);

  auto photo = upload("p1worker");
  auto r = post("p1worker", path + "/submit",
                {{"measure", "更换密封垫"},
                 {"text", "已更换并试压"},
                 {"photo_ids", json::array{json::value(photo)}}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("state").as_string(), "submitted");

  r = post("p1leader", path + "/verify", {{"pass", true}, {"note", "ok"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("state").as_string(), "closed");
  EXPECT_TRUE(r.json().at("closed_on_time").as_bool());
  // Timeline: report, assign (auto or none), assign/reassign, start, submit, verify_pass.
  std::vector<std::string> actions;
  const auto closed = r.json();  // Kept alive: the loop runs over a reference into it.
  for (const auto& e : closed.at("events").as_array()) {
    actions.emplace_back(e.at("action").as_string());
  }
  EXPECT_EQ(actions.front(), "report");
  EXPECT_EQ(actions.back(), "verify_pass");
  // The photos are served to callers in scope only.
  auto file = get("p1leader", "/api/v1/hazard-files/" + photo);
  EXPECT_EQ(file.status, 200u);
  EXPECT_EQ(file.body, kPng);
  EXPECT_EQ(get("p2worker", "/api/v1/hazard-files/" + photo).status, 404u);
  EXPECT_EQ(get("p2worker", path).status, 404u);
}

TEST_F(HazardApiTest, IllegalTransitionsAreRefusedAndChangeNothing) {
  const auto id = reportForWorker("人.违章作业");
  const std::string path = "/api/v1/hazards/" + std::to_string(id);
  auto before = hazard(id);

  // Rectify a hazard not assigned to you.
  auto r = post("p1leader", path + "/submit",
                {{"measure", "m"},
                 {"text", "t"},
                 {"photo_ids", json::array{json::value(upload("p1leader"))}}});
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(r.errorCode(), "hazard.not_assignee");
  expectUnchanged(id, before);

  // Close (submit) without evidence.
  r = post("p1worker", path + "/submit", {{"measure", "m"}, {"text", "t"}});
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.errorCode(), "hazard.evidence_required");
  expectUnchanged(id, before);

  // Verify before submission.
  r = post("p1leader", path + "/verify", {{"pass", true}});
  EXPECT_EQ(r.status, 409u);
  EXPECT_EQ(r.errorCode(), "hazard.illegal_transition");
  expectUnchanged(id, before);

  // Extend without interim controls.
  r = post("safety", path + "/extend",
           {{"deadline", "2099-01-01T00:00:00+08:00"}, {"interim_controls", ""}});
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.errorCode(), "hazard.interim_controls_required");
  expectUnchanged(id, before);

  // Verify your own rectification.
  r = post("p1worker", path + "/submit",
           {{"measure", "m"},
            {"text", "t"},
            {"photo_ids", json::array{json::value(upload("p1worker"))}}});
  ASSERT_EQ(r.status, 200u) << r.body;
  before = hazard(id);
  r = post("p1worker", path + "/verify", {{"pass", true}});
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(r.errorCode(), "hazard.self_verify");
  expectUnchanged(id, before);
  // Someone who is neither reporter nor safety officer.
  r = post("p1guard", path + "/verify", {{"pass", true}});
  EXPECT_EQ(r.status, 403u);
  expectUnchanged(id, before);

  // Verification failure goes back to rectifying.
  r = post("p1leader", path + "/verify", {{"pass", false}, {"note", "还在漏"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("state").as_string(), "rectifying");
}

TEST_F(HazardApiTest, LedgerExportsWithItsFiltersAndScope) {
  const auto id = reportForWorker("物.防护缺失");
  const std::string marker = "api test 物.防护缺失";
  // 物.防护缺失 and 管理.培训, percent-encoded.
  const std::string guard =
      "/api/v1/hazards/export?format=csv&type=%E7%89%A9.%E9%98%B2%E6%8A%A4%E7%BC%BA%E5%A4%B1";
  const std::string training =
      "/api/v1/hazards/export?format=csv&type=%E7%AE%A1%E7%90%86.%E5%9F%B9%E8%AE%AD";
  auto csv = get("safety", guard);
  ASSERT_EQ(csv.status, 200u) << csv.body;
  EXPECT_NE(csv.body.find("编号"), std::string::npos);
  EXPECT_NE(csv.body.find(marker), std::string::npos);
  EXPECT_NE(csv.body.find(std::to_string(id)), std::string::npos);
  // The filter applies: another type's export does not hold it.
  auto other = get("safety", training);
  ASSERT_EQ(other.status, 200u);
  EXPECT_EQ(other.body.find(marker), std::string::npos);
  // The scope applies: the second plant's worker does not see the first plant's hazards.
  auto p2 = get("p2worker", guard);
  ASSERT_EQ(p2.status, 200u);
  EXPECT_EQ(p2.body.find(marker), std::string::npos);
  auto xlsx = get("safety", "/api/v1/hazards/export?format=xlsx&state=assigned");
  ASSERT_EQ(xlsx.status, 200u);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
  EXPECT_EQ(get("safety", "/api/v1/hazards/export?format=pdf").status, 400u);
}

TEST_F(HazardApiTest, PhotosMustBeImagesWithinTheLimit) {
  auto r = s().request("POST", "/api/v1/hazard-files", "hello, not an image", token("p1worker"));
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.errorCode(), "hazard.photo_not_image");
  r = s().request("POST", "/api/v1/hazard-files", "\xFF\xD8\xFF" + std::string(6 << 20, 'x'),
                  token("p1worker"));
  EXPECT_EQ(r.status, 413u);
  // A report naming a photo that isn't the caller's is refused and creates nothing.
  auto theirs = upload("p1leader");
  auto count = get("safety", "/api/v1/hazards?page_size=1").json().at("total").as_int64();
  r = post("p1worker", "/api/v1/hazards",
           {{"area_id", areaOf("p1worker")},
            {"type_code", "环境"},
            {"description", "x"},
            {"photo_ids", json::array{json::value(theirs)}}});
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.errorCode(), "hazard.bad_photo");
  EXPECT_EQ(get("safety", "/api/v1/hazards?page_size=1").json().at("total").as_int64(), count);
}

TEST_F(HazardApiTest, MajorHazardNeedsPlanAndAcceptance) {
  const auto id = reportForWorker("物.设备缺陷", "major");
  const std::string path = "/api/v1/hazards/" + std::to_string(id);
  auto r = post("p1worker", path + "/start", json::object{});
  EXPECT_EQ(r.errorCode(), "hazard.plan_required");
  r = post("safety", path + "/plan", {{"targets", "t"}, {"method", "m"}, {"funds", "f"}});
  EXPECT_EQ(r.errorCode(), "hazard.plan_incomplete");
  r = post("safety", path + "/plan",
           {{"targets", "消除隐患"},
            {"method", "更换设备"},
            {"funds", "20万元"},
            {"responsible", "设备部"},
            {"deadline", "2099-01-01T00:00:00+08:00"},
            {"safety_measures", "停车检修, 应急预案"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  ASSERT_EQ(
      post("safety", path + "/supervise", {{"supervisor_person_id", personOf("p1leader")}}).status,
      200u);
  // Follow-ups are the supervisor's: the rectifier cannot write them.
  EXPECT_EQ(post("p1worker", path + "/follow-up", {{"note", "我自己督办"}}).errorCode(),
            "hazard.not_supervisor");
  ASSERT_EQ(post("p1leader", path + "/follow-up", {{"note", "已现场督办"}}).status, 200u);
  ASSERT_EQ(post("safety", path + "/report-management", json::object{}).status, 200u);
  ASSERT_EQ(post("p1worker", path + "/start", json::object{}).status, 200u);
  r = post("p1worker", path + "/submit",
           {{"measure", "m"},
            {"text", "t"},
            {"photo_ids", json::array{json::value(upload("p1worker"))}}});
  ASSERT_EQ(r.status, 200u) << r.body;
  auto before = hazard(id);
  r = post("p1leader", path + "/verify", {{"pass", true}});
  EXPECT_EQ(r.status, 409u);
  EXPECT_EQ(r.errorCode(), "hazard.acceptance_required");
  expectUnchanged(id, before);
  ASSERT_EQ(post("safety", path + "/accept", {{"note", "验收合格"}}).status, 200u);
  r = post("p1leader", path + "/verify", {{"pass", true}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("state").as_string(), "closed");
}

TEST_F(HazardApiTest, OverdueIsEscalatedExactlyOncePerDayAndRecurrenceIsFlagged) {
  const auto id = reportForWorker("环境.通道");
  auto run = [&] {
    auto r = post("admin", "/api/v1/system/jobs/run", json::object{});
    ASSERT_EQ(r.status, 200u) << r.body;
  };
  run();
  EXPECT_EQ(hazard(id).at("escalations").as_int64(), 0);
  advance(days{7} + hours{1});
  run();
  run();
  EXPECT_EQ(hazard(id).at("escalations").as_int64(), 1);
  EXPECT_TRUE(hazard(id).at("overdue").as_bool());
  advance(hours{2});
  run();
  // Same local day unless the 2 h crossed midnight; a full day later always escalates again.
  const auto after_two_hours = hazard(id).at("escalations").as_int64();
  EXPECT_LE(after_two_hours, 2);
  advance(days{1});
  run();
  run();
  EXPECT_EQ(hazard(id).at("escalations").as_int64(), after_two_hours + 1);
  // Close it late, then the same area and type again is a recurrence.
  const std::string path = "/api/v1/hazards/" + std::to_string(id);
  ASSERT_EQ(post("p1worker", path + "/submit",
                 {{"measure", "m"},
                  {"text", "t"},
                  {"photo_ids", json::array{json::value(upload("p1worker"))}}})
                .status,
            200u);
  auto closed = post("p1leader", path + "/verify", {{"pass", true}});
  ASSERT_EQ(closed.status, 200u);
  EXPECT_FALSE(closed.json().at("closed_on_time").as_bool());
  const auto again = reportForWorker("环境.通道");
  EXPECT_EQ(hazard(again).at("recurrence_of").as_int64(), id);
  advance(-(days{8} + hours{3}));
}

TEST_F(HazardApiTest, RiskRegisterInspectionsAndIncidents) {
  const auto area = areaOf("p1leader");
  auto r = post("safety", "/api/v1/risk-points",
                {{"area_id", area},
                 {"name", "油泵房"},
                 {"method", "lec"},
                 {"l", 3},
                 {"e", 6},
                 {"c", 15},
                 {"controls", json::array{"检查密封", "检查接地"}},
                 {"responsible_person_id", personOf("p1worker")}});
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(r.json().at("colour").as_string(), "orange");  // D = 270
  EXPECT_EQ(post("safety", "/api/v1/risk-points",
                 {{"area_id", area},
                  {"name", "x"},
                  {"method", "lec"},
                  {"l", 2},
                  {"e", 6},
                  {"c", 15},
                  {"controls", json::array{"a"}}})
                .errorCode(),
            "risk.bad_value");
  auto map = get("safety", "/api/v1/risk-points/colour-map").json().as_array();
  EXPECT_FALSE(map.empty());

  ASSERT_EQ(post("admin", "/api/v1/system/jobs/run", json::object{}).status, 200u);
  auto tasks = get("p1worker", "/api/v1/inspections?mine=1&status=pending").json().as_array();
  std::int64_t task = 0;
  for (const auto& t : tasks) {
    if (t.at("items").as_array().size() == 2 &&
        t.at("items").as_array()[0].at("text").as_string() == "检查密封") {
      task = t.at("id").as_int64();
    }
  }
  ASSERT_NE(task, 0);
  r = post("p1leader", "/api/v1/inspections/" + std::to_string(task) + "/complete",
           {{"results", json::array{json::object{{"index", 0}, {"ok", true}},
                                    json::object{{"index", 1}, {"ok", false}}}}});
  EXPECT_EQ(r.status, 403u);
  r = post("p1worker", "/api/v1/inspections/" + std::to_string(task) + "/complete",
           {{"results", json::array{json::object{{"index", 0}, {"ok", true}},
                                    json::object{{"index", 1},
                                                 {"ok", false},
                                                 {"note", "接地线断"},
                                                 {"type_code", "物.设备缺陷"}}}}});
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto created = r.json().at("items").as_array()[1].at("hazard_id").as_int64();
  ASSERT_GT(created, 0);
  EXPECT_EQ(hazard(created).at("source").as_string(), "inspection");

  r = post("safety", "/api/v1/incidents",
           {{"area_id", area},
            {"occurred_at", "2026-03-01T10:00:00+08:00"},
            {"category", "高处坠落"},
            {"title", "脚手架坠落"},
            {"people", json::array{json::object{{"name", "李四"}, {"lost_workdays", 105}}}}});
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(r.json().at("severity").as_string(), "serious");
  const std::string inc = "/api/v1/incidents/" + std::to_string(r.json().at("id").as_int64());
  r = post("safety", inc + "/actions",
           {{"description", "加装护栏"},
            {"owner_person_id", personOf("p1worker")},
            {"deadline", "2099-01-01T00:00:00+08:00"}});
  ASSERT_EQ(r.status, 201u) << r.body;
  const auto action = r.json().at("actions").as_array()[0].at("id").as_int64();
  r = post("safety", inc + "/close", json::object{});
  EXPECT_EQ(r.status, 409u);
  EXPECT_EQ(r.errorCode(), "incident.actions_open");
  ASSERT_EQ(
      post("p1worker", inc + "/actions/" + std::to_string(action) + "/done", {{"note", "已加装"}})
          .status,
      200u);
  r = post("safety", inc + "/close", json::object{});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("status").as_string(), "closed");
}

}  // namespace
}  // namespace anguan::testing_api
