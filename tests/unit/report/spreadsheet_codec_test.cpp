#include "anguan/report/spreadsheet_codec.hpp"

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zip.h>

namespace anguan::report {
namespace {

using service::SheetFormat;
using service::Table;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

using Rows = std::vector<std::vector<std::string>>;

constexpr std::size_t kManyRows = 100000;

// ---------------------------------------------------------------------------------------------
// Building zips in memory with libzip, for fixtures the writer can't produce.

using ZipEntries = std::vector<std::pair<std::string, std::string>>;

std::string drainSource(zip_source_t* source) {
  std::string bytes;
  if (zip_source_open(source) != 0) {
    return bytes;
  }
  char buffer[8192];
  zip_int64_t read = 0;
  while ((read = zip_source_read(source, buffer, sizeof buffer)) > 0) {
    bytes.append(buffer, static_cast<std::size_t>(read));
  }
  zip_source_close(source);
  return bytes;
}

// Adds each entry with `add`, which receives the archive and the entry, and returns the bytes.
template <class AddFn>
std::string buildZip(AddFn&& add) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* target = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_source_keep(target);
  zip_t* archive = zip_open_from_source(target, ZIP_TRUNCATE, &error);
  add(archive);
  EXPECT_EQ(zip_close(archive), 0);
  std::string bytes = drainSource(target);
  zip_source_free(target);
  zip_error_fini(&error);
  return bytes;
}

std::string makeZip(const ZipEntries& entries) {
  return buildZip([&](zip_t* archive) {
    for (const auto& [name, content] : entries) {
      zip_source_t* source = zip_source_buffer(archive, content.data(), content.size(), 0);
      EXPECT_GE(zip_file_add(archive, name.c_str(), source, ZIP_FL_OVERWRITE), 0);
    }
  });
}

constexpr std::string_view kMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr std::string_view kRel =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

std::string rootRels() {
  return std::string(R"(<?xml version="1.0" encoding="UTF-8"?>)"
                     R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/)"
                     R"(relationships"><Relationship Id="rId1" Type=")") +
         std::string(kRel) + R"(/officeDocument" Target="xl/workbook.xml"/></Relationships>)";
}

std::string workbookXml(const std::string& sheets, const std::string& workbook_pr = "") {
  return R"(<?xml version="1.0" encoding="UTF-8"?><workbook xmlns=")" + std::string(kMain) +
         R"(" xmlns:r=")" + std::string(kRel) + R"(">)" + workbook_pr + "<sheets>" + sheets +
         "</sheets></workbook>";
}

std::string workbookRels(const std::string& extra = "") {
  return R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.)"
         R"(openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type=")" +
         std::string(kRel) +
         R"(/worksheet" Target="worksheets/sheet1.xml"/><Relationship )"
         R"(Id="rId2" Type=")" +
         std::string(kRel) +
         R"(/sharedStrings" Target="sharedStrings.xml"/><Relationship )"
         R"(Id="rId3" Type=")" +
         std::string(kRel) + R"(/styles" Target="/xl/styles.xml"/>)" + extra + "</Relationships>";
}

std::string sheetXml(const std::string& rows) {
  return R"(<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns=")" + std::string(kMain) +
         R"("><sheetData>)" + rows + "</sheetData></worksheet>";
}

// Style 0: General; 1: built-in 14 (date); 2: custom "yyyy-mm-dd hh:mm"; 3: custom "0.00"
// (not a date); 4: custom with quoted "d" and [Red] only (not a date); 5: built-in 31 (zh-CN
// date).
std::string stylesXml() {
  return R"(<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns=")" + std::string(kMain) +
         R"("><numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd\ hh:mm"/>)"
         R"(<numFmt numFmtId="165" formatCode="0.00"/>)"
         R"(<numFmt numFmtId="166" formatCode="&quot;day&quot;\ 0;[Red]0"/></numFmts>)"
         R"(<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>)"
         R"(<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>)"
         R"(<xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="31"/>)"
         R"(</cellXfs></styleSheet>)";
}

std::string sharedStringsXml(const std::string& items) {
  return R"(<?xml version="1.0" encoding="UTF-8"?><sst xmlns=")" + std::string(kMain) + R"(">)" +
         items + "</sst>";
}

struct XlsxParts {
  std::string sheet;
  std::string shared_strings = sharedStringsXml("");
  std::string workbook_pr;
};

