// Outbound webhooks through the API against a real local receiver (a blocking HTTP/1.1 server on
// 127.0.0.1 in a thread): admin-only CRUD in scope, bad input refused with stable codes, the three
// body formats (DingTalk signature verified), retry with back-off on a moved clock, giving up after
// eight failures, WeCom/DingTalk errcode counted as failure, a slow receiver timed out.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include "anguan/core/crypto.hpp"
#include "anguan/service/webhook_service.hpp"

#include "harness.hpp"

namespace anguan::testing_api {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

struct Received {
  std::string target;
  std::string content_type;
  std::string body;
};

struct Answer {
  int status = 200;
  std::string body = "ok";
  std::chrono::milliseconds delay{0};
};

// Answers each POST with the first scripted Answer whose needle the body contains (200 "ok" when
// none matches) and records it. Needles keep this test's answers away from deliveries the
// monitoring jobs enqueue on their own (demo devices go offline when the clock moves).
class LocalReceiver {
 public:
  LocalReceiver() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 16) != 0) {
      ADD_FAILURE() << "receiver: bind/listen failed";
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { loop(); });
  }
  ~LocalReceiver() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  void script(const std::string& needle, Answer a) {
    std::lock_guard lock(mutex_);
    answers_.emplace_back(needle, std::move(a));
  }
  void scriptMany(const std::string& needle, int n, const Answer& a) {
    for (int i = 0; i < n; ++i) {
      script(needle, a);
    }
  }
  void clearScript() {
    std::lock_guard lock(mutex_);
    answers_.clear();
  }
  // Requests received since the last call whose body contains `needle`.
  std::vector<Received> take(const std::string& needle) {
    std::lock_guard lock(mutex_);
    std::vector<Received> out;
    for (auto& r : std::exchange(received_, {})) {
      if (r.body.find(needle) != std::string::npos) {
        out.push_back(std::move(r));
      }
    }
    return out;
  }

 private:
  void loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) {
        continue;
      }
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) {
        continue;
      }
      serve(c);
      ::close(c);
    }
  }

  static std::string header(const std::string& head, const std::string& name) {
    std::string lower = head;
    for (auto& ch : lower) {
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    const auto pos = lower.find("\r\n" + name + ":");
    if (pos == std::string::npos) {
      return "";
    }
    auto start = pos + name.size() + 3;
    while (start < head.size() && head[start] == ' ') {
      ++start;
    }
    return head.substr(start, head.find("\r\n", start) - start);
  }

  void serve(int c) {
    std::string data;
    char buf[4096];
    std::size_t head_end = std::string::npos;
    std::size_t need = 0;
    while (true) {
      if (head_end == std::string::npos) {
        head_end = data.find("\r\n\r\n");
        if (head_end != std::string::npos) {
          need =
              head_end + 4 + std::stoul("0" + header(data.substr(0, head_end), "content-length"));
        }
      }
      if (head_end != std::string::npos && data.size() >= need) {
        break;
      }
      pollfd p{c, POLLIN, 0};
      if (::poll(&p, 1, 5000) <= 0) {
        return;
      }
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) {
        return;
      }
      data.append(buf, static_cast<std::size_t>(n));
    }
    const std::string head = data.substr(0, head_end);
    Received r;
    const auto sp1 = head.find(' ');
    r.target = head.substr(sp1 + 1, head.find(' ', sp1 + 1) - sp1 - 1);
    r.content_type = header(head, "content-type");
    r.body = data.substr(head_end + 4, need - head_end - 4);
    Answer a;
    {
      std::lock_guard lock(mutex_);
      received_.push_back(r);
      for (auto it = answers_.begin(); it != answers_.end(); ++it) {
        if (r.body.find(it->first) != std::string::npos) {
          a = it->second;
          answers_.erase(it);
          break;
        }
      }
    }
    if (a.delay.count() > 0) {
      std::this_thread::sleep_for(a.delay);
    }
    const std::string out =
        "HTTP/1.1 " + std::to_string(a.status) +
        " X\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(a.body.size()) +
        "\r\nConnection: close\r\n\r\n" + a.body;
    ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
  }

  int fd_ = -1;
  unsigned short port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::deque<std::pair<std::string, Answer>> answers_;
  std::vector<Received> received_;
  std::thread thread_;
};

