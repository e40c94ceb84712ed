#include <thread>

#include <gtest/gtest.h>

#include "anguan/domain/audit/audit.hpp"
#include "anguan/domain/store/store.hpp"

#include "contract/backend.hpp"
#include "contract/helpers.hpp"

namespace anguan::store::contract {
namespace {

audit::Entry makeEntry(std::int64_t at_ms, const std::string& action, const std::string& entity,
                       std::int64_t entity_id, std::int64_t actor, const std::string& path) {
  audit::Entry e;
  e.at = at(at_ms);
  e.actor_id = actor;
  e.actor_name = "user " + std::to_string(actor) + " 😀";
  e.client_address = "192.0.2.1";
  e.action = action;
  e.entity = entity;
  e.entity_id = entity_id;
  e.org_path = path;
  e.before_json = R"({"name":"old 'q'"})";
  e.after_json = R"({"name":"新"})";
  return e;
}

class AuditRepositoryContractTest : public StoreContractTest {
 protected:
  audit::Entry append(const audit::Entry& e) {
    auto out =
        inWrite<audit::Entry>(store(), [&](Transaction& tx) { return tx.audit().append(e); });
    EXPECT_TRUE(out) << describe(out.error());
    return out ? *out : audit::Entry{};
  }

  std::vector<audit::Entry> scanAll() {
    std::vector<audit::Entry> all;
    auto status = read([&](Transaction& tx) {
      return tx.audit().scan([&](const audit::Entry& e) {
        all.push_back(e);
        return true;
      });
    });
    EXPECT_TRUE(status);
    return all;
  }

  std::vector<std::int64_t> listSeqs(const AuditQuery& q, std::int64_t* total) {
    auto entries = inRead<std::vector<audit::Entry>>(
        store(), [&](Transaction& tx) { return tx.audit().list(q, total); });
    std::vector<std::int64_t> out;
    EXPECT_TRUE(entries);
    if (entries) {
      for (const auto& e : *entries) {
        out.push_back(e.seq);
      }
    }
    return out;
  }
};

TEST_P(AuditRepositoryContractTest, FirstAppendStartsTheChainAtGenesis) {
  audit::Entry e = append(makeEntry(1000, "create", "areas", 1, 2, "/1/"));
  EXPECT_EQ(e.seq, 1);
  EXPECT_EQ(e.prev_hash, audit::kGenesisHash);
  EXPECT_EQ(e.hash, audit::chainHash(e));
  audit::Entry next = append(makeEntry(1001, "update", "areas", 1, 2, "/1/"));
  EXPECT_EQ(next.seq, 2);
  EXPECT_EQ(next.prev_hash, e.hash);
}

TEST_P(AuditRepositoryContractTest, ConcurrentAppendsFormAGaplessVerifiableChain) {
  constexpr int kThreads = 6;
  constexpr int kPerThread = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto status = write([&](Transaction& tx) -> Status {
          AG_ASSIGN_OR_RETURN(
              auto e, tx.audit().append(makeEntry(1000 + i, "update", "areas", t, t, "/1/")));
          (void)e;
          return okStatus();
        });
        EXPECT_TRUE(status) << describe(status.error());
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  auto all = scanAll();
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerThread));
  audit::ChainVerifier verifier;
  for (const auto& e : all) {
    ASSERT_TRUE(verifier.feed(e)) << verifier.result().reason << " at " << e.seq;
  }
  EXPECT_EQ(verifier.result().checked, kThreads * kPerThread);
}

TEST_P(AuditRepositoryContractTest, ScanVisitsEveryEntryInOrderAcrossBatches) {
  constexpr int kEntries = 2150;  // More than two scan batches.
  ASSERT_TRUE(write([&](Transaction& tx) -> Status {
    for (int i = 0; i < kEntries; ++i) {
      AG_ASSIGN_OR_RETURN(auto e, tx.audit().append(makeEntry(i, "login", "sessions", 0, 1, "")));
      (void)e;
    }
    return okStatus();
  }));
  auto all = scanAll();
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kEntries));
  for (std::size_t i = 0; i < all.size(); ++i) {
    ASSERT_EQ(all[i].seq, static_cast<std::int64_t>(i + 1));
  }
  EXPECT_EQ(all.back().after_json, R"({"name":"新"})");
  EXPECT_EQ(all.back().actor_name, "user 1 😀");

  int visited = 0;
  ASSERT_TRUE(read([&](Transaction& tx) {
    return tx.audit().scan([&](const audit::Entry&) { return ++visited < 10; });
  }));
  EXPECT_EQ(visited, 10);
}

TEST_P(AuditRepositoryContractTest, ListFiltersByEntityActionActorTimeAndScope) {
  append(makeEntry(1000, "create", "areas", 1, 2, "/1/4/"));    // seq 1
  append(makeEntry(2000, "update", "areas", 1, 3, "/1/4/"));    // seq 2
  append(makeEntry(3000, "create", "people", 5, 2, "/1/5/"));   // seq 3
  append(makeEntry(4000, "login", "sessions", 0, 2, ""));       // seq 4
  append(makeEntry(5000, "delete", "areas", 9, 3, "/1/4/9/"));  // seq 5

  std::int64_t total = 0;
  AuditQuery all;
  EXPECT_EQ(listSeqs(all, &total), (std::vector<std::int64_t>{5, 4, 3, 2, 1}));
  EXPECT_EQ(total, 5);

  AuditQuery by_entity;
  by_entity.entity = "areas";
  by_entity.entity_id = 1;
  EXPECT_EQ(listSeqs(by_entity, &total), (std::vector<std::int64_t>{2, 1}));

  AuditQuery by_action;
  by_action.action = "create";
  EXPECT_EQ(listSeqs(by_action, nullptr), (std::vector<std::int64_t>{3, 1}));

  AuditQuery by_actor;
  by_actor.actor_id = 3;
  EXPECT_EQ(listSeqs(by_actor, nullptr), (std::vector<std::int64_t>{5, 2}));

  AuditQuery by_time;
  by_time.from = at(2000);
  by_time.to = at(4000);
  EXPECT_EQ(listSeqs(by_time, &total), (std::vector<std::int64_t>{4, 3, 2}));
  EXPECT_EQ(total, 3);

  AuditQuery by_scope;
  by_scope.scope_prefix = "/1/4/";
  EXPECT_EQ(listSeqs(by_scope, nullptr), (std::vector<std::int64_t>{5, 4, 2, 1}));

  AuditQuery paged;
  paged.page = 2;
  paged.page_size = 2;
  EXPECT_EQ(listSeqs(paged, &total), (std::vector<std::int64_t>{3, 2}));
  EXPECT_EQ(total, 5);
}

TEST_P(AuditRepositoryContractTest, AppendRolledBackWithItsChangeLeavesNoGap) {
  append(makeEntry(1000, "create", "areas", 1, 2, "/1/"));
  auto failed = write([&](Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auto e, tx.audit().append(makeEntry(2000, "update", "areas", 1, 2, "/1/")));
    (void)e;
    return Error::conflict("test.abort", "abort");
  });
  ASSERT_FALSE(failed);
  audit::Entry next = append(makeEntry(3000, "update", "areas", 1, 2, "/1/"));
  EXPECT_EQ(next.seq, 2);
  audit::ChainVerifier verifier;
  for (const auto& e : scanAll()) {
    EXPECT_TRUE(verifier.feed(e));
  }
  EXPECT_EQ(verifier.result().checked, 2);
}

AG_INSTANTIATE_FOR_BACKENDS(AuditRepositoryContractTest);

}  // namespace
}  // namespace anguan::store::contract
