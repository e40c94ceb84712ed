// XLSX writer half of the spreadsheet codec, on libxlsxwriter.
//
// libxlsxwriter 1.1.4/1.1.5 (Debian 12) can only write to a file, so each call creates a private
// directory with mkdtemp(), lets the library write (and spill its own temp files) there, reads
// the bytes back and removes the directory.
//
// Thread safety: safe from any thread; calls share nothing.
#pragma once

#include <string>

#include "anguan/core/result.hpp"
#include "anguan/service/spreadsheet.hpp"

namespace anguan::report {

// One worksheet named after `table.sheet_name` (characters Excel forbids become '_', cut to 31
// characters, "Sheet1" when empty). Every cell is written as a string cell (so "000123" stays
// text); rows[0] is bold and frozen; column widths follow the widest line in each column.
// Ill-formed UTF-8 is replaced by U+FFFD.
// Errors: kPayloadTooLarge "export.too_large" for more than 1,048,576 rows or 16,384 columns;
// kInvalidArgument "export.cell_too_long" for a cell over Excel's 32,767 characters (details
// "row", "column", 1-based); kInternal "export.failed" when the temp dir or library fails.
[[nodiscard]] Result<std::string> writeXlsx(const service::Table& table);

}  // namespace anguan::report
