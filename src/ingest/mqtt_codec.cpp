#include "anguan/ingest/mqtt_codec.hpp"

#include "anguan/core/assert.hpp"

namespace anguan::ingest::mqtt {
namespace {

Error malformed(std::string what) {
  return Error::invalidArgument("mqtt.malformed", "malformed MQTT packet: " + what);
}

// Bounds-checked reader over a packet body. Every read returns false instead of running past the
// end.
class Cursor {
 public:
  explicit Cursor(std::string_view bytes) : bytes_(bytes) {}

  std::size_t remaining() const { return bytes_.size() - pos_; }
  bool atEnd() const { return pos_ == bytes_.size(); }

  bool u8(std::uint8_t& out) {
    if (remaining() < 1) {
      return false;
    }
    out = static_cast<std::uint8_t>(bytes_[pos_++]);
    return true;
  }
  bool u16(std::uint16_t& out) {
    if (remaining() < 2) {
      return false;
    }
    out = static_cast<std::uint16_t>((static_cast<std::uint8_t>(bytes_[pos_]) << 8) |
                                     static_cast<std::uint8_t>(bytes_[pos_ + 1]));
    pos_ += 2;
    return true;
  }
  bool u32(std::uint32_t& out) {
    if (remaining() < 4) {
      return false;
    }
    out = 0;
    for (int i = 0; i < 4; ++i) {
      out = (out << 8) | static_cast<std::uint8_t>(bytes_[pos_++]);
    }
    return true;
  }
  bool varint(std::uint32_t& out) {
    const auto d = decodeVarint(bytes_.substr(pos_));
    if (d.status != DecodeStatus::kOk) {
      return false;
    }
    out = d.value;
    pos_ += d.length;
    return true;
  }
  bool bytes(std::size_t n, std::string_view& out) {
    if (remaining() < n) {
      return false;
    }
    out = bytes_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  // A two-byte length followed by that many bytes (UTF-8 string or binary data).
  bool lengthPrefixed(std::string_view& out) {
    std::uint16_t n = 0;
    return u16(n) && bytes(n, out);
  }
  bool skip(std::size_t n) {
    std::string_view ignored;
    return bytes(n, ignored);
  }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

void putU16(std::uint16_t v, std::string& out) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xFF));
}
void putU32(std::uint32_t v, std::string& out) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xFF));
  }
}
void putString(std::string_view s, std::string& out) {
  AG_CHECK(s.size() <= 0xFFFF, "MQTT strings are at most 65,535 bytes");
  putU16(static_cast<std::uint16_t>(s.size()), out);
  out.append(s);
}
void putFixedHeader(std::uint8_t first, std::size_t remaining, std::string& out) {
  AG_CHECK(remaining <= kMaxVarint, "MQTT packets are at most 256 MiB");
  out.push_back(static_cast<char>(first));
  encodeVarint(static_cast<std::uint32_t>(remaining), out);
}

// Reads a properties block, calling `on(id, cursor)` for each property with the cursor positioned
// at its value; `on` must consume the value (or return false to fail). Unknown ids fail.
template <class F>
bool readProperties(Cursor& c, F&& on) {
  std::uint32_t length = 0;
  std::string_view block;
  if (!c.varint(length) || !c.bytes(length, block)) {
    return false;
  }
  Cursor p(block);
  while (!p.atEnd()) {
    std::uint32_t id = 0;
    if (!p.varint(id) || !on(id, p)) {
      return false;
    }
  }
  return true;
}

// Skips the value of a property by its identifier's type (MQTT v5 §2.2.2.2).
bool skipProperty(std::uint32_t id, Cursor& p) {
  std::string_view s;
  std::uint32_t v = 0;
  switch (id) {
    case 0x01:
    case 0x17:
    case 0x19:
    case 0x24:
    case 0x25:
    case 0x28:
    case 0x29:
    case 0x2A:
      return p.skip(1);
    case 0x13:
    case 0x21:
    case 0x22:
    case 0x23:
      return p.skip(2);
    case 0x02:
    case 0x11:
    case 0x18:
    case 0x27:
      return p.skip(4);
    case 0x0B:
      return p.varint(v);
    case 0x03:
    case 0x08:
    case 0x09:
    case 0x12:
    case 0x15:
    case 0x16:
    case 0x1A:
    case 0x1C:
    case 0x1F:
      return p.lengthPrefixed(s);
    case 0x26:
      return p.lengthPrefixed(s) && p.lengthPrefixed(s);
    default:
      return false;
  }
}

}  // namespace

void encodeVarint(std::uint32_t value, std::string& out) {
  AG_CHECK(value <= kMaxVarint, "variable-byte integers hold at most 268,435,455");
  do {
    auto byte = static_cast<std::uint8_t>(value & 0x7F);
    value >>= 7;
    if (value > 0) {
      byte |= 0x80;
    }
    out.push_back(static_cast<char>(byte));
  } while (value > 0);
}

