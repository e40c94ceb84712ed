#include "anguan/service/record_json.hpp"

#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace anguan::service {
namespace {

namespace json = boost::json;
using base::FieldProblem;
using base::Value;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr int kShanghai = 480;
// 2026-03-01T00:00:00Z.
constexpr std::int64_t kT0 = 1772323200000;

const base::EntitySchema& schemaOf(const char* entity) { return *base::findSchema(entity); }
const base::FieldSpec& fieldOf(const char* entity, const char* field) {
  return *schemaOf(entity).field(field);
}

json::object parseObject(const char* text) { return json::parse(text).as_object(); }

const std::vector<std::string> kIgnore = {"id", "version", "org_id", "created_at", "updated_at"};

// ---------------------------------------------------------------------------------------------
// recordFromJson

class RecordFromJsonTest : public ::testing::Test {
 protected:
  std::vector<FieldProblem> read(const char* entity, const char* body) {
    record_ = {};
    return recordFromJson(schemaOf(entity), parseObject(body), record_, kIgnore);
  }
  base::Record record_;
};

TEST_F(RecordFromJsonTest, ReadsEveryFieldType) {
  const auto problems = read("areas", R"({
    "name": "罐区A", "code": "TF-A", "org_id": 2, "parent_id": 7, "kind": "tank_farm",
    "fire_explosion_hazard": true, "major_hazard": false, "latitude": 30.25, "longitude": 120,
    "responsible_person_id": 12})");
  ASSERT_THAT(problems, IsEmpty());
  EXPECT_EQ(record_.get("name"), Value(std::string("罐区A")));
  EXPECT_EQ(record_.get("org_id"), Value(std::int64_t{2}));
  EXPECT_EQ(record_.get("parent_id"), Value(std::int64_t{7}));
  EXPECT_EQ(record_.get("kind"), Value(std::string("tank_farm")));
  EXPECT_EQ(record_.get("fire_explosion_hazard"), Value(true));
  EXPECT_EQ(record_.get("major_hazard"), Value(false));
  EXPECT_EQ(record_.get("latitude"), Value(30.25));
  EXPECT_EQ(record_.get("longitude"), Value(120.0));  // Integers become doubles for numbers.
  EXPECT_EQ(record_.get("responsible_person_id"), Value(std::int64_t{12}));
}

TEST_F(RecordFromJsonTest, IgnoredKeysAreSkippedNotStored) {
  ASSERT_THAT(read("holidays", R"({"id": 5, "version": 3, "created_at": "x",
                                    "date": "2026-10-01", "name": "国庆", "kind": "holiday"})"),
              IsEmpty());
  EXPECT_EQ(record_.id, 0);
  EXPECT_EQ(record_.version, 0);
  EXPECT_EQ(record_.values.count("version"), 0u);
}

TEST_F(RecordFromJsonTest, ReadsCodeListsAndDates) {
  ASSERT_THAT(read("people", R"({"name": "张三", "employee_no": "E1", "kind": "employee",
                                  "org_id": 2, "roles": ["worker", "guardian"]})"),
              IsEmpty());
  EXPECT_EQ(record_.get("roles"), Value(std::vector<std::string>{"worker", "guardian"}));
  ASSERT_THAT(read("certificates", R"({"issued_on": "2024-03-01"})"), IsEmpty());
  EXPECT_EQ(record_.get("issued_on"), Value(std::string("2024-03-01")));
}

TEST_F(RecordFromJsonTest, DateTimeWithOffsetBecomesUtcMilliseconds) {
  ASSERT_THAT(read("maintenance_windows", R"({"starts_at": "2026-03-01T08:00:00+08:00",
                                               "ends_at": "2026-03-01T00:30:00.250Z"})"),
              IsEmpty());
  EXPECT_EQ(record_.get("starts_at"), Value(kT0));
  EXPECT_EQ(record_.get("ends_at"), Value(kT0 + 30 * 60 * 1000 + 250));
}

