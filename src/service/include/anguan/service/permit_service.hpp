// Work planning, electronic permits and approval (GB 30871-2022): work types as data, plans with
// live grading and feasibility findings, the approval chain with signatures, SLA reminders and
// escalation, start gating on gas tests and confirmed measures, suspension and resumption,
// expiry, close-out with acceptance and review, the close-out report, the public status page
// and the daily board. The rules themselves live in domain/permit; this layer loads what they
// need, checks role and organisation scope, writes the permit, its timeline event, the audit
// entry and the notifications in one transaction, then publishes a change event.
//
// JSON in and out: requests and views are boost::json objects shaped as docs/permits-api.md
// describes; texts are rendered in the caller's language ("zh-CN" or "en").
//
// Thread safety: safe from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"
#include "anguan/domain/auth/access.hpp"
#include "anguan/domain/permit/work_type.hpp"
#include "anguan/domain/store/store.hpp"
#include "anguan/service/context.hpp"
#include "anguan/service/notification_service.hpp"

namespace anguan::service {

namespace permit_detail {
struct MutationCtx;
}

struct PermitListQuery {
  std::vector<std::string> states;
  std::string type;
  std::int64_t area_id = 0;
  std::optional<Instant> from, to;
  bool mine = false;  // crew member or waiting for one of my roles
  std::string search;
  std::int64_t page = 1;
  std::int64_t page_size = 50;
};

struct Signature {
  std::string kind;  // "password" or "image"
  std::string password;
  std::string image_png;  // decoded bytes
};

struct Decision {
  std::string action;  // approve, reject, return
  std::string comment;
  Signature signature;
  boost::json::object location;  // {lat, lng, text}
  // The last approval checks feasibility again: a reason for each warning that was not
  // overridden at submit (finding code → reason).
  std::map<std::string, std::string> overrides;
};

// The monitoring module's environment check for feasibility (current valid readings in the
// area over limits → block). Absent until monitoring is wired.
class EnvironmentCheck {
 public:
  virtual ~EnvironmentCheck() = default;
  // Findings as {code, severity: pass|warn|block, key, params} objects.
  virtual std::vector<boost::json::object> findings(std::int64_t area_id, Instant now) = 0;
};

class PermitService {
 public:
  PermitService(store::Store& store, const Clock& clock, const Settings& settings,
                EventPublisher& events, NotificationService& notifications);

  // Seeds the default work types when the table is empty. Called at start.
  [[nodiscard]] Status ensureWorkTypes();
  void setEnvironmentCheck(EnvironmentCheck* check) { environment_ = check; }

  // Work types.
  [[nodiscard]] Result<boost::json::array> workTypes(const auth::Principal& caller);
  [[nodiscard]] Result<boost::json::object> workType(const auth::Principal& caller,
                                                     const std::string& code);
  // Admin: create or replace; bumps rules_version; audited.
  [[nodiscard]] Result<boost::json::object> saveWorkType(const auth::Principal& caller,
                                                         const std::string& code,
                                                         const boost::json::object& body,
                                                         bool create);
  boost::json::array commonFields(const std::string& language) const;

  // Planning.
  [[nodiscard]] Result<boost::json::object> preview(const auth::Principal& caller,
                                                    const boost::json::object& plan);
  [[nodiscard]] Result<boost::json::object> create(const auth::Principal& caller,
                                                   const boost::json::object& plan);
  [[nodiscard]] Result<boost::json::object> update(const auth::Principal& caller, std::int64_t id,
                                                   const boost::json::object& plan,
                                                   std::int64_t version);
  [[nodiscard]] Result<boost::json::object> submit(
      const auth::Principal& caller, std::int64_t id,
      const std::map<std::string, std::string>& overrides);
  [[nodiscard]] Result<boost::json::object> cancel(const auth::Principal& caller, std::int64_t id,
                                                   const std::string& reason);

  // Approval.
  [[nodiscard]] Result<boost::json::object> decide(const auth::Principal& caller, std::int64_t id,
                                                   const Decision& decision);
  [[nodiscard]] Result<boost::json::array> queue(const auth::Principal& caller);

