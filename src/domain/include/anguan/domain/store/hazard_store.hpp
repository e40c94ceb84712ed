// Persistence port for Hazards, risk register, inspections, incidents (issue 4). Implemented once
// over SQL in store/common/hazard_repository.cpp for both SQLite and PostgreSQL.
//
// Rows are plain records; the rules live in domain/hazard and domain/risk and the use cases in
// service/hazard. Every list takes a scope prefix: rows whose org_path starts with it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"
#include "anguan/domain/hazard/hazard.hpp"
#include "anguan/domain/hazard/incident.hpp"
#include "anguan/domain/risk/risk.hpp"

namespace anguan::store {

struct HazardRow {
  std::int64_t id = 0;
  std::int64_t version = 0;
  std::string org_path;  // The area's org path.
  std::int64_t area_id = 0;
  std::string type_code;  // Taxonomy code, e.g. "物.设备"
  hazard::Level level = hazard::Level::kGeneral;
  hazard::State state = hazard::State::kReported;
  hazard::Source source = hazard::Source::kAdHoc;
  std::int64_t source_ref = 0;  // Inspection / permit / camera event id.
  std::string description;
  std::int64_t reporter_user_id = 0;
  std::string reporter_name;
  Instant discovered_at{};
  Instant reported_at{};
  std::int64_t assignee_person_id = 0;
  std::optional<Instant> assigned_at;
  std::optional<Instant> deadline;
  std::int64_t rectifier_user_id = 0;
  std::string rectify_measure;
  std::string rectify_text;
  std::optional<Instant> submitted_at;
  std::int64_t verifier_user_id = 0;
  std::optional<Instant> closed_at;
  std::string reject_reason;
  std::string interim_controls;
  std::int64_t recurrence_of = 0;  // Id of the hazard it recurs, 0 = none.
  int extensions = 0;
  // Chasing memo (idempotent jobs).
  std::optional<Instant> due_soon_sent_for;
  std::optional<std::int64_t> last_escalated_day;
  int escalations = 0;
  // Major hazards.
  hazard::GovernancePlan plan;
  bool has_plan = false;
  std::int64_t supervisor_person_id = 0;  // 挂牌督办 when non-zero.
  std::optional<Instant> reported_to_management_at;
  std::int64_t acceptance_user_id = 0;
  std::optional<Instant> accepted_at;
  std::string acceptance_note;
  Instant created_at{};
  Instant updated_at{};
};

struct HazardQuery {
  std::string scope_prefix;
  std::vector<hazard::State> states;  // empty = all
  std::optional<hazard::Level> level;
  std::int64_t area_id = 0;
  std::string type_prefix;
  std::int64_t assignee_person_id = 0;
  std::int64_t reporter_user_id = 0;
  // Owes a rectification with deadline < overdue_at.
  std::optional<Instant> overdue_at;
  std::optional<Instant> reported_from;  // inclusive
  std::optional<Instant> reported_to;    // exclusive
  bool recurring_only = false;
  std::string search;  // description substring
  // "id", "reported_at", "deadline", "level", "state", "area_id"
  std::string sort = "reported_at";
  bool sort_desc = true;
  std::int64_t page = 1;
  std::int64_t page_size = 50;
};

struct HazardPage {
  std::vector<HazardRow> items;
  std::int64_t total = 0;
};

// One line of a hazard's timeline.
struct HazardEvent {
  std::int64_t id = 0;
  std::int64_t hazard_id = 0;
  Instant at{};
  std::int64_t actor_id = 0;  // 0 = system (jobs)
  std::string actor_name;
  std::string action;  // "report", "assign", "start", "submit", "verify_pass", "follow_up" …
  std::string from_state;
  std::string to_state;
  std::string note;
};

// A photo. `id` is a random 128-bit token (hex); hazard_id 0 = uploaded, not yet attached.
struct HazardFile {
  std::string id;
  std::int64_t hazard_id = 0;
  std::string kind;  // "report", "evidence", "inspection"
  std::string mime;
  std::int64_t size = 0;
  std::string data_base64;  // Empty in listings.
  std::int64_t uploaded_by = 0;
  std::string org_path;
  Instant created_at{};
};

struct HazardType {
  std::string code;  // "人", "人.违章作业" — the parent is the text before the last '.'
  std::string name_zh;
  std::string name_en;
  bool active = true;
};

struct RiskPointRow {
  std::int64_t id = 0;
  std::int64_t version = 0;
  std::int64_t area_id = 0;
  std::string org_path;
  std::string name;
  std::string activity;
  std::string hazard_desc;
  std::string accident_type;
  std::string method;          // "lec" or "ls"
  double l = 0, e = 0, c = 0;  // LEC factors, or L, S (in l, e) for LS
  double score = 0;
  risk::Colour colour = risk::Colour::kBlue;
  std::vector<std::string> controls;  // Control measures, one per checklist item.
  risk::ControlLevel control_level = risk::ControlLevel::kTeam;
  std::int64_t responsible_person_id = 0;
  std::optional<std::int64_t> next_due_day;  // localDay of the next inspection
  bool active = true;
  Instant created_at{};
  Instant updated_at{};
};

struct InspectionItem {
  std::string text;
  std::string result;  // "", "ok", "fail"
  std::string note;
  std::int64_t hazard_id = 0;  // Hazard created from a failed item.
};

struct InspectionRow {
  std::int64_t id = 0;
  std::int64_t version = 0;
  std::int64_t risk_point_id = 0;
  std::int64_t area_id = 0;
  std::string org_path;
  std::int64_t assignee_person_id = 0;
  std::int64_t due_day = 0;  // localDay it is due (done by the end of it)
  std::string status;        // "pending", "done"
  std::vector<InspectionItem> items;
  std::optional<Instant> done_at;
  std::int64_t done_by = 0;
  std::optional<Instant> escalated_at;
  Instant created_at{};
};

struct InspectionQuery {
  std::string scope_prefix;
  std::int64_t assignee_person_id = 0;
  std::string status;                      // "" = any
  std::optional<std::int64_t> due_before;  // due_day < this (overdue when pending)
  std::int64_t risk_point_id = 0;
  std::int64_t page = 1;
  std::int64_t page_size = 50;
};

struct IncidentPerson {
  std::string name;
  std::int64_t lost_workdays = 0;
  bool died = false;
};

struct IncidentAction {
  std::int64_t id = 0;
  std::int64_t incident_id = 0;
  std::string description;
  std::int64_t owner_person_id = 0;
  std::optional<Instant> deadline;
  std::optional<Instant> done_at;
  std::string done_note;
};

struct IncidentRow {
  std::int64_t id = 0;
  std::int64_t version = 0;
  std::string org_path;
  std::int64_t area_id = 0;
  Instant occurred_at{};
  std::string category;  // GB 6441 category, e.g. "高处坠落"
  std::string title;
  std::string description;
  hazard::Severity severity = hazard::Severity::kNone;
  std::vector<IncidentPerson> people;
  std::int64_t minor = 0, serious = 0, fatalities = 0, lost_workdays = 0;
  std::int64_t permit_id = 0;
  std::vector<std::int64_t> hazard_ids;
  std::string root_cause;
  std::string status;  // "open", "closed"
  std::optional<Instant> closed_at;
  std::int64_t reported_by = 0;
  Instant created_at{};
  Instant updated_at{};
};

// Hours worked and headcount per org unit per month (E1/E2 denominators).
struct WorkPeriod {
  std::int64_t org_id = 0;
  std::string org_path;
  std::string month;  // "YYYY-MM"
  double hours_worked = 0;
  double headcount = 0;
};

class HazardRepository {
 public:
  virtual ~HazardRepository() = default;

