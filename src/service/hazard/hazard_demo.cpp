// `anguan demo` for issue 4: twelve months of hazards, the risk register with assessments,
// inspections, incidents with corrective actions and the monthly work periods. Written straight
// through the repository in a few transactions (the history is in the past, so it cannot go
// through the use cases that stamp "now"). Deterministic for a given clock.
#include <algorithm>
#include <map>
#include <random>
#include <sstream>

#include "anguan/domain/base/schema.hpp"
#include "anguan/service/hazard_service.hpp"

namespace anguan::service {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using store::HazardEvent;
using store::HazardRow;

// A 1×1 PNG: the demo's "photo" (real photos come from the phone).
constexpr const char* kDemoPng =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg"
    "==";

struct DemoUser {
  std::int64_t id = 0;
  std::int64_t person_id = 0;
  std::string name;
};

struct Area {
  std::int64_t id = 0;
  std::string code;
  std::string name;
  std::string org_path;
  std::int64_t responsible = 0;
};

const std::vector<std::pair<std::string, std::string>> kTypes = {
    {"人.违章作业", "班组人员在装置区吸烟/未按规定动火"},
    {"人.未佩戴防护", "作业人员未佩戴安全帽或防护眼镜"},
    {"物.设备缺陷", "泵体振动异常，地脚螺栓松动"},
    {"物.防护缺失", "转动部件防护罩缺失"},
    {"物.泄漏", "法兰密封处渗漏"},
    {"环境.照明通风", "巡检通道照明不足"},
    {"环境.通道", "消防通道被物料堵塞"},
    {"管理.制度", "操作规程未及时修订"},
    {"管理.培训", "特种作业人员证书过期仍上岗"},
};

// Last closure per (area, type): hazard id and when.
using ClosedMap = std::map<std::pair<std::int64_t, std::string>, std::pair<std::int64_t, Instant>>;

bool recentlyClosed(const ClosedMap& closed, std::int64_t area, const std::string& type,
                    Instant at) {
  auto it = closed.find({area, type});
  return it != closed.end() && it->second.second <= at &&
         at - it->second.second < days{hazard::kRecurrenceWindowDays};
}

}  // namespace

