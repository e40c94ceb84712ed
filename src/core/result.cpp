#include "anguan/core/result.hpp"

#include <cstdio>
#include <cstdlib>

#include "anguan/core/assert.hpp"

namespace anguan {

const char* toString(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kPermissionDenied:
      return "permission_denied";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kPayloadTooLarge:
      return "payload_too_large";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

namespace detail {
void checkFailed(const char* expr, const char* why, const char* file, int line) {
  std::fprintf(stderr, "AG_CHECK failed: %s (%s) at %s:%d\n", expr, why, file, line);
  std::abort();
}
}  // namespace detail

}  // namespace anguan
