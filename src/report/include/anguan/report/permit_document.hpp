// The printable special-operation permit (GB 30871-2022 Appendix A layout): a plain description of
// one printed permit, and its rendering to PDF (A4 portrait, as many pages as needed) and to PNG.
//
// PermitDocument is self-contained on purpose: whoever prints a permit fills it from the permit
// domain types, so this renderer does not change when they do. All text is UTF-8 and is printed as
// given (times are already formatted strings); the renderer only adds the fixed captions of the
// form in the document's language.
//
// Fonts: text is set with pango in `font_family` (a CJK family found through fontconfig) and the
// used glyph subsets are embedded in the PDF by cairo. Rendering never prints tofu: a missing
// family or a character that no installed font can draw is an error.
//
// Thread safety: the functions keep no shared state (pango's font map is per thread); safe from any
// thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "anguan/core/result.hpp"

namespace anguan::report {

// The family that scripts/install-deps installs (fonts-noto-cjk).
inline constexpr const char* kDefaultPermitFontFamily = "Noto Sans CJK SC";

// One label/value cell pair in the header grid, e.g. {"作业地点", "二车间 T-101 储罐区"}. Short
// values are set two pairs to a line, long ones span the whole line.
struct PermitField {
  std::string label;
  std::string value;
};

// One sample of the gas-analysis grid.
struct GasAnalysisRow {
  std::string time;            // 取样分析时间, e.g. "2025-06-01 08:10"
  std::string point;           // 分析部位
  std::string gas;             // 代表性气体, e.g. "甲烷" or "O₂"
  std::string value;           // 分析结果, e.g. "0.12"
  std::string unit;            // e.g. "%LEL", "%", "mg/m³"
  std::string analyst;         // 分析人
  std::optional<bool> passed;  // 合格 / 不合格; nullopt prints "—"
};

enum class MeasureApplies { kUnset, kYes, kNo };  // "—", 是, 否

struct SafetyMeasureRow {
  int number = 0;
  std::string text;
  MeasureApplies applies = MeasureApplies::kUnset;
  std::string confirmer;  // 确认人
};

// One opinion/signature box of the sign-off chain, e.g. step "动火审批人意见".
struct PermitSignature {
  std::string step;
  std::string opinion;
  std::string signer;         // empty: not signed yet (the box prints blank)
  std::string time;           // e.g. "2025-06-01 08:30"
  std::string signature_png;  // optional handwritten signature, PNG bytes
};

struct PermitDocument {
  std::string enterprise_name;
  std::string title;               // e.g. "动火安全作业票"
  std::string permit_number;       // 编号
  std::string level_label;         // e.g. "特级"; empty = ungraded (no level stamp)
  std::string language = "zh-CN";  // "zh-CN" or "en": language of the form's fixed captions
  // Common fields of Appendix A (申请单位, 申请时间, 作业内容, 作业地点, 作业单位, 作业负责人,
  // 作业人, 监护人, 关联作业票编号, 风险辨识结果, 作业实施时间, ...) followed by the type-specific
  // ones, in print order.
  std::vector<PermitField> fields;
  std::vector<GasAnalysisRow> gas_analyses;  // the grid is left out when empty
  std::vector<SafetyMeasureRow> measures;
  std::string other_measures;                   // 其他安全措施
  std::string other_measures_author;            // 编制人
  std::string briefing_giver;                   // 安全交底人
  std::vector<std::string> briefing_receivers;  // 接受交底人
  std::vector<PermitSignature> signatures;      // in chain order, ending with 完工验收
  std::string status_line;  // printed in every page footer, e.g. "状态：作业中（打印于 …）"
  std::string qr_url;       // public status page; empty: no QR code
  std::string font_family = kDefaultPermitFontFamily;
};

// Raw page pixels: premultiplied ARGB32 in native-endian uint32, row-major, width * height.
struct PageRaster {
  int width = 0;
  int height = 0;
  std::vector<std::uint32_t> argb;
};

// Errors shared by the functions below:
// - kInvalidArgument "report.document_invalid": empty title or permit number, or a language other
//   than "zh-CN"/"en"; "report.signature_image_invalid": signature_png is not a PNG;
//   "report.row_too_tall": one table row does not fit on a page; "report.glyph_missing": some
//   character has no glyph in any installed font (detail "count"); QR errors as qrEncode().
// - kUnavailable "report.font_missing": font_family is not installed (detail "family").
// - kInternal "report.render_failed": cairo failed.

// Number of A4 pages the permit needs (>= 1).
[[nodiscard]] Result<int> permitPageCount(const PermitDocument& doc);

// The whole permit as PDF bytes with the fonts embedded.
[[nodiscard]] Result<std::string> renderPermitPdf(const PermitDocument& doc);

// Page `page` (1-based) as pixels at `scale` pixels per point (1.0 = 72 dpi; 2.0 = 144 dpi).
// Also fails with kInvalidArgument "report.page_out_of_range" or "report.scale_out_of_range"
// (scale must be within [0.25, 8]).
[[nodiscard]] Result<PageRaster> renderPermitRaster(const PermitDocument& doc, int page,
                                                    double scale);

// As renderPermitRaster(), encoded as PNG.
[[nodiscard]] Result<std::string> renderPermitPng(const PermitDocument& doc, int page,
                                                  double scale);

}  // namespace anguan::report