  // Hazards. insert sets id, version 1, created_at = updated_at = row.created_at.
  [[nodiscard]] virtual Result<std::int64_t> insertHazard(const HazardRow& row) = 0;
  // kNotFound "hazard.not_found".
  [[nodiscard]] virtual Result<HazardRow> getHazard(std::int64_t id) = 0;
  // Optimistic on row.version; bumps it and sets updated_at = now. kNotFound, kConflict
  // "hazard.stale_version".
  [[nodiscard]] virtual Result<HazardRow> updateHazard(const HazardRow& row, Instant now) = 0;
  [[nodiscard]] virtual Result<HazardPage> listHazards(const HazardQuery& query) = 0;
  // Open hazards in the same area with the same type (for "same as #N?"), newest first.
  [[nodiscard]] virtual Result<std::vector<std::int64_t>> openDuplicates(
      std::int64_t area_id, const std::string& type_code) = 0;
  // Hazards of the area and type closed at or after `since`.
  [[nodiscard]] virtual Result<std::vector<hazard::ClosedHazard>> closedSince(
      std::int64_t area_id, const std::string& type_code, Instant since) = 0;
  // The chase scan: hazards owing a rectification (assigned, rectifying) with a deadline
  // before `deadline_before`, oldest deadline first, at most `limit`.
  [[nodiscard]] virtual Result<std::vector<HazardRow>> chaseCandidates(Instant deadline_before,
                                                                       std::int64_t limit) = 0;

