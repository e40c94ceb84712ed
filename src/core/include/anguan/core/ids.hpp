// Strong 64-bit ids so that a PersonId can't be passed where an AreaId is expected.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace anguan {

template <class Tag>
struct Id {
  std::int64_t value = 0;
  bool valid() const { return value > 0; }
  auto operator<=>(const Id&) const = default;
};

struct UserTag {};
struct RecordTag {};
using UserId = Id<UserTag>;
using RecordId = Id<RecordTag>;

}  // namespace anguan

template <class Tag>
struct std::hash<anguan::Id<Tag>> {
  std::size_t operator()(const anguan::Id<Tag>& id) const noexcept {
    return std::hash<std::int64_t>{}(id.value);
  }
};
