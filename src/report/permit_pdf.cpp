// Renders a PermitDocument: plans the form once (measuring every cell with pango, splitting the
// tables into A4 pages and repeating their heading rows on continuation pages), then draws the
// planned pages on a cairo PDF or image surface. Measuring and drawing share one pango context with
// unhinted metrics, so the PDF and the PNG preview break lines and pages identically.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "anguan/report/permit_document.hpp"
#include "anguan/report/qr.hpp"

namespace anguan::report {
namespace {

// A4 portrait in points.
constexpr double kPageWidth = 595.28;
constexpr double kPageHeight = 841.89;
constexpr double kMargin = 34.0;
constexpr double kContentWidth = kPageWidth - 2 * kMargin;
constexpr double kHeaderHeight = 104.0;
constexpr double kFooterHeight = 20.0;
constexpr double kBodyTop = kMargin + kHeaderHeight;
constexpr double kBodyBottom = kPageHeight - kMargin - kFooterHeight;
constexpr double kCellPad = 3.5;
constexpr double kSectionGap = 8.0;
constexpr double kQrSize = 76.0;
constexpr double kNumberWidth = 200.0;
constexpr double kStampWidth = 74.0;
constexpr double kStampHeight = 38.0;
constexpr double kSignatureImageHeight = 24.0;
constexpr double kSignatureImageMaxWidth = 96.0;
constexpr double kLineWidth = 0.6;

constexpr double kBodySize = 9.0;
constexpr double kHeadingSize = 10.0;
constexpr double kFieldLabelWidth = 84.0;
constexpr double kSignatureStepWidth = 104.0;

constexpr double kMinScale = 0.25;
constexpr double kMaxScale = 8.0;

// ---------------------------------------------------------------------------------------------
// Fixed captions of the form, by language.

struct Captions {
  const char* pango_language;
  const char* number;
  const char* gas_title;
  const char* gas_columns[6];
  const char* passed;
  const char* failed;
  const char* unset;
  const char* measures_title;
  const char* measure_columns[4];
  const char* yes;
  const char* no;
  const char* other_measures;
  const char* other_measures_author;
  const char* briefing_giver;
  const char* briefing_receivers;
  const char* receivers_separator;
  const char* signatures_title;
  const char* signed_by;
  const char* blank_signer;
  const char* blank_time;
  const char* page_format_before;  // "第 " + n + " 页 / 共 " + total + " 页"
  const char* page_format_middle;
  const char* page_format_after;
};

constexpr Captions kChinese = {
    "zh-cn",
    "编号：",
    "气体分析",
    {"取样分析时间", "分析部位", "代表性气体", "分析结果", "分析人", "结论"},
    "合格",
    "不合格",
    "—",
    "安全措施",
    {"序号", "安全措施", "是否涉及", "确认人"},
    "是",
    "否",
    "其他安全措施",
    "编制人",
    "安全交底人",
    "接受交底人",
    "、",
    "意见及签字",
    "签字：",
    "　　　　　　　　",
    "　　年　　月　　日　　时　　分",
    "第 ",
    " 页 / 共 ",
    " 页",
};

constexpr Captions kEnglish = {
    "en",
    "No. ",
    "Gas analysis",
    {"Sampled at", "Point", "Gas", "Result", "Analyst", "Verdict"},
    "Pass",
    "Fail",
    "—",
    "Safety measures",
    {"No.", "Measure", "Applies", "Confirmed by"},
    "Yes",
    "No",
    "Other safety measures",
    "Prepared by",
    "Briefed by",
    "Briefed",
    ", ",
    "Opinions and signatures",
    "Signed: ",
    "________________",
    "Date: ________________",
    "Page ",
    " of ",
    "",
};

// ---------------------------------------------------------------------------------------------
// Owning handles for the C libraries.

struct GObjectDeleter {
  void operator()(void* object) const { g_object_unref(object); }
};
// Shared so that cells (and the rows built from initializer lists) stay copyable.
using LayoutPtr = std::shared_ptr<PangoLayout>;
using ContextPtr = std::unique_ptr<PangoContext, GObjectDeleter>;

struct SurfaceDeleter {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;

struct CairoDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};
using CairoPtr = std::unique_ptr<cairo_t, CairoDeleter>;

cairo_status_t appendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

struct PngReader {
  std::string_view bytes;
  std::size_t offset = 0;
};

cairo_status_t readFromString(void* closure, unsigned char* data, unsigned int length) {
  auto* reader = static_cast<PngReader*>(closure);
  if (reader->bytes.size() - reader->offset < length) {
    return CAIRO_STATUS_READ_ERROR;
  }
  std::memcpy(data, reader->bytes.data() + reader->offset, length);
  reader->offset += length;
  return CAIRO_STATUS_SUCCESS;
}

// ---------------------------------------------------------------------------------------------
// Typesetting: every piece of text goes through here, so one counter sees every missing glyph.

enum class Align { kLeft, kCenter, kRight };

struct TextStyle {
  double size = kBodySize;
  bool bold = false;
  Align align = Align::kLeft;
};

class Typesetter {
 public:
  static Result<Typesetter> create(const std::string& family, const char* language) {
    // The default cairo font map is per thread, so this is safe without a lock.
    PangoFontMap* font_map = pango_cairo_font_map_get_default();
    if (!familyInstalled(font_map, family)) {
      return Error::unavailable("report.font_missing",
                                "the permit font is not installed (fonts-noto-cjk)")
          .with("family", family);
    }
    ContextPtr context(pango_font_map_create_context(font_map));
    pango_cairo_context_set_resolution(context.get(), 72.0);  // one pango pixel = one point
    cairo_font_options_t* options = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(context.get(), options);
    cairo_font_options_destroy(options);
    pango_context_set_round_glyph_positions(context.get(), FALSE);
    pango_context_set_language(context.get(), pango_language_from_string(language));
    return Typesetter(std::move(context), family);
  }