std::string makeXlsx(const XlsxParts& parts) {
  return makeZip({{"[Content_Types].xml", "<Types/>"},
                  {"_rels/.rels", rootRels()},
                  {"xl/workbook.xml", workbookXml(R"(<sheet name="数据" sheetId="1" r:id="rId1"/>)",
                                                  parts.workbook_pr)},
                  {"xl/_rels/workbook.xml.rels", workbookRels()},
                  {"xl/worksheets/sheet1.xml", parts.sheet},
                  {"xl/sharedStrings.xml", parts.shared_strings},
                  {"xl/styles.xml", stylesXml()}});
}

std::string zipEntry(const std::string& zip_bytes, const std::string& name) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(zip_bytes.data(), zip_bytes.size(), 0, &error);
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, &error);
  zip_error_fini(&error);
  if (archive == nullptr) {
    zip_source_free(source);
    return {};
  }
  std::string content;
  if (zip_file_t* file = zip_fopen(archive, name.c_str(), 0)) {
    char buffer[8192];
    zip_int64_t read = 0;
    while ((read = zip_fread(file, buffer, sizeof buffer)) > 0) {
      content.append(buffer, static_cast<std::size_t>(read));
    }
    zip_fclose(file);
  }
  zip_discard(archive);
  return content;
}

// A zip source that yields `size` spaces without holding them in memory.
struct SpacesSource {
  zip_uint64_t size = 0;
  zip_uint64_t position = 0;

  static zip_int64_t callback(void* user_data, void* data, zip_uint64_t length,
                              zip_source_cmd_t command) {
    auto* self = static_cast<SpacesSource*>(user_data);
    switch (command) {
      case ZIP_SOURCE_OPEN:
        self->position = 0;
        return 0;
      case ZIP_SOURCE_READ: {
        const zip_uint64_t n = std::min(length, self->size - self->position);
        std::memset(data, ' ', n);
        self->position += n;
        return static_cast<zip_int64_t>(n);
      }
      case ZIP_SOURCE_CLOSE:
      case ZIP_SOURCE_FREE:
        return 0;
      case ZIP_SOURCE_STAT: {
        auto* stat = static_cast<zip_stat_t*>(data);
        zip_stat_init(stat);
        stat->size = self->size;
        stat->valid |= ZIP_STAT_SIZE;
        return sizeof(zip_stat_t);
      }
      case ZIP_SOURCE_ERROR:
        std::memset(data, 0, 2 * sizeof(int));
        return 2 * sizeof(int);
      case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                              ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                              -1);
      default:
        return -1;
    }
  }
};

// ---------------------------------------------------------------------------------------------

class SpreadsheetCodecTest : public ::testing::Test {
 protected:
  Table roundTrip(const Table& table, SheetFormat format) {
    const auto bytes = codec_->write(table, format);
    EXPECT_TRUE(bytes.has_value());
    if (!bytes) {
      return {};
    }
    const auto read = codec_->read(*bytes, format, kManyRows);
    EXPECT_TRUE(read.has_value()) << read.error().key() << ": " << read.error().message();
    return read ? *read : Table{};
  }

  Rows readCsv(std::string_view text, std::size_t max_rows = kManyRows) {
    const auto table = codec_->read(text, SheetFormat::kCsv, max_rows);
    EXPECT_TRUE(table.has_value()) << table.error().key() << ": " << table.error().message();
    return table ? table->rows : Rows{};
  }

  Rows readXlsx(const std::string& bytes, std::size_t max_rows = kManyRows) {
    const auto table = codec_->read(bytes, SheetFormat::kXlsx, max_rows);
    EXPECT_TRUE(table.has_value()) << table.error().key() << ": " << table.error().message();
    return table ? table->rows : Rows{};
  }

  Error readError(std::string_view bytes, SheetFormat format, std::size_t max_rows = kManyRows) {
    const auto table = codec_->read(bytes, format, max_rows);
    EXPECT_FALSE(table.has_value());
    return table ? Error{} : table.error();
  }

  void expectBadFile(std::string_view bytes, SheetFormat format) {
    const Error error = readError(bytes, format);
    EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(error.key(), "import.bad_file");
    EXPECT_FALSE(error.message().empty());
  }

  void expectTooLarge(std::string_view bytes, SheetFormat format, std::size_t max_rows) {
    const Error error = readError(bytes, format, max_rows);
    EXPECT_EQ(error.code(), ErrorCode::kPayloadTooLarge);
    EXPECT_EQ(error.key(), "import.too_large");
  }

  service::SpreadsheetCodecPtr codec_ = makeSpreadsheetCodec();
};

// ---------------------------------------------------------------------------------------------
// CSV writing and round trips.

