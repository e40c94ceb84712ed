#include "anguan/service/auth_service.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "anguan/report/spreadsheet_codec.hpp"
#include "anguan/service/audit_service.hpp"
#include "anguan/service/base_data_service.hpp"

#include "unit/service/service_fixture.hpp"

namespace anguan::service {
namespace {

using namespace std::chrono_literals;

constexpr const char* kPassword = "Correct-horse-1";

class AuthServiceTest : public service_testing::SqliteServiceTest {
 protected:
  void SetUp() override {
    SqliteServiceTest::SetUp();
    if (HasFatalFailure()) {
      return;
    }
    codec_ = report::makeSpreadsheetCodec();
    base_ = std::make_unique<BaseDataService>(*store_, clock_, settings_, events_, *codec_);
    auth_ = std::make_unique<AuthService>(*store_, clock_, settings_);
    ASSERT_TRUE(base_
                    ->systemBatch([&](SystemBatch& b) -> Status {
                      base::Record root;
                      root.values = {{"name", std::string("总公司")},
                                     {"code", std::string("ROOT")},
                                     {"kind", std::string("company")}};
                      AG_ASSIGN_OR_RETURN(base::Record stored, b.insert("org_units", root));
                      root_ = stored;
                      return okStatus();
                    })
                    .has_value());
    NewUser u;
    u.username = "zhangsan";
    u.display_name = "张三";
    u.password = kPassword;
    u.roles = {"worker"};
    u.org_id = root_.id;
    auto created = auth_->createUserAsSystem(u, crypto::HashCost::kMinimum);
    ASSERT_TRUE(created.has_value()) << created.error().key();
    user_ = *created;
  }

  Result<LoginResult> login(const std::string& password = kPassword) {
    return auth_->login("zhangsan", password, "10.0.0.1");
  }

  NullEventPublisher events_;
  service::SpreadsheetCodecPtr codec_;
  std::unique_ptr<BaseDataService> base_;
  std::unique_ptr<AuthService> auth_;
  base::Record root_;
  auth::User user_;
};

TEST_F(AuthServiceTest, CreatedUserHasTheRootOrgPath) {
  EXPECT_GT(user_.id.value, 0);
  EXPECT_EQ(user_.org_path, root_.org_path);
  EXPECT_EQ(user_.org_path, "/" + std::to_string(root_.id) + "/");
  EXPECT_NE(user_.password_hash, kPassword);
}

TEST_F(AuthServiceTest, LoginIssuesATokenThatAuthenticates) {
  auto login_result = login();
  ASSERT_TRUE(login_result.has_value()) << login_result.error().key();
  EXPECT_EQ(login_result->token.size(), 43u);
  EXPECT_EQ(login_result->expires_at, clock_.now() + settings_.session_ttl);
  EXPECT_EQ(login_result->user.username, "zhangsan");
  EXPECT_EQ(login_result->org_name, "总公司");

  auto p = auth_->authenticate(login_result->token, "10.0.0.2");
  ASSERT_TRUE(p.has_value()) << p.error().key();
  EXPECT_EQ(p->user_id, user_.id);
  EXPECT_EQ(p->username, "zhangsan");
  EXPECT_EQ(p->display_name, "张三");
  EXPECT_EQ(p->roles, std::vector<std::string>{"worker"});
  EXPECT_EQ(p->org_path, user_.org_path);
  EXPECT_EQ(p->client_address, "10.0.0.2");
  EXPECT_EQ(p->session_hash, crypto::sha256Hex(login_result->token));
}

TEST_F(AuthServiceTest, EachLoginIssuesADifferentToken) {
  auto a = login();
  auto b = login();
  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(b.has_value());
  EXPECT_NE(a->token, b->token);
  EXPECT_TRUE(auth_->authenticate(a->token, "").has_value());
  EXPECT_TRUE(auth_->authenticate(b->token, "").has_value());
}

TEST_F(AuthServiceTest, UnknownOrEmptyTokenIsNoSession) {
  auto unknown = auth_->authenticate("not-a-token", "");
  ASSERT_TRUE(unknown.has_error());
  EXPECT_EQ(unknown.error().key(), "auth.no_session");
  EXPECT_EQ(unknown.error().code(), ErrorCode::kUnauthenticated);
  auto empty = auth_->authenticate("", "");
  ASSERT_TRUE(empty.has_error());
  EXPECT_EQ(empty.error().key(), "auth.no_session");
  auto huge = auth_->authenticate(std::string(257, 'a'), "");
  ASSERT_TRUE(huge.has_error());
  EXPECT_EQ(huge.error().key(), "auth.no_session");
}

TEST_F(AuthServiceTest, WrongPasswordIsBadCredentials) {
  auto r = login("Wrong-password-1");
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error().key(), "auth.bad_credentials");
  EXPECT_EQ(r.error().code(), ErrorCode::kUnauthenticated);
}

TEST_F(AuthServiceTest, FiveWrongPasswordsLockTheAccount) {
  for (int i = 0; i < 4; ++i) {
    auto r = login("Wrong-password-1");
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error().key(), "auth.bad_credentials") << "attempt " << i + 1;
  }
  auto fifth = login("Wrong-password-1");
  ASSERT_TRUE(fifth.has_error());
  EXPECT_EQ(fifth.error().key(), "auth.bad_credentials");  // The fifth failure sets the lock.

