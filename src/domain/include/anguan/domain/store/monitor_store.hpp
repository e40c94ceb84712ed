// Persistence port for live monitoring (issue 5): the registry as the pipeline needs it, raw
// readings and roll-ups, the last value per sensor, MQTT message claims, alarms with their
// permits and history, violations, training needs, dead letters, device credentials and the
// webhook outbox. Tables: migration 0007_monitoring.
//
// The registry itself (devices, sensors, area_thresholds) is base data (RecordRepository);
// registry() is the one query the pipeline loads it with.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"

namespace anguan::store {

// ---- Registry (read-only view for the pipeline) ----

struct DeviceRow {
  std::int64_t id = 0;
  std::string code;
  std::string name;
  std::string kind;  // gateway, gas_detector, sensor_node, camera, positioning, plc
  std::int64_t area_id = 0;
  std::int64_t gateway_id = 0;  // 0 = none.
  std::string site;
  std::string org_path;
  bool active = true;  // NULL counts as active.
};

struct SensorRow {
  std::int64_t id = 0;
  std::string code;
  std::string name;
  std::int64_t device_id = 0;
  std::string kind;  // monitor::SensorKindInfo::code
  std::int64_t area_id = 0;
  std::string org_path;
  std::string position;
  std::int64_t interval_seconds = 60;  // NULL -> 60.
  std::string calibration_due;         // "YYYY-MM-DD" or "".
  std::optional<double> warning_high, alarm_high, warning_low, alarm_low;
  bool active = true;  // NULL counts as active.
};

struct AreaThresholdRow {
  std::int64_t id = 0;
  std::int64_t area_id = 0;
  std::string kind;
  std::optional<double> warning_high, alarm_high, warning_low, alarm_low;
  std::optional<double> hysteresis;
  std::optional<std::int64_t> delay_seconds;
  std::optional<double> rate_per_minute;
};

struct AreaRow {
  std::int64_t id = 0;
  std::string code;
  std::string name;
  std::string org_path;
};

struct Registry {
  std::vector<AreaRow> areas;
  std::vector<DeviceRow> devices;
  std::vector<SensorRow> sensors;
  std::vector<AreaThresholdRow> area_thresholds;
};

// ---- Credentials ----

struct DeviceCredential {
  std::int64_t device_id = 0;
  std::string token_hash;  // SHA-256 hex of the token.
  std::string token_hint;  // Last 4 characters, for the admin screen.
  std::string mqtt_username;
  std::string mqtt_password_hash;  // Mosquitto password-file hash ("$7$..."), may be "".
  Instant created_at{};
  std::int64_t created_by = 0;
};

// ---- Readings ----

struct ReadingRow {
  std::int64_t sensor_id = 0;
  std::int64_t ts = 0;   // UTC ms (device timestamp).
  std::int64_t seq = 0;  // 0, or a distinct value for duplicates of (sensor_id, ts).
  double value = 0.0;
  int flags = 0;  // monitor::QualityFlags bits; 0 = valid.
};

enum class RollupResolution : int { kMinute = 1, kHour = 2 };

struct RollupRow {
  std::int64_t sensor_id = 0;
  RollupResolution resolution = RollupResolution::kMinute;
  std::int64_t bucket = 0;          // Bucket start, UTC ms.
  std::optional<double> min_value;  // Over valid readings; nullopt when valid_count == 0.
  std::optional<double> max_value;
  double sum_value = 0.0;  // Sum of valid values.
  std::int64_t count = 0;  // All readings.
  std::int64_t valid_count = 0;
};

struct SensorStatusRow {
  std::int64_t sensor_id = 0;
  std::int64_t last_ts = 0;
  double last_value = 0.0;
  int last_flags = 0;
  std::int64_t last_valid_ts = 0;  // 0 = never a valid reading.
  double last_valid_value = 0.0;
};

struct MessageClaim {
  std::int64_t device_id = 0;
  std::int64_t digest = 0;  // 64-bit hash of the payload.
  std::int64_t received_at = 0;
};

// ---- Alarms ----

struct AlarmRow {
  std::int64_t id = 0;
  std::int64_t version = 1;
  std::string org_path;
  std::int64_t area_id = 0;
  std::int64_t device_id = 0;
  std::int64_t sensor_id = 0;  // 0 for device-level alarms.
  std::string kind;            // monitor::toString(AlarmKind)
  std::string condition;       // high, low, rate, offline, fault
  std::string severity;        // monitor::toString(Severity)
  std::string state;           // monitor::toString(AlarmState)
  std::optional<double> value;
  std::optional<double> threshold;
  Instant raised_at{};
  Instant ack_due_from{};
  std::optional<Instant> acknowledged_at;
  std::optional<std::int64_t> acknowledged_by;
  std::optional<Instant> cleared_at;
  std::optional<Instant> closed_at;
  std::optional<std::int64_t> closed_by;
  int escalation_level = 0;
  int occurrences = 1;
  std::string note;
};

struct AlarmQuery {
  std::string scope_prefix;         // org_path prefix; "" = all.
  std::vector<std::string> states;  // Any of; empty = all.
  bool open_only = false;           // state != closed.
  std::int64_t area_id = 0;
  std::int64_t sensor_id = 0;
  std::int64_t permit_id = 0;  // Alarms linked to this permit.
  std::string severity;
  std::optional<Instant> from, to;  // raised_at range.
  std::int64_t page = 1;
  std::int64_t page_size = 50;  // Newest first.
};

struct AlarmPermit {
  std::int64_t alarm_id = 0;
  std::int64_t permit_id = 0;
  bool suspended = false;
};

struct AlarmEventRow {
  std::int64_t id = 0;
  std::int64_t alarm_id = 0;
  Instant at{};
  std::string event;  // raise, acknowledge, clear, close, recur, upgrade, escalate
  std::int64_t actor_id = 0;
  std::string detail;
};

// ---- Violations ----

struct ViolationRow {
  std::int64_t id = 0;
  std::int64_t version = 1;
  std::string org_path;
  std::int64_t area_id = 0;
  std::int64_t device_id = 0;
  std::string type;  // monitor::ViolationTypeInfo::code
  std::int64_t person_id = 0;
  std::int64_t permit_id = 0;
  double confidence = 1.0;
  int frames = 0;
  Instant occurred_at{};
  Instant received_at{};
  bool has_snapshot = false;
  bool needs_training = false;
  std::string status = "open";  // open, handled, dismissed
  std::optional<std::int64_t> handled_by;
  std::optional<Instant> handled_at;
  std::string note;
};

struct ViolationQuery {
  std::string scope_prefix;
  std::int64_t area_id = 0;
  std::int64_t permit_id = 0;
  std::int64_t person_id = 0;
  std::string type;
  std::string status;
  std::optional<Instant> from, to;  // occurred_at range.
  std::int64_t page = 1;
  std::int64_t page_size = 50;  // Newest first.
};

struct TrainingNeed {
  std::int64_t id = 0;
  std::int64_t person_id = 0;
  std::int64_t violation_id = 0;
  std::string reason;
  Instant created_at{};
  std::optional<Instant> done_at;
};

// ---- Dead letters ----

struct DeadLetter {
  std::int64_t id = 0;
  Instant received_at{};
  std::string channel;  // "http" or "mqtt"
  std::string source;   // Device code, topic or client address.
  std::string code;     // Stable error code, e.g. "telemetry.bad_json".
  std::string reason;
  std::string payload;  // At most 4 KiB of it.
};

// ---- Webhooks ----

struct WebhookRow {
  std::int64_t id = 0;
  std::int64_t version = 1;
  std::string org_path;  // Receives alarms/violations whose org_path starts with it.
  std::string name;
  std::string format;  // json, wecom, dingtalk
  std::string url;
  std::string topics;        // Comma-separated: "alarm,violation".
  std::string min_severity;  // warning or critical (alarms).
  std::string secret;        // DingTalk signing secret; "" = none.
  bool active = true;
  Instant created_at{};
  Instant updated_at{};
};

struct WebhookDelivery {
  std::int64_t id = 0;
  std::int64_t webhook_id = 0;
  std::string topic;
  std::string payload;             // The request body, already in the webhook's format.
  std::string status = "pending";  // pending, sent, failed (gave up)
  int attempts = 0;
  Instant next_attempt_at{};
  std::string last_error;
  Instant created_at{};
  std::optional<Instant> sent_at;
};

class MonitorRepository {
 public:
  virtual ~MonitorRepository() = default;