const Rows& trickyRows() {
  static const Rows rows = {
      {"名称", "备注", "编号"},
      {"安全帽 🪖", "含\"引号\"和,逗号", "000123"},
      {"多行\n文本", "CR\r\nLF", "13800138000"},
      {" 前后空格 ", "tab\there", "semi;colon"},
      {"", "", "末尾"},
      {"=SUM(A1:A2)", "+86 138", "@cmd"},
      {"-12.5", "-3", "-1+2"},
      {"'=already quoted", "'-12.5", "it's"},
      {"\tleading tab", "\rleading cr", "😀"},
  };
  return rows;
}

TEST_F(SpreadsheetCodecTest, CsvRoundTripPreservesTrickyContent) {
  const Table read = roundTrip({"sheet", trickyRows()}, SheetFormat::kCsv);
  EXPECT_EQ(read.rows, trickyRows());
}

TEST_F(SpreadsheetCodecTest, CsvWriterStartsWithBomAndEndsEveryRowWithCrlf) {
  const auto bytes = codec_->write({"", {{"a", "b"}, {"c", "d"}}}, SheetFormat::kCsv);
  ASSERT_TRUE(bytes.has_value());
  EXPECT_EQ(*bytes,
            "\xEF\xBB\xBF"
            "a,b\r\nc,d\r\n");
}

TEST_F(SpreadsheetCodecTest, CsvWriterQuotesOnlyFieldsThatNeedIt) {
  const auto bytes =
      codec_->write({"", {{"plain", "a,b", "say \"hi\"", "two\nlines", "中文", "x;y", "000123"}}},
                    SheetFormat::kCsv);
  ASSERT_TRUE(bytes.has_value());
  EXPECT_EQ(*bytes,
            "\xEF\xBB\xBF"
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",中文,\"x;y\",000123\r\n");
}

