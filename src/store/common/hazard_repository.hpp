// The HazardRepository port (anguan/domain/store/hazard_store.hpp) over a SqlConnection.
#pragma once

#include "anguan/domain/store/hazard_store.hpp"

#include "common/sql.hpp"

namespace anguan::store {

class SqlHazardRepository final : public HazardRepository {
 public:
  explicit SqlHazardRepository(SqlConnection& conn) : conn_(conn) {}

 private:
  [[maybe_unused]] SqlConnection& conn_;
};

}  // namespace anguan::store
