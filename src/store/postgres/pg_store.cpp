// PostgreSQL Store: a lazily grown pool of connections; each write callback runs in its own
// transaction, each read in a REPEATABLE READ READ ONLY one.
#include "anguan/store/postgres/pg_store.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "anguan/core/log.hpp"

#include "common/migration.hpp"
#include "common/migration_runner.hpp"
#include "common/repositories.hpp"
#include "postgres/pg_connection.hpp"

namespace anguan::store::postgres {
namespace {

constexpr std::int64_t kMigrationLockKey = 727275;

MigrationDialect pgMigrationDialect() {
  return {"BEGIN", "SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLockKey) + ")"};
}

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

class PgStore final : public Store {
 public:
  explicit PgStore(const Options& options)
      : url_(options.url), schema_(options.schema), pool_size_(std::max(1, options.pool_size)) {}

  Status start(bool migrate) {
    AG_ASSIGN_OR_RETURN(auto first, PgConnection::open(url_, schema_));
    if (migrate) {
      AG_ASSIGN_OR_RETURN(int applied, runMigrations(*first, postgresMigrations(),
                                                     pgMigrationDialect(), SystemClock().now()));
      (void)applied;
    }
    std::lock_guard lock(pool_mutex_);
    free_.push_back(first.get());
    all_.push_back(std::move(first));
    return okStatus();
  }

  Status write(const TxFn& fn) override {
    auto status = inTransaction("BEGIN", fn);
    if (status) {
      ++writes_committed_;
    }
    ++write_batches_;
    return status;
  }

  Status read(const TxFn& fn) override {
    return inTransaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", fn);
  }

  std::string backend() const override { return "postgresql"; }

  StoreStats stats() const override {
    StoreStats s;
    std::lock_guard lock(pool_mutex_);
    s.readers_total = pool_size_;
    s.readers_in_use = static_cast<std::int64_t>(all_.size() - free_.size()) + opening_;
    s.writes_committed = writes_committed_.load();
    s.write_batches = write_batches_.load();
    s.write_queue_depth = waiting_;
    return s;
  }

 private:
  Status inTransaction(const char* begin, const TxFn& fn) {
    AG_ASSIGN_OR_RETURN(PgConnection * conn, borrow());
    auto status = runOn(*conn, begin, fn);
    conn->rollbackIfOpen();
    giveBack(conn);
    return status;
  }

  static Status runOn(PgConnection& conn, const char* begin, const TxFn& fn) {
    AG_RETURN_IF_ERROR(conn.ensureConnected());
    auto begun = conn.script(begin);
    if (!begun && begun.error().code() == ErrorCode::kUnavailable) {
      // An idle pooled connection died (server restart): nothing has run yet, so reconnecting
      // and retrying once is safe. A loss later in the transaction is reported as kUnavailable.
      AG_RETURN_IF_ERROR(conn.ensureConnected());
      begun = conn.script(begin);
    }
    AG_RETURN_IF_ERROR(begun);
    SqlTransaction tx(conn);
    auto status = runCallback(fn, tx);
    if (!status) {
      return status;  // The caller rolls back.
    }
    return conn.commit();
  }

  Result<PgConnection*> borrow() {
    std::unique_lock lock(pool_mutex_);
    ++waiting_;
    pool_cv_.wait(lock, [&] {
      return !free_.empty() || static_cast<int>(all_.size()) + opening_ < pool_size_;
    });
    --waiting_;
    if (!free_.empty()) {
      PgConnection* conn = free_.back();
      free_.pop_back();
      return conn;
    }
    ++opening_;
    lock.unlock();
    auto opened = PgConnection::open(url_, schema_);
    lock.lock();
    --opening_;
    if (!opened) {
      pool_cv_.notify_one();
      return opened.error();
    }
    all_.push_back(*std::move(opened));
    return all_.back().get();
  }

  void giveBack(PgConnection* conn) {
    {
      std::lock_guard lock(pool_mutex_);
      free_.push_back(conn);
    }
    pool_cv_.notify_one();
  }

  const std::string url_;
  const std::string schema_;
  const int pool_size_;

  mutable std::mutex pool_mutex_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<PgConnection>> all_;  // Guarded by pool_mutex_.
  std::vector<PgConnection*> free_;                 // Guarded by pool_mutex_.
  int opening_ = 0;                                 // Guarded by pool_mutex_.
  std::int64_t waiting_ = 0;                        // Guarded by pool_mutex_.

  std::atomic<std::int64_t> writes_committed_{0};
  std::atomic<std::int64_t> write_batches_{0};
};

}  // namespace

Result<StorePtr> open(const Options& options) {
  if (!options.schema.empty() && !validSchemaName(options.schema)) {
    return Error::invalidArgument("store.bad_schema", "Schema name must match [a-z0-9_]+");
  }
  auto store = std::make_unique<PgStore>(options);
  if (auto started = store->start(options.migrate); !started) {
    log::error("postgres: cannot open store: {}", started.error().key());
    return Error::unavailable("store.open_failed", "Cannot open the PostgreSQL database")
        .with("reason", started.error().key());
  }
  return StorePtr(std::move(store));
}

Result<int> migrate(const std::string& url) {
  AG_ASSIGN_OR_RETURN(auto conn, PgConnection::open(url, ""));
  return runMigrations(*conn, postgresMigrations(), pgMigrationDialect(), SystemClock().now());
}

Status dropSchemaForTest(const std::string& url, const std::string& schema) {
  if (!validSchemaName(schema)) {
    return Error::invalidArgument("store.bad_schema", "Schema name must match [a-z0-9_]+");
  }
  AG_ASSIGN_OR_RETURN(auto conn, PgConnection::open(url, ""));
  return conn->script("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
}

}  // namespace anguan::store::postgres