TEST_F(SpreadsheetCodecTest, CsvWriterPrefixesApostropheToCellsThatWouldRunAsFormulas) {
  const auto bytes =
      codec_->write({"", {{"=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "-12.5", "-7", "a=b", "'=x"}}},
                    SheetFormat::kCsv);
  ASSERT_TRUE(bytes.has_value());
  EXPECT_EQ(*bytes,
            "\xEF\xBB\xBF"
            "'=1+1,'+1,'-1+2,'@SUM(A1),\"'\tx\",-12.5,-7,a=b,''=x\r\n");
}

TEST_F(SpreadsheetCodecTest, CsvReaderRemovesOnlyTheGuardApostrophe) {
  EXPECT_THAT(readCsv("'=1+1,'-12.5,''=x,'plain,'-1+2\r\n"),
              ElementsAre(ElementsAre("=1+1", "'-12.5", "'=x", "'plain", "-1+2")));
}

TEST_F(SpreadsheetCodecTest, CsvRoundTripOfEmptyTableIsEmpty) {
  const auto bytes = codec_->write({"", {}}, SheetFormat::kCsv);
  ASSERT_TRUE(bytes.has_value());
  EXPECT_EQ(*bytes, "\xEF\xBB\xBF");
  EXPECT_TRUE(readCsv(*bytes).empty());
}

// ---------------------------------------------------------------------------------------------
// CSV parsing edge cases.

TEST_F(SpreadsheetCodecTest, CsvReaderStripsUtf8Bom) {
  EXPECT_THAT(readCsv("\xEF\xBB\xBFname,code\r\n张三,001\r\n"),
              ElementsAre(ElementsAre("name", "code"), ElementsAre("张三", "001")));
}

TEST_F(SpreadsheetCodecTest, CsvReaderAcceptsCrlfLfAndCrLineEnds) {
  EXPECT_THAT(readCsv("a,b\r\nc,d\ne,f\rg,h"),
              ElementsAre(ElementsAre("a", "b"), ElementsAre("c", "d"), ElementsAre("e", "f"),
                          ElementsAre("g", "h")));
}

TEST_F(SpreadsheetCodecTest, CsvReaderKeepsLineBreaksInsideQuotedFields) {
  EXPECT_THAT(readCsv("a,b\r\n\"line1\r\nline2\nline3\",\"x\"\"y\"\r\n"),
              ElementsAre(ElementsAre("a", "b"), ElementsAre("line1\r\nline2\nline3", "x\"y")));
}

TEST_F(SpreadsheetCodecTest, CsvReaderKeepsRaggedRowsAsWritten) {
  // A row of empty cells is an empty row.
  EXPECT_THAT(readCsv("a,b,c\n1\n1,2,3,4\n,\nx\n"),
              ElementsAre(ElementsAre("a", "b", "c"), ElementsAre("1"),
                          ElementsAre("1", "2", "3", "4"), ElementsAre(), ElementsAre("x")));
}

TEST_F(SpreadsheetCodecTest, CsvReaderDetectsSemicolonDelimiterFromHeader) {
  EXPECT_THAT(readCsv("name;\"note;with;semicolons\"\n1,5;\"a;b\"\n"),
              ElementsAre(ElementsAre("name", "note;with;semicolons"), ElementsAre("1,5", "a;b")));
}

TEST_F(SpreadsheetCodecTest, CsvReaderDetectsTabDelimiterFromHeader) {
  EXPECT_THAT(readCsv("name\tcode\n张三\t007\n"),
              ElementsAre(ElementsAre("name", "code"), ElementsAre("张三", "007")));
}

TEST_F(SpreadsheetCodecTest, CsvReaderUsesCommaWhenHeaderHasOne) {
  EXPECT_THAT(readCsv("a;b,c\n1;2,3\n"),
              ElementsAre(ElementsAre("a;b", "c"), ElementsAre("1;2", "3")));
}

TEST_F(SpreadsheetCodecTest, CsvReaderDropsTrailingEmptyRowsButKeepsInnerOnes) {
  EXPECT_THAT(readCsv("h\r\n1\r\n\r\n2\r\n\r\n,,\r\n\r\n"),
              ElementsAre(ElementsAre("h"), ElementsAre("1"), ElementsAre(), ElementsAre("2")));
}

TEST_F(SpreadsheetCodecTest, CsvReaderReturnsNoRowsForEmptyInputOrBomOnly) {
  EXPECT_TRUE(readCsv("").empty());
  EXPECT_TRUE(readCsv("\xEF\xBB\xBF").empty());
  EXPECT_TRUE(readCsv("\r\n\r\n").empty());
}

TEST_F(SpreadsheetCodecTest, CsvReaderToleratesTextAfterClosingQuoteAsExcelDoes) {
  EXPECT_THAT(readCsv("\"ab\"cd,e\n"), ElementsAre(ElementsAre("abcd", "e")));
}

TEST_F(SpreadsheetCodecTest, CsvReaderRejectsInvalidUtf8AsBadFile) {
  // "名称" in GBK, as saved by Excel's plain "CSV" on a Chinese Windows.
  expectBadFile("\xC3\xFB\xB3\xC6,code\r\n", SheetFormat::kCsv);
  expectBadFile("a,b\r\n\xED\xA0\x80,x\r\n", SheetFormat::kCsv);  // Encoded surrogate.
  expectBadFile("a,\xC0\xAF\r\n", SheetFormat::kCsv);             // Overlong '/'.
}

TEST_F(SpreadsheetCodecTest, CsvReaderRejectsUnterminatedQuotedField) {
  expectBadFile("a,b\r\n\"never closed,1\r\n2,3\r\n", SheetFormat::kCsv);
}

TEST_F(SpreadsheetCodecTest, CsvReaderRejectsBinaryData) {
  expectBadFile(std::string_view("a,b\0c", 5), SheetFormat::kCsv);
}

TEST_F(SpreadsheetCodecTest, CsvReaderAcceptsExactlyMaxRowsAfterTheHeader) {
  EXPECT_EQ(readCsv("h\n1\n2\n3\n\n\n", 3).size(), 4u);
}

TEST_F(SpreadsheetCodecTest, CsvReaderRejectsMoreRowsThanMaxRowsAsTooLarge) {
  expectTooLarge("h\n1\n2\n3\n4\n", SheetFormat::kCsv, 3);
  const Error error = readError("h\n1\n", SheetFormat::kCsv, 0);
  EXPECT_EQ(error.details().at("max_rows"), "0");
}

TEST_F(SpreadsheetCodecTest, CsvReaderRejectsMoreColumnsThanExcelAllows) {
  expectTooLarge(std::string(20000, ','), SheetFormat::kCsv, 10);
}

// ---------------------------------------------------------------------------------------------
// XLSX writing and round trips.

TEST_F(SpreadsheetCodecTest, XlsxRoundTripPreservesChineseLongTextAndEmptyCells) {
  const std::string long_text = std::string(5000, 'x') + "中文" + std::string(20000, 'y');
  const Table table{"安全检查",
                    {{"名称", "说明", "", "编号"},
                     {"灭火器", "", "", "000123"},
                     {"", long_text, "中间", ""},
                     {},
                     {"😀 emoji", "tab\tand\nnewline", "<&>\"'", "=1+1"},
                     {"-12.5", "1e5", "13800138000", "TRUE"},
                     {"cr\r\nlf", "_x0041_ literal", "ctl\x01\x1F"}}};
  const Table read = roundTrip(table, SheetFormat::kXlsx);
  EXPECT_EQ(read.sheet_name, "安全检查");
  const Rows expected = {{"名称", "说明", "", "编号"},
                         {"灭火器", "", "", "000123"},
                         {"", long_text, "中间"},
                         {},
                         {"😀 emoji", "tab\tand\nnewline", "<&>\"'", "=1+1"},
                         {"-12.5", "1e5", "13800138000", "TRUE"},
                         {"cr\r\nlf", "_x0041_ literal", "ctl\x01\x1F"}};
  EXPECT_EQ(read.rows, expected);
}

TEST_F(SpreadsheetCodecTest, XlsxRoundTripKeepsAll2000Rows) {
  Table table{"big", {{"序号", "名称", "值"}}};
  for (int i = 1; i <= 2000; ++i) {
    table.rows.push_back({std::to_string(i), "设备" + std::to_string(i), std::string(i % 7, '0')});
  }
  const Table read = roundTrip(table, SheetFormat::kXlsx);
  ASSERT_EQ(read.rows.size(), 2001u);
  EXPECT_THAT(read.rows[2000], ElementsAre("2000", "设备2000", "00000"));
  EXPECT_THAT(read.rows[7], ElementsAre("7", "设备7"));
  EXPECT_EQ(read.rows, [&] {
    Rows expected = table.rows;
    for (auto& row : expected) {
      while (!row.empty() && row.back().empty()) {
        row.pop_back();
      }
    }
    return expected;
  }());
}

TEST_F(SpreadsheetCodecTest, XlsxWriterWritesEveryCellAsText) {
  const auto bytes = codec_->write({"s", {{"h"}, {"000123"}, {"42"}}}, SheetFormat::kXlsx);
  ASSERT_TRUE(bytes.has_value());
  const std::string sheet = zipEntry(*bytes, "xl/worksheets/sheet1.xml");
  EXPECT_THAT(sheet, Not(HasSubstr("<v>42</v>")));
  EXPECT_THAT(readXlsx(*bytes),
              ElementsAre(ElementsAre("h"), ElementsAre("000123"), ElementsAre("42")));
}

TEST_F(SpreadsheetCodecTest, XlsxWriterBoldsAndFreezesHeaderAndFitsColumnsCountingCjkDouble) {
  const auto bytes = codec_->write(
      {"s", {{"名称名称名称名称名称", "code"}, {"x", "abcdefghijklmnopqrst"}}}, SheetFormat::kXlsx);
  ASSERT_TRUE(bytes.has_value());
  const std::string sheet = zipEntry(*bytes, "xl/worksheets/sheet1.xml");
  EXPECT_THAT(sheet, HasSubstr(R"(ySplit="1")"));
  EXPECT_THAT(sheet, HasSubstr(R"(state="frozen")"));
  // Ten CJK characters and twenty ASCII ones both measure 20, plus padding.
  EXPECT_THAT(sheet, HasSubstr(R"(<col min="1" max="1" width="22.)"));
  EXPECT_THAT(sheet, HasSubstr(R"(<col min="2" max="2" width="22.)"));
  EXPECT_THAT(zipEntry(*bytes, "xl/styles.xml"), HasSubstr("<b/>"));
}

TEST_F(SpreadsheetCodecTest, XlsxWriterReplacesCharactersExcelForbidsInSheetNames) {
  const auto bytes = codec_->write(
      {"a/b:c[1]*?一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十", {{"h"}}},
      SheetFormat::kXlsx);
  ASSERT_TRUE(bytes.has_value());
  const auto read = codec_->read(*bytes, SheetFormat::kXlsx, 10);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->sheet_name, "a_b_c_1___一二三四五六七八九十一二三四五六七八九十一");
}

TEST_F(SpreadsheetCodecTest, XlsxWriterNamesUnnamedSheetSheet1) {
  const Table read = roundTrip({"", {{"h"}}}, SheetFormat::kXlsx);
  EXPECT_EQ(read.sheet_name, "Sheet1");
}

TEST_F(SpreadsheetCodecTest, XlsxWriterRejectsCellsLongerThanExcelAllows) {
  const auto bytes =
      codec_->write({"s", {{"h"}, {"ok", std::string(32768, 'x')}}}, SheetFormat::kXlsx);
  ASSERT_FALSE(bytes.has_value());
  EXPECT_EQ(bytes.error().key(), "export.cell_too_long");
  EXPECT_EQ(bytes.error().details().at("row"), "2");
  EXPECT_EQ(bytes.error().details().at("column"), "2");
}

TEST_F(SpreadsheetCodecTest, XlsxWriterReplacesInvalidUtf8) {
  const Table read = roundTrip({"s",
                                {{"a\xFF"
                                  "b"}}},
                               SheetFormat::kXlsx);
  EXPECT_THAT(read.rows, ElementsAre(ElementsAre("a\xEF\xBF\xBD"
                                                 "b")));
}

// ---------------------------------------------------------------------------------------------
// XLSX reading of files written by others.

TEST_F(SpreadsheetCodecTest, XlsxReaderConvertsNumbersDatesBooleansAndInlineStrings) {
  XlsxParts parts;
  parts.shared_strings = sharedStringsXml(
      R"(<si><t>名称</t></si><si><t xml:space="preserve"> 带空格 </t></si>)"
      R"(<si><r><rPr><b/></rPr><t>粗</t></r><r><t>体</t></r><rPh><t>ふりがな</t></rPh></si>)"
      R"(<si><t>line_x000D_break_x005F_x0041_</t></si>)");
  parts.sheet = sheetXml(
      R"(<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>)"
      R"(<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>)"
      R"(<row r="2"><c r="A2"><v>42</v></c><c r="B2" t="n"><v>3.5</v></c>)"
      R"(<c r="C2"><v>0.30000000000000004</v></c><c r="D2"><v>-0</v></c>)"
      R"(<c r="E2"><v>1E-3</v></c><c r="F2"><v>123456789012</v></c>)"
      R"(<c r="G2" s="3"><v>45000</v></c><c r="H2"><v>1e20</v></c></row>)"
      R"(<row r="3"><c r="A3" s="1"><v>45000</v></c><c r="B3" s="2"><v>45000.5</v></c>)"
      R"(<c r="C3" s="1"><v>60</v></c><c r="D3" s="1"><v>61</v></c><c r="E3" s="1"><v>1</v></c>)"
      R"(<c r="F3" s="2"><v>0.75</v></c><c r="G3" s="4"><v>7</v></c><c r="H3" s="5"><v>45292</v></c>)"
      R"(<c r="I3" s="1"><v>-5</v></c></row>)"
      R"(<row r="4"><c r="A4" t="b"><v>1</v></c><c r="B4" t="b"><v>0</v></c>)"
      R"(<c r="C4" t="inlineStr"><is><t>内联</t></is></c>)"
      R"(<c r="D4" t="inlineStr"><is><r><t>富</t></r><r><t>文本</t></r></is></c>)"
      R"(<c r="E4" t="str"><f>A1&amp;"x"</f><v>公式结果</v></c><c r="F4" t="e"><v>#N/A</v></c>)"
      R"(<c r="G4"><f>1+1</f><v>2</v></c><c r="H4" t="d"><v>2024-03-05T14:30:00Z</v></c>)"
      R"(<c r="I4" t="d"><v>2024-03-05T00:00:00</v></c></row>)");
  EXPECT_THAT(
      readXlsx(makeXlsx(parts)),
      ElementsAre(ElementsAre("名称", " 带空格 ", "粗体", "line\rbreak_x0041_"),
                  ElementsAre("42", "3.5", "0.3", "0", "0.001", "123456789012", "45000", "1e+20"),
                  ElementsAre("2023-03-15", "2023-03-15 12:00", "1900-02-29", "1900-03-01",
                              "1900-01-01", "18:00", "7", "2024-01-01", "-5"),
                  ElementsAre("TRUE", "FALSE", "内联", "富文本", "公式结果", "#N/A", "2",
                              "2024-03-05 14:30", "2024-03-05")));
}

TEST_F(SpreadsheetCodecTest, XlsxReaderUsesThe1904DateSystemWhenTheWorkbookSaysSo) {
  XlsxParts parts;
  parts.workbook_pr = R"(<workbookPr date1904="1"/>)";
  parts.sheet = sheetXml(R"(<row><c s="1"><v>0</v></c><c s="1"><v>43538</v></c></row>)");
  EXPECT_THAT(readXlsx(makeXlsx(parts)), ElementsAre(ElementsAre("00:00", "2023-03-15")));
}

TEST_F(SpreadsheetCodecTest, XlsxReaderPlacesCellsByReferenceAndFillsGaps) {
  XlsxParts parts;
  parts.sheet =
      sheetXml(R"(<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c>)"
               R"(<c r="C1" t="inlineStr"><is><t>c</t></is></c></row>)"
               R"(<row r="4"><c r="B4"><v>2</v></c><c><v>3</v></c><c r="AA4"><v>27</v></c></row>)"
               R"(<row r="5"><c r="A5" s="1"/><c r="B5" t="s"/></row>)"
               R"(<row r="9"><c r="D9" t="inlineStr"><is><t></t></is></c></row>)");
  const Rows rows = readXlsx(makeXlsx(parts));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_THAT(rows[0], ElementsAre("a", "", "c"));
  EXPECT_THAT(rows[1], ElementsAre());
  EXPECT_THAT(rows[2], ElementsAre());
  ASSERT_EQ(rows[3].size(), 27u);
  EXPECT_EQ(rows[3][1], "2");
  EXPECT_EQ(rows[3][2], "3");
  EXPECT_EQ(rows[3][26], "27");
  EXPECT_EQ(rows[3][25], "");
}

TEST_F(SpreadsheetCodecTest, XlsxReaderReadsFirstWorksheetInTabOrder) {
  const std::string sheets =
      R"(<sheet name="图表" sheetId="3" r:id="rId9"/><sheet name="第一" sheetId="2" r:id="rId5"/>)"
      R"(<sheet name="第二" sheetId="1" r:id="rId1"/>)";
  const std::string extra = R"(<Relationship Id="rId5" Type=")" + std::string(kRel) +
                            R"(/worksheet" Target="worksheets/other.xml"/><Relationship )"
                            R"(Id="rId9" Type=")" +
                            std::string(kRel) + R"(/chartsheet" Target="chartsheets/c1.xml"/>)";
  const std::string bytes =
      makeZip({{"_rels/.rels", rootRels()},
               {"xl/workbook.xml", workbookXml(sheets)},
               {"xl/_rels/workbook.xml.rels", workbookRels(extra)},
               {"xl/worksheets/sheet1.xml", sheetXml(R"(<row><c><v>1</v></c></row>)")},
               {"xl/worksheets/other.xml", sheetXml(R"(<row><c><v>2</v></c></row>)")},
               {"xl/sharedStrings.xml", sharedStringsXml("")},
               {"xl/styles.xml", stylesXml()}});
  const auto table = codec_->read(bytes, SheetFormat::kXlsx, 10);
  ASSERT_TRUE(table.has_value());
  EXPECT_EQ(table->sheet_name, "第一");
  EXPECT_THAT(table->rows, ElementsAre(ElementsAre("2")));
}

