// MonitorService: lifecycle, registry, device credentials, side effects and the queries behind
// the monitoring screens. The pipeline itself is in monitor_pipeline.cpp, decoding in
// telemetry_codec.cpp.
#include <algorithm>
#include <cmath>
#include <future>

#include "anguan/core/broker_auth.hpp"
#include "anguan/core/crypto.hpp"
#include "anguan/core/log.hpp"
#include "anguan/domain/monitor/rollup.hpp"

#include "monitor_internal.hpp"

namespace anguan::service {

using namespace monitor_detail;
namespace json = boost::json;

namespace {

using detail::forbidden;
using detail::hasAnyRole;

bool isAdmin(const auth::Principal& p) { return hasAnyRole(p, {"admin"}); }

// Who may acknowledge and close alarms and handle violations: the people who act on site and
// those who manage safety. Workers and auditors only see them.
bool canAct(const auth::Principal& p) {
  return hasAnyRole(p,
                    {"guardian", "work_leader", "safety_officer", "approver_unit", "approver_dept",
                     "approver_safety", "approver_leader", "dept_manager", "admin"});
}

bool zhOf(const auth::Principal& p) { return p.language.rfind("zh", 0) == 0; }

json::value optNum(const std::optional<double>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

std::string label(bool zh, const char* z, const char* e) { return zh ? z : e; }

std::string stateLabel(const std::string& s, bool zh) {
  if (s == "raised") return label(zh, "未确认", "Raised");
  if (s == "acknowledged") return label(zh, "已确认", "Acknowledged");
  if (s == "cleared_unacknowledged") return label(zh, "已恢复未确认", "Cleared, unacknowledged");
  if (s == "cleared") return label(zh, "已恢复", "Cleared");
  if (s == "closed") return label(zh, "已关闭", "Closed");
  return s;
}

std::string kindLabel(const std::string& k, bool zh) {
  if (k == "threshold") return label(zh, "超限报警", "Threshold");
  if (k == "rate") return label(zh, "变化率报警", "Rate of change");
  if (k == "device_offline") return label(zh, "设备离线", "Device offline");
  if (k == "equipment_fault") return label(zh, "设备故障", "Equipment fault");
  return k;
}

std::string eventLabel(const std::string& e, bool zh) {
  if (e == "raise") return label(zh, "报警产生", "Raised");
  if (e == "acknowledge") return label(zh, "确认", "Acknowledged");
  if (e == "clear") return label(zh, "恢复正常", "Cleared");
  if (e == "close") return label(zh, "关闭", "Closed");
  if (e == "recur") return label(zh, "再次报警", "Recurred");
  if (e == "upgrade") return label(zh, "升级为报警", "Upgraded to critical");
  if (e == "escalate") return label(zh, "超时升级通知", "Escalated");
  return e;
}

std::string violationStatusLabel(const std::string& s, bool zh) {
  if (s == "open") return label(zh, "待处理", "Open");
  if (s == "handled") return label(zh, "已处理", "Handled");
  if (s == "dismissed") return label(zh, "误报", "Dismissed");
  return s;
}

std::string violationTypeLabel(const std::string& code, bool zh) {
  static const std::map<std::string, std::pair<const char*, const char*>> kNames = {
      {"no_helmet", {"未戴安全帽", "No helmet"}},
      {"no_harness", {"未系安全带", "No harness"}},
      {"smoking", {"吸烟", "Smoking"}},
      {"intrusion", {"区域入侵", "Intrusion"}},
      {"fire_smoke", {"烟火", "Fire or smoke"}},
      {"guardian_absent", {"监护人离岗", "Guardian absent"}},
      {"unauthorised_entry", {"未授权进入", "Unauthorised entry"}},
      {"overcrowding", {"超员", "Overcrowding"}},
      {"overtime", {"超时作业", "Overtime"}}};
  auto it = kNames.find(code);
  return it == kNames.end() ? code : (zh ? it->second.first : it->second.second);
}

const base::EntitySchema& schema(const char* name) { return *base::findSchema(name); }

std::string textField(const base::Record& r, const char* name) {
  auto it = r.values.find(name);
  if (it == r.values.end()) {
    return {};
  }
  if (const auto* s = std::get_if<std::string>(&it->second)) {
    return *s;
  }
  return {};
}

}  // namespace

// ---- Registry ----

namespace monitor_detail {

std::shared_ptr<const RegistryView> buildRegistry(const store::Registry& rows) {
  auto v = std::make_shared<RegistryView>();
  for (const auto& a : rows.areas) {
    v->areas[a.id] = AreaInfo{a.id, a.code, a.name, a.org_path};
    v->area_by_code[a.code] = a.id;
  }
  for (const auto& d : rows.devices) {
    DeviceInfo di{d.id,         d.code, d.name,     d.kind,  d.area_id,
                  d.gateway_id, d.site, d.org_path, d.active};
    v->device_by_code[d.code] = d.id;
    v->devices.emplace(d.id, std::move(di));
  }
  // Area overrides by (area, kind).
  std::map<std::pair<std::int64_t, std::string>, monitor::Thresholds> area_over;
  for (const auto& t : rows.area_thresholds) {
    auto kind = monitor::parseSensorKind(t.kind);
    if (!kind) {
      continue;
    }
    monitor::Thresholds th = monitor::defaultThresholds(*kind);
    if (t.warning_high) th.warning_high = t.warning_high;
    if (t.alarm_high) th.alarm_high = t.alarm_high;
    if (t.warning_low) th.warning_low = t.warning_low;
    if (t.alarm_low) th.alarm_low = t.alarm_low;
    if (t.hysteresis) th.hysteresis = *t.hysteresis;
    if (t.delay_seconds) th.delay = std::chrono::seconds(*t.delay_seconds);
    if (t.rate_per_minute) th.rate_per_minute = t.rate_per_minute;
    if (monitor::validateThresholds(th)) {
      area_over[{t.area_id, t.kind}] = th;
    }
  }
  for (const auto& s : rows.sensors) {
    auto kind = monitor::parseSensorKind(s.kind);
    if (!kind) {
      continue;
    }
    SensorInfo si;
    si.id = s.id;
    si.code = s.code;
    si.name = s.name;
    si.device_id = s.device_id;
    si.area_id = s.area_id;
    si.org_path = s.org_path;
    si.position = s.position;
    si.kind = *kind;
    si.interval = std::chrono::seconds(std::max<std::int64_t>(1, s.interval_seconds));
    si.calibration_due = s.calibration_due;
    si.active = s.active;
    std::optional<monitor::Thresholds> area;
    if (auto it = area_over.find({s.area_id, s.kind}); it != area_over.end()) {
      area = it->second;
    }
    std::optional<monitor::Thresholds> own;
    if (s.warning_high || s.alarm_high || s.warning_low || s.alarm_low) {
      monitor::Thresholds th = area ? *area : monitor::defaultThresholds(*kind);
      if (s.warning_high) th.warning_high = s.warning_high;
      if (s.alarm_high) th.alarm_high = s.alarm_high;
      if (s.warning_low) th.warning_low = s.warning_low;
      if (s.alarm_low) th.alarm_low = s.alarm_low;
      if (monitor::validateThresholds(th)) {
        own = th;
      }
    }
    si.thresholds = monitor::resolveThresholds(*kind, area, own).thresholds;
    si.cleaning = monitor::defaultCleaning(*kind);
    v->sensor_by_code[s.code] = s.id;
    v->sensors.emplace(s.id, std::move(si));
  }
  return v;
}

}  // namespace monitor_detail

Status MonitorService::Impl::loadRegistry() {
  store::Registry rows;
  AG_RETURN_IF_ERROR(store.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(rows, tx.monitor().registry());
    return {};
  }));
  auto view = buildRegistry(rows);
  std::lock_guard lock(registry_mu);
  registry_view = std::move(view);
  return {};
}