  auto sixth = login("Wrong-password-1");
  ASSERT_TRUE(sixth.has_error());
  EXPECT_EQ(sixth.error().key(), "auth.locked");
  EXPECT_EQ(sixth.error().details().at("minutes"), "15");
}

TEST_F(AuthServiceTest, RightPasswordWhileLockedStillFails) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(login("Wrong-password-1").has_error());
  }
  auto r = login();
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error().key(), "auth.locked");

  clock_.advance(14min + 59s);
  auto still = login();
  ASSERT_TRUE(still.has_error());
  EXPECT_EQ(still.error().key(), "auth.locked");
}

TEST_F(AuthServiceTest, LockExpiresAfterFifteenMinutes) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(login("Wrong-password-1").has_error());
  }
  clock_.advance(15min);
  auto r = login();
  ASSERT_TRUE(r.has_value()) << r.error().key();
  EXPECT_EQ(r->user.failed_logins, 0);
  EXPECT_FALSE(r->user.locked_until.has_value());
}

TEST_F(AuthServiceTest, SuccessfulLoginResetsTheFailureCount) {
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(login("Wrong-password-1").has_error());
  }
  ASSERT_TRUE(login().has_value());
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(login("Wrong-password-1").has_error());
  }
  EXPECT_TRUE(login().has_value()) << "4 + 4 failures around a success must not lock";
}

TEST_F(AuthServiceTest, UnknownUserIsBadCredentials) {
  auto r = auth_->login("nobody", kPassword, "10.0.0.1");
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error().key(), "auth.bad_credentials");
}

TEST_F(AuthServiceTest, SessionExpiresAfterTheTtl) {
  auto r = login();
  ASSERT_TRUE(r.has_value());
  clock_.advance(settings_.session_ttl - 1ms);
  EXPECT_TRUE(auth_->authenticate(r->token, "").has_value());
  clock_.advance(1ms);
  auto expired = auth_->authenticate(r->token, "");
  ASSERT_TRUE(expired.has_error());
  EXPECT_EQ(expired.error().key(), "auth.session_expired");
}

TEST_F(AuthServiceTest, LogoutRevokesTheSession) {
  auto r = login();
  ASSERT_TRUE(r.has_value());
  auto p = auth_->authenticate(r->token, "");
  ASSERT_TRUE(p.has_value());
  ASSERT_TRUE(auth_->logout(*p).has_value());
  auto after = auth_->authenticate(r->token, "");
  ASSERT_TRUE(after.has_error());
  EXPECT_EQ(after.error().key(), "auth.session_revoked");
}

TEST_F(AuthServiceTest, LogoutEndsOnlyThatSession) {
  auto a = login();
  auto b = login();
  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(b.has_value());
  auto p = auth_->authenticate(a->token, "");
  ASSERT_TRUE(p.has_value());
  ASSERT_TRUE(auth_->logout(*p).has_value());
  EXPECT_TRUE(auth_->authenticate(a->token, "").has_error());
  EXPECT_TRUE(auth_->authenticate(b->token, "").has_value());
}

TEST_F(AuthServiceTest, ChangePasswordRevokesEverySessionAndTakesTheNewPassword) {
  auto a = login();
  auto b = login();
  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(b.has_value());
  auto p = auth_->authenticate(a->token, "");
  ASSERT_TRUE(p.has_value());
  auto changed = auth_->changePassword(*p, kPassword, "New-password-22");
  ASSERT_TRUE(changed.has_value()) << changed.error().key();

  for (const auto* token : {&a->token, &b->token}) {
    auto after = auth_->authenticate(*token, "");
    ASSERT_TRUE(after.has_error());
    EXPECT_EQ(after.error().key(), "auth.session_revoked");
  }
  EXPECT_EQ(login().error().key(), "auth.bad_credentials");
  EXPECT_TRUE(login("New-password-22").has_value());
}

TEST_F(AuthServiceTest, ChangePasswordChecksTheOldPasswordAndThePolicy) {
  auto r = login();
  ASSERT_TRUE(r.has_value());
  auto p = auth_->authenticate(r->token, "");
  ASSERT_TRUE(p.has_value());

  auto wrong_old = auth_->changePassword(*p, "Not-my-password-1", "New-password-22");
  ASSERT_TRUE(wrong_old.has_error());
  EXPECT_EQ(wrong_old.error().key(), "auth.wrong_password");

  auto weak = auth_->changePassword(*p, kPassword, "short1");
  ASSERT_TRUE(weak.has_error());
  EXPECT_EQ(weak.error().key(), "auth.password_too_short");

  EXPECT_TRUE(auth_->authenticate(r->token, "").has_value()) << "failed changes end nothing";
}

