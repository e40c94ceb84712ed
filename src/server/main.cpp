// anguan — 智能安管系统. One binary: serve, migrate, demo, user add, audit verify.
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "anguan/api/server.hpp"
#include "anguan/core/log.hpp"
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
  serve->add_option("--io-threads", file_config.io_threads, "I/O threads");
  serve->add_option("--workers", file_config.worker_threads, "Worker threads for writes");

  auto* migrate = cli.add_subcommand("migrate", "Apply database migrations");
  addDbOptions(*migrate, flags, config_file);

  auto* demo = cli.add_subcommand("demo", "Create the demo enterprise and its accounts");
  addDbOptions(*demo, flags, config_file);
  std::string demo_password = "anguan123";
  demo->add_option("--password", demo_password, "Password of the demo accounts");

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
  if (auto st = anguan::server::validate(config); !st) {
    return fail(st.error());
  }
  anguan::log::setLevel(config.log_level);

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
    auto summary = anguan::server::seedDemo(app, demo_password);
    if (!summary) {
      return fail(summary.error());
    }
    std::printf("%s", summary->c_str());
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
  std::fflush(stdout);
  {
    anguan::server::Scheduler scheduler(app, std::chrono::seconds(5));
    server->run(true);
  }
  std::printf("anguan: stopped\n");
  return 0;
}
