#include "anguan/core/crypto.hpp"

#include <mutex>

#include <openssl/evp.h>
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

// Base64 through OpenSSL's EVP_EncodeBlock / EVP_DecodeBlock rather than libsodium's: sodium's
// codec runs in constant time (it is meant for secrets) at about 10 ns a byte, and drawn
// signatures (4 KB PNGs, decoded from each request and encoded again for storage) spent about
// 2 % of a permit lifecycle's CPU in it, half of that on the single writer thread
// (docs/performance.md, session 20). Nothing encoded here is a secret that timing could reveal.
std::string base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> base64Decode(std::string_view text) {
  // EVP_DecodeBlock trims white space and wants whole groups of four: the strict checks (the
  // alphabet only, padding only at the end and only where it belongs) are made here first.
  constexpr std::size_t kMaxText = 1U << 30;
  if (text.size() > kMaxText) {
    return std::nullopt;
  }
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') {
    ++padding;
  }
  const std::string_view body = text.substr(0, text.size() - padding);
  for (const char c : body) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/';
    if (!ok) {
      return std::nullopt;
    }
  }
  const std::size_t tail = body.size() % 4;
  if (tail == 1 || (padding > 0 && (tail == 0 || tail + padding != 4))) {
    return std::nullopt;
  }
  const std::size_t missing = tail == 0 ? 0 : 4 - tail;  // the '=' a group of four needs
  // Padded text (or text of whole groups) is decoded as it is; only unpadded text that ends in a
  // partial group is copied to add its padding.
  std::string padded;
  std::string_view input = text;
  if (padding == 0 && missing > 0) {
    padded.reserve(body.size() + missing);
    padded.append(body);
    padded.append(missing, '=');
    input = padded;
  }
  if (input.empty()) {
    return std::string();
  }
  std::string out(input.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(input.data()),
                                static_cast<int>(input.size()));
  if (n < 0 || static_cast<std::size_t>(n) != out.size()) {
    return std::nullopt;
  }
  out.resize(out.size() - missing);  // EVP_DecodeBlock counts the padding's zero bytes too
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
