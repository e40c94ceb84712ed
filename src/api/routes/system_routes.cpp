#include <boost/json.hpp>

#include "anguan/domain/base/schema.hpp"

#include "routes/routes.hpp"

namespace anguan::api {
namespace json = boost::json;

namespace {

const char* methodName(http::verb v) {
  switch (v) {
    case http::verb::get:
      return "get";
    case http::verb::post:
      return "post";
    case http::verb::put:
      return "put";
    case http::verb::delete_:
      return "delete";
    case http::verb::patch:
      return "patch";
    default:
      return "get";
  }
}

json::object errorSchemaRef() {
  return json::object{
      {"description", "Error"},
      {"content",
       json::object{
           {"application/json",
            json::object{{"schema", json::object{{"$ref", "#/components/schemas/Error"}}}}}}}};
}

}  // namespace

json::object openApiDocument(const Router& router) {
  json::object paths;
  for (const auto& route : router.routes()) {
    json::object op;
    op["summary"] = route.summary;
    op["tags"] = json::array{json::value(route.tag)};
    json::array params;
    std::size_t pos = 0;
    while ((pos = route.pattern.find('{', pos)) != std::string::npos) {
      const auto end = route.pattern.find('}', pos);
      const std::string name = route.pattern.substr(pos + 1, end - pos - 1);
      json::object schema{{"type", name == "entity" ? "string" : "integer"}};
      if (name == "entity") {
        json::array names;
        for (const auto& s : base::schemas()) {
          names.emplace_back(s.path);
        }
        schema["enum"] = std::move(names);
      }
      params.push_back(
          json::object{{"name", name}, {"in", "path"}, {"required", true}, {"schema", schema}});
      pos = end;
    }
    if (!params.empty()) {
      op["parameters"] = std::move(params);
    }
    if (route.access == Access::kSignedIn) {
      op["security"] = json::array{json::object{{"bearer", json::array{}}}};
    }
    json::object responses;
    responses["200"] = json::object{{"description", "OK"}};
    responses["default"] = errorSchemaRef();
    op["responses"] = std::move(responses);
    auto& item = paths[route.pattern];
    if (!item.is_object()) {
      item = json::object{};
    }
    item.as_object()[methodName(route.method)] = std::move(op);
  }
  json::object error_schema{
      {"type", "object"},
      {"properties",
       json::object{
           {"error",
            json::object{
                {"type", "object"},
                {"properties", json::object{{"code", json::object{{"type", "string"}}},
                                            {"message", json::object{{"type", "string"}}},
                                            {"details", json::object{{"type", "object"}}}}}}}}}};
  return json::object{
      {"openapi", "3.0.3"},
      {"info", json::object{{"title", "anguan API"},
                            {"version", "1"},
                            {"description", "智能安管系统 — work-safety management API"}}},
      {"paths", std::move(paths)},
      {"components",
       json::object{
           {"securitySchemes",
            json::object{{"bearer", json::object{{"type", "http"}, {"scheme", "bearer"}}}}},
           {"schemas", json::object{{"Error", std::move(error_schema)}}}}}};
}

void addSystemRoutes(Router& router, Services& s, const Metrics& metrics) {
  router.add({http::verb::get, "/healthz", Access::kPublic, false, false, "Liveness and database",
              "system", [&s](Context&) -> Reply {
                Status db = s.store.read([](store::Transaction&) { return okStatus(); });
                json::object o{{"status", db ? "ok" : "degraded"}, {"db", s.store.backend()}};
                return jsonReply(o, db ? http::status::ok : http::status::service_unavailable);
              }});
  router.add({http::verb::get, "/metrics", Access::kPublic, false, false, "Prometheus metrics",
              "system", [&s, &metrics](Context&) -> Reply {
                Reply r;
                r.body = metrics.render(s.store.stats());
                const auto ing = s.monitor.stats();
                const std::pair<const char*, std::int64_t> counters[] = {
                    {"anguan_ingest_batches_total", ing.batches},
                    {"anguan_ingest_readings_total", ing.readings},
                    {"anguan_ingest_flagged_total", ing.flagged},
                    {"anguan_ingest_rejected_total", ing.rejected},
                    {"anguan_ingest_refused_full_total", ing.refused_full},
                    {"anguan_ingest_duplicates_total", ing.duplicates},
                    {"anguan_ingest_commits_total", ing.commits},
                    {"anguan_ingest_commit_failures_total", ing.commit_failures},
                    {"anguan_ingest_unstorable_total", ing.unstorable},
                    {"anguan_alarms_raised_total", ing.alarms_raised},
                    {"anguan_violations_total", ing.violations}};
                for (const auto& [name, value] : counters) {
                  r.body += std::string("# TYPE ") + name + " counter\n" + name + " " +
                            std::to_string(value) + "\n";
                }
                r.body +=
                    "# TYPE anguan_ingest_queued_readings gauge\nanguan_ingest_queued_readings " +
                    std::to_string(ing.queued_readings) + "\n";
                r.body += "# TYPE anguan_sensors gauge\nanguan_sensors " +
                          std::to_string(ing.sensors) + "\n";
                r.content_type = "text/plain; version=0.0.4; charset=utf-8";
                return r;
              }});
  // The document is built from the router when first asked (every route is added by then).
  router.add({http::verb::get, "/api/v1/openapi.json", Access::kPublic, false, false,
              "This OpenAPI document", "system", [&router](Context&) -> Reply {
                static const std::string kDoc = json::serialize(openApiDocument(router));
                Reply r;
                r.body = kDoc;
                return r;
              }});
}

}  // namespace anguan::api