  [[nodiscard]] virtual Status addEvent(const HazardEvent& event) = 0;
  [[nodiscard]] virtual Result<std::vector<HazardEvent>> events(std::int64_t hazard_id) = 0;

  [[nodiscard]] virtual Status insertFile(const HazardFile& file) = 0;
  // With data. kNotFound "hazard.file_not_found".
  [[nodiscard]] virtual Result<HazardFile> getFile(const std::string& id) = 0;
  // Without data.
  [[nodiscard]] virtual Result<std::vector<HazardFile>> filesOf(std::int64_t hazard_id) = 0;
  // Attaches unattached files uploaded by `uploader` to the hazard with `kind`; returns how
  // many were attached (ids that are someone else's or already attached are skipped).
  [[nodiscard]] virtual Result<std::int64_t> attachFiles(const std::vector<std::string>& ids,
                                                         std::int64_t uploader,
                                                         std::int64_t hazard_id,
                                                         const std::string& kind,
                                                         const std::string& org_path) = 0;

  [[nodiscard]] virtual Result<std::vector<HazardType>> types() = 0;
  // Insert or update by code.
  [[nodiscard]] virtual Status upsertType(const HazardType& type) = 0;
  [[nodiscard]] virtual Result<std::vector<hazard::AssignmentRule>> assignmentRules() = 0;
  [[nodiscard]] virtual Status replaceAssignmentRules(
      const std::vector<hazard::AssignmentRule>& rules) = 0;

  // Risk points.
  [[nodiscard]] virtual Result<std::int64_t> insertRiskPoint(const RiskPointRow& row) = 0;
  // kNotFound "risk.not_found".
  [[nodiscard]] virtual Result<RiskPointRow> getRiskPoint(std::int64_t id) = 0;
  // Optimistic on version; kConflict "risk.stale_version".
  [[nodiscard]] virtual Result<RiskPointRow> updateRiskPoint(const RiskPointRow& row,
                                                             Instant now) = 0;
  // area_id 0 = all areas in scope. Ordered by area, then id.
  [[nodiscard]] virtual Result<std::vector<RiskPointRow>> listRiskPoints(
      const std::string& scope_prefix, std::int64_t area_id) = 0;
  // Active points whose next inspection is due on or before `day` (generation).
  [[nodiscard]] virtual Result<std::vector<RiskPointRow>> riskPointsDue(std::int64_t day) = 0;

  // Inspections.
  [[nodiscard]] virtual Result<std::int64_t> insertInspection(const InspectionRow& row) = 0;
  // kNotFound "inspection.not_found".
  [[nodiscard]] virtual Result<InspectionRow> getInspection(std::int64_t id) = 0;
  // Optimistic on version; kConflict "inspection.stale_version".
  [[nodiscard]] virtual Result<InspectionRow> updateInspection(const InspectionRow& row) = 0;
  [[nodiscard]] virtual Result<std::vector<InspectionRow>> listInspections(
      const InspectionQuery& query, std::int64_t* total) = 0;

  // Incidents.
  [[nodiscard]] virtual Result<std::int64_t> insertIncident(const IncidentRow& row) = 0;
  // kNotFound "incident.not_found".
  [[nodiscard]] virtual Result<IncidentRow> getIncident(std::int64_t id) = 0;
  // Optimistic; kConflict "incident.stale_version".
  [[nodiscard]] virtual Result<IncidentRow> updateIncident(const IncidentRow& row, Instant now) = 0;
  [[nodiscard]] virtual Result<std::vector<IncidentRow>> listIncidents(
      const std::string& scope_prefix, std::optional<Instant> from, std::optional<Instant> to) = 0;
  [[nodiscard]] virtual Result<std::int64_t> insertAction(const IncidentAction& action) = 0;
  [[nodiscard]] virtual Status updateAction(const IncidentAction& action) = 0;
  [[nodiscard]] virtual Result<std::vector<IncidentAction>> actionsOf(std::int64_t incident_id) = 0;

  // Insert or replace by (org_id, month).
  [[nodiscard]] virtual Status upsertWorkPeriod(const WorkPeriod& period) = 0;
  [[nodiscard]] virtual Result<std::vector<WorkPeriod>> workPeriods(
      const std::string& scope_prefix, const std::string& from_month,
      const std::string& to_month) = 0;
};

}  // namespace anguan::store
