// bench/hazards: the hazard ledger (台账) and the overdue scan that drives reminders, over N
// hazards (issue 4, Performance). See docs/performance.md "Hazard ledger".
//
//   bench_hazards [--n 200000] [--queries 400] [--sqlite PATH] [--pg URL | --no-pg]
//                 [--pg-schema NAME] [--keep] [--skip-load]
//
// --sqlite PATH keeps the SQLite file; --keep keeps the PostgreSQL schema (both for EXPLAIN);
// --skip-load times the queries over data a kept run loaded when the store already holds --n
// hazards (pass the same --sqlite / --pg-schema; "now" differs, so overdue figures shift a little).
//
// Loads N hazards straight through the repository (HazardRepository::insertHazard, 5,000 per
// transaction) into a fresh SQLite file and, when a PostgreSQL URL is given (--pg, or
// AG_TEST_PG_URL), into a fresh schema there (dropped afterwards). The data looks like a year
// of a large enterprise: 3 plants × 40 areas, 85 % closed, 4 % rejected, the rest open with
// deadlines, about a third of those overdue.
//
// Measured, each through the repository as the service calls it:
//   ledger   listHazards with the filters the desktop ledger sends — scope (a plant or the
//            company), state / level / area / type prefix / overdue / search, sorted by
//            reported_at, deadline or level, a random page of 50 — p50/p99 over --queries.
//   overdue  chaseCandidates(now + 24 h, 100000): every hazard owing a rectification with a
//            deadline before tomorrow (what hazards.deadlines walks) — p50/max over 20 runs.
//
// Prints ONE JSON line on stdout; progress goes to stderr.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <libpq-fe.h>
#include <unistd.h>

#include "anguan/domain/store/store.hpp"
#include "anguan/store/postgres/pg_store.hpp"
#include "anguan/store/sqlite/sqlite_store.hpp"

namespace {

namespace json = boost::json;
using namespace anguan;
using Steady = std::chrono::steady_clock;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;

const char* kPhrases[] = {
    "泵房东侧消防通道被杂物堵塞", "储罐区静电接地线松动未紧固", "配电室门口灭火器压力不足",
    "二层平台护栏缺失一段约两米", "高处作业人员未系挂安全带",   "动火点周边可燃物未清理干净",
    "受限空间入口未设置警示标识", "压力表超过检定有效期未更换", "吊装区域未设置警戒隔离",
    "临时用电线缆破损绝缘层外露", "车间照明不足且通风不良",     "作业许可证未在现场张贴公示"};
const char* kTypes[] = {"人.违章作业",   "人.未佩戴防护", "物.设备缺陷", "物.防护缺失", "物.泄漏",
                        "环境.照明通风", "环境.通道",     "管理.制度",   "管理.培训"};
constexpr int kPlants = 3;
constexpr int kAreasPerPlant = 40;

double ms(Steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double percentile(std::vector<double> v, double p) {
  if (v.empty()) {
    return 0;
  }
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

std::string plantPath(int plant) { return "/1/" + std::to_string(10 + plant) + "/"; }

void die(const std::string& what, const Error& e) {
  std::fprintf(stderr, "bench_hazards: %s: %s %s\n", what.c_str(), e.key().c_str(),
               e.message().c_str());
  std::exit(1);
}

// What autovacuum does to a table that grew by 200,000 rows some time before anyone reads the
// ledger: statistics, and the visibility map that lets index-only scans skip the heap. Right
// after a bulk load it has not caught up yet; the bench does it at once instead of waiting.
void vacuumAnalyze(const std::string& url, const std::string& schema) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) == CONNECTION_OK) {
    for (const char* table :
         {".hazards", ".hazard_counts", ".hazard_grams"}) {  // One per PQexec: no transaction.
      const std::string sql = "VACUUM ANALYZE " + schema + table;
      PGresult* res = PQexec(conn, sql.c_str());
      if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        std::fprintf(stderr, "bench_hazards: vacuum: %s", PQerrorMessage(conn));
      }
      PQclear(res);
    }
  }
  PQfinish(conn);
}

