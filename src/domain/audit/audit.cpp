#include "anguan/domain/audit/audit.hpp"

#include "anguan/core/crypto.hpp"

namespace anguan::audit {
namespace {

void put(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ';';
}

}  // namespace

std::string canonicalContent(const Entry& e) {
  std::string out;
  out.reserve(256 + e.before_json.size() + e.after_json.size());
  put(out, std::to_string(e.seq));
  put(out, std::to_string(toMillis(e.at)));
  put(out, std::to_string(e.actor_id));
  put(out, e.actor_name);
  put(out, e.client_address);
  put(out, e.action);
  put(out, e.entity);
  put(out, std::to_string(e.entity_id));
  put(out, e.org_path);
  put(out, e.before_json);
  put(out, e.after_json);
  return out;
}

std::string chainHash(const Entry& entry) {
  return crypto::sha256Hex(entry.prev_hash + canonicalContent(entry));
}

bool ChainVerifier::feed(const Entry& entry) {
  if (!result_.ok) {
    return false;
  }
  auto fail = [&](const char* reason) {
    result_.ok = false;
    result_.first_bad_seq = entry.seq;
    result_.reason = reason;
    return false;
  };
  if (entry.seq != expected_seq_) {
    // Report the position where the sequence breaks (a removed entry shows up here).
    result_.ok = false;
    result_.first_bad_seq = expected_seq_;
    result_.reason = "sequence_gap";
    return false;
  }
  if (entry.prev_hash != expected_prev_) {
    return fail("broken_link");
  }
  if (chainHash(entry) != entry.hash) {
    return fail("hash_mismatch");
  }
  expected_prev_ = entry.hash;
  ++expected_seq_;
  ++result_.checked;
  return true;
}

}  // namespace anguan::audit