// ---- Environment check for permit feasibility ----

namespace {

class MonitorEnvironment final : public EnvironmentCheck {
 public:
  explicit MonitorEnvironment(MonitorService::Impl& impl) : impl_(impl) {}

  std::vector<json::object> findings(std::int64_t area_id, Instant now) override {
    std::vector<json::object> out;
    const auto reg = impl_.registry();
    if (!reg) {
      return out;
    }
    for (const auto& [sid, s] : reg->sensors) {
      if (s.area_id != area_id || !s.active) {
        continue;
      }
      LiveValue v;
      {
        std::lock_guard lock(impl_.live_mu);
        auto it = impl_.live.find(sid);
        if (it == impl_.live.end() || !it->second.has_valid) {
          continue;
        }
        v = it->second;
      }
      // Only current readings count: newer than three reporting intervals.
      if (toMillis(now) - v.valid_ts > 3 * s.interval.count()) {
        continue;
      }
      const auto& t = s.thresholds;
      const double x = v.valid_value;
      const char* severity = nullptr;
      std::optional<double> limit;
      if ((t.alarm_high && x >= *t.alarm_high) || (t.alarm_low && x <= *t.alarm_low)) {
        severity = "block";
        limit = (t.alarm_high && x >= *t.alarm_high) ? t.alarm_high : t.alarm_low;
      } else if ((t.warning_high && x >= *t.warning_high) ||
                 (t.warning_low && x <= *t.warning_low)) {
        severity = "warn";
        limit = (t.warning_high && x >= *t.warning_high) ? t.warning_high : t.warning_low;
      }
      if (severity == nullptr) {
        continue;
      }
      const auto& info = monitor::kindInfo(s.kind);
      out.push_back(json::object{
          {"code", std::string(severity) == "block" ? "environment.reading_over_alarm"
                                                    : "environment.reading_over_warning"},
          {"severity", severity},
          {"key", std::string(severity) == "block" ? "feasibility.environment_alarm"
                                                   : "feasibility.environment_warning"},
          {"params", json::object{{"sensor", s.code},
                                  {"name", s.name},
                                  {"kind", std::string(info.code)},
                                  {"value", x},
                                  {"limit", limit ? json::value(*limit) : json::value(nullptr)},
                                  {"unit", std::string(info.unit)}}}});
    }
    return out;
  }

 private:
  MonitorService::Impl& impl_;
};

}  // namespace

// ---- Lifecycle ----

MonitorService::MonitorService(store::Store& store, const Clock& clock, const Settings& settings,
                               EventPublisher& events, PermitService& permits,
                               MonitorSettings monitor)
    : impl_(std::make_unique<Impl>(store, clock, settings, events, permits, std::move(monitor))) {
  impl_->environment = std::make_unique<MonitorEnvironment>(*impl_);
  impl_->deduper = monitor::ViolationDeduper(impl_->cfg.violation_policy.dedup_window);
}

MonitorService::~MonitorService() { stop(); }

void MonitorService::setWebhooks(WebhookService* webhooks) { impl_->webhooks = webhooks; }

EnvironmentCheck& MonitorService::environmentCheck() { return *impl_->environment; }

Status MonitorService::start() {
  Impl& m = *impl_;
  if (m.started) {
    return {};
  }
  const std::uint64_t want = m.registry_wanted.load();
  AG_RETURN_IF_ERROR(m.loadRegistry());
  m.registry_loaded.store(want);
  std::vector<store::AlarmRow> open;
  std::vector<store::SensorStatusRow> status;
  std::map<std::int64_t, std::vector<store::AlarmPermit>> links;
  AG_RETURN_IF_ERROR(m.store.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(open, tx.monitor().openAlarms());
    AG_ASSIGN_OR_RETURN(status, tx.monitor().sensorStatus());
    for (const auto& a : open) {
      AG_ASSIGN_OR_RETURN(links[a.id], tx.monitor().permitsOf(a.id));
    }
    return {};
  }));
  m.started_at = m.clock.now();
  {
    std::lock_guard lock(m.alarms_mu);
    for (const auto& row : open) {
      OpenAlarm a;
      a.row = row;
      a.alarm.kind = monitor::parseAlarmKind(row.kind).value_or(monitor::AlarmKind::kThreshold);
      a.alarm.severity = monitor::parseSeverity(row.severity).value_or(monitor::Severity::kWarning);
      a.alarm.state = monitor::parseAlarmState(row.state).value_or(monitor::AlarmState::kRaised);
      a.alarm.raised_at = row.raised_at;
      a.alarm.ack_due_from = row.ack_due_from;
      a.alarm.acknowledged_at = row.acknowledged_at;
      a.alarm.cleared_at = row.cleared_at;
      a.alarm.escalation_level = row.escalation_level;
      a.alarm.occurrences = row.occurrences;
      a.permits = links[row.id];
      m.alarm_by_key[{row.sensor_id, row.condition}] = row.id;
      m.open_alarms.emplace(row.id, std::move(a));
    }
  }
  {
    std::lock_guard lock(m.live_mu);
    for (const auto& s : status) {
      LiveValue v;
      v.ts = s.last_ts;
      v.value = s.last_value;
      v.flags = s.last_flags;
      v.received = s.last_ts;
      v.has_valid = s.last_valid_ts != 0;
      v.valid_ts = s.last_valid_ts;
      v.valid_value = s.last_valid_value;
      m.live[s.sensor_id] = v;
    }
  }
  {
    std::lock_guard lock(m.q_mu);
    m.stopping = false;
    m.started = true;
  }
  {
    std::lock_guard lock(m.fx_mu);
    m.fx_stopping = false;
  }
  m.pipeline_thread = std::thread([&m] { m.pipelineLoop(); });
  m.fx_thread = std::thread([&m] { m.sideEffectLoop(); });
  return {};
}

void MonitorService::stop() {
  Impl& m = *impl_;
  {
    std::lock_guard lock(m.q_mu);
    if (!m.started) {
      return;
    }
    m.stopping = true;
  }
  m.q_cv.notify_all();
  if (m.pipeline_thread.joinable()) {
    m.pipeline_thread.join();
  }
  {
    std::lock_guard lock(m.fx_mu);
    m.fx_stopping = true;
  }
  m.fx_cv.notify_all();
  if (m.fx_thread.joinable()) {
    m.fx_thread.join();
  }
  std::lock_guard lock(m.q_mu);
  m.started = false;
}

void MonitorService::reloadRegistry() { impl_->markRegistryStale(); }

// ---- Ingestion ----

