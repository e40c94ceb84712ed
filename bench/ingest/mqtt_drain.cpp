// MQTT backlog drain: the ceiling of anguan's MQTT adapter (issue 5, "Performance").
//
// Starts Mosquitto with deploy/mosquitto/anguan.conf's limits, creates anguan's persistent session
// (QoS 1 subscription), stops it, queues N QoS 1 telemetry messages while it is offline, then
// starts MqttSubscriber with a handler that acks at once and times the drain. Prints one JSON line:
// {messages, seconds, msgs_per_s, cpu_us_per_msg, rss_mb, ...}. CPU is getrusage(RUSAGE_SELF) over
// the drain only (publishing is finished and its memory freed before it starts); the broker is
// another process. Storage is not included: this is the adapter's own cost.
//
//   ninja -C build bench_mqtt_drain && build/bench/ingest/bench_mqtt_drain [messages] [receive_max]
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include "anguan/core/broker_auth.hpp"
#include "anguan/ingest/mqtt_publisher.hpp"
#include "anguan/ingest/mqtt_subscriber.hpp"

#include "ingest/support/mosquitto_broker.hpp"

namespace {

using namespace anguan;
using namespace std::chrono_literals;

double cpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double rssMb() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stod(line.substr(6)) / 1024.0;
    }
  }
  return 0;
}

// CPU seconds (user + system) of each thread of this process, by thread id.
std::map<std::string, double> threadCpu() {
  std::map<std::string, double> out;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream in(entry.path() / "stat");
    std::string stat;
    std::getline(in, stat);
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string f;
    double utime = 0;
    double stime = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i) {
      if (i == 14) {
        utime = std::stod(f);
      } else if (i == 15) {
        stime = std::stod(f);
      }
    }
    out[entry.path().filename().string()] = (utime + stime) / tick;
  }
  return out;
}

int fail(const std::string& what) {
  std::fprintf(stderr, "bench_mqtt_drain: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::stoul(argv[1]) : 200'000;
  const auto receive_maximum = static_cast<std::uint16_t>(argc > 2 ? std::stoul(argv[2]) : 4096);
  const bool shared = argc > 3 && std::string(argv[3]) == "shared";

  ingest::testing::MosquittoBroker broker;
  auto passwords = broker::mosquittoPasswordFile({{"anguan", broker::mosquittoPasswordHash("svc")},
                                                  {"dev1", broker::mosquittoPasswordHash("dev")}});
  auto acl = broker::mosquittoAcl("anguan", {{"dev1", "GD-001"}});
  if (!passwords || !acl) {
    return fail("cannot generate broker files");
  }
  try {
    broker.configure(ingest::testing::shippedLimits(), *passwords, *acl);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  if (!broker.start()) {
    return fail("mosquitto did not start: " + broker.log());
  }

  ingest::MqttSubscriberOptions options;
  options.port = broker.port();
  options.client_id = "anguan-bench";
  options.username = "anguan";
  options.password = "svc";
  options.receive_maximum = receive_maximum;
  options.filters = {shared ? "$share/anguan/anguan/+/+/telemetry" : "anguan/+/+/telemetry"};

  {  // Create the persistent session and its subscription, then go offline.
    ingest::MqttSubscriber once(options, [](ingest::MqttMessage&&) {});
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (once.stats().subscribed == 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
    }
    if (once.stats().subscribed == 0) {
      return fail("could not subscribe: " + broker.log());
    }
  }

  const auto publish_start = std::chrono::steady_clock::now();
  {
    ingest::MqttPublisherOptions po;
    po.port = broker.port();
    po.client_id = "dev1";
    po.username = "dev1";
    po.password = "dev";
    auto pub = ingest::MqttPublisher::connect(po);
    if (!pub) {
      return fail("publisher: " + pub.error().message());
    }
    std::vector<ingest::OutgoingMessage> batch;
    batch.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto ts = 1'764'370'000'000 + static_cast<long long>(i) * 10;
      batch.push_back({"anguan/site1/GD-001/telemetry",
                       R"({"ts":)" + std::to_string(ts) + R"(,"sensor":"GD-001-CH4","v":)" +
                           std::to_string(10 + static_cast<int>(i % 20)) + R"(.5,"u":"%LEL"})"});
    }
    auto report = (*pub)->publish(batch, 1);
    if (!report || report->accepted != n) {
      return fail("publishing failed");
    }
  }
  const double publish_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - publish_start).count();

  std::mutex mutex;
  std::condition_variable done;
  std::atomic<std::size_t> count{0};
  std::atomic<ingest::MqttSubscriber*> self{nullptr};
  const auto threads0 = threadCpu();
  const double cpu0 = cpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  ingest::MqttSubscriber sub(options, [&](ingest::MqttMessage&& m) {
    self.load(std::memory_order_relaxed)->ack(m.token);
    if (++count == n) {
      std::lock_guard lock(mutex);
      done.notify_all();
    }
  });
  self = &sub;
  {
    // Waits for all of them, or gives up after 10 s without progress (the JSON line then shows
    // received < messages and the exit status is 1).
    std::unique_lock lock(mutex);
    std::size_t last = 0;
    auto last_progress = std::chrono::steady_clock::now();
    while (!done.wait_for(lock, 1s, [&] { return count.load() >= n; })) {
      if (count.load() != last) {
        last = count.load();
        last_progress = std::chrono::steady_clock::now();
      } else if (std::chrono::steady_clock::now() - last_progress > 10s) {
        break;
      }
    }
  }
  const auto t1 = std::chrono::steady_clock::now();
  const double cpu1 = cpuSeconds();
  // The busiest thread during the drain: the subscriber's I/O thread (the handler runs on it).
  double io_thread_cpu = 0;
  for (const auto& [tid, cpu] : threadCpu()) {
    const auto before = threads0.find(tid);
    io_thread_cpu = std::max(io_thread_cpu, cpu - (before == threads0.end() ? 0 : before->second));
  }
  const double rss = rssMb();
  const auto stats = sub.stats();
  sub.stop();

  const double seconds = std::chrono::duration<double>(t1 - t0).count();
  const auto got = count.load();
  std::printf(
      "{\"bench\":\"mqtt_drain\",\"messages\":%zu,\"received\":%zu,\"seconds\":%.3f,"
      "\"msgs_per_s\":%.0f,\"cpu_us_per_msg\":%.2f,\"rss_mb\":%.1f,\"receive_maximum\":%u,"
      "\"filter\":\"%s\",\"bytes\":%llu,\"reads\":%llu,\"io_thread_cpu_us_per_msg\":%.2f,\"publish_"
      "seconds\":%.3f}\n",
      n, got, seconds, static_cast<double>(got) / seconds,
      (cpu1 - cpu0) * 1e6 / static_cast<double>(got ? got : 1), rss, receive_maximum,
      options.filters[0].c_str(), static_cast<unsigned long long>(stats.bytes),
      static_cast<unsigned long long>(stats.reads),
      io_thread_cpu * 1e6 / static_cast<double>(got ? got : 1), publish_s);
  return got == n ? 0 : 1;
}
