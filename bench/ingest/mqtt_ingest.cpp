// bench/ingest/mqtt_ingest: drain of an MQTT backlog through the whole pipeline (issue 5,
// Performance; docs/performance.md "Live monitoring ingestion").
//
//   bench_mqtt_ingest [--db sqlite | postgresql://…] [--messages 200000] [--devices 20]
//                     [--readings-per-message 1]
//
// An in-process App (as bench_http_ingest) with --devices gas detectors, one o2 sensor each and a
// token each; Mosquitto (the test helper) with deploy/mosquitto/anguan.conf's limits and the
// password and ACL files MonitorService::mosquittoFiles generates. MqttIngest first creates
// anguan's persistent session and goes away; each device then publishes its share of --messages
// QoS 1 telemetry messages (unique timestamps 100 ms apart, values around 20.9 %vol) with its
// own credentials while anguan is offline. Then MqttIngest starts again and the drain is timed
// until the pipeline has stored every reading (MonitorService::stats().readings), with
// getrusage(RUSAGE_SELF) over the drain only: decode, cleaning, rules, the group-committed
// writes (claims included) and the PUBACKs. The broker is another process (not counted).
//
// Prints ONE JSON line on stdout; progress goes to stderr. Exits 1 if the drain stalls 10 s.
#include "anguan/ingest/mqtt_ingest.hpp"

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "anguan/core/broker_auth.hpp"
#include "anguan/ingest/mqtt_publisher.hpp"

#include "broker_support.hpp"

namespace {
using namespace bench_ingest;
using namespace std::chrono_literals;

}  // namespace

int main(int argc, char** argv) {
  gBenchName = "bench_mqtt_ingest";
  std::string db = std::getenv("AG_TEST_PG_URL") ? std::getenv("AG_TEST_PG_URL") : "sqlite";
  std::int64_t messages = 200'000;
  int devices = 20;
  int per_message = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--db") {
      db = next();
    } else if (a == "--messages") {
      messages = std::stoll(next());
    } else if (a == "--devices") {
      devices = std::stoi(next());
    } else if (a == "--readings-per-message") {
      per_message = std::stoi(next());
    } else {
      std::fprintf(stderr,
                   "usage: bench_mqtt_ingest [--db sqlite|URL] [--messages N] [--devices N] "
                   "[--readings-per-message N]\n");
      return 2;
    }
  }
  if (messages <= 0 || devices <= 0 || per_message <= 0) {
    die("bad sizes");
  }

  auto b = startApp(db);
  auto& app = b->app;
  std::vector<Device> devs = makeRegistry(b->port, devices, devices);

  anguan::ingest::testing::MosquittoBroker broker;
  startBroker(broker, *app->monitor);

  {  // anguan's persistent session, then offline.
    anguan::ingest::MqttIngest once(*app->monitor, ingestOptions(broker.port()));
    const auto deadline = Steady::now() + 10s;
    while (once.stats().subscriber.subscribed == 0 && Steady::now() < deadline) {
      std::this_thread::sleep_for(10ms);
    }
    if (once.stats().subscriber.subscribed == 0) {
      die("could not subscribe: " + broker.log());
    }
    once.stop();
  }

  const std::int64_t base_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count() -
                               86'400'000;
  const auto publish_start = Steady::now();
  std::int64_t published = 0;
  for (int d = 0; d < devices; ++d) {
    Device& dev = devs[static_cast<std::size_t>(d)];
    const std::int64_t share = messages / devices + (d < messages % devices ? 1 : 0);
    anguan::ingest::MqttPublisherOptions po;
    po.port = broker.port();
    po.client_id = "pub-" + dev.code;
    po.username = dev.code;
    po.password = dev.token.substr(std::string("Device ").size());
    auto pub = anguan::ingest::MqttPublisher::connect(po);
    if (!pub) {
      die("publisher: " + pub.error().message());
    }
    std::vector<anguan::ingest::OutgoingMessage> batch;
    batch.reserve(static_cast<std::size_t>(share));
    const std::string topic = "anguan/p1/" + dev.code + "/telemetry";
    for (std::int64_t i = 0; i < share; ++i) {
      std::string p = "{\"readings\":[";
      for (int k = 0; k < per_message; ++k) {
        const std::int64_t step = i * per_message + k;
        if (k > 0) {
          p += ',';
        }
        p += "{\"sensor\":\"" + dev.sensor_codes[0] +
             "\",\"ts\":" + std::to_string(base_ms + step * 100) + ",\"value\":20." +
             std::to_string(80 + (step * 7919) % 21) + "}";
      }
      p += "]}";
      batch.push_back({topic, std::move(p)});
    }
    auto report = (*pub)->publish(batch, 1);
    if (!report || static_cast<std::int64_t>(report->accepted) != share) {
      die("publishing failed for " + dev.code + (report ? "" : ": " + report.error().message()));
    }
    published += share;
  }
  const double publish_s = std::chrono::duration<double>(Steady::now() - publish_start).count();
  std::fprintf(stderr, "bench_mqtt_ingest: %lld messages queued in %.1f s; draining\n",
               static_cast<long long>(published), publish_s);

  const std::int64_t readings0 = app->monitor->stats().readings;
  const std::int64_t expected = published * per_message;
  const double cpu0 = cpuSeconds();
  const auto t0 = Steady::now();
  auto ingest =
      std::make_unique<anguan::ingest::MqttIngest>(*app->monitor, ingestOptions(broker.port()));
  std::int64_t stored = 0;
  std::int64_t last = -1;
  auto last_progress = Steady::now();
  auto t1 = Steady::now();
  while (true) {
    stored = app->monitor->stats().readings - readings0;
    t1 = Steady::now();
    if (stored >= expected) {
      break;
    }
    if (stored != last) {
      last = stored;
      last_progress = t1;
    } else if (t1 - last_progress > 10s) {
      break;
    }
    std::this_thread::sleep_for(2ms);
  }
  const double cpu = cpuSeconds() - cpu0;
  const double rss = procStatusMiB("VmRSS:");
  const double hwm = procStatusMiB("VmHWM:");
  const auto ms = app->monitor->stats();
  const auto is = ingest->stats();
  ingest->stop();
  ingest.reset();
  const double secs = std::chrono::duration<double>(t1 - t0).count();
  const double msgs = static_cast<double>(stored) / per_message;
  std::printf(
      "{\"bench\":\"mqtt_ingest\",\"backend\":\"%s\",\"messages\":%lld,"
      "\"readings_per_message\":%d,\"stored_readings\":%lld,\"seconds\":%.3f,"
      "\"msgs_per_s\":%.0f,\"readings_per_s\":%.0f,\"cpu_us_per_msg\":%.2f,\"rss_mib\":%.0f,"
      "\"peak_rss_mib\":%.0f,\"commits\":%lld,\"flagged\":%lld,\"duplicates\":%lld,"
      "\"refused_full\":%lld,\"reads\":%llu,\"publish_seconds\":%.1f}\n",
      b->backend.c_str(), static_cast<long long>(published), per_message,
      static_cast<long long>(stored), secs, msgs / secs, static_cast<double>(stored) / secs,
      msgs > 0 ? cpu * 1e6 / msgs : 0.0, rss, hwm, static_cast<long long>(ms.commits),
      static_cast<long long>(ms.flagged), static_cast<long long>(ms.duplicates),
      static_cast<long long>(ms.refused_full), static_cast<unsigned long long>(is.subscriber.reads),
      publish_s);
  return stored >= expected ? 0 : 1;
}
