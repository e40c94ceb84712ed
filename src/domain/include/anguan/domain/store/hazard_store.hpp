// Persistence port for Hazards, risk register, inspections, incidents (issue 4). Implemented once
// over SQL in store/common/hazard_repository.cpp for both SQLite and PostgreSQL.
#pragma once

namespace anguan::store {

class HazardRepository {
 public:
  virtual ~HazardRepository() = default;
};

}  // namespace anguan::store
