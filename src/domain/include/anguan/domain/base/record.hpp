// Base data (主数据): organisation units, areas, people, certificates, equipment, maintenance
// windows and holidays. Each entity is described by an EntitySchema (schema.hpp); a Record holds
// one row's values by field name. The schema drives validation here, the SQL column lists in
// store/, the JSON and import/export in service/ and api/, and the forms in the web app, so that
// adding a field is one change in one place.
//
// Thread safety: value types.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "anguan/core/clock.hpp"

namespace anguan::base {

// A field's value. Dates are "YYYY-MM-DD" strings; date-times are Instants stored as int64 ms;
// references are int64 ids; lists (roles) are vectors of codes.
using Value =
    std::variant<std::monostate, std::int64_t, double, bool, std::string, std::vector<std::string>>;

inline bool isNull(const Value& v) { return std::holds_alternative<std::monostate>(v); }

struct Record {
  std::int64_t id = 0;       // 0 until inserted.
  std::int64_t version = 0;  // Bumped by every update; updates must carry the stored version.
  // Owning organisation unit and its materialised path ("/1/4/9/"), for scoping. For
  // org_units, org_id is the unit itself. Empty path for unscoped entities (holidays).
  std::int64_t org_id = 0;
  std::string org_path;
  Instant created_at{};
  Instant updated_at{};
  std::map<std::string, Value> values;

  const Value& get(const std::string& field) const;
  std::int64_t getInt(const std::string& field) const;  // 0 when null or not an int.
  std::string getText(const std::string& field) const;  // "" when null or not a string.
};

}  // namespace anguan::base
