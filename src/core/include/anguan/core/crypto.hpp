// Cryptographic helpers on libsodium: argon2id password hashing, random tokens and SHA-256.
//
// Thread safety: all functions are safe from any thread once initCrypto() has run (it is called
// from each function too, and is idempotent).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "anguan/core/result.hpp"

namespace anguan::crypto {

void initCrypto();

// argon2id in libsodium's encoded form ("$argon2id$v=19$m=...").
// `interactive` = libsodium's INTERACTIVE limits; tests and demo data may use the faster MIN
// limits through `fast` (never for real accounts created through the API).
enum class HashCost { kInteractive, kMinimum };
[[nodiscard]] Result<std::string> hashPassword(std::string_view password,
                                               HashCost cost = HashCost::kInteractive);
bool verifyPassword(std::string_view encoded_hash, std::string_view password);

// 32 random bytes, URL-safe base64 without padding (43 chars).
std::string randomToken();

// Standard base64 with padding (RFC 4648 §4).
std::string base64Encode(std::string_view bytes);
// Decodes standard base64 (padding optional, no whitespace); nullopt when malformed.
std::optional<std::string> base64Decode(std::string_view text);

// Lower-case hex SHA-256 of `data`.
std::string sha256Hex(std::string_view data);

}  // namespace anguan::crypto
