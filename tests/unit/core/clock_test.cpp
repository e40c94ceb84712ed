#include "anguan/core/clock.hpp"

#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace anguan {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

// UTC instant from calendar fields, for readable expectations.
Instant utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
  return Instant{sys_days{year{y} / month{mo} / day{d}}} + hours{h} + minutes{mi} + seconds{s} +
         milliseconds{ms};
}

// ---------------------------------------------------------------------------------------------
// parseRfc3339: accepted forms.

struct ValidRfc3339Case {
  std::string name;
  std::string text;
  Instant expected;
};

void PrintTo(const ValidRfc3339Case& c, std::ostream* os) { *os << c.text; }

class ParseRfc3339ValidTest : public ::testing::TestWithParam<ValidRfc3339Case> {};

TEST_P(ParseRfc3339ValidTest, ParsesToTheUtcInstant) {
  const auto& c = GetParam();
  const std::optional<Instant> parsed = parseRfc3339(c.text);
  ASSERT_TRUE(parsed.has_value()) << c.text;
  EXPECT_EQ(toMillis(*parsed), toMillis(c.expected)) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Forms, ParseRfc3339ValidTest,
    ::testing::Values(
        ValidRfc3339Case{"Zulu", "2026-11-28T22:30:00Z", utc(2026, 11, 28, 22, 30)},
        ValidRfc3339Case{"LowerCaseTAndZ", "2026-11-28t22:30:00z", utc(2026, 11, 28, 22, 30)},
        ValidRfc3339Case{"SpaceSeparator", "2026-11-28 22:30:00Z", utc(2026, 11, 28, 22, 30)},
        ValidRfc3339Case{"PlusEight", "2026-11-28T22:30:00+08:00", utc(2026, 11, 28, 14, 30)},
        ValidRfc3339Case{"PlusEightBeforeMidnightUtc", "2026-11-29T07:59:59+08:00",
                         utc(2026, 11, 28, 23, 59, 59)},
        ValidRfc3339Case{"PlusEightCrossesBackOverMidnight", "2026-01-01T00:00:00+08:00",
                         utc(2025, 12, 31, 16)},
        ValidRfc3339Case{"MinusHalfHour", "2026-11-28T22:30:00-05:30", utc(2026, 11, 29, 4, 0)},
        ValidRfc3339Case{"MinusThree", "2026-11-28T22:30:00-03:00", utc(2026, 11, 29, 1, 30)},
        ValidRfc3339Case{"ZeroOffset", "2026-11-28T22:30:00+00:00", utc(2026, 11, 28, 22, 30)},
        ValidRfc3339Case{"LargestOffset", "2026-11-28T23:59:00+23:59", utc(2026, 11, 28, 0, 0)},
        ValidRfc3339Case{"WithoutSeconds", "2026-11-28T22:30Z", utc(2026, 11, 28, 22, 30)},
        ValidRfc3339Case{"WithoutSecondsWithOffset", "2026-11-28T22:30+08:00",
                         utc(2026, 11, 28, 14, 30)},
        ValidRfc3339Case{"LastSecondOfDay", "2026-11-28T23:59:59Z", utc(2026, 11, 28, 23, 59, 59)},
        ValidRfc3339Case{"Fraction1Digit", "2026-11-28T22:30:00.5Z",
                         utc(2026, 11, 28, 22, 30, 0, 500)},
        ValidRfc3339Case{"Fraction2Digits", "2026-11-28T22:30:00.12Z",
                         utc(2026, 11, 28, 22, 30, 0, 120)},
        ValidRfc3339Case{"Fraction3Digits", "2026-11-28T22:30:00.123Z",
                         utc(2026, 11, 28, 22, 30, 0, 123)},
        ValidRfc3339Case{"Fraction4DigitsTruncates", "2026-11-28T22:30:00.1239Z",
                         utc(2026, 11, 28, 22, 30, 0, 123)},
        ValidRfc3339Case{"Fraction6Digits", "2026-11-28T22:30:00.000001Z",
                         utc(2026, 11, 28, 22, 30)},
        ValidRfc3339Case{"Fraction9Digits", "2026-11-28T22:30:00.999999999Z",
                         utc(2026, 11, 28, 22, 30, 0, 999)},
        ValidRfc3339Case{"FractionWithOffset", "2026-11-28T22:30:00.007+08:00",
                         utc(2026, 11, 28, 14, 30, 0, 7)},
        ValidRfc3339Case{"LeapDay", "2024-02-29T12:00:00Z", utc(2024, 2, 29, 12)},
        ValidRfc3339Case{"LeapDayOf2000", "2000-02-29T00:00:00Z", utc(2000, 2, 29)},
        ValidRfc3339Case{"BeforeEpoch", "1969-12-31T23:59:59.500Z",
                         utc(1969, 12, 31, 23, 59, 59, 500)}),
    [](const ::testing::TestParamInfo<ValidRfc3339Case>& param_info) {
      return param_info.param.name;
    });

