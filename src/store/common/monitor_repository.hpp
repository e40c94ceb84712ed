// The MonitorRepository port (anguan/domain/store/monitor_store.hpp) over a SqlConnection, for
// both dialects. Tables: migration 0007_monitoring.
//
// Hot path (insertReadings, mergeRollups, upsertSensorStatus, claimMessages): rows go out as
// multi-row INSERTs of a few fixed chunk sizes, so each table has a handful of statement texts
// that the drivers prepare once and reuse; rows that share a key inside one call are merged
// first (PostgreSQL refuses to upsert one row twice in one statement).
//
// Thread safety: like every repository, it belongs to the thread running the transaction.
// Construction is free (one reference); statement texts are built once per process.
#pragma once

#include "anguan/domain/store/monitor_store.hpp"

#include "common/sql.hpp"

namespace anguan::store {

class SqlMonitorRepository final : public MonitorRepository {
 public:
  explicit SqlMonitorRepository(SqlConnection& conn) : conn_(conn) {}

  Result<Registry> registry() override;

  Status putCredential(const DeviceCredential& c) override;
  Result<DeviceCredential> credentialByTokenHash(const std::string& hash) override;
  Result<std::optional<DeviceCredential>> credentialOf(std::int64_t device_id) override;
  Result<std::vector<DeviceCredential>> credentials() override;
  Status removeCredential(std::int64_t device_id) override;

  Result<std::int64_t> insertReadings(std::span<const ReadingRow> rows) override;
  Status mergeRollups(std::span<const RollupRow> rows) override;
  Status upsertSensorStatus(std::span<const SensorStatusRow> rows) override;
  Result<std::vector<SensorStatusRow>> sensorStatus() override;
  Result<std::vector<ReadingRow>> readings(std::int64_t sensor_id, std::int64_t from,
                                           std::int64_t to, std::int64_t limit) override;
  Result<std::vector<RollupRow>> rollups(std::int64_t sensor_id, RollupResolution resolution,
                                         std::int64_t from, std::int64_t to) override;
  // Works sensor by sensor over the primary key (no index on ts alone, which would slow every
  // insert): covers readings of sensors in the registry or in sensor_status, i.e. every sensor
  // the pipeline stores readings for.
  Result<std::int64_t> purgeReadings(std::int64_t before) override;
  // Same coverage as purgeReadings.
  Result<std::pair<std::int64_t, std::int64_t>> readingCounts(std::int64_t from,
                                                              std::int64_t to) override;

  Result<std::vector<bool>> claimMessages(std::span<const MessageClaim> claims) override;
  Result<std::vector<bool>> existingClaims(std::span<const MessageClaim> claims) override;
  Result<std::int64_t> purgeClaims(std::int64_t before) override;

  Result<std::int64_t> insertAlarm(const AlarmRow& row) override;
  Result<AlarmRow> updateAlarm(const AlarmRow& row) override;
  Result<AlarmRow> getAlarm(std::int64_t id) override;
  Result<std::vector<AlarmRow>> listAlarms(const AlarmQuery& q, std::int64_t* total) override;
  Result<std::vector<AlarmRow>> openAlarms() override;
  // Re-linking an alarm to the same permit updates `suspended`.
  Status linkPermit(const AlarmPermit& link) override;
  Result<std::vector<AlarmPermit>> permitsOf(std::int64_t alarm_id) override;
  Status addAlarmEvent(const AlarmEventRow& e) override;
  Result<std::vector<AlarmEventRow>> alarmEvents(std::int64_t alarm_id) override;

  Result<std::int64_t> insertViolation(const ViolationRow& row) override;
  // Optimistic on row.version like updateAlarm: kConflict "monitor.violation_stale_version",
  // kNotFound "monitor.violation_not_found".
  Result<ViolationRow> updateViolation(const ViolationRow& row) override;
  Result<ViolationRow> getViolation(std::int64_t id) override;
  Result<std::vector<ViolationRow>> listViolations(const ViolationQuery& q,
                                                   std::int64_t* total) override;
  // Replaces the violation's snapshot. `content` is bytes (BLOB / BYTEA), NUL bytes included.
  Status putSnapshot(std::int64_t violation_id, const std::string& mime,
                     const std::string& content) override;
  Result<std::pair<std::string, std::string>> snapshot(std::int64_t violation_id) override;
  Result<std::int64_t> insertTrainingNeed(const TrainingNeed& need) override;
  Result<std::vector<TrainingNeed>> trainingNeeds(std::int64_t person_id) override;

  // Text fields are stored as valid UTF-8 without NUL (PostgreSQL's TEXT takes nothing else):
  // other bytes become U+FFFD; the payload is cut to 4 KiB on a character boundary.
  Status insertDeadLetter(const DeadLetter& d) override;
  Result<std::vector<DeadLetter>> deadLetters(std::int64_t offset, std::int64_t limit,
                                              std::int64_t* total) override;

  Result<std::int64_t> insertWebhook(const WebhookRow& row) override;
  // Optimistic on row.version (bumped): kConflict "monitor.webhook_stale_version", kNotFound
  // "monitor.webhook_not_found".
  Result<WebhookRow> updateWebhook(const WebhookRow& row) override;
  // Removes the webhook and its deliveries. kNotFound "monitor.webhook_not_found".
  Status removeWebhook(std::int64_t id) override;
  Result<WebhookRow> getWebhook(std::int64_t id) override;
  Result<std::vector<WebhookRow>> webhooks() override;
  Result<std::int64_t> insertDelivery(const WebhookDelivery& d) override;
  // status "pending" and next_attempt_at <= now, oldest due first.
  Result<std::vector<WebhookDelivery>> dueDeliveries(Instant now, std::int64_t limit) override;
  // Writes status, attempts, next_attempt_at, last_error and sent_at of d.id.
  Status updateDelivery(const WebhookDelivery& d) override;
  // Newest first.
  Result<std::vector<WebhookDelivery>> deliveriesOf(std::int64_t webhook_id,
                                                    std::int64_t limit) override;

 private:
  SqlConnection& conn_;
};

}  // namespace anguan::store
