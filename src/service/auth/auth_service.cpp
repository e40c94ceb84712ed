#include "anguan/service/auth_service.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "anguan/core/crypto.hpp"
#include "anguan/domain/base/schema.hpp"
#include "anguan/service/audit_service.hpp"

namespace anguan::service {
namespace json = boost::json;

namespace {

// A fixed argon2id hash to verify against when the user does not exist, so that the time a
// failed login takes does not reveal whether the username exists.
const std::string& dummyHash(crypto::HashCost cost) {
  static const std::string kInteractive = [] {
    auto h = crypto::hashPassword("not-a-real-password-1", crypto::HashCost::kInteractive);
    return h ? *h : std::string();
  }();
  static const std::string kMinimum = [] {
    auto h = crypto::hashPassword("not-a-real-password-1", crypto::HashCost::kMinimum);
    return h ? *h : std::string();
  }();
  return cost == crypto::HashCost::kInteractive ? kInteractive : kMinimum;
}

Error badCredentials() {
  return Error::unauthenticated("auth.bad_credentials", "wrong username or password");
}

Error forbidden() {
  return Error::permissionDenied("auth.forbidden", "your role does not allow this");
}

Status checkRoles(const std::vector<std::string>& roles) {
  if (roles.empty()) {
    return Error::invalidArgument("validation.failed", "at least one role is required")
        .with("roles", "required");
  }
  for (const auto& r : roles) {
    if (!auth::isKnownRole(r)) {
      return Error::invalidArgument("validation.failed", "unknown role")
          .with("roles", "not_an_option");
    }
  }
  return okStatus();
}

Status checkLanguage(const std::string& language) {
  if (language != "zh-CN" && language != "en") {
    return Error::invalidArgument("validation.failed", "language must be zh-CN or en")
        .with("language", "not_an_option");
  }
  return okStatus();
}

}  // namespace

std::string userAuditJson(const auth::User& u) {
  json::object o;
  o["id"] = u.id.value;
  o["username"] = u.username;
  o["display_name"] = u.display_name;
  json::array roles;
  for (const auto& r : u.roles) {
    roles.emplace_back(r);
  }
  o["roles"] = std::move(roles);
  o["org_id"] = u.org_id;
  o["person_id"] = u.person_id;
  o["language"] = u.language;
  o["active"] = u.active;
  o["version"] = u.version;
  return json::serialize(o);
}

Result<LoginResult> AuthService::login(const std::string& username, const std::string& password,
                                       const std::string& client_address) {
  const Instant now = clock_.now();
  // Look up and verify outside the write transaction: argon2id takes tens of milliseconds and
  // must not hold the single writer.
  std::optional<auth::User> found;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    auto u = tx.users().findByUsername(username);
    if (u) {
      found = *u;
    } else if (u.error().code() != ErrorCode::kNotFound) {
      return u.error();
    }
    return okStatus();
  }));
  Actor anonymous{0, username.substr(0, 64), client_address};
  if (!found) {
    (void)crypto::verifyPassword(dummyHash(settings_.password_hash_cost), password);
    AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) {
      return appendAudit(tx, anonymous, now, "login_failed", "users", 0, "", "",
                         R"({"reason":"unknown_user"})");
    }));
    return badCredentials();
  }
  if (auth::isLocked(*found, now)) {
    AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) {
      return appendAudit(tx, anonymous, now, "login_failed", "users", found->id.value,
                         found->org_path, "", R"({"reason":"locked"})");
    }));
    return Error::unauthenticated("auth.locked",
                                  "too many failed sign-ins; the account is locked for a while")
        .with("minutes", std::to_string(settings_.lockout.lock_minutes));
  }
  const bool password_ok = crypto::verifyPassword(found->password_hash, password);
  if (!password_ok || !found->active) {
    const auto user_id = found->id;
    AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
      AG_ASSIGN_OR_RETURN(auth::User current, tx.users().findById(user_id));
      auth::recordFailedLogin(current, now, settings_.lockout);
      AG_ASSIGN_OR_RETURN(auto saved, tx.users().update(current, now));
      (void)saved;
      return appendAudit(tx, anonymous, now, "login_failed", "users", user_id.value,
                         current.org_path, "",
                         password_ok ? R"({"reason":"inactive"})" : R"({"reason":"bad_password"})");
    }));
    return badCredentials();
  }
  LoginResult result;
  result.token = crypto::randomToken();
  result.expires_at = now + settings_.session_ttl;
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auth::User current, tx.users().findById(found->id));
    if (current.failed_logins != 0 || current.locked_until) {
      auth::recordSuccessfulLogin(current);
      AG_ASSIGN_OR_RETURN(current, tx.users().update(current, now));
    }
    auth::Session s;
    s.token_hash = crypto::sha256Hex(result.token);
    s.user_id = current.id;
    s.created_at = now;
    s.expires_at = result.expires_at;
    s.client_address = client_address;
    AG_RETURN_IF_ERROR(tx.sessions().insert(s));
    result.user = current;
    return appendAudit(tx, Actor{current.id.value, current.display_name, client_address}, now,
                       "login", "users", current.id.value, current.org_path, "", "");
  }));
  result.org_name = orgName(result.user.org_id);
  return result;
}

