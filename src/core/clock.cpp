#include "anguan/core/clock.hpp"

#include <charconv>
#include <cstdio>

namespace anguan {

Instant SystemClock::now() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

namespace {

bool readInt(std::string_view text, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > text.size()) {
    return false;
  }
  for (std::size_t i = pos; i < pos + len; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return false;
    }
  }
  auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + pos + len, out);
  return ec == std::errc{};
}

}  // namespace

std::string formatRfc3339(Instant t, int offset_minutes) {
  using namespace std::chrono;
  const auto local = t + minutes{offset_minutes};
  const auto day = floor<days>(local);
  const year_month_day ymd{day};
  const hh_mm_ss tod{local - day};
  char buf[48];
  const int ms = static_cast<int>(tod.subseconds().count());
  const char sign = offset_minutes < 0 ? '-' : '+';
  const int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  if (ms != 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03d%c%02d:%02d",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<int>(tod.hours().count()),
                  static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count()),
                  ms, sign, off / 60, off % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<int>(tod.hours().count()),
                  static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count()),
                  sign, off / 60, off % 60);
  }
  return buf;
}

std::optional<std::chrono::year_month_day> parseDate(std::string_view text) {
  using namespace std::chrono;
  int y = 0;
  int m = 0;
  int d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !readInt(text, 0, 4, y) ||
      !readInt(text, 5, 2, m) || !readInt(text, 8, 2, d)) {
    return std::nullopt;
  }
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  return ymd;
}

std::string formatDate(std::chrono::year_month_day d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

std::optional<Instant> parseRfc3339(std::string_view text) {
  using namespace std::chrono;
  if (text.size() < 17) {
    return std::nullopt;
  }
  auto date = parseDate(text.substr(0, 10));
  if (!date || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':') {
    return std::nullopt;
  }
  int hh = 0;
  int mi = 0;
  int ss = 0;
  int ms = 0;
  if (!readInt(text, 11, 2, hh) || !readInt(text, 14, 2, mi) || hh > 23 || mi > 59) {
    return std::nullopt;
  }
  std::size_t pos = 16;
  if (pos < text.size() && text[pos] == ':') {
    if (!readInt(text, pos + 1, 2, ss) || ss > 59) {
      return std::nullopt;
    }
    pos += 3;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      std::size_t digits = 0;
      int frac = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (digits < 3) {
          frac = frac * 10 + (text[pos] - '0');
        }
        ++digits;
        ++pos;
      }
      if (digits == 0) {
        return std::nullopt;
      }
      for (std::size_t i = digits; i < 3; ++i) {
        frac *= 10;
      }
      ms = frac;
    }
  }
  if (pos >= text.size()) {
    return std::nullopt;
  }
  int offset = 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    if (pos + 1 != text.size()) {
      return std::nullopt;
    }
  } else if (text[pos] == '+' || text[pos] == '-') {
    int oh = 0;
    int om = 0;
    if (text.size() != pos + 6 || text[pos + 3] != ':' || !readInt(text, pos + 1, 2, oh) ||
        !readInt(text, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = (oh * 60 + om) * (text[pos] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  const auto local = sys_days{*date} + hours{hh} + minutes{mi} + seconds{ss} + milliseconds{ms};
  return time_point_cast<milliseconds>(local - minutes{offset});
}

}  // namespace anguan