TEST_F(RecordFromJsonTest, MissingAndNullBoolsAreFalse) {
  ASSERT_THAT(read("areas", R"({"major_hazard": null})"), IsEmpty());
  EXPECT_EQ(record_.get("major_hazard"), Value(false));
  EXPECT_EQ(record_.get("outdoor"), Value(false));
  EXPECT_EQ(record_.values.count("outdoor"), 1u);
}

TEST_F(RecordFromJsonTest, MissingAndNullNonBoolsAreNull) {
  ASSERT_THAT(read("areas", R"({"name": null})"), IsEmpty());
  EXPECT_TRUE(base::isNull(record_.get("name")));
  EXPECT_TRUE(base::isNull(record_.get("latitude")));
  EXPECT_EQ(record_.values.count("latitude"), 1u);
}

TEST_F(RecordFromJsonTest, UnknownFieldsAreRejected) {
  EXPECT_THAT(read("areas", R"({"colour": "red", "org_path": "/1/"})"),
              UnorderedElementsAre(FieldProblem{"colour", "unknown_field"},
                                   FieldProblem{"org_path", "unknown_field"}));
}

TEST_F(RecordFromJsonTest, ComputedFieldsAreRejected) {
  EXPECT_THAT(read("certificates", R"({"status": "valid"})"),
              ElementsAre(FieldProblem{"status", "computed"}));
  EXPECT_EQ(record_.values.count("status"), 0u);
}

struct WrongTypeCase {
  std::string name;
  std::string entity;
  std::string body;
  std::string field;
  std::string reason;
};

void PrintTo(const WrongTypeCase& c, std::ostream* os) { *os << c.body; }

class RecordFromJsonWrongTypeTest : public ::testing::TestWithParam<WrongTypeCase> {};

TEST_P(RecordFromJsonWrongTypeTest, ReportsTheField) {
  const auto& c = GetParam();
  base::Record record;
  EXPECT_THAT(
      recordFromJson(*base::findSchema(c.entity), parseObject(c.body.c_str()), record, kIgnore),
      ElementsAre(FieldProblem{c.field, c.reason}));
}

INSTANTIATE_TEST_SUITE_P(
    Types, RecordFromJsonWrongTypeTest,
    ::testing::Values(
        WrongTypeCase{"TextGivenNumber", "areas", R"({"name": 5})", "name", "wrong_type"},
        WrongTypeCase{"TextGivenArray", "areas", R"({"name": ["a"]})", "name", "wrong_type"},
        WrongTypeCase{"EnumGivenNumber", "areas", R"({"kind": 1})", "kind", "wrong_type"},
        WrongTypeCase{"DateGivenNumber", "certificates", R"({"issued_on": 20240301})", "issued_on",
                      "wrong_type"},
        WrongTypeCase{"RefGivenString", "areas", R"({"parent_id": "7"})", "parent_id",
                      "wrong_type"},
        WrongTypeCase{"RefGivenDouble", "areas", R"({"parent_id": 7.5})", "parent_id",
                      "wrong_type"},
        WrongTypeCase{"RefGivenBool", "areas", R"({"parent_id": true})", "parent_id", "wrong_type"},
        WrongTypeCase{"RefBeyondInt64", "areas", R"({"parent_id": 9223372036854775808})",
                      "parent_id", "wrong_type"},
        WrongTypeCase{"NumberGivenString", "areas", R"({"latitude": "30.1"})", "latitude",
                      "wrong_type"},
        WrongTypeCase{"NumberGivenBool", "areas", R"({"latitude": false})", "latitude",
                      "wrong_type"},
        WrongTypeCase{"BoolGivenString", "areas", R"({"outdoor": "true"})", "outdoor",
                      "wrong_type"},
        WrongTypeCase{"BoolGivenNumber", "areas", R"({"outdoor": 1})", "outdoor", "wrong_type"},
        WrongTypeCase{"DateTimeGivenNumber", "maintenance_windows",
                      R"({"starts_at": 1772323200000})", "starts_at", "wrong_type"},
        WrongTypeCase{"DateTimeUnparseable", "maintenance_windows",
                      R"({"starts_at": "2026-03-01 08:00"})", "starts_at", "bad_datetime"},
        WrongTypeCase{"DateTimeWithoutOffset", "maintenance_windows",
                      R"({"starts_at": "2026-03-01T08:00:00"})", "starts_at", "bad_datetime"},
        WrongTypeCase{"CodeListGivenString", "people", R"({"roles": "worker"})", "roles",
                      "wrong_type"},
        WrongTypeCase{"CodeListWithNumber", "people", R"({"roles": ["worker", 3]})", "roles",
                      "wrong_type"}),
    [](const ::testing::TestParamInfo<WrongTypeCase>& param_info) {
      return param_info.param.name;
    });

