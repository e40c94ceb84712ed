// bench/monitor_store: the telemetry pipeline's writes straight through MonitorRepository
// (issue 5, Performance), without decoding, cleaning or rules: what the store alone can take.
//
//   bench_monitor_store [--rows 200000] [--tx 20] [--sensors 1000] [--pg URL | --no-pg]
//
// Each backend gets a fresh database (a temporary SQLite file in WAL with synchronous=FULL, as
// production; a throwaway PostgreSQL schema when --pg or AG_TEST_PG_URL is given) and two runs
// of --rows readings in --tx write transactions (rows/tx readings each, --sensors sensors
// reporting once a second, so a transaction holds rows/tx/sensors timestamps of every sensor):
//   readings  insertReadings only.
//   pipeline  what one batch of the pipeline writes: insertReadings, mergeRollups (a minute and
//             an hour bucket per sensor), upsertSensorStatus (one row per sensor) and
//             claimMessages (one claim per 10 readings, as if MQTT messages carried 10 readings).
// Rates are rows (readings) per second of wall time, commit included.
//
// Prints ONE JSON line on stdout; progress goes to stderr.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "anguan/domain/store/store.hpp"
#include "anguan/store/postgres/pg_store.hpp"
#include "anguan/store/sqlite/sqlite_store.hpp"

namespace {

using namespace anguan;
using Steady = std::chrono::steady_clock;

constexpr std::int64_t kT0 = 1'780'000'000'000;

[[noreturn]] void die(const std::string& what, const Error& e) {
  std::fprintf(stderr, "bench_monitor_store: %s: %s %s\n", what.c_str(), e.key().c_str(),
               e.message().c_str());
  std::exit(1);
}

struct Config {
  std::int64_t rows = 200'000;
  std::int64_t tx = 20;
  std::int64_t sensors = 1000;
};

// Readings of transaction `t`: every sensor at consecutive seconds, time-ordered.
std::vector<store::ReadingRow> batch(const Config& c, std::int64_t t, std::int64_t offset_ms) {
  const std::int64_t per_tx = c.rows / c.tx;
  std::vector<store::ReadingRow> rows;
  rows.reserve(static_cast<std::size_t>(per_tx));
  const std::int64_t first = t * per_tx;
  for (std::int64_t i = first; i < first + per_tx; ++i) {
    const std::int64_t second = i / c.sensors;
    const std::int64_t sensor = 1 + i % c.sensors;
    const double value = 20.0 + static_cast<double>((i * 7919) % 1000) / 100.0;
    rows.push_back({sensor, offset_ms + kT0 + second * 1000, 0, value, i % 97 == 0 ? 4 : 0});
  }
  return rows;
}

// Milliseconds spent inside each repository call of a run (wall time on the writer thread).
struct Stages {
  double claims = 0, readings = 0, rollups = 0, status = 0;
};

double msSince(Steady::time_point t) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t).count();
}

double runOne(store::Store& st, const Config& c, bool pipeline, std::int64_t offset_ms,
              Stages& stages) {
  std::vector<std::vector<store::ReadingRow>> batches;
  for (std::int64_t t = 0; t < c.tx; ++t) {
    batches.push_back(batch(c, t, offset_ms));
  }
  const auto start = Steady::now();
  std::int64_t stored = 0;
  for (const auto& rows : batches) {
    std::vector<store::RollupRow> rollups;
    std::vector<store::SensorStatusRow> status;
    std::vector<store::MessageClaim> claims;
    if (pipeline) {
      // What the pipeline hands over: per sensor one minute and one hour bucket, the last
      // value, and one claim per 10 readings (computed here outside the timing would flatter
      // nothing: it is part of the batch the pipeline builds before the transaction).
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        const bool valid = r.flags == 0;
        if (i < static_cast<std::size_t>(c.sensors)) {
          const std::int64_t minute = r.ts - r.ts % 60'000;
          const std::int64_t hour = r.ts - r.ts % 3'600'000;
          rollups.push_back({r.sensor_id, store::RollupResolution::kMinute, minute, r.value,
                             r.value, r.value, 1, valid ? 1 : 0});
          rollups.push_back({r.sensor_id, store::RollupResolution::kHour, hour, r.value, r.value,
                             r.value, 1, valid ? 1 : 0});
          status.push_back({r.sensor_id, r.ts, r.value, r.flags, valid ? r.ts : 0, r.value});
        }
        if (i % 10 == 0) {
          claims.push_back({r.sensor_id, static_cast<std::int64_t>(r.ts * 31 + r.sensor_id), r.ts});
        }
      }
    }
    auto s = st.write([&](store::Transaction& tx) -> Status {
      auto& m = tx.monitor();
      auto t = Steady::now();
      if (pipeline) {
        AG_ASSIGN_OR_RETURN(auto fresh, m.claimMessages(claims));
        (void)fresh;
        stages.claims += msSince(t);
        t = Steady::now();
      }
      AG_ASSIGN_OR_RETURN(auto n, m.insertReadings(rows));
      stages.readings += msSince(t);
      stored += n;
      if (pipeline) {
        t = Steady::now();
        AG_RETURN_IF_ERROR(m.mergeRollups(rollups));
        stages.rollups += msSince(t);
        t = Steady::now();
        AG_RETURN_IF_ERROR(m.upsertSensorStatus(status));
        stages.status += msSince(t);
      }
      return okStatus();
    });
    if (!s) {
      die("write", s.error());
    }
  }
  const double secs = std::chrono::duration<double>(Steady::now() - start).count();
  if (stored != c.rows / c.tx * c.tx) {
    std::fprintf(stderr, "bench_monitor_store: stored %lld rows, expected %lld\n",
                 static_cast<long long>(stored), static_cast<long long>(c.rows / c.tx * c.tx));
    std::exit(1);
  }
  return static_cast<double>(stored) / secs;
}

