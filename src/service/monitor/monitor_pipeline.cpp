// The telemetry pipeline thread (see monitor_service.hpp): drains queued batches, cleans and
// evaluates them against the per-sensor state it owns, and stores everything in one write
// transaction before answering the batches and publishing the changes.
#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_set>

#include "anguan/core/log.hpp"
#include "anguan/domain/monitor/rollup.hpp"
#include "anguan/service/webhook_service.hpp"

#include "monitor_internal.hpp"

namespace anguan::service {

using namespace monitor_detail;
namespace json = boost::json;

namespace {

// A stable key for one bucket of one sensor at one resolution.
struct BucketKey {
  std::int64_t sensor_id;
  int resolution;
  std::int64_t bucket;
  bool operator==(const BucketKey&) const = default;
};

struct BucketKeyHash {
  std::size_t operator()(const BucketKey& k) const noexcept {
    std::uint64_t h = static_cast<std::uint64_t>(k.sensor_id) * 0x9E3779B97F4A7C15ULL;
    h ^= static_cast<std::uint64_t>(k.bucket) + 0x632BE59BD9B4E019ULL + (h << 6) + (h >> 2);
    return static_cast<std::size_t>(h ^ static_cast<std::uint64_t>(k.resolution));
  }
};

void addToRollup(store::RollupRow& r, double value, bool valid) {
  ++r.count;
  if (!valid) {
    return;
  }
  ++r.valid_count;
  r.sum_value += value;
  r.min_value = r.min_value ? std::min(*r.min_value, value) : value;
  r.max_value = r.max_value ? std::max(*r.max_value, value) : value;
}

monitor::Level levelOf(const monitor::SensorRules& rules) {
  auto l = std::max(rules.high.level(), rules.low.level());
  return std::max(l, rules.rate.level());
}

store::AlarmRow rowFrom(const OpenAlarm& a) {
  store::AlarmRow r = a.row;
  r.kind = std::string(monitor::toString(a.alarm.kind));
  r.severity = std::string(monitor::toString(a.alarm.severity));
  r.state = std::string(monitor::toString(a.alarm.state));
  r.raised_at = a.alarm.raised_at;
  r.ack_due_from = a.alarm.ack_due_from;
  r.acknowledged_at = a.alarm.acknowledged_at;
  r.cleared_at = a.alarm.cleared_at;
  r.closed_at = a.alarm.closed_at;
  r.escalation_level = a.alarm.escalation_level;
  r.occurrences = a.alarm.occurrences;
  return r;
}

// Escalation ladder after an unacknowledged SLA: level 1 the safety officers, 2 the department
// managers, 3 the leaders in charge.
const char* escalationRole(int level) {
  switch (level) {
    case 1:
      return "safety_officer";
    case 2:
      return "dept_manager";
    default:
      return "approver_leader";
  }
}

std::string severityZh(const std::string& s) { return s == "critical" ? "报警" : "预警"; }

}  // namespace

// ---- Queue ----

bool MonitorService::Impl::enqueue(Job&& job, std::size_t readings, bool force) {
  {
    std::lock_guard lock(q_mu);
    if (stopping || !started) {
      return false;
    }
    if (!force && queued_readings > 0 && queued_readings + readings > cfg.queue_readings) {
      return false;
    }
    queued_readings += readings;
    queue.push_back(std::move(job));
  }
  q_cv.notify_one();
  return true;
}

void MonitorService::Impl::pushFx(SideEffect fx) {
  {
    std::lock_guard lock(fx_mu);
    fx_queue.push_back(std::move(fx));
  }
  fx_cv.notify_one();
}

void MonitorService::Impl::pipelineLoop() {
  for (;;) {
    std::vector<Job> jobs;
    {
      std::unique_lock lock(q_mu);
      q_cv.wait_for(lock, std::chrono::milliseconds(500),
                    [this] { return stopping || !queue.empty(); });
      if (queue.empty() && stopping) {
        break;
      }
      std::size_t readings = 0;
      while (!queue.empty()) {
        const std::size_t n = queue.front().batch.readings.size();
        if (!jobs.empty() && readings + n > cfg.max_commit_readings) {
          break;
        }
        readings += n;
        jobs.push_back(std::move(queue.front()));
        queue.pop_front();
      }
      queued_readings -= std::min(queued_readings, readings);
    }
    // Also flushes throttled live values when jobs is empty.
    const auto outcome =
        processJobs(jobs, jobs.size() > 1 ? OnFailure::kLeave : OnFailure::kCommitFailed);
    if (outcome == Outcome::kFailed && jobs.size() > 1) {
      isolate(jobs);
    }
  }
}

namespace {

void answerFailed(Job& job, const Error& error) {
  if (job.kind == Job::Kind::kBatch && job.done) {
    job.done(error);
  } else if (job.kind == Job::Kind::kTick && job.tick_done) {
    job.tick_done(error);
  } else if (job.kind == Job::Kind::kAlarmAction && job.action_done) {
    job.action_done(error);
  }
}

}  // namespace

void MonitorService::Impl::isolate(std::vector<Job>& jobs) {
  std::vector<std::vector<Job>> failed;
  bool batch_stored = false;  // The store took another batch's rows: it works.
  for (auto& job : jobs) {
    std::vector<Job> one;
    one.push_back(std::move(job));
    const bool batch = one.front().kind == Job::Kind::kBatch;
    const auto outcome = processJobs(one, OnFailure::kLeave);
    if (outcome == Outcome::kFailed) {
      failed.push_back(std::move(one));
    } else if (batch && outcome == Outcome::kWritten) {
      batch_stored = true;
    }
  }
  for (auto& one : failed) {
    Job& job = one.front();
    if (batch_stored && job.kind == Job::Kind::kBatch) {
      // The store took other batches alone but not this one: sending it again cannot help.
      n_unstorable.fetch_add(1, std::memory_order_relaxed);
      log::warn("monitor: a batch of device {} cannot be stored", job.batch.device_id);
      answerFailed(job, Error::internal("telemetry.not_storable",
                                        "The database refuses this batch; it is not retried"));
    } else {
      answerFailed(job, store::commitFailed());
    }
  }
}

// ---- One commit ----

MonitorService::Impl::Outcome MonitorService::Impl::processJobs(std::vector<Job>& jobs,
                                                                OnFailure on_failure) {
  const Instant now = clock.now();
  const std::int64_t now_ms = toMillis(now);
  refreshIfStale();
  const auto reg = registry();

  // 1. Redelivered MQTT messages: skip the ones stored before.
  std::vector<char> skip(jobs.size(), 0);
  {
    std::vector<store::MessageClaim> check;
    std::vector<std::size_t> which;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      const auto& b = jobs[i].batch;
      if (jobs[i].kind == Job::Kind::kBatch && b.claim && b.maybe_redelivered) {
        check.push_back({b.device_id, *b.claim, now_ms});
        which.push_back(i);
      }
    }
    if (!check.empty()) {
      std::vector<bool> stored;
      // If the lookup fails, nothing is skipped: the readings' keys make storing them again a
      // no-op, and the claims are written with them below.
      auto looked = store.read([&](store::Transaction& tx) -> Status {
        AG_ASSIGN_OR_RETURN(stored, tx.monitor().existingClaims(check));
        return {};
      });
      if (!looked) {
        log::warn("monitor: claim lookup failed: {}", looked.error().message());
      }
      for (std::size_t k = 0; k < which.size() && k < stored.size(); ++k) {
        if (stored[k]) {
          skip[which[k]] = 1;
        }
      }
    }
  }

