#include "anguan/domain/base/validation.hpp"

#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace anguan::base {
namespace {

using namespace std::chrono;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Problems = std::vector<FieldProblem>;

std::string repeat(const std::string& unit, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += unit;
  }
  return out;
}

// A valid record of each entity, to change one field at a time.
Record validRecord(const std::string& entity) {
  Record r;
  if (entity == "org_units") {
    r.values = {{"name", std::string("一厂")},
                {"code", std::string("P1")},
                {"kind", std::string("plant")},
                {"parent_id", std::int64_t{1}},
                {"contact_phone", std::string("0571-88881234")},
                {"address", std::string("杭州市")}};
  } else if (entity == "people") {
    r.values = {{"name", std::string("张三")},
                {"employee_no", std::string("E001")},
                {"kind", std::string("employee")},
                {"org_id", std::int64_t{2}},
                {"roles", std::vector<std::string>{"worker"}},
                {"phone", std::string("13800138000")},
                {"active", true}};
  } else if (entity == "areas") {
    r.values = {{"name", std::string("罐区A")}, {"code", std::string("TF-A")},
                {"org_id", std::int64_t{2}},    {"kind", std::string("tank_farm")},
                {"major_hazard", true},         {"latitude", 30.25},
                {"longitude", 120.17}};
  } else if (entity == "certificates") {
    r.values = {{"person_id", std::int64_t{5}},
                {"cert_type", std::string("welding_fusion")},
                {"number", std::string("T330100198001011234")},
                {"issued_on", std::string("2024-03-01")},
                {"expires_on", std::string("2030-03-01")},
                {"next_review_on", std::string("2027-03-01")}};
  } else if (entity == "equipment") {
    r.values = {{"name", std::string("储罐")},
                {"code", std::string("T-101")},
                {"area_id", std::int64_t{3}},
                {"kind", std::string("tank")},
                {"status", std::string("in_service")}};
  } else if (entity == "maintenance_windows") {
    r.values = {{"equipment_id", std::int64_t{9}},
                {"kind", std::string("maintenance")},
                {"starts_at", std::int64_t{1772323200000}},
                {"ends_at", std::int64_t{1772323200000 + 3600000}},
                {"description", std::string("换热器检修")}};
  } else if (entity == "holidays") {
    r.values = {{"date", std::string("2026-10-01")},
                {"name", std::string("国庆节")},
                {"kind", std::string("holiday")}};
  } else if (entity == "devices") {
    r.values = {{"name", std::string("四合一气体检测仪")},
                {"code", std::string("GD-101")},
                {"kind", std::string("gas_detector")},
                {"area_id", std::int64_t{3}},
                {"active", true}};
  } else if (entity == "sensors") {
    r.values = {{"name", std::string("可燃气体")},
                {"code", std::string("GD-101-LEL")},
                {"device_id", std::int64_t{4}},
                {"kind", std::string("combustible_lel")},
                {"area_id", std::int64_t{3}},
                {"interval_seconds", std::int64_t{10}},
                {"calibration_due", std::string("2027-06-30")},
                {"alarm_high", 40.0}};
  } else if (entity == "area_thresholds") {
    r.values = {{"area_id", std::int64_t{3}},
                {"kind", std::string("combustible_lel")},
                {"warning_high", 20.0},
                {"alarm_high", 40.0},
                {"delay_seconds", std::int64_t{5}}};
  }
  return r;
}

const EntitySchema& schemaOf(const std::string& entity) {
  const EntitySchema* s = findSchema(entity);
  EXPECT_NE(s, nullptr) << entity;
  return *s;
}

// ---------------------------------------------------------------------------------------------

class ValidationTest : public ::testing::Test {};

TEST_F(ValidationTest, EveryEntitysSampleRecordIsValid) {
  for (const auto& schema : schemas()) {
    EXPECT_THAT(validateRecord(schema, validRecord(schema.name)), IsEmpty()) << schema.name;
  }
}

// ---------------------------------------------------------------------------------------------
// One field changed at a time: the problem it must cause (or none).

