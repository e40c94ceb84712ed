#include <boost/json.hpp>

#include "anguan/service/record_json.hpp"

#include "routes/routes.hpp"

namespace anguan::api {
namespace json = boost::json;

namespace {

json::object viewJson(const base::EntitySchema& schema, const service::RecordView& v, int tz) {
  json::object o = service::recordToJson(schema, v.record, tz);
  json::object refs;
  for (const auto& [field, title] : v.ref_titles) {
    refs[field] = title;
  }
  o["_refs"] = std::move(refs);
  return o;
}

json::object schemaJson(const base::EntitySchema& s, const std::string& lang) {
  const bool en = lang == "en";
  json::object o;
  o["name"] = s.name;
  o["path"] = s.path;
  o["label"] = en ? s.en : s.zh;
  o["scoped"] = s.scoped;
  o["title_field"] = s.title_field;
  json::array fields;
  for (const auto& f : s.fields) {
    json::object fo;
    fo["name"] = f.name;
    fo["type"] = base::toString(f.type);
    fo["label"] = en ? f.en : f.zh;
    fo["required"] = f.required;
    fo["unique"] = f.unique;
    fo["computed"] = f.computed;
    if (f.type == base::FieldType::kText) {
      fo["max_length"] = f.max_length;
    }
    if (f.min) {
      fo["min"] = *f.min;
    }
    if (f.max) {
      fo["max"] = *f.max;
    }
    if (!f.ref.empty()) {
      fo["ref"] = f.ref;
      fo["ref_path"] = base::findSchema(f.ref)->path;
    }
    if (!f.options.empty()) {
      json::array opts;
      for (const auto& opt : f.options) {
        opts.push_back(json::object{{"code", opt.code}, {"label", en ? opt.en : opt.zh}});
      }
      fo["options"] = std::move(opts);
    }
    fields.push_back(std::move(fo));
  }
  o["fields"] = std::move(fields);
  return o;
}

Result<service::SheetFormat> formatOf(const Context& ctx) {
  const auto f = ctx.queryValue("format");
  if (f.empty() || f == "csv") {
    return service::SheetFormat::kCsv;
  }
  if (f == "xlsx") {
    return service::SheetFormat::kXlsx;
  }
  return Error::invalidArgument("import.bad_format", "format must be csv or xlsx");
}

}  // namespace

void addBaseRoutes(Router& router, Services& s) {
  const int tz = s.settings.tz_offset_minutes;
  router.add({http::verb::get, "/api/v1/meta/entities", Access::kSignedIn, false, false,
              "Schemas of the base-data entities, labelled in the request language", "base",
              [](Context& ctx) -> Reply {
                json::array out;
                for (const auto& schema : base::schemas()) {
                  out.push_back(schemaJson(schema, ctx.language));
                }
                return jsonReply(out);
              }});
  router.add({http::verb::get, "/api/v1/meta/counts", Access::kSignedIn, false, false,
              "Record counts per entity in your scope", "base", [&s](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(auto counts, s.base.counts(ctx.caller()), ctx);
                json::object o;
                for (const auto& [k, v] : counts) {
                  o[k] = v;
                }
                return jsonReply(o);
              }});
  router.add({http::verb::get, "/api/v1/{entity}", Access::kSignedIn, false, false,
              "List records (page, page_size, sort, q, field filters)", "base",
              [&s, tz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(const base::EntitySchema* schema,
                                  service::BaseDataService::entity(ctx.params["entity"]), ctx);
                AG_REPLY_IF_ERROR(service::RecordPage page,
                                  s.base.list(ctx.caller(), *schema, ctx.query), ctx);
                json::array items;
                for (const auto& v : page.items) {
                  items.push_back(viewJson(*schema, v, tz));
                }
                json::object o;
                o["items"] = std::move(items);
                o["total"] = page.total;
                o["page"] = page.page;
                o["page_size"] = page.page_size;
                return jsonReply(o);
              }});
  router.add(
      {http::verb::get, "/api/v1/{entity}/export", Access::kSignedIn, false, false,
       "Export records as CSV or XLSX (same filters as the list)", "base",
       [&s](Context& ctx) -> Reply {
         AG_REPLY_IF_ERROR(const base::EntitySchema* schema,
                           service::BaseDataService::entity(ctx.params["entity"]), ctx);
         AG_REPLY_IF_ERROR(service::SheetFormat format, formatOf(ctx), ctx);
         AG_REPLY_IF_ERROR(
             std::string bytes,
             s.base.exportTable(ctx.caller(), *schema, ctx.query, format, ctx.language), ctx);
         Reply r;
         r.body = std::move(bytes);
         const bool xlsx = format == service::SheetFormat::kXlsx;
         r.content_type = xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                               : "text/csv; charset=utf-8";
         r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + schema->name +
                                                           (xlsx ? ".xlsx\"" : ".csv\""));
         return r;
       }});
  router.add(
      {http::verb::post, "/api/v1/{entity}/import", Access::kSignedIn, true, true,
       "Import a CSV or XLSX file: all rows or none", "base", [&s](Context& ctx) -> Reply {
         AG_REPLY_IF_ERROR(const base::EntitySchema* schema,
                           service::BaseDataService::entity(ctx.params["entity"]), ctx);
         AG_REPLY_IF_ERROR(service::SheetFormat format, formatOf(ctx), ctx);
         AG_REPLY_IF_ERROR(service::ImportReport report,
                           s.base.importTable(ctx.caller(), *schema, ctx.request.body(), format),
                           ctx);
         if (!report.problems.empty()) {
           Reply r = errorReply(Error::invalidArgument("import.invalid", "some rows are not valid"),
                                ctx.language);
           json::value body = json::parse(r.body);
           json::array rows;
           for (const auto& p : report.problems) {
             rows.push_back(
                 json::object{{"line", p.line}, {"field", p.field}, {"reason", p.reason}});
           }
           body.as_object()["error"].as_object()["details"].as_object()["rows"] = std::move(rows);
           r.body = json::serialize(body);
           return r;
         }
         return jsonReply(json::object{{"imported", report.imported}});
       }});
  router.add({http::verb::get, "/api/v1/{entity}/{id}", Access::kSignedIn, false, false,
              "One record", "base", [&s, tz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(const base::EntitySchema* schema,
                                  service::BaseDataService::entity(ctx.params["entity"]), ctx);
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                AG_REPLY_IF_ERROR(service::RecordView v, s.base.get(ctx.caller(), *schema, id),
                                  ctx);
                return jsonReply(viewJson(*schema, v, tz));
              }});
  router.add({http::verb::post, "/api/v1/{entity}", Access::kSignedIn, true, false,
              "Create a record", "base", [&s, tz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(const base::EntitySchema* schema,
                                  service::BaseDataService::entity(ctx.params["entity"]), ctx);
                AG_REPLY_IF_ERROR(json::object body, parseBody(ctx), ctx);
                AG_REPLY_IF_ERROR(service::RecordView v, s.base.create(ctx.caller(), *schema, body),
                                  ctx);
                return jsonReply(viewJson(*schema, v, tz), http::status::created);
              }});
  router.add({http::verb::put, "/api/v1/{entity}/{id}", Access::kSignedIn, true, false,
              "Update a record (send its version)", "base", [&s, tz](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(const base::EntitySchema* schema,
                                  service::BaseDataService::entity(ctx.params["entity"]), ctx);
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                AG_REPLY_IF_ERROR(json::object body, parseBody(ctx), ctx);
                AG_REPLY_IF_ERROR(service::RecordView v,
                                  s.base.update(ctx.caller(), *schema, id, body), ctx);
                return jsonReply(viewJson(*schema, v, tz));
              }});
  router.add({http::verb::delete_, "/api/v1/{entity}/{id}", Access::kSignedIn, true, false,
              "Delete a record (?version=N)", "base", [&s](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(const base::EntitySchema* schema,
                                  service::BaseDataService::entity(ctx.params["entity"]), ctx);
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                std::int64_t version = 0;
                try {
                  version = std::stoll(ctx.queryValue("version"));
                } catch (const std::exception&) {
                  return errorReply(Error::invalidArgument("validation.failed", "version needed")
                                        .with("version", "required"),
                                    ctx.language);
                }
                if (auto st = s.base.remove(ctx.caller(), *schema, id, version); !st) {
                  return errorReply(st.error(), ctx.language);
                }
                return noContent();
              }});
}

}  // namespace anguan::api
