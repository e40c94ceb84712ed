// Persistence ports. Implemented by store/sqlite (embedded default) and store/postgres (scale
// out); nothing above store/ knows which one is in use. The same contract test suite
// (tests/contract) runs against both.
//
// Model: all access goes through a Transaction obtained from Store::write() or Store::read().
// Repositories are views of that transaction, valid only inside the callback.
//
// Thread safety: Store is safe to call from any number of threads. A Transaction and its
// repositories belong to the callback's thread and must not escape it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "anguan/core/result.hpp"
#include "anguan/domain/audit/audit.hpp"
#include "anguan/domain/auth/access.hpp"
#include "anguan/domain/base/record.hpp"
#include "anguan/domain/base/schema.hpp"
#include "anguan/domain/store/hazard_store.hpp"
#include "anguan/domain/store/monitor_store.hpp"
#include "anguan/domain/store/notification_store.hpp"
#include "anguan/domain/store/permit_store.hpp"

namespace anguan::store {

enum class FilterOp {
  kEq,        // field = value (any type; for kCodeList: list contains value)
  kContains,  // case-insensitive substring, kText only
  kGe,        // field >= value
  kLe,        // field <= value
};

struct Filter {
  std::string field;  // Must be a schema field or "id"; the service validates before the store.
  FilterOp op = FilterOp::kEq;
  base::Value value;
};

struct ListQuery {
  std::vector<Filter> filters;
  // Free-text search over the schema's kText fields (OR, case-insensitive substring); "" = none.
  std::string search;
  std::string sort_field = "id";  // A schema field, "id", "created_at" or "updated_at".
  bool sort_desc = false;
  std::int64_t page = 1;        // 1-based.
  std::int64_t page_size = 50;  // 1..1000; the service clamps.
  // Only records whose org_path starts with this prefix (plus unscoped records with an empty
  // path). "" = no restriction.
  std::string scope_prefix;
  // false: no COUNT(*) of all matches; Page::total is then offset + the items returned. For
  // lookups that only need the rows (a person's certificates, a day in the calendar).
  bool count_total = true;
};

struct Page {
  std::vector<base::Record> items;
  std::int64_t total = 0;
};

// Generic repository for the base-data entities described by base::schemas().
class RecordRepository {
 public:
  virtual ~RecordRepository() = default;

  // Fails with kNotFound ("base.not_found") when no record has `id`.
  [[nodiscard]] virtual Result<base::Record> get(const base::EntitySchema& schema,
                                                 std::int64_t id) = 0;
  [[nodiscard]] virtual Result<Page> list(const base::EntitySchema& schema,
                                          const ListQuery& query) = 0;
  // Inserts `record` (id ignored), sets id, version = 1, created_at = updated_at = now.
  // Fails with kConflict ("base.duplicate", detail "field") when a unique field's value exists.
  [[nodiscard]] virtual Result<base::Record> insert(const base::EntitySchema& schema,
                                                    const base::Record& record, Instant now) = 0;
  // Updates values, org_id and org_path of record.id when the stored version equals
  // record.version; bumps version, sets updated_at. kNotFound when missing, kConflict
  // ("base.stale_version") on a version mismatch, kConflict ("base.duplicate") on unique keys.
  [[nodiscard]] virtual Result<base::Record> update(const base::EntitySchema& schema,
                                                    const base::Record& record, Instant now) = 0;
  // Deletes when the version matches. kNotFound, kConflict ("base.stale_version"), or kConflict
  // ("base.in_use", detail "entity") when another record still references it.
  [[nodiscard]] virtual Status remove(const base::EntitySchema& schema, std::int64_t id,
                                      std::int64_t version) = 0;
  // Number of records of `schema` whose field `field` (a kRef) equals `id`.
  [[nodiscard]] virtual Result<std::int64_t> countReferences(const base::EntitySchema& schema,
                                                             const std::string& field,
                                                             std::int64_t id) = 0;
  // Rewrites org_path prefix `old_prefix` to `new_prefix` in every scoped table and users
  // (used when an org unit moves). Returns rows changed.
  [[nodiscard]] virtual Result<std::int64_t> rewriteOrgPaths(const std::string& old_prefix,
                                                             const std::string& new_prefix) = 0;
};

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  [[nodiscard]] virtual Result<auth::User> findById(UserId id) = 0;
  // kNotFound ("auth.user_not_found") when no user has the name (case-sensitive).
  [[nodiscard]] virtual Result<auth::User> findByUsername(const std::string& username) = 0;
  // Sets id, version 1, timestamps. kConflict ("base.duplicate", field "username").
  [[nodiscard]] virtual Result<auth::User> insert(const auth::User& user, Instant now) = 0;
  // Optimistic on user.version like RecordRepository::update.
  [[nodiscard]] virtual Result<auth::User> update(const auth::User& user, Instant now) = 0;
  // Filters: username/display_name search, role, scope prefix; sort by id.
  [[nodiscard]] virtual Result<std::vector<auth::User>> list(const std::string& search,
                                                             const std::string& scope_prefix,
                                                             std::int64_t offset,
                                                             std::int64_t limit,
                                                             std::int64_t* total) = 0;
  [[nodiscard]] virtual Result<std::int64_t> count() = 0;
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  [[nodiscard]] virtual Status insert(const auth::Session& session) = 0;
  // kNotFound ("auth.session_not_found").
  [[nodiscard]] virtual Result<auth::Session> find(const std::string& token_hash) = 0;
  [[nodiscard]] virtual Status revoke(const std::string& token_hash, Instant at) = 0;
  // Revokes every live session of the user (password change, deactivation). Returns count.
  [[nodiscard]] virtual Result<std::int64_t> revokeAllForUser(UserId user, Instant at) = 0;
  // Deletes sessions that expired before `before`.
  [[nodiscard]] virtual Result<std::int64_t> purgeExpired(Instant before) = 0;
};

