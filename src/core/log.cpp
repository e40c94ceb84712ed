#include "anguan/core/log.hpp"

namespace anguan::log {

void setLevel(const std::string& level) { spdlog::set_level(spdlog::level::from_str(level)); }

}  // namespace anguan::log
