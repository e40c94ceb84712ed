#include "anguan/domain/base/validation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "anguan/core/clock.hpp"

namespace anguan::base {
namespace {

bool isOption(const FieldSpec& spec, const std::string& code) {
  return std::any_of(spec.options.begin(), spec.options.end(),
                     [&](const Option& o) { return o.code == code; });
}

// Counts code points; rejects invalid UTF-8 by returning npos.
std::size_t utf8Length(const std::string& s) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    if (c < 0x80) {
      len = 1;
    } else if ((c >> 5) == 0x6) {
      len = 2;
    } else if ((c >> 4) == 0xe) {
      len = 3;
    } else if ((c >> 3) == 0x1e) {
      len = 4;
    } else {
      return std::string::npos;
    }
    if (i + len > s.size()) {
      return std::string::npos;
    }
    std::uint32_t cp = len == 1 ? c : c & (0x7f >> len);
    for (std::size_t k = 1; k < len; ++k) {
      const auto next = static_cast<unsigned char>(s[i + k]);
      if ((next >> 6) != 0x2) {
        return std::string::npos;
      }
      cp = (cp << 6) | (next & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8 either.
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return std::string::npos;
    }
    i += len;
    ++count;
  }
  return count;
}

bool isPhone(const std::string& s) {
  // Mainland mobile (1 + 10 digits), or a landline/extension with digits, '-', '+', spaces.
  if (s.size() < 5 || s.size() > 32) {
    return false;
  }
  int digits = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != '-' && c != '+' && c != ' ' && c != '(' && c != ')') {
      return false;
    }
  }
  return digits >= 5;
}

void checkField(const FieldSpec& spec, const Value& value, std::vector<FieldProblem>& out) {
  if (isNull(value)) {
    if (spec.required) {
      out.push_back({spec.name, "required"});
    }
    return;
  }
  auto wrongType = [&] { out.push_back({spec.name, "wrong_type"}); };
  switch (spec.type) {
    case FieldType::kText: {
      const auto* s = std::get_if<std::string>(&value);
      if (s == nullptr) {
        wrongType();
        return;
      }
      const auto len = utf8Length(*s);
      if (len == std::string::npos) {
        out.push_back({spec.name, "bad_encoding"});
      } else if (len == 0 && spec.required) {
        out.push_back({spec.name, "required"});
      } else if (len > spec.max_length) {
        out.push_back({spec.name, "too_long"});
      } else if (spec.pattern == "phone" && !s->empty() && !isPhone(*s)) {
        out.push_back({spec.name, "bad_phone"});
      }
      return;
    }
    case FieldType::kInteger:
    case FieldType::kRef: {
      const auto* i = std::get_if<std::int64_t>(&value);
      if (i == nullptr) {
        wrongType();
        return;
      }
      if (spec.type == FieldType::kRef && *i <= 0) {
        out.push_back({spec.name, "bad_reference"});
      } else if ((spec.min && static_cast<double>(*i) < *spec.min) ||
                 (spec.max && static_cast<double>(*i) > *spec.max)) {
        out.push_back({spec.name, "out_of_range"});
      }
      return;
    }
    case FieldType::kNumber: {
      double d = 0;
      if (const auto* p = std::get_if<double>(&value)) {
        d = *p;
      } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
        d = static_cast<double>(*i);
      } else {
        wrongType();
        return;
      }
      if (!std::isfinite(d) || (spec.min && d < *spec.min) || (spec.max && d > *spec.max)) {
        out.push_back({spec.name, "out_of_range"});
      }
      return;
    }
    case FieldType::kBool:
      if (!std::holds_alternative<bool>(value)) {
        wrongType();
      }
      return;
    case FieldType::kDate: {
      const auto* s = std::get_if<std::string>(&value);
      if (s == nullptr) {
        wrongType();
      } else if (!parseDate(*s)) {
        out.push_back({spec.name, "bad_date"});
      }
      return;
    }
    case FieldType::kDateTime:
      if (!std::holds_alternative<std::int64_t>(value)) {
        wrongType();
      }
      return;
    case FieldType::kEnum: {
      const auto* s = std::get_if<std::string>(&value);
      if (s == nullptr) {
        wrongType();
      } else if (!isOption(spec, *s)) {
        out.push_back({spec.name, "not_an_option"});
      }
      return;
    }
    case FieldType::kCodeList: {
      const auto* list = std::get_if<std::vector<std::string>>(&value);
      if (list == nullptr) {
        wrongType();
        return;
      }
      for (const auto& code : *list) {
        if (!isOption(spec, code)) {
          out.push_back({spec.name, "not_an_option"});
          return;
        }
      }
      if (spec.required && list->empty()) {
        out.push_back({spec.name, "required"});
      }
      return;
    }
  }
}

void crossFieldRules(const EntitySchema& schema, const Record& r, std::vector<FieldProblem>& out) {
  if (schema.name == "certificates") {
    const auto issued = parseDate(r.getText("issued_on"));
    const auto expires = parseDate(r.getText("expires_on"));
    const auto review = parseDate(r.getText("next_review_on"));
    if (issued && expires && std::chrono::sys_days{*expires} <= std::chrono::sys_days{*issued}) {
      out.push_back({"expires_on", "before_start"});
    }
    if (issued && review && std::chrono::sys_days{*review} <= std::chrono::sys_days{*issued}) {
      out.push_back({"next_review_on", "before_start"});
    }
  } else if (schema.name == "maintenance_windows") {
    const auto* start = std::get_if<std::int64_t>(&r.get("starts_at"));
    const auto* end = std::get_if<std::int64_t>(&r.get("ends_at"));
    if (start != nullptr && end != nullptr && *end <= *start) {
      out.push_back({"ends_at", "before_start"});
    }
  } else if (schema.name == "org_units" || schema.name == "areas") {
    if (r.id != 0 && r.getInt("parent_id") == r.id) {
      out.push_back({"parent_id", "self_reference"});
    }
  }
}

}  // namespace

std::vector<FieldProblem> validateRecord(const EntitySchema& schema, const Record& record) {
  std::vector<FieldProblem> out;
  for (const auto& [name, value] : record.values) {
    const FieldSpec* spec = schema.field(name);
    if (spec == nullptr) {
      out.push_back({name, "unknown_field"});
    }
  }
  for (const auto& spec : schema.fields) {
    if (spec.computed) {
      continue;
    }
    checkField(spec, record.get(spec.name), out);
  }
  if (out.empty()) {
    crossFieldRules(schema, record, out);
  }
  return out;
}

Error validationError(const std::vector<FieldProblem>& problems) {
  Error e = Error::invalidArgument("validation.failed", "some fields are not valid");
  for (const auto& p : problems) {
    e.with(p.field, p.reason);
  }
  return e;
}

std::string certificateStatus(const std::string& expires_on, const std::string& next_review_on,
                              std::chrono::year_month_day today, int warn_days) {
  using std::chrono::sys_days;
  const auto expires = parseDate(expires_on);
  if (!expires) {
    return "expired";
  }
  const auto today_days = sys_days{today};
  auto last_valid = sys_days{*expires};
  if (const auto review = parseDate(next_review_on)) {
    last_valid = std::min(last_valid, sys_days{*review});
  }
  if (last_valid < today_days) {
    return "expired";
  }
  if ((last_valid - today_days).count() <= warn_days) {
    return "expiring";
  }
  return "valid";
}

}  // namespace anguan::base
