// Enum <-> stable code tables: {value, "code"} pairs looked up both ways.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace anguan {

template <class E, std::size_t N>
const char* nameOf(const std::array<std::pair<E, const char*>, N>& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) {
      return name;
    }
  }
  return "unknown";
}

template <class E, std::size_t N>
std::optional<E> parseName(const std::array<std::pair<E, const char*>, N>& table,
                           std::string_view text) {
  for (const auto& [v, name] : table) {
    if (text == name) {
      return v;
    }
  }
  return std::nullopt;
}

}  // namespace anguan
