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

std::string base64Encode(std::string_view bytes) {
  initCrypto();
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

std::optional<std::string> base64Decode(std::string_view text) {
  initCrypto();
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  const int variant = text.find('=') == std::string_view::npos
                          ? sodium_base64_VARIANT_ORIGINAL_NO_PADDING
                          : sodium_base64_VARIANT_ORIGINAL;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end, variant) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(len);
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
