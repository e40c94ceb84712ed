#include "anguan/domain/monitor/webhook.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "anguan/core/assert.hpp"
#include "anguan/domain/monitor/alarm.hpp"

namespace anguan::monitor {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// Calls fn(item) for each trimmed, non-empty item of a comma-separated list.
template <class Fn>
void forEachTopic(std::string_view topics, Fn fn) {
  while (true) {
    const auto comma = topics.find(',');
    const std::string_view item = trim(topics.substr(0, comma));
    if (!item.empty()) {
      fn(item);
    }
    if (comma == std::string_view::npos) {
      return;
    }
    topics.remove_prefix(comma + 1);
  }
}

bool startsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) {
      return false;
    }
  }
  return true;
}

std::size_t utf8Length(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

Error urlError(const char* reason) {
  return Error::invalidArgument("validation.failed", "some fields are not valid")
      .with("url", reason);
}

}  // namespace

std::string_view toString(WebhookFormat format) {
  switch (format) {
    case WebhookFormat::kJson:
      return "json";
    case WebhookFormat::kWeCom:
      return "wecom";
    case WebhookFormat::kDingTalk:
      return "dingtalk";
  }
  return "json";
}

std::optional<WebhookFormat> parseWebhookFormat(std::string_view code) {
  for (WebhookFormat f : {WebhookFormat::kJson, WebhookFormat::kWeCom, WebhookFormat::kDingTalk}) {
    if (toString(f) == code) {
      return f;
    }
  }
  return std::nullopt;
}

std::chrono::seconds retryDelay(int attempts) {
  AG_CHECK(attempts >= 1, "retryDelay counts failed attempts from 1");
  // 30 s × 2^7 already exceeds the cap, so larger exponents need not be computed.
  const int exponent = std::min(attempts - 1, 7);
  return std::min(kWebhookFirstDelay * (std::int64_t{1} << exponent), kWebhookMaxDelay);
}

RetryPlan afterFailure(int attempts, Instant now) {
  if (attempts >= kWebhookMaxAttempts) {
    return RetryPlan{true, {}};
  }
  return RetryPlan{false, now + retryDelay(attempts)};
}

bool topicListed(std::string_view topics, std::string_view topic) {
  bool found = false;
  forEachTopic(topics, [&](std::string_view item) { found = found || item == topic; });
  return found;
}

bool matches(const store::WebhookRow& webhook, std::string_view topic, std::string_view severity,
             std::string_view org_path) {
  if (!webhook.active || !topicListed(webhook.topics, topic)) {
    return false;
  }
  if (!org_path.starts_with(webhook.org_path)) {
    return false;
  }
  if (topic == "alarm") {
    const Severity have = parseSeverity(severity).value_or(Severity::kWarning);
    const Severity need = parseSeverity(webhook.min_severity).value_or(Severity::kWarning);
    return have >= need;
  }
  return true;
}

Status validateWebhookUrl(std::string_view url) {
  if (url.size() > kWebhookMaxUrlLength) {
    return urlError("too_long");
  }
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) {
      return urlError("bad_character");
    }
  }
  std::string_view rest;
  if (startsWithNoCase(url, "https://")) {
    rest = url.substr(8);
  } else if (startsWithNoCase(url, "http://")) {
    rest = url.substr(7);
  } else {
    return urlError("bad_scheme");
  }
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    return urlError("credentials");
  }
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {  // IPv6 literal.
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return urlError("no_host");
    }
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return urlError("bad_port");
      }
      port = after.substr(1);
      if (port.empty()) {
        return urlError("bad_port");
      }
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) {
      return urlError("bad_port");
    }
  }
  if (host.empty()) {
    return urlError("no_host");
  }
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c)) != 0;
        })) {
      return urlError("bad_port");
    }
    const int n = std::stoi(std::string(port));
    if (n < 1 || n > 65535) {
      return urlError("bad_port");
    }
  }
  return okStatus();
}

Status validateWebhook(const store::WebhookRow& webhook) {
  Error error = Error::invalidArgument("validation.failed", "some fields are not valid");
  bool bad = false;
  auto problem = [&](const char* field, const char* reason) {
    error.with(field, reason);
    bad = true;
  };
  const std::string_view name = trim(webhook.name);
  if (name.empty()) {
    problem("name", "required");
  } else if (utf8Length(name) > kWebhookMaxNameLength) {
    problem("name", "too_long");
  }
  const auto format = parseWebhookFormat(webhook.format);
  if (!format) {
    problem("format", "unknown");
  }
  if (auto s = validateWebhookUrl(webhook.url); !s) {
    problem("url", s.error().details().at("url").c_str());
  }
  int topics = 0;
  bool unknown_topic = false;
  forEachTopic(webhook.topics, [&](std::string_view item) {
    ++topics;
    unknown_topic = unknown_topic || (item != "alarm" && item != "violation");
  });
  if (unknown_topic) {
    problem("topics", "unknown");
  } else if (topics == 0) {
    problem("topics", "required");
  }
  if (webhook.min_severity != "warning" && webhook.min_severity != "critical") {
    problem("min_severity", "unknown");
  }
  if (!webhook.secret.empty()) {
    if (format && *format != WebhookFormat::kDingTalk) {
      problem("secret", "not_supported");
    } else if (webhook.secret.size() > kWebhookMaxSecretLength) {
      problem("secret", "too_long");
    }
  }
  if (bad) {
    return error;
  }
  return okStatus();
}

}  // namespace anguan::monitor
