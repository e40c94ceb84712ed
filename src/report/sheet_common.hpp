// Pieces shared by the CSV and XLSX readers: the import error values and TableBuilder, which
// enforces the row, column and cell limits while rows stream in.
//
// Thread safety: TableBuilder is a plain value; one per read.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "anguan/core/result.hpp"

namespace anguan::report {

// Excel's own sheet limits; anything wider is not a spreadsheet we can round-trip.
inline constexpr std::size_t kMaxColumns = 16384;
inline constexpr std::size_t kMaxSheetRows = 1048576;
// Caps memory for hostile inputs whose cells are cheap to encode but expensive to hold (a short
// XLSX row with a cell at column XFD materialises 16,384 strings).
inline constexpr std::size_t kMaxCells = 10'000'000;

[[nodiscard]] Error badFileError(std::string message);
[[nodiscard]] Error tooLargeError(std::string message);

// Collects rows in order. Rows whose cells are all empty are held back as a count and only
// materialised when a non-empty row follows, so trailing empty rows cost nothing and are dropped.
class TableBuilder {
 public:
  // `max_data_rows`: how many rows may follow the header row (rows[0]).
  explicit TableBuilder(std::size_t max_data_rows) : max_data_rows_(max_data_rows) {}

  // Appends `row`. Errors: kPayloadTooLarge "import.too_large" when it is a non-empty row past
  // the row limit or the cell budget is exhausted.
  [[nodiscard]] Status addRow(std::vector<std::string>&& row);
  // Appends `count` empty rows (gaps in XLSX row numbers).
  void addEmptyRows(std::size_t count) { pending_empty_ += count; }
  // Rows added so far, including held-back empty ones.
  [[nodiscard]] std::size_t rowCount() const { return rows_.size() + pending_empty_; }

  [[nodiscard]] std::vector<std::vector<std::string>> finish() && { return std::move(rows_); }

 private:
  std::size_t max_data_rows_;
  std::size_t pending_empty_ = 0;
  std::size_t cells_ = 0;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace anguan::report
