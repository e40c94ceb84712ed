#include "anguan/core/verified_passwords.hpp"

#include <sodium.h>

#include "anguan/core/crypto.hpp"

namespace anguan::crypto {

VerifiedPasswords::VerifiedPasswords(std::chrono::milliseconds ttl, std::size_t capacity)
    : ttl_(ttl), capacity_(capacity) {
  initCrypto();
  secret_.resize(crypto_auth_hmacsha256_KEYBYTES);
  randombytes_buf(secret_.data(), secret_.size());
}

std::string VerifiedPasswords::keyOf(std::string_view encoded_hash,
                                     std::string_view password) const {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret_.data()),
                              secret_.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(encoded_hash.data()),
                                encoded_hash.size());
  const unsigned char separator = 0;
  crypto_auth_hmacsha256_update(&state, &separator, 1);
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(password.data()),
                                password.size());
  std::string out(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

bool VerifiedPasswords::verify(std::string_view encoded_hash, std::string_view password,
                               Instant now) {
  if (password.empty()) {
    return false;
  }
  const std::string key = keyOf(encoded_hash, password);
  {
    std::lock_guard lock(mu_);
    auto it = until_.find(key);
    if (it != until_.end()) {
      if (now < it->second) {
        return true;
      }
      until_.erase(it);
    }
  }
  if (!verifyPassword(encoded_hash, password)) {
    return false;
  }
  std::lock_guard lock(mu_);
  if (until_.size() >= capacity_) {
    std::erase_if(until_, [&](const auto& kv) { return kv.second <= now; });
    if (until_.size() >= capacity_) {
      until_.clear();
    }
  }
  until_[key] = now + ttl_;
  return true;
}

std::size_t VerifiedPasswords::size() const {
  std::lock_guard lock(mu_);
  return until_.size();
}

}  // namespace anguan::crypto
