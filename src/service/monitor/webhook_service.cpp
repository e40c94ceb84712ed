#include "anguan/service/webhook_service.hpp"

#include <map>
#include <set>

#include <sodium.h>

#include "anguan/core/crypto.hpp"
#include "anguan/domain/monitor/webhook.hpp"
#include "anguan/service/audit_service.hpp"

#include "service_util.hpp"

namespace anguan::service {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxErrorBytes = 500;
constexpr std::size_t kWeComMaxContentBytes = 4096;  // WeCom's markdown limit.
constexpr std::int64_t kDeliveriesShown = 100;

using detail::forbidden;

Error notFound() { return Error::notFound("monitor.webhook_not_found", "no such webhook"); }

bool isAdmin(const auth::Principal& p) {
  for (const auto& r : p.roles) {
    if (r == "admin") {
      return true;
    }
  }
  return false;
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid.
std::size_t utf8Sequence(std::string_view s, std::size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  if (b < 0x80) {
    return 1;
  }
  if ((b & 0xE0) == 0xC0 && b >= 0xC2) {
    n = 2;
  } else if ((b & 0xF0) == 0xE0) {
    n = 3;
  } else if ((b & 0xF8) == 0xF0 && b <= 0xF4) {
    n = 4;
  } else {
    return 0;
  }
  if (i + n > s.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
      return 0;
    }
  }
  return n;
}

// At most `max` bytes of valid UTF-8 text: invalid bytes become '?', control characters
// (but newlines and tabs) spaces, and a cut never splits a character. Receivers' answers are
// stored in last_error, which must be valid text on PostgreSQL.
std::string safeText(std::string_view s, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = utf8Sequence(s, i);
    std::string_view piece = n == 0 ? std::string_view("?") : s.substr(i, n);
    if (n == 1 && static_cast<unsigned char>(s[i]) < 0x20 && s[i] != '\n' && s[i] != '\t') {
      piece = " ";
    }
    if (n == 1 && s[i] == 0x7F) {
      piece = " ";
    }
    if (out.size() + piece.size() > max) {
      break;
    }
    out += piece;
    i += n == 0 ? 1 : n;
  }
  return out;
}

std::string join(const std::vector<std::string>& lines, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) {
      out += sep;
    }
    out += lines[i];
  }
  return out;
}

std::string urlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0x0F];
    }
  }
  return out;
}

std::string topicsText(const std::vector<std::string>& topics) { return join(topics, ","); }

// The audit view of a webhook: everything but the secret.
std::string auditJson(const store::WebhookRow& w) {
  return json::serialize(json::object{{"name", w.name},
                                      {"format", w.format},
                                      {"url", w.url},
                                      {"topics", w.topics},
                                      {"min_severity", w.min_severity},
                                      {"has_secret", !w.secret.empty()},
                                      {"active", w.active},
                                      {"org_path", w.org_path}});
}

void applyInput(store::WebhookRow& row, const WebhookInput& in) {
  row.name = in.name;
  row.format = in.format;
  row.url = in.url;
  row.topics = topicsText(in.topics);
  row.min_severity = in.min_severity;
  if (in.secret) {
    row.secret = *in.secret;
  }
  row.active = in.active;
}

// Loads a webhook visible to the caller, or 404.
Result<store::WebhookRow> visibleWebhook(store::Transaction& tx, const auth::Principal& caller,
                                         std::int64_t id) {
  auto row = tx.monitor().getWebhook(id);
  if (!row) {
    if (row.error().code() == ErrorCode::kNotFound) {
      return notFound();
    }
    return row.error();
  }
  if (!auth::inScope(caller.org_path, row->org_path)) {
    return notFound();
  }
  return row;
}

WebhookService::MessageView sampleMessage(Instant now) {
  WebhookService::MessageView m;
  m.title_zh = "安管 Webhook 测试消息";
  m.title_en = "anguan webhook test message";
  m.text_zh = {"- 这是一条测试消息，收到即表示配置正确。",
               "- This is a test message: receiving it means the webhook works."};
  m.fields = json::object{{"test", true}, {"message", "anguan webhook test"}};
  m.at = now;
  return m;
}

}  // namespace

std::string WebhookService::payloadFor(std::string_view format, std::string_view topic,
                                       const MessageView& m, int tz_offset_minutes) {
  const auto f = monitor::parseWebhookFormat(format).value_or(monitor::WebhookFormat::kJson);
  switch (f) {
    case monitor::WebhookFormat::kWeCom: {
      std::string content = "### " + m.title_zh;
      if (!m.text_zh.empty()) {
        content += "\n" + join(m.text_zh, "\n");
      }
      return json::serialize(json::object{
          {"msgtype", "markdown"},
          {"markdown", json::object{{"content", safeText(content, kWeComMaxContentBytes)}}}});
    }
    case monitor::WebhookFormat::kDingTalk: {
      std::string text = "### " + m.title_zh;
      if (!m.text_zh.empty()) {
        text += "\n\n" + join(m.text_zh, "\n\n");
      }
      return json::serialize(
          json::object{{"msgtype", "markdown"},
                       {"markdown", json::object{{"title", m.title_zh}, {"text", text}}}});
    }
    case monitor::WebhookFormat::kJson:
      break;
  }
  return json::serialize(json::object{{"topic", topic},
                                      {"at", formatRfc3339(m.at, tz_offset_minutes)},
                                      {"title", m.title_en},
                                      {"data", m.fields}});
}

