// Composition root: builds the concrete store, codec, hub and services from a Config. The only
// place (with main.cpp) that names concrete adapter classes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "anguan/api/server.hpp"
#include "anguan/core/clock.hpp"
#include "anguan/domain/store/store.hpp"
#include "anguan/service/audit_service.hpp"
#include "anguan/service/auth_service.hpp"
#include "anguan/service/base_data_service.hpp"
#include "anguan/service/hazard_service.hpp"
#include "anguan/service/jobs.hpp"
#include "anguan/service/monitor_demo.hpp"
#include "anguan/service/monitor_service.hpp"
#include "anguan/service/notification_service.hpp"
#include "anguan/service/permit_printer.hpp"
#include "anguan/service/permit_service.hpp"
#include "anguan/service/spreadsheet.hpp"
#include "anguan/service/webhook_service.hpp"

#include "config.hpp"

namespace anguan::server {

struct App {
  Config config;
  service::Settings settings;
  ClockPtr owned_clock;
  const Clock* clock = nullptr;  // owned_clock, or the one passed to makeApp (tests).
  store::StorePtr store;
  service::SpreadsheetCodecPtr codec;
  service::PermitPrinterPtr printer;
  std::unique_ptr<service::EventPublisher> events;
  std::unique_ptr<service::AuthService> auth;
  std::unique_ptr<service::BaseDataService> base;
  std::unique_ptr<service::AuditService> audit;
  std::unique_ptr<service::NotificationService> notifications;
  std::unique_ptr<service::PermitService> permits;
  std::unique_ptr<service::HazardService> hazards;
  std::unique_ptr<service::WebhookSender> webhook_sender;
  std::unique_ptr<service::WebhookService> webhooks;
  // Declared after what it uses: destroyed (and its threads stopped) first.
  std::unique_ptr<service::MonitorService> monitor;
  std::unique_ptr<service::EventPublisher> base_events;  // Watches registry changes.
  service::JobRegistry jobs;
};

// Opens the database named by config.db ("sqlite:PATH" or "postgresql://…"), migrating it.
[[nodiscard]] Result<store::StorePtr> openStore(const Config& config);

// `events` = nullptr uses a NullEventPublisher (command-line tools).
// `clock` = nullptr uses the system clock.
[[nodiscard]] Result<std::unique_ptr<App>> makeApp(const Config& config,
                                                   std::unique_ptr<service::EventPublisher> events,
                                                   const Clock* clock = nullptr);

// The services the HTTP API serves, borrowed from `app`.
api::Services apiServices(App& app);

// Runs app.jobs every `interval` on its own thread until destroyed.
class Scheduler {
 public:
  Scheduler(App& app, std::chrono::milliseconds interval);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// `anguan demo`: the demo enterprise and every module's demo data. Returns the summary to print.
// Seeds the demo enterprise; the demo monitoring devices (with their one-time tokens) go to
// *devices when given.
[[nodiscard]] Result<std::string> seedDemo(App& app, const std::string& password,
                                           std::vector<service::DemoDevice>* devices = nullptr);

}  // namespace anguan::server
