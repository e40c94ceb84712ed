#include "anguan/service/audit_service.hpp"

namespace anguan::service {

Status appendAudit(store::Transaction& tx, const Actor& actor, Instant at,
                   const std::string& action, const std::string& entity, std::int64_t entity_id,
                   const std::string& org_path, const std::string& before_json,
                   const std::string& after_json) {
  audit::Entry e;
  e.at = at;
  e.actor_id = actor.id;
  e.actor_name = actor.name;
  e.client_address = actor.client_address;
  e.action = action;
  e.entity = entity;
  e.entity_id = entity_id;
  e.org_path = org_path;
  e.before_json = before_json;
  e.after_json = after_json;
  AG_ASSIGN_OR_RETURN(auto stored, tx.audit().append(e));
  (void)stored;
  return okStatus();
}

Result<std::vector<audit::Entry>> AuditService::list(const auth::Principal& caller,
                                                     store::AuditQuery query, std::int64_t* total) {
  if (!caller.can(auth::Permission::kAuditRead)) {
    return Error::permissionDenied("auth.forbidden", "you may not read the audit trail");
  }
  query.scope_prefix = caller.org_path;
  query.page = std::max<std::int64_t>(1, query.page);
  query.page_size = std::clamp<std::int64_t>(query.page_size, 1, 1000);
  std::vector<audit::Entry> out;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    AG_ASSIGN_OR_RETURN(out, tx.audit().list(query, total));
    return okStatus();
  }));
  return out;
}

Result<audit::VerifyResult> AuditService::verify(const auth::Principal* caller) {
  if (caller != nullptr && !caller->can(auth::Permission::kAuditRead)) {
    return Error::permissionDenied("auth.forbidden", "you may not read the audit trail");
  }
  audit::ChainVerifier verifier;
  AG_RETURN_IF_ERROR(store_.read([&](store::Transaction& tx) -> Status {
    return tx.audit().scan([&](const audit::Entry& e) { return verifier.feed(e); });
  }));
  return verifier.result();
}

}  // namespace anguan::service
