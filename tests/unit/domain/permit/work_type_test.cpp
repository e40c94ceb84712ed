#include "anguan/domain/permit/work_type.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace anguan::permit {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

TEST(PermitWorkTypes, DefaultsAreValidAndComplete) {
  const auto& types = defaultWorkTypes();
  ASSERT_EQ(types.size(), 10u);
  int special = 0;
  for (const auto& t : types) {
    auto s = validateWorkType(t);
    EXPECT_TRUE(s.has_value()) << t.code << ": "
                               << (s.has_error() ? s.error().message() + " " +
                                                       s.error().details().begin()->second
                                                 : "");
    special += t.special ? 1 : 0;
    EXPECT_FALSE(t.closeout.empty()) << t.code;
    EXPECT_FALSE(t.measures.empty()) << t.code;
    EXPECT_EQ(t.guardian_certs, std::vector<std::string>{"guardian_training"}) << t.code;
  }
  EXPECT_EQ(special, 8);
  EXPECT_EQ(findType(types, "hot_work")->measures.size(), 16u);
  EXPECT_EQ(findType(types, "nope"), nullptr);
}

struct LevelCase {
  const char* type;
  const char* level;
  minutes validity;
  minutes retest;
  std::vector<std::string> roles;
};

TEST(PermitWorkTypes, ValidityRetestAndApproversPerLevel) {
  const std::vector<LevelCase> cases = {
      {"hot_work",
       "special",
       hours{8},
       minutes{30},
       {"approver_unit", "approver_safety", "approver_leader"}},
      {"hot_work", "1", hours{8}, minutes{30}, {"approver_unit", "approver_safety"}},
      {"hot_work", "2", hours{72}, minutes{60}, {"approver_unit"}},
      {"confined_space", "none", hours{24}, minutes{60}, {"approver_unit"}},
      {"blind_plate", "none", hours{72}, minutes{0}, {"approver_unit"}},
      {"height", "I", hours{168}, minutes{0}, {"approver_unit"}},
      {"height", "II", hours{168}, minutes{0}, {"approver_dept"}},
      {"height", "III", hours{168}, minutes{0}, {"approver_dept"}},
      {"height", "IV", hours{168}, minutes{0}, {"approver_leader"}},
      {"lifting", "1", hours{72}, minutes{0}, {"approver_leader"}},
      {"lifting", "2", hours{72}, minutes{0}, {"approver_dept"}},
      {"lifting", "3", hours{72}, minutes{0}, {"approver_dept"}},
      {"lifting", "below_10t", hours{72}, minutes{0}, {}},
      {"temp_power", "none", hours{24 * 15}, minutes{0}, {"approver_dept"}},
      {"excavation",
       "none",
       hours{72},
       minutes{0},
       {"approver_unit", "approver_dept", "safety_officer", "approver_dept"}},
      {"road_break",
       "none",
       hours{72},
       minutes{0},
       {"approver_safety", "safety_officer", "approver_dept"}},
      {"inspection", "none", hours{72}, minutes{0}, {"approver_unit"}},
      {"maintenance", "none", hours{72}, minutes{0}, {"approver_unit"}},
  };
  for (const auto& c : cases) {
    const auto* type = findType(defaultWorkTypes(), c.type);
    ASSERT_NE(type, nullptr) << c.type;
    const auto* level = findLevel(*type, c.level);
    ASSERT_NE(level, nullptr) << c.type << " " << c.level;
    EXPECT_EQ(level->max_validity, c.validity) << c.type << " " << c.level;
    EXPECT_EQ(level->retest_after_break, c.retest) << c.type << " " << c.level;
    std::vector<std::string> roles;
    for (const auto& s : level->chain) {
      roles.push_back(s.role);
      EXPECT_EQ(s.sla_minutes, 120);
    }
    EXPECT_EQ(roles, c.roles) << c.type << " " << c.level;
  }
  EXPECT_FALSE(findLevel(*findType(defaultWorkTypes(), "lifting"), "below_10t")->permit_required);
  EXPECT_EQ(findLevel(*findType(defaultWorkTypes(), "hot_work"), "3"), nullptr);
}

