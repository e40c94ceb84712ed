// bench/ingest/http_ingest: sustained telemetry ingestion over HTTP (issue 5, Performance;
// docs/performance.md "Live monitoring ingestion").
//
//   bench_http_ingest [--db sqlite | postgresql://…] [--clients 2] [--seconds 15]
//                     [--batch 5000] [--sensors 1000] [--devices 50] [--store-rows 1000000]
//
// An in-process App (a fresh temporary SQLite file, or the PostgreSQL database given by --db or
// AG_TEST_PG_URL, which must be fresh) with the demo enterprise and the real HTTP server on a free
// loopback port. The registry gets --devices gas detectors with --sensors o2 sensors between them
// (created through the API) and a device token each. --clients threads, each with one keep-alive
// connection, then post batches of --batch readings (one device's sensors, consecutive seconds,
// values around 20.9 %vol with noise, timestamps unique and a few days old) for --seconds.
// Only readings the server acknowledged (200, "accepted") count.
//
// Baseline in the same run: the same number of rows (at most --store-rows) written with
// MonitorRepository::insertReadings alone, 50,000 rows a transaction (the pipeline's largest
// commit), so pipeline/store shows what decoding, cleaning, rules, roll-ups and HTTP cost.
//
// Prints ONE JSON line on stdout; progress goes to stderr. Not a test: nothing is asserted.
#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/json.hpp>
#include <sys/resource.h>

#include "anguan/api/server.hpp"

#include "app.hpp"
#include "support.hpp"