struct FieldCase {
  std::string name;
  std::string entity;
  std::string field;
  Value value;
  std::string reason;  // "" = valid.
};

void PrintTo(const FieldCase& c, std::ostream* os) { *os << c.name; }

class ValidateFieldTest : public ::testing::TestWithParam<FieldCase> {};

TEST_P(ValidateFieldTest, ReportsTheExpectedProblem) {
  const auto& c = GetParam();
  Record r = validRecord(c.entity);
  r.values[c.field] = c.value;
  const Problems problems = validateRecord(schemaOf(c.entity), r);
  if (c.reason.empty()) {
    EXPECT_THAT(problems, IsEmpty());
  } else {
    EXPECT_THAT(problems, ElementsAre(FieldProblem{c.field, c.reason}));
  }
}

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

INSTANTIATE_TEST_SUITE_P(
    Fields, ValidateFieldTest,
    ::testing::Values(
        // Required text; length in code points.
        FieldCase{"RequiredTextNull", "org_units", "name", std::monostate{}, "required"},
        FieldCase{"RequiredTextEmpty", "org_units", "name", std::string(), "required"},
        FieldCase{"Text100ChineseCharsAtMax100", "org_units", "name", repeat("安", 100), ""},
        FieldCase{"Text101ChineseCharsOverMax100", "org_units", "name", repeat("安", 101),
                  "too_long"},
        FieldCase{"Text100AsciiAtMax100", "org_units", "name", std::string(100, 'a'), ""},
        FieldCase{"Text101AsciiOverMax100", "org_units", "name", std::string(101, 'a'), "too_long"},
        FieldCase{"Text100FourByteCharsAtMax100", "org_units", "name", repeat("😀", 100), ""},
        FieldCase{"Text2ByteChars", "org_units", "name", repeat("é", 100), ""},
        FieldCase{"OptionalTextEmptyIsFine", "org_units", "address", std::string(), ""},
        FieldCase{"OptionalTextNullIsFine", "org_units", "address", std::monostate{}, ""},
        FieldCase{"Description500", "maintenance_windows", "description", repeat("修", 500), ""},
        FieldCase{"Description501", "maintenance_windows", "description", repeat("修", 501),
                  "too_long"},
        // Encoding.
        FieldCase{"InvalidLeadByte", "org_units", "name",
                  std::string("a\xff"
                              "b"),
                  "bad_encoding"},
        FieldCase{"TruncatedSequence", "org_units", "name", std::string("\xe5\xae"),
                  "bad_encoding"},
        FieldCase{"BadContinuationByte", "org_units", "name", std::string("\xe5\x41\x42"),
                  "bad_encoding"},
        FieldCase{"LoneContinuationByte", "org_units", "name", std::string("\x80"), "bad_encoding"},
        FieldCase{"OverlongTwoByteSlash", "org_units", "name", std::string("\xc0\xaf"),
                  "bad_encoding"},
        FieldCase{"OverlongThreeByte", "org_units", "name", std::string("\xe0\x80\xaf"),
                  "bad_encoding"},
        FieldCase{"OverlongFourByte", "org_units", "name", std::string("\xf0\x80\x80\xaf"),
                  "bad_encoding"},
        FieldCase{"Utf16Surrogate", "org_units", "name", std::string("\xed\xa0\x80"),
                  "bad_encoding"},
        FieldCase{"PastU10FFFF", "org_units", "name", std::string("\xf4\x90\x80\x80"),
                  "bad_encoding"},
        FieldCase{"LeadByteF5", "org_units", "name", std::string("\xf5\x80\x80\x80"),
                  "bad_encoding"},
        FieldCase{"SmallestTwoByte", "org_units", "name", std::string("\xc2\x80"), ""},
        FieldCase{"SmallestThreeByte", "org_units", "name", std::string("\xe0\xa0\x80"), ""},
        FieldCase{"LastBeforeSurrogates", "org_units", "name", std::string("\xed\x9f\xbf"), ""},
        FieldCase{"FirstAfterSurrogates", "org_units", "name", std::string("\xee\x80\x80"), ""},
        FieldCase{"SmallestFourByte", "org_units", "name", std::string("\xf0\x90\x80\x80"), ""},
        FieldCase{"LargestCodePoint", "org_units", "name", std::string("\xf4\x8f\xbf\xbf"), ""},
        // Type.
        FieldCase{"TextGivenInteger", "org_units", "name", std::int64_t{5}, "wrong_type"},
        FieldCase{"RefGivenText", "org_units", "parent_id", std::string("1"), "wrong_type"},
        FieldCase{"BoolGivenText", "areas", "major_hazard", std::string("yes"), "wrong_type"},
        FieldCase{"BoolGivenInteger", "areas", "major_hazard", std::int64_t{1}, "wrong_type"},
        FieldCase{"NumberGivenText", "areas", "latitude", std::string("30"), "wrong_type"},
        FieldCase{"DateGivenInteger", "certificates", "issued_on", std::int64_t{20240301},
                  "wrong_type"},
        FieldCase{"DateTimeGivenText", "maintenance_windows", "starts_at",
                  std::string("2026-03-01T08:00:00+08:00"), "wrong_type"},
        FieldCase{"DateTimeGivenDouble", "maintenance_windows", "starts_at", 1.0, "wrong_type"},
        FieldCase{"EnumGivenInteger", "org_units", "kind", std::int64_t{1}, "wrong_type"},
        FieldCase{"CodeListGivenText", "people", "roles", std::string("worker"), "wrong_type"},
        // Enum.
        FieldCase{"EnumUnknownCode", "org_units", "kind", std::string("factory"), "not_an_option"},
        FieldCase{"EnumByLabelIsNotACode", "org_units", "kind", std::string("车间"),
                  "not_an_option"},
        FieldCase{"EnumCaseSensitive", "org_units", "kind", std::string("Plant"), "not_an_option"},
        FieldCase{"EnumRequiredNull", "org_units", "kind", std::monostate{}, "required"},
        FieldCase{"OptionalDateNull", "certificates", "next_review_on", std::monostate{}, ""},
        // Code list.
        FieldCase{"CodeListAllKnown", "people", "roles",
                  std::vector<std::string>{"worker", "guardian", "admin"}, ""},
        FieldCase{"CodeListEmpty", "people", "roles", std::vector<std::string>{}, ""},
        FieldCase{"CodeListOneUnknown", "people", "roles",
                  std::vector<std::string>{"worker", "boss"}, "not_an_option"},
        // Reference.
        FieldCase{"RefZero", "org_units", "parent_id", std::int64_t{0}, "bad_reference"},
        FieldCase{"RefNegative", "people", "org_id", std::int64_t{-3}, "bad_reference"},
        FieldCase{"RequiredRefNull", "people", "org_id", std::monostate{}, "required"},
        FieldCase{"OptionalRefNull", "org_units", "parent_id", std::monostate{}, ""},
        // Number range.
        FieldCase{"LatitudeAtMax", "areas", "latitude", 90.0, ""},
        FieldCase{"LatitudeAtMin", "areas", "latitude", -90.0, ""},
        FieldCase{"LatitudeOverMax", "areas", "latitude", 90.000001, "out_of_range"},
        FieldCase{"LatitudeUnderMin", "areas", "latitude", -90.000001, "out_of_range"},
        FieldCase{"LatitudeAsInteger", "areas", "latitude", std::int64_t{45}, ""},
        FieldCase{"LatitudeIntegerOverMax", "areas", "latitude", std::int64_t{91}, "out_of_range"},
        FieldCase{"LatitudeNaN", "areas", "latitude", kNaN, "out_of_range"},
        FieldCase{"LatitudeInfinity", "areas", "latitude", kInf, "out_of_range"},
        FieldCase{"PlanXNegativeInfinity", "areas", "plan_x", -kInf, "out_of_range"},
        FieldCase{"PlanXAtMax", "areas", "plan_x", 100000.0, ""},
        // Phone pattern.
        FieldCase{"PhoneMobile", "people", "phone", std::string("13800138000"), ""},
        FieldCase{"PhoneLandline", "org_units", "contact_phone", std::string("0571-8888 1234"), ""},
        FieldCase{"PhoneInternational", "people", "phone", std::string("+86 (138) 0013-8000"), ""},
        FieldCase{"PhoneFiveDigits", "people", "phone", std::string("12345"), ""},
        FieldCase{"PhoneFourDigits", "people", "phone", std::string("1234"), "bad_phone"},
        FieldCase{"PhoneFiveCharsFourDigits", "people", "phone", std::string("12-34"), "bad_phone"},
        FieldCase{"PhoneWithLetters", "people", "phone", std::string("138-CALL-ME"), "bad_phone"},
        FieldCase{"PhoneWithExtensionMarker", "people", "phone", std::string("88881234x12"),
                  "bad_phone"},
        FieldCase{"PhoneEmptyIsFine", "people", "phone", std::string(), ""},
        FieldCase{"Phone33CharsIsTooLong", "people", "phone", std::string(33, '1'), "too_long"},
        // Dates.
        FieldCase{"DateLeapDay", "certificates", "issued_on", std::string("2024-02-29"), ""},
        FieldCase{"DateFeb29NonLeap", "certificates", "issued_on", std::string("2025-02-29"),
                  "bad_date"},
        FieldCase{"DateApril31", "certificates", "issued_on", std::string("2024-04-31"),
                  "bad_date"},
        FieldCase{"DateWithTime", "certificates", "issued_on", std::string("2024-03-01T00:00:00Z"),
                  "bad_date"},
        FieldCase{"DateEmptyRequired", "certificates", "issued_on", std::string(), "bad_date"},
        FieldCase{"HolidayDateGarbage", "holidays", "date", std::string("国庆"), "bad_date"},
        // Computed fields are ignored, whatever they hold.
        FieldCase{"ComputedStatusIgnored", "certificates", "status", std::string("bogus"), ""},
        // Unknown fields.
        FieldCase{"UnknownField", "areas", "colour", std::string("red"), "unknown_field"},
        FieldCase{"UnknownNullField", "areas", "colour", std::monostate{}, "unknown_field"}),
    [](const ::testing::TestParamInfo<FieldCase>& param_info) { return param_info.param.name; });

