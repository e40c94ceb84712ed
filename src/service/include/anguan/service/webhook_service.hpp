// Outbound webhooks for alarms and violations (issue 5 §8): admin CRUD, the outbox and the
// delivery job.
//
// enqueue() is called by the monitoring service inside its own write transaction: for every
// matching webhook it inserts a delivery whose payload is already the request body in the
// webhook's format (generic JSON, WeCom group robot, DingTalk robot), so a delivery exists
// exactly when the alarm or violation committed. deliver() — the job "webhooks.deliver" —
// sends due deliveries over the WebhookSender port, marks 2xx answers sent (WeCom and DingTalk
// answer 200 with {"errcode": N}: a non-zero errcode is a failure) and schedules failures by the
// domain's back-off (monitor::afterFailure) until they are given up. DingTalk's signature
// (timestamp and sign query parameters) is computed at send time, so a retried delivery is
// signed afresh.
//
// Thread safety: safe from any thread. One deliver() runs at a time per process; a call while
// another runs returns 0 at once. Several nodes sharing one database may send a due delivery
// twice (receivers get at-least-once delivery).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"
#include "anguan/domain/auth/access.hpp"
#include "anguan/domain/store/monitor_store.hpp"
#include "anguan/domain/store/store.hpp"

namespace anguan::service {

// An HTTP answer from a webhook receiver. The body is capped by the sender (64 KiB).
struct WebhookResponse {
  int status = 0;
  std::string body;
};

// Outgoing port: one HTTP/1.1 POST with Content-Type application/json. A transport failure
// (DNS, connect, TLS, timeout) is an error (kUnavailable "webhook.transport", message says
// what); any HTTP answer, 2xx or not, is a value. Implemented by api/ (Boost.Beast).
//
// Thread safety: implementations must be safe from any thread.
class WebhookSender {
 public:
  virtual ~WebhookSender() = default;
  [[nodiscard]] virtual Result<WebhookResponse> post(const std::string& url,
                                                     const std::string& body,
                                                     std::chrono::milliseconds timeout) = 0;
};

// What an admin enters. `secret`: nullopt on update keeps the stored one, "" clears it.
struct WebhookInput {
  std::string name;
  std::string format;  // json, wecom, dingtalk
  std::string url;
  std::vector<std::string> topics;  // alarm, violation
  std::string min_severity = "warning";
  std::optional<std::string> secret;
  bool active = true;
  std::int64_t version = 0;  // Required on update (409 when stale).
};

// The result of test(): the receiver's answer, or the transport error.
struct WebhookTestResult {
  bool ok = false;
  int status = 0;     // 0 when nothing was answered.
  std::string error;  // "" when ok.
};

class WebhookService {
 public:
  // The alarm or violation to send. `text_zh` lines are markdown (WeCom/DingTalk show them under
  // the title); `fields` is the generic JSON format's "data".
  struct MessageView {
    std::string title_zh;
    std::string title_en;
    std::vector<std::string> text_zh;
    boost::json::object fields;
    Instant at{};
  };

  static constexpr std::int64_t kBatch = 50;  // Deliveries per deliver() run.
  static constexpr std::chrono::milliseconds kDefaultTimeout{10000};
  // deliver() starts no new request after this long (the rest waits for the next run).
  static constexpr std::chrono::seconds kRunBudget{20};

  // `tz_offset_minutes`: offset of the "at" times in the generic JSON format.
  WebhookService(store::Store& store, const Clock& clock, WebhookSender& sender,
                 int tz_offset_minutes = 480)
      : store_(store), clock_(clock), sender_(sender), tz_offset_minutes_(tz_offset_minutes) {}

  // Admin only (403 "auth.forbidden"). Webhooks in the caller's scope; a new webhook gets the
  // caller's org_path. Others' webhooks answer 404 "monitor.webhook_not_found". Changes are
  // audited (entity "webhooks"; the secret is never written to the audit log).
  // The per-request deadline (connect, send, receive); tests shorten it.
  void setTimeout(std::chrono::milliseconds timeout) { timeout_ms_ = timeout.count(); }

  [[nodiscard]] Result<std::vector<store::WebhookRow>> list(const auth::Principal& caller);
  [[nodiscard]] Result<store::WebhookRow> get(const auth::Principal& caller, std::int64_t id);
  [[nodiscard]] Result<store::WebhookRow> create(const auth::Principal& caller,
                                                 const WebhookInput& input);
  [[nodiscard]] Result<store::WebhookRow> update(const auth::Principal& caller, std::int64_t id,
                                                 const WebhookInput& input);
  [[nodiscard]] Status remove(const auth::Principal& caller, std::int64_t id);
  // Sends a sample message in the webhook's format now (not stored) and reports the answer.
  [[nodiscard]] Result<WebhookTestResult> test(const auth::Principal& caller, std::int64_t id);
  // The webhook's latest deliveries, newest first (at most 100).
  [[nodiscard]] Result<std::vector<store::WebhookDelivery>> deliveries(
      const auth::Principal& caller, std::int64_t id);

  // Inside the caller's write transaction: one pending delivery, due now, per matching webhook
  // (monitor::matches). `topic` is "alarm" or "violation". Returns the number enqueued.
  [[nodiscard]] Result<std::int64_t> enqueue(store::Transaction& tx, std::string_view topic,
                                             std::string_view severity, const std::string& org_path,
                                             const MessageView& m);

  // The job: sends up to kBatch due deliveries, starting none after kRunBudget. Returns how many
  // were attempted.
  [[nodiscard]] Result<std::int64_t> deliver(Instant now);

  // The request body for `format` ("json", "wecom", "dingtalk").
  [[nodiscard]] static std::string payloadFor(std::string_view format, std::string_view topic,
                                              const MessageView& m, int tz_offset_minutes);
  // DingTalk signing: `url` plus timestamp=<ms>&sign=<url-encoded base64 HMAC-SHA256 of
  // "<ms>\n<secret>" keyed by the secret>. Returns `url` unchanged when the secret is empty.
  [[nodiscard]] static std::string signedUrl(const std::string& url, const std::string& secret,
                                             Instant now);
  // Whether an answer counts as delivered: 2xx, and for wecom/dingtalk no non-zero "errcode"
  // in a JSON body. Otherwise returns the reason for last_error.
  [[nodiscard]] static std::optional<std::string> failureOf(std::string_view format,
                                                            const WebhookResponse& response);

 private:
  store::Store& store_;
  const Clock& clock_;
  WebhookSender& sender_;
  int tz_offset_minutes_;
  std::atomic<std::int64_t> timeout_ms_{kDefaultTimeout.count()};
  std::mutex deliver_mutex_;
};

}  // namespace anguan::service
