// Matches a method and path against the route table; path parameters in braces.
#pragma once

#include <string>
#include <vector>

#include "http/types.hpp"

namespace anguan::api {

class Router {
 public:
  void add(Route route);
  // The matching route and its path parameters; nullptr when none. `path_matched` tells
  // whether some route had the path but not the method (405 vs 404).
  const Route* match(http::verb method, const std::string& path,
                     std::map<std::string, std::string>& params, bool& path_matched) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Compiled {
    std::vector<std::string> segments;  // "{name}" = parameter.
  };
  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;
};

}  // namespace anguan::api
