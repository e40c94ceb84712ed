// The HazardRepository port (anguan/domain/store/hazard_store.hpp) over a SqlConnection.
#pragma once

#include "anguan/domain/store/hazard_store.hpp"

#include "common/sql.hpp"

namespace anguan::store {

class SqlHazardRepository final : public HazardRepository {
 public:
  explicit SqlHazardRepository(SqlConnection& conn) : conn_(conn) {}

  Result<std::int64_t> insertHazard(const HazardRow& row) override;
  Result<HazardRow> getHazard(std::int64_t id) override;
  Result<HazardRow> updateHazard(const HazardRow& row, Instant now) override;
  Result<HazardPage> listHazards(const HazardQuery& query) override;
  Result<std::vector<std::int64_t>> openDuplicates(std::int64_t area_id,
                                                   const std::string& type_code) override;
  Result<std::vector<hazard::ClosedHazard>> closedSince(std::int64_t area_id,
                                                        const std::string& type_code,
                                                        Instant since) override;
  Result<std::vector<HazardRow>> chaseCandidates(Instant deadline_before,
                                                 std::int64_t limit) override;
  Status addEvent(const HazardEvent& event) override;
  Result<std::vector<HazardEvent>> events(std::int64_t hazard_id) override;
  Status insertFile(const HazardFile& file) override;
  Result<HazardFile> getFile(const std::string& id) override;
  Result<std::vector<HazardFile>> filesOf(std::int64_t hazard_id) override;
  Result<std::int64_t> attachFiles(const std::vector<std::string>& ids, std::int64_t uploader,
                                   std::int64_t hazard_id, const std::string& kind,
                                   const std::string& org_path) override;
  Result<std::vector<HazardType>> types() override;
  Status upsertType(const HazardType& type) override;
  Result<std::vector<hazard::AssignmentRule>> assignmentRules() override;
  Status replaceAssignmentRules(const std::vector<hazard::AssignmentRule>& rules) override;
  Result<std::int64_t> insertRiskPoint(const RiskPointRow& row) override;
  Result<RiskPointRow> getRiskPoint(std::int64_t id) override;
  Result<RiskPointRow> updateRiskPoint(const RiskPointRow& row, Instant now) override;
  Result<std::vector<RiskPointRow>> listRiskPoints(const std::string& scope_prefix,
                                                   std::int64_t area_id) override;
  Result<std::vector<RiskPointRow>> riskPointsDue(std::int64_t day) override;
  Result<std::int64_t> insertInspection(const InspectionRow& row) override;
  Result<InspectionRow> getInspection(std::int64_t id) override;
  Result<InspectionRow> updateInspection(const InspectionRow& row) override;
  Result<std::vector<InspectionRow>> listInspections(const InspectionQuery& query,
                                                     std::int64_t* total) override;
  Result<std::int64_t> insertIncident(const IncidentRow& row) override;
  Result<IncidentRow> getIncident(std::int64_t id) override;
  Result<IncidentRow> updateIncident(const IncidentRow& row, Instant now) override;
  Result<std::vector<IncidentRow>> listIncidents(const std::string& scope_prefix,
                                                 std::optional<Instant> from,
                                                 std::optional<Instant> to) override;
  Result<std::int64_t> insertAction(const IncidentAction& action) override;
  Status updateAction(const IncidentAction& action) override;
  Result<std::vector<IncidentAction>> actionsOf(std::int64_t incident_id) override;
  Status upsertWorkPeriod(const WorkPeriod& period) override;
  Result<std::vector<WorkPeriod>> workPeriods(const std::string& scope_prefix,
                                              const std::string& from_month,
                                              const std::string& to_month) override;

 private:
  // Keeps hazard_grams (0008) for one hazard whose description goes from `old_description`
  // ("" for a new hazard) to `description`.
  Status writeGrams(std::int64_t hazard_id, std::string_view old_description,
                    std::string_view description);

  SqlConnection& conn_;
};

}  // namespace anguan::store
