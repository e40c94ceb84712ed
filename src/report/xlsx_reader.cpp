#include "xlsx_reader.hpp"

#include <charconv>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <expat.h>
#include <zip.h>

#include "anguan/core/log.hpp"

#include "excel_values.hpp"
#include "sheet_common.hpp"

namespace anguan::report {
namespace {

constexpr std::size_t kMaxSharedStrings = 2'000'000;
constexpr std::size_t kReadChunk = 64 * 1024;
constexpr char kNamespaceSeparator = '|';
constexpr std::string_view kOleSignature = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

Error notAWorkbook() { return badFileError("The file is not an XLSX workbook."); }
Error damaged() { return badFileError("The XLSX file is damaged."); }

std::string_view localName(const XML_Char* name) {
  const std::string_view full(name);
  const auto separator = full.rfind(kNamespaceSeparator);
  return separator == std::string_view::npos ? full : full.substr(separator + 1);
}

std::optional<std::string_view> attribute(const XML_Char** attributes, std::string_view local) {
  for (std::size_t i = 0; attributes[i] != nullptr; i += 2) {
    if (localName(attributes[i]) == local) {
      return std::string_view(attributes[i + 1]);
    }
  }
  return std::nullopt;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::optional<std::uint64_t> parseUnsigned(std::string_view text) {
  text = trim(text);
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

bool endsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// Resolves a relationship target against the folder of its source part ("xl"), following OPC:
// a leading '/' is package-absolute; "." and ".." are folded. nullopt when it climbs above root.
std::optional<std::string> resolvePart(std::string_view base_dir, std::string_view target) {
  std::vector<std::string_view> segments;
  auto push = [&segments](std::string_view path) {
    while (!path.empty()) {
      const auto slash = path.find('/');
      const auto segment = path.substr(0, slash);
      path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
      if (segment.empty() || segment == ".") {
        continue;
      }
      if (segment == "..") {
        if (segments.empty()) {
          return false;
        }
        segments.pop_back();
        continue;
      }
      segments.push_back(segment);
    }
    return true;
  };
  if (target.empty() || target.front() != '/') {
    push(base_dir);
  }
  if (!push(target) || segments.empty()) {
    return std::nullopt;
  }
  std::string out;
  for (const auto segment : segments) {
    if (!out.empty()) {
      out.push_back('/');
    }
    out.append(segment);
  }
  return out;
}

std::string_view directoryOf(std::string_view part) {
  const auto slash = part.rfind('/');
  return slash == std::string_view::npos ? std::string_view{} : part.substr(0, slash);
}

std::string relsPathFor(std::string_view part) {
  const auto slash = part.rfind('/');
  const auto dir = slash == std::string_view::npos ? std::string_view{} : part.substr(0, slash + 1);
  const auto base = slash == std::string_view::npos ? part : part.substr(slash + 1);
  return std::string(dir) + "_rels/" + std::string(base) + ".rels";
}

// ---------------------------------------------------------------------------------------------
// Streaming XML.

class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void start(std::string_view name, const XML_Char** attributes) = 0;
  virtual void end(std::string_view name) = 0;
  virtual void text(std::string_view /*data*/) {}

  void fail(Error error) {
    if (!error_) {
      error_ = std::move(error);
    }
  }
  [[nodiscard]] bool failed() const { return error_.has_value(); }
  [[nodiscard]] const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

// Owns one expat parser. Callbacks run handler code inside C frames, so they never let an
// exception escape: allocation failures become import.too_large.
class XmlStream {
 public:
  XmlStream(XmlHandler& handler, std::string_view part)
      : handler_(handler), part_(part), parser_(XML_ParserCreateNS(nullptr, kNamespaceSeparator)) {
    if (parser_ == nullptr) {
      return;
    }
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &XmlStream::onStart, &XmlStream::onEnd);
    XML_SetCharacterDataHandler(parser_, &XmlStream::onText);
    // OOXML parts never have a DTD; refusing one rules out entity expansion attacks outright.
    XML_SetStartDoctypeDeclHandler(parser_, &XmlStream::onDoctype);
  }
  ~XmlStream() {
    if (parser_ != nullptr) {
      XML_ParserFree(parser_);
    }
  }
  XmlStream(const XmlStream&) = delete;
  XmlStream& operator=(const XmlStream&) = delete;

  [[nodiscard]] Status feed(std::string_view chunk, bool final) {
    if (parser_ == nullptr) {
      return Error::internal("internal", "Out of memory.");
    }
    const auto status =
        XML_Parse(parser_, chunk.data(), static_cast<int>(chunk.size()), final ? 1 : 0);
    if (handler_.failed()) {
      return handler_.error();
    }
    if (status == XML_STATUS_ERROR) {
      log::warn("xlsx import: bad XML in {} at line {}: {}", part_,
                XML_GetCurrentLineNumber(parser_), XML_ErrorString(XML_GetErrorCode(parser_)));
      return damaged();
    }
    return okStatus();
  }

 private:
  template <class Fn>
  static void guarded(void* user_data, Fn&& fn) {
    auto* self = static_cast<XmlStream*>(user_data);
    if (self->handler_.failed()) {
      return;
    }
    try {
      fn(self->handler_);
    } catch (const std::bad_alloc&) {
      self->handler_.fail(tooLargeError("The file is too large to read."));
    } catch (const std::length_error&) {
      self->handler_.fail(tooLargeError("The file is too large to read."));
    }
    if (self->handler_.failed()) {
      XML_StopParser(self->parser_, XML_FALSE);
    }
  }
  static void onStart(void* user_data, const XML_Char* name, const XML_Char** attributes) {
    guarded(user_data, [&](XmlHandler& h) { h.start(localName(name), attributes); });
  }
  static void onEnd(void* user_data, const XML_Char* name) {
    guarded(user_data, [&](XmlHandler& h) { h.end(localName(name)); });
  }
  static void onText(void* user_data, const XML_Char* data, int length) {
    guarded(user_data, [&](XmlHandler& h) {
      h.text(std::string_view(data, static_cast<std::size_t>(length)));
    });
  }
  static void onDoctype(void* user_data, const XML_Char* /*name*/, const XML_Char* /*sysid*/,
                        const XML_Char* /*pubid*/, int /*has_internal_subset*/) {
    guarded(user_data, [](XmlHandler& h) { h.fail(damaged()); });
  }

  XmlHandler& handler_;
  std::string part_;
  XML_Parser parser_;
};

// ---------------------------------------------------------------------------------------------
// The zip container.

struct ZipFileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

class ZipArchive {
 public:
  static Result<std::unique_ptr<ZipArchive>> open(std::string_view bytes) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source == nullptr) {
      zip_error_fini(&error);
      return Error::internal("internal", "Out of memory.");
    }
    zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, &error);
    if (archive == nullptr) {
      log::info("xlsx import: not a zip: {}", zip_error_strerror(&error));
      zip_source_free(source);
      zip_error_fini(&error);
      return notAWorkbook();
    }
    zip_error_fini(&error);
    return std::unique_ptr<ZipArchive>(new ZipArchive(archive));
  }