json::object run(store::Store& st, const std::string& name, int n, int queries, Instant now,
                 bool skip_load, const std::function<void()>& after_load = {}) {
  std::mt19937_64 rng(4242);
  auto pick = [&](int k) { return static_cast<int>(rng() % static_cast<unsigned>(k)); };

  // Load.
  const auto t_load = Steady::now();
  constexpr int kBatch = 5000;
  if (skip_load) {  // Only when a kept run already loaded this store.
    std::int64_t have = 0;
    (void)st.read([&](store::Transaction& tx) -> Status {
      store::HazardQuery all;
      all.page_size = 1;
      auto page = tx.hazards().listHazards(all);
      have = page ? page->total : 0;
      return okStatus();
    });
    skip_load = have >= n;
  }
  for (int done = skip_load ? n : 0; done < n;) {
    const int count = std::min(kBatch, n - done);
    auto st_load = st.write([&](store::Transaction& tx) -> Status {
      for (int i = 0; i < count; ++i) {
        store::HazardRow h;
        const int plant = pick(kPlants);
        h.org_path = plantPath(plant) + std::to_string(100 + pick(4)) + "/";
        h.area_id = 1 + plant * kAreasPerPlant + pick(kAreasPerPlant);
        h.type_code = kTypes[pick(9)];
        h.level = pick(500) == 0 ? hazard::Level::kMajor : hazard::Level::kGeneral;
        h.source = hazard::Source::kAdHoc;
        const Instant reported = now - minutes{pick(365 * 24 * 60)};
        // Realistic lengths (about 20 characters, so the search index holds ~20 pairs a
        // hazard); the searched term "泄漏" is in 2 % of them and in no phrase.
        h.description = std::string(kPhrases[pick(static_cast<int>(std::size(kPhrases)))]) + "（" +
                        std::to_string(done + i) + "）" + (pick(50) == 0 ? "，法兰泄漏" : "");
        h.reporter_user_id = 1 + pick(400);
        h.reporter_name = "reporter";
        h.discovered_at = reported - minutes{30};
        h.reported_at = reported;
        h.created_at = reported;
        const int roll = pick(100);
        if (roll < 4) {
          h.state = hazard::State::kRejected;
          h.reject_reason = "not a hazard";
        } else {
          h.assignee_person_id = 1 + pick(2000);
          h.assigned_at = reported + minutes{1};
          h.deadline = reported + days{h.level == hazard::Level::kMajor ? 30 : 7};
          if (roll < 89) {
            h.state = hazard::State::kClosed;
            h.closed_at = reported + hours{24 + pick(200)};
          } else {
            // Open: recent ones in time, a third of all open ones overdue.
            h.state = roll < 94
                          ? hazard::State::kRectifying
                          : (roll < 97 ? hazard::State::kAssigned : hazard::State::kSubmitted);
            if (roll % 3 != 0) {
              h.reported_at = now - minutes{pick(6 * 24 * 60)};
              h.created_at = h.reported_at;
              h.discovered_at = h.reported_at - minutes{30};
              h.assigned_at = h.reported_at + minutes{1};
              h.deadline = h.reported_at + days{7};
            }
          }
        }
        auto id = tx.hazards().insertHazard(h);
        if (!id) {
          return id.error();
        }
      }
      return okStatus();
    });
    if (!st_load) {
      die(name + " load", st_load.error());
    }
    done += count;
    std::fprintf(stderr, "\r%s: loaded %d", name.c_str(), done);
  }
  const double load_s = ms(Steady::now() - t_load) / 1000.0;
  std::fprintf(stderr, " in %.1f s\n", load_s);
  if (after_load) {
    after_load();
  }

  // Ledger queries, as the desktop ledger sends them.
  const std::vector<std::string> sorts = {"reported_at", "deadline", "level", "id"};
  std::vector<double> ledger;
  std::vector<std::vector<double>> by_shape(8);
  std::int64_t rows = 0;
  for (int q = 0; q < queries + 20; ++q) {
    store::HazardQuery query;
    query.scope_prefix = pick(3) == 0 ? "/1/" : plantPath(pick(kPlants));
    switch (q % 8) {
      case 0:  // everything, newest first
        break;
      case 1:  // open
        query.states = {hazard::State::kReported, hazard::State::kAssigned,
                        hazard::State::kRectifying, hazard::State::kSubmitted};
        break;
      case 2:  // overdue
        query.overdue_at = now;
        break;
      case 3:  // one area
        query.area_id = 1 + pick(kPlants * kAreasPerPlant);
        break;
      case 4:  // type prefix and a date range
        query.type_prefix = pick(2) == 0 ? "物" : "人";
        query.reported_from = now - days{90};
        query.reported_to = now - days{30};
        break;
      case 5:  // major
        query.level = hazard::Level::kMajor;
        break;
      case 6:  // closed in an area
        query.states = {hazard::State::kClosed};
        query.area_id = 1 + pick(kPlants * kAreasPerPlant);
        break;
      default:  // text search
        query.search = "泄漏";
        break;
    }
    query.sort = sorts[static_cast<std::size_t>(pick(static_cast<int>(sorts.size())))];
    query.sort_desc = pick(4) != 0;
    query.page = 1 + pick(5);
    query.page_size = 50;
    const auto t0 = Steady::now();
    auto s = st.read([&](store::Transaction& tx) -> Status {
      auto page = tx.hazards().listHazards(query);
      if (!page) {
        return page.error();
      }
      rows += static_cast<std::int64_t>(page->items.size());
      return okStatus();
    });
    if (!s) {
      die(name + " ledger", s.error());
    }
    if (q >= 20) {  // The first 20 warm the caches.
      ledger.push_back(ms(Steady::now() - t0));
      by_shape[static_cast<std::size_t>(q % 8)].push_back(ledger.back());
    }
  }

  // The overdue scan (the chase job's candidates: deadline before now + 24 h).
  std::vector<double> scan;
  std::size_t candidates = 0;
  std::size_t overdue = 0;
  for (int i = 0; i < 22; ++i) {
    const auto t0 = Steady::now();
    auto s = st.read([&](store::Transaction& tx) -> Status {
      auto found = tx.hazards().chaseCandidates(now + hours{24}, 100000);
      if (!found) {
        return found.error();
      }
      candidates = found->size();
      overdue = static_cast<std::size_t>(std::count_if(
          found->begin(), found->end(),
          [&](const store::HazardRow& h) { return h.deadline && *h.deadline < now; }));
      return okStatus();
    });
    if (!s) {
      die(name + " overdue scan", s.error());
    }
    if (i >= 2) {
      scan.push_back(ms(Steady::now() - t0));
    }
  }
  std::fprintf(stderr, "%s: ledger p99 %.2f ms, overdue scan max %.1f ms (%zu candidates)\n",
               name.c_str(), percentile(ledger, 0.99), *std::max_element(scan.begin(), scan.end()),
               candidates);
  // Per query shape (same order as the switch above): p50 / max, to see which shape sets p99.
  const char* kShapes[] = {"all",        "open",  "overdue",     "area",
                           "type_range", "major", "closed_area", "search"};
  json::object shapes;
  for (std::size_t i = 0; i < by_shape.size(); ++i) {
    if (!by_shape[i].empty()) {
      shapes[kShapes[i]] = json::array{percentile(by_shape[i], 0.5),
                                       *std::max_element(by_shape[i].begin(), by_shape[i].end())};
    }
  }
  return json::object{{"load_s", load_s},
                      {"ledger_by_shape_p50_max_ms", shapes},
                      {"ledger_queries", ledger.size()},
                      {"ledger_rows_returned", rows},
                      {"ledger_p50_ms", percentile(ledger, 0.50)},
                      {"ledger_p99_ms", percentile(ledger, 0.99)},
                      {"ledger_max_ms", *std::max_element(ledger.begin(), ledger.end())},
                      {"overdue_scan_p50_ms", percentile(scan, 0.50)},
                      {"overdue_scan_max_ms", *std::max_element(scan.begin(), scan.end())},
                      {"overdue_candidates", candidates},
                      {"overdue_now", overdue}};
}

}  // namespace

