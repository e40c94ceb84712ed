#include "anguan/service/hazard_service.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "anguan/core/crypto.hpp"
#include "anguan/domain/base/schema.hpp"
#include "anguan/service/audit_service.hpp"
#include "anguan/service/notification_service.hpp"

namespace anguan::service {
namespace {

namespace json = boost::json;
using hazard::Action;
using hazard::State;
using store::HazardRow;

bool hasRole(const auth::Principal& p, std::initializer_list<const char*> roles) {
  for (const auto& r : p.roles) {
    for (const char* want : roles) {
      if (r == want) {
        return true;
      }
    }
  }
  return false;
}

bool isSafety(const auth::Principal& p) {
  return hasRole(p, {"safety_officer", "approver_safety", "admin"});
}

Status requireSafety(const auth::Principal& p) {
  if (!isSafety(p)) {
    return Error::permissionDenied("hazard.forbidden", "needs a safety officer");
  }
  return {};
}

Error notFound() { return Error::notFound("hazard.not_found", "no such hazard"); }

std::string stateJson(const HazardRow& h) {
  return json::serialize(json::object{{"state", hazard::toString(h.state)},
                                      {"assignee_person_id", h.assignee_person_id},
                                      {"deadline", h.deadline ? toMillis(*h.deadline) : 0}});
}

// Sniffs JPEG, PNG and WebP.
std::optional<std::string> imageMime(const std::string& b) {
  if (b.size() >= 3 && static_cast<unsigned char>(b[0]) == 0xFF &&
      static_cast<unsigned char>(b[1]) == 0xD8 && static_cast<unsigned char>(b[2]) == 0xFF) {
    return "image/jpeg";
  }
  if (b.size() >= 8 && b.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0) {
    return "image/png";
  }
  if (b.size() >= 12 && b.compare(0, 4, "RIFF") == 0 && b.compare(8, 4, "WEBP") == 0) {
    return "image/webp";
  }
  return std::nullopt;
}

struct Ctx {
  store::Transaction& tx;
  const auth::Principal& caller;
  Instant now;
};

Result<std::int64_t> personOf(store::Transaction& tx, const auth::Principal& p) {
  AG_ASSIGN_OR_RETURN(auto user, tx.users().findById(p.user_id));
  return user.person_id;
}

Result<base::Record> areaInScope(store::Transaction& tx, const auth::Principal& caller,
                                 std::int64_t area_id) {
  const auto* schema = base::findSchema("areas");
  auto area = tx.records().get(*schema, area_id);
  if (!area || !auth::inScope(caller.org_path, area->org_path)) {
    return Error::invalidArgument("hazard.bad_area", "no such area in your scope")
        .with("field", "area_id");
  }
  return *area;
}

Result<HazardRow> loadInScope(store::Transaction& tx, const auth::Principal& caller,
                              std::int64_t id) {
  auto h = tx.hazards().getHazard(id);
  if (!h) {
    return h.error();
  }
  if (!auth::inScope(caller.org_path, h->org_path)) {
    return notFound();
  }
  return *h;
}

hazard::HazardFacts factsOf(const HazardRow& h) {
  hazard::HazardFacts f;
  f.state = h.state;
  f.level = h.level;
  f.reporter_user_id = h.reporter_user_id;
  f.assignee_person_id = h.assignee_person_id;
  f.rectifier_user_id = h.rectifier_user_id;
  f.deadline = h.deadline;
  f.has_plan = h.has_plan;
  f.has_acceptance = h.accepted_at.has_value();
  return f;
}

Status notify(store::Transaction& tx, const HazardRow& h, const char* kind,
              std::vector<std::int64_t> users, std::vector<std::int64_t> persons,
              const std::string& zh, const std::string& en, Instant now) {
  NotificationDraft d;
  d.user_ids = std::move(users);
  d.person_ids = std::move(persons);
  d.kind = kind;
  d.entity = "hazards";
  d.entity_id = h.id;
  d.title_zh = zh + " #" + std::to_string(h.id);
  d.title_en = en + " #" + std::to_string(h.id);
  d.body_zh = h.description;
  d.body_en = h.description;
  d.org_path = h.org_path;
  AG_ASSIGN_OR_RETURN(auto n, NotificationService::enqueue(tx, d, now));
  (void)n;
  return {};
}

// Applies `action` (table + timeline + audit) and stores the hazard.
Result<HazardRow> applyAction(store::Transaction& tx, const Actor& actor, Instant now, HazardRow h,
                              Action action, const std::string& note,
                              const std::function<void(HazardRow&)>& change) {
  const std::string before = stateJson(h);
  const State from = h.state;
  AG_ASSIGN_OR_RETURN(State to, hazard::transition(from, action));
  h.state = to;
  if (change) {
    change(h);
  }
  AG_ASSIGN_OR_RETURN(HazardRow stored, tx.hazards().updateHazard(h, now));
  AG_RETURN_IF_ERROR(
      tx.hazards().addEvent({0, h.id, now, actor.id, actor.name, hazard::toString(action),
                             hazard::toString(from), hazard::toString(to), note}));
  AG_RETURN_IF_ERROR(appendAudit(tx, actor, now, std::string("hazard.") + hazard::toString(action),
                                 "hazards", h.id, h.org_path, before, stateJson(stored)));
  return stored;
}

Status attachAll(store::Transaction& tx, const std::vector<std::string>& ids, std::int64_t uploader,
                 std::int64_t hazard_id, const char* kind, const std::string& org_path) {
  std::set<std::string> unique(ids.begin(), ids.end());
  AG_ASSIGN_OR_RETURN(auto n, tx.hazards().attachFiles({unique.begin(), unique.end()}, uploader,
                                                       hazard_id, kind, org_path));
  if (n != static_cast<std::int64_t>(unique.size())) {
    return Error::invalidArgument("hazard.bad_photo", "a photo id is unknown or already used")
        .with("field", "photo_ids");
  }
  return {};
}

// Assigns `h` (in reported or assigned/rectifying state) to `person_id` with a fresh deadline
// when it has none.
void setAssignee(HazardRow& h, std::int64_t person_id, Instant now,
                 const hazard::DeadlinePolicy& policy) {
  h.assignee_person_id = person_id;
  h.assigned_at = now;
  if (!h.deadline) {
    h.deadline = hazard::deadlineFor(h.level, now, policy);
  }
}

}  // namespace

// ------------------------------------------------------------------ photos

Result<std::string> HazardService::uploadPhoto(const auth::Principal& caller,
                                               const std::string& bytes) {
  if (bytes.size() > config_.max_photo_bytes) {
    return Error(ErrorCode::kPayloadTooLarge, "hazard.photo_too_large", "the photo is too large")
        .with("limit", std::to_string(config_.max_photo_bytes));
  }
  auto mime = imageMime(bytes);
  if (!mime) {
    return Error::invalidArgument("hazard.photo_not_image",
                                  "the file is not a JPEG, PNG or WebP image");
  }
  store::HazardFile f;
  f.id = crypto::randomToken();
  f.mime = *mime;
  f.size = static_cast<std::int64_t>(bytes.size());
  f.data_base64 = crypto::base64Encode(bytes);
  f.uploaded_by = caller.user_id.value;
  f.created_at = clock_.now();
  AG_RETURN_IF_ERROR(
      store_.write([&](store::Transaction& tx) { return tx.hazards().insertFile(f); }));
  return f.id;
}

Result<std::pair<std::string, std::string>> HazardService::photo(const auth::Principal& caller,
                                                                 const std::string& id) {
  store::HazardFile f;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(f, tx.hazards().getFile(id));
    return {};
  }));
  const bool visible = f.hazard_id == 0 ? f.uploaded_by == caller.user_id.value
                                        : auth::inScope(caller.org_path, f.org_path);
  if (!visible) {
    return Error::notFound("hazard.file_not_found", "no such file");
  }
  auto bytes = crypto::base64Decode(f.data_base64);
  if (!bytes) {
    return Error::internal("hazard.file_corrupt", "stored file is corrupt");
  }
  return std::make_pair(f.mime, *bytes);
}

