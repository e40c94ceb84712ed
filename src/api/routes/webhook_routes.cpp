#include <boost/json.hpp>

#include "routes/json_fields.hpp"
#include "routes/routes.hpp"

namespace anguan::api {
namespace json = boost::json;
namespace {

json::array topicList(const std::string& topics) {
  json::array out;
  std::size_t start = 0;
  while (start <= topics.size()) {
    auto end = topics.find(',', start);
    if (end == std::string::npos) {
      end = topics.size();
    }
    if (end > start) {
      out.emplace_back(topics.substr(start, end - start));
    }
    start = end + 1;
  }
  return out;
}

json::object webhookJson(const store::WebhookRow& w, int tz) {
  return json::object{{"id", w.id},
                      {"version", w.version},
                      {"name", w.name},
                      {"format", w.format},
                      {"url", w.url},
                      {"topics", topicList(w.topics)},
                      {"min_severity", w.min_severity},
                      {"has_secret", !w.secret.empty()},
                      {"active", w.active},
                      {"org_path", w.org_path},
                      {"created_at", formatRfc3339(w.created_at, tz)},
                      {"updated_at", formatRfc3339(w.updated_at, tz)}};
}

json::object deliveryJson(const store::WebhookDelivery& d, int tz) {
  return json::object{
      {"id", d.id},
      {"webhook_id", d.webhook_id},
      {"topic", d.topic},
      {"payload", d.payload},
      {"status", d.status},
      {"attempts", d.attempts},
      {"next_attempt_at", d.status == "pending" ? json::value(formatRfc3339(d.next_attempt_at, tz))
                                                : json::value(nullptr)},
      {"last_error", d.last_error},
      {"created_at", formatRfc3339(d.created_at, tz)},
      {"sent_at", d.sent_at ? json::value(formatRfc3339(*d.sent_at, tz)) : json::value(nullptr)}};
}

// The admin's webhook from a request body; `update` requires the version.
Result<service::WebhookInput> webhookInput(const json::object& body, bool update) {
  AG_RETURN_IF_ERROR(readFields(
      body, {"name", "format", "url", "topics", "min_severity", "secret", "active", "version"}));
  service::WebhookInput in;
  AG_ASSIGN_OR_RETURN(in.name, stringField(body, "name", true));
  AG_ASSIGN_OR_RETURN(in.format, stringField(body, "format", true));
  AG_ASSIGN_OR_RETURN(in.url, stringField(body, "url", true));
  AG_ASSIGN_OR_RETURN(in.topics, listField(body, "topics"));
  AG_ASSIGN_OR_RETURN(std::string severity, stringField(body, "min_severity", false));
  in.min_severity = severity.empty() ? "warning" : severity;
  if (const auto* s = body.if_contains("secret"); s != nullptr && !s->is_null()) {
    if (!s->is_string()) {
      return Error::invalidArgument("validation.failed", "some fields are not valid")
          .with("secret", "wrong_type");
    }
    in.secret = std::string(s->as_string());
  } else if (!update) {
    in.secret = "";
  }
  AG_ASSIGN_OR_RETURN(auto active, boolField(body, "active"));
  in.active = active.value_or(true);
  if (update) {
    AG_ASSIGN_OR_RETURN(in.version, intField(body, "version", true));
  }
  return in;
}

}  // namespace

void addWebhookRoutes(Router& router, Services& s) {
  const int tz = s.settings.tz_offset_minutes;
  service::WebhookService& hooks = s.webhooks;
  router.add({http::verb::get, "/api/v1/monitor/webhooks", Access::kSignedIn, false, false,
              "Outbound webhooks in your scope (admin)", "monitoring",
              [&hooks, tz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(auto rows, hooks.list(ctx.caller()), ctx);
                json::array items;
                for (const auto& w : rows) {
                  items.push_back(webhookJson(w, tz));
                }
                const auto total = static_cast<std::int64_t>(items.size());
                return jsonReply(json::object{{"items", std::move(items)}, {"total", total}});
              }});
  router.add({http::verb::post, "/api/v1/monitor/webhooks", Access::kSignedIn, true, false,
              "Add a webhook (admin): name, format json|wecom|dingtalk, url, topics "
              "[alarm, violation], min_severity, secret (DingTalk signing), active",
              "monitoring", [&hooks, tz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(auto body, parseBody(ctx), ctx);
                AG_REPLY_IF_ERROR(auto input, webhookInput(body, false), ctx);
                AG_REPLY_IF_ERROR(auto row, hooks.create(ctx.caller(), input), ctx);
                return jsonReply(webhookJson(row, tz), http::status::created);
              }});
  router.add({http::verb::put, "/api/v1/monitor/webhooks/{id}", Access::kSignedIn, true, false,
              "Edit a webhook (admin; with version; secret omitted = kept, \"\" = removed)",
              "monitoring", [&hooks, tz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                AG_REPLY_IF_ERROR(auto body, parseBody(ctx), ctx);
                AG_REPLY_IF_ERROR(auto input, webhookInput(body, true), ctx);
                AG_REPLY_IF_ERROR(auto row, hooks.update(ctx.caller(), id, input), ctx);
                return jsonReply(webhookJson(row, tz));
              }});
  router.add({http::verb::delete_, "/api/v1/monitor/webhooks/{id}", Access::kSignedIn, true, false,
              "Remove a webhook (admin)", "monitoring", [&hooks](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                if (auto st = hooks.remove(ctx.caller(), id); !st) {
                  return errorReply(st.error(), ctx.language);
                }
                return noContent();
              }});
  router.add(
      {http::verb::post, "/api/v1/monitor/webhooks/{id}/test", Access::kSignedIn, true, false,
       "Send a test message now and report the receiver's answer (admin)", "monitoring",
       [&hooks](Context& ctx) -> Reply {
         AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
         AG_REPLY_IF_ERROR(auto r, hooks.test(ctx.caller(), id), ctx);
         return jsonReply(json::object{{"ok", r.ok}, {"status", r.status}, {"error", r.error}});
       }});
  router.add({http::verb::get, "/api/v1/monitor/webhooks/{id}/deliveries", Access::kSignedIn, false,
              false, "A webhook's latest deliveries, newest first (admin)", "monitoring",
              [&hooks, tz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                AG_REPLY_IF_ERROR(auto rows, hooks.deliveries(ctx.caller(), id), ctx);
                json::array items;
                for (const auto& d : rows) {
                  items.push_back(deliveryJson(d, tz));
                }
                const auto total = static_cast<std::int64_t>(items.size());
                return jsonReply(json::object{{"items", std::move(items)}, {"total", total}});
              }});
}

}  // namespace anguan::api
