// Work types as data: the GB 30871-2022 special operations plus inspection and maintenance, each a
// template of fields, safety measures, gas-test rules, certificates, grading rule, levels with
// their maximum validity and approval chain, and a close-out checklist. Admins may edit them
// (validateWorkType) and add their own; a permit keeps the rules_version it was issued under.
//
// Thread safety: the default tables are immutable statics; everything else is a value type.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "anguan/core/result.hpp"

namespace anguan::permit {

enum class GradingRule { kNone, kHotWork, kHeight, kLifting };
enum class StepKind { kSequential, kCountersign, kCoordinator };

const char* toString(GradingRule rule);
const char* toString(StepKind kind);

struct ApprovalStepDef {
  std::string code;
  // One of the role codes of anguan/domain/auth/access.hpp (approver_unit, approver_dept,
  // approver_safety, approver_leader, safety_officer, dept_manager, work_leader ...).
  std::string role;
  // Consecutive kCountersign defs form one parallel group.
  StepKind kind = StepKind::kSequential;
  int sla_minutes = 120;
  std::string zh, en;
};

struct LevelDef {
  std::string code;  // "special","1","2" / "I".."IV" / "1","2","3","below_10t" / "none"
  std::string zh, en;
  std::chrono::minutes max_validity{0};
  std::chrono::minutes retest_after_break{0};  // 0 = no re-test rule
  std::vector<ApprovalStepDef> chain;
  bool permit_required = true;
};

struct FieldDef {
  std::string name;
  std::string kind;  // text, number, bool, date_time, enum, person, people
  std::string zh, en;
  bool required = false;
  std::vector<std::string> options;  // for enum
};

struct MeasureDef {
  std::string code;
  std::string zh, en;
};

struct GasRequirement {
  bool required = false;
  bool continuous_for_top_level = false;  // 特级 hot work: continuous monitoring (5.3)
  std::chrono::minutes max_age{30};       // sampling → start
  std::chrono::minutes periodic{0};       // confined space 120; 0 = none
  std::vector<std::string> gases;         // gas codes of gas.hpp
};

struct WorkTypeDef {
  // hot_work, confined_space, blind_plate, height, lifting, temp_power, excavation, road_break,
  // inspection, maintenance, or an admin-defined code ([a-z][a-z0-9_]*).
  std::string code;
  std::string zh, en;
  bool special = false;  // the 8 GB 30871 types are special
  int rules_version = 1;
  std::vector<FieldDef> fields;      // type-specific fields (common fields: commonFields())
  std::vector<MeasureDef> measures;  // safety-measure checklist
  GasRequirement gas;
  std::vector<std::string> worker_certs;    // certificate type codes, any-of
  std::vector<std::string> leader_certs;    // may be empty
  std::vector<std::string> guardian_certs;  // default {"guardian_training"}
  GradingRule grading = GradingRule::kNone;
  std::vector<LevelDef> levels;           // ungraded types have one level with code "none"
  std::vector<MeasureDef> closeout;       // completion-acceptance checklist
  bool needs_shift_leader_check = false;  // hot work (A.1 step 5)
};

// The 8 special types + inspection + maintenance with GB 30871-2022 defaults.
const std::vector<WorkTypeDef>& defaultWorkTypes();
// Fields common to every permit (domain-rules §1.7).
const std::vector<FieldDef>& commonFields();
// nullptr when not found.
const WorkTypeDef* findType(const std::vector<WorkTypeDef>& types, std::string_view code);
// The name of an option code of the default types' enum fields (电焊 for electric_welding); an
// unknown code (an admin's own) is its own name.
std::string fieldOptionText(std::string_view code, bool chinese);
const LevelDef* findLevel(const WorkTypeDef& type, std::string_view level);
// For admin edits: code syntax, names, unique level/field/measure codes, validity > 0, known
// roles, SLA > 0, non-empty chain for levels that need a permit on special types, grading rule
// matches the level codes. Error key "permit.work_type.invalid" with detail "field".
Status validateWorkType(const WorkTypeDef& def);

}  // namespace anguan::permit