// ------------------------------------------------------------------ hazards

Result<HazardDetail> HazardService::get(const auth::Principal& caller, std::int64_t id) {
  HazardDetail d;
  const Instant now = clock_.now();
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(d.hazard, loadInScope(tx, caller, id));
    AG_ASSIGN_OR_RETURN(d.events, tx.hazards().events(id));
    AG_ASSIGN_OR_RETURN(d.files, tx.hazards().filesOf(id));
    if (hazard::isOpen(d.hazard.state)) {
      AG_ASSIGN_OR_RETURN(auto dups,
                          tx.hazards().openDuplicates(d.hazard.area_id, d.hazard.type_code));
      for (auto other : dups) {
        if (other != id) {
          d.open_duplicates.push_back(other);
        }
      }
    }
    return {};
  }));
  d.overdue =
      hazard::owesRectification(d.hazard.state) && d.hazard.deadline && now >= *d.hazard.deadline;
  return d;
}

Result<HazardDetail> HazardService::report(const auth::Principal& caller, const ReportInput& in) {
  if (in.description.empty() || in.description.size() > 2000) {
    return Error::invalidArgument("validation.failed", "description is required")
        .with("description", "required");
  }
  const Instant now = clock_.now();
  const Instant discovered = in.discovered_at.value_or(now);
  if (discovered > now + std::chrono::minutes{5}) {
    return Error::invalidArgument("hazard.discovered_in_future",
                                  "the discovery time is in the future");
  }
  const Actor actor = Actor::of(caller);
  std::int64_t id = 0;
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(base::Record area, areaInScope(tx, caller, in.area_id));
    AG_ASSIGN_OR_RETURN(auto types, tx.hazards().types());
    const bool known = std::any_of(types.begin(), types.end(), [&](const store::HazardType& t) {
      return t.active && t.code == in.type_code;
    });
    if (!known) {
      return Error::invalidArgument("hazard.bad_type", "unknown hazard type")
          .with("field", "type_code");
    }
    HazardRow h;
    h.org_path = area.org_path;
    h.area_id = in.area_id;
    h.type_code = in.type_code;
    h.level = in.level;
    h.source = in.source;
    h.source_ref = in.source_ref;
    h.description = in.description;
    h.reporter_user_id = caller.user_id.value;
    h.reporter_name = actor.name;
    h.discovered_at = discovered;
    h.reported_at = now;
    h.created_at = now;
    AG_ASSIGN_OR_RETURN(auto recent, tx.hazards().closedSince(
                                         in.area_id, in.type_code,
                                         now - std::chrono::days{hazard::kRecurrenceWindowDays}));
    if (auto prev = hazard::findRecurrence(in.area_id, in.type_code, now, recent)) {
      h.recurrence_of = *prev;
    }
    AG_ASSIGN_OR_RETURN(auto rules, tx.hazards().assignmentRules());
    const std::int64_t assignee = hazard::pickAssignee(rules, in.area_id, in.type_code, in.level,
                                                       area.getInt("responsible_person_id"));
    AG_ASSIGN_OR_RETURN(id, tx.hazards().insertHazard(h));
    h.id = id;
    h.version = 1;
    AG_RETURN_IF_ERROR(attachAll(tx, in.photo_ids, caller.user_id.value, id, "report", h.org_path));
    AG_RETURN_IF_ERROR(tx.hazards().addEvent(
        {0, id, now, actor.id, actor.name, "report", "", "reported",
         h.recurrence_of != 0 ? "recurs #" + std::to_string(h.recurrence_of) : ""}));
    AG_RETURN_IF_ERROR(
        appendAudit(tx, actor, now, "hazard.report", "hazards", id, h.org_path, "", stateJson(h)));
    if (assignee != 0) {
      AG_ASSIGN_OR_RETURN(
          h, applyAction(tx, Actor{}, now, h, Action::kAssign, "auto",
                         [&](HazardRow& x) { setAssignee(x, assignee, now, config_.deadlines); }));
      AG_RETURN_IF_ERROR(notify(tx, h, "hazard.assigned", {}, {assignee}, "隐患已指派给您",
                                "Hazard assigned to you", now));
    } else {
      AG_ASSIGN_OR_RETURN(auto safety,
                          NotificationService::roleHolders(tx, "safety_officer", h.org_path));
      AG_RETURN_IF_ERROR(notify(tx, h, "hazard.unassigned", safety, {}, "隐患待指派",
                                "Hazard waiting for assignment", now));
    }
    if (h.level == hazard::Level::kMajor) {
      AG_ASSIGN_OR_RETURN(auto leaders,
                          NotificationService::roleHolders(tx, "approver_leader", h.org_path));
      AG_RETURN_IF_ERROR(notify(tx, h, "hazard.major_reported", leaders, {}, "重大隐患上报",
                                "Major hazard reported", now));
    }
    return {};
  }));
  events_.publish(Event{"hazards", "", json::serialize(json::object{{"id", id}})});
  return get(caller, id);
}

