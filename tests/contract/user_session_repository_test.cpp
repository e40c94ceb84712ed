#include <gtest/gtest.h>

#include "anguan/domain/store/store.hpp"

#include "contract/backend.hpp"
#include "contract/helpers.hpp"

namespace anguan::store::contract {
namespace {

auth::User makeUser(const std::string& username, const std::string& org_path) {
  auth::User u;
  u.username = username;
  u.display_name = "显示 " + username + " 'q' 😀";
  u.password_hash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA";
  u.roles = {"safety_officer", "approver_unit"};
  u.org_id = 4;
  u.org_path = org_path;
  u.person_id = 17;
  u.language = "en";
  u.active = true;
  return u;
}

class UserRepositoryContractTest : public StoreContractTest {
 protected:
  auth::User insert(const auth::User& u) {
    auto out = inWrite<auth::User>(store(),
                                   [&](Transaction& tx) { return tx.users().insert(u, at(1000)); });
    EXPECT_TRUE(out) << describe(out.error());
    return out ? *out : auth::User{};
  }
};

TEST_P(UserRepositoryContractTest, InsertedUserIsFoundByIdAndUsername) {
  auth::User in = makeUser("zhang.san", "/1/4/");
  in.failed_logins = 2;
  in.locked_until = at(99999);
  auth::User u = insert(in);
  EXPECT_GT(u.id.value, 0);
  EXPECT_EQ(u.version, 1);
  EXPECT_EQ(u.created_at, at(1000));

  auto by_name = inRead<auth::User>(
      store(), [&](Transaction& tx) { return tx.users().findByUsername("zhang.san"); });
  ASSERT_TRUE(by_name) << describe(by_name.error());
  EXPECT_EQ(by_name->id, u.id);
  EXPECT_EQ(by_name->display_name, in.display_name);
  EXPECT_EQ(by_name->password_hash, in.password_hash);
  EXPECT_EQ(by_name->roles, in.roles);
  EXPECT_EQ(by_name->org_id, 4);
  EXPECT_EQ(by_name->org_path, "/1/4/");
  EXPECT_EQ(by_name->person_id, 17);
  EXPECT_EQ(by_name->language, "en");
  EXPECT_TRUE(by_name->active);
  EXPECT_EQ(by_name->failed_logins, 2);
  EXPECT_EQ(by_name->locked_until, at(99999));
  EXPECT_EQ(by_name->updated_at, at(1000));

  auto by_id =
      inRead<auth::User>(store(), [&](Transaction& tx) { return tx.users().findById(u.id); });
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->username, "zhang.san");
}

TEST_P(UserRepositoryContractTest, UnknownUsernameFailsWithNotFoundCaseSensitively) {
  insert(makeUser("Admin", "/1/"));
  auto missing = inRead<auth::User>(
      store(), [&](Transaction& tx) { return tx.users().findByUsername("admin"); });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().key(), "auth.user_not_found");
}

TEST_P(UserRepositoryContractTest, DuplicateUsernameFailsWithConflict) {
  insert(makeUser("dup", "/1/"));
  auto again = inWrite<auth::User>(
      store(), [&](Transaction& tx) { return tx.users().insert(makeUser("dup", "/2/"), at(1)); });
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(again.error().key(), "base.duplicate");
  EXPECT_EQ(again.error().details().at("field"), "username");
}

TEST_P(UserRepositoryContractTest, UpdateChangesFieldsAndBumpsVersion) {
  auth::User u = insert(makeUser("li.si", "/1/"));
  u.active = false;
  u.roles = {"auditor"};
  u.locked_until.reset();
  u.failed_logins = 5;
  auto updated =
      inWrite<auth::User>(store(), [&](Transaction& tx) { return tx.users().update(u, at(2000)); });
  ASSERT_TRUE(updated) << describe(updated.error());
  EXPECT_EQ(updated->version, 2);
  EXPECT_FALSE(updated->active);
  EXPECT_EQ(updated->roles, std::vector<std::string>{"auditor"});
  EXPECT_EQ(updated->failed_logins, 5);
  EXPECT_EQ(updated->created_at, at(1000));
  EXPECT_EQ(updated->updated_at, at(2000));
}

TEST_P(UserRepositoryContractTest, UpdateWithStaleVersionFailsWithConflict) {
  auth::User u = insert(makeUser("wang.wu", "/1/"));
  ASSERT_TRUE(inWrite<auth::User>(store(),
                                  [&](Transaction& tx) { return tx.users().update(u, at(2000)); }));
  auto stale =
      inWrite<auth::User>(store(), [&](Transaction& tx) { return tx.users().update(u, at(3000)); });
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().key(), "base.stale_version");
}

TEST_P(UserRepositoryContractTest, UpdateToTakenUsernameFailsWithConflict) {
  insert(makeUser("taken", "/1/"));
  auth::User u = insert(makeUser("free", "/1/"));
  u.username = "taken";
  auto renamed =
      inWrite<auth::User>(store(), [&](Transaction& tx) { return tx.users().update(u, at(2000)); });
  ASSERT_FALSE(renamed);
  EXPECT_EQ(renamed.error().key(), "base.duplicate");
}