// The query parameter `name` of a request target, or "".
std::string queryParam(const std::string& target, const std::string& name) {
  const auto q = target.find('?');
  if (q == std::string::npos) {
    return "";
  }
  std::string rest = "&" + target.substr(q + 1);
  const auto pos = rest.find("&" + name + "=");
  if (pos == std::string::npos) {
    return "";
  }
  const auto start = pos + name.size() + 2;
  return rest.substr(start, rest.find('&', start) - start);
}

std::string percentDecode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string hmacBase64(const std::string& key, const std::string& message) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&st, mac);
  return crypto::base64Encode(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac));
}

class WebhookApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer();
    receiver_ = new LocalReceiver();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete receiver_;
    receiver_ = nullptr;
  }
  void SetUp() override {
    // Every test starts without webhooks and with nothing left over at the receiver.
    const json::value list = get("admin", "/api/v1/monitor/webhooks").json();
    for (const auto& w : list.at("items").as_array()) {
      auto r = send("admin", "DELETE", path(w.at("id").as_int64()), "");
      EXPECT_EQ(r.status, 204u) << r.body;
    }
    runJobs();  // Gives up on deliveries of removed webhooks.
    rx().take("");
    rx().clearScript();
    marker_ = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }

  TestServer& s() { return *server_; }
  LocalReceiver& rx() { return *receiver_; }

  std::string token(const std::string& user) {
    auto it = tokens_.find(user);
    if (it == tokens_.end()) {
      it = tokens_.emplace(user, s().login(user)).first;
    }
    return it->second;
  }
  HttpResult send(const std::string& user, const std::string& method, const std::string& target,
                  const std::string& body) {
    return s().request(method, target, body, token(user));
  }
  HttpResult post(const std::string& user, const std::string& target, const json::value& body) {
    return send(user, "POST", target, json::serialize(body));
  }
  HttpResult get(const std::string& user, const std::string& target) {
    return send(user, "GET", target, "");
  }
  static std::string path(std::int64_t id, const std::string& tail = "") {
    return "/api/v1/monitor/webhooks/" + std::to_string(id) + tail;
  }
  void advance(std::chrono::milliseconds d) {
    s().clock().advance(d);
    tokens_.clear();
  }
  void runJobs() {
    auto r = post("admin", "/api/v1/system/jobs/run", json::object{});
    ASSERT_EQ(r.status, 200u) << r.body;
    const json::value runs = r.json();
    for (const auto& j : runs.at("jobs").as_array()) {
      if (j.at("name") == "webhooks.deliver") {
        EXPECT_TRUE(j.at("ok").as_bool()) << j.at("error");
      }
    }
  }
  json::object create(const std::string& user, json::object body) {
    auto r = post(user, "/api/v1/monitor/webhooks", body);
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.status == 201 ? r.json().as_object() : json::object{};
  }
  static json::object hookBody(const std::string& name, const std::string& format,
                               const std::string& url, const std::string& secret = "") {
    json::object o{{"name", name},
                   {"format", format},
                   {"url", url},
                   {"topics", json::array{"alarm", "violation"}},
                   {"min_severity", "warning"}};
    if (!secret.empty()) {
      o["secret"] = secret;
    }
    return o;
  }
  json::object hook(const std::string& name, const std::string& format, const std::string& url,
                    const std::string& secret = "") {
    return create("admin", hookBody(name, format, url, secret));
  }
  // Enqueues like the monitoring service does: inside a write transaction.
  std::int64_t enqueue(const std::string& topic, const std::string& severity,
                       const std::string& org_path) {
    service::WebhookService::MessageView m;
    m.title_zh = "可燃气体报警";
    m.title_en = "Combustible gas alarm";
    m.text_zh = {"- 区域：罐区", "- 数值：35 %LEL", "- " + marker_};
    m.fields = json::object{{"alarm_id", 42}, {"severity", severity}, {"marker", marker_}};
    m.at = s().clock().now();
    std::int64_t n = 0;
    auto st = s().app().store->write([&](store::Transaction& tx) -> Status {
      AG_ASSIGN_OR_RETURN(n, s().app().webhooks->enqueue(tx, topic, severity, org_path, m));
      return okStatus();
    });
    EXPECT_TRUE(st) << st.error().message();
    return n;
  }
  // The webhook's deliveries of this test's messages, newest first.
  json::array deliveries(std::int64_t id) {
    auto r = get("admin", path(id, "/deliveries"));
    EXPECT_EQ(r.status, 200u) << r.body;
    json::array out;
    if (r.status == 200) {
      const json::value answer = r.json();
      for (const auto& d : answer.at("items").as_array()) {
        if (std::string_view(d.at("payload").as_string()).find(marker_) != std::string_view::npos) {
          out.push_back(d);
        }
      }
    }
    return out;
  }
  std::vector<Received> received() { return rx().take(marker_); }
  // The enterprise root's org_path: where the admin's webhooks live (REQUIRES: the admin
  // created one in this test).
  std::string rootPath() {
    auto items = get("admin", "/api/v1/monitor/webhooks").json().at("items").as_array();
    EXPECT_FALSE(items.empty());
    return items.empty() ? "" : std::string(items.at(0).at("org_path").as_string());
  }

  static TestServer* server_;
  static LocalReceiver* receiver_;
  std::map<std::string, std::string> tokens_;
  std::string marker_;  // The test's name, in every message it enqueues.
};

