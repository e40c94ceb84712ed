// Use cases for hazards (隐患排查治理), the risk register (双重预防), inspections and incidents
// (issue 4). Every change checks the caller's scope and role, applies the domain rules of
// domain/hazard and domain/risk, writes the timeline, the audit entry and the notifications in
// the same transaction, and refuses illegal requests without changing anything.
//
// Roles: anyone signed in may report a hazard in an area of their scope; assignment,
// rejection, plans, supervision and acceptance need a safety role (safety_officer,
// approver_safety, admin); rectification is for the assignee (by person); verification for the
// reporter or a safety officer, never the rectifier.
//
// Thread safety: safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"
#include "anguan/domain/auth/access.hpp"
#include "anguan/domain/hazard/hazard.hpp"
#include "anguan/domain/hazard/incident.hpp"
#include "anguan/domain/risk/risk.hpp"
#include "anguan/domain/store/store.hpp"
#include "anguan/service/context.hpp"
#include "anguan/service/spreadsheet.hpp"

namespace anguan::service {

struct HazardConfig {
  hazard::DeadlinePolicy deadlines;
  std::chrono::hours due_soon_before{24};
  risk::LecConfig lec = risk::defaultLec();
  risk::LsConfig ls = risk::defaultLs();
  risk::FrequencyPolicy frequency;
  std::size_t max_photo_bytes = 5 << 20;
};

struct ReportInput {
  std::int64_t area_id = 0;
  std::string type_code;
  hazard::Level level = hazard::Level::kGeneral;
  std::string description;
  std::optional<Instant> discovered_at;  // default: now
  hazard::Source source = hazard::Source::kAdHoc;
  std::int64_t source_ref = 0;
  std::vector<std::string> photo_ids;  // From uploadPhoto.
};

struct HazardDetail {
  store::HazardRow hazard;
  std::vector<store::HazardEvent> events;
  std::vector<store::HazardFile> files;
  std::vector<std::int64_t> open_duplicates;  // "same as #N?" (other open hazards)
  bool overdue = false;
};

struct RiskPointInput {
  std::int64_t area_id = 0;
  std::string name, activity, hazard_desc, accident_type;
  std::string method = "lec";  // "lec" or "ls"
  double l = 0, e = 0, c = 0;  // for LS: l = L, e = S
  std::vector<std::string> controls;
  risk::ControlLevel control_level = risk::ControlLevel::kTeam;
  std::int64_t responsible_person_id = 0;  // 0 = the area's responsible person
};

struct AreaColour {
  std::int64_t area_id = 0;
  risk::Colour colour = risk::Colour::kBlue;
  std::int64_t points = 0;
};

struct InspectionResult {
  std::size_t index = 0;  // Checklist item
  bool ok = true;
  std::string note;
  hazard::Level level = hazard::Level::kGeneral;  // For the hazard a failed item creates.
  std::string type_code = "管理";
  std::vector<std::string> photo_ids;
};

struct IncidentInput {
  std::int64_t area_id = 0;
  Instant occurred_at{};
  std::string category, title, description, root_cause;
  std::vector<store::IncidentPerson> people;
  std::int64_t permit_id = 0;
  std::vector<std::int64_t> hazard_ids;
};

struct IncidentDetail {
  store::IncidentRow incident;
  std::vector<store::IncidentAction> actions;
};

struct SafetyFigures {
  std::int64_t injured = 0, minor = 0, serious = 0, fatalities = 0, lost_workdays = 0;
  double hours_worked = 0;
  std::optional<double> avg_headcount;
  std::optional<double> e1_injury_frequency;  // per 10⁶ h
  std::optional<double> e2_per_thousand;      // ‰
};

class HazardService {
 public:
  HazardService(store::Store& store, const Clock& clock, const Settings& settings,
                EventPublisher& events, HazardConfig config = {})
      : store_(store),
        clock_(clock),
        settings_(settings),
        events_(events),
        config_(std::move(config)) {}

  const HazardConfig& config() const { return config_; }
  // The XLSX/CSV writer for exportLedger (set by the composition root).
  void setCodec(const SpreadsheetCodec* codec) { codec_ = codec; }

  // Photos: JPEG/PNG/WebP by magic bytes, at most max_photo_bytes. Returns the file id.
  // kInvalidArgument "hazard.photo_not_image", kPayloadTooLarge "hazard.photo_too_large".
  [[nodiscard]] Result<std::string> uploadPhoto(const auth::Principal& caller,
                                                const std::string& bytes);
  // The photo's bytes and MIME type, only for callers who can see its hazard (or its uploader
  // while unattached). kNotFound "hazard.file_not_found".
  [[nodiscard]] Result<std::pair<std::string, std::string>> photo(const auth::Principal& caller,
                                                                  const std::string& id);

  [[nodiscard]] Result<HazardDetail> report(const auth::Principal& caller,
                                            const ReportInput& input);
  [[nodiscard]] Result<HazardDetail> get(const auth::Principal& caller, std::int64_t id);
  [[nodiscard]] Result<store::HazardPage> list(const auth::Principal& caller,
                                               store::HazardQuery query);
  // The ledger as a sheet (same filters and order as list, every page, at most kExportMax
  // rows): number, area, type, level, state, description, reporter, times, assignee, deadline,
  // closed on time, recurrence. kUnavailable "hazard.export_unavailable" without a codec;
  // kInvalidArgument "hazard.export_too_large" above kExportMax rows.
  static constexpr std::int64_t kExportMax = 50000;
  [[nodiscard]] Result<std::string> exportLedger(const auth::Principal& caller,
                                                 store::HazardQuery query, SheetFormat format,
                                                 const std::string& language);
  // The caller's own work: hazards assigned to their person to rectify, and submitted ones
  // they may verify.
  [[nodiscard]] Result<store::HazardPage> mine(const auth::Principal& caller,
                                               const std::string& role);

