// `anguan simulate`: plays the demo enterprise's devices (demo-devices.json, written by
// `anguan demo`) against a running server, so the monitoring board is alive.
//
// SimulationPlan decides what is sent: every tick it advances simulated time (wall-clock time ×
// speed since the start), takes each sensor's readings that fell due on its reporting grid
// (interval ÷ speed apart, at a per-sensor phase so sensors don't all report together), values
// from domain/monitor/simulation (diurnal patterns, noise, excursions, the sensor that goes
// silent), and camera / positioning events, and groups them per device into batches of at most
// `max_readings` readings. Reading timestamps are wall-clock times (the server flags future
// timestamps); values and events follow simulated time, so `--speed 60` plays an hour a minute.
//
// runSimulator sends the batches: over HTTP (`POST /api/v1/telemetry`, `Authorization: Device
// <token>`, one keep-alive connection, a 503 is retried after its Retry-After with the same batch,
// a lost connection is reopened with back-off) or over MQTT (one MqttPublisher per device,
// username = device code, password = token, QoS 1 to anguan/<site>/<device>/telemetry and
// .../event, a batch counts as sent once the broker acknowledged it), and prints a status line
// every 10 s.
//
// Thread safety: SimulationPlan is a plain value (one thread). runSimulator blocks the caller until
// the duration has passed or *stop becomes true.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"
#include "anguan/domain/monitor/simulation.hpp"
#include "anguan/service/monitor_demo.hpp"

namespace anguan::ingest {

struct SimReading {
  std::string sensor;
  std::int64_t ts = 0;  // UTC ms, wall clock.
  double value = 0.0;
};

struct SimEventOut {
  std::string type;  // monitor::ViolationTypeInfo::code
  std::int64_t ts = 0;
  double confidence = 1.0;
  int frames = 0;
};

struct DeviceBatch {
  std::size_t device = 0;  // Index into SimulationPlan::devices().
  std::vector<SimReading> readings;
  std::vector<SimEventOut> events;
};

class SimulationPlan {
 public:
  // REQUIRES: speed > 0. Sensors of unknown kinds are left out.
  SimulationPlan(std::vector<service::DemoDevice> devices, monitor::sim::SimConfig config,
                 Instant start, double speed);

  // Everything due in (previous wall time, wall_now], per device in device order, readings oldest
  // first; a device with more than max_readings readings gets several batches (its events ride
  // with the first). A wall_now not after the previous one yields nothing.
  std::vector<DeviceBatch> advance(Instant wall_now, std::size_t max_readings = 1000);

  Instant simulatedTime(Instant wall) const;
  const std::vector<service::DemoDevice>& devices() const { return devices_; }

 private:
  struct Sensor {
    std::size_t device = 0;
    monitor::sim::SensorSpec spec;
    std::int64_t period_ms = 60000;  // Simulated.
    std::int64_t phase_ms = 0;
  };

  std::vector<service::DemoDevice> devices_;
  std::vector<Sensor> sensors_;
  monitor::sim::SimConfig config_;
  Instant start_;
  double speed_;
  Instant last_wall_;
};

// {"readings":[...],"events":[...]} for POST /api/v1/telemetry (empty lists left out).
std::string telemetryBody(const DeviceBatch& batch);
// {"readings":[...]} for anguan/<site>/<device>/telemetry.
std::string mqttReadingsPayload(const DeviceBatch& batch);
// One event object for anguan/<site>/<device>/event.
std::string mqttEventPayload(const SimEventOut& event);

struct SimulatorOptions {
  std::string devices_file;
  std::string http_url;  // "http://host:port"; or
  std::string mqtt;      // "host:port".
  double speed = 1.0;
  std::chrono::seconds duration{0};  // 0 = until *stop.
  std::chrono::milliseconds tick{1000};
  std::chrono::seconds status_every{10};
  std::size_t max_batch_readings = 1000;
  monitor::sim::SimConfig sim;
  std::function<void(const std::string&)> print;  // Status lines; stdout when empty.
};

struct SimulatorTotals {
  std::int64_t readings_sent = 0;  // Acknowledged by the server (HTTP) or published (MQTT).
  std::int64_t events_sent = 0;
  std::int64_t batches = 0;
  std::int64_t flagged = 0;   // HTTP: readings the server flagged.
  std::int64_t retries = 0;   // 503s and reconnects.
  std::int64_t rejected = 0;  // Batches the server refused (4xx): not retried.
};

// Runs until the duration has passed or *stop is true (checked every tick). Fails when the devices
// file can't be read or neither or both transports are given.
[[nodiscard]] Result<SimulatorTotals> runSimulator(const SimulatorOptions& options,
                                                   const std::atomic<bool>* stop);

}  // namespace anguan::ingest
