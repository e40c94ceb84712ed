// A reason a rule gives for its outcome: a stable i18n key plus the parameters its template
// interpolates ("{height}"), so a user can read *why* a permit got its grade or a finding its
// severity. The zh/en templates live in reasonTexts() (grading.hpp).
//
// Thread safety: value type.
#pragma once

#include <map>
#include <string>

namespace anguan::permit {

struct Reason {
  std::string key;
  std::map<std::string, std::string> params;

  bool operator==(const Reason&) const = default;
};

}  // namespace anguan::permit
