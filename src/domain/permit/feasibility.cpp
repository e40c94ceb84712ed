#include "anguan/domain/permit/feasibility.hpp"

#include <algorithm>
#include <chrono>
#include <sstream>

namespace anguan::permit {
namespace {

using std::chrono::sys_days;

constexpr int kExpiryWarnDays = 30;
constexpr double kHotBlindDistanceM = 30.0;  // 7.6: no hot work within 30 m of blind-plate work
constexpr double kDoubleLayerHeightM = 24.0;
constexpr double kHotPaintingDistanceM =
    10.0;  // 5.2.9: no spray painting within 10 m  // 8.2.8: double protective layer above 24 m

std::string num(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

std::optional<sys_days> day(const std::string& text) {
  auto d = parseDate(text);
  if (!d) {
    return std::nullopt;
  }
  return sys_days{*d};
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) == v.end() ? false : true;
}

void add(std::vector<Finding>& out, std::string code, Severity sev, std::string key,
         std::map<std::string, std::string> params = {}) {
  out.push_back({std::move(code), sev, Reason{std::move(key), std::move(params)}});
}

// Checks that `person` holds a valid certificate of one of `required` for the whole window.
// `role` is "worker", "leader" or "guardian".
void checkCerts(const PersonInfo& person, const std::vector<std::string>& required,
                const std::string& role, const std::string& code, const FeasibilityInput& in,
                std::vector<Finding>& out) {
  std::map<std::string, std::string> params = {{"person", person.name}, {"role", role}};
  std::string wanted;
  for (const auto& r : required) {
    wanted += wanted.empty() ? r : "," + r;
  }
  params["required"] = wanted;
  // The best held certificate: a valid one of a required type with the latest expiry (none =
  // never expires).
  const CertInfo* best = nullptr;
  sys_days best_expiry{};
  bool best_expires = false;  // false with best set = never expires
  bool bad_date = false;
  for (const auto& c : person.certs) {
    if (!c.valid_status || !contains(required, c.type)) {
      continue;
    }
    if (!c.expires_on) {
      best = &c;
      best_expires = false;
      break;
    }
    auto d = day(*c.expires_on);
    if (!d) {
      bad_date = true;
      continue;
    }
    if (best == nullptr || *d > best_expiry) {
      best = &c;
      best_expiry = *d;
      best_expires = true;
    }
  }
  if (best == nullptr) {
    add(out, code, Severity::kBlock,
        bad_date ? "permit.feas.cert_bad_date" : "permit.feas.cert_missing", params);
    return;
  }
  params["cert"] = best->type;
  if (!best_expires) {
    add(out, code, Severity::kPass, "permit.feas.cert_ok", params);
    return;
  }
  params["expires_on"] = *best->expires_on;
  const auto expires = best_expiry;
  const auto today = day(in.today_local);
  auto window_end = day(in.window_end_local_date);
  if (!window_end) {
    window_end = today;
  }
  if (today && expires < *today) {
    add(out, code, Severity::kBlock, "permit.feas.cert_expired", params);
  } else if (window_end && expires < *window_end) {
    add(out, code, Severity::kBlock, "permit.feas.cert_expires_in_window", params);
  } else if (window_end && expires <= *window_end + std::chrono::days{kExpiryWarnDays}) {
    params["days"] = std::to_string(kExpiryWarnDays);
    add(out, code, Severity::kWarn, "permit.feas.cert_expiring_soon", params);
  } else {
    add(out, code, Severity::kPass, "permit.feas.cert_ok", params);
  }
}

void checkWindow(const FeasibilityInput& in, std::vector<Finding>& out) {
  if (in.at_issue) {
    if (in.to > in.now) {
      add(out, "window.open", Severity::kPass, "permit.feas.window_open_ok");
    } else {
      add(out, "window.open", Severity::kBlock, "permit.feas.window_ended");
    }
  } else if (in.from > in.now) {
    add(out, "window.future", Severity::kPass, "permit.feas.window_future_ok");
  } else {
    add(out, "window.future", Severity::kBlock, "permit.feas.window_past");
  }
  if (in.to <= in.from) {
    add(out, "window.order", Severity::kBlock, "permit.feas.window_order");
    return;
  }
  const LevelDef* level = findLevel(*in.type, in.level);
  if (level == nullptr) {
    add(out, "window.validity", Severity::kBlock, "permit.feas.level_unknown",
        {{"level", in.level}, {"type", in.type->code}});
    return;
  }
  const auto length = std::chrono::duration_cast<std::chrono::minutes>(in.to - in.from);
  std::map<std::string, std::string> params = {
      {"minutes", std::to_string(length.count())},
      {"max_minutes", std::to_string(level->max_validity.count())},
      {"max_hours", num(static_cast<double>(level->max_validity.count()) / 60.0)},
      {"level", level->code}};
  if (in.to - in.from > level->max_validity) {
    add(out, "window.validity", Severity::kBlock, "permit.feas.window_too_long", params);
  } else {
    add(out, "window.validity", Severity::kPass, "permit.feas.window_validity_ok", params);
  }
}

void checkPeople(const FeasibilityInput& in, std::vector<Finding>& out) {
  const WorkTypeDef& type = *in.type;
  if (!in.leader) {
    add(out, "leader.assigned", Severity::kBlock, "permit.feas.leader_missing");
  } else if (!type.leader_certs.empty()) {
    checkCerts(*in.leader, type.leader_certs, "leader", "cert.leader", in, out);
  }
  if (in.workers.empty()) {
    add(out, "workers.assigned", Severity::kBlock, "permit.feas.workers_missing");
  }
  if (!type.worker_certs.empty()) {
    for (const auto& w : in.workers) {
      checkCerts(w, type.worker_certs, "worker", "cert.worker." + std::to_string(w.id), in, out);
    }
  }
  if (!in.guardian) {
    add(out, "guardian.assigned", Severity::kBlock, "permit.feas.guardian_missing");
    return;
  }
  const PersonInfo& g = *in.guardian;
  add(out, "guardian.assigned", Severity::kPass, "permit.feas.guardian_assigned",
      {{"person", g.name}});
  if (!type.guardian_certs.empty()) {
    checkCerts(g, type.guardian_certs, "guardian", "cert.guardian", in, out);
  }
  // 4.10: the guardian does no other job — not one of this crew, not guarding another job.
  for (const auto& w : in.workers) {
    if (w.id == g.id) {
      add(out, "guardian.not_worker", Severity::kBlock, "permit.feas.guardian_is_worker",
          {{"person", g.name}});
    }
  }
  bool busy = false;
  for (const auto& o : in.others) {
    if (o.guardian_id == g.id && overlaps(in.from, in.to, o.from, o.to)) {
      busy = true;
      add(out, "guardian.busy." + std::to_string(o.permit_id), Severity::kBlock,
          "permit.feas.guardian_busy", {{"person", g.name}, {"number", o.number}});
    }
  }
  if (!busy) {
    add(out, "guardian.free", Severity::kPass, "permit.feas.guardian_free", {{"person", g.name}});
  }
}

void checkMaintenance(const FeasibilityInput& in, std::vector<Finding>& out) {
  bool any = false;
  for (const auto& m : in.maintenance) {
    if (!overlaps(in.from, in.to, m.from, m.to)) {
      continue;
    }
    const bool same_equipment = std::find(in.equipment_ids.begin(), in.equipment_ids.end(),
                                          m.equipment_id) != in.equipment_ids.end();
    if (same_equipment) {
      any = true;
      add(out, "maintenance.equipment." + std::to_string(m.id), Severity::kBlock,
          "permit.feas.maint_same_equipment", {{"title", m.title}});
    } else if (m.area_id == in.area_id) {
      any = true;
      add(out, "maintenance.area." + std::to_string(m.id), Severity::kWarn,
          "permit.feas.maint_same_area", {{"title", m.title}});
    }
  }
  if (!any) {
    add(out, "maintenance", Severity::kPass, "permit.feas.maint_none");
  }
}

void checkSimops(const FeasibilityInput& in, std::vector<Finding>& out) {
  const std::string& mine = in.type->code;
  bool any = false;
  for (const auto& o : in.others) {
    if (!overlaps(in.from, in.to, o.from, o.to)) {
      continue;
    }
    const std::string id = std::to_string(o.permit_id);
    const double distance = o.same_area ? 0.0 : o.distance_m;
    const bool hot_blind = (mine == "hot_work" && o.type_code == "blind_plate") ||
                           (mine == "blind_plate" && o.type_code == "hot_work");
    if (hot_blind && in.fire_explosion_area && distance <= kHotBlindDistanceM) {
      any = true;
      add(out, "simops.hot_blind." + id, Severity::kBlock, "permit.feas.simops_hot_blind",
          {{"number", o.number}, {"distance", num(distance)}, {"limit", num(kHotBlindDistanceM)}});
    }
    if (mine == "blind_plate" && o.type_code == "blind_plate" && !in.line_tag.empty() &&
        in.line_tag == o.line_tag) {
      any = true;
      add(out, "simops.blind_line." + id, Severity::kBlock, "permit.feas.simops_blind_line",
          {{"number", o.number}, {"line", o.line_tag}});
    }
    const bool paint_hot = (mine == "confined_space" && in.painting && o.type_code == "hot_work") ||
                           (mine == "hot_work" && o.type_code == "confined_space" && o.painting);
    if (paint_hot && o.same_area) {
      any = true;
      add(out, "simops.paint_hot." + id, Severity::kBlock, "permit.feas.simops_paint_hot",
          {{"number", o.number}});
    }
    // 5.2.9: no spray painting or solvent cleaning within 10 m of hot work (any work type).
    const bool hot_painting =
        (mine == "hot_work" && o.painting) || (in.painting && o.type_code == "hot_work");
    if (hot_painting && !(paint_hot && o.same_area) && distance <= kHotPaintingDistanceM) {
      any = true;
      add(out, "simops.hot_painting." + id, Severity::kBlock, "permit.feas.simops_hot_painting",
          {{"number", o.number},
           {"distance", num(distance)},
           {"limit", num(kHotPaintingDistanceM)}});
    }
    if (mine == "height" && o.type_code == "height" && o.same_area) {
      any = true;
      const double top = std::max(in.height_m, o.height_m);
      add(out, "simops.height_vertical." + id, Severity::kWarn,
          top > kDoubleLayerHeightM ? "permit.feas.simops_height_double_layer"
                                    : "permit.feas.simops_height_vertical",
          {{"number", o.number}, {"height", num(top)}});
    }
  }
  if (!any) {
    add(out, "simops", Severity::kPass, "permit.feas.simops_none");
  }
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    return {};
  }
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

std::size_t codePoints(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) {
      ++n;
    }
  }
  return n;
}

}  // namespace

