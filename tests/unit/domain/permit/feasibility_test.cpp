#include "anguan/domain/permit/feasibility.hpp"

#include <algorithm>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "anguan/domain/permit/grading.hpp"

namespace anguan::permit {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;

// 2027-01-15T00:00:00Z
const Instant kNow = fromMillis(1800000000000);

const WorkTypeDef& type(const char* code) { return *findType(defaultWorkTypes(), code); }

PersonInfo person(std::int64_t id, std::string cert, std::optional<std::string> expires) {
  return {id, "P" + std::to_string(id), {{std::move(cert), std::move(expires), true}}};
}

FeasibilityInput hotInput() {
  FeasibilityInput in;
  in.type = &type("hot_work");
  in.level = "1";
  in.now = kNow;
  in.from = kNow + hours{1};
  in.to = kNow + hours{5};
  in.today_local = "2027-01-15";
  in.window_end_local_date = "2027-01-15";
  in.area_id = 5;
  in.fire_explosion_area = true;
  in.equipment_ids = {31};
  in.leader = PersonInfo{1, "Leader", {}};
  in.guardian = person(2, "guardian_training", "2030-01-01");
  in.workers = {person(3, "welding_fusion", "2030-01-01")};
  in.filled_fields = {"hot_location", "hot_method", "worker_cert_numbers"};  // hot work's required
  return in;
}

const Finding* find(const std::vector<Finding>& fs, const std::string& code) {
  auto it = std::find_if(fs.begin(), fs.end(), [&](const Finding& f) { return f.code == code; });
  return it == fs.end() ? nullptr : &*it;
}

Severity severityOf(const std::vector<Finding>& fs, const std::string& code) {
  const Finding* f = find(fs, code);
  EXPECT_NE(f, nullptr) << code;
  return f == nullptr ? Severity::kPass : f->severity;
}

TEST(PermitFeasibility, CleanPlanPassesEverything) {
  const auto fs = checkFeasibility(hotInput());
  EXPECT_FALSE(hasBlock(fs));
  EXPECT_FALSE(hasWarn(fs));
  for (const auto& f : fs) {
    EXPECT_EQ(reasonTexts().count(f.reason.key), 1u) << f.reason.key;
    EXPECT_EQ(renderReason(f.reason, true).find('{'), std::string::npos) << f.reason.key;
    EXPECT_EQ(renderReason(f.reason, false).find('{'), std::string::npos) << f.reason.key;
  }
  EXPECT_NE(find(fs, "window.future"), nullptr);
  EXPECT_NE(find(fs, "window.validity"), nullptr);
  EXPECT_NE(find(fs, "cert.worker.3"), nullptr);
  EXPECT_NE(find(fs, "cert.guardian"), nullptr);
  EXPECT_NE(find(fs, "guardian.free"), nullptr);
  EXPECT_NE(find(fs, "simops"), nullptr);
  EXPECT_NE(find(fs, "maintenance"), nullptr);
}

TEST(PermitFeasibility, RequiredFormFieldsOfTheType) {
  struct Case {
    const char* name;
    const char* type;
    std::set<std::string> filled, invalid;
    std::vector<std::pair<std::string, const char*>> blocks;  // code, reason key
    bool pass;                                                // "fields" passes
  };
  const std::vector<Case> cases = {
      {"hot work, the three required filled",
       "hot_work",
       {"hot_location", "hot_method", "worker_cert_numbers"},
       {},
       {},
       true},
      {"hot work, all filled",
       "hot_work",
       {"hot_location", "hot_method", "worker_cert_numbers", "work_plan"},
       {},
       {},
       true},
      {"hot work, location empty",
       "hot_work",
       {"hot_method", "worker_cert_numbers"},
       {},
       {{"field.hot_location", "permit.feas.field_missing"}},
       false},
      {"hot work, nothing filled",
       "hot_work",
       {},
       {},
       {{"field.hot_location", "permit.feas.field_missing"},
        {"field.hot_method", "permit.feas.field_missing"},
        {"field.worker_cert_numbers", "permit.feas.field_missing"}},
       false},
      {"hot work, method not an option",
       "hot_work",
       {"hot_location", "worker_cert_numbers"},
       {"hot_method"},
       {{"field.hot_method", "permit.feas.field_invalid"}},
       false},
      {"an optional field of the wrong kind",
       "hot_work",
       {"hot_location", "hot_method", "worker_cert_numbers"},
       {"work_plan"},
       {{"field.work_plan", "permit.feas.field_invalid"}},
       false},
      {"lifting, one of six missing",
       "lifting",
       {"lift_location", "rigging", "load_description", "load_t", "rigger"},
       {},
       {{"field.signaller", "permit.feas.field_missing"}},
       false},
      {"inspection has no required field", "inspection", {}, {}, {}, false},
  };
  for (const auto& c : cases) {
    auto in = hotInput();
    in.type = &type(c.type);
    in.level = in.type->levels.front().code;
    in.filled_fields = c.filled;
    in.invalid_fields = c.invalid;
    const auto fs = checkFeasibility(in);
    std::vector<std::pair<std::string, std::string>> got;
    for (const auto& f : fs) {
      if (f.code.rfind("field.", 0) == 0) {
        EXPECT_EQ(f.severity, Severity::kBlock) << c.name << " " << f.code;
        got.emplace_back(f.code, f.reason.key);
      }
    }
    std::vector<std::pair<std::string, std::string>> want(c.blocks.begin(), c.blocks.end());
    EXPECT_EQ(got, want) << c.name;
    EXPECT_EQ(find(fs, "fields") != nullptr, c.pass) << c.name;
  }
  // The reason names the field in the reader's language.
  auto in = hotInput();
  in.filled_fields = {"hot_method", "worker_cert_numbers"};
  const auto found = checkFeasibility(in);
  const Finding* f = find(found, "field.hot_location");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(renderReason(f->reason, true), "必填项“动火地点及动火部位”未填写");
  EXPECT_EQ(renderReason(f->reason, false),
            "The required field \"Hot-work location and part\" is empty");
}

TEST(PermitFeasibility, WindowMustBeInTheFuture) {
  auto in = hotInput();
  in.from = kNow;
  EXPECT_EQ(severityOf(checkFeasibility(in), "window.future"), Severity::kBlock);
  in.from = kNow + milliseconds{1};
  EXPECT_EQ(severityOf(checkFeasibility(in), "window.future"), Severity::kPass);
  in.to = in.from;
  EXPECT_EQ(severityOf(checkFeasibility(in), "window.order"), Severity::kBlock);
}

TEST(PermitFeasibility, AtIssueTheWindowMustNotHaveEnded) {
  struct Case {
    milliseconds from, to;  // relative to now
    Severity expected;
  };
  for (const auto& c : std::vector<Case>{{hours{1}, hours{5}, Severity::kPass},
                                         {-hours{2}, hours{2}, Severity::kPass},
                                         {-hours{4}, milliseconds{1}, Severity::kPass},
                                         {-hours{4}, milliseconds{0}, Severity::kBlock},
                                         {-hours{4}, -hours{1}, Severity::kBlock}}) {
    auto in = hotInput();
    in.at_issue = true;
    in.from = kNow + c.from;
    in.to = kNow + c.to;
    const auto fs = checkFeasibility(in);
    EXPECT_EQ(find(fs, "window.future"), nullptr);
    EXPECT_EQ(severityOf(fs, "window.open"), c.expected) << c.from.count() << " " << c.to.count();
    const Finding* open = find(fs, "window.open");
    ASSERT_NE(open, nullptr);
    EXPECT_EQ(reasonTexts().count(open->reason.key), 1u) << open->reason.key;
  }
}

TEST(PermitFeasibility, MaxValidityExactBoundaries) {
  struct Case {
    const char* type;
    const char* level;
    milliseconds length;
    Severity expected;
  };
  const Case cases[] = {
      {"hot_work", "special", hours{8}, Severity::kPass},
      {"hot_work", "special", hours{8} + minutes{1}, Severity::kBlock},
      {"hot_work", "1", hours{8}, Severity::kPass},
      {"hot_work", "1", hours{8} + milliseconds{1}, Severity::kBlock},
      {"hot_work", "2", hours{72}, Severity::kPass},
      {"hot_work", "2", hours{72} + minutes{1}, Severity::kBlock},
      {"confined_space", "none", hours{24}, Severity::kPass},
      {"confined_space", "none", hours{24} + minutes{1}, Severity::kBlock},
      {"height", "IV", hours{24 * 7}, Severity::kPass},
      {"height", "IV", hours{24 * 7} + minutes{1}, Severity::kBlock},
      {"temp_power", "none", hours{24 * 15}, Severity::kPass},
      {"temp_power", "none", hours{24 * 15} + minutes{1}, Severity::kBlock},
  };
  for (const auto& c : cases) {
    auto in = hotInput();
    in.type = &type(c.type);
    in.level = c.level;
    in.to = in.from + c.length;
    EXPECT_EQ(severityOf(checkFeasibility(in), "window.validity"), c.expected)
        << c.type << " " << c.level << " " << c.length.count();
  }
  auto in = hotInput();
  in.level = "IV";  // not a hot-work level
  const auto fs = checkFeasibility(in);
  const auto* f = find(fs, "window.validity");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kBlock);
  EXPECT_EQ(f->reason.key, "permit.feas.level_unknown");
}

