// XLSX reader half of the spreadsheet codec, on libzip (opened from memory) and expat.
//
// Reads the first worksheet of the workbook in tab order: _rels/.rels -> workbook part ->
// its relationships -> worksheet, shared strings and styles. The worksheet XML is streamed
// through expat straight from the zip entry, so memory is bounded by the table, not the XML.
//
// Hostile input: every entry is limited to 256 MiB uncompressed (declared and actually read),
// DTDs are refused (no entity expansion), rows are capped while streaming, and there are caps on
// columns (16,384), cells and shared strings.
//
// Thread safety: safe from any thread; calls share nothing.
#pragma once

#include <cstddef>
#include <string_view>

#include "anguan/core/result.hpp"
#include "anguan/service/spreadsheet.hpp"

namespace anguan::report {

inline constexpr std::size_t kMaxEntryBytes = std::size_t{256} << 20;

// Cell text by type: shared/inline/formula strings as stored (rich text runs joined, phonetic
// runs skipped, _xHHHH_ escapes decoded); booleans "TRUE"/"FALSE"; errors as stored ("#N/A");
// numbers per formatNumber(); numbers in date-formatted cells per formatExcelDate(); t="d" cells
// per formatIsoDate(). Cells and rows are placed by their references; gaps read as "".
// Rows carry no trailing empty cells.
// Errors: kInvalidArgument "import.bad_file" for anything that is not a readable XLSX;
// kPayloadTooLarge "import.too_large" for an entry over 256 MiB, more than `max_rows` rows after
// the header, or more cells or shared strings than the caps.
[[nodiscard]] Result<service::Table> readXlsx(std::string_view bytes, std::size_t max_rows);

}  // namespace anguan::report