void MonitorService::Impl::refreshIfStale() {
  if (registry_loaded.load() == registry_wanted.load()) {
    return;
  }
  std::lock_guard lock(registry_load_mu);
  // Read before loading: a request made during the load asks for another one.
  const std::uint64_t want = registry_wanted.load();
  if (registry_loaded.load() == want) {
    return;  // Another caller loaded it while this one waited.
  }
  if (auto st = loadRegistry(); !st) {
    log::warn("monitor: registry reload failed: {}", st.error().message());
    return;
  }
  registry_loaded.store(want);
}

Result<DeviceRef> MonitorService::authenticateDevice(std::string_view token) {
  Impl& m = *impl_;
  m.refreshIfStale();
  if (token.size() < 16 || token.size() > 256) {
    return Error::unauthenticated("monitor.device_token_invalid", "unknown device token");
  }
  const std::string hash = crypto::sha256Hex(token);
  std::int64_t device_id = 0;
  {
    std::lock_guard lock(m.tokens_mu);
    auto it = m.token_cache.find(hash);
    if (it != m.token_cache.end()) {
      device_id = it->second;
    }
  }
  if (device_id == 0) {
    store::DeviceCredential cred;
    auto st = m.store.read([&](store::Transaction& tx) -> Status {
      AG_ASSIGN_OR_RETURN(cred, tx.monitor().credentialByTokenHash(hash));
      return {};
    });
    if (!st) {
      if (st.error().code() == ErrorCode::kNotFound) {
        return Error::unauthenticated("monitor.device_token_invalid", "unknown device token");
      }
      return st.error();
    }
    device_id = cred.device_id;
    std::lock_guard lock(m.tokens_mu);
    if (m.token_cache.size() > 100000) {
      m.token_cache.clear();
    }
    m.token_cache[hash] = device_id;
  }
  const auto reg = m.registry();
  const DeviceInfo* d = reg->device(device_id);
  if (d == nullptr) {
    m.markRegistryStale();
    return Error::unauthenticated("monitor.device_token_invalid", "unknown device token");
  }
  if (!d->active) {
    return Error::unauthenticated("monitor.device_inactive", "the device is disabled");
  }
  return DeviceRef{d->id, d->code, d->area_id, d->org_path};
}

Result<DeviceRef> MonitorService::deviceByCode(std::string_view code) {
  impl_->refreshIfStale();
  const auto reg = impl_->registry();
  auto it = reg->device_by_code.find(std::string(code));
  if (it == reg->device_by_code.end()) {
    return Error::notFound("telemetry.unknown_device", "unknown device")
        .with("device", std::string(code));
  }
  const DeviceInfo& d = reg->devices.at(it->second);
  if (!d.active) {
    return Error::notFound("monitor.device_inactive", "the device is disabled");
  }
  return DeviceRef{d.id, d.code, d.area_id, d.org_path};
}

bool MonitorService::submit(TelemetryBatch&& batch, IngestDone done) {
  Job job;
  job.kind = Job::Kind::kBatch;
  const std::size_t n = batch.readings.size();
  job.batch = std::move(batch);
  job.done = std::move(done);
  if (!impl_->enqueue(std::move(job), n, false)) {
    impl_->n_refused.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  return true;
}

void MonitorService::reject(IngestChannel channel, std::string source, const Error& error,
                            std::string_view payload) {
  Impl& m = *impl_;
  m.n_rejected.fetch_add(1, std::memory_order_relaxed);
  Job job;
  job.kind = Job::Kind::kDeadLetter;
  job.dead.received_at = m.clock.now();
  job.dead.channel = channel == IngestChannel::kHttp ? "http" : "mqtt";
  job.dead.source = source.substr(0, 200);
  job.dead.code = error.key();
  std::string reason = error.message();
  for (const auto& [k, v] : error.details()) {
    reason += "; " + k + "=" + v;
  }
  job.dead.reason = reason.substr(0, 1000);
  // Cut at 4 KiB on a UTF-8 boundary.
  std::size_t cut = std::min<std::size_t>(payload.size(), 4096);
  while (cut > 0 && cut < payload.size() &&
         (static_cast<unsigned char>(payload[cut]) & 0xC0U) == 0x80U) {
    --cut;
  }
  job.dead.payload = std::string(payload.substr(0, cut));
  (void)m.enqueue(std::move(job), 0, true);
}

IngestStats MonitorService::stats() const {
  const Impl& m = *impl_;
  IngestStats s;
  s.batches = m.n_batches.load();
  s.readings = m.n_readings.load();
  s.flagged = m.n_flagged.load();
  s.rejected = m.n_rejected.load();
  s.refused_full = m.n_refused.load();
  s.duplicates = m.n_duplicates.load();
  s.commits = m.n_commits.load();
  s.commit_failures = m.n_commit_failures.load();
  s.unstorable = m.n_unstorable.load();
  s.alarms_raised = m.n_alarms.load();
  s.violations = m.n_violations.load();
  {
    std::lock_guard lock(const_cast<std::mutex&>(m.q_mu));
    s.queued_readings = static_cast<std::int64_t>(m.queued_readings);
  }
  const auto reg = m.registry();
  s.sensors = reg ? static_cast<std::int64_t>(reg->sensors.size()) : 0;
  return s;
}

// ---- Credentials ----

Result<json::object> MonitorService::issueToken(const auth::Principal& caller,
                                                std::int64_t device_id) {
  if (!isAdmin(caller)) {
    return forbidden();
  }
  Impl& m = *impl_;
  const std::string token = crypto::randomToken();
  store::DeviceCredential cred;
  AG_RETURN_IF_ERROR(m.store.write([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auto rec, tx.records().get(schema("devices"), device_id));
    if (!auth::inScope(caller.org_path, rec.org_path)) {
      return Error::notFound("base.not_found", "no such record");
    }
    cred.device_id = device_id;
    cred.token_hash = crypto::sha256Hex(token);
    cred.token_hint = token.substr(token.size() - 4);
    cred.mqtt_username = textField(rec, "code");
    cred.mqtt_password_hash = broker::mosquittoPasswordHash(token);
    cred.created_at = m.clock.now();
    cred.created_by = caller.user_id.value;
    AG_RETURN_IF_ERROR(tx.monitor().putCredential(cred));
    audit::Entry e;
    e.at = m.clock.now();
    e.actor_id = caller.user_id.value;
    e.actor_name = caller.username;
    e.action = "issue_token";
    e.entity = "devices";
    e.entity_id = device_id;
    e.org_path = rec.org_path;
    e.client_address = caller.client_address;
    e.after_json = json::serialize(json::object{{"hint", cred.token_hint}});
    AG_RETURN_IF_ERROR(statusOf(tx.audit().append(e)));
    return {};
  }));
  {
    std::lock_guard lock(m.tokens_mu);
    m.token_cache.clear();
  }
  return json::object{{"device_id", device_id},
                      {"token", token},
                      {"hint", cred.token_hint},
                      {"mqtt_username", cred.mqtt_username}};
}