TEST_F(AuthServiceTest, DeactivatedUserCannotLoginAndLosesSessions) {
  auto r = login();
  ASSERT_TRUE(r.has_value());
  const auto admin = principal({"admin"}, root_.id, root_.org_path, 999, "admin");
  UserChange change;
  change.version = r->user.version;
  change.display_name = "张三";
  change.roles = {"worker"};
  change.org_id = root_.id;
  change.active = false;
  auto updated = auth_->updateUser(admin, user_.id.value, change);
  ASSERT_TRUE(updated.has_value()) << updated.error().key();

  auto after = auth_->authenticate(r->token, "");
  ASSERT_TRUE(after.has_error());
  EXPECT_EQ(after.error().key(), "auth.session_revoked");
  auto again = login();
  ASSERT_TRUE(again.has_error());
  EXPECT_EQ(again.error().key(), "auth.bad_credentials");
}

TEST_F(AuthServiceTest, AdminPasswordResetLiftsALockoutAndEndsSessions) {
  auto r = login();
  ASSERT_TRUE(r.has_value());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(login("Wrong-password-1").has_error());
  }
  ASSERT_EQ(login().error().key(), "auth.locked");

  const auto worker = principal({"worker"}, root_.id, root_.org_path, 998, "worker");
  auto denied = auth_->resetPassword(worker, user_.id.value, "Reset-pass-123");
  ASSERT_TRUE(denied.has_error());
  EXPECT_EQ(denied.error().key(), "auth.forbidden");

  const auto admin = principal({"admin"}, root_.id, root_.org_path, 999, "admin");
  auto reset = auth_->resetPassword(admin, user_.id.value, "Reset-pass-123");
  ASSERT_TRUE(reset.has_value()) << reset.error().key();
  EXPECT_EQ(auth_->authenticate(r->token, "").error().key(), "auth.session_revoked");
  auto again = login("Reset-pass-123");
  ASSERT_TRUE(again.has_value()) << again.error().key();
  EXPECT_EQ(again->user.failed_logins, 0);
}

TEST_F(AuthServiceTest, CreateUserAsSystemValidatesItsInput) {
  NewUser u;
  u.username = "ab";
  u.display_name = "x";
  u.password = kPassword;
  u.roles = {"worker"};
  u.org_id = root_.id;
  auto bad_name = auth_->createUserAsSystem(u, crypto::HashCost::kMinimum);
  ASSERT_TRUE(bad_name.has_error());
  EXPECT_EQ(bad_name.error().key(), "auth.bad_username");

  u.username = "lisi";
  u.roles = {"boss"};
  auto bad_role = auth_->createUserAsSystem(u, crypto::HashCost::kMinimum);
  ASSERT_TRUE(bad_role.has_error());
  EXPECT_EQ(bad_role.error().details().at("roles"), "not_an_option");

  u.roles = {"worker"};
  u.org_id = 9999;
  auto bad_org = auth_->createUserAsSystem(u, crypto::HashCost::kMinimum);
  ASSERT_TRUE(bad_org.has_error());
  EXPECT_EQ(bad_org.error().details().at("org_id"), "bad_reference");

  u.org_id = root_.id;
  u.username = "zhangsan";
  auto duplicate = auth_->createUserAsSystem(u, crypto::HashCost::kMinimum);
  ASSERT_TRUE(duplicate.has_error());
  EXPECT_EQ(duplicate.error().code(), ErrorCode::kConflict);
}

TEST_F(AuthServiceTest, EverySignInEventIsAuditedAndTheChainVerifies) {
  ASSERT_TRUE(login("Wrong-password-1").has_error());
  auto r = login();
  ASSERT_TRUE(r.has_value());
  auto p = auth_->authenticate(r->token, "");
  ASSERT_TRUE(p.has_value());
  ASSERT_TRUE(auth_->logout(*p).has_value());

  AuditService audit(*store_);
  const auto auditor = principal({"auditor"}, root_.id, root_.org_path);
  std::int64_t total = 0;
  store::AuditQuery q;
  q.entity = "users";
  auto entries = audit.list(auditor, q, &total);
  ASSERT_TRUE(entries.has_value()) << entries.error().key();
  std::vector<std::string> actions;
  for (const auto& e : *entries) {
    actions.push_back(e.action);
  }
  std::sort(actions.begin(), actions.end());
  EXPECT_EQ(actions, (std::vector<std::string>{"create", "login", "login_failed", "logout"}));

  auto verified = audit.verify(nullptr);
  ASSERT_TRUE(verified.has_value());
  EXPECT_TRUE(verified->ok) << verified->reason;
  EXPECT_EQ(verified->checked, 5);  // Root org create + the four above.
}

}  // namespace
}  // namespace anguan::service