Result<store::HazardPage> HazardService::list(const auth::Principal& caller,
                                              store::HazardQuery query) {
  if (!caller.can(auth::Permission::kBaseRead)) {
    return Error::permissionDenied("auth.forbidden", "not allowed");
  }
  query.scope_prefix = caller.org_path;
  store::HazardPage page;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(page, tx.hazards().listHazards(query));
    return {};
  }));
  return page;
}

Result<std::string> HazardService::exportLedger(const auth::Principal& caller,
                                                store::HazardQuery query, SheetFormat format,
                                                const std::string& language) {
  if (codec_ == nullptr) {
    return Error::unavailable("hazard.export_unavailable", "export is not configured");
  }
  const bool en = language == "en";
  const int tz = settings_.tz_offset_minutes;
  query.page_size = 1000;
  query.page = 1;
  AG_ASSIGN_OR_RETURN(auto first, list(caller, query));
  if (first.total > kExportMax) {
    return Error::invalidArgument("hazard.export_too_large", "too many hazards for one export")
        .with("total", std::to_string(first.total));
  }
  std::vector<HazardRow> rows = std::move(first.items);
  while (static_cast<std::int64_t>(rows.size()) < first.total) {
    ++query.page;
    AG_ASSIGN_OR_RETURN(auto page, list(caller, query));
    if (page.items.empty()) {
      break;
    }
    rows.insert(rows.end(), page.items.begin(), page.items.end());
  }
  // Names of areas, types and assignees.
  std::map<std::int64_t, std::string> areas, people;
  std::map<std::string, std::string> type_names;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    store::ListQuery q;
    q.page_size = 1000;
    q.scope_prefix = caller.org_path;
    AG_ASSIGN_OR_RETURN(auto page, tx.records().list(*base::findSchema("areas"), q));
    for (const auto& a : page.items) {
      areas[a.id] = a.getText("name");
    }
    AG_ASSIGN_OR_RETURN(auto types, tx.hazards().types());
    for (const auto& t : types) {
      type_names[t.code] = en && !t.name_en.empty() ? t.name_en : t.name_zh;
    }
    for (const auto& h : rows) {
      if (h.assignee_person_id != 0 && people.count(h.assignee_person_id) == 0) {
        auto p = tx.records().get(*base::findSchema("people"), h.assignee_person_id);
        people[h.assignee_person_id] =
            p ? p->getText("name") : "#" + std::to_string(h.assignee_person_id);
      }
    }
    return {};
  }));
  auto when = [tz](const std::optional<Instant>& t) -> std::string {
    if (!t) {
      return "";
    }
    std::string s = formatRfc3339(*t, tz).substr(0, 16);
    s[10] = ' ';
    return s;
  };
  static const std::map<std::string, std::pair<const char*, const char*>> kStates = {
      {"reported", {"已上报", "Reported"}},     {"assigned", {"已指派", "Assigned"}},
      {"rectifying", {"整改中", "Rectifying"}}, {"submitted", {"待验证", "To verify"}},
      {"closed", {"已销号", "Closed"}},         {"rejected", {"已驳回", "Rejected"}}};
  Table table;
  table.sheet_name = en ? "Hazards" : "隐患台账";
  if (en) {
    table.rows.push_back({"No.", "Area", "Type", "Level", "State", "Description", "Reporter",
                          "Discovered", "Reported", "Assignee", "Deadline", "Closed", "On time",
                          "Overdue", "Recurs", "Measure"});
  } else {
    table.rows.push_back({"编号", "区域", "类型", "等级", "状态", "隐患描述", "上报人", "发现时间",
                          "上报时间", "整改责任人", "整改期限", "销号时间", "按期", "逾期",
                          "重复隐患", "整改措施"});
  }
  const Instant now = clock_.now();
  for (const auto& h : rows) {
    const auto st = kStates.at(hazard::toString(h.state));
    const bool overdue = hazard::owesRectification(h.state) && h.deadline && *h.deadline < now;
    const auto type = type_names.find(h.type_code);
    table.rows.push_back(
        {std::to_string(h.id),
         areas.count(h.area_id) ? areas[h.area_id] : std::to_string(h.area_id),
         type != type_names.end() ? type->second : h.type_code,
         h.level == hazard::Level::kMajor ? (en ? "Major" : "重大") : (en ? "General" : "一般"),
         en ? st.second : st.first, h.description, h.reporter_name, when(h.discovered_at),
         when(h.reported_at), h.assignee_person_id ? people[h.assignee_person_id] : "",
         when(h.deadline), when(h.closed_at),
         h.closed_at ? (hazard::closedOnTime(h.deadline, h.closed_at) ? (en ? "yes" : "是")
                                                                      : (en ? "no" : "否"))
                     : "",
         overdue ? (en ? "yes" : "是") : "",
         h.recurrence_of != 0 ? "#" + std::to_string(h.recurrence_of) : "", h.rectify_measure});
  }
  return codec_->write(table, format);
}