  // 2. Evaluate in memory.
  std::vector<store::ReadingRow> rows;
  std::unordered_map<BucketKey, store::RollupRow, BucketKeyHash> buckets;
  std::unordered_map<std::int64_t, store::SensorStatusRow> status;
  std::vector<store::MessageClaim> claims;
  std::vector<IngestResult> results(jobs.size());
  std::unordered_set<std::int64_t> touched;  // Alarm ids (temporary ids are negative).
  std::unordered_map<std::int64_t, std::vector<store::AlarmEventRow>> alarm_events;
  std::unordered_set<std::int64_t> critical_gas;  // Alarm ids that suspend gas-sensitive work.
  std::unordered_set<std::int64_t> notify_alarm;
  struct PendingViolation {
    store::ViolationRow row;
    std::string person_code;
    std::string snapshot_mime, snapshot;
    bool suspends = false;
  };
  std::vector<PendingViolation> violations;
  std::vector<std::pair<std::size_t, Result<store::AlarmRow>>> action_results;
  std::vector<store::DeadLetter> dead;
  std::uint32_t dup_seq = 0;

  // What this commit changes in the pipeline's memory, kept so that a failed commit can put it
  // back: the readings come again (the MQTT broker redelivers, an HTTP client retries) and must
  // then be cleaned and evaluated as the first time, not flagged as duplicates of themselves.
  std::unordered_map<std::int64_t, std::optional<SensorRuntime>> runtime_before;
  std::unordered_map<std::int64_t, OpenAlarm> alarms_before;  // Stored alarms only (id > 0).
  std::optional<monitor::ViolationDeduper> deduper_before;
  if (std::any_of(jobs.begin(), jobs.end(), [](const Job& j) {
        return j.kind == Job::Kind::kBatch && !j.batch.events.empty();
      })) {
    deduper_before = deduper;
  }
  auto keepSensor = [&](std::int64_t sensor_id) {
    if (runtime_before.count(sensor_id) != 0) {
      return;
    }
    auto it = runtime.find(sensor_id);
    runtime_before.emplace(
        sensor_id, it == runtime.end() ? std::nullopt : std::optional<SensorRuntime>(it->second));
  };