const char* toString(Severity severity) {
  switch (severity) {
    case Severity::kPass:
      return "pass";
    case Severity::kWarn:
      return "warn";
    case Severity::kBlock:
      return "block";
  }
  return "unknown";
}

OtherWorkFilter otherWorkThatMatters(const std::string& type_code, bool painting,
                                     std::int64_t guardian_id) {
  // Mirrors checkGuardian (same guardian) and checkSimops (the type pairs and painting).
  OtherWorkFilter f;
  f.guardian_id = guardian_id;
  auto add = [&](const char* code) {
    if (std::find(f.type_codes.begin(), f.type_codes.end(), code) == f.type_codes.end()) {
      f.type_codes.emplace_back(code);
    }
  };
  if (type_code == "hot_work") {
    add("blind_plate");      // hot_blind
    f.painting_work = true;  // paint_hot (a painting confined space), hot_painting
  }
  if (type_code == "blind_plate") {
    add("hot_work");     // hot_blind
    add("blind_plate");  // blind_line
  }
  if (painting) {
    add("hot_work");  // paint_hot (confined space), hot_painting
  }
  if (type_code == "height") {
    add("height");  // height_vertical
  }
  return f;
}

bool overlaps(Instant a_from, Instant a_to, Instant b_from, Instant b_to) {
  return a_from < b_to && b_from < a_to;
}

