// QR codes (libqrencode) for the public status link printed on permits: the module matrix, and
// ready-made PNG and SVG images with the standard 4-module quiet zone.
//
// Every symbol uses error-correction level M and 8-bit (byte) mode, so the version depends only on
// the byte length of the text (v1 holds 14 bytes, v2 26, v3 42, ..., v40 2331). Output is
// deterministic: the same text gives the same bytes.
//
// Thread safety: stateless; safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "anguan/core/result.hpp"

namespace anguan::report {

// Light modules around the symbol on every side, as ISO/IEC 18004 requires.
inline constexpr int kQrQuietZoneModules = 4;
// Bounds for qrPng()'s module size in pixels.
inline constexpr int kQrMinModulePx = 1;
inline constexpr int kQrMaxModulePx = 32;

struct QrMatrix {
  int version = 0;         // 1..40
  int size = 0;            // modules per side: 17 + 4 * version
  std::vector<bool> dark;  // size * size, row-major

  bool isDark(int x, int y) const {
    return dark[static_cast<std::size_t>(y) * static_cast<std::size_t>(size) +
                static_cast<std::size_t>(x)];
  }
};

// Encodes `text` (any bytes). Fails with kInvalidArgument "report.qr_empty" when text is empty and
// "report.qr_too_long" when it does not fit in version 40-M.
[[nodiscard]] Result<QrMatrix> qrEncode(const std::string& text);

// A black-on-white RGB PNG of (size + 8) * module_px pixels per side. Fails as qrEncode() does,
// and with "report.qr_module_size" when module_px is outside [kQrMinModulePx, kQrMaxModulePx].
[[nodiscard]] Result<std::string> qrPng(const std::string& text, int module_px);

// An SVG whose viewBox is (size + 8) units per side, one unit per module. Fails as qrEncode().
[[nodiscard]] Result<std::string> qrSvg(const std::string& text);

}  // namespace anguan::report
