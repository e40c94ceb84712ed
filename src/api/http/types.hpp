// Request and response types shared by the router and the route handlers (api-private).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "anguan/core/result.hpp"
#include "anguan/domain/auth/access.hpp"

namespace anguan::api {

namespace http = boost::beast::http;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

struct Context {
  const HttpRequest& request;
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  std::map<std::string, std::string> params;  // Path parameters.
  std::optional<auth::Principal> principal;   // Set for authenticated routes.
  std::string language = "zh-CN";             // "zh-CN" or "en".
  std::string client_address;

  const auth::Principal& caller() const { return *principal; }
  // The query value for `key`, or "".
  std::string queryValue(const std::string& key) const;
};

struct Reply {
  http::status status = http::status::ok;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
};

// JSON answers.
Reply jsonReply(const boost::json::value& value, http::status status = http::status::ok);
Reply noContent();
// The error body {"error": {"code", "message", "details"}} in the request's language.
Reply errorReply(const Error& error, const std::string& language);

// Parses the request body as a JSON object. kInvalidArgument "request.bad_json" or
// "request.not_an_object".
Result<boost::json::object> parseBody(const Context& ctx);

// Reads an int64 path parameter; kNotFound "route.not_found" when not a positive integer.
Result<std::int64_t> idParam(const Context& ctx, const std::string& name);

using Handler = std::function<Reply(Context&)>;

enum class Access { kPublic, kSignedIn };

struct Route {
  http::verb method;
  std::string pattern;  // "/api/v1/{entity}/{id}"
  Access access = Access::kSignedIn;
  bool blocking = false;  // Run on the worker pool (writes, argon2, imports).
  bool upload = false;    // Larger body limit (imports).
  std::string summary;    // For the OpenAPI document.
  std::string tag;
  Handler handler;
};

}  // namespace anguan::api

// In a handler: declares `lhs` from the value of `expr`, or returns the error reply.
#define AG_REPLY_IF_ERROR(lhs, expr, ctx)                                      \
  auto AG_CONCAT(ag_reply_, __LINE__) = (expr);                                \
  if (!AG_CONCAT(ag_reply_, __LINE__)) {                                       \
    return errorReply(AG_CONCAT(ag_reply_, __LINE__).error(), (ctx).language); \
  }                                                                            \
  lhs = *std::move(AG_CONCAT(ag_reply_, __LINE__))
