#include "anguan/ingest/mqtt_codec.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace anguan::ingest::mqtt {
namespace {

std::string bytes(std::initializer_list<int> list) {
  std::string s;
  for (int b : list) {
    s.push_back(static_cast<char>(b));
  }
  return s;
}

Frame frameOf(const std::string& packet) {
  auto d = decodeFrame(packet, 1 << 20);
  EXPECT_EQ(d.status, DecodeStatus::kOk);
  return d.frame;
}

struct VarintCase {
  std::uint32_t value;
  std::string encoded;
};

class VarintTest : public ::testing::TestWithParam<VarintCase> {};

TEST_P(VarintTest, EncodesToTheSpecBytesAndDecodesBack) {
  const auto& c = GetParam();
  std::string out;
  encodeVarint(c.value, out);
  EXPECT_EQ(out, c.encoded);
  auto d = decodeVarint(out + "trailing");
  ASSERT_EQ(d.status, DecodeStatus::kOk);
  EXPECT_EQ(d.value, c.value);
  EXPECT_EQ(d.length, c.encoded.size());
  // Every strict prefix needs more.
  for (std::size_t n = 0; n < out.size(); ++n) {
    EXPECT_EQ(decodeVarint(out.substr(0, n)).status, DecodeStatus::kNeedMore) << n;
  }
}

// MQTT v5 §1.5.5: the boundaries of 1, 2, 3 and 4 bytes.
INSTANTIATE_TEST_SUITE_P(
    Boundaries, VarintTest,
    ::testing::Values(VarintCase{0, bytes({0x00})}, VarintCase{127, bytes({0x7F})},
                      VarintCase{128, bytes({0x80, 0x01})}, VarintCase{16'383, bytes({0xFF, 0x7F})},
                      VarintCase{16'384, bytes({0x80, 0x80, 0x01})},
                      VarintCase{2'097'151, bytes({0xFF, 0xFF, 0x7F})},
                      VarintCase{2'097'152, bytes({0x80, 0x80, 0x80, 0x01})},
                      VarintCase{268'435'455, bytes({0xFF, 0xFF, 0xFF, 0x7F})}));

TEST(VarintDecodeTest, AFifthByteIsMalformed) {
  EXPECT_EQ(decodeVarint(bytes({0xFF, 0xFF, 0xFF, 0xFF, 0x7F})).status, DecodeStatus::kMalformed);
  EXPECT_EQ(decodeVarint(bytes({0x80, 0x80, 0x80, 0x80})).status, DecodeStatus::kMalformed);
  EXPECT_EQ(decodeVarint(bytes({0x80, 0x80, 0x80})).status, DecodeStatus::kNeedMore);
}

TEST(FrameTest, FramesOnePacketAndReportsWhatAPartialOneNeeds) {
  std::string two;
  encodePuback(7, two);
  encodePingresp(two);
  auto d = decodeFrame(two, 100);
  ASSERT_EQ(d.status, DecodeStatus::kOk);
  EXPECT_EQ(d.frame.type, PacketType::kPuback);
  EXPECT_EQ(d.frame.total_length, 4u);
  EXPECT_EQ(decodeFrame(std::string_view(two).substr(4), 100).frame.type, PacketType::kPingresp);

  std::string big;
  encodePublish("a/b", std::string(300, 'x'), 1, 9, false, big);
  auto partial = decodeFrame(std::string_view(big).substr(0, 10), 1 << 20);
  EXPECT_EQ(partial.status, DecodeStatus::kNeedMore);
  EXPECT_EQ(partial.needed, big.size());
  EXPECT_EQ(decodeFrame(std::string_view(big).substr(0, 1), 1 << 20).needed, 0u);
  EXPECT_EQ(decodeFrame("", 100).status, DecodeStatus::kNeedMore);
}

TEST(FrameTest, RejectsReservedTypeBadLengthAndOversizedPackets) {
  EXPECT_EQ(decodeFrame(bytes({0x00, 0x00}), 100).status, DecodeStatus::kMalformed);
  EXPECT_EQ(decodeFrame(bytes({0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}), 1u << 30).status,
            DecodeStatus::kMalformed);
  std::string p;
  encodePublish("t", std::string(100, 'x'), 0, 0, false, p);
  EXPECT_EQ(decodeFrame(p, p.size()).status, DecodeStatus::kOk);
  EXPECT_EQ(decodeFrame(p, p.size() - 1).status, DecodeStatus::kMalformed);
}

TEST(ConnectTest, EncodesV5WithSessionExpiryReceiveMaximumAndCredentials) {
  ConnectOptions o;
  o.client_id = "cid";
  o.username = "u";
  o.password = "pw";
  o.keepalive_s = 30;
  o.session_expiry_s = 604'800;
  o.receive_maximum = 4096;
  std::string out;
  encodeConnect(o, out);
  const auto expected = bytes({0x10, 31,                               // CONNECT, length
                               0,    4,    'M',  'Q',  'T',  'T',  5,  // protocol v5
                               0xC0,                                   // user+pw, no clean
                               0,    30,                               // keep alive
                               8,    0x11, 0x00, 0x09, 0x3A, 0x80,     // session expiry
                               0x21, 0x10, 0x00,                       // receive maximum
                               0,    3,    'c',  'i',  'd',  0,    1, 'u', 0, 2, 'p', 'w'});
  EXPECT_EQ(out, expected);
}

TEST(ConnectTest, CleanStartAndNoCredentialsSetOnlyTheCleanFlag) {
  ConnectOptions o;
  o.client_id = "x";
  o.clean_start = true;
  o.receive_maximum = 0;
  std::string out;
  encodeConnect(o, out);
  EXPECT_EQ(static_cast<std::uint8_t>(out[9]), 0x02);
  EXPECT_EQ(static_cast<std::uint8_t>(out[12]), 5);  // only the session expiry property
}

TEST(ConnackTest, DecodesSessionPresentReasonAndReceiveMaximum) {
  auto c = decodeConnack(frameOf(bytes({0x20, 6, 0x01, 0x00, 3, 0x21, 0x03, 0xE8})));
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->session_present);
  EXPECT_EQ(c->reason_code, 0);
  EXPECT_EQ(c->receive_maximum, 1000);

  auto refused = decodeConnack(frameOf(bytes({0x20, 2, 0x00, 0x86})));
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->reason_code, 0x86);
}

struct BadPacket {
  const char* name;
  std::string packet;
};

class MalformedConnackTest : public ::testing::TestWithParam<BadPacket> {};
TEST_P(MalformedConnackTest, IsAnError) {
  auto d = decodeFrame(GetParam().packet, 1 << 20);
  ASSERT_EQ(d.status, DecodeStatus::kOk);
  auto c = decodeConnack(d.frame);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().key(), "mqtt.malformed");
}
INSTANTIATE_TEST_SUITE_P(
    Cases, MalformedConnackTest,
    ::testing::Values(BadPacket{"Empty", bytes({0x20, 0})},
                      BadPacket{"OnlyFlags", bytes({0x20, 1, 0})},
                      BadPacket{"ReservedAckFlags", bytes({0x20, 2, 0x02, 0})},
                      BadPacket{"WrongHeaderFlags", bytes({0x21, 2, 0, 0})},
                      BadPacket{"PropertyLengthOverruns", bytes({0x20, 4, 0, 0, 9, 0x21})},
                      BadPacket{"TruncatedProperty", bytes({0x20, 5, 0, 0, 2, 0x21, 0x01})},
                      BadPacket{"UnknownProperty", bytes({0x20, 5, 0, 0, 2, 0x7E, 0x01})},
                      BadPacket{"ZeroReceiveMaximum", bytes({0x20, 6, 0, 0, 3, 0x21, 0, 0})},
                      BadPacket{"TrailingBytes", bytes({0x20, 4, 0, 0, 0, 9})}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(PublishTest, RoundTripsQos0AndQos1WithDup) {
  std::string p;
  encodePublish("anguan/s1/d1/telemetry", R"({"v":1})", 1, 513, true, p);
  auto v = decodePublish(frameOf(p));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->topic, "anguan/s1/d1/telemetry");
  EXPECT_EQ(v->payload, R"({"v":1})");
  EXPECT_EQ(v->qos, 1);
  EXPECT_TRUE(v->dup);
  EXPECT_EQ(v->packet_id, 513);

  std::string q;
  encodePublish("t", "", 0, 0, false, q);
  auto w = decodePublish(frameOf(q));
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->qos, 0);
  EXPECT_EQ(w->packet_id, 0);
  EXPECT_EQ(w->payload, "");
}

