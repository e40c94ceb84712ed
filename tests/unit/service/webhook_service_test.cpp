// The webhook formats, DingTalk signing and how answers are judged (the outbox and the sender
// run against a real store and a local receiver in tests/api/webhook_api_test.cpp).
#include "anguan/service/webhook_service.hpp"

#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace anguan::service {
namespace {

namespace json = boost::json;

const Instant kT0 = fromMillis(1'800'000'000'000);  // 2027-01-15T08:00:00Z

WebhookService::MessageView message() {
  WebhookService::MessageView m;
  m.title_zh = "可燃气体报警";
  m.title_en = "Combustible gas alarm";
  m.text_zh = {"- 区域：罐区", "- 数值：**35 %LEL**"};
  m.fields = json::object{{"alarm_id", 7}, {"severity", "critical"}};
  m.at = kT0;
  return m;
}

TEST(WebhookServiceTest, GenericJsonCarriesTopicTimeAndData) {
  const json::value v = json::parse(WebhookService::payloadFor("json", "alarm", message(), 480));
  EXPECT_EQ(v.at("topic"), "alarm");
  EXPECT_EQ(v.at("at"), "2027-01-15T16:00:00+08:00");
  EXPECT_EQ(v.at("data").at("alarm_id"), 7);
  EXPECT_EQ(v.at("data").at("severity"), "critical");
}

TEST(WebhookServiceTest, WeComIsAMarkdownMessageWithTitleAndLines) {
  const json::value v = json::parse(WebhookService::payloadFor("wecom", "alarm", message(), 480));
  EXPECT_EQ(v.at("msgtype"), "markdown");
  EXPECT_EQ(v.at("markdown").at("content"), "### 可燃气体报警\n- 区域：罐区\n- 数值：**35 %LEL**");
  EXPECT_EQ(v.as_object().size(), 2u);
}

TEST(WebhookServiceTest, WeComContentIsCutAtItsLimitWithoutSplittingACharacter) {
  auto m = message();
  m.text_zh.assign(1, std::string(3000, 'x'));
  m.text_zh.push_back(std::string(3 * 1000, 'y'));
  m.text_zh.back() = "";
  for (int i = 0; i < 1000; ++i) {
    m.text_zh.back() += "报";
  }
  const json::value v = json::parse(WebhookService::payloadFor("wecom", "alarm", m, 480));
  const std::string content(v.at("markdown").at("content").as_string());
  EXPECT_LE(content.size(), 4096u);
  EXPECT_GE(content.size(), 4094u);
  EXPECT_EQ(content.substr(content.size() - 3), "报");
}

TEST(WebhookServiceTest, DingTalkIsAMarkdownMessageWithTitleAndParagraphs) {
  const json::value v =
      json::parse(WebhookService::payloadFor("dingtalk", "violation", message(), 480));
  EXPECT_EQ(v.at("msgtype"), "markdown");
  EXPECT_EQ(v.at("markdown").at("title"), "可燃气体报警");
  EXPECT_EQ(v.at("markdown").at("text"), "### 可燃气体报警\n\n- 区域：罐区\n\n- 数值：**35 %LEL**");
}

TEST(WebhookServiceTest, DingTalkSignatureIsHmacSha256OfTimestampAndSecretUrlEncoded) {
  // Expected values computed independently (Python hmac/base64/urllib).
  EXPECT_EQ(WebhookService::signedUrl("https://oapi.dingtalk.com/robot/send?access_token=t",
                                      "SECtest3", kT0),
            "https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1800000000000"
            "&sign=0dVdbBIbKIgASNqtzZw6%2FgtrNtxfjPsTzLmZVKZU%2BJM%3D");
  EXPECT_EQ(
      WebhookService::signedUrl("http://h/x", "SEC0123456789abcdef", kT0),
      "http://h/x?timestamp=1800000000000&sign=XNUHYPYdlmA7kBpr1fKswrcYEvgQL0pVZMlUvJNyNww%3D");
  EXPECT_EQ(WebhookService::signedUrl("http://h/x?a=1", "", kT0), "http://h/x?a=1");
}

TEST(WebhookServiceTest, AnswersCountAsDeliveredOnlyWhen2xxAndNoRobotErrcode) {
  const struct {
    const char* format;
    int status;
    const char* body;
    const char* failure;  // nullptr = delivered
  } rows[] = {
      {"json", 200, "", nullptr},
      {"json", 204, "", nullptr},
      {"json", 299, "", nullptr},
      {"json", 300, "", "HTTP 300"},
      {"json", 199, "", "HTTP 199"},
      {"json", 500, "boom", "HTTP 500: boom"},
      {"json", 200, R"({"errcode":310000})", nullptr},  // generic receivers' bodies are theirs
      {"wecom", 200, R"({"errcode":0,"errmsg":"ok"})", nullptr},
      {"wecom", 200, R"({"errcode":93000,"errmsg":"invalid webhook url"})",
       "errcode 93000: invalid webhook url"},
      {"dingtalk", 200, R"({"errcode":310000,"errmsg":"sign not match"})",
       "errcode 310000: sign not match"},
      {"dingtalk", 200, R"({"errcode":"x"})", nullptr},
      {"dingtalk", 200, "not json", nullptr},
      {"dingtalk", 404, R"({"errcode":0})", "HTTP 404: {\"errcode\":0}"},
  };
  for (const auto& row : rows) {
    const auto failure =
        WebhookService::failureOf(row.format, WebhookResponse{row.status, row.body});
    if (row.failure == nullptr) {
      EXPECT_FALSE(failure.has_value()) << row.format << " " << row.status << " " << row.body;
    } else {
      EXPECT_EQ(failure.value_or("<delivered>"), row.failure) << row.format << " " << row.status;
    }
  }
}

TEST(WebhookServiceTest, FailureTextIsValidUtf8AndBounded) {
  std::string body = "bad\xff\xfe bytes\x01";
  body += std::string(2000, 'z');
  const auto failure = WebhookService::failureOf("json", WebhookResponse{502, body});
  ASSERT_TRUE(failure.has_value());
  EXPECT_EQ(failure->substr(0, 21), "HTTP 502: bad?? bytes");
  EXPECT_LE(failure->size(), 500u);
  for (char c : *failure) {
    EXPECT_GE(static_cast<unsigned char>(c), 0x20u);
    EXPECT_LT(static_cast<unsigned char>(c), 0x80u);
  }
}

}  // namespace
}  // namespace anguan::service