TestServer* WebhookApiTest::server_ = nullptr;
LocalReceiver* WebhookApiTest::receiver_ = nullptr;

TEST_F(WebhookApiTest, AdminManagesWebhooksInScopeAndBadInputIsRefused) {
  // Not an admin: refused, nothing created.
  EXPECT_EQ(get("safety", "/api/v1/monitor/webhooks").status, 403u);
  auto r = post("safety", "/api/v1/monitor/webhooks", hookBody("x", "json", rx().url("/x")));
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(r.errorCode(), "auth.forbidden");

  // Bad input: stable code and the field's reason.
  const struct {
    json::object body;
    const char* field;
    const char* reason;
  } bad[] = {
      {{{"name", "a"}, {"format", "json"}, {"url", "ftp://h/x"}, {"topics", {"alarm"}}},
       "url",
       "bad_scheme"},
      {{{"name", "a"}, {"format", "json"}, {"url", "https://u:p@h/x"}, {"topics", {"alarm"}}},
       "url",
       "credentials"},
      {{{"name", "a"}, {"format", "slack"}, {"url", "https://h/x"}, {"topics", {"alarm"}}},
       "format",
       "unknown"},
      {{{"name", "a"}, {"format", "json"}, {"url", "https://h/x"}, {"topics", {"fire"}}},
       "topics",
       "unknown"},
      {{{"name", "a"},
        {"format", "wecom"},
        {"url", "https://h/x"},
        {"topics", {"alarm"}},
        {"secret", "s"}},
       "secret",
       "not_supported"},
      {{{"name", "a"}, {"format", "json"}, {"url", "https://h/x"}, {"topics", {"alarm"}}, {"x", 1}},
       "x",
       "unknown_field"},
  };
  for (const auto& row : bad) {
    auto b = post("admin", "/api/v1/monitor/webhooks", row.body);
    EXPECT_EQ(b.status, 400u) << json::serialize(row.body);
    EXPECT_EQ(b.errorCode(), "validation.failed");
    const json::value answer = b.json();
    const auto* details = answer.at("error").as_object().if_contains("details");
    ASSERT_NE(details, nullptr) << b.body;
    EXPECT_EQ(details->at(row.field), row.reason) << b.body;
  }
  EXPECT_TRUE(get("admin", "/api/v1/monitor/webhooks").json().at("items").as_array().empty());

  // p1admin's webhook: scoped to plant 1, its secret never shown.
  auto w = create("p1admin", json::object{{"name", "一厂钉钉"},
                                          {"format", "dingtalk"},
                                          {"url", rx().url("/ding?access_token=t")},
                                          {"topics", {"alarm"}},
                                          {"min_severity", "critical"},
                                          {"secret", "SECp1"}});
  const auto id = w.at("id").as_int64();
  EXPECT_EQ(w.at("has_secret"), true);
  EXPECT_EQ(w.if_contains("secret"), nullptr);
  EXPECT_EQ(w.at("topics"), (json::array{"alarm"}));
  EXPECT_NE(w.at("org_path"), "");
  EXPECT_EQ(get("p1admin", "/api/v1/monitor/webhooks").json().at("total"), 1);
  EXPECT_EQ(get("admin", "/api/v1/monitor/webhooks").json().at("total"), 1);  // above plant 1
  EXPECT_EQ(get("p2admin", "/api/v1/monitor/webhooks").json().at("total"), 0);
  EXPECT_EQ(get("p2admin", path(id, "/deliveries")).status, 404u);
  EXPECT_EQ(send("p2admin", "DELETE", path(id), "").status, 404u);

  // Edit: stale version 409; secret omitted keeps it, "" removes it.
  json::object edit{{"name", "一厂钉钉群"},
                    {"format", "dingtalk"},
                    {"url", w.at("url")},
                    {"topics", {"alarm", "violation"}},
                    {"version", 99}};
  auto stale = send("p1admin", "PUT", path(id), json::serialize(edit));
  EXPECT_EQ(stale.status, 409u) << stale.body;
  edit["version"] = w.at("version");
  auto ok = send("p1admin", "PUT", path(id), json::serialize(edit));
  ASSERT_EQ(ok.status, 200u) << ok.body;
  EXPECT_EQ(ok.json().at("has_secret"), true);
  EXPECT_EQ(ok.json().at("name"), "一厂钉钉群");
  edit["version"] = ok.json().at("version");
  edit["secret"] = "";
  auto cleared = send("p1admin", "PUT", path(id), json::serialize(edit));
  ASSERT_EQ(cleared.status, 200u) << cleared.body;
  EXPECT_EQ(cleared.json().at("has_secret"), false);

  // Every change audited, without the secret.
  auto audit = get("admin", "/api/v1/audit?entity=webhooks&page_size=10");
  ASSERT_EQ(audit.status, 200u) << audit.body;
  EXPECT_GE(audit.json().at("items").as_array().size(), 3u);
  EXPECT_EQ(audit.body.find("SECp1"), std::string::npos);

  EXPECT_EQ(send("p1admin", "DELETE", path(id), "").status, 204u);
  EXPECT_EQ(get("p1admin", path(id, "/deliveries")).status, 404u);
}