  ~ZipArchive() { zip_discard(archive_); }
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  // Zip bombs: refuse on the declared sizes before inflating anything.
  [[nodiscard]] Status checkDeclaredSizes() const {
    const zip_int64_t count = zip_get_num_entries(archive_, 0);
    for (zip_int64_t i = 0; i < count; ++i) {
      zip_stat_t stat;
      zip_stat_init(&stat);
      if (zip_stat_index(archive_, static_cast<zip_uint64_t>(i), 0, &stat) != 0) {
        return damaged();
      }
      if ((stat.valid & ZIP_STAT_SIZE) != 0 && stat.size > kMaxEntryBytes) {
        return entryTooLarge();
      }
    }
    return okStatus();
  }

  [[nodiscard]] bool contains(const std::string& name) const { return locate(name).has_value(); }

  // Inflates `name` chunk by chunk into `handler`, enforcing kMaxEntryBytes on the bytes
  // actually produced (the declared size can lie).
  [[nodiscard]] Status parse(const std::string& name, XmlHandler& handler) const {
    const auto index = locate(name);
    if (!index) {
      log::info("xlsx import: missing part {}", name);
      return notAWorkbook();
    }
    std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen_index(archive_, *index, 0));
    if (!file) {
      log::info("xlsx import: cannot open {}: {}", name, zip_strerror(archive_));
      return damaged();
    }
    XmlStream stream(handler, name);
    std::vector<char> buffer(kReadChunk);
    std::size_t total = 0;
    while (true) {
      const zip_int64_t read = zip_fread(file.get(), buffer.data(), buffer.size());
      if (read < 0) {
        log::info("xlsx import: cannot inflate {}: {}", name, zip_file_strerror(file.get()));
        return damaged();
      }
      if (read == 0) {
        break;
      }
      total += static_cast<std::size_t>(read);
      if (total > kMaxEntryBytes) {
        return entryTooLarge();
      }
      AG_RETURN_IF_ERROR(
          stream.feed(std::string_view(buffer.data(), static_cast<std::size_t>(read)), false));
    }
    return stream.feed({}, true);
  }

 private:
  explicit ZipArchive(zip_t* archive) : archive_(archive) {}

  static Error entryTooLarge() {
    return tooLargeError("The file is too large once unpacked.")
        .with("max_bytes", std::to_string(kMaxEntryBytes));
  }

  // Part names are case-insensitive in OPC.
  [[nodiscard]] std::optional<zip_uint64_t> locate(const std::string& name) const {
    const zip_int64_t index = zip_name_locate(archive_, name.c_str(), ZIP_FL_NOCASE);
    if (index < 0) {
      return std::nullopt;
    }
    return static_cast<zip_uint64_t>(index);
  }

  zip_t* archive_;
};