// ---------------------------------------------------------------------------------------------
// parseRfc3339: rejected forms.

struct InvalidRfc3339Case {
  std::string name;
  std::string text;
};

void PrintTo(const InvalidRfc3339Case& c, std::ostream* os) { *os << c.text; }

class ParseRfc3339InvalidTest : public ::testing::TestWithParam<InvalidRfc3339Case> {};

TEST_P(ParseRfc3339InvalidTest, ReturnsNullopt) {
  EXPECT_FALSE(parseRfc3339(GetParam().text).has_value()) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Forms, ParseRfc3339InvalidTest,
    ::testing::Values(InvalidRfc3339Case{"Empty", ""},
                      InvalidRfc3339Case{"Garbage", "yesterday at noon"},
                      InvalidRfc3339Case{"DateOnly", "2026-11-28"},
                      InvalidRfc3339Case{"Month13", "2026-13-01T00:00:00Z"},
                      InvalidRfc3339Case{"Month0", "2026-00-01T00:00:00Z"},
                      InvalidRfc3339Case{"Day0", "2026-01-00T00:00:00Z"},
                      InvalidRfc3339Case{"April31", "2026-04-31T00:00:00Z"},
                      InvalidRfc3339Case{"Feb29NonLeapYear", "2025-02-29T00:00:00Z"},
                      InvalidRfc3339Case{"Feb29Of1900", "1900-02-29T00:00:00Z"},
                      InvalidRfc3339Case{"Feb30", "2024-02-30T00:00:00Z"},
                      InvalidRfc3339Case{"Hour24", "2026-01-01T24:00:00Z"},
                      InvalidRfc3339Case{"Minute60", "2026-01-01T23:60:00Z"},
                      InvalidRfc3339Case{"Second60", "2026-01-01T23:59:60Z"},
                      InvalidRfc3339Case{"MissingOffset", "2026-01-01T00:00:00"},
                      InvalidRfc3339Case{"MissingOffsetWithFraction", "2026-01-01T00:00:00.123"},
                      InvalidRfc3339Case{"GarbageAfterZ", "2026-01-01T00:00:00Zjunk"},
                      InvalidRfc3339Case{"SpaceAfterZ", "2026-01-01T00:00:00Z "},
                      InvalidRfc3339Case{"GarbageAfterOffset", "2026-01-01T00:00:00+08:00x"},
                      InvalidRfc3339Case{"OffsetWithoutColon", "2026-01-01T00:00:00+0800"},
                      InvalidRfc3339Case{"OffsetOneDigitHour", "2026-01-01T00:00:00+8:00"},
                      InvalidRfc3339Case{"OffsetHoursOnly", "2026-01-01T00:00:00+08"},
                      InvalidRfc3339Case{"OffsetHour24", "2026-01-01T00:00:00+24:00"},
                      InvalidRfc3339Case{"OffsetMinute60", "2026-01-01T00:00:00+08:60"},
                      InvalidRfc3339Case{"EmptyFraction", "2026-01-01T00:00:00.Z"},
                      InvalidRfc3339Case{"BadSeparator", "2026-01-01X00:00:00Z"},
                      InvalidRfc3339Case{"OneDigitMonth", "2026-1-01T00:00:00Z"},
                      InvalidRfc3339Case{"SlashDate", "2026/01/01T00:00:00Z"},
                      InvalidRfc3339Case{"SignedHour", "2026-01-01T+1:00:00Z"},
                      InvalidRfc3339Case{"LetterOffset", "2026-01-01T00:00:00A"}),
    [](const ::testing::TestParamInfo<InvalidRfc3339Case>& param_info) {
      return param_info.param.name;
    });

// ---------------------------------------------------------------------------------------------
// formatRfc3339.

struct FormatCase {
  std::string name;
  Instant instant;
  int offset_minutes;
  std::string expected;
};

void PrintTo(const FormatCase& c, std::ostream* os) { *os << c.expected; }

class FormatRfc3339Test : public ::testing::TestWithParam<FormatCase> {};

TEST_P(FormatRfc3339Test, RendersLocalTimeWithTheOffset) {
  const auto& c = GetParam();
  EXPECT_EQ(formatRfc3339(c.instant, c.offset_minutes), c.expected);
}

TEST_P(FormatRfc3339Test, RoundTripsThroughParse) {
  const auto& c = GetParam();
  const auto parsed = parseRfc3339(formatRfc3339(c.instant, c.offset_minutes));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(toMillis(*parsed), toMillis(c.instant));
}

