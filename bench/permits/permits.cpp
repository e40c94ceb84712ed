// bench/permits: N full permit lifecycles through the HTTP API with C concurrent clients
// (issue 3, Performance). See docs/performance.md "Permit lifecycles".
//
//   bench_permits [--db URL] [--n 1000] [--clients 32] [--lead SECONDS] [--workers W]
//                 [--io-threads T] [--answers minimal|full] [--signature image|password]
//
// --signature: approvals and acceptance are signed with a drawn signature (a PNG of a few KiB,
// the default), or with the password again. For `password` the approvers' passwords are reset
// through the admin API first, so they are hashed at the server's real argon2id cost (the demo
// hashes its accounts at the minimum cost).
//
// --answers: the permit calls send `Prefer: return=minimal` (the default) and get the permit's
// summary back, as a client that reloads the permit after an action only when it shows it would
// ask; or they ask for the whole detail view after every action (`full`, what the web app
// gets today).
//
// Without ANGUAN_BENCH_URL it starts the server in this process (real clock, the server's
// default durability: group commit) on a fresh database (`--db`, default a temp SQLite file)
// seeded with `anguan demo`; with ANGUAN_BENCH_URL=http://host:port it drives that server
// (which must hold the demo data).
//
// The product's rules are not relaxed for the bench: a plan's window must lie in the future at
// submit, and start needs the window to have begun. So the driver runs in two measured phases
// around one wait:
//   A  create → submit → approve chain → gas tests → measures → briefing → shift check
//      (every permit's window starts at the same minute T, a little after phase A ends)
//   …  wait for T (not measured)
//   B  start → complete → acceptance → review → close
// lifecycles/s = N / (time of A + time of B). Each permit has its own guardian (created before
// phase A, not measured): a guardian may not guard two overlapping jobs.
// The level is hot work in the demo's indoor, non-fire maintenance workshop: 二级 by day,
// 一级 at night or on a holiday (one or two approval steps).
//
// Prints ONE JSON line on stdout; progress goes to stderr. In-process, it also reports the
// store's committed writes per lifecycle and per commit (`writes_per_lifecycle`,
// `writes_per_batch`): the single SQLite writer's batches are what bound the rate. And the
// process's context switches per call (`switches_per_call`, voluntary and preempted): a request
// hops between client, I/O, worker and writer threads, and each hop costs a switch or two.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/json.hpp>
#include <pthread.h>
#include <sys/resource.h>

#include "anguan/api/server.hpp"
#include "anguan/core/crypto.hpp"
#include "anguan/core/log.hpp"
#include "anguan/report/qr.hpp"

#include "app.hpp"

namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

const char* kPassword = "anguan123";

struct Reply {
  int status = 0;
  json::value body;
};

// One keep-alive connection; records the latency of every call under its kind.
class Client {
 public:
  Client(std::string host, std::string port, bool minimal = false)
      : host_(std::move(host)), port_(std::move(port)), minimal_(minimal) {}

  Reply call(const std::string& kind, http::verb verb, const std::string& target,
             const json::value& body, const std::string& token) {
    const auto t0 = Clock::now();
    Reply r;
    for (int attempt = 0; attempt < 2; ++attempt) {
      try {
        if (!stream_) {
          buffer_.clear();
          stream_ = std::make_unique<beast::tcp_stream>(ioc_);
          tcp::resolver resolver(ioc_);
          stream_->connect(resolver.resolve(host_, port_));
          stream_->socket().set_option(tcp::no_delay(true));
        }
        http::request<http::string_body> req{verb, target, 11};
        req.set(http::field::host, host_);
        req.set(http::field::content_type, "application/json");
        req.set(http::field::accept_language, "zh-CN");
        if (!token.empty()) {
          req.set(http::field::authorization, "Bearer " + token);
        }
        if (minimal_) {
          req.set("Prefer", "return=minimal");
        }
        if (!body.is_null()) {
          req.body() = json::serialize(body);
        }
        req.prepare_payload();
        http::write(*stream_, req);
        http::response<http::string_body> res;
        http::read(*stream_, buffer_, res);
        r.status = static_cast<int>(res.result_int());
        boost::system::error_code ec;
        r.body = json::parse(res.body(), ec);
        if (!res.keep_alive()) {
          stream_.reset();
        }
        break;
      } catch (const std::exception&) {
        stream_.reset();  // reconnect once
        r.status = 0;
      }
    }
    latencies[kind].push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    return r;
  }

