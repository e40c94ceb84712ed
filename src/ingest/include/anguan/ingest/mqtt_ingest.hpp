// MqttIngest: the MQTT side of telemetry ingestion. It subscribes (MQTT v5 shared subscription,
// QoS 1, persistent session) to anguan/<site>/<device>/telemetry and .../event, decodes each
// message with the monitoring service and hands it to the same pipeline as HTTP batches. The
// PUBACK is sent only after the pipeline has committed the message, so a crash loses nothing:
// the broker redelivers unacknowledged messages (with DUP set), and the pipeline recognises the
// ones it stored before by their claim (device, payload digest) and stores them only once.
// Bad messages (unknown device, bad topic, bad payload) go to the dead-letter table and are
// acknowledged, so the broker doesn't redeliver them for ever.
//
// Back-pressure: when the pipeline refuses a batch, the message waits in a local backlog, reading
// from the broker pauses, and a retry loop feeds the backlog in as the pipeline drains; then
// reading resumes. Nothing is dropped.
//
// Thread safety: construct and destroy from one thread; stats() from any thread.
#pragma once

#include <cstdint>
#include <memory>

#include "anguan/ingest/mqtt_subscriber.hpp"
#include "anguan/service/monitor_service.hpp"

namespace anguan::ingest {

struct MqttIngestStats {
  MqttSubscriberStats subscriber;
  std::uint64_t received = 0;
  std::uint64_t submitted = 0;
  std::uint64_t rejected = 0;  // Sent to the dead-letter table.
  std::uint64_t backlog = 0;   // Waiting for the pipeline right now.
};

// 64-bit FNV-1a of the topic and payload: the claim that identifies a message across
// redeliveries.
std::int64_t messageDigest(std::string_view topic, std::string_view payload);

// The default subscription filters: "$share/<group>/anguan/+/+/telemetry" and ".../event".
std::vector<std::string> defaultFilters(const std::string& group = "anguan");

class MqttIngest {
 public:
  MqttIngest(service::MonitorService& monitor, MqttSubscriberOptions options);
  ~MqttIngest();
  MqttIngest(const MqttIngest&) = delete;
  MqttIngest& operator=(const MqttIngest&) = delete;

  MqttIngestStats stats() const;
  // Stops reading, waits for the messages in the pipeline to be acknowledged (up to `wait`),
  // then disconnects. Idempotent.
  void stop(std::chrono::milliseconds wait = std::chrono::seconds(5));

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace anguan::ingest
