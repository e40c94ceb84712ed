// Shared set-up of the ingestion benchmarks: an in-process App with the HTTP server on a free
// loopback port, a registry of devices and sensors made through the API, and small measurements.
#pragma once

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/json.hpp>
#include <sys/resource.h>

#include "anguan/api/server.hpp"

#include "app.hpp"

namespace bench_ingest {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Steady = std::chrono::steady_clock;

inline const char* kPassword = "anguan123";

inline const char* gBenchName = "bench";

[[noreturn]] inline void die(const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", gBenchName, what.c_str());
  std::exit(1);
}

struct Reply {
  int status = 0;
  std::string body;
};

// One keep-alive connection.
class Client {
 public:
  explicit Client(unsigned short port) : port_(port) {}

  Reply call(http::verb verb, const std::string& target, std::string body,
             const std::string& authorization) {
    Reply r;
    try {
      if (!stream_) {
        stream_ = std::make_unique<beast::tcp_stream>(ioc_);
        stream_->connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
        stream_->socket().set_option(tcp::no_delay(true));
      }
      http::request<http::string_body> req{verb, target, 11};
      req.set(http::field::host, "127.0.0.1");
      req.set(http::field::content_type, "application/json");
      if (!authorization.empty()) {
        req.set(http::field::authorization, authorization);
      }
      req.body() = std::move(body);
      req.prepare_payload();
      http::write(*stream_, req);
      beast::flat_buffer buffer;
      http::response_parser<http::string_body> parser;
      parser.body_limit(64 << 20);
      http::read(*stream_, buffer, parser);
      auto res = parser.release();
      r.status = static_cast<int>(res.result_int());
      r.body = std::move(res.body());
      if (!res.keep_alive()) {
        stream_.reset();
      }
    } catch (const std::exception& e) {
      stream_.reset();
      r.status = 0;
      r.body = e.what();
    }
    return r;
  }

 private:
  unsigned short port_;
  asio::io_context ioc_;
  std::unique_ptr<beast::tcp_stream> stream_;
};

inline json::value parse(const std::string& s) {
  boost::system::error_code ec;
  auto v = json::parse(s, ec);
  return ec ? json::value(nullptr) : v;
}

inline std::int64_t intField(const std::string& body, const char* key) {
  auto v = parse(body);
  if (v.is_object()) {
    if (const auto* x = v.as_object().if_contains(key); x != nullptr && x->is_int64()) {
      return x->as_int64();
    }
  }
  return -1;
}

inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) {
    return 0;
  }
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// VmRSS / VmHWM of this process in MiB.
inline double procStatusMiB(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) {
      return std::strtod(line.c_str() + std::strlen(key) + 1, nullptr) / 1024.0;
    }
  }
  return 0;
}

inline double cpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// Appends the decimal digits of `v`.
inline void appendNumber(std::string& out, std::int64_t v) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(buf, p);
}

struct Device {
  std::string code;
  std::string token;
  std::vector<std::string> sensor_codes;
  std::vector<std::int64_t> sensor_ids;
  std::int64_t next_second = 0;  // Next timestamp step (seconds after the base).
};

// One batch of `n` readings from `d`: every sensor in turn at consecutive seconds from base_ms,
// values 20.80 … 21.00 %vol (normal oxygen).
inline std::string telemetryBatch(Device& d, std::size_t n, std::int64_t base_ms) {
  std::string out;
  out.reserve(n * 64 + 32);
  out += "{\"readings\":[";
  const std::size_t sensors = d.sensor_codes.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t s = i % sensors;
    if (i > 0 && s == 0) {
      ++d.next_second;
    }
    const std::int64_t noise = (d.next_second * 7919 + static_cast<std::int64_t>(s) * 104729) % 21;
    if (i > 0) {
      out += ',';
    }
    out += "{\"sensor\":\"";
    out += d.sensor_codes[s];
    out += "\",\"ts\":";
    appendNumber(out, base_ms + d.next_second * 1000);
    out += ",\"value\":20.";
    appendNumber(out, 80 + noise);
    out += '}';
  }
  ++d.next_second;
  out += "]}";
  return out;
}

// The App, its HTTP server and the temporary directory of a SQLite database.
struct BenchApp {
  std::filesystem::path tmp;
  std::string backend;
  std::unique_ptr<anguan::server::App> app;
  std::unique_ptr<anguan::api::Server> server;
  std::thread server_thread;
  unsigned short port = 0;

  void stopServer() {
    if (server) {
      server->stop();
    }
    if (server_thread.joinable()) {
      server_thread.join();
    }
  }
  ~BenchApp() {
    stopServer();
    server.reset();
    app.reset();
    if (!tmp.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(tmp, ec);
    }
  }
};

