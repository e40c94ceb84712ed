#include "anguan/domain/auth/access.hpp"

#include <algorithm>
#include <array>

namespace anguan::auth {
namespace {

struct RoleGrant {
  std::string_view role;
  std::initializer_list<Permission> permissions;
};

// Everyone signed in reads base data in scope: workers pick areas and people, approvers check
// certificates. Writes are narrow.
const std::array<RoleGrant, 11>& grants() {
  static const std::array<RoleGrant, 11> kGrants = {{
      {"worker", {Permission::kBaseRead}},
      {"guardian", {Permission::kBaseRead}},
      {"work_leader", {Permission::kBaseRead}},
      {"approver_unit", {Permission::kBaseRead}},
      {"approver_dept", {Permission::kBaseRead}},
      {"approver_safety", {Permission::kBaseRead}},
      {"approver_leader", {Permission::kBaseRead}},
      {"safety_officer", {Permission::kBaseRead, Permission::kPeopleWrite, Permission::kAuditRead}},
      {"dept_manager", {Permission::kBaseRead, Permission::kPeopleWrite}},
      {"admin",
       {Permission::kBaseRead, Permission::kOrgWrite, Permission::kPeopleWrite,
        Permission::kCalendarWrite, Permission::kUsersManage, Permission::kAuditRead}},
      {"auditor", {Permission::kBaseRead, Permission::kAuditRead}},
  }};
  return kGrants;
}

}  // namespace

bool isKnownRole(std::string_view role) {
  return std::any_of(grants().begin(), grants().end(),
                     [&](const RoleGrant& g) { return g.role == role; });
}

bool roleGrants(std::string_view role, Permission permission) {
  for (const auto& g : grants()) {
    if (g.role == role) {
      return std::find(g.permissions.begin(), g.permissions.end(), permission) !=
             g.permissions.end();
    }
  }
  return false;
}

bool hasPermission(const std::vector<std::string>& roles, Permission permission) {
  return std::any_of(roles.begin(), roles.end(),
                     [&](const std::string& r) { return roleGrants(r, permission); });
}

const char* toString(Permission permission) {
  switch (permission) {
    case Permission::kBaseRead:
      return "base.read";
    case Permission::kOrgWrite:
      return "org.write";
    case Permission::kPeopleWrite:
      return "people.write";
    case Permission::kCalendarWrite:
      return "calendar.write";
    case Permission::kUsersManage:
      return "users.manage";
    case Permission::kAuditRead:
      return "audit.read";
  }
  return "unknown";
}

bool inScope(std::string_view scope_path, std::string_view record_path) {
  if (record_path.empty()) {
    return true;
  }
  if (scope_path.empty()) {
    return false;  // A user without an organisation sees only enterprise-wide data.
  }
  return record_path.substr(0, scope_path.size()) == scope_path;
}

bool isLocked(const User& user, Instant now) {
  return user.locked_until.has_value() && now < *user.locked_until;
}

void recordFailedLogin(User& user, Instant now, const LockoutPolicy& policy) {
  if (user.locked_until && now >= *user.locked_until) {
    user.failed_logins = 0;  // The previous lock has run out: start counting again.
    user.locked_until.reset();
  }
  ++user.failed_logins;
  if (user.failed_logins >= policy.max_failures) {
    user.locked_until = now + std::chrono::minutes{policy.lock_minutes};
  }
}

void recordSuccessfulLogin(User& user) {
  user.failed_logins = 0;
  user.locked_until.reset();
}

bool sessionUsable(const Session& session, Instant now) {
  return !session.revoked_at.has_value() && now < session.expires_at;
}

Status checkPasswordPolicy(std::string_view password) {
  if (password.size() < 8) {
    return Error::invalidArgument("auth.password_too_short", "password needs at least 8 characters")
        .with("min", "8");
  }
  if (password.size() > 128) {
    return Error::invalidArgument("auth.password_too_long", "password is over 128 characters")
        .with("max", "128");
  }
  const bool letter = std::any_of(password.begin(), password.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
  const bool digit =
      std::any_of(password.begin(), password.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!letter || !digit) {
    return Error::invalidArgument("auth.password_too_weak",
                                  "password needs at least one letter and one digit");
  }
  return okStatus();
}

Status checkUsername(std::string_view username) {
  if (username.size() < 3 || username.size() > 64) {
    return Error::invalidArgument("auth.bad_username", "username must be 3 to 64 characters");
  }
  for (char c : username) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-' || c == '@';
    if (!ok) {
      return Error::invalidArgument("auth.bad_username",
                                    "username may use letters, digits and _ . - @ only");
    }
  }
  return okStatus();
}

}  // namespace anguan::auth