  [[nodiscard]] Result<HazardDetail> assign(const auth::Principal& caller, std::int64_t id,
                                            std::int64_t person_id, const std::string& reason);
  [[nodiscard]] Result<HazardDetail> reject(const auth::Principal& caller, std::int64_t id,
                                            const std::string& reason);
  [[nodiscard]] Result<HazardDetail> start(const auth::Principal& caller, std::int64_t id);
  [[nodiscard]] Result<HazardDetail> submit(const auth::Principal& caller, std::int64_t id,
                                            const std::string& measure, const std::string& text,
                                            const std::vector<std::string>& photo_ids);
  [[nodiscard]] Result<HazardDetail> verify(const auth::Principal& caller, std::int64_t id,
                                            bool pass, const std::string& note);
  [[nodiscard]] Result<HazardDetail> extend(const auth::Principal& caller, std::int64_t id,
                                            Instant new_deadline,
                                            const std::string& interim_controls);
  // Major hazards.
  [[nodiscard]] Result<HazardDetail> setPlan(const auth::Principal& caller, std::int64_t id,
                                             const hazard::GovernancePlan& plan);
  [[nodiscard]] Result<HazardDetail> supervise(const auth::Principal& caller, std::int64_t id,
                                               std::int64_t supervisor_person_id);
  [[nodiscard]] Result<HazardDetail> followUp(const auth::Principal& caller, std::int64_t id,
                                              const std::string& note);
  [[nodiscard]] Result<HazardDetail> reportToManagement(const auth::Principal& caller,
                                                        std::int64_t id);
  [[nodiscard]] Result<HazardDetail> accept(const auth::Principal& caller, std::int64_t id,
                                            const std::string& note);

  [[nodiscard]] Result<std::vector<store::HazardType>> types(const auth::Principal& caller);
  [[nodiscard]] Status saveType(const auth::Principal& caller, const store::HazardType& type);

  // Risk register.
  [[nodiscard]] Result<store::RiskPointRow> createRiskPoint(const auth::Principal& caller,
                                                            const RiskPointInput& input);
  [[nodiscard]] Result<store::RiskPointRow> reassess(const auth::Principal& caller, std::int64_t id,
                                                     const std::string& method, double l, double e,
                                                     double c);
  [[nodiscard]] Result<std::vector<store::RiskPointRow>> riskPoints(const auth::Principal& caller,
                                                                    std::int64_t area_id);
  // The highest colour of each area's active risk points.
  [[nodiscard]] Result<std::vector<AreaColour>> colourMap(const auth::Principal& caller);

  // Inspections.
  [[nodiscard]] Result<std::vector<store::InspectionRow>> inspections(const auth::Principal& caller,
                                                                      bool mine_only,
                                                                      const std::string& status);
  [[nodiscard]] Result<store::InspectionRow> completeInspection(
      const auth::Principal& caller, std::int64_t id, const std::vector<InspectionResult>& results);

  // Incidents.
  [[nodiscard]] Result<IncidentDetail> createIncident(const auth::Principal& caller,
                                                      const IncidentInput& input);
  [[nodiscard]] Result<IncidentDetail> getIncident(const auth::Principal& caller, std::int64_t id);
  [[nodiscard]] Result<std::vector<store::IncidentRow>> incidents(const auth::Principal& caller);
  [[nodiscard]] Result<IncidentDetail> addAction(const auth::Principal& caller,
                                                 std::int64_t incident_id,
                                                 const std::string& description,
                                                 std::int64_t owner_person_id,
                                                 std::optional<Instant> deadline);
  [[nodiscard]] Result<IncidentDetail> completeAction(const auth::Principal& caller,
                                                      std::int64_t incident_id,
                                                      std::int64_t action_id,
                                                      const std::string& note);
  [[nodiscard]] Result<IncidentDetail> closeIncident(const auth::Principal& caller,
                                                     std::int64_t id);
  [[nodiscard]] Status saveWorkPeriod(const auth::Principal& caller, std::int64_t org_id,
                                      const std::string& month, double hours, double headcount);
  [[nodiscard]] Result<SafetyFigures> figures(const auth::Principal& caller,
                                              const std::string& from_month,
                                              const std::string& to_month);

  // Jobs (idempotent). Each returns how many notifications/tasks it produced.
  // Due-soon reminders and overdue escalation (once per local day).
  [[nodiscard]] Result<std::int64_t> chase(Instant now);
  // Inspection tasks for risk points due today or earlier; escalation of overdue ones (once).
  [[nodiscard]] Result<std::int64_t> generateInspections(Instant now);

 private:
  store::Store& store_;
  const Clock& clock_;
  const Settings& settings_;
  EventPublisher& events_;
  HazardConfig config_;
  const SpreadsheetCodec* codec_ = nullptr;
};

// `anguan demo` (after the base demo): twelve months of hazards (mostly closed on time, some
// late, a few recurring, two major ones with governance plans), risk points with LEC/LS
// assessments, inspections, incidents with actions, and monthly hours worked and headcount per
// org unit. All timestamps are before clock.now(). Returns a one-line summary.
// kConflict "demo.base_missing" when the base demo data is not there.
[[nodiscard]] Result<std::string> seedHazardDemo(store::Store& store, const Clock& clock,
                                                 const Settings& settings);

}  // namespace anguan::service
