#include <algorithm>
#include <map>

#include "anguan/core/crypto.hpp"
#include "anguan/core/verified_passwords.hpp"
#include "anguan/domain/base/schema.hpp"

#include "permit/permit_internal.hpp"
#include "permit/work_type_json.hpp"

namespace anguan::service::permit_detail {

Error invalid(const std::string& field, const std::string& reason) {
  return Error::invalidArgument("validation.failed", "some fields are not valid")
      .with(field, reason);
}

bool chinese(const auth::Principal& p) { return p.language != "en"; }

std::string numberPrefix(const std::string& type) {
  static const std::map<std::string, std::string> kPrefix = {
      {"hot_work", "DH"},   {"confined_space", "SX"}, {"blind_plate", "MB"}, {"height", "GC"},
      {"lifting", "DZ"},    {"temp_power", "LD"},     {"excavation", "DT"},  {"road_break", "DL"},
      {"inspection", "XJ"}, {"maintenance", "JX"}};
  auto it = kPrefix.find(type);
  return it == kPrefix.end() ? "ZY" : it->second;
}

std::string localDate(Instant t, int tz) { return formatRfc3339(t, tz).substr(0, 10); }

int localMinute(Instant t, int tz) {
  const std::string s = formatRfc3339(t, tz);  // YYYY-MM-DDTHH:MM:SS...
  return std::stoi(s.substr(11, 2)) * 60 + std::stoi(s.substr(14, 2));
}

int weekday(Instant t, int tz) {  // 0 = Sunday
  const auto local = t + std::chrono::minutes(tz);
  const auto days = std::chrono::floor<std::chrono::days>(local);
  return static_cast<int>(std::chrono::weekday(std::chrono::sys_days(days)).c_encoding());
}

Status verifyPassword(store::Transaction& tx, const auth::Principal& caller,
                      const std::string& password, Instant now) {
  // An approver signs permit after permit with the same password: argon2id once per 10 min.
  static crypto::VerifiedPasswords verified(std::chrono::minutes(10), 4096);
  AG_ASSIGN_OR_RETURN(auto user, tx.users().findById(caller.user_id));
  if (!verified.verify(user.password_hash, password, now)) {
    return Error::invalidArgument("permit.signature_invalid",
                                  "The password re-entered for the signature is wrong");
  }
  return {};
}

Status verifySignature(MutationCtx& c, const auth::Principal& caller, const Signature& sig,
                       json::object& out, const char* file_name) {
  if (sig.kind == "password") {
    AG_RETURN_IF_ERROR(verifyPassword(c.tx, caller, sig.password, c.now));
    out["signature_kind"] = "password";
    return {};
  }
  if (sig.kind == "image") {
    static const std::string kPng("\x89PNG\r\n\x1a\n", 8);
    if (sig.image_png.size() < 64 || sig.image_png.size() > 512 * 1024 ||
        sig.image_png.compare(0, kPng.size(), kPng) != 0) {
      return Error::invalidArgument("permit.signature_invalid",
                                    "The signature must be a PNG image under 512 KiB");
    }
    store::PermitFileRow f;
    f.id = crypto::sha256Hex(crypto::randomToken()).substr(0, 32);
    f.permit_id = c.row.id;
    f.name = file_name;
    f.content_type = "image/png";
    f.data = sig.image_png;
    f.size = static_cast<std::int64_t>(f.data.size());
    f.created_at = c.now;
    f.created_by = caller.user_id.value;
    out["signature_kind"] = "image";
    out["signature_file"] = f.id;
    c.files.push_back(std::move(f));
    return {};
  }
  return Error::invalidArgument("permit.signature_required",
                                "A signature (drawn, or your password again) is required");
}

json::object reasonJson(const permit::Reason& r) {
  json::object params;
  for (const auto& [k, v] : r.params) {
    params[k] = v;
  }
  return json::object{{"key", r.key}, {"params", std::move(params)}};
}

permit::Reason reasonFrom(const json::value& v) {
  permit::Reason r;
  if (!v.is_object()) {
    return r;
  }
  const auto& o = v.as_object();
  r.key = stringIn(o, "key");
  if (const auto* params = objectIn(o, "params")) {
    for (const auto& kv : *params) {
      if (kv.value().is_string()) {
        r.params[std::string(kv.key())] = std::string(kv.value().as_string());
      }
    }
  }
  return r;
}

permit::Reason localized(permit::Reason r, bool zh) {
  auto certLabel = [&](const std::string& code) {
    for (const auto& o : base::certificateTypeOptions()) {
      if (o.code == code) {
        return zh ? o.zh : o.en;
      }
    }
    return code;
  };
  for (const char* key : {"cert", "required"}) {
    auto it = r.params.find(key);
    if (it == r.params.end()) {
      continue;
    }
    std::string out, cur;
    const std::string text = it->second + ",";
    for (char c : text) {
      if (c == ',') {
        if (!cur.empty()) {
          out += (out.empty() ? "" : (zh ? "、" : ", ")) + certLabel(cur);
        }
        cur.clear();
      } else {
        cur += c;
      }
    }
    it->second = out;
  }
  if (auto it = r.params.find("role"); it != r.params.end()) {
    static const std::map<std::string, std::pair<const char*, const char*>> kRoles = {
        {"worker", {"作业人", "worker"}},
        {"leader", {"作业负责人", "work leader"}},
        {"guardian", {"监护人", "guardian"}}};
    if (auto role = kRoles.find(it->second); role != kRoles.end()) {
      it->second = zh ? role->second.first : role->second.second;
    }
  }
  return r;
}

std::string reasonText(const json::value& v, bool zh) {
  return permit::renderReason(localized(reasonFrom(v), zh), zh);
}

json::object& objectAt(json::object& doc, const char* key) {
  auto& v = doc[key];
  if (!v.is_object()) {
    v = json::object();
  }
  return v.as_object();
}

json::array& arrayAt(json::object& doc, const char* key) {
  auto& v = doc[key];
  if (!v.is_array()) {
    v = json::array();
  }
  return v.as_array();
}

const json::object* objectIn(const json::object& doc, const char* key) {
  const auto* v = doc.if_contains(key);
  return v != nullptr && v->is_object() ? &v->as_object() : nullptr;
}

const json::array* arrayIn(const json::object& doc, const char* key) {
  const auto* v = doc.if_contains(key);
  return v != nullptr && v->is_array() ? &v->as_array() : nullptr;
}

std::string stringIn(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::int64_t intIn(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_int64() ? v->as_int64() : 0;
}

double numberIn(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) {
    return 0;
  }
  if (v->is_double()) {
    return v->as_double();
  }
  if (v->is_int64()) {
    return static_cast<double>(v->as_int64());
  }
  return 0;
}

bool boolIn(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_bool() && v->as_bool();
}

std::optional<Instant> instantIn(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_int64()) {
    return std::nullopt;
  }
  return fromMillis(v->as_int64());
}

