// bench/ingest/alarm_latency: time from an MQTT publish of a dangerous reading to a WebSocket
// client receiving the alarm, with other telemetry in the background; and the RSS with 10,000
// live sensors (issue 5, Performance; docs/performance.md "Alarm latency and memory").
//
//   bench_alarm_latency [--db sqlite | postgresql://…] [--sensors 10000] [--devices 50]
//                       [--samples 200] [--trigger-rate 20] [--light 1000] [--load 0.8]
//                       [--probe-seconds 5]
//
// An in-process App (as bench_http_ingest) with the HTTP server; Mosquitto (the test helper)
// with deploy/mosquitto/anguan.conf's limits and the files MonitorService::mosquittoFiles writes;
// MqttIngest consuming from it, as `anguan serve --mqtt` does. The registry: --devices detectors
// with --sensors o2 sensors between them (the background), and one trigger device with
// 2 × --samples o2 sensors. Every sensor reports hourly, so silence raises no offline alarm.
//
// A WebSocket client (the demo admin) subscribes to monitor.alarms. A trigger thread publishes,
// --trigger-rate times a second, one QoS 1 message with one reading of 17.0 %vol (under the
// 19.5 %vol oxygen alarm level) for a sensor not used before; the latency of a sample is from
// just before that publish to the arrival of the alarm (state "raised") for that sensor.
//
//   1. light: background telemetry over HTTP at --light readings/s (batches of 100, paced);
//      every background sensor is written once before, so all of them are live.
//   2. probe: the maximum sustained HTTP rate, two clients flat out for --probe-seconds.
//   3. heavy: background at --load × that maximum (four paced clients, batches of 5,000).
//
// Prints ONE JSON line on stdout (latency p50/p99/max per phase, samples that never arrived
// within 5 s, background rates, VmRSS of the process after phase 1 (every sensor live at an
// ordinary rate) and VmRSS/VmHWM after phase 3 — the App, its pipeline and the bench's own
// clients; the broker is another process). Progress on stderr.
// Not a test: nothing is asserted.
#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/beast/websocket.hpp>

#include "anguan/core/broker_auth.hpp"
#include "anguan/ingest/mqtt_ingest.hpp"
#include "anguan/ingest/mqtt_publisher.hpp"

#include "broker_support.hpp"

namespace {
using namespace bench_ingest;
using namespace std::chrono_literals;
namespace websocket = beast::websocket;

std::int64_t wallMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Receives monitor.alarms and notes when each sensor's alarm was first seen raised.
class AlarmWatcher {
 public:
  AlarmWatcher(unsigned short port, const std::string& token) : ws_(ioc_) {
    try {
      ws_.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
      ws_.next_layer().socket().set_option(tcp::no_delay(true));
      ws_.handshake("127.0.0.1", "/api/v1/ws?token=" + token);
      ws_.write(asio::buffer(std::string(R"({"op":"subscribe","topic":"monitor.alarms"})")));
      beast::flat_buffer b;
      ws_.read(b);
      if (beast::buffers_to_string(b.data()).find("subscribed") == std::string::npos) {
        die("websocket: not subscribed");
      }
    } catch (const std::exception& e) {
      die(std::string("websocket: ") + e.what());
    }
    thread_ = std::thread([this] { loop(); });
  }
  ~AlarmWatcher() {
    stop_ = true;
    beast::error_code ec;
    ws_.next_layer().socket().shutdown(tcp::socket::shutdown_both, ec);
    if (thread_.joinable()) {
      thread_.join();
    }
  }
  std::optional<Steady::time_point> seen(const std::string& sensor) {
    std::lock_guard lock(mu_);
    auto it = seen_.find(sensor);
    if (it == seen_.end()) {
      return std::nullopt;
    }
    return it->second;
  }
  std::uint64_t messages() const { return messages_.load(); }

