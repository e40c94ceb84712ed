// Live monitoring (issue 5): device authentication, the telemetry pipeline (decode → clean →
// evaluate rules → store in batches → publish), alarms bound to the work in their area,
// violations from camera and positioning events, and the queries behind the monitoring screens.
//
// Pipeline: HTTP and MQTT adapters decode payloads with decode() and hand batches to submit().
// One pipeline thread owns every sensor's cleaning and rule state; it drains queued batches,
// evaluates them in memory, and writes readings, roll-ups, last values, MQTT claims, alarms and
// violations in one group-committed write transaction. Each batch's `done` runs after that
// commit (HTTP answers then; MQTT sends the PUBACK then), so an acknowledged batch survives a
// crash. Alarm and violation changes are published to WebSocket clients right after the commit;
// their consequences (suspending permits, notifications) run on a second thread so that
// ingestion never waits for permit changes.
//
// Back-pressure: submit() refuses a batch (returns false) when the queued readings would exceed
// MonitorSettings::queue_readings; HTTP answers 503 with Retry-After and MQTT pauses reading.
//
// Thread safety: every public function may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"
#include "anguan/domain/auth/access.hpp"
#include "anguan/domain/monitor/alarm.hpp"
#include "anguan/domain/monitor/violation.hpp"
#include "anguan/domain/store/store.hpp"
#include "anguan/service/context.hpp"
#include "anguan/service/notification_service.hpp"
#include "anguan/service/permit_service.hpp"

namespace anguan::service {

class WebhookService;

struct MonitorSettings {
  // Readings queued (not yet committed) beyond which submit() refuses batches.
  std::size_t queue_readings = 400000;
  // Largest batch one request or message may carry.
  std::size_t max_batch_readings = 10000;
  std::size_t max_batch_events = 100;
  // The pipeline commits at most this many readings per transaction.
  std::size_t max_commit_readings = 50000;
  std::chrono::days raw_retention{90};
  monitor::AckSla ack_sla;
  monitor::ViolationPolicy violation_policy;
  // Live values per sensor are pushed at most this often.
  std::chrono::milliseconds value_push_interval{1000};
  std::size_t max_snapshot_bytes = 512 * 1024;
  // Claims of stored MQTT messages are kept this long (redeliveries come within it).
  std::chrono::hours claim_retention{72};
};

enum class IngestChannel : std::uint8_t { kHttp, kMqtt };

struct DeviceRef {
  std::int64_t id = 0;
  std::string code;
  std::int64_t area_id = 0;
  std::string org_path;
};

struct DecodedReading {
  std::int64_t sensor_id = 0;
  Instant at{};
  double value = 0.0;
};

struct DecodedEvent {
  monitor::ViolationType type = monitor::ViolationType::kNoHelmet;
  std::int64_t area_id = 0;
  std::int64_t person_id = 0;  // Resolved by the pipeline from person_code.
  std::string person_code;     // people.employee_no, "" = nobody named.
  double confidence = 1.0;
  int frames = 0;
  Instant at{};
  std::string snapshot_mime;  // "" = no snapshot
  std::string snapshot;       // decoded bytes
};

struct TelemetryBatch {
  std::int64_t device_id = 0;
  IngestChannel channel = IngestChannel::kHttp;
  // MQTT: a 64-bit digest of the payload; with `maybe_redelivered` (the DUP flag) the pipeline
  // first checks whether that message was stored before and, if so, skips it.
  std::optional<std::int64_t> claim;
  bool maybe_redelivered = false;
  std::vector<DecodedReading> readings;
  std::vector<DecodedEvent> events;
};

struct IngestResult {
  std::int64_t accepted = 0;  // Readings stored.
  std::int64_t flagged = 0;   // Of those, with a quality flag.
  std::int64_t events = 0;
  bool duplicate = false;  // A redelivered message that was already stored (nothing written).
};

using IngestDone = std::function<void(const Result<IngestResult>&)>;

struct IngestStats {
  std::int64_t batches = 0;
  std::int64_t readings = 0;
  std::int64_t flagged = 0;
  std::int64_t rejected = 0;      // Dead letters.
  std::int64_t refused_full = 0;  // submit() refusals (back-pressure).
  std::int64_t duplicates = 0;    // Redelivered messages skipped.
  std::int64_t commits = 0;
  std::int64_t commit_failures = 0;  // Commits that failed (their jobs were answered with 503).
  // Batches the store refused alone while it took others (telemetry.not_storable, not retried).
  std::int64_t unstorable = 0;
  std::int64_t alarms_raised = 0;
  std::int64_t violations = 0;
  std::int64_t queued_readings = 0;
  std::int64_t sensors = 0;
};

struct AlarmFilter {
  std::vector<std::string> states;
  bool open_only = false;
  std::int64_t area_id = 0;
  std::int64_t sensor_id = 0;
  std::int64_t permit_id = 0;
  std::string severity;
  std::optional<Instant> from, to;
  std::int64_t page = 1;
  std::int64_t page_size = 50;
};

struct ViolationFilter {
  std::int64_t area_id = 0;
  std::int64_t permit_id = 0;
  std::int64_t person_id = 0;
  std::string type;
  std::string status;
  std::optional<Instant> from, to;
  std::int64_t page = 1;
  std::int64_t page_size = 50;
};

class MonitorService {
 public:
  MonitorService(store::Store& store, const Clock& clock, const Settings& settings,
                 EventPublisher& events, PermitService& permits, MonitorSettings monitor = {});
  ~MonitorService();
  MonitorService(const MonitorService&) = delete;
  MonitorService& operator=(const MonitorService&) = delete;

