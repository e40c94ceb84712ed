// The demo permits of `anguan demo` (issue 3 part 11), read back through the API: a year of
// history over every type, mostly clean, with the exceptions the screens and indicators need.
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "harness.hpp"

namespace anguan::testing_api {
namespace {

namespace json = boost::json;

class PermitDemoApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static TestServer& s() { return *server_; }
  static const std::string& admin() {
    static const std::string token = s().login("admin");
    return token;
  }
  static json::value get(const std::string& path) {
    auto r = s().request("GET", path, "", admin());
    EXPECT_EQ(r.status, 200u) << path << " " << r.body;
    return r.json();
  }
  static std::int64_t total(const std::string& query) {
    return get("/api/v1/permits?page_size=1&" + query).at("total").as_int64();
  }
  static TestServer* server_;
};
TestServer* PermitDemoApi::server_ = nullptr;

TEST_F(PermitDemoApi, AboutAYearOfPermitsOverEveryType) {
  const auto all = total("");
  EXPECT_GE(all, 600);
  EXPECT_LE(all, 1000);
  for (const char* type : {"hot_work", "confined_space", "blind_plate", "height", "lifting",
                           "temp_power", "excavation", "road_break", "inspection", "maintenance"}) {
    EXPECT_GT(total(std::string("type=") + type), 10) << type;
  }
}

TEST_F(PermitDemoApi, MostlyClosedWithEveryExceptionAndLiveWorkToday) {
  const auto all = total("");
  EXPECT_GT(total("state=closed"), all / 2);
  for (const char* state : {"rejected", "returned", "cancelled", "expired", "in_approval", "issued",
                            "active", "suspended"}) {
    EXPECT_GT(total(std::string("state=") + state), 0) << state;
  }
  // Nothing is left in a state no flow ends in.
  EXPECT_EQ(total("state=draft"), 0);
  EXPECT_EQ(total("state=submitted"), 0);
}

TEST_F(PermitDemoApi, ClosedPermitsCarryAFullConsistentRecord) {
  auto list = get("/api/v1/permits?state=closed&page_size=150");
  int late = 0, overridden = 0, checked = 0;
  for (const auto& item : list.at("items").as_array()) {
    const auto id = item.at("id").as_int64();
    auto p = get("/api/v1/permits/" + std::to_string(id)).as_object();
    ++checked;
    ASSERT_TRUE(p.at("acceptance").is_object()) << id;
    ASSERT_TRUE(p.at("review").is_object()) << id;
    const auto& steps = p.at("steps").as_array();
    for (const auto& st : steps) {
      EXPECT_EQ(st.at("state").as_string(), "approved") << id;
      EXPECT_TRUE(st.at("decided_at").is_string()) << id;
      EXPECT_FALSE(st.at("decided_by_name").as_string().empty()) << id;
      auto opened = parseRfc3339(std::string(st.at("opened_at").as_string()));
      auto decided = parseRfc3339(std::string(st.at("decided_at").as_string()));
      ASSERT_TRUE(opened && decided) << id;
      EXPECT_LE(*opened, *decided) << id;
      if (st.at("due_at").is_string() &&
          *decided > parseRfc3339(std::string(st.at("due_at").as_string())).value()) {
        ++late;
      }
    }
    if (p.at("overrides").is_object() && !p.at("overrides").as_object().empty()) {
      ++overridden;
    }
    // Issued while its window was open, after the check again at issue found no block.
    EXPECT_LT(parseRfc3339(std::string(p.at("issued_at").as_string())).value(),
              parseRfc3339(std::string(p.at("to").as_string())).value())
        << id;
    const auto& at_issue = p.at("issue_findings").as_array();
    EXPECT_FALSE(at_issue.empty()) << id;
    for (const auto& f : at_issue) {
      EXPECT_NE(f.at("severity").as_string(), "block") << id << " " << f.at("code").as_string();
    }
    const auto& events = p.at("events").as_array();
    ASSERT_GE(events.size(), 8u) << id;
    EXPECT_EQ(events.front().at("kind").as_string(), "created") << id;
    EXPECT_EQ(events.back().at("kind").as_string(), "closed") << id;
    for (std::size_t i = 1; i < events.size(); ++i) {
      EXPECT_LE(parseRfc3339(std::string(events[i - 1].at("at").as_string())).value(),
                parseRfc3339(std::string(events[i].at("at").as_string())).value())
          << id << " event " << i;
    }
  }
  EXPECT_EQ(checked, 150);
  EXPECT_GT(late, 0);
  EXPECT_GT(overridden, 0);
  auto first = list.at("items").as_array().at(0).at("id").as_int64();
  auto report =
      s().request("GET", "/api/v1/permits/" + std::to_string(first) + "/report", "", admin());
  EXPECT_EQ(report.status, 200u) << report.body;
}

TEST_F(PermitDemoApi, TodaysBoardAndAnApprovalQueueAreNotEmpty) {
  const std::string today = formatRfc3339(s().clock().now(), 480).substr(0, 10);
  auto board = get("/api/v1/board?date=" + today);
  std::size_t on_board = 0;
  for (const auto& a : board.at("areas").as_array()) {
    on_board += a.at("permits").as_array().size();
  }
  EXPECT_GT(on_board, 0u);
  std::size_t waiting = 0;
  for (const char* user : {"p1unit", "hse", "dept", "leader", "safety"}) {
    auto r = s().request("GET", "/api/v1/approvals/queue", "", s().login(user));
    ASSERT_EQ(r.status, 200u) << r.body;
    waiting += r.json().at("items").as_array().size();
  }
  EXPECT_GT(waiting, 0u);
}

// The demo's open approvals reached their approvers as unread notifications, as the service's own
// submits and approvals do; the unit's approver also has the week's started, completed or
// expired work, the older part of it read.
TEST_F(PermitDemoApi, ApproversHaveBeenNotifiedOfWhatWaitsForThem) {
  std::size_t waiting = 0;
  for (const char* user : {"p1unit", "hse", "dept", "leader", "safety"}) {
    const std::string token = s().login(user);
    auto queue = s().request("GET", "/api/v1/approvals/queue", "", token);
    ASSERT_EQ(queue.status, 200u) << queue.body;
    auto unread = s().request("GET", "/api/v1/notifications?unread=1&page_size=100", "", token);
    ASSERT_EQ(unread.status, 200u) << unread.body;
    std::set<std::int64_t> notified;
    const json::value unread_body = unread.json();  // json() returns a fresh value each call
    for (const auto& n : unread_body.at("items").as_array()) {
      if (n.at("kind").as_string() == "permit.approval_waiting") {
        EXPECT_FALSE(n.at("read").as_bool());
        notified.insert(n.at("entity_id").as_int64());
      }
    }
    const json::value queue_body = queue.json();
    for (const auto& p : queue_body.at("items").as_array()) {
      ++waiting;
      EXPECT_TRUE(notified.count(p.at("id").as_int64()) == 1)
          << user << " was not notified of permit " << p.at("id").as_int64();
    }
  }
  EXPECT_GT(waiting, 0u);
  auto all = s().request("GET", "/api/v1/notifications?page_size=100", "", s().login("p1unit"));
  ASSERT_EQ(all.status, 200u) << all.body;
  std::set<std::string> read_kinds;
  const json::value all_body = all.json();
  for (const auto& n : all_body.at("items").as_array()) {
    if (n.at("read").as_bool()) {
      read_kinds.insert(std::string(n.at("kind").as_string()));
    }
  }
  EXPECT_TRUE(read_kinds.count("permit.started") == 1 || read_kinds.count("permit.completed") == 1)
      << all.body;
  EXPECT_EQ(read_kinds.count("permit.approval_waiting"), 0u);
}

}  // namespace
}  // namespace anguan::testing_api
