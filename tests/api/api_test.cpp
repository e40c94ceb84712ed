// API tests against a real server on a free port with the demo enterprise loaded.
#include <cstdlib>
#include <fstream>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "api/harness.hpp"

namespace anguan::testing_api {
namespace {
namespace json = boost::json;

std::string body(const json::object& fields) { return json::serialize(fields); }

class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  TestServer& s() { return *server_; }
  std::string admin() {
    if (admin_token_.empty()) {
      admin_token_ = s().login("admin");
    }
    return admin_token_;
  }
  // The id of the org unit with `code`.
  std::int64_t orgId(const std::string& code) {
    auto r = s().request("GET", "/api/v1/org-units?code=" + code, "", admin());
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json().at("items").as_array().at(0).at("id").as_int64();
  }
  // Any area id whose org lies under the org unit `code`.
  std::int64_t areaOf(const std::string& token) {
    auto r = s().request("GET", "/api/v1/areas?page_size=1", "", token);
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json().at("items").as_array().at(0).at("id").as_int64();
  }

  static TestServer* server_;
  static std::string admin_token_;
};

TestServer* ApiTest::server_ = nullptr;
std::string ApiTest::admin_token_;

TEST_F(ApiTest, HealthzReportsDatabase) {
  auto r = s().request("GET", "/healthz");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.json().at("db").as_string(), "sqlite");
}

TEST_F(ApiTest, LoginWithWrongPasswordIsUnauthenticatedInTheRequestLanguage) {
  auto zh = s().request("POST", "/api/v1/auth/login",
                        body({{"username", "admin"}, {"password", "nope1234"}}));
  EXPECT_EQ(zh.status, 401u);
  EXPECT_EQ(zh.errorCode(), "auth.bad_credentials");
  EXPECT_EQ(zh.json().at("error").at("message").as_string(), "用户名或密码错误");
  auto en = s().request("POST", "/api/v1/auth/login",
                        body({{"username", "nobody"}, {"password", "nope1234"}}), "",
                        {{"Accept-Language", "en-US,en;q=0.9"}});
  EXPECT_EQ(en.status, 401u);
  EXPECT_EQ(en.json().at("error").at("message").as_string(), "Wrong username or password");
}

TEST_F(ApiTest, RepeatedFailedLoginsLockTheAccount) {
  for (int i = 0; i < 5; ++i) {
    auto r = s().request("POST", "/api/v1/auth/login",
                         body({{"username", "p2worker"}, {"password", "wrong-pass1"}}));
    EXPECT_EQ(r.errorCode(), "auth.bad_credentials");
  }
  auto locked = s().request("POST", "/api/v1/auth/login",
                            body({{"username", "p2worker"}, {"password", "anguan123"}}));
  EXPECT_EQ(locked.status, 401u);
  EXPECT_EQ(locked.errorCode(), "auth.locked");
}

TEST_F(ApiTest, MalformedJsonIsRejected) {
  auto r = s().request("POST", "/api/v1/areas", "{\"name\": ", admin());
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.errorCode(), "request.bad_json");
  auto arr = s().request("POST", "/api/v1/areas", "[1,2]", admin());
  EXPECT_EQ(arr.errorCode(), "request.not_an_object");
}

TEST_F(ApiTest, WrongTypesMissingAndUnknownFieldsAreNamed) {
  auto r = s().request("POST", "/api/v1/areas",
                       body({{"name", 12}, {"code", "X-1"}, {"org_id", "one"}, {"colour", "red"}}),
                       admin());
  EXPECT_EQ(r.status, 400u) << r.body;
  EXPECT_EQ(r.errorCode(), "validation.failed");
  const auto doc = r.json();
  const auto& d = doc.at("error").at("details").as_object();
  EXPECT_EQ(d.at("name").as_string(), "wrong_type");
  EXPECT_EQ(d.at("org_id").as_string(), "wrong_type");
  EXPECT_EQ(d.at("colour").as_string(), "unknown_field");
  auto missing = s().request("POST", "/api/v1/areas", body({{"code", "X-2"}}), admin());
  EXPECT_EQ(missing.json().at("error").at("details").at("name").as_string(), "required");
}

