// Live monitoring (issue 5): telemetry ingestion over HTTP (device tokens), the board, alarms,
// violations, trend series, device tokens and dead letters.
#include <future>

#include <boost/json.hpp>

#include "anguan/service/monitor_service.hpp"

#include "routes/routes.hpp"

namespace anguan::api {
namespace {
namespace json = boost::json;

Reply objectReply(Result<json::object> r, Context& ctx) {
  if (!r) {
    return errorReply(r.error(), ctx.language);
  }
  return jsonReply(*r);
}

Result<std::int64_t> intQuery(const Context& ctx, const std::string& key, std::int64_t fallback) {
  const std::string v = ctx.queryValue(key);
  if (v.empty()) {
    return fallback;
  }
  try {
    std::size_t used = 0;
    const long long n = std::stoll(v, &used);
    if (used != v.size() || n < 0) {
      throw std::invalid_argument("bad");
    }
    return static_cast<std::int64_t>(n);
  } catch (const std::exception&) {
    return Error::invalidArgument("query.bad_value", "not a whole number").with("field", key);
  }
}

Result<std::optional<Instant>> timeQuery(const Context& ctx, const std::string& key) {
  const std::string v = ctx.queryValue(key);
  if (v.empty()) {
    return std::optional<Instant>{};
  }
  auto t = parseRfc3339(v);
  if (!t) {
    return Error::invalidArgument("query.bad_value", "not an RFC 3339 time").with("field", key);
  }
  return std::optional<Instant>{*t};
}

std::vector<std::string> splitList(const std::string& v) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= v.size()) {
    auto comma = v.find(',', start);
    if (comma == std::string::npos) {
      comma = v.size();
    }
    if (comma > start) {
      out.push_back(v.substr(start, comma - start));
    }
    start = comma + 1;
  }
  return out;
}

// The device token from "Authorization: Device <token>".
std::string deviceToken(const Context& ctx) {
  const std::string_view h = ctx.request[http::field::authorization];
  constexpr std::string_view kScheme = "Device ";
  if (h.size() > kScheme.size() && h.substr(0, kScheme.size()) == kScheme) {
    return std::string(h.substr(kScheme.size()));
  }
  return {};
}

Result<std::string> noteOf(const Context& ctx) {
  if (ctx.request.body().empty()) {
    return std::string();
  }
  AG_ASSIGN_OR_RETURN(json::object body, parseBody(ctx));
  const json::value* n = body.if_contains("note");
  if (n == nullptr || n->is_null()) {
    return std::string();
  }
  if (!n->is_string()) {
    return Error::invalidArgument("validation.failed", "note must be text").with("note", "type");
  }
  return std::string(n->as_string());
}

}  // namespace