 private:
  void loop() {
    while (!stop_) {
      beast::flat_buffer b;
      beast::error_code ec;
      ws_.read(b, ec);
      if (ec) {
        return;
      }
      const auto now = Steady::now();
      ++messages_;
      auto v = parse(beast::buffers_to_string(b.data()));
      if (!v.is_object()) {
        continue;
      }
      const auto* data = v.as_object().if_contains("data");
      if (data == nullptr || !data->is_object()) {
        continue;
      }
      const auto& o = data->as_object();
      const auto* code = o.if_contains("sensor_code");
      const auto* state = o.if_contains("state");
      const auto* condition = o.if_contains("condition");
      if (code == nullptr || state == nullptr || !code->is_string() || !state->is_string() ||
          state->as_string() != "raised" ||
          (condition != nullptr && condition->is_string() && condition->as_string() == "offline")) {
        continue;
      }
      std::lock_guard lock(mu_);
      seen_.emplace(std::string(code->as_string()), now);
    }
  }

  asio::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> messages_{0};
  std::mutex mu_;
  std::unordered_map<std::string, Steady::time_point> seen_;
};

// Background HTTP telemetry from `threads` clients, each over its share of the devices; paced to
// `rate` readings/s in all (0: flat out). Counts the readings the server accepted.
class Background {
 public:
  Background(unsigned short port, std::vector<Device>& devs, int threads, double rate,
             std::size_t batch, std::int64_t base_ms) {
    // No more clients than devices: each client posts for its own share of them.
    threads = std::min(threads, static_cast<int>(devs.size()));
    for (int t = 0; t < threads; ++t) {
      threads_.emplace_back([&devs, this, port, t, threads, rate, batch, base_ms] {
        Client c(port);
        std::vector<Device*> mine;
        for (std::size_t i = static_cast<std::size_t>(t); i < devs.size();
             i += static_cast<std::size_t>(threads)) {
          mine.push_back(&devs[i]);
        }
        const double per_thread = rate / threads;
        const auto start = Steady::now();
        std::uint64_t sent = 0;
        std::size_t next = 0;
        while (!stop_) {
          if (per_thread > 0) {
            const auto due = start + std::chrono::duration_cast<Steady::duration>(
                                         std::chrono::duration<double>(sent / per_thread));
            if (due > Steady::now()) {
              std::this_thread::sleep_until(std::min(due, Steady::now() + 50ms));
              continue;
            }
          }
          Device& d = *mine[next++ % mine.size()];
          auto r = c.call(http::verb::post, "/api/v1/telemetry", telemetryBatch(d, batch, base_ms),
                          d.token);
          sent += batch;
          if (r.status == 200) {
            accepted_ += static_cast<std::uint64_t>(intField(r.body, "accepted"));
          } else {
            ++refused_;
            if (r.status != 503) {
              std::fprintf(stderr, "bench_alarm_latency: background got %d: %.200s\n", r.status,
                           r.body.c_str());
            }
          }
        }
      });
    }
  }
  ~Background() { stop(); }
  void stop() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) {
        t.join();
      }
    }
  }
  std::uint64_t accepted() const { return accepted_.load(); }
  std::uint64_t refused() const { return refused_.load(); }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> accepted_{0}, refused_{0};
  std::vector<std::thread> threads_;
};

struct PhaseResult {
  double p50 = 0, p99 = 0, max = 0;
  int samples = 0, missing = 0;
  double background_rps = 0;
  std::uint64_t background_refused = 0;
};

