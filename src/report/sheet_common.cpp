#include "sheet_common.hpp"

#include <algorithm>
#include <utility>

namespace anguan::report {

Error badFileError(std::string message) {
  return Error::invalidArgument("import.bad_file", std::move(message));
}

Error tooLargeError(std::string message) {
  return {ErrorCode::kPayloadTooLarge, "import.too_large", std::move(message)};
}

Status TableBuilder::addRow(std::vector<std::string>&& row) {
  const bool empty =
      std::all_of(row.begin(), row.end(), [](const std::string& cell) { return cell.empty(); });
  if (empty) {
    ++pending_empty_;
    return okStatus();
  }
  // Index 0 is the header, so the new row is data row number `rowCount()`.
  if (rowCount() > max_data_rows_) {
    return tooLargeError("The file has more rows than allowed.")
        .with("max_rows", std::to_string(max_data_rows_));
  }
  cells_ += row.size();
  if (cells_ > kMaxCells) {
    return tooLargeError("The file has more cells than allowed.")
        .with("max_cells", std::to_string(kMaxCells));
  }
  rows_.resize(rows_.size() + pending_empty_);
  pending_empty_ = 0;
  rows_.push_back(std::move(row));
  return okStatus();
}

}  // namespace anguan::report
