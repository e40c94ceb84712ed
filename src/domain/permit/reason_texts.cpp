#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "anguan/domain/permit/gas.hpp"
#include "anguan/domain/permit/grading.hpp"

namespace anguan::permit {

const std::map<std::string, std::pair<std::string, std::string>>& reasonTexts() {
  static const std::map<std::string, std::pair<std::string, std::string>> kTexts = {
      // grading
      {"permit.grade.hot.fixed_area",
       {"固定动火区内动火，无需分级作业票",
        "Inside a fixed hot-work area: no graded permit needed"}},
      {"permit.grade.hot.hot_tapping",
       {"带压不置换动火作业，为特级动火", "Hot tapping without replacement: special level"}},
      {"permit.grade.hot.fire_area_running_unit",
       {"在火灾爆炸危险场所内运行装置的设备、管道上动火，为特级动火",
        "Hot work on a unit in operation in a fire/explosion hazardous area: special level"}},
      {"permit.grade.hot.major_hazard_fire_dike",
       {"在重大危险源罐区防火堤内动火，为特级动火",
        "Hot work inside the fire dike of a major-hazard tank farm: special level"}},
      {"permit.grade.hot.fire_area",
       {"在火灾爆炸危险场所内动火，为一级动火",
        "Hot work in a fire/explosion hazardous area: level 1"}},
      {"permit.grade.hot.pipe_rack",
       {"管廊上的动火作业按一级动火管理", "Hot work on a pipe rack: level 1"}},
      {"permit.grade.hot.other",
       {"火灾爆炸危险场所以外的动火，为二级动火",
        "Hot work outside fire/explosion hazardous areas: level 2"}},
      {"permit.grade.hot.shutdown_cleaned",
       {"装置已停车、倒空、清洗、置换、分析合格并隔离，可按二级动火管理（须经企业生产或安全管理负责"
        "人批准）",
        "Unit shut down, emptied, cleaned, purged, tested and isolated: may be managed as level 2 "
        "(approval by the production or safety head required)"}},
      {"permit.grade.hot.wind_forbidden_unless_unavoidable",
       {"五级风以上（含五级）天气禁止露天动火；确需动火的应升级管理（当前风力{wind}级）",
        "Outdoor hot work in wind of level 5 or more is forbidden; if unavoidable it is upgraded "
        "(wind level {wind})"}},
      {"permit.grade.upgrade.night", {"夜间作业", "Night work"}},
      {"permit.grade.upgrade.holiday", {"节假日或公休日作业", "Work on a holiday or rest day"}},
      {"permit.grade.upgrade.wind",
       {"露天作业风力{wind}级（≥5级）", "Outdoors in wind level {wind} (≥ 5)"}},
      {"permit.grade.upgrade.applied",
       {"按规定升一级管理：{from_zh} → {to_zh}", "Upgraded by one level: {from_en} → {to_en}"}},
      {"permit.grade.upgrade.capped",
       {"已是特级动火，不再升级", "Already special level: cannot go higher"}},
      {"permit.grade.height.class_a",
       {"作业高度{height} m（{band} m 区间），无客观危险因素，为{level}级",
        "Height {height} m (band {band} m), no objective hazards: class {level}"}},
      {"permit.grade.height.class_b",
       {"作业高度{height} m（{band} m 区间），存在客观危险因素（{hazards}），为{level}级",
        "Height {height} m (band {band} m) with objective hazards ({hazards}): class {level}"}},
      {"permit.grade.height.wind_forbidden",
       {"五级风以上（含五级）禁止露天高处作业（当前风力{wind}级）",
        "No outdoor work at height in wind of level 5 or more (wind level {wind})"}},
      {"permit.grade.lift.over_100t",
       {"吊物质量{load} t，大于100 t，为一级吊装", "Load {load} t, over 100 t: level 1"}},
      {"permit.grade.lift.40_100t",
       {"吊物质量{load} t，40 t～100 t，为二级吊装", "Load {load} t, 40–100 t: level 2"}},
      {"permit.grade.lift.10_40t",
       {"吊物质量{load} t，小于40 t，为三级吊装", "Load {load} t, under 40 t: level 3"}},
      {"permit.grade.lift.below_10t",
       {"吊物质量{load} t，小于10 t，无需吊装作业票，但须进行风险分析",
        "Load {load} t, under 10 t: no lifting permit, but a risk analysis is required"}},
      {"permit.grade.lift.wind_forbidden",
       {"六级风以上（含六级）禁止露天吊装（当前风力{wind}级）",
        "No outdoor lifting in wind of level 6 or more (wind level {wind})"}},
      {"permit.grade.ungraded", {"该作业类型不分级", "This work type is not graded"}},
      // gas
      {"permit.gas.flammable_ok",
       {"可燃气体{value}%（体积分数）≤ {limit}%，合格",
        "Flammable gas {value} %vol ≤ {limit} %vol: pass"}},
      {"permit.gas.flammable_high",
       {"可燃气体{value}%（体积分数）超过 {limit}%（爆炸下限{lel}%），不合格",
        "Flammable gas {value} %vol exceeds {limit} %vol (LEL {lel} %): fail"}},
      {"permit.gas.lel_unit_needs_lel",
       {"GB 30871-2022 以体积分数判定可燃气体；以%LEL读数时须给出该物质的爆炸下限",
        "GB 30871-2022 judges flammables in %vol; a %LEL reading needs the substance's LEL"}},
      {"permit.gas.o2_ok",
       {"氧含量{value}%，在 {low}%～{high}% 之间，合格",
        "O2 {value} % within {low}–{high} %: pass"}},
      {"permit.gas.o2_low",
       {"氧含量{value}%，低于 {low}%，不合格", "O2 {value} % below {low} %: fail"}},
      {"permit.gas.o2_high",
       {"氧含量{value}%，高于 {high}%，不合格", "O2 {value} % above {high} %: fail"}},
      {"permit.gas.toxic_ok",
       {"{gas} {value} mg/m³ ≤ {limit_kind} {limit} mg/m³（{table}），合格",
        "{gas} {value} mg/m3 ≤ {limit_kind} {limit} mg/m3 ({table}): pass"}},
      {"permit.gas.toxic_high",
       {"{gas} {value} mg/m³ 超过 {limit_kind} {limit} mg/m³（{table}），不合格",
        "{gas} {value} mg/m3 exceeds {limit_kind} {limit} mg/m3 ({table}): fail"}},
      {"permit.gas.unknown_gas", {"限值表中没有气体 {gas}", "No limit for gas {gas} in the table"}},
      {"permit.gas.bad_unit",
       {"{gas} 的单位 {unit} 不适用", "Unit {unit} does not apply to {gas}"}},
      {"permit.gas.bad_value", {"{gas} 的读数无效", "Invalid reading for {gas}"}},
      // start gate
      {"permit.gate.not_issued",
       {"作业票未签发（当前状态：{state}）", "The permit is not issued (state: {state})"}},
      {"permit.gate.before_validity",
       {"未到作业票有效期开始时间", "The permit's validity has not started"}},
      {"permit.gate.expired", {"作业票已过有效期", "The permit has expired"}},
      {"permit.gate.gas_missing",
       {"缺少 {max_age_min} 分钟内合格的气体分析",
        "No passing gas test within the last {max_age_min} min"}},
      {"permit.gate.gas_stale",
       {"气体分析已过去 {age_min} 分钟，超过 {max_age_min} 分钟，须重新分析",
        "The gas test is {age_min} min old, over {max_age_min} min: test again"}},
      {"permit.gate.gas_in_future",
       {"气体分析时间晚于当前时间", "The gas test time is in the future"}},
      {"permit.gate.gas_failed",
       {"{gases} 最近一次检测不合格，须处理后重新检测合格",
        "The latest test of {gases} failed: make it safe and test again"}},
      {"permit.gate.gas_before_break",
       {"气体分析早于作业中断，须在中断后重新分析",
        "The gas test predates the interruption: test again"}},
      {"permit.gate.retest_after_break",
       {"作业中断 {break_min} 分钟，超过 {interval_min} 分钟，须重新进行气体分析",
        "Interrupted for {break_min} min, over {interval_min} min: a new gas test is required"}},
      {"permit.gate.measures_unconfirmed",
       {"安全措施已确认 {confirmed}/{total}", "Safety measures confirmed {confirmed}/{total}"}},
      {"permit.gate.briefing_unsigned", {"安全交底未签字", "The crew briefing is not signed"}},
      {"permit.gate.shift_leader_unchecked",
       {"动火前岗位当班班长未验票", "The shift leader has not checked the permit"}},
      {"permit.gate.guardian_absent", {"监护人不在现场", "The guardian is not on site"}},
      {"permit.gate.continuous_monitor_missing",
       {"特级动火须全程连续监测气体，监测仪未到位",
        "Special-level hot work needs continuous gas monitoring: no monitor in place"}},
      // feasibility
      {"permit.feas.type_unknown", {"作业类型未知", "Unknown work type"}},
      {"permit.feas.window_future_ok", {"作业时间在将来", "The work window lies in the future"}},
      {"permit.feas.window_past",
       {"作业开始时间不在将来", "The work window must start in the future"}},
      {"permit.feas.window_open_ok", {"作业时间尚未结束", "The work window has not ended"}},
      {"permit.feas.window_ended",
       {"作业时间已结束，不能签发", "The work window has ended: the permit can't be issued"}},
      {"permit.feas.grade_changed",
       {"提交后作业级别由{submitted}级变为{now}级，须退回重新提交",
        "The level changed from {submitted} to {now} since submit: return it for changes"}},
      {"permit.feas.window_order",
       {"作业结束时间须晚于开始时间", "The window must end after it starts"}},
      {"permit.feas.level_unknown",
       {"作业级别 {level} 不属于 {type}", "Level {level} does not belong to {type}"}},
      {"permit.feas.window_too_long",
       {"作业时长 {minutes} 分钟，超过{level}级最长有效期 {max_hours} 小时",
        "The window is {minutes} min, over the {max_hours} h maximum for level {level}"}},
      {"permit.feas.window_validity_ok",
       {"作业时长在最长有效期 {max_hours} 小时内",
        "The window is within the {max_hours} h maximum"}},
      {"permit.feas.leader_missing", {"未指定作业负责人", "No work leader assigned"}},
      {"permit.feas.field_missing",
       {"必填项“{field_zh}”未填写", "The required field \"{field_en}\" is empty"}},
      {"permit.feas.field_invalid",
       {"“{field_zh}”的值不是表单可选的值",
        "\"{field_en}\" holds a value the form does not offer"}},
      {"permit.feas.fields_ok",
       {"作业票必填项已填写", "The permit's required fields are filled in"}},
      {"permit.feas.workers_missing", {"未指定作业人", "No workers assigned"}},
      {"permit.feas.cert_ok",
       {"{person}（{role}）持有有效证书 {cert}", "{person} ({role}) holds a valid {cert}"}},
      {"permit.feas.cert_missing",
       {"{person}（{role}）没有有效的所需证书（{required}）",
        "{person} ({role}) holds no valid certificate of {required}"}},
      {"permit.feas.cert_bad_date",
       {"{person}（{role}）的证书有效期无法识别",
        "{person} ({role}): certificate expiry date unreadable"}},
      {"permit.feas.cert_expired",
       {"{person}（{role}）的证书 {cert} 已于 {expires_on} 过期",
        "{person} ({role}): {cert} expired on {expires_on}"}},
      {"permit.feas.cert_expires_in_window",
       {"{person}（{role}）的证书 {cert} 将于作业结束前（{expires_on}）过期",
        "{person} ({role}): {cert} expires on {expires_on}, before the work ends"}},
      {"permit.feas.cert_expiring_soon",
       {"{person}（{role}）的证书 {cert} 将于 {expires_on} 过期（{days} 天内）",
        "{person} ({role}): {cert} expires on {expires_on} (within {days} days)"}},
      {"permit.feas.guardian_missing", {"未指定监护人", "No guardian assigned"}},
      {"permit.feas.guardian_assigned", {"监护人：{person}", "Guardian: {person}"}},
      {"permit.feas.guardian_is_worker",
       {"监护人 {person} 不得同时作为作业人", "Guardian {person} cannot also be a worker"}},
      {"permit.feas.guardian_busy",
       {"监护人 {person} 同时在监护作业 {number}",
        "Guardian {person} is guarding {number} at the same time"}},
      {"permit.feas.guardian_free",
       {"监护人 {person} 无其他重叠监护任务", "Guardian {person} guards no overlapping job"}},
      {"permit.feas.maint_same_equipment",
       {"同一设备在作业时间内有检修计划：{title}",
        "Maintenance on the same equipment overlaps: {title}"}},
      {"permit.feas.maint_same_area",
       {"同一区域在作业时间内有检修计划：{title}",
        "Maintenance in the same area overlaps: {title}"}},
      {"permit.feas.maint_none", {"无冲突的检修计划", "No conflicting maintenance"}},
      {"permit.feas.simops_hot_blind",
       {"火灾爆炸危险场所内盲板抽堵作业 {limit} m 内不得动火（作业 {number}，距离 {distance} m）",
        "No hot work within {limit} m of blind-plate work in a fire/explosion area ({number}, "
        "{distance} m)"}},
      {"permit.feas.simops_blind_line",
       {"同一管道 {line} 上不得同时进行两处及以上盲板抽堵作业（{number}）",
        "Two blind-plate jobs on the same line {line} at the same time ({number})"}},
      {"permit.feas.simops_paint_hot",
       {"受限空间内有动火作业时不得同时涂装（{number}）",
        "No painting in a confined space with hot work in progress ({number})"}},
      {"permit.feas.simops_height_vertical",
       {"同一区域垂直交叉高处作业（{number}），须设置安全防护层",
        "Vertical cross-work at height in the same area ({number}): fit a protective layer"}},
      {"permit.feas.simops_height_double_layer",
       {"同一区域垂直交叉高处作业（{number}），高度 {height} m 超过 24 m，须设双层防护",
        "Vertical cross-work at height in the same area ({number}), {height} m over 24 m: "
        "double protective layer"}},
      {"permit.feas.simops_hot_painting",
       {"动火点 {limit} m 范围内不得同时进行喷漆或溶剂清洗（{number}，距离 {distance} m）",
        "No spray painting or solvent cleaning within {limit} m of hot work ({number}, "
        "{distance} m)"}},
      {"permit.feas.simops_none", {"无冲突的交叉作业", "No conflicting simultaneous work"}},
  };
  return kTexts;
}

namespace {

// "flammable,h2s" → "可燃气体、硫化氢" / "Flammable gas, H₂S".
std::string gasNames(const std::string& codes, bool chinese) {
  std::string out;
  std::size_t from = 0;
  while (from <= codes.size()) {
    const auto comma = std::min(codes.find(',', from), codes.size());
    if (!out.empty()) {
      out += chinese ? "、" : ", ";
    }
    out += gasName(codes.substr(from, comma - from), chinese);
    from = comma + 1;
  }
  return out;
}

}  // namespace

std::string renderReason(const Reason& reason, bool chinese) {
  const auto& texts = reasonTexts();
  auto it = texts.find(reason.key);
  if (it == texts.end()) {
    return reason.key;
  }
  const std::string& tpl = chinese ? it->second.first : it->second.second;
  std::string out;
  out.reserve(tpl.size());
  for (std::size_t i = 0; i < tpl.size();) {
    if (tpl[i] == '{') {
      const auto close = tpl.find('}', i);
      if (close != std::string::npos) {
        const std::string name = tpl.substr(i + 1, close - i - 1);
        auto p = reason.params.find(name);
        if (p != reason.params.end()) {
          out += name == "gas" || name == "gases" ? gasNames(p->second, chinese) : p->second;
          i = close + 1;
          continue;
        }
      }
    }
    out += tpl[i];
    ++i;
  }
  return out;
}

}  // namespace anguan::permit