TEST(PermitFeasibility, CertificateExpiry) {
  // Window ends on 2027-01-15 (local).
  struct Case {
    std::optional<std::string> expires;
    Severity expected;
    const char* key;
  };
  const Case cases[] = {
      {"2027-01-14", Severity::kBlock, "permit.feas.cert_expired"},
      {"2027-01-15", Severity::kWarn, "permit.feas.cert_expiring_soon"},  // valid through the day
      {"2027-02-14", Severity::kWarn, "permit.feas.cert_expiring_soon"},  // 30 days after
      {"2027-02-15", Severity::kPass, "permit.feas.cert_ok"},
      {std::nullopt, Severity::kPass, "permit.feas.cert_ok"},
      {"2027-13-01", Severity::kBlock, "permit.feas.cert_bad_date"},
  };
  for (const auto& c : cases) {
    auto in = hotInput();
    in.workers = {person(3, "welding_fusion", c.expires)};
    const auto fs = checkFeasibility(in);
    const Finding* f = find(fs, "cert.worker.3");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->severity, c.expected) << c.expires.value_or("none");
    EXPECT_EQ(f->reason.key, c.key) << c.expires.value_or("none");
  }
  // Expiring during a multi-day window: block.
  auto in = hotInput();
  in.type = &type("height");
  in.level = "I";
  in.to = in.from + hours{72};
  in.window_end_local_date = "2027-01-18";
  in.workers = {person(3, "height_scaffold", "2027-01-17")};
  const auto fs = checkFeasibility(in);
  const Finding* f = find(fs, "cert.worker.3");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kBlock);
  EXPECT_EQ(f->reason.key, "permit.feas.cert_expires_in_window");
}

