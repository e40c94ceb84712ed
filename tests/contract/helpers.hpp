// Shared helpers for the store contract tests: building records and running one repository call
// in a write or read transaction.
#pragma once

#include <map>
#include <string>

#include <gtest/gtest.h>

#include "anguan/domain/base/schema.hpp"
#include "anguan/domain/store/store.hpp"

#include "contract/backend.hpp"

namespace anguan::store::contract {

inline const base::EntitySchema& schemaNamed(const std::string& name) {
  const base::EntitySchema* s = base::findSchema(name);
  if (s == nullptr) {
    ADD_FAILURE() << "no schema " << name;
    return base::schemas().front();
  }
  return *s;
}

inline base::Record makeRecord(std::string org_path, std::map<std::string, base::Value> values,
                               std::int64_t org_id = 0) {
  base::Record r;
  r.org_path = std::move(org_path);
  r.org_id = org_id;
  r.values = std::move(values);
  return r;
}

// Runs `fn` in a write and returns its result, failing the test on error when `expect_ok`.
template <class T, class Fn>
Result<T> inWrite(Store& store, Fn fn) {
  Result<T> out = Error::internal("test.not_run", "");
  auto status = store.write([&](Transaction& tx) -> Status {
    out = fn(tx);
    if (!out) {
      return out.error();
    }
    return okStatus();
  });
  if (!status && out) {
    return status.error();
  }
  return out;
}

template <class T, class Fn>
Result<T> inRead(Store& store, Fn fn) {
  Result<T> out = Error::internal("test.not_run", "");
  auto status = store.read([&](Transaction& tx) -> Status {
    out = fn(tx);
    return okStatus();
  });
  if (!status) {
    return status.error();
  }
  return out;
}

inline std::string describe(const Error& e) {
  std::string out = std::string(toString(e.code())) + " " + e.key();
  for (const auto& [k, v] : e.details()) {
    out += " " + k + "=" + v;
  }
  return out;
}

}  // namespace anguan::store::contract