std::vector<permit::Step> stepsFrom(const json::object& doc) {
  std::vector<permit::Step> out;
  const auto* steps = arrayIn(doc, "steps");
  if (steps == nullptr) {
    return out;
  }
  for (const auto& v : *steps) {
    if (!v.is_object()) {
      continue;
    }
    const auto& o = v.as_object();
    permit::Step s;
    s.seq = static_cast<int>(intIn(o, "seq"));
    s.group = static_cast<int>(intIn(o, "group"));
    s.code = stringIn(o, "code");
    s.role = stringIn(o, "role");
    const std::string kind = stringIn(o, "kind");
    s.kind = kind == "countersign"   ? permit::StepKind::kCountersign
             : kind == "coordinator" ? permit::StepKind::kCoordinator
                                     : permit::StepKind::kSequential;
    s.sla_minutes = static_cast<int>(intIn(o, "sla_minutes"));
    s.state = permit::parseStepState(stringIn(o, "state")).value_or(permit::StepState::kPending);
    s.opened_at = instantIn(o, "opened_at");
    s.decided_at = instantIn(o, "decided_at");
    s.decided_by = intIn(o, "decided_by");
    s.escalation_level = static_cast<int>(intIn(o, "escalation_level"));
    out.push_back(std::move(s));
  }
  return out;
}