// ---------------------------------------------------------------------------------------------
// Part handlers.

struct Relationship {
  std::string id;
  std::string type;
  std::string target;
};

class RelationshipsHandler final : public XmlHandler {
 public:
  void start(std::string_view name, const XML_Char** attributes) override {
    if (name != "Relationship") {
      return;
    }
    if (attribute(attributes, "TargetMode").value_or("") == "External") {
      return;
    }
    relationships_.push_back({std::string(attribute(attributes, "Id").value_or("")),
                              std::string(attribute(attributes, "Type").value_or("")),
                              std::string(attribute(attributes, "Target").value_or(""))});
  }
  void end(std::string_view /*name*/) override {}

  [[nodiscard]] const Relationship* byId(std::string_view id) const {
    for (const auto& relationship : relationships_) {
      if (relationship.id == id) {
        return &relationship;
      }
    }
    return nullptr;
  }
  // Relationship types differ between transitional and strict OOXML only in their prefix.
  [[nodiscard]] const Relationship* byType(std::string_view suffix) const {
    for (const auto& relationship : relationships_) {
      if (endsWith(relationship.type, suffix)) {
        return &relationship;
      }
    }
    return nullptr;
  }

 private:
  std::vector<Relationship> relationships_;
};

struct SheetEntry {
  std::string name;
  std::string relationship_id;
};

class WorkbookHandler final : public XmlHandler {
 public:
  void start(std::string_view name, const XML_Char** attributes) override {
    if (name == "sheet") {
      sheets_.push_back({std::string(attribute(attributes, "name").value_or("")),
                         std::string(attribute(attributes, "id").value_or(""))});
    } else if (name == "workbookPr") {
      const auto value = attribute(attributes, "date1904").value_or("");
      date1904_ = value == "1" || value == "true";
    }
  }
  void end(std::string_view /*name*/) override {}

  [[nodiscard]] const std::vector<SheetEntry>& sheets() const { return sheets_; }
  [[nodiscard]] bool date1904() const { return date1904_; }

 private:
  std::vector<SheetEntry> sheets_;
  bool date1904_ = false;
};

