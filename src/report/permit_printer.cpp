#include "anguan/report/permit_printer.hpp"

#include <cstdio>

#include "anguan/domain/permit/gas.hpp"
#include "anguan/domain/permit/work_type.hpp"
#include "anguan/report/qr.hpp"

namespace anguan::report {
namespace json = boost::json;

namespace {

std::string str(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    return "";
  }
  if (v->is_string()) {
    return std::string(v->as_string());
  }
  if (v->is_double()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v->as_double());
    return buf;
  }
  return json::serialize(*v);
}

// "2026-11-28T22:10:00+08:00" → "2026-11-28 22:10".
std::string shortTime(const std::string& t) {
  if (t.size() < 16) {
    return t;
  }
  return t.substr(0, 10) + " " + t.substr(11, 5);
}

const json::object& obj(const json::object& o, const char* key) {
  static const json::object kEmpty;
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? v->as_object() : kEmpty;
}

const json::array& arr(const json::object& o, const char* key) {
  static const json::array kEmpty;
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_array() ? v->as_array() : kEmpty;
}

std::string joined(const json::array& a, const char* sep) {
  std::string out;
  for (const auto& v : a) {
    if (v.is_string()) {
      out += (out.empty() ? "" : sep) + std::string(v.as_string());
    }
  }
  return out;
}

class Printer final : public service::PermitPrinter {
 public:
  Result<std::string> pdf(const json::object& detail, const std::string& language,
                          const std::string& status_url) override {
    return renderPermitPdf(permitDocumentFrom(detail, language, status_url));
  }
  Result<std::string> qrSvg(const std::string& text) override { return report::qrSvg(text); }
};

}  // namespace

