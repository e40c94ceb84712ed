// SQLite-only behaviour of the store factory (the shared contract lives in the other files).
#include "anguan/store/sqlite/sqlite_store.hpp"

#include <filesystem>

#include <gtest/gtest.h>
#include <unistd.h>

#include "contract/helpers.hpp"

namespace anguan::store::sqlite {
namespace {

using contract::at;
using contract::inRead;
using contract::inWrite;
using contract::schemaNamed;

TEST(SqliteStoreTest, MemoryPathGivesAUsableDatabaseWhoseReadersSeeTheWriter) {
  Options options;
  options.path = ":memory:";
  options.readers = 2;
  auto store = open(options);
  ASSERT_TRUE(store) << store.error().key();
  auto inserted = inWrite<base::Record>(**store, [&](Transaction& tx) {
    return tx.records().insert(schemaNamed("holidays"),
                               contract::makeRecord("", {{"date", std::string("2026-01-01")}}),
                               at(1));
  });
  ASSERT_TRUE(inserted);
  auto got = inRead<base::Record>(**store, [&](Transaction& tx) {
    return tx.records().get(schemaNamed("holidays"), inserted->id);
  });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->getText("date"), "2026-01-01");
  EXPECT_EQ((*store)->backend(), "sqlite");
  EXPECT_EQ((*store)->stats().readers_total, 2);
}

TEST(SqliteStoreTest, MigrateAppliesPendingMigrationsOnceAndStoreOpensWithoutMigrating) {
  static int counter = 0;
  std::string path =
      (std::filesystem::temp_directory_path() /
       ("anguan-migrate-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + ".db"))
          .string();
  auto first = migrate(path);
  ASSERT_TRUE(first) << first.error().key();
  EXPECT_GE(*first, 1);
  auto second = migrate(path);
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, 0);

  Options options;
  options.path = path;
  options.migrate = false;
  {
    auto store = open(options);
    ASSERT_TRUE(store);
    auto count = inRead<std::int64_t>(**store, [&](Transaction& tx) { return tx.users().count(); });
    ASSERT_TRUE(count);
    EXPECT_EQ(*count, 0);
  }
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path + suffix, ignored);
  }
}

TEST(SqliteStoreTest, UnopenablePathFailsWithUnavailable) {
  Options options;
  options.path = "/nonexistent-dir/for/anguan/test.db";
  auto store = open(options);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace anguan::store::sqlite