Result<store::HazardPage> HazardService::mine(const auth::Principal& caller,
                                              const std::string& role) {
  store::HazardPage page;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    store::HazardQuery q;
    q.scope_prefix = caller.org_path;
    q.sort = "deadline";
    q.sort_desc = false;
    q.page_size = 200;
    if (role == "verify") {
      q.states = {State::kSubmitted};
      if (!isSafety(caller)) {
        q.reporter_user_id = caller.user_id.value;
      }
    } else {
      AG_ASSIGN_OR_RETURN(std::int64_t person, personOf(tx, caller));
      if (person == 0) {
        return {};
      }
      q.assignee_person_id = person;
      q.states = {State::kAssigned, State::kRectifying};
    }
    AG_ASSIGN_OR_RETURN(page, tx.hazards().listHazards(q));
    if (role == "verify") {  // never your own rectification
      std::erase_if(page.items, [&](const HazardRow& h) {
        return h.rectifier_user_id == caller.user_id.value;
      });
    }
    return {};
  }));
  return page;
}

namespace {
// Runs `fn` on the hazard in one write transaction; `fn` returns the stored hazard.
template <class Fn>
Status withHazard(store::Store& store, const auth::Principal& caller, std::int64_t id, Fn fn) {
  return store.write([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(HazardRow h, loadInScope(tx, caller, id));
    return fn(tx, h);
  });
}
}  // namespace

