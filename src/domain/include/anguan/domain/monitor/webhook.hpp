// Outbound webhooks (issue 5 §8): which webhook receives an alarm or a violation, when a failed
// delivery is tried again, and which URLs an admin may enter.
//
// A delivery is tried at once; after the n-th failed attempt the next one waits
// 30 s × 2^(n−1), capped at one hour, and after kWebhookMaxAttempts failed attempts the delivery
// is given up ("failed").
//
// Thread safety: pure functions and value types.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"
#include "anguan/domain/store/monitor_store.hpp"

namespace anguan::monitor {

enum class WebhookFormat : std::uint8_t {
  kJson,      // {"topic", "at", "data"}
  kWeCom,     // WeCom (企业微信) group robot, markdown message.
  kDingTalk,  // DingTalk (钉钉) robot, markdown message, optional signing secret.
};

// Stable codes: "json", "wecom", "dingtalk".
std::string_view toString(WebhookFormat format);
std::optional<WebhookFormat> parseWebhookFormat(std::string_view code);

inline constexpr int kWebhookMaxAttempts = 8;
inline constexpr std::chrono::seconds kWebhookFirstDelay{30};
inline constexpr std::chrono::seconds kWebhookMaxDelay{3600};
inline constexpr std::size_t kWebhookMaxUrlLength = 2000;
inline constexpr std::size_t kWebhookMaxNameLength = 100;
inline constexpr std::size_t kWebhookMaxSecretLength = 200;

// The wait after the `attempts`-th failed attempt: 30 s × 2^(attempts−1), at most one hour.
// REQUIRES: attempts >= 1.
std::chrono::seconds retryDelay(int attempts);

struct RetryPlan {
  bool give_up = false;    // True: mark the delivery failed.
  Instant next_attempt{};  // When !give_up.
};
// What follows the `attempts`-th failed attempt (counting it) made at `now`.
RetryPlan afterFailure(int attempts, Instant now);

// True when the comma-separated `topics` lists `topic` (spaces around items ignored).
bool topicListed(std::string_view topics, std::string_view topic);

// Whether `webhook` receives a message: it is active, lists `topic`, the record's `org_path`
// starts with the webhook's org_path, and for alarms `severity` >= min_severity (warning <
// critical; an unknown severity counts as warning). Violations ignore severity.
bool matches(const store::WebhookRow& webhook, std::string_view topic, std::string_view severity,
             std::string_view org_path);

// http:// or https:// (any case), a host, an optional port 1..65535, no user:password@, no
// spaces or control characters, at most kWebhookMaxUrlLength characters. Fails with
// "validation.failed", detail url → too_long | bad_scheme | no_host | credentials | bad_port |
// bad_character.
[[nodiscard]] Status validateWebhookUrl(std::string_view url);

// Validates an admin's webhook: name (1..100 characters) → required | too_long; format → unknown;
// url as above; topics (at least one, each "alarm" or "violation") → required | unknown;
// min_severity ("warning" or "critical") → unknown; secret (≤ 200, only for dingtalk) →
// too_long | not_supported. All problems are reported together ("validation.failed").
[[nodiscard]] Status validateWebhook(const store::WebhookRow& webhook);

}  // namespace anguan::monitor
