#include "csv.hpp"

#include <utility>
#include <vector>

#include "sheet_common.hpp"
#include "text.hpp"

namespace anguan::report {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// "-12", "-12.5", "-.5", "-12." : numbers, not formulas.
bool isPlainNegativeNumber(std::string_view cell) {
  if (cell.size() < 2 || cell[0] != '-') {
    return false;
  }
  bool digits = false;
  bool dot = false;
  for (std::size_t i = 1; i < cell.size(); ++i) {
    if (isDigit(cell[i])) {
      digits = true;
    } else if (cell[i] == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digits;
}

std::string_view stripApostrophes(std::string_view cell) {
  const auto first = cell.find_first_not_of('\'');
  return first == std::string_view::npos ? std::string_view{} : cell.substr(first);
}

// Looks at the first record only (quotes respected): ',' wins if present, else the more frequent
// of ';' and tab.
char detectDelimiter(std::string_view text) {
  std::size_t commas = 0;
  std::size_t semicolons = 0;
  std::size_t tabs = 0;
  bool quoted = false;
  for (const char c : text) {
    if (c == '"') {
      quoted = !quoted;
    } else if (quoted) {
      continue;
    } else if (c == '\r' || c == '\n') {
      break;
    } else if (c == ',') {
      ++commas;
    } else if (c == ';') {
      ++semicolons;
    } else if (c == '\t') {
      ++tabs;
    }
  }
  if (commas > 0 || (semicolons == 0 && tabs == 0)) {
    return ',';
  }
  return semicolons >= tabs ? ';' : '\t';
}

class CsvParser {
 public:
  CsvParser(std::string_view text, std::size_t max_rows)
      : text_(text), delimiter_(detectDelimiter(text)), builder_(max_rows) {}

  [[nodiscard]] Result<service::Table> parse() {
    enum class State { kFieldStart, kUnquoted, kQuoted, kAfterQuote };
    State state = State::kFieldStart;
    bool line_started = false;
    std::size_t i = 0;
    while (i < text_.size()) {
      const char c = text_[i];
      if (state == State::kQuoted) {
        if (c != '"') {
          // Copy the run up to the next quote in one go.
          const auto end = text_.find('"', i);
          const auto stop = end == std::string_view::npos ? text_.size() : end;
          field_.append(text_.substr(i, stop - i));
          i = stop;
          continue;
        }
        if (i + 1 < text_.size() && text_[i + 1] == '"') {
          field_.push_back('"');
          i += 2;
          continue;
        }
        state = State::kAfterQuote;
        ++i;
        continue;
      }
      line_started = true;
      if (c == delimiter_) {
        AG_RETURN_IF_ERROR(endField());
        state = State::kFieldStart;
      } else if (c == '\r' || c == '\n') {
        AG_RETURN_IF_ERROR(endField());
        AG_RETURN_IF_ERROR(endRow());
        if (c == '\r' && i + 1 < text_.size() && text_[i + 1] == '\n') {
          ++i;
        }
        state = State::kFieldStart;
        line_started = false;
      } else if (c == '"' && state == State::kFieldStart) {
        state = State::kQuoted;
      } else {
        field_.push_back(c);
        if (state == State::kFieldStart) {
          state = State::kUnquoted;
        }
      }
      ++i;
    }
    if (state == State::kQuoted) {
      return badFileError("The file has a quoted field that is never closed.");
    }
    if (line_started) {
      AG_RETURN_IF_ERROR(endField());
      AG_RETURN_IF_ERROR(endRow());
    }
    return service::Table{"", std::move(builder_).finish()};
  }

 private:
  [[nodiscard]] Status endField() {
    if (!field_.empty() && field_[0] == '\'' && needsFormulaGuard(stripApostrophes(field_))) {
      field_.erase(0, 1);
    }
    if (row_.size() >= kMaxColumns) {
      return tooLargeError("The file has more columns than allowed.")
          .with("max_columns", std::to_string(kMaxColumns));
    }
    row_.push_back(std::move(field_));
    field_.clear();
    return okStatus();
  }

  [[nodiscard]] Status endRow() {
    std::vector<std::string> row;
    row.swap(row_);
    return builder_.addRow(std::move(row));
  }

  std::string_view text_;
  char delimiter_;
  TableBuilder builder_;
  std::vector<std::string> row_;
  std::string field_;
};

bool needsQuotes(std::string_view cell) {
  return cell.find_first_of(",;\t\"\r\n") != std::string_view::npos;
}

void appendField(std::string& out, std::string_view cell) {
  std::string guarded;
  if (needsFormulaGuard(stripApostrophes(cell))) {
    guarded.reserve(cell.size() + 1);
    guarded.push_back('\'');
    guarded.append(cell);
    cell = guarded;
  }
  if (!needsQuotes(cell)) {
    out.append(cell);
    return;
  }
  out.push_back('"');
  for (const char c : cell) {
    if (c == '"') {
      out.push_back('"');
    }
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

bool needsFormulaGuard(std::string_view cell) {
  if (cell.empty()) {
    return false;
  }
  switch (cell[0]) {
    case '=':
    case '+':
    case '@':
    case '\t':
    case '\r':
      return true;
    case '-':
      return !isPlainNegativeNumber(cell);
    default:
      return false;
  }
}

Result<service::Table> readCsv(std::string_view bytes, std::size_t max_rows) {
  if (bytes.substr(0, kBom.size()) == kBom) {
    bytes.remove_prefix(kBom.size());
  }
  if (!isValidUtf8(bytes)) {
    return badFileError("The file is not UTF-8 text. Save it as \"CSV UTF-8\" and try again.");
  }
  if (bytes.find('\0') != std::string_view::npos) {
    return badFileError("The file is not a CSV text file.");
  }
  return CsvParser(bytes, max_rows).parse();
}

std::string writeCsv(const service::Table& table) {
  std::string out(kBom);
  for (const auto& row : table.rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) {
        out.push_back(',');
      }
      appendField(out, row[i]);
    }
    out.append("\r\n");
  }
  return out;
}

}  // namespace anguan::report
