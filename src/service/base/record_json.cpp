#include "anguan/service/record_json.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "anguan/core/clock.hpp"

namespace anguan::service {
namespace json = boost::json;

namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    return {};
  }
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

bool parseInt64(const std::string& s, std::int64_t& out) {
  if (s.empty()) {
    return false;
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && ptr == s.data() + s.size();
}

bool parseDouble(const std::string& s, double& out) {
  if (s.empty()) {
    return false;
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && ptr == s.data() + s.size() && std::isfinite(out);
}

// "YYYY-MM-DD HH:MM[:SS]" in local time, or RFC 3339.
std::optional<Instant> parseLocalDateTime(const std::string& s, int tz_offset) {
  if (auto t = parseRfc3339(s)) {
    return t;
  }
  if (s.size() == 16 || s.size() == 19) {
    std::string with_offset = s;
    with_offset[10] = 'T';
    char buf[16];
    const int off = tz_offset < 0 ? -tz_offset : tz_offset;
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", tz_offset < 0 ? '-' : '+', off / 60, off % 60);
    with_offset += buf;
    return parseRfc3339(with_offset);
  }
  if (s.size() == 10) {
    return parseLocalDateTime(s + " 00:00", tz_offset);
  }
  return std::nullopt;
}

const base::Option* findOption(const base::FieldSpec& spec, const std::string& text) {
  for (const auto& o : spec.options) {
    if (o.code == text || o.zh == text || o.en == text) {
      return &o;
    }
  }
  return nullptr;
}

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    auto t = trim(cur);
    if (!t.empty()) {
      out.push_back(t);
    }
    cur.clear();
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ',' || s[i] == ';' || s[i] == '|') {
      flush();
    } else if (s.compare(i, 3, "、") == 0 || s.compare(i, 3, "，") == 0) {
      flush();
      i += 2;
    } else {
      cur += s[i];
    }
  }
  flush();
  return out;
}

}  // namespace

const std::string& label(const base::FieldSpec& spec, const std::string& language) {
  return language.rfind("en", 0) == 0 ? spec.en : spec.zh;
}

std::vector<base::FieldProblem> recordFromJson(const base::EntitySchema& schema,
                                               const json::object& object, base::Record& record,
                                               const std::vector<std::string>& ignore) {
  std::vector<base::FieldProblem> problems;
  for (const auto& kv : object) {
    const std::string key(kv.key());
    if (std::find(ignore.begin(), ignore.end(), key) != ignore.end()) {
      continue;
    }
    const auto* spec = schema.field(key);
    if (spec == nullptr) {
      problems.push_back({key, "unknown_field"});
    } else if (spec->computed) {
      problems.push_back({key, "computed"});
    }
  }
  for (const auto& spec : schema.fields) {
    if (spec.computed) {
      continue;
    }
    const json::value* v = object.if_contains(spec.name);
    if (v == nullptr || v->is_null()) {
      // A flag left out is "no" (a form's unticked box), never "unknown".
      record.values[spec.name] =
          spec.type == base::FieldType::kBool ? base::Value(false) : base::Value(std::monostate{});
      continue;
    }
    auto wrong = [&](const char* reason = "wrong_type") {
      problems.push_back({spec.name, reason});
    };
    switch (spec.type) {
      case base::FieldType::kText:
      case base::FieldType::kEnum:
      case base::FieldType::kDate:
        if (!v->is_string()) {
          wrong();
        } else {
          record.values[spec.name] = std::string(v->as_string());
        }
        break;
      case base::FieldType::kInteger:
      case base::FieldType::kRef:
        if (v->is_int64()) {
          record.values[spec.name] = v->as_int64();
        } else if (v->is_uint64() && v->as_uint64() <= INT64_MAX) {
          record.values[spec.name] = static_cast<std::int64_t>(v->as_uint64());
        } else {
          wrong();
        }
        break;
      case base::FieldType::kNumber:
        if (v->is_double()) {
          record.values[spec.name] = v->as_double();
        } else if (v->is_int64()) {
          record.values[spec.name] = static_cast<double>(v->as_int64());
        } else if (v->is_uint64()) {
          record.values[spec.name] = static_cast<double>(v->as_uint64());
        } else {
          wrong();
        }
        break;
      case base::FieldType::kBool:
        if (!v->is_bool()) {
          wrong();
        } else {
          record.values[spec.name] = v->as_bool();
        }
        break;
      case base::FieldType::kDateTime:
        if (!v->is_string()) {
          wrong();
        } else if (auto t = parseRfc3339(std::string(v->as_string()))) {
          record.values[spec.name] = toMillis(*t);
        } else {
          wrong("bad_datetime");
        }
        break;
      case base::FieldType::kCodeList: {
        if (!v->is_array()) {
          wrong();
          break;
        }
        std::vector<std::string> list;
        bool ok = true;
        for (const auto& item : v->as_array()) {
          if (!item.is_string()) {
            ok = false;
            break;
          }
          list.emplace_back(item.as_string());
        }
        if (ok) {
          record.values[spec.name] = std::move(list);
        } else {
          wrong();
        }
        break;
      }
    }
  }
  return problems;
}