Status MonitorService::revokeToken(const auth::Principal& caller, std::int64_t device_id) {
  if (!isAdmin(caller)) {
    return forbidden();
  }
  Impl& m = *impl_;
  AG_RETURN_IF_ERROR(m.store.write([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auto rec, tx.records().get(schema("devices"), device_id));
    if (!auth::inScope(caller.org_path, rec.org_path)) {
      return Error::notFound("base.not_found", "no such record");
    }
    AG_RETURN_IF_ERROR(tx.monitor().removeCredential(device_id));
    audit::Entry e;
    e.at = m.clock.now();
    e.actor_id = caller.user_id.value;
    e.actor_name = caller.username;
    e.action = "revoke_token";
    e.entity = "devices";
    e.entity_id = device_id;
    e.org_path = rec.org_path;
    e.client_address = caller.client_address;
    AG_RETURN_IF_ERROR(statusOf(tx.audit().append(e)));
    return {};
  }));
  std::lock_guard lock(m.tokens_mu);
  m.token_cache.clear();
  return {};
}

Result<std::pair<std::string, std::string>> MonitorService::mosquittoFiles(
    const std::string& service_user, const std::string& service_password_hash) {
  std::vector<store::DeviceCredential> creds;
  AG_RETURN_IF_ERROR(impl_->store.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(creds, tx.monitor().credentials());
    return {};
  }));
  std::vector<broker::BrokerUser> users{{service_user, service_password_hash}};
  std::vector<std::string> devices;
  for (const auto& c : creds) {
    if (c.mqtt_password_hash.empty()) {
      continue;
    }
    users.push_back({c.mqtt_username, c.mqtt_password_hash});
    devices.push_back(c.mqtt_username);
  }
  AG_ASSIGN_OR_RETURN(std::string passwd, broker::mosquittoPasswordFile(users));
  AG_ASSIGN_OR_RETURN(std::string acl, broker::mosquittoAclForCodes(service_user, devices));
  return std::make_pair(passwd, acl);
}

// ---- Side effects ----

void MonitorService::Impl::sideEffectLoop() {
  for (;;) {
    SideEffect fx;
    {
      std::unique_lock lock(fx_mu);
      fx_cv.wait(lock, [this] { return fx_stopping || !fx_queue.empty(); });
      if (fx_queue.empty()) {
        break;
      }
      fx = std::move(fx_queue.front());
      fx_queue.pop_front();
    }
    runSideEffect(fx);
  }
}

void MonitorService::Impl::runSideEffect(const SideEffect& fx) {
  const Instant now = clock.now();
  switch (fx.kind) {
    case SideEffect::Kind::kSuspendGas: {
      auto ids = permits.suspendInAreaBySystem(fx.area_id, {"hot_work", "confined_space"},
                                               "气体报警 gas alarm", "gas_alarm");
      if (!ids) {
        log::warn("monitor: suspending permits for alarm {} failed: {}", fx.alarm_id,
                  ids.error().message());
        return;
      }
      if (ids->empty()) {
        return;
      }
      auto st = store.write([&](store::Transaction& tx) -> Status {
        for (auto pid : *ids) {
          AG_RETURN_IF_ERROR(tx.monitor().linkPermit({fx.alarm_id, pid, true}));
        }
        return {};
      });
      if (!st) {
        log::warn("monitor: linking suspended permits failed: {}", st.error().message());
        return;
      }
      store::AlarmRow row;
      std::vector<store::AlarmPermit> links;
      {
        std::lock_guard lock(alarms_mu);
        auto it = open_alarms.find(fx.alarm_id);
        if (it == open_alarms.end()) {
          return;
        }
        for (auto pid : *ids) {
          bool found = false;
          for (auto& l : it->second.permits) {
            if (l.permit_id == pid) {
              l.suspended = true;
              found = true;
            }
          }
          if (!found) {
            it->second.permits.push_back({fx.alarm_id, pid, true});
          }
        }
        row = it->second.row;
        row.state = std::string(monitor::toString(it->second.alarm.state));
        row.severity = std::string(monitor::toString(it->second.alarm.severity));
        row.kind = std::string(monitor::toString(it->second.alarm.kind));
        row.raised_at = it->second.alarm.raised_at;
        row.acknowledged_at = it->second.alarm.acknowledged_at;
        row.cleared_at = it->second.alarm.cleared_at;
        row.escalation_level = it->second.alarm.escalation_level;
        row.occurrences = it->second.alarm.occurrences;
        links = it->second.permits;
      }
      publishAlarm(row, links);
      return;
    }
    case SideEffect::Kind::kSuspendGuardian: {
      auto ids = permits.suspendInAreaBySystem(fx.area_id, {}, "监护人离岗 guardian absent",
                                               "guardian_absent");
      if (!ids) {
        log::warn("monitor: guardian-absent suspension failed: {}", ids.error().message());
      }
      return;
    }
    case SideEffect::Kind::kNotifyAlarm:
    case SideEffect::Kind::kNotifyViolation: {
      auto st = store.write([&](store::Transaction& tx) -> Status {
        NotificationDraft d;
        d.org_path = fx.org_path;
        if (fx.kind == SideEffect::Kind::kNotifyAlarm) {
          AG_ASSIGN_OR_RETURN(auto row, tx.monitor().getAlarm(fx.alarm_id));
          AG_ASSIGN_OR_RETURN(auto links, tx.monitor().permitsOf(fx.alarm_id));
          d.kind = "monitor.alarm";
          d.entity = "alarms";
          d.entity_id = row.id;
          const auto reg = registry();
          const SensorInfo* s = reg->sensor(row.sensor_id);
          const AreaInfo* a = reg->area(row.area_id);
          const std::string where = (a != nullptr ? a->name : "") + " " +
                                    (s != nullptr ? s->name + "(" + s->code + ")" : "");
          d.title_zh = fx.title_zh.empty() ? "监测报警" : fx.title_zh;
          d.title_en = fx.title_en.empty() ? "Monitoring alarm" : fx.title_en;
          std::string value;
          if (row.value) {
            value = " " + std::to_string(*row.value);
            value.erase(value.find_last_not_of('0') + 1);
            if (!value.empty() && value.back() == '.') {
              value.pop_back();
            }
            if (s != nullptr) {
              value += std::string(monitor::kindInfo(s->kind).unit);
            }
          }
          d.body_zh = where + value;
          d.body_en = where + value;
          for (const auto& l : links) {
            AG_ASSIGN_OR_RETURN(auto p, tx.permits().get(l.permit_id));
            d.person_ids.push_back(p.leader_id);
            d.person_ids.push_back(p.guardian_id);
          }
        } else {
          AG_ASSIGN_OR_RETURN(auto v, tx.monitor().getViolation(fx.violation_id));
          d.kind = "monitor.violation";
          d.entity = "violations";
          d.entity_id = v.id;
          d.title_zh = "违章告警：" + violationTypeLabel(v.type, true);
          d.title_en = "Violation: " + violationTypeLabel(v.type, false);
          const auto reg = registry();
          const AreaInfo* a = reg->area(v.area_id);
          d.body_zh = a != nullptr ? a->name : "";
          d.body_en = d.body_zh;
          if (v.permit_id != 0) {
            AG_ASSIGN_OR_RETURN(auto p, tx.permits().get(v.permit_id));
            d.person_ids.push_back(p.leader_id);
            d.person_ids.push_back(p.guardian_id);
          }
        }
        std::vector<std::string> roles = fx.roles;
        if (roles.empty()) {
          roles = {"safety_officer"};
        }
        for (const auto& role : roles) {
          AG_ASSIGN_OR_RETURN(auto ids, NotificationService::roleHolders(tx, role, fx.org_path));
          d.user_ids.insert(d.user_ids.end(), ids.begin(), ids.end());
        }
        AG_RETURN_IF_ERROR(statusOf(NotificationService::enqueue(tx, d, now)));
        return {};
      });
      if (!st) {
        log::warn("monitor: notification failed: {}", st.error().message());
      }
      return;
    }
  }
}

