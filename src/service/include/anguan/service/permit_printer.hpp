// Outgoing port: the printable permit (GB 30871 Appendix A layout, PDF) and its QR code.
// Implemented by report/ (cairo + pango + libqrencode); the API asks for it by permit detail.
//
// Thread safety: implementations must be safe from any thread.
#pragma once

#include <memory>
#include <string>

#include <boost/json.hpp>

#include "anguan/core/result.hpp"

namespace anguan::service {

class PermitPrinter {
 public:
  virtual ~PermitPrinter() = default;
  // `detail` is PermitService::get()'s view (in the caller's language); `status_url` is the
  // absolute address of the public status page printed as the QR code.
  [[nodiscard]] virtual Result<std::string> pdf(const boost::json::object& detail,
                                                const std::string& language,
                                                const std::string& status_url) = 0;
  [[nodiscard]] virtual Result<std::string> qrSvg(const std::string& text) = 0;
};

using PermitPrinterPtr = std::unique_ptr<PermitPrinter>;

}  // namespace anguan::service
