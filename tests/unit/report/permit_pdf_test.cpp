#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "anguan/report/permit_document.hpp"
#include "anguan/report/qr.hpp"

namespace anguan::report {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// A minimal PNG writer (stored deflate blocks), so a test can hand the renderer a real
// handwritten-signature image without linking an image library.

std::uint32_t crc32(const std::string& bytes) {
  std::uint32_t crc = 0xFFFFFFFFU;
  for (const char c : bytes) {
    crc ^= static_cast<unsigned char>(c);
    for (int k = 0; k < 8; ++k) {
      crc = (crc >> 1) ^ (0xEDB88320U & (0U - (crc & 1U)));
    }
  }
  return ~crc;
}

void putU32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xFFU));
  }
}

void putChunk(std::string& out, const std::string& type, const std::string& data) {
  putU32(out, static_cast<std::uint32_t>(data.size()));
  const std::string body = type + data;
  out += body;
  putU32(out, crc32(body));
}

// Grayscale 8-bit PNG; `dark(x, y)` picks black pixels.
template <class DarkFn>
std::string grayPng(int width, int height, DarkFn dark) {
  std::string raw;
  for (int y = 0; y < height; ++y) {
    raw.push_back('\0');  // filter: none
    for (int x = 0; x < width; ++x) {
      raw.push_back(dark(x, y) ? '\0' : static_cast<char>(0xFF));
    }
  }
  std::string zlib = "\x78\x01";
  for (std::size_t offset = 0; offset < raw.size(); offset += 65535) {
    const std::size_t length = std::min<std::size_t>(65535, raw.size() - offset);
    zlib.push_back(offset + length == raw.size() ? '\1' : '\0');
    zlib.push_back(static_cast<char>(length & 0xFF));
    zlib.push_back(static_cast<char>(length >> 8));
    zlib.push_back(static_cast<char>(~length & 0xFF));
    zlib.push_back(static_cast<char>((~length >> 8) & 0xFF));
    zlib += raw.substr(offset, length);
  }
  std::uint32_t a = 1;
  std::uint32_t b = 0;
  for (const char c : raw) {
    a = (a + static_cast<unsigned char>(c)) % 65521;
    b = (b + a) % 65521;
  }
  putU32(zlib, (b << 16) | a);
  std::string png = "\x89PNG\r\n\x1a\n";
  std::string header;
  putU32(header, static_cast<std::uint32_t>(width));
  putU32(header, static_cast<std::uint32_t>(height));
  header += std::string("\x08\x00\x00\x00\x00", 5);  // 8-bit gray, deflate, no filter, no interlace
  putChunk(png, "IHDR", header);
  putChunk(png, "IDAT", zlib);
  putChunk(png, "IEND", "");
  return png;
}

// A scribbled signature: a thick sine-like stroke.
std::string signaturePng() {
  return grayPng(160, 48, [](int x, int y) {
    const double centre = 24 + 14 * std::sin(x / 9.0) * (x < 120 ? 1.0 : 0.3);
    return std::abs(y - centre) < 2.2;
  });
}

std::uint32_t pngWidth(const std::string& png) {
  // IHDR follows the 8-byte signature, the 4-byte length and "IHDR".
  std::uint32_t width = 0;
  for (int i = 16; i < 20; ++i) {
    width = (width << 8) | static_cast<unsigned char>(png[static_cast<std::size_t>(i)]);
  }
  return width;
}

std::uint32_t pngHeight(const std::string& png) {
  std::uint32_t height = 0;
  for (int i = 20; i < 24; ++i) {
    height = (height << 8) | static_cast<unsigned char>(png[static_cast<std::size_t>(i)]);
  }
  return height;
}

// ---------------------------------------------------------------------------------------------
// Sample permits.

