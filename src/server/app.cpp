#include "app.hpp"

#include <algorithm>
#include <filesystem>

#include "anguan/api/webhook_client.hpp"
#include "anguan/report/permit_printer.hpp"
#include "anguan/report/spreadsheet_codec.hpp"
#include "anguan/service/demo.hpp"
#include "anguan/service/permit_demo.hpp"
#include "anguan/store/postgres/pg_store.hpp"
#include "anguan/store/sqlite/sqlite_store.hpp"

namespace anguan::server {

namespace {

// Forwards base-data events and tells monitoring to reload its registry when devices, sensors,
// thresholds or areas change.
class RegistryWatcher final : public service::EventPublisher {
 public:
  RegistryWatcher(service::EventPublisher& next, App& app) : next_(next), app_(app) {}
  void publish(const service::Event& event) override {
    if (app_.monitor && (event.topic == "base.devices" || event.topic == "base.sensors" ||
                         event.topic == "base.area_thresholds" || event.topic == "base.areas")) {
      app_.monitor->reloadRegistry();
    }
    next_.publish(event);
  }

 private:
  service::EventPublisher& next_;
  App& app_;
};

}  // namespace

Result<store::StorePtr> openStore(const Config& config) {
  if (config.db.rfind("sqlite:", 0) == 0) {
    store::sqlite::Options o;
    o.path = config.db.substr(7);
    o.readers = config.db_readers;
    if (o.path != ":memory:") {
      const auto parent = std::filesystem::path(o.path).parent_path();
      std::error_code ec;
      if (!parent.empty()) {
        std::filesystem::create_directories(parent, ec);
      }
    }
    return store::sqlite::open(o);
  }
  store::postgres::Options o;
  o.url = config.db;
  o.pool_size = std::min(config.db_readers + config.worker_threads, config.db_readers + 12);
  return store::postgres::open(o);
}

Result<std::unique_ptr<App>> makeApp(const Config& config,
                                     std::unique_ptr<service::EventPublisher> events,
                                     const Clock* clock) {
  auto app = std::make_unique<App>();
  app->config = config;
  app->settings.tz_offset_minutes = config.tz_offset_minutes;
  app->settings.tz_name = config.timezone;
  app->settings.session_ttl = std::chrono::hours(config.session_hours);
  if (config.test_fast_password_hash) {
    app->settings.password_hash_cost = crypto::HashCost::kMinimum;
  }
  if (clock == nullptr) {
    app->owned_clock = std::make_unique<SystemClock>();
    clock = app->owned_clock.get();
  }
  app->clock = clock;
  AG_ASSIGN_OR_RETURN(app->store, openStore(config));
  app->codec = report::makeSpreadsheetCodec();
  app->printer = report::makePermitPrinter();
  app->events = events ? std::move(events) : std::make_unique<service::NullEventPublisher>();
  app->auth = std::make_unique<service::AuthService>(*app->store, *app->clock, app->settings);
  app->base_events = std::make_unique<RegistryWatcher>(*app->events, *app);
  app->base = std::make_unique<service::BaseDataService>(*app->store, *app->clock, app->settings,
                                                         *app->base_events, *app->codec);
  app->audit = std::make_unique<service::AuditService>(*app->store);
  app->notifications =
      std::make_unique<service::NotificationService>(*app->store, *app->clock, *app->events);
  app->permits = std::make_unique<service::PermitService>(*app->store, *app->clock, app->settings,
                                                          *app->events, *app->notifications);
  AG_RETURN_IF_ERROR(app->permits->ensureWorkTypes());
  app->jobs.add("permits.deadlines",
                [p = app->permits.get()](Instant now) { return p->runDeadlines(now); });
  app->hazards = std::make_unique<service::HazardService>(*app->store, *app->clock, app->settings,
                                                          *app->events);
  app->hazards->setCodec(app->codec.get());
  app->jobs.add("hazards.deadlines",
                [h = app->hazards.get()](Instant now) { return h->chase(now); });
  app->jobs.add("hazards.inspections",
                [h = app->hazards.get()](Instant now) { return h->generateInspections(now); });
  app->webhook_sender = api::makeWebhookSender();
  app->webhooks = std::make_unique<service::WebhookService>(
      *app->store, *app->clock, *app->webhook_sender, app->settings.tz_offset_minutes);
  app->monitor = std::make_unique<service::MonitorService>(*app->store, *app->clock, app->settings,
                                                           *app->events, *app->permits);
  app->permits->setEnvironmentCheck(&app->monitor->environmentCheck());
  app->monitor->setWebhooks(app->webhooks.get());
  AG_RETURN_IF_ERROR(app->monitor->start());
  app->jobs.add("monitor.jobs", [m = app->monitor.get()](Instant now) { return m->runJobs(now); });
  app->jobs.add("webhooks.deliver",
                [w = app->webhooks.get()](Instant now) { return w->deliver(now); });
  app->jobs.add("notifications.dispatch",
                [n = app->notifications.get()](Instant) { return n->dispatch(); });
  return app;
}

api::Services apiServices(App& app) {
  return api::Services{*app.auth,          *app.base,    *app.audit,   *app.store,   app.settings,
                       *app.notifications, app.jobs,     *app.clock,   *app.permits, *app.printer,
                       *app.hazards,       *app.monitor, *app.webhooks};
}

Scheduler::Scheduler(App& app, std::chrono::milliseconds interval) {
  thread_ = std::thread([this, &app, interval] {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      if (cv_.wait_for(lock, interval, [this] { return stop_; })) {
        break;
      }
      lock.unlock();
      app.jobs.runAll(app.clock->now());
      lock.lock();
    }
  });
}

Scheduler::~Scheduler() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

Result<std::string> seedDemo(App& app, const std::string& password,
                             std::vector<service::DemoDevice>* devices) {
  AG_ASSIGN_OR_RETURN(std::string summary,
                      service::seedDemo(*app.base, *app.auth, *app.clock, app.settings, password));
  AG_ASSIGN_OR_RETURN(std::string permits,
                      service::seedPermitDemo(*app.store, *app.clock, app.settings));
  AG_ASSIGN_OR_RETURN(std::string hazards,
                      service::seedHazardDemo(*app.store, *app.clock, app.settings));
  AG_ASSIGN_OR_RETURN(auto monitored,
                      service::seedMonitorDemo(*app.store, *app.clock, app.settings));
  app.monitor->reloadRegistry();
  const std::string monitoring = service::monitorDemoSummary(monitored);
  if (devices != nullptr) {
    *devices = std::move(monitored);
  }
  return summary + permits + hazards + monitoring;
}

}  // namespace anguan::server
