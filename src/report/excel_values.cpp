#include "excel_values.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "text.hpp"

namespace anguan::report {
namespace {

// 9999-12-31 in the 1900 system: the last date Excel can show.
constexpr double kMaxSerial = 2958466.0;
constexpr std::int64_t kSecondsPerDay = 86400;
// Days between the 1900 and 1904 epochs.
constexpr std::int64_t kDate1904Offset = 1462;

bool isHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Reads "_xHHHH_" at `pos` if present.
std::optional<char32_t> escapeAt(std::string_view text, std::size_t pos) {
  if (text.size() - pos < 7 || text[pos] != '_' || (text[pos + 1] != 'x' && text[pos + 1] != 'X') ||
      text[pos + 6] != '_') {
    return std::nullopt;
  }
  unsigned value = 0;
  for (std::size_t i = pos + 2; i < pos + 6; ++i) {
    if (!isHex(text[i])) {
      return std::nullopt;
    }
    const char c = text[i];
    const unsigned digit =
        c <= '9' ? static_cast<unsigned>(c - '0') : static_cast<unsigned>((c | 0x20) - 'a' + 10);
    value = value * 16 + digit;
  }
  return static_cast<char32_t>(value);
}

std::string twoDigits(unsigned value) {
  std::string out(2, '0');
  out[0] = static_cast<char>('0' + value / 10 % 10);
  out[1] = static_cast<char>('0' + value % 10);
  return out;
}

std::string formatDate(int year, unsigned month, unsigned day) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", year, month, day);
  return buffer;
}

}  // namespace

std::string formatNumber(double value) {
  if (!std::isfinite(value)) {
    return "";
  }
  if (value == 0) {
    return "0";
  }
  if (std::fabs(value) < 1e15 && value == std::trunc(value)) {
    return std::to_string(static_cast<std::int64_t>(value));
  }
  // Excel keeps 15 significant digits; stored values like 0.30000000000000004 display as 0.3.
  char rounded_text[32];
  std::snprintf(rounded_text, sizeof rounded_text, "%.15g", value);
  const double rounded = std::strtod(rounded_text, nullptr);
  if (std::fabs(rounded) < 1e15 && rounded == std::trunc(rounded)) {
    return std::to_string(static_cast<std::int64_t>(rounded));
  }
  char buffer[64];
  const auto magnitude = std::fabs(rounded);
  const auto format =
      magnitude >= 1e-9 && magnitude < 1e15 ? std::chars_format::fixed : std::chars_format::general;
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, rounded, format);
  if (ec != std::errc{}) {
    return rounded_text;
  }
  return std::string(buffer, end);
}

std::optional<std::string> formatExcelDate(double serial, bool date1904) {
  if (!std::isfinite(serial) || serial < 0 || serial >= kMaxSerial) {
    return std::nullopt;
  }
  const auto total_seconds = static_cast<std::int64_t>(std::llround(serial * kSecondsPerDay));
  std::int64_t days = total_seconds / kSecondsPerDay;
  const auto seconds = static_cast<unsigned>(total_seconds % kSecondsPerDay);
  const std::string time = twoDigits(seconds / 3600) + ":" + twoDigits(seconds % 3600 / 60);
  if (serial < 1 && days == 0) {
    return time;
  }
  std::string date;
  if (date1904) {
    days += kDate1904Offset;
  }
  if (days == 60) {
    date = "1900-02-29";
  } else {
    namespace chrono = std::chrono;
    // Serials 1..59 count from 1899-12-31; from 61 on, the phantom 1900-02-29 shifts them by one.
    const auto epoch = days < 60 ? chrono::sys_days{chrono::year{1899} / 12 / 31}
                                 : chrono::sys_days{chrono::year{1899} / 12 / 30};
    const chrono::year_month_day ymd{epoch + chrono::days{days}};
    date = formatDate(static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                      static_cast<unsigned>(ymd.day()));
  }
  if (seconds == 0) {
    return date;
  }
  return date + " " + time;
}

bool isBuiltinDateFormat(unsigned id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
         (id >= 50 && id <= 58);
}

bool isDateFormatCode(std::string_view code) {
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == '"') {
      const auto close = code.find('"', i + 1);
      if (close == std::string_view::npos) {
        return false;
      }
      i = close;
    } else if (c == '[') {
      const auto close = code.find(']', i + 1);
      if (close == std::string_view::npos) {
        return false;
      }
      i = close;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;
    } else {
      switch (c | 0x20) {
        case 'y':
        case 'm':
        case 'd':
        case 'h':
        case 's':
          return true;
        default:
          break;
      }
    }
  }
  return false;
}

std::string decodeOoxmlEscapes(std::string_view text) {
  if (text.find('_') == std::string_view::npos) {
    return std::string(text);
  }
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto unit = escapeAt(text, i);
    if (!unit) {
      out.push_back(text[i]);
      ++i;
      continue;
    }
    i += 7;
    char32_t code_point = *unit;
    if (code_point >= 0xD800 && code_point <= 0xDBFF) {
      const auto low = escapeAt(text, i);
      if (low && *low >= 0xDC00 && *low <= 0xDFFF) {
        code_point = 0x10000 + ((code_point - 0xD800) << 10) + (*low - 0xDC00);
        i += 7;
      }
    }
    appendUtf8(out, code_point);
  }
  return out;
}

std::string protectOoxmlEscapes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (escapeAt(text, i)) {
      out.append("_x005F");
    }
    out.push_back(text[i]);
  }
  return out;
}

std::optional<std::string> formatIsoDate(std::string_view text) {
  const auto digits = [&](std::size_t from, std::size_t count) {
    if (text.size() < from + count) {
      return false;
    }
    for (std::size_t i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') {
        return false;
      }
    }
    return true;
  };
  if (!digits(0, 4) || text.size() < 10 || text[4] != '-' || !digits(5, 2) || text[7] != '-' ||
      !digits(8, 2)) {
    return std::nullopt;
  }
  std::string date(text.substr(0, 10));
  if (text.size() >= 16 && (text[10] == 'T' || text[10] == ' ') && digits(11, 2) &&
      text[13] == ':' && digits(14, 2)) {
    const std::string_view hh_mm = text.substr(11, 5);
    const bool seconds =
        text.size() >= 19 && text[16] == ':' && digits(17, 2) && text.substr(17, 2) != "00";
    if (hh_mm != "00:00" || seconds) {
      date += " ";
      date += hh_mm;
    }
  }
  return date;
}

}  // namespace anguan::report
