// Outgoing port for tabular files (CSV and XLSX), used by base-data import and export and later
// by reports. Implemented in report/ (report::makeSpreadsheetCodec()).
//
// Thread safety: implementations are stateless and safe from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "anguan/core/result.hpp"

namespace anguan::service {

enum class SheetFormat { kCsv, kXlsx };

// A sheet as text cells. rows[0] is the header row. Cells are UTF-8.
struct Table {
  std::string sheet_name;
  std::vector<std::vector<std::string>> rows;
};

class SpreadsheetCodec {
 public:
  virtual ~SpreadsheetCodec() = default;

  // Parses the first sheet of `bytes`. Empty trailing rows are dropped; rows may have fewer cells
  // than the header (missing = ""). Numbers in XLSX come back as their shortest decimal text
  // (integers without ".0"); dates stored as Excel serial numbers in a date-formatted cell come
  // back as "YYYY-MM-DD" (or "YYYY-MM-DD HH:MM" when they have a time part).
  // Errors: kInvalidArgument "import.bad_file" (not a CSV/XLSX, corrupt zip, bad XML, invalid
  // UTF-8), kPayloadTooLarge "import.too_large" when more than `max_rows` rows or more than
  // 256 MiB uncompressed (zip bombs).
  [[nodiscard]] virtual Result<Table> read(std::string_view bytes, SheetFormat format,
                                           std::size_t max_rows) const = 0;

  // Serialises `table`: CSV per RFC 4180 with a UTF-8 BOM (so Excel opens Chinese text
  // correctly) and CRLF line ends; XLSX with a bold header row, frozen header, column widths
  // fitted to content (CJK counted double).
  [[nodiscard]] virtual Result<std::string> write(const Table& table, SheetFormat format) const = 0;
};

using SpreadsheetCodecPtr = std::unique_ptr<SpreadsheetCodec>;

}  // namespace anguan::service
