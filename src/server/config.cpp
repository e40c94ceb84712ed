#include "config.hpp"

#include <charconv>
#include <cstdlib>

#include <toml++/toml.h>

#include "anguan/service/context.hpp"

namespace anguan::server {

Status loadFile(const std::string& path, Config& config) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Error::invalidArgument("config.bad_file",
                                  "config file " + path + ": " + std::string(e.description()));
  }
  for (const auto& [key, node] : table) {
    const std::string k(key.str());
    auto str = [&](std::string& out) -> Status {
      if (auto v = node.value<std::string>()) {
        out = *v;
        return okStatus();
      }
      return Error::invalidArgument("config.bad_value", "config " + k + " must be a string");
    };
    auto num = [&](int& out) -> Status {
      if (auto v = node.value<int64_t>()) {
        out = static_cast<int>(*v);
        return okStatus();
      }
      return Error::invalidArgument("config.bad_value", "config " + k + " must be an integer");
    };
    Status st = okStatus();
    if (k == "db") {
      st = str(config.db);
    } else if (k == "http") {
      st = str(config.http);
    } else if (k == "timezone") {
      st = str(config.timezone);
    } else if (k == "web_root") {
      st = str(config.web_root);
    } else if (k == "log_level") {
      st = str(config.log_level);
    } else if (k == "io_threads") {
      st = num(config.io_threads);
    } else if (k == "worker_threads") {
      st = num(config.worker_threads);
    } else if (k == "db_readers") {
      st = num(config.db_readers);
    } else if (k == "session_hours") {
      st = num(config.session_hours);
    } else if (k == "mqtt") {
      st = str(config.mqtt);
    } else if (k == "mqtt_username") {
      st = str(config.mqtt_username);
    } else if (k == "mqtt_password") {
      st = str(config.mqtt_password);
    } else if (k == "mqtt_client_id") {
      st = str(config.mqtt_client_id);
    } else {
      return Error::invalidArgument("config.unknown_key", "unknown config key " + k);
    }
    if (!st) {
      return st;
    }
  }
  return okStatus();
}

void loadEnvironment(Config& config) {
  auto env = [](const char* name, std::string& out) {
    if (const char* v = std::getenv(name); v != nullptr && *v != '\0') {
      out = v;
    }
  };
  env("ANGUAN_DB", config.db);
  env("ANGUAN_HTTP", config.http);
  env("ANGUAN_TIMEZONE", config.timezone);
  env("ANGUAN_WEB_ROOT", config.web_root);
  env("ANGUAN_LOG_LEVEL", config.log_level);
  env("ANGUAN_MQTT", config.mqtt);
  env("ANGUAN_MQTT_USERNAME", config.mqtt_username);
  env("ANGUAN_MQTT_PASSWORD", config.mqtt_password);
  env("ANGUAN_MQTT_CLIENT_ID", config.mqtt_client_id);
}

Status validate(Config& config) {
  if (config.db.rfind("sqlite:", 0) != 0 && config.db.rfind("postgresql://", 0) != 0 &&
      config.db.rfind("postgres://", 0) != 0) {
    return Error::invalidArgument("config.bad_db",
                                  "--db must be sqlite:PATH or postgresql://…, got " + config.db);
  }
  if (config.db == "sqlite:") {
    return Error::invalidArgument("config.bad_db", "--db sqlite: needs a path");
  }
  const auto colon = config.http.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Error::invalidArgument("config.bad_http",
                                  "--http must be HOST:PORT, got " + config.http);
  }
  config.http_host = config.http.substr(0, colon);
  int port = -1;
  const std::string p = config.http.substr(colon + 1);
  auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  if (ec != std::errc{} || ptr != p.data() + p.size() || port < 0 || port > 65535) {
    return Error::invalidArgument("config.bad_http", "--http port must be 0..65535, got " + p);
  }
  config.http_port = static_cast<unsigned short>(port);
  if (!config.mqtt.empty()) {
    const auto mc = config.mqtt.rfind(':');
    int mport = -1;
    if (mc != std::string::npos && mc > 0) {
      const std::string mp = config.mqtt.substr(mc + 1);
      auto [mptr, mec] = std::from_chars(mp.data(), mp.data() + mp.size(), mport);
      if (mec != std::errc{} || mptr != mp.data() + mp.size()) {
        mport = -1;
      }
    }
    if (mport < 1 || mport > 65535) {
      return Error::invalidArgument("config.bad_mqtt",
                                    "--mqtt must be HOST:PORT, got " + config.mqtt);
    }
    config.mqtt_host = config.mqtt.substr(0, mc);
    config.mqtt_port = static_cast<unsigned short>(mport);
    if (config.mqtt_client_id.empty() || config.mqtt_client_id.size() > 64) {
      return Error::invalidArgument("config.bad_mqtt", "mqtt_client_id must be 1..64 characters");
    }
  }
  if (!service::resolveTimeZone(config.timezone, config.tz_offset_minutes)) {
    return Error::invalidArgument(
        "config.bad_timezone",
        "unknown time zone " + config.timezone + " (use e.g. Asia/Shanghai, UTC or +08:00)");
  }
  if (config.io_threads < 1 || config.io_threads > 64 || config.worker_threads < 1 ||
      config.worker_threads > 256 || config.db_readers < 1 || config.db_readers > 64) {
    return Error::invalidArgument("config.bad_threads", "thread and reader counts out of range");
  }
  if (config.session_hours < 1 || config.session_hours > 24 * 30) {
    return Error::invalidArgument("config.bad_session", "session_hours must be 1..720");
  }
  static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (std::find(std::begin(kLevels), std::end(kLevels), config.log_level) == std::end(kLevels)) {
    return Error::invalidArgument("config.bad_log_level", "unknown log level " + config.log_level);
  }
  return okStatus();
}

}  // namespace anguan::server
