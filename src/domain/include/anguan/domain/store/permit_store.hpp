// Persistence port for work types, permits (plan, approval, on-site record, close-out), their
// timeline and files. Implemented once over SQL in store/common/permit_repository.cpp for both
// SQLite and PostgreSQL.
//
// A permit is stored as indexed columns (what lists, queues, boards, jobs and indicators filter
// on) plus `doc`, the JSON of everything else the service keeps (plan details, steps,
// signatures, gas tests, confirmations, close-out); the store treats `doc` as opaque text.
// Every change is an optimistic update on `version`, so of two concurrent decisions on one
// step exactly one wins.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"

namespace anguan::store {

struct WorkTypeRow {
  std::string code;
  std::int64_t rules_version = 1;
  bool active = true;
  std::string doc;  // JSON of permit::WorkTypeDef
  Instant updated_at{};
  std::int64_t updated_by = 0;
};

struct PermitRow {
  std::int64_t id = 0;
  std::string number;  // unique, e.g. "DH-20261128-0007"
  std::string type_code;
  std::string level;
  std::string state;
  std::int64_t org_id = 0;
  std::string org_path;
  std::int64_t area_id = 0;
  std::string title;
  Instant window_from{}, window_to{};
  std::int64_t leader_id = 0;    // person
  std::int64_t guardian_id = 0;  // person
  std::string crew;              // code list ",12,15," of person ids (leader, guardian, workers)
  std::string waiting_roles;     // code list of the roles of open approval steps
  std::optional<Instant> waiting_since;
  std::int64_t rules_version = 1;
  std::string public_token;  // random; the QR status page
  std::int64_t created_by = 0;
  Instant created_at{}, updated_at{};
  std::optional<Instant> submitted_at, issued_at, started_at, suspended_at, completed_at, closed_at;
  std::int64_t version = 0;
  std::string conditions = "{}";  // JSON object: the plan's conditions (listed without the doc)
  std::string doc;                // JSON
};

struct PermitQuery {
  std::vector<std::string> states;  // any of; empty = all
  std::string type_code;
  std::int64_t area_id = 0;
  std::optional<Instant> from, to;  // window overlaps [from, to)
  std::int64_t crew_person = 0;     // in the crew
  std::string waiting_role_any;     // code list of roles: any open step has one of them
  std::string search;               // number or title substring
  std::string scope_prefix;
  bool with_doc = true;
  std::int64_t offset = 0;
  std::int64_t limit = 50;
  bool newest_first = true;  // by id
  bool any_order = false;    // no ORDER BY: lets the store pick the state/window index
  // Only id, number, type_code, state, area_id, window, guardian_id and conditions are filled
  // (what the feasibility check reads of other work): the store answers from its overlap index
  // without reading the rows. Implies with_doc = false.
  bool narrow = false;
  // When set, only work that has this guardian (0: none), or is of one of these types, or (when
  // `painting`) whose conditions mention painting: what the feasibility check can flag
  // (permit::otherWorkThatMatters). The painting test is textual, a superset the caller checks.
  // Implies narrow: each kind is read from an index of its own, in no particular order.
  struct AnyOf {
    std::int64_t guardian_id = 0;
    std::vector<std::string> type_codes;
    bool painting = false;
  };
  std::optional<AnyOf> any_of;
};

struct PermitEventRow {
  std::int64_t id = 0;
  std::int64_t permit_id = 0;
  Instant at{};
  std::int64_t actor_id = 0;
  std::string actor_name;
  std::string kind;  // e.g. "created", "submitted", "approved", "gas_test", "started"
  std::string from_state, to_state;
  std::string data;  // JSON object
};

struct PermitFileRow {
  std::string id;  // random 128-bit hex
  std::int64_t permit_id = 0;
  std::string name, content_type;
  std::string data;  // bytes
  std::int64_t size = 0;
  Instant created_at{};
  std::int64_t created_by = 0;
};

class PermitRepository {
 public:
  virtual ~PermitRepository() = default;

  [[nodiscard]] virtual Result<std::vector<WorkTypeRow>> listWorkTypes() = 0;
  // Insert or replace by code; also keeps `row.doc` as the rules of (code, rules_version) for
  // workTypeVersion() unless that version is already kept (a kept version never changes).
  [[nodiscard]] virtual Status saveWorkType(const WorkTypeRow& row) = 0;
  // The rules a permit of (code, rules_version) was issued under; nullopt when none is kept.
  [[nodiscard]] virtual Result<std::optional<std::string>> workTypeVersion(
      const std::string& code, std::int64_t rules_version) = 0;

  // Sets id, version 1. kConflict "permit.duplicate_number" when the number exists.
  [[nodiscard]] virtual Result<std::int64_t> insert(const PermitRow& row) = 0;
  // kNotFound "permit.not_found".
  // Sets the permit number (assigned from the id after insert); version unchanged.
  [[nodiscard]] virtual Status setNumber(std::int64_t id, const std::string& number) = 0;
  [[nodiscard]] virtual Result<PermitRow> get(std::int64_t id) = 0;
  [[nodiscard]] virtual Result<PermitRow> getByToken(const std::string& token) = 0;
  // Writes every column of `row` when the stored version is row.version, and bumps it.
  // kConflict "permit.stale_version" on a mismatch.
  [[nodiscard]] virtual Result<std::int64_t> update(const PermitRow& row) = 0;
  // The same, writing only the columns whose value differs from `before` (the row as it was
  // read at row.version) besides doc, updated_at and version: an index whose columns did not
  // change is not rewritten.
  [[nodiscard]] virtual Result<std::int64_t> updateChanged(const PermitRow& row,
                                                           const PermitRow& before) = 0;
  [[nodiscard]] virtual Result<std::vector<PermitRow>> list(const PermitQuery& query,
                                                            std::int64_t* total) = 0;
  // Permits numbered with `prefix` (for the next sequence number).
  [[nodiscard]] virtual Result<std::int64_t> countNumbersWithPrefix(const std::string& prefix) = 0;

  [[nodiscard]] virtual Result<std::int64_t> appendEvent(const PermitEventRow& event) = 0;
  [[nodiscard]] virtual Result<std::vector<PermitEventRow>> events(std::int64_t permit_id) = 0;

  [[nodiscard]] virtual Status insertFile(const PermitFileRow& file) = 0;
  // kNotFound "permit.file_not_found".
  [[nodiscard]] virtual Result<PermitFileRow> getFile(const std::string& id) = 0;
  [[nodiscard]] virtual Result<std::vector<PermitFileRow>> listFiles(std::int64_t permit_id) = 0;
};

}  // namespace anguan::store
