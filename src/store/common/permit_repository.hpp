// The PermitRepository port (anguan/domain/store/permit_store.hpp) over a SqlConnection.
#pragma once

#include "anguan/domain/store/permit_store.hpp"

#include "common/sql.hpp"

namespace anguan::store {

class SqlPermitRepository final : public PermitRepository {
 public:
  explicit SqlPermitRepository(SqlConnection& conn) : conn_(conn) {}

 private:
  [[maybe_unused]] SqlConnection& conn_;
};

}  // namespace anguan::store
