// kill -9 during ingestion (issue 5, "Bad input and faults"): the real `anguan` binary consumes
// HTTP batches and QoS 1 MQTT messages from a real Mosquitto; it is killed with SIGKILL mid-stream
// and restarted on the same database and broker. Afterwards every HTTP batch that got a 200 is
// stored, and every MQTT message the broker acknowledged to the publisher is stored exactly once
// (a message redelivered after the crash is recognised by its claim, not stored again).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/json.hpp>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "anguan/core/broker_auth.hpp"
#include "anguan/ingest/mqtt_publisher.hpp"

#include "ingest/support/mosquitto_broker.hpp"

extern char** environ;

namespace anguan {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

fs::path anguanBinary() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) {
    return {};
  }
  return exe.parent_path().parent_path() / "anguan";
}

std::int64_t nowMillis() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A child process running `anguan`, stdout read through a pipe (line by line, on a thread so the
// child never blocks on it), stderr to a file.
class Child {
 public:
  Child(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
        const fs::path& stderr_file) {
    std::vector<std::string> env_text;
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string kv(*e);
      if (env.count(kv.substr(0, kv.find('='))) == 0) {
        env_text.push_back(kv);
      }
    }
    for (const auto& [k, v] : env) {
      env_text.push_back(k + "=" + v);
    }
    std::vector<char*> argv;
    for (const auto& a : args) {
      argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& e : env_text) {
      envp.push_back(e.data());
    }
    envp.push_back(nullptr);
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      return;
    }
    const int err_fd = ::open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      if (err_fd >= 0) {
        ::dup2(err_fd, 2);
      }
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    if (err_fd >= 0) {
      ::close(err_fd);
    }
    out_fd_ = fds[0];
    reader_ = std::thread([this] {
      char buf[4096];
      for (;;) {
        const ssize_t n = ::read(out_fd_, buf, sizeof buf);
        if (n <= 0) {
          break;
        }
        std::lock_guard lock(mu_);
        out_.append(buf, static_cast<std::size_t>(n));
      }
    });
  }
  ~Child() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      wait(seconds(5));
    }
    if (reader_.joinable()) {
      reader_.join();
    }
    if (out_fd_ >= 0) {
      ::close(out_fd_);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  std::string output() const {
    std::lock_guard lock(mu_);
    return out_;
  }
  // Waits until stdout contains `text`; false on time-out or exit.
  bool waitFor(const std::string& text, milliseconds timeout) {
    const auto end = steady_clock::now() + timeout;
    while (steady_clock::now() < end) {
      if (output().find(text) != std::string::npos) {
        return true;
      }
      if (exited_ || ::waitpid(pid_, &status_, WNOHANG) == pid_) {
        exited_ = true;
        return output().find(text) != std::string::npos;
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
    return false;
  }
  // Waits for the exit; the raw wait status, or -1 on time-out.
  int wait(milliseconds timeout) {
    const auto end = steady_clock::now() + timeout;
    while (!exited_) {
      if (::waitpid(pid_, &status_, WNOHANG) == pid_) {
        exited_ = true;
        break;
      }
      if (steady_clock::now() >= end) {
        return -1;
      }
      std::this_thread::sleep_for(milliseconds(10));
    }
    return status_;
  }
  void signal(int sig) const { ::kill(pid_, sig); }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int status_ = 0;
  bool exited_ = false;
  mutable std::mutex mu_;
  std::string out_;
  std::thread reader_;
};

struct HttpAnswer {
  unsigned status = 0;  // 0 = no answer (connection refused or reset).
  std::string body;
};

HttpAnswer httpRequest(unsigned short port, const std::string& method, const std::string& target,
                       const std::string& body, const std::string& authorization) {
  HttpAnswer out;
  try {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(seconds(10));
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!authorization.empty()) {
      req.set(http::field::authorization, authorization);
    }
    if (method == "POST") {
      req.set(http::field::content_type, "application/json");
      req.body() = body;
      req.prepare_payload();
    }
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 << 20);
    http::read(stream, buffer, parser);
    auto res = parser.release();
    out.status = res.result_int();
    out.body = res.body();
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  } catch (const std::exception&) {
    out.status = 0;
  }
  return out;
}