TEST_F(ApiTest, OversizeBodyIs413) {
  std::string big = "{\"name\":\"" + std::string(100 * 1024, 'x') + "\"}";
  auto r = s().request("POST", "/api/v1/areas", big, admin());
  EXPECT_EQ(r.status, 413u) << r.body;
  EXPECT_EQ(r.errorCode(), "request.too_large");
}

TEST_F(ApiTest, Http11RequestWithoutHostIsRejected) {
  auto r = s().request("GET", "/healthz", "", "", {{"X-No-Host", "1"}});
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.errorCode(), "request.no_host");
}

TEST_F(ApiTest, UnknownRouteIs404AndWrongMethodIs405) {
  auto r = s().request("GET", "/api/v1/no/such/thing", "", admin());
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.errorCode(), "route.not_found");
  auto unknown_entity = s().request("GET", "/api/v1/widgets", "", admin());
  EXPECT_EQ(unknown_entity.errorCode(), "base.unknown_entity");
  auto m = s().request("PATCH", "/api/v1/areas", "{}", admin());
  EXPECT_EQ(m.status, 405u);
  EXPECT_EQ(m.errorCode(), "route.method_not_allowed");
}

TEST_F(ApiTest, EveryEndpointNeedsASession) {
  for (const auto& key : s().routeKeys()) {
    const auto space = key.find(' ');
    const std::string method = key.substr(0, space);
    std::string path = key.substr(space + 1);
    if (path == "/api/v1/auth/login" || path == "/healthz" || path == "/metrics" ||
        path == "/api/v1/openapi.json" || path.rfind("/api/v1/public/", 0) == 0) {
      continue;
    }
    if (path == "/api/v1/telemetry") {  // Devices authenticate with their own token.
      auto r = s().request(method, path, "{}");
      EXPECT_EQ(r.status, 401u) << key;
      EXPECT_EQ(r.errorCode(), "monitor.device_token_invalid") << key;
      continue;
    }
    for (auto p = path.find("{entity}"); p != std::string::npos; p = path.find("{entity}")) {
      path.replace(p, 8, "areas");
    }
    for (auto p = path.find('{'); p != std::string::npos; p = path.find('{')) {
      path.replace(p, path.find('}', p) - p + 1, "1");
    }
    auto r = s().request(method, path, method == "GET" || method == "DELETE" ? "" : "{}");
    EXPECT_EQ(r.status, 401u) << key;
    EXPECT_EQ(r.errorCode(), "auth.no_session") << key;
  }
}

TEST_F(ApiTest, LoggedOutSessionIsRevokedAndExpiredSessionIsRefused) {
  std::string t = s().login("p1guard");
  EXPECT_EQ(s().request("GET", "/api/v1/auth/me", "", t).status, 200u);
  EXPECT_EQ(s().request("POST", "/api/v1/auth/logout", "", t).status, 204u);
  auto r = s().request("GET", "/api/v1/auth/me", "", t);
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(r.errorCode(), "auth.session_revoked");

  std::string t2 = s().login("p1guard");
  s().clock().advance(std::chrono::hours(13));
  auto expired = s().request("GET", "/api/v1/auth/me", "", t2);
  s().clock().advance(-std::chrono::hours(13));
  EXPECT_EQ(expired.status, 401u);
  EXPECT_EQ(expired.errorCode(), "auth.session_expired");
  auto garbage = s().request("GET", "/api/v1/auth/me", "", "not-a-token");
  EXPECT_EQ(garbage.errorCode(), "auth.no_session");
}

TEST_F(ApiTest, RoleWithoutPermissionIsForbidden) {
  std::string worker = s().login("p1worker");
  auto r = s().request(
      "POST", "/api/v1/areas",
      body({{"name", "工人新建"}, {"code", "W-1"}, {"org_id", 1}, {"kind", "other"}}), worker);
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(r.errorCode(), "auth.forbidden");
  EXPECT_EQ(s().request("GET", "/api/v1/audit", "", worker).status, 403u);
  EXPECT_EQ(s().request("GET", "/api/v1/users", "", worker).status, 403u);
  std::string auditor = s().login("auditor");
  EXPECT_EQ(s().request("GET", "/api/v1/audit", "", auditor).status, 200u);
  EXPECT_EQ(s().request("DELETE", "/api/v1/holidays/1?version=1", "", auditor).status, 403u);
}