void writeSteps(json::object& doc, const std::vector<permit::Step>& steps) {
  auto& arr = arrayAt(doc, "steps");
  arr.resize(steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (!arr[i].is_object()) {
      arr[i] = json::object();
    }
    auto& o = arr[i].as_object();
    const auto& s = steps[i];
    o["seq"] = s.seq;
    o["group"] = s.group;
    o["code"] = s.code;
    o["role"] = s.role;
    o["kind"] = permit::toString(s.kind);
    o["sla_minutes"] = s.sla_minutes;
    o["state"] = permit::toString(s.state);
    o["opened_at"] = s.opened_at ? json::value(toMillis(*s.opened_at)) : json::value(nullptr);
    o["decided_at"] = s.decided_at ? json::value(toMillis(*s.decided_at)) : json::value(nullptr);
    o["decided_by"] = s.decided_by;
    o["escalation_level"] = s.escalation_level;
  }
}

std::string waitingRoles(const std::vector<permit::Step>& steps) {
  std::vector<std::string> roles;
  for (auto i : permit::openSteps(steps)) {
    roles.push_back(steps[i].role);
  }
  if (roles.empty()) {
    return "";
  }
  std::string out = ",";
  for (const auto& r : roles) {
    out += r + ",";
  }
  return out;
}

std::optional<Instant> lastPassingGasTest(const json::object& doc) {
  std::optional<Instant> best;
  if (const auto* tests = arrayIn(doc, "gas_tests")) {
    for (const auto& v : *tests) {
      if (!v.is_object() || !boolIn(v.as_object(), "pass")) {
        continue;
      }
      auto at = instantIn(v.as_object(), "sampled_at");
      if (at && (!best || *at > *best)) {
        best = at;
      }
    }
  }
  return best;
}

std::vector<std::string> failingGases(const json::object& doc) {
  // gas → (sampled_at, pass) of its latest reading; a later entry wins a tie (recorded later).
  std::map<std::string, std::pair<Instant, bool>> latest;
  if (const auto* tests = arrayIn(doc, "gas_tests")) {
    for (const auto& v : *tests) {
      if (!v.is_object()) {
        continue;
      }
      const auto& t = v.as_object();
      const auto at = instantIn(t, "sampled_at");
      if (!at) {
        continue;
      }
      auto [it, fresh] = latest.try_emplace(stringIn(t, "gas"), *at, boolIn(t, "pass"));
      if (!fresh && *at >= it->second.first) {
        it->second = {*at, boolIn(t, "pass")};
      }
    }
  }
  std::vector<std::string> out;
  for (const auto& [gas, last] : latest) {
    if (!last.second) {
      out.push_back(gas);
    }
  }
  return out;
}

permit::State MutationCtx::state() const {
  return permit::parseState(row.state).value_or(permit::State::kDraft);
}

void MutationCtx::event(const std::string& kind, json::object data) {
  store::PermitEventRow e;
  e.permit_id = row.id;
  e.at = now;
  e.actor_id = actor.id;
  e.actor_name = actor.name;
  e.kind = kind;
  e.from_state = row.state;
  e.to_state = row.state;
  e.data = json::serialize(data);
  events.push_back(std::move(e));
}

Status MutationCtx::apply(permit::Action action, const std::string& kind, json::object data) {
  AG_ASSIGN_OR_RETURN(permit::State next, permit::transition(state(), action));
  const std::string from = row.state;
  row.state = permit::toString(next);
  event(kind, std::move(data));
  events.back().from_state = from;
  if (audit_action.empty()) {
    audit_action = "permit." + kind;
  }
  return {};
}

void MutationCtx::notify(const std::string& kind, const std::string& zh, const std::string& en,
                         std::vector<std::string> roles, bool crew) {
  PendingNotice n;
  n.draft.kind = "permit." + kind;
  n.draft.entity = kEntity;
  n.draft.entity_id = row.id;
  n.draft.title_zh = row.number + " " + zh;
  n.draft.title_en = row.number + " " + en;
  n.draft.body_zh = row.title;
  n.draft.body_en = row.title;
  n.draft.org_path = row.org_path;
  if (crew) {
    n.draft.person_ids = {row.leader_id, row.guardian_id};
  }
  n.roles = std::move(roles);
  notices.push_back(std::move(n));
}

