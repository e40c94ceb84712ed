// The PermitRepository port (anguan/domain/store/permit_store.hpp) over SQL.
#pragma once

#include "anguan/domain/store/permit_store.hpp"

#include "common/sql.hpp"

namespace anguan::store {

class SqlPermitRepository final : public PermitRepository {
 public:
  explicit SqlPermitRepository(SqlConnection& conn) : conn_(conn) {}
  [[nodiscard]] Result<std::vector<WorkTypeRow>> listWorkTypes() override;
  [[nodiscard]] Status saveWorkType(const WorkTypeRow& row) override;
  [[nodiscard]] Result<std::optional<std::string>> workTypeVersion(
      const std::string& code, std::int64_t rules_version) override;
  [[nodiscard]] Result<std::int64_t> insert(const PermitRow& row) override;
  [[nodiscard]] Status setNumber(std::int64_t id, const std::string& number) override;
  [[nodiscard]] Result<PermitRow> get(std::int64_t id) override;
  [[nodiscard]] Result<PermitRow> getByToken(const std::string& token) override;
  [[nodiscard]] Result<std::int64_t> update(const PermitRow& row) override;
  [[nodiscard]] Result<std::int64_t> updateChanged(const PermitRow& row,
                                                   const PermitRow& before) override;
  [[nodiscard]] Result<std::vector<PermitRow>> list(const PermitQuery& query,
                                                    std::int64_t* total) override;
  [[nodiscard]] Result<std::int64_t> countNumbersWithPrefix(const std::string& prefix) override;
  [[nodiscard]] Result<std::int64_t> appendEvent(const PermitEventRow& event) override;
  [[nodiscard]] Result<std::vector<PermitEventRow>> events(std::int64_t permit_id) override;
  [[nodiscard]] Status insertFile(const PermitFileRow& file) override;
  [[nodiscard]] Result<PermitFileRow> getFile(const std::string& id) override;
  [[nodiscard]] Result<std::vector<PermitFileRow>> listFiles(std::int64_t permit_id) override;

 private:
  // update() (every column) and updateChanged() (the columns that differ from `before`).
  [[nodiscard]] Result<std::int64_t> write(const PermitRow& row, const PermitRow* before);
  [[nodiscard]] Result<std::vector<PermitRow>> select(const std::string& tail,
                                                      const ParamList& params, bool with_doc);
  SqlConnection& conn_;
};

}  // namespace anguan::store
