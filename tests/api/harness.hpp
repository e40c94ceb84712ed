// A real anguan server for API tests: temp SQLite database with the demo enterprise, bound to a
// free loopback port, with a clock the test can move. Plus tiny HTTP and WebSocket clients.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include <boost/json.hpp>

#include "anguan/api/server.hpp"
#include "anguan/core/clock.hpp"
#include "anguan/service/audit_service.hpp"
#include "anguan/service/auth_service.hpp"
#include "anguan/service/base_data_service.hpp"
#include "anguan/service/spreadsheet.hpp"

#include "app.hpp"

namespace anguan::testing_api {

class MovableClock final : public Clock {
 public:
  Instant now() const override {
    return SystemClock().now() + std::chrono::milliseconds(offset_ms_.load());
  }
  void advance(std::chrono::milliseconds d) { offset_ms_ += d.count(); }

 private:
  std::atomic<std::int64_t> offset_ms_{0};
};

struct HttpResult {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
  boost::json::value json() const;
  // error.code of a JSON error body, or "".
  std::string errorCode() const;
};

class TestServer {
 public:
  // Creates the database with demo data and starts serving. `web_root` may be empty.
  explicit TestServer(const std::string& web_root = "");
  ~TestServer();

  unsigned short port() const { return port_; }
  MovableClock& clock() { return clock_; }
  const std::string& dbPath() const { return db_path_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::vector<std::string> routeKeys() const { return server_->routeKeys(); }
  // The wiring behind the server (services, store, jobs), for tests that need to reach in.
  server::App& app() { return *app_; }

  HttpResult request(const std::string& method, const std::string& target,
                     const std::string& body = "", const std::string& token = "",
                     const std::map<std::string, std::string>& headers = {}) const;
  // Logs in and returns the token (fails the test when login fails).
  std::string login(const std::string& username, const std::string& password = "anguan123");

 private:
  std::filesystem::path dir_;
  std::string db_path_;
  MovableClock clock_;
  std::unique_ptr<server::App> app_;
  std::unique_ptr<api::Server> server_;
  std::thread thread_;
  unsigned short port_ = 0;
};

// A minimal synchronous WebSocket client.
class WsClient {
 public:
  WsClient(unsigned short port, const std::string& token);
  ~WsClient();
  bool connected() const;
  void send(const std::string& text);
  // The next text message, or "" after `timeout`.
  std::string receive(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace anguan::testing_api
