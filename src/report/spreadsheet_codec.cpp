#include "anguan/report/spreadsheet_codec.hpp"

#include <memory>

#include "csv.hpp"
#include "xlsx_reader.hpp"
#include "xlsx_writer.hpp"

namespace anguan::report {
namespace {

class SpreadsheetCodecImpl final : public service::SpreadsheetCodec {
 public:
  [[nodiscard]] Result<service::Table> read(std::string_view bytes, service::SheetFormat format,
                                            std::size_t max_rows) const override {
    switch (format) {
      case service::SheetFormat::kCsv:
        return readCsv(bytes, max_rows);
      case service::SheetFormat::kXlsx:
        return readXlsx(bytes, max_rows);
    }
    return badFormat();
  }

  [[nodiscard]] Result<std::string> write(const service::Table& table,
                                          service::SheetFormat format) const override {
    switch (format) {
      case service::SheetFormat::kCsv:
        return writeCsv(table);
      case service::SheetFormat::kXlsx:
        return writeXlsx(table);
    }
    return badFormat();
  }

 private:
  static Error badFormat() {
    return Error::invalidArgument("import.bad_file", "Unknown spreadsheet format.");
  }
};

}  // namespace

service::SpreadsheetCodecPtr makeSpreadsheetCodec() {
  return std::make_unique<SpreadsheetCodecImpl>();
}

}  // namespace anguan::report