PermitDocument hotWorkPermit() {
  PermitDocument doc;
  doc.enterprise_name = "江苏安管化工有限公司";
  doc.title = "动火安全作业票";
  doc.permit_number = "DH-20250601-0007";
  doc.level_label = "特级";
  doc.fields = {
      {"作业申请单位", "二车间（聚合工段）"},
      {"作业申请时间", "2025-06-01 07:40"},
      {"作业内容", "T-101 进料管线法兰更换后补焊（带压不置换）"},
      {"动火地点及动火部位", "罐区 T-101 北侧进料管线 DN150 法兰处"},
      {"动火作业级别", "特级"},
      {"动火方式", "电焊"},
      {"作业单位", "江苏某安装工程有限公司"},
      {"作业负责人", "王建国"},
      {"动火人及证书编号", "李强（T320102198805061234）、赵磊（T320102199011023456）"},
      {"监护人", "陈红"},
      {"关联的其他特殊作业及安全作业票编号",
       "GC-20250601-0003（高处作业）、MB-20250601-0002（盲板抽堵）"},
      {"风险辨识结果", "火灾、爆炸、灼烫、触电、高处坠落；管线内残存甲苯蒸气，邻近储罐在用"},
      {"作业实施时间", "自 2025-06-01 08:30 至 2025-06-01 16:30"},
  };
  doc.gas_analyses = {
      {"2025-06-01 08:05", "法兰下方 0.5 m", "甲苯", "0.08", "%LEL", "刘洋", true},
      {"2025-06-01 10:05", "法兰下方 0.5 m", "甲苯", "0.11", "%LEL", "刘洋", true},
      {"2025-06-01 12:05", "管廊下方地沟", "甲苯", "0.62", "%LEL", "刘洋", false},
  };
  const std::array<const char*, 16> measures = {
      "动火设备内部构件清洗干净，蒸汽吹扫或水洗、置换合格，达到动火条件",
      "与动火点直接相连的阀门已关闭，并加盲板隔绝，共 2 块",
      "动火点周围及附近的孔洞、窨井、地沟、水封设施、污水井等已检查分析并采取清理或封盖措施",
      "罐区内动火点同一防火堤内和防火间距内的储罐未同时进行脱水、取样作业",
      "已清除动火点周围易燃物，高处动火已采取防火花飞溅措施",
      "在有可燃物构件和使用可燃物做防腐内衬的设备内部动火作业，已采取防火隔绝措施",
      "乙炔气瓶直立放置，已采取防倾倒措施并安装防回火装置；气瓶间距不小于 5 m，距火源不小于 10 m",
      "现场配备灭火器 4 台，灭火毯 2 块，消防水带 1 条",
      "电焊机所处位置已考虑防火防爆要求，且已可靠接地",
      "动火点周围规定距离内无易燃易爆化学品的装卸、倾倒、排放等作业",
      "动火点 30 m 内垂直空间未排放可燃气体；15 m 内未排放可燃液体；10 m "
      "范围内无可燃溶剂清洗或喷漆作业",
      "已开展作业危害分析，制定相应的安全风险管控措施，交叉作业已明确协调人",
      "用于连续检测的移动式可燃气体检测仪已配备到位",
      "配备的摄录设备已到位，且防爆级别满足安全要求",
      "作业现场四周已设立警戒区，无关人员不得进入",
      "动火作业人员持有效特种作业操作证，劳动防护用品穿戴符合要求",
  };
  for (std::size_t i = 0; i < measures.size(); ++i) {
    const MeasureApplies applies = i == 5 ? MeasureApplies::kNo : MeasureApplies::kYes;
    doc.measures.push_back({static_cast<int>(i + 1), measures[i], applies,
                            applies == MeasureApplies::kYes ? "王建国" : ""});
  }
  doc.other_measures = "作业期间每 2 小时复测一次气体；风力达 5 级以上立即停止作业";
  doc.other_measures_author = "王建国";
  doc.briefing_giver = "王建国";
  doc.briefing_receivers = {"李强", "赵磊", "陈红"};
  doc.signatures = {
      {"作业负责人意见", "已组织现场勘查，安全措施已落实，同意作业。", "王建国", "2025-06-01 08:10",
       signaturePng()},
      {"所在单位意见", "措施落实，同意。", "孙志刚", "2025-06-01 08:15", ""},
      {"安全管理部门意见", "已核查气体分析与监护人员，同意。", "周敏", "2025-06-01 08:20", ""},
      {"动火审批人意见", "同意动火，注意带压作业风险。", "郑国华", "2025-06-01 08:25", ""},
      {"当班班长验票", "已验票。", "吴涛", "2025-06-01 08:28", ""},
      {"完工验收", "", "", "", ""},
  };
  doc.status_line = "状态：作业中（打印于 2025-06-01 09:00）";
  doc.qr_url = "https://anguan.example.com/p/7Kq2mX9tQa";
  return doc;
}