void AuthService::forgetCached(UserId user) {
  std::lock_guard lock(cache_mutex_);
  for (auto it = cache_.begin(); it != cache_.end();) {
    it = it->second.principal.user_id == user ? cache_.erase(it) : std::next(it);
  }
}

void AuthService::announceRevoked(UserId user) {
  forgetCached(user);
  if (events_ != nullptr) {
    events_->publish(
        Event{kSessionsRevokedTopic, "", json::serialize(json::object{{"user_id", user.value}})});
  }
}

Status AuthService::logout(const auth::Principal& caller) {
  const Instant now = clock_.now();
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    AG_RETURN_IF_ERROR(tx.sessions().revoke(caller.session_hash, now));
    return appendAudit(tx, Actor::of(caller), now, "logout", "users", caller.user_id.value,
                       caller.org_path, "", "");
  }));
  // Live connections can't tell one session from another of the same user: all of the user's
  // connections close and the other tabs reconnect with their own (still valid) sessions.
  announceRevoked(caller.user_id);
  return okStatus();
}

Result<auth::Principal> AuthService::authenticate(const std::string& token,
                                                  const std::string& client_address) {
  if (token.empty() || token.size() > 256) {
    return Error::unauthenticated("auth.no_session", "sign in first");
  }
  const Instant now = clock_.now();
  const std::string hash = crypto::sha256Hex(token);
  {
    std::lock_guard lock(cache_mutex_);
    auto it = cache_.find(hash);
    if (it != cache_.end()) {
      if (now - it->second.cached_at < kSessionCacheTtl && now >= it->second.cached_at &&
          now < it->second.expires_at) {
        auth::Principal cached = it->second.principal;
        cached.client_address = client_address;
        return cached;
      }
      cache_.erase(it);
    }
  }
  auth::Principal p;
  Instant session_expires{};
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    auto session = tx.sessions().find(hash);
    if (!session) {
      if (session.error().code() == ErrorCode::kNotFound) {
        return Error::unauthenticated("auth.no_session", "sign in first");
      }
      return session.error();
    }
    if (session->revoked_at) {
      return Error::unauthenticated("auth.session_revoked",
                                    "your session was ended; sign in again");
    }
    if (!auth::sessionUsable(*session, now)) {
      return Error::unauthenticated("auth.session_expired", "your session expired; sign in again");
    }
    AG_ASSIGN_OR_RETURN(auth::User user, tx.users().findById(session->user_id));
    if (!user.active) {
      return Error::unauthenticated("auth.user_inactive", "this account is disabled");
    }
    p.user_id = user.id;
    p.username = user.username;
    p.display_name = user.display_name;
    p.roles = user.roles;
    p.org_id = user.org_id;
    p.org_path = user.org_path;
    p.language = user.language;
    p.client_address = client_address;
    p.session_hash = hash;
    session_expires = session->expires_at;
    return okStatus();
  }));
  std::lock_guard lock(cache_mutex_);
  if (cache_.size() >= kSessionCacheMax) {
    cache_.clear();
  }
  cache_[hash] = CachedSession{p, now, session_expires};
  return p;
}

