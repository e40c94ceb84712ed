// JSON body and query helpers shared by the route handlers. Every problem is a
// kInvalidArgument "validation.failed" (body fields, detail field → reason) or
// "query.bad_value" (query parameters, detail "field"), so clients see one shape.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"

#include "http/types.hpp"

namespace anguan::api {

// Unknown keys in `body` are validation problems ("unknown_field").
[[nodiscard]] Status readFields(const boost::json::object& body,
                                const std::vector<std::string>& allowed);
// Missing/null → "" (or "required"); not a string → "wrong_type".
[[nodiscard]] Result<std::string> stringField(const boost::json::object& body, const char* name,
                                              bool required);
[[nodiscard]] Result<std::int64_t> intField(const boost::json::object& body, const char* name,
                                            bool required);
// Array of strings; missing → "required".
[[nodiscard]] Result<std::vector<std::string>> listField(const boost::json::object& body,
                                                         const char* name);
// Optional: missing/null → nullopt. Numbers accept ints and doubles; NaN can't occur in JSON.
[[nodiscard]] Result<std::optional<double>> numberField(const boost::json::object& body,
                                                        const char* name);
[[nodiscard]] Result<std::optional<bool>> boolField(const boost::json::object& body,
                                                    const char* name);
// RFC 3339 time; missing → nullopt (or "required"), unparsable → "bad_time".
[[nodiscard]] Result<std::optional<Instant>> timeField(const boost::json::object& body,
                                                       const char* name, bool required);
// Array of positive integers (ids); missing → empty.
[[nodiscard]] Result<std::vector<std::int64_t>> idListField(const boost::json::object& body,
                                                            const char* name);

// Integer query parameter; absent → `fallback`.
[[nodiscard]] Result<std::int64_t> intQuery(const Context& ctx, const char* name,
                                            std::int64_t fallback);
// RFC 3339 query parameter; absent → nullopt.
[[nodiscard]] Result<std::optional<Instant>> timeQuery(const Context& ctx, const char* name);

}  // namespace anguan::api