  // A layout of `text` wrapped to `width` points (width <= 0: no wrapping).
  LayoutPtr layout(const std::string& text, double width, const TextStyle& style) {
    LayoutPtr layout(pango_layout_new(context_.get()), GObjectDeleter());
    PangoFontDescription* font = pango_font_description_new();
    pango_font_description_set_family(font, family_.c_str());
    pango_font_description_set_absolute_size(font, style.size * PANGO_SCALE);
    pango_font_description_set_weight(font, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(layout.get(), font);
    pango_font_description_free(font);
    if (width > 0) {
      pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
      pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    }
    switch (style.align) {
      case Align::kLeft:
        pango_layout_set_alignment(layout.get(), PANGO_ALIGN_LEFT);
        break;
      case Align::kCenter:
        pango_layout_set_alignment(layout.get(), PANGO_ALIGN_CENTER);
        break;
      case Align::kRight:
        pango_layout_set_alignment(layout.get(), PANGO_ALIGN_RIGHT);
        break;
    }
    pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
    missing_glyphs_ += pango_layout_get_unknown_glyphs_count(layout.get());
    return layout;
  }

  int missingGlyphs() const { return missing_glyphs_; }

 private:
  Typesetter(ContextPtr context, std::string family)
      : context_(std::move(context)), family_(std::move(family)) {}

  static bool familyInstalled(PangoFontMap* font_map, const std::string& family) {
    PangoFontFamily** families = nullptr;
    int count = 0;
    pango_font_map_list_families(font_map, &families, &count);
    bool found = false;
    for (int i = 0; i < count && !found; ++i) {
      found = g_ascii_strcasecmp(pango_font_family_get_name(families[i]), family.c_str()) == 0;
    }
    g_free(families);
    return found;
  }

  ContextPtr context_;
  std::string family_;
  int missing_glyphs_ = 0;
};

double layoutWidth(PangoLayout* layout) {
  int width = 0;
  int height = 0;
  pango_layout_get_size(layout, &width, &height);
  return static_cast<double>(width) / PANGO_SCALE;
}

double layoutHeight(PangoLayout* layout) {
  int width = 0;
  int height = 0;
  pango_layout_get_size(layout, &width, &height);
  return static_cast<double>(height) / PANGO_SCALE;
}

// ---------------------------------------------------------------------------------------------
// The planned form: tables of rows of cells, placed on pages.

struct Rgb {
  double r = 0;
  double g = 0;
  double b = 0;
};
constexpr Rgb kBlack{0, 0, 0};
constexpr Rgb kRed{0.78, 0.0, 0.0};
constexpr Rgb kShade{0.91, 0.91, 0.91};

struct Cell {
  double width = 0;
  LayoutPtr text;
  Rgb color = kBlack;
  bool shaded = false;
  bool center_vertically = true;
  // Signature line at the bottom right: "签字：name  time", with the handwritten image left of it.
  LayoutPtr footer;
  std::shared_ptr<cairo_surface_t> image;
  double image_width = 0;
};

struct Row {
  std::vector<Cell> cells;
  double height = 0;
};

struct Table {
  std::vector<Row> head;  // repeated at the top of each page the table continues on
  std::vector<Row> body;
};

struct PlacedRow {
  const Row* row = nullptr;
  double y = 0;
};

struct Plan {
  const Captions* captions = nullptr;
  std::vector<Table> tables;
  std::vector<std::vector<PlacedRow>> pages;
  // Header and footer, the same on every page.
  LayoutPtr enterprise;
  LayoutPtr title;
  LayoutPtr level;
  LayoutPtr number;
  LayoutPtr status;
  std::vector<LayoutPtr> page_numbers;
  std::optional<QrMatrix> qr;
};

// Builds cells with measured layouts.
class RowBuilder {
 public:
  explicit RowBuilder(Typesetter& typesetter) : typesetter_(typesetter) {}

