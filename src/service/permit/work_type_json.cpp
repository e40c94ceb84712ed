#include "permit/work_type_json.hpp"

#include "anguan/domain/auth/access.hpp"
#include "anguan/domain/base/schema.hpp"

namespace anguan::service::permit_json {
namespace json = boost::json;
using permit::FieldDef;
using permit::GradingRule;
using permit::LevelDef;
using permit::MeasureDef;
using permit::StepKind;
using permit::WorkTypeDef;

namespace {

json::array strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) {
    a.emplace_back(s);
  }
  return a;
}

json::array measures(const std::vector<MeasureDef>& v, bool zh) {
  json::array a;
  for (const auto& m : v) {
    a.push_back(
        json::object{{"code", m.code}, {"zh", m.zh}, {"en", m.en}, {"text", zh ? m.zh : m.en}});
  }
  return a;
}

Error bad(const std::string& field) {
  return Error::invalidArgument("validation.failed", "some fields are not valid")
      .with(field, "invalid");
}

Result<std::string> str(const json::object& o, const char* key, bool required,
                        const std::string& path) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (required) {
      return bad(path + key);
    }
    return std::string();
  }
  if (!v->is_string()) {
    return bad(path + key);
  }
  return std::string(v->as_string());
}

Result<std::int64_t> integer(const json::object& o, const char* key, std::int64_t fallback,
                             const std::string& path) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    return fallback;
  }
  if (!v->is_int64()) {
    return bad(path + key);
  }
  return v->as_int64();
}

bool boolean(const json::object& o, const char* key, bool fallback) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_bool() ? v->as_bool() : fallback;
}

Result<std::vector<std::string>> stringList(const json::object& o, const char* key,
                                            const std::string& path) {
  std::vector<std::string> out;
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    return out;
  }
  if (!v->is_array()) {
    return bad(path + key);
  }
  for (const auto& item : v->as_array()) {
    if (!item.is_string()) {
      return bad(path + key);
    }
    out.emplace_back(item.as_string());
  }
  return out;
}