// ---- Views ----

json::object MonitorService::Impl::alarmJson(const store::AlarmRow& row,
                                             const std::vector<store::AlarmPermit>& links,
                                             bool zh) const {
  const auto reg = registry();
  const SensorInfo* s = reg->sensor(row.sensor_id);
  const AreaInfo* a = reg->area(row.area_id);
  const DeviceInfo* d = reg->device(row.device_id);
  const int tz = settings.tz_offset_minutes;
  auto t = [tz](const std::optional<Instant>& i) {
    return i ? json::value(formatRfc3339(*i, tz)) : json::value(nullptr);
  };
  json::array linked;
  for (const auto& l : links) {
    linked.push_back(json::object{{"id", l.permit_id}, {"suspended", l.suspended}});
  }
  return json::object{{"id", row.id},
                      {"version", row.version},
                      {"area_id", row.area_id},
                      {"area_name", a != nullptr ? a->name : ""},
                      {"sensor_id", row.sensor_id},
                      {"sensor_code", s != nullptr ? s->code : ""},
                      {"sensor_name", s != nullptr ? s->name : ""},
                      {"device_id", row.device_id},
                      {"device_code", d != nullptr ? d->code : ""},
                      {"kind", row.kind},
                      {"kind_label", kindLabel(row.kind, zh)},
                      {"condition", row.condition},
                      {"severity", row.severity},
                      {"severity_label", row.severity == "critical" ? label(zh, "报警", "Critical")
                                                                    : label(zh, "预警", "Warning")},
                      {"state", row.state},
                      {"state_label", stateLabel(row.state, zh)},
                      {"value", optNum(row.value)},
                      {"threshold", optNum(row.threshold)},
                      {"unit", s != nullptr ? std::string(monitor::kindInfo(s->kind).unit) : ""},
                      {"raised_at", formatRfc3339(row.raised_at, tz)},
                      {"acknowledged_at", t(row.acknowledged_at)},
                      {"acknowledged_by", row.acknowledged_by ? json::value(*row.acknowledged_by)
                                                              : json::value(nullptr)},
                      {"cleared_at", t(row.cleared_at)},
                      {"closed_at", t(row.closed_at)},
                      {"escalation_level", row.escalation_level},
                      {"occurrences", row.occurrences},
                      {"permits", std::move(linked)},
                      {"note", row.note}};
}

void MonitorService::Impl::publishAlarm(const store::AlarmRow& row,
                                        const std::vector<store::AlarmPermit>& links) {
  events.publish(
      Event{"monitor.alarms", row.org_path, json::serialize(alarmJson(row, links, true)), 0});
}

json::object MonitorService::Impl::violationJson(const store::ViolationRow& v, bool zh) const {
  const auto reg = registry();
  const AreaInfo* a = reg->area(v.area_id);
  const DeviceInfo* d = reg->device(v.device_id);
  const int tz = settings.tz_offset_minutes;
  return json::object{{"id", v.id},
                      {"version", v.version},
                      {"type", v.type},
                      {"type_label", violationTypeLabel(v.type, zh)},
                      {"area_id", v.area_id},
                      {"area_name", a != nullptr ? a->name : ""},
                      {"device_code", d != nullptr ? d->code : ""},
                      {"person_id", v.person_id},
                      {"permit_id", v.permit_id},
                      {"confidence", v.confidence},
                      {"frames", v.frames},
                      {"occurred_at", formatRfc3339(v.occurred_at, tz)},
                      {"has_snapshot", v.has_snapshot},
                      {"needs_training", v.needs_training},
                      {"status", v.status},
                      {"status_label", violationStatusLabel(v.status, zh)},
                      {"note", v.note}};
}

void MonitorService::Impl::publishViolation(const store::ViolationRow& row) {
  events.publish(
      Event{"monitor.violations", row.org_path, json::serialize(violationJson(row, true)), 0});
}

WebhookService::MessageView MonitorService::Impl::alarmMessage(const store::AlarmRow& row) const {
  WebhookService::MessageView m;
  const auto reg = registry();
  const SensorInfo* s = reg->sensor(row.sensor_id);
  const AreaInfo* a = reg->area(row.area_id);
  m.title_zh = (row.severity == "critical" ? "【报警】" : "【预警】") + kindLabel(row.kind, true);
  m.title_en =
      (row.severity == "critical" ? "[Critical] " : "[Warning] ") + kindLabel(row.kind, false);
  m.text_zh.push_back("区域：" + (a != nullptr ? a->name : ""));
  if (s != nullptr) {
    m.text_zh.push_back("传感器：" + s->name + " (" + s->code + ")");
    if (row.value) {
      m.text_zh.push_back("数值：" + json::serialize(json::value(*row.value)) +
                          std::string(monitor::kindInfo(s->kind).unit));
    }
  }
  m.fields = alarmJson(row, {}, true);
  m.at = row.raised_at;
  return m;
}

WebhookService::MessageView MonitorService::Impl::violationMessage(
    const store::ViolationRow& row) const {
  WebhookService::MessageView m;
  const auto reg = registry();
  const AreaInfo* a = reg->area(row.area_id);
  m.title_zh = "【违章】" + violationTypeLabel(row.type, true);
  m.title_en = "[Violation] " + violationTypeLabel(row.type, false);
  m.text_zh.push_back("区域：" + (a != nullptr ? a->name : ""));
  m.text_zh.push_back("置信度：" + json::serialize(json::value(row.confidence)));
  m.fields = violationJson(row, true);
  m.at = row.occurred_at;
  return m;
}

// ---- Screens ----