Status AuthService::changePassword(const auth::Principal& caller, const std::string& old_password,
                                   const std::string& new_password) {
  AG_RETURN_IF_ERROR(auth::checkPasswordPolicy(new_password));
  std::string current_hash;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auth::User u, tx.users().findById(caller.user_id));
    current_hash = u.password_hash;
    return okStatus();
  }));
  if (!crypto::verifyPassword(current_hash, old_password)) {
    return Error::invalidArgument("auth.wrong_password", "the current password is wrong")
        .with("old_password", "wrong_password");
  }
  AG_ASSIGN_OR_RETURN(std::string hash,
                      crypto::hashPassword(new_password, settings_.password_hash_cost));
  const Instant now = clock_.now();
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auth::User u, tx.users().findById(caller.user_id));
    u.password_hash = hash;
    AG_ASSIGN_OR_RETURN(u, tx.users().update(u, now));
    // Every session, this one included, ends: the user signs in again with the new password.
    AG_ASSIGN_OR_RETURN(auto revoked, tx.sessions().revokeAllForUser(u.id, now));
    (void)revoked;
    return appendAudit(tx, Actor::of(caller), now, "password_change", "users", u.id.value,
                       u.org_path, "", "");
  }));
  announceRevoked(caller.user_id);
  return okStatus();
}

std::string AuthService::orgName(std::int64_t org_id) {
  std::string name;
  const auto* schema = base::findSchema("org_units");
  (void)store_.read([&](store::Transaction& tx) -> Status {
    auto r = tx.records().get(*schema, org_id);
    if (r) {
      name = r->getText("name");
    }
    return okStatus();
  });
  return name;
}

Status AuthService::validateNewUser(store::Transaction& tx, const NewUser& user,
                                    const std::string& scope, std::string& org_path) {
  AG_RETURN_IF_ERROR(auth::checkUsername(user.username));
  AG_RETURN_IF_ERROR(auth::checkPasswordPolicy(user.password));
  AG_RETURN_IF_ERROR(checkRoles(user.roles));
  AG_RETURN_IF_ERROR(checkLanguage(user.language));
  if (user.display_name.empty() || user.display_name.size() > 100) {
    return Error::invalidArgument("validation.failed", "display name is required")
        .with("display_name", user.display_name.empty() ? "required" : "too_long");
  }
  const auto* orgs = base::findSchema("org_units");
  auto org = tx.records().get(*orgs, user.org_id);
  if (!org || !auth::inScope(scope, org->org_path)) {
    return Error::invalidArgument("validation.failed", "organisation unit not found")
        .with("org_id", "bad_reference");
  }
  org_path = org->org_path;
  if (user.person_id != 0) {
    const auto* people = base::findSchema("people");
    auto person = tx.records().get(*people, user.person_id);
    if (!person || !auth::inScope(scope, person->org_path)) {
      return Error::invalidArgument("validation.failed", "person not found")
          .with("person_id", "bad_reference");
    }
  }
  return okStatus();
}

Result<auth::User> AuthService::storeNewUser(const NewUser& user, crypto::HashCost cost,
                                             const std::string& scope, const Actor& actor) {
  AG_RETURN_IF_ERROR(auth::checkPasswordPolicy(user.password));
  AG_ASSIGN_OR_RETURN(std::string hash, crypto::hashPassword(user.password, cost));
  const Instant now = clock_.now();
  auth::User stored;
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    std::string org_path;
    AG_RETURN_IF_ERROR(validateNewUser(tx, user, scope, org_path));
    auth::User u;
    u.username = user.username;
    u.display_name = user.display_name;
    u.password_hash = hash;
    u.roles = user.roles;
    u.org_id = user.org_id;
    u.org_path = org_path;
    u.person_id = user.person_id;
    u.language = user.language;
    AG_ASSIGN_OR_RETURN(stored, tx.users().insert(u, now));
    return appendAudit(tx, actor, now, "create", "users", stored.id.value, stored.org_path, "",
                       userAuditJson(stored));
  }));
  return stored;
}

Result<auth::User> AuthService::createUserAsSystem(const NewUser& user, crypto::HashCost cost) {
  return storeNewUser(user, cost, "/", Actor{});
}

Result<auth::User> AuthService::createUser(const auth::Principal& caller, const NewUser& user) {
  if (!caller.can(auth::Permission::kUsersManage)) {
    return forbidden();
  }
  return storeNewUser(user, settings_.password_hash_cost, caller.org_path, Actor::of(caller));
}

