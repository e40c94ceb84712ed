#include <ostream>
#include <string>

#include <gtest/gtest.h>

#include "anguan/service/context.hpp"

namespace anguan::service {
namespace {

struct ZoneCase {
  std::string name;
  bool known;
  int offset_minutes;
};

void PrintTo(const ZoneCase& c, std::ostream* os) { *os << "'" << c.name << "'"; }

class ResolveTimeZoneTest : public ::testing::TestWithParam<ZoneCase> {};

TEST_P(ResolveTimeZoneTest, ResolvesKnownNamesAndFixedOffsets) {
  const auto& c = GetParam();
  int offset = -9999;
  EXPECT_EQ(resolveTimeZone(c.name, offset), c.known) << c.name;
  if (c.known) {
    EXPECT_EQ(offset, c.offset_minutes) << c.name;
  } else {
    EXPECT_EQ(offset, -9999) << "a rejected name must leave the output alone: " << c.name;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Zones, ResolveTimeZoneTest,
    ::testing::Values(
        ZoneCase{"Asia/Shanghai", true, 480}, ZoneCase{"PRC", true, 480},
        ZoneCase{"Asia/Urumqi", true, 360}, ZoneCase{"Asia/Tokyo", true, 540},
        ZoneCase{"UTC", true, 0}, ZoneCase{"Etc/UTC", true, 0}, ZoneCase{"+08:00", true, 480},
        ZoneCase{"+05:30", true, 330}, ZoneCase{"-03:00", true, -180}, ZoneCase{"+00:00", true, 0},
        ZoneCase{"-00:00", true, 0}, ZoneCase{"+14:00", true, 840}, ZoneCase{"-12:45", true, -765},
        ZoneCase{"+14:59", true, 899},
        // Rejected.
        ZoneCase{"Mars/Base", false, 0}, ZoneCase{"asia/shanghai", false, 0},
        ZoneCase{"America/New_York", false, 0}, ZoneCase{"", false, 0}, ZoneCase{"+8", false, 0},
        ZoneCase{"+8:00", false, 0}, ZoneCase{"+0800", false, 0}, ZoneCase{"08:00", false, 0},
        ZoneCase{"+25:00", false, 0}, ZoneCase{"+15:00", false, 0}, ZoneCase{"+08:60", false, 0},
        ZoneCase{"+08-00", false, 0}, ZoneCase{"+0a:00", false, 0}, ZoneCase{"+08:0a", false, 0},
        ZoneCase{"+-1:00", false, 0}, ZoneCase{"-+1:00", false, 0}, ZoneCase{"+08:-1", false, 0},
        ZoneCase{"+08:00 ", false, 0}));

}  // namespace
}  // namespace anguan::service