  std::unique_lock alarms_lock(alarms_mu);

  auto keepAlarm = [&](std::int64_t id) {
    if (id > 0 && alarms_before.count(id) == 0) {
      alarms_before.emplace(id, open_alarms.at(id));
    }
  };

  auto event = [&](std::int64_t id, const std::string& name, std::int64_t actor,
                   std::string detail) {
    store::AlarmEventRow e;
    e.alarm_id = id;
    e.at = now;
    e.event = name;
    e.actor_id = actor;
    e.detail = std::move(detail);
    alarm_events[id].push_back(std::move(e));
    touched.insert(id);
  };

  // Raise (or make recur / upgrade) the alarm for one condition of one sensor.
  auto raise = [&](const SensorInfo& s, const std::string& condition, monitor::AlarmKind kind,
                   monitor::Severity severity, Instant at, std::optional<double> value,
                   std::optional<double> threshold) {
    const auto key = std::make_pair(s.id, condition);
    auto it = alarm_by_key.find(key);
    if (it != alarm_by_key.end()) {
      keepAlarm(it->second);
      OpenAlarm& a = open_alarms.at(it->second);
      const bool was_cleared = a.alarm.state == monitor::AlarmState::kCleared ||
                               a.alarm.state == monitor::AlarmState::kClearedUnacknowledged;
      if (was_cleared && monitor::apply(a.alarm, monitor::AlarmEvent::kRecur, now)) {
        event(it->second, "recur", 0, "");
      }
      if (severity == monitor::Severity::kCritical &&
          a.alarm.severity == monitor::Severity::kWarning &&
          monitor::apply(a.alarm, monitor::AlarmEvent::kUpgrade, now)) {
        event(it->second, "upgrade", 0, "");
        notify_alarm.insert(it->second);
        if (kindInfo(s.kind).category == monitor::SensorCategory::kGas &&
            kind == monitor::AlarmKind::kThreshold) {
          critical_gas.insert(it->second);
        }
      }
      if (value) {
        a.row.value = value;
      }
      if (threshold) {
        a.row.threshold = threshold;
      }
      touched.insert(it->second);
      return;
    }
    const std::int64_t id = -(++temp_ids);
    OpenAlarm a;
    a.alarm = monitor::raiseAlarm(kind, severity, at < now ? at : now);
    a.alarm.raised_at = now;  // Server time: SLAs and indicators run on it.
    a.alarm.ack_due_from = now;
    a.row.org_path = s.org_path;
    a.row.area_id = s.area_id;
    a.row.device_id = s.device_id;
    a.row.sensor_id = s.id;
    a.row.condition = condition;
    a.row.value = value;
    a.row.threshold = threshold;
    open_alarms.emplace(id, std::move(a));
    alarm_by_key[key] = id;
    event(id, "raise", 0, "");
    notify_alarm.insert(id);
    if (severity == monitor::Severity::kCritical &&
        kindInfo(s.kind).category == monitor::SensorCategory::kGas &&
        kind == monitor::AlarmKind::kThreshold) {
      critical_gas.insert(id);
    }
  };
  auto clear = [&](std::int64_t sensor_id, const std::string& condition) {
    auto it = alarm_by_key.find({sensor_id, condition});
    if (it == alarm_by_key.end()) {
      return;
    }
    keepAlarm(it->second);
    OpenAlarm& a = open_alarms.at(it->second);
    if (monitor::apply(a.alarm, monitor::AlarmEvent::kClear, now)) {
      event(it->second, "clear", 0, "");
    }
  };