// ---------------------------------------------------------------------------------------------
// Cross-field rules.

TEST_F(ValidationTest, CertificateExpiringOnIssueDayIsBeforeStart) {
  Record r = validRecord("certificates");
  r.values["issued_on"] = std::string("2024-03-01");
  r.values["expires_on"] = std::string("2024-03-01");
  EXPECT_THAT(validateRecord(schemaOf("certificates"), r),
              ElementsAre(FieldProblem{"expires_on", "before_start"}));
}

TEST_F(ValidationTest, CertificateExpiringBeforeIssueIsBeforeStart) {
  Record r = validRecord("certificates");
  r.values["expires_on"] = std::string("2024-02-29");
  EXPECT_THAT(validateRecord(schemaOf("certificates"), r),
              ElementsAre(FieldProblem{"expires_on", "before_start"}));
}

TEST_F(ValidationTest, CertificateExpiringTheDayAfterIssueIsValid) {
  Record r = validRecord("certificates");
  r.values["expires_on"] = std::string("2024-03-02");
  r.values["next_review_on"] = std::string("2024-03-02");
  EXPECT_THAT(validateRecord(schemaOf("certificates"), r), IsEmpty());
}

TEST_F(ValidationTest, CertificateReviewOnOrBeforeIssueIsBeforeStart) {
  Record r = validRecord("certificates");
  r.values["next_review_on"] = std::string("2024-03-01");
  EXPECT_THAT(validateRecord(schemaOf("certificates"), r),
              ElementsAre(FieldProblem{"next_review_on", "before_start"}));
}

