// MQTT v5 wire codec: pure encode/decode of the few packets anguan's ingestion needs (CONNECT,
// CONNACK, SUBSCRIBE, SUBACK, PUBLISH, PUBACK, PINGREQ, PINGRESP, DISCONNECT).
//
// Why our own codec: anguan acknowledges a QoS 1 message to the broker only after it has durably
// stored it, with thousands of messages in flight at once. Neither libmosquitto 2.0.11 nor Paho C
// can defer the PUBACK while pipelining, so MqttSubscriber speaks MQTT v5 over Boost.Asio itself
// and this file is its wire format. No I/O here.
//
// Decoding never trusts its input: every length is bounds-checked, variable-byte integers are at
// most 4 bytes, and a malformed packet is a Result error (key "mqtt.malformed"), never UB.
// Decoded views (PublishView) point into the caller's buffer and live as long as it does.
//
// Thread safety: free functions over caller-owned data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "anguan/core/result.hpp"

namespace anguan::ingest::mqtt {

enum class PacketType : std::uint8_t {
  kConnect = 1,
  kConnack = 2,
  kPublish = 3,
  kPuback = 4,
  kPubrec = 5,
  kPubrel = 6,
  kPubcomp = 7,
  kSubscribe = 8,
  kSuback = 9,
  kUnsubscribe = 10,
  kUnsuback = 11,
  kPingreq = 12,
  kPingresp = 13,
  kDisconnect = 14,
  kAuth = 15,
};

// The largest value a variable-byte integer can hold (4 bytes).
inline constexpr std::uint32_t kMaxVarint = 268'435'455;

// Appends `value` as a variable-byte integer. REQUIRES: value <= kMaxVarint.
void encodeVarint(std::uint32_t value, std::string& out);

enum class DecodeStatus {
  kOk,         // Decoded.
  kNeedMore,   // The bytes so far are a valid prefix; more are needed.
  kMalformed,  // Not valid whatever follows (e.g. a fifth varint byte).
};

struct VarintDecode {
  DecodeStatus status = DecodeStatus::kNeedMore;
  std::uint32_t value = 0;
  std::size_t length = 0;  // Bytes consumed when kOk.
};
VarintDecode decodeVarint(std::string_view bytes);

// One framed packet found at the start of a buffer.
struct Frame {
  PacketType type = PacketType::kConnect;
  std::uint8_t flags = 0;        // The low nibble of the first byte.
  std::string_view body;         // Variable header + payload (remaining length bytes).
  std::size_t total_length = 0;  // Fixed header + body: how far to advance.
};

struct FrameDecode {
  DecodeStatus status = DecodeStatus::kNeedMore;
  Frame frame;
  // When kNeedMore after the fixed header was read: the total packet size needed, so a reader can
  // grow its buffer (0 while the fixed header itself is incomplete).
  std::size_t needed = 0;
};

// Frames the first packet in `bytes`. kMalformed when the remaining length is not a valid varint,
// the packet type is 0 (reserved), or the packet is larger than `max_packet_size`.
FrameDecode decodeFrame(std::string_view bytes, std::size_t max_packet_size);

// ---- Client → server ----

struct ConnectOptions {
  std::string client_id;
  std::string username;  // Empty: no username flag.
  std::string password;  // Empty: no password flag.
  bool clean_start = false;
  std::uint16_t keepalive_s = 30;
  std::uint32_t session_expiry_s = 7 * 24 * 3600;
  std::uint16_t receive_maximum = 4096;  // 0: leave the property out (the default 65,535).
};
void encodeConnect(const ConnectOptions& options, std::string& out);

// SUBSCRIBE with one entry per filter, each at `max_qos` (0 or 1), No Local off, retain as
// published, retain handling 0. REQUIRES: packet_id != 0, !filters.empty().
void encodeSubscribe(std::uint16_t packet_id, const std::vector<std::string>& filters,
                     std::uint8_t max_qos, std::string& out);

// PUBLISH for test and bench publishers. REQUIRES: qos <= 1; packet_id != 0 when qos == 1.
void encodePublish(std::string_view topic, std::string_view payload, std::uint8_t qos,
                   std::uint16_t packet_id, bool dup, std::string& out);

// PUBACK with reason Success (the short 2-byte form). REQUIRES: packet_id != 0.
void encodePuback(std::uint16_t packet_id, std::string& out);
void encodePingreq(std::string& out);
void encodePingresp(std::string& out);
// DISCONNECT; reason 0 (normal) keeps the session for its expiry interval.
void encodeDisconnect(std::uint8_t reason_code, std::string& out);

// ---- Server → client (bodies come from decodeFrame) ----

struct Connack {
  bool session_present = false;
  std::uint8_t reason_code = 0;           // 0 = success; 0x86 bad user name or password, 0x87 …
  std::uint16_t receive_maximum = 65535;  // The server's limit for our QoS 1 publishes.
  std::uint8_t maximum_qos = 2;
};
[[nodiscard]] Result<Connack> decodeConnack(const Frame& frame);

struct Suback {
  std::uint16_t packet_id = 0;
  std::vector<std::uint8_t> reason_codes;  // One per filter; >= 0x80 is a refusal.
};
[[nodiscard]] Result<Suback> decodeSuback(const Frame& frame);

struct PublishView {
  std::string_view topic;
  std::string_view payload;
  std::uint8_t qos = 0;
  bool dup = false;
  bool retain = false;
  std::uint16_t packet_id = 0;  // 0 for QoS 0.
};
// Decodes a PUBLISH. Errors: QoS 3, DUP set on QoS 0, packet id 0 on QoS > 0, truncated fields,
// a topic with a wildcard or NUL, properties that overrun the packet. An empty topic (a topic alias
// reference) is accepted only when the properties carry an alias; we never grant aliases (Topic
// Alias Maximum stays 0), so an empty topic is an error too.
[[nodiscard]] Result<PublishView> decodePublish(const Frame& frame);

// PUBACK (also PUBREC/PUBCOMP shape): the packet id and reason code (0 when omitted).
struct Puback {
  std::uint16_t packet_id = 0;
  std::uint8_t reason_code = 0;
};
[[nodiscard]] Result<Puback> decodePuback(const Frame& frame);

// DISCONNECT from the server: its reason code (0 when omitted).
[[nodiscard]] Result<std::uint8_t> decodeDisconnect(const Frame& frame);

// Checks the fixed-header flags a packet type requires (MQTT v5 §2.1.3). PUBLISH flags are
// checked by decodePublish.
[[nodiscard]] Status checkFlags(const Frame& frame);

}  // namespace anguan::ingest::mqtt