// The printed permit (GB 30871 Appendix A) has a box for each of these: the job can't be signed
// off with one left empty or holding a value the form doesn't offer.
void checkFields(const FeasibilityInput& in, std::vector<Finding>& out) {
  bool any_required = false;
  bool all_ok = true;
  for (const auto& f : in.type->fields) {
    const std::map<std::string, std::string> params = {{"field_zh", f.zh}, {"field_en", f.en}};
    if (in.invalid_fields.count(f.name) != 0) {
      add(out, "field." + f.name, Severity::kBlock, "permit.feas.field_invalid", params);
      all_ok = false;
    } else if (f.required && in.filled_fields.count(f.name) == 0) {
      add(out, "field." + f.name, Severity::kBlock, "permit.feas.field_missing", params);
      all_ok = false;
    }
    any_required = any_required || f.required;
  }
  if (any_required && all_ok) {
    add(out, "fields", Severity::kPass, "permit.feas.fields_ok");
  }
}

std::vector<Finding> checkFeasibility(const FeasibilityInput& in) {
  std::vector<Finding> out;
  if (in.type == nullptr) {
    add(out, "type", Severity::kBlock, "permit.feas.type_unknown");
    return out;
  }
  checkWindow(in, out);
  checkFields(in, out);
  checkPeople(in, out);
  checkMaintenance(in, out);
  checkSimops(in, out);
  if (in.environment) {
    out.insert(out.end(), in.environment->begin(), in.environment->end());
  }
  return out;
}

bool hasBlock(const std::vector<Finding>& findings) {
  return std::any_of(findings.begin(), findings.end(),
                     [](const Finding& f) { return f.severity == Severity::kBlock; });
}

bool hasWarn(const std::vector<Finding>& findings) {
  return std::any_of(findings.begin(), findings.end(),
                     [](const Finding& f) { return f.severity == Severity::kWarn; });
}

Status checkOverride(const std::vector<Finding>& findings,
                     const std::map<std::string, std::string>& reasons_by_code) {
  for (const auto& f : findings) {
    if (f.severity == Severity::kBlock) {
      return Error::conflict("permit.blocked", "A blocking finding cannot be overridden")
          .with("code", f.code)
          .with("reason", f.reason.key);
    }
  }
  for (const auto& f : findings) {
    if (f.severity != Severity::kWarn) {
      continue;
    }
    auto it = reasons_by_code.find(f.code);
    if (it == reasons_by_code.end() || codePoints(trim(it->second)) < 5) {
      return Error::invalidArgument("permit.override_reason_required",
                                    "A warning needs a reason of at least 5 characters")
          .with("code", f.code);
    }
  }
  return okStatus();
}

}  // namespace anguan::permit