  Cell cell(double width, const std::string& text, const TextStyle& style = {}) {
    Cell cell;
    cell.width = width;
    cell.text = typesetter_.layout(text, width - 2 * kCellPad, style);
    return cell;
  }

  Cell heading(double width, const std::string& text, double size = kBodySize) {
    Cell result = cell(width, text, {size, true, Align::kCenter});
    result.shaded = true;
    return result;
  }

  Cell label(double width, const std::string& text) {
    Cell result = cell(width, text, {kBodySize, true, Align::kCenter});
    result.shaded = true;
    return result;
  }

  static Row row(std::vector<Cell> cells, double min_height = 0) {
    Row row;
    row.cells = std::move(cells);
    row.height = min_height;
    for (const Cell& cell : row.cells) {
      double height = layoutHeight(cell.text.get()) + 2 * kCellPad;
      if (cell.footer) {
        const double line =
            std::max(layoutHeight(cell.footer.get()), cell.image ? kSignatureImageHeight : 0.0);
        height += line + 4.0;
      }
      row.height = std::max(row.height, height);
    }
    return row;
  }

 private:
  Typesetter& typesetter_;
};

const char* measureAppliesText(MeasureApplies applies, const Captions& captions) {
  switch (applies) {
    case MeasureApplies::kYes:
      return captions.yes;
    case MeasureApplies::kNo:
      return captions.no;
    case MeasureApplies::kUnset:
      return captions.unset;
  }
  return captions.unset;
}

// Header grid: label/value pairs, two to a line when both values fit on one line.
Table fieldsTable(const PermitDocument& doc, RowBuilder& builder, Typesetter& typesetter) {
  Table table;
  const double half_value = kContentWidth / 2 - kFieldLabelWidth;
  const double full_value = kContentWidth - kFieldLabelWidth;
  auto fitsHalf = [&](const PermitField& field) {
    LayoutPtr probe = typesetter.layout(field.value, -1, {});
    return layoutWidth(probe.get()) <= half_value - 2 * kCellPad &&
           field.value.find('\n') == std::string::npos;
  };
  constexpr double kMinRow = 20.0;
  for (std::size_t i = 0; i < doc.fields.size(); ++i) {
    const PermitField& field = doc.fields[i];
    const bool pair = i + 1 < doc.fields.size() && fitsHalf(field) && fitsHalf(doc.fields[i + 1]);
    std::vector<Cell> cells;
    if (pair) {
      const PermitField& next = doc.fields[i + 1];
      cells.push_back(builder.label(kFieldLabelWidth, field.label));
      cells.push_back(builder.cell(half_value, field.value));
      cells.push_back(builder.label(kFieldLabelWidth, next.label));
      cells.push_back(builder.cell(half_value, next.value));
      ++i;
    } else {
      cells.push_back(builder.label(kFieldLabelWidth, field.label));
      cells.push_back(builder.cell(full_value, field.value));
    }
    table.body.push_back(RowBuilder::row(std::move(cells), kMinRow));
  }
  return table;
}

Table gasTable(const PermitDocument& doc, const Captions& captions, RowBuilder& builder) {
  Table table;
  constexpr double kWidths[6] = {96, 112, 88, 84, 70, kContentWidth - 96 - 112 - 88 - 84 - 70};
  table.head.push_back(
      RowBuilder::row({builder.heading(kContentWidth, captions.gas_title, kHeadingSize)}));
  std::vector<Cell> head;
  for (int i = 0; i < 6; ++i) {
    head.push_back(builder.heading(kWidths[i], captions.gas_columns[i]));
  }
  table.head.push_back(RowBuilder::row(std::move(head)));
  const TextStyle centered{kBodySize, false, Align::kCenter};
  for (const GasAnalysisRow& gas : doc.gas_analyses) {
    std::string result = gas.value;
    if (!gas.unit.empty()) {
      result += " " + gas.unit;
    }
    const char* verdict = !gas.passed   ? captions.unset
                          : *gas.passed ? captions.passed
                                        : captions.failed;
    const bool failed = gas.passed.has_value() && !*gas.passed;
    Cell verdict_cell = builder.cell(kWidths[5], verdict, {kBodySize, failed, Align::kCenter});
    if (failed) {
      verdict_cell.color = kRed;
    }
    std::vector<Cell> cells;
    cells.push_back(builder.cell(kWidths[0], gas.time, centered));
    cells.push_back(builder.cell(kWidths[1], gas.point, centered));
    cells.push_back(builder.cell(kWidths[2], gas.gas, centered));
    cells.push_back(builder.cell(kWidths[3], result, centered));
    cells.push_back(builder.cell(kWidths[4], gas.analyst, centered));
    cells.push_back(std::move(verdict_cell));
    table.body.push_back(RowBuilder::row(std::move(cells), 18.0));
  }
  return table;
}

Table measuresTable(const PermitDocument& doc, const Captions& captions, RowBuilder& builder) {
  Table table;
  constexpr double kNumber = 34;
  constexpr double kApplies = 58;
  constexpr double kConfirmer = 78;
  constexpr double kText = kContentWidth - kNumber - kApplies - kConfirmer;
  table.head.push_back(
      RowBuilder::row({builder.heading(kContentWidth, captions.measures_title, kHeadingSize)}));
  table.head.push_back(RowBuilder::row({builder.heading(kNumber, captions.measure_columns[0]),
                                        builder.heading(kText, captions.measure_columns[1]),
                                        builder.heading(kApplies, captions.measure_columns[2]),
                                        builder.heading(kConfirmer, captions.measure_columns[3])}));
  const TextStyle centered{kBodySize, false, Align::kCenter};
  for (const SafetyMeasureRow& measure : doc.measures) {
    std::vector<Cell> cells;
    cells.push_back(builder.cell(kNumber, std::to_string(measure.number), centered));
    cells.push_back(builder.cell(kText, measure.text));
    cells.push_back(
        builder.cell(kApplies, measureAppliesText(measure.applies, captions), centered));
    cells.push_back(builder.cell(kConfirmer, measure.confirmer, centered));
    table.body.push_back(RowBuilder::row(std::move(cells), 17.0));
  }
  if (!doc.other_measures.empty() || !doc.other_measures_author.empty()) {
    constexpr double kAuthorLabel = 58;
    constexpr double kAuthor = 78;
    constexpr double kOtherLabel = kNumber + 60;
    const double other = kContentWidth - kOtherLabel - kAuthorLabel - kAuthor;
    table.body.push_back(
        RowBuilder::row({builder.label(kOtherLabel, captions.other_measures),
                         builder.cell(other, doc.other_measures),
                         builder.label(kAuthorLabel, captions.other_measures_author),
                         builder.cell(kAuthor, doc.other_measures_author, centered)},
                        24.0));
  }
  return table;
}

Table briefingTable(const PermitDocument& doc, const Captions& captions, RowBuilder& builder) {
  Table table;
  std::string receivers;
  for (const std::string& receiver : doc.briefing_receivers) {
    if (!receivers.empty()) {
      receivers += captions.receivers_separator;
    }
    receivers += receiver;
  }
  constexpr double kGiver = 110;
  const double receivers_width = kContentWidth - 2 * kFieldLabelWidth - kGiver;
  table.body.push_back(
      RowBuilder::row({builder.label(kFieldLabelWidth, captions.briefing_giver),
                       builder.cell(kGiver, doc.briefing_giver),
                       builder.label(kFieldLabelWidth, captions.briefing_receivers),
                       builder.cell(receivers_width, receivers)},
                      24.0));
  return table;
}

Result<SurfacePtr> decodePng(const std::string& bytes) {
  PngReader reader{bytes, 0};
  SurfacePtr surface(cairo_image_surface_create_from_png_stream(readFromString, &reader));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS ||
      cairo_image_surface_get_width(surface.get()) <= 0 ||
      cairo_image_surface_get_height(surface.get()) <= 0) {
    return Error::invalidArgument("report.signature_image_invalid",
                                  "a signature image is not a valid PNG");
  }
  return surface;
}

Result<Table> signaturesTable(const PermitDocument& doc, const Captions& captions,
                              RowBuilder& builder, Typesetter& typesetter) {
  Table table;
  table.head.push_back(
      RowBuilder::row({builder.heading(kContentWidth, captions.signatures_title, kHeadingSize)}));
  const double opinion_width = kContentWidth - kSignatureStepWidth;
  for (const PermitSignature& signature : doc.signatures) {
    Cell opinion = builder.cell(opinion_width, signature.opinion);
    opinion.center_vertically = false;
    // An unsigned box keeps blanks to sign and date by hand, as on the paper form.
    std::string line = captions.signed_by;
    line += signature.signer.empty() ? captions.blank_signer : signature.signer;
    line += "    ";
    line += signature.time.empty() ? captions.blank_time : signature.time;
    opinion.footer =
        typesetter.layout(line, opinion_width - 2 * kCellPad, {kBodySize, false, Align::kRight});
    if (!signature.signature_png.empty()) {
      AG_ASSIGN_OR_RETURN(opinion.image, decodePng(signature.signature_png));
      const double aspect =
          static_cast<double>(cairo_image_surface_get_width(opinion.image.get())) /
          cairo_image_surface_get_height(opinion.image.get());
      opinion.image_width = std::min(kSignatureImageMaxWidth, kSignatureImageHeight * aspect);
    }
    table.body.push_back(RowBuilder::row(
        {builder.label(kSignatureStepWidth, signature.step), std::move(opinion)}, 46.0));
  }
  return table;
}

// Places the rows of every table on pages. A table starts on a new page when its heading and first
// row don't fit; when it continues on another page its heading rows are repeated there.
Status paginate(Plan& plan) {
  plan.pages.emplace_back();
  double y = kBodyTop;
  auto newPage = [&] {
    plan.pages.emplace_back();
    y = kBodyTop;
  };
  auto place = [&](const Row& row) {
    plan.pages.back().push_back({&row, y});
    y += row.height;
  };
  for (const Table& table : plan.tables) {
    if (table.body.empty()) {
      continue;
    }
    double head_height = 0;
    for (const Row& row : table.head) {
      head_height += row.height;
    }
    if (y > kBodyTop) {
      y += kSectionGap;
    }
    for (std::size_t i = 0; i < table.body.size(); ++i) {
      const Row& row = table.body[i];
      if (head_height + row.height > kBodyBottom - kBodyTop) {
        return Error::invalidArgument("report.row_too_tall",
                                      "a permit table row is too long for one page");
      }
      const bool first = i == 0;
      const double needed = row.height + (first ? head_height : 0.0);
      if (y + needed > kBodyBottom) {
        newPage();
        for (const Row& head : table.head) {
          place(head);
        }
      } else if (first) {
        for (const Row& head : table.head) {
          place(head);
        }
      }
      place(row);
    }
  }
  return okStatus();
}

Result<Plan> planDocument(const PermitDocument& doc, Typesetter& typesetter,
                          const Captions& captions) {
  Plan plan;
  plan.captions = &captions;
  RowBuilder builder(typesetter);
  plan.tables.push_back(fieldsTable(doc, builder, typesetter));
  plan.tables.push_back(gasTable(doc, captions, builder));
  plan.tables.push_back(measuresTable(doc, captions, builder));
  if (!doc.briefing_giver.empty() || !doc.briefing_receivers.empty()) {
    plan.tables.push_back(briefingTable(doc, captions, builder));
  }
  AG_ASSIGN_OR_RETURN(Table signatures, signaturesTable(doc, captions, builder, typesetter));
  plan.tables.push_back(std::move(signatures));
  AG_RETURN_IF_ERROR(paginate(plan));

  const double title_width = kContentWidth - 2 * (kQrSize + 8);
  plan.enterprise =
      typesetter.layout(doc.enterprise_name, title_width, {11.0, false, Align::kCenter});
  plan.title = typesetter.layout(doc.title, title_width, {20.0, true, Align::kCenter});
  if (!doc.level_label.empty()) {
    plan.level = typesetter.layout(doc.level_label, kStampWidth - 6, {17.0, true, Align::kCenter});
  }
  plan.number = typesetter.layout(std::string(captions.number) + doc.permit_number, kNumberWidth,
                                  {8.0, true, Align::kRight});
  plan.status =
      typesetter.layout(doc.status_line, kContentWidth / 2 - 60, {7.5, false, Align::kLeft});
  const std::string total = std::to_string(plan.pages.size());
  for (std::size_t i = 0; i < plan.pages.size(); ++i) {
    plan.page_numbers.push_back(
        typesetter.layout(captions.page_format_before + std::to_string(i + 1) +
                              captions.page_format_middle + total + captions.page_format_after,
                          120, {8.0, false, Align::kCenter}));
  }
  if (!doc.qr_url.empty()) {
    AG_ASSIGN_OR_RETURN(QrMatrix qr, qrEncode(doc.qr_url));
    plan.qr = std::move(qr);
  }
  if (typesetter.missingGlyphs() > 0) {
    return Error::invalidArgument("report.glyph_missing",
                                  "some characters cannot be printed with the installed fonts")
        .with("count", std::to_string(typesetter.missingGlyphs()));
  }
  return plan;
}

Result<Plan> planPermit(const PermitDocument& doc, std::optional<Typesetter>& typesetter) {
  const Captions* captions = nullptr;
  if (doc.language == "zh-CN") {
    captions = &kChinese;
  } else if (doc.language == "en") {
    captions = &kEnglish;
  } else {
    return Error::invalidArgument("report.document_invalid", "language must be zh-CN or en")
        .with("field", "language");
  }
  if (doc.title.empty() || doc.permit_number.empty()) {
    return Error::invalidArgument("report.document_invalid",
                                  "a permit needs a title and a permit number")
        .with("field", doc.title.empty() ? "title" : "permit_number");
  }
  AG_ASSIGN_OR_RETURN(Typesetter created,
                      Typesetter::create(doc.font_family, captions->pango_language));
  typesetter.emplace(std::move(created));
  return planDocument(doc, *typesetter, *captions);
}

// ---------------------------------------------------------------------------------------------
// Drawing.

void setColor(cairo_t* cr, const Rgb& color) {
  cairo_set_source_rgb(cr, color.r, color.g, color.b);
}

void showLayout(cairo_t* cr, PangoLayout* layout, double x, double y, const Rgb& color) {
  setColor(cr, color);
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, layout);
}

void drawCell(cairo_t* cr, const Cell& cell, double x, double y, double height) {
  if (cell.shaded) {
    setColor(cr, kShade);
    cairo_rectangle(cr, x, y, cell.width, height);
    cairo_fill(cr);
  }
  const double text_height = layoutHeight(cell.text.get());
  const double text_y = cell.center_vertically ? y + (height - text_height) / 2 : y + kCellPad;
  showLayout(cr, cell.text.get(), x + kCellPad, text_y, cell.color);
  if (cell.footer) {
    const double footer_height = layoutHeight(cell.footer.get());
    const double bottom = y + height - kCellPad;
    showLayout(cr, cell.footer.get(), x + kCellPad, bottom - footer_height, kBlack);
    if (cell.image) {
      // The footer is right-aligned: the image goes just left of its text.
      PangoRectangle ink;
      PangoRectangle logical;
      pango_layout_get_pixel_extents(cell.footer.get(), &ink, &logical);
      const double image_x = x + kCellPad + logical.x - 6 - cell.image_width;
      const double image_y = bottom - kSignatureImageHeight;
      const double scale = kSignatureImageHeight / cairo_image_surface_get_height(cell.image.get());
      cairo_save(cr);
      cairo_translate(cr, image_x, image_y);
      cairo_scale(cr, scale, scale);
      cairo_rectangle(cr, 0, 0, cell.image_width / scale, kSignatureImageHeight / scale);
      cairo_clip(cr);
      cairo_set_source_surface(cr, cell.image.get(), 0, 0);
      cairo_paint(cr);
      cairo_restore(cr);
    }
  }
  setColor(cr, kBlack);
  cairo_set_line_width(cr, kLineWidth);
  cairo_rectangle(cr, x, y, cell.width, height);
  cairo_stroke(cr);
}

void drawQr(cairo_t* cr, const QrMatrix& qr, double x, double y, double side) {
  const double module = side / (qr.size + 2 * kQrQuietZoneModules);
  cairo_save(cr);
  cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
  setColor(cr, kBlack);
  for (int my = 0; my < qr.size; ++my) {
    for (int mx = 0; mx < qr.size; ++mx) {
      if (qr.isDark(mx, my)) {
        cairo_rectangle(cr, x + (mx + kQrQuietZoneModules) * module,
                        y + (my + kQrQuietZoneModules) * module, module, module);
      }
    }
  }
  cairo_fill(cr);
  cairo_restore(cr);
}

void drawPage(cairo_t* cr, const Plan& plan, std::size_t page) {
  setColor(cr, {1, 1, 1});
  cairo_paint(cr);

  // Header: level stamp top left, enterprise and title centred, QR and number top right.
  if (plan.level) {
    const double x = kMargin;
    const double y = kMargin + 14;
    setColor(cr, kRed);
    cairo_set_line_width(cr, 2.0);
    cairo_rectangle(cr, x, y, kStampWidth, kStampHeight);
    cairo_stroke(cr);
    cairo_set_line_width(cr, 0.8);
    cairo_rectangle(cr, x + 3, y + 3, kStampWidth - 6, kStampHeight - 6);
    cairo_stroke(cr);
    showLayout(cr, plan.level.get(), x + 3, y + (kStampHeight - layoutHeight(plan.level.get())) / 2,
               kRed);
  }
  const double title_x = kMargin + kQrSize + 8;
  showLayout(cr, plan.enterprise.get(), title_x, kMargin + 8, kBlack);
  showLayout(cr, plan.title.get(), title_x, kMargin + 12 + layoutHeight(plan.enterprise.get()),
             kBlack);
  const double qr_x = kPageWidth - kMargin - kQrSize;
  if (plan.qr) {
    drawQr(cr, *plan.qr, qr_x, kMargin - 6, kQrSize);
  }
  // The number ends at the right margin, under the QR code (which may be absent).
  showLayout(cr, plan.number.get(), kPageWidth - kMargin - kNumberWidth, kMargin - 6 + kQrSize,
             kBlack);

  for (const PlacedRow& placed : plan.pages[page]) {
    double x = kMargin;
    for (const Cell& cell : placed.row->cells) {
      drawCell(cr, cell, x, placed.y, placed.row->height);
      x += cell.width;
    }
  }

  // Footer: status line left, page number centred.
  const double footer_y = kPageHeight - kMargin - 10;
  setColor(cr, kBlack);
  cairo_set_line_width(cr, 0.4);
  cairo_move_to(cr, kMargin, footer_y - 4);
  cairo_line_to(cr, kPageWidth - kMargin, footer_y - 4);
  cairo_stroke(cr);
  showLayout(cr, plan.status.get(), kMargin, footer_y, kBlack);
  showLayout(cr, plan.page_numbers[page].get(), kPageWidth / 2 - 60, footer_y, kBlack);
}

Error renderFailed(cairo_status_t status) {
  return Error::internal("report.render_failed", "could not render the permit")
      .with("cairo", cairo_status_to_string(status));
}

}  // namespace

