#include "xlsx_writer.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <vector>

#include <stdlib.h>
#include <xlsxwriter.h>

#include "anguan/core/log.hpp"

#include "excel_values.hpp"
#include "sheet_common.hpp"
#include "text.hpp"

namespace anguan::report {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxCellChars = 32767;
constexpr std::size_t kMaxSheetNameChars = 31;
constexpr double kMinColumnWidth = 6;
constexpr double kMaxColumnWidth = 60;
// Room for the cell padding and the bold header font.
constexpr double kColumnPadding = 2;

Error exportFailed() {
  return Error::internal("export.failed", "The spreadsheet could not be created.");
}

std::size_t countCodePoints(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0u) != 0x80u;
  }));
}

std::string sheetName(std::string_view requested) {
  std::string name;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < requested.size();) {
    std::size_t end = i + 1;
    while (end < requested.size() &&
           (static_cast<unsigned char>(requested[end]) & 0xC0u) == 0x80u) {
      ++end;
    }
    if (chars == kMaxSheetNameChars) {
      break;
    }
    const std::string_view ch = requested.substr(i, end - i);
    if (ch.size() == 1 && (std::string_view("[]:*?/\\").find(ch[0]) != std::string_view::npos ||
                           static_cast<unsigned char>(ch[0]) < 0x20)) {
      name.push_back('_');
    } else {
      name.append(ch);
    }
    ++chars;
    i = end;
  }
  // Excel rejects names that start or end with an apostrophe, and reserves "History".
  if (!name.empty() && name.front() == '\'') {
    name.front() = '_';
  }
  if (!name.empty() && name.back() == '\'') {
    name.back() = '_';
  }
  if (name.empty()) {
    return "Sheet1";
  }
  if (name == "History" || name == "history") {
    return name + "_";
  }
  return name;
}

// Removes the private temp directory on every path out of writeXlsx().
class TempDir {
 public:
  TempDir() {
    std::error_code ec;
    const fs::path base = fs::temp_directory_path(ec);
    if (ec) {
      log::error("xlsx export: no temp directory: {}", ec.message());
      return;
    }
    std::string pattern = (base / "anguan-xlsx-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      log::error("xlsx export: mkdtemp failed in {}", base.string());
      return;
    }
    path_ = pattern;
  }
  ~TempDir() {
    if (!path_.empty()) {
      std::error_code ec;
      fs::remove_all(path_, ec);
      if (ec) {
        log::warn("xlsx export: could not remove {}: {}", path_.string(), ec.message());
      }
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] bool ok() const { return !path_.empty(); }
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

[[nodiscard]] Status checkLimits(const service::Table& table) {
  if (table.rows.size() > kMaxSheetRows) {
    return Error(ErrorCode::kPayloadTooLarge, "export.too_large",
                 "The table has more rows than a spreadsheet can hold.")
        .with("max_rows", std::to_string(kMaxSheetRows));
  }
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    if (row.size() > kMaxColumns) {
      return Error(ErrorCode::kPayloadTooLarge, "export.too_large",
                   "The table has more columns than a spreadsheet can hold.")
          .with("max_columns", std::to_string(kMaxColumns));
    }
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (row[c].size() > kMaxCellChars && countCodePoints(row[c]) > kMaxCellChars) {
        return Error::invalidArgument("export.cell_too_long",
                                      "A cell is longer than a spreadsheet cell can hold.")
            .with("row", std::to_string(r + 1))
            .with("column", std::to_string(c + 1))
            .with("max_chars", std::to_string(kMaxCellChars));
      }
    }
  }
  return okStatus();
}

std::vector<double> columnWidths(const service::Table& table) {
  std::vector<std::size_t> widest;
  for (const auto& row : table.rows) {
    if (widest.size() < row.size()) {
      widest.resize(row.size(), 0);
    }
    for (std::size_t c = 0; c < row.size(); ++c) {
      widest[c] = std::max(widest[c], displayWidth(row[c]));
    }
  }
  std::vector<double> widths;
  widths.reserve(widest.size());
  for (const std::size_t w : widest) {
    widths.push_back(
        std::clamp(static_cast<double>(w) + kColumnPadding, kMinColumnWidth, kMaxColumnWidth));
  }
  return widths;
}

std::string readFile(const fs::path& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ok = in.good() || in.eof();
  return bytes;
}

}  // namespace

Result<std::string> writeXlsx(const service::Table& table) {
  AG_RETURN_IF_ERROR(checkLimits(table));
  TempDir dir;
  if (!dir.ok()) {
    return exportFailed();
  }
  const std::string file = (dir.path() / "book.xlsx").string();
  std::string tmpdir = dir.path().string();
  // constant_memory streams each row to a temp file instead of keeping every cell in memory.
  lxw_workbook_options options{};
  options.constant_memory = LXW_TRUE;
  options.tmpdir = tmpdir.data();
  options.use_zip64 = LXW_FALSE;
  lxw_workbook* workbook = workbook_new_opt(file.c_str(), &options);
  if (workbook == nullptr) {
    log::error("xlsx export: workbook_new_opt failed");
    return exportFailed();
  }
  const std::string name = sheetName(sanitizeUtf8(table.sheet_name));
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, name.c_str());
  lxw_format* bold = workbook_add_format(workbook);
  if (sheet == nullptr || bold == nullptr) {
    log::error("xlsx export: could not add worksheet or format");
    lxw_workbook_free(workbook);
    return exportFailed();
  }
  format_set_bold(bold);

  lxw_error error = LXW_NO_ERROR;
  const auto widths = columnWidths(table);
  for (std::size_t c = 0; c < widths.size() && error == LXW_NO_ERROR; ++c) {
    const auto col = static_cast<lxw_col_t>(c);
    error = worksheet_set_column(sheet, col, col, widths[c], nullptr);
  }
  if (!table.rows.empty()) {
    worksheet_freeze_panes(sheet, 1, 0);
  }
  if (!widths.empty() && error == LXW_NO_ERROR) {
    // Every cell is text on purpose; don't let Excel flag "000123" with a green triangle.
    error = worksheet_ignore_errors(sheet, LXW_IGNORE_NUMBER_STORED_AS_TEXT, "A1:XFD1048576");
  }
  for (std::size_t r = 0; r < table.rows.size() && error == LXW_NO_ERROR; ++r) {
    const auto& row = table.rows[r];
    lxw_format* format = r == 0 ? bold : nullptr;
    for (std::size_t c = 0; c < row.size() && error == LXW_NO_ERROR; ++c) {
      if (row[c].empty()) {
        continue;
      }
      std::string text = isValidUtf8(row[c]) ? row[c] : sanitizeUtf8(row[c]);
      if (text.find("_x") != std::string::npos || text.find("_X") != std::string::npos) {
        text = protectOoxmlEscapes(text);
      }
      error = worksheet_write_string(sheet, static_cast<lxw_row_t>(r), static_cast<lxw_col_t>(c),
                                     text.c_str(), format);
    }
  }
  const lxw_error close_error = workbook_close(workbook);
  if (error != LXW_NO_ERROR || close_error != LXW_NO_ERROR) {
    log::error("xlsx export: libxlsxwriter: {}",
               lxw_strerror(error != LXW_NO_ERROR ? error : close_error));
    return exportFailed();
  }
  bool read_ok = false;
  std::string bytes = readFile(file, read_ok);
  if (!read_ok || bytes.empty()) {
    log::error("xlsx export: could not read back {}", file);
    return exportFailed();
  }
  return bytes;
}

}  // namespace anguan::report