int main(int argc, char** argv) {
  int n = 200000;
  int queries = 400;
  std::string sqlite_path;
  std::string pg_schema;
  bool keep = false;
  bool skip_load = false;
  std::string pg_url = std::getenv("AG_TEST_PG_URL") ? std::getenv("AG_TEST_PG_URL") : "";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--n") {
      n = std::atoi(next().c_str());
    } else if (a == "--queries") {
      queries = std::atoi(next().c_str());
    } else if (a == "--sqlite") {
      sqlite_path = next();
    } else if (a == "--pg") {
      pg_url = next();
    } else if (a == "--no-pg") {
      pg_url.clear();
    } else if (a == "--pg-schema") {
      pg_schema = next();
    } else if (a == "--keep") {
      keep = true;
    } else if (a == "--skip-load") {
      skip_load = true;
    } else {
      std::fprintf(stderr,
                   "usage: bench_hazards [--n 200000] [--queries 400] [--sqlite PATH] "
                   "[--pg URL | --no-pg] [--pg-schema NAME] [--keep] [--skip-load]\n");
      return 2;
    }
  }
  const Instant now = SystemClock().now();
  json::object out{{"bench", "hazards"}, {"hazards", n}, {"page_size", 50}};

  const bool own_file = sqlite_path.empty();
  if (own_file) {
    sqlite_path = (std::filesystem::temp_directory_path() /
                   ("anguan-bench-hazards-" + std::to_string(::getpid()) + ".db"))
                      .string();
  }
  {
    store::sqlite::Options o;
    o.path = sqlite_path;
    auto st = store::sqlite::open(o);
    if (!st) {
      die("sqlite open", st.error());
    }
    out["sqlite"] = run(**st, "sqlite", n, queries, now, skip_load);
  }
  if (own_file) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code ec;
      std::filesystem::remove(sqlite_path + suffix, ec);
    }
  }
  if (!pg_url.empty()) {
    const std::string schema =
        pg_schema.empty() ? "agbench_hazards_" + std::to_string(::getpid()) : pg_schema;
    store::postgres::Options o;
    o.url = pg_url;
    o.schema = schema;
    auto st = store::postgres::open(o);
    if (!st) {
      die("postgres open", st.error());
    }
    out["postgres"] =
        run(**st, "postgres", n, queries, now, skip_load, [&] { vacuumAnalyze(pg_url, schema); });
    st->reset();
    if (keep) {
      std::fprintf(stderr, "postgres: kept schema %s\n", schema.c_str());
    } else {
      (void)store::postgres::dropSchemaForTest(pg_url, schema);
    }
  } else {
    out["postgres"] = nullptr;
  }
  std::printf("%s\n", json::serialize(out).c_str());
  return 0;
}
