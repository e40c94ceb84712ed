// Logging facade. Thin wrapper so that layers below api/ don't name spdlog's sinks; formatting
// uses fmt syntax.
//
// Thread safety: safe from any thread.
#pragma once

#include <spdlog/spdlog.h>

namespace anguan::log {

using spdlog::debug;
using spdlog::error;
using spdlog::info;
using spdlog::warn;

// level: "debug", "info", "warn", "error".
void setLevel(const std::string& level);

}  // namespace anguan::log