Result<HazardDetail> HazardService::assign(const auth::Principal& caller, std::int64_t id,
                                           std::int64_t person_id, const std::string& reason) {
  AG_RETURN_IF_ERROR(requireSafety(caller));
  const Instant now = clock_.now();
  AG_RETURN_IF_ERROR(
      withHazard(store_, caller, id, [&](store::Transaction& tx, HazardRow h) -> Status {
        const auto* people = base::findSchema("people");
        auto person = tx.records().get(*people, person_id);
        if (!person || !auth::inScope(caller.org_path, person->org_path)) {
          return Status(Error::invalidArgument("hazard.bad_person", "no such person in your scope")
                            .with("field", "person_id"));
        }
        const Action action = h.state == State::kReported ? Action::kAssign : Action::kReassign;
        if (action == Action::kReassign) {
          AG_RETURN_IF_ERROR(hazard::checkReason(reason));
        }
        AG_ASSIGN_OR_RETURN(
            h, applyAction(tx, Actor::of(caller), now, h, action, reason, [&](HazardRow& x) {
              setAssignee(x, person_id, now, config_.deadlines);
            }));
        return notify(tx, h, "hazard.assigned", {}, {person_id}, "隐患已指派给您",
                      "Hazard assigned to you", now);
      }));
  return get(caller, id);
}

Result<HazardDetail> HazardService::reject(const auth::Principal& caller, std::int64_t id,
                                           const std::string& reason) {
  AG_RETURN_IF_ERROR(requireSafety(caller));
  AG_RETURN_IF_ERROR(hazard::checkReason(reason));
  const Instant now = clock_.now();
  AG_RETURN_IF_ERROR(
      withHazard(store_, caller, id, [&](store::Transaction& tx, HazardRow h) -> Status {
        AG_ASSIGN_OR_RETURN(h, applyAction(tx, Actor::of(caller), now, h, Action::kReject, reason,
                                           [&](HazardRow& x) { x.reject_reason = reason; }));
        return notify(tx, h, "hazard.rejected", {h.reporter_user_id}, {}, "隐患被驳回(非隐患)",
                      "Hazard rejected (not a hazard)", now);
      }));
  return get(caller, id);
}

Result<HazardDetail> HazardService::start(const auth::Principal& caller, std::int64_t id) {
  const Instant now = clock_.now();
  AG_RETURN_IF_ERROR(
      withHazard(store_, caller, id, [&](store::Transaction& tx, HazardRow h) -> Status {
        AG_RETURN_IF_ERROR(hazard::transition(h.state, Action::kStart));
        AG_ASSIGN_OR_RETURN(std::int64_t person, personOf(tx, caller));
        AG_RETURN_IF_ERROR(
            hazard::checkRectifier(factsOf(h), {caller.user_id.value, person, isSafety(caller)}));
        AG_ASSIGN_OR_RETURN(h, applyAction(tx, Actor::of(caller), now, h, Action::kStart, "", {}));
        return okStatus();
      }));
  return get(caller, id);
}