  // Registry: every area, device, sensor and area threshold (active or not), with org paths.
  [[nodiscard]] virtual Result<Registry> registry() = 0;

  // Credentials. putCredential replaces the device's row (one token per device).
  [[nodiscard]] virtual Status putCredential(const DeviceCredential& c) = 0;
  // kNotFound ("monitor.device_token_invalid") when no device has the hash.
  [[nodiscard]] virtual Result<DeviceCredential> credentialByTokenHash(const std::string& hash) = 0;
  [[nodiscard]] virtual Result<std::optional<DeviceCredential>> credentialOf(
      std::int64_t device_id) = 0;
  [[nodiscard]] virtual Result<std::vector<DeviceCredential>> credentials() = 0;
  [[nodiscard]] virtual Status removeCredential(std::int64_t device_id) = 0;

  // Readings: bulk insert; a row whose (sensor_id, ts, seq) exists is skipped (not an error).
  // Returns rows inserted.
  [[nodiscard]] virtual Result<std::int64_t> insertReadings(std::span<const ReadingRow> rows) = 0;
  // Adds each row into the stored bucket (min/max/sum/count/valid_count merge), inserting
  // missing buckets.
  [[nodiscard]] virtual Status mergeRollups(std::span<const RollupRow> rows) = 0;
  // Upserts, keeping the newer last_ts (and the newer last_valid_ts).
  [[nodiscard]] virtual Status upsertSensorStatus(std::span<const SensorStatusRow> rows) = 0;
  [[nodiscard]] virtual Result<std::vector<SensorStatusRow>> sensorStatus() = 0;
  // Readings of a sensor with from <= ts < to, oldest first, at most `limit`.
  [[nodiscard]] virtual Result<std::vector<ReadingRow>> readings(std::int64_t sensor_id,
                                                                 std::int64_t from, std::int64_t to,
                                                                 std::int64_t limit) = 0;
  [[nodiscard]] virtual Result<std::vector<RollupRow>> rollups(std::int64_t sensor_id,
                                                               RollupResolution resolution,
                                                               std::int64_t from,
                                                               std::int64_t to) = 0;
  // Retention: deletes raw readings with ts < before (roll-ups are kept). Returns rows deleted.
  [[nodiscard]] virtual Result<std::int64_t> purgeReadings(std::int64_t before) = 0;
  // Counts for indicators and /metrics: readings in [from, to) and how many were valid.
  [[nodiscard]] virtual Result<std::pair<std::int64_t, std::int64_t>> readingCounts(
      std::int64_t from, std::int64_t to) = 0;

