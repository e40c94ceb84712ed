// The repositories of store.hpp written once over a SqlConnection, for both dialects. Table and
// column names come from base::schemas() (and the fixed users/sessions/audit_log tables);
// caller-supplied field names are checked against the schema before they reach SQL text, and
// every value is bound as a parameter.
//
// Thread safety: a SqlTransaction and its repositories belong to the thread running the
// transaction callback (see store.hpp).
#pragma once

#include "anguan/domain/store/store.hpp"

#include "common/hazard_repository.hpp"
#include "common/monitor_repository.hpp"
#include "common/notification_repository.hpp"
#include "common/permit_repository.hpp"
#include "common/sql.hpp"

namespace anguan::store {

class SqlRecordRepository final : public RecordRepository {
 public:
  explicit SqlRecordRepository(SqlConnection& conn) : conn_(conn) {}
  [[nodiscard]] Result<base::Record> get(const base::EntitySchema& schema,
                                         std::int64_t id) override;
  [[nodiscard]] Result<Page> list(const base::EntitySchema& schema,
                                  const ListQuery& query) override;
  [[nodiscard]] Result<base::Record> insert(const base::EntitySchema& schema,
                                            const base::Record& record, Instant now) override;
  [[nodiscard]] Result<base::Record> update(const base::EntitySchema& schema,
                                            const base::Record& record, Instant now) override;
  [[nodiscard]] Status remove(const base::EntitySchema& schema, std::int64_t id,
                              std::int64_t version) override;
  [[nodiscard]] Result<std::int64_t> countReferences(const base::EntitySchema& schema,
                                                     const std::string& field,
                                                     std::int64_t id) override;
  [[nodiscard]] Result<std::int64_t> rewriteOrgPaths(const std::string& old_prefix,
                                                     const std::string& new_prefix) override;

 private:
  // kConflict "base.duplicate" (detail "field") when another row (not `self_id`) holds one of
  // the record's unique values.
  [[nodiscard]] Status checkUnique(const base::EntitySchema& schema, const base::Record& record,
                                   std::int64_t self_id);
  // kNotFound or kConflict "base.stale_version" for a row whose optimistic update matched none.
  [[nodiscard]] Status explainNoMatch(const base::EntitySchema& schema, std::int64_t id,
                                      std::int64_t version);
  [[nodiscard]] Status checkNotReferenced(const base::EntitySchema& schema, std::int64_t id);

  SqlConnection& conn_;
};

class SqlUserRepository final : public UserRepository {
 public:
  explicit SqlUserRepository(SqlConnection& conn) : conn_(conn) {}
  [[nodiscard]] Result<auth::User> findById(UserId id) override;
  [[nodiscard]] Result<auth::User> findByUsername(const std::string& username) override;
  [[nodiscard]] Result<auth::User> insert(const auth::User& user, Instant now) override;
  [[nodiscard]] Result<auth::User> update(const auth::User& user, Instant now) override;
  // `search` matches username or display_name (case-insensitive substring) or is a role code
  // the user holds; `scope_prefix` restricts to users whose org_path starts with it.
  [[nodiscard]] Result<std::vector<auth::User>> list(const std::string& search,
                                                     const std::string& scope_prefix,
                                                     std::int64_t offset, std::int64_t limit,
                                                     std::int64_t* total) override;
  [[nodiscard]] Result<std::int64_t> count() override;

 private:
  [[nodiscard]] Result<auth::User> findOne(const std::string& where, SqlParam value);
  [[nodiscard]] Status checkUsernameFree(const auth::User& user);

  SqlConnection& conn_;
};

class SqlSessionRepository final : public SessionRepository {
 public:
  explicit SqlSessionRepository(SqlConnection& conn) : conn_(conn) {}
  [[nodiscard]] Status insert(const auth::Session& session) override;
  [[nodiscard]] Result<auth::Session> find(const std::string& token_hash) override;
  // Idempotent: revoking a revoked session keeps the first revocation time. kNotFound
  // ("auth.session_not_found") when there is no such session.
  [[nodiscard]] Status revoke(const std::string& token_hash, Instant at) override;
  [[nodiscard]] Result<std::int64_t> revokeAllForUser(UserId user, Instant at) override;
  [[nodiscard]] Result<std::int64_t> purgeExpired(Instant before) override;

 private:
  SqlConnection& conn_;
};

class SqlAuditRepository final : public AuditRepository {
 public:
  explicit SqlAuditRepository(SqlConnection& conn) : conn_(conn) {}
  [[nodiscard]] Result<audit::Entry> append(const audit::Entry& entry) override;
  // Newest first (seq descending); `from`/`to` are inclusive.
  [[nodiscard]] Result<std::vector<audit::Entry>> list(const AuditQuery& query,
                                                       std::int64_t* total) override;
  [[nodiscard]] Status scan(const std::function<bool(const audit::Entry&)>& fn) override;

 private:
  SqlConnection& conn_;
};

class SqlTransaction final : public Transaction {
 public:
  explicit SqlTransaction(SqlConnection& conn)
      : records_(conn),
        users_(conn),
        sessions_(conn),
        audit_(conn),
        notifications_(conn),
        permits_(conn),
        hazards_(conn),
        monitor_(conn) {}
  RecordRepository& records() override { return records_; }
  UserRepository& users() override { return users_; }
  SessionRepository& sessions() override { return sessions_; }
  AuditRepository& audit() override { return audit_; }
  NotificationRepository& notifications() override { return notifications_; }
  PermitRepository& permits() override { return permits_; }
  HazardRepository& hazards() override { return hazards_; }
  MonitorRepository& monitor() override { return monitor_; }

 private:
  SqlRecordRepository records_;
  SqlUserRepository users_;
  SqlSessionRepository sessions_;
  SqlAuditRepository audit_;
  SqlNotificationRepository notifications_;
  SqlPermitRepository permits_;
  SqlHazardRepository hazards_;
  SqlMonitorRepository monitor_;
};

// The advisory-lock key that serialises audit appends on PostgreSQL.
inline constexpr std::int64_t kAuditLockKey = 727274;

}  // namespace anguan::store