// Publishes `n` triggers at `rate`/s from `trigger`'s sensors [first, first + n) while the
// background runs; then waits up to 5 s for the last alarms.
PhaseResult triggerPhase(anguan::ingest::MqttPublisher& pub, Device& trigger, std::size_t first,
                         int n, double rate, AlarmWatcher& watcher, Background& bg) {
  std::vector<Steady::time_point> sent(static_cast<std::size_t>(n));
  const std::string topic = "anguan/p1/" + trigger.code + "/telemetry";
  const auto bg0 = bg.accepted();
  const auto t0 = Steady::now();
  for (int i = 0; i < n; ++i) {
    std::this_thread::sleep_until(
        t0 + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(i / rate)));
    const std::string& code = trigger.sensor_codes[first + static_cast<std::size_t>(i)];
    std::string payload = "{\"readings\":[{\"sensor\":\"" + code + "\",\"ts\":";
    appendNumber(payload, wallMillis());
    payload += ",\"value\":17.0}]}";
    sent[static_cast<std::size_t>(i)] = Steady::now();
    auto rep = pub.publish({{topic, std::move(payload)}}, 1);
    if (!rep || rep->accepted != 1) {
      die("trigger publish failed" + (rep ? std::string() : ": " + rep.error().message()));
    }
  }
  const double trigger_s = std::chrono::duration<double>(Steady::now() - t0).count();
  PhaseResult r;
  r.background_rps = static_cast<double>(bg.accepted() - bg0) / trigger_s;
  const auto deadline = Steady::now() + 5s;
  std::vector<double> ms;
  for (int i = 0; i < n; ++i) {
    const std::string& code = trigger.sensor_codes[first + static_cast<std::size_t>(i)];
    std::optional<Steady::time_point> at;
    while (!(at = watcher.seen(code)) && Steady::now() < deadline) {
      std::this_thread::sleep_for(5ms);
    }
    if (!at) {
      ++r.missing;
      continue;
    }
    ms.push_back(
        std::chrono::duration<double, std::milli>(*at - sent[static_cast<std::size_t>(i)]).count());
  }
  r.samples = static_cast<int>(ms.size());
  if (!ms.empty()) {
    r.p50 = percentile(ms, 0.50);
    r.p99 = percentile(ms, 0.99);
    r.max = *std::max_element(ms.begin(), ms.end());
  }
  r.background_refused = bg.refused();
  return r;
}

json::object toJson(const PhaseResult& r) {
  auto us = [](double ms) { return static_cast<std::int64_t>(std::llround(ms * 1000.0)); };
  return json::object{{"p50_us", us(r.p50)},
                      {"p99_us", us(r.p99)},
                      {"max_us", us(r.max)},
                      {"samples", r.samples},
                      {"missing", r.missing},
                      {"background_readings_per_s", std::llround(r.background_rps)},
                      {"background_refused_batches", r.background_refused}};
}

}  // namespace

