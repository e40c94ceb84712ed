#include "anguan/domain/auth/access.hpp"

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "anguan/domain/base/schema.hpp"

namespace anguan::auth {
namespace {

using namespace std::chrono_literals;

constexpr Permission kAllPermissions[] = {
    Permission::kBaseRead,      Permission::kOrgWrite,    Permission::kPeopleWrite,
    Permission::kCalendarWrite, Permission::kUsersManage, Permission::kAuditRead,
};

// ---------------------------------------------------------------------------------------------
// Role × permission matrix. One row per role; each column is what the role must (not) grant.

struct RoleRow {
  std::string role;
  bool base_read;
  bool org_write;
  bool people_write;
  bool calendar_write;
  bool users_manage;
  bool audit_read;

  bool expected(Permission p) const {
    switch (p) {
      case Permission::kBaseRead:
        return base_read;
      case Permission::kOrgWrite:
        return org_write;
      case Permission::kPeopleWrite:
        return people_write;
      case Permission::kCalendarWrite:
        return calendar_write;
      case Permission::kUsersManage:
        return users_manage;
      case Permission::kAuditRead:
        return audit_read;
    }
    return false;
  }
};

void PrintTo(const RoleRow& row, std::ostream* os) { *os << row.role; }

class RolePermissionTest : public ::testing::TestWithParam<RoleRow> {};

TEST_P(RolePermissionTest, GrantsExactlyTheListedPermissions) {
  const auto& row = GetParam();
  EXPECT_TRUE(isKnownRole(row.role));
  for (Permission p : kAllPermissions) {
    EXPECT_EQ(roleGrants(row.role, p), row.expected(p)) << row.role << " / " << toString(p);
    EXPECT_EQ(hasPermission({row.role}, p), row.expected(p)) << row.role << " / " << toString(p);
  }
}

//                                read   org    people calendar users  audit
INSTANTIATE_TEST_SUITE_P(
    Roles, RolePermissionTest,
    ::testing::Values(RoleRow{"admin", true, true, true, true, true, true},
                      RoleRow{"auditor", true, false, false, false, false, true},
                      RoleRow{"safety_officer", true, false, true, false, false, true},
                      RoleRow{"dept_manager", true, false, true, false, false, false},
                      RoleRow{"worker", true, false, false, false, false, false},
                      RoleRow{"guardian", true, false, false, false, false, false},
                      RoleRow{"work_leader", true, false, false, false, false, false},
                      RoleRow{"approver_unit", true, false, false, false, false, false},
                      RoleRow{"approver_dept", true, false, false, false, false, false},
                      RoleRow{"approver_safety", true, false, false, false, false, false},
                      RoleRow{"approver_leader", true, false, false, false, false, false}),
    [](const ::testing::TestParamInfo<RoleRow>& param_info) { return param_info.param.role; });

class AccessTest : public ::testing::Test {};

TEST_F(AccessTest, EveryRoleInTheSchemaCatalogueIsKnownAndReadsBaseData) {
  ASSERT_EQ(base::roleOptions().size(), 11u);
  for (const auto& option : base::roleOptions()) {
    EXPECT_TRUE(isKnownRole(option.code)) << option.code;
    EXPECT_TRUE(roleGrants(option.code, Permission::kBaseRead)) << option.code;
  }
}

TEST_F(AccessTest, UnknownRolesGrantNothing) {
  EXPECT_FALSE(isKnownRole("superuser"));
  EXPECT_FALSE(isKnownRole(""));
  EXPECT_FALSE(isKnownRole("Admin"));  // Case-sensitive.
  for (Permission p : kAllPermissions) {
    EXPECT_FALSE(roleGrants("superuser", p));
    EXPECT_FALSE(hasPermission({"superuser", "ADMIN"}, p));
    EXPECT_FALSE(hasPermission({}, p));
  }
}

TEST_F(AccessTest, SeveralRolesGrantTheUnionOfTheirPermissions) {
  const std::vector<std::string> roles = {"worker", "auditor", "dept_manager"};
  EXPECT_TRUE(hasPermission(roles, Permission::kBaseRead));
  EXPECT_TRUE(hasPermission(roles, Permission::kAuditRead));
  EXPECT_TRUE(hasPermission(roles, Permission::kPeopleWrite));
  EXPECT_FALSE(hasPermission(roles, Permission::kOrgWrite));
  EXPECT_FALSE(hasPermission(roles, Permission::kUsersManage));
}

TEST_F(AccessTest, PrincipalCanUsesItsRoles) {
  Principal p;
  p.roles = {"auditor"};
  EXPECT_TRUE(p.can(Permission::kAuditRead));
  EXPECT_FALSE(p.can(Permission::kOrgWrite));
}

TEST_F(AccessTest, PermissionsHaveStableNames) {
  EXPECT_STREQ(toString(Permission::kBaseRead), "base.read");
  EXPECT_STREQ(toString(Permission::kOrgWrite), "org.write");
  EXPECT_STREQ(toString(Permission::kPeopleWrite), "people.write");
  EXPECT_STREQ(toString(Permission::kCalendarWrite), "calendar.write");
  EXPECT_STREQ(toString(Permission::kUsersManage), "users.manage");
  EXPECT_STREQ(toString(Permission::kAuditRead), "audit.read");
}

// ---------------------------------------------------------------------------------------------
// inScope.

struct ScopeCase {
  std::string scope;
  std::string record;
  bool visible;
};

void PrintTo(const ScopeCase& c, std::ostream* os) {
  *os << "scope '" << c.scope << "' record '" << c.record << "'";
}

class InScopeTest : public ::testing::TestWithParam<ScopeCase> {};

TEST_P(InScopeTest, MatchesWholePathSegmentsOnly) {
  const auto& c = GetParam();
  EXPECT_EQ(inScope(c.scope, c.record), c.visible);
}

INSTANTIATE_TEST_SUITE_P(
    Paths, InScopeTest,
    ::testing::Values(ScopeCase{"/1/4/", "/1/4/9/", true}, ScopeCase{"/1/4/", "/1/4/9/12/", true},
                      ScopeCase{"/1/4/", "/1/4/", true}, ScopeCase{"/1/4/", "/1/5/", false},
                      ScopeCase{"/1/4/", "/1/44/", false}, ScopeCase{"/1/4/", "/1/", false},
                      ScopeCase{"/1/4/", "/2/1/4/", false}, ScopeCase{"/1/4/", "", true},
                      ScopeCase{"/1/", "/1/5/", true}, ScopeCase{"/1/", "/11/", false},
                      ScopeCase{"/", "/1/4/9/", true}, ScopeCase{"/", "", true},
                      ScopeCase{"", "", true}, ScopeCase{"", "/1/", false},
                      ScopeCase{"", "/1/4/9/", false}));

// ---------------------------------------------------------------------------------------------
// Lockout.

class LockoutTest : public ::testing::Test {
 protected:
  const Instant t0_ = fromMillis(1772323200000);
  const LockoutPolicy policy_;  // 5 failures, 15 minutes.
  User user_;

