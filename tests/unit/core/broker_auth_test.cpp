#include "anguan/core/broker_auth.hpp"

#include <string>

#include <gtest/gtest.h>

#include "anguan/core/crypto.hpp"

namespace anguan::broker {
namespace {

std::string hex(const std::string& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    out.push_back(kDigits[(static_cast<unsigned char>(c) >> 4) & 0xF]);
    out.push_back(kDigits[static_cast<unsigned char>(c) & 0xF]);
  }
  return out;
}

struct Pbkdf2Case {
  std::string password;
  std::string salt;
  std::uint32_t iterations;
  std::size_t length;
  std::string hex;
};

class Pbkdf2Test : public ::testing::TestWithParam<Pbkdf2Case> {};

TEST_P(Pbkdf2Test, MatchesPublishedVectors) {
  const auto& c = GetParam();
  EXPECT_EQ(hex(pbkdf2HmacSha512(c.password, c.salt, c.iterations, c.length)), c.hex);
}

// PBKDF2-HMAC-SHA512 vectors (the RFC 6070 inputs, as also computed by Python's hashlib).
INSTANTIATE_TEST_SUITE_P(
    Vectors, Pbkdf2Test,
    ::testing::Values(
        Pbkdf2Case{"password", "salt", 1, 64,
                   "867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252c02d470a285a05"
                   "01bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce"},
        Pbkdf2Case{"password", "salt", 2, 64,
                   "e1d9c16aa681708a45f5c7c4e215ceb66e011a2e9f0040713f18aefdb866d53cf76cab2868a39b"
                   "9f7840edce4fef5a82be67335c77a6068e04112754f27ccf4e"},
        Pbkdf2Case{"passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 64,
                   "8c0511f4c6e597c6ac6315d8f0362e225f3c501495ba23b868c005174dc4ee71115b59f9e60cd9"
                   "532fa33e0f75aefe30225c583a186cd82bd4daea9724a3d3b8"},
        // Shorter keys are prefixes; longer ones use a second block.
        Pbkdf2Case{"password", "salt", 1, 8, "867f70cf1ade02cf"}));

TEST(Pbkdf2Test, KeysLongerThanOneBlockStartWithTheFirstBlock) {
  const auto one = pbkdf2HmacSha512("pw", "salt", 3, 64);
  const auto two = pbkdf2HmacSha512("pw", "salt", 3, 100);
  EXPECT_EQ(two.size(), 100u);
  EXPECT_EQ(two.substr(0, 64), one);
}

TEST(MosquittoPasswordTest, MatchesMosquittoPasswdOutputForTheSameSalt) {
  // `mosquitto_passwd -c -b pw svc secret` (mosquitto 2.0.11) wrote this line.
  const std::string line =
      "$7$101$zAVSn8UNHo7Sl4YH$gmaM6+TohdhxmUw62YKfxJZqsGI5Rl2LI750jtAp/fCyDkJgMKymTgUVj73J2NMOqZp"
      "Ogq03oJWGq/tTJd7Ocg==";
  const auto salt = crypto::base64Decode("zAVSn8UNHo7Sl4YH");
  ASSERT_TRUE(salt.has_value());
  EXPECT_EQ(mosquittoPasswordHash("secret", *salt), line);
  EXPECT_TRUE(mosquittoPasswordMatches(line, "secret"));
  EXPECT_FALSE(mosquittoPasswordMatches(line, "Secret"));
}

TEST(MosquittoPasswordTest, RandomSaltsDifferAndVerify) {
  const auto a = mosquittoPasswordHash("device-pw");
  const auto b = mosquittoPasswordHash("device-pw");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("$7$101$", 0), 0u);
  EXPECT_EQ(a.size(), 7 + 16 + 1 + 88u);  // 12-byte salt and 64-byte hash in base64
  EXPECT_TRUE(mosquittoPasswordMatches(a, "device-pw"));
  EXPECT_FALSE(mosquittoPasswordMatches(a, ""));
}

TEST(MosquittoPasswordTest, MalformedHashesDoNotMatch) {
  for (const char* bad : {"", "$6$101$a$b", "$7$", "$7$101$", "$7$x$YQ==$YQ==", "$7$0$YQ==$YQ==",
                          "$7$101$!!$YQ==", "$7$101$YQ==$", "$7$99999999999$YQ==$YQ=="}) {
    EXPECT_FALSE(mosquittoPasswordMatches(bad, "x")) << bad;
  }
}

TEST(MosquittoPasswordFileTest, WritesOneLinePerUserAndRejectsBadNames) {
  const auto hash = mosquittoPasswordHash("pw");
  auto file = mosquittoPasswordFile({{"anguan", hash}, {"dev-01", hash}});
  ASSERT_TRUE(file.has_value());
  EXPECT_EQ(*file, "anguan:" + hash + "\ndev-01:" + hash + "\n");

  for (const char* bad : {"", "a:b", "a b", "a\nb", "a\tb"}) {
    auto r = mosquittoPasswordFile({{bad, hash}});
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().key(), "mqtt.bad_username");
  }
  auto r = mosquittoPasswordFile({{"u", "plain"}});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().key(), "mqtt.bad_password_hash");
}

TEST(MosquittoAclTest, ServiceReadsEverythingAndEachDeviceWritesItsOwnCode) {
  auto acl = mosquittoAcl("anguan", {{"dev-01", "GD-001"}, {"cam-7", "CAM7"}});
  ASSERT_TRUE(acl.has_value());
  EXPECT_NE(acl->find("user anguan\ntopic read anguan/#\n"), std::string::npos);
  EXPECT_NE(acl->find("user dev-01\ntopic write anguan/+/GD-001/#\n"), std::string::npos);
  EXPECT_NE(acl->find("user cam-7\ntopic write anguan/+/CAM7/#\n"), std::string::npos);
}

TEST(MosquittoAclTest, ForCodesUsesEachCodeAsTheUserName) {
  auto acl = mosquittoAclForCodes("anguan", {"GD-001"});
  ASSERT_TRUE(acl.has_value());
  EXPECT_NE(acl->find("user GD-001\ntopic write anguan/+/GD-001/#\n"), std::string::npos);
  EXPECT_EQ(mosquittoAclForCodes("anguan", {"a:b"}).error().key(), "mqtt.bad_username");
}

TEST(MosquittoAclTest, RejectsCodesThatWouldWidenTheRule) {
  for (const char* bad : {"", "a/b", "+", "#", "a b", "x\ny"}) {
    auto r = mosquittoAcl("anguan", {{"dev", bad}});
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().key(), "mqtt.bad_device_code");
  }
  EXPECT_EQ(mosquittoAcl("bad user", {}).error().key(), "mqtt.bad_username");
  EXPECT_EQ(mosquittoAcl("anguan", {{"", "X"}}).error().key(), "mqtt.bad_username");
}

}  // namespace
}  // namespace anguan::broker