  std::map<std::string, std::vector<double>> latencies;

 private:
  std::string host_, port_;
  bool minimal_ = false;  // Sends `Prefer: return=minimal`.
  asio::io_context ioc_;
  std::unique_ptr<beast::tcp_stream> stream_;
  // Kept across calls, and large: a fresh buffer starts at 512 bytes and grows, so reading one
  // answer took about 20 recv calls (docs/performance.md).
  beast::flat_buffer buffer_ = [] {
    beast::flat_buffer b;
    b.reserve(256 * 1024);
    return b;
  }();
};

std::string rfc3339(std::chrono::system_clock::time_point t) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const std::time_t tt = std::chrono::system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) {
    return 0;
  }
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

std::string str(const json::value& v, const char* key) {
  if (v.is_object()) {
    if (const auto* x = v.as_object().if_contains(key); x != nullptr && x->is_string()) {
      return std::string(x->as_string());
    }
  }
  return {};
}

std::int64_t firstId(const Reply& r) {
  if (r.body.is_object()) {
    if (const auto* items = r.body.as_object().if_contains("items");
        items != nullptr && items->is_array() && !items->as_array().empty()) {
      return items->as_array()[0].at("id").as_int64();
    }
  }
  return 0;
}

// CPU seconds this process used so far (every thread: server, clients, writer).
double cpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Context switches of this process so far (every thread; voluntary: it blocked, involuntary:
// it was preempted). Each hop of a request between threads costs one or two.
double switchesSoFar() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_nvcsw + u.ru_nivcsw);
}

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "bench_permits: %s\n", msg.c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  std::string db;
  int n = 1000;
  int clients = 32;
  int lead = 0;
  int workers = 0;     // 0: the server's default (config.hpp); then the count in use
  int io_threads = 0;  // 0: the server's default; then the count in use
  std::string answers = "minimal";
  std::string signature_kind = "image";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--db") {
      db = argv[i + 1];
    } else if (a == "--n") {
      n = std::atoi(argv[i + 1]);
    } else if (a == "--clients") {
      clients = std::atoi(argv[i + 1]);
    } else if (a == "--lead") {
      lead = std::atoi(argv[i + 1]);
    } else if (a == "--workers") {
      workers = std::atoi(argv[i + 1]);
    } else if (a == "--io-threads") {
      io_threads = std::atoi(argv[i + 1]);
    } else if (a == "--answers") {
      answers = argv[i + 1];
    } else if (a == "--signature") {
      signature_kind = argv[i + 1];
    } else {
      die("unknown option " + a);
    }
  }
  if (n < 1 || clients < 1) {
    die("--n and --clients must be positive");
  }
  if (answers != "minimal" && answers != "full") {
    die("--answers must be minimal or full");
  }
  if (signature_kind != "image" && signature_kind != "password") {
    die("--signature must be image or password");
  }
  anguan::log::setLevel("warn");  // stdout carries the one JSON line

  // The server: in this process, or ANGUAN_BENCH_URL.
  std::unique_ptr<anguan::server::App> app;
  std::unique_ptr<anguan::api::Server> server;
  std::thread server_thread;
  std::filesystem::path tmp;
  std::string host = "127.0.0.1", port;
  std::string backend = "external";
  if (const char* url = std::getenv("ANGUAN_BENCH_URL"); url != nullptr && *url != '\0') {
    std::string u = url;
    u = u.substr(u.find("//") + 2);
    host = u.substr(0, u.find(':'));
    port = u.substr(u.find(':') + 1);
    port = port.substr(0, port.find('/'));
  } else {
    if (db.empty()) {
      tmp = std::filesystem::temp_directory_path() /
            ("anguan-bench-permits-" + std::to_string(std::random_device{}()));
      std::filesystem::create_directories(tmp);
      db = "sqlite:" + (tmp / "bench.db").string();
    }
    backend = db.rfind("sqlite:", 0) == 0 ? "sqlite" : "postgresql";
    anguan::server::Config config;
    config.db = db;
    if (workers > 0) {
      config.worker_threads = workers;
    }
    if (io_threads > 0) {
      config.io_threads = io_threads;
    }
    auto hub = anguan::api::makeEventHub();
    auto* hub_ptr = hub.get();
    auto made = anguan::server::makeApp(config, std::move(hub));
    if (!made) {
      die("app: " + made.error().message());
    }
    app = std::move(*made);
    app->auth->setEventPublisher(app->events.get());
    std::fprintf(stderr, "bench_permits: seeding the demo enterprise (%s)\n", backend.c_str());
    auto seeded = anguan::server::seedDemo(*app, kPassword);
    if (!seeded) {
      die("demo: " + seeded.error().message() + " (use a fresh database)");
    }
    anguan::api::ServerOptions options;
    options.port = 0;
    options.io_threads = config.io_threads;
    options.worker_threads = config.worker_threads;
    workers = config.worker_threads;
    io_threads = config.io_threads;
    server = anguan::api::makeServer(options, anguan::server::apiServices(*app), *hub_ptr);
    if (auto st = server->start(); !st) {
      die("server: " + st.error().message());
    }
    port = std::to_string(server->port());
    server_thread = std::thread([&] { server->run(false); });
  }

  Client setup(host, port);
  auto login = [&](const char* user) {
    auto r = setup.call("login", http::verb::post, "/api/v1/auth/login",
                        json::object{{"username", user}, {"password", kPassword}}, "");
    if (r.status != 200) {
      die(std::string("login ") + user + " failed: " + std::to_string(r.status));
    }
    return str(r.body, "token");
  };
  const std::string admin = login("admin");
  if (signature_kind == "password") {
    // The demo hashes its accounts at libsodium's minimum argon2id cost (admin aside) so that
    // `anguan demo` is quick. Password signatures are verified against that hash, so the
    // approvers get their password again through the admin API, hashed as any real account is.
    for (const char* user : {"p1unit", "hse", "dept", "leader"}) {
      auto u = setup.call("setup", http::verb::get, "/api/v1/users?page_size=200", nullptr, admin);
      std::int64_t uid = 0;
      if (u.body.is_object() && u.body.as_object().contains("items")) {
        for (const auto& it : u.body.at("items").as_array()) {
          if (str(it, "username") == user) {
            uid = it.at("id").as_int64();
          }
        }
      }
      auto r = setup.call("setup", http::verb::post,
                          "/api/v1/users/" + std::to_string(uid) + "/password",
                          json::object{{"new_password", kPassword}}, admin);
      if (uid == 0 || r.status != 204) {
        die(std::string("resetting the password of ") + user +
            " failed: " + std::to_string(r.status));
      }
    }
  }
  const std::string planner = login("p1leader");
  std::map<std::string, std::string> approver = {{"approver_unit", login("p1unit")},
                                                 {"approver_safety", login("hse")},
                                                 {"approver_dept", login("dept")},
                                                 {"approver_leader", login("leader")}};
  const std::int64_t area =
      firstId(setup.call("setup", http::verb::get, "/api/v1/areas?code=A-P1-MW", nullptr, admin));
  const std::int64_t leader = firstId(
      setup.call("setup", http::verb::get, "/api/v1/people?employee_no=E9002", nullptr, admin));
  const std::int64_t worker = firstId(
      setup.call("setup", http::verb::get, "/api/v1/people?employee_no=E9004", nullptr, admin));
  const std::int64_t org = firstId(
      setup.call("setup", http::verb::get, "/api/v1/org_units?code=P1-MNT", nullptr, admin));
  if (area == 0 || leader == 0 || worker == 0 || org == 0) {
    die("the demo data is missing (area A-P1-MW, people E9002/E9004, org P1-MNT)");
  }
  auto wt = setup.call("setup", http::verb::get, "/api/v1/work-types/hot_work", nullptr, planner);
  json::array measures, closeout;
  for (const auto& m : wt.body.at("measures").as_array()) {
    measures.push_back(json::object{{"code", m.at("code")}, {"applies", true}});
  }
  for (const auto& m : wt.body.at("closeout").as_array()) {
    closeout.push_back(m.at("code"));
  }

  // One guardian per permit (unmeasured).
  std::fprintf(stderr, "bench_permits: creating %d guardians\n", n);
  std::vector<std::int64_t> guardians(static_cast<std::size_t>(n));
  const std::string run_tag = std::to_string(std::random_device{}() % 100000);
  {
    std::atomic<int> next{0};
    std::vector<std::thread> threads;
    for (int c = 0; c < std::min(clients, 8); ++c) {
      threads.emplace_back([&] {
        Client cl(host, port);
        for (int i = next++; i < n; i = next++) {
          const std::string no = "BG" + run_tag + "-" + std::to_string(i);
          auto p = cl.call("setup", http::verb::post, "/api/v1/people",
                           json::object{{"name", "监护" + std::to_string(i)},
                                        {"employee_no", no},
                                        {"kind", "employee"},
                                        {"org_id", org},
                                        {"roles", json::array{"guardian"}},
                                        {"active", true}},
                           admin);
          if (p.status != 201 && p.status != 200) {
            die("create guardian: " + std::to_string(p.status) + " " + json::serialize(p.body));
          }
          const auto id = p.body.at("id").as_int64();
          auto c2 = cl.call("setup", http::verb::post, "/api/v1/certificates",
                            json::object{{"person_id", id},
                                         {"cert_type", "guardian_training"},
                                         {"number", "CERT-" + no},
                                         {"issuer", "浙江省应急管理厅"},
                                         {"issued_on", "2025-01-01"},
                                         {"expires_on", "2030-12-31"}},
                            admin);
          if (c2.status != 201 && c2.status != 200) {
            die("create certificate: " + std::to_string(c2.status) + " " +
                json::serialize(c2.body));
          }
          guardians[static_cast<std::size_t>(i)] = id;
        }
      });
    }
    for (auto& t : threads) {
      t.join();
    }
  }

  // The common window start T: after phase A (--lead seconds, default 30 + N/4).
  const auto sys_now = std::chrono::system_clock::now();
  const int lead_s = lead > 0 ? lead : 30 + n / 4;  // phase A took 65–160 ms per permit
  const auto window_from =
      std::chrono::ceil<std::chrono::minutes>(sys_now + std::chrono::seconds(lead_s));
  const auto window_to = window_from + std::chrono::hours(2);
  std::fprintf(stderr, "bench_permits: %d lifecycles, %d clients, windows from %s\n", n, clients,
               rfc3339(window_from).c_str());

  std::vector<std::unique_ptr<Client>> pool;
  for (int c = 0; c < clients; ++c) {
    pool.push_back(std::make_unique<Client>(host, port, answers == "minimal"));
  }
  std::vector<std::int64_t> ids(static_cast<std::size_t>(n));
  std::atomic<int> errors{0};
  std::mutex err_mutex;
  std::string first_error;
  auto fail = [&](const std::string& what, const Reply& r) {
    ++errors;
    std::lock_guard lock(err_mutex);
    if (first_error.empty()) {
      first_error = what + " → " + std::to_string(r.status) + " " + json::serialize(r.body);
    }
    return false;
  };
  auto ok = [](const Reply& r) { return r.status == 200 || r.status == 201; };
  auto runPhase = [&](const std::function<bool(Client&, int)>& lifecycle_part) {
    std::atomic<int> next{0};
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([&, c] {
        pthread_setname_np(pthread_self(), "bench-client");
        for (int i = next++; i < n; i = next++) {
          if (ids[static_cast<std::size_t>(i)] >= 0) {
            if (!lifecycle_part(*pool[static_cast<std::size_t>(c)], i)) {
              ids[static_cast<std::size_t>(i)] = -1;
            }
          }
        }
      });
    }
    for (auto& t : threads) {
      t.join();
    }
  };

  // A drawn signature is a PNG from the phone's canvas; a real PNG of a few KiB stands in for
  // it (a QR code: the server checks the type and size, not the strokes).
  std::string signature_png;
  if (signature_kind == "image") {
    auto png = anguan::report::qrPng(std::string(300, 'S'), 6);
    if (!png) {
      die("signature image: " + png.error().message());
    }
    signature_png = *png;
  }
  const json::object signature =
      signature_kind == "password"
          ? json::object{{"kind", "password"}, {"password", kPassword}}
          : json::object{{"kind", "image"},
                         {"image_png_base64", anguan::crypto::base64Encode(signature_png)}};
  // The in-process store's commits while measuring (phases A and B only).
  auto storeStats = [&] { return app ? app->store->stats() : anguan::store::StoreStats{}; };
  const auto store_a0 = storeStats();
  const auto a0 = Clock::now();
  const double cpu_a0 = cpuSeconds();
  const double switches_a0 = switchesSoFar();
  runPhase([&](Client& cl, int i) -> bool {
    const json::object plan{{"type", "hot_work"},
                            {"title", "bench hot work " + std::to_string(i)},
                            {"area_id", area},
                            {"from", rfc3339(window_from)},
                            {"to", rfc3339(window_to)},
                            {"leader_id", leader},
                            {"guardian_id", guardians[static_cast<std::size_t>(i)]},
                            {"worker_ids", json::array{worker}},
                            {"conditions", json::object{{"continuous_monitor", true}}},
                            {"fields", json::object{{"hot_location", "维修车间焊接平台"},
                                                    {"hot_method", "electric_welding"},
                                                    {"worker_cert_numbers", "T330001"}}}};
    auto r = cl.call("create", http::verb::post, "/api/v1/permits", plan, planner);
    if (!ok(r)) {
      return fail("create", r);
    }
    const std::int64_t id = r.body.at("id").as_int64();
    ids[static_cast<std::size_t>(i)] = id;
    const std::string base = "/api/v1/permits/" + std::to_string(id);
    r = cl.call("submit", http::verb::post, base + "/submit",
                json::object{{"overrides", json::object{}}}, planner);
    if (r.status == 400 && r.body.is_object() && r.body.as_object().contains("error")) {
      // Warnings (e.g. a maintenance window in the area) need a recorded reason.
      json::object overrides;
      if (const auto* d = r.body.at("error").as_object().if_contains("details");
          d != nullptr && d->is_object()) {
        for (const auto& kv : d->as_object()) {
          const std::string text =
              kv.value().is_string() ? std::string(kv.value().as_string()) : "";
          if (const auto at = text.find(" [warn]"); at != std::string::npos) {
            overrides[text.substr(0, at)] = "已与设备管理部确认，检修窗口内不在同一设备作业";
          }
        }
      }
      r = cl.call("submit", http::verb::post, base + "/submit",
                  json::object{{"overrides", overrides}}, planner);
    }
    if (!ok(r)) {
      return fail("submit", r);
    }
    for (int guard = 0; guard < 8 && str(r.body, "state") == "in_approval"; ++guard) {
      // The open step's role: in the summary and in the detail alike.
      std::string role;
      if (const auto* w = r.body.as_object().if_contains("waiting_roles");
          w != nullptr && w->is_array() && !w->as_array().empty() &&
          w->as_array().front().is_string()) {
        role = std::string(w->as_array().front().as_string());
      }
      auto it = approver.find(role);
      if (it == approver.end()) {
        return fail("approve (no account for role " + role + ")", r);
      }
      r = cl.call("approve", http::verb::post, base + "/approve",
                  json::object{{"comment", "同意"},
                               {"signature", signature},
                               {"location", json::object{{"lat", 29.94}, {"lng", 121.85}}}},
                  it->second);
      if (!ok(r)) {
        return fail("approve", r);
      }
    }
    if (str(r.body, "state") != "issued") {
      return fail("issue", r);
    }
    // One sampling with a multi-gas detector: flammables (LEL 5 % vol) and oxygen in one call.
    const json::object gas{
        {"sampled_at", rfc3339(std::chrono::system_clock::now())},
        {"readings",
         json::array{
             json::object{
                 {"gas", "flammable"}, {"value", 0.05}, {"unit", "%vol"}, {"lel_percent", 5.0}},
             json::object{{"gas", "o2"}, {"value", 20.8}, {"unit", "%vol"}}}},
        {"point", "焊点"},
        {"instrument", "MX6-01"}};
    r = cl.call("gas_test", http::verb::post, base + "/gas-tests", gas, planner);
    if (!ok(r) || !r.body.at("pass").as_bool()) {
      return fail("gas test", r);
    }
    r = cl.call("measures", http::verb::post, base + "/measures", json::object{{"items", measures}},
                planner);
    if (!ok(r)) {
      return fail("measures", r);
    }
    r = cl.call("briefing", http::verb::post, base + "/briefing",
                json::object{{"giver", "张伟"}, {"receivers", json::array{"孙涛"}}}, planner);
    if (!ok(r)) {
      return fail("briefing", r);
    }
    r = cl.call("shift_check", http::verb::post, base + "/shift-check", json::object{},
                approver["approver_unit"]);
    if (!ok(r)) {
      return fail("shift check", r);
    }
    return true;
  });
  const double phase_a = std::chrono::duration<double>(Clock::now() - a0).count();
  const double cpu_a = cpuSeconds() - cpu_a0;
  const double switches_a = switchesSoFar() - switches_a0;
  const auto store_a1 = storeStats();
  const auto now_sys = std::chrono::system_clock::now();
  const double waited = std::max(0.0, std::chrono::duration<double>(window_from - now_sys).count());
  std::fprintf(stderr, "bench_permits: phase A %.1f s (%d errors); waiting %.0f s for the window\n",
               phase_a, errors.load(), waited);
  if (now_sys > window_from) {
    std::fprintf(stderr, "bench_permits: phase A overran the window start; raise --lead\n");
  }
  std::this_thread::sleep_until(window_from + std::chrono::milliseconds(200));

  const auto store_b0 = storeStats();
  const auto b0 = Clock::now();
  const double cpu_b0 = cpuSeconds();
  const double switches_b0 = switchesSoFar();
  runPhase([&](Client& cl, int i) -> bool {
    const std::string base = "/api/v1/permits/" + std::to_string(ids[static_cast<std::size_t>(i)]);
    auto r = cl.call("start", http::verb::post, base + "/start", json::object{}, planner);
    if (!ok(r)) {
      return fail("start", r);
    }
    r = cl.call("complete", http::verb::post, base + "/complete", json::object{}, planner);
    if (!ok(r)) {
      return fail("complete", r);
    }
    r = cl.call(
        "acceptance", http::verb::post, base + "/acceptance",
        json::object{{"items", closeout}, {"comment", "验收合格"}, {"signature", signature}},
        approver["approver_unit"]);
    if (!ok(r)) {
      return fail("acceptance", r);
    }
    r = cl.call("review", http::verb::post, base + "/review",
                json::object{{"lessons", "按方案执行，无异常"}}, planner);
    if (!ok(r)) {
      return fail("review", r);
    }
    r = cl.call("close", http::verb::post, base + "/close", json::object{}, planner);
    if (!ok(r) || str(r.body, "state") != "closed") {
      return fail("close", r);
    }
    return true;
  });
  const double phase_b = std::chrono::duration<double>(Clock::now() - b0).count();
  const double cpu_b = cpuSeconds() - cpu_b0;
  const double switches_b = switchesSoFar() - switches_b0;
  const auto store_b1 = storeStats();
  const auto writes = (store_a1.writes_committed - store_a0.writes_committed) +
                      (store_b1.writes_committed - store_b0.writes_committed);
  const auto batches = (store_a1.write_batches - store_a0.write_batches) +
                       (store_b1.write_batches - store_b0.write_batches);

  int done = 0;
  for (auto id : ids) {
    done += id > 0 ? 1 : 0;
  }
  std::map<std::string, std::vector<double>> all;
  std::vector<double> every;
  for (const auto& c : pool) {
    for (const auto& [kind, v] : c->latencies) {
      all[kind].insert(all[kind].end(), v.begin(), v.end());
      every.insert(every.end(), v.begin(), v.end());
    }
  }
  json::object p99, p50, count;
  for (const auto& [kind, v] : all) {
    p99[kind] = std::round(percentile(v, 0.99) * 10) / 10;
    p50[kind] = std::round(percentile(v, 0.50) * 10) / 10;
    count[kind] = v.size();
  }
  const double busy = phase_a + phase_b;
  json::object out{
      {"bench", "permits"},
      {"backend", backend},
      {"lifecycles", done},
      {"errors", errors.load()},
      {"clients", clients},
      {"workers", server ? workers : 0},
      {"io_threads", server ? io_threads : 0},
      {"answers", answers},
      {"signature", signature_kind},
      {"signature_png_bytes", static_cast<std::int64_t>(signature_png.size())},
      {"lifecycles_per_s", std::round(done / busy * 10) / 10},
      {"calls_per_s", std::round(static_cast<double>(every.size()) / busy)},
      {"phase_a_s", std::round(phase_a * 100) / 100},
      {"phase_b_s", std::round(phase_b * 100) / 100},
      {"window_wait_s", std::round(waited)},
      // CPU seconds per wall second while measuring (2 = both cores busy), and
      // per lifecycle: what the in-process server and clients spent together.
      {"cpu_busy", std::round((cpu_a + cpu_b) / busy * 100) / 100},
      {"cpu_ms_per_lifecycle", std::round((cpu_a + cpu_b) / std::max(done, 1) * 1e4) / 10},
      {"switches_per_call",
       std::round((switches_a + switches_b) /
                  static_cast<double>(std::max<std::size_t>(every.size(), 1)) * 10) /
           10},
      // Committed writes and the commits (batches) that carried them, in-process only.
      {"writes_per_lifecycle",
       std::round(static_cast<double>(writes) / std::max(done, 1) * 10) / 10},
      {"writes_per_batch",
       std::round(static_cast<double>(writes) /
                  static_cast<double>(std::max<std::int64_t>(batches, 1)) * 10) /
           10},
      {"p99_ms_all", std::round(percentile(every, 0.99) * 10) / 10},
      {"p99_ms", p99},
      {"p50_ms", p50},
      {"calls", count}};
  if (!first_error.empty()) {
    out["first_error"] = first_error.substr(0, 400);
  }
  std::printf("%s\n", json::serialize(out).c_str());
  std::fflush(stdout);

  if (server) {
    server->stop();
    server_thread.join();
    server.reset();
    app.reset();
  }
  if (!tmp.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(tmp, ec);
  }
  return errors.load() == 0 ? 0 : 2;
}