TEST_F(ApiTest, PlantAdminCannotSeeOrTouchTheOtherPlant) {
  const std::string p1 = s().login("p1admin");
  const std::string p2 = s().login("p2admin");
  const std::int64_t p2_area = areaOf(p2);
  // Reading: the other plant's record does not exist for them, in lists either.
  EXPECT_EQ(s().request("GET", "/api/v1/areas/" + std::to_string(p2_area), "", p1).status, 404u);
  auto list = s().request("GET", "/api/v1/areas?page_size=1000", "", p1).json();
  for (const auto& item : list.at("items").as_array()) {
    EXPECT_NE(item.at("id").as_int64(), p2_area);
  }
  auto p2_list = s().request("GET", "/api/v1/areas?page_size=1000", "", p2).json();
  auto all = s().request("GET", "/api/v1/areas?page_size=1000", "", admin()).json();
  EXPECT_LT(list.at("total").as_int64(), all.at("total").as_int64());
  EXPECT_LT(p2_list.at("total").as_int64(), all.at("total").as_int64());
  // Changing and deleting: also "not found".
  auto rec = s().request("GET", "/api/v1/areas/" + std::to_string(p2_area), "", p2).json();
  json::object changed = rec.as_object();
  changed["name"] = "越权修改";
  EXPECT_EQ(
      s().request("PUT", "/api/v1/areas/" + std::to_string(p2_area), json::serialize(changed), p1)
          .status,
      404u);
  EXPECT_EQ(s().request("DELETE",
                        "/api/v1/areas/" + std::to_string(p2_area) +
                            "?version=" + std::to_string(rec.at("version").as_int64()),
                        "", p1)
                .status,
            404u);
  // Referencing the other plant's org unit is a bad reference, not a hint that it exists.
  auto create = s().request(
      "POST", "/api/v1/areas",
      body({{"name", "越权区域"}, {"code", "X-P2"}, {"org_id", orgId("P2")}, {"kind", "other"}}),
      p1);
  EXPECT_EQ(create.status, 400u);
  EXPECT_EQ(create.json().at("error").at("details").at("org_id").as_string(), "bad_reference");
  // Certificates follow their holder's org.
  auto certs = s().request("GET", "/api/v1/certificates?page_size=1000", "", p1).json();
  auto all_certs = s().request("GET", "/api/v1/certificates?page_size=1000", "", admin()).json();
  EXPECT_LT(certs.at("total").as_int64(), all_certs.at("total").as_int64());
  // Users of the other plant are invisible too.
  auto users = s().request("GET", "/api/v1/users?page_size=1000", "", p1).json();
  for (const auto& u : users.at("items").as_array()) {
    EXPECT_NE(u.at("username").as_string(), "p2admin");
  }
}

TEST_F(ApiTest, DuplicateUniqueKeyIs409WithTheField) {
  auto first =
      s().request("POST", "/api/v1/holidays",
                  body({{"date", "2027-01-01"}, {"name", "元旦"}, {"kind", "holiday"}}), admin());
  EXPECT_EQ(first.status, 201u) << first.body;
  auto dup =
      s().request("POST", "/api/v1/holidays",
                  body({{"date", "2027-01-01"}, {"name", "又一个"}, {"kind", "holiday"}}), admin());
  EXPECT_EQ(dup.status, 409u);
  EXPECT_EQ(dup.errorCode(), "base.duplicate");
  EXPECT_EQ(dup.json().at("error").at("details").at("field").as_string(), "date");
}

TEST_F(ApiTest, QuotesEmojiAndSqlAreStoredVerbatim) {
  const std::string nasty = "O'Brien \"quoted\" 😀 '; DROP TABLE areas; -- \\ 中文";
  auto r = s().request(
      "POST", "/api/v1/areas",
      body({{"name", nasty}, {"code", "NASTY-1"}, {"org_id", orgId("P1")}, {"kind", "other"}}),
      admin());
  ASSERT_EQ(r.status, 201u) << r.body;
  const auto id = r.json().at("id").as_int64();
  auto back = s().request("GET", "/api/v1/areas/" + std::to_string(id), "", admin());
  EXPECT_EQ(back.json().at("name").as_string(), nasty);
  auto search = s().request("GET", "/api/v1/areas?q=DROP%20TABLE", "", admin());
  EXPECT_EQ(search.json().at("total").as_int64(), 1);
  EXPECT_EQ(s().request("GET", "/api/v1/areas?page_size=1", "", admin()).status, 200u);
}