  for (std::size_t i = 0; i < jobs.size(); ++i) {
    Job& job = jobs[i];
    if (job.kind == Job::Kind::kDeadLetter) {
      dead.push_back(std::move(job.dead));
      continue;
    }
    if (job.kind == Job::Kind::kAlarmAction) {
      auto it = open_alarms.find(job.alarm_id);
      if (it == open_alarms.end()) {
        action_results.emplace_back(
            i, Error::conflict("monitor.alarm_closed", "the alarm is closed already"));
        continue;
      }
      keepAlarm(job.alarm_id);
      auto st = monitor::apply(it->second.alarm, job.action, now);
      if (!st) {
        action_results.emplace_back(i, st.error());
        continue;
      }
      if (job.action == monitor::AlarmEvent::kAcknowledge) {
        it->second.row.acknowledged_by = job.actor_id;
      } else if (job.action == monitor::AlarmEvent::kClose) {
        it->second.row.closed_by = job.actor_id;
      }
      if (!job.note.empty()) {
        it->second.row.note = job.note;
      }
      event(job.alarm_id, std::string(monitor::toString(job.action)), job.actor_id, job.note);
      action_results.emplace_back(i, store::AlarmRow{});
      continue;
    }
    if (job.kind == Job::Kind::kTick) {
      // Offline sensors.
      for (const auto& [sid, s] : reg->sensors) {
        if (!s.active) {
          continue;
        }
        // Silence counts from the last reading, or from when this pipeline first knew the
        // sensor (a sensor added an hour after start is not offline at once).
        auto [rt, added] = runtime.try_emplace(sid, s.cleaning);
        if (added) {
          rt->second.known_since = now;
        }
        Instant last = rt->second.known_since;
        if (rt->second.seen) {
          last = rt->second.last_received;
        } else {
          std::lock_guard lv(live_mu);
          auto lvit = live.find(sid);
          if (lvit != live.end()) {
            last = std::max(last, fromMillis(lvit->second.received));
          }
        }
        if (monitor::isOffline(last, s.interval, now)) {
          auto open = alarm_by_key.find({sid, "offline"});
          const bool active_offline =
              open != alarm_by_key.end() &&
              (open_alarms.at(open->second).alarm.state == monitor::AlarmState::kRaised ||
               open_alarms.at(open->second).alarm.state == monitor::AlarmState::kAcknowledged);
          if (!active_offline) {
            raise(s, "offline", monitor::AlarmKind::kDeviceOffline, monitor::Severity::kWarning,
                  now, std::nullopt, std::nullopt);
          }
        }
      }
      // Acknowledgement escalation.
      for (auto& [id, a] : open_alarms) {
        auto level = monitor::escalationDue(a.alarm, now, cfg.ack_sla);
        if (level && *level > a.alarm.escalation_level) {
          keepAlarm(id);
          a.alarm.escalation_level = *level;
          event(id, "escalate", 0, escalationRole(*level));
          SideEffect fx;
          fx.kind = SideEffect::Kind::kNotifyAlarm;
          fx.alarm_id = id;
          fx.org_path = a.row.org_path;
          fx.roles = {escalationRole(*level)};
          fx.title_zh = "报警未确认已升级";
          fx.title_en = "Unacknowledged alarm escalated";
          escalations.push_back(std::move(fx));
        }
      }
      continue;
    }
    // A telemetry batch.
    TelemetryBatch& b = job.batch;
    if (skip[i]) {
      results[i].duplicate = true;
      n_duplicates.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    if (b.claim) {
      claims.push_back({b.device_id, *b.claim, now_ms});
    }
    for (const DecodedReading& r : b.readings) {
      const SensorInfo* s = reg->sensor(r.sensor_id);
      if (s == nullptr) {
        continue;  // Removed since decode.
      }
      keepSensor(r.sensor_id);
      auto [rtit, inserted] = runtime.try_emplace(r.sensor_id, s->cleaning);
      SensorRuntime& rt = rtit->second;
      const monitor::Reading reading{r.value, r.at};
      const monitor::QualityFlags flags = monitor::clean(rt.clean, reading, now);
      const std::int64_t ts = toMillis(r.at);
      store::ReadingRow row{r.sensor_id, ts, 0, r.value, flags.bits()};
      if (flags.has(monitor::QualityFlag::kDuplicate)) {
        row.seq = now_ms * 1024 + (++dup_seq % 1024);
      }
      rows.push_back(row);
      ++results[i].accepted;
      if (!flags.valid()) {
        ++results[i].flagged;
      }
      for (auto res : {monitor::Resolution::kMinute, monitor::Resolution::kHour}) {
        const std::int64_t start = toMillis(monitor::bucketStart(r.at, res));
        const int rcode = res == monitor::Resolution::kMinute ? 1 : 2;
        auto& bucket = buckets[BucketKey{r.sensor_id, rcode, start}];
        if (bucket.count == 0) {
          bucket.sensor_id = r.sensor_id;
          bucket.resolution = static_cast<store::RollupResolution>(rcode);
          bucket.bucket = start;
        }
        addToRollup(bucket, r.value, flags.valid());
      }
      auto& st = status[r.sensor_id];
      if (st.sensor_id == 0 || ts >= st.last_ts) {
        st.sensor_id = r.sensor_id;
        st.last_ts = ts;
        st.last_value = r.value;
        st.last_flags = flags.bits();
      }
      if (flags.valid() && ts >= st.last_valid_ts) {
        st.last_valid_ts = ts;
        st.last_valid_value = r.value;
      }
      rt.seen = true;
      rt.last_received = now;
      rt.push_pending = true;
      if (alarm_by_key.count({r.sensor_id, "offline"}) != 0) {
        clear(r.sensor_id, "offline");
      }
      if (!flags.valid()) {
        continue;
      }
      const auto eval = monitor::evaluateReading(rt.rules, s->thresholds, reading, flags);
      for (const monitor::Transition& t : eval) {
        const std::string cond = conditionCode(t.condition);
        if (t.kind == monitor::TransitionKind::kClear) {
          clear(s->id, cond);
          continue;
        }
        std::optional<double> limit;
        if (t.condition == monitor::Condition::kHigh) {
          limit = t.level == monitor::Level::kAlarm ? s->thresholds.alarm_high
                                                    : s->thresholds.warning_high;
        } else if (t.condition == monitor::Condition::kLow) {
          limit = t.level == monitor::Level::kAlarm ? s->thresholds.alarm_low
                                                    : s->thresholds.warning_low;
        } else {
          limit = s->thresholds.rate_per_minute;
        }
        raise(*s, cond, monitor::alarmKindFor(s->kind, t.condition), monitor::severityFor(t.level),
              t.at, t.value, limit);
      }
    }
    for (DecodedEvent& e : b.events) {
      results[i].events++;
      monitor::ViolationEvent ve;
      ve.type = e.type;
      ve.area_id = e.area_id;
      ve.device_id = b.device_id;
      ve.confidence = e.confidence;
      ve.frames = e.frames;
      ve.at = e.at;
      ve.person_id = 0;
      if (!monitor::isConfirmed(ve, cfg.violation_policy)) {
        continue;
      }
      // Dedup on the person's code when one is named (ids are resolved in the transaction).
      if (!e.person_code.empty()) {
        ve.person_id = static_cast<std::int64_t>(std::hash<std::string>{}(e.person_code) >> 1);
      }
      if (deduper.check(ve) == monitor::Dedup::kDuplicate) {
        continue;
      }
      const AreaInfo* area = reg->area(e.area_id);
      PendingViolation pv;
      pv.row.org_path = area != nullptr ? area->org_path : "";
      pv.row.area_id = e.area_id;
      pv.row.device_id = b.device_id;
      pv.row.type = std::string(monitor::violationInfo(e.type).code);
      pv.row.confidence = e.confidence;
      pv.row.frames = e.frames;
      pv.row.occurred_at = e.at;
      pv.row.received_at = now;
      pv.row.has_snapshot = !e.snapshot.empty();
      pv.person_code = e.person_code;
      pv.snapshot_mime = std::move(e.snapshot_mime);
      pv.snapshot = std::move(e.snapshot);
      pv.suspends = monitor::violationInfo(e.type).suspends_work;
      violations.push_back(std::move(pv));
    }
  }
  deduper.prune(now);

  // Rows of the touched alarms as they are to be stored.
  std::vector<std::pair<std::int64_t, store::AlarmRow>> alarm_rows;
  for (std::int64_t id : touched) {
    alarm_rows.emplace_back(id, rowFrom(open_alarms.at(id)));
  }
  alarms_lock.unlock();

  // 3. Store.
  std::unordered_map<std::int64_t, std::int64_t> new_ids;  // temp -> real
  std::unordered_map<std::int64_t, std::vector<store::AlarmPermit>> new_links;
  const bool anything = !rows.empty() || !claims.empty() || !alarm_rows.empty() ||
                        !violations.empty() || !dead.empty();
  Status committed = okStatus();
  if (anything) {
    committed = store.write([&](store::Transaction& tx) -> Status {
      new_ids.clear();
      new_links.clear();
      auto& m = tx.monitor();
      if (!claims.empty()) {
        AG_RETURN_IF_ERROR(statusOf(m.claimMessages(claims)));
      }
      if (!rows.empty()) {
        AG_RETURN_IF_ERROR(statusOf(m.insertReadings(rows)));
        std::vector<store::RollupRow> roll;
        roll.reserve(buckets.size());
        for (auto& [k, v] : buckets) {
          roll.push_back(v);
        }
        AG_RETURN_IF_ERROR(m.mergeRollups(roll));
        std::vector<store::SensorStatusRow> st;
        st.reserve(status.size());
        for (auto& [k, v] : status) {
          st.push_back(v);
        }
        AG_RETURN_IF_ERROR(m.upsertSensorStatus(st));
      }
      for (auto& [id, row] : alarm_rows) {
        std::int64_t real = id;
        if (id < 0) {
          AG_ASSIGN_OR_RETURN(real, m.insertAlarm(row));
          new_ids[id] = real;
          // Link the permits at work in the area.
          store::PermitQuery q;
          q.states = {"active", "suspended", "issued"};
          q.area_id = row.area_id;
          q.with_doc = false;
          q.limit = 200;
          AG_ASSIGN_OR_RETURN(auto permits_here, tx.permits().list(q, nullptr));
          for (const auto& p : permits_here) {
            store::AlarmPermit link{real, p.id, false};
            AG_RETURN_IF_ERROR(m.linkPermit(link));
            new_links[id].push_back(link);
          }
        } else {
          AG_RETURN_IF_ERROR(statusOf(m.updateAlarm(row)));
        }
        for (auto e : alarm_events[id]) {
          e.alarm_id = real;
          AG_RETURN_IF_ERROR(m.addAlarmEvent(e));
        }
        if (webhooks != nullptr && id < 0) {
          row.id = real;
          const auto msg = alarmMessage(row);
          AG_RETURN_IF_ERROR(
              statusOf(webhooks->enqueue(tx, "alarm", row.severity, row.org_path, msg)));
        }
      }
      for (auto& pv : violations) {
        if (!pv.person_code.empty()) {
          store::ListQuery q;
          q.filters.push_back({"employee_no", store::FilterOp::kEq, base::Value{pv.person_code}});
          q.page_size = 1;
          q.count_total = false;
          AG_ASSIGN_OR_RETURN(auto people, tx.records().list(*base::findSchema("people"), q));
          if (!people.items.empty()) {
            pv.row.person_id = people.items.front().id;
          }
        }
        store::PermitQuery q;
        q.states = {"active", "suspended"};
        q.area_id = pv.row.area_id;
        q.with_doc = false;
        q.limit = 1;
        AG_ASSIGN_OR_RETURN(auto here, tx.permits().list(q, nullptr));
        if (!here.empty()) {
          pv.row.permit_id = here.front().id;
        }
        const auto type = monitor::parseViolationType(pv.row.type);
        pv.row.needs_training =
            type && monitor::violationInfo(*type).marks_training && pv.row.person_id != 0;
        AG_ASSIGN_OR_RETURN(pv.row.id, m.insertViolation(pv.row));
        if (!pv.snapshot.empty()) {
          AG_RETURN_IF_ERROR(m.putSnapshot(pv.row.id, pv.snapshot_mime, pv.snapshot));
        }
        if (pv.row.needs_training) {
          store::TrainingNeed need;
          need.person_id = pv.row.person_id;
          need.violation_id = pv.row.id;
          need.reason = pv.row.type;
          need.created_at = now;
          AG_RETURN_IF_ERROR(statusOf(m.insertTrainingNeed(need)));
        }
        if (webhooks != nullptr) {
          const auto msg = violationMessage(pv.row);
          AG_RETURN_IF_ERROR(
              statusOf(webhooks->enqueue(tx, "violation", "critical", pv.row.org_path, msg)));
        }
      }
      for (const auto& d : dead) {
        AG_RETURN_IF_ERROR(m.insertDeadLetter(d));
      }
      return {};
    });
    n_commits.fetch_add(1, std::memory_order_relaxed);
    if (!committed) {
      n_commit_failures.fetch_add(1, std::memory_order_relaxed);
    }
  }

  // 4. Apply the outcome to memory, answer, publish.
  std::vector<std::pair<store::AlarmRow, std::vector<store::AlarmPermit>>> to_publish;
  if (!committed) {
    for (auto& [sid, before] : runtime_before) {
      if (before) {
        runtime.insert_or_assign(sid, std::move(*before));
      } else {
        runtime.erase(sid);
      }
    }
    if (deduper_before) {
      deduper = std::move(*deduper_before);
    }
  }
  {
    std::lock_guard lock(alarms_mu);
    if (!committed) {
      for (auto& [id, before] : alarms_before) {
        open_alarms.insert_or_assign(id, std::move(before));
      }
    }
    for (auto& [id, row] : alarm_rows) {
      auto it = open_alarms.find(id);
      if (it == open_alarms.end()) {
        continue;
      }
      if (!committed) {
        if (id < 0) {  // Never stored: forget it (the condition raises it again).
          alarm_by_key.erase({it->second.row.sensor_id, it->second.row.condition});
          open_alarms.erase(it);
        }
        continue;
      }
      OpenAlarm a = std::move(it->second);
      open_alarms.erase(it);
      std::int64_t real = id;
      if (id < 0) {
        real = new_ids.at(id);
        a.row.id = real;
        a.row.version = 1;
        a.permits = new_links[id];
      } else {
        a.row.version += 1;
      }
      const auto key = std::make_pair(a.row.sensor_id, a.row.condition);
      store::AlarmRow stored = rowFrom(a);
      stored.id = real;
      to_publish.emplace_back(stored, a.permits);
      if (a.alarm.state == monitor::AlarmState::kClosed) {
        alarm_by_key.erase(key);
      } else {
        alarm_by_key[key] = real;
        open_alarms.emplace(real, std::move(a));
      }
    }
  }
  if (committed) {
    // Last values first, so that whoever is answered next sees them (board, feasibility).
    {
      std::lock_guard lv(live_mu);
      for (const auto& [sid, st] : status) {
        auto& v = live[sid];
        if (st.last_ts >= v.ts) {
          v.ts = st.last_ts;
          v.value = st.last_value;
          v.flags = st.last_flags;
        }
        v.received = now_ms;
        if (st.last_valid_ts != 0 && st.last_valid_ts >= v.valid_ts) {
          v.has_valid = true;
          v.valid_ts = st.last_valid_ts;
          v.valid_value = st.last_valid_value;
        }
      }
    }
  }
  if (!committed && on_failure == OnFailure::kLeave) {
    if (jobs.size() > 1) {
      log::warn("monitor: commit of {} jobs failed ({}); committing them one by one", jobs.size(),
                committed.error().message());
    } else {
      log::warn("monitor: commit failed: {}", committed.error().message());
    }
    return Outcome::kFailed;
  }
  auto realId = [&](std::int64_t id) {
    auto it = new_ids.find(id);
    return it == new_ids.end() ? id : it->second;
  };

  for (std::size_t i = 0; i < jobs.size(); ++i) {
    Job& job = jobs[i];
    if (job.kind == Job::Kind::kBatch && job.done) {
      if (committed) {
        n_batches.fetch_add(1, std::memory_order_relaxed);
        n_readings.fetch_add(results[i].accepted, std::memory_order_relaxed);
        n_flagged.fetch_add(results[i].flagged, std::memory_order_relaxed);
        job.done(results[i]);
      } else {
        // Whatever the cause: the commit is shared by many devices' batches, so it says nothing
        // about this one, which may be sent again as it is.
        job.done(store::commitFailed());
      }
    } else if (job.kind == Job::Kind::kTick && job.tick_done) {
      if (committed) {
        job.tick_done(static_cast<std::int64_t>(alarm_rows.size()));
      } else {
        job.tick_done(store::commitFailed());
      }
    }
  }
  for (auto& [i, res] : action_results) {
    Job& job = jobs[i];
    if (!job.action_done) {
      continue;
    }
    if (!res) {
      job.action_done(res);
    } else if (!committed) {
      job.action_done(store::commitFailed());
    } else {
      Result<store::AlarmRow> found = Error::notFound("monitor.alarm_not_found", "no such alarm");
      for (const auto& [row, links] : to_publish) {
        if (row.id == job.alarm_id) {
          found = row;
        }
      }
      job.action_done(found);
    }
  }
  if (!committed) {
    log::warn("monitor: commit failed: {}", committed.error().message());
    return Outcome::kFailed;
  }

  for (const auto& [row, links] : to_publish) {
    publishAlarm(row, links);
  }
  n_alarms.fetch_add(static_cast<std::int64_t>(new_ids.size()), std::memory_order_relaxed);
  n_violations.fetch_add(static_cast<std::int64_t>(violations.size()), std::memory_order_relaxed);
  for (const auto& pv : violations) {
    publishViolation(pv.row);
    if (pv.suspends) {
      SideEffect fx;
      fx.kind = SideEffect::Kind::kSuspendGuardian;
      fx.area_id = pv.row.area_id;
      fx.violation_id = pv.row.id;
      pushFx(std::move(fx));
    }
    SideEffect fx;
    fx.kind = SideEffect::Kind::kNotifyViolation;
    fx.violation_id = pv.row.id;
    fx.area_id = pv.row.area_id;
    fx.org_path = pv.row.org_path;
    pushFx(std::move(fx));
  }
  for (std::int64_t id : critical_gas) {
    const std::int64_t real = realId(id);
    for (const auto& [row, links] : to_publish) {
      if (row.id == real) {
        SideEffect fx;
        fx.kind = SideEffect::Kind::kSuspendGas;
        fx.alarm_id = real;
        fx.area_id = row.area_id;
        fx.org_path = row.org_path;
        pushFx(std::move(fx));
      }
    }
  }
  for (std::int64_t id : notify_alarm) {
    const std::int64_t real = realId(id);
    for (const auto& [row, links] : to_publish) {
      if (row.id == real && row.severity == "critical") {
        SideEffect fx;
        fx.kind = SideEffect::Kind::kNotifyAlarm;
        fx.alarm_id = real;
        fx.area_id = row.area_id;
        fx.org_path = row.org_path;
        fx.roles = {"safety_officer"};
        fx.title_zh = "监测" + severityZh(row.severity);
        fx.title_en = "Monitoring alarm";
        pushFx(std::move(fx));
      }
    }
  }
  for (auto& fx : escalations) {
    fx.alarm_id = realId(fx.alarm_id);
    pushFx(std::move(fx));
  }
  escalations.clear();

  // Live values, at most one push per sensor per interval.
  const auto push_every = cfg.value_push_interval.count();
  for (auto& [sid, rt] : runtime) {
    if (!rt.push_pending || now_ms - rt.last_push_ms < push_every) {
      continue;
    }
    const SensorInfo* s = reg->sensor(sid);
    if (s == nullptr) {
      rt.push_pending = false;
      continue;
    }
    LiveValue v;
    {
      std::lock_guard lv(live_mu);
      auto& ref = live[sid];
      ref.level = levelOf(rt.rules);
      v = ref;
    }
    rt.push_pending = false;
    rt.last_push_ms = now_ms;
    json::object data{{"area_id", s->area_id},
                      {"sensor_id", sid},
                      {"value", v.value},
                      {"ts", formatRfc3339(fromMillis(v.ts), settings.tz_offset_minutes)},
                      {"valid", v.flags == 0},
                      {"level", v.level == monitor::Level::kAlarm     ? "alarm"
                                : v.level == monitor::Level::kWarning ? "warning"
                                                                      : "normal"}};
    events.publish(Event{"monitor.values", s->org_path, json::serialize(data), 0});
  }
  return anything ? Outcome::kWritten : Outcome::kNothingWritten;
}

}  // namespace anguan::service
