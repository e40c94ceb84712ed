#include "http/types.hpp"

#include <charconv>

#include "http/i18n.hpp"

namespace anguan::api {
namespace json = boost::json;

std::string Context::queryValue(const std::string& key) const {
  for (const auto& [k, v] : query) {
    if (k == key) {
      return v;
    }
  }
  return {};
}

// The only mapping from error codes to HTTP statuses.
http::status toHttpStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return http::status::bad_request;
    case ErrorCode::kUnauthenticated:
      return http::status::unauthorized;
    case ErrorCode::kPermissionDenied:
      return http::status::forbidden;
    case ErrorCode::kNotFound:
      return http::status::not_found;
    case ErrorCode::kConflict:
      return http::status::conflict;
    case ErrorCode::kPayloadTooLarge:
      return http::status::payload_too_large;
    case ErrorCode::kUnavailable:
      return http::status::service_unavailable;
    case ErrorCode::kInternal:
      return http::status::internal_server_error;
  }
  return http::status::internal_server_error;
}

Reply jsonReply(const json::value& value, http::status status) {
  Reply r;
  r.status = status;
  r.body = json::serialize(value);
  return r;
}

Reply noContent() {
  Reply r;
  r.status = http::status::no_content;
  r.content_type.clear();
  return r;
}

Reply errorReply(const Error& error, const std::string& language) {
  json::object details;
  for (const auto& [k, v] : error.details()) {
    details[k] = v;
  }
  json::object inner;
  inner["code"] = error.key();
  inner["message"] = translate(error, language);
  inner["details"] = std::move(details);
  json::object body;
  body["error"] = std::move(inner);
  Reply r = jsonReply(body, toHttpStatus(error.code()));
  if (error.code() == ErrorCode::kUnavailable) {
    r.headers.emplace_back("Retry-After", "1");
  }
  return r;
}

Result<json::object> parseBody(const Context& ctx) {
  boost::system::error_code ec;
  json::value v = json::parse(ctx.request.body(), ec);
  if (ec) {
    return Error::invalidArgument("request.bad_json", "the request body is not valid JSON");
  }
  if (!v.is_object()) {
    return Error::invalidArgument("request.not_an_object", "the request body must be an object");
  }
  return std::move(v.as_object());
}

Result<std::int64_t> idParam(const Context& ctx, const std::string& name) {
  auto it = ctx.params.find(name);
  std::int64_t id = 0;
  if (it != ctx.params.end()) {
    const auto& s = it->second;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
    if (ec == std::errc{} && ptr == s.data() + s.size() && id > 0) {
      return id;
    }
  }
  return Error::notFound("base.not_found", "no such record");
}

}  // namespace anguan::api
