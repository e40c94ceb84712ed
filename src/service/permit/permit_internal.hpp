// Shared internals of PermitService (service/permit/*.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "anguan/domain/permit/approval.hpp"
#include "anguan/domain/permit/feasibility.hpp"
#include "anguan/domain/permit/grading.hpp"
#include "anguan/domain/permit/state_machine.hpp"
#include "anguan/domain/permit/work_type.hpp"
#include "anguan/service/audit_service.hpp"
#include "anguan/service/notification_service.hpp"
#include "anguan/service/permit_service.hpp"

#include "service_util.hpp"

namespace anguan::service::permit_detail {

namespace json = boost::json;

inline constexpr const char* kEntity = "permits";

using detail::forbidden;
using detail::hasAnyRole;
using detail::hasRole;
using detail::statusOf;
Error invalid(const std::string& field, const std::string& reason);
bool chinese(const auth::Principal& p);

json::object reasonJson(const permit::Reason& r);
permit::Reason reasonFrom(const json::value& v);
std::string reasonText(const json::value& v, bool zh);
// Certificate and role codes in a reason's params as labels in the language.
permit::Reason localized(permit::Reason r, bool zh);

// Doc accessors (missing keys read as empty).
json::object& objectAt(json::object& doc, const char* key);
json::array& arrayAt(json::object& doc, const char* key);
const json::object* objectIn(const json::object& doc, const char* key);
const json::array* arrayIn(const json::object& doc, const char* key);
std::string stringIn(const json::object& o, const char* key);
std::int64_t intIn(const json::object& o, const char* key);
double numberIn(const json::object& o, const char* key);
bool boolIn(const json::object& o, const char* key);
std::optional<Instant> instantIn(const json::object& o, const char* key);  // ms int

// Steps <-> doc (extras such as comment, signer and location stay in the JSON).
std::vector<permit::Step> stepsFrom(const json::object& doc);
void writeSteps(json::object& doc, const std::vector<permit::Step>& steps);
std::string waitingRoles(const std::vector<permit::Step>& steps);
// ",a,b," → {a, b}
std::vector<std::string> decodeRoles(const std::string& list);

// The last passing gas test's sampling time.
std::optional<Instant> lastPassingGasTest(const json::object& doc);
// The gases whose latest reading (by sampling time) failed, by code.
std::vector<std::string> failingGases(const json::object& doc);

struct PendingNotice {
  NotificationDraft draft;
  std::vector<std::string> roles;  // Resolved to role holders who can see the permit.
};

// One loaded permit. A mutator runs in a *read* transaction (`tx`): it may read anything but
// writes nothing itself; what it records (the row and doc, events, notices, files, the audit
// action) is written afterwards in one write transaction that also checks the permit's version,
// so the single writer only does SQL (mutate() retries when another change won the race).
struct MutationCtx {
  store::Transaction& tx;
  const auth::Principal* caller;  // nullptr = system
  Actor actor;
  Instant now;
  store::PermitRow row;
  json::object doc;
  // The rules the permit was issued under (its type_code and rules_version; empty when the
  // store has none). Refers to the service's cache, kept alive by the caller.
  const permit::WorkTypeDef& type;
  std::string audit_action;
  std::vector<store::PermitEventRow> events;
  std::vector<PendingNotice> notices;
  std::vector<store::PermitFileRow> files;  // Inserted with the change.

  permit::State state() const;
  // Applies a state-machine action; records an event with `kind` and `data`.
  Status apply(permit::Action action, const std::string& kind, json::object data = {});
  void event(const std::string& kind, json::object data = {});
  // Notifies the permit's leader and guardian (people) and the given roles.
  void notify(const std::string& kind, const std::string& zh, const std::string& en,
              std::vector<std::string> roles = {}, bool crew = true);
};

// A signature: the caller's password again, or a drawn PNG (stored as a file of the permit,
// named `file_name`, with the change). Fills `out` with signature_kind (and signature_file).
// kInvalidArgument "permit.signature_invalid" / "permit.signature_required".
Status verifySignature(MutationCtx& c, const auth::Principal& caller, const Signature& sig,
                       json::object& out, const char* file_name);
// The caller's password again (signatures, emergency actions); a success is remembered for 10
// minutes. kInvalidArgument "permit.signature_invalid".
Status verifyPassword(store::Transaction& tx, const auth::Principal& caller,
                      const std::string& password, Instant now);

// Suspends active work: records the suspension (reason, source: manual, system, emergency,
// guardian_absent), clears the guardian's presence, notifies the crew and approvers.
Status suspendWork(MutationCtx& c, const std::string& reason, const std::string& source);
// Suspends active work whose guardian confirmed presence and then went silent for longer than
// permit::kGuardianPresenceTimeout; sets *suspended.
Status suspendIfGuardianAbsent(MutationCtx& c, bool* suspended);

// Permit number prefix of a work type ("DH" hot work, ...; "ZY" for admin-defined types).
std::string numberPrefix(const std::string& type);
// Local calendar date "YYYY-MM-DD", minute of day and weekday (0 = Sunday) of `t` in the
// enterprise zone (UTC offset in minutes).
std::string localDate(Instant t, int tz);
int localMinute(Instant t, int tz);
int weekday(Instant t, int tz);

// Permit and approval-step states in the language.
std::string stateLabel(const std::string& state, bool zh);

// `type`: the permit's rules as a work type object (its labels name the type and level);
// nullptr shows the codes.
json::object summaryJson(const store::PermitRow& row, const json::object& doc,
                         const json::object* type, bool zh, int tz);

// Reads permit `id` in `tx` for `caller` (nullptr: a system job, no scope): kNotFound
// "permit.not_found" when it is missing or outside the caller's scope, kInternal
// "permit.corrupt" when its document is damaged. `row` comes back without its doc, which is
// parsed into `doc`.
Status readPermit(store::Transaction& tx, const auth::Principal* caller, std::int64_t id,
                  store::PermitRow& row, json::object& doc);

}  // namespace anguan::service::permit_detail

namespace anguan::service {

// What a permit's detail view is built from (PermitService::get, and change() after mutate()).
struct PermitService::DetailParts {
  store::PermitRow row;  // `doc` left empty: the parsed document is below.
  // The document lives for one request: its values come from one arena, freed at once
  // (readPermit parses into it, and mutate() moves into it without a copy).
  boost::json::object doc{boost::json::make_shared_resource<boost::json::monotonic_resource>()};
  std::shared_ptr<const TypeView> view;  // nullptr when the snapshot is missing or damaged.
  std::vector<store::PermitEventRow> events;
  std::vector<store::PermitFileRow> files;
  boost::json::array linked;  // {id, number, type} of linked permits the caller can see.
  std::optional<std::string> enterprise;
  // The rules the permit was issued under (`work_type`, ~8 KB) are in GET's view; an action's
  // answer leaves them out (they never change during the permit's life) and names them by
  // `rules_version` only.
  bool with_rules = true;
  // Only `row`, `doc` and `view` are wanted: the answer is the permit's summary (the caller
  // asked for a minimal answer), so the timeline, files and linked permits are not read.
  bool brief = false;
};

// The rules from PermitService::typeView as the work type object summaryJson labels from (both
// languages are in it); nullptr when none are kept or they failed to load. `v` must outlive it.
inline const boost::json::object* rulesObject(
    const Result<std::shared_ptr<const PermitService::TypeView>>& v) {
  return v && *v != nullptr ? &(*v)->zh : nullptr;
}

}  // namespace anguan::service
