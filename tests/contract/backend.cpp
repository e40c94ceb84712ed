#include "contract/backend.hpp"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>

#include <unistd.h>

#include "anguan/store/postgres/pg_store.hpp"
#include "anguan/store/sqlite/sqlite_store.hpp"

namespace anguan::store::contract {
namespace {

std::atomic<int> g_counter{0};

std::string uniqueSuffix() {
  static const unsigned kSeed = std::random_device{}();
  return std::to_string(::getpid()) + "_" + std::to_string(kSeed % 100000) + "_" +
         std::to_string(g_counter++);
}

void removeSqliteFiles(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path + suffix, ignored);
  }
}

}  // namespace

Backend sqliteBackend() {
  return Backend{"Sqlite", [] {
                   std::string path = (std::filesystem::temp_directory_path() /
                                       ("anguan-contract-" + uniqueSuffix() + ".db"))
                                          .string();
                   sqlite::Options options;
                   options.path = path;
                   options.readers = 4;
                   auto store = sqlite::open(options);
                   if (!store) {
                     ADD_FAILURE() << "sqlite open failed: " << store.error().key();
                     return TestDatabase{};
                   }
                   return TestDatabase{*std::move(store), [path] { removeSqliteFiles(path); }};
                 }};
}

Backend postgresBackend() {
  return Backend{"Postgres", [] {
                   const char* url = std::getenv("AG_TEST_PG_URL");
                   if (url == nullptr || *url == '\0') {
                     return TestDatabase{};
                   }
                   std::string schema = "agtest_" + uniqueSuffix();
                   postgres::Options options;
                   options.url = url;
                   options.schema = schema;
                   options.pool_size = 8;
                   auto store = postgres::open(options);
                   std::string u = url;
                   auto cleanup = [u, schema] { (void)postgres::dropSchemaForTest(u, schema); };
                   if (!store) {
                     ADD_FAILURE() << "postgres open failed: " << store.error().key();
                     cleanup();
                     return TestDatabase{};
                   }
                   return TestDatabase{*std::move(store), cleanup};
                 }};
}

void StoreContractTest::SetUp() {
  db_ = GetParam().make();
  if (db_.store == nullptr) {
    GTEST_SKIP() << GetParam().name << " backend not configured (set AG_TEST_PG_URL)";
  }
}

void StoreContractTest::TearDown() {
  db_.store.reset();  // Closes every connection before the database goes.
  if (db_.cleanup) {
    db_.cleanup();
  }
}

}  // namespace anguan::store::contract