Result<json::object> MonitorService::board(const auth::Principal& caller) {
  Impl& m = *impl_;
  m.refreshIfStale();  // The board lists the devices an admin just added.
  const bool zh = zhOf(caller);
  // Work types by code, named in the caller's language (动火作业, not hot_work).
  std::unordered_map<std::string, std::string> type_names;
  if (auto types = m.permits.workTypes(caller); types) {
    for (const auto& t : *types) {
      const auto& o = t.as_object();
      const auto* code = o.if_contains("code");
      const auto* name = o.if_contains("name");
      if (code != nullptr && name != nullptr && code->is_string() && name->is_string()) {
        type_names.emplace(std::string(code->as_string()), std::string(name->as_string()));
      }
    }
  }
  const auto reg = m.registry();
  const Instant now = m.clock.now();
  const std::int64_t now_ms = toMillis(now);
  std::vector<store::PermitRow> permits;
  AG_RETURN_IF_ERROR(m.store.read([&](store::Transaction& tx) -> Status {
    store::PermitQuery q;
    q.states = {"active", "suspended", "issued"};
    q.scope_prefix = caller.org_path;
    q.with_doc = false;
    q.limit = 1000;
    AG_ASSIGN_OR_RETURN(permits, tx.permits().list(q, nullptr));
    return {};
  }));
  std::map<std::int64_t, int> open_by_area;
  {
    std::lock_guard lock(m.alarms_mu);
    for (const auto& [id, a] : m.open_alarms) {
      if (id > 0 && (a.alarm.state == monitor::AlarmState::kRaised ||
                     a.alarm.state == monitor::AlarmState::kAcknowledged)) {
        ++open_by_area[a.row.area_id];
      }
    }
  }
  std::unordered_map<std::int64_t, LiveValue> live;
  {
    std::lock_guard lock(m.live_mu);
    live = m.live;
  }
  const auto days = std::chrono::floor<std::chrono::days>(
      now + std::chrono::minutes(m.settings.tz_offset_minutes));
  const std::chrono::year_month_day today{days};
  json::array areas;
  for (const auto& [aid, area] : reg->areas) {
    if (!auth::inScope(caller.org_path, area.org_path)) {
      continue;
    }
    json::array sensors;
    int worst = 0;  // 0 normal, 1 warning, 2 alarm, 3 offline only
    bool any_online = false;
    bool any_offline = false;
    for (const auto& [sid, s] : reg->sensors) {
      if (s.area_id != aid || !s.active) {
        continue;
      }
      const auto& info = monitor::kindInfo(s.kind);
      json::object o{{"id", sid},
                     {"code", s.code},
                     {"name", s.name},
                     {"kind", std::string(info.code)},
                     {"kind_label", zh ? std::string(info.name_zh) : std::string(info.name_en)},
                     {"unit", std::string(info.unit)},
                     {"position", s.position}};
      auto it = live.find(sid);
      const bool has = it != live.end();
      const bool online = has && now_ms - it->second.received < 3 * s.interval.count();
      o["value"] = has ? json::value(it->second.value) : json::value(nullptr);
      o["ts"] =
          has ? json::value(formatRfc3339(fromMillis(it->second.ts), m.settings.tz_offset_minutes))
              : json::value(nullptr);
      o["valid"] = has && it->second.flags == 0;
      json::array flags;
      if (has && it->second.flags != 0) {
        const std::string names =
            monitor::toString(monitor::QualityFlags(static_cast<std::uint8_t>(it->second.flags)));
        std::size_t start = 0;
        while (start < names.size()) {
          auto comma = names.find(',', start);
          if (comma == std::string::npos) {
            comma = names.size();
          }
          flags.push_back(json::value(names.substr(start, comma - start)));
          start = comma + 1;
        }
      }
      o["flags"] = std::move(flags);
      o["online"] = online;
      std::string level = "normal";
      if (!online) {
        level = "offline";
        any_offline = true;
      } else {
        any_online = true;
        const auto& t = s.thresholds;
        const double x = it->second.value;
        if (it->second.flags != 0) {
          level = "invalid";
        } else if ((t.alarm_high && x >= *t.alarm_high) || (t.alarm_low && x <= *t.alarm_low)) {
          level = "alarm";
          worst = std::max(worst, 2);
        } else if ((t.warning_high && x >= *t.warning_high) ||
                   (t.warning_low && x <= *t.warning_low)) {
          level = "warning";
          worst = std::max(worst, 1);
        }
      }
      o["level"] = level;
      o["thresholds"] = json::object{{"warning_high", optNum(s.thresholds.warning_high)},
                                     {"alarm_high", optNum(s.thresholds.alarm_high)},
                                     {"warning_low", optNum(s.thresholds.warning_low)},
                                     {"alarm_low", optNum(s.thresholds.alarm_low)}};
      std::string calibration = "unknown";
      if (s.calibration_due.size() == 10) {
        int y = 0;
        unsigned mo = 0;
        unsigned d = 0;
        if (std::sscanf(s.calibration_due.c_str(), "%d-%u-%u", &y, &mo, &d) == 3) {
          const std::chrono::year_month_day due{std::chrono::year(y), std::chrono::month(mo),
                                                std::chrono::day(d)};
          if (due.ok()) {
            calibration = monitor::toString(monitor::calibrationStatus(due, today));
          }
        }
      }
      o["calibration_due"] =
          s.calibration_due.empty() ? json::value(nullptr) : json::value(s.calibration_due);
      o["calibration"] = calibration;
      sensors.push_back(std::move(o));
    }
    json::array here;
    for (const auto& p : permits) {
      if (p.area_id == aid) {
        const auto label = type_names.find(p.type_code);
        here.push_back(
            json::object{{"id", p.id},
                         {"number", p.number},
                         {"type", p.type_code},
                         {"type_label", label != type_names.end() ? label->second : p.type_code},
                         {"title", p.title},
                         {"state", p.state}});
      }
    }
    if (sensors.empty() && here.empty()) {
      continue;
    }
    const int open = open_by_area.count(aid) != 0 ? open_by_area[aid] : 0;
    std::string level = worst == 2 ? "alarm" : worst == 1 ? "warning" : "normal";
    if (worst == 0 && any_offline && !any_online) {
      level = "offline";
    }
    if (open > 0 && level == "normal") {
      level = "warning";
    }
    areas.push_back(json::object{{"id", aid},
                                 {"code", area.code},
                                 {"name", area.name},
                                 {"level", level},
                                 {"open_alarms", open},
                                 {"active_permits", std::move(here)},
                                 {"sensors", std::move(sensors)}});
  }
  return json::object{{"generated_at", formatRfc3339(now, m.settings.tz_offset_minutes)},
                      {"areas", std::move(areas)}};
}

Result<json::object> MonitorService::listAlarms(const auth::Principal& caller,
                                                const AlarmFilter& f) {
  Impl& m = *impl_;
  store::AlarmQuery q;
  q.scope_prefix = caller.org_path;
  q.states = f.states;
  q.open_only = f.open_only;
  q.area_id = f.area_id;
  q.sensor_id = f.sensor_id;
  q.permit_id = f.permit_id;
  q.severity = f.severity;
  q.from = f.from;
  q.to = f.to;
  q.page = std::max<std::int64_t>(1, f.page);
  q.page_size = std::clamp<std::int64_t>(f.page_size, 1, 500);
  std::vector<store::AlarmRow> rows;
  std::int64_t total = 0;
  std::map<std::int64_t, std::vector<store::AlarmPermit>> links;
  AG_RETURN_IF_ERROR(m.store.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(rows, tx.monitor().listAlarms(q, &total));
    for (const auto& r : rows) {
      AG_ASSIGN_OR_RETURN(links[r.id], tx.monitor().permitsOf(r.id));
    }
    return {};
  }));
  const bool zh = zhOf(caller);
  json::array items;
  for (const auto& r : rows) {
    items.push_back(m.alarmJson(r, links[r.id], zh));
  }
  return json::object{
      {"items", std::move(items)}, {"total", total}, {"page", q.page}, {"page_size", q.page_size}};
}