TEST_F(WebhookApiTest, DeliversTheThreeFormatsAndSignsDingTalk) {
  const auto json_id = hook("json", "json", rx().url("/json")).at("id").as_int64();
  const auto wecom_id = hook("wecom", "wecom", rx().url("/wecom?key=k")).at("id").as_int64();
  const auto ding_id =
      hook("ding", "dingtalk", rx().url("/ding?access_token=t"), "SECabc").at("id").as_int64();

  EXPECT_EQ(enqueue("alarm", "critical", rootPath() + "9/"), 3);
  for (auto id : {json_id, wecom_id, ding_id}) {
    auto d = deliveries(id);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].at("status"), "pending");
  }
  runJobs();
  auto got = received();
  ASSERT_EQ(got.size(), 3u);
  std::map<std::string, Received> by_path;
  for (const auto& r : got) {
    by_path[r.target.substr(0, r.target.find('?'))] = r;
    EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
  }
  const auto generic = json::parse(by_path["/json"].body);
  EXPECT_EQ(generic.at("topic"), "alarm");
  EXPECT_EQ(generic.at("data").at("alarm_id"), 42);
  EXPECT_TRUE(parseRfc3339(std::string(generic.at("at").as_string())).has_value());

  const auto wecom = json::parse(by_path["/wecom"].body);
  EXPECT_EQ(wecom.at("msgtype"), "markdown");
  EXPECT_EQ(std::string(wecom.at("markdown").at("content").as_string()),
            "### 可燃气体报警\n- 区域：罐区\n- 数值：35 %LEL\n- " + marker_);
  EXPECT_EQ(by_path["/wecom"].target, "/wecom?key=k");

  const Received& ding = by_path["/ding"];
  const auto dj = json::parse(ding.body);
  EXPECT_EQ(dj.at("msgtype"), "markdown");
  EXPECT_EQ(dj.at("markdown").at("title"), "可燃气体报警");
  EXPECT_EQ(queryParam(ding.target, "access_token"), "t");
  const std::string ts = queryParam(ding.target, "timestamp");
  ASSERT_FALSE(ts.empty()) << ding.target;
  EXPECT_NEAR(static_cast<double>(std::stoll(ts)), static_cast<double>(toMillis(s().clock().now())),
              60'000.0);
  EXPECT_EQ(percentDecode(queryParam(ding.target, "sign")), hmacBase64("SECabc", ts + "\nSECabc"));

  for (auto id : {json_id, wecom_id, ding_id}) {
    auto d = deliveries(id);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].at("status"), "sent") << d[0].at("last_error");
    EXPECT_EQ(d[0].at("attempts"), 1);
    EXPECT_FALSE(d[0].at("sent_at").is_null());
  }
  runJobs();  // Nothing due any more.
  EXPECT_TRUE(received().empty());
}