Result<HazardDetail> HazardService::submit(const auth::Principal& caller, std::int64_t id,
                                           const std::string& measure, const std::string& text,
                                           const std::vector<std::string>& photo_ids) {
  const Instant now = clock_.now();
  AG_RETURN_IF_ERROR(
      withHazard(store_, caller, id, [&](store::Transaction& tx, HazardRow h) -> Status {
        // An assigned hazard is started implicitly by its first submission.
        if (h.state == State::kAssigned) {
          AG_ASSIGN_OR_RETURN(std::int64_t person, personOf(tx, caller));
          AG_RETURN_IF_ERROR(
              hazard::checkRectifier(factsOf(h), {caller.user_id.value, person, isSafety(caller)}));
          AG_ASSIGN_OR_RETURN(h,
                              applyAction(tx, Actor::of(caller), now, h, Action::kStart, "", {}));
        }
        AG_RETURN_IF_ERROR(hazard::transition(h.state, Action::kSubmit));
        AG_ASSIGN_OR_RETURN(std::int64_t person, personOf(tx, caller));
        AG_RETURN_IF_ERROR(
            hazard::checkRectifier(factsOf(h), {caller.user_id.value, person, isSafety(caller)}));
        AG_RETURN_IF_ERROR(
            hazard::checkEvidence({static_cast<int>(photo_ids.size()), text, measure}));
        AG_RETURN_IF_ERROR(
            attachAll(tx, photo_ids, caller.user_id.value, id, "evidence", h.org_path));
        AG_ASSIGN_OR_RETURN(
            h, applyAction(tx, Actor::of(caller), now, h, Action::kSubmit, text, [&](HazardRow& x) {
              x.rectify_measure = measure;
              x.rectify_text = text;
              x.rectifier_user_id = caller.user_id.value;
              x.submitted_at = now;
            }));
        std::vector<std::int64_t> verifiers;
        if (h.reporter_user_id != caller.user_id.value) {
          verifiers.push_back(h.reporter_user_id);
        } else {
          AG_ASSIGN_OR_RETURN(verifiers,
                              NotificationService::roleHolders(tx, "safety_officer", h.org_path));
        }
        return notify(tx, h, "hazard.submitted", verifiers, {}, "整改待您验证",
                      "Rectification waiting for your verification", now);
      }));
  return get(caller, id);
}

Result<HazardDetail> HazardService::verify(const auth::Principal& caller, std::int64_t id,
                                           bool pass, const std::string& note) {
  const Instant now = clock_.now();
  AG_RETURN_IF_ERROR(
      withHazard(store_, caller, id, [&](store::Transaction& tx, HazardRow h) -> Status {
        const Action action = pass ? Action::kVerifyPass : Action::kVerifyFail;
        AG_RETURN_IF_ERROR(hazard::transition(h.state, action));
        AG_ASSIGN_OR_RETURN(std::int64_t person, personOf(tx, caller));
        AG_RETURN_IF_ERROR(
            hazard::checkVerifier(factsOf(h), {caller.user_id.value, person, isSafety(caller)}));
        if (pass) {
          AG_RETURN_IF_ERROR(hazard::checkClose(factsOf(h)));
        } else {
          AG_RETURN_IF_ERROR(hazard::checkReason(note));
        }
        AG_ASSIGN_OR_RETURN(
            h, applyAction(tx, Actor::of(caller), now, h, action, note, [&](HazardRow& x) {
              x.verifier_user_id = caller.user_id.value;
              if (pass) {
                x.closed_at = now;
              }
            }));
        if (!pass) {
          return notify(tx, h, "hazard.verify_failed", {}, {h.assignee_person_id},
                        "整改验证未通过，请重新整改", "Verification failed: rectify again", now);
        }
        return okStatus();
      }));
  return get(caller, id);
}

Result<HazardDetail> HazardService::extend(const auth::Principal& caller, std::int64_t id,
                                           Instant new_deadline,
                                           const std::string& interim_controls) {
  AG_RETURN_IF_ERROR(requireSafety(caller));
  const Instant now = clock_.now();
  AG_RETURN_IF_ERROR(
      withHazard(store_, caller, id, [&](store::Transaction& tx, HazardRow h) -> Status {
        AG_RETURN_IF_ERROR(hazard::transition(h.state, Action::kExtend));
        AG_RETURN_IF_ERROR(hazard::checkExtension(factsOf(h), new_deadline, interim_controls));
        AG_ASSIGN_OR_RETURN(h, applyAction(tx, Actor::of(caller), now, h, Action::kExtend,
                                           interim_controls, [&](HazardRow& x) {
                                             x.deadline = new_deadline;
                                             x.interim_controls = interim_controls;
                                             x.extensions += 1;
                                           }));
        return okStatus();
      }));
  return get(caller, id);
}