namespace {
using namespace bench_ingest;
struct ClientResult {
  std::int64_t accepted = 0, flagged = 0, batches = 0, refused = 0, errors = 0;
  std::vector<double> latencies_ms;
  std::string last_error;
};

}  // namespace
int main(int argc, char** argv) {
  std::string db = std::getenv("AG_TEST_PG_URL") ? std::getenv("AG_TEST_PG_URL") : "sqlite";
  int clients = 2;
  double seconds = 15;
  std::size_t batch = 5000;
  int sensors = 1000;
  int devices = 50;
  std::int64_t store_rows = 1'000'000;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--db") {
      db = next();
    } else if (a == "--clients") {
      clients = std::stoi(next());
    } else if (a == "--seconds") {
      seconds = std::stod(next());
    } else if (a == "--batch") {
      batch = std::stoul(next());
    } else if (a == "--sensors") {
      sensors = std::stoi(next());
    } else if (a == "--devices") {
      devices = std::stoi(next());
    } else if (a == "--store-rows") {
      store_rows = std::stoll(next());
    } else {
      std::fprintf(stderr,
                   "usage: bench_http_ingest [--db sqlite|URL] [--clients N] [--seconds S] "
                   "[--batch N] [--sensors N] [--devices N] [--store-rows N]\n");
      return 2;
    }
  }
  if (clients <= 0 || devices <= 0 || sensors < devices || batch == 0 || seconds <= 0) {
    die("bad sizes");
  }

  gBenchName = "bench_http_ingest";
  auto b = startApp(db);
  auto& app = b->app;
  const unsigned short port = b->port;
  std::vector<Device> devs = makeRegistry(port, devices, sensors);
  std::fprintf(stderr, "bench_http_ingest: %d devices, %d sensors; posting for %.0f s\n", devices,
               sensors, seconds);

  // Timestamps start six days ago (inside the 7-day max age) and advance a second per step.
  const std::int64_t base_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count() -
                               6LL * 86'400'000;

  std::vector<ClientResult> results(static_cast<std::size_t>(clients));
  const double cpu0 = cpuSeconds();
  const auto start = Steady::now();
  const auto deadline =
      start + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> threads;
  std::atomic<std::int64_t> last_done_ns{0};
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      ClientResult& out = results[static_cast<std::size_t>(c)];
      Client client(port);
      std::size_t k = 0;
      std::vector<std::size_t> mine;
      for (int d = c; d < devices; d += clients) {
        mine.push_back(static_cast<std::size_t>(d));
      }
      if (mine.empty()) {
        return;
      }
      while (Steady::now() < deadline) {
        Device& dev = devs[mine[k++ % mine.size()]];
        std::string body = telemetryBatch(dev, batch, base_ms);
        const auto t0 = Steady::now();
        auto rep = client.call(http::verb::post, "/api/v1/telemetry", std::move(body), dev.token);
        const auto t1 = Steady::now();
        ++out.batches;
        if (rep.status == 200) {
          out.latencies_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
          auto v = parse(rep.body);
          out.accepted += v.at("accepted").as_int64();
          out.flagged += v.at("flagged").as_int64();
        } else if (rep.status == 503) {
          ++out.refused;
        } else {
          ++out.errors;
          out.last_error = std::to_string(rep.status) + " " + rep.body.substr(0, 200);
        }
        const std::int64_t ns =
            std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - start).count();
        std::int64_t prev = last_done_ns.load();
        while (ns > prev && !last_done_ns.compare_exchange_weak(prev, ns)) {
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  const double elapsed = static_cast<double>(last_done_ns.load()) / 1e9;
  const double cpu = cpuSeconds() - cpu0;
  const double rss_mib = procStatusMiB("VmRSS:");
  const double hwm_mib = procStatusMiB("VmHWM:");
  ClientResult total;
  for (auto& cr : results) {
    total.accepted += cr.accepted;
    total.flagged += cr.flagged;
    total.batches += cr.batches;
    total.refused += cr.refused;
    total.errors += cr.errors;
    total.latencies_ms.insert(total.latencies_ms.end(), cr.latencies_ms.begin(),
                              cr.latencies_ms.end());
    if (!cr.last_error.empty()) {
      total.last_error = cr.last_error;
    }
  }
  if (total.errors > 0) {
    std::fprintf(stderr, "bench_http_ingest: %lld failed batches, last: %s\n",
                 static_cast<long long>(total.errors), total.last_error.c_str());
  }
  const double rate = elapsed > 0 ? static_cast<double>(total.accepted) / elapsed : 0;
  std::fprintf(stderr, "bench_http_ingest: pipeline %.0f readings/s (%lld in %.1f s)\n", rate,
               static_cast<long long>(total.accepted), elapsed);

  b->stopServer();

  // Baseline: the same rows through insertReadings alone, later timestamps.
  std::vector<std::int64_t> sensor_ids;
  for (const auto& d : devs) {
    sensor_ids.insert(sensor_ids.end(), d.sensor_ids.begin(), d.sensor_ids.end());
  }
  const std::int64_t rows =
      std::min<std::int64_t>(std::max<std::int64_t>(total.accepted, 50'000), store_rows);
  constexpr std::int64_t kPerTx = 50'000;
  std::vector<std::vector<anguan::store::ReadingRow>> txs;
  for (std::int64_t first = 0; first < rows; first += kPerTx) {
    std::vector<anguan::store::ReadingRow> v;
    for (std::int64_t i = first; i < std::min(rows, first + kPerTx); ++i) {
      const auto n = static_cast<std::int64_t>(sensor_ids.size());
      v.push_back({sensor_ids[static_cast<std::size_t>(i % n)],
                   base_ms + 3LL * 86'400'000 + (i / n) * 1000, 0,
                   20.8 + static_cast<double>(i % 21) / 100.0, 0});
    }
    txs.push_back(std::move(v));
  }
  const auto s0 = Steady::now();
  std::int64_t stored = 0;
  for (const auto& v : txs) {
    auto st = app->store->write([&](anguan::store::Transaction& tx) -> anguan::Status {
      AG_ASSIGN_OR_RETURN(auto n, tx.monitor().insertReadings(v));
      stored += n;
      return anguan::okStatus();
    });
    if (!st) {
      die("store baseline: " + st.error().message());
    }
  }
  const double store_secs = std::chrono::duration<double>(Steady::now() - s0).count();
  const double store_rate = static_cast<double>(stored) / store_secs;
  std::fprintf(stderr, "bench_http_ingest: store alone %.0f readings/s (%lld rows)\n", store_rate,
               static_cast<long long>(stored));

  std::printf(
      "{\"bench\":\"http_ingest\",\"backend\":\"%s\",\"clients\":%d,\"devices\":%d,"
      "\"sensors\":%d,\"batch\":%zu,\"seconds\":%.1f,\"batches\":%lld,\"accepted\":%lld,"
      "\"flagged\":%lld,\"refused_503\":%lld,\"errors\":%lld,\"readings_per_s\":%.0f,"
      "\"batch_ms\":{\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f},\"cpu_us_per_reading\":%.2f,"
      "\"rss_mib\":%.0f,\"peak_rss_mib\":%.0f,\"store_rows\":%lld,\"store_per_s\":%.0f,"
      "\"pipeline_over_store\":%.2f}\n",
      b->backend.c_str(), clients, devices, sensors, batch, elapsed,
      static_cast<long long>(total.batches), static_cast<long long>(total.accepted),
      static_cast<long long>(total.flagged), static_cast<long long>(total.refused),
      static_cast<long long>(total.errors), rate, percentile(total.latencies_ms, 0.5),
      percentile(total.latencies_ms, 0.99), percentile(total.latencies_ms, 1.0),
      total.accepted > 0 ? cpu * 1e6 / static_cast<double>(total.accepted) : 0.0, rss_mib, hwm_mib,
      static_cast<long long>(stored), store_rate, store_rate > 0 ? rate / store_rate : 0.0);
  return 0;
}