Result<std::vector<MeasureDef>> measureList(const json::object& o, const char* key) {
  std::vector<MeasureDef> out;
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    return out;
  }
  if (!v->is_array()) {
    return bad(key);
  }
  for (const auto& item : v->as_array()) {
    if (!item.is_object()) {
      return bad(key);
    }
    MeasureDef m;
    AG_ASSIGN_OR_RETURN(m.code, str(item.as_object(), "code", true, std::string(key) + "."));
    AG_ASSIGN_OR_RETURN(m.zh, str(item.as_object(), "zh", true, std::string(key) + "."));
    AG_ASSIGN_OR_RETURN(m.en, str(item.as_object(), "en", false, std::string(key) + "."));
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

const char* roleLabel(const std::string& role, bool chinese) {
  for (const auto& o : base::roleOptions()) {
    if (o.code == role) {
      return chinese ? o.zh.c_str() : o.en.c_str();
    }
  }
  return role.c_str();
}

json::object toJson(const WorkTypeDef& d, const std::string& language) {
  const bool zh = language != "en";
  json::object o;
  o["code"] = d.code;
  o["zh"] = d.zh;
  o["en"] = d.en;
  o["name"] = zh ? d.zh : d.en;
  o["special"] = d.special;
  o["rules_version"] = d.rules_version;
  json::array fields;
  for (const auto& f : d.fields) {
    fields.push_back(json::object{{"name", f.name},
                                  {"kind", f.kind},
                                  {"zh", f.zh},
                                  {"en", f.en},
                                  {"label", zh ? f.zh : f.en},
                                  {"required", f.required},
                                  {"options", strings(f.options)}});
  }
  o["fields"] = std::move(fields);
  o["measures"] = measures(d.measures, zh);
  o["gas"] = json::object{{"required", d.gas.required},
                          {"continuous_for_top_level", d.gas.continuous_for_top_level},
                          {"max_age_minutes", d.gas.max_age.count()},
                          {"periodic_minutes", d.gas.periodic.count()},
                          {"gases", strings(d.gas.gases)}};
  o["worker_certs"] = strings(d.worker_certs);
  o["leader_certs"] = strings(d.leader_certs);
  o["guardian_certs"] = strings(d.guardian_certs);
  o["grading"] = permit::toString(d.grading);
  json::array levels;
  for (const auto& l : d.levels) {
    json::array chain;
    for (const auto& s : l.chain) {
      chain.push_back(json::object{{"code", s.code},
                                   {"role", s.role},
                                   {"role_label", roleLabel(s.role, zh)},
                                   {"kind", permit::toString(s.kind)},
                                   {"sla_minutes", s.sla_minutes},
                                   {"zh", s.zh},
                                   {"en", s.en},
                                   {"label", zh ? s.zh : s.en}});
    }
    levels.push_back(json::object{{"code", l.code},
                                  {"zh", l.zh},
                                  {"en", l.en},
                                  {"label", zh ? l.zh : l.en},
                                  {"max_validity_minutes", l.max_validity.count()},
                                  {"retest_after_break_minutes", l.retest_after_break.count()},
                                  {"permit_required", l.permit_required},
                                  {"chain", std::move(chain)}});
  }
  o["levels"] = std::move(levels);
  o["closeout"] = measures(d.closeout, zh);
  o["needs_shift_leader_check"] = d.needs_shift_leader_check;
  return o;
}

Result<WorkTypeDef> fromJson(const json::object& o) {
  WorkTypeDef d;
  AG_ASSIGN_OR_RETURN(d.code, str(o, "code", true, ""));
  AG_ASSIGN_OR_RETURN(d.zh, str(o, "zh", true, ""));
  AG_ASSIGN_OR_RETURN(d.en, str(o, "en", false, ""));
  d.special = boolean(o, "special", false);
  AG_ASSIGN_OR_RETURN(auto rv, integer(o, "rules_version", 1, ""));
  d.rules_version = static_cast<int>(rv);
  if (const auto* f = o.if_contains("fields"); f != nullptr && f->is_array()) {
    for (const auto& item : f->as_array()) {
      if (!item.is_object()) {
        return bad("fields");
      }
      const auto& fo = item.as_object();
      FieldDef fd;
      AG_ASSIGN_OR_RETURN(fd.name, str(fo, "name", true, "fields."));
      AG_ASSIGN_OR_RETURN(fd.kind, str(fo, "kind", true, "fields."));
      AG_ASSIGN_OR_RETURN(fd.zh, str(fo, "zh", true, "fields."));
      AG_ASSIGN_OR_RETURN(fd.en, str(fo, "en", false, "fields."));
      fd.required = boolean(fo, "required", false);
      AG_ASSIGN_OR_RETURN(fd.options, stringList(fo, "options", "fields."));
      d.fields.push_back(std::move(fd));
    }
  }
  AG_ASSIGN_OR_RETURN(d.measures, measureList(o, "measures"));
  AG_ASSIGN_OR_RETURN(d.closeout, measureList(o, "closeout"));
  if (const auto* g = o.if_contains("gas"); g != nullptr && g->is_object()) {
    const auto& go = g->as_object();
    d.gas.required = boolean(go, "required", false);
    d.gas.continuous_for_top_level = boolean(go, "continuous_for_top_level", false);
    AG_ASSIGN_OR_RETURN(auto age, integer(go, "max_age_minutes", 30, "gas."));
    AG_ASSIGN_OR_RETURN(auto periodic, integer(go, "periodic_minutes", 0, "gas."));
    if (age <= 0 || age > 24 * 60 || periodic < 0 || periodic > 24 * 60) {
      return bad("gas");
    }
    d.gas.max_age = std::chrono::minutes(age);
    d.gas.periodic = std::chrono::minutes(periodic);
    AG_ASSIGN_OR_RETURN(d.gas.gases, stringList(go, "gases", "gas."));
  }
  AG_ASSIGN_OR_RETURN(d.worker_certs, stringList(o, "worker_certs", ""));
  AG_ASSIGN_OR_RETURN(d.leader_certs, stringList(o, "leader_certs", ""));
  AG_ASSIGN_OR_RETURN(d.guardian_certs, stringList(o, "guardian_certs", ""));
  AG_ASSIGN_OR_RETURN(auto grading, str(o, "grading", false, ""));
  d.grading = grading == "hot_work"  ? GradingRule::kHotWork
              : grading == "height"  ? GradingRule::kHeight
              : grading == "lifting" ? GradingRule::kLifting
                                     : GradingRule::kNone;
  const auto* lv = o.if_contains("levels");
  if (lv == nullptr || !lv->is_array()) {
    return bad("levels");
  }
  for (const auto& item : lv->as_array()) {
    if (!item.is_object()) {
      return bad("levels");
    }
    const auto& lo = item.as_object();
    LevelDef l;
    AG_ASSIGN_OR_RETURN(l.code, str(lo, "code", true, "levels."));
    AG_ASSIGN_OR_RETURN(l.zh, str(lo, "zh", true, "levels."));
    AG_ASSIGN_OR_RETURN(l.en, str(lo, "en", false, "levels."));
    AG_ASSIGN_OR_RETURN(auto validity, integer(lo, "max_validity_minutes", 0, "levels."));
    AG_ASSIGN_OR_RETURN(auto retest, integer(lo, "retest_after_break_minutes", 0, "levels."));
    if (validity < 0 || validity > 60 * 24 * 31 || retest < 0 || retest > 24 * 60) {
      return bad("levels.max_validity_minutes");
    }
    l.max_validity = std::chrono::minutes(validity);
    l.retest_after_break = std::chrono::minutes(retest);
    l.permit_required = boolean(lo, "permit_required", true);
    if (const auto* ch = lo.if_contains("chain"); ch != nullptr && ch->is_array()) {
      for (const auto& s : ch->as_array()) {
        if (!s.is_object()) {
          return bad("levels.chain");
        }
        const auto& so = s.as_object();
        permit::ApprovalStepDef step;
        AG_ASSIGN_OR_RETURN(step.code, str(so, "code", true, "levels.chain."));
        AG_ASSIGN_OR_RETURN(step.role, str(so, "role", true, "levels.chain."));
        if (!auth::isKnownRole(step.role)) {
          return bad("levels.chain.role");
        }
        AG_ASSIGN_OR_RETURN(auto kind, str(so, "kind", false, "levels.chain."));
        step.kind = kind == "countersign"   ? StepKind::kCountersign
                    : kind == "coordinator" ? StepKind::kCoordinator
                                            : StepKind::kSequential;
        AG_ASSIGN_OR_RETURN(auto sla, integer(so, "sla_minutes", 120, "levels.chain."));
        if (sla <= 0 || sla > 7 * 24 * 60) {
          return bad("levels.chain.sla_minutes");
        }
        step.sla_minutes = static_cast<int>(sla);
        AG_ASSIGN_OR_RETURN(step.zh, str(so, "zh", false, "levels.chain."));
        AG_ASSIGN_OR_RETURN(step.en, str(so, "en", false, "levels.chain."));
        l.chain.push_back(std::move(step));
      }
    }
    d.levels.push_back(std::move(l));
  }
  d.needs_shift_leader_check = boolean(o, "needs_shift_leader_check", false);
  AG_RETURN_IF_ERROR(permit::validateWorkType(d));
  return d;
}

}  // namespace anguan::service::permit_json