std::int64_t metric(const std::string& metrics_text, const std::string& name) {
  const auto pos = metrics_text.find("\n" + name + " ");
  if (pos == std::string::npos) {
    return -1;
  }
  return std::stoll(metrics_text.substr(pos + name.size() + 2));
}

// Read-only queries against the server's SQLite file (WAL: readable while the server writes).
class Db {
 public:
  explicit Db(const fs::path& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      sqlite3_close(db_);
      db_ = nullptr;
    } else {
      sqlite3_busy_timeout(db_, 5000);
    }
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  bool ok() const { return db_ != nullptr; }

  // The first column of the first row of `sql` with integer parameters bound in order.
  std::int64_t scalar(const std::string& sql, const std::vector<std::int64_t>& params = {}) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return -1;
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      sqlite3_bind_int64(st, static_cast<int>(i + 1), params[i]);
    }
    std::int64_t v = -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
      v = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return v;
  }
  std::int64_t sensorId(const std::string& code) {
    sqlite3_stmt* st = nullptr;
    std::int64_t v = -1;
    if (sqlite3_prepare_v2(db_, "SELECT id FROM sensors WHERE code = ?", -1, &st, nullptr) ==
        SQLITE_OK) {
      sqlite3_bind_text(st, 1, code.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(st) == SQLITE_ROW) {
        v = sqlite3_column_int64(st, 0);
      }
    }
    sqlite3_finalize(st);
    return v;
  }

 private:
  sqlite3* db_ = nullptr;
};

struct DemoDevice {
  std::string code;
  std::string site;
  std::string token;
  std::vector<std::string> sensors;
};

std::vector<DemoDevice> readDevices(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  std::vector<DemoDevice> out;
  boost::system::error_code ec;
  const json::value doc = json::parse(ss.str(), ec);
  if (ec || !doc.is_object()) {
    return out;
  }
  for (const auto& dv : doc.at("devices").as_array()) {
    const auto& o = dv.as_object();
    DemoDevice d;
    d.code = std::string(o.at("code").as_string());
    d.site = std::string(o.at("site").as_string());
    d.token = std::string(o.at("token").as_string());
    for (const auto& s : o.at("sensors").as_array()) {
      d.sensors.emplace_back(s.as_object().at("code").as_string());
    }
    out.push_back(std::move(d));
  }
  return out;
}

// Parses the port from "anguan: listening on http://HOST:PORT".
unsigned short listeningPort(const std::string& out) {
  const std::string marker = "listening on http://";
  const auto pos = out.find(marker);
  if (pos == std::string::npos) {
    return 0;
  }
  const auto colon = out.find(':', pos + marker.size());
  const auto eol = out.find('\n', colon);
  if (colon == std::string::npos || eol == std::string::npos) {
    return 0;
  }
  return static_cast<unsigned short>(std::stoi(out.substr(colon + 1, eol - colon - 1)));
}

std::string batchJson(const std::string& sensor, std::int64_t ts0, int n, double value) {
  json::array readings;
  for (int i = 0; i < n; ++i) {
    readings.push_back(json::object{{"sensor", sensor}, {"ts", ts0 + i}, {"value", value}});
  }
  return json::serialize(json::object{{"readings", std::move(readings)}});
}

struct AckedBatch {
  std::string sensor;
  std::int64_t ts0 = 0;
};

constexpr int kBatch = 50;
constexpr int kMqttMessages = 3000;

