#include <boost/json.hpp>

#include "anguan/domain/base/schema.hpp"

#include "routes/json_fields.hpp"
#include "routes/routes.hpp"

namespace anguan::api {
namespace json = boost::json;

namespace {

const char* const kPermissionNames[] = {"base.read",      "org.write",    "people.write",
                                        "calendar.write", "users.manage", "audit.read"};
const auth::Permission kPermissions[] = {
    auth::Permission::kBaseRead,    auth::Permission::kOrgWrite,
    auth::Permission::kPeopleWrite, auth::Permission::kCalendarWrite,
    auth::Permission::kUsersManage, auth::Permission::kAuditRead};

json::array permissionsOf(const std::vector<std::string>& roles) {
  json::array out;
  for (std::size_t i = 0; i < std::size(kPermissions); ++i) {
    if (auth::hasPermission(roles, kPermissions[i])) {
      out.emplace_back(kPermissionNames[i]);
    }
  }
  return out;
}

json::array stringArray(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& s : items) {
    out.emplace_back(s);
  }
  return out;
}

json::object userJson(const auth::User& u, const std::string& org_name, int tz) {
  json::object o;
  o["id"] = u.id.value;
  o["username"] = u.username;
  o["display_name"] = u.display_name;
  o["roles"] = stringArray(u.roles);
  o["permissions"] = permissionsOf(u.roles);
  o["org_id"] = u.org_id;
  o["org_name"] = org_name;
  o["person_id"] = u.person_id > 0 ? json::value(u.person_id) : json::value(nullptr);
  o["language"] = u.language;
  o["active"] = u.active;
  o["version"] = u.version;
  o["locked"] = u.locked_until.has_value();
  o["created_at"] = formatRfc3339(u.created_at, tz);
  return o;
}

}  // namespace

