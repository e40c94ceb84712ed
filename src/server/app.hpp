// Composition root: builds the concrete store, codec, hub and services from a Config. The only
// place (with main.cpp) that names concrete adapter classes.
#pragma once

#include <memory>

#include "anguan/core/clock.hpp"
#include "anguan/domain/store/store.hpp"
#include "anguan/service/audit_service.hpp"
#include "anguan/service/auth_service.hpp"
#include "anguan/service/base_data_service.hpp"
#include "anguan/service/spreadsheet.hpp"

#include "config.hpp"

namespace anguan::server {

struct App {
  Config config;
  service::Settings settings;
  ClockPtr clock;
  store::StorePtr store;
  service::SpreadsheetCodecPtr codec;
  std::unique_ptr<service::EventPublisher> events;
  std::unique_ptr<service::AuthService> auth;
  std::unique_ptr<service::BaseDataService> base;
  std::unique_ptr<service::AuditService> audit;
};

// Opens the database named by config.db ("sqlite:PATH" or "postgresql://…"), migrating it.
[[nodiscard]] Result<store::StorePtr> openStore(const Config& config);

// `events` = nullptr uses a NullEventPublisher (command-line tools).
[[nodiscard]] Result<std::unique_ptr<App>> makeApp(const Config& config,
                                                   std::unique_ptr<service::EventPublisher> events);

}  // namespace anguan::server
