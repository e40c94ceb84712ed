// Route tables per context. Each handler parses the request, calls one service function and
// writes the answer; no business rule lives here.
#pragma once

#include "anguan/api/server.hpp"

#include "http/metrics.hpp"
#include "http/router.hpp"

namespace anguan::api {

void addAuthRoutes(Router& router, Services& services);
void addBaseRoutes(Router& router, Services& services);
void addAuditRoutes(Router& router, Services& services);
// Notifications (outbox) and the on-demand job run.
void addNotifyRoutes(Router& router, Services& services);
// Work types, plans, permits, approval, on-site control, close-out, board, public status.
void addPermitRoutes(Router& router, Services& services);
// Hazards, risk register, inspections, incidents.
void addHazardRoutes(Router& router, Services& services);
// Telemetry ingestion, monitoring board, alarms, violations, series, device tokens.
void addMonitorRoutes(Router& router, Services& services);
// Outbound webhooks for alarms and violations (admin): CRUD, test, deliveries.
void addWebhookRoutes(Router& router, Services& services);
// healthz, metrics, openapi.json (documents every route in `router`, so call it last).
void addSystemRoutes(Router& router, Services& services, const Metrics& metrics);

// The OpenAPI 3 document for the routes in `router`.
boost::json::object openApiDocument(const Router& router);

}  // namespace anguan::api
