// Use cases over the base-data entities (org units, areas, people, certificates, equipment,
// maintenance windows, holidays): list, get, create, update, delete, import and export, each
// checking the caller's permission and organisation scope, validating against the schema,
// checking references, writing the audit entry in the same transaction and publishing a change
// event after the commit.
//
// Scope: a record belongs to the org unit given by its schema's scope_field (directly org_id,
// or through the referenced person/area/equipment). A caller sees and changes only records in
// their org subtree; records outside it answer "not found", and references to them are
// "bad_reference", so their existence never leaks.
//
// Thread safety: safe from any thread.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"
#include "anguan/domain/auth/access.hpp"
#include "anguan/domain/base/record.hpp"
#include "anguan/domain/base/schema.hpp"
#include "anguan/domain/store/store.hpp"
#include "anguan/service/audit_service.hpp"
#include "anguan/service/context.hpp"
#include "anguan/service/spreadsheet.hpp"

namespace anguan::service {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct RecordView {
  base::Record record;
  // Titles of referenced records by field name (only those visible to the caller).
  std::map<std::string, std::string> ref_titles;
};

struct RecordPage {
  std::vector<RecordView> items;
  std::int64_t total = 0;
  std::int64_t page = 1;
  std::int64_t page_size = 50;
};

struct ImportProblem {
  std::int64_t line = 0;  // 1-based line in the file (the header is line 1).
  std::string field;
  std::string reason;
};

struct ImportReport {
  std::int64_t imported = 0;
  std::vector<ImportProblem> problems;  // Non-empty = nothing was imported.
};

// Writes inside one system transaction (demo data, command line): no permission checks, but
// the same validation, reference checks and audit entries as the API.
class SystemBatch {
 public:
  virtual ~SystemBatch() = default;
  [[nodiscard]] virtual Result<base::Record> insert(const std::string& entity,
                                                    base::Record record) = 0;
};

class BaseDataService {
 public:
  BaseDataService(store::Store& store, const Clock& clock, const Settings& settings,
                  EventPublisher& events, const SpreadsheetCodec& codec)
      : store_(store), clock_(clock), settings_(settings), events_(events), codec_(codec) {}

  // By URL path or name; kNotFound "base.unknown_entity".
  [[nodiscard]] static Result<const base::EntitySchema*> entity(std::string_view name);

  // params: page, page_size, sort ("-field"), q, <field>=v, <field>__ge=v, <field>__le=v.
  // kInvalidArgument "query.bad_field" / "query.bad_value" for unknown fields or bad values.
  [[nodiscard]] Result<RecordPage> list(const auth::Principal& caller,
                                        const base::EntitySchema& schema,
                                        const QueryParams& params);
  [[nodiscard]] Result<RecordView> get(const auth::Principal& caller,
                                       const base::EntitySchema& schema, std::int64_t id);
  [[nodiscard]] Result<RecordView> create(const auth::Principal& caller,
                                          const base::EntitySchema& schema,
                                          const boost::json::object& body);
  // body must carry "version" (kInvalidArgument "validation.failed" version=required).
  [[nodiscard]] Result<RecordView> update(const auth::Principal& caller,
                                          const base::EntitySchema& schema, std::int64_t id,
                                          const boost::json::object& body);
  [[nodiscard]] Status remove(const auth::Principal& caller, const base::EntitySchema& schema,
                              std::int64_t id, std::int64_t version);

  // The file bytes. Columns are labelled in `language`; references by code or title.
  [[nodiscard]] Result<std::string> exportTable(const auth::Principal& caller,
                                                const base::EntitySchema& schema,
                                                const QueryParams& params, SheetFormat format,
                                                const std::string& language);
  // All rows or none: any bad row (or a write failure) leaves the database unchanged.
  [[nodiscard]] Result<ImportReport> importTable(const auth::Principal& caller,
                                                 const base::EntitySchema& schema,
                                                 std::string_view bytes, SheetFormat format);

  // The id of the org unit with `code` (kNotFound "org.not_found"), or with an empty code the
  // first root unit (0 when there is none). For the command line.
  [[nodiscard]] Result<std::int64_t> findOrgForSystem(const std::string& code);

  [[nodiscard]] Status systemBatch(const std::function<Status(SystemBatch&)>& fn);

  // Counts of records per entity in the caller's scope (home page).
  [[nodiscard]] Result<std::map<std::string, std::int64_t>> counts(const auth::Principal& caller);

 private:
  friend class SystemBatchImpl;

  struct WriteContext {
    store::Transaction& tx;
    Actor actor;
    std::string scope;  // Caller's scope prefix; "/" for the system.
    Instant now;
  };

  [[nodiscard]] Result<base::Record> insertChecked(WriteContext& ctx,
                                                   const base::EntitySchema& schema,
                                                   base::Record record);
  [[nodiscard]] Status resolveScope(WriteContext& ctx, const base::EntitySchema& schema,
                                    base::Record& record);
  [[nodiscard]] Status checkReferences(WriteContext& ctx, const base::EntitySchema& schema,
                                       const base::Record& record);
  [[nodiscard]] Status cascadeScope(WriteContext& ctx, const base::EntitySchema& schema,
                                    const base::Record& record);
  void addComputed(const base::EntitySchema& schema, base::Record& record) const;
  [[nodiscard]] Result<RecordView> view(store::Transaction& tx, const auth::Principal& caller,
                                        const base::EntitySchema& schema, base::Record record);
  [[nodiscard]] Result<store::ListQuery> parseQuery(const auth::Principal& caller,
                                                    const base::EntitySchema& schema,
                                                    const QueryParams& params) const;
  std::string auditJson(const base::EntitySchema& schema, const base::Record& record) const;
  void publish(const base::EntitySchema& schema, const char* action, const base::Record& record,
               const std::string& actor);

  store::Store& store_;
  const Clock& clock_;
  Settings settings_;
  EventPublisher& events_;
  const SpreadsheetCodec& codec_;
};

// The permission needed to write records of `schema`.
auth::Permission writePermission(const base::EntitySchema& schema);

}  // namespace anguan::service