TEST_F(WebhookApiTest, MatchesTopicSeverityAndScope) {
  auto w = create("admin", json::object{{"name", "critical alarms"},
                                        {"format", "json"},
                                        {"url", rx().url("/c")},
                                        {"topics", {"alarm"}},
                                        {"min_severity", "critical"}});
  const std::string root = rootPath();
  EXPECT_EQ(enqueue("alarm", "warning", root + "3/"), 0);
  EXPECT_EQ(enqueue("violation", "", root + "3/"), 0);
  EXPECT_EQ(enqueue("alarm", "critical", "/999/"), 0);  // outside the webhook's scope
  EXPECT_EQ(enqueue("alarm", "critical", root + "3/"), 1);
  const json::object edit{{"name", "off"},       {"format", "json"}, {"url", rx().url("/c")},
                          {"topics", {"alarm"}}, {"active", false},  {"version", w.at("version")}};
  ASSERT_EQ(send("admin", "PUT", path(w.at("id").as_int64()), json::serialize(edit)).status, 200u);
  EXPECT_EQ(enqueue("alarm", "critical", root + "3/"), 0);  // inactive
}

TEST_F(WebhookApiTest, ServerErrorIsRetriedWithBackOffThenSent) {
  const auto id = hook("flaky", "json", rx().url("/flaky")).at("id").as_int64();
  rx().script(marker_, {500, "down for maintenance"});
  ASSERT_EQ(enqueue("violation", "", rootPath() + "2/"), 1);
  runJobs();
  ASSERT_EQ(received().size(), 1u);
  auto d = deliveries(id).at(0);
  EXPECT_EQ(d.at("status"), "pending");
  EXPECT_EQ(d.at("attempts"), 1);
  EXPECT_EQ(d.at("last_error"), "HTTP 500: down for maintenance");
  const auto next = parseRfc3339(std::string(d.at("next_attempt_at").as_string()));
  ASSERT_TRUE(next.has_value());
  const auto wait = *next - s().clock().now();
  EXPECT_GT(wait, 25s);
  EXPECT_LE(wait, 30s);

  runJobs();  // Not due yet: nothing sent.
  EXPECT_TRUE(received().empty());
  advance(31s);
  runJobs();
  ASSERT_EQ(received().size(), 1u);
  d = deliveries(id).at(0);
  EXPECT_EQ(d.at("status"), "sent");
  EXPECT_EQ(d.at("attempts"), 2);
  EXPECT_EQ(d.at("last_error"), "");
}

