// Reading and verifying the audit trail, and the one helper every service uses to append to it.
//
// Thread safety: safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"
#include "anguan/domain/audit/audit.hpp"
#include "anguan/domain/auth/access.hpp"
#include "anguan/domain/store/store.hpp"

namespace anguan::service {

// Who did something: a signed-in caller, or the system (command line, jobs, anonymous login
// attempts: actor_id 0).
struct Actor {
  std::int64_t id = 0;
  std::string name = "system";
  std::string client_address;

  static Actor of(const auth::Principal& p) {
    return Actor{p.user_id.value, p.display_name.empty() ? p.username : p.display_name,
                 p.client_address};
  }
};

// Appends one entry inside `tx` (so it commits with the change it records).
[[nodiscard]] Status appendAudit(store::Transaction& tx, const Actor& actor, Instant at,
                                 const std::string& action, const std::string& entity,
                                 std::int64_t entity_id, const std::string& org_path,
                                 const std::string& before_json, const std::string& after_json);

class AuditService {
 public:
  explicit AuditService(store::Store& store) : store_(store) {}

  // Permission audit.read; entries are limited to the caller's scope (plus enterprise-wide
  // ones, and the caller's scope-less own logins).
  [[nodiscard]] Result<std::vector<audit::Entry>> list(const auth::Principal& caller,
                                                       store::AuditQuery query,
                                                       std::int64_t* total);
  // Walks the whole chain. Permission audit.read (the command line passes no caller).
  [[nodiscard]] Result<audit::VerifyResult> verify(const auth::Principal* caller);

 private:
  store::Store& store_;
};

}  // namespace anguan::service