TEST(PermitFeasibility, CertificateTypeAndStatus) {
  auto in = hotInput();
  in.workers = {person(3, "height_scaffold", "2030-01-01")};  // wrong type for hot work
  EXPECT_EQ(find(checkFeasibility(in), "cert.worker.3")->reason.key, "permit.feas.cert_missing");
  in.workers = {{3, "W", {{"welding_fusion", "2030-01-01", false}}}};  // revoked
  EXPECT_EQ(severityOf(checkFeasibility(in), "cert.worker.3"), Severity::kBlock);
  // The best of several certificates counts.
  in.workers = {
      {3, "W", {{"welding_fusion", "2026-01-01", true}, {"welding_brazing", "2031-01-01", true}}}};
  EXPECT_EQ(severityOf(checkFeasibility(in), "cert.worker.3"), Severity::kPass);
  // Leader certificates checked where the type requires them (temporary power).
  in = hotInput();
  in.type = &type("temp_power");
  in.level = "none";
  in.workers = {person(3, "electrician_lv", "2030-01-01")};
  EXPECT_EQ(severityOf(checkFeasibility(in), "cert.leader"), Severity::kBlock);
  in.leader = person(1, "electrician_hv", "2030-01-01");
  EXPECT_EQ(severityOf(checkFeasibility(in), "cert.leader"), Severity::kPass);
}

TEST(PermitFeasibility, PeopleAssigned) {
  auto in = hotInput();
  in.guardian.reset();
  EXPECT_EQ(severityOf(checkFeasibility(in), "guardian.assigned"), Severity::kBlock);
  in = hotInput();
  in.guardian = PersonInfo{2, "G", {}};
  EXPECT_EQ(severityOf(checkFeasibility(in), "cert.guardian"), Severity::kBlock);
  in = hotInput();
  in.leader.reset();
  EXPECT_EQ(severityOf(checkFeasibility(in), "leader.assigned"), Severity::kBlock);
  in = hotInput();
  in.workers.clear();
  EXPECT_EQ(severityOf(checkFeasibility(in), "workers.assigned"), Severity::kBlock);
  in = hotInput();
  in.workers.push_back(person(2, "welding_fusion", "2030-01-01"));  // the guardian as worker
  EXPECT_EQ(severityOf(checkFeasibility(in), "guardian.not_worker"), Severity::kBlock);
}

