// MonitorService internals shared by its translation units: the registry snapshot, the
// pipeline's per-sensor state, open alarms, and the Impl that owns the threads.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "anguan/domain/monitor/cleaning.hpp"
#include "anguan/domain/monitor/rules.hpp"
#include "anguan/domain/monitor/sensor_kind.hpp"
#include "anguan/domain/store/monitor_store.hpp"
#include "anguan/service/monitor_service.hpp"
#include "anguan/service/webhook_service.hpp"

#include "service_util.hpp"

namespace anguan::service::monitor_detail {

namespace json = boost::json;

using detail::statusOf;

struct AreaInfo {
  std::int64_t id = 0;
  std::string code;
  std::string name;
  std::string org_path;
};

struct DeviceInfo {
  std::int64_t id = 0;
  std::string code;
  std::string name;
  std::string kind;
  std::int64_t area_id = 0;
  std::int64_t gateway_id = 0;
  std::string site;
  std::string org_path;
  bool active = true;
};

struct SensorInfo {
  std::int64_t id = 0;
  std::string code;
  std::string name;
  std::int64_t device_id = 0;
  std::int64_t area_id = 0;
  std::string org_path;
  std::string position;
  monitor::SensorKind kind = monitor::SensorKind::kCombustibleLel;
  monitor::Thresholds thresholds;
  monitor::CleaningConfig cleaning;
  std::chrono::milliseconds interval{60000};
  std::string calibration_due;
  bool active = true;
};

// Immutable once built; replaced as a whole on reload.
struct RegistryView {
  std::map<std::int64_t, AreaInfo> areas;
  std::unordered_map<std::string, std::int64_t> area_by_code;
  std::unordered_map<std::int64_t, DeviceInfo> devices;
  std::unordered_map<std::string, std::int64_t> device_by_code;
  std::unordered_map<std::int64_t, SensorInfo> sensors;
  std::unordered_map<std::string, std::int64_t> sensor_by_code;

  const SensorInfo* sensor(std::int64_t id) const {
    auto it = sensors.find(id);
    return it == sensors.end() ? nullptr : &it->second;
  }
  const AreaInfo* area(std::int64_t id) const {
    auto it = areas.find(id);
    return it == areas.end() ? nullptr : &it->second;
  }
  const DeviceInfo* device(std::int64_t id) const {
    auto it = devices.find(id);
    return it == devices.end() ? nullptr : &it->second;
  }
};

std::shared_ptr<const RegistryView> buildRegistry(const store::Registry& rows);

// The newest value of a sensor as the board shows it.
struct LiveValue {
  std::int64_t ts = 0;  // Device time, ms.
  double value = 0.0;
  int flags = 0;
  std::int64_t received = 0;  // Server time, ms.
  monitor::Level level = monitor::Level::kNone;
  bool has_valid = false;
  std::int64_t valid_ts = 0;
  double valid_value = 0.0;
};

// Pipeline-thread-only state of one sensor.
struct SensorRuntime {
  explicit SensorRuntime(const monitor::CleaningConfig& c) : clean(c) {}
  monitor::SensorState clean;
  monitor::SensorRules rules;
  Instant last_received{};
  Instant known_since{};  // When the pipeline first knew the sensor.
  bool seen = false;
  std::int64_t last_push_ms = 0;
  bool push_pending = false;
};

// Alarm condition codes (alarms.condition).
inline const char* conditionCode(monitor::Condition c) {
  switch (c) {
    case monitor::Condition::kHigh:
      return "high";
    case monitor::Condition::kLow:
      return "low";
    case monitor::Condition::kRate:
      return "rate";
  }
  return "high";
}

struct OpenAlarm {
  store::AlarmRow row;
  monitor::Alarm alarm;
  std::vector<store::AlarmPermit> permits;
};

// A change to persist (and then publish) for one alarm.
struct AlarmChange {
  bool insert = false;
  store::AlarmRow row;  // As it should be stored (version = the stored version to compare).
  std::vector<store::AlarmEventRow> events;
  bool critical_gas = false;  // Raised or upgraded to alarm level on a gas sensor.
  bool notify = false;
};

struct Job {
  // One of: a telemetry batch, an alarm action from a person, or a tick of the jobs.
  enum class Kind : std::uint8_t { kBatch, kAlarmAction, kTick, kDeadLetter };
  Kind kind = Kind::kBatch;
  TelemetryBatch batch;
  IngestDone done;
  // kAlarmAction
  std::int64_t alarm_id = 0;
  monitor::AlarmEvent action = monitor::AlarmEvent::kAcknowledge;
  std::int64_t actor_id = 0;
  std::string actor_name;
  std::string note;
  std::function<void(const Result<store::AlarmRow>&)> action_done;
  // kTick
  Instant now{};
  std::function<void(const Result<std::int64_t>&)> tick_done;
  // kDeadLetter
  store::DeadLetter dead;
};

// Consequences run off the pipeline thread.
struct SideEffect {
  enum class Kind : std::uint8_t { kSuspendGas, kSuspendGuardian, kNotifyAlarm, kNotifyViolation };
  Kind kind = Kind::kNotifyAlarm;
  std::int64_t area_id = 0;
  std::int64_t alarm_id = 0;
  std::int64_t violation_id = 0;
  std::string org_path;
  std::string title_zh, title_en, body_zh, body_en;
  std::vector<std::int64_t> person_ids;
  std::vector<std::string> roles;
};

}  // namespace anguan::service::monitor_detail

