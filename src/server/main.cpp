// anguan — 智能安管系统. One binary: serve, migrate, demo, simulate, user add, audit verify.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "anguan/api/server.hpp"
#include "anguan/core/broker_auth.hpp"
#include "anguan/core/log.hpp"
#include "anguan/ingest/mqtt_ingest.hpp"
#include "anguan/ingest/simulator.hpp"
#include "anguan/service/demo.hpp"
#include "anguan/store/postgres/pg_store.hpp"
#include "anguan/store/sqlite/sqlite_store.hpp"

#include "app.hpp"
#include "config.hpp"

namespace {

using anguan::server::Config;

int fail(const anguan::Error& e) {
  std::fprintf(stderr, "anguan: %s\n", e.message().c_str());
  return 1;
}

// demo-devices.json beside the SQLite database, or in ./data.
std::string defaultDevicesFile(const Config& config) {
  std::filesystem::path dir = "data";
  if (config.db.rfind("sqlite:", 0) == 0) {
    dir = std::filesystem::path(config.db.substr(7)).parent_path();
  }
  return (dir.empty() ? std::filesystem::path(".") : dir).append("demo-devices.json").string();
}

// Writes secrets (demo device tokens, broker files), readable by the owner only.
bool writePrivateFile(const std::string& path, const std::string& text) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::filesystem::create_directories(parent, ec);
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return false;
  }
  bool ok = ::fchmod(fd, 0600) == 0;
  std::size_t done = 0;
  while (ok && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    ok = n > 0;
    done += ok ? static_cast<std::size_t>(n) : 0;
  }
  return ::close(fd) == 0 && ok;
}

std::atomic<bool> g_stop_simulation{false};

