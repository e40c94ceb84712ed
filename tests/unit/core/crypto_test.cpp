#include "anguan/core/crypto.hpp"

#include <set>
#include <string>

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

TEST_F(CryptoTest, InitCryptoIsIdempotent) {
  initCrypto();
  initCrypto();
  EXPECT_EQ(sha256Hex("abc").size(), 64u);
}

}  // namespace
}  // namespace anguan::crypto
