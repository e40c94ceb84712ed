// The audit trail: an append-only chain of entries, each carrying the SHA-256 of the previous
// entry's hash plus its own content, so that altering, removing or reordering any entry breaks
// the chain from that point on (`anguan audit verify`).
//
// Thread safety: pure functions and value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "anguan/core/clock.hpp"

namespace anguan::audit {

struct Entry {
  std::int64_t seq = 0;       // 1, 2, 3, ... assigned on append, no gaps.
  Instant at{};               // Server time.
  std::int64_t actor_id = 0;  // 0 = system or anonymous (failed login).
  std::string actor_name;
  std::string client_address;
  std::string action;  // "create", "update", "delete", "login", "login_failed", ...
  std::string entity;  // "areas", "users", "sessions", ...
  std::int64_t entity_id = 0;
  std::string org_path;     // Scope of the record, for filtering by auditors.
  std::string before_json;  // "" when not applicable.
  std::string after_json;
  std::string prev_hash;  // Hash of entry seq-1; kGenesisHash for seq 1.
  std::string hash;       // chainHash(prev_hash, *this).
};

inline constexpr const char* kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The canonical byte string that is hashed: every field but `hash`, length-prefixed so that no
// two different entries serialise alike.
std::string canonicalContent(const Entry& entry);
// SHA-256 hex of prev_hash + canonicalContent(entry).
std::string chainHash(const Entry& entry);

struct VerifyResult {
  bool ok = true;
  std::int64_t checked = 0;
  std::optional<std::int64_t> first_bad_seq;  // The first entry that fails.
  std::string reason;  // "hash_mismatch", "broken_link", "sequence_gap", "" when ok.
};

// Incremental verifier: feed entries in seq order.
class ChainVerifier {
 public:
  // Returns false at the first bad entry; then result() tells which and why.
  bool feed(const Entry& entry);
  const VerifyResult& result() const { return result_; }

 private:
  std::string expected_prev_ = kGenesisHash;
  std::int64_t expected_seq_ = 1;
  VerifyResult result_;
};

}  // namespace anguan::audit