TEST_F(ValidationTest, CertificateWithBothDatesBeforeIssueReportsBoth) {
  Record r = validRecord("certificates");
  r.values["expires_on"] = std::string("2023-01-01");
  r.values["next_review_on"] = std::string("2023-01-01");
  EXPECT_THAT(validateRecord(schemaOf("certificates"), r),
              ElementsAre(FieldProblem{"expires_on", "before_start"},
                          FieldProblem{"next_review_on", "before_start"}));
}

TEST_F(ValidationTest, MaintenanceEndingBeforeStartIsBeforeStart) {
  Record r = validRecord("maintenance_windows");
  r.values["ends_at"] = std::int64_t{1772323200000 - 1};
  EXPECT_THAT(validateRecord(schemaOf("maintenance_windows"), r),
              ElementsAre(FieldProblem{"ends_at", "before_start"}));
}

TEST_F(ValidationTest, MaintenanceEndingAtItsStartIsBeforeStart) {
  Record r = validRecord("maintenance_windows");
  r.values["ends_at"] = std::int64_t{1772323200000};
  EXPECT_THAT(validateRecord(schemaOf("maintenance_windows"), r),
              ElementsAre(FieldProblem{"ends_at", "before_start"}));
}

TEST_F(ValidationTest, MaintenanceEndingOneMillisecondAfterStartIsValid) {
  Record r = validRecord("maintenance_windows");
  r.values["ends_at"] = std::int64_t{1772323200000 + 1};
  EXPECT_THAT(validateRecord(schemaOf("maintenance_windows"), r), IsEmpty());
}

