// MqttSubscriber: anguan's MQTT v5 consumer of device telemetry and events, with QoS 1
// acknowledgements deferred until the message is durably stored.
//
// Why not a library: the broker may only forget a QoS 1 message once anguan has stored it, so the
// PUBACK must wait for the storage commit, while thousands of messages are in flight at once (the
// target is 60,000 msg/s at <= 5 us of CPU each; a blocking callback per message cannot do that).
// Neither libmosquitto 2.0.11 nor Paho C can defer acks while pipelining, so this is a small MQTT
// v5 client over Boost.Asio (Asio stays inside src/ingest/; nothing else sees it).
//
// Behaviour:
//  - Connects with Clean Start = false, a Session Expiry Interval and a Receive Maximum (the
//    broker sends at most that many unacknowledged QoS 1 messages), subscribes every filter at
//    QoS 1, and reconnects with back-off (0.2 s doubling to 5 s) after any error or broker restart,
//    resubscribing and keeping the client id so the persistent session, and its unacknowledged
//    messages, carry over. The broker redelivers those with DUP set.
//  - Each PUBLISH goes to the handler, on the subscriber's own thread, in arrival order. The
//  handler
//    must not block: hand the message to a queue and return.
//  - ack(token) sends the PUBACK. Acks from many threads are coalesced into one socket write: they
//    wait up to 1 ms, or until a quarter of Receive Maximum is waiting. An ack for a message
//    received on an earlier connection is dropped: the broker redelivers it.
//  - redeliver(token) says the message could not be stored: the connection is dropped and made
//    again (MQTT 5 lets the broker resend unacknowledged messages only on a new connection), with
//    the back-off growing while stores keep failing.
//  - pause() stops reading from the socket (the broker then stops at Receive Maximum in flight);
//    resume() reads again. Keep-alive pings continue while paused.
//
// Thread safety: ack(), pause(), resume() and stats() may be called from any thread, including
// from inside the handler. stop() and the destructor join the subscriber's thread: call them from
// any thread but the handler's.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace anguan::ingest {

// Identifies one received QoS 1 message on one connection. Null for QoS 0 (ack is a no-op).
struct AckToken {
  std::uint32_t connection = 0;  // The connection's generation; 0 = null token.
  std::uint16_t packet_id = 0;

  bool isNull() const { return connection == 0; }
};

struct MqttMessage {
  std::string topic;
  std::string payload;
  bool dup = false;  // A redelivery: the broker may have delivered it before.
  std::uint8_t qos = 0;
  AckToken token;
};

struct MqttSubscriberOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 1883;
  std::string client_id = "anguan";
  std::string username;
  std::string password;
  // e.g. "$share/anguan/anguan/+/+/telemetry", "$share/anguan/anguan/+/+/event".
  std::vector<std::string> filters;
  std::uint16_t receive_maximum = 4096;
  std::chrono::seconds session_expiry{7 * 24 * 3600};
  std::chrono::seconds keepalive{30};
  std::chrono::milliseconds reconnect_min{200};
  std::chrono::milliseconds reconnect_max{5000};
  // A packet larger than this is a protocol error (the connection is dropped and retried). Keep it
  // at or above the broker's max_packet_size.
  std::size_t max_packet_size = 16 * 1024 * 1024;
};

struct MqttSubscriberStats {
  bool connected = false;           // CONNACK success received and the socket is open.
  std::uint64_t connects = 0;       // Successful CONNACKs so far.
  std::uint64_t subscribed = 0;     // SUBACKs that granted every filter (one per connection).
  std::uint64_t messages = 0;       // PUBLISH packets handed to the handler.
  std::uint64_t acks = 0;           // PUBACKs written to the socket.
  std::uint64_t bytes = 0;          // Bytes read from the socket.
  std::uint64_t reads = 0;          // Socket reads that returned data.
  std::uint64_t decode_errors = 0;  // Malformed packets (each drops the connection).
  std::uint64_t redeliveries = 0;   // Connections dropped by redeliver().
  std::uint64_t refused = 0;        // CONNACKs with a failure reason (e.g. bad password).
  std::uint8_t last_refusal = 0;    // The reason code of the last refusing CONNACK or SUBACK.
};

class MqttSubscriber {
 public:
  using Handler = std::function<void(MqttMessage&&)>;

  // Starts the thread and the first connection attempt at once.
  MqttSubscriber(MqttSubscriberOptions options, Handler handler);
  ~MqttSubscriber();
  MqttSubscriber(const MqttSubscriber&) = delete;
  MqttSubscriber& operator=(const MqttSubscriber&) = delete;

  // Sends the PUBACK for `token` (no-op for a null token or one from an earlier connection).
  void ack(AckToken token);
  // The message of `token` could not be stored: reconnect so that the broker sends it again
  // (no-op for a null token or one from an earlier connection).
  void redeliver(AckToken token);
  void pause();
  void resume();
  MqttSubscriberStats stats() const;

  // Sends DISCONNECT (normal: the session and its unacknowledged messages stay on the broker),
  // closes the socket and joins the thread. Acks not yet written are dropped. Idempotent.
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace anguan::ingest
