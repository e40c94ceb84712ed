// SimulationPlan and the payload encoders of `anguan simulate` (pure: no I/O).
#include <algorithm>
#include <cmath>

#include <boost/json.hpp>

#include "anguan/ingest/simulator.hpp"

namespace anguan::ingest {
namespace {

namespace json = boost::json;
using monitor::EventSource;

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) {
    --q;
  }
  return q;
}

json::object readingJson(const SimReading& r) {
  return json::object{{"sensor", r.sensor}, {"ts", r.ts}, {"value", r.value}};
}

json::object eventJson(const SimEventOut& e) {
  return json::object{
      {"type", e.type}, {"ts", e.ts}, {"confidence", e.confidence}, {"frames", e.frames}};
}

}  // namespace

SimulationPlan::SimulationPlan(std::vector<service::DemoDevice> devices,
                               monitor::sim::SimConfig config, Instant start, double speed)
    : devices_(std::move(devices)),
      config_(config),
      start_(start),
      speed_(speed > 0.0 ? speed : 1.0),
      last_wall_(start) {
  for (std::size_t i = 0; i < devices_.size(); ++i) {
    for (const auto& s : devices_[i].sensors) {
      const auto kind = monitor::parseSensorKind(s.kind);
      if (!kind) {
        continue;
      }
      Sensor sensor;
      sensor.device = i;
      sensor.spec = {s.code, *kind, s.goes_silent};
      sensor.period_ms = std::max<std::int64_t>(1, s.interval_seconds) * 1000;
      sensor.phase_ms = static_cast<std::int64_t>(monitor::sim::hashCode(s.code) %
                                                  static_cast<std::uint64_t>(sensor.period_ms));
      sensors_.push_back(std::move(sensor));
    }
  }
}

Instant SimulationPlan::simulatedTime(Instant wall) const {
  const auto elapsed = static_cast<double>((wall - start_).count());
  return start_ + std::chrono::milliseconds(std::llround(elapsed * speed_));
}

std::vector<DeviceBatch> SimulationPlan::advance(Instant wall_now, std::size_t max_readings) {
  std::vector<DeviceBatch> out;
  if (wall_now <= last_wall_) {
    return out;
  }
  const Instant sim_from = simulatedTime(last_wall_);
  const Instant sim_to = simulatedTime(wall_now);
  last_wall_ = wall_now;
  auto wallOf = [&](std::int64_t sim_ms) {
    const auto since = static_cast<double>(sim_ms - toMillis(start_));
    return toMillis(start_) + std::llround(since / speed_);
  };

  std::vector<std::vector<SimReading>> readings(devices_.size());
  for (const Sensor& s : sensors_) {
    // Due times are phase + k·period; the first one after sim_from, up to sim_to inclusive.
    const std::int64_t k = floorDiv(toMillis(sim_from) - s.phase_ms, s.period_ms) + 1;
    for (std::int64_t t = s.phase_ms + k * s.period_ms; t <= toMillis(sim_to); t += s.period_ms) {
      const Instant at = fromMillis(t);
      if (monitor::sim::isSilent(config_, s.spec, at)) {
        continue;
      }
      readings[s.device].push_back(
          {s.spec.code, wallOf(t), monitor::sim::sampleValue(config_, s.spec, at)});
    }
  }
  const std::size_t limit = std::max<std::size_t>(1, max_readings);
  for (std::size_t i = 0; i < devices_.size(); ++i) {
    std::vector<SimEventOut> events;
    const std::string& kind = devices_[i].kind;
    if (kind == "camera" || kind == "positioning") {
      const EventSource source =
          kind == "camera" ? EventSource::kCamera : EventSource::kPositioning;
      for (const auto& e :
           monitor::sim::eventsIn(config_, devices_[i].code, source, sim_from, sim_to)) {
        events.push_back({std::string(monitor::violationInfo(e.type).code), wallOf(toMillis(e.at)),
                          e.confidence, e.frames});
      }
    }
    auto& rs = readings[i];
    std::stable_sort(rs.begin(), rs.end(),
                     [](const SimReading& a, const SimReading& b) { return a.ts < b.ts; });
    if (rs.empty() && events.empty()) {
      continue;
    }
    std::size_t pos = 0;
    do {
      DeviceBatch batch;
      batch.device = i;
      const std::size_t n = std::min(limit, rs.size() - pos);
      batch.readings.assign(rs.begin() + static_cast<std::ptrdiff_t>(pos),
                            rs.begin() + static_cast<std::ptrdiff_t>(pos + n));
      if (pos == 0) {
        batch.events = std::move(events);
      }
      pos += n;
      out.push_back(std::move(batch));
    } while (pos < rs.size());
  }
  return out;
}

std::string telemetryBody(const DeviceBatch& batch) {
  json::object body;
  if (!batch.readings.empty()) {
    json::array rs;
    rs.reserve(batch.readings.size());
    for (const auto& r : batch.readings) {
      rs.push_back(readingJson(r));
    }
    body["readings"] = std::move(rs);
  }
  if (!batch.events.empty()) {
    json::array es;
    for (const auto& e : batch.events) {
      es.push_back(eventJson(e));
    }
    body["events"] = std::move(es);
  }
  return json::serialize(body);
}

std::string mqttReadingsPayload(const DeviceBatch& batch) {
  json::array rs;
  rs.reserve(batch.readings.size());
  for (const auto& r : batch.readings) {
    rs.push_back(readingJson(r));
  }
  return json::serialize(json::object{{"readings", std::move(rs)}});
}

std::string mqttEventPayload(const SimEventOut& event) { return json::serialize(eventJson(event)); }

}  // namespace anguan::ingest