TEST_F(ValidationTest, CrossFieldRulesRunOnlyWhenFieldsAreValid) {
  Record r = validRecord("maintenance_windows");
  r.values["ends_at"] = std::int64_t{0};
  r.values["description"] = std::string();
  EXPECT_THAT(validateRecord(schemaOf("maintenance_windows"), r),
              ElementsAre(FieldProblem{"description", "required"}));
}

TEST_F(ValidationTest, OrgUnitThatIsItsOwnParentIsASelfReference) {
  Record r = validRecord("org_units");
  r.id = 7;
  r.values["parent_id"] = std::int64_t{7};
  EXPECT_THAT(validateRecord(schemaOf("org_units"), r),
              ElementsAre(FieldProblem{"parent_id", "self_reference"}));
}

TEST_F(ValidationTest, AreaThatIsItsOwnParentIsASelfReference) {
  Record r = validRecord("areas");
  r.id = 3;
  r.values["parent_id"] = std::int64_t{3};
  EXPECT_THAT(validateRecord(schemaOf("areas"), r),
              ElementsAre(FieldProblem{"parent_id", "self_reference"}));
}

TEST_F(ValidationTest, NewRecordWithAParentIsNotASelfReference) {
  Record r = validRecord("org_units");
  r.id = 0;
  r.values["parent_id"] = std::int64_t{7};
  EXPECT_THAT(validateRecord(schemaOf("org_units"), r), IsEmpty());
}

TEST_F(ValidationTest, ReportsEveryProblemNotJustTheFirst) {
  Record r = validRecord("people");
  r.values["name"] = std::monostate{};
  r.values["kind"] = std::string("robot");
  r.values["phone"] = std::string("abc");
  r.values["nickname"] = std::string("x");
  const Problems problems = validateRecord(schemaOf("people"), r);
  EXPECT_THAT(problems, ::testing::UnorderedElementsAre(FieldProblem{"nickname", "unknown_field"},
                                                        FieldProblem{"name", "required"},
                                                        FieldProblem{"kind", "not_an_option"},
                                                        FieldProblem{"phone", "bad_phone"}));
}

TEST_F(ValidationTest, MissingFieldsCountAsNull) {
  Record r;
  const Problems problems = validateRecord(schemaOf("holidays"), r);
  EXPECT_THAT(problems,
              ElementsAre(FieldProblem{"date", "required"}, FieldProblem{"name", "required"},
                          FieldProblem{"kind", "required"}));
}