int darkPixels(const PageRaster& raster, int x0, int y0, int x1, int y1) {
  int count = 0;
  for (int y = std::max(0, y0); y < std::min(raster.height, y1); ++y) {
    for (int x = std::max(0, x0); x < std::min(raster.width, x1); ++x) {
      const std::uint32_t pixel = raster.argb[static_cast<std::size_t>(y * raster.width + x)];
      const int luma =
          static_cast<int>(((pixel >> 16) & 0xFF) + ((pixel >> 8) & 0xFF) + (pixel & 0xFF));
      count += luma < 3 * 128 ? 1 : 0;
    }
  }
  return count;
}

int redPixels(const PageRaster& raster, int x0, int y0, int x1, int y1) {
  int count = 0;
  for (int y = std::max(0, y0); y < std::min(raster.height, y1); ++y) {
    for (int x = std::max(0, x0); x < std::min(raster.width, x1); ++x) {
      const std::uint32_t pixel = raster.argb[static_cast<std::size_t>(y * raster.width + x)];
      count += ((pixel >> 16) & 0xFF) > 150 && ((pixel >> 8) & 0xFF) < 80 && (pixel & 0xFF) < 80;
    }
  }
  return count;
}

std::size_t countOccurrences(const std::string& haystack, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

// test-artifacts/pdf in the source tree (gitignored), found by walking up from the working
// directory; a temp directory when the tests run outside the tree.
fs::path artifactDir() {
  for (fs::path dir = fs::current_path(); !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / "src/report") && fs::exists(dir / ".gitignore")) {
      return dir / "test-artifacts/pdf";
    }
    if (dir == dir.root_path()) {
      break;
    }
  }
  return fs::temp_directory_path() / "anguan-test-artifacts/pdf";
}

void writeArtifact(const std::string& name, const std::string& bytes) {
  const fs::path dir = artifactDir();
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
}

// ---------------------------------------------------------------------------------------------
// PDF.

TEST(PermitPdfTest, PdfStartsWithHeaderAndEmbedsTheCjkFontSubset) {
  auto pdf = renderPermitPdf(hotWorkPermit());
  ASSERT_TRUE(pdf.has_value()) << pdf.error().key() << ": " << pdf.error().message();
  EXPECT_EQ(pdf->substr(0, 5), "%PDF-");
  // Noto Sans CJK is CFF-flavoured OpenType: cairo embeds a CID-keyed subset as FontFile3 under a
  // Type0 composite font. A font that is only referenced would have no FontFile stream.
  EXPECT_GT(countOccurrences(*pdf, "/FontFile3"), 0U);
  EXPECT_GT(countOccurrences(*pdf, "/Subtype /Type0"), 0U);
  EXPECT_NE(pdf->find("NotoSansCJK"), std::string::npos);
  // A ToUnicode map keeps the Chinese text searchable and copyable in PDF viewers.
  EXPECT_GT(countOccurrences(*pdf, "/ToUnicode"), 0U);
  writeArtifact("hot_work.pdf", *pdf);
}

TEST(PermitPdfTest, PdfHasAsManyPagesAsThePlan) {
  const PermitDocument doc = hotWorkPermit();
  auto pages = permitPageCount(doc);
  ASSERT_TRUE(pages.has_value());
  auto pdf = renderPermitPdf(doc);
  ASSERT_TRUE(pdf.has_value());
  const std::size_t page_objects =
      countOccurrences(*pdf, "/Type /Page") - countOccurrences(*pdf, "/Type /Pages");
  EXPECT_EQ(page_objects, static_cast<std::size_t>(*pages));
}

TEST(PermitPdfTest, LongMeasureListsFlowOntoMorePages) {
  PermitDocument doc = hotWorkPermit();
  auto base = permitPageCount(doc);
  ASSERT_TRUE(base.has_value());
  for (int i = 0; i < 60; ++i) {
    doc.measures.push_back({17 + i, "补充措施：作业点附近设置临时挡火板，并安排专人清理焊渣",
                            MeasureApplies::kYes, "王建国"});
  }
  auto more = permitPageCount(doc);
  ASSERT_TRUE(more.has_value());
  EXPECT_GT(*more, *base);

  // The last page prints "第 n 页 / 共 n 页" and renders.
  auto last = renderPermitRaster(doc, *more, 1.0);
  ASSERT_TRUE(last.has_value()) << last.error().key();
  EXPECT_GT(darkPixels(*last, 0, 0, last->width, last->height), 0);
}