TEST_F(WebhookApiTest, GivesUpAfterEightFailures) {
  const auto id = hook("dead", "json", rx().url("/dead")).at("id").as_int64();
  rx().scriptMany(marker_, 8, {503, ""});
  ASSERT_EQ(enqueue("alarm", "critical", rootPath() + "2/"), 1);
  for (int attempt = 1; attempt <= 8; ++attempt) {
    runJobs();
    ASSERT_EQ(received().size(), 1u) << attempt;
    auto d = deliveries(id).at(0);
    EXPECT_EQ(d.at("attempts"), attempt);
    EXPECT_EQ(d.at("status"), attempt < 8 ? "pending" : "failed");
    EXPECT_EQ(d.at("last_error"), "HTTP 503");
    advance(1h + 1s);  // Longer than any back-off.
  }
  runJobs();
  EXPECT_TRUE(received().empty());
}

TEST_F(WebhookApiTest, RobotErrcodeCountsAsFailure) {
  const auto id = hook("wecom", "wecom", rx().url("/wecom?key=bad")).at("id").as_int64();
  rx().script(marker_, {200, R"({"errcode":310000,"errmsg":"keywords not in content"})"});
  ASSERT_EQ(enqueue("alarm", "warning", rootPath() + "2/"), 1);
  runJobs();
  ASSERT_EQ(received().size(), 1u);
  auto d = deliveries(id).at(0);
  EXPECT_EQ(d.at("status"), "pending");
  EXPECT_EQ(d.at("last_error"), "errcode 310000: keywords not in content");

  // The test button reports the same judgement.
  rx().script("测试消息", {200, R"({"errcode":93000,"errmsg":"invalid webhook url"})"});
  auto t = post("admin", path(id, "/test"), json::object{});
  ASSERT_EQ(t.status, 200u) << t.body;
  EXPECT_EQ(t.json().at("ok"), false);
  EXPECT_EQ(t.json().at("status"), 200);
  EXPECT_EQ(t.json().at("error"), "errcode 93000: invalid webhook url");
  rx().script("测试消息", {200, R"({"errcode":0,"errmsg":"ok"})"});
  t = post("admin", path(id, "/test"), json::object{});
  EXPECT_EQ(t.json().at("ok"), true);
  auto got = rx().take("测试消息");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(json::parse(got[1].body).at("msgtype"), "markdown");
}

TEST_F(WebhookApiTest, SlowReceiverTimesOutAndIsRetried) {
  const auto id = hook("slow", "json", rx().url("/slow")).at("id").as_int64();
  s().app().webhooks->setTimeout(300ms);
  rx().script(marker_, {200, "late", 1500ms});
  ASSERT_EQ(enqueue("alarm", "critical", rootPath() + "2/"), 1);
  runJobs();
  s().app().webhooks->setTimeout(service::WebhookService::kDefaultTimeout);
  auto d = deliveries(id).at(0);
  EXPECT_EQ(d.at("status"), "pending");
  EXPECT_EQ(d.at("attempts"), 1);
  EXPECT_NE(d.at("last_error"), "");
  std::this_thread::sleep_for(1500ms);  // Let the receiver finish the slow answer.
}

TEST_F(WebhookApiTest, UnreachableReceiverIsATransportError) {
  // A port nobody listens on (bound and closed at once).
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  ::close(fd);
  const auto w = hook("nobody", "json", "http://127.0.0.1:" + std::to_string(port) + "/x");
  auto t = post("admin", path(w.at("id").as_int64(), "/test"), json::object{});
  ASSERT_EQ(t.status, 200u) << t.body;
  EXPECT_EQ(t.json().at("ok"), false);
  EXPECT_EQ(t.json().at("status"), 0);
  EXPECT_NE(t.json().at("error").as_string().find("connect"), json::string::npos)
      << t.json().at("error");
}

}  // namespace
}  // namespace anguan::testing_api