// ---------------------------------------------------------------------------------------------
// recordToJson / valueToJson

class RecordToJsonTest : public ::testing::Test {};

TEST_F(RecordToJsonTest, RendersMetadataAndDateTimesInTheOffset) {
  base::Record r;
  r.id = 11;
  r.version = 3;
  r.org_id = 4;
  r.created_at = fromMillis(kT0);
  r.updated_at = fromMillis(kT0 + 16 * 3600 * 1000 + 5);
  r.values = {{"equipment_id", std::int64_t{9}},
              {"kind", std::string("isolation")},
              {"starts_at", kT0},
              {"ends_at", kT0 + 16 * 3600 * 1000},
              {"description", std::string("隔离")}};
  const json::object o = recordToJson(schemaOf("maintenance_windows"), r, kShanghai);
  EXPECT_EQ(o.at("id").as_int64(), 11);
  EXPECT_EQ(o.at("version").as_int64(), 3);
  EXPECT_EQ(o.at("org_id").as_int64(), 4);
  EXPECT_EQ(o.at("created_at").as_string(), "2026-03-01T08:00:00+08:00");
  EXPECT_EQ(o.at("updated_at").as_string(), "2026-03-02T00:00:00.005+08:00");
  EXPECT_EQ(o.at("starts_at").as_string(), "2026-03-01T08:00:00+08:00");
  EXPECT_EQ(o.at("ends_at").as_string(), "2026-03-02T00:00:00+08:00");
  EXPECT_EQ(o.at("equipment_id").as_int64(), 9);
  EXPECT_EQ(o.at("description").as_string(), "隔离");
  EXPECT_FALSE(o.contains("org_path"));
}

TEST_F(RecordToJsonTest, EveryFieldIsPresentAndMissingOnesAreNull) {
  base::Record r;
  r.values = {{"roles", std::vector<std::string>{"worker", "admin"}}, {"active", true}};
  const json::object o = recordToJson(schemaOf("people"), r, 0);
  for (const auto& spec : schemaOf("people").fields) {
    EXPECT_TRUE(o.contains(spec.name)) << spec.name;
  }
  EXPECT_TRUE(o.at("name").is_null());
  EXPECT_EQ(o.at("roles"), json::parse(R"(["worker","admin"])"));
  EXPECT_EQ(o.at("active"), json::value(true));
}

TEST_F(RecordToJsonTest, RoundTripsThroughRecordFromJson) {
  base::Record r;
  r.values = {
      {"name", std::string("罐区")},  {"code", std::string("A1")}, {"org_id", std::int64_t{2}},
      {"kind", std::string("other")}, {"latitude", 1.5},           {"major_hazard", true}};
  const json::object o = recordToJson(schemaOf("areas"), r, kShanghai);
  base::Record back;
  ASSERT_THAT(recordFromJson(schemaOf("areas"), o, back, kIgnore), IsEmpty());
  EXPECT_EQ(back.get("name"), r.get("name"));
  EXPECT_EQ(back.get("latitude"), r.get("latitude"));
  EXPECT_EQ(back.get("major_hazard"), r.get("major_hazard"));
  EXPECT_EQ(back.get("outdoor"), Value(false));
}