TEST_F(ApiTest, ConcurrentUpdatesOfOneRecordLetExactlyOneWin) {
  auto created = s().request(
      "POST", "/api/v1/areas",
      body({{"name", "并发"}, {"code", "RACE-1"}, {"org_id", orgId("P1")}, {"kind", "other"}}),
      admin());
  ASSERT_EQ(created.status, 201u);
  json::object rec = created.json().as_object();
  const std::string path = "/api/v1/areas/" + std::to_string(rec.at("id").as_int64());
  const std::string token = admin();
  std::vector<std::thread> threads;
  std::vector<unsigned> statuses(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      json::object change = rec;
      change["name"] = "writer " + std::to_string(i);
      statuses[static_cast<std::size_t>(i)] =
          s().request("PUT", path, json::serialize(change), token).status;
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200u), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409u), 7);
  EXPECT_EQ(s().request("GET", path, "", token).json().at("version").as_int64(), 2);
}

TEST_F(ApiTest, DeletingAReferencedRecordIsRefused) {
  auto r = s().request("DELETE", "/api/v1/org-units/" + std::to_string(orgId("P1")) + "?version=2",
                       "", admin());
  EXPECT_EQ(r.status, 409u) << r.body;
  EXPECT_TRUE(r.errorCode() == "base.in_use" || r.errorCode() == "base.stale_version");
}

TEST_F(ApiTest, ImportIsAllOrNothingAndExportRoundTrips) {
  const std::string bad =
      "name,code,org_id,kind\n导入区1,IMP-1,P1,other\n导入区2,IMP-2,P1,nonsense\n,IMP-3,P1,other\n";
  auto r = s().request("POST", "/api/v1/areas/import?format=csv", bad, admin(),
                       {{"Content-Type", "text/csv"}});
  EXPECT_EQ(r.status, 400u) << r.body;
  EXPECT_EQ(r.errorCode(), "import.invalid");
  const auto doc = r.json();
  const auto& rows = doc.at("error").at("details").at("rows").as_array();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].at("line").as_int64(), 3);
  EXPECT_EQ(rows[0].at("field").as_string(), "kind");
  EXPECT_EQ(rows[1].at("line").as_int64(), 4);
  EXPECT_EQ(
      s().request("GET", "/api/v1/areas?code=IMP-1", "", admin()).json().at("total").as_int64(), 0);

  const std::string good =
      "名称,编码,所属单位,区域类型\n导入区1,IMP-1,P1,其他\n导入区2,IMP-2,P2,罐区\n";
  auto ok = s().request("POST", "/api/v1/areas/import?format=csv", good, admin(),
                        {{"Content-Type", "text/csv"}});
  EXPECT_EQ(ok.status, 200u) << ok.body;
  EXPECT_EQ(ok.json().at("imported").as_int64(), 2);
  auto exported = s().request("GET", "/api/v1/areas/export?format=csv&code=IMP-2", "", admin());
  EXPECT_EQ(exported.status, 200u);
  EXPECT_NE(exported.body.find("导入区2"), std::string::npos);
  EXPECT_NE(exported.body.find("P2"), std::string::npos);
  auto xlsx = s().request("GET", "/api/v1/people/export?format=xlsx", "", admin());
  EXPECT_EQ(xlsx.status, 200u);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
}

TEST_F(ApiTest, AuditTrailRecordsChangesAndVerifies) {
  s().request("POST", "/api/v1/auth/login",
              body({{"username", "auditor"}, {"password", "not-the-password1"}}));
  auto r = s().request("GET", "/api/v1/audit?entity=areas&action=create&page_size=5", "", admin());
  ASSERT_EQ(r.status, 200u);
  EXPECT_GT(r.json().at("total").as_int64(), 0);
  auto logins = s().request("GET", "/api/v1/audit?action=login_failed", "", admin());
  EXPECT_GT(logins.json().at("total").as_int64(), 0);
  auto v = s().request("GET", "/api/v1/audit/verify", "", admin());
  EXPECT_EQ(v.status, 200u);
  EXPECT_TRUE(v.json().at("ok").as_bool()) << v.body;
}