  void fail(int times, Instant at) {
    for (int i = 0; i < times; ++i) {
      recordFailedLogin(user_, at, policy_);
    }
  }
};

TEST_F(LockoutTest, DefaultPolicyIsFiveFailuresForFifteenMinutes) {
  EXPECT_EQ(policy_.max_failures, 5);
  EXPECT_EQ(policy_.lock_minutes, 15);
}

TEST_F(LockoutTest, FourFailuresDoNotLock) {
  fail(4, t0_);
  EXPECT_EQ(user_.failed_logins, 4);
  EXPECT_FALSE(user_.locked_until.has_value());
  EXPECT_FALSE(isLocked(user_, t0_));
}

TEST_F(LockoutTest, FifthFailureLocksForFifteenMinutes) {
  fail(5, t0_);
  ASSERT_TRUE(user_.locked_until.has_value());
  EXPECT_EQ(*user_.locked_until, t0_ + 15min);
  EXPECT_TRUE(isLocked(user_, t0_));
  EXPECT_TRUE(isLocked(user_, t0_ + 14min + 59s));
  EXPECT_TRUE(isLocked(user_, t0_ + 15min - 1ms));
  EXPECT_FALSE(isLocked(user_, t0_ + 15min));
}

TEST_F(LockoutTest, LockRunsFromTheFifthFailureNotTheFirst) {
  fail(4, t0_);
  fail(1, t0_ + 10min);
  ASSERT_TRUE(user_.locked_until.has_value());
  EXPECT_EQ(*user_.locked_until, t0_ + 25min);
}

TEST_F(LockoutTest, CounterRestartsAfterTheLockExpires) {
  fail(5, t0_);
  const Instant later = t0_ + 15min;
  recordFailedLogin(user_, later, policy_);
  EXPECT_EQ(user_.failed_logins, 1);
  EXPECT_FALSE(user_.locked_until.has_value());
  EXPECT_FALSE(isLocked(user_, later));
  fail(3, later);
  EXPECT_FALSE(isLocked(user_, later));
  fail(1, later);
  EXPECT_TRUE(isLocked(user_, later));
}

TEST_F(LockoutTest, FailureWhileLockedExtendsTheLock) {
  fail(5, t0_);
  recordFailedLogin(user_, t0_ + 5min, policy_);
  ASSERT_TRUE(user_.locked_until.has_value());
  EXPECT_EQ(*user_.locked_until, t0_ + 20min);
}

TEST_F(LockoutTest, SuccessResetsTheCounterAndLock) {
  fail(4, t0_);
  recordSuccessfulLogin(user_);
  EXPECT_EQ(user_.failed_logins, 0);
  fail(4, t0_);
  EXPECT_FALSE(isLocked(user_, t0_));
  fail(1, t0_);
  EXPECT_TRUE(isLocked(user_, t0_));
  recordSuccessfulLogin(user_);
  EXPECT_FALSE(isLocked(user_, t0_));
  EXPECT_FALSE(user_.locked_until.has_value());
}

TEST_F(LockoutTest, CustomPolicyIsHonoured) {
  const LockoutPolicy strict{2, 60};
  recordFailedLogin(user_, t0_, strict);
  EXPECT_FALSE(isLocked(user_, t0_));
  recordFailedLogin(user_, t0_, strict);
  EXPECT_TRUE(isLocked(user_, t0_ + 59min));
  EXPECT_FALSE(isLocked(user_, t0_ + 60min));
}

// ---------------------------------------------------------------------------------------------
// sessionUsable.

class SessionUsableTest : public ::testing::Test {
 protected:
  Session session_ = [] {
    Session s;
    s.created_at = fromMillis(1000);
    s.expires_at = fromMillis(10000);
    return s;
  }();
};

TEST_F(SessionUsableTest, UsableBeforeExpiry) {
  EXPECT_TRUE(sessionUsable(session_, fromMillis(1000)));
  EXPECT_TRUE(sessionUsable(session_, fromMillis(9999)));
}

TEST_F(SessionUsableTest, UnusableAtTheExactExpiryInstant) {
  EXPECT_FALSE(sessionUsable(session_, fromMillis(10000)));
  EXPECT_FALSE(sessionUsable(session_, fromMillis(10001)));
}

TEST_F(SessionUsableTest, RevokedSessionIsUnusableEvenBeforeExpiry) {
  session_.revoked_at = fromMillis(5000);
  EXPECT_FALSE(sessionUsable(session_, fromMillis(2000)));
  EXPECT_FALSE(sessionUsable(session_, fromMillis(6000)));
}

// ---------------------------------------------------------------------------------------------
// Password and username policy.

struct PolicyCase {
  std::string name;
  std::string input;
  std::string error_key;  // "" = accepted.
};

void PrintTo(const PolicyCase& c, std::ostream* os) { *os << c.name; }

class PasswordPolicyTest : public ::testing::TestWithParam<PolicyCase> {};

TEST_P(PasswordPolicyTest, AppliesLengthAndCharacterRules) {
  const auto& c = GetParam();
  const Status s = checkPasswordPolicy(c.input);
  if (c.error_key.empty()) {
    EXPECT_TRUE(s.has_value()) << s.error().key();
  } else {
    ASSERT_TRUE(s.has_error());
    EXPECT_EQ(s.error().key(), c.error_key);
    EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Passwords, PasswordPolicyTest,
    ::testing::Values(PolicyCase{"Empty", "", "auth.password_too_short"},
                      PolicyCase{"SevenChars", "abcdef1", "auth.password_too_short"},
                      PolicyCase{"EightChars", "abcdefg1", ""},
                      PolicyCase{"MaxLength128", std::string(127, 'a') + "1", ""},
                      PolicyCase{"Length129", std::string(128, 'a') + "1",
                                 "auth.password_too_long"},
                      PolicyCase{"LettersOnly", "abcdefgh", "auth.password_too_weak"},
                      PolicyCase{"DigitsOnly", "12345678", "auth.password_too_weak"},
                      PolicyCase{"SymbolsAndDigits", "!!!!1234", "auth.password_too_weak"},
                      PolicyCase{"UpperCaseLetterCounts", "ABCDEFG1", ""},
                      PolicyCase{"WithSpacesAndSymbols", "a 1 !@#$%", ""}),
    [](const ::testing::TestParamInfo<PolicyCase>& param_info) { return param_info.param.name; });

class UsernamePolicyTest : public ::testing::TestWithParam<PolicyCase> {};

TEST_P(UsernamePolicyTest, AcceptsThreeToSixtyFourAllowedCharacters) {
  const auto& c = GetParam();
  const Status s = checkUsername(c.input);
  if (c.error_key.empty()) {
    EXPECT_TRUE(s.has_value()) << s.error().key();
  } else {
    ASSERT_TRUE(s.has_error());
    EXPECT_EQ(s.error().key(), c.error_key);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Usernames, UsernamePolicyTest,
    ::testing::Values(PolicyCase{"Empty", "", "auth.bad_username"},
                      PolicyCase{"TwoChars", "ab", "auth.bad_username"},
                      PolicyCase{"ThreeChars", "abc", ""},
                      PolicyCase{"SixtyFourChars", std::string(64, 'u'), ""},
                      PolicyCase{"SixtyFiveChars", std::string(65, 'u'), "auth.bad_username"},
                      PolicyCase{"AllowedPunctuation", "zhang.san_01-x@plant", ""},
                      PolicyCase{"Space", "zhang san", "auth.bad_username"},
                      PolicyCase{"Slash", "a/b", "auth.bad_username"},
                      PolicyCase{"Chinese", "张三abc", "auth.bad_username"},
                      PolicyCase{"Quote", "ab'c", "auth.bad_username"}),
    [](const ::testing::TestParamInfo<PolicyCase>& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace anguan::auth