INSTANTIATE_TEST_SUITE_P(
    Instants, FormatRfc3339Test,
    ::testing::Values(
        FormatCase{"UtcAtPlusEight", utc(2026, 11, 28, 14, 30), 480, "2026-11-28T22:30:00+08:00"},
        FormatCase{"PlusEightPastMidnightIsNextDay", utc(2026, 11, 28, 16, 30), 480,
                   "2026-11-29T00:30:00+08:00"},
        FormatCase{"PlusEightJustBeforeMidnight", utc(2026, 11, 28, 15, 59, 59, 7), 480,
                   "2026-11-28T23:59:59.007+08:00"},
        FormatCase{"PlusEightExactlyMidnight", utc(2026, 11, 28, 16), 480,
                   "2026-11-29T00:00:00+08:00"},
        FormatCase{"PlusEightNewYear", utc(2026, 12, 31, 16), 480, "2027-01-01T00:00:00+08:00"},
        FormatCase{"PlusEightLeapDay", utc(2024, 2, 28, 16), 480, "2024-02-29T00:00:00+08:00"},
        FormatCase{"MillisecondsShown", utc(2026, 1, 2, 3, 4, 5, 678), 0,
                   "2026-01-02T03:04:05.678+00:00"},
        FormatCase{"ZeroMillisecondsHidden", utc(2026, 1, 2, 3, 4, 5), 0,
                   "2026-01-02T03:04:05+00:00"},
        FormatCase{"NegativeOffset", utc(2026, 1, 1, 2, 0), -330, "2025-12-31T20:30:00-05:30"},
        FormatCase{"NegativeOffsetWholeHours", utc(2026, 6, 1, 12), -180,
                   "2026-06-01T09:00:00-03:00"},
        FormatCase{"BeforeEpoch", utc(1969, 12, 31, 23, 59, 59, 500), 0,
                   "1969-12-31T23:59:59.500+00:00"},
        FormatCase{"Epoch", fromMillis(0), 480, "1970-01-01T08:00:00+08:00"}),
    [](const ::testing::TestParamInfo<FormatCase>& param_info) { return param_info.param.name; });

TEST(ClockTest, ParseAcceptsWhatFormatProducesForEveryMillisecondOfASecond) {
  const Instant base = utc(2026, 5, 17, 23, 59, 59);
  for (int ms = 0; ms < 1000; ms += 37) {
    const Instant t = base + milliseconds{ms};
    for (int offset : {480, 0, -330, 345}) {
      const auto parsed = parseRfc3339(formatRfc3339(t, offset));
      ASSERT_TRUE(parsed.has_value()) << ms << " at " << offset;
      EXPECT_EQ(toMillis(*parsed), toMillis(t)) << ms << " at " << offset;
    }
  }
}

TEST(ClockTest, MillisConversionRoundTrips) {
  EXPECT_EQ(toMillis(fromMillis(1772323200123)), 1772323200123);
  EXPECT_EQ(toMillis(fromMillis(-1)), -1);
}

TEST(ClockTest, SystemClockIsAfter2020) {
  SystemClock clock;
  EXPECT_GT(toMillis(clock.now()), toMillis(utc(2020, 1, 1)));
}

// ---------------------------------------------------------------------------------------------
// parseDate / formatDate.

struct DateCase {
  std::string text;
  bool valid;
};

void PrintTo(const DateCase& c, std::ostream* os) { *os << c.text; }

class ParseDateTest : public ::testing::TestWithParam<DateCase> {};

TEST_P(ParseDateTest, AcceptsOnlyExistingCalendarDates) {
  const auto& c = GetParam();
  const auto parsed = parseDate(c.text);
  EXPECT_EQ(parsed.has_value(), c.valid) << c.text;
  if (parsed) {
    EXPECT_EQ(formatDate(*parsed), c.text);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Dates, ParseDateTest,
    ::testing::Values(
        DateCase{"2026-01-01", true}, DateCase{"2026-12-31", true}, DateCase{"2024-02-29", true},
        DateCase{"2000-02-29", true}, DateCase{"2025-02-28", true}, DateCase{"2025-02-29", false},
        DateCase{"1900-02-29", false}, DateCase{"2026-04-30", true}, DateCase{"2026-04-31", false},
        DateCase{"2026-13-01", false}, DateCase{"2026-00-10", false}, DateCase{"2026-01-00", false},
        DateCase{"2026-01-32", false}, DateCase{"2026-1-01", false}, DateCase{"2026-01-01T", false},
        DateCase{"2026/01/01", false}, DateCase{"20260101", false}, DateCase{"+026-01-01", false},
        DateCase{"2026-01-0a", false}, DateCase{"", false}));

TEST(ClockTest, FormatDatePadsYearMonthAndDay) {
  EXPECT_EQ(formatDate(year{987} / month{3} / day{4}), "0987-03-04");
}

}  // namespace
}  // namespace anguan