namespace {
// A non-transition change on an open major hazard (plan, supervision, follow-up, report, accept).
Status majorNote(store::Transaction& tx, const Actor& actor, Instant now, HazardRow h,
                 const char* action, const std::string& note,
                 const std::function<Status(HazardRow&)>& change) {
  if (h.level != hazard::Level::kMajor) {
    return Error::conflict("hazard.not_major", "only for major hazards");
  }
  if (!hazard::isOpen(h.state)) {
    return Error::conflict("hazard.illegal_transition", "the hazard is no longer open")
        .with("from", hazard::toString(h.state))
        .with("action", action);
  }
  const std::string before = stateJson(h);
  AG_RETURN_IF_ERROR(change(h));
  AG_ASSIGN_OR_RETURN(auto stored, tx.hazards().updateHazard(h, now));
  AG_RETURN_IF_ERROR(
      tx.hazards().addEvent({0, h.id, now, actor.id, actor.name, action, hazard::toString(h.state),
                             hazard::toString(h.state), note}));
  return appendAudit(tx, actor, now, std::string("hazard.") + action, "hazards", h.id, h.org_path,
                     before, stateJson(stored));
}
}  // namespace

Result<HazardDetail> HazardService::setPlan(const auth::Principal& caller, std::int64_t id,
                                            const hazard::GovernancePlan& plan) {
  AG_RETURN_IF_ERROR(requireSafety(caller));
  AG_RETURN_IF_ERROR(hazard::checkPlan(plan));
  AG_RETURN_IF_ERROR(
      withHazard(store_, caller, id, [&](store::Transaction& tx, HazardRow h) -> Status {
        return majorNote(tx, Actor::of(caller), clock_.now(), h, "plan", plan.targets,
                         [&](HazardRow& x) -> Status {
                           x.plan = plan;
                           x.has_plan = true;
                           return {};
                         });
      }));
  return get(caller, id);
}

Result<HazardDetail> HazardService::supervise(const auth::Principal& caller, std::int64_t id,
                                              std::int64_t supervisor_person_id) {
  AG_RETURN_IF_ERROR(requireSafety(caller));
  AG_RETURN_IF_ERROR(
      withHazard(store_, caller, id, [&](store::Transaction& tx, HazardRow h) -> Status {
        return majorNote(tx, Actor::of(caller), clock_.now(), h, "supervise",
                         "supervisor #" + std::to_string(supervisor_person_id),
                         [&](HazardRow& x) -> Status {
                           x.supervisor_person_id = supervisor_person_id;
                           return {};
                         });
      }));
  return get(caller, id);
}

Result<HazardDetail> HazardService::followUp(const auth::Principal& caller, std::int64_t id,
                                             const std::string& note) {
  AG_RETURN_IF_ERROR(hazard::checkReason(note));
  AG_RETURN_IF_ERROR(
      withHazard(store_, caller, id, [&](store::Transaction& tx, HazardRow h) -> Status {
        return majorNote(tx, Actor::of(caller), clock_.now(), h, "follow_up", note,
                         [&](HazardRow& x) -> Status {
                           if (x.supervisor_person_id == 0) {
                             return Error::conflict("hazard.not_supervised",
                                                    "the hazard is not under supervision");
                           }
                           // The supervisor's follow-ups (or a safety officer's).
                           AG_ASSIGN_OR_RETURN(auto person, personOf(tx, caller));
                           if (person != x.supervisor_person_id && !isSafety(caller)) {
                             return Error::permissionDenied("hazard.not_supervisor",
                                                            "only the supervisor follows up");
                           }
                           return {};
                         });
      }));
  return get(caller, id);
}

Result<HazardDetail> HazardService::reportToManagement(const auth::Principal& caller,
                                                       std::int64_t id) {
  AG_RETURN_IF_ERROR(requireSafety(caller));
  const Instant now = clock_.now();
  AG_RETURN_IF_ERROR(
      withHazard(store_, caller, id, [&](store::Transaction& tx, HazardRow h) -> Status {
        AG_RETURN_IF_ERROR(majorNote(tx, Actor::of(caller), now, h, "report_management", "",
                                     [&](HazardRow& x) -> Status {
                                       x.reported_to_management_at = now;
                                       return {};
                                     }));
        AG_ASSIGN_OR_RETURN(auto leaders,
                            NotificationService::roleHolders(tx, "approver_leader", h.org_path));
        return notify(tx, h, "hazard.major_report", leaders, {}, "重大隐患报告",
                      "Major hazard report", now);
      }));
  return get(caller, id);
}

