#include "http/router.hpp"

namespace anguan::api {
namespace {

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    const auto end = path.find('/', start);
    const auto stop = end == std::string::npos ? path.size() : end;
    out.push_back(path.substr(start, stop - start));
    if (end == std::string::npos) {
      break;
    }
    start = end + 1;
  }
  return out;
}

}  // namespace

void Router::add(Route route) {
  compiled_.push_back({split(route.pattern)});
  routes_.push_back(std::move(route));
}

const Route* Router::match(http::verb method, const std::string& path,
                           std::map<std::string, std::string>& params, bool& path_matched) const {
  const auto segments = split(path);
  path_matched = false;
  // Literal segments win over parameters: try routes with more literals first by scanning
  // all and keeping the best.
  const Route* best = nullptr;
  int best_literals = -1;
  std::map<std::string, std::string> best_params;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& pattern = compiled_[i].segments;
    if (pattern.size() != segments.size()) {
      continue;
    }
    std::map<std::string, std::string> found;
    int literals = 0;
    bool ok = true;
    for (std::size_t k = 0; k < pattern.size() && ok; ++k) {
      const auto& p = pattern[k];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        if (segments[k].empty()) {
          ok = false;
        } else {
          found[p.substr(1, p.size() - 2)] = segments[k];
        }
      } else if (p == segments[k]) {
        ++literals;
      } else {
        ok = false;
      }
    }
    if (!ok) {
      continue;
    }
    if (routes_[i].method != method) {
      path_matched = true;
      continue;
    }
    if (literals > best_literals) {
      best = &routes_[i];
      best_literals = literals;
      best_params = std::move(found);
    }
  }
  if (best != nullptr) {
    params = std::move(best_params);
  }
  return best;
}

}  // namespace anguan::api
