// Temporary: not yet implemented pieces, so the lead can compile against the headers.
#include "anguan/domain/permit/approval.hpp"
#include "anguan/domain/permit/feasibility.hpp"
#include "anguan/domain/permit/gas.hpp"
#include "anguan/domain/permit/grading.hpp"
#include "anguan/domain/permit/work_type.hpp"

namespace anguan::permit {

const char* toString(GradingRule) { return "none"; }
const char* toString(StepKind) { return "sequential"; }
const std::vector<WorkTypeDef>& defaultWorkTypes() {
  static const std::vector<WorkTypeDef> k;
  return k;
}
const std::vector<FieldDef>& commonFields() {
  static const std::vector<FieldDef> k;
  return k;
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
Status validateWorkType(const WorkTypeDef&) {
  return Error::internal("permit.not_implemented", "Not implemented");
}
const std::vector<std::string>& objectiveHazardCodes() {
  static const std::vector<std::string> k;
  return k;
}
Result<Grade> grade(const GradingInput&) {
  return Error::internal("permit.not_implemented", "Not implemented");
}
bool isNight(int, int, int) { return false; }
const std::map<std::string, std::pair<std::string, std::string>>& reasonTexts() {
  static const std::map<std::string, std::pair<std::string, std::string>> k;
  return k;
}
std::string renderReason(const Reason& r, bool) { return r.key; }
const ToxicTable& defaultToxicTable() {
  static const ToxicTable k;
  return k;
}
GasVerdict evaluateGas(const GasSample&, GasContext, const ToxicTable&) { return {}; }
const char* toString(StepState) { return "pending"; }
std::optional<StepState> parseStepState(std::string_view) { return std::nullopt; }
std::vector<Step> planSteps(const LevelDef&, bool) { return {}; }
std::vector<std::size_t> openNext(std::vector<Step>&, Instant) { return {}; }
bool allApproved(const std::vector<Step>&) { return false; }
Status decide(std::vector<Step>&, std::size_t, StepState, std::int64_t, Instant) {
  return Error::internal("permit.not_implemented", "Not implemented");
}
std::optional<Instant> stepDue(const Step&) { return std::nullopt; }
std::optional<std::string> escalationRole(const Step&, Instant) { return std::nullopt; }
std::string nextLadderRole(const std::string& role) { return role; }
const char* toString(Severity) { return "pass"; }
std::vector<Finding> checkFeasibility(const FeasibilityInput&) { return {}; }
bool hasBlock(const std::vector<Finding>&) { return false; }
bool hasWarn(const std::vector<Finding>&) { return false; }
bool overlaps(Instant a_from, Instant a_to, Instant b_from, Instant b_to) {
  return a_from < b_to && b_from < a_to;
}
Status checkOverride(const std::vector<Finding>&, const std::map<std::string, std::string>&) {
  return Error::internal("permit.not_implemented", "Not implemented");
}

}  // namespace anguan::permit