int main(int argc, char** argv) {
  gBenchName = "bench_alarm_latency";
  std::string db = std::getenv("AG_TEST_PG_URL") ? std::getenv("AG_TEST_PG_URL") : "sqlite";
  int sensors = 10'000;
  int devices = 50;
  int samples = 200;
  double trigger_rate = 20;
  double light = 1000;
  double load = 0.8;
  double probe_seconds = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : "0"; };
    if (a == "--db") {
      db = next();
    } else if (a == "--sensors") {
      sensors = std::stoi(next());
    } else if (a == "--devices") {
      devices = std::stoi(next());
    } else if (a == "--samples") {
      samples = std::stoi(next());
    } else if (a == "--trigger-rate") {
      trigger_rate = std::stod(next());
    } else if (a == "--light") {
      light = std::stod(next());
    } else if (a == "--load") {
      load = std::stod(next());
    } else if (a == "--probe-seconds") {
      probe_seconds = std::stod(next());
    } else {
      std::fprintf(stderr,
                   "usage: bench_alarm_latency [--db sqlite|URL] [--sensors N] [--devices N] "
                   "[--samples N] [--trigger-rate N] [--light N] [--load F] "
                   "[--probe-seconds S]\n");
      return 2;
    }
  }
  if (sensors < devices || devices <= 0 || samples <= 0 || trigger_rate <= 0 || light <= 0 ||
      load <= 0 || probe_seconds <= 0) {
    die("bad sizes");
  }

  auto b = startApp(db);
  auto& app = b->app;
  const auto reg0 = Steady::now();
  std::vector<Device> bg_devs = makeRegistry(b->port, devices, sensors, 3600, "BENCH");
  std::vector<Device> trig = makeRegistry(b->port, 1, 2 * samples, 3600, "TRIG");
  std::fprintf(stderr, "bench_alarm_latency: %d + %d sensors registered in %.1f s\n", sensors,
               2 * samples, std::chrono::duration<double>(Steady::now() - reg0).count());

  anguan::ingest::testing::MosquittoBroker broker;
  startBroker(broker, *app->monitor);
  anguan::ingest::MqttIngest ingest(*app->monitor, ingestOptions(broker.port()));
  {
    const auto deadline = Steady::now() + 10s;
    while (ingest.stats().subscriber.subscribed == 0 && Steady::now() < deadline) {
      std::this_thread::sleep_for(10ms);
    }
    if (ingest.stats().subscriber.subscribed == 0) {
      die("could not subscribe: " + broker.log());
    }
  }
  anguan::ingest::MqttPublisherOptions po;
  po.port = broker.port();
  po.client_id = "pub-" + trig[0].code;
  po.username = trig[0].code;
  po.password = trig[0].token.substr(std::string("Device ").size());
  auto pub = anguan::ingest::MqttPublisher::connect(po);
  if (!pub) {
    die("publisher: " + pub.error().message());
  }
  AlarmWatcher watcher(b->port, adminToken(b->port));

  // Every background sensor live: one pass over all of them.
  const std::int64_t base_ms = wallMillis() - 2 * 86'400'000LL;
  {
    Client c(b->port);
    for (auto& d : bg_devs) {
      auto r = c.call(http::verb::post, "/api/v1/telemetry",
                      telemetryBatch(d, d.sensor_codes.size(), base_ms), d.token);
      if (r.status != 200) {
        die("warm-up: " + r.body);
      }
    }
  }

  // 1. Light background.
  std::fprintf(stderr, "bench_alarm_latency: phase 1, %.0f readings/s in the background\n", light);
  PhaseResult light_r;
  {
    Background bg(b->port, bg_devs, 1, light, 100, base_ms);
    std::this_thread::sleep_for(1s);
    light_r = triggerPhase(**pub, trig[0], 0, samples, trigger_rate, watcher, bg);
  }
  // Memory with every sensor live at an ordinary rate (the 10,000-sensor target).
  const double rss_light = procStatusMiB("VmRSS:");

  // 2. Maximum sustained HTTP rate.
  double max_rps = 0;
  {
    Background bg(b->port, bg_devs, 2, 0, 5000, base_ms);
    std::this_thread::sleep_for(1s);
    const auto a0 = bg.accepted();
    const auto t0 = Steady::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(probe_seconds));
    max_rps = static_cast<double>(bg.accepted() - a0) /
              std::chrono::duration<double>(Steady::now() - t0).count();
  }
  std::fprintf(stderr, "bench_alarm_latency: maximum sustained %.0f readings/s; phase 3 at %.0f\n",
               max_rps, load * max_rps);

  // 3. Heavy background.
  PhaseResult heavy_r;
  {
    // Four paced clients: two fall behind the asked rate when each answer is slower than in
    // the probe.
    Background bg(b->port, bg_devs, 4, load * max_rps, 5000, base_ms);
    std::this_thread::sleep_for(2s);
    heavy_r = triggerPhase(**pub, trig[0], static_cast<std::size_t>(samples), samples, trigger_rate,
                           watcher, bg);
  }
  const double rss = procStatusMiB("VmRSS:");
  const double hwm = procStatusMiB("VmHWM:");

  json::object out{
      {"bench", "alarm_latency"},
      {"backend", b->backend},
      {"sensors", sensors + 2 * samples},
      {"trigger_rate_per_s", std::llround(trigger_rate)},
      {"light", toJson(light_r)},
      {"max_sustained_readings_per_s", std::llround(max_rps)},
      {"load_percent", std::llround(load * 100)},
      {"heavy", toJson(heavy_r)},
      {"ws_messages", watcher.messages()},
      {"rss_light_mib", std::llround(rss_light)},
      {"rss_mib", std::llround(rss)},
      {"hwm_mib", std::llround(hwm)},
      {"targets",
       json::object{{"light_p99_us", 50000}, {"heavy_p99_us", 500000}, {"rss_mib", 200}}}};
  std::printf("%s\n", json::serialize(out).c_str());
  std::fflush(stdout);
  (*pub)->disconnect();
  ingest.stop();
  return 0;
}
