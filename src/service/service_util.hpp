// Small helpers the services share (internal to the service layer).
#pragma once

#include <algorithm>
#include <initializer_list>
#include <string_view>

#include "anguan/core/result.hpp"
#include "anguan/domain/auth/access.hpp"

namespace anguan::service::detail {

// The status of a Result, dropping its value.
template <class T>
Status statusOf(const Result<T>& r) {
  if (r) {
    return okStatus();
  }
  return r.error();
}

inline bool hasRole(const auth::Principal& p, std::string_view role) {
  return std::find(p.roles.begin(), p.roles.end(), role) != p.roles.end();
}

inline bool hasAnyRole(const auth::Principal& p, std::initializer_list<std::string_view> roles) {
  return std::any_of(roles.begin(), roles.end(), [&](std::string_view r) { return hasRole(p, r); });
}

inline Error forbidden() {
  return Error::permissionDenied("auth.forbidden", "your role does not allow this");
}

}  // namespace anguan::service::detail