TEST_F(SpreadsheetCodecTest, XlsxReaderWorksWithoutSharedStringsOrStyles) {
  const std::string bytes = makeZip(
      {{"_rels/.rels", rootRels()},
       {"xl/workbook.xml", workbookXml(R"(<sheet name="S" sheetId="1" r:id="rId1"/>)")},
       {"xl/_rels/workbook.xml.rels",
        R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/)"
        R"(relationships"><Relationship Id="rId1" Type=")" +
            std::string(kRel) + R"(/worksheet" Target="worksheets/sheet1.xml"/></Relationships>)"},
       {"xl/worksheets/sheet1.xml",
        sheetXml(R"(<row><c t="inlineStr"><is><t>x</t></is></c><c><v>1.5</v></c></row>)")}});
  EXPECT_THAT(readXlsx(bytes), ElementsAre(ElementsAre("x", "1.5")));
}

TEST_F(SpreadsheetCodecTest, XlsxReaderAcceptsExactlyMaxRowsAndDropsTrailingEmptyRows) {
  XlsxParts parts;
  parts.sheet = sheetXml(R"(<row><c><v>0</v></c></row><row><c><v>1</v></c></row>)"
                         R"(<row><c><v>2</v></c></row><row r="1000"><c s="1"/></row>)");
  EXPECT_EQ(readXlsx(makeXlsx(parts), 2).size(), 3u);
}