namespace anguan::service {

struct MonitorService::Impl {
  Impl(store::Store& s, const Clock& c, const Settings& st, EventPublisher& e, PermitService& p,
       MonitorSettings m)
      : store(s), clock(c), settings(st), events(e), permits(p), cfg(std::move(m)) {}

  store::Store& store;
  const Clock& clock;
  Settings settings;
  EventPublisher& events;
  PermitService& permits;
  MonitorSettings cfg;
  WebhookService* webhooks = nullptr;

  // Registry (any thread reads the current snapshot).
  mutable std::mutex registry_mu;
  std::shared_ptr<const monitor_detail::RegistryView> registry_view;
  std::shared_ptr<const monitor_detail::RegistryView> registry() const {
    std::lock_guard lock(registry_mu);
    return registry_view;
  }
  // reloadRegistry() asks for a newer snapshot by bumping `registry_wanted`; refreshIfStale()
  // loads one unless `registry_loaded` is already that new. A caller arriving while another
  // thread loads waits for that load (registry_load_mu) instead of going on with the old
  // snapshot: a device created a moment ago must not be refused as unknown.
  std::atomic<std::uint64_t> registry_wanted{0};
  std::atomic<std::uint64_t> registry_loaded{0};
  std::mutex registry_load_mu;
  [[nodiscard]] Status loadRegistry();
  void refreshIfStale();
  void markRegistryStale() { registry_wanted.fetch_add(1); }

  // Token hash -> device id cache.
  std::mutex tokens_mu;
  std::unordered_map<std::string, std::int64_t> token_cache;

  // Live values (board), written by the pipeline once per sensor per commit.
  mutable std::mutex live_mu;
  std::unordered_map<std::int64_t, monitor_detail::LiveValue> live;

  // Open alarms; guarded by alarms_mu (pipeline thread writes, request threads read).
  mutable std::mutex alarms_mu;
  std::unordered_map<std::int64_t, monitor_detail::OpenAlarm> open_alarms;
  std::map<std::pair<std::int64_t, std::string>, std::int64_t> alarm_by_key;  // (sensor, cond)

  // Pipeline-thread state.
  Instant started_at{};
  std::vector<monitor_detail::SideEffect> escalations;
  std::unordered_map<std::int64_t, monitor_detail::SensorRuntime> runtime;
  monitor::ViolationDeduper deduper;
  std::int64_t temp_ids = 0;  // Alarms not yet stored get ids -1, -2, … (one commit's worth).
  std::atomic<std::int64_t> last_purge{0};  // Wall ms of the last retention purge (runJobs).

  // Queue.
  std::mutex q_mu;
  std::condition_variable q_cv;
  std::deque<monitor_detail::Job> queue;
  std::size_t queued_readings = 0;
  bool stopping = false;
  bool started = false;
  std::thread pipeline_thread;

  // Side effects.
  std::mutex fx_mu;
  std::condition_variable fx_cv;
  std::deque<monitor_detail::SideEffect> fx_queue;
  bool fx_stopping = false;
  std::thread fx_thread;

  // Stats.
  std::atomic<std::int64_t> n_batches{0}, n_readings{0}, n_flagged{0}, n_rejected{0}, n_refused{0},
      n_duplicates{0}, n_commits{0}, n_commit_failures{0}, n_unstorable{0}, n_alarms{0},
      n_violations{0};

  std::unique_ptr<EnvironmentCheck> environment;

  // Pipeline.
  void pipelineLoop();
  // What processJobs answers the jobs of a commit that failed.
  enum class OnFailure : std::uint8_t {
    kCommitFailed,  // store.commit_failed: send again as it is
    kLeave,         // nothing: the caller commits them one by one (isolate)
  };
  enum class Outcome : std::uint8_t { kFailed, kNothingWritten, kWritten };
  // Evaluates and commits the jobs in one write. After kFailed the pipeline's memory is as
  // before.
  Outcome processJobs(std::vector<monitor_detail::Job>& jobs, OnFailure on_failure);
  // Commits a group whose shared commit failed one job at a time, so that a batch the store
  // cannot take fails alone instead of failing every commit it joins.
  void isolate(std::vector<monitor_detail::Job>& jobs);
  void sideEffectLoop();
  void runSideEffect(const monitor_detail::SideEffect& fx);
  void pushFx(monitor_detail::SideEffect fx);
  bool enqueue(monitor_detail::Job&& job, std::size_t readings, bool force);

  // Views.
  boost::json::object alarmJson(const store::AlarmRow& row,
                                const std::vector<store::AlarmPermit>& permits, bool zh) const;
  WebhookService::MessageView alarmMessage(const store::AlarmRow& row) const;
  WebhookService::MessageView violationMessage(const store::ViolationRow& row) const;
  void publishAlarm(const store::AlarmRow& row, const std::vector<store::AlarmPermit>& permits);
  void publishViolation(const store::ViolationRow& row);
  boost::json::object violationJson(const store::ViolationRow& row, bool zh) const;
};

}  // namespace anguan::service