class SharedStringsHandler final : public XmlHandler {
 public:
  void start(std::string_view name, const XML_Char** /*attributes*/) override {
    if (name == "si") {
      in_item_ = true;
      current_.clear();
    } else if (name == "t") {
      ++text_depth_;
    } else if (name == "rPh") {
      ++phonetic_depth_;
    }
  }
  void end(std::string_view name) override {
    if (name == "si") {
      in_item_ = false;
      if (strings_.size() >= kMaxSharedStrings) {
        fail(tooLargeError("The file has more distinct texts than allowed."));
        return;
      }
      strings_.push_back(decodeOoxmlEscapes(current_));
    } else if (name == "t" && text_depth_ > 0) {
      --text_depth_;
    } else if (name == "rPh" && phonetic_depth_ > 0) {
      --phonetic_depth_;
    }
  }
  void text(std::string_view data) override {
    // Phonetic runs (<rPh>, Japanese furigana) are annotations, not cell text.
    if (in_item_ && text_depth_ > 0 && phonetic_depth_ == 0) {
      current_.append(data);
    }
  }

  [[nodiscard]] std::vector<std::string> take() && { return std::move(strings_); }

 private:
  bool in_item_ = false;
  int text_depth_ = 0;
  int phonetic_depth_ = 0;
  std::string current_;
  std::vector<std::string> strings_;
};

class StylesHandler final : public XmlHandler {
 public:
  void start(std::string_view name, const XML_Char** attributes) override {
    if (name == "numFmts") {
      in_formats_ = true;
    } else if (name == "cellXfs") {
      in_cell_formats_ = true;
    } else if (name == "numFmt" && in_formats_) {
      const auto id = parseUnsigned(attribute(attributes, "numFmtId").value_or(""));
      if (id) {
        custom_[*id] = isDateFormatCode(attribute(attributes, "formatCode").value_or(""));
      }
    } else if (name == "xf" && in_cell_formats_) {
      const auto id = parseUnsigned(attribute(attributes, "numFmtId").value_or("0")).value_or(0);
      const auto custom = custom_.find(id);
      const bool is_date =
          custom != custom_.end() ? custom->second : isBuiltinDateFormat(static_cast<unsigned>(id));
      date_styles_.push_back(is_date);
    }
  }
  void end(std::string_view name) override {
    if (name == "numFmts") {
      in_formats_ = false;
    } else if (name == "cellXfs") {
      in_cell_formats_ = false;
    }
  }

  // Indexed by a cell's s attribute.
  [[nodiscard]] std::vector<bool> take() && { return std::move(date_styles_); }

 private:
  bool in_formats_ = false;
  bool in_cell_formats_ = false;
  std::unordered_map<std::uint64_t, bool> custom_;
  std::vector<bool> date_styles_;
};

// "C7" -> column 2. nullopt unless letters then digits, within Excel's limits.
std::optional<std::size_t> columnOf(std::string_view reference) {
  std::size_t column = 0;
  std::size_t letters = 0;
  while (letters < reference.size()) {
    char c = reference[letters];
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
    if (c < 'A' || c > 'Z') {
      break;
    }
    column = column * 26 + static_cast<std::size_t>(c - 'A' + 1);
    if (++letters > 3) {
      return std::nullopt;
    }
  }
  if (letters == 0 || column > kMaxColumns) {
    return std::nullopt;
  }
  if (letters < reference.size() && !parseUnsigned(reference.substr(letters))) {
    return std::nullopt;
  }
  return column - 1;
}

class SheetHandler final : public XmlHandler {
 public:
  SheetHandler(const std::vector<std::string>& shared_strings, const std::vector<bool>& date_styles,
               bool date1904, TableBuilder& builder)
      : shared_strings_(shared_strings),
        date_styles_(date_styles),
        date1904_(date1904),
        builder_(builder) {}

  void start(std::string_view name, const XML_Char** attributes) override {
    if (name == "sheetData") {
      in_data_ = true;
      return;
    }
    if (!in_data_) {
      return;
    }
    if (name == "row") {
      startRow(attributes);
    } else if (name == "c") {
      startCell(attributes);
    } else if (!in_cell_) {
      return;
    } else if (name == "v") {
      in_value_ = true;
    } else if (name == "is") {
      in_inline_ = true;
    } else if (name == "t" && in_inline_) {
      ++text_depth_;
    } else if (name == "rPh" && in_inline_) {
      ++phonetic_depth_;
    }
  }