TEST_F(SpreadsheetCodecTest, XlsxReaderRejectsMoreRowsThanMaxRowsAsTooLarge) {
  XlsxParts parts;
  parts.sheet = sheetXml(R"(<row><c><v>0</v></c></row><row><c><v>1</v></c></row>)"
                         R"(<row><c><v>2</v></c></row>)");
  expectTooLarge(makeXlsx(parts), SheetFormat::kXlsx, 1);
  parts.sheet = sheetXml(R"(<row><c><v>0</v></c></row><row r="1048576"><c><v>1</v></c></row>)");
  expectTooLarge(makeXlsx(parts), SheetFormat::kXlsx, 1000);
}

TEST_F(SpreadsheetCodecTest, XlsxReaderRejectsGarbageBytesAsBadFile) {
  expectBadFile("", SheetFormat::kXlsx);
  expectBadFile("this is not a spreadsheet at all", SheetFormat::kXlsx);
  expectBadFile("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 legacy xls", SheetFormat::kXlsx);
  expectBadFile(std::string("PK\x03\x04") + std::string(100, '\0'), SheetFormat::kXlsx);
}

TEST_F(SpreadsheetCodecTest, XlsxReaderRejectsZipThatIsNotAWorkbook) {
  expectBadFile(makeZip({{"hello.txt", "hi"}}), SheetFormat::kXlsx);
  expectBadFile(makeZip({{"word/document.xml", "<w:document/>"}}), SheetFormat::kXlsx);
}