std::string WebhookService::signedUrl(const std::string& url, const std::string& secret,
                                      Instant now) {
  if (secret.empty()) {
    return url;
  }
  crypto::initCrypto();
  const std::string timestamp = std::to_string(toMillis(now));
  const std::string message = timestamp + "\n" + secret;
  crypto_auth_hmacsha256_state state;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&state, mac);
  const std::string sign =
      crypto::base64Encode(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac));
  const char sep = url.find('?') == std::string::npos ? '?' : '&';
  return url + sep + "timestamp=" + timestamp + "&sign=" + urlEncode(sign);
}

std::optional<std::string> WebhookService::failureOf(std::string_view format,
                                                     const WebhookResponse& response) {
  if (response.status < 200 || response.status > 299) {
    std::string reason = "HTTP " + std::to_string(response.status);
    if (!response.body.empty()) {
      reason += ": " + response.body;
    }
    return safeText(reason, kMaxErrorBytes);
  }
  if (format != "wecom" && format != "dingtalk") {
    return std::nullopt;
  }
  boost::system::error_code ec;
  const json::value body = json::parse(response.body, ec);
  if (ec || !body.is_object()) {
    return std::nullopt;  // Not the robots' JSON answer; the 2xx stands.
  }
  const auto* code = body.as_object().if_contains("errcode");
  if (code == nullptr || !code->is_number()) {
    return std::nullopt;
  }
  const std::int64_t n = code->to_number<std::int64_t>();
  if (n == 0) {
    return std::nullopt;
  }
  std::string reason = "errcode " + std::to_string(n);
  if (const auto* msg = body.as_object().if_contains("errmsg"); msg && msg->is_string()) {
    reason += ": " + std::string(msg->as_string());
  }
  return safeText(reason, kMaxErrorBytes);
}

Result<std::vector<store::WebhookRow>> WebhookService::list(const auth::Principal& caller) {
  if (!isAdmin(caller)) {
    return forbidden();
  }
  std::vector<store::WebhookRow> out;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auto rows, tx.monitor().webhooks());
    for (auto& w : rows) {
      if (auth::inScope(caller.org_path, w.org_path)) {
        out.push_back(std::move(w));
      }
    }
    return okStatus();
  }));
  return out;
}

Result<store::WebhookRow> WebhookService::get(const auth::Principal& caller, std::int64_t id) {
  if (!isAdmin(caller)) {
    return forbidden();
  }
  store::WebhookRow out;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(out, visibleWebhook(tx, caller, id));
    return okStatus();
  }));
  return out;
}

Result<store::WebhookRow> WebhookService::create(const auth::Principal& caller,
                                                 const WebhookInput& input) {
  if (!isAdmin(caller)) {
    return forbidden();
  }
  const Instant now = clock_.now();
  store::WebhookRow row;
  applyInput(row, input);
  row.org_path = caller.org_path;
  row.created_at = now;
  row.updated_at = now;
  AG_RETURN_IF_ERROR(monitor::validateWebhook(row));
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(row.id, tx.monitor().insertWebhook(row));
    row.version = 1;
    return appendAudit(tx, Actor::of(caller), now, "create", "webhooks", row.id, row.org_path, "",
                       auditJson(row));
  }));
  return row;
}

Result<store::WebhookRow> WebhookService::update(const auth::Principal& caller, std::int64_t id,
                                                 const WebhookInput& input) {
  if (!isAdmin(caller)) {
    return forbidden();
  }
  const Instant now = clock_.now();
  store::WebhookRow out;
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(store::WebhookRow before, visibleWebhook(tx, caller, id));
    if (before.version != input.version) {
      return Error::conflict("base.stale_version", "someone else changed this webhook");
    }
    store::WebhookRow row = before;
    applyInput(row, input);
    row.updated_at = now;
    AG_RETURN_IF_ERROR(monitor::validateWebhook(row));
    AG_ASSIGN_OR_RETURN(out, tx.monitor().updateWebhook(row));
    return appendAudit(tx, Actor::of(caller), now, "update", "webhooks", id, row.org_path,
                       auditJson(before), auditJson(out));
  }));
  return out;
}

Status WebhookService::remove(const auth::Principal& caller, std::int64_t id) {
  if (!isAdmin(caller)) {
    return forbidden();
  }
  const Instant now = clock_.now();
  return store_.write([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(store::WebhookRow before, visibleWebhook(tx, caller, id));
    AG_RETURN_IF_ERROR(tx.monitor().removeWebhook(id));
    return appendAudit(tx, Actor::of(caller), now, "delete", "webhooks", id, before.org_path,
                       auditJson(before), "");
  });
}