OtherWork other(std::int64_t id, const char* type_code, Instant from, Instant to) {
  OtherWork o;
  o.permit_id = id;
  o.number = "P-" + std::to_string(id);
  o.type_code = type_code;
  o.area_id = 5;
  o.same_area = true;
  o.from = from;
  o.to = to;
  return o;
}

TEST(PermitFeasibility, OverlapEdges) {
  const Instant a = kNow + hours{1};
  const Instant b = kNow + hours{5};
  EXPECT_FALSE(overlaps(a, b, b, b + hours{1}));  // touching at the end
  EXPECT_FALSE(overlaps(a, b, a - hours{1}, a));  // touching at the start
  EXPECT_TRUE(overlaps(a, b, b - milliseconds{1}, b + hours{1}));
  EXPECT_TRUE(overlaps(a, b, a - hours{1}, a + milliseconds{1}));
  EXPECT_TRUE(overlaps(a, b, a + hours{1}, a + hours{2}));  // inside
  EXPECT_TRUE(overlaps(a, b, a - hours{1}, b + hours{1}));  // around
}

TEST(PermitFeasibility, GuardianBusyOnOverlappingJob) {
  auto in = hotInput();
  auto o = other(70, "height", in.to, in.to + hours{2});
  o.guardian_id = 2;
  in.others = {o};
  EXPECT_EQ(severityOf(checkFeasibility(in), "guardian.free"), Severity::kPass);
  in.others[0].from = in.to - milliseconds{1};
  EXPECT_EQ(severityOf(checkFeasibility(in), "guardian.busy.70"), Severity::kBlock);
}

TEST(PermitFeasibility, Maintenance) {
  auto in = hotInput();
  MaintenanceInfo m{9, 31, 5, in.from - hours{2}, in.from, "Pump overhaul"};
  in.maintenance = {m};
  EXPECT_EQ(severityOf(checkFeasibility(in), "maintenance"), Severity::kPass);  // touching
  in.maintenance[0].to = in.from + milliseconds{1};
  EXPECT_EQ(severityOf(checkFeasibility(in), "maintenance.equipment.9"), Severity::kBlock);
  in.maintenance[0].equipment_id = 32;  // other equipment, same area
  EXPECT_EQ(severityOf(checkFeasibility(in), "maintenance.area.9"), Severity::kWarn);
  in.maintenance[0].area_id = 6;  // elsewhere
  EXPECT_EQ(severityOf(checkFeasibility(in), "maintenance"), Severity::kPass);
}

TEST(PermitFeasibility, HotWorkNearBlindPlate) {
  struct Case {
    double distance;
    bool fire_area;
    Severity expected;
  };
  for (const auto& c : {Case{30.0, true, Severity::kBlock}, Case{30.01, true, Severity::kPass},
                        Case{10.0, false, Severity::kPass}, Case{0.0, true, Severity::kBlock}}) {
    auto in = hotInput();
    in.fire_explosion_area = c.fire_area;
    auto o = other(71, "blind_plate", in.from, in.to);
    o.same_area = false;
    o.area_id = 6;
    o.distance_m = c.distance;
    in.others = {o};
    const auto fs = checkFeasibility(in);
    const Finding* f = find(fs, "simops.hot_blind.71");
    EXPECT_EQ(f == nullptr ? Severity::kPass : f->severity, c.expected) << c.distance;
  }
  // Symmetric: planning blind-plate work near running hot work.
  auto in = hotInput();
  in.type = &type("blind_plate");
  in.level = "none";
  in.workers = {PersonInfo{3, "W", {}}};
  auto o = other(72, "hot_work", in.from, in.to);
  o.distance_m = 12;
  o.same_area = false;
  in.others = {o};
  EXPECT_EQ(severityOf(checkFeasibility(in), "simops.hot_blind.72"), Severity::kBlock);
  // Not overlapping in time: fine.
  in.others[0].from = in.to;
  in.others[0].to = in.to + hours{1};
  EXPECT_EQ(severityOf(checkFeasibility(in), "simops"), Severity::kPass);
}