  void end(std::string_view name) override {
    if (!in_data_) {
      return;
    }
    if (name == "sheetData") {
      in_data_ = false;
    } else if (name == "row") {
      endRow();
    } else if (name == "c") {
      endCell();
    } else if (name == "v") {
      in_value_ = false;
    } else if (name == "is") {
      in_inline_ = false;
    } else if (name == "t" && text_depth_ > 0) {
      --text_depth_;
    } else if (name == "rPh" && phonetic_depth_ > 0) {
      --phonetic_depth_;
    }
  }

  void text(std::string_view data) override {
    if (in_cell_ && (in_value_ || (in_inline_ && text_depth_ > 0 && phonetic_depth_ == 0))) {
      value_.append(data);
    }
  }

 private:
  void startRow(const XML_Char** attributes) {
    std::uint64_t number = last_row_ + 1;
    if (const auto r = attribute(attributes, "r")) {
      const auto parsed = parseUnsigned(*r);
      if (!parsed || *parsed == 0 || *parsed > kMaxSheetRows) {
        fail(damaged());
        return;
      }
      number = *parsed;
    }
    if (number <= last_row_ || number > kMaxSheetRows) {
      log::info("xlsx import: row {} after row {}", number, last_row_);
      fail(damaged());
      return;
    }
    in_row_ = true;
    row_ = static_cast<std::size_t>(number);
    cells_.clear();
    next_column_ = 0;
  }

  void endRow() {
    if (!in_row_) {
      return;
    }
    in_row_ = false;
    builder_.addEmptyRows(row_ - 1 - last_row_);
    last_row_ = row_;
    const Status added = builder_.addRow(std::move(cells_));
    cells_.clear();
    if (!added) {
      fail(added.error());
    }
  }

  void startCell(const XML_Char** attributes) {
    if (!in_row_ || in_cell_) {
      fail(damaged());
      return;
    }
    column_ = next_column_;
    if (const auto r = attribute(attributes, "r")) {
      const auto column = columnOf(*r);
      if (!column) {
        fail(damaged());
        return;
      }
      column_ = *column;
    }
    if (column_ >= kMaxColumns) {
      fail(damaged());
      return;
    }
    type_ = attribute(attributes, "t").value_or("n");
    style_ = parseUnsigned(attribute(attributes, "s").value_or("0")).value_or(0);
    value_.clear();
    in_cell_ = true;
  }

  void endCell() {
    in_cell_ = false;
    in_value_ = false;
    in_inline_ = false;
    text_depth_ = 0;
    phonetic_depth_ = 0;
    auto text = cellText();
    if (!text) {
      fail(damaged());
      return;
    }
    if (!text->empty()) {
      if (column_ >= cells_.size()) {
        cells_.resize(column_ + 1);
      }
      cells_[column_] = std::move(*text);
    }
    next_column_ = column_ + 1;
  }

  [[nodiscard]] std::optional<std::string> cellText() const {
    if (type_ == "s") {
      if (trim(value_).empty()) {
        return std::string();
      }
      const auto index = parseUnsigned(value_);
      if (!index || *index >= shared_strings_.size()) {
        return std::nullopt;
      }
      return shared_strings_[*index];
    }
    if (type_ == "inlineStr" || type_ == "str") {
      return decodeOoxmlEscapes(value_);
    }
    if (type_ == "e") {
      return std::string(trim(value_));
    }
    const std::string_view value = trim(value_);
    if (type_ == "b") {
      if (value.empty()) {
        return std::string();
      }
      if (value == "1" || value == "true") {
        return std::string("TRUE");
      }
      if (value == "0" || value == "false") {
        return std::string("FALSE");
      }
      return std::nullopt;
    }
    if (type_ == "d") {
      if (value.empty()) {
        return std::string();
      }
      return formatIsoDate(value);
    }
    if (type_ != "n") {
      return std::nullopt;
    }
    if (value.empty()) {
      return std::string();
    }
    const std::string_view digits = value.front() == '+' ? value.substr(1) : value;
    double number = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (ec != std::errc{} || end != digits.data() + digits.size()) {
      return std::nullopt;
    }
    if (style_ < date_styles_.size() && date_styles_[style_]) {
      if (auto date = formatExcelDate(number, date1904_)) {
        return date;
      }
    }
    return formatNumber(number);
  }

  const std::vector<std::string>& shared_strings_;
  const std::vector<bool>& date_styles_;
  bool date1904_;
  TableBuilder& builder_;