TEST_F(ApiTest, OpenApiDocumentCoversEveryRoute) {
  auto r = s().request("GET", "/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200u);
  const auto doc = r.json();
  const auto& paths = doc.at("paths").as_object();
  for (const auto& key : s().routeKeys()) {
    const auto space = key.find(' ');
    std::string method = key.substr(0, space);
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    const std::string path = key.substr(space + 1);
    ASSERT_TRUE(paths.contains(path)) << key;
    EXPECT_TRUE(paths.at(path).as_object().contains(method)) << key;
  }
}

TEST_F(ApiTest, MetricsCountRequestsByRoute) {
  s().request("GET", "/healthz");
  auto r = s().request("GET", "/metrics");
  EXPECT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("anguan_http_requests_total{route=\"/healthz\""), std::string::npos);
  EXPECT_NE(r.body.find("anguan_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(r.body.find("anguan_db_readers"), std::string::npos);
}

TEST_F(ApiTest, WebSocketDeliversChangesOnlyWithinScope) {
  const std::string p1 = s().login("p1admin");
  const std::string p2 = s().login("p2admin");
  WsClient watcher1(s().port(), p1);
  WsClient watcher2(s().port(), p2);
  ASSERT_TRUE(watcher1.connected());
  ASSERT_TRUE(watcher2.connected());
  watcher1.send(R"({"op":"subscribe","topic":"base.areas"})");
  watcher2.send(R"({"op":"subscribe","topic":"base.*"})");
  EXPECT_NE(watcher1.receive(std::chrono::seconds(2)).find("subscribed"), std::string::npos);
  EXPECT_NE(watcher2.receive(std::chrono::seconds(2)).find("subscribed"), std::string::npos);
  auto r = s().request(
      "POST", "/api/v1/areas",
      body({{"name", "实时区域"}, {"code", "WS-1"}, {"org_id", orgId("P1")}, {"kind", "other"}}),
      admin());
  ASSERT_EQ(r.status, 201u);
  const std::string event = watcher1.receive(std::chrono::seconds(2));
  EXPECT_NE(event.find("\"action\":\"create\""), std::string::npos) << event;
  EXPECT_NE(event.find(std::to_string(r.json().at("id").as_int64())), std::string::npos);
  // Plant 2 must not learn about plant 1's new area.
  EXPECT_EQ(watcher2.receive(std::chrono::milliseconds(300)), "");
  WsClient anonymous(s().port(), "bogus");
  EXPECT_FALSE(anonymous.connected());
}

TEST_F(ApiTest, LoggingOutClosesTheUsersLiveConnections) {
  const std::string t = s().login("safety");
  WsClient ws(s().port(), t);
  ASSERT_TRUE(ws.connected());
  ws.send(R"({"op":"subscribe","topic":"base.*"})");
  EXPECT_NE(ws.receive(std::chrono::seconds(2)).find("subscribed"), std::string::npos);
  ASSERT_EQ(s().request("POST", "/api/v1/auth/logout", "", t).status, 204u);
  s().request("POST", "/api/v1/holidays",
              body({{"date", "2027-05-01"}, {"name", "劳动节"}, {"kind", "holiday"}}), admin());
  EXPECT_EQ(ws.receive(std::chrono::seconds(1)), "");
}

TEST_F(ApiTest, PasswordChangeEndsEverySession) {
  const std::string t = s().login("p1leader");
  auto weak = s().request("POST", "/api/v1/auth/password",
                          body({{"old_password", "anguan123"}, {"new_password", "short"}}), t);
  EXPECT_EQ(weak.errorCode(), "auth.password_too_short");
  auto r = s().request("POST", "/api/v1/auth/password",
                       body({{"old_password", "anguan123"}, {"new_password", "NewPass2026"}}), t);
  EXPECT_EQ(r.status, 204u) << r.body;
  EXPECT_EQ(s().request("GET", "/api/v1/auth/me", "", t).errorCode(), "auth.session_revoked");
  EXPECT_FALSE(s().login("p1leader", "NewPass2026").empty());
}

TEST_F(ApiTest, AdminCreatesUsersOnlyInsideTheirScope) {
  const std::string p1 = s().login("p1admin");
  auto ok = s().request("POST", "/api/v1/users",
                        body({{"username", "p1new"},
                              {"display_name", "新用户"},
                              {"password", "Passw0rd!"},
                              {"roles", json::array{"worker"}},
                              {"org_id", orgId("P1-MNT")}}),
                        p1);
  EXPECT_EQ(ok.status, 201u) << ok.body;
  EXPECT_EQ(ok.body.find("password_hash"), std::string::npos);
  auto outside = s().request("POST", "/api/v1/users",
                             body({{"username", "p2new"},
                                   {"display_name", "越权"},
                                   {"password", "Passw0rd!"},
                                   {"roles", json::array{"worker"}},
                                   {"org_id", orgId("P2")}}),
                             p1);
  EXPECT_EQ(outside.status, 400u);
  auto dup = s().request("POST", "/api/v1/users",
                         body({{"username", "p1new"},
                               {"display_name", "重复"},
                               {"password", "Passw0rd!"},
                               {"roles", json::array{"worker"}},
                               {"org_id", orgId("P1-MNT")}}),
                         p1);
  EXPECT_EQ(dup.status, 409u);
  EXPECT_FALSE(s().login("p1new", "Passw0rd!").empty());
}

TEST(ApiAuditTamperTest, VerifyNamesTheEntryEditedBehindTheServersBack) {
  std::string db;
  {
    TestServer server;
    db = server.dbPath() + ".copy";
    const std::string admin = server.login("admin");
    ASSERT_EQ(server.request("GET", "/api/v1/audit/verify", "", admin).json().at("ok").as_bool(),
              true);
    std::filesystem::copy_file(server.dbPath(), db);
    const std::string cmd = "sqlite3 '" + server.dbPath() +
                            "' \"UPDATE audit_log SET actor_name='mallory' WHERE seq=7\"";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    auto v = server.request("GET", "/api/v1/audit/verify", "", admin).json();
    EXPECT_FALSE(v.at("ok").as_bool());
    EXPECT_EQ(v.at("first_bad_seq").as_int64(), 7);
    const std::string del = "sqlite3 '" + server.dbPath() +
                            "' \"UPDATE audit_log SET actor_name=(SELECT actor_name FROM audit_log "
                            "WHERE seq=8) WHERE seq=7; DELETE FROM audit_log WHERE seq=20\"";
    ASSERT_EQ(std::system(del.c_str()), 0);
  }
  std::filesystem::remove(db);
}

TEST(ApiStaticTest, ServesFilesWithTypesAndFallsBackToTheApp) {
  const auto root = std::filesystem::temp_directory_path() / "anguan-web-test";
  std::filesystem::create_directories(root / "assets");
  std::ofstream(root / "index.html") << "<!doctype html><title>anguan</title>";
  std::ofstream(root / "assets" / "app.js") << "console.log(1)";
  TestServer server(root.string());
  auto index = server.request("GET", "/");
  EXPECT_EQ(index.status, 200u);
  EXPECT_EQ(index.headers["Content-Type"], "text/html; charset=utf-8");
  EXPECT_EQ(index.headers["Cache-Control"], "no-cache");
  auto js = server.request("GET", "/assets/app.js");
  EXPECT_EQ(js.headers["Content-Type"], "application/javascript; charset=utf-8");
  EXPECT_NE(js.headers["Cache-Control"].find("immutable"), std::string::npos);
  auto spa = server.request("GET", "/m/data/areas");
  EXPECT_EQ(spa.status, 200u);
  EXPECT_NE(spa.body.find("<title>anguan</title>"), std::string::npos);
  EXPECT_EQ(server.request("GET", "/assets/missing.js").status, 404u);
  EXPECT_EQ(server.request("GET", "/../../etc/passwd").status, 404u);
  EXPECT_EQ(server.request("GET", "/%2e%2e/%2e%2e/etc/passwd").status, 404u);
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace anguan::testing_api