TEST_F(RecordToJsonTest, ValueToJsonRendersNullAsNull) {
  EXPECT_TRUE(valueToJson(fieldOf("areas", "name"), std::monostate{}, 0).is_null());
  EXPECT_TRUE(
      valueToJson(fieldOf("maintenance_windows", "starts_at"), std::monostate{}, 0).is_null());
}

// ---------------------------------------------------------------------------------------------
// valueFromCell

struct CellCase {
  std::string name;
  std::string entity;
  std::string field;
  std::string cell;
  Value expected;
  std::string reason = "";
  std::string unresolved = "";
};

void PrintTo(const CellCase& c, std::ostream* os) { *os << c.field << " '" << c.cell << "'"; }

class ValueFromCellTest : public ::testing::TestWithParam<CellCase> {};

TEST_P(ValueFromCellTest, ParsesLeniently) {
  const auto& c = GetParam();
  Value out = std::string("sentinel");
  std::string unresolved;
  const std::string reason =
      valueFromCell(fieldOf(c.entity.c_str(), c.field.c_str()), c.cell, kShanghai, out, unresolved);
  EXPECT_EQ(reason, c.reason);
  EXPECT_EQ(unresolved, c.unresolved);
  if (c.reason.empty()) {
    EXPECT_EQ(out, c.expected);
  }
}

using Codes = std::vector<std::string>;