VarintDecode decodeVarint(std::string_view bytes) {
  VarintDecode d;
  std::uint32_t multiplier = 1;
  for (std::size_t i = 0; i < 4; ++i) {
    if (i >= bytes.size()) {
      d.status = DecodeStatus::kNeedMore;
      return d;
    }
    const auto byte = static_cast<std::uint8_t>(bytes[i]);
    d.value += (byte & 0x7Fu) * multiplier;
    if ((byte & 0x80) == 0) {
      d.status = DecodeStatus::kOk;
      d.length = i + 1;
      return d;
    }
    multiplier *= 128;
  }
  d.status = DecodeStatus::kMalformed;
  d.value = 0;
  return d;
}

FrameDecode decodeFrame(std::string_view bytes, std::size_t max_packet_size) {
  FrameDecode r;
  if (bytes.empty()) {
    return r;
  }
  const auto first = static_cast<std::uint8_t>(bytes[0]);
  if ((first >> 4) == 0) {
    r.status = DecodeStatus::kMalformed;
    return r;
  }
  const auto len = decodeVarint(bytes.substr(1));
  if (len.status != DecodeStatus::kOk) {
    r.status = len.status;
    return r;
  }
  const std::size_t total = 1 + len.length + len.value;
  if (total > max_packet_size) {
    r.status = DecodeStatus::kMalformed;
    return r;
  }
  if (bytes.size() < total) {
    r.needed = total;
    return r;
  }
  r.status = DecodeStatus::kOk;
  r.frame.type = static_cast<PacketType>(first >> 4);
  r.frame.flags = first & 0x0F;
  r.frame.body = bytes.substr(1 + len.length, len.value);
  r.frame.total_length = total;
  return r;
}

void encodeConnect(const ConnectOptions& options, std::string& out) {
  std::string props;
  props.push_back(0x11);  // Session Expiry Interval
  putU32(options.session_expiry_s, props);
  if (options.receive_maximum != 0) {
    props.push_back(0x21);  // Receive Maximum
    putU16(options.receive_maximum, props);
  }
  std::string body;
  putString("MQTT", body);
  body.push_back(5);  // Protocol level: v5.
  std::uint8_t flags = 0;
  if (options.clean_start) {
    flags |= 0x02;
  }
  if (!options.password.empty()) {
    flags |= 0x40;
  }
  if (!options.username.empty()) {
    flags |= 0x80;
  }
  body.push_back(static_cast<char>(flags));
  putU16(options.keepalive_s, body);
  encodeVarint(static_cast<std::uint32_t>(props.size()), body);
  body += props;
  putString(options.client_id, body);
  if (!options.username.empty()) {
    putString(options.username, body);
  }
  if (!options.password.empty()) {
    putString(options.password, body);
  }
  putFixedHeader(0x10, body.size(), out);
  out += body;
}

void encodeSubscribe(std::uint16_t packet_id, const std::vector<std::string>& filters,
                     std::uint8_t max_qos, std::string& out) {
  AG_CHECK(packet_id != 0 && !filters.empty() && max_qos <= 1, "SUBSCRIBE preconditions");
  std::size_t remaining = 2 + 1;  // packet id + empty properties
  for (const auto& f : filters) {
    remaining += 2 + f.size() + 1;
  }
  putFixedHeader(0x82, remaining, out);
  putU16(packet_id, out);
  out.push_back(0);  // no properties
  for (const auto& f : filters) {
    putString(f, out);
    out.push_back(static_cast<char>(max_qos));
  }
}

void encodePublish(std::string_view topic, std::string_view payload, std::uint8_t qos,
                   std::uint16_t packet_id, bool dup, std::string& out) {
  AG_CHECK(qos <= 1 && (qos == 0 || packet_id != 0), "PUBLISH preconditions");
  const std::size_t remaining = 2 + topic.size() + (qos > 0 ? 2 : 0) + 1 + payload.size();
  std::uint8_t first = 0x30 | static_cast<std::uint8_t>(qos << 1);
  if (dup) {
    first |= 0x08;
  }
  putFixedHeader(first, remaining, out);
  putString(topic, out);
  if (qos > 0) {
    putU16(packet_id, out);
  }
  out.push_back(0);  // no properties
  out.append(payload);
}

void encodePuback(std::uint16_t packet_id, std::string& out) {
  AG_CHECK(packet_id != 0, "PUBACK needs a packet id");
  out.push_back(0x40);
  out.push_back(0x02);
  putU16(packet_id, out);
}

void encodePingreq(std::string& out) {
  out.push_back(static_cast<char>(0xC0));
  out.push_back(0);
}

void encodePingresp(std::string& out) {
  out.push_back(static_cast<char>(0xD0));
  out.push_back(0);
}

void encodeDisconnect(std::uint8_t reason_code, std::string& out) {
  out.push_back(static_cast<char>(0xE0));
  if (reason_code == 0) {
    out.push_back(0);
    return;
  }
  out.push_back(1);
  out.push_back(static_cast<char>(reason_code));
}