class IngestCrash : public ::testing::Test {
 protected:
  void SetUp() override {
    bin_ = anguanBinary();
    if (!fs::exists(bin_)) {
      GTEST_SKIP() << "the anguan binary is not at " << bin_
                   << " (build the `anguan` target to run this test)";
    }
    std::random_device rd;
    dir_ = fs::temp_directory_path() /
           ("anguan-crash-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty() && !HasFailure()) {
      fs::remove_all(dir_, ec);
    } else if (!dir_.empty()) {
      std::printf("[ crash ] kept %s for inspection\n", dir_.c_str());
    }
  }

  std::string db() const { return "sqlite:" + (dir_ / "a.db").string(); }

  std::unique_ptr<Child> serve(unsigned short broker_port) {
    return std::make_unique<Child>(
        std::vector<std::string>{bin_.string(), "serve", "--db", db(), "--http", "127.0.0.1:0",
                                 "--mqtt", "127.0.0.1:" + std::to_string(broker_port)},
        std::map<std::string, std::string>{{"ANGUAN_MQTT_USERNAME", "anguan"},
                                           {"ANGUAN_MQTT_PASSWORD", kServicePassword},
                                           {"ANGUAN_MQTT_CLIENT_ID", "anguan-crash"},
                                           {"ANGUAN_LOG_LEVEL", "info"}},
        dir_ / "serve.err");
  }

  static constexpr const char* kServicePassword = "svc-crash-secret";
  fs::path bin_;
  fs::path dir_;
};

