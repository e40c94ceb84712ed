// Successful password checks remembered for a while (crypto::VerifiedPasswords).
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "anguan/core/clock.hpp"

namespace anguan::crypto {

// verifyPassword() for a password re-entered again and again, such as an approver's signature on
// one permit after another: a check that succeeded is remembered for `ttl` (from that check, not
// from the last use), so the same password against the same stored hash skips the argon2id work
// (about 130 ms of CPU at the interactive cost) until then. What is kept is an HMAC-SHA-256 of
// (stored hash, password) under a random key of this object, never the password. A failed check
// is not remembered, so guessing still pays the full cost each time; a changed hash (a new
// password, on any node) no longer matches. At most `capacity` checks are kept.
//
// Thread safety: safe from any thread.
class VerifiedPasswords {
 public:
  VerifiedPasswords(std::chrono::milliseconds ttl, std::size_t capacity);
  bool verify(std::string_view encoded_hash, std::string_view password, Instant now);
  std::size_t size() const;

 private:
  std::string keyOf(std::string_view encoded_hash, std::string_view password) const;

  std::chrono::milliseconds ttl_;
  std::size_t capacity_;
  std::string secret_;  // HMAC key, random per object
  mutable std::mutex mu_;
  std::map<std::string, Instant> until_;  // key → when the check is forgotten
};

}  // namespace anguan::crypto