  // On site.
  [[nodiscard]] Result<boost::json::object> recordGasTest(const auth::Principal& caller,
                                                          std::int64_t id,
                                                          const boost::json::object& body);
  [[nodiscard]] Result<boost::json::object> confirmMeasures(const auth::Principal& caller,
                                                            std::int64_t id,
                                                            const boost::json::array& items);
  [[nodiscard]] Result<boost::json::object> briefing(const auth::Principal& caller, std::int64_t id,
                                                     const std::string& giver,
                                                     const std::vector<std::string>& receivers);
  [[nodiscard]] Result<boost::json::object> shiftCheck(const auth::Principal& caller,
                                                       std::int64_t id);
  [[nodiscard]] Result<boost::json::object> start(const auth::Principal& caller, std::int64_t id);
  // The guardian confirms being on site (present = true; the phone repeats it while guarding)
  // or leaving (false: active work is suspended). Only the permit's guardian; issued or active.
  // runDeadlines suspends active work whose guardian went silent (permit::guardianAbsent).
  [[nodiscard]] Result<boost::json::object> guardianPresence(const auth::Principal& caller,
                                                             std::int64_t id, bool present);
  [[nodiscard]] Result<boost::json::object> suspend(const auth::Principal& caller, std::int64_t id,
                                                    const std::string& reason);
  // System suspension (gas alarm, guardian absent) — no caller; used by monitoring.
  // `source` is recorded on the suspension ("gas_alarm", "guardian_absent"; "system" = other).
  // After "gas_alarm" or "system", resuming needs a passing gas test taken after the suspension.
  [[nodiscard]] Result<std::vector<std::int64_t>> suspendInAreaBySystem(
      std::int64_t area_id, const std::vector<std::string>& types, const std::string& reason,
      const std::string& source = "system");
  [[nodiscard]] Result<std::vector<std::int64_t>> suspendAll(const auth::Principal& caller,
                                                             std::int64_t area_id,
                                                             const std::string& reason,
                                                             const std::string& password);
  [[nodiscard]] Result<boost::json::object> resume(const auth::Principal& caller, std::int64_t id);
  [[nodiscard]] Result<boost::json::object> progress(const auth::Principal& caller, std::int64_t id,
                                                     const std::string& text, bool key_step);
  [[nodiscard]] Result<boost::json::object> complete(const auth::Principal& caller,
                                                     std::int64_t id);
  [[nodiscard]] Result<boost::json::object> acceptance(const auth::Principal& caller,
                                                       std::int64_t id,
                                                       const std::vector<std::string>& items,
                                                       const std::string& comment,
                                                       const Signature& signature);
  [[nodiscard]] Result<boost::json::object> review(const auth::Principal& caller, std::int64_t id,
                                                   const std::string& lessons);
  [[nodiscard]] Result<boost::json::object> close(const auth::Principal& caller, std::int64_t id);

  // Reading.
  [[nodiscard]] Result<boost::json::object> get(const auth::Principal& caller, std::int64_t id);
  [[nodiscard]] Result<boost::json::object> list(const auth::Principal& caller,
                                                 const PermitListQuery& query);
  [[nodiscard]] Result<boost::json::object> report(const auth::Principal& caller, std::int64_t id);
  [[nodiscard]] Result<boost::json::object> publicStatus(const std::string& token,
                                                         const std::string& language);
  [[nodiscard]] Result<boost::json::object> board(const auth::Principal& caller,
                                                  const std::string& date);
  [[nodiscard]] Result<store::PermitFileRow> file(const auth::Principal& caller,
                                                  const std::string& file_id);
  // Attachment (photo or PDF, checked by magic bytes, ≤ 10 MiB); returns {id, name, ...}.
  [[nodiscard]] Result<boost::json::object> addFile(const auth::Principal& caller, std::int64_t id,
                                                    const std::string& name,
                                                    const std::string& bytes);

  // Time-driven: expiry (and alerts before it), approval SLA reminders and escalation,
  // re-test due. Idempotent. Returns how many permits it changed or notified.
  [[nodiscard]] Result<std::int64_t> runDeadlines(Instant now);

 public:
  // A permit's rules snapshot, parsed, and as shown in each language.
  struct TypeView {
    permit::WorkTypeDef def;
    boost::json::object zh, en;
  };