TEST(PublishTest, SkipsProperties) {
  // topic "a", packet id 1, properties: payload format (1 byte) + content type "js".
  const auto p = bytes({0x32, 14, 0, 1, 'a', 0, 1, 7, 0x01, 1, 0x03, 0, 2, 'j', 's', 'X'});
  auto v = decodePublish(frameOf(p));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->payload, "X");
}

class MalformedPublishTest : public ::testing::TestWithParam<BadPacket> {};
TEST_P(MalformedPublishTest, IsAnError) {
  auto d = decodeFrame(GetParam().packet, 1 << 20);
  ASSERT_EQ(d.status, DecodeStatus::kOk);
  auto v = decodePublish(d.frame);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().key(), "mqtt.malformed");
}
INSTANTIATE_TEST_SUITE_P(
    Cases, MalformedPublishTest,
    ::testing::Values(BadPacket{"QoS3", bytes({0x36, 6, 0, 1, 'a', 0, 1, 0})},
                      BadPacket{"DupOnQos0", bytes({0x38, 4, 0, 1, 'a', 0})},
                      BadPacket{"PacketIdZero", bytes({0x32, 6, 0, 1, 'a', 0, 0, 0})},
                      BadPacket{"TopicLengthOverruns", bytes({0x30, 3, 0, 9, 'a'})},
                      BadPacket{"TopicLengthTruncated", bytes({0x30, 1, 0})},
                      BadPacket{"EmptyTopic", bytes({0x30, 3, 0, 0, 0})},
                      BadPacket{"WildcardTopic", bytes({0x30, 4, 0, 1, '#', 0})},
                      BadPacket{"NulInTopic", bytes({0x30, 5, 0, 2, 'a', 0, 0})},
                      BadPacket{"MissingPacketId", bytes({0x32, 4, 0, 1, 'a', 0})},
                      BadPacket{"MissingProperties", bytes({0x30, 3, 0, 1, 'a'})},
                      BadPacket{"PropertiesOverrun", bytes({0x30, 5, 0, 1, 'a', 9, 1})},
                      BadPacket{"PropertyLengthTooLong",
                                bytes({0x30, 8, 0, 1, 'a', 0xFF, 0xFF, 0xFF, 0xFF, 0x7F})}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(SubscribeTest, EncodesEveryFilterAtQos1WithTheRequiredFlags) {
  std::string out;
  encodeSubscribe(1, {"a/+", "$share/g/b"}, 1, out);
  const auto expected = bytes({0x82, 22, 0,   1,   0,       //
                               0,    3,  'a', '/', '+', 1,  //
                               0,    10, '$', 's', 'h', 'a', 'r', 'e', '/', 'g', '/', 'b', 1});
  EXPECT_EQ(out, expected);
}

TEST(SubackTest, DecodesReasonCodesAndRejectsAnEmptyList) {
  auto s = decodeSuback(frameOf(bytes({0x90, 5, 0, 1, 0, 0x01, 0x87})));
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->packet_id, 1);
  EXPECT_EQ(s->reason_codes, (std::vector<std::uint8_t>{0x01, 0x87}));
  EXPECT_FALSE(decodeSuback(frameOf(bytes({0x90, 3, 0, 1, 0}))).has_value());
  EXPECT_FALSE(decodeSuback(frameOf(bytes({0x90, 2, 0, 1}))).has_value());
  EXPECT_FALSE(decodeSuback(frameOf(bytes({0x92, 4, 0, 1, 0, 0}))).has_value());
}

TEST(PubackTest, ShortAndLongFormsDecode) {
  std::string out;
  encodePuback(0x1234, out);
  EXPECT_EQ(out, bytes({0x40, 2, 0x12, 0x34}));
  auto a = decodePuback(frameOf(out));
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->packet_id, 0x1234);
  EXPECT_EQ(a->reason_code, 0);
  auto b = decodePuback(frameOf(bytes({0x40, 4, 0, 5, 0x87, 0})));
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->reason_code, 0x87);
  EXPECT_FALSE(decodePuback(frameOf(bytes({0x40, 1, 0}))).has_value());
  EXPECT_FALSE(decodePuback(frameOf(bytes({0x40, 2, 0, 0}))).has_value());
  EXPECT_FALSE(decodePuback(frameOf(bytes({0x41, 2, 0, 1}))).has_value());
  EXPECT_FALSE(decodePuback(frameOf(bytes({0x40, 5, 0, 1, 0, 0, 9}))).has_value());
}

TEST(ControlPacketTest, PingAndDisconnectEncodeAndFlagsAreChecked) {
  std::string out;
  encodePingreq(out);
  EXPECT_EQ(out, bytes({0xC0, 0}));
  out.clear();
  encodeDisconnect(0, out);
  EXPECT_EQ(out, bytes({0xE0, 0}));
  out.clear();
  encodeDisconnect(0x8E, out);
  EXPECT_EQ(out, bytes({0xE0, 1, 0x8E}));
  auto r = decodeDisconnect(frameOf(out));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 0x8E);

  EXPECT_TRUE(checkFlags(frameOf(bytes({0xD0, 0}))).has_value());
  EXPECT_FALSE(checkFlags(frameOf(bytes({0xD1, 0}))).has_value());
  EXPECT_TRUE(checkFlags(frameOf(bytes({0x82, 0}))).has_value());
  EXPECT_FALSE(checkFlags(frameOf(bytes({0x80, 0}))).has_value());
}

}  // namespace
}  // namespace anguan::ingest::mqtt