struct AuditQuery {
  std::string entity;
  std::string action;
  std::int64_t actor_id = 0;
  std::int64_t entity_id = 0;
  std::optional<Instant> from;
  std::optional<Instant> to;
  std::string scope_prefix;  // Entries whose org_path starts with it, or is empty.
  std::int64_t page = 1;
  std::int64_t page_size = 50;
};

class AuditRepository {
 public:
  virtual ~AuditRepository() = default;
  // Assigns seq = last + 1 and prev_hash = last hash (kGenesisHash for the first), computes the
  // hash with audit::chainHash and stores the entry. Must run inside the write transaction of
  // the change it records, so that the change and its entry commit together. Implementations
  // serialise appends (one writer on SQLite; a transaction-scoped lock on PostgreSQL).
  [[nodiscard]] virtual Result<audit::Entry> append(const audit::Entry& entry) = 0;
  [[nodiscard]] virtual Result<std::vector<audit::Entry>> list(const AuditQuery& query,
                                                               std::int64_t* total) = 0;
  // Calls `fn` for every entry in seq order, `batch` rows at a time; stops when fn is false.
  [[nodiscard]] virtual Status scan(const std::function<bool(const audit::Entry&)>& fn) = 0;
};

class Transaction {
 public:
  virtual ~Transaction() = default;
  virtual RecordRepository& records() = 0;
  virtual UserRepository& users() = 0;
  virtual SessionRepository& sessions() = 0;
  virtual AuditRepository& audit() = 0;
  virtual NotificationRepository& notifications() = 0;
  virtual PermitRepository& permits() = 0;
  virtual HazardRepository& hazards() = 0;
  virtual MonitorRepository& monitor() = 0;
};

using TxFn = std::function<Status(Transaction&)>;

struct StoreStats {
  std::int64_t readers_total = 0;
  std::int64_t readers_in_use = 0;
  std::int64_t writes_committed = 0;
  std::int64_t write_batches = 0;
  std::int64_t write_queue_depth = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Runs fn in a write transaction and returns once it is durably committed (WAL +
  // synchronous=FULL on SQLite; synchronous_commit on PostgreSQL). When fn returns an error,
  // everything it wrote is rolled back and that error is returned. Writes may be queued behind
  // others and group-committed with them (each in its own savepoint), so fn must not block on
  // anything but the database. kUnavailable when the database can't be reached.
  [[nodiscard]] virtual Status write(const TxFn& fn) = 0;
  // Runs fn on a consistent read snapshot; writes through it fail.
  [[nodiscard]] virtual Status read(const TxFn& fn) = 0;
  // "sqlite" or "postgresql".
  virtual std::string backend() const = 0;
  virtual StoreStats stats() const = 0;
};

using StorePtr = std::unique_ptr<Store>;

// kUnavailable "store.commit_failed": a commit failed and the work may be sent again as it is
// (what a group commit answers every writer in it, whichever one broke it).
inline Error commitFailed() {
  return Error::unavailable("store.commit_failed", "The database could not commit, retry later");
}

}  // namespace anguan::store