 private:
  using Mutator = std::function<Status(permit_detail::MutationCtx&)>;
  // The rules of work type `code` at `rules_version` (what a permit of that row was issued
  // under, kept in the store's work_type_versions), parsed; cached by (code, rules_version).
  // nullptr when none is kept; kInternal when the kept rules don't parse.
  Result<std::shared_ptr<const TypeView>> typeView(store::Transaction& tx, const std::string& code,
                                                   std::int64_t rules_version);

  // Loads permit `id` in a read transaction, checks scope, runs `fn`, then saves what it
  // recorded in a write transaction guarded by the permit's version (retried when another
  // change won), and publishes. `caller` nullptr = the system (jobs, monitoring). Returns the
  // permit's id.
  // `prepare_lock`, when given, is held while `fn` runs (from before the read begins).
  // `detail`, when given, is filled with what the caller's detail view of the changed permit
  // is built from: loaded in the same read and completed with what the write stored (the
  // write is guarded by the version that read saw, so nothing else changed in between).
  struct DetailParts;
  [[nodiscard]] Result<std::int64_t> mutate(const auth::Principal* caller, std::int64_t id,
                                            const Mutator& fn, std::mutex* prepare_lock = nullptr,
                                            DetailParts* detail = nullptr);
  // The feasibility check again at the last approval (issue 3 part 4), on today's data: a block
  // refuses the approval, a warning needs a reason (from submit or `overrides`). Records the
  // findings in the document.
  [[nodiscard]] Status checkAtIssue(permit_detail::MutationCtx& c,
                                    const std::map<std::string, std::string>& overrides);
  // mutate() then the caller's view of the permit (without reading it again).
  [[nodiscard]] Result<boost::json::object> change(const auth::Principal& caller, std::int64_t id,
                                                   const Mutator& fn);
  // The rest of a detail view (timeline, files, linked permits, enterprise) for `d.row` and
  // `d.doc`, read in `tx`; and the view itself.
  [[nodiscard]] Status loadDetail(store::Transaction& tx, const auth::Principal& caller,
                                  DetailParts& d);
  [[nodiscard]] boost::json::object composeDetail(const auth::Principal& caller,
                                                  const DetailParts& d, Instant now) const;
  // The permit's summary (a list item's fields) from `d.row`, `d.doc` and `d.view`.
  [[nodiscard]] boost::json::object briefJson(const auth::Principal& caller,
                                              const DetailParts& d) const;
  // What create and submit answer: get(), or the summary when the caller prefers a minimal
  // answer.
  [[nodiscard]] Result<boost::json::object> answer(const auth::Principal& caller, std::int64_t id);
  // Publishes the change; pushes the outbox when the change enqueued notifications.
  void afterCommit(const std::string& org_path, std::int64_t id, const std::string& state,
                   bool notified = true);
  using TypeList = std::shared_ptr<const std::vector<permit::WorkTypeDef>>;
  [[nodiscard]] Result<TypeList> loadTypes(store::Transaction& tx);

  store::Store& store_;
  const Clock& clock_;
  Settings settings_;
  EventPublisher& events_;
  NotificationService& notifications_;
  EnvironmentCheck* environment_ = nullptr;
  std::mutex types_mutex_;
  TypeList types_cache_;
  // Submits are checked against the other open work and then enter that set. Their checks
  // run one at a time per process (mutate holds plan_mutex_ from before the read), and a
  // submit stays in in_flight_ until its write has committed, so a later check sees it either
  // there or in its own (newer) read: two overlapping submits can't both miss each other.
  // Several nodes on one PostgreSQL don't share this (docs/architecture.md).
  std::mutex plan_mutex_;
  // Guarded by plan_mutex_: permit id -> (ticket of the submit call, its columns).
  std::map<std::int64_t, std::pair<std::uint64_t, store::PermitRow>> in_flight_;
  std::atomic<std::uint64_t> submit_tickets_{0};
  bool types_cached_ = false;
  std::map<std::pair<std::string, std::int64_t>, std::shared_ptr<const TypeView>> type_views_;
};

}  // namespace anguan::service