TEST_F(SpreadsheetCodecTest, XlsxReaderRejectsDamagedParts) {
  XlsxParts parts;
  parts.sheet = "<worksheet><sheetData><row><c><v>1</v></row>";  // Not well-formed.
  expectBadFile(makeXlsx(parts), SheetFormat::kXlsx);
  parts.sheet = sheetXml(R"(<row><c t="s"><v>7</v></c></row>)");  // No shared string 7.
  expectBadFile(makeXlsx(parts), SheetFormat::kXlsx);
  parts.sheet = sheetXml(R"(<row><c><v>twelve</v></c></row>)");
  expectBadFile(makeXlsx(parts), SheetFormat::kXlsx);
  parts.sheet = sheetXml(R"(<row r="5"><c><v>1</v></c></row><row r="2"/>)");
  expectBadFile(makeXlsx(parts), SheetFormat::kXlsx);
  parts.sheet = sheetXml(R"(<row><c r="XFE1"><v>1</v></c></row>)");
  expectBadFile(makeXlsx(parts), SheetFormat::kXlsx);
}

TEST_F(SpreadsheetCodecTest, XlsxReaderRefusesDocumentTypeDeclarations) {
  XlsxParts parts;
  parts.sheet = R"(<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 )"
                R"("&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><worksheet><sheetData>)"
                R"(<row><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>)";
  expectBadFile(makeXlsx(parts), SheetFormat::kXlsx);
}

