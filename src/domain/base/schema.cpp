#include "anguan/domain/base/schema.hpp"

#include "anguan/domain/monitor/sensor_kind.hpp"

namespace anguan::base {

const char* toString(FieldType type) {
  switch (type) {
    case FieldType::kText:
      return "text";
    case FieldType::kInteger:
      return "integer";
    case FieldType::kNumber:
      return "number";
    case FieldType::kBool:
      return "bool";
    case FieldType::kDate:
      return "date";
    case FieldType::kDateTime:
      return "datetime";
    case FieldType::kEnum:
      return "enum";
    case FieldType::kRef:
      return "ref";
    case FieldType::kCodeList:
      return "code_list";
  }
  return "text";
}

const FieldSpec* EntitySchema::field(std::string_view field_name) const {
  for (const auto& f : fields) {
    if (f.name == field_name) {
      return &f;
    }
  }
  return nullptr;
}

namespace {

FieldSpec text(std::string name, std::string zh, std::string en, bool required = false,
               std::size_t max_length = 200) {
  FieldSpec f;
  f.name = std::move(name);
  f.type = FieldType::kText;
  f.zh = std::move(zh);
  f.en = std::move(en);
  f.required = required;
  f.max_length = max_length;
  return f;
}

FieldSpec uniqueCode(std::string zh, std::string en) {
  FieldSpec f = text("code", std::move(zh), std::move(en), true, 64);
  f.unique = true;
  return f;
}

FieldSpec ref(std::string name, std::string entity, std::string zh, std::string en, bool required) {
  FieldSpec f;
  f.name = std::move(name);
  f.type = FieldType::kRef;
  f.ref = std::move(entity);
  f.zh = std::move(zh);
  f.en = std::move(en);
  f.required = required;
  return f;
}

FieldSpec enumeration(std::string name, std::string zh, std::string en, std::vector<Option> options,
                      bool required = true) {
  FieldSpec f;
  f.name = std::move(name);
  f.type = FieldType::kEnum;
  f.zh = std::move(zh);
  f.en = std::move(en);
  f.options = std::move(options);
  f.required = required;
  return f;
}

FieldSpec boolean(std::string name, std::string zh, std::string en) {
  FieldSpec f;
  f.name = std::move(name);
  f.type = FieldType::kBool;
  f.zh = std::move(zh);
  f.en = std::move(en);
  return f;
}

FieldSpec number(std::string name, std::string zh, std::string en, double min, double max) {
  FieldSpec f;
  f.name = std::move(name);
  f.type = FieldType::kNumber;
  f.zh = std::move(zh);
  f.en = std::move(en);
  f.min = min;
  f.max = max;
  return f;
}

FieldSpec integer(std::string name, std::string zh, std::string en, double min, double max,
                  bool required) {
  FieldSpec f;
  f.name = std::move(name);
  f.type = FieldType::kInteger;
  f.zh = std::move(zh);
  f.en = std::move(en);
  f.min = min;
  f.max = max;
  f.required = required;
  return f;
}

FieldSpec date(std::string name, std::string zh, std::string en, bool required) {
  FieldSpec f;
  f.name = std::move(name);
  f.type = FieldType::kDate;
  f.zh = std::move(zh);
  f.en = std::move(en);
  f.required = required;
  return f;
}

FieldSpec dateTime(std::string name, std::string zh, std::string en, bool required) {
  FieldSpec f;
  f.name = std::move(name);
  f.type = FieldType::kDateTime;
  f.zh = std::move(zh);
  f.en = std::move(en);
  f.required = required;
  return f;
}

std::vector<EntitySchema> build() {
  std::vector<EntitySchema> all;

  {
    EntitySchema s;
    s.name = "org_units";
    s.path = "org-units";
    s.zh = "组织机构";
    s.en = "Organisation units";
    s.scope_field = "";  // The record is its own scope.
    s.fields = {
        text("name", "名称", "Name", true, 100),
        uniqueCode("编码", "Code"),
        enumeration("kind", "类型", "Kind",
                    {{"company", "公司", "Company"},
                     {"plant", "厂区/分厂", "Plant"},
                     {"workshop", "车间", "Workshop"},
                     {"department", "部门", "Department"},
                     {"team", "班组", "Team"},
                     {"contractor", "承包商", "Contractor"}}),
        ref("parent_id", "org_units", "上级单位", "Parent unit", false),
        text("contact_phone", "联系电话", "Contact phone", false, 32),
        text("address", "地址", "Address", false, 200),
    };
    s.fields[4].pattern = "phone";
    all.push_back(std::move(s));
  }
  {
    EntitySchema s;
    s.name = "people";
    s.path = "people";
    s.key_field = "employee_no";
    s.zh = "人员";
    s.en = "People";
    FieldSpec roles;
    roles.name = "roles";
    roles.type = FieldType::kCodeList;
    roles.zh = "岗位角色";
    roles.en = "Roles";
    roles.options = roleOptions();
    s.fields = {
        text("name", "姓名", "Name", true, 64),
        text("employee_no", "工号", "Employee no.", true, 32),
        enumeration("kind", "人员类别", "Kind",
                    {{"employee", "本企业员工", "Employee"},
                     {"contractor", "承包商人员", "Contractor staff"}}),
        ref("org_id", "org_units", "所属单位", "Organisation unit", true),
        roles,
        text("phone", "手机号", "Phone", false, 32),
        text("position", "职务/工种", "Position", false, 64),
        boolean("active", "在岗", "Active"),
    };
    s.fields[1].unique = true;
    s.fields[5].pattern = "phone";
    all.push_back(std::move(s));
  }
  {
    EntitySchema s;
    s.name = "areas";
    s.path = "areas";
    s.zh = "区域/位置";
    s.en = "Areas";
    s.fields = {
        text("name", "名称", "Name", true, 100),
        uniqueCode("编码", "Code"),
        ref("org_id", "org_units", "所属单位", "Organisation unit", true),
        ref("parent_id", "areas", "上级区域", "Parent area", false),
        enumeration("kind", "区域类型", "Kind",
                    {{"process_unit", "生产装置", "Process unit"},
                     {"tank_farm", "罐区", "Tank farm"},
                     {"pipe_rack", "管廊", "Pipe rack"},
                     {"loading_bay", "装卸区", "Loading bay"},
                     {"warehouse", "仓库", "Warehouse"},
                     {"workshop", "维修车间", "Workshop"},
                     {"utility", "公用工程", "Utilities"},
                     {"office", "办公区", "Office"},
                     {"other", "其他", "Other"}}),
        boolean("fire_explosion_hazard", "火灾爆炸危险区域", "Fire/explosion hazard area"),
        boolean("major_hazard", "重大危险源", "Major hazard installation"),
        boolean("inside_fire_dike", "位于防火堤内", "Inside a fire dike"),
        boolean("outdoor", "露天", "Outdoor"),
        number("latitude", "纬度", "Latitude", -90, 90),
        number("longitude", "经度", "Longitude", -180, 180),
        number("plan_x", "平面坐标X(米)", "Plan X (m)", -100000, 100000),
        number("plan_y", "平面坐标Y(米)", "Plan Y (m)", -100000, 100000),
        ref("responsible_person_id", "people", "负责人", "Responsible person", false),
    };
    all.push_back(std::move(s));
  }
  {
    EntitySchema s;
    s.name = "certificates";
    s.path = "certificates";
    s.zh = "资格证书";
    s.en = "Certificates";
    s.scope_field = "person_id";
    s.title_field = "number";
    s.key_field = "number";
    FieldSpec status = enumeration("status", "状态", "Status",
                                   {{"valid", "有效", "Valid"},
                                    {"expiring", "即将到期", "Expiring"},
                                    {"expired", "已过期", "Expired"}},
                                   false);
    status.computed = true;
    s.fields = {
        ref("person_id", "people", "持证人", "Holder", true),
        enumeration("cert_type", "证书类型", "Certificate type", certificateTypeOptions()),
        text("number", "证书编号", "Number", true, 64),
        text("issuer", "发证机关", "Issued by", false, 100),
        date("issued_on", "发证日期", "Issued on", true),
        date("expires_on", "有效期至", "Expires on", true),
        date("next_review_on", "下次复审日期", "Next re-exam", false),
        status,
    };
    s.fields[2].unique = true;
    all.push_back(std::move(s));
  }
  {
    EntitySchema s;
    s.name = "equipment";
    s.path = "equipment";
    s.zh = "设备";
    s.en = "Equipment";
    s.scope_field = "area_id";
    s.fields = {
        text("name", "名称", "Name", true, 100),
        uniqueCode("位号/编码", "Tag / code"),
        ref("area_id", "areas", "所在区域", "Area", true),
        enumeration("kind", "设备类型", "Kind",
                    {{"vessel", "容器", "Vessel"},
                     {"tank", "储罐", "Tank"},
                     {"pipeline", "管道", "Pipeline"},
                     {"reactor", "反应器", "Reactor"},
                     {"pump", "泵", "Pump"},
                     {"compressor", "压缩机", "Compressor"},
                     {"heat_exchanger", "换热器", "Heat exchanger"},
                     {"crane", "起重机械", "Crane"},
                     {"electrical", "电气设备", "Electrical"},
                     {"instrument", "仪表", "Instrument"},
                     {"other", "其他", "Other"}}),
        enumeration("status", "状态", "Status",
                    {{"in_service", "运行", "In service"},
                     {"standby", "备用", "Standby"},
                     {"shutdown", "停运", "Shut down"},
                     {"maintenance", "检修", "Under maintenance"},
                     {"decommissioned", "报废", "Decommissioned"}}),
        text("model", "型号", "Model", false, 100),
        text("medium", "介质", "Medium", false, 100),
    };
    all.push_back(std::move(s));
  }
  {
    EntitySchema s;
    s.name = "maintenance_windows";
    s.path = "maintenance-windows";
    s.zh = "设备检维修窗口";
    s.en = "Maintenance windows";
    s.scope_field = "equipment_id";
    s.title_field = "description";
    s.key_field = "";
    s.fields = {
        ref("equipment_id", "equipment", "设备", "Equipment", true),
        enumeration("kind", "类型", "Kind",
                    {{"maintenance", "检维修", "Maintenance"},
                     {"isolation", "隔离/能量锁定", "Isolation"},
                     {"inspection", "检验检测", "Inspection"}}),
        dateTime("starts_at", "开始时间", "Starts at", true),
        dateTime("ends_at", "结束时间", "Ends at", true),
        text("description", "说明", "Description", true, 500),
    };
    all.push_back(std::move(s));
  }
  {
    EntitySchema s;
    s.name = "holidays";
    s.path = "holidays";
    s.zh = "节假日";
    s.en = "Holidays";
    s.scoped = false;
    s.scope_field = "";
    s.title_field = "name";
    s.key_field = "date";
    FieldSpec day = date("date", "日期", "Date", true);
    day.unique = true;
    s.fields = {
        day,
        text("name", "名称", "Name", true, 64),
        enumeration("kind", "类型", "Kind",
                    {{"holiday", "法定节假日/休息日", "Holiday / rest day"},
                     {"workday", "调休上班日", "Make-up working day"}}),
    };
    all.push_back(std::move(s));
  }
  {
    EntitySchema s;
    s.name = "devices";
    s.path = "devices";
    s.zh = "监测设备";
    s.en = "Monitoring devices";
    s.scope_field = "area_id";
    s.fields = {
        text("name", "名称", "Name", true, 100),
        uniqueCode("设备编码", "Device code"),
        enumeration("kind", "设备类型", "Kind",
                    {{"gateway", "数据网关", "Gateway"},
                     {"gas_detector", "气体检测仪", "Gas detector"},
                     {"sensor_node", "传感器节点", "Sensor node"},
                     {"camera", "AI摄像头", "AI camera"},
                     {"positioning", "人员定位基站", "Positioning system"},
                     {"plc", "PLC/DCS接口", "PLC/DCS interface"}}),
        ref("area_id", "areas", "所在区域", "Area", true),
        ref("gateway_id", "devices", "上级网关", "Gateway", false),
        text("site", "站点(MQTT主题)", "Site (MQTT topic)", false, 64),
        text("model", "型号", "Model", false, 100),
        text("position", "安装位置", "Position", false, 200),
        boolean("active", "启用", "Active"),
    };
    all.push_back(std::move(s));
  }
  {
    EntitySchema s;
    s.name = "sensors";
    s.path = "sensors";
    s.zh = "传感器";
    s.en = "Sensors";
    s.scope_field = "area_id";
    std::vector<Option> kinds;
    for (const auto& k : monitor::allSensorKinds()) {
      kinds.push_back({std::string(k.code), std::string(k.name_zh), std::string(k.name_en)});
    }
    s.fields = {
        text("name", "名称", "Name", true, 100),
        uniqueCode("位号/编码", "Tag / code"),
        ref("device_id", "devices", "所属设备", "Device", true),
        enumeration("kind", "监测类型", "Kind", std::move(kinds)),
        ref("area_id", "areas", "所在区域", "Area", true),
        text("position", "安装位置", "Position", false, 200),
        number("plan_x", "平面坐标X(米)", "Plan X (m)", -100000, 100000),
        number("plan_y", "平面坐标Y(米)", "Plan Y (m)", -100000, 100000),
        integer("interval_seconds", "上报周期(秒)", "Reporting interval (s)", 1, 86400, true),
        date("calibration_due", "校准到期日", "Calibration due", false),
        number("warning_high", "预警上限", "Warning high", -1e9, 1e9),
        number("alarm_high", "报警上限", "Alarm high", -1e9, 1e9),
        number("warning_low", "预警下限", "Warning low", -1e9, 1e9),
        number("alarm_low", "报警下限", "Alarm low", -1e9, 1e9),
        boolean("active", "启用", "Active"),
    };
    all.push_back(std::move(s));
  }
  {
    EntitySchema s;
    s.name = "area_thresholds";
    s.path = "area-thresholds";
    s.zh = "区域报警阈值";
    s.en = "Area alarm thresholds";
    s.scope_field = "area_id";
    s.title_field = "kind";
    s.key_field = "";
    std::vector<Option> kinds;
    for (const auto& k : monitor::allSensorKinds()) {
      kinds.push_back({std::string(k.code), std::string(k.name_zh), std::string(k.name_en)});
    }
    s.fields = {
        ref("area_id", "areas", "区域", "Area", true),
        enumeration("kind", "监测类型", "Kind", std::move(kinds)),
        number("warning_high", "预警上限", "Warning high", -1e9, 1e9),
        number("alarm_high", "报警上限", "Alarm high", -1e9, 1e9),
        number("warning_low", "预警下限", "Warning low", -1e9, 1e9),
        number("alarm_low", "报警下限", "Alarm low", -1e9, 1e9),
        number("hysteresis", "回差", "Hysteresis", 0, 1e9),
        integer("delay_seconds", "持续时间(秒)", "Delay (s)", 0, 3600, false),
        number("rate_per_minute", "变化率(每分钟)", "Rate of change (per min)", 0, 1e9),
    };
    all.push_back(std::move(s));
  }
  return all;
}

}  // namespace

const std::vector<EntitySchema>& schemas() {
  static const std::vector<EntitySchema> kAll = build();
  return kAll;
}

const EntitySchema* findSchema(std::string_view name_or_path) {
  for (const auto& s : schemas()) {
    if (s.name == name_or_path || s.path == name_or_path) {
      return &s;
    }
  }
  return nullptr;
}

const std::vector<Option>& roleOptions() {
  static const std::vector<Option> kRoles = {
      {"worker", "作业人", "Worker"},
      {"guardian", "监护人", "Guardian"},
      {"work_leader", "作业负责人", "Work leader"},
      {"approver_unit", "审批人(基层单位)", "Approver (operating unit)"},
      {"approver_dept", "审批人(专业部门)", "Approver (specialist dept.)"},
      {"approver_safety", "审批人(安全管理部门)", "Approver (safety dept.)"},
      {"approver_leader", "审批人(主管领导)", "Approver (leader in charge)"},
      {"safety_officer", "安全员", "Safety officer"},
      {"dept_manager", "部门负责人", "Department manager"},
      {"admin", "系统管理员", "Administrator"},
      {"auditor", "审计/监管(只读)", "Auditor (read-only)"},
  };
  return kRoles;
}

const std::vector<Option>& certificateTypeOptions() {
  static const std::vector<Option> kTypes = {
      {"electrician_hv", "特种作业-高压电工作业", "Electrician, high voltage"},
      {"electrician_lv", "特种作业-低压电工作业", "Electrician, low voltage"},
      {"electrician_ex", "特种作业-防爆电气作业", "Electrician, explosion-proof"},
      {"welding_fusion", "特种作业-熔化焊接与热切割作业", "Fusion welding and thermal cutting"},
      {"welding_pressure", "特种作业-压力焊作业", "Pressure welding"},
      {"welding_brazing", "特种作业-钎焊作业", "Brazing"},
      {"height_scaffold", "特种作业-登高架设作业", "Scaffolding at height"},
      {"height_maintenance", "特种作业-高处安装、维护、拆除作业",
       "Installation, maintenance, dismantling at height"},
      {"chem_process", "特种作业-危险化学品安全作业(危险化工工艺)",
       "Hazardous chemical process operation"},
      {"chem_instrument", "特种作业-化工自动化控制仪表作业", "Chemical automation instruments"},
      {"refrigeration", "特种作业-制冷与空调作业", "Refrigeration and air conditioning"},
      {"crane_signaller", "特种设备-起重机指挥(Q1)", "Crane signaller (Q1)"},
      {"crane_operator", "特种设备-起重机司机(Q2)", "Crane operator (Q2)"},
      {"guardian_training", "监护人培训合格证", "Guardian training certificate"},
      {"gas_tester", "气体检测分析培训合格证", "Gas testing training certificate"},
  };
  return kTypes;
}

}  // namespace anguan::base