TEST(PermitFeasibility, BlindPlatesOnTheSameLine) {
  auto in = hotInput();
  in.type = &type("blind_plate");
  in.level = "none";
  in.fire_explosion_area = false;
  in.workers = {PersonInfo{3, "W", {}}};
  in.line_tag = "P-1203";
  auto o = other(73, "blind_plate", in.from + hours{1}, in.to + hours{1});
  o.line_tag = "P-1203";
  in.others = {o};
  EXPECT_EQ(severityOf(checkFeasibility(in), "simops.blind_line.73"), Severity::kBlock);
  in.others[0].line_tag = "P-1204";
  EXPECT_EQ(severityOf(checkFeasibility(in), "simops"), Severity::kPass);
}

TEST(PermitFeasibility, PaintingInConfinedSpaceWithHotWork) {
  auto in = hotInput();
  in.type = &type("confined_space");
  in.level = "none";
  in.workers = {PersonInfo{3, "W", {}}};
  in.painting = true;
  in.others = {other(74, "hot_work", in.from, in.to)};
  EXPECT_EQ(severityOf(checkFeasibility(in), "simops.paint_hot.74"), Severity::kBlock);
  in.painting = false;
  EXPECT_EQ(severityOf(checkFeasibility(in), "simops"), Severity::kPass);
  // From the hot-work side.
  in = hotInput();
  auto o = other(75, "confined_space", in.from, in.to);
  o.painting = true;
  in.others = {o};
  EXPECT_EQ(severityOf(checkFeasibility(in), "simops.paint_hot.75"), Severity::kBlock);
  in.others[0].same_area = false;
  in.others[0].area_id = 8;
  in.others[0].distance_m = 200;
  EXPECT_EQ(severityOf(checkFeasibility(in), "simops"), Severity::kPass);
}

TEST(PermitFeasibility, PaintingNearHotWork) {
  struct Case {
    double distance;
    Severity expected;
  };
  for (const auto& c : {Case{10.0, Severity::kBlock}, Case{10.01, Severity::kPass}}) {
    auto in = hotInput();
    auto o = other(77, "maintenance", in.from, in.to);
    o.painting = true;
    o.same_area = false;
    o.distance_m = c.distance;
    in.others = {o};
    const auto fs = checkFeasibility(in);
    const Finding* f = find(fs, "simops.hot_painting.77");
    EXPECT_EQ(f == nullptr ? Severity::kPass : f->severity, c.expected) << c.distance;
  }
  // Planning painting next to running hot work.
  auto in = hotInput();
  in.type = &type("maintenance");
  in.level = "none";
  in.painting = true;
  in.workers = {PersonInfo{3, "W", {}}};
  auto o = other(78, "hot_work", in.from, in.to);
  in.others = {o};
  const auto fs = checkFeasibility(in);
  EXPECT_EQ(severityOf(fs, "simops.hot_painting.78"), Severity::kBlock);
  EXPECT_EQ(find(fs, "simops.paint_hot.78"), nullptr);
}

TEST(PermitFeasibility, VerticalCrossWorkAtHeightWarns) {
  auto in = hotInput();
  in.type = &type("height");
  in.level = "II";
  in.height_m = 10;
  in.workers = {person(3, "height_maintenance", "2030-01-01")};
  in.filled_fields = {"height_m"};  // its one required field (sent as the grading condition)
  auto o = other(76, "height", in.from, in.to);
  o.height_m = 20;
  in.others = {o};
  auto fs = checkFeasibility(in);
  EXPECT_EQ(severityOf(fs, "simops.height_vertical.76"), Severity::kWarn);
  EXPECT_EQ(find(fs, "simops.height_vertical.76")->reason.key,
            "permit.feas.simops_height_vertical");
  in.others[0].height_m = 25;
  fs = checkFeasibility(in);
  EXPECT_EQ(find(fs, "simops.height_vertical.76")->reason.key,
            "permit.feas.simops_height_double_layer");
  EXPECT_FALSE(hasBlock(fs));
}

