#include "anguan/domain/base/record.hpp"

namespace anguan::base {

const Value& Record::get(const std::string& field) const {
  static const Value kNull;
  auto it = values.find(field);
  return it == values.end() ? kNull : it->second;
}

std::int64_t Record::getInt(const std::string& field) const {
  const auto& v = get(field);
  if (const auto* i = std::get_if<std::int64_t>(&v)) {
    return *i;
  }
  return 0;
}

std::string Record::getText(const std::string& field) const {
  const auto& v = get(field);
  if (const auto* s = std::get_if<std::string>(&v)) {
    return *s;
  }
  return {};
}

}  // namespace anguan::base