// `db`: "sqlite" (a fresh temporary file) or a database URL (must be fresh: the demo is seeded).
inline std::unique_ptr<BenchApp> startApp(std::string db) {
  auto b = std::make_unique<BenchApp>();
  auto& tmp = b->tmp;
  if (db == "sqlite") {
    tmp = std::filesystem::temp_directory_path() /
          ("anguan-bench-http-ingest-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(tmp);
    db = "sqlite:" + (tmp / "bench.db").string();
  }
  b->backend = db.rfind("sqlite:", 0) == 0 ? "sqlite" : "postgresql";
  anguan::server::Config config;
  config.db = db;
  auto hub = anguan::api::makeEventHub();
  auto* hub_ptr = hub.get();
  auto made = anguan::server::makeApp(config, std::move(hub));
  if (!made) {
    die("app: " + made.error().message());
  }
  b->app = std::move(*made);
  auto& app = b->app;
  app->auth->setEventPublisher(app->events.get());
  std::fprintf(stderr, "%s: seeding the demo enterprise (%s)\n", gBenchName, b->backend.c_str());
  if (auto seeded = anguan::server::seedDemo(*app, kPassword); !seeded) {
    die("demo: " + seeded.error().message() + " (use a fresh database)");
  }
  anguan::api::ServerOptions options;
  options.port = 0;
  options.io_threads = config.io_threads;
  options.worker_threads = config.worker_threads;
  b->server = anguan::api::makeServer(options, anguan::server::apiServices(*app), *hub_ptr);
  if (auto st = b->server->start(); !st) {
    die("server: " + st.error().message());
  }
  b->port = b->server->port();
  b->server_thread = std::thread([s = b->server.get()] { s->run(false); });

  return b;
}

// Logs in as the demo admin; the session token.
inline std::string adminToken(unsigned short port) {
  Client c(port);
  auto r =
      c.call(http::verb::post, "/api/v1/auth/login",
             json::serialize(json::object{{"username", "admin"}, {"password", kPassword}}), "");
  auto v = parse(r.body);
  if (r.status != 200 || !v.is_object() || !v.as_object().contains("token")) {
    die("login: " + r.body);
  }
  return std::string(v.at("token").as_string());
}

// `devices` gas detectors in the demo's 常减压装置 area with `sensors` o2 sensors between them
// (reporting every `interval_seconds`), each device with a token; created through the API as the
// demo admin. Device codes are <prefix>-000, <prefix>-001, …
inline std::vector<Device> makeRegistry(unsigned short port, int devices, int sensors,
                                        int interval_seconds = 1,
                                        const std::string& prefix = "BENCH") {
  Client setup(port);
  const std::string bearer = "Bearer " + adminToken(port);
  auto r = setup.call(http::verb::get, "/api/v1/areas?q=%E5%B8%B8%E5%87%8F%E5%8E%8B", "", bearer);
  auto areas = parse(r.body);
  if (r.status != 200 || !areas.is_object() || areas.at("items").as_array().empty()) {
    die("areas: " + r.body);
  }
  const std::int64_t area = areas.at("items").as_array().at(0).at("id").as_int64();
  std::vector<Device> devs(static_cast<std::size_t>(devices));
  for (int d = 0; d < devices; ++d) {
    Device& dev = devs[static_cast<std::size_t>(d)];
    char code[16];
    std::snprintf(code, sizeof code, "-%03d", d);
    dev.code = prefix + code;
    r = setup.call(http::verb::post, "/api/v1/devices",
                   json::serialize(json::object{{"name", "检测仪 " + dev.code},
                                                {"code", dev.code},
                                                {"kind", "gas_detector"},
                                                {"area_id", area},
                                                {"active", true}}),
                   bearer);
    const std::int64_t device_id = intField(r.body, "id");
    if (r.status != 201 || device_id <= 0) {
      die("device: " + r.body);
    }
    for (int s = d; s < sensors; s += devices) {
      const std::string sc = dev.code + "-S" + std::to_string(s);
      r = setup.call(http::verb::post, "/api/v1/sensors",
                     json::serialize(json::object{{"name", "氧气 " + sc},
                                                  {"code", sc},
                                                  {"device_id", device_id},
                                                  {"kind", "o2"},
                                                  {"area_id", area},
                                                  {"interval_seconds", interval_seconds},
                                                  {"active", true}}),
                     bearer);
      const std::int64_t sensor_id = intField(r.body, "id");
      if (r.status != 201 || sensor_id <= 0) {
        die("sensor: " + r.body);
      }
      dev.sensor_codes.push_back(sc);
      dev.sensor_ids.push_back(sensor_id);
    }
    r = setup.call(http::verb::post, "/api/v1/devices/" + std::to_string(device_id) + "/token",
                   "{}", bearer);
    auto tv = parse(r.body);
    if (r.status != 200 || !tv.is_object() || !tv.as_object().contains("token")) {
      die("token: " + r.body);
    }
    dev.token = "Device " + std::string(tv.at("token").as_string());
  }
  return devs;
}

}  // namespace bench_ingest