  // MQTT claims: inserts the claims that are new and returns, per input row, whether it was
  // new (true) or already stored (false: a redelivery).
  [[nodiscard]] virtual Result<std::vector<bool>> claimMessages(
      std::span<const MessageClaim> claims) = 0;
  // Read-only: per input row, whether that claim is stored already (a redelivered message that
  // was stored before its acknowledgement was lost).
  [[nodiscard]] virtual Result<std::vector<bool>> existingClaims(
      std::span<const MessageClaim> claims) = 0;
  [[nodiscard]] virtual Result<std::int64_t> purgeClaims(std::int64_t before) = 0;

  // Alarms.
  [[nodiscard]] virtual Result<std::int64_t> insertAlarm(const AlarmRow& row) = 0;
  // Optimistic on row.version (bumped); kConflict "monitor.alarm_stale_version".
  [[nodiscard]] virtual Result<AlarmRow> updateAlarm(const AlarmRow& row) = 0;
  // kNotFound "monitor.alarm_not_found".
  [[nodiscard]] virtual Result<AlarmRow> getAlarm(std::int64_t id) = 0;
  [[nodiscard]] virtual Result<std::vector<AlarmRow>> listAlarms(const AlarmQuery& q,
                                                                 std::int64_t* total) = 0;
  // Every alarm not closed (the pipeline's state after a restart).
  [[nodiscard]] virtual Result<std::vector<AlarmRow>> openAlarms() = 0;
  [[nodiscard]] virtual Status linkPermit(const AlarmPermit& link) = 0;
  [[nodiscard]] virtual Result<std::vector<AlarmPermit>> permitsOf(std::int64_t alarm_id) = 0;
  [[nodiscard]] virtual Status addAlarmEvent(const AlarmEventRow& e) = 0;
  [[nodiscard]] virtual Result<std::vector<AlarmEventRow>> alarmEvents(std::int64_t alarm_id) = 0;