Status checkFlags(const Frame& frame) {
  std::uint8_t expected = 0;
  switch (frame.type) {
    case PacketType::kPublish:
      return okStatus();
    case PacketType::kPubrel:
    case PacketType::kSubscribe:
    case PacketType::kUnsubscribe:
      expected = 0x02;
      break;
    default:
      expected = 0;
      break;
  }
  if (frame.flags != expected) {
    return malformed("reserved fixed-header flags");
  }
  return okStatus();
}

Result<Connack> decodeConnack(const Frame& frame) {
  if (frame.type != PacketType::kConnack || frame.flags != 0) {
    return malformed("CONNACK header");
  }
  Cursor c(frame.body);
  Connack r;
  std::uint8_t ack_flags = 0;
  if (!c.u8(ack_flags) || (ack_flags & 0xFE) != 0 || !c.u8(r.reason_code)) {
    return malformed("CONNACK flags");
  }
  r.session_present = (ack_flags & 0x01) != 0;
  if (c.atEnd()) {
    return r;  // A refusal may omit the properties.
  }
  const bool ok = readProperties(c, [&](std::uint32_t id, Cursor& p) {
    if (id == 0x21) {
      return p.u16(r.receive_maximum) && r.receive_maximum != 0;
    }
    if (id == 0x24) {
      return p.u8(r.maximum_qos) && r.maximum_qos <= 1;
    }
    return skipProperty(id, p);
  });
  if (!ok || !c.atEnd()) {
    return malformed("CONNACK properties");
  }
  return r;
}

Result<Suback> decodeSuback(const Frame& frame) {
  if (frame.type != PacketType::kSuback || frame.flags != 0) {
    return malformed("SUBACK header");
  }
  Cursor c(frame.body);
  Suback r;
  if (!c.u16(r.packet_id) || r.packet_id == 0 ||
      !readProperties(c, [](std::uint32_t id, Cursor& p) { return skipProperty(id, p); })) {
    return malformed("SUBACK header fields");
  }
  if (c.atEnd()) {
    return malformed("SUBACK without reason codes");
  }
  while (!c.atEnd()) {
    std::uint8_t code = 0;
    c.u8(code);
    r.reason_codes.push_back(code);
  }
  return r;
}

Result<PublishView> decodePublish(const Frame& frame) {
  if (frame.type != PacketType::kPublish) {
    return malformed("not a PUBLISH");
  }
  PublishView r;
  r.qos = (frame.flags >> 1) & 0x03;
  r.dup = (frame.flags & 0x08) != 0;
  r.retain = (frame.flags & 0x01) != 0;
  if (r.qos == 3) {
    return malformed("PUBLISH QoS 3");
  }
  if (r.qos == 0 && r.dup) {
    return malformed("DUP on QoS 0");
  }
  Cursor c(frame.body);
  if (!c.lengthPrefixed(r.topic)) {
    return malformed("PUBLISH topic");
  }
  if (r.topic.empty() ||
      r.topic.find_first_of(std::string_view("+#\0", 3)) != std::string_view::npos) {
    return malformed("PUBLISH topic name");
  }
  if (r.qos > 0 && (!c.u16(r.packet_id) || r.packet_id == 0)) {
    return malformed("PUBLISH packet id");
  }
  std::uint32_t props = 0;
  if (!c.varint(props) || !c.skip(props)) {
    return malformed("PUBLISH properties");
  }
  c.bytes(c.remaining(), r.payload);
  return r;
}

Result<Puback> decodePuback(const Frame& frame) {
  if (frame.flags != 0) {
    return malformed("PUBACK flags");
  }
  Cursor c(frame.body);
  Puback r;
  if (!c.u16(r.packet_id) || r.packet_id == 0) {
    return malformed("PUBACK packet id");
  }
  if (c.atEnd()) {
    return r;
  }
  c.u8(r.reason_code);
  if (!c.atEnd() &&
      !readProperties(c, [](std::uint32_t id, Cursor& p) { return skipProperty(id, p); })) {
    return malformed("PUBACK properties");
  }
  if (!c.atEnd()) {
    return malformed("PUBACK trailing bytes");
  }
  return r;
}

Result<std::uint8_t> decodeDisconnect(const Frame& frame) {
  if (frame.type != PacketType::kDisconnect || frame.flags != 0) {
    return malformed("DISCONNECT header");
  }
  Cursor c(frame.body);
  std::uint8_t reason = 0;
  if (c.atEnd()) {
    return reason;
  }
  c.u8(reason);
  if (!c.atEnd() &&
      !readProperties(c, [](std::uint32_t id, Cursor& p) { return skipProperty(id, p); })) {
    return malformed("DISCONNECT properties");
  }
  if (!c.atEnd()) {
    return malformed("DISCONNECT trailing bytes");
  }
  return reason;
}

}  // namespace anguan::ingest::mqtt
