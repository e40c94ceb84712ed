// CSV half of the spreadsheet codec: an RFC 4180 reader and writer.
//
// Formula injection: the writer prefixes an apostrophe to any cell that a spreadsheet program
// would run as a formula (first character = + - @ tab or CR, except plain negative numbers such
// as -12.5). The reader removes exactly that apostrophe again, so export -> edit -> import is
// lossless. Precisely: with `core` = the cell minus all its leading apostrophes, a cell gets one
// extra apostrophe on write, and loses one on read, iff `core` needs guarding.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "anguan/core/result.hpp"
#include "anguan/service/spreadsheet.hpp"

namespace anguan::report {

// Parses CSV text. Accepts an optional UTF-8 BOM; CR, LF and CRLF line ends; fields quoted with
// '"' (doubled inside) that may span lines. The delimiter is ',' unless the header record has no
// comma but has ';' or tab, in which case the more frequent of those two is used. A quote that
// closes a field early is tolerated as Excel does ("ab"cd reads as abcd).
// Errors: kInvalidArgument "import.bad_file" for invalid UTF-8, NUL bytes or an unterminated
// quoted field; kPayloadTooLarge "import.too_large" for more than `max_rows` rows after the
// header, more than 16,384 columns, or too many cells.
[[nodiscard]] Result<service::Table> readCsv(std::string_view bytes, std::size_t max_rows);

// UTF-8 BOM, CRLF after every row, ',' as delimiter; a field is quoted when it contains , ; tab
// " CR or LF (';' and tab so that delimiter sniffing on read never misfires).
[[nodiscard]] std::string writeCsv(const service::Table& table);

// True when `cell` would be taken as a formula by a spreadsheet program.
[[nodiscard]] bool needsFormulaGuard(std::string_view cell);

}  // namespace anguan::report