  bool in_data_ = false;
  bool in_row_ = false;
  std::size_t row_ = 0;
  std::size_t last_row_ = 0;
  std::vector<std::string> cells_;
  std::size_t next_column_ = 0;

  bool in_cell_ = false;
  std::size_t column_ = 0;
  std::string type_;
  std::uint64_t style_ = 0;
  std::string value_;
  bool in_value_ = false;
  bool in_inline_ = false;
  int text_depth_ = 0;
  int phonetic_depth_ = 0;
};

// ---------------------------------------------------------------------------------------------

Result<service::Table> readUnchecked(std::string_view bytes, std::size_t max_rows) {
  if (bytes.substr(0, kOleSignature.size()) == kOleSignature) {
    return badFileError(
        "This is an old .xls file or a password-protected workbook. Save it as .xlsx without a "
        "password and try again.");
  }
  AG_ASSIGN_OR_RETURN(const auto archive, ZipArchive::open(bytes));
  AG_RETURN_IF_ERROR(archive->checkDeclaredSizes());

  std::string workbook_part = "xl/workbook.xml";
  if (archive->contains("_rels/.rels")) {
    RelationshipsHandler root;
    AG_RETURN_IF_ERROR(archive->parse("_rels/.rels", root));
    if (const auto* office = root.byType("/officeDocument")) {
      const auto resolved = resolvePart("", office->target);
      if (!resolved) {
        return damaged();
      }
      workbook_part = *resolved;
    }
  }
  if (!archive->contains(workbook_part)) {
    return notAWorkbook();
  }
  WorkbookHandler workbook;
  AG_RETURN_IF_ERROR(archive->parse(workbook_part, workbook));
  RelationshipsHandler links;
  AG_RETURN_IF_ERROR(archive->parse(relsPathFor(workbook_part), links));
  const auto base_dir = directoryOf(workbook_part);

  // The first sheet in tab order that is a worksheet (chart sheets hold no cells).
  std::optional<std::string> sheet_part;
  std::string sheet_name;
  for (const auto& sheet : workbook.sheets()) {
    const auto* link = links.byId(sheet.relationship_id);
    if (link != nullptr && endsWith(link->type, "/worksheet")) {
      sheet_part = resolvePart(base_dir, link->target);
      sheet_name = sheet.name;
      break;
    }
  }
  if (!sheet_part) {
    log::info("xlsx import: no worksheet among {} sheets", workbook.sheets().size());
    return badFileError("The workbook has no worksheet.");
  }

  const auto optionalPart = [&](std::string_view type_suffix,
                                std::string_view fallback) -> std::optional<std::string> {
    if (const auto* link = links.byType(type_suffix)) {
      return resolvePart(base_dir, link->target);
    }
    std::string guess = std::string(base_dir) + "/" + std::string(fallback);
    if (archive->contains(guess)) {
      return guess;
    }
    return std::nullopt;
  };

  std::vector<std::string> shared_strings;
  if (const auto part = optionalPart("/sharedStrings", "sharedStrings.xml")) {
    SharedStringsHandler handler;
    AG_RETURN_IF_ERROR(archive->parse(*part, handler));
    shared_strings = std::move(handler).take();
  }
  std::vector<bool> date_styles;
  if (const auto part = optionalPart("/styles", "styles.xml")) {
    StylesHandler handler;
    AG_RETURN_IF_ERROR(archive->parse(*part, handler));
    date_styles = std::move(handler).take();
  }

  TableBuilder builder(max_rows);
  SheetHandler sheet(shared_strings, date_styles, workbook.date1904(), builder);
  AG_RETURN_IF_ERROR(archive->parse(*sheet_part, sheet));
  return service::Table{std::move(sheet_name), std::move(builder).finish()};
}

}  // namespace

Result<service::Table> readXlsx(std::string_view bytes, std::size_t max_rows) {
  try {
    return readUnchecked(bytes, max_rows);
  } catch (const std::bad_alloc&) {
    return tooLargeError("The file is too large to read.");
  } catch (const std::length_error&) {
    return tooLargeError("The file is too large to read.");
  }
}

}  // namespace anguan::report