  // Loads the registry, open alarms and last values and starts the pipeline threads.
  [[nodiscard]] Status start();
  // Drains what is queued (each batch's done runs) and stops the threads. Idempotent.
  void stop();
  void setWebhooks(WebhookService* webhooks);

  // ---- Ingestion ----

  // By the device's token (HTTP "Authorization: Device <token>"). kUnauthenticated
  // "monitor.device_token_invalid" when unknown or the device is inactive.
  [[nodiscard]] Result<DeviceRef> authenticateDevice(std::string_view token);
  // By the device code (MQTT topic; the broker authenticated the publisher). kNotFound
  // "telemetry.unknown_device".
  [[nodiscard]] Result<DeviceRef> deviceByCode(std::string_view code);
  // Decodes `{"readings":[...],"events":[...]}` (single_event: one event object, the MQTT event
  // topic). Errors are kInvalidArgument with stable codes: telemetry.bad_json,
  // telemetry.bad_field, telemetry.unknown_sensor, telemetry.too_large, telemetry.bad_value ...
  // with details {index, field}.
  [[nodiscard]] Result<TelemetryBatch> decode(const DeviceRef& device, std::string_view json,
                                              IngestChannel channel, bool single_event) const;
  // Queues the batch; `done` runs (on the pipeline thread) after it is durably stored or failed.
  // Returns false, without calling done, when the pipeline is full or stopped.
  bool submit(TelemetryBatch&& batch, IngestDone done);
  // Stores a rejected payload as a dead letter (asynchronously; payload cut to 4 KiB).
  void reject(IngestChannel channel, std::string source, const Error& error,
              std::string_view payload);
  IngestStats stats() const;
  // Re-reads devices, sensors and thresholds (after base-data changes); cheap to call.
  void reloadRegistry();

  // ---- Device credentials ----
  // Admin only. A new random token (shown once) replaces the device's previous one.
  [[nodiscard]] Result<boost::json::object> issueToken(const auth::Principal& caller,
                                                       std::int64_t device_id);
  [[nodiscard]] Status revokeToken(const auth::Principal& caller, std::int64_t device_id);
  // The Mosquitto password and ACL files for every device with a token, plus `service_user`
  // (anguan's own subscriber) whose password hash the caller supplies.
  [[nodiscard]] Result<std::pair<std::string, std::string>> mosquittoFiles(
      const std::string& service_user, const std::string& service_password_hash);

  // ---- Screens ----
  [[nodiscard]] Result<boost::json::object> board(const auth::Principal& caller);
  [[nodiscard]] Result<boost::json::object> listAlarms(const auth::Principal& caller,
                                                       const AlarmFilter& filter);
  [[nodiscard]] Result<boost::json::object> alarm(const auth::Principal& caller, std::int64_t id);
  [[nodiscard]] Result<boost::json::object> acknowledge(const auth::Principal& caller,
                                                        std::int64_t id, const std::string& note);
  [[nodiscard]] Result<boost::json::object> closeAlarm(const auth::Principal& caller,
                                                       std::int64_t id, const std::string& note);
  [[nodiscard]] Result<boost::json::object> listViolations(const auth::Principal& caller,
                                                           const ViolationFilter& filter);
  [[nodiscard]] Result<boost::json::object> handleViolation(const auth::Principal& caller,
                                                            std::int64_t id,
                                                            const std::string& status,
                                                            const std::string& note,
                                                            bool needs_training);
  // {mime, bytes}.
  [[nodiscard]] Result<std::pair<std::string, std::string>> snapshot(const auth::Principal& caller,
                                                                     std::int64_t violation_id);
  [[nodiscard]] Result<boost::json::object> series(const auth::Principal& caller,
                                                   std::int64_t sensor_id, Instant from,
                                                   Instant to);
  // Admin only.
  [[nodiscard]] Result<boost::json::object> deadLetters(const auth::Principal& caller,
                                                        std::int64_t page, std::int64_t page_size);

  // ---- Jobs ----
  // Offline sensors, acknowledgement escalation, raw-data retention, claim purge. Returns the
  // number of changes.
  [[nodiscard]] Result<std::int64_t> runJobs(Instant now);

  // The permits' feasibility check: valid current readings in the area beyond the alarm level
  // block, beyond the warning level warn.
  EnvironmentCheck& environmentCheck();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace anguan::service
