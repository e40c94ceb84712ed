// libFuzzer target for the telemetry payload decoder (issue 5: everything a device sends is
// untrusted; a malformed payload is an error, never UB, a crash or a hang).
// MonitorService::decode() runs on a small registry (one org unit, one area, a gateway and a
// gas detector behind it, three sensors) in a temporary SQLite store, once as a batch
// (`{"readings":[...],"events":[...]}`, the HTTP body / MQTT telemetry topic) and once as a
// single event (the MQTT event topic), for the detector and for its gateway.
//
//   CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DAG_FUZZ=ON -DAG_BUILD_TESTS=OFF \
//     -DAG_BUILD_WEB=OFF -DCMAKE_BUILD_TYPE=Debug && ninja -C build-fuzz telemetry_fuzz
//   build-fuzz/fuzz/telemetry_fuzz -max_total_time=60 -timeout=5 fuzz/corpus/telemetry
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "anguan/core/clock.hpp"
#include "anguan/domain/base/schema.hpp"
#include "anguan/service/context.hpp"
#include "anguan/service/monitor_service.hpp"
#include "anguan/service/notification_service.hpp"
#include "anguan/service/permit_service.hpp"
#include "anguan/store/sqlite/sqlite_store.hpp"

namespace {

using namespace anguan;
using base::Record;
using base::Value;

// A fixed clock: "now" must not drift between runs, or a crash would not reproduce.
class FixedClock final : public Clock {
 public:
  Instant now() const override { return fromMillis(1795000000000LL); }  // 2026-11-17
};

struct World {
  FixedClock clock;
  service::Settings settings;
  service::NullEventPublisher events;
  store::StorePtr store;
  std::unique_ptr<service::NotificationService> notifications;
  std::unique_ptr<service::PermitService> permits;
  std::unique_ptr<service::MonitorService> monitor;
  service::DeviceRef detector;
  service::DeviceRef gateway;
};

World* g_world = nullptr;

[[noreturn]] void die(const char* what, const Error& e) {
  std::fprintf(stderr, "telemetry_fuzz: %s: %s\n", what, e.message().c_str());
  std::abort();
}

Record rec(std::initializer_list<std::pair<const std::string, Value>> values) {
  Record r;
  r.values = values;
  return r;
}

Status seed(store::Store& st, Instant now) {
  return st.write([&](store::Transaction& tx) -> Status {
    const auto* orgs = base::findSchema("org_units");
    const auto* areas = base::findSchema("areas");
    const auto* devices = base::findSchema("devices");
    const auto* sensors = base::findSchema("sensors");
    Record org = rec({{"name", std::string("Plant")},
                      {"code", std::string("P1")},
                      {"kind", std::string("plant")}});
    org.org_path = "/";
    AG_ASSIGN_OR_RETURN(Record o, tx.records().insert(*orgs, org, now));
    o.org_id = o.id;
    o.org_path = "/" + std::to_string(o.id) + "/";
    AG_ASSIGN_OR_RETURN(o, tx.records().update(*orgs, o, now));

    auto scoped = [&](Record r) {
      r.org_id = o.id;
      r.org_path = o.org_path;
      return r;
    };
    for (const char* code : {"A-1", "A-2"}) {
      AG_ASSIGN_OR_RETURN(Record a,
                          tx.records().insert(*areas,
                                              scoped(rec({{"name", std::string(code)},
                                                          {"code", std::string(code)},
                                                          {"org_id", o.id},
                                                          {"kind", std::string("tank_farm")},
                                                          {"fire_explosion_hazard", true}})),
                                              now));
      if (std::string_view(code) == "A-2") {
        break;
      }
      AG_ASSIGN_OR_RETURN(Record gw,
                          tx.records().insert(*devices,
                                              scoped(rec({{"name", std::string("GW")},
                                                          {"code", std::string("GW-1")},
                                                          {"kind", std::string("gateway")},
                                                          {"area_id", a.id},
                                                          {"active", true}})),
                                              now));
      AG_ASSIGN_OR_RETURN(Record gd,
                          tx.records().insert(*devices,
                                              scoped(rec({{"name", std::string("GD")},
                                                          {"code", std::string("GD-1")},
                                                          {"kind", std::string("gas_detector")},
                                                          {"area_id", a.id},
                                                          {"gateway_id", gw.id},
                                                          {"active", true}})),
                                              now));
      struct S {
        const char* code;
        const char* kind;
        std::int64_t device;
        bool active;
      };
      for (const S& s :
           {S{"GD-1-LEL", "combustible_lel", gd.id, true}, S{"GD-1-H2S", "h2s", gd.id, true},
            S{"GW-1-TT", "temperature", gw.id, true}, S{"GD-1-OFF", "h2s", gd.id, false}}) {
        AG_ASSIGN_OR_RETURN(Record sr,
                            tx.records().insert(*sensors,
                                                scoped(rec({{"name", std::string(s.code)},
                                                            {"code", std::string(s.code)},
                                                            {"device_id", s.device},
                                                            {"kind", std::string(s.kind)},
                                                            {"area_id", a.id},
                                                            {"interval_seconds", std::int64_t{10}},
                                                            {"active", s.active}})),
                                                now));
        (void)sr;
      }
    }
    return okStatus();
  });
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  auto* w = new World();  // Lives for the process; the pipeline threads keep running.
  store::sqlite::Options o;
  o.path = ":memory:";  // A temporary file the store deletes when it closes.
  o.readers = 1;
  auto st = store::sqlite::open(o);
  if (!st) {
    die("open store", st.error());
  }
  w->store = std::move(*st);
  if (auto s = seed(*w->store, w->clock.now()); !s) {
    die("seed", s.error());
  }
  w->notifications = std::make_unique<service::NotificationService>(*w->store, w->clock, w->events);
  w->permits = std::make_unique<service::PermitService>(*w->store, w->clock, w->settings, w->events,
                                                        *w->notifications);
  w->monitor = std::make_unique<service::MonitorService>(*w->store, w->clock, w->settings,
                                                         w->events, *w->permits);
  if (auto s = w->monitor->start(); !s) {
    die("start", s.error());
  }
  for (auto [ref, code] : {std::pair{&w->detector, "GD-1"}, std::pair{&w->gateway, "GW-1"}}) {
    auto d = w->monitor->deviceByCode(code);
    if (!d) {
      die("device", d.error());
    }
    *ref = *d;
  }
  g_world = w;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto& m = *g_world->monitor;
  for (const service::DeviceRef* d : {&g_world->detector, &g_world->gateway}) {
    for (bool single_event : {false, true}) {
      auto r = m.decode(*d, text, service::IngestChannel::kMqtt, single_event);
      if (r) {
        // What decode accepts must be consistent: the batch is for this device, a single event
        // is exactly one event, and every reading names a registered sensor.
        if (r->device_id != d->id || (single_event && r->events.size() != 1) ||
            (single_event && !r->readings.empty())) {
          __builtin_trap();
        }
        for (const auto& rd : r->readings) {
          if (rd.sensor_id <= 0) {
            __builtin_trap();
          }
        }
      } else if (r.error().code() != ErrorCode::kInvalidArgument || r.error().key().empty()) {
        __builtin_trap();  // Every refusal carries a stable code.
      }
    }
  }
  return 0;
}