// otherWorkThatMatters lets the service list only some of the overlapping work. For every pair
// of default work types, with and without painting on either side and with the same or another
// guardian, in the setting where every rule can fire (same area, fire/explosion area, same
// line), the filter admits the other job exactly when a check flags it.
TEST(PermitFeasibility, OtherWorkThatMattersIsWhatTheChecksCanFlag) {
  int flagged_pairs = 0;
  for (const auto& mine : defaultWorkTypes()) {
    for (const auto& theirs : defaultWorkTypes()) {
      for (int bits = 0; bits < 8; ++bits) {
        const bool my_painting = (bits & 1) != 0;
        const bool their_painting = (bits & 2) != 0;
        const bool same_guardian = (bits & 4) != 0;
        auto in = hotInput();
        in.type = &mine;
        in.painting = my_painting;
        in.line_tag = "L-1";
        in.height_m = 10;
        auto o = other(90, theirs.code.c_str(), in.from, in.to);
        o.painting = their_painting;
        o.line_tag = "L-1";
        o.height_m = 10;
        o.guardian_id = same_guardian ? in.guardian->id : 99;
        in.others = {o};
        bool flags = false;
        for (const auto& f : checkFeasibility(in)) {
          const bool about_other = f.code.ends_with(".90");
          if (about_other && f.severity != Severity::kPass) {
            flags = true;
          }
        }
        const auto filter = otherWorkThatMatters(mine.code, my_painting, in.guardian->id);
        const bool admitted = filter.guardian_id == o.guardian_id ||
                              std::find(filter.type_codes.begin(), filter.type_codes.end(),
                                        o.type_code) != filter.type_codes.end() ||
                              (filter.painting_work && o.painting);
        EXPECT_EQ(admitted, flags)
            << mine.code << (my_painting ? " (painting)" : "") << " vs " << theirs.code
            << (their_painting ? " (painting)" : "") << (same_guardian ? ", same guardian" : "");
        flagged_pairs += flags ? 1 : 0;
      }
    }
  }
  // Same guardian: every pair (both painting flags). Without it: hot↔blind (2), blind↔blind,
  // height↔height, and painting↔hot in either direction.
  EXPECT_GT(flagged_pairs,
            4 * static_cast<int>(defaultWorkTypes().size() * defaultWorkTypes().size()));
  const auto none = otherWorkThatMatters("lifting", false, 0);
  EXPECT_EQ(none.guardian_id, 0);
  EXPECT_TRUE(none.type_codes.empty());
  EXPECT_FALSE(none.painting_work);
}

TEST(PermitFeasibility, EnvironmentHookIsAppended) {
  auto in = hotInput();
  in.environment = std::vector<Finding>{
      {"env.gas.5", Severity::kWarn, {"monitor.env.high", {{"sensor", "GT-1"}}}}};
  const auto fs = checkFeasibility(in);
  EXPECT_EQ(severityOf(fs, "env.gas.5"), Severity::kWarn);
}

TEST(PermitFeasibility, NoTypeBlocks) {
  FeasibilityInput in;
  const auto fs = checkFeasibility(in);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].severity, Severity::kBlock);
}

TEST(PermitFeasibility, Override) {
  std::vector<Finding> fs = {{"a", Severity::kPass, {}}, {"w1", Severity::kWarn, {}}};
  auto s = checkOverride(fs, {});
  ASSERT_TRUE(s.has_error());
  EXPECT_EQ(s.error().key(), "permit.override_reason_required");
  EXPECT_EQ(s.error().details().at("code"), "w1");
  EXPECT_TRUE(checkOverride(fs, {{"w1", "   abcd  "}}).has_error());  // 4 after trim
  EXPECT_TRUE(checkOverride(fs, {{"w1", "abcde"}}).has_value());
  EXPECT_TRUE(checkOverride(fs, {{"w1", "已加防护"}}).has_error());      // 4 characters
  EXPECT_TRUE(checkOverride(fs, {{"w1", "已加双层防护"}}).has_value());  // 6 characters
  EXPECT_TRUE(checkOverride({{"a", Severity::kPass, {}}}, {}).has_value());
  fs.push_back({"b1", Severity::kBlock, {}});
  s = checkOverride(fs, {{"w1", "abcde"}, {"b1", "a very good reason"}});
  ASSERT_TRUE(s.has_error());
  EXPECT_EQ(s.error().key(), "permit.blocked");
  EXPECT_EQ(s.error().details().at("code"), "b1");
}

}  // namespace
}  // namespace anguan::permit
