// UTF-8 helpers shared by the CSV and XLSX halves of the spreadsheet codec.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace anguan::report {

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
[[nodiscard]] bool isValidUtf8(std::string_view text);

// `text` with every ill-formed sequence replaced by U+FFFD.
[[nodiscard]] std::string sanitizeUtf8(std::string_view text);

// Appends the UTF-8 encoding of `code_point`; surrogates and values above U+10FFFF become U+FFFD.
void appendUtf8(std::string& out, char32_t code_point);

// Width of the widest line of `text` in spreadsheet columns: East Asian wide and fullwidth
// characters (CJK, Hangul, kana, fullwidth forms, most emoji) count 2, combining marks 0, the
// rest 1. Ill-formed bytes count 1 each.
[[nodiscard]] std::size_t displayWidth(std::string_view text);

}  // namespace anguan::report
