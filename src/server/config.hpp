// Configuration: a TOML file, then ANGUAN_* environment variables, then command-line flags, each
// overriding the one before. Bad values fail at start with one clear line.
#pragma once

#include <string>

#include "anguan/core/result.hpp"

namespace anguan::server {

struct Config {
  std::string db = "sqlite:./data/anguan.db";
  std::string http = "127.0.0.1:8080";
  std::string timezone = "Asia/Shanghai";
  std::string web_root = "web/dist";
  std::string log_level = "info";
  int io_threads = 2;
  // Writes park a worker until their group commit; more workers = bigger batches.
  int worker_threads = 32;
  int db_readers = 4;
  int session_hours = 12;
  // MQTT ingestion: the broker as HOST:PORT ("" = HTTP ingestion only), anguan's own broker
  // account and its client id (one per node: the persistent session is per client id).
  std::string mqtt;
  std::string mqtt_username = "anguan";
  std::string mqtt_password;
  std::string mqtt_client_id = "anguan-1";
  // Tests only (not a config key): the cheapest argon2id cost, so logins don't dominate.
  bool test_fast_password_hash = false;

  // Derived by validate().
  std::string http_host;
  unsigned short http_port = 0;
  std::string mqtt_host;
  unsigned short mqtt_port = 0;
  int tz_offset_minutes = 480;
};

// Reads `path` (TOML). Keys: db, http, timezone, web_root, log_level, io_threads,
// worker_threads, db_readers, session_hours, mqtt, mqtt_username, mqtt_password, mqtt_client_id.
// Unknown keys are errors.
[[nodiscard]] Status loadFile(const std::string& path, Config& config);
// ANGUAN_DB, ANGUAN_HTTP, ANGUAN_TIMEZONE, ANGUAN_WEB_ROOT, ANGUAN_LOG_LEVEL, ANGUAN_MQTT,
// ANGUAN_MQTT_USERNAME, ANGUAN_MQTT_PASSWORD, ANGUAN_MQTT_CLIENT_ID.
void loadEnvironment(Config& config);
// Checks values and fills the derived fields.
[[nodiscard]] Status validate(Config& config);

}  // namespace anguan::server
