// The HTTP/WebSocket server: REST API under /api/v1, the WebSocket hub at /api/v1/ws, health and
// metrics, and the built web app as static files with SPA fallback.
//
// Beast/Asio stay inside api/: this header names none of their types.
//
// Thread safety: construct, start() and run() from one thread; stop() from any thread
// (including a signal handler's strand). publish() (EventPublisher) from any thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "anguan/core/result.hpp"
#include "anguan/domain/store/store.hpp"
#include "anguan/service/audit_service.hpp"
#include "anguan/service/auth_service.hpp"
#include "anguan/service/base_data_service.hpp"
#include "anguan/service/context.hpp"
#include "anguan/service/hazard_service.hpp"
#include "anguan/service/jobs.hpp"
#include "anguan/service/monitor_service.hpp"
#include "anguan/service/notification_service.hpp"
#include "anguan/service/permit_printer.hpp"
#include "anguan/service/permit_service.hpp"
#include "anguan/service/webhook_service.hpp"

namespace anguan::api {

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;  // 0 = pick a free port (tests); see port().
  int io_threads = 2;
  int worker_threads = 4;  // Blocking pool for writes and slow handlers.
  std::string web_root;    // Directory with the built web app; "" = no static files.
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_upload_bytes = 10 << 20;
  int read_timeout_seconds = 30;
  int idle_timeout_seconds = 60;
};

struct Services {
  service::AuthService& auth;
  service::BaseDataService& base;
  service::AuditService& audit;
  store::Store& store;
  service::Settings settings;
  service::NotificationService& notifications;
  service::JobRegistry& jobs;
  const Clock& clock;
  service::PermitService& permits;
  service::PermitPrinter& printer;
  service::HazardService& hazards;
  service::MonitorService& monitor;
  service::WebhookService& webhooks;
};

class Server {
 public:
  virtual ~Server() = default;
  // Binds and starts listening. kUnavailable "server.bind_failed" when the address is taken.
  [[nodiscard]] virtual Status start() = 0;
  // The bound port (after start()).
  virtual unsigned short port() const = 0;
  // Serves until stop() or SIGINT/SIGTERM (when handle_signals), then drains and returns.
  virtual void run(bool handle_signals) = 0;
  virtual void stop() = 0;
  // Live events to WebSocket clients; wire it as the services' EventPublisher.
  virtual service::EventPublisher& events() = 0;
  // "GET /api/v1/{entity}" for every route (tests check the OpenAPI document covers them).
  virtual std::vector<std::string> routeKeys() const = 0;
};

// The hub exists before the services (they publish into it), so it is created first and handed
// to the server.
std::unique_ptr<service::EventPublisher> makeEventHub();
std::unique_ptr<Server> makeServer(const ServerOptions& options, Services services,
                                   service::EventPublisher& hub);

}  // namespace anguan::api
