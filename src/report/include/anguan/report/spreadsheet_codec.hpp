// CSV and XLSX reading and writing (libxlsxwriter for writing; libzip + expat for reading).
//
// Thread safety: the codec is stateless; safe from any thread.
#pragma once

#include "anguan/service/spreadsheet.hpp"

namespace anguan::report {

service::SpreadsheetCodecPtr makeSpreadsheetCodec();

}  // namespace anguan::report