INSTANTIATE_TEST_SUITE_P(
    Cells, ValueFromCellTest,
    ::testing::Values(
        CellCase{"EmptyIsNull", "areas", "name", "", std::monostate{}},
        CellCase{"BlankIsNull", "areas", "name", "  \t ", std::monostate{}},
        CellCase{"TextTrimmed", "areas", "name", "  罐区 A  ", std::string("罐区 A")},
        // Enum by code or label, either language.
        CellCase{"EnumByCode", "org_units", "kind", "plant", std::string("plant")},
        CellCase{"EnumByChineseLabel", "org_units", "kind", "车间", std::string("workshop")},
        CellCase{"EnumByEnglishLabel", "org_units", "kind", "Contractor",
                 std::string("contractor")},
        CellCase{"EnumUnknown", "org_units", "kind", "工厂", std::monostate{}, "not_an_option"},
        // Bool.
        CellCase{"BoolShi", "areas", "outdoor", "是", true},
        CellCase{"BoolFou", "areas", "outdoor", "否", false},
        CellCase{"BoolYesUpper", "areas", "outdoor", "YES", true},
        CellCase{"BoolNo", "areas", "outdoor", "no", false},
        CellCase{"BoolTrue", "areas", "outdoor", "True", true},
        CellCase{"BoolOne", "areas", "outdoor", "1", true},
        CellCase{"BoolZero", "areas", "outdoor", "0", false},
        CellCase{"BoolY", "areas", "outdoor", "y", true},
        CellCase{"BoolGarbage", "areas", "outdoor", "maybe", std::monostate{}, "wrong_type"},
        // Code lists split on , ; | 、 and the full-width comma; codes or labels.
        CellCase{"CodeListComma", "people", "roles", "worker,guardian",
                 Codes{"worker", "guardian"}},
        CellCase{"CodeListDunHao", "people", "roles", "作业人、监护人",
                 Codes{"worker", "guardian"}},
        CellCase{"CodeListFullWidthComma", "people", "roles", "作业人，Guardian",
                 Codes{"worker", "guardian"}},
        CellCase{"CodeListMixedSeparators", "people", "roles", "worker; admin | 安全员",
                 Codes{"worker", "admin", "safety_officer"}},
        CellCase{"CodeListSkipsEmptyParts", "people", "roles", "worker,,、admin,",
                 Codes{"worker", "admin"}},
        CellCase{"CodeListUnknown", "people", "roles", "worker,boss", std::monostate{},
                 "not_an_option"},
        // Dates.
        CellCase{"Date", "certificates", "issued_on", "2024-03-01", std::string("2024-03-01")},
        CellCase{"DateWithTimeKeepsDate", "certificates", "issued_on", "2024-03-01 00:00",
                 std::string("2024-03-01")},
        CellCase{"DateBad", "certificates", "issued_on", "2025-02-29", std::monostate{},
                 "bad_date"},
        CellCase{"DateSlashes", "certificates", "issued_on", "2024/03/01", std::monostate{},
                 "bad_date"},
        CellCase{"DateTrailingGarbage", "certificates", "issued_on", "2024-03-01x",
                 std::monostate{}, "bad_date"},
        // Date-times: local "YYYY-MM-DD HH:MM[:SS]" at +08:00, a bare date, or RFC 3339.
        CellCase{"LocalDateTime", "maintenance_windows", "starts_at", "2026-03-01 08:00", kT0},
        CellCase{"LocalDateTimeSeconds", "maintenance_windows", "starts_at", "2026-03-01 08:00:30",
                 kT0 + 30000},
        CellCase{"LocalMidnightIsPreviousUtcDay", "maintenance_windows", "starts_at",
                 "2026-03-01 00:00", kT0 - 8 * 3600 * 1000},
        CellCase{"BareDateIsLocalMidnight", "maintenance_windows", "starts_at", "2026-03-01",
                 kT0 - 8 * 3600 * 1000},
        CellCase{"Rfc3339Cell", "maintenance_windows", "starts_at", "2026-03-01T00:00:00Z", kT0},
        CellCase{"DateTimeBad", "maintenance_windows", "starts_at", "2026-03-01 25:00",
                 std::monostate{}, "bad_datetime"},
        CellCase{"DateTimeGarbage", "maintenance_windows", "starts_at", "tomorrow",
                 std::monostate{}, "bad_datetime"},
        // Numbers.
        CellCase{"Number", "areas", "latitude", "30.25", 30.25},
        CellCase{"NumberInteger", "areas", "latitude", "-12", -12.0},
        CellCase{"NumberGarbage", "areas", "latitude", "30.2N", std::monostate{}, "wrong_type"},
        CellCase{"NumberNaN", "areas", "latitude", "nan", std::monostate{}, "wrong_type"},
        CellCase{"NumberInf", "areas", "latitude", "inf", std::monostate{}, "wrong_type"},
        // References: numeric ids, otherwise text for the caller to resolve.
        CellCase{"RefId", "people", "org_id", "42", std::int64_t{42}},
        CellCase{"RefCode", "people", "org_id", "P1", std::monostate{}, "", "P1"},
        CellCase{"RefCodeTrimmed", "people", "org_id", " 一厂 ", std::monostate{}, "", "一厂"}),
    [](const ::testing::TestParamInfo<CellCase>& param_info) { return param_info.param.name; });

// ---------------------------------------------------------------------------------------------
// valueToCell

class ValueToCellTest : public ::testing::Test {};

TEST_F(ValueToCellTest, RendersEnumsByLabelInTheLanguage) {
  const auto& kind = fieldOf("org_units", "kind");
  EXPECT_EQ(valueToCell(kind, std::string("workshop"), kShanghai, "zh-CN"), "车间");
  EXPECT_EQ(valueToCell(kind, std::string("workshop"), kShanghai, "en"), "Workshop");
  EXPECT_EQ(valueToCell(kind, std::string("legacy"), kShanghai, "zh-CN"), "legacy");
}

