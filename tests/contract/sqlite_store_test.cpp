// SQLite-only behaviour of the store factory (the shared contract lives in the other files).
#include "anguan/store/sqlite/sqlite_store.hpp"

#include <filesystem>
#include <string>
#include <vector>

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

// Files this process has open whose path names an SQLite temporary file ("etilqs_").
std::vector<std::string> openSqliteTempFiles() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    const auto target = std::filesystem::read_symlink(fd.path(), ec).string();
    if (!ec && target.find("etilqs_") != std::string::npos) {
      out.push_back(target);
    }
  }
  return out;
}

// Every write runs in a savepoint, so SQLite keeps the original of each page the write changes
// in a statement journal. By default that journal moves to a temporary file past 64 KiB: the
// writer then created, wrote and deleted a file for most batches (docs/performance.md, session
// 15). It must stay in memory, and a journal of several MB must not fail the write: with a spill
// bound above 128 KiB, SQLite 3.40 fails the write with SQLITE_FULL once the journal outgrows it.
TEST(SqliteStoreTest, AWriteThatChangesManyPagesKeepsItsStatementJournalInMemory) {
  Options options;
  options.path = ":memory:";
  auto store = open(options);
  ASSERT_TRUE(store) << store.error().key();
  const auto& holidays = schemaNamed("holidays");
  const std::string long_name(1000, 'x');
  auto inserted = inWrite<std::vector<base::Record>>(**store, [&](Transaction& tx) {
    std::vector<base::Record> rows;
    for (int i = 0; i < 3000; ++i) {
      const std::string date = std::to_string(2000 + i) + "-01-01";  // 2000 … 4999
      auto r = tx.records().insert(
          holidays, contract::makeRecord("", {{"date", date}, {"name", long_name}}), at(1));
      if (!r) {
        return Result<std::vector<base::Record>>(r.error());
      }
      rows.push_back(std::move(*r));
    }
    return Result<std::vector<base::Record>>(std::move(rows));
  });
  ASSERT_TRUE(inserted) << inserted.error().key();

  // One write that rewrites every row: some 3 MB of existing pages.
  std::vector<std::string> temp_files;
  auto updated = inWrite<int>(**store, [&](Transaction& tx) -> Result<int> {
    for (auto row : *inserted) {
      row.values["name"] = std::string(1000, 'y');
      if (auto r = tx.records().update(holidays, row, at(2)); !r) {
        return r.error();
      }
    }
    temp_files = openSqliteTempFiles();
    return static_cast<int>(inserted->size());
  });
  ASSERT_TRUE(updated) << updated.error().key();
  EXPECT_TRUE(temp_files.empty()) << temp_files.front();
  auto got = inRead<base::Record>(
      **store, [&](Transaction& tx) { return tx.records().get(holidays, inserted->back().id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->getText("name"), std::string(1000, 'y'));
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
