// SQLite Store: one writer thread group-committing queued write callbacks (each in its own
// SAVEPOINT) and a pool of read-only reader connections (WAL lets them run beside the writer).
//
// Planner statistics: the writer runs ANALYZE when the store opens on a database that has none or
// just got migrated, again once the rows changed since the last run reach max(10,000, the rows
// changed before it) and at least hourly while writes happen, and PRAGMA optimize when the store
// closes. Other connections only load statistics when they read the
// schema, so a reader whose statistics are older than the last ANALYZE is reopened when it is
// next borrowed (without this, a database that grew from empty keeps planning as if it were
// empty; see docs/performance.md "Hazard ledger").
//
// ":memory:" maps to a fresh temporary file (deleted when the store closes) rather than a
// shared-cache in-memory database: shared cache uses table-level locks that make readers fail
// with SQLITE_LOCKED while the writer works, whereas a WAL file behaves exactly like production.
#include "anguan/store/sqlite/sqlite_store.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include <pthread.h>
#include <unistd.h>

#include "anguan/core/log.hpp"

#include "common/migration.hpp"
#include "common/migration_runner.hpp"
#include "common/repositories.hpp"
#include "sqlite/sqlite_connection.hpp"

namespace anguan::store::sqlite {
namespace {

constexpr const char* kMemoryPath = ":memory:";
// Full ANALYZE (about 0.3 s for 200,000 hazards): a sampled one (analysis_limit) underestimates
// the rows per key of low-cardinality columns such as state by 40x, which picks bad plans.
constexpr const char* kAnalyzeSql = "ANALYZE";
constexpr std::int64_t kAnalyzeMinChanges = 10000;
constexpr auto kAnalyzeAtLeastEvery = std::chrono::hours(1);

MigrationDialect sqliteMigrationDialect() { return {"BEGIN IMMEDIATE", ""}; }

std::string temporaryPath() {
  static std::atomic<int> counter{0};
  auto name = "anguan-mem-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".db";
  return (std::filesystem::temp_directory_path() / name).string();
}

void removeDatabaseFiles(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path + suffix, ignored);
  }
}