TEST_F(ValueToCellTest, RendersBoolsAsShiFouOrYesNo) {
  const auto& outdoor = fieldOf("areas", "outdoor");
  EXPECT_EQ(valueToCell(outdoor, true, kShanghai, "zh-CN"), "是");
  EXPECT_EQ(valueToCell(outdoor, false, kShanghai, "zh-CN"), "否");
  EXPECT_EQ(valueToCell(outdoor, true, kShanghai, "en"), "yes");
  EXPECT_EQ(valueToCell(outdoor, false, kShanghai, "en-US"), "no");
}

TEST_F(ValueToCellTest, RendersDateTimesAsLocalMinutes) {
  const auto& starts = fieldOf("maintenance_windows", "starts_at");
  EXPECT_EQ(valueToCell(starts, kT0 + 16 * 3600 * 1000 + 59999, kShanghai, "zh-CN"),
            "2026-03-02 00:00");
  EXPECT_EQ(valueToCell(starts, kT0, 0, "en"), "2026-03-01 00:00");
}

TEST_F(ValueToCellTest, RendersOtherTypesAsPlainText) {
  EXPECT_EQ(valueToCell(fieldOf("people", "roles"), Codes{"worker", "admin"}, 0, "zh-CN"),
            "worker,admin");
  EXPECT_EQ(valueToCell(fieldOf("areas", "latitude"), 30.25, 0, "zh-CN"), "30.25");
  EXPECT_EQ(valueToCell(fieldOf("people", "org_id"), std::int64_t{42}, 0, "zh-CN"), "42");
  EXPECT_EQ(valueToCell(fieldOf("areas", "name"), std::string("罐区"), 0, "zh-CN"), "罐区");
  EXPECT_EQ(valueToCell(fieldOf("certificates", "issued_on"), std::string("2024-03-01"), 0, "en"),
            "2024-03-01");
  EXPECT_EQ(valueToCell(fieldOf("areas", "name"), std::monostate{}, 0, "zh-CN"), "");
}

struct CellRoundTrip {
  std::string entity;
  std::string field;
  Value value;
};

void PrintTo(const CellRoundTrip& c, std::ostream* os) { *os << c.entity << "." << c.field; }

class CellRoundTripTest : public ::testing::TestWithParam<CellRoundTrip> {};

TEST_P(CellRoundTripTest, ExportedCellImportsBackToTheSameValue) {
  const auto& c = GetParam();
  const auto& spec = fieldOf(c.entity.c_str(), c.field.c_str());
  for (const char* lang : {"zh-CN", "en"}) {
    const std::string cell = valueToCell(spec, c.value, kShanghai, lang);
    Value back;
    std::string unresolved;
    EXPECT_EQ(valueFromCell(spec, cell, kShanghai, back, unresolved), "") << cell;
    EXPECT_EQ(back, c.value) << lang << " '" << cell << "'";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Values, CellRoundTripTest,
    ::testing::Values(CellRoundTrip{"org_units", "kind", std::string("team")},
                      CellRoundTrip{"areas", "outdoor", true},
                      CellRoundTrip{"areas", "outdoor", false},
                      CellRoundTrip{"areas", "latitude", -33.865143},
                      CellRoundTrip{"people", "roles", Codes{"worker", "approver_safety"}},
                      CellRoundTrip{"people", "org_id", std::int64_t{7}},
                      CellRoundTrip{"certificates", "expires_on", std::string("2030-02-28")},
                      CellRoundTrip{"maintenance_windows", "starts_at", kT0 + 15 * 60 * 1000},
                      CellRoundTrip{"areas", "name", std::string("一号罐区")}));

TEST(LabelTest, PicksEnglishForEnLanguagesAndChineseOtherwise) {
  const auto& name = fieldOf("areas", "name");
  EXPECT_EQ(label(name, "en"), "Name");
  EXPECT_EQ(label(name, "en-GB"), "Name");
  EXPECT_EQ(label(name, "zh-CN"), "名称");
  EXPECT_EQ(label(name, ""), "名称");
}

}  // namespace
}  // namespace anguan::service
