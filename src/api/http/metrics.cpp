#include "http/metrics.hpp"

#include <sstream>

namespace anguan::api {

void Metrics::observe(const std::string& route, const char* method, unsigned status,
                      double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, method, status}];
  auto& s = latency_[route];
  ++s.count;
  s.sum += seconds;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++s.buckets[i];
    }
  }
}

std::string Metrics::render(const store::StoreStats& db) const {
  std::ostringstream out;
  std::lock_guard lock(mutex_);
  out << "# HELP anguan_http_requests_total HTTP requests by route, method and status.\n"
      << "# TYPE anguan_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    out << "anguan_http_requests_total{route=\"" << std::get<0>(key) << "\",method=\""
        << std::get<1>(key) << "\",status=\"" << std::get<2>(key) << "\"} " << n << "\n";
  }
  out << "# HELP anguan_http_request_duration_seconds Request latency by route.\n"
      << "# TYPE anguan_http_request_duration_seconds histogram\n";
  for (const auto& [route, s] : latency_) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      out << "anguan_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\""
          << kBuckets[i] << "\"} " << s.buckets[i] << "\n";
    }
    out << "anguan_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} "
        << s.count << "\n";
    out << "anguan_http_request_duration_seconds_sum{route=\"" << route << "\"} " << s.sum << "\n";
    out << "anguan_http_request_duration_seconds_count{route=\"" << route << "\"} " << s.count
        << "\n";
  }
  out << "# HELP anguan_db_readers Reader connections in the pool.\n"
      << "# TYPE anguan_db_readers gauge\nanguan_db_readers " << db.readers_total << "\n"
      << "# HELP anguan_db_readers_in_use Reader connections in use.\n"
      << "# TYPE anguan_db_readers_in_use gauge\nanguan_db_readers_in_use " << db.readers_in_use
      << "\n"
      << "# HELP anguan_db_write_queue_depth Write transactions waiting for the writer.\n"
      << "# TYPE anguan_db_write_queue_depth gauge\nanguan_db_write_queue_depth "
      << db.write_queue_depth << "\n"
      << "# HELP anguan_db_writes_committed_total Write callbacks committed.\n"
      << "# TYPE anguan_db_writes_committed_total counter\nanguan_db_writes_committed_total "
      << db.writes_committed << "\n"
      << "# HELP anguan_db_write_batches_total Group commits.\n"
      << "# TYPE anguan_db_write_batches_total counter\nanguan_db_write_batches_total "
      << db.write_batches << "\n"
      << "# HELP anguan_ws_connections Open WebSocket connections.\n"
      << "# TYPE anguan_ws_connections gauge\nanguan_ws_connections " << ws_connections_.load()
      << "\n";
  return out.str();
}

}  // namespace anguan::api
