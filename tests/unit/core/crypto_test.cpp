#include "anguan/core/crypto.hpp"

#include <optional>
#include <set>
#include <string>
#include <utility>

#include <gtest/gtest.h>

namespace anguan::crypto {
namespace {

class CryptoTest : public ::testing::Test {};

TEST_F(CryptoTest, HashPasswordProducesAnArgon2idEncodedHashThatVerifies) {
  auto hash = hashPassword("s3cret-Password", HashCost::kMinimum);
  ASSERT_TRUE(hash.has_value());
  EXPECT_EQ(hash->rfind("$argon2id$v=19$", 0), 0u) << *hash;
  EXPECT_TRUE(verifyPassword(*hash, "s3cret-Password"));
}

TEST_F(CryptoTest, VerifyPasswordRejectsAWrongPassword) {
  auto hash = hashPassword("s3cret-Password", HashCost::kMinimum);
  ASSERT_TRUE(hash.has_value());
  EXPECT_FALSE(verifyPassword(*hash, "s3cret-password"));
  EXPECT_FALSE(verifyPassword(*hash, "s3cret-Password "));
  EXPECT_FALSE(verifyPassword(*hash, ""));
}

TEST_F(CryptoTest, VerifyPasswordRejectsAMalformedHash) {
  EXPECT_FALSE(verifyPassword("", "anything1"));
  EXPECT_FALSE(verifyPassword("not-a-hash", "anything1"));
  EXPECT_FALSE(verifyPassword("$argon2id$v=19$m=8,t=1,p=1$", "anything1"));
}

TEST_F(CryptoTest, HashingTheSamePasswordTwiceUsesDifferentSalts) {
  auto a = hashPassword("same-password-1", HashCost::kMinimum);
  auto b = hashPassword("same-password-1", HashCost::kMinimum);
  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(b.has_value());
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(verifyPassword(*a, "same-password-1"));
  EXPECT_TRUE(verifyPassword(*b, "same-password-1"));
}

TEST_F(CryptoTest, PasswordsWithMultibyteCharactersVerify) {
  auto hash = hashPassword("安全生产2026", HashCost::kMinimum);
  ASSERT_TRUE(hash.has_value());
  EXPECT_TRUE(verifyPassword(*hash, "安全生产2026"));
  EXPECT_FALSE(verifyPassword(*hash, "安全生产2025"));
}

TEST_F(CryptoTest, RandomTokenIs43UrlSafeCharacters) {
  const std::string token = randomToken();
  EXPECT_EQ(token.size(), 43u);
  for (char c : token) {
    const bool url_safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '_';
    EXPECT_TRUE(url_safe) << "unexpected character '" << c << "' in " << token;
  }
}

TEST_F(CryptoTest, RandomTokensAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string token = randomToken();
    ASSERT_EQ(token.size(), 43u);
    EXPECT_TRUE(seen.insert(token).second) << "duplicate token " << token;
  }
}

TEST_F(CryptoTest, Sha256HexMatchesKnownVectors) {
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_F(CryptoTest, Sha256HexHashesEmbeddedNulBytes) {
  const std::string with_nul("a\0b", 3);
  EXPECT_NE(sha256Hex(with_nul), sha256Hex("a"));
  EXPECT_EQ(sha256Hex(with_nul).size(), 64u);
}

// RFC 4648 §10 vectors, with and without their padding.
TEST_F(CryptoTest, Base64MatchesTheRfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64Encode(plain), encoded) << plain;
    EXPECT_EQ(base64Decode(encoded), plain) << encoded;
    std::string unpadded = encoded;
    unpadded.erase(unpadded.find_last_not_of('=') + 1);
    EXPECT_EQ(base64Decode(unpadded), plain) << unpadded;
  }
}

TEST_F(CryptoTest, Base64RoundTripsEveryByteValueAtEveryLength) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes.push_back(static_cast<char>(i));
  }
  for (std::size_t len = 0; len <= bytes.size(); ++len) {
    const auto part = bytes.substr(0, len);
    const auto encoded = base64Encode(part);
    EXPECT_EQ(encoded.size(), 4 * ((len + 2) / 3));
    EXPECT_EQ(base64Decode(encoded), part) << len;
  }
}

TEST_F(CryptoTest, Base64DecodeRefusesMalformedText) {
  const std::string bads[] = {
      "Zg=",         "Z",        "Zm9vY",    "=",         "==",
      "Zm9v=",       "Zg===",    "Z===",     "Zm9v YmFy", " Zm9v",
      "Zm9v\n",      "Zm9v-_==", "Zg==Zg==", "Zm=v",      std::string("Zm\0v", 4),
      "Zm9v\xc3\xa9"};
  for (const auto& bad : bads) {
    EXPECT_EQ(base64Decode(bad), std::nullopt) << bad;
  }
}

TEST_F(CryptoTest, InitCryptoIsIdempotent) {
  initCrypto();
  initCrypto();
  EXPECT_EQ(sha256Hex("abc").size(), 64u);
}

}  // namespace
}  // namespace anguan::crypto