Result<int> permitPageCount(const PermitDocument& doc) {
  std::optional<Typesetter> typesetter;
  AG_ASSIGN_OR_RETURN(const Plan planned, planPermit(doc, typesetter));
  return static_cast<int>(planned.pages.size());
}

Result<std::string> renderPermitPdf(const PermitDocument& doc) {
  std::optional<Typesetter> typesetter;
  AG_ASSIGN_OR_RETURN(const Plan planned, planPermit(doc, typesetter));
  std::string pdf;
  SurfacePtr surface(
      cairo_pdf_surface_create_for_stream(appendToString, &pdf, kPageWidth, kPageHeight));
  const std::string title = doc.title + " " + doc.permit_number;
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, title.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "anguan");
  CairoPtr cr(cairo_create(surface.get()));
  for (std::size_t page = 0; page < planned.pages.size(); ++page) {
    drawPage(cr.get(), planned, page);
    cairo_show_page(cr.get());
  }
  const cairo_status_t drawn = cairo_status(cr.get());
  cr.reset();
  cairo_surface_finish(surface.get());
  const cairo_status_t finished = cairo_surface_status(surface.get());
  if (drawn != CAIRO_STATUS_SUCCESS || finished != CAIRO_STATUS_SUCCESS) {
    return renderFailed(drawn != CAIRO_STATUS_SUCCESS ? drawn : finished);
  }
  return pdf;
}

