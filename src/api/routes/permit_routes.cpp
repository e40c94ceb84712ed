#include <boost/json.hpp>

#include "anguan/core/crypto.hpp"
#include "anguan/domain/permit/state_machine.hpp"

#include "routes/json_fields.hpp"
#include "routes/routes.hpp"

namespace anguan::api {
namespace json = boost::json;

namespace {

Result<service::Signature> readSignature(const json::object& body) {
  service::Signature s;
  const auto* v = body.if_contains("signature");
  if (v == nullptr || v->is_null()) {
    return s;
  }
  if (!v->is_object()) {
    return Error::invalidArgument("validation.failed", "wrong type")
        .with("signature", "wrong_type");
  }
  const auto& o = v->as_object();
  AG_ASSIGN_OR_RETURN(s.kind, stringField(o, "kind", true));
  AG_ASSIGN_OR_RETURN(s.password, stringField(o, "password", false));
  AG_ASSIGN_OR_RETURN(auto image, stringField(o, "image_png_base64", false));
  if (!image.empty()) {
    if (auto comma = image.find(','); image.rfind("data:", 0) == 0 && comma != std::string::npos) {
      image = image.substr(comma + 1);
    }
    auto bytes = crypto::base64Decode(image);
    if (!bytes) {
      return Error::invalidArgument("permit.signature_invalid",
                                    "the signature image is not base64");
    }
    s.image_png = *std::move(bytes);
  }
  return s;
}

Result<json::object> readLocation(const json::object& body) {
  const auto* v = body.if_contains("location");
  if (v == nullptr || v->is_null()) {
    return json::object();
  }
  if (!v->is_object()) {
    return Error::invalidArgument("validation.failed", "wrong type").with("location", "wrong_type");
  }
  json::object out;
  const auto& o = v->as_object();
  for (const char* key : {"lat", "lng", "accuracy"}) {
    if (const auto* n = o.if_contains(key); n != nullptr && !n->is_null()) {
      if (!n->is_number()) {
        return Error::invalidArgument("validation.failed", "wrong type")
            .with(std::string("location.") + key, "wrong_type");
      }
      out[key] = n->to_number<double>();
    }
  }
  AG_ASSIGN_OR_RETURN(auto text, stringField(o, "text", false));
  if (text.size() > 200) {
    return Error::invalidArgument("validation.failed", "too long")
        .with("location.text", "too_long");
  }
  out["text"] = text;
  return out;
}

// {overrides: {finding code: reason}} of submit and of the last approval; absent = none.
Result<std::map<std::string, std::string>> readOverrides(const json::object& body) {
  std::map<std::string, std::string> overrides;
  const auto* o = body.if_contains("overrides");
  if (o == nullptr || o->is_null()) {
    return overrides;
  }
  if (!o->is_object()) {
    return Error::invalidArgument("validation.failed", "wrong type")
        .with("overrides", "wrong_type");
  }
  for (const auto& kv : o->as_object()) {
    if (!kv.value().is_string()) {
      return Error::invalidArgument("validation.failed", "wrong type")
          .with("overrides", "wrong_type");
    }
    overrides[std::string(kv.key())] = std::string(kv.value().as_string());
  }
  return overrides;
}

// Absolute address of a public path, from the request's Host (the QR code is scanned by phones).
std::string statusUrl(const Context& ctx, std::string_view path) {
  std::string host(ctx.request[http::field::host]);
  if (host.empty() || host.size() > 200 || host.find_first_of(" /\\\"<>") != std::string::npos) {
    host = "localhost";
  }
  return "http://" + host + std::string(path);
}

Reply objectReply(Result<json::object> r, Context& ctx, http::status status = http::status::ok) {
  if (!r) {
    return errorReply(r.error(), ctx.language);
  }
  return jsonReply(*r, status);
}

// A POST /permits/{id}/<action> route whose body is read by `fn`.
using ActionFn = std::function<Result<json::object>(Context&, std::int64_t, const json::object&)>;

Route actionRoute(const std::string& action, const std::string& summary, ActionFn fn) {
  return Route{http::verb::post,
               "/api/v1/permits/{id}/" + action,
               Access::kSignedIn,
               true,
               false,
               summary,
               "permits",
               [fn = std::move(fn)](Context& ctx) -> Reply {
                 AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                 json::object body;
                 if (!ctx.request.body().empty()) {
                   AG_REPLY_IF_ERROR(body, parseBody(ctx), ctx);
                 }
                 return objectReply(fn(ctx, id, body), ctx);
               }};
}

}  // namespace

void addPermitRoutes(Router& router, Services& s) {
  auto& p = s.permits;
  router.add({http::verb::get, "/api/v1/work-types", Access::kSignedIn, false, false,
              "Work types with fields, measures, gas tests, grading, validity and approval chains",
              "permits", [&p](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(auto items, p.workTypes(ctx.caller()), ctx);
                return jsonReply(json::object{{"items", std::move(items)}});
              }});
  router.add({http::verb::get, "/api/v1/work-types/common-fields", Access::kSignedIn, false, false,
              "The fields every permit carries (GB 30871 Appendix A)", "permits",
              [&p](Context& ctx) -> Reply {
                return jsonReply(json::object{{"items", p.commonFields(ctx.language)}});
              }});
  router.add({http::verb::get, "/api/v1/work-types/{code}", Access::kSignedIn, false, false,
              "One work type", "permits", [&p](Context& ctx) -> Reply {
                return objectReply(p.workType(ctx.caller(), ctx.params["code"]), ctx);
              }});
  router.add({http::verb::put, "/api/v1/work-types/{code}", Access::kSignedIn, true, false,
              "Change a work type's rules (admin; new rules_version, audited)", "permits",
              [&p](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(json::object body, parseBody(ctx), ctx);
                return objectReply(p.saveWorkType(ctx.caller(), ctx.params["code"], body, false),
                                   ctx);
              }});
  router.add({http::verb::post, "/api/v1/work-types", Access::kSignedIn, true, false,
              "Add an admin-defined work type", "permits", [&p](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(json::object body, parseBody(ctx), ctx);
                // The code's pattern is a domain rule (permit::validateWorkType).
                AG_REPLY_IF_ERROR(std::string code, stringField(body, "code", true), ctx);
                return objectReply(p.saveWorkType(ctx.caller(), code, body, true), ctx,
                                   http::status::created);
              }});

  router.add({http::verb::post, "/api/v1/permits/preview", Access::kSignedIn, false, false,
              "Grade a plan and run the feasibility checks without saving", "permits",
              [&p](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(json::object body, parseBody(ctx), ctx);
                return objectReply(p.preview(ctx.caller(), body), ctx);
              }});
  router.add({http::verb::post, "/api/v1/permits", Access::kSignedIn, true, false,
              "Create a work plan (draft permit)", "permits", [&p](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(json::object body, parseBody(ctx), ctx);
                return objectReply(p.create(ctx.caller(), body), ctx, http::status::created);
              }});
  router.add(
      {http::verb::get, "/api/v1/permits", Access::kSignedIn, false, false,
       "List permits (state, type, area_id, from, to, mine=1, q, page, page_size)", "permits",
       [&p](Context& ctx) -> Reply {
         service::PermitListQuery q;
         const std::string states = ctx.queryValue("state");
         std::size_t start = 0;
         while (start < states.size()) {
           auto comma = states.find(',', start);
           if (comma == std::string::npos) {
             comma = states.size();
           }
           if (comma > start) {
             q.states.push_back(states.substr(start, comma - start));
           }
           start = comma + 1;
         }
         for (const auto& st : q.states) {
           if (!permit::parseState(st)) {
             return errorReply(
                 Error::invalidArgument("query.bad_value", "bad state").with("field", "state"),
                 ctx.language);
           }
         }
         q.type = ctx.queryValue("type");
         AG_REPLY_IF_ERROR(q.area_id, intQuery(ctx, "area_id", 0), ctx);
         AG_REPLY_IF_ERROR(q.from, timeQuery(ctx, "from"), ctx);
         AG_REPLY_IF_ERROR(q.to, timeQuery(ctx, "to"), ctx);
         AG_REPLY_IF_ERROR(q.page, intQuery(ctx, "page", 1), ctx);
         AG_REPLY_IF_ERROR(q.page_size, intQuery(ctx, "page_size", 50), ctx);
         q.mine = ctx.queryValue("mine") == "1";
         q.search = ctx.queryValue("q");
         return objectReply(p.list(ctx.caller(), q), ctx);
       }});
  router.add({http::verb::get, "/api/v1/permits/{id}", Access::kSignedIn, false, false,
              "A permit with plan, grade, findings, steps, gas tests, measures and timeline",
              "permits", [&p](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                return objectReply(p.get(ctx.caller(), id), ctx);
              }});
  router.add({http::verb::put, "/api/v1/permits/{id}", Access::kSignedIn, true, false,
              "Edit a draft or returned plan (with version)", "permits",
              [&p](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                AG_REPLY_IF_ERROR(json::object body, parseBody(ctx), ctx);
                AG_REPLY_IF_ERROR(std::int64_t version, intField(body, "version", true), ctx);
                body.erase("version");
                return objectReply(p.update(ctx.caller(), id, body, version), ctx);
              }});
  router.add({http::verb::get, "/api/v1/permits/{id}/report", Access::kSignedIn, false, false,
              "The close-out report assembled from the record", "permits",
              [&p](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                return objectReply(p.report(ctx.caller(), id), ctx);
              }});
  router.add({http::verb::get, "/api/v1/approvals/queue", Access::kSignedIn, false, false,
              "Permits waiting for one of my roles", "permits", [&p](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(auto items, p.queue(ctx.caller()), ctx);
                return jsonReply(json::object{{"items", std::move(items)}});
              }});
  router.add({http::verb::get, "/api/v1/board", Access::kSignedIn, false, false,
              "Planned and active work by area for a day (?date=YYYY-MM-DD)", "permits",
              [&p](Context& ctx) -> Reply {
                return objectReply(p.board(ctx.caller(), ctx.queryValue("date")), ctx);
              }});
  router.add({http::verb::get, "/api/v1/public/permits/{token}", Access::kPublic, false, false,
              "Public read-only status of a permit (the QR code)", "permits",
              [&p](Context& ctx) -> Reply {
                return objectReply(p.publicStatus(ctx.params["token"], ctx.language), ctx);
              }});
  router.add({http::verb::get, "/api/v1/permit-files/{file}", Access::kSignedIn, false, false,
              "A permit attachment or signature image", "permits", [&p](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(auto f, p.file(ctx.caller(), ctx.params["file"]), ctx);
                Reply r;
                r.body = std::move(f.data);
                r.content_type = f.content_type;
                r.headers.emplace_back("Cache-Control", "private, max-age=3600");
                r.headers.emplace_back("X-Content-Type-Options", "nosniff");
                return r;
              }});
  router.add({http::verb::get, "/api/v1/permits/{id}/pdf", Access::kSignedIn, true, false,
              "The printable permit (GB 30871 Appendix A layout) as PDF", "permits",
              [&s](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                AG_REPLY_IF_ERROR(json::object d, s.permits.get(ctx.caller(), id), ctx);
                AG_REPLY_IF_ERROR(
                    std::string pdf,
                    s.printer.pdf(d, ctx.language, statusUrl(ctx, d["public_url"].as_string())),
                    ctx);
                Reply r;
                r.body = std::move(pdf);
                r.content_type = "application/pdf";
                r.headers.emplace_back("Content-Disposition", "inline; filename=\"permit-" +
                                                                  std::to_string(id) + ".pdf\"");
                return r;
              }});
  router.add({http::verb::get, "/api/v1/permits/{id}/qr.svg", Access::kSignedIn, false, false,
              "QR code of the permit's public status page", "permits", [&s](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                AG_REPLY_IF_ERROR(json::object d, s.permits.get(ctx.caller(), id), ctx);
                AG_REPLY_IF_ERROR(std::string svg,
                                  s.printer.qrSvg(statusUrl(ctx, d["public_url"].as_string())),
                                  ctx);
                Reply r;
                r.body = std::move(svg);
                r.content_type = "image/svg+xml";
                return r;
              }});
  router.add({http::verb::post, "/api/v1/permits/{id}/files", Access::kSignedIn, true, true,
              "Attach a photo or PDF (raw body; ?name=)", "permits", [&p](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                return objectReply(
                    p.addFile(ctx.caller(), id, ctx.queryValue("name"), ctx.request.body()), ctx,
                    http::status::created);
              }});
  router.add({http::verb::post, "/api/v1/areas/{id}/suspend-all", Access::kSignedIn, true, false,
              "Emergency: suspend all active work in an area (password re-entry)", "permits",
              [&p](Context& ctx) -> Reply {
                AG_REPLY_IF_ERROR(std::int64_t id, idParam(ctx, "id"), ctx);
                AG_REPLY_IF_ERROR(json::object body, parseBody(ctx), ctx);
                AG_REPLY_IF_ERROR(std::string reason, stringField(body, "reason", true), ctx);
                AG_REPLY_IF_ERROR(std::string password, stringField(body, "password", true), ctx);
                AG_REPLY_IF_ERROR(auto ids, p.suspendAll(ctx.caller(), id, reason, password), ctx);
                return jsonReply(json::object{{"suspended", json::value_from(ids)}});
              }});

  router.add(actionRoute(
      "submit", "Submit for approval ({overrides: {finding: reason}})",
      [&p](Context& ctx, std::int64_t id, const json::object& body) -> Result<json::object> {
        AG_ASSIGN_OR_RETURN(auto overrides, readOverrides(body));
        return p.submit(ctx.caller(), id, overrides);
      }));
  router.add(actionRoute(
      "cancel", "Cancel ({reason})",
      [&p](Context& ctx, std::int64_t id, const json::object& body) -> Result<json::object> {
        AG_ASSIGN_OR_RETURN(auto reason, stringField(body, "reason", true));
        return p.cancel(ctx.caller(), id, reason);
      }));
  for (const char* action : {"approve", "reject", "return"}) {
    const std::string a = action;
    router.add(actionRoute(
        a,
        "Decide your open approval step ({comment, signature, location}; the last approval "
        "also {overrides: {finding: reason}} for warnings the check at issue finds anew)",
        [&p, a](Context& ctx, std::int64_t id, const json::object& body) -> Result<json::object> {
          AG_RETURN_IF_ERROR(readFields(body, {"comment", "signature", "location", "overrides"}));
          service::Decision d;
          d.action = a;
          AG_ASSIGN_OR_RETURN(d.overrides, readOverrides(body));
          AG_ASSIGN_OR_RETURN(d.comment, stringField(body, "comment", false));
          AG_ASSIGN_OR_RETURN(d.signature, readSignature(body));
          AG_ASSIGN_OR_RETURN(d.location, readLocation(body));
          return p.decide(ctx.caller(), id, d);
        }));
  }
  router.add(actionRoute(
      "gas-tests",
      "Record a gas test ({sampled_at, gas, value, unit, lel_percent, point, instrument, "
      "tester_name}, or readings:[{gas, value, unit, lel_percent}] in place of gas … "
      "lel_percent for several gases sampled at once)",
      [&p](Context& ctx, std::int64_t id, const json::object& body) -> Result<json::object> {
        AG_RETURN_IF_ERROR(readFields(body, {"sampled_at", "gas", "value", "unit", "lel_percent",
                                             "readings", "point", "instrument", "tester_name"}));
        return p.recordGasTest(ctx.caller(), id, body);
      }));
  router.add(actionRoute(
      "measures", "Confirm safety measures ({items:[{code, applies}]})",
      [&p](Context& ctx, std::int64_t id, const json::object& body) -> Result<json::object> {
        const auto* items = body.if_contains("items");
        if (items == nullptr || !items->is_array()) {
          return Error::invalidArgument("validation.failed", "missing field")
              .with("items", "required");
        }
        return p.confirmMeasures(ctx.caller(), id, items->as_array());
      }));
  router.add(actionRoute(
      "briefing", "Record the crew briefing ({giver, receivers})",
      [&p](Context& ctx, std::int64_t id, const json::object& body) -> Result<json::object> {
        AG_ASSIGN_OR_RETURN(auto giver, stringField(body, "giver", true));
        AG_ASSIGN_OR_RETURN(auto receivers, listField(body, "receivers"));
        return p.briefing(ctx.caller(), id, giver, receivers);
      }));
  router.add(
      actionRoute("shift-check", "The shift leader's check before hot work",
                  [&p](Context& ctx, std::int64_t id, const json::object&) -> Result<json::object> {
                    return p.shiftCheck(ctx.caller(), id);
                  }));
  router.add(
      actionRoute("start", "Start the work (gated)",
                  [&p](Context& ctx, std::int64_t id, const json::object&) -> Result<json::object> {
                    return p.start(ctx.caller(), id);
                  }));
  router.add(actionRoute(
      "suspend", "Suspend ({reason})",
      [&p](Context& ctx, std::int64_t id, const json::object& body) -> Result<json::object> {
        AG_ASSIGN_OR_RETURN(auto reason, stringField(body, "reason", true));
        return p.suspend(ctx.caller(), id, reason);
      }));
  router.add(actionRoute(
      "guardian-presence",
      "The guardian confirms presence on site ({present: true}, repeated while guarding) or "
      "leaving ({present: false}: active work is suspended)",
      [&p](Context& ctx, std::int64_t id, const json::object& body) -> Result<json::object> {
        AG_ASSIGN_OR_RETURN(auto present, boolField(body, "present"));
        if (!present) {
          return Error::invalidArgument("validation.failed", "some fields are not valid")
              .with("present", "required");
        }
        return p.guardianPresence(ctx.caller(), id, *present);
      }));
  router.add(
      actionRoute("resume", "Resume (a re-test may be required)",
                  [&p](Context& ctx, std::int64_t id, const json::object&) -> Result<json::object> {
                    return p.resume(ctx.caller(), id);
                  }));
  router.add(actionRoute(
      "progress", "Report progress or confirm a key step ({text, key_step})",
      [&p](Context& ctx, std::int64_t id, const json::object& body) -> Result<json::object> {
        AG_ASSIGN_OR_RETURN(auto text, stringField(body, "text", true));
        AG_ASSIGN_OR_RETURN(auto key, boolField(body, "key_step"));
        return p.progress(ctx.caller(), id, text, key.value_or(false));
      }));
  router.add(
      actionRoute("complete", "The work is finished",
                  [&p](Context& ctx, std::int64_t id, const json::object&) -> Result<json::object> {
                    return p.complete(ctx.caller(), id);
                  }));
  router.add(actionRoute(
      "acceptance", "Completion acceptance ({items: close-out codes, comment, signature})",
      [&p](Context& ctx, std::int64_t id, const json::object& body) -> Result<json::object> {
        AG_ASSIGN_OR_RETURN(auto items, listField(body, "items"));
        AG_ASSIGN_OR_RETURN(auto comment, stringField(body, "comment", false));
        AG_ASSIGN_OR_RETURN(auto sig, readSignature(body));
        return p.acceptance(ctx.caller(), id, items, comment, sig);
      }));
  router.add(actionRoute(
      "review", "Review with lessons learned ({lessons})",
      [&p](Context& ctx, std::int64_t id, const json::object& body) -> Result<json::object> {
        AG_ASSIGN_OR_RETURN(auto lessons, stringField(body, "lessons", true));
        return p.review(ctx.caller(), id, lessons);
      }));
  router.add(
      actionRoute("close", "Close the permit (after acceptance and review)",
                  [&p](Context& ctx, std::int64_t id, const json::object&) -> Result<json::object> {
                    return p.close(ctx.caller(), id);
                  }));
}

}  // namespace anguan::api