void addDbOptions(CLI::App& cmd, Config& config, std::string& config_file) {
  cmd.add_option("--config", config_file, "TOML configuration file");
  cmd.add_option("--db", config.db, "sqlite:PATH or postgresql://…");
  cmd.add_option("--timezone", config.timezone, "Enterprise time zone (Asia/Shanghai)");
  cmd.add_option("--log-level", config.log_level, "trace|debug|info|warn|error");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"anguan — 智能安管系统 (intelligent work-safety management)"};
  cli.require_subcommand(1);
  Config file_config;
  std::string config_file;
  // Flags are parsed into `flags` and applied over file and environment values afterwards.
  Config flags;
  flags.db.clear();
  flags.http.clear();
  flags.timezone.clear();
  flags.web_root.clear();
  flags.log_level.clear();

  auto* serve = cli.add_subcommand("serve", "Run the server");
  addDbOptions(*serve, flags, config_file);
  serve->add_option("--http", flags.http, "HOST:PORT to listen on (port 0 = any free port)");
  serve->add_option("--web-root", flags.web_root, "Directory of the built web app");
  serve->add_option("--mqtt", flags.mqtt, "MQTT broker HOST:PORT to consume telemetry from");
  serve->add_option("--io-threads", file_config.io_threads, "I/O threads");
  serve->add_option("--workers", file_config.worker_threads, "Worker threads for writes");

  auto* migrate = cli.add_subcommand("migrate", "Apply database migrations");
  addDbOptions(*migrate, flags, config_file);

  auto* demo = cli.add_subcommand("demo", "Create the demo enterprise and its accounts");
  addDbOptions(*demo, flags, config_file);
  std::string demo_password = "anguan123";
  demo->add_option("--password", demo_password, "Password of the demo accounts");
  std::string devices_file;
  demo->add_option("--devices-file", devices_file,
                   "Where to write the demo devices' tokens (default: beside the database)");

  auto* simulate = cli.add_subcommand("simulate", "Send live demo sensor data to a server");
  addDbOptions(*simulate, flags, config_file);
  anguan::ingest::SimulatorOptions sim;
  double sim_seconds = 0;
  simulate->add_option("--devices-file", devices_file, "demo-devices.json from `anguan demo`");
  simulate->add_option("--http", sim.http_url, "Server URL, e.g. http://127.0.0.1:8080");
  simulate->add_option("--mqtt", sim.mqtt, "Broker HOST:PORT");
  simulate->add_option("--speed", sim.speed, "Simulated seconds per second (1-1000)")
      ->check(CLI::Range(0.01, 1000.0));
  simulate->add_option("--duration", sim_seconds, "Stop after this many seconds (0 = never)");
  simulate->add_option("--seed", sim.sim.seed, "Random seed of the simulated data");

  auto* mqtt_files = cli.add_subcommand(
      "mqtt-files",
      "Write Mosquitto's password and ACL files for every device with a token and for anguan "
      "(the service account: mqtt_username / ANGUAN_MQTT_USERNAME, its password from "
      "ANGUAN_MQTT_PASSWORD)");
  addDbOptions(*mqtt_files, flags, config_file);
  std::string mqtt_files_dir;
  mqtt_files->add_option("--out", mqtt_files_dir, "Directory for the files `passwd` and `acl`")
      ->required();

  auto* user = cli.add_subcommand("user", "Manage accounts");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "Add an account (the first admin, say)");
  addDbOptions(*user_add, flags, config_file);
  anguan::service::NewUser new_user;
  std::string roles = "admin";
  std::string org_code;
  user_add->add_option("--username", new_user.username)->required();
  user_add->add_option("--password", new_user.password)->required();
  user_add->add_option("--name", new_user.display_name, "Display name");
  user_add->add_option("--roles", roles, "Comma-separated roles (admin)");
  user_add->add_option("--org", org_code, "Org unit code (default: the root unit)");

  auto* audit = cli.add_subcommand("audit", "Audit trail tools");
  audit->require_subcommand(1);
  auto* verify = audit->add_subcommand("verify", "Verify the audit hash chain");
  addDbOptions(*verify, flags, config_file);

  CLI11_PARSE(cli, argc, argv);

  Config config = file_config;
  if (!config_file.empty()) {
    if (auto st = anguan::server::loadFile(config_file, config); !st) {
      return fail(st.error());
    }
  }
  anguan::server::loadEnvironment(config);
  auto apply = [](std::string& target, const std::string& flag) {
    if (!flag.empty()) {
      target = flag;
    }
  };
  apply(config.db, flags.db);
  apply(config.http, flags.http);
  apply(config.timezone, flags.timezone);
  apply(config.web_root, flags.web_root);
  apply(config.log_level, flags.log_level);
  apply(config.mqtt, flags.mqtt);
  if (auto st = anguan::server::validate(config); !st) {
    return fail(st.error());
  }
  anguan::log::setLevel(config.log_level);

  if (devices_file.empty()) {
    devices_file = defaultDevicesFile(config);
  }
  if (*simulate) {
    sim.devices_file = devices_file;
    sim.duration = std::chrono::seconds(static_cast<long long>(sim_seconds));
    sim.sim.tz_offset_minutes = config.tz_offset_minutes;
    std::signal(SIGINT, [](int) { g_stop_simulation = true; });
    std::signal(SIGTERM, [](int) { g_stop_simulation = true; });
    auto totals = anguan::ingest::runSimulator(sim, &g_stop_simulation);
    if (!totals) {
      return fail(totals.error());
    }
    return 0;
  }

  if (*migrate) {
    auto n = config.db.rfind("sqlite:", 0) == 0
                 ? anguan::store::sqlite::migrate(config.db.substr(7))
                 : anguan::store::postgres::migrate(config.db);
    if (!n) {
      return fail(n.error());
    }
    std::printf("anguan: %d migration(s) applied\n", *n);
    return 0;
  }

  std::unique_ptr<anguan::service::EventPublisher> hub;
  if (*serve) {
    hub = anguan::api::makeEventHub();
  }
  auto hub_ptr = hub.get();
  auto app_result = anguan::server::makeApp(config, std::move(hub));
  if (!app_result) {
    return fail(app_result.error());
  }
  auto& app = **app_result;
  app.auth->setEventPublisher(app.events.get());

  if (*demo) {
    std::vector<anguan::service::DemoDevice> devices;
    auto summary = anguan::server::seedDemo(app, demo_password, &devices);
    if (!summary) {
      return fail(summary.error());
    }
    std::printf("%s", summary->c_str());
    if (!devices.empty()) {
      if (!writePrivateFile(devices_file, anguan::service::devicesJson(devices))) {
        std::fprintf(stderr, "anguan: can't write %s\n", devices_file.c_str());
        return 1;
      }
      std::printf("anguan: device tokens written to %s (for `anguan simulate`)\n",
                  devices_file.c_str());
    }
    return 0;
  }
  if (*mqtt_files) {
    if (config.mqtt_password.empty()) {
      std::fprintf(stderr,
                   "anguan: set ANGUAN_MQTT_PASSWORD (or mqtt_password in the configuration) to "
                   "the password anguan will use with the broker\n");
      return 1;
    }
    auto files = app.monitor->mosquittoFiles(
        config.mqtt_username, anguan::broker::mosquittoPasswordHash(config.mqtt_password));
    if (!files) {
      return fail(files.error());
    }
    const auto dir = std::filesystem::path(mqtt_files_dir);
    const auto passwd = (dir / "passwd").string();
    const auto acl = (dir / "acl").string();
    if (!writePrivateFile(passwd, files->first) || !writePrivateFile(acl, files->second)) {
      std::fprintf(stderr, "anguan: can't write %s and %s\n", passwd.c_str(), acl.c_str());
      return 1;
    }
    std::printf(
        "anguan: wrote %s and %s; in mosquitto.conf (beside deploy/mosquitto/anguan.conf):\n"
        "  password_file %s\n  acl_file %s\n"
        "then reload the broker (SIGHUP); run this again after issuing or revoking device "
        "tokens\n",
        passwd.c_str(), acl.c_str(), passwd.c_str(), acl.c_str());
    return 0;
  }
  if (*user_add) {
    auto id = anguan::service::addAccountAsSystem(*app.base, *app.auth, new_user, roles, org_code);
    if (!id) {
      return fail(id.error());
    }
    std::printf("anguan: user %s created (id %lld)\n", new_user.username.c_str(),
                static_cast<long long>(*id));
    return 0;
  }
  if (*verify) {
    auto r = app.audit->verify(nullptr);
    if (!r) {
      return fail(r.error());
    }
    if (r->ok) {
      std::printf("audit chain OK: %lld entries verified\n", static_cast<long long>(r->checked));
      return 0;
    }
    std::printf("audit chain BROKEN at entry #%lld (%s); %lld entries before it verified\n",
                static_cast<long long>(r->first_bad_seq.value_or(0)), r->reason.c_str(),
                static_cast<long long>(r->checked));
    return 2;
  }

  anguan::api::ServerOptions options;
  options.host = config.http_host;
  options.port = config.http_port;
  options.io_threads = config.io_threads;
  options.worker_threads = config.worker_threads;
  options.web_root = config.web_root;
  auto server = anguan::api::makeServer(options, anguan::server::apiServices(app), *hub_ptr);
  if (auto st = server->start(); !st) {
    return fail(st.error());
  }
  std::printf("anguan: listening on http://%s:%u\n", config.http_host.c_str(), server->port());
  std::unique_ptr<anguan::ingest::MqttIngest> mqtt;
  if (!config.mqtt.empty()) {
    anguan::ingest::MqttSubscriberOptions mo;
    mo.host = config.mqtt_host;
    mo.port = config.mqtt_port;
    mo.client_id = config.mqtt_client_id;
    mo.username = config.mqtt_username;
    mo.password = config.mqtt_password;
    mqtt = std::make_unique<anguan::ingest::MqttIngest>(*app.monitor, mo);
    std::printf("anguan: consuming MQTT from %s as %s\n", config.mqtt.c_str(),
                config.mqtt_client_id.c_str());
  }
  std::fflush(stdout);
  {
    anguan::server::Scheduler scheduler(app, std::chrono::seconds(5));
    server->run(true);
  }
  if (mqtt) {
    mqtt->stop();
  }
  app.monitor->stop();
  std::printf("anguan: stopped\n");
  return 0;
}