// Runs a user callback; exceptions never leave the store.
Status runCallback(const TxFn& fn, Transaction& tx) {
  try {
    return fn(tx);
  } catch (const std::exception& e) {
    log::error("store callback threw: {}", e.what());
  } catch (...) {
    log::error("store callback threw a non-exception");
  }
  return Error::internal("store.callback_failed", "Internal error");
}

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, bool temporary, int max_batch)
      : path_(std::move(path)), temporary_(temporary), max_batch_(std::max(1, max_batch)) {}

  ~SqliteStore() override {
    {
      std::lock_guard lock(queue_mutex_);
      stopping_ = true;
    }
    queue_cv_.notify_all();
    if (writer_thread_.joinable()) {
      writer_thread_.join();
    }
    readers_.clear();
    if (writer_) {
      (void)writer_->script("PRAGMA optimize");
    }
    writer_.reset();
    if (temporary_) {
      removeDatabaseFiles(path_);
    }
  }
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  Status start(const Options& options) {
    AG_ASSIGN_OR_RETURN(writer_, SqliteConnection::open(path_, SqliteConnection::Mode::kWriter));
    bool migrated = false;
    if (options.migrate) {
      AG_ASSIGN_OR_RETURN(int applied,
                          runMigrations(*writer_, sqliteMigrations(), sqliteMigrationDialect(),
                                        SystemClock().now()));
      migrated = applied > 0;
    }
    AG_ASSIGN_OR_RETURN(
        auto has_stats,
        queryOneInt(*writer_, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'",
                    {}));
    if (migrated || has_stats.value_or(0) == 0) {
      analyze();
    }
    for (int i = 0; i < std::max(1, options.readers); ++i) {
      auto reader = std::make_unique<Reader>();
      AG_ASSIGN_OR_RETURN(reader->conn,
                          SqliteConnection::open(path_, SqliteConnection::Mode::kReader));
      reader->stats_generation = stats_generation_.load();
      free_readers_.push_back(reader.get());
      readers_.push_back(std::move(reader));
    }
    writer_thread_ = std::thread([this] {
      // Named for top, perf and /proc/<pid>/task (15 characters at most).
      pthread_setname_np(pthread_self(), "sqlite-writer");
      writerLoop();
    });
    return okStatus();
  }

  Status write(const TxFn& fn) override {
    Job job{&fn, {}};
    auto done = job.done.get_future();
    {
      std::lock_guard lock(queue_mutex_);
      if (stopping_) {
        return Error::unavailable("store.closed", "The store is shutting down");
      }
      queue_.push_back(&job);
    }
    queue_cv_.notify_one();
    return done.get();
  }

  Status read(const TxFn& fn) override {
    Reader* reader = borrowReader();
    refreshIfStale(*reader);
    auto status = readOn(*reader->conn, fn);
    returnReader(reader);
    return status;
  }

  std::string backend() const override { return "sqlite"; }

  StoreStats stats() const override {
    StoreStats s;
    s.readers_total = static_cast<std::int64_t>(readers_.size());
    s.readers_in_use = readers_in_use_.load();
    s.writes_committed = writes_committed_.load();
    s.write_batches = write_batches_.load();
    std::lock_guard lock(queue_mutex_);
    s.write_queue_depth = static_cast<std::int64_t>(queue_.size());
    return s;
  }

 private:
  struct Job {
    const TxFn* fn;
    std::promise<Status> done;
  };

  struct Reader {
    std::unique_ptr<SqliteConnection> conn;
    std::uint64_t stats_generation = 0;  // stats_generation_ when conn was opened.
  };

  // Writer thread (or start()): samples statistics for every table and index.
  void analyze() {
    if (auto done = writer_->script(kAnalyzeSql); !done) {
      log::warn("sqlite: ANALYZE failed: {}", done.error().key());
    } else {
      ++stats_generation_;
    }
    analyzed_changes_ = writer_->totalChanges();
    analyzed_at_ = std::chrono::steady_clock::now();
  }

  void maybeAnalyze() {
    const std::int64_t changed = writer_->totalChanges() - analyzed_changes_;
    if (changed >= std::max(kAnalyzeMinChanges, analyzed_changes_) ||
        (changed > 0 && std::chrono::steady_clock::now() - analyzed_at_ >= kAnalyzeAtLeastEvery)) {
      analyze();
    }
  }

  // Reopens a borrowed reader whose statistics predate the last ANALYZE. On failure the old
  // connection stays (stale statistics cost speed, never correctness).
  void refreshIfStale(Reader& reader) {
    const std::uint64_t generation = stats_generation_.load();
    if (reader.stats_generation == generation) {
      return;
    }
    auto fresh = SqliteConnection::open(path_, SqliteConnection::Mode::kReader);
    if (!fresh) {
      return;
    }
    reader.conn = std::move(*fresh);
    reader.stats_generation = generation;
  }

  Reader* borrowReader() {
    std::unique_lock lock(readers_mutex_);
    readers_cv_.wait(lock, [&] { return !free_readers_.empty(); });
    Reader* reader = free_readers_.back();
    free_readers_.pop_back();
    ++readers_in_use_;
    return reader;
  }

  void returnReader(Reader* reader) {
    {
      std::lock_guard lock(readers_mutex_);
      free_readers_.push_back(reader);
      --readers_in_use_;
    }
    readers_cv_.notify_one();
  }

  static Status readOn(SqliteConnection& conn, const TxFn& fn) {
    // A deferred transaction: the snapshot is taken at the first read and held to the end.
    AG_RETURN_IF_ERROR(conn.command("BEGIN"));
    SqlTransaction tx(conn);
    auto status = runCallback(fn, tx);
    auto end = conn.command(status ? "COMMIT" : "ROLLBACK");
    if (!status) {
      return status;
    }
    return end;
  }

  void writerLoop() {
    std::vector<Job*> batch;
    while (true) {
      batch.clear();
      {
        std::unique_lock lock(queue_mutex_);
        queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) {
          return;  // Stopping and drained.
        }
        while (!queue_.empty() && static_cast<int>(batch.size()) < max_batch_) {
          batch.push_back(queue_.front());
          queue_.pop_front();
        }
      }
      runBatch(batch);
      maybeAnalyze();
    }
  }

  void runBatch(const std::vector<Job*>& batch) {
    auto failAll = [&](const Error& error) {
      for (Job* job : batch) {
        job->done.set_value(error);
      }
    };
    if (auto begun = writer_->command("BEGIN IMMEDIATE"); !begun) {
      failAll(begun.error());
      return;
    }
    std::vector<Status> results;
    results.reserve(batch.size());
    SqlTransaction tx(*writer_);
    for (Job* job : batch) {
      auto saved = writer_->command("SAVEPOINT w");
      if (!saved) {
        results.push_back(saved.error());
        continue;
      }
      auto status = runCallback(*job->fn, tx);
      if (!writer_->inTransaction()) {
        // SQLite rolled the whole transaction back itself (I/O error, disk full): the
        // callbacks that already succeeded lost their work too.
        failAll(commitFailed());
        return;
      }
      if (status) {
        status = writer_->command("RELEASE w");
      } else if (!writer_->command("ROLLBACK TO w") || !writer_->command("RELEASE w")) {
        (void)writer_->script("ROLLBACK");
        failAll(commitFailed());
        return;
      }
      results.push_back(std::move(status));
    }
    if (auto committed = writer_->command("COMMIT"); !committed) {
      (void)writer_->script("ROLLBACK");
      failAll(commitFailed());
      return;
    }
    ++write_batches_;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (results[i]) {
        ++writes_committed_;
      }
      batch[i]->done.set_value(std::move(results[i]));
    }
  }

  const std::string path_;
  const bool temporary_;
  const int max_batch_;
  std::unique_ptr<SqliteConnection> writer_;  // Used only by writer_thread_ after start().
  std::vector<std::unique_ptr<Reader>> readers_;
  std::atomic<std::uint64_t> stats_generation_{0};
  std::int64_t analyzed_changes_ = 0;  // Writer thread only, like writer_.
  std::chrono::steady_clock::time_point analyzed_at_;

  mutable std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<Job*> queue_;  // Guarded by queue_mutex_.
  bool stopping_ = false;   // Guarded by queue_mutex_.
  std::thread writer_thread_;

  std::mutex readers_mutex_;
  std::condition_variable readers_cv_;
  std::vector<Reader*> free_readers_;  // Guarded by readers_mutex_.

  std::atomic<std::int64_t> readers_in_use_{0};
  std::atomic<std::int64_t> writes_committed_{0};
  std::atomic<std::int64_t> write_batches_{0};
};

}  // namespace

Result<StorePtr> open(const Options& options) {
  bool temporary = options.path == kMemoryPath;
  std::string path = temporary ? temporaryPath() : options.path;
  auto store = std::make_unique<SqliteStore>(path, temporary, options.max_batch);
  if (auto started = store->start(options); !started) {
    log::error("sqlite: cannot open store at {}: {}", path, started.error().message());
    return Error::unavailable("store.open_failed", "Cannot open the SQLite database")
        .with("reason", started.error().key());
  }
  return StorePtr(std::move(store));
}

Result<int> migrate(const std::string& path) {
  AG_ASSIGN_OR_RETURN(auto conn, SqliteConnection::open(path, SqliteConnection::Mode::kWriter));
  return runMigrations(*conn, sqliteMigrations(), sqliteMigrationDialect(), SystemClock().now());
}

}  // namespace anguan::store::sqlite