TEST(PermitPdfTest, MinimalPermitIsOnePage) {
  PermitDocument doc;
  doc.title = "受限空间安全作业票";
  doc.permit_number = "SX-1";
  auto pages = permitPageCount(doc);
  ASSERT_TRUE(pages.has_value()) << pages.error().key();
  EXPECT_EQ(*pages, 1);
}

// ---------------------------------------------------------------------------------------------
// PNG preview.

TEST(PermitPdfTest, SampleHotWorkPermitRendersToPng) {
  const PermitDocument doc = hotWorkPermit();
  auto pages = permitPageCount(doc);
  ASSERT_TRUE(pages.has_value());
  for (int page = 1; page <= *pages; ++page) {
    auto png = renderPermitPng(doc, page, 2.0);
    ASSERT_TRUE(png.has_value()) << png.error().key() << ": " << png.error().message();
    EXPECT_EQ(png->substr(0, 8), "\x89PNG\r\n\x1a\n");
    EXPECT_EQ(pngWidth(*png), 1191U);  // 595.28 pt * 2
    EXPECT_EQ(pngHeight(*png), 1684U);
    writeArtifact("hot_work_p" + std::to_string(page) + ".png", *png);
  }
  PermitDocument english = doc;
  english.language = "en";
  auto png = renderPermitPng(english, 1, 1.5);
  ASSERT_TRUE(png.has_value());
  writeArtifact("hot_work_en_p1.png", *png);
}

TEST(PermitPdfTest, ChineseTitleLeavesInkWhereItIsSetAndNowhereElse) {
  PermitDocument doc = hotWorkPermit();
  auto first = renderPermitRaster(doc, 1, 1.0);
  ASSERT_TRUE(first.has_value());
  // The title is centred in the header band (about y 50..80 pt); the page's left margin is blank.
  const int centre = first->width / 2;
  EXPECT_GT(darkPixels(*first, centre - 80, 50, centre + 80, 85), 300);
  EXPECT_EQ(darkPixels(*first, 0, 0, 30, first->height), 0);

  doc.title = "受限空间安全作业票";
  auto second = renderPermitRaster(doc, 1, 1.0);
  ASSERT_TRUE(second.has_value());
  int changed_in_title = 0;
  int changed_elsewhere = 0;
  for (int y = 0; y < first->height; ++y) {
    for (int x = 0; x < first->width; ++x) {
      const std::size_t i = static_cast<std::size_t>(y * first->width + x);
      if (first->argb[i] != second->argb[i]) {
        (y >= 45 && y < 90 ? changed_in_title : changed_elsewhere) += 1;
      }
    }
  }
  EXPECT_GT(changed_in_title, 100);
  EXPECT_EQ(changed_elsewhere, 0);
}

TEST(PermitPdfTest, LevelIsStampedInRedOnlyWhenGraded) {
  PermitDocument doc = hotWorkPermit();
  auto graded = renderPermitRaster(doc, 1, 1.0);
  ASSERT_TRUE(graded.has_value());
  // Stamp box in the top-left corner of the header.
  EXPECT_GT(redPixels(*graded, 30, 40, 115, 95), 200);

  doc.level_label.clear();
  auto ungraded = renderPermitRaster(doc, 1, 1.0);
  ASSERT_TRUE(ungraded.has_value());
  EXPECT_EQ(redPixels(*ungraded, 30, 40, 115, 95), 0);
}

TEST(PermitPdfTest, QrCodeIsPrintedTopRightOnlyWithAUrl) {
  PermitDocument doc = hotWorkPermit();
  auto with_qr = renderPermitRaster(doc, 1, 1.0);
  ASSERT_TRUE(with_qr.has_value());
  // The QR square: 76 pt at the right margin, from y 28 pt.
  const int right = with_qr->width - 34;
  EXPECT_GT(darkPixels(*with_qr, right - 76, 28, right, 104), 1000);

  doc.qr_url.clear();
  auto without_qr = renderPermitRaster(doc, 1, 1.0);
  ASSERT_TRUE(without_qr.has_value());
  EXPECT_EQ(darkPixels(*without_qr, right - 76, 28, right, 100), 0);
}

