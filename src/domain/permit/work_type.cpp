#include "anguan/domain/permit/work_type.hpp"

#include <map>
#include <set>
#include <string_view>

#include "anguan/domain/auth/access.hpp"
#include "anguan/domain/base/schema.hpp"

namespace anguan::permit {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

constexpr int kDefaultSla = 120;

FieldDef field(std::string name, std::string kind, std::string zh, std::string en,
               bool required = false, std::vector<std::string> options = {}) {
  return {std::move(name), std::move(kind), std::move(zh),
          std::move(en),   required,        std::move(options)};
}

ApprovalStepDef step(std::string code, std::string role, std::string zh, std::string en,
                     StepKind kind = StepKind::kSequential) {
  return {std::move(code), std::move(role), kind, kDefaultSla, std::move(zh), std::move(en)};
}

ApprovalStepDef countersign(std::string code, std::string role, std::string zh, std::string en) {
  return step(std::move(code), std::move(role), std::move(zh), std::move(en),
              StepKind::kCountersign);
}

LevelDef level(std::string code, std::string zh, std::string en, minutes validity, minutes retest,
               std::vector<ApprovalStepDef> chain, bool permit_required = true) {
  return {std::move(code), std::move(zh),    std::move(en),  validity,
          retest,          std::move(chain), permit_required};
}

const ApprovalStepDef kUnitApprove =
    step("unit_approve", "approver_unit", "所在基层单位审批", "Approval by the operating unit");
const ApprovalStepDef kDeptApprove =
    step("dept_approve", "approver_dept", "所在单位专业部门审批", "Approval by the department");
const ApprovalStepDef kLeaderApprove = step("leader_approve", "approver_leader",
                                            "主管厂长或总工程师审批", "Approval by the plant head");

const MeasureDef kSiteRestored = {"site_restored",
                                  "作业现场已恢复、清理干净（盖板、栏杆、防护设施复位）",
                                  "Site restored and cleaned (covers, rails, guards back)"};

const std::vector<std::string> kGuardianCerts = {"guardian_training"};

WorkTypeDef hotWork() {
  WorkTypeDef t;
  t.code = "hot_work";
  t.zh = "动火作业";
  t.en = "Hot work";
  t.special = true;
  t.fields = {
      field("hot_location", "text", "动火地点及动火部位", "Hot-work location and part", true),
      field("hot_method", "enum", "动火方式", "Hot-work method", true,
            {"electric_welding", "gas_welding", "gas_cutting", "grinding", "drilling", "blowtorch",
             "sandblasting", "other"}),
      field("worker_cert_numbers", "text", "动火人及证书编号",
            "Hot-work operators and cert numbers", true),
      field("unit_in_operation", "bool", "装置运行中", "Unit in operation"),
      field("hot_tapping", "bool", "带压不置换动火", "Hot tapping without replacement"),
      field("unit_shutdown_cleaned", "bool", "装置停车并清洗置换合格",
            "Unit shut down and cleaned"),
      field("work_plan", "text", "作业方案（特级动火）", "Work plan (special level)"),
  };
  t.measures = {
      {"m01", "动火设备内部构件清洗干净，蒸汽吹扫或水洗、置换合格，达到动火条件",
       "Equipment internals cleaned, steamed or washed and purged; fit for hot work"},
      {"m02",
       "与动火设备相连接的所有管线已断开，加盲板（ ）块，未采取水封或仅关闭阀门的方式代替盲板",
       "All connected lines disconnected and blinded (count); no water seal or closed valve "
       "instead"},
      {"m03",
       "动火点周围及附近的孔洞、窨井、地沟、水封设施、污水井等已检查并已采取清理或封盖等措施",
       "Openings, manholes, trenches, seals and drains nearby checked and cleaned or covered"},
      {"m04", "罐区内动火点同一防火堤内和防火间距内的油品储罐未进行脱水和取样作业",
       "No draining or sampling of tanks in the same fire dike or within fire distance"},
      {"m05", "高处作业已采取防火花飞溅措施，作业人员佩戴必要的个体防护装备",
       "Spark containment for work at height; workers wear the required PPE"},
      {"m06", "在有可燃物构件和使用可燃物做防腐内衬的设备内部动火作业，已采取防火隔绝措施",
       "Fire isolation inside equipment with combustible parts or linings"},
      {"m07",
       "乙炔气瓶直立放置，已采取防倾倒措施并安装防回火装置；乙炔气瓶、氧气瓶与火源间的距离不应小于1"
       "0m，两气瓶相互间距不应小于5m",
       "Acetylene cylinder upright, secured, flashback arrestor; cylinders ≥ 10 m from the fire, ≥ "
       "5 m "
       "apart"},
      {"m08", "现场配备灭火器（ ）台，灭火毯（ ）块，消防蒸汽带或消防水带（ ）",
       "Extinguishers, fire blankets and steam or water hoses on site (counts)"},
      {"m09", "电焊机所处位置已考虑防火防爆要求，且已可靠接地",
       "Welding machine placed for fire/explosion safety and reliably earthed"},
      {"m10",
       "动火点周围规定距离内没有易燃易爆化学品的装卸、排放、喷漆等可能引起火灾爆炸的危险作业",
       "No loading, release, painting or similar of flammables within the set distance"},
      {"m11",
       "动火点30m内垂直空间未排放可燃气体；15m内垂直空间未排放可燃液体；10m范围内及动火点下方未同时"
       "进行可燃溶剂清洗或喷漆等作业，10m范围内未见有可燃性粉尘清扫作业",
       "No flammable gas release within 30 m, liquid within 15 m, solvent cleaning or painting or "
       "dust sweeping within 10 m or below"},
      {"m12", "已开展作业危害分析，制定相应的安全风险管控措施，交叉作业已明确协调人",
       "Job hazard analysis done, controls set, coordinator named for cross-work"},
      {"m13", "用于连续检测的移动式可燃气体检测仪已配备到位",
       "Portable flammable-gas detector for continuous monitoring in place"},
      {"m14", "配备的摄录设备已到位，且防爆级别满足安全要求",
       "Explosion-proof video recording equipment in place"},
      {"m15", "其他相关特殊作业已办理相应安全作业票，作业现场四周已设立警戒区",
       "Permits for linked special work issued; the site is cordoned off"},
      {"m16", "其他安全措施", "Other safety measures"},
  };
  t.gas = {true, true, minutes{30}, minutes{0}, {"flammable", "o2"}};
  t.worker_certs = {"welding_fusion", "welding_pressure", "welding_brazing"};
  t.guardian_certs = kGuardianCerts;
  t.grading = GradingRule::kHotWork;
  // A.1 sign-off order: the work leader applies (not an approval step); then 所在单位
  // (approver_unit), 安全管理部门 (approver_safety) and the 动火审批人 of Table B.1 — 特级 主管领导
  // (approver_leader), 一级 安全管理部门, 二级 所在基层单位. Where the B.1 approver is one of the
  // reviewers, the review and the approval are one step. The shift leader's check (A.1 step 5) is a
  // start gate (needs_shift_leader_check), not an approval step.
  const auto unit_review =
      step("unit_review", "approver_unit", "所在单位意见", "Operating unit review");
  const auto safety_review =
      step("safety_review", "approver_safety", "安全管理部门意见", "Safety department review");
  t.levels = {
      level("special", "特级", "Special", hours{8}, minutes{30},
            {unit_review, safety_review,
             step("hot_approve", "approver_leader", "动火审批人（主管领导）",
                  "Hot-work approver (leader in charge)")}),
      level("1", "一级", "Level 1", hours{8}, minutes{30},
            {unit_review, step("hot_approve", "approver_safety", "动火审批人（安全管理部门）",
                               "Hot-work approver (safety department)")}),
      level("2", "二级", "Level 2", hours{72}, minutes{60},
            {step("hot_approve", "approver_unit", "动火审批人（所在基层单位）",
                  "Hot-work approver (operating unit)")}),
  };
  t.closeout = {
      {"no_embers", "已确认现场无残留火种", "No embers remain"},
      {"cylinders_removed", "气瓶、焊机等已撤离现场", "Cylinders and welding machines removed"},
      kSiteRestored,
  };
  t.needs_shift_leader_check = true;
  return t;
}

WorkTypeDef confinedSpace() {
  WorkTypeDef t;
  t.code = "confined_space";
  t.zh = "受限空间作业";
  t.en = "Confined space entry";
  t.special = true;
  t.fields = {
      field("space_name", "text", "受限空间名称", "Confined space", true),
      field("original_medium", "text", "原有介质名称", "Former contents", true),
      field("people_in_count", "number", "进入人数", "People going in"),
      field("tools_in", "text", "带入工器具（种类、数量）", "Tools taken in (type, count)"),
      field("painting", "bool", "涂装/喷漆作业", "Painting or coating"),
  };
  t.measures = {
      {"m01", "与受限空间连通的管道已加盲板隔离，不以关闭阀门代替",
       "Connected lines blinded, not just valved"},
      {"m02", "带搅拌等转动部件的设备已切断电源，挂“禁止合闸”标志牌，设专人监护",
       "Rotating parts de-energised, locked and tagged"},
      {"m03", "受限空间内部已清洗、置换、通风", "Space cleaned, purged and ventilated"},
      {"m04", "已按规定进行气体分析并合格", "Gas tested and acceptable"},
      {"m05", "照明电压不大于36V，潮湿狭小容器内不大于12V",
       "Lighting ≤ 36 V (≤ 12 V damp or narrow)"},
      {"m06", "作业人员佩戴必要的个体防护装备（呼吸器、安全带等）",
       "Workers wear respirators and harnesses"},
      {"m07", "受限空间外设置应急救援器材（空气呼吸器、救生绳等）",
       "Rescue equipment ready outside"},
      {"m08", "监护人在受限空间外全程监护，不进入", "Guardian stays outside the whole time"},
      {"m09", "进出人员和工器具已登记", "People and tools going in are registered"},
      {"m10", "出入口设置警示标志，保持畅通", "Entrance marked and kept clear"},
      {"m11", "配备便携式气体检测仪连续监测", "Portable detector monitors continuously"},
      {"m12", "其他安全措施", "Other safety measures"},
  };
  t.gas = {true, false, minutes{30}, minutes{120}, {"flammable", "o2", "h2s", "co"}};
  t.guardian_certs = kGuardianCerts;
  t.grading = GradingRule::kNone;
  t.levels = {level("none", "不分级", "Ungraded", hours{24}, minutes{60}, {kUnitApprove})};
  t.closeout = {
      {"people_counted", "进出人员已清点无误", "People counted out"},
      {"tools_counted", "工器具已清点并全部带出", "Tools counted and all taken out"},
      {"entrance_closed", "出入口已封闭或设警示", "Entrance closed or signed"},
      kSiteRestored,
  };
  return t;
}

WorkTypeDef blindPlate() {
  WorkTypeDef t;
  t.code = "blind_plate";
  t.zh = "盲板抽堵作业";
  t.en = "Blind plate fitting/removal";
  t.special = true;
  t.fields = {
      field("operation", "enum", "作业类别", "Operation", true, {"fit", "remove"}),
      field("line_tag", "text", "设备/管道名称", "Equipment or line", true),
      field("medium", "text", "介质", "Medium", true),
      field("temperature_c", "number", "温度（℃）", "Temperature (°C)", true),
      field("pressure_mpa", "number", "压力（MPa）", "Pressure (MPa)", true),
      field("blind_material", "text", "盲板材质", "Blind material", true),
      field("blind_spec", "text", "盲板规格", "Blind size", true),
      field("blind_number", "text", "盲板编号", "Blind number", true),
      field("actual_start", "date_time", "实际作业开始时间", "Actual start"),
  };
  t.measures = {
      {"m01", "在管道、设备上作业时，降低系统压力，作业点应为常压",
       "Pressure lowered to atmospheric"},
      {"m02", "在有毒介质的管道、设备上作业时，作业人员穿戴适合的防护用具",
       "Suitable PPE for toxic media"},
      {"m03", "在易燃易爆场所作业，使用防爆工具，作业点30m内无动火作业",
       "Non-sparking tools; no hot work within 30 m"},
      {"m04", "已绘制盲板位置图并编号，盲板挂牌", "Blind drawing numbered; plates tagged"},
      {"m05", "作业人员携带便携式气体检测仪（涉及H2S、Cl2、NH3、CO、氰化物）",
       "Portable detector carried (H2S, Cl2, NH3, CO, cyanides)"},
      {"m06", "同一管道上未同时进行两处及以上盲板抽堵作业", "No other blind job on the same line"},
      {"m07", "已通知上下游相关单位", "Upstream and downstream units notified"},
      {"m08", "其他安全措施", "Other safety measures"},
  };
  t.gas = {false, false, minutes{30}, minutes{0}, {}};
  t.guardian_certs = kGuardianCerts;
  t.levels = {level("none", "不分级", "Ungraded", hours{72}, minutes{0}, {kUnitApprove})};
  t.closeout = {
      {"joint_confirmation", "作业单位与企业代表共同确认盲板抽堵完成",
       "Completion confirmed jointly"},
      kSiteRestored,
  };
  return t;
}

WorkTypeDef height() {
  WorkTypeDef t;
  t.code = "height";
  t.zh = "高处作业";
  t.en = "Work at height";
  t.special = true;
  t.fields = {
      field("height_m", "number", "作业高度（m）", "Working height (m)", true),
      field("objective_hazards", "text", "客观危险因素", "Objective hazards"),
  };
  t.measures = {
      {"m01", "作业人员身体条件符合要求", "Workers medically fit"},
      {"m02", "作业人员佩戴全身式安全带、安全帽，穿防滑鞋",
       "Full-body harness, helmet, non-slip shoes"},
      {"m03", "作业脚手架、平台、梯子等经验收合格", "Scaffolds, platforms and ladders accepted"},
      {"m04", "洞口、临边等已设置防护栏杆或盖板", "Openings and edges guarded"},
      {"m05", "作业下方已设置警戒区", "Area below cordoned off"},
      {"m06", "30m以上高处作业配备通讯联络工具", "Communication devices above 30 m"},
      {"m07", "垂直交叉作业已设置防护层（24m以上双层）",
       "Protective layer for vertical cross-work"},
      {"m08", "其他安全措施", "Other safety measures"},
  };
  t.gas = {false, false, minutes{30}, minutes{0}, {}};
  t.worker_certs = {"height_scaffold", "height_maintenance"};
  t.guardian_certs = kGuardianCerts;
  t.grading = GradingRule::kHeight;
  const auto dept_ii_iii = kDeptApprove;
  t.levels = {
      level("I", "Ⅰ级", "Class I", hours{24 * 7}, minutes{0}, {kUnitApprove}),
      level("II", "Ⅱ级", "Class II", hours{24 * 7}, minutes{0}, {dept_ii_iii}),
      level("III", "Ⅲ级", "Class III", hours{24 * 7}, minutes{0}, {dept_ii_iii}),
      level("IV", "Ⅳ级", "Class IV", hours{24 * 7}, minutes{0}, {kLeaderApprove}),
  };
  t.closeout = {{"tools_removed", "高处工具、材料已清理撤离", "Tools and materials taken down"},
                kSiteRestored};
  return t;
}

WorkTypeDef lifting() {
  WorkTypeDef t;
  t.code = "lifting";
  t.zh = "吊装作业";
  t.en = "Lifting";
  t.special = true;
  t.fields = {
      field("lift_location", "text", "吊装地点", "Lifting location", true),
      field("rigging", "text", "吊具名称", "Lifting gear", true),
      field("load_description", "text", "吊物内容", "Load", true),
      field("load_t", "number", "吊物质量（t）", "Load mass (t)", true),
      field("rigger", "person", "司索人", "Rigger", true),
      field("signaller", "person", "指挥人员", "Signaller", true),
      field("lift_plan", "bool", "吊装方案已审批", "Lifting plan approved"),
  };
  t.measures = {
      {"m01", "吊装质量大于等于40t或一级、二级吊装已编制吊装方案并经审批",
       "Lifting plan written and approved (一级/二级)"},
      {"m02", "吊装场所设置警戒区，无关人员不得进入", "Lifting zone cordoned off"},
      {"m03", "吊具、索具经检查完好", "Slings and gear inspected"},
      {"m04", "吊物下方、吊臂下方无人员停留或通过", "Nobody under the load or boom"},
      {"m05", "多台起重机吊装时，单台载荷不超过额定起重量的80%",
       "Each crane ≤ 80 % of rating (multi-crane)"},
      {"m06", "吊装作业人员持有有效的法定资格证书", "Crew hold valid certificates"},
      {"m07", "其他安全措施", "Other safety measures"},
  };
  t.gas = {false, false, minutes{30}, minutes{0}, {}};
  t.worker_certs = {"crane_operator", "crane_signaller"};
  t.guardian_certs = kGuardianCerts;
  t.grading = GradingRule::kLifting;
  t.levels = {
      level("1", "一级", "Level 1", hours{72}, minutes{0}, {kLeaderApprove}),
      level("2", "二级", "Level 2", hours{72}, minutes{0}, {kDeptApprove}),
      level("3", "三级", "Level 3", hours{72}, minutes{0}, {kDeptApprove}),
      // < 10 t: no lifting permit, but a recorded risk analysis (B.2 note 3).
      level("below_10t", "10t以下（无需作业票）", "Below 10 t (no permit)", hours{72}, minutes{0},
            {}, false),
  };
  t.closeout = {
      {"crane_parked", "吊臂、吊钩已收回，操纵杆归零，切断电源", "Boom and hook parked, power off"},
      kSiteRestored};
  return t;
}

WorkTypeDef tempPower() {
  WorkTypeDef t;
  t.code = "temp_power";
  t.zh = "临时用电";
  t.en = "Temporary power";
  t.special = true;
  t.fields = {
      field("supply_point", "text", "电源接入点", "Supply point", true),
      field("permitted_power_kw", "number", "许可用电功率（kW）", "Permitted power (kW)", true),
      field("voltage", "enum", "工作电压", "Voltage", true, {"220V", "380V", "other"}),
      field("equipment", "text", "用电设备名称及额定功率", "Equipment and rated power", true),
      field("power_user", "person", "用电人", "Power user", true),
      field("electrician_cert_numbers", "text", "电工证号", "Electrician cert numbers", true),
  };
  t.measures = {
      {"m01", "作业人员持有电工作业操作证", "Workers hold electrician certificates"},
      {"m02", "在防爆场所使用的临时电源、元器件和线路达到相应的防爆等级要求",
       "Explosion-proof rating where needed"},
      {"m03", "临时用电线路绝缘电压等级不低于500V", "Cable insulation ≥ 500 V"},
      {"m04", "架空线路现场高度不低于2.5m，跨越机动车道不低于5m",
       "Overhead ≥ 2.5 m, ≥ 5 m over roads"},
      {"m05", "埋地电缆深度不小于0.7m", "Buried cable ≥ 0.7 m deep"},
      {"m06", "用电设备、工具实行“一机一闸一保护”", "One RCD per tool"},
      {"m07", "移动式或自备发电机未与电网连接", "Generators not connected to the grid"},
      {"m08", "其他安全措施", "Other safety measures"},
  };
  // 10.1: a flammable-gas test is needed only when power is taken inside a running fire/explosion
  // area; the service sets gas.required for such permits.
  t.gas = {false, false, minutes{30}, minutes{0}, {"flammable"}};
  t.worker_certs = {"electrician_lv", "electrician_hv", "electrician_ex"};
  t.leader_certs = {"electrician_lv", "electrician_hv", "electrician_ex"};
  t.guardian_certs = kGuardianCerts;
  t.levels = {level("none", "不分级", "Ungraded", hours{24 * 15}, minutes{0},
                    {step("supplier_approve", "approver_dept", "配送电单位审批",
                          "Approval by the power supplier")})};
  t.closeout = {{"power_removed", "临时线路已拆除，配送电单位已注销作业票",
                 "Temporary lines removed; the supplier cancelled the permit"},
                kSiteRestored};
  return t;
}

WorkTypeDef excavation() {
  WorkTypeDef t;
  t.code = "excavation";
  t.zh = "动土作业";
  t.en = "Excavation";
  t.special = true;
  t.fields = {
      field("depth_m", "number", "深度（m）", "Depth (m)", true),
      field("area_m2", "number", "面积（m²）", "Area (m²)", true),
      field("method", "enum", "作业方式", "Method", true,
            {"manual", "machine", "piling", "drilling"}),
      field("sketch", "text", "简图说明", "Sketch"),
  };
  t.measures = {
      {"m01", "地下电力电缆、管道等已确认并标识", "Buried cables and pipes located and marked"},
      {"m02", "距管道1m内人工开挖", "Manual digging within 1 m of pipes"},
      {"m03", "挖出的土石堆放距坑边不小于1m，高度不大于1.5m",
       "Spoil ≥ 1 m from edge, ≤ 1.5 m high"},
      {"m04", "深度超过2m设置梯子等上下设施", "Ladder when deeper than 2 m"},
      {"m05", "作业人员间距不小于2m", "Diggers ≥ 2 m apart"},
      {"m06", "坑、沟边设置围栏和警示标志，夜间设警示灯",
       "Edges fenced and signed, lights at night"},
      {"m07", "其他安全措施", "Other safety measures"},
  };
  t.gas = {false, false, minutes{30}, minutes{0}, {}};
  t.guardian_certs = kGuardianCerts;
  t.levels = {level(
      "none", "不分级", "Ungraded", hours{72}, minutes{0},
      {countersign("cs_process", "approver_unit", "工艺/所在单位会签", "Countersign: process unit"),
       countersign("cs_utilities", "approver_dept", "水、电、汽、设备部门会签",
                   "Countersign: water, power, steam, equipment"),
       countersign("cs_safety", "safety_officer", "消防、安全部门会签",
                   "Countersign: fire and safety"),
       kDeptApprove})};
  t.closeout = {{"backfilled", "已回填并恢复地面设施", "Backfilled and surface restored"},
                kSiteRestored};
  return t;
}

WorkTypeDef roadBreak() {
  WorkTypeDef t;
  t.code = "road_break";
  t.zh = "断路作业";
  t.en = "Road closure";
  t.special = true;
  t.fields = {
      field("affected_units", "text", "涉及相关单位", "Affected units", true),
      field("reason", "text", "断路原因", "Reason", true),
      field("sketch", "text", "断路地段示意图说明", "Closed section sketch"),
  };
  t.measures = {
      {"m01", "已制定交通组织方案，保证消防车通行", "Traffic plan keeps fire engines able to pass"},
      {"m02", "设置交通警示标志和路障", "Signs and barriers set"},
      {"m03", "夜间设置警示红灯（高度1.5m，150m外可见）", "Red warning lights at night"},
      {"m04", "已通知相关单位", "Affected units notified"},
      {"m05", "其他安全措施", "Other safety measures"},
  };
  t.gas = {false, false, minutes{30}, minutes{0}, {}};
  t.guardian_certs = kGuardianCerts;
  t.levels = {level(
      "none", "不分级", "Ungraded", hours{72}, minutes{0},
      {countersign("cs_fire", "approver_safety", "消防部门会签", "Countersign: fire department"),
       countersign("cs_safety", "safety_officer", "安全管理部门会签",
                   "Countersign: safety department"),
       kDeptApprove})};
  t.closeout = {
      {"road_reopened", "路障已撤除，经检查后恢复通行", "Barriers removed, road reopened"},
      kSiteRestored};
  return t;
}

WorkTypeDef simpleType(std::string code, std::string zh, std::string en) {
  WorkTypeDef t;
  t.code = std::move(code);
  t.zh = std::move(zh);
  t.en = std::move(en);
  t.special = false;
  t.measures = {
      {"m01", "已开展作业危害分析并落实管控措施", "Hazard analysis done, controls in place"},
      {"m02", "作业人员佩戴必要的个体防护装备", "Workers wear the required PPE"},
      {"m03", "其他安全措施", "Other safety measures"}};
  t.gas = {false, false, minutes{30}, minutes{0}, {}};
  t.guardian_certs = kGuardianCerts;
  t.levels = {level("none", "不分级", "Ungraded", hours{72}, minutes{0}, {kUnitApprove})};
  t.closeout = {kSiteRestored};
  return t;
}

bool validCode(std::string_view code) {
  if (code.empty() || code.size() > 40 || code[0] < 'a' || code[0] > 'z') {
    return false;
  }
  for (char c : code) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

Error invalid(std::string field, std::string message) {
  return Error::invalidArgument("permit.work_type.invalid", std::move(message))
      .with("field", std::move(field));
}

}  // namespace

const char* toString(GradingRule rule) {
  switch (rule) {
    case GradingRule::kNone:
      return "none";
    case GradingRule::kHotWork:
      return "hot_work";
    case GradingRule::kHeight:
      return "height";
    case GradingRule::kLifting:
      return "lifting";
  }
  return "unknown";
}

const char* toString(StepKind kind) {
  switch (kind) {
    case StepKind::kSequential:
      return "sequential";
    case StepKind::kCountersign:
      return "countersign";
    case StepKind::kCoordinator:
      return "coordinator";
  }
  return "unknown";
}

const std::vector<WorkTypeDef>& defaultWorkTypes() {
  static const std::vector<WorkTypeDef> kTypes = {
      hotWork(),
      confinedSpace(),
      blindPlate(),
      height(),
      lifting(),
      tempPower(),
      excavation(),
      roadBreak(),
      simpleType("inspection", "巡检", "Inspection"),
      simpleType("maintenance", "检维修", "Maintenance"),
  };
  return kTypes;
}

const std::vector<FieldDef>& commonFields() {
  static const std::vector<FieldDef> kFields = {
      field("applicant_unit", "text", "作业申请单位", "Applying unit", true),
      field("content", "text", "作业内容", "Work content", true),
      field("location", "text", "作业地点", "Location", true),
      field("work_unit", "text", "作业单位", "Performing unit (contractor)", true),
      field("leader", "person", "作业负责人", "Work leader", true),
      field("workers", "people", "作业人", "Workers", true),
      field("guardian", "person", "监护人", "Guardian", true),
      field("linked_permits", "text", "关联的其他特殊作业及安全作业票编号", "Linked permits"),
      field("risk_result", "text", "风险辨识结果", "Risk identification result", true),
      field("valid_from", "date_time", "作业实施时间（起）", "Work from", true),
      field("valid_to", "date_time", "作业实施时间（止）", "Work to", true),
      field("other_measures", "text", "其他安全措施", "Other safety measures"),
      field("other_measures_author", "person", "其他安全措施编制人", "Other measures written by"),
      field("briefing_giver", "person", "安全交底人", "Briefing given by", true),
      field("briefing_receivers", "people", "接受交底人", "Briefing received by", true),
  };
  return kFields;
}

std::string fieldOptionText(std::string_view code, bool chinese) {
  static const std::map<std::string_view, std::pair<const char*, const char*>> kNames = {
      {"electric_welding", {"电焊", "Electric welding"}},
      {"gas_welding", {"气焊", "Gas welding"}},
      {"gas_cutting", {"气割", "Gas cutting"}},
      {"grinding", {"打磨", "Grinding"}},
      {"drilling", {"钻孔", "Drilling"}},
      {"blowtorch", {"喷灯", "Blowtorch"}},
      {"sandblasting", {"喷砂", "Sandblasting"}},
      {"other", {"其他", "Other"}},
      {"fit", {"堵盲板", "Fit a blind"}},
      {"remove", {"抽盲板", "Remove a blind"}},
      {"manual", {"人工开挖", "Manual digging"}},
      {"machine", {"机械开挖", "Machine digging"}},
      {"piling", {"打桩", "Piling"}},
  };
  auto it = kNames.find(code);
  if (it == kNames.end()) {
    return std::string(code);
  }
  return chinese ? it->second.first : it->second.second;
}

const WorkTypeDef* findType(const std::vector<WorkTypeDef>& types, std::string_view code) {
  for (const auto& t : types) {
    if (t.code == code) {
      return &t;
    }
  }
  return nullptr;
}

const LevelDef* findLevel(const WorkTypeDef& type, std::string_view level) {
  for (const auto& l : type.levels) {
    if (l.code == level) {
      return &l;
    }
  }
  return nullptr;
}

Status validateWorkType(const WorkTypeDef& def) {
  if (!validCode(def.code)) {
    return invalid("code", "The type code must be lower-case letters, digits and _");
  }
  if (def.zh.empty() || def.en.empty()) {
    return invalid("name", "The type needs a Chinese and an English name");
  }
  if (def.rules_version < 1) {
    return invalid("rules_version", "The rules version starts at 1");
  }
  if (def.levels.empty()) {
    return invalid("levels", "The type needs at least one level");
  }
  static const std::set<std::string> kKinds = {"text", "number", "bool",  "date_time",
                                               "enum", "person", "people"};
  std::set<std::string> names;
  for (const auto& f : commonFields()) {
    names.insert(f.name);
  }
  for (const auto& f : def.fields) {
    if (!validCode(f.name) || !names.insert(f.name).second) {
      return invalid("fields", "Field names must be unique codes").with("name", f.name);
    }
    if (kKinds.count(f.kind) == 0) {
      return invalid("fields", "Unknown field kind").with("name", f.name).with("kind", f.kind);
    }
    if (f.kind == "enum" && f.options.empty()) {
      return invalid("fields", "An enum field needs options").with("name", f.name);
    }
  }
  for (const auto* list : {&def.measures, &def.closeout}) {
    std::set<std::string> codes;
    for (const auto& m : *list) {
      if (!validCode(m.code) || !codes.insert(m.code).second || m.zh.empty()) {
        return invalid(list == &def.measures ? "measures" : "closeout",
                       "Checklist items need unique codes and a Chinese text")
            .with("code", m.code);
      }
    }
  }
  for (const auto* list : {&def.worker_certs, &def.leader_certs, &def.guardian_certs}) {
    for (const auto& c : *list) {
      bool known = false;
      for (const auto& o : base::certificateTypeOptions()) {
        known = known || o.code == c;
      }
      if (!known) {
        return invalid("certs", "Unknown certificate type").with("cert", c);
      }
    }
  }
  if (def.gas.required && def.gas.max_age.count() <= 0) {
    return invalid("gas.max_age", "The gas-test age limit must be positive");
  }
  if (def.gas.periodic.count() < 0) {
    return invalid("gas.periodic", "The periodic re-test interval cannot be negative");
  }
  std::set<std::string> levels;
  for (const auto& l : def.levels) {
    if (l.code.empty() || !levels.insert(l.code).second) {
      return invalid("levels", "Level codes must be unique and non-empty").with("level", l.code);
    }
    if (l.max_validity.count() <= 0) {
      return invalid("levels.max_validity", "The maximum validity must be positive")
          .with("level", l.code);
    }
    if (l.retest_after_break.count() < 0) {
      return invalid("levels.retest_after_break", "The re-test interval cannot be negative")
          .with("level", l.code);
    }
    if (def.special && l.permit_required && l.chain.empty()) {
      return invalid("levels.chain", "A special work type needs an approval chain")
          .with("level", l.code);
    }
    std::set<std::string> step_codes;
    for (const auto& s : l.chain) {
      if (!validCode(s.code) || !step_codes.insert(s.code).second) {
        return invalid("levels.chain", "Step codes must be unique codes")
            .with("level", l.code)
            .with("step", s.code);
      }
      if (!auth::isKnownRole(s.role)) {
        return invalid("levels.chain", "Unknown approver role")
            .with("level", l.code)
            .with("role", s.role);
      }
      if (s.sla_minutes <= 0) {
        return invalid("levels.chain", "The step SLA must be positive")
            .with("level", l.code)
            .with("step", s.code);
      }
    }
  }
  auto has = [&](std::initializer_list<const char*> codes) {
    for (const char* c : codes) {
      if (levels.count(c) == 0) {
        return false;
      }
    }
    return true;
  };
  const bool grading_ok = def.grading == GradingRule::kNone      ? levels.count("none") == 1
                          : def.grading == GradingRule::kHotWork ? has({"special", "1", "2"})
                          : def.grading == GradingRule::kHeight  ? has({"I", "II", "III", "IV"})
                                                                : has({"1", "2", "3", "below_10t"});
  if (!grading_ok) {
    return invalid("levels", "The levels do not match the grading rule")
        .with("grading", toString(def.grading));
  }
  return okStatus();
}

}  // namespace anguan::permit