Result<HazardDetail> HazardService::accept(const auth::Principal& caller, std::int64_t id,
                                           const std::string& note) {
  if (!hasRole(caller, {"safety_officer", "approver_safety"})) {
    return Error::permissionDenied("hazard.forbidden", "acceptance is by the safety department");
  }
  AG_RETURN_IF_ERROR(hazard::checkReason(note));
  const Instant now = clock_.now();
  AG_RETURN_IF_ERROR(
      withHazard(store_, caller, id, [&](store::Transaction& tx, HazardRow h) -> Status {
        if (h.state != State::kSubmitted) {
          return Status(Error::conflict("hazard.illegal_transition",
                                        "acceptance follows the submitted rectification")
                            .with("from", hazard::toString(h.state))
                            .with("action", "accept"));
        }
        return majorNote(tx, Actor::of(caller), now, h, "accept", note,
                         [&](HazardRow& x) -> Status {
                           x.acceptance_user_id = caller.user_id.value;
                           x.accepted_at = now;
                           x.acceptance_note = note;
                           return {};
                         });
      }));
  return get(caller, id);
}

Result<std::vector<store::HazardType>> HazardService::types(const auth::Principal& /*caller*/) {
  std::vector<store::HazardType> out;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(out, tx.hazards().types());
    return {};
  }));
  return out;
}

Status HazardService::saveType(const auth::Principal& caller, const store::HazardType& type) {
  AG_RETURN_IF_ERROR(requireSafety(caller));
  if (type.code.empty() || type.name_zh.empty()) {
    return Error::invalidArgument("validation.failed", "code and name are required");
  }
  return store_.write([&](store::Transaction& tx) -> Status {
    AG_RETURN_IF_ERROR(tx.hazards().upsertType(type));
    return appendAudit(tx, Actor::of(caller), clock_.now(), "hazard.type", "hazard_types", 0, "",
                       "", json::serialize(json::object{{"code", type.code}}));
  });
}

// ------------------------------------------------------------------ jobs

Result<std::int64_t> HazardService::chase(Instant now) {
  std::int64_t sent = 0;
  hazard::ChasePolicy policy;
  policy.due_soon_before = config_.due_soon_before;
  policy.tz_offset_minutes = settings_.tz_offset_minutes;
  AG_RETURN_IF_ERROR(store_.write([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auto rows,
                        tx.hazards().chaseCandidates(now + config_.due_soon_before, 100000));
    for (HazardRow h : rows) {
      auto d = hazard::chase(h.state, h.deadline, {h.due_soon_sent_for, h.last_escalated_day}, now,
                             policy);
      if (!d.due_soon && !d.overdue) {
        continue;
      }
      if (d.due_soon) {
        h.due_soon_sent_for = h.deadline;
        AG_RETURN_IF_ERROR(notify(tx, h, "hazard.due_soon", {}, {h.assignee_person_id},
                                  "隐患整改即将到期", "Hazard rectification due soon", now));
      } else {
        h.last_escalated_day = d.day;
        h.escalations += 1;
        AG_ASSIGN_OR_RETURN(auto managers,
                            NotificationService::roleHolders(tx, "dept_manager", h.org_path));
        AG_ASSIGN_OR_RETURN(auto safety,
                            NotificationService::roleHolders(tx, "safety_officer", h.org_path));
        managers.insert(managers.end(), safety.begin(), safety.end());
        AG_RETURN_IF_ERROR(notify(tx, h, "hazard.overdue", {}, {h.assignee_person_id},
                                  "隐患整改已逾期", "Hazard rectification overdue", now));
        AG_RETURN_IF_ERROR(notify(tx, h, "hazard.escalated", managers, {}, "逾期隐患升级",
                                  "Overdue hazard escalated", now));
        AG_RETURN_IF_ERROR(
            tx.hazards().addEvent({0, h.id, now, 0, "system", "escalate", hazard::toString(h.state),
                                   hazard::toString(h.state), ""}));
      }
      AG_ASSIGN_OR_RETURN(auto stored, tx.hazards().updateHazard(h, now));
      (void)stored;
      ++sent;
    }
    return {};
  }));
  return sent;
}

}  // namespace anguan::service
