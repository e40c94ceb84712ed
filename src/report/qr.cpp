#include "anguan/report/qr.hpp"

#include <cerrno>
#include <cstdint>
#include <memory>
#include <string>

#include <cairo.h>
#include <qrencode.h>

namespace anguan::report {
namespace {

struct QrCodeDeleter {
  void operator()(QRcode* code) const { QRcode_free(code); }
};
struct SurfaceDeleter {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};

cairo_status_t appendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Result<QrMatrix> qrEncode(const std::string& text) {
  if (text.empty()) {
    return Error::invalidArgument("report.qr_empty", "QR code text is empty");
  }
  if (text.size() > static_cast<std::size_t>(INT32_MAX)) {
    return Error::invalidArgument("report.qr_too_long", "QR code text is too long");
  }
  errno = 0;
  std::unique_ptr<QRcode, QrCodeDeleter> code(
      QRcode_encodeData(static_cast<int>(text.size()),
                        reinterpret_cast<const unsigned char*>(text.data()), 0, QR_ECLEVEL_M));
  if (!code) {
    if (errno == ERANGE) {
      return Error::invalidArgument("report.qr_too_long", "QR code text is too long")
          .with("bytes", std::to_string(text.size()));
    }
    return Error::internal("report.qr_failed", "QR encoding failed");
  }
  QrMatrix matrix;
  matrix.version = code->version;
  matrix.size = code->width;
  const auto cells = static_cast<std::size_t>(code->width) * static_cast<std::size_t>(code->width);
  matrix.dark.resize(cells);
  for (std::size_t i = 0; i < cells; ++i) {
    // Bit 0 of each byte is the module colour; the other bits describe its function.
    matrix.dark[i] = (code->data[i] & 1U) != 0;
  }
  return matrix;
}

Result<std::string> qrPng(const std::string& text, int module_px) {
  if (module_px < kQrMinModulePx || module_px > kQrMaxModulePx) {
    return Error::invalidArgument("report.qr_module_size", "QR module size is out of range")
        .with("min", std::to_string(kQrMinModulePx))
        .with("max", std::to_string(kQrMaxModulePx));
  }
  AG_ASSIGN_OR_RETURN(const QrMatrix matrix, qrEncode(text));
  const int side = (matrix.size + 2 * kQrQuietZoneModules) * module_px;
  std::unique_ptr<cairo_surface_t, SurfaceDeleter> surface(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Error::internal("report.render_failed", "could not create the QR image");
  }
  cairo_surface_flush(surface.get());
  unsigned char* data = cairo_image_surface_get_data(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  for (int py = 0; py < side; ++py) {
    auto* row = reinterpret_cast<std::uint32_t*>(data + static_cast<std::ptrdiff_t>(py) * stride);
    const int my = py / module_px - kQrQuietZoneModules;
    for (int px = 0; px < side; ++px) {
      const int mx = px / module_px - kQrQuietZoneModules;
      const bool inside = mx >= 0 && my >= 0 && mx < matrix.size && my < matrix.size;
      row[px] = inside && matrix.isDark(mx, my) ? 0xFF000000U : 0xFFFFFFFFU;
    }
  }
  cairo_surface_mark_dirty(surface.get());
  std::string png;
  if (cairo_surface_write_to_png_stream(surface.get(), appendToString, &png) !=
      CAIRO_STATUS_SUCCESS) {
    return Error::internal("report.render_failed", "could not encode the QR image");
  }
  return png;
}

Result<std::string> qrSvg(const std::string& text) {
  AG_ASSIGN_OR_RETURN(const QrMatrix matrix, qrEncode(text));
  const int side = matrix.size + 2 * kQrQuietZoneModules;
  const std::string side_text = std::to_string(side);
  std::string svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + side_text + " " + side_text +
         "\" width=\"" + std::to_string(side * 4) + "\" height=\"" + std::to_string(side * 4) +
         "\" shape-rendering=\"crispEdges\">\n";
  svg += "<rect width=\"" + side_text + "\" height=\"" + side_text + "\" fill=\"#fff\"/>\n";
  svg += "<path fill=\"#000\" d=\"";
  // One rectangle per horizontal run of dark modules keeps the path short.
  for (int y = 0; y < matrix.size; ++y) {
    int x = 0;
    while (x < matrix.size) {
      if (!matrix.isDark(x, y)) {
        ++x;
        continue;
      }
      const int start = x;
      while (x < matrix.size && matrix.isDark(x, y)) {
        ++x;
      }
      const int run = x - start;
      svg += "M" + std::to_string(start + kQrQuietZoneModules) + " " +
             std::to_string(y + kQrQuietZoneModules) + "h" + std::to_string(run) + "v1h-" +
             std::to_string(run) + "z";
    }
  }
  svg += "\"/>\n</svg>\n";
  return svg;
}

}  // namespace anguan::report
