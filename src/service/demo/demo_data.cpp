#include <map>
#include <random>
#include <sstream>

#include "anguan/domain/base/schema.hpp"
#include "anguan/service/demo.hpp"

namespace anguan::service {
namespace {

using base::Record;
using base::Value;

Record rec(std::initializer_list<std::pair<const std::string, Value>> values) {
  Record r;
  r.values = values;
  return r;
}

std::string isoDate(Instant t, int tz, int add_days) {
  const auto day = std::chrono::floor<std::chrono::days>(t + std::chrono::minutes{tz}) +
                   std::chrono::days{add_days};
  return formatDate(std::chrono::year_month_day{day});
}

struct Org {
  std::string code;
  std::string name;
  std::string kind;
  std::string parent;  // code
};

struct AreaDef {
  std::string code;
  std::string name;
  std::string kind;
  std::string org;
  bool fire;
  bool major;
  bool dike;
  bool outdoor;
  double x;
  double y;
};

}  // namespace

Result<std::string> seedDemo(BaseDataService& base, AuthService& auth, const Clock& clock,
                             const Settings& settings, const std::string& password) {
  const int tz = settings.tz_offset_minutes;
  const Instant now = clock.now();
  std::mt19937 rng(20261128);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };

  const std::vector<Org> orgs = {
      {"HACHEM", "华安化工集团有限公司", "company", ""},
      {"HSE", "安全环保部", "department", "HACHEM"},
      {"TECH", "生产技术部", "department", "HACHEM"},
      {"EQUIP", "设备管理部", "department", "HACHEM"},
      {"P1", "一厂（东区）", "plant", "HACHEM"},
      {"P1-CDU", "常减压车间", "workshop", "P1"},
      {"P1-FCC", "催化裂化车间", "workshop", "P1"},
      {"P1-STO", "储运车间", "workshop", "P1"},
      {"P1-MNT", "一厂维修车间", "workshop", "P1"},
      {"P1-CDU-T1", "常减压运行一班", "team", "P1-CDU"},
      {"P1-STO-T1", "罐区操作班", "team", "P1-STO"},
      {"P2", "二厂（西区）", "plant", "HACHEM"},
      {"P2-HDT", "加氢车间", "workshop", "P2"},
      {"P2-UTL", "公用工程车间", "workshop", "P2"},
      {"P2-STO", "二厂储运车间", "workshop", "P2"},
      {"P2-MNT", "二厂维修车间", "workshop", "P2"},
      {"C-ZSJ", "中石建安装工程有限公司", "contractor", "HACHEM"},
      {"C-HD", "宏达防腐保温有限公司", "contractor", "HACHEM"},
  };
  const std::vector<AreaDef> areas = {
      {"A-P1-TF1", "一厂罐区A（防火堤内）", "tank_farm", "P1-STO", true, true, true, true, 420,
       180},
      {"A-P1-CDU", "常减压装置", "process_unit", "P1-CDU", true, true, false, true, 200, 160},
      {"A-P1-FCC", "催化裂化装置", "process_unit", "P1-FCC", true, true, false, true, 260, 240},
      {"A-P1-PR", "一厂东西管廊", "pipe_rack", "P1", true, false, false, true, 320, 200},
      {"A-P1-LB", "汽车装卸站台", "loading_bay", "P1-STO", true, false, false, true, 480, 60},
      {"A-P1-WH", "危化品仓库", "warehouse", "P1-STO", true, false, false, false, 520, 120},
      {"A-P1-MW", "一厂维修车间厂房", "workshop", "P1-MNT", false, false, false, false, 120, 60},
      {"A-HQ-OF", "综合办公楼", "office", "HACHEM", false, false, false, false, 40, 20},
      {"A-P2-HDT", "加氢裂化装置", "process_unit", "P2-HDT", true, true, false, true, -260, 200},
      {"A-P2-TF2", "二厂罐区B（防火堤内）", "tank_farm", "P2-STO", true, true, true, true, -420,
       220},
      {"A-P2-UTL", "循环水及空压站", "utility", "P2-UTL", false, false, false, true, -180, 60},
      {"A-P2-PR", "二厂管廊", "pipe_rack", "P2", true, false, false, true, -320, 160},
      {"A-P2-MW", "二厂维修车间厂房", "workshop", "P2-MNT", false, false, false, false, -120, 40},
  };
  const char* surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                            "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"};
  const char* given[] = {"伟",   "芳",   "娜",   "敏",   "静",   "强",   "磊",
                         "军",   "洋",   "勇",   "艳",   "杰",   "涛",   "明",
                         "超",   "秀英", "建国", "志强", "海峰", "晓东", "立新",
                         "国华", "文博", "振宇", "春梅", "玉兰", "德胜", "永刚"};

  std::map<std::string, std::int64_t> org_ids;
  std::map<std::string, std::int64_t> area_ids;
  std::vector<std::pair<std::int64_t, std::string>> people;  // id, name
  std::int64_t people_count = 0;
  std::int64_t cert_count = 0;
  std::int64_t equipment_count = 0;
  std::int64_t window_count = 0;
  std::int64_t holiday_count = 0;

  Status seeded = base.systemBatch([&](SystemBatch& b) -> Status {
    for (const auto& o : orgs) {
      Record r = rec({{"name", o.name}, {"code", o.code}, {"kind", o.kind}});
      if (!o.parent.empty()) {
        r.values["parent_id"] = org_ids.at(o.parent);
      }
      r.values["contact_phone"] = std::string("0574-8668") + std::to_string(1000 + org_ids.size());
      AG_ASSIGN_OR_RETURN(Record stored, b.insert("org_units", std::move(r)));
      org_ids[o.code] = stored.id;
    }
    // People: department staff, operators, maintenance crews, contractors.
    struct Bucket {
      std::string org;
      int count;
      std::vector<std::string> roles;
      std::string position;
      bool contractor;
    };
    const std::vector<Bucket> buckets = {
        {"HSE", 8, {"safety_officer"}, "安全工程师", false},
        {"HSE", 2, {"approver_safety", "safety_officer"}, "安全环保部部长", false},
        {"HACHEM", 2, {"approver_leader"}, "主管安全副总经理", false},
        {"TECH", 6, {"approver_dept"}, "工艺工程师", false},
        {"EQUIP", 6, {"approver_dept"}, "设备工程师", false},
        {"P1-CDU", 16, {"worker"}, "操作工", false},
        {"P1-CDU", 3, {"work_leader", "approver_unit"}, "车间主任", false},
        {"P1-FCC", 16, {"worker"}, "操作工", false},
        {"P1-FCC", 3, {"work_leader", "approver_unit"}, "车间主任", false},
        {"P1-STO", 14, {"worker", "guardian"}, "储运操作工", false},
        {"P1-MNT", 18, {"worker"}, "维修工", false},
        {"P1-MNT", 6, {"guardian"}, "监护人", false},
        {"P1-MNT", 4, {"work_leader"}, "维修班长", false},
        {"P2-HDT", 16, {"worker"}, "操作工", false},
        {"P2-HDT", 3, {"work_leader", "approver_unit"}, "车间主任", false},
        {"P2-UTL", 10, {"worker"}, "公用工程操作工", false},
        {"P2-STO", 10, {"worker", "guardian"}, "储运操作工", false},
        {"P2-MNT", 16, {"worker"}, "维修工", false},
        {"P2-MNT", 5, {"guardian"}, "监护人", false},
        {"C-ZSJ", 14, {"worker"}, "焊工/起重工", true},
        {"C-ZSJ", 2, {"work_leader"}, "项目经理", true},
        {"C-HD", 10, {"worker"}, "防腐保温工", true},
        {"C-HD", 1, {"work_leader"}, "施工队长", true},
    };
    int seq = 1;
    for (const auto& bucket : buckets) {
      for (int i = 0; i < bucket.count; ++i, ++seq) {
        const std::string name =
            std::string(surnames[pick(20)]) + given[pick(static_cast<int>(std::size(given)))];
        char no[16];
        std::snprintf(no, sizeof no, "%s%04d", bucket.contractor ? "C" : "E", seq);
        Record r = rec({{"name", name},
                        {"employee_no", std::string(no)},
                        {"kind", std::string(bucket.contractor ? "contractor" : "employee")},
                        {"org_id", org_ids.at(bucket.org)},
                        {"roles", bucket.roles},
                        {"phone", "13" + std::to_string(800000000 + seq * 7919)},
                        {"position", bucket.position},
                        {"active", true}});
        AG_ASSIGN_OR_RETURN(Record stored, b.insert("people", std::move(r)));
        people.emplace_back(stored.id, name);
        ++people_count;
        // Certificates by trade. Most valid; about one in eight expiring within 30 days,
        // one in twelve already expired.
        std::vector<std::string> types;
        if (bucket.position.find("维修") != std::string::npos ||
            bucket.position.find("焊工") != std::string::npos) {
          // Every trade certificate of the catalogue appears among the crews.
          static const char* const kTrades[] = {
              "welding_fusion",   "electrician_lv", "welding_fusion",  "electrician_hv",
              "welding_pressure", "electrician_ex", "welding_brazing", "chem_instrument",
              "refrigeration",    "crane_signaller"};
          types = {kTrades[static_cast<std::size_t>(i) % std::size(kTrades)]};
          if (i % 4 == 0) {
            types.push_back("height_maintenance");
          }
          if (bucket.contractor && i % 5 == 0) {
            types.push_back("crane_operator");
          }
        } else if (bucket.roles[0] == "guardian" || bucket.roles.size() > 1) {
          types = {"guardian_training"};
          if (i % 2 == 0) {
            types.push_back("gas_tester");
          }
        } else if (bucket.position.find("防腐") != std::string::npos) {
          types = {"height_scaffold"};
        } else if (bucket.position.find("操作工") != std::string::npos && i % 3 == 0) {
          types = {"chem_process"};
        }
        for (const auto& type : types) {
          const int roll = pick(24);
          const int expires_in = roll < 2   ? -(10 + pick(200))
                                 : roll < 5 ? 3 + pick(27)
                                            : 60 + pick(1800);
          const int issued_ago = 2190 - expires_in;  // 6-year validity.
          char number[32];
          ++cert_count;
          std::snprintf(number, sizeof number, "T%06d%04d", 330200 + seq,
                        static_cast<int>(cert_count % 10000));
          Record c =
              rec({{"person_id", stored.id},
                   {"cert_type", type},
                   {"number", std::string(number) + std::to_string(cert_count)},
                   {"issuer", std::string(type.rfind("crane", 0) == 0 ? "宁波市市场监督管理局"
                                                                      : "浙江省应急管理厅")},
                   {"issued_on", isoDate(now, tz, -issued_ago)},
                   {"expires_on", isoDate(now, tz, expires_in)}});
          if (type.rfind("guardian", 0) != 0 && type != "gas_tester") {
            const int review = expires_in > 1095 ? expires_in - 1095 : expires_in;
            c.values["next_review_on"] = isoDate(now, tz, review);
          }
          AG_ASSIGN_OR_RETURN(Record cert, b.insert("certificates", std::move(c)));
          (void)cert;
        }
      }
    }
    // Areas, with responsible people from their org where possible.
    for (const auto& a : areas) {
      Record r = rec({{"name", a.name},
                      {"code", a.code},
                      {"org_id", org_ids.at(a.org)},
                      {"kind", a.kind},
                      {"fire_explosion_hazard", a.fire},
                      {"major_hazard", a.major},
                      {"inside_fire_dike", a.dike},
                      {"outdoor", a.outdoor},
                      {"latitude", 29.9400 + a.y / 111000.0},
                      {"longitude", 121.8500 + a.x / 96000.0},
                      {"plan_x", a.x},
                      {"plan_y", a.y},
                      {"responsible_person_id", people[static_cast<std::size_t>(pick(40))].first}});
      AG_ASSIGN_OR_RETURN(Record stored, b.insert("areas", std::move(r)));
      area_ids[a.code] = stored.id;
    }
    // Equipment per area, with maintenance windows.
    struct EquipDef {
      const char* area;
      const char* prefix;
      const char* name;
      const char* kind;
      const char* medium;
      int count;
    };
    const EquipDef equipment[] = {
        {"A-P1-TF1", "TK-1", "原油储罐", "tank", "原油", 6},
        {"A-P1-CDU", "C-1", "常压塔", "vessel", "原油/石脑油", 2},
        {"A-P1-CDU", "P-1", "原油泵", "pump", "原油", 4},
        {"A-P1-CDU", "F-1", "常压炉", "heat_exchanger", "燃料气", 1},
        {"A-P1-FCC", "R-2", "提升管反应器", "reactor", "油气", 1},
        {"A-P1-FCC", "K-2", "气压机", "compressor", "富气", 2},
        {"A-P1-PR", "L-3", "管廊工艺管线", "pipeline", "汽油/柴油", 4},
        {"A-P1-LB", "LA-4", "装车鹤管", "other", "汽油", 4},
        {"A-P1-MW", "QZ-5", "桥式起重机", "crane", "", 1},
        {"A-P2-HDT", "R-6", "加氢反应器", "reactor", "氢气/油", 2},
        {"A-P2-HDT", "K-6", "循环氢压缩机", "compressor", "氢气", 2},
        {"A-P2-TF2", "TK-7", "成品油储罐", "tank", "柴油", 6},
        {"A-P2-UTL", "P-8", "循环水泵", "pump", "循环水", 3},
        {"A-P2-UTL", "E-8", "变配电柜", "electrical", "", 2},
        {"A-P2-PR", "L-9", "二厂管廊管线", "pipeline", "氢气/瓦斯", 3},
    };
    const char* statuses[] = {"in_service", "in_service",  "in_service",
                              "standby",    "maintenance", "shutdown"};
    for (const auto& e : equipment) {
      for (int i = 1; i <= e.count; ++i) {
        char code[24];
        std::snprintf(code, sizeof code, "%s%02d", e.prefix, i);
        Record r = rec({{"name", std::string(e.name) + std::to_string(i) + "#"},
                        {"code", std::string(code)},
                        {"area_id", area_ids.at(e.area)},
                        {"kind", std::string(e.kind)},
                        {"status", std::string(statuses[pick(6)])},
                        {"model", std::string("HA-") + std::to_string(100 + pick(900))}});
        if (*e.medium != '\0') {
          r.values["medium"] = std::string(e.medium);
        }
        AG_ASSIGN_OR_RETURN(Record stored, b.insert("equipment", std::move(r)));
        ++equipment_count;
        if (pick(3) == 0) {
          const int start_day = pick(40) - 10;
          const auto start = std::chrono::floor<std::chrono::days>(now) +
                             std::chrono::days{start_day} + std::chrono::hours{pick(10)};
          const auto end = start + std::chrono::hours{8 + pick(64)};
          Record w = rec(
              {{"equipment_id", stored.id},
               {"kind", std::string(pick(3) == 0 ? "isolation" : "maintenance")},
               {"starts_at",
                toMillis(std::chrono::time_point_cast<std::chrono::milliseconds>(start))},
               {"ends_at", toMillis(std::chrono::time_point_cast<std::chrono::milliseconds>(end))},
               {"description",
                std::string(e.name) + std::to_string(i) + "# 计划检修（更换密封、清洗、检测）"}});
          AG_ASSIGN_OR_RETURN(Record win, b.insert("maintenance_windows", std::move(w)));
          (void)win;
          ++window_count;
        }
      }
    }
    // 2026 public holidays (国务院办公厅 notice) and make-up working days.
    struct Day {
      const char* date;
      const char* name;
      const char* kind;
    };
    const Day days[] = {
        {"2026-01-01", "元旦", "holiday"},           {"2026-01-02", "元旦", "holiday"},
        {"2026-01-03", "元旦", "holiday"},           {"2026-01-04", "元旦调休上班", "workday"},
        {"2026-02-14", "春节调休上班", "workday"},   {"2026-02-15", "春节", "holiday"},
        {"2026-02-16", "春节", "holiday"},           {"2026-02-17", "春节", "holiday"},
        {"2026-02-18", "春节", "holiday"},           {"2026-02-19", "春节", "holiday"},
        {"2026-02-20", "春节", "holiday"},           {"2026-02-21", "春节", "holiday"},
        {"2026-02-22", "春节", "holiday"},           {"2026-02-23", "春节", "holiday"},
        {"2026-02-28", "春节调休上班", "workday"},   {"2026-04-04", "清明节", "holiday"},
        {"2026-04-05", "清明节", "holiday"},         {"2026-04-06", "清明节", "holiday"},
        {"2026-05-01", "劳动节", "holiday"},         {"2026-05-02", "劳动节", "holiday"},
        {"2026-05-03", "劳动节", "holiday"},         {"2026-05-04", "劳动节", "holiday"},
        {"2026-05-05", "劳动节", "holiday"},         {"2026-05-09", "劳动节调休上班", "workday"},
        {"2026-06-19", "端午节", "holiday"},         {"2026-06-20", "端午节", "holiday"},
        {"2026-06-21", "端午节", "holiday"},         {"2026-09-20", "国庆节调休上班", "workday"},
        {"2026-09-25", "中秋节", "holiday"},         {"2026-09-26", "中秋节", "holiday"},
        {"2026-09-27", "中秋节", "holiday"},         {"2026-10-01", "国庆节", "holiday"},
        {"2026-10-02", "国庆节", "holiday"},         {"2026-10-03", "国庆节", "holiday"},
        {"2026-10-04", "国庆节", "holiday"},         {"2026-10-05", "国庆节", "holiday"},
        {"2026-10-06", "国庆节", "holiday"},         {"2026-10-07", "国庆节", "holiday"},
        {"2026-10-10", "国庆节调休上班", "workday"},
    };
    for (const auto& d : days) {
      AG_ASSIGN_OR_RETURN(Record h, b.insert("holidays", rec({{"date", std::string(d.date)},
                                                              {"name", std::string(d.name)},
                                                              {"kind", std::string(d.kind)}})));
      (void)h;
      ++holiday_count;
    }
    return okStatus();
  });
  if (!seeded) {
    if (seeded.error().key() == "base.duplicate") {
      return Error::conflict("demo.exists",
                             "demo data is already in this database (org unit codes exist)");
    }
    return seeded.error();
  }

  // Field accounts see their whole plant (they plan work in any of its areas); their person
  // record belongs to the maintenance workshop.
  auto personOrg = [](const std::string& org) {
    return org == "P1" || org == "P2" ? org + "-MNT" : org;
  };
  // One account per role. Field accounts are linked to a person record with valid
  // certificates for their trade, so planning and "my tasks" work for them out of the box.
  struct Account {
    const char* username;
    const char* name;
    std::vector<std::string> roles;
    const char* org;
    std::vector<std::string> certs;  // Non-empty: create and link a person with these.
  };
  const std::vector<Account> accounts = {
      {"admin", "系统管理员", {"admin"}, "HACHEM", {}},
      {"safety", "安全员·周敏", {"safety_officer"}, "HACHEM", {"gas_tester"}},
      {"auditor", "审计员·林静", {"auditor"}, "HACHEM", {}},
      {"leader", "主管领导·王建国", {"approver_leader"}, "HACHEM", {}},
      {"hse", "安全环保部·审批人 李强", {"approver_safety", "safety_officer"}, "HACHEM", {}},
      {"dept", "生产技术部·审批人 陈刚", {"approver_dept"}, "HACHEM", {}},
      {"p1admin", "一厂管理员", {"admin"}, "P1", {}},
      {"p2admin", "二厂管理员", {"admin"}, "P2", {}},
      {"p1unit", "一厂基层单位审批人 赵磊", {"approver_unit"}, "P1", {}},
      {"p1leader",
       "一厂作业负责人 张伟",
       {"work_leader", "approver_unit"},
       "P1",
       {"welding_fusion", "guardian_training"}},
      {"p1guard", "一厂监护人 刘洋", {"guardian"}, "P1", {"guardian_training", "gas_tester"}},
      {"p1worker",
       "一厂作业人 孙涛",
       {"worker"},
       "P1",
       {"welding_fusion", "height_maintenance", "electrician_lv"}},
      {"p2worker", "二厂作业人 周杰", {"worker"}, "P2", {"welding_fusion", "electrician_lv"}},
  };
  std::map<std::string, std::int64_t> person_of;
  auto linked = base.systemBatch([&](SystemBatch& b) -> Status {
    int n = 0;
    for (const auto& a : accounts) {
      if (a.certs.empty()) {
        continue;
      }
      ++n;
      const std::string name = a.name;
      const std::string short_name =
          name.substr(name.rfind(' ') == std::string::npos ? 0 : name.rfind(' ') + 1);
      char no[16];
      std::snprintf(no, sizeof no, "E9%03d", n);
      AG_ASSIGN_OR_RETURN(Record person,
                          b.insert("people", rec({{"name", short_name},
                                                  {"employee_no", std::string(no)},
                                                  {"kind", std::string("employee")},
                                                  {"org_id", org_ids.at(personOrg(a.org))},
                                                  {"roles", a.roles},
                                                  {"position", std::string(a.name)},
                                                  {"active", true}})));
      person_of[a.username] = person.id;
      int k = 0;
      for (const auto& type : a.certs) {
        ++k;
        AG_ASSIGN_OR_RETURN(
            Record cert,
            b.insert("certificates",
                     rec({{"person_id", person.id},
                          {"cert_type", type},
                          {"number", "DEMO-" + std::string(a.username) + "-" + std::to_string(k)},
                          {"issuer", std::string("浙江省应急管理厅")},
                          {"issued_on", isoDate(now, tz, -400)},
                          {"expires_on", isoDate(now, tz, 1500)}})));
        (void)cert;
        ++cert_count;
      }
      ++people_count;
    }
    return okStatus();
  });
  if (!linked) {
    return linked.error();
  }
  for (const auto& a : accounts) {
    NewUser u;
    u.username = a.username;
    u.display_name = a.name;
    u.password = password;
    u.roles = a.roles;
    u.org_id = org_ids.at(a.org);
    if (auto it = person_of.find(a.username); it != person_of.end()) {
      u.person_id = it->second;
    }
    auto created = auth.createUserAsSystem(u, std::string(a.username) == "admin"
                                                  ? crypto::HashCost::kInteractive
                                                  : crypto::HashCost::kMinimum);
    if (!created) {
      return created.error();
    }
  }
  std::ostringstream out;
  out << "anguan: demo enterprise created: " << orgs.size() << " org units, " << areas.size()
      << " areas, " << people_count << " people, " << cert_count << " certificates, "
      << equipment_count << " equipment, " << window_count << " maintenance windows, "
      << holiday_count << " calendar days\n"
      << "anguan: demo accounts (password " << password << "):\n";
  for (const auto& a : accounts) {
    out << "  " << a.username << " — " << a.name << "\n";
  }
  return out.str();
}

}  // namespace anguan::service

namespace anguan::service {

Result<std::int64_t> addAccountAsSystem(BaseDataService& base, AuthService& auth, NewUser user,
                                        const std::string& roles, const std::string& org_code) {
  std::stringstream ss(roles);
  for (std::string role; std::getline(ss, role, ',');) {
    if (!role.empty()) {
      user.roles.push_back(role);
    }
  }
  if (user.display_name.empty()) {
    user.display_name = user.username;
  }
  AG_ASSIGN_OR_RETURN(std::int64_t org_id, base.findOrgForSystem(org_code));
  if (org_id == 0) {
    Status created = base.systemBatch([&](SystemBatch& b) -> Status {
      AG_ASSIGN_OR_RETURN(base::Record root,
                          b.insert("org_units", rec({{"name", std::string("企业")},
                                                     {"code", std::string("ROOT")},
                                                     {"kind", std::string("company")}})));
      org_id = root.id;
      return okStatus();
    });
    AG_RETURN_IF_ERROR(created);
  }
  user.org_id = org_id;
  AG_ASSIGN_OR_RETURN(auth::User u, auth.createUserAsSystem(user, crypto::HashCost::kInteractive));
  return u.id.value;
}

}  // namespace anguan::service
