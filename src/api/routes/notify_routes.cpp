#include <boost/json.hpp>

#include "routes/json_fields.hpp"
#include "routes/routes.hpp"

namespace anguan::api {
namespace json = boost::json;

void addNotifyRoutes(Router& router, Services& s) {
  const int tz = s.settings.tz_offset_minutes;
  router.add({http::verb::get, "/api/v1/notifications", Access::kSignedIn, false, false,
              "Your notifications, newest first (?unread=1, page, page_size)", "notifications",
              [&s, tz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t page, intQuery(ctx, "page", 1), ctx);
                AG_REPLY_IF_ERROR(std::int64_t size, intQuery(ctx, "page_size", 20), ctx);
                const bool unread = ctx.queryValue("unread") == "1";
                AG_REPLY_IF_ERROR(auto result,
                                  s.notifications.list(ctx.caller(), unread, page, size), ctx);
                const bool en = ctx.language == "en";
                json::array items;
                for (const auto& n : result.items) {
                  items.push_back(json::object{{"id", n.id},
                                               {"kind", n.kind},
                                               {"entity", n.entity},
                                               {"entity_id", n.entity_id},
                                               {"title", en ? n.title_en : n.title_zh},
                                               {"body", en ? n.body_en : n.body_zh},
                                               {"created_at", formatRfc3339(n.created_at, tz)},
                                               {"read", n.read_at.has_value()}});
                }
                return jsonReply(json::object{
                    {"items", items}, {"total", result.total}, {"unread", result.unread}});
              }});
  router.add({http::verb::post, "/api/v1/notifications/{id}/read", Access::kSignedIn, true, false,
              "Mark one notification read", "notifications", [&s](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                AG_REPLY_IF_ERROR(std::int64_t n, s.notifications.markRead(ctx.caller(), id), ctx);
                return jsonReply(json::object{{"changed", n}});
              }});
  router.add({http::verb::post, "/api/v1/notifications/read-all", Access::kSignedIn, true, false,
              "Mark all your notifications read", "notifications", [&s](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t n, s.notifications.markRead(ctx.caller(), 0), ctx);
                return jsonReply(json::object{{"changed", n}});
              }});
  router.add({http::verb::post, "/api/v1/system/jobs/run", Access::kSignedIn, true, false,
              "Run the scheduled jobs now (users.manage; used after moving a test clock)", "system",
              [&s](Context& ctx) -> Reply {
                if (!ctx.caller().can(auth::Permission::kUsersManage)) {
                  return errorReply(Error::permissionDenied("auth.forbidden", "not allowed"),
                                    ctx.language);
                }
                json::array runs;
                for (const auto& r : s.jobs.runAll(s.clock.now())) {
                  runs.push_back(json::object{
                      {"name", r.name}, {"ok", r.ok}, {"error", r.error}, {"changed", r.changed}});
                }
                return jsonReply(json::object{{"jobs", runs}});
              }});
}

}  // namespace anguan::api