Result<json::object> MonitorService::alarm(const auth::Principal& caller, std::int64_t id) {
  Impl& m = *impl_;
  store::AlarmRow row;
  std::vector<store::AlarmPermit> links;
  std::vector<store::AlarmEventRow> evs;
  std::map<std::int64_t, std::string> names;
  std::map<std::int64_t, std::string> numbers;
  AG_RETURN_IF_ERROR(m.store.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(row, tx.monitor().getAlarm(id));
    if (!auth::inScope(caller.org_path, row.org_path)) {
      return Error::notFound("monitor.alarm_not_found", "no such alarm");
    }
    AG_ASSIGN_OR_RETURN(links, tx.monitor().permitsOf(id));
    AG_ASSIGN_OR_RETURN(evs, tx.monitor().alarmEvents(id));
    for (const auto& e : evs) {
      if (e.actor_id != 0 && names.count(e.actor_id) == 0) {
        auto u = tx.users().findById(UserId{e.actor_id});
        names[e.actor_id] = u ? u->display_name : "";
      }
    }
    for (const auto& l : links) {
      auto p = tx.permits().get(l.permit_id);
      numbers[l.permit_id] = p ? p->number : "";
    }
    return {};
  }));
  const bool zh = zhOf(caller);
  json::object o = m.alarmJson(row, links, zh);
  for (auto& p : o["permits"].as_array()) {
    auto& po = p.as_object();
    po["number"] = numbers[po["id"].as_int64()];
  }
  json::array events;
  for (const auto& e : evs) {
    events.push_back(json::object{{"at", formatRfc3339(e.at, m.settings.tz_offset_minutes)},
                                  {"event", e.event},
                                  {"event_label", eventLabel(e.event, zh)},
                                  {"actor_name", e.actor_id != 0 ? names[e.actor_id] : ""},
                                  {"detail", e.detail}});
  }
  o["events"] = std::move(events);
  if (row.acknowledged_by) {
    std::string who;
    (void)m.store.read([&](store::Transaction& tx) -> Status {
      auto u = tx.users().findById(UserId{*row.acknowledged_by});
      who = u ? u->display_name : "";
      return {};
    });
    o["acknowledged_by_name"] = who;
  }
  return o;
}

namespace {

Result<json::object> alarmAction(MonitorService& svc, MonitorService::Impl& m,
                                 const auth::Principal& caller, std::int64_t id,
                                 monitor::AlarmEvent action, const std::string& note) {
  if (!canAct(caller)) {
    return forbidden();
  }
  if (note.size() > 1000) {
    return Error::invalidArgument("validation.failed", "the note is too long")
        .with("note", "too_long");
  }
  // Visibility first.
  AG_RETURN_IF_ERROR(m.store.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auto row, tx.monitor().getAlarm(id));
    if (!auth::inScope(caller.org_path, row.org_path)) {
      return Error::notFound("monitor.alarm_not_found", "no such alarm");
    }
    if (row.state == "closed") {
      return Error::conflict("monitor.alarm_closed", "the alarm is closed already");
    }
    return {};
  }));
  auto promise = std::make_shared<std::promise<Result<store::AlarmRow>>>();
  auto future = promise->get_future();
  Job job;
  job.kind = Job::Kind::kAlarmAction;
  job.alarm_id = id;
  job.action = action;
  job.actor_id = caller.user_id.value;
  job.actor_name = caller.display_name;
  job.note = note;
  job.action_done = [promise](const Result<store::AlarmRow>& r) { promise->set_value(r); };
  if (!m.enqueue(std::move(job), 0, true)) {
    return Error::unavailable("monitor.stopped", "monitoring is not running");
  }
  AG_ASSIGN_OR_RETURN(auto row, future.get());
  (void)row;
  return svc.alarm(caller, id);
}

}  // namespace

Result<json::object> MonitorService::acknowledge(const auth::Principal& caller, std::int64_t id,
                                                 const std::string& note) {
  return alarmAction(*this, *impl_, caller, id, monitor::AlarmEvent::kAcknowledge, note);
}

Result<json::object> MonitorService::closeAlarm(const auth::Principal& caller, std::int64_t id,
                                                const std::string& note) {
  return alarmAction(*this, *impl_, caller, id, monitor::AlarmEvent::kClose, note);
}

Result<json::object> MonitorService::listViolations(const auth::Principal& caller,
                                                    const ViolationFilter& f) {
  Impl& m = *impl_;
  store::ViolationQuery q;
  q.scope_prefix = caller.org_path;
  q.area_id = f.area_id;
  q.permit_id = f.permit_id;
  q.person_id = f.person_id;
  q.type = f.type;
  q.status = f.status;
  q.from = f.from;
  q.to = f.to;
  q.page = std::max<std::int64_t>(1, f.page);
  q.page_size = std::clamp<std::int64_t>(f.page_size, 1, 500);
  std::vector<store::ViolationRow> rows;
  std::int64_t total = 0;
  std::map<std::int64_t, std::string> people;
  std::map<std::int64_t, std::string> numbers;
  AG_RETURN_IF_ERROR(m.store.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(rows, tx.monitor().listViolations(q, &total));
    for (const auto& r : rows) {
      if (r.person_id != 0 && people.count(r.person_id) == 0) {
        auto p = tx.records().get(schema("people"), r.person_id);
        people[r.person_id] = p ? textField(*p, "name") : "";
      }
      if (r.permit_id != 0 && numbers.count(r.permit_id) == 0) {
        auto p = tx.permits().get(r.permit_id);
        numbers[r.permit_id] = p ? p->number : "";
      }
    }
    return {};
  }));
  const bool zh = zhOf(caller);
  json::array items;
  for (const auto& r : rows) {
    json::object o = m.violationJson(r, zh);
    o["person_name"] = r.person_id != 0 ? people[r.person_id] : "";
    o["permit_number"] = r.permit_id != 0 ? numbers[r.permit_id] : "";
    items.push_back(std::move(o));
  }
  return json::object{
      {"items", std::move(items)}, {"total", total}, {"page", q.page}, {"page_size", q.page_size}};
}

Result<json::object> MonitorService::handleViolation(const auth::Principal& caller, std::int64_t id,
                                                     const std::string& status,
                                                     const std::string& note, bool needs_training) {
  if (!canAct(caller)) {
    return forbidden();
  }
  if (status != "handled" && status != "dismissed") {
    return Error::invalidArgument("validation.failed", "status must be handled or dismissed")
        .with("status", "invalid");
  }
  if (note.size() > 1000) {
    return Error::invalidArgument("validation.failed", "the note is too long")
        .with("note", "too_long");
  }
  Impl& m = *impl_;
  store::ViolationRow row;
  AG_RETURN_IF_ERROR(m.store.write([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(row, tx.monitor().getViolation(id));
    if (!auth::inScope(caller.org_path, row.org_path)) {
      return Error::notFound("monitor.violation_not_found", "no such violation");
    }
    if (row.status != "open") {
      return Error::conflict("monitor.violation_handled", "the violation was handled already");
    }
    const bool mark =
        needs_training && !row.needs_training && row.person_id != 0 && status == "handled";
    row.status = status;
    row.note = note;
    row.handled_by = caller.user_id.value;
    row.handled_at = m.clock.now();
    if (mark) {
      row.needs_training = true;
      store::TrainingNeed need;
      need.person_id = row.person_id;
      need.violation_id = row.id;
      need.reason = row.type;
      need.created_at = m.clock.now();
      AG_RETURN_IF_ERROR(statusOf(tx.monitor().insertTrainingNeed(need)));
    }
    AG_ASSIGN_OR_RETURN(row, tx.monitor().updateViolation(row));
    audit::Entry e;
    e.at = m.clock.now();
    e.actor_id = caller.user_id.value;
    e.actor_name = caller.username;
    e.action = "handle";
    e.entity = "violations";
    e.entity_id = id;
    e.org_path = row.org_path;
    e.client_address = caller.client_address;
    e.after_json = json::serialize(json::object{{"status", status}, {"note", note}});
    AG_RETURN_IF_ERROR(statusOf(tx.audit().append(e)));
    return {};
  }));
  m.publishViolation(row);
  return m.violationJson(row, zhOf(caller));
}

