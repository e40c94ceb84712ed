#include <boost/json.hpp>

#include "routes/routes.hpp"

namespace anguan::api {
namespace json = boost::json;

namespace {

json::value parsedOrNull(const std::string& text) {
  if (text.empty()) {
    return nullptr;
  }
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  return ec ? json::value(text) : v;
}

}  // namespace

void addAuditRoutes(Router& router, Services& s) {
  const int tz = s.settings.tz_offset_minutes;
  router.add({http::verb::get, "/api/v1/audit", Access::kSignedIn, false, false,
              "Browse the audit trail (audit.read)", "audit", [&s, tz](Context& ctx) -> Reply {
                store::AuditQuery q;
                q.entity = ctx.queryValue("entity");
                q.action = ctx.queryValue("action");
                try {
                  if (auto v = ctx.queryValue("actor_id"); !v.empty()) {
                    q.actor_id = std::stoll(v);
                  }
                  if (auto v = ctx.queryValue("entity_id"); !v.empty()) {
                    q.entity_id = std::stoll(v);
                  }
                  if (auto v = ctx.queryValue("page"); !v.empty()) {
                    q.page = std::stoll(v);
                  }
                  if (auto v = ctx.queryValue("page_size"); !v.empty()) {
                    q.page_size = std::stoll(v);
                  }
                } catch (const std::exception&) {
                  return errorReply(Error::invalidArgument("query.bad_value", "bad number"),
                                    ctx.language);
                }
                for (const char* key : {"from", "to"}) {
                  if (auto v = ctx.queryValue(key); !v.empty()) {
                    auto t = parseRfc3339(v);
                    if (!t) {
                      return errorReply(
                          Error::invalidArgument("query.bad_value", "bad time").with("field", key),
                          ctx.language);
                    }
                    (std::string(key) == "from" ? q.from : q.to) = *t;
                  }
                }
                std::int64_t total = 0;
                AG_REPLY_IF_ERROR(auto entries, s.audit.list(ctx.caller(), q, &total), ctx);
                json::array items;
                for (const auto& e : entries) {
                  items.push_back(json::object{{"seq", e.seq},
                                               {"at", formatRfc3339(e.at, tz)},
                                               {"actor_id", e.actor_id},
                                               {"actor_name", e.actor_name},
                                               {"client_address", e.client_address},
                                               {"action", e.action},
                                               {"entity", e.entity},
                                               {"entity_id", e.entity_id},
                                               {"before", parsedOrNull(e.before_json)},
                                               {"after", parsedOrNull(e.after_json)},
                                               {"prev_hash", e.prev_hash},
                                               {"hash", e.hash}});
                }
                return jsonReply(json::object{{"items", std::move(items)},
                                              {"total", total},
                                              {"page", std::max<std::int64_t>(1, q.page)},
                                              {"page_size", q.page_size}});
              }});
  router.add({http::verb::get, "/api/v1/audit/verify", Access::kSignedIn, true, false,
              "Verify the audit hash chain (audit.read)", "audit", [&s](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(audit::VerifyResult r, s.audit.verify(&ctx.caller()), ctx);
                json::object o{{"ok", r.ok}, {"checked", r.checked}, {"reason", r.reason}};
                o["first_bad_seq"] =
                    r.first_bad_seq ? json::value(*r.first_bad_seq) : json::value(nullptr);
                return jsonReply(o);
              }});
}

}  // namespace anguan::api