std::string stateLabel(const std::string& state, bool zh) {
  static const std::map<std::string, std::pair<const char*, const char*>> kNames = {
      {"draft", {"草稿", "Draft"}},
      {"submitted", {"已提交", "Submitted"}},
      {"in_approval", {"审批中", "In approval"}},
      {"issued", {"已签发", "Issued"}},
      {"active", {"作业中", "Active"}},
      {"suspended", {"已暂停", "Suspended"}},
      {"completed", {"已完工", "Completed"}},
      {"closed", {"已关闭", "Closed"}},
      {"rejected", {"已驳回", "Rejected"}},
      {"returned", {"已退回", "Returned"}},
      {"cancelled", {"已取消", "Cancelled"}},
      {"expired", {"已过期", "Expired"}},
      // approval steps
      {"pending", {"待审批", "Pending"}},
      {"open", {"审批中", "Waiting"}},
      {"approved", {"已同意", "Approved"}},
      {"skipped", {"已跳过", "Skipped"}}};
  auto it = kNames.find(state);
  return it == kNames.end() ? state : (zh ? it->second.first : it->second.second);
}

Status readPermit(store::Transaction& tx, const auth::Principal* caller, std::int64_t id,
                  store::PermitRow& row, json::object& doc) {
  AG_ASSIGN_OR_RETURN(row, tx.permits().get(id));
  if (caller != nullptr && !auth::inScope(caller->org_path, row.org_path)) {
    return Error::notFound("permit.not_found", "No such permit");
  }
  boost::system::error_code ec;
  // Into doc's storage, so the move below hands the values over instead of copying them.
  auto parsed = json::parse(row.doc, ec, doc.storage());
  if (ec || !parsed.is_object()) {
    return Error::internal("permit.corrupt", "the stored permit is damaged");
  }
  row.doc.clear();
  doc = std::move(parsed.as_object());
  return {};
}

json::object summaryJson(const store::PermitRow& row, const json::object& doc,
                         const json::object* type, bool zh, int tz) {
  json::object o;
  o["id"] = row.id;
  o["number"] = row.number;
  o["type"] = row.type_code;
  std::string type_label = row.type_code;
  std::string level_label = row.level;
  if (type != nullptr) {
    type_label = stringIn(*type, zh ? "zh" : "en");
    if (const auto* levels = arrayIn(*type, "levels")) {
      for (const auto& l : *levels) {
        if (l.is_object() && stringIn(l.as_object(), "code") == row.level) {
          level_label = stringIn(l.as_object(), zh ? "zh" : "en");
        }
      }
    }
  }
  o["type_label"] = type_label;
  o["level"] = row.level;
  o["level_label"] = row.level == "none" ? "" : level_label;
  o["state"] = row.state;
  o["state_label"] = stateLabel(row.state, zh);
  o["title"] = row.title;
  o["area_id"] = row.area_id;
  const auto* names = objectIn(doc, "names");
  o["area_name"] = names != nullptr ? stringIn(*names, "area") : "";
  o["leader_name"] = names != nullptr ? stringIn(*names, "leader") : "";
  o["guardian_name"] = names != nullptr ? stringIn(*names, "guardian") : "";
  o["from"] = formatRfc3339(row.window_from, tz);
  o["to"] = formatRfc3339(row.window_to, tz);
  json::array waiting;
  for (const auto& role : decodeRoles(row.waiting_roles)) {
    waiting.emplace_back(permit_json::roleLabel(role, zh));
  }
  o["waiting_for"] = std::move(waiting);
  o["waiting_roles"] = json::value_from(decodeRoles(row.waiting_roles));
  o["version"] = row.version;
  o["updated_at"] = formatRfc3339(row.updated_at, tz);
  return o;
}

std::vector<std::string> decodeRoles(const std::string& list) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : list) {
    if (c == ',') {
      if (!cur.empty()) {
        out.push_back(cur);
      }
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) {
    out.push_back(cur);
  }
  return out;
}

}  // namespace anguan::service::permit_detail
