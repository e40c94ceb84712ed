// Contract-test backends: every store contract suite is instantiated for SQLite (always) and
// PostgreSQL (when AG_TEST_PG_URL is set, else the tests skip). Each test gets a fresh database:
// a temporary SQLite file, or a uniquely named PostgreSQL schema dropped afterwards.
//
// Thread safety: fixtures are per test; the store under test is shared by the test's threads.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include <gtest/gtest.h>

#include "anguan/domain/store/store.hpp"

namespace anguan::store::contract {

// A fresh database and how to throw it away.
struct TestDatabase {
  StorePtr store;
  std::function<void()> cleanup;
};

struct Backend {
  std::string name;
  // Returns a database with a null store when the backend is not configured here.
  std::function<TestDatabase()> make;

  // Keeps ctest names readable (".../Sqlite", not a byte dump).
  friend void PrintTo(const Backend& backend, std::ostream* os) { *os << backend.name; }
};

Backend sqliteBackend();
Backend postgresBackend();

// Base fixture: opens the backend's fresh database in SetUp (or skips) and disposes of it.
class StoreContractTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Runs fn in a write transaction and returns its status.
  Status write(const TxFn& fn) { return store().write(fn); }
  Status read(const TxFn& fn) { return store().read(fn); }
  Store& store() { return *db_.store; }

  TestDatabase db_;
};

// Instantiates `suite` for every backend with names ".../Sqlite" and ".../Postgres".
#define AG_INSTANTIATE_FOR_BACKENDS(suite)                                                   \
  INSTANTIATE_TEST_SUITE_P(                                                                  \
      Backends, suite,                                                                       \
      ::testing::Values(::anguan::store::contract::sqliteBackend(),                          \
                        ::anguan::store::contract::postgresBackend()),                       \
      [](const ::testing::TestParamInfo<::anguan::store::contract::Backend>& backend_info) { \
        return backend_info.param.name;                                                      \
      })

// Fixed instants for deterministic tests.
inline Instant at(std::int64_t ms) { return fromMillis(ms); }

}  // namespace anguan::store::contract
