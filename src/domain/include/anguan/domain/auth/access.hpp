// Accounts, roles, permissions and organisation scope.
//
// A user has one or more roles; each role grants a fixed set of permissions (roles as data is a
// later step). A user belongs to one organisation unit and sees records of that unit's subtree
// only: scope is a materialised-path prefix check ("/1/4/" sees "/1/4/9/" but not "/1/5/").
//
// Thread safety: pure functions and value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "anguan/core/clock.hpp"
#include "anguan/core/ids.hpp"
#include "anguan/core/result.hpp"

namespace anguan::auth {

enum class Permission {
  kBaseRead,       // read base data in scope
  kOrgWrite,       // org units, areas, equipment, maintenance windows
  kPeopleWrite,    // people and certificates
  kCalendarWrite,  // holidays
  kUsersManage,    // accounts and roles
  kAuditRead,      // audit trail
};

// Role codes: worker, guardian, work_leader, approver_unit (基层单位), approver_dept (专业部门),
// approver_safety (安全管理部门), approver_leader (主管领导/主管厂长), safety_officer,
// dept_manager, admin, auditor.
bool isKnownRole(std::string_view role);
bool roleGrants(std::string_view role, Permission permission);
bool hasPermission(const std::vector<std::string>& roles, Permission permission);
const char* toString(Permission permission);

// True when `record_path` lies in the subtree rooted at `scope_path` (both "/a/b/" form).
// An empty record path (enterprise-wide data such as holidays) is visible to everyone.
bool inScope(std::string_view scope_path, std::string_view record_path);

struct User {
  UserId id;
  std::string username;
  std::string display_name;
  std::string password_hash;  // argon2id encoded.
  std::vector<std::string> roles;
  std::int64_t org_id = 0;
  std::string org_path;        // Denormalised from the org unit, for scope checks.
  std::int64_t person_id = 0;  // 0 = not linked to a person record.
  std::string language = "zh-CN";
  bool active = true;
  int failed_logins = 0;
  std::optional<Instant> locked_until;
  std::int64_t version = 0;
  Instant created_at{};
  Instant updated_at{};
};

// The authenticated caller of a request.
struct Principal {
  UserId user_id;
  std::string username;
  std::string display_name;
  std::vector<std::string> roles;
  std::int64_t org_id = 0;
  std::string org_path;
  std::string language = "zh-CN";
  std::string client_address;
  std::string session_hash;  // Which session authenticated this request.
  // The request asked for a short answer (`Prefer: return=minimal`, RFC 7240): a permit action
  // then answers with the permit's summary instead of its whole detail view.
  bool prefer_minimal = false;

  bool can(Permission permission) const { return hasPermission(roles, permission); }
};

struct Session {
  std::string token_hash;  // SHA-256 of the opaque token; the token itself is never stored.
  UserId user_id;
  Instant created_at{};
  Instant expires_at{};
  std::optional<Instant> revoked_at;
  std::string client_address;
};

// Login lockout policy: after `max_failures` consecutive failures the account is locked for
// `lock_minutes`. A successful login resets the counter.
struct LockoutPolicy {
  int max_failures = 5;
  int lock_minutes = 15;
};

bool isLocked(const User& user, Instant now);
// Records one failed login on `user` (counter and, at the limit, locked_until).
void recordFailedLogin(User& user, Instant now, const LockoutPolicy& policy);
void recordSuccessfulLogin(User& user);

// A session is usable when not revoked and now < expires_at.
bool sessionUsable(const Session& session, Instant now);

// Password policy: 8..128 characters, at least one letter and one digit.
Status checkPasswordPolicy(std::string_view password);
// Username: 3..64 of [A-Za-z0-9_.-@].
Status checkUsername(std::string_view username);

}  // namespace anguan::auth