TEST(PermitPdfTest, FailedGasSampleIsPrintedInRed) {
  PermitDocument doc = hotWorkPermit();
  auto with_failure = renderPermitRaster(doc, 1, 1.0);
  ASSERT_TRUE(with_failure.has_value());
  const int header = 100;  // below the level stamp
  EXPECT_GT(redPixels(*with_failure, 0, header, with_failure->width, with_failure->height), 20);

  doc.gas_analyses[2].passed = true;
  auto all_passed = renderPermitRaster(doc, 1, 1.0);
  ASSERT_TRUE(all_passed.has_value());
  EXPECT_EQ(redPixels(*all_passed, 0, header, all_passed->width, all_passed->height), 0);
}

// ---------------------------------------------------------------------------------------------
// Errors.

TEST(PermitPdfTest, CharacterWithoutAnyGlyphFailsInsteadOfPrintingTofu) {
  PermitDocument doc = hotWorkPermit();
  doc.fields.push_back({"作业内容", "\xCD\xB8"});  // U+0378: unassigned, no font has it
  auto pdf = renderPermitPdf(doc);
  ASSERT_FALSE(pdf.has_value());
  EXPECT_EQ(pdf.error().key(), "report.glyph_missing");
  EXPECT_EQ(pdf.error().code(), ErrorCode::kInvalidArgument);
}

TEST(PermitPdfTest, MissingFontFamilyFailsWithFontMissing) {
  PermitDocument doc = hotWorkPermit();
  doc.font_family = "No Such Font Family 9";
  auto pdf = renderPermitPdf(doc);
  ASSERT_FALSE(pdf.has_value());
  EXPECT_EQ(pdf.error().key(), "report.font_missing");
  EXPECT_EQ(pdf.error().code(), ErrorCode::kUnavailable);
}

TEST(PermitPdfTest, PageOutsideTheDocumentFails) {
  const PermitDocument doc = hotWorkPermit();
  auto pages = permitPageCount(doc);
  ASSERT_TRUE(pages.has_value());
  for (const int page : {0, -1, *pages + 1}) {
    auto png = renderPermitPng(doc, page, 1.0);
    ASSERT_FALSE(png.has_value()) << page;
    EXPECT_EQ(png.error().key(), "report.page_out_of_range");
  }
  EXPECT_TRUE(renderPermitPng(doc, *pages, 1.0).has_value());
}

TEST(PermitPdfTest, ScaleOutsideBoundsFails) {
  const PermitDocument doc = hotWorkPermit();
  for (const double scale : {0.0, 0.24, 8.01, std::nan("")}) {
    auto png = renderPermitPng(doc, 1, scale);
    ASSERT_FALSE(png.has_value()) << scale;
    EXPECT_EQ(png.error().key(), "report.scale_out_of_range");
  }
  EXPECT_TRUE(renderPermitRaster(doc, 1, 0.25).has_value());
}

TEST(PermitPdfTest, InvalidDocumentsFail) {
  struct Case {
    const char* name;
    void (*change)(PermitDocument&);
    const char* key;
  };
  const Case cases[] = {
      {"empty title", [](PermitDocument& d) { d.title.clear(); }, "report.document_invalid"},
      {"empty number", [](PermitDocument& d) { d.permit_number.clear(); },
       "report.document_invalid"},
      {"language", [](PermitDocument& d) { d.language = "fr"; }, "report.document_invalid"},
      {"signature", [](PermitDocument& d) { d.signatures[1].signature_png = "not a png"; },
       "report.signature_image_invalid"},
      {"row too tall", [](PermitDocument& d) { d.signatures[0].opinion = std::string(6000, 'x'); },
       "report.row_too_tall"},
      {"qr too long", [](PermitDocument& d) { d.qr_url = std::string(3000, 'a'); },
       "report.qr_too_long"},
  };
  for (const Case& c : cases) {
    PermitDocument doc = hotWorkPermit();
    c.change(doc);
    auto pdf = renderPermitPdf(doc);
    ASSERT_FALSE(pdf.has_value()) << c.name;
    EXPECT_EQ(pdf.error().key(), c.key) << c.name;
  }
}

// ---------------------------------------------------------------------------------------------
// QR codes.

struct QrCase {
  std::size_t bytes;
  int version;
};