Result<WebhookTestResult> WebhookService::test(const auth::Principal& caller, std::int64_t id) {
  AG_ASSIGN_OR_RETURN(store::WebhookRow w, get(caller, id));
  const Instant now = clock_.now();
  const std::string body = payloadFor(w.format, "test", sampleMessage(now), tz_offset_minutes_);
  const std::string url = w.format == "dingtalk" ? signedUrl(w.url, w.secret, now) : w.url;
  WebhookTestResult out;
  auto r = sender_.post(url, body, std::chrono::milliseconds(timeout_ms_.load()));
  if (!r) {
    out.error = safeText(r.error().message(), kMaxErrorBytes);
    return out;
  }
  out.status = r->status;
  const auto failure = failureOf(w.format, *r);
  out.ok = !failure.has_value();
  out.error = failure.value_or("");
  return out;
}

Result<std::vector<store::WebhookDelivery>> WebhookService::deliveries(
    const auth::Principal& caller, std::int64_t id) {
  if (!isAdmin(caller)) {
    return forbidden();
  }
  std::vector<store::WebhookDelivery> out;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_RETURN_IF_ERROR(visibleWebhook(tx, caller, id));
    AG_ASSIGN_OR_RETURN(out, tx.monitor().deliveriesOf(id, kDeliveriesShown));
    return okStatus();
  }));
  return out;
}

Result<std::int64_t> WebhookService::enqueue(store::Transaction& tx, std::string_view topic,
                                             std::string_view severity, const std::string& org_path,
                                             const MessageView& m) {
  AG_ASSIGN_OR_RETURN(auto hooks, tx.monitor().webhooks());
  const Instant now = clock_.now();
  std::int64_t n = 0;
  for (const auto& w : hooks) {
    if (!monitor::matches(w, topic, severity, org_path)) {
      continue;
    }
    store::WebhookDelivery d;
    d.webhook_id = w.id;
    d.topic = std::string(topic);
    d.payload = payloadFor(w.format, topic, m, tz_offset_minutes_);
    d.status = "pending";
    d.attempts = 0;
    d.next_attempt_at = now;
    d.created_at = now;
    AG_RETURN_IF_ERROR(tx.monitor().insertDelivery(d));
    ++n;
  }
  return n;
}

Result<std::int64_t> WebhookService::deliver(Instant now) {
  std::unique_lock lock(deliver_mutex_, std::try_to_lock);
  if (!lock.owns_lock()) {
    return 0;
  }
  std::vector<store::WebhookDelivery> due;
  std::map<std::int64_t, store::WebhookRow> hooks;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(due, tx.monitor().dueDeliveries(now, kBatch));
    for (const auto& d : due) {
      if (hooks.contains(d.webhook_id)) {
        continue;
      }
      auto w = tx.monitor().getWebhook(d.webhook_id);
      if (w) {
        hooks.emplace(d.webhook_id, *std::move(w));
      } else if (w.error().code() != ErrorCode::kNotFound) {
        return w.error();
      }
    }
    return okStatus();
  }));
  if (due.empty()) {
    return 0;
  }
  // A run stops sending after kRunBudget (slow receivers would otherwise hold up every other
  // job); what is left stays due for the next run.
  const auto started = std::chrono::steady_clock::now();
  std::size_t done = 0;
  for (auto& d : due) {
    if (std::chrono::steady_clock::now() - started > kRunBudget) {
      break;
    }
    ++done;
    ++d.attempts;
    const auto it = hooks.find(d.webhook_id);
    if (it == hooks.end() || !it->second.active) {
      // Removed or switched off: nobody wants it any more.
      d.status = "failed";
      d.last_error = it == hooks.end() ? "webhook removed" : "webhook inactive";
      continue;
    }
    const store::WebhookRow& w = it->second;
    const std::string url = w.format == "dingtalk" ? signedUrl(w.url, w.secret, now) : w.url;
    auto r = sender_.post(url, d.payload, std::chrono::milliseconds(timeout_ms_.load()));
    std::optional<std::string> failure =
        r ? failureOf(w.format, *r) : std::optional(safeText(r.error().message(), kMaxErrorBytes));
    if (!failure) {
      d.status = "sent";
      d.sent_at = now;
      d.last_error.clear();
      continue;
    }
    d.last_error = *failure;
    const monitor::RetryPlan plan = monitor::afterFailure(d.attempts, now);
    if (plan.give_up) {
      d.status = "failed";
    } else {
      d.next_attempt_at = plan.next_attempt;
    }
  }
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    for (std::size_t i = 0; i < done; ++i) {
      AG_RETURN_IF_ERROR(tx.monitor().updateDelivery(due[i]));
    }
    return okStatus();
  }));
  return static_cast<std::int64_t>(done);
}

}  // namespace anguan::service
