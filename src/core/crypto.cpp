#include "anguan/core/crypto.hpp"

#include <mutex>

#include <sodium.h>

#include "anguan/core/assert.hpp"

namespace anguan::crypto {

void initCrypto() {
  static std::once_flag once;
  std::call_once(once, [] { AG_CHECK(sodium_init() >= 0, "libsodium must initialise"); });
}

Result<std::string> hashPassword(std::string_view password, HashCost cost) {
  initCrypto();
  char out[crypto_pwhash_STRBYTES];
  const auto ops = cost == HashCost::kInteractive ? crypto_pwhash_OPSLIMIT_INTERACTIVE
                                                  : crypto_pwhash_OPSLIMIT_MIN;
  const auto mem = cost == HashCost::kInteractive ? crypto_pwhash_MEMLIMIT_INTERACTIVE
                                                  : crypto_pwhash_MEMLIMIT_MIN;
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops, mem,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error::unavailable("auth.hash_failed", "password hashing ran out of memory");
  }
  return std::string(out);
}

bool verifyPassword(std::string_view encoded_hash, std::string_view password) {
  initCrypto();
  const std::string hash(encoded_hash);
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string randomToken() {
  initCrypto();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

std::string sha256Hex(std::string_view data) {
  initCrypto();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

}  // namespace anguan::crypto
