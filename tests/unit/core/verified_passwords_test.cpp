#include "anguan/core/verified_passwords.hpp"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "anguan/core/crypto.hpp"

namespace anguan::crypto {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;

const Instant kT0 = fromMillis(1800000000000);

std::string hashOf(const std::string& password) {
  auto h = hashPassword(password, HashCost::kMinimum);
  EXPECT_TRUE(h.has_value());
  return h ? *h : std::string();
}

TEST(VerifiedPasswords, ARightPasswordIsRememberedUntilTheTtlEnds) {
  VerifiedPasswords v(minutes(10), 16);
  const std::string hash = hashOf("right-1");
  EXPECT_TRUE(v.verify(hash, "right-1", kT0));
  EXPECT_EQ(v.size(), 1u);
  // Still remembered 1 ms before the end; forgotten at the end, then checked (and kept) again.
  EXPECT_TRUE(v.verify(hash, "right-1", kT0 + minutes(10) - milliseconds(1)));
  EXPECT_EQ(v.size(), 1u);
  EXPECT_TRUE(v.verify(hash, "right-1", kT0 + minutes(10)));
  EXPECT_EQ(v.size(), 1u);
}

TEST(VerifiedPasswords, AWrongPasswordIsRefusedEveryTimeAndNeverKept) {
  VerifiedPasswords v(minutes(10), 16);
  const std::string hash = hashOf("right-1");
  EXPECT_FALSE(v.verify(hash, "wrong-1", kT0));
  EXPECT_FALSE(v.verify(hash, "wrong-1", kT0));
  EXPECT_FALSE(v.verify(hash, "", kT0));
  EXPECT_EQ(v.size(), 0u);
  // A remembered right password does not let a wrong one through.
  EXPECT_TRUE(v.verify(hash, "right-1", kT0));
  EXPECT_FALSE(v.verify(hash, "right-2", kT0));
  EXPECT_FALSE(v.verify(hash, "right-1x", kT0));
}

TEST(VerifiedPasswords, ANewHashForgetsTheOldPassword) {
  VerifiedPasswords v(minutes(10), 16);
  const std::string before = hashOf("old-pass-1");
  EXPECT_TRUE(v.verify(before, "old-pass-1", kT0));
  // The password was reset (here or on another node): the old one is checked against the new
  // hash, and fails, although it was remembered a moment ago.
  const std::string after = hashOf("new-pass-1");
  EXPECT_FALSE(v.verify(after, "old-pass-1", kT0));
  EXPECT_TRUE(v.verify(after, "new-pass-1", kT0));
  // A hash and a password that only concatenate alike are told apart.
  EXPECT_FALSE(v.verify(before + "x", "old-pass-1", kT0));
}

TEST(VerifiedPasswords, ItKeepsAtMostItsCapacity) {
  VerifiedPasswords v(minutes(10), 3);
  std::string hashes[5];
  for (int i = 0; i < 5; ++i) {
    hashes[i] = hashOf("pass-" + std::to_string(i));
    EXPECT_TRUE(v.verify(hashes[i], "pass-" + std::to_string(i), kT0 + milliseconds(i)));
    EXPECT_LE(v.size(), 3u);
  }
  // Full of live entries: it starts over rather than grow; every check still answers right.
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(v.verify(hashes[i], "pass-" + std::to_string(i), kT0 + milliseconds(10)));
    EXPECT_FALSE(v.verify(hashes[i], "pass-x", kT0 + milliseconds(10)));
  }
  EXPECT_LE(v.size(), 3u);
}

}  // namespace
}  // namespace anguan::crypto