namespace {

Result<SurfacePtr> renderPageSurface(const PermitDocument& doc, int page, double scale) {
  if (!(scale >= kMinScale && scale <= kMaxScale)) {
    return Error::invalidArgument("report.scale_out_of_range", "scale must be within [0.25, 8]");
  }
  std::optional<Typesetter> typesetter;
  AG_ASSIGN_OR_RETURN(const Plan planned, planPermit(doc, typesetter));
  if (page < 1 || static_cast<std::size_t>(page) > planned.pages.size()) {
    return Error::invalidArgument("report.page_out_of_range", "no such page in this permit")
        .with("pages", std::to_string(planned.pages.size()));
  }
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
                                                static_cast<int>(kPageWidth * scale + 0.5),
                                                static_cast<int>(kPageHeight * scale + 0.5)));
  CairoPtr cr(cairo_create(surface.get()));
  cairo_scale(cr.get(), scale, scale);
  drawPage(cr.get(), planned, static_cast<std::size_t>(page - 1));
  const cairo_status_t status = cairo_status(cr.get());
  if (status != CAIRO_STATUS_SUCCESS) {
    return renderFailed(status);
  }
  cr.reset();
  cairo_surface_flush(surface.get());
  return surface;
}

}  // namespace

Result<PageRaster> renderPermitRaster(const PermitDocument& doc, int page, double scale) {
  AG_ASSIGN_OR_RETURN(const SurfacePtr surface, renderPageSurface(doc, page, scale));
  PageRaster raster;
  raster.width = cairo_image_surface_get_width(surface.get());
  raster.height = cairo_image_surface_get_height(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  const unsigned char* data = cairo_image_surface_get_data(surface.get());
  raster.argb.resize(static_cast<std::size_t>(raster.width) *
                     static_cast<std::size_t>(raster.height));
  for (int y = 0; y < raster.height; ++y) {
    std::memcpy(raster.argb.data() + static_cast<std::size_t>(y) * raster.width,
                data + static_cast<std::ptrdiff_t>(y) * stride,
                static_cast<std::size_t>(raster.width) * sizeof(std::uint32_t));
  }
  return raster;
}

Result<std::string> renderPermitPng(const PermitDocument& doc, int page, double scale) {
  AG_ASSIGN_OR_RETURN(const SurfacePtr surface, renderPageSurface(doc, page, scale));
  std::string png;
  const cairo_status_t status =
      cairo_surface_write_to_png_stream(surface.get(), appendToString, &png);
  if (status != CAIRO_STATUS_SUCCESS) {
    return renderFailed(status);
  }
  return png;
}

}  // namespace anguan::report