  // Violations.
  [[nodiscard]] virtual Result<std::int64_t> insertViolation(const ViolationRow& row) = 0;
  [[nodiscard]] virtual Result<ViolationRow> updateViolation(const ViolationRow& row) = 0;
  [[nodiscard]] virtual Result<ViolationRow> getViolation(std::int64_t id) = 0;
  [[nodiscard]] virtual Result<std::vector<ViolationRow>> listViolations(const ViolationQuery& q,
                                                                         std::int64_t* total) = 0;
  [[nodiscard]] virtual Status putSnapshot(std::int64_t violation_id, const std::string& mime,
                                           const std::string& content) = 0;
  // kNotFound "monitor.snapshot_not_found". Returns {mime, content}.
  [[nodiscard]] virtual Result<std::pair<std::string, std::string>> snapshot(
      std::int64_t violation_id) = 0;
  [[nodiscard]] virtual Result<std::int64_t> insertTrainingNeed(const TrainingNeed& need) = 0;
  [[nodiscard]] virtual Result<std::vector<TrainingNeed>> trainingNeeds(std::int64_t person_id) = 0;

  // Dead letters, newest first.
  [[nodiscard]] virtual Status insertDeadLetter(const DeadLetter& d) = 0;
  [[nodiscard]] virtual Result<std::vector<DeadLetter>> deadLetters(std::int64_t offset,
                                                                    std::int64_t limit,
                                                                    std::int64_t* total) = 0;

  // Webhooks.
  [[nodiscard]] virtual Result<std::int64_t> insertWebhook(const WebhookRow& row) = 0;
  [[nodiscard]] virtual Result<WebhookRow> updateWebhook(const WebhookRow& row) = 0;
  [[nodiscard]] virtual Status removeWebhook(std::int64_t id) = 0;
  [[nodiscard]] virtual Result<WebhookRow> getWebhook(std::int64_t id) = 0;
  [[nodiscard]] virtual Result<std::vector<WebhookRow>> webhooks() = 0;
  [[nodiscard]] virtual Result<std::int64_t> insertDelivery(const WebhookDelivery& d) = 0;
  [[nodiscard]] virtual Result<std::vector<WebhookDelivery>> dueDeliveries(Instant now,
                                                                           std::int64_t limit) = 0;
  [[nodiscard]] virtual Status updateDelivery(const WebhookDelivery& d) = 0;
  [[nodiscard]] virtual Result<std::vector<WebhookDelivery>> deliveriesOf(std::int64_t webhook_id,
                                                                          std::int64_t limit) = 0;
};

}  // namespace anguan::store
