// How XLSX cell values become text: numbers, Excel serial dates, date-format detection and the
// _xHHHH_ escapes of OOXML strings.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace anguan::report {

// Shortest decimal text for `value` after rounding to Excel's 15 significant digits:
// 3 -> "3", 0.30000000000000004 -> "0.3", -0.0 -> "0", 1e20 -> "1e+20", 0.0001 -> "0.0001".
[[nodiscard]] std::string formatNumber(double value);

// Excel serial date -> "YYYY-MM-DD", or "YYYY-MM-DD HH:MM" when it has a time of day (rounded to
// the second, shown to the minute). Serials below 1 are times of day only: "HH:MM". In the 1900
// system serial 60 is Excel's fictitious 1900-02-29 (the Lotus leap-year bug); `date1904` selects
// the Mac 1904 system. nullopt when the serial is negative, not finite, or past 9999-12-31.
[[nodiscard]] std::optional<std::string> formatExcelDate(double serial, bool date1904);

// True for the built-in number formats that show dates or times: 14-22, 45-47 and the CJK
// locale ones 27-36 and 50-58.
[[nodiscard]] bool isBuiltinDateFormat(unsigned id);

// True when a format code has a date or time token (y m d h s) outside quoted text, [brackets],
// backslash escapes and the _x / *x fill characters. "General", "0.00" and "@" are not dates.
[[nodiscard]] bool isDateFormatCode(std::string_view code);

// Decodes the _xHHHH_ escapes that OOXML uses for characters XML cannot carry (_x000D_ is CR,
// _x005F_ is '_'). UTF-16 surrogate pairs are combined; lone surrogates become U+FFFD.
[[nodiscard]] std::string decodeOoxmlEscapes(std::string_view text);

// The inverse for literal text that happens to look like an escape: "_x0041_" -> "_x005F_x0041_"
// (libxlsxwriter escapes control characters but not this).
[[nodiscard]] std::string protectOoxmlEscapes(std::string_view text);

// "2024-03-05T14:30:00Z" (cells of type t="d") -> "2024-03-05 14:30"; date only when midnight.
// nullopt when it does not start with YYYY-MM-DD.
[[nodiscard]] std::optional<std::string> formatIsoDate(std::string_view text);

}  // namespace anguan::report