TEST_F(IngestCrash, AfterKill9EveryAcknowledgedBatchIsStoredAndEveryQos1MessageExactlyOnce) {
  // 1. The demo enterprise and its device tokens.
  const auto t_demo = steady_clock::now();
  {
    Child demo({bin_.string(), "demo", "--db", db(), "--password", "anguan123", "--devices-file",
                (dir_ / "devices.json").string()},
               {}, dir_ / "demo.err");
    const int st = demo.wait(seconds(60));
    ASSERT_TRUE(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
        << "anguan demo failed (" << st << "): " << demo.output();
  }
  const auto demo_ms =
      std::chrono::duration_cast<milliseconds>(steady_clock::now() - t_demo).count();
  std::printf("[ crash ] anguan demo took %lld ms\n", static_cast<long long>(demo_ms));
  EXPECT_LT(demo_ms, 30000);
  const auto devices = readDevices(dir_ / "devices.json");
  // Two devices with sensors (the gateways have none): one for HTTP, one for MQTT.
  std::vector<const DemoDevice*> with_sensors;
  for (const auto& d : devices) {
    if (!d.sensors.empty()) {
      with_sensors.push_back(&d);
    }
  }
  ASSERT_GE(with_sensors.size(), 2u) << "devices.json has too few devices with sensors";
  const DemoDevice& http_dev = *with_sensors[0];
  const DemoDevice& mqtt_dev = *with_sensors[1];
  const std::string mqtt_sensor = mqtt_dev.sensors[0];

  // 2. Mosquitto with the shipped limits; the service user and one user per device.
  std::vector<broker::BrokerUser> users{
      {"anguan", broker::mosquittoPasswordHash(kServicePassword)}};
  std::vector<std::string> codes;
  for (const auto& d : devices) {
    users.push_back({d.code, broker::mosquittoPasswordHash(d.token)});
    codes.push_back(d.code);
  }
  auto pw = broker::mosquittoPasswordFile(users);
  ASSERT_TRUE(pw) << pw.error().message();
  auto acl = broker::mosquittoAclForCodes("anguan", codes);
  ASSERT_TRUE(acl) << acl.error().message();
  ingest::testing::MosquittoBroker broker;
  broker.configure(ingest::testing::shippedLimits(), *pw, *acl);
  ASSERT_TRUE(broker.start()) << broker.log();

  // 3. anguan serve.
  auto server = serve(broker.port());
  // Until the broker has granted the subscription it drops what the devices publish (a first
  // session has none yet): wait for it, not just for the start.
  ASSERT_TRUE(server->waitFor("mqtt: subscribed", seconds(30))) << server->output();
  const unsigned short port = listeningPort(server->output());
  ASSERT_NE(port, 0) << server->output();

  // 4. HTTP and MQTT ingestion in parallel; kill -9 in the middle.
  const std::int64_t base = nowMillis() - 10 * 60 * 1000;
  std::atomic<bool> stop_http{false};
  std::mutex acked_mu;
  std::vector<AckedBatch> acked;
  std::atomic<int> unanswered{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> http_threads;
  for (int t = 0; t < 2; ++t) {
    http_threads.emplace_back([&, t] {
      const std::string& sensor =
          http_dev.sensors[static_cast<std::size_t>(t) % http_dev.sensors.size()];
      // Each thread its own timestamp range, so (sensor, ts) is unique even on a shared sensor.
      std::int64_t ts = base + static_cast<std::int64_t>(t) * 10'000'000;
      while (!stop_http) {
        const auto r = httpRequest(port, "POST", "/api/v1/telemetry",
                                   batchJson(sensor, ts, kBatch, 20.5), "Device " + http_dev.token);
        if (r.status == 200) {
          std::lock_guard lock(acked_mu);
          acked.push_back({sensor, ts});
        } else if (r.status == 0) {
          ++unanswered;
          std::this_thread::sleep_for(milliseconds(5));
        } else {
          ++refused;
        }
        ts += kBatch;
      }
    });
  }
  const std::int64_t mqtt_base = base + 30'000'000;
  std::atomic<std::uint64_t> mqtt_accepted{0};
  std::string mqtt_error;
  std::thread mqtt_thread([&] {
    ingest::MqttPublisherOptions o;
    o.port = broker.port();
    o.client_id = "crash-pub";
    o.username = mqtt_dev.code;
    o.password = mqtt_dev.token;
    auto pub = ingest::MqttPublisher::connect(o);
    if (!pub) {
      mqtt_error = pub.error().message();
      return;
    }
    const std::string topic = "anguan/" + mqtt_dev.site + "/" + mqtt_dev.code + "/telemetry";
    // ~3 s of publishing in chunks of 100, so the kill lands in the middle.
    for (int i = 0; i < kMqttMessages; i += 100) {
      std::vector<ingest::OutgoingMessage> msgs;
      for (int j = i; j < i + 100 && j < kMqttMessages; ++j) {
        msgs.push_back({topic, batchJson(mqtt_sensor, mqtt_base + j, 1, 20.9)});
      }
      auto rep = (*pub)->publish(msgs, 1);
      if (!rep) {
        mqtt_error = rep.error().message();
        return;
      }
      mqtt_accepted += rep->accepted;
      std::this_thread::sleep_for(milliseconds(100));
    }
    (*pub)->disconnect();
  });

  std::this_thread::sleep_for(milliseconds(1700));
  const auto acked_before_kill = [&] {
    std::lock_guard lock(acked_mu);
    return acked.size();
  }();
  const auto mqtt_before_kill = mqtt_accepted.load();
  server->signal(SIGKILL);
  EXPECT_GE(server->wait(seconds(10)), 0);  // No ASSERT here: the ingest threads are running.
  // Let the HTTP threads hit the dead server (their in-flight batches are not acknowledged).
  std::this_thread::sleep_for(milliseconds(200));
  stop_http = true;
  for (auto& t : http_threads) {
    t.join();
  }
  mqtt_thread.join();
  server.reset();
  ASSERT_TRUE(mqtt_error.empty()) << mqtt_error;
  ASSERT_EQ(mqtt_accepted.load(), static_cast<std::uint64_t>(kMqttMessages));
  std::printf(
      "[ crash ] killed after %zu acknowledged HTTP batches and %llu of %d MQTT messages; "
      "%zu batches acknowledged in all, %d unanswered, %d refused\n",
      acked_before_kill, static_cast<unsigned long long>(mqtt_before_kill), kMqttMessages,
      acked.size(), unanswered.load(), refused.load());
  // The kill must have landed mid-stream for the test to mean anything.
  ASSERT_GT(acked_before_kill, 0u);
  ASSERT_LT(mqtt_before_kill, static_cast<std::uint64_t>(kMqttMessages));

  // 5. Restart on the same database and broker; wait until the MQTT sensor has every message.
  server = serve(broker.port());
  // The session (and its subscription) survived the kill; its queue comes after this line.
  ASSERT_TRUE(server->waitFor("mqtt: subscribed", seconds(30))) << server->output();
  const unsigned short port2 = listeningPort(server->output());
  ASSERT_NE(port2, 0) << server->output();
  Db dbq(dir_ / "a.db");
  ASSERT_TRUE(dbq.ok());
  const std::int64_t mqtt_sid = dbq.sensorId(mqtt_sensor);
  ASSERT_GT(mqtt_sid, 0);
  const std::string in_range =
      "SELECT count(DISTINCT ts) FROM readings WHERE sensor_id = ? AND ts >= ? AND ts < ?";
  const std::vector<std::int64_t> mqtt_range{mqtt_sid, mqtt_base, mqtt_base + kMqttMessages};
  const auto deadline = steady_clock::now() + seconds(20);
  while (dbq.scalar(in_range, mqtt_range) < kMqttMessages && steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(100));
  }
  // Let any late redelivery land before counting.
  std::this_thread::sleep_for(milliseconds(500));

  // 6. Every acknowledged HTTP batch is there.
  std::map<std::string, std::int64_t> sid;
  for (const auto& s : http_dev.sensors) {
    sid[s] = dbq.sensorId(s);
  }
  int missing_batches = 0;
  for (const auto& b : acked) {
    const auto n = dbq.scalar(
        "SELECT count(*) FROM readings WHERE sensor_id = ? AND ts >= ? AND ts < ? AND seq = 0",
        {sid[b.sensor], b.ts0, b.ts0 + kBatch});
    if (n != kBatch) {
      ++missing_batches;
      ADD_FAILURE() << "acknowledged batch " << b.sensor << "@" << b.ts0 << " has " << n << " of "
                    << kBatch << " readings";
    }
  }
  EXPECT_EQ(missing_batches, 0);

  // Every published QoS 1 message exactly once: one row per timestamp, none stored as a repeat.
  EXPECT_EQ(dbq.scalar(in_range, mqtt_range), kMqttMessages);
  EXPECT_EQ(dbq.scalar("SELECT count(*) FROM readings WHERE sensor_id = ? AND ts >= ? AND ts < ?",
                       mqtt_range),
            kMqttMessages);
  EXPECT_EQ(dbq.scalar("SELECT count(*) FROM readings WHERE sensor_id = ? AND ts >= ? AND ts < ? "
                       "AND seq <> 0",
                       mqtt_range),
            0);

  const auto metrics = httpRequest(port2, "GET", "/metrics", "", "");
  std::printf(
      "[ crash ] after restart: %lld redelivered message(s) recognised as duplicates, "
      "%lld batches / %lld readings ingested\n",
      static_cast<long long>(metric(metrics.body, "anguan_ingest_duplicates_total")),
      static_cast<long long>(metric(metrics.body, "anguan_ingest_batches_total")),
      static_cast<long long>(metric(metrics.body, "anguan_ingest_readings_total")));
  if (HasFailure()) {
    const std::string log = broker.log();
    std::printf("[ crash ] broker log (tail):\n%s\n",
                log.substr(log.size() > 4000 ? log.size() - 4000 : 0).c_str());
  }

  // 7. A clean stop.
  server->signal(SIGTERM);
  const int st = server->wait(seconds(15));
  EXPECT_TRUE(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
      << "anguan serve did not stop cleanly on SIGTERM (" << st << ")";
  broker.terminate();
}

}  // namespace
}  // namespace anguan
