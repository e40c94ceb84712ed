// Sign-in, sessions and account administration.
//
// Sessions are opaque random tokens handed to the client once; only their SHA-256 is stored.
// Every login, failed login, logout, password change and account change is audited in the same
// transaction as the change.
//
// Thread safety: safe from any thread (state lives in the Store).
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "anguan/core/clock.hpp"
#include "anguan/core/crypto.hpp"
#include "anguan/core/result.hpp"
#include "anguan/domain/auth/access.hpp"
#include "anguan/domain/store/store.hpp"
#include "anguan/service/audit_service.hpp"
#include "anguan/service/context.hpp"

namespace anguan::service {

struct LoginResult {
  std::string token;
  Instant expires_at{};
  auth::User user;
  std::string org_name;
};

struct NewUser {
  std::string username;
  std::string display_name;
  std::string password;
  std::vector<std::string> roles;
  std::int64_t org_id = 0;
  std::int64_t person_id = 0;
  std::string language = "zh-CN";
};

struct UserChange {
  std::int64_t version = 0;
  std::string display_name;
  std::vector<std::string> roles;
  std::int64_t org_id = 0;
  bool active = true;
  std::string language = "zh-CN";
};

class AuthService {
 public:
  AuthService(store::Store& store, const Clock& clock, const Settings& settings)
      : store_(store), clock_(clock), settings_(settings) {}

  // kUnauthenticated "auth.bad_credentials" for an unknown user, a wrong password or an
  // inactive account (indistinguishable on purpose); "auth.locked" while locked out.
  [[nodiscard]] Result<LoginResult> login(const std::string& username, const std::string& password,
                                          const std::string& client_address);
  [[nodiscard]] Status logout(const auth::Principal& caller);
  // Resolves a bearer token. kUnauthenticated "auth.no_session" / "auth.session_expired" /
  // "auth.session_revoked" / "auth.user_inactive".
  [[nodiscard]] Result<auth::Principal> authenticate(const std::string& token,
                                                     const std::string& client_address);
  // Checks the old password, applies the policy, revokes every other session of the user.
  [[nodiscard]] Status changePassword(const auth::Principal& caller,
                                      const std::string& old_password,
                                      const std::string& new_password);

  // Administration (permission users.manage; target users must be in the caller's scope).
  [[nodiscard]] Result<auth::User> createUser(const auth::Principal& caller, const NewUser& user);
  [[nodiscard]] Result<auth::User> updateUser(const auth::Principal& caller, std::int64_t id,
                                              const UserChange& change);
  [[nodiscard]] Status resetPassword(const auth::Principal& caller, std::int64_t id,
                                     const std::string& new_password);
  [[nodiscard]] Result<std::vector<auth::User>> listUsers(const auth::Principal& caller,
                                                          const std::string& search,
                                                          std::int64_t page, std::int64_t page_size,
                                                          std::int64_t* total);
  [[nodiscard]] Result<auth::User> getUser(const auth::Principal& caller, std::int64_t id);

  // For the command line (`anguan user add`) and demo data: no caller, audited as "system".
  // `cost` lets demo data use cheaper hashing for its hundreds of accounts.
  [[nodiscard]] Result<auth::User> createUserAsSystem(const NewUser& user, crypto::HashCost cost);

  // The org unit name for display ("" when missing).
  std::string orgName(std::int64_t org_id);

  // Where to announce revoked sessions (topic kSessionsRevokedTopic, data {"user_id": N}) so
  // that live connections opened with them are closed. Optional; set once at wiring time.
  void setEventPublisher(EventPublisher* events) { events_ = events; }

 private:
  // Validates (scope = the caller's org path, "/" for the system), hashes and inserts, with
  // its audit entry.
  [[nodiscard]] Result<auth::User> storeNewUser(const NewUser& user, crypto::HashCost cost,
                                                const std::string& scope, const Actor& actor);
  [[nodiscard]] Status validateNewUser(store::Transaction& tx, const NewUser& user,
                                       const std::string& scope, std::string& org_path);

  void announceRevoked(UserId user);
  void forgetCached(UserId user);

  // Recently resolved sessions: token hash -> principal, for kSessionCacheTtl. Saves a read
  // transaction per request; revocation on this node clears the entries at once, revocation on
  // another node is seen after at most kSessionCacheTtl.
  struct CachedSession {
    auth::Principal principal;
    Instant cached_at{};
    Instant expires_at{};
  };
  static constexpr std::chrono::seconds kSessionCacheTtl{5};
  static constexpr std::size_t kSessionCacheMax = 20000;
  std::mutex cache_mutex_;
  std::unordered_map<std::string, CachedSession> cache_;  // Guarded by cache_mutex_.

  store::Store& store_;
  const Clock& clock_;
  Settings settings_;
  EventPublisher* events_ = nullptr;
};

// JSON for audit and API (never includes the password hash).
std::string userAuditJson(const auth::User& user);

}  // namespace anguan::service