std::string runBackend(store::Store& st, const std::string& name, const Config& c) {
  Stages only;
  const double readings = runOne(st, c, false, 0, only);
  std::fprintf(stderr, "%s readings: %.0f rows/s\n", name.c_str(), readings);
  // The pipeline run writes later timestamps into the same tables (they hold the first run's).
  Stages s;
  const double pipeline = runOne(st, c, true, 86'400'000, s);
  std::fprintf(stderr, "%s pipeline: %.0f rows/s\n", name.c_str(), pipeline);
  char buf[400];
  std::snprintf(buf, sizeof(buf),
                "{\"readings_per_s\":%.0f,\"pipeline_per_s\":%.0f,\"pipeline_ms\":{\"claims\":%.0f,"
                "\"readings\":%.0f,\"rollups\":%.0f,\"status\":%.0f}}",
                readings, pipeline, s.claims, s.readings, s.rollups, s.status);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  Config c;
  std::string pg_url = std::getenv("AG_TEST_PG_URL") ? std::getenv("AG_TEST_PG_URL") : "";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--rows") {
      c.rows = std::stoll(next());
    } else if (a == "--tx") {
      c.tx = std::stoll(next());
    } else if (a == "--sensors") {
      c.sensors = std::stoll(next());
    } else if (a == "--pg") {
      pg_url = next();
    } else if (a == "--no-pg") {
      pg_url.clear();
    } else {
      std::fprintf(stderr,
                   "usage: bench_monitor_store [--rows N] [--tx N] [--sensors N] "
                   "[--pg URL | --no-pg]\n");
      return 2;
    }
  }
  if (c.rows <= 0 || c.tx <= 0 || c.sensors <= 0 || c.rows < c.tx) {
    std::fprintf(stderr, "bench_monitor_store: bad sizes\n");
    return 2;
  }

  std::string sqlite_json;
  {
    const std::string path = (std::filesystem::temp_directory_path() /
                              ("anguan-bench-monitor-" + std::to_string(::getpid()) + ".db"))
                                 .string();
    {
      store::sqlite::Options o;
      o.path = path;
      auto st = store::sqlite::open(o);
      if (!st) {
        die("sqlite open", st.error());
      }
      sqlite_json = runBackend(**st, "sqlite", c);
    }
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code ec;
      std::filesystem::remove(path + suffix, ec);
    }
  }
  std::string pg_json = "null";
  if (!pg_url.empty()) {
    const std::string schema = "agbench_monitor_" + std::to_string(::getpid());
    store::postgres::Options o;
    o.url = pg_url;
    o.schema = schema;
    auto st = store::postgres::open(o);
    if (!st) {
      die("postgres open", st.error());
    }
    pg_json = runBackend(**st, "postgres", c);
    st->reset();
    (void)store::postgres::dropSchemaForTest(pg_url, schema);
  }
  std::printf(
      "{\"bench\":\"monitor_store\",\"rows\":%lld,\"transactions\":%lld,\"sensors\":%lld,"
      "\"sqlite\":%s,\"postgres\":%s}\n",
      static_cast<long long>(c.rows), static_cast<long long>(c.tx),
      static_cast<long long>(c.sensors), sqlite_json.c_str(), pg_json.c_str());
  return 0;
}