void addMonitorRoutes(Router& router, Services& s) {
  auto& m = s.monitor;

  router.add(
      {http::verb::post, "/api/v1/telemetry", Access::kPublic, true, true,
       "Ingest a batch of readings and events (device token: Authorization: Device <token>)",
       "monitoring", [&m](Context& ctx) -> Reply {
         const std::string token = deviceToken(ctx);
         if (token.empty()) {
           return errorReply(
               Error::unauthenticated("monitor.device_token_invalid", "a device token is required"),
               ctx.language);
         }
         auto device = m.authenticateDevice(token);
         if (!device) {
           m.reject(service::IngestChannel::kHttp, ctx.client_address, device.error(), "");
           return errorReply(device.error(), ctx.language);
         }
         auto batch = m.decode(*device, ctx.request.body(), service::IngestChannel::kHttp, false);
         if (!batch) {
           m.reject(service::IngestChannel::kHttp, device->code, batch.error(), ctx.request.body());
           return errorReply(batch.error(), ctx.language);
         }
         auto promise = std::make_shared<std::promise<Result<service::IngestResult>>>();
         auto future = promise->get_future();
         if (!m.submit(std::move(*batch), [promise](const Result<service::IngestResult>& r) {
               promise->set_value(r);
             })) {
           return errorReply(
               Error::unavailable("telemetry.busy", "ingestion is busy; retry shortly"),
               ctx.language);
         }
         auto r = future.get();
         if (!r) {
           return errorReply(r.error(), ctx.language);
         }
         return jsonReply(json::object{
             {"accepted", r->accepted}, {"flagged", r->flagged}, {"events", r->events}});
       }});

  router.add({http::verb::get, "/api/v1/monitor/board", Access::kSignedIn, false, false,
              "Areas with live sensor values, open alarms and the work active there", "monitoring",
              [&m](Context& ctx) -> Reply { return objectReply(m.board(ctx.caller()), ctx); }});

  router.add(
      {http::verb::get, "/api/v1/monitor/alarms", Access::kSignedIn, false, false,
       "Alarms (filters: open, state, area_id, sensor_id, permit_id, severity, from, to)",
       "monitoring", [&m](Context& ctx) -> Reply {
         service::AlarmFilter f;
         f.open_only = ctx.queryValue("open") == "1" || ctx.queryValue("open") == "true";
         f.states = splitList(ctx.queryValue("state"));
         for (const auto& st : f.states) {
           if (!monitor::parseAlarmState(st)) {
             return errorReply(
                 Error::invalidArgument("query.bad_value", "bad state").with("field", "state"),
                 ctx.language);
           }
         }
         f.severity = ctx.queryValue("severity");
         if (!f.severity.empty() && !monitor::parseSeverity(f.severity)) {
           return errorReply(
               Error::invalidArgument("query.bad_value", "bad severity").with("field", "severity"),
               ctx.language);
         }
         AG_REPLY_IF_ERROR(f.area_id, intQuery(ctx, "area_id", 0), ctx);
         AG_REPLY_IF_ERROR(f.sensor_id, intQuery(ctx, "sensor_id", 0), ctx);
         AG_REPLY_IF_ERROR(f.permit_id, intQuery(ctx, "permit_id", 0), ctx);
         AG_REPLY_IF_ERROR(f.page, intQuery(ctx, "page", 1), ctx);
         AG_REPLY_IF_ERROR(f.page_size, intQuery(ctx, "page_size", 50), ctx);
         AG_REPLY_IF_ERROR(f.from, timeQuery(ctx, "from"), ctx);
         AG_REPLY_IF_ERROR(f.to, timeQuery(ctx, "to"), ctx);
         return objectReply(m.listAlarms(ctx.caller(), f), ctx);
       }});

  router.add({http::verb::get, "/api/v1/monitor/alarms/{id}", Access::kSignedIn, false, false,
              "One alarm with its history and linked permits", "monitoring",
              [&m](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                return objectReply(m.alarm(ctx.caller(), id), ctx);
              }});

  router.add({http::verb::post, "/api/v1/monitor/alarms/{id}/acknowledge", Access::kSignedIn, true,
              false, "Acknowledge an alarm (body: {note})", "monitoring",
              [&m](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                AG_REPLY_IF_ERROR(std::string note, noteOf(ctx), ctx);
                return objectReply(m.acknowledge(ctx.caller(), id, note), ctx);
              }});

  router.add({http::verb::post, "/api/v1/monitor/alarms/{id}/close", Access::kSignedIn, true, false,
              "Close a cleared, acknowledged alarm (body: {note})", "monitoring",
              [&m](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                AG_REPLY_IF_ERROR(std::string note, noteOf(ctx), ctx);
                return objectReply(m.closeAlarm(ctx.caller(), id, note), ctx);
              }});

  router.add(
      {http::verb::get, "/api/v1/monitor/violations", Access::kSignedIn, false, false,
       "Violations (filters: area_id, permit_id, person_id, type, status, from, to)", "monitoring",
       [&m](Context& ctx) -> Reply {
         service::ViolationFilter f;
         f.type = ctx.queryValue("type");
         if (!f.type.empty() && !monitor::parseViolationType(f.type)) {
           return errorReply(
               Error::invalidArgument("query.bad_value", "bad type").with("field", "type"),
               ctx.language);
         }
         f.status = ctx.queryValue("status");
         if (!f.status.empty() && f.status != "open" && f.status != "handled" &&
             f.status != "dismissed") {
           return errorReply(
               Error::invalidArgument("query.bad_value", "bad status").with("field", "status"),
               ctx.language);
         }
         AG_REPLY_IF_ERROR(f.area_id, intQuery(ctx, "area_id", 0), ctx);
         AG_REPLY_IF_ERROR(f.permit_id, intQuery(ctx, "permit_id", 0), ctx);
         AG_REPLY_IF_ERROR(f.person_id, intQuery(ctx, "person_id", 0), ctx);
         AG_REPLY_IF_ERROR(f.page, intQuery(ctx, "page", 1), ctx);
         AG_REPLY_IF_ERROR(f.page_size, intQuery(ctx, "page_size", 50), ctx);
         AG_REPLY_IF_ERROR(f.from, timeQuery(ctx, "from"), ctx);
         AG_REPLY_IF_ERROR(f.to, timeQuery(ctx, "to"), ctx);
         return objectReply(m.listViolations(ctx.caller(), f), ctx);
       }});

  router.add(
      {http::verb::post, "/api/v1/monitor/violations/{id}/handle", Access::kSignedIn, true, false,
       "Handle or dismiss a violation (body: {status, note, needs_training})", "monitoring",
       [&m](Context& ctx) -> Reply {
         AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
         AG_REPLY_IF_ERROR(json::object body, parseBody(ctx), ctx);
         std::string status;
         std::string note;
         bool training = false;
         if (const auto* v = body.if_contains("status"); v != nullptr && v->is_string()) {
           status = std::string(v->as_string());
         }
         if (const auto* v = body.if_contains("note"); v != nullptr) {
           if (!v->is_string() && !v->is_null()) {
             return errorReply(
                 Error::invalidArgument("validation.failed", "note: text").with("note", "type"),
                 ctx.language);
           }
           if (v->is_string()) {
             note = std::string(v->as_string());
           }
         }
         if (const auto* v = body.if_contains("needs_training"); v != nullptr) {
           if (!v->is_bool()) {
             return errorReply(
                 Error::invalidArgument("validation.failed", "needs_training: boolean")
                     .with("needs_training", "type"),
                 ctx.language);
           }
           training = v->as_bool();
         }
         return objectReply(m.handleViolation(ctx.caller(), id, status, note, training), ctx);
       }});

  router.add({http::verb::get, "/api/v1/monitor/violations/{id}/snapshot", Access::kSignedIn, false,
              false, "The camera snapshot of a violation (image)", "monitoring",
              [&m](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                AG_REPLY_IF_ERROR(auto img, m.snapshot(ctx.caller(), id), ctx);
                Reply r;
                r.content_type = img.first;
                r.body = std::move(img.second);
                r.headers.emplace_back("Cache-Control", "private, max-age=3600");
                r.headers.emplace_back("X-Content-Type-Options", "nosniff");
                return r;
              }});

  router.add({http::verb::get, "/api/v1/monitor/sensors/{id}/series", Access::kSignedIn, false,
              false, "Chart data for a sensor (from, to; raw or roll-up by span)", "monitoring",
              [&m, &s](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                AG_REPLY_IF_ERROR(auto from, timeQuery(ctx, "from"), ctx);
                AG_REPLY_IF_ERROR(auto to, timeQuery(ctx, "to"), ctx);
                const Instant now = s.clock.now();
                const Instant t1 = to ? *to : now;
                const Instant t0 = from ? *from : t1 - std::chrono::hours(1);
                return objectReply(m.series(ctx.caller(), id, t0, t1), ctx);
              }});

  router.add({http::verb::post, "/api/v1/devices/{id}/token", Access::kSignedIn, true, false,
              "Issue a device token (admin; shown once; replaces the previous one)", "monitoring",
              [&m](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                return objectReply(m.issueToken(ctx.caller(), id), ctx);
              }});

  router.add({http::verb::delete_, "/api/v1/devices/{id}/token", Access::kSignedIn, true, false,
              "Revoke a device's token (admin)", "monitoring", [&m](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                auto st = m.revokeToken(ctx.caller(), id);
                if (!st) {
                  return errorReply(st.error(), ctx.language);
                }
                return noContent();
              }});

  router.add({http::verb::get, "/api/v1/monitor/dead-letters", Access::kSignedIn, false, false,
              "Rejected telemetry payloads (admin)", "monitoring", [&m](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t page, intQuery(ctx, "page", 1), ctx);
                AG_REPLY_IF_ERROR(std::int64_t size, intQuery(ctx, "page_size", 50), ctx);
                return objectReply(m.deadLetters(ctx.caller(), page, size), ctx);
              }});
}

}  // namespace anguan::api