TEST_P(UserRepositoryContractTest, ListFiltersBySearchRoleAndScopeAndPages) {
  insert(makeUser("alice", "/1/4/"));
  insert(makeUser("bob", "/1/4/9/"));
  insert(makeUser("carol", "/1/5/"));
  auth::User worker = makeUser("dave", "/1/4/");
  worker.roles = {"worker"};
  insert(worker);

  auto listUsers = [&](const std::string& search, const std::string& scope, std::int64_t offset,
                       std::int64_t limit, std::int64_t* total) {
    auto users = inRead<std::vector<auth::User>>(store(), [&](Transaction& tx) {
      return tx.users().list(search, scope, offset, limit, total);
    });
    std::vector<std::string> names;
    EXPECT_TRUE(users);
    if (users) {
      for (const auto& u : *users) {
        names.push_back(u.username);
      }
    }
    return names;
  };
  std::int64_t total = 0;
  EXPECT_EQ(listUsers("", "/1/4/", 0, 50, &total),
            (std::vector<std::string>{"alice", "bob", "dave"}));
  EXPECT_EQ(total, 3);
  EXPECT_EQ(listUsers("", "", 1, 2, &total), (std::vector<std::string>{"bob", "carol"}));
  EXPECT_EQ(total, 4);
  EXPECT_EQ(listUsers("ALI", "", 0, 50, &total), std::vector<std::string>{"alice"});
  EXPECT_EQ(listUsers("worker", "", 0, 50, nullptr), std::vector<std::string>{"dave"});

  auto count = inRead<std::int64_t>(store(), [&](Transaction& tx) { return tx.users().count(); });
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 4);
}

AG_INSTANTIATE_FOR_BACKENDS(UserRepositoryContractTest);

class SessionRepositoryContractTest : public StoreContractTest {
 protected:
  Status insert(const std::string& hash, std::int64_t user, std::int64_t expires_ms) {
    auth::Session s;
    s.token_hash = hash;
    s.user_id = UserId{user};
    s.created_at = at(1000);
    s.expires_at = at(expires_ms);
    s.client_address = "10.0.0.7";
    return write([&](Transaction& tx) { return tx.sessions().insert(s); });
  }

  Result<auth::Session> find(const std::string& hash) {
    return inRead<auth::Session>(store(),
                                 [&](Transaction& tx) { return tx.sessions().find(hash); });
  }
};

TEST_P(SessionRepositoryContractTest, InsertedSessionIsFoundByTokenHash) {
  ASSERT_TRUE(insert("h1", 7, 5000));
  auto s = find("h1");
  ASSERT_TRUE(s) << describe(s.error());
  EXPECT_EQ(s->user_id, UserId{7});
  EXPECT_EQ(s->created_at, at(1000));
  EXPECT_EQ(s->expires_at, at(5000));
  EXPECT_FALSE(s->revoked_at.has_value());
  EXPECT_EQ(s->client_address, "10.0.0.7");

  auto missing = find("nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().key(), "auth.session_not_found");
}

TEST_P(SessionRepositoryContractTest, RevokeMarksTheSessionAndKeepsTheFirstTime) {
  ASSERT_TRUE(insert("h1", 7, 5000));
  ASSERT_TRUE(write([&](Transaction& tx) { return tx.sessions().revoke("h1", at(2000)); }));
  ASSERT_TRUE(write([&](Transaction& tx) { return tx.sessions().revoke("h1", at(3000)); }));
  auto s = find("h1");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->revoked_at, at(2000));
  auto missing = write([&](Transaction& tx) { return tx.sessions().revoke("nope", at(1)); });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TEST_P(SessionRepositoryContractTest, RevokeAllForUserRevokesOnlyThatUsersLiveSessions) {
  ASSERT_TRUE(insert("a1", 7, 5000));
  ASSERT_TRUE(insert("a2", 7, 6000));
  ASSERT_TRUE(insert("expired", 7, 1500));
  ASSERT_TRUE(insert("b1", 8, 5000));
  auto n = inWrite<std::int64_t>(store(), [&](Transaction& tx) {
    return tx.sessions().revokeAllForUser(UserId{7}, at(2000));
  });
  ASSERT_TRUE(n) << describe(n.error());
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(find("a1")->revoked_at, at(2000));
  EXPECT_EQ(find("a2")->revoked_at, at(2000));
  EXPECT_FALSE(find("expired")->revoked_at.has_value());
  EXPECT_FALSE(find("b1")->revoked_at.has_value());
}

TEST_P(SessionRepositoryContractTest, PurgeExpiredDeletesSessionsThatExpiredBefore) {
  ASSERT_TRUE(insert("old", 7, 1500));
  ASSERT_TRUE(insert("live", 7, 5000));
  auto n = inWrite<std::int64_t>(
      store(), [&](Transaction& tx) { return tx.sessions().purgeExpired(at(2000)); });
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1);
  EXPECT_FALSE(find("old"));
  EXPECT_TRUE(find("live"));
}

TEST_P(SessionRepositoryContractTest, DuplicateTokenHashFailsWithConflict) {
  ASSERT_TRUE(insert("same", 7, 5000));
  auto again = insert("same", 8, 5000);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kConflict);
}

AG_INSTANTIATE_FOR_BACKENDS(SessionRepositoryContractTest);

}  // namespace
}  // namespace anguan::store::contract