void addAuthRoutes(Router& router, Services& s) {
  const int tz = s.settings.tz_offset_minutes;
  router.add({http::verb::post, "/api/v1/auth/login", Access::kPublic, true, false,
              "Sign in; returns a session token", "auth", [&s, tz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(json::object body, parseBody(ctx), ctx);
                if (auto st = readFields(body, {"username", "password"}); !st) {
                  return errorReply(st.error(), ctx.language);
                }
                AG_REPLY_IF_ERROR(std::string username, stringField(body, "username", true), ctx);
                AG_REPLY_IF_ERROR(std::string password, stringField(body, "password", true), ctx);
                AG_REPLY_IF_ERROR(service::LoginResult r,
                                  s.auth.login(username, password, ctx.client_address), ctx);
                json::object o;
                o["token"] = r.token;
                o["expires_at"] = formatRfc3339(r.expires_at, tz);
                o["user"] = userJson(r.user, r.org_name, tz);
                return jsonReply(o);
              }});
  router.add({http::verb::post, "/api/v1/auth/logout", Access::kSignedIn, true, false,
              "End this session", "auth", [&s](Context& ctx) -> Reply {
                if (auto st = s.auth.logout(ctx.caller()); !st) {
                  return errorReply(st.error(), ctx.language);
                }
                return noContent();
              }});
  router.add({http::verb::get, "/api/v1/auth/me", Access::kSignedIn, false, false,
              "The signed-in user", "auth", [&s, tz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(auth::User u,
                                  s.auth.getUser(ctx.caller(), ctx.caller().user_id.value), ctx);
                return jsonReply(userJson(u, s.auth.orgName(u.org_id), tz));
              }});
  router.add({http::verb::post, "/api/v1/auth/password", Access::kSignedIn, true, false,
              "Change your password (ends every session)", "auth", [&s](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(json::object body, parseBody(ctx), ctx);
                if (auto st = readFields(body, {"old_password", "new_password"}); !st) {
                  return errorReply(st.error(), ctx.language);
                }
                AG_REPLY_IF_ERROR(std::string old_pw, stringField(body, "old_password", true), ctx);
                AG_REPLY_IF_ERROR(std::string new_pw, stringField(body, "new_password", true), ctx);
                if (auto st = s.auth.changePassword(ctx.caller(), old_pw, new_pw); !st) {
                  return errorReply(st.error(), ctx.language);
                }
                return noContent();
              }});

  router.add(
      {http::verb::get, "/api/v1/users", Access::kSignedIn, false, false,
       "List user accounts (users.manage)", "users", [&s, tz](Context& ctx) -> Reply {
         std::int64_t page = 1;
         std::int64_t page_size = 50;
         try {
           if (auto p = ctx.queryValue("page"); !p.empty()) {
             page = std::stoll(p);
           }
           if (auto p = ctx.queryValue("page_size"); !p.empty()) {
             page_size = std::stoll(p);
           }
         } catch (const std::exception&) {
           return errorReply(Error::invalidArgument("query.bad_value", "bad page"), ctx.language);
         }
         std::int64_t total = 0;
         AG_REPLY_IF_ERROR(
             auto users,
             s.auth.listUsers(ctx.caller(), ctx.queryValue("q"), page, page_size, &total), ctx);
         json::array items;
         for (const auto& u : users) {
           items.emplace_back(userJson(u, s.auth.orgName(u.org_id), tz));
         }
         json::object o;
         o["items"] = std::move(items);
         o["total"] = total;
         o["page"] = page;
         o["page_size"] = page_size;
         return jsonReply(o);
       }});
  router.add({http::verb::post, "/api/v1/users", Access::kSignedIn, true, false,
              "Create a user account (users.manage)", "users", [&s, tz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(json::object body, parseBody(ctx), ctx);
                if (auto st = readFields(body, {"username", "display_name", "password", "roles",
                                                "org_id", "person_id", "language"});
                    !st) {
                  return errorReply(st.error(), ctx.language);
                }
                service::NewUser u;
                AG_REPLY_IF_ERROR(u.username, stringField(body, "username", true), ctx);
                AG_REPLY_IF_ERROR(u.display_name, stringField(body, "display_name", true), ctx);
                AG_REPLY_IF_ERROR(u.password, stringField(body, "password", true), ctx);
                AG_REPLY_IF_ERROR(u.roles, listField(body, "roles"), ctx);
                AG_REPLY_IF_ERROR(u.org_id, intField(body, "org_id", true), ctx);
                AG_REPLY_IF_ERROR(u.person_id, intField(body, "person_id", false), ctx);
                AG_REPLY_IF_ERROR(std::string lang, stringField(body, "language", false), ctx);
                if (!lang.empty()) {
                  u.language = lang;
                }
                AG_REPLY_IF_ERROR(auth::User created, s.auth.createUser(ctx.caller(), u), ctx);
                return jsonReply(userJson(created, s.auth.orgName(created.org_id), tz),
                                 http::status::created);
              }});
  router.add({http::verb::get, "/api/v1/users/{id}", Access::kSignedIn, false, false,
              "One user account", "users", [&s, tz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                AG_REPLY_IF_ERROR(auth::User u, s.auth.getUser(ctx.caller(), id), ctx);
                return jsonReply(userJson(u, s.auth.orgName(u.org_id), tz));
              }});
  router.add({http::verb::put, "/api/v1/users/{id}", Access::kSignedIn, true, false,
              "Change a user account (users.manage)", "users", [&s, tz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                AG_REPLY_IF_ERROR(json::object body, parseBody(ctx), ctx);
                if (auto st = readFields(body, {"version", "display_name", "roles", "org_id",
                                                "active", "language", "id", "username"});
                    !st) {
                  return errorReply(st.error(), ctx.language);
                }
                service::UserChange c;
                AG_REPLY_IF_ERROR(c.version, intField(body, "version", true), ctx);
                AG_REPLY_IF_ERROR(c.display_name, stringField(body, "display_name", true), ctx);
                AG_REPLY_IF_ERROR(c.roles, listField(body, "roles"), ctx);
                AG_REPLY_IF_ERROR(c.org_id, intField(body, "org_id", true), ctx);
                const auto* active = body.if_contains("active");
                if (active != nullptr && !active->is_bool()) {
                  return errorReply(Error::invalidArgument("validation.failed", "wrong type")
                                        .with("active", "wrong_type"),
                                    ctx.language);
                }
                c.active = active == nullptr || active->as_bool();
                AG_REPLY_IF_ERROR(std::string lang, stringField(body, "language", false), ctx);
                c.language = lang.empty() ? "zh-CN" : lang;
                AG_REPLY_IF_ERROR(auth::User u, s.auth.updateUser(ctx.caller(), id, c), ctx);
                return jsonReply(userJson(u, s.auth.orgName(u.org_id), tz));
              }});
  router.add({http::verb::post, "/api/v1/users/{id}/password", Access::kSignedIn, true, false,
              "Reset a user's password (users.manage)", "users", [&s](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                AG_REPLY_IF_ERROR(json::object body, parseBody(ctx), ctx);
                if (auto st = readFields(body, {"new_password"}); !st) {
                  return errorReply(st.error(), ctx.language);
                }
                AG_REPLY_IF_ERROR(std::string pw, stringField(body, "new_password", true), ctx);
                if (auto st = s.auth.resetPassword(ctx.caller(), id, pw); !st) {
                  return errorReply(st.error(), ctx.language);
                }
                return noContent();
              }});
}

}  // namespace anguan::api