TEST(PermitWorkTypes, GasRulesAndCertificates) {
  const auto& types = defaultWorkTypes();
  const auto* hot = findType(types, "hot_work");
  EXPECT_TRUE(hot->gas.required);
  EXPECT_TRUE(hot->gas.continuous_for_top_level);
  EXPECT_EQ(hot->gas.max_age, minutes{30});
  EXPECT_TRUE(hot->needs_shift_leader_check);
  EXPECT_EQ(hot->grading, GradingRule::kHotWork);
  const auto* cs = findType(types, "confined_space");
  EXPECT_TRUE(cs->gas.required);
  EXPECT_EQ(cs->gas.periodic, minutes{120});
  EXPECT_FALSE(findType(types, "height")->gas.required);
  EXPECT_FALSE(findType(types, "temp_power")->leader_certs.empty());
  EXPECT_FALSE(findType(types, "lifting")->worker_certs.empty());
  const auto* exc = findType(types, "excavation");
  int countersigns = 0;
  for (const auto& s : exc->levels[0].chain) {
    countersigns += s.kind == StepKind::kCountersign ? 1 : 0;
  }
  EXPECT_EQ(countersigns, 3);
}

TEST(PermitWorkTypes, CommonFieldsHaveUniqueNames) {
  std::set<std::string> names;
  for (const auto& f : commonFields()) {
    EXPECT_TRUE(names.insert(f.name).second) << f.name;
  }
  EXPECT_EQ(names.count("guardian"), 1u);
  EXPECT_EQ(names.count("valid_from"), 1u);
  EXPECT_EQ(names.count("linked_permits"), 1u);
}

TEST(PermitWorkTypes, ValidationRefusesBadEdits) {
  const WorkTypeDef base = *findType(defaultWorkTypes(), "hot_work");
  struct Case {
    const char* name;
    void (*spoil)(WorkTypeDef&);
  };
  const Case cases[] = {
      {"bad code", [](WorkTypeDef& t) { t.code = "Hot Work"; }},
      {"empty code", [](WorkTypeDef& t) { t.code.clear(); }},
      {"no name", [](WorkTypeDef& t) { t.en.clear(); }},
      {"no levels", [](WorkTypeDef& t) { t.levels.clear(); }},
      {"zero validity", [](WorkTypeDef& t) { t.levels[0].max_validity = minutes{0}; }},
      {"negative retest", [](WorkTypeDef& t) { t.levels[0].retest_after_break = minutes{-1}; }},
      {"empty chain", [](WorkTypeDef& t) { t.levels[1].chain.clear(); }},
      {"unknown role", [](WorkTypeDef& t) { t.levels[0].chain[0].role = "boss"; }},
      {"zero sla", [](WorkTypeDef& t) { t.levels[0].chain[0].sla_minutes = 0; }},
      {"duplicate level", [](WorkTypeDef& t) { t.levels[1].code = t.levels[0].code; }},
      {"grading mismatch", [](WorkTypeDef& t) { t.levels.pop_back(); }},
      {"duplicate field", [](WorkTypeDef& t) { t.fields.push_back(t.fields[0]); }},
      {"field shadows common", [](WorkTypeDef& t) { t.fields[0].name = "guardian"; }},
      {"unknown field kind", [](WorkTypeDef& t) { t.fields[0].kind = "blob"; }},
      {"enum without options", [](WorkTypeDef& t) { t.fields[1].options.clear(); }},
      {"duplicate measure", [](WorkTypeDef& t) { t.measures[1].code = t.measures[0].code; }},
      {"unknown cert", [](WorkTypeDef& t) { t.worker_certs.push_back("pilot"); }},
      {"zero gas age", [](WorkTypeDef& t) { t.gas.max_age = minutes{0}; }},
      {"bad version", [](WorkTypeDef& t) { t.rules_version = 0; }},
  };
  for (const auto& c : cases) {
    WorkTypeDef t = base;
    c.spoil(t);
    auto s = validateWorkType(t);
    ASSERT_TRUE(s.has_error()) << c.name;
    EXPECT_EQ(s.error().key(), "permit.work_type.invalid") << c.name;
    EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument) << c.name;
  }
}

TEST(PermitWorkTypes, AdminDefinedTypeWithoutChainIsValidWhenNotSpecial) {
  WorkTypeDef t;
  t.code = "tank_cleaning";
  t.zh = "清罐";
  t.en = "Tank cleaning";
  t.levels = {{"none", "不分级", "Ungraded", hours{24}, minutes{0}, {}, true}};
  EXPECT_TRUE(validateWorkType(t).has_value());
  t.special = true;
  EXPECT_TRUE(validateWorkType(t).has_error());
}

}  // namespace
}  // namespace anguan::permit