json::value valueToJson(const base::FieldSpec& spec, const base::Value& value, int tz_offset) {
  if (base::isNull(value)) {
    return nullptr;
  }
  if (spec.type == base::FieldType::kDateTime) {
    if (const auto* ms = std::get_if<std::int64_t>(&value)) {
      return json::string(formatRfc3339(fromMillis(*ms), tz_offset));
    }
  }
  return std::visit(
      [](const auto& v) -> json::value {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          json::array a;
          for (const auto& s : v) {
            a.emplace_back(s);
          }
          return a;
        } else {
          return json::value(v);
        }
      },
      value);
}

json::object recordToJson(const base::EntitySchema& schema, const base::Record& record,
                          int tz_offset) {
  json::object o;
  o["id"] = record.id;
  o["version"] = record.version;
  o["org_id"] = record.org_id;
  o["created_at"] = formatRfc3339(record.created_at, tz_offset);
  o["updated_at"] = formatRfc3339(record.updated_at, tz_offset);
  for (const auto& spec : schema.fields) {
    o[spec.name] = valueToJson(spec, record.get(spec.name), tz_offset);
  }
  return o;
}

std::string valueFromCell(const base::FieldSpec& spec, const std::string& raw, int tz_offset,
                          base::Value& out, std::string& unresolved_ref) {
  const std::string cell = trim(raw);
  out = std::monostate{};
  if (cell.empty()) {
    return {};
  }
  switch (spec.type) {
    case base::FieldType::kText:
      out = cell;
      return {};
    case base::FieldType::kDate: {
      auto d = parseDate(cell.substr(0, 10));
      if (!d || (cell.size() > 10 && cell[10] != ' ' && cell[10] != 'T')) {
        return "bad_date";
      }
      out = formatDate(*d);
      return {};
    }
    case base::FieldType::kInteger: {
      std::int64_t i = 0;
      if (!parseInt64(cell, i)) {
        return "wrong_type";
      }
      out = i;
      return {};
    }
    case base::FieldType::kRef: {
      std::int64_t i = 0;
      if (parseInt64(cell, i)) {
        out = i;
      } else {
        unresolved_ref = cell;
      }
      return {};
    }
    case base::FieldType::kNumber: {
      double d = 0;
      if (!parseDouble(cell, d)) {
        return "wrong_type";
      }
      out = d;
      return {};
    }
    case base::FieldType::kBool: {
      std::string lower = cell;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (lower == "true" || lower == "1" || lower == "yes" || lower == "y" || cell == "是") {
        out = true;
      } else if (lower == "false" || lower == "0" || lower == "no" || lower == "n" ||
                 cell == "否") {
        out = false;
      } else {
        return "wrong_type";
      }
      return {};
    }
    case base::FieldType::kDateTime: {
      auto t = parseLocalDateTime(cell, tz_offset);
      if (!t) {
        return "bad_datetime";
      }
      out = toMillis(*t);
      return {};
    }
    case base::FieldType::kEnum: {
      const auto* o = findOption(spec, cell);
      if (o == nullptr) {
        return "not_an_option";
      }
      out = o->code;
      return {};
    }
    case base::FieldType::kCodeList: {
      std::vector<std::string> codes;
      for (const auto& part : splitList(cell)) {
        const auto* o = findOption(spec, part);
        if (o == nullptr) {
          return "not_an_option";
        }
        codes.push_back(o->code);
      }
      out = std::move(codes);
      return {};
    }
  }
  return "wrong_type";
}

std::string valueToCell(const base::FieldSpec& spec, const base::Value& value, int tz_offset,
                        const std::string& language) {
  if (base::isNull(value)) {
    return {};
  }
  const bool en = language.rfind("en", 0) == 0;
  switch (spec.type) {
    case base::FieldType::kDateTime:
      if (const auto* ms = std::get_if<std::int64_t>(&value)) {
        return formatRfc3339(fromMillis(*ms), tz_offset).substr(0, 16).replace(10, 1, " ");
      }
      return {};
    case base::FieldType::kEnum:
      if (const auto* s = std::get_if<std::string>(&value)) {
        const auto* o = findOption(spec, *s);
        return o == nullptr ? *s : (en ? o->en : o->zh);
      }
      return {};
    case base::FieldType::kBool:
      if (const auto* b = std::get_if<bool>(&value)) {
        return *b ? (en ? "yes" : "是") : (en ? "no" : "否");
      }
      return {};
    case base::FieldType::kCodeList:
      if (const auto* list = std::get_if<std::vector<std::string>>(&value)) {
        std::string out;
        for (const auto& code : *list) {
          if (!out.empty()) {
            out += ",";
          }
          out += code;
        }
        return out;
      }
      return {};
    default:
      break;
  }
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return v;
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return std::to_string(v);
        } else if constexpr (std::is_same_v<T, double>) {
          char buf[32];
          auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
          return std::string(buf, p);
        } else if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else {
          return {};
        }
      },
      value);
}

}  // namespace anguan::service
