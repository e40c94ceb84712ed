// MqttPublisher: a small blocking MQTT v5 publisher for tests, benches and the simulator. It
// pipelines QoS 1 publishes up to the broker's Receive Maximum and waits for every PUBACK.
// (anguan itself only consumes MQTT; see mqtt_subscriber.hpp for why the client is our own.)
//
// Thread safety: none; one thread uses one publisher.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "anguan/core/result.hpp"

namespace anguan::ingest {

struct MqttPublisherOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 1883;
  std::string client_id;
  std::string username;
  std::string password;
  std::chrono::seconds keepalive{60};
  std::chrono::milliseconds timeout{10'000};  // For connecting and for each wait on the broker.
  // At most this many QoS 1 publishes in flight (also capped by the broker's Receive Maximum).
  std::uint16_t window = 1000;
};

struct OutgoingMessage {
  std::string topic;
  std::string payload;
};

struct PublishReport {
  std::uint64_t accepted = 0;  // PUBACKs with a success reason (< 0x80).
  std::uint64_t refused = 0;   // PUBACKs with a failure reason (e.g. 0x87 not authorised).
  std::uint8_t last_refusal = 0;
};

class MqttPublisher {
 public:
  // Connects (clean start) and waits for the CONNACK.
  // Errors: kUnavailable when the broker cannot be reached or does not answer in time;
  // kUnauthenticated when it refuses the connection (details["reason"] = the reason code);
  // kInvalidArgument when its answer is malformed.
  [[nodiscard]] static Result<std::unique_ptr<MqttPublisher>> connect(
      const MqttPublisherOptions& options);
  ~MqttPublisher();

  // Publishes every message at `qos` (0 or 1). For QoS 1, returns once every message has its
  // PUBACK. Errors: kUnavailable on a socket error or time-out, kInvalidArgument on a malformed
  // answer.
  [[nodiscard]] Result<PublishReport> publish(const std::vector<OutgoingMessage>& messages,
                                              std::uint8_t qos = 1);

  // Sends DISCONNECT and closes. Idempotent.
  void disconnect();

 private:
  class Impl;
  explicit MqttPublisher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace anguan::ingest