Result<auth::User> AuthService::getUser(const auth::Principal& caller, std::int64_t id) {
  if (!caller.can(auth::Permission::kUsersManage) && caller.user_id.value != id) {
    return forbidden();
  }
  auth::User u;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    auto found = tx.users().findById(UserId{id});
    if (!found || !auth::inScope(caller.org_path, found->org_path)) {
      return Error::notFound("base.not_found", "no such record");
    }
    u = *found;
    return okStatus();
  }));
  return u;
}

Result<auth::User> AuthService::updateUser(const auth::Principal& caller, std::int64_t id,
                                           const UserChange& change) {
  if (!caller.can(auth::Permission::kUsersManage)) {
    return forbidden();
  }
  AG_RETURN_IF_ERROR(checkRoles(change.roles));
  AG_RETURN_IF_ERROR(checkLanguage(change.language));
  if (change.display_name.empty() || change.display_name.size() > 100) {
    return Error::invalidArgument("validation.failed", "display name is required")
        .with("display_name", change.display_name.empty() ? "required" : "too_long");
  }
  const Instant now = clock_.now();
  auth::User stored;
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    auto found = tx.users().findById(UserId{id});
    if (!found || !auth::inScope(caller.org_path, found->org_path)) {
      return Error::notFound("base.not_found", "no such record");
    }
    const auto* orgs = base::findSchema("org_units");
    auto org = tx.records().get(*orgs, change.org_id);
    if (!org || !auth::inScope(caller.org_path, org->org_path)) {
      return Error::invalidArgument("validation.failed", "organisation unit not found")
          .with("org_id", "bad_reference");
    }
    if (found->id == caller.user_id && !change.active) {
      return Error::invalidArgument("auth.cannot_disable_self", "you can't disable yourself");
    }
    const std::string before = userAuditJson(*found);
    auth::User u = *found;
    u.version = change.version;
    u.display_name = change.display_name;
    u.roles = change.roles;
    u.org_id = change.org_id;
    u.org_path = org->org_path;
    u.active = change.active;
    u.language = change.language;
    AG_ASSIGN_OR_RETURN(stored, tx.users().update(u, now));
    if (!stored.active) {
      AG_ASSIGN_OR_RETURN(auto revoked, tx.sessions().revokeAllForUser(stored.id, now));
      (void)revoked;
    }
    return appendAudit(tx, Actor::of(caller), now, "update", "users", stored.id.value,
                       stored.org_path, before, userAuditJson(stored));
  }));
  if (!stored.active) {
    announceRevoked(stored.id);
  } else {
    forgetCached(stored.id);  // New roles or org take effect on the next request.
  }
  return stored;
}

Status AuthService::resetPassword(const auth::Principal& caller, std::int64_t id,
                                  const std::string& new_password) {
  if (!caller.can(auth::Permission::kUsersManage)) {
    return forbidden();
  }
  AG_RETURN_IF_ERROR(auth::checkPasswordPolicy(new_password));
  AG_ASSIGN_OR_RETURN(std::string hash,
                      crypto::hashPassword(new_password, settings_.password_hash_cost));
  const Instant now = clock_.now();
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    auto found = tx.users().findById(UserId{id});
    if (!found || !auth::inScope(caller.org_path, found->org_path)) {
      return Error::notFound("base.not_found", "no such record");
    }
    auth::User u = *found;
    u.password_hash = hash;
    auth::recordSuccessfulLogin(u);  // An admin reset also lifts a lockout.
    AG_ASSIGN_OR_RETURN(u, tx.users().update(u, now));
    AG_ASSIGN_OR_RETURN(auto revoked, tx.sessions().revokeAllForUser(u.id, now));
    (void)revoked;
    return appendAudit(tx, Actor::of(caller), now, "password_reset", "users", u.id.value,
                       u.org_path, "", "");
  }));
  announceRevoked(UserId{id});
  return okStatus();
}

Result<std::vector<auth::User>> AuthService::listUsers(const auth::Principal& caller,
                                                       const std::string& search, std::int64_t page,
                                                       std::int64_t page_size,
                                                       std::int64_t* total) {
  if (!caller.can(auth::Permission::kUsersManage)) {
    return forbidden();
  }
  page = std::max<std::int64_t>(1, page);
  page_size = std::clamp<std::int64_t>(page_size, 1, 1000);
  std::vector<auth::User> out;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(
        out, tx.users().list(search, caller.org_path, (page - 1) * page_size, page_size, total));
    return okStatus();
  }));
  return out;
}

}  // namespace anguan::service
