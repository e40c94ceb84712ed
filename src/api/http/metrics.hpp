// Request counters and latency histograms for GET /metrics (Prometheus text format).
//
// Thread safety: observe() and render() are safe from any thread.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "anguan/domain/store/store.hpp"

namespace anguan::api {

class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

  void observe(const std::string& route, const char* method, unsigned status, double seconds);
  void wsConnections(int delta) { ws_connections_ += delta; }
  std::string render(const store::StoreStats& db) const;

 private:
  struct Series {
    std::uint64_t count = 0;
    double sum = 0;
    std::array<std::uint64_t, kBuckets.size()> buckets{};
  };
  mutable std::mutex mutex_;
  // Guarded by mutex_.
  std::map<std::tuple<std::string, std::string, unsigned>, std::uint64_t> requests_;
  // Guarded by mutex_.
  std::map<std::string, Series> latency_;
  std::atomic<int> ws_connections_{0};
};

}  // namespace anguan::api