Result<std::pair<std::string, std::string>> MonitorService::snapshot(const auth::Principal& caller,
                                                                     std::int64_t violation_id) {
  std::pair<std::string, std::string> out;
  AG_RETURN_IF_ERROR(impl_->store.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(auto row, tx.monitor().getViolation(violation_id));
    if (!auth::inScope(caller.org_path, row.org_path)) {
      return Error::notFound("monitor.violation_not_found", "no such violation");
    }
    AG_ASSIGN_OR_RETURN(out, tx.monitor().snapshot(violation_id));
    return {};
  }));
  return out;
}

Result<json::object> MonitorService::series(const auth::Principal& caller, std::int64_t sensor_id,
                                            Instant from, Instant to) {
  Impl& m = *impl_;
  if (to <= from) {
    return Error::invalidArgument("validation.failed", "`to` must be after `from`")
        .with("to", "before_from");
  }
  if (to - from > std::chrono::days(400)) {
    return Error::invalidArgument("validation.failed", "the range is longer than 400 days")
        .with("from", "range_too_long");
  }
  m.refreshIfStale();  // A sensor created a moment ago has a (still empty) series.
  const auto reg = m.registry();
  const SensorInfo* s = reg->sensor(sensor_id);
  if (s == nullptr || !auth::inScope(caller.org_path, s->org_path)) {
    return Error::notFound("monitor.sensor_not_found", "no such sensor");
  }
  const auto span = std::chrono::duration_cast<std::chrono::milliseconds>(to - from);
  const auto res = monitor::chooseResolution(span);
  const int tz = m.settings.tz_offset_minutes;
  json::array points;
  std::vector<store::ReadingRow> raw;
  std::vector<store::RollupRow> rolled;
  AG_RETURN_IF_ERROR(m.store.read([&](store::Transaction& tx) -> Status {
    if (res == monitor::Resolution::kRaw) {
      AG_ASSIGN_OR_RETURN(raw,
                          tx.monitor().readings(sensor_id, toMillis(from), toMillis(to), 20000));
    } else {
      AG_ASSIGN_OR_RETURN(
          rolled, tx.monitor().rollups(sensor_id,
                                       res == monitor::Resolution::kMinute
                                           ? store::RollupResolution::kMinute
                                           : store::RollupResolution::kHour,
                                       toMillis(monitor::bucketStart(from, res)), toMillis(to)));
    }
    return {};
  }));
  for (const auto& r : raw) {
    json::array flags;
    if (r.flags != 0) {
      flags.push_back(json::value(
          monitor::toString(monitor::QualityFlags(static_cast<std::uint8_t>(r.flags)))));
    }
    points.push_back(json::object{
        {"t", formatRfc3339(fromMillis(r.ts), tz)}, {"v", r.value}, {"flags", std::move(flags)}});
  }
  for (const auto& r : rolled) {
    json::value avg = nullptr;
    if (r.valid_count > 0) {
      avg = r.sum_value / static_cast<double>(r.valid_count);
    }
    points.push_back(json::object{{"t", formatRfc3339(fromMillis(r.bucket), tz)},
                                  {"min", optNum(r.min_value)},
                                  {"max", optNum(r.max_value)},
                                  {"avg", avg},
                                  {"count", r.count},
                                  {"valid_count", r.valid_count}});
  }
  const auto& info = monitor::kindInfo(s->kind);
  const bool zh = zhOf(caller);
  return json::object{
      {"sensor",
       json::object{{"id", s->id},
                    {"code", s->code},
                    {"name", s->name},
                    {"kind", std::string(info.code)},
                    {"kind_label", zh ? std::string(info.name_zh) : std::string(info.name_en)},
                    {"unit", std::string(info.unit)}}},
      {"resolution", res == monitor::Resolution::kRaw      ? "raw"
                     : res == monitor::Resolution::kMinute ? "minute"
                                                           : "hour"},
      {"from", formatRfc3339(from, tz)},
      {"to", formatRfc3339(to, tz)},
      {"thresholds", json::object{{"warning_high", optNum(s->thresholds.warning_high)},
                                  {"alarm_high", optNum(s->thresholds.alarm_high)},
                                  {"warning_low", optNum(s->thresholds.warning_low)},
                                  {"alarm_low", optNum(s->thresholds.alarm_low)}}},
      {"points", std::move(points)}};
}

Result<json::object> MonitorService::deadLetters(const auth::Principal& caller, std::int64_t page,
                                                 std::int64_t page_size) {
  if (!isAdmin(caller)) {
    return forbidden();
  }
  page = std::max<std::int64_t>(1, page);
  page_size = std::clamp<std::int64_t>(page_size, 1, 500);
  std::vector<store::DeadLetter> rows;
  std::int64_t total = 0;
  AG_RETURN_IF_ERROR(impl_->store.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(rows, tx.monitor().deadLetters((page - 1) * page_size, page_size, &total));
    return {};
  }));
  json::array items;
  for (const auto& d : rows) {
    items.push_back(json::object{
        {"id", d.id},
        {"received_at", formatRfc3339(d.received_at, impl_->settings.tz_offset_minutes)},
        {"channel", d.channel},
        {"source", d.source},
        {"code", d.code},
        {"reason", d.reason},
        {"payload", d.payload}});
  }
  return json::object{
      {"items", std::move(items)}, {"total", total}, {"page", page}, {"page_size", page_size}};
}

// ---- Jobs ----

Result<std::int64_t> MonitorService::runJobs(Instant now) {
  Impl& m = *impl_;
  auto promise = std::make_shared<std::promise<Result<std::int64_t>>>();
  auto future = promise->get_future();
  Job job;
  job.kind = Job::Kind::kTick;
  job.now = now;
  job.tick_done = [promise](const Result<std::int64_t>& r) { promise->set_value(r); };
  if (!m.enqueue(std::move(job), 0, true)) {
    return std::int64_t{0};
  }
  AG_ASSIGN_OR_RETURN(std::int64_t changes, future.get());
  // Retention and claim purge, at most once an hour.
  const std::int64_t now_ms = toMillis(now);
  if (now_ms - m.last_purge.load() >= 3600 * 1000) {
    m.last_purge = now_ms;
    AG_RETURN_IF_ERROR(m.store.write([&](store::Transaction& tx) -> Status {
      AG_ASSIGN_OR_RETURN(auto purged,
                          tx.monitor().purgeReadings(toMillis(now - m.cfg.raw_retention)));
      AG_ASSIGN_OR_RETURN(auto claims,
                          tx.monitor().purgeClaims(toMillis(now - m.cfg.claim_retention)));
      changes += purged + claims;
      return {};
    }));
  }
  return changes;
}

}  // namespace anguan::service
