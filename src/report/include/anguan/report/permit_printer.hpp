// The service::PermitPrinter port on the permit PDF renderer and the QR encoder.
#pragma once

#include "anguan/report/permit_document.hpp"
#include "anguan/service/permit_printer.hpp"

namespace anguan::report {

service::PermitPrinterPtr makePermitPrinter();

// Maps a permit detail view (PermitService::get) to the printed document.
PermitDocument permitDocumentFrom(const boost::json::object& detail, const std::string& language,
                                  const std::string& status_url);

}  // namespace anguan::report
