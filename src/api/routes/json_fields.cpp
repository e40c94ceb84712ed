#include "routes/json_fields.hpp"

#include <algorithm>
#include <charconv>

namespace anguan::api {
namespace json = boost::json;

namespace {

Error bad(const char* name, const char* reason) {
  return Error::invalidArgument("validation.failed", "some fields are not valid")
      .with(name, reason);
}

}  // namespace

Status readFields(const json::object& body, const std::vector<std::string>& allowed) {
  Error e = Error::invalidArgument("validation.failed", "some fields are not valid");
  bool bad = false;
  for (const auto& kv : body) {
    if (std::find(allowed.begin(), allowed.end(), std::string(kv.key())) == allowed.end()) {
      e.with(std::string(kv.key()), "unknown_field");
      bad = true;
    }
  }
  if (bad) {
    return e;
  }
  return okStatus();
}

Result<std::string> stringField(const json::object& body, const char* name, bool required) {
  const auto* v = body.if_contains(name);
  if (v == nullptr || v->is_null()) {
    if (required) {
      return Error::invalidArgument("validation.failed", "missing field").with(name, "required");
    }
    return std::string();
  }
  if (!v->is_string()) {
    return Error::invalidArgument("validation.failed", "wrong type").with(name, "wrong_type");
  }
  return std::string(v->as_string());
}

Result<std::int64_t> intField(const json::object& body, const char* name, bool required) {
  const auto* v = body.if_contains(name);
  if (v == nullptr || v->is_null()) {
    if (required) {
      return Error::invalidArgument("validation.failed", "missing field").with(name, "required");
    }
    return std::int64_t{0};
  }
  if (!v->is_int64()) {
    return Error::invalidArgument("validation.failed", "wrong type").with(name, "wrong_type");
  }
  return v->as_int64();
}

Result<std::vector<std::string>> listField(const json::object& body, const char* name) {
  const auto* v = body.if_contains(name);
  if (v == nullptr || v->is_null()) {
    return Error::invalidArgument("validation.failed", "missing field").with(name, "required");
  }
  if (!v->is_array()) {
    return Error::invalidArgument("validation.failed", "wrong type").with(name, "wrong_type");
  }
  std::vector<std::string> out;
  for (const auto& item : v->as_array()) {
    if (!item.is_string()) {
      return Error::invalidArgument("validation.failed", "wrong type").with(name, "wrong_type");
    }
    out.emplace_back(item.as_string());
  }
  return out;
}

Result<std::optional<double>> numberField(const json::object& body, const char* name) {
  const auto* v = body.if_contains(name);
  if (v == nullptr || v->is_null()) {
    return std::optional<double>();
  }
  if (v->is_int64()) {
    return std::optional<double>(static_cast<double>(v->as_int64()));
  }
  if (v->is_uint64()) {
    return std::optional<double>(static_cast<double>(v->as_uint64()));
  }
  if (v->is_double()) {
    return std::optional<double>(v->as_double());
  }
  return bad(name, "wrong_type");
}

Result<std::optional<bool>> boolField(const json::object& body, const char* name) {
  const auto* v = body.if_contains(name);
  if (v == nullptr || v->is_null()) {
    return std::optional<bool>();
  }
  if (!v->is_bool()) {
    return bad(name, "wrong_type");
  }
  return std::optional<bool>(v->as_bool());
}

Result<std::optional<Instant>> timeField(const json::object& body, const char* name,
                                         bool required) {
  const auto* v = body.if_contains(name);
  if (v == nullptr || v->is_null()) {
    if (required) {
      return bad(name, "required");
    }
    return std::optional<Instant>();
  }
  if (!v->is_string()) {
    return bad(name, "wrong_type");
  }
  auto t = parseRfc3339(std::string(v->as_string()));
  if (!t) {
    return bad(name, "bad_time");
  }
  return std::optional<Instant>(*t);
}

Result<std::vector<std::int64_t>> idListField(const json::object& body, const char* name) {
  std::vector<std::int64_t> out;
  const auto* v = body.if_contains(name);
  if (v == nullptr || v->is_null()) {
    return out;
  }
  if (!v->is_array()) {
    return bad(name, "wrong_type");
  }
  for (const auto& item : v->as_array()) {
    if (!item.is_int64() || item.as_int64() <= 0) {
      return bad(name, "wrong_type");
    }
    out.push_back(item.as_int64());
  }
  return out;
}

Result<std::int64_t> intQuery(const Context& ctx, const char* name, std::int64_t fallback) {
  const std::string v = ctx.queryValue(name);
  if (v.empty()) {
    return fallback;
  }
  std::int64_t out = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || ptr != v.data() + v.size()) {
    return Error::invalidArgument("query.bad_value", "bad number").with("field", name);
  }
  return out;
}

Result<std::optional<Instant>> timeQuery(const Context& ctx, const char* name) {
  const std::string v = ctx.queryValue(name);
  if (v.empty()) {
    return std::optional<Instant>();
  }
  auto t = parseRfc3339(v);
  if (!t) {
    return Error::invalidArgument("query.bad_value", "bad time").with("field", name);
  }
  return std::optional<Instant>(*t);
}

}  // namespace anguan::api
