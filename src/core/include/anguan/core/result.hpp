// Result<T>: the return type of every operation that can fail in an *expected* way (bad input,
// missing row, stale version, database busy). Programmer errors use AG_CHECK instead.
//
// An Error carries a closed ErrorCode (one HTTP status each, mapped only in api/), a stable dotted
// `key` that clients and translations use ("base.duplicate", "auth.locked"), an English fallback
// message, and string details (field names, limits) that translations may interpolate.
//
// Thread safety: value types, no shared state.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <utility>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

namespace anguan {

enum class ErrorCode {
  kInvalidArgument,   // 400: input failed validation.
  kUnauthenticated,   // 401: no, expired or revoked session; bad credentials.
  kPermissionDenied,  // 403: authenticated, but the role does not allow it.
  kNotFound,          // 404: no such record, or not visible in the caller's scope.
  kConflict,          // 409: stale version, duplicate key, illegal state transition.
  kPayloadTooLarge,   // 413: body or upload over its limit.
  kUnavailable,       // 503: storage temporarily unreachable or overloaded.
  kInternal,          // 500: a bug or an unexpected third-party failure.
};

const char* toString(ErrorCode code);

class Error {
 public:
  Error() = default;
  Error(ErrorCode code, std::string key, std::string message)
      : code_(code), key_(std::move(key)), message_(std::move(message)) {}

  static Error invalidArgument(std::string key, std::string msg) {
    return {ErrorCode::kInvalidArgument, std::move(key), std::move(msg)};
  }
  static Error unauthenticated(std::string key, std::string msg) {
    return {ErrorCode::kUnauthenticated, std::move(key), std::move(msg)};
  }
  static Error permissionDenied(std::string key, std::string msg) {
    return {ErrorCode::kPermissionDenied, std::move(key), std::move(msg)};
  }
  static Error notFound(std::string key, std::string msg) {
    return {ErrorCode::kNotFound, std::move(key), std::move(msg)};
  }
  static Error conflict(std::string key, std::string msg) {
    return {ErrorCode::kConflict, std::move(key), std::move(msg)};
  }
  static Error unavailable(std::string key, std::string msg) {
    return {ErrorCode::kUnavailable, std::move(key), std::move(msg)};
  }
  static Error internal(std::string key, std::string msg) {
    return {ErrorCode::kInternal, std::move(key), std::move(msg)};
  }

  // Adds a detail (e.g. "field" -> "name") and returns *this for chaining.
  Error& with(std::string name, std::string value) {
    details_[std::move(name)] = std::move(value);
    return *this;
  }

  ErrorCode code() const { return code_; }
  // Stable machine-readable code, dotted: "<context>.<reason>".
  const std::string& key() const { return key_; }
  // English fallback text. Safe for clients: never SQL text, paths or secrets.
  const std::string& message() const { return message_; }
  const std::map<std::string, std::string>& details() const { return details_; }

 private:
  ErrorCode code_ = ErrorCode::kInternal;
  std::string key_ = "internal";
  std::string message_;
  std::map<std::string, std::string> details_;
};

// Thrown only when code calls Result::value() on an error; that is a bug.
class UncheckedErrorException : public std::runtime_error {
 public:
  explicit UncheckedErrorException(const Error& error)
      : std::runtime_error("unchecked error: " + error.key() + ": " + error.message()) {}
};

// Found by argument-dependent lookup from boost::system::result::value().
[[noreturn]] inline void throw_exception_from_error(const Error& error,
                                                    const boost::source_location& /*loc*/) {
  throw UncheckedErrorException(error);
}

template <class T>
using Result = boost::system::result<T, Error>;
using Status = Result<void>;

inline Status okStatus() { return {}; }

}  // namespace anguan

#define AG_CONCAT_INNER(a, b) a##b
#define AG_CONCAT(a, b) AG_CONCAT_INNER(a, b)

// Declares `lhs` from the value of `expr`, or returns its error.
#define AG_ASSIGN_OR_RETURN(lhs, expr)               \
  auto AG_CONCAT(ag_result_, __LINE__) = (expr);     \
  if (AG_CONCAT(ag_result_, __LINE__).has_error()) { \
    return AG_CONCAT(ag_result_, __LINE__).error();  \
  }                                                  \
  lhs = *std::move(AG_CONCAT(ag_result_, __LINE__))

// Returns the error of `expr` if it has one.
#define AG_RETURN_IF_ERROR(expr)                       \
  do {                                                 \
    auto AG_CONCAT(ag_status_, __LINE__) = (expr);     \
    if (AG_CONCAT(ag_status_, __LINE__).has_error()) { \
      return AG_CONCAT(ag_status_, __LINE__).error();  \
    }                                                  \
  } while (false)