TEST_F(SpreadsheetCodecTest, XlsxReaderRejectsTruncatedFile) {
  const auto bytes = codec_->write({"s", {{"a", "b"}, {"c", "d"}}}, SheetFormat::kXlsx);
  ASSERT_TRUE(bytes.has_value());
  expectBadFile(std::string_view(*bytes).substr(0, bytes->size() / 2), SheetFormat::kXlsx);
}

TEST_F(SpreadsheetCodecTest, XlsxReaderRejectsEntriesOver256MibUnpackedAsTooLarge) {
  SpacesSource spaces{(std::size_t{256} << 20) + 1};
  // libzip reads the buffers only in zip_close(), so they must outlive buildZip().
  const ZipEntries entries{
      {"_rels/.rels", rootRels()},
      {"xl/workbook.xml", workbookXml(R"(<sheet name="S" sheetId="1" r:id="rId1"/>)")},
      {"xl/_rels/workbook.xml.rels", workbookRels()}};
  const std::string bytes = buildZip([&](zip_t* archive) {
    for (const auto& [name, content] : entries) {
      zip_source_t* source = zip_source_buffer(archive, content.data(), content.size(), 0);
      zip_file_add(archive, name.c_str(), source, ZIP_FL_OVERWRITE);
    }
    zip_source_t* bomb = zip_source_function(archive, &SpacesSource::callback, &spaces);
    const zip_int64_t index = zip_file_add(archive, "xl/worksheets/sheet1.xml", bomb, 0);
    zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE, 1);
  });
  ASSERT_LT(bytes.size(), 2u << 20);
  expectTooLarge(bytes, SheetFormat::kXlsx, 10);
}

TEST_F(SpreadsheetCodecTest, XlsxReaderSurvivesRandomlyCorruptedFiles) {
  Table table{"s", {{"名称", "编号"}}};
  for (int i = 0; i < 50; ++i) {
    table.rows.push_back({"设备" + std::to_string(i), std::to_string(i)});
  }
  const auto bytes = codec_->write(table, SheetFormat::kXlsx);
  ASSERT_TRUE(bytes.has_value());
  std::mt19937 random(20240601);
  for (int round = 0; round < 300; ++round) {
    std::string mutated = *bytes;
    const int flips = 1 + round % 8;
    for (int i = 0; i < flips; ++i) {
      mutated[random() % mutated.size()] = static_cast<char>(random() & 0xFF);
    }
    const auto read = codec_->read(mutated, SheetFormat::kXlsx, 1000);
    if (!read) {
      EXPECT_THAT(read.error().key(), ::testing::AnyOf("import.bad_file", "import.too_large"));
    }
  }
}

}  // namespace
}  // namespace anguan::report
