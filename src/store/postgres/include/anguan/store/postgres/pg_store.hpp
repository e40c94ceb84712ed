// The PostgreSQL backend (scale-out). A pool of libpq connections; each write callback runs in
// its own transaction (PostgreSQL group-commits WAL flushes itself); audit appends serialise on
// a transaction-scoped advisory lock so that several nodes keep one hash chain.
//
// Thread safety: the returned Store is safe from any thread.
#pragma once

#include <string>

#include "anguan/core/result.hpp"
#include "anguan/domain/store/store.hpp"

namespace anguan::store::postgres {

struct Options {
  std::string url;  // postgresql://user:pass@host:port/db?...
  int pool_size = 8;
  bool migrate = true;
  // When not empty, every connection uses this schema (created if missing) as its search_path.
  // Contract tests use one schema per test.
  std::string schema;
};

[[nodiscard]] Result<StorePtr> open(const Options& options);
[[nodiscard]] Result<int> migrate(const std::string& url);

// Drops `schema` (and everything in it). For the contract tests' per-test schemas only.
[[nodiscard]] Status dropSchemaForTest(const std::string& url, const std::string& schema);

}  // namespace anguan::store::postgres