PermitDocument permitDocumentFrom(const json::object& d, const std::string& language,
                                  const std::string& status_url) {
  const bool zh = language != "en";
  PermitDocument doc;
  doc.language = zh ? "zh-CN" : "en";
  doc.enterprise_name = str(d, "enterprise");
  doc.title = str(d, "type_label") + (zh ? "安全作业票" : " permit");
  if (zh && doc.title.find("作业安全作业票") != std::string::npos) {
    doc.title = doc.title.substr(0, doc.title.find("作业安全作业票")) + "安全作业票";
  }
  doc.permit_number = str(d, "number");
  doc.level_label = str(d, "level_label");
  const auto& names = obj(d, "names");
  const auto& plan = obj(d, "plan");
  auto add = [&](const char* zh_label, const char* en_label, std::string value) {
    doc.fields.push_back({zh ? zh_label : en_label, std::move(value)});
  };
  add("作业申请单位", "Applying unit",
      str(names, "contractor").empty() ? str(d, "area_name") : str(names, "contractor"));
  add("作业申请时间", "Applied at", shortTime(str(d, "created_at")));
  add("作业内容", "Work", str(d, "title"));
  add("作业地点", "Location", str(d, "area_name"));
  add("作业负责人", "Work leader", str(d, "leader_name"));
  add("作业人", "Workers", joined(arr(names, "workers"), "、"));
  add("监护人", "Guardian", str(d, "guardian_name"));
  std::string linked;
  for (const auto& l : arr(d, "linked")) {
    if (l.is_object()) {
      linked += (linked.empty() ? "" : "、") + str(l.as_object(), "number");
    }
  }
  add("关联的其他特殊作业及安全作业票编号", "Linked permits", linked.empty() ? "无" : linked);
  std::string hazards;
  for (const auto& step : arr(plan, "jha")) {
    if (!step.is_object()) {
      continue;
    }
    hazards += (hazards.empty() ? "" : "；") + str(step.as_object(), "step");
    for (const auto& h : arr(step.as_object(), "hazards")) {
      if (h.is_object()) {
        hazards += "：" + str(h.as_object(), "hazard");
      }
    }
  }
  add("风险辨识结果", "Hazards identified", hazards.empty() ? "见作业危害分析" : hazards);
  add("作业实施时间", "Work period",
      shortTime(str(d, "from")) + (zh ? " 至 " : " to ") + shortTime(str(d, "to")));
  // Type-specific fields in the work type's order.
  const auto& wt = obj(d, "work_type");
  const auto& values = obj(plan, "fields");
  for (const auto& f : arr(wt, "fields")) {
    if (!f.is_object()) {
      continue;
    }
    const auto& fo = f.as_object();
    const std::string name = str(fo, "name");
    const auto* v = values.if_contains(name);
    if (v == nullptr || v->is_null()) {
      continue;
    }
    std::string text;
    if (v->is_bool()) {
      text = v->as_bool() ? (zh ? "是" : "Yes") : (zh ? "否" : "No");
    } else if (v->is_array()) {
      for (const auto& item : v->as_array()) {
        const std::string part =
            item.is_string() ? std::string(item.as_string()) : json::serialize(item);
        text += (text.empty() ? "" : (zh ? "、" : ", ")) + part;
      }
    } else if (v->is_string() && !arr(fo, "options").empty()) {
      text = permit::fieldOptionText(v->as_string(), zh);
    } else {
      text = str(values, name.c_str());
    }
    doc.fields.push_back({str(fo, "label"), std::move(text)});
  }
  for (const auto& g : arr(d, "gas_tests")) {
    if (!g.is_object()) {
      continue;
    }
    const auto& go = g.as_object();
    GasAnalysisRow row;
    row.time = shortTime(str(go, "sampled_at"));
    row.point = str(go, "point");
    row.gas = permit::gasName(str(go, "gas"), zh);
    row.value = str(go, "value");
    row.unit = str(go, "unit");
    row.analyst = str(go, "tester_name");
    if (const auto* p = go.if_contains("pass"); p != nullptr && p->is_bool()) {
      row.passed = p->as_bool();
    }
    doc.gas_analyses.push_back(std::move(row));
  }
  int n = 0;
  for (const auto& m : arr(d, "measures")) {
    if (!m.is_object()) {
      continue;
    }
    const auto& mo = m.as_object();
    SafetyMeasureRow row;
    row.number = ++n;
    row.text = str(mo, "text");
    const auto* applies = mo.if_contains("applies");
    row.applies = applies == nullptr || !applies->is_bool()
                      ? MeasureApplies::kUnset
                      : (applies->as_bool() ? MeasureApplies::kYes : MeasureApplies::kNo);
    row.confirmer = str(mo, "confirmed_by");
    doc.measures.push_back(std::move(row));
  }
  const auto& briefing = obj(d, "briefing");
  doc.briefing_giver = str(briefing, "giver");
  for (const auto& r : arr(briefing, "receivers")) {
    if (r.is_string()) {
      doc.briefing_receivers.emplace_back(r.as_string());
    }
  }
  doc.signatures.push_back({zh ? "作业负责人" : "Work leader", zh ? "已申请" : "Applied",
                            str(d, "leader_name"), shortTime(str(d, "submitted_at")), ""});
  for (const auto& s : arr(d, "steps")) {
    if (!s.is_object()) {
      continue;
    }
    const auto& so = s.as_object();
    doc.signatures.push_back({str(so, "label"), str(so, "comment"), str(so, "decided_by_name"),
                              shortTime(str(so, "decided_at")), ""});
  }
  if (!obj(d, "shift_check").empty()) {
    const auto& sc = obj(d, "shift_check");
    doc.signatures.push_back({zh ? "当班班长验票" : "Shift leader's check", "", str(sc, "by"),
                              shortTime(str(sc, "at")), ""});
  }
  const auto& acc = obj(d, "acceptance");
  doc.signatures.push_back({zh ? "完工验收" : "Completion acceptance", str(acc, "comment"),
                            str(acc, "by"), shortTime(str(acc, "at")), ""});
  doc.status_line = (zh ? "状态：" : "State: ") +
                    (str(d, "state_label").empty() ? str(d, "state") : str(d, "state_label"));
  doc.qr_url = status_url;
  return doc;
}

service::PermitPrinterPtr makePermitPrinter() { return std::make_unique<Printer>(); }

}  // namespace anguan::report