class QrVersionTest : public ::testing::TestWithParam<QrCase> {};

// Byte-mode capacities at level M: v1 14, v2 26, v3 42, v10 213, v40 2331.
INSTANTIATE_TEST_SUITE_P(Capacities, QrVersionTest,
                         ::testing::Values(QrCase{1, 1}, QrCase{14, 1}, QrCase{15, 2},
                                           QrCase{26, 2}, QrCase{27, 3}, QrCase{42, 3},
                                           QrCase{213, 10}, QrCase{214, 11}, QrCase{2331, 40}));

TEST_P(QrVersionTest, SizeFollowsTheVersion) {
  const std::string text(GetParam().bytes, 'a');
  auto matrix = qrEncode(text);
  ASSERT_TRUE(matrix.has_value());
  EXPECT_EQ(matrix->version, GetParam().version);
  const int modules = 21 + 4 * (GetParam().version - 1);
  EXPECT_EQ(matrix->size, modules);

  auto png = qrPng(text, 3);
  ASSERT_TRUE(png.has_value());
  EXPECT_EQ(pngWidth(*png), static_cast<std::uint32_t>((modules + 8) * 3));
  EXPECT_EQ(pngHeight(*png), static_cast<std::uint32_t>((modules + 8) * 3));

  auto svg = qrSvg(text);
  ASSERT_TRUE(svg.has_value());
  const std::string side = std::to_string(modules + 8);
  EXPECT_NE(svg->find("viewBox=\"0 0 " + side + " " + side + "\""), std::string::npos);
}

TEST(QrTest, FinderPatternsSitInThreeCorners) {
  auto matrix = qrEncode("https://anguan.example.com/p/7Kq2mX9tQa");
  ASSERT_TRUE(matrix.has_value());
  const int last = matrix->size - 1;
  // Each finder pattern's outer ring is dark, the ring inside it light, the 3x3 centre dark.
  for (const auto& [ox, oy] : {std::pair{0, 0}, std::pair{last - 6, 0}, std::pair{0, last - 6}}) {
    EXPECT_TRUE(matrix->isDark(ox, oy));
    EXPECT_TRUE(matrix->isDark(ox + 6, oy + 6));
    EXPECT_FALSE(matrix->isDark(ox + 1, oy + 1));
    EXPECT_TRUE(matrix->isDark(ox + 3, oy + 3));
  }
  // No finder pattern in the bottom-right corner.
  const int o = last - 6;
  EXPECT_FALSE(matrix->isDark(o, o) && matrix->isDark(o + 6, o + 6) &&
               !matrix->isDark(o + 1, o + 1) && matrix->isDark(o + 3, o + 3));
}

TEST(QrTest, SameTextGivesIdenticalBytes) {
  const std::string url = "https://anguan.example.com/p/7Kq2mX9tQa";
  auto png1 = qrPng(url, 4);
  auto png2 = qrPng(url, 4);
  ASSERT_TRUE(png1.has_value() && png2.has_value());
  EXPECT_EQ(*png1, *png2);
  auto svg1 = qrSvg(url);
  auto svg2 = qrSvg(url);
  ASSERT_TRUE(svg1.has_value() && svg2.has_value());
  EXPECT_EQ(*svg1, *svg2);
  auto other = qrPng(url + "x", 4);
  ASSERT_TRUE(other.has_value());
  EXPECT_NE(*png1, *other);
  writeArtifact("qr.png", *png1);
  writeArtifact("qr.svg", *svg1);
}

TEST(QrTest, BadInputFails) {
  EXPECT_EQ(qrEncode("").error().key(), "report.qr_empty");
  EXPECT_EQ(qrPng("", 4).error().key(), "report.qr_empty");
  EXPECT_EQ(qrSvg("").error().key(), "report.qr_empty");
  EXPECT_EQ(qrEncode(std::string(2332, 'a')).error().key(), "report.qr_too_long");
  EXPECT_EQ(qrPng("x", kQrMinModulePx - 1).error().key(), "report.qr_module_size");
  EXPECT_EQ(qrPng("x", kQrMaxModulePx + 1).error().key(), "report.qr_module_size");
  EXPECT_TRUE(qrPng("x", kQrMinModulePx).has_value());
  EXPECT_TRUE(qrPng("x", kQrMaxModulePx).has_value());
}

}  // namespace
}  // namespace anguan::report
