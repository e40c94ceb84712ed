// Service-wide settings and the outgoing event port.
//
// Thread safety: EventPublisher implementations must be safe from any thread (services publish
// after their transaction commits, from request threads).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "anguan/core/crypto.hpp"
#include "anguan/domain/auth/access.hpp"

namespace anguan::service {

struct Settings {
  // Enterprise time zone as a fixed UTC offset (China has no daylight saving time).
  int tz_offset_minutes = 480;
  std::string tz_name = "Asia/Shanghai";
  std::chrono::minutes session_ttl{12 * 60};
  auth::LockoutPolicy lockout;
  // Days before expiry at which a certificate shows as "expiring".
  int certificate_warn_days = 30;
  std::size_t import_max_rows = 10000;
  // argon2id cost for passwords set through the services. Tests use kMinimum; never lower it
  // in production.
  crypto::HashCost password_hash_cost = crypto::HashCost::kInteractive;
};

// Resolves "Asia/Shanghai", "UTC", "+08:00", "-05:30" ... to minutes east of UTC. Returns false
// for an unknown name. IANA zones with daylight saving are not supported (fixed offsets only).
bool resolveTimeZone(const std::string& name, int& offset_minutes);

// A change event for live clients. `org_path` scopes who may receive it ("" = everyone).
struct Event {
  std::string topic;  // e.g. "base.areas"
  std::string org_path;
  std::string json;  // The event's data object, serialised.
  // When non-zero, only that user's connections receive it (personal notifications).
  std::int64_t user_id = 0;
};

// Internal topic: every session of data.user_id was revoked. Hubs act on it and never forward it.
inline constexpr const char* kSessionsRevokedTopic = "internal.sessions_revoked";

class EventPublisher {
 public:
  virtual ~EventPublisher() = default;
  virtual void publish(const Event& event) = 0;
};

// Drops events; for command-line tools and tests that don't watch them.
class NullEventPublisher final : public EventPublisher {
 public:
  void publish(const Event& /*event*/) override {}
};

}  // namespace anguan::service
