#include <charconv>
#include <map>

#include "anguan/service/context.hpp"

namespace anguan::service {

bool resolveTimeZone(const std::string& name, int& offset_minutes) {
  // Fixed-offset zones only: those that matter for Chinese enterprises and their neighbours,
  // none of which observes daylight saving time.
  static const std::map<std::string, int> kZones = {
      {"Asia/Shanghai", 480},
      {"Asia/Chongqing", 480},
      {"Asia/Harbin", 480},
      {"Asia/Urumqi", 360},
      {"Asia/Hong_Kong", 480},
      {"Asia/Macau", 480},
      {"Asia/Taipei", 480},
      {"Asia/Singapore", 480},
      {"Asia/Tokyo", 540},
      {"Asia/Seoul", 540},
      {"UTC", 0},
      {"Etc/UTC", 0},
      {"PRC", 480},
  };
  if (auto it = kZones.find(name); it != kZones.end()) {
    offset_minutes = it->second;
    return true;
  }
  // "+08:00" / "-05:30"
  // Digits only: from_chars alone would take a sign, so "+-1:00" would read as -01:00.
  auto digit = [&](std::size_t i) { return name[i] >= '0' && name[i] <= '9'; };
  if (name.size() == 6 && (name[0] == '+' || name[0] == '-') && name[3] == ':' && digit(1) &&
      digit(2) && digit(4) && digit(5)) {
    int h = 0;
    int m = 0;
    auto [p1, e1] = std::from_chars(name.data() + 1, name.data() + 3, h);
    auto [p2, e2] = std::from_chars(name.data() + 4, name.data() + 6, m);
    if (e1 == std::errc{} && e2 == std::errc{} && p1 == name.data() + 3 && p2 == name.data() + 6 &&
        h <= 14 && m < 60) {
      offset_minutes = (h * 60 + m) * (name[0] == '-' ? -1 : 1);
      return true;
    }
  }
  return false;
}

}  // namespace anguan::service