Result<std::string> seedHazardDemo(store::Store& store, const Clock& clock,
                                   const Settings& settings) {
  const Instant now = clock.now();
  const int tz = settings.tz_offset_minutes;
  std::mt19937 rng(20261204);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const hazard::DeadlinePolicy deadlines;

  std::vector<Area> areas;
  std::map<std::string, std::size_t> area_by_code;
  std::map<std::string, DemoUser> users;
  std::vector<base::Record> orgs;
  AG_RETURN_IF_ERROR(store.read([&](store::Transaction& tx) -> Status {
    store::ListQuery q;
    q.page_size = 1000;
    AG_ASSIGN_OR_RETURN(auto page, tx.records().list(*base::findSchema("areas"), q));
    for (const auto& r : page.items) {
      area_by_code[r.getText("code")] = areas.size();
      areas.push_back({r.id, r.getText("code"), r.getText("name"), r.org_path,
                       r.getInt("responsible_person_id")});
    }
    AG_ASSIGN_OR_RETURN(auto org_page, tx.records().list(*base::findSchema("org_units"), q));
    orgs = std::move(org_page.items);
    for (const char* name :
         {"safety", "hse", "p1leader", "p1worker", "p1guard", "p2worker", "leader", "p1unit"}) {
      auto u = tx.users().findByUsername(name);
      if (u) {
        users[name] = {u->id.value, u->person_id, u->display_name};
      }
    }
    return okStatus();
  }));
  if (areas.empty() || users.count("safety") == 0 || users.count("p1leader") == 0) {
    return Error::conflict("demo.base_missing", "seed the base demo data first");
  }
  const DemoUser& safety = users.at("safety");
  const DemoUser& hse = users.count("hse") != 0 ? users.at("hse") : safety;
  const DemoUser& p1leader = users.at("p1leader");
  std::vector<DemoUser> reporters;
  for (const char* name : {"p1worker", "p1guard", "p1leader", "p2worker", "safety"}) {
    if (users.count(name) != 0) {
      reporters.push_back(users.at(name));
    }
  }
  // Hazards in the first plant's maintenance hall and pipe rack go to the work leader, so the
  // closed loop can be walked through with the demo accounts.
  std::vector<hazard::AssignmentRule> rules;
  for (const char* code : {"A-P1-MW", "A-P1-PR"}) {
    if (auto it = area_by_code.find(code); it != area_by_code.end() && p1leader.person_id != 0) {
      rules.push_back({areas[it->second].id, "", std::nullopt, p1leader.person_id});
    }
  }
  auto assigneeOf = [&](const Area& a) {
    for (const auto& r : rules) {
      if (r.area_id == a.id) {
        return r.person_id;
      }
    }
    return a.responsible;
  };

  std::int64_t hazard_count = 0, open_count = 0, late_count = 0, recurring_count = 0;
  std::int64_t risk_count = 0, inspection_count = 0, incident_count = 0, period_count = 0;

  // Hazards: ~26 a month for twelve months, oldest first so recurrences can link back.
  AG_RETURN_IF_ERROR(store.write([&](store::Transaction& tx) -> Status {
    auto& repo = tx.hazards();
    AG_RETURN_IF_ERROR(repo.replaceAssignmentRules(rules));
    ClosedMap last_closed;
    int photo_no = 0;
    auto addPhoto = [&](std::int64_t hazard_id, const std::string& kind, std::int64_t by,
                        const std::string& org_path, Instant at) -> Status {
      char id[40];
      std::snprintf(id, sizeof id, "demo%028d", ++photo_no);
      store::HazardFile f;
      f.id = id;
      f.hazard_id = hazard_id;
      f.kind = kind;
      f.mime = "image/png";
      f.size = 70;
      f.data_base64 = kDemoPng;
      f.uploaded_by = by;
      f.org_path = org_path;
      f.created_at = at;
      return repo.insertFile(f);
    };
    const int total = 12 * 26;
    for (int i = 0; i < total; ++i) {
      // Spread over the last 365 days, oldest first; the newest ones are still open.
      const double age_days = 365.0 - (365.0 * i) / total - 0.3;
      const Instant reported =
          now - minutes{static_cast<std::int64_t>(age_days * 24 * 60) + pick(300)};
      const std::size_t ai = static_cast<std::size_t>(pick(static_cast<int>(areas.size())));
      const Area& area = areas[ai];
      // Pick a type whose area+type has no closure in the last 90 days (recurrences are
      // made deliberately below).
      std::size_t ti = static_cast<std::size_t>(pick(static_cast<int>(kTypes.size())));
      const bool make_recurring = i % 60 == 37;
      for (int tries = 0; tries < 9; ++tries) {
        const bool recent = recentlyClosed(last_closed, area.id, kTypes[ti].first, reported);
        if (recent == make_recurring) {
          break;
        }
        ti = (ti + 1) % kTypes.size();
      }
      const DemoUser& reporter =
          reporters[static_cast<std::size_t>(pick(static_cast<int>(reporters.size())))];
      HazardRow h;
      h.org_path = area.org_path;
      h.area_id = area.id;
      h.type_code = kTypes[ti].first;
      h.level = hazard::Level::kGeneral;
      h.source = i % 5 == 0 ? hazard::Source::kInspection : hazard::Source::kAdHoc;
      h.description = area.name + "：" + kTypes[ti].second;
      h.reporter_user_id = reporter.id;
      h.reporter_name = reporter.name;
      h.discovered_at = reported - minutes{10 + pick(120)};
      h.reported_at = reported;
      h.created_at = reported;
      if (recentlyClosed(last_closed, area.id, h.type_code, reported)) {
        h.recurrence_of = last_closed.at({area.id, h.type_code}).first;
        ++recurring_count;
      }
      const bool major = i == total / 3 || i == total - 20;
      if (major) {
        h.level = hazard::Level::kMajor;
        h.description = area.name + "：储罐区可燃气体检测报警仪失效，防火堤排水阀常开";
      }
      std::vector<HazardEvent> ev;
      ev.push_back({0, 0, reported, reporter.id, reporter.name, "report", "", "reported",
                    h.recurrence_of != 0 ? "recurs #" + std::to_string(h.recurrence_of) : ""});
      // Outcome: ~3% rejected; the rest assigned. Older than the deadline window: ~85% closed
      // on time, ~10% late, the rest still open (overdue). Recent: in progress.
      const int roll = pick(100);
      const std::int64_t assignee = assigneeOf(area);
      if (roll < 3 && !major) {
        h.state = hazard::State::kRejected;
        h.reject_reason = "经核实为正常工况，不构成隐患";
        ev.push_back({0, 0, reported + hours{2}, safety.id, safety.name, "reject", "reported",
                      "rejected", h.reject_reason});
      } else if (assignee != 0) {
        const Instant assigned = reported + minutes{1};
        h.assignee_person_id = assignee;
        h.assigned_at = assigned;
        h.deadline = hazard::deadlineFor(h.level, assigned, deadlines);
        h.state = hazard::State::kAssigned;
        ev.push_back({0, 0, assigned, 0, "system", "assign", "reported", "assigned", "auto"});
        const double window = major ? 30 : 7;
        // Who rectifies: the work leader for his areas, otherwise a field account.
        const DemoUser& rectifier = assignee == p1leader.person_id ? p1leader
                                    : users.count("p1guard") != 0  ? users.at("p1guard")
                                                                   : p1leader;
        const bool old = age_days > window + 3;
        int fate;  // 0 closed on time, 1 closed late, 2 open overdue, 3 in progress
        if (old) {
          fate = roll < 86 ? 0 : roll < 95 ? 1 : 2;
          // A late closure lies up to ten days past the deadline: only for old enough ones.
          if (fate == 1 && age_days < window + 14) {
            fate = 0;
          }
        } else {
          fate = 3;
        }
        if (major) {
          h.has_plan = true;
          h.plan.targets = "消除储罐区报警失效及排水阀常开隐患，恢复防火堤完整性";
          h.plan.method = "更换可燃气体检测探头并标定；排水阀加锁常闭管理，雨排改造";
          h.plan.funds = "专项资金 38 万元，物资由设备管理部采购";
          h.plan.responsible = "储运车间主任牵头，设备管理部、安全环保部配合";
          h.plan.deadline = *h.deadline;
          h.plan.safety_measures =
              "治理期间增加人工巡检每 2 小时一次，配备便携式检测仪，"
              "罐区禁止动火，编制专项应急处置方案并演练";
          h.supervisor_person_id = users.count("leader") != 0 ? users.at("leader").person_id : 0;
          h.reported_to_management_at = reported + days{1};
          ev.push_back({0, 0, reported + hours{20}, hse.id, hse.name, "plan", "assigned",
                        "assigned", "治理方案已制定（六要素）"});
          ev.push_back({0, 0, reported + days{1}, hse.id, hse.name, "supervise", "assigned",
                        "assigned", "挂牌督办"});
          ev.push_back({0, 0, reported + days{1}, hse.id, hse.name, "report_management", "assigned",
                        "assigned", ""});
          fate = old ? 0 : 3;
        }
        if (fate == 2) {
          // Overdue, still rectifying.
          h.state = hazard::State::kRectifying;
          ev.push_back({0, 0, assigned + hours{5}, rectifier.id, rectifier.name, "start",
                        "assigned", "rectifying", ""});
          ++open_count;
        } else if (fate == 3) {
          const int stage = pick(4);  // assigned, rectifying, submitted
          if (stage >= 1) {
            h.state = hazard::State::kRectifying;
            ev.push_back({0, 0, assigned + hours{3}, rectifier.id, rectifier.name, "start",
                          "assigned", "rectifying", ""});
            if (major) {
              ev.push_back({0, 0, assigned + days{3},
                            users.count("leader") != 0 ? users.at("leader").id : hse.id, "督办人",
                            "follow_up", "rectifying", "rectifying",
                            "已现场检查，探头到货，要求本周完成更换"});
            }
          }
          if (stage >= 3 && !major && assigned + hours{6} < now) {
            h.state = hazard::State::kSubmitted;
            h.rectifier_user_id = rectifier.id;
            h.rectify_measure = "现场整改";
            h.rectify_text = "已按要求整改完毕，附整改后照片";
            h.submitted_at = assigned + hours{6};
            ev.push_back({0, 0, *h.submitted_at, rectifier.id, rectifier.name, "submit",
                          "rectifying", "submitted", h.rectify_text});
          }
          ++open_count;
        } else {
          const Instant closed =
              fate == 0 ? assigned + hours{4 + pick(static_cast<int>(window * 24) - 10)}
                        : *h.deadline + hours{6 + pick(10 * 24)};
          const Instant submitted = closed - hours{2};
          ev.push_back({0, 0, assigned + hours{1}, rectifier.id, rectifier.name, "start",
                        "assigned", "rectifying", ""});
          if (fate == 1) {
            h.escalations = 1 + pick(3);
            ev.push_back({0, 0, *h.deadline + hours{1}, 0, "system", "escalate", "rectifying",
                          "rectifying", "逾期升级"});
            ++late_count;
          }
          h.rectifier_user_id = rectifier.id;
          h.rectify_measure = major ? "更换检测探头 6 只并标定，排水阀加锁" : "现场整改";
          h.rectify_text = "已整改完毕，附整改后照片";
          h.submitted_at = submitted;
          ev.push_back({0, 0, submitted, rectifier.id, rectifier.name, "submit", "rectifying",
                        "submitted", h.rectify_text});
          if (major) {
            h.acceptance_user_id = hse.id;
            h.accepted_at = submitted + hours{1};
            h.acceptance_note = "安全环保部组织验收评估：报警仪标定合格，排水阀管理到位，同意销号";
            ev.push_back({0, 0, *h.accepted_at, hse.id, hse.name, "accept", "submitted",
                          "submitted", h.acceptance_note});
          }
          const DemoUser& verifier = reporter.id != rectifier.id ? reporter : safety;
          h.verifier_user_id = verifier.id;
          h.closed_at = closed;
          h.state = hazard::State::kClosed;
          ev.push_back({0, 0, closed, verifier.id, verifier.name, "verify_pass", "submitted",
                        "closed", "复查合格"});
        }
      } else {
        ++open_count;
      }
      AG_ASSIGN_OR_RETURN(h.id, repo.insertHazard(h));
      ++hazard_count;
      for (auto& e : ev) {
        e.hazard_id = h.id;
        AG_RETURN_IF_ERROR(repo.addEvent(e));
      }
      if (i % 4 == 0 || major) {
        AG_RETURN_IF_ERROR(addPhoto(h.id, "report", reporter.id, h.org_path, reported));
        if (h.submitted_at) {
          AG_RETURN_IF_ERROR(
              addPhoto(h.id, "evidence", h.rectifier_user_id, h.org_path, *h.submitted_at));
        }
      }
      if (h.closed_at) {
        last_closed[{area.id, h.type_code}] = {h.id, *h.closed_at};
      }
    }
    return okStatus();
  }));

  // Risk register: two or three risk points per area, assessed by LEC or LS; inspections of
  // the last four weeks done, today's pending.
  struct PointDef {
    const char* name;
    const char* activity;
    const char* hazard;
    const char* accident;
    const char* method;
    double l, e, c;
    std::vector<std::string> controls;
  };
  const std::vector<PointDef> defs = {
      {"储罐收发油作业",
       "收发油、切水",
       "油气挥发、液位超限",
       "火灾、爆炸",
       "lec",
       3,
       6,
       40,
       {"液位高高联锁投用", "切水专人监护", "可燃气体报警仪完好"}},
      {"机泵运行",
       "巡检、切换机泵",
       "密封泄漏、转动部件",
       "机械伤害、火灾",
       "lec",
       3,
       6,
       15,
       {"防护罩齐全", "密封无泄漏", "振动温度正常"}},
      {"高处巡检",
       "平台、爬梯巡检",
       "护栏缺损、湿滑",
       "高处坠落",
       "ls",
       3,
       4,
       0,
       {"护栏完好", "爬梯防护笼完好", "安全带挂点可用"}},
      {"电气设备操作",
       "配电室倒闸操作",
       "带电部位",
       "触电",
       "ls",
       4,
       4,
       0,
       {"绝缘工具在检验期内", "操作票执行", "接地线齐全"}},
      {"加热炉点火",
       "点火、升温",
       "炉膛可燃气积聚",
       "爆炸",
       "lec",
       1,
       6,
       40,
       {"点火前吹扫", "可燃气体检测合格", "长明灯正常"}},
      {"叉车搬运",
       "仓库物料搬运",
       "车辆行驶",
       "车辆伤害",
       "ls",
       2,
       2,
       0,
       {"限速标识清晰", "通道畅通", "驾驶员持证"}},
  };
  AG_RETURN_IF_ERROR(store.write([&](store::Transaction& tx) -> Status {
    auto& repo = tx.hazards();
    const auto lec = risk::defaultLec();
    const auto ls = risk::defaultLs();
    const std::int64_t today = hazard::localDay(now, tz);
    for (std::size_t ai = 0; ai < areas.size(); ++ai) {
      const Area& area = areas[ai];
      const std::size_t n = 2 + ai % 2;
      for (std::size_t k = 0; k < n; ++k) {
        const PointDef& d = defs[(ai * 2 + k) % defs.size()];
        store::RiskPointRow r;
        r.area_id = area.id;
        r.org_path = area.org_path;
        r.name = d.name;
        r.activity = d.activity;
        r.hazard_desc = d.hazard;
        r.accident_type = d.accident;
        r.method = d.method;
        r.l = d.l;
        r.e = d.e;
        r.c = d.c;
        if (r.method == "lec") {
          // Storage and process areas carry the higher exposure.
          if (area.code.find("TF") != std::string::npos && k == 0) {
            r.l = 6;
          }
          AG_ASSIGN_OR_RETURN(auto a, risk::assessLec(r.l, r.e, r.c, lec));
          r.score = a.score;
          r.colour = a.colour;
        } else {
          AG_ASSIGN_OR_RETURN(auto a,
                              risk::assessLs(static_cast<int>(r.l), static_cast<int>(r.e), ls));
          r.score = a.score;
          r.colour = a.colour;
        }
        r.controls = d.controls;
        r.control_level = r.colour == risk::Colour::kRed      ? risk::ControlLevel::kCompany
                          : r.colour == risk::Colour::kOrange ? risk::ControlLevel::kPlant
                          : r.colour == risk::Colour::kYellow ? risk::ControlLevel::kWorkshop
                                                              : risk::ControlLevel::kTeam;
        r.responsible_person_id = assigneeOf(area);
        r.next_due_day = today + 1;
        r.created_at = now - days{200};
        AG_ASSIGN_OR_RETURN(r.id, repo.insertRiskPoint(r));
        ++risk_count;
        // Weekly inspections for the last four weeks; the newest is today's, pending.
        for (int w = 4; w >= 0; --w) {
          store::InspectionRow in;
          in.risk_point_id = r.id;
          in.area_id = area.id;
          in.org_path = area.org_path;
          in.assignee_person_id = r.responsible_person_id;
          in.due_day = today - 7 * w;
          in.created_at = now - days{7 * w} - hours{2};
          for (const auto& c : r.controls) {
            in.items.push_back({c, w == 0 ? "" : "ok", "", 0});
          }
          if (w == 0) {
            in.status = "pending";
          } else {
            in.status = "done";
            in.done_at = now - days{7 * w} + hours{2};
            in.done_by = r.responsible_person_id == p1leader.person_id ? p1leader.id : safety.id;
          }
          if (w == 2 && ai % 4 == 1) {
            // A missed one, escalated.
            in.status = "pending";
            in.done_at.reset();
            in.done_by = 0;
            for (auto& item : in.items) {
              item.result.clear();
            }
            in.escalated_at = now - days{13};
          }
          AG_ASSIGN_OR_RETURN(auto iid, repo.insertInspection(in));
          (void)iid;
          ++inspection_count;
        }
      }
    }
    return okStatus();
  }));

  // Incidents with corrective actions, and hours worked / headcount per org unit per month.
  AG_RETURN_IF_ERROR(store.write([&](store::Transaction& tx) -> Status {
    auto& repo = tx.hazards();
    struct IncDef {
      const char* area;
      int days_ago;
      const char* category;
      const char* title;
      const char* cause;
      std::vector<store::IncidentPerson> people;
      bool closed;
    };
    const std::vector<IncDef> incs = {
        {"A-P1-MW",
         300,
         "机械伤害",
         "维修车间砂轮机碎片划伤手臂",
         "砂轮机防护罩缺失，未戴防护眼镜",
         {{"维修工 李强", 3, false}},
         true},
        {"A-P1-TF1",
         190,
         "高处坠落",
         "罐顶检尺时从爬梯滑落",
         "爬梯踏板结冰未清理，未系安全带",
         {{"操作工 王磊", 120, false}},
         true},
        {"A-P2-UTL",
         75,
         "物体打击",
         "空压站检修时扳手坠落砸伤脚面",
         "工具未系防坠绳",
         {{"检修工 赵军", 12, false}},
         false},
        {"A-P1-CDU",
         20,
         "其他伤害",
         "常减压装置蒸汽管线泄漏（未遂）",
         "保温层下腐蚀未及时发现",
         {},
         false},
    };
    const DemoUser& owner = p1leader;
    for (const auto& d : incs) {
      auto it = area_by_code.find(d.area);
      if (it == area_by_code.end()) {
        continue;
      }
      const Area& area = areas[it->second];
      store::IncidentRow r;
      r.org_path = area.org_path;
      r.area_id = area.id;
      r.occurred_at = now - days{d.days_ago} - hours{5};
      r.category = d.category;
      r.title = d.title;
      r.description = d.title;
      r.root_cause = d.cause;
      r.people = d.people;
      std::vector<hazard::InjuredPerson> injured;
      for (const auto& p : d.people) {
        injured.push_back({p.lost_workdays, p.died});
      }
      AG_ASSIGN_OR_RETURN(auto t, hazard::tally(injured));
      r.severity = t.severity;
      r.minor = t.minor;
      r.serious = t.serious;
      r.fatalities = t.fatalities;
      r.lost_workdays = t.lost_workdays;
      r.status = d.closed ? "closed" : "open";
      if (d.closed) {
        r.closed_at = r.occurred_at + days{30};
      }
      r.reported_by = safety.id;
      r.created_at = r.occurred_at + hours{1};
      AG_ASSIGN_OR_RETURN(r.id, repo.insertIncident(r));
      ++incident_count;
      const std::vector<std::pair<std::string, int>> actions = {
          {"组织事故警示教育，全员学习事故通报", 7}, {"排查同类设备设施并整改", 20}};
      for (std::size_t k = 0; k < actions.size(); ++k) {
        store::IncidentAction a;
        a.incident_id = r.id;
        a.description = actions[k].first;
        a.owner_person_id = owner.person_id;
        a.deadline = r.occurred_at + days{actions[k].second};
        if (d.closed || k == 0) {
          a.done_at = r.occurred_at + days{actions[k].second - 2};
          a.done_note = "已完成";
        }
        AG_ASSIGN_OR_RETURN(a.id, repo.insertAction(a));
      }
    }
    // Work periods: plants, departments and contractors, the last twelve months.
    const auto local_today =
        std::chrono::year_month_day{std::chrono::floor<days>(now + minutes{tz})};
    for (const auto& o : orgs) {
      const std::string kind = o.getText("kind");
      double headcount = kind == "plant"        ? 85
                         : kind == "department" ? 12
                         : kind == "contractor" ? 30
                                                : 0;
      if (headcount == 0) {
        continue;
      }
      for (int m = 12; m >= 1; --m) {
        const auto ym = std::chrono::year_month{local_today.year(), local_today.month()} -
                        std::chrono::months{m};
        char month[16];
        std::snprintf(month, sizeof month, "%04d-%02u", static_cast<int>(ym.year()),
                      static_cast<unsigned>(ym.month()));
        const double heads = headcount + pick(7) - 3;
        store::WorkPeriod p;
        p.org_id = o.id;
        p.org_path = o.org_path;
        p.month = month;
        p.headcount = heads;
        p.hours_worked = heads * (168 + pick(16));
        AG_RETURN_IF_ERROR(repo.upsertWorkPeriod(p));
        ++period_count;
      }
    }
    return okStatus();
  }));

  std::ostringstream out;
  out << "anguan: hazards demo: " << hazard_count << " hazards (" << open_count << " open, "
      << late_count << " closed late, " << recurring_count << " recurring, 2 major), " << risk_count
      << " risk points, " << inspection_count << " inspections, " << incident_count
      << " incidents, " << period_count << " work periods\n";
  return out.str();
}

}  // namespace anguan::service
