#include "anguan/domain/monitor/webhook.hpp"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

namespace anguan::monitor {
namespace {

using namespace std::chrono_literals;

const Instant kT0 = fromMillis(1'800'000'000'000);

TEST(MonitorWebhookTest, FormatCodesRoundTrip) {
  for (auto f : {WebhookFormat::kJson, WebhookFormat::kWeCom, WebhookFormat::kDingTalk}) {
    EXPECT_EQ(parseWebhookFormat(toString(f)), f);
  }
  EXPECT_EQ(parseWebhookFormat("slack"), std::nullopt);
  EXPECT_EQ(parseWebhookFormat("WeCom"), std::nullopt);
}

TEST(MonitorWebhookTest, RetryDelayDoublesFromThirtySecondsAndCapsAtOneHour) {
  const struct {
    int attempts;
    std::chrono::seconds delay;
  } rows[] = {
      {1, 30s},   {2, 60s},    {3, 120s},     {4, 240s},
      {5, 480s},  {6, 960s},   {7, 1920s},    {8, 3600s},  // 3840 s capped
      {9, 3600s}, {64, 3600s}, {1000, 3600s},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(retryDelay(row.attempts), row.delay) << row.attempts;
  }
}

TEST(MonitorWebhookTest, GivesUpAfterTheEighthFailedAttempt) {
  const struct {
    int attempts;
    bool give_up;
    std::chrono::seconds wait;
  } rows[] = {
      {1, false, 30s}, {6, false, 960s}, {7, false, 1920s}, {8, true, 0s}, {9, true, 0s},
  };
  for (const auto& row : rows) {
    const RetryPlan plan = afterFailure(row.attempts, kT0);
    EXPECT_EQ(plan.give_up, row.give_up) << row.attempts;
    if (!row.give_up) {
      EXPECT_EQ(plan.next_attempt, kT0 + row.wait) << row.attempts;
    }
  }
}

TEST(MonitorWebhookTest, TopicListIsCommaSeparatedWithSpacesIgnored) {
  const struct {
    const char* topics;
    const char* topic;
    bool listed;
  } rows[] = {
      {"alarm,violation", "alarm", true},
      {"alarm,violation", "violation", true},
      {" alarm , violation ", "violation", true},
      {"alarm", "violation", false},
      {"", "alarm", false},
      {"alarms", "alarm", false},
      {"alarm,", "alarm", true},
      {",violation", "alarm", false},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(topicListed(row.topics, row.topic), row.listed) << row.topics << " " << row.topic;
  }
}

store::WebhookRow hook(std::string org_path, std::string topics, std::string min_severity,
                       bool active = true) {
  store::WebhookRow w;
  w.name = "robot";
  w.format = "wecom";
  w.url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k";
  w.org_path = std::move(org_path);
  w.topics = std::move(topics);
  w.min_severity = std::move(min_severity);
  w.active = active;
  return w;
}

TEST(MonitorWebhookTest, MatchesByActiveTopicScopeAndSeverity) {
  const struct {
    store::WebhookRow w;
    const char* topic;
    const char* severity;
    const char* org_path;
    bool match;
  } rows[] = {
      {hook("/1/", "alarm", "warning"), "alarm", "warning", "/1/4/", true},
      {hook("/1/", "alarm", "warning"), "alarm", "critical", "/1/", true},  // own unit
      {hook("/1/", "alarm", "critical"), "alarm", "warning", "/1/4/", false},
      {hook("/1/", "alarm", "critical"), "alarm", "critical", "/1/4/", true},
      {hook("/1/", "alarm", "critical"), "alarm", "bogus", "/1/4/", false},  // counts as warning
      {hook("/1/", "alarm", "warning", false), "alarm", "critical", "/1/4/", false},
      {hook("/1/", "violation", "warning"), "alarm", "critical", "/1/4/", false},
      {hook("/1/", "alarm,violation", "critical"), "violation", "", "/1/4/", true},  // no severity
      {hook("/1/4/", "alarm", "warning"), "alarm", "critical", "/1/", false},  // above its scope
      {hook("/1/4/", "alarm", "warning"), "alarm", "critical", "/1/5/", false},
      {hook("/1/4/", "alarm", "warning"), "alarm", "critical", "/1/40/", false},
      {hook("", "alarm", "warning"), "alarm", "warning", "/7/", true},  // enterprise-wide
  };
  for (const auto& row : rows) {
    EXPECT_EQ(matches(row.w, row.topic, row.severity, row.org_path), row.match)
        << row.w.org_path << " " << row.w.topics << ">=" << row.w.min_severity << " " << row.topic
        << " " << row.severity << " " << row.org_path;
  }
}

std::string urlReason(const std::string& url) {
  auto s = validateWebhookUrl(url);
  if (s) {
    return "ok";
  }
  EXPECT_EQ(s.error().key(), "validation.failed");
  return s.error().details().at("url");
}

TEST(MonitorWebhookTest, UrlMustBeHttpWithHostAndNoCredentials) {
  const std::string prefix = "https://h.example/";
  const struct {
    std::string url;
    const char* reason;
  } rows[] = {
      {"https://oapi.dingtalk.com/robot/send?access_token=abc", "ok"},
      {"http://127.0.0.1:8080/hook", "ok"},
      {"HTTPS://EXAMPLE.COM", "ok"},
      {"http://[::1]:9000/x", "ok"},
      {"http://h:1/", "ok"},
      {"http://h:65535/", "ok"},
      {"http://h:0/", "bad_port"},
      {"http://h:65536/", "bad_port"},
      {"http://h:/", "bad_port"},
      {"http://h:8a/", "bad_port"},
      {"http://[::1]x/", "bad_port"},
      {"ftp://h/", "bad_scheme"},
      {"file:///etc/passwd", "bad_scheme"},
      {"h.example/hook", "bad_scheme"},
      {"", "bad_scheme"},
      {"http:///path", "no_host"},
      {"https://", "no_host"},
      {"http://:80/", "no_host"},
      {"https://user:pass@h.example/", "credentials"},
      {"https://token@h.example/", "credentials"},
      {"https://h.example/a b", "bad_character"},
      {"https://h.example/\n", "bad_character"},
      {"https://h.example/?at=@someone", "ok"},  // '@' after the authority is fine
      {prefix + std::string(kWebhookMaxUrlLength - prefix.size(), 'a'), "ok"},
      {prefix + std::string(kWebhookMaxUrlLength - prefix.size() + 1, 'a'), "too_long"},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(urlReason(row.url), row.reason) << row.url.substr(0, 60);
  }
}

TEST(MonitorWebhookTest, ValidateReportsEveryBadField) {
  store::WebhookRow ok = hook("/1/", "alarm,violation", "warning");
  EXPECT_TRUE(validateWebhook(ok));

  store::WebhookRow bad;
  bad.name = "  ";
  bad.format = "slack";
  bad.url = "ftp://x";
  bad.topics = "alarm,fire";
  bad.min_severity = "info";
  auto s = validateWebhook(bad);
  ASSERT_FALSE(s);
  const Error err = s.error();  // error() returns a copy: keep it alive.
  const auto& d = err.details();
  EXPECT_EQ(d.at("name"), "required");
  EXPECT_EQ(d.at("format"), "unknown");
  EXPECT_EQ(d.at("url"), "bad_scheme");
  EXPECT_EQ(d.at("topics"), "unknown");
  EXPECT_EQ(d.at("min_severity"), "unknown");

  store::WebhookRow w = ok;
  w.topics = " , ";
  EXPECT_EQ(validateWebhook(w).error().details().at("topics"), "required");

  w = ok;
  w.name = std::string(kWebhookMaxNameLength, 'n');
  EXPECT_TRUE(validateWebhook(w));
  w.name += "n";
  EXPECT_EQ(validateWebhook(w).error().details().at("name"), "too_long");
  w.name = "";
  for (std::size_t i = 0; i < kWebhookMaxNameLength; ++i) {
    w.name += "报";  // three bytes each, counted as one character
  }
  EXPECT_TRUE(validateWebhook(w));

  w = ok;
  w.secret = "SEC123";  // only DingTalk signs
  EXPECT_EQ(validateWebhook(w).error().details().at("secret"), "not_supported");
  w.format = "dingtalk";
  EXPECT_TRUE(validateWebhook(w));
  w.secret = std::string(kWebhookMaxSecretLength, 's');
  EXPECT_TRUE(validateWebhook(w));
  w.secret += "s";
  EXPECT_EQ(validateWebhook(w).error().details().at("secret"), "too_long");
}

}  // namespace
}  // namespace anguan::monitor
