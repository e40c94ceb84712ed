// The embedded SQLite backend (default). One writer connection on its own thread takes queued
// write transactions and group-commits them (each in a SAVEPOINT, so one failing callback rolls
// back only itself); a pool of reader connections serves reads in WAL mode without blocking the
// writer. journal_mode=WAL, synchronous=FULL, foreign_keys=ON, busy_timeout set.
//
// Thread safety: the returned Store is safe from any thread.
#pragma once

#include <string>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"
#include "anguan/domain/store/store.hpp"

namespace anguan::store::sqlite {

struct Options {
  // File path, or ":memory:" for tests: a fresh temporary file (WAL, like production) that
  // the store deletes when it closes. Not a shared-cache in-memory database, whose table locks
  // would make readers fail while the writer works.
  std::string path;
  int readers = 4;      // Reader connections.
  int max_batch = 256;  // Most write callbacks committed in one transaction.
  bool migrate = true;  // Apply pending migrations on open.
};

// Opens (creating if needed) and migrates. kUnavailable with a clear message when the file
// can't be opened or a migration fails.
[[nodiscard]] Result<StorePtr> open(const Options& options);

// Applies pending migrations only; returns the number applied.
[[nodiscard]] Result<int> migrate(const std::string& path);

}  // namespace anguan::store::sqlite