TEST_F(ValidationTest, ValidationErrorCarriesEveryProblemAsADetail) {
  const Error e = validationError({{"name", "required"}, {"phone", "bad_phone"}});
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.key(), "validation.failed");
  EXPECT_EQ(e.details(),
            (std::map<std::string, std::string>{{"name", "required"}, {"phone", "bad_phone"}}));
}

// ---------------------------------------------------------------------------------------------
// certificateStatus (warn 30 days, inclusive).

constexpr year_month_day kToday{year{2026}, month{3}, day{1}};

std::string plusDays(int n) { return formatDate(year_month_day{sys_days{kToday} + days{n}}); }

struct StatusCase {
  std::string name;
  std::string expires_on;
  std::string next_review_on;
  std::string expected;
  int warn_days = 30;
};

void PrintTo(const StatusCase& c, std::ostream* os) { *os << c.name; }

class CertificateStatusTest : public ::testing::TestWithParam<StatusCase> {};

TEST_P(CertificateStatusTest, ClassifiesAgainstToday) {
  const auto& c = GetParam();
  EXPECT_EQ(certificateStatus(c.expires_on, c.next_review_on, kToday, c.warn_days), c.expected)
      << "expires " << c.expires_on << " review " << c.next_review_on;
}

INSTANTIATE_TEST_SUITE_P(
    Boundaries, CertificateStatusTest,
    ::testing::Values(
        StatusCase{"ExpiresTodayIsExpiring", plusDays(0), "", "expiring"},
        StatusCase{"ExpiredYesterday", plusDays(-1), "", "expired"},
        StatusCase{"ExpiredLongAgo", "2000-01-01", "", "expired"},
        StatusCase{"ExpiresTomorrowIsExpiring", plusDays(1), "", "expiring"},
        StatusCase{"ExpiresInThirtyDaysIsExpiring", plusDays(30), "", "expiring"},
        StatusCase{"ExpiresInThirtyOneDaysIsValid", plusDays(31), "", "valid"},
        StatusCase{"ExpiresInYearsIsValid", "2032-01-01", "", "valid"},
        StatusCase{"EarlierReviewGovernsExpiring", plusDays(400), plusDays(10), "expiring"},
        StatusCase{"EarlierReviewGovernsExpired", plusDays(400), plusDays(-1), "expired"},
        StatusCase{"ReviewTodayIsExpiring", plusDays(400), plusDays(0), "expiring"},
        StatusCase{"ReviewInThirtyOneDaysIsValid", plusDays(400), plusDays(31), "valid"},
        StatusCase{"LaterReviewDoesNotRescueExpiry", plusDays(-1), plusDays(100), "expired"},
        StatusCase{"LaterReviewDoesNotHideExpiring", plusDays(5), plusDays(100), "expiring"},
        StatusCase{"UnparseableReviewIsIgnored", plusDays(400), "soon", "valid"},
        StatusCase{"UnparseableExpiryIsExpired", "2026-02-30", "", "expired"},
        StatusCase{"EmptyExpiryIsExpired", "", plusDays(400), "expired"},
        StatusCase{"GarbageExpiryIsExpired", "never", "", "expired"},
        StatusCase{"ZeroWarnDaysTodayIsExpiring", plusDays(0), "", "expiring", 0},
        StatusCase{"ZeroWarnDaysTomorrowIsValid", plusDays(1), "", "valid", 0},
        StatusCase{"SixtyWarnDays", plusDays(60), "", "expiring", 60},
        StatusCase{"SixtyWarnDaysPlusOne", plusDays(61), "", "valid", 60}),
    [](const ::testing::TestParamInfo<StatusCase>& param_info) { return param_info.param.name; });

TEST(CertificateStatusBoundaryTest, WarningWindowCrossesMonthAndLeapDay) {
  const year_month_day today{year{2028}, month{2}, day{1}};           // 2028 is a leap year.
  EXPECT_EQ(certificateStatus("2028-03-02", "", today), "expiring");  // 30 days incl. Feb 29.
  EXPECT_EQ(certificateStatus("2028-03-03", "", today), "valid");
}

}  // namespace
}  // namespace anguan::base
