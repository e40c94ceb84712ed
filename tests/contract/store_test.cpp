#include "anguan/domain/store/store.hpp"

#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "contract/backend.hpp"
#include "contract/helpers.hpp"

namespace anguan::store::contract {
namespace {

using base::Record;

class StoreTransactionContractTest : public StoreContractTest {
 protected:
  Record holiday(const std::string& date) {
    return makeRecord("", {{"date", date}, {"name", "day " + date}});
  }

  std::set<std::string> storedDates() {
    auto page = inRead<Page>(store(), [&](Transaction& tx) {
      ListQuery q;
      q.page_size = 1000;
      return tx.records().list(schemaNamed("holidays"), q);
    });
    std::set<std::string> out;
    EXPECT_TRUE(page);
    if (page) {
      for (const auto& r : page->items) {
        out.insert(r.getText("date"));
      }
    }
    return out;
  }
};

TEST_P(StoreTransactionContractTest, ReportsItsBackendName) {
  std::string name = store().backend();
  EXPECT_TRUE(name == "sqlite" || name == "postgresql") << name;
}

TEST_P(StoreTransactionContractTest, WriteErrorRollsBackEverythingTheCallbackDid) {
  auto status = write([&](Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auto r1,
                        tx.records().insert(schemaNamed("holidays"), holiday("2026-01-01"), at(1)));
    AG_ASSIGN_OR_RETURN(auto r2,
                        tx.records().insert(schemaNamed("holidays"), holiday("2026-01-02"), at(1)));
    (void)r1;
    (void)r2;
    return Error::conflict("test.abort", "abort on purpose");
  });
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().key(), "test.abort");
  EXPECT_TRUE(storedDates().empty());
}

TEST_P(StoreTransactionContractTest, FailingWritesRollBackOnlyThemselvesWhileConcurrentOnesCommit) {
  constexpr int kThreads = 8;
  constexpr int kWritesPerThread = 10;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        bool fail = (t + i) % 2 == 1;
        std::string date = "2026-" + std::to_string(10 + t) + "-" + std::to_string(10 + i);
        auto status = write([&](Transaction& tx) -> Status {
          AG_ASSIGN_OR_RETURN(auto r,
                              tx.records().insert(schemaNamed("holidays"), holiday(date), at(1)));
          (void)r;
          audit::Entry e;
          e.action = "create";
          e.entity = "holidays";
          AG_ASSIGN_OR_RETURN(auto appended, tx.audit().append(e));
          (void)appended;
          if (fail) {
            return Error::invalidArgument("test.fail", "fails on purpose");
          }
          return okStatus();
        });
        if (status.has_value() == fail) {
          ++failures[static_cast<std::size_t>(t)];
        }
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  for (int f : failures) {
    EXPECT_EQ(f, 0);
  }
  std::set<std::string> expected;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kWritesPerThread; ++i) {
      if ((t + i) % 2 == 0) {
        expected.insert("2026-" + std::to_string(10 + t) + "-" + std::to_string(10 + i));
      }
    }
  }
  EXPECT_EQ(storedDates(), expected);
  // The audit chain has exactly the committed appends, without gaps.
  audit::ChainVerifier verifier;
  auto scanned = read([&](Transaction& tx) {
    return tx.audit().scan([&](const audit::Entry& e) { return verifier.feed(e); });
  });
  ASSERT_TRUE(scanned);
  EXPECT_TRUE(verifier.result().ok) << verifier.result().reason;
  EXPECT_EQ(verifier.result().checked, static_cast<std::int64_t>(expected.size()));
  EXPECT_GE(store().stats().writes_committed, static_cast<std::int64_t>(expected.size()));
}

TEST_P(StoreTransactionContractTest, ReadCallbacksCannotWrite) {
  auto status = read([&](Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auto r,
                        tx.records().insert(schemaNamed("holidays"), holiday("2026-05-01"), at(1)));
    (void)r;
    return okStatus();
  });
  EXPECT_FALSE(status);
  EXPECT_TRUE(storedDates().empty());
}

TEST_P(StoreTransactionContractTest, ReadsSeeWhatEarlierWritesCommitted) {
  ASSERT_TRUE(write([&](Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auto r,
                        tx.records().insert(schemaNamed("holidays"), holiday("2026-05-01"), at(1)));
    (void)r;
    return okStatus();
  }));
  EXPECT_EQ(storedDates(), std::set<std::string>{"2026-05-01"});
}

TEST_P(StoreTransactionContractTest, ExceptionInCallbackBecomesInternalError) {
  auto status = write([&](Transaction&) -> Status { throw std::runtime_error("boom"); });
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kInternal);
}

TEST_P(StoreTransactionContractTest, StatsReportReaderPoolAndCommittedWrites) {
  ASSERT_TRUE(write([&](Transaction&) { return okStatus(); }));
  StoreStats s = store().stats();
  EXPECT_GT(s.readers_total, 0);
  EXPECT_EQ(s.readers_in_use, 0);
  EXPECT_GE(s.writes_committed, 1);
  EXPECT_GE(s.write_batches, 1);
  EXPECT_EQ(s.write_queue_depth, 0);
}

AG_INSTANTIATE_FOR_BACKENDS(StoreTransactionContractTest);

}  // namespace
}  // namespace anguan::store::contract
