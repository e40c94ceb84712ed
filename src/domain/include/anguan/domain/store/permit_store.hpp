// Persistence port for Work plans, permits, approvals, gas tests, notifications (issue 3).
// Implemented once over SQL in store/common/permit_repository.cpp for both SQLite and PostgreSQL.
#pragma once

namespace anguan::store {

class PermitRepository {
 public:
  virtual ~PermitRepository() = default;
};

}  // namespace anguan::store
