#include "anguan/api/server.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/url.hpp>

#include "anguan/core/log.hpp"
#include "anguan/core/worker_pool.hpp"

#include "http/i18n.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/ws_hub.hpp"
#include "routes/routes.hpp"

namespace anguan::api {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

std::string contentTypeFor(const fs::path& p) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "application/javascript; charset=utf-8"},
      {".mjs", "application/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".ttf", "font/ttf"},
      {".map", "application/json; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
      {".wav", "audio/wav"},
      {".mp3", "audio/mpeg"},
  };
  auto it = kTypes.find(p.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

std::string bearerToken(const HttpRequest& req) {
  auto it = req.find(http::field::authorization);
  if (it == req.end()) {
    return {};
  }
  const std::string_view v = it->value();
  if (v.size() > 7 && (v.substr(0, 7) == "Bearer " || v.substr(0, 7) == "bearer ")) {
    return std::string(v.substr(7));
  }
  return {};
}

// RFC 7240: does a Prefer header carry the preference `return=minimal`? Preferences are
// comma-separated and case-insensitive; parameters after ';' are ignored.
bool prefersMinimal(const HttpRequest& req) {
  const auto [first, last] = req.equal_range("Prefer");
  for (auto it = first; it != last; ++it) {
    std::string_view rest = it->value();
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      item = item.substr(0, item.find(';'));
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) {
        item.remove_prefix(1);
      }
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) {
        item.remove_suffix(1);
      }
      if (beast::iequals(item, "return=minimal")) {
        return true;
      }
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  return false;
}

}  // namespace

class ServerImpl final : public Server {
 public:
  ServerImpl(const ServerOptions& options, Services services, WsHub& hub)
      : options_(options),
        services_(services),
        hub_(hub),
        ioc_(options.io_threads),
        acceptor_(ioc_),
        workers_(static_cast<std::size_t>(std::max(1, options.worker_threads))) {
    addAuthRoutes(router_, services_);
    addAuditRoutes(router_, services_);
    router_.add({http::verb::get, "/api/v1/ws", Access::kSignedIn, false, false,
                 "WebSocket: ?token=…; subscribe to topics such as base.areas", "system",
                 [](Context& ctx) -> Reply {
                   return errorReply(
                       Error::invalidArgument("request.bad_target", "use a WebSocket upgrade"),
                       ctx.language);
                 }});
    addBaseRoutes(router_, services_);
    addNotifyRoutes(router_, services_);
    addPermitRoutes(router_, services_);
    addHazardRoutes(router_, services_);
    addMonitorRoutes(router_, services_);
    addWebhookRoutes(router_, services_);
    addSystemRoutes(router_, services_, metrics_);
  }

  ~ServerImpl() override { workers_.stop(); }

  Status start() override {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(options_.host, ec);
    if (ec) {
      return Error::invalidArgument("server.bad_address", "bad listen address " + options_.host);
    }
    tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) {
      acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
      acceptor_.bind(endpoint, ec);
    }
    if (!ec) {
      acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
      return Error::unavailable("server.bind_failed", "can't listen on " + options_.host + ":" +
                                                          std::to_string(options_.port) + ": " +
                                                          ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(ioc_, listen(), [](const std::exception_ptr& e) {
      if (e) {
        log::error("listener stopped by an exception");
      }
    });
    return okStatus();
  }

  unsigned short port() const override { return port_; }

  void run(bool handle_signals) override {
    asio::signal_set signals(ioc_);
    if (handle_signals) {
      signals.add(SIGINT);
      signals.add(SIGTERM);
      signals.async_wait([this](const boost::system::error_code& ec, int) {
        if (!ec) {
          log::info("signal received; shutting down");
          stop();
        }
      });
    }
    std::vector<std::thread> threads;
    for (int i = 1; i < options_.io_threads; ++i) {
      threads.emplace_back([this] { ioc_.run(); });
    }
    ioc_.run();
    for (auto& t : threads) {
      t.join();
    }
    workers_.stop();
  }

  void stop() override {
    asio::post(ioc_, [this] {
      if (stopping_) {
        return;
      }
      stopping_ = true;
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      hub_.closeAll();
      // In-flight requests get a short grace period; idle keep-alive connections don't.
      auto timer = std::make_shared<asio::steady_timer>(ioc_, std::chrono::seconds(2));
      timer->async_wait([this, timer](const boost::system::error_code&) { ioc_.stop(); });
    });
  }

  service::EventPublisher& events() override { return hub_; }

  std::vector<std::string> routeKeys() const override {
    std::vector<std::string> keys;
    for (const auto& r : router_.routes()) {
      keys.push_back(std::string(http::to_string(r.method)) + " " + r.pattern);
    }
    return keys;
  }

 private:
  asio::awaitable<void> listen() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(ioc_), kNoThrow);
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) {
          co_return;
        }
        continue;  // e.g. too many open files: keep serving the others.
      }
      auto executor = socket.get_executor();
      asio::co_spawn(executor, session(std::move(socket)), [](const std::exception_ptr& e) {
        if (e) {
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& ex) {
            log::error("http session aborted by an exception: {}", ex.what());
          }
        }
      });
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    boost::system::error_code ignored;
    const std::string remote = socket.remote_endpoint(ignored).address().to_string();
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(16 * 1024);
      // Beast checks Content-Length against the limit while parsing the header, so the header
      // is read under the largest limit and the route's own limit is applied after it.
      parser.body_limit(options_.max_upload_bytes);
      stream.expires_after(std::chrono::seconds(options_.idle_timeout_seconds));
      auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, kNoThrow);
      if (hec && hec != http::error::body_limit) {
        break;
      }
      const std::string_view target = parser.get().target();
      // Imports and telemetry batches (up to 10,000 readings, or an event with a snapshot)
      // get the upload limit.
      const std::size_t limit = target.find("/import") != std::string_view::npos ||
                                        target.substr(0, target.find('?')) == "/api/v1/telemetry"
                                    ? options_.max_upload_bytes
                                    : options_.max_body_bytes;
      boost::beast::error_code ec = hec;
      if (!ec && parser.content_length() && *parser.content_length() > limit) {
        ec = http::error::body_limit;
      }
      if (!ec) {
        parser.body_limit(limit);
        stream.expires_after(std::chrono::seconds(options_.read_timeout_seconds));
        auto [rec, rn] = co_await http::async_read(stream, buffer, parser, kNoThrow);
        ec = rec;
      }
      const std::string language =
          pickLanguage(std::string(parser.get()[http::field::accept_language]), "");
      if (ec == http::error::body_limit) {
        HttpResponse res = toResponse(
            errorReply(Error(ErrorCode::kPayloadTooLarge, "request.too_large", "body too large"),
                       language),
            parser.get().version(), false);
        co_await http::async_write(stream, res, kNoThrow);
        // Closing with unread body bytes would make the kernel send RST and the client lose
        // the 413: stop sending, then read and discard (bounded in time and bytes).
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream.expires_after(std::chrono::seconds(2));
        std::vector<char> sink(64 * 1024);
        for (std::size_t drained = 0; drained < (64u << 20);) {
          auto [dec, dn] = co_await stream.async_read_some(asio::buffer(sink), kNoThrow);
          if (dec) {
            break;
          }
          drained += dn;
        }
        co_return;
      }
      if (ec) {
        break;
      }
      HttpRequest req = parser.release();
      if (websocket::is_upgrade(req)) {
        co_await upgrade(std::move(stream), std::move(req), remote);
        co_return;
      }
      const auto started = std::chrono::steady_clock::now();
      Dispatch d = prepare(req, remote);
      Reply reply;
      // SQLite reads take microseconds and stay on the I/O thread; a PostgreSQL read is a
      // network round trip, so every database route goes to the workers there.
      if (d.route != nullptr && (d.route->blocking || reads_block_)) {
        reply = co_await onWorker(d);
      } else {
        reply = invoke(d);
      }
      HttpResponse res = toResponse(std::move(reply), req.version(), req.keep_alive());
      if (req.method() == http::verb::head) {
        res.body().clear();
      }
      metrics_.observe(
          d.route != nullptr ? d.route->pattern : d.metric_label,
          std::string(req.method_string()).c_str(), res.result_int(),
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      const bool keep_alive = res.keep_alive();
      auto [wec, wn] = co_await http::async_write(stream, res, kNoThrow);
      if (wec || !keep_alive) {
        break;
      }
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  asio::awaitable<void> upgrade(beast::tcp_stream stream, HttpRequest req, std::string remote) {
    Context ctx{req, {}, {}, {}, std::nullopt, "zh-CN", remote};
    parseTarget(req.target(), ctx);
    ctx.language =
        pickLanguage(std::string(req[http::field::accept_language]), ctx.queryValue("lang"));
    Error failure;
    bool ok = ctx.path == "/api/v1/ws";
    if (!ok) {
      failure = Error::notFound("route.not_found", "no such endpoint");
    } else {
      std::string token = ctx.queryValue("token");
      if (token.empty()) {
        token = bearerToken(req);
      }
      auto principal = services_.auth.authenticate(token, remote);
      if (principal) {
        ctx.principal = *principal;
      } else {
        ok = false;
        failure = principal.error();
      }
    }
    if (!ok) {
      HttpResponse res = toResponse(errorReply(failure, ctx.language), req.version(), false);
      co_await http::async_write(stream, res, kNoThrow);
      co_return;
    }
    stream.expires_never();
    auto ws = std::make_shared<WsSession>(std::move(stream), *ctx.principal, hub_, metrics_);
    ws->run(std::move(req));
  }

  struct Dispatch {
    const HttpRequest* request = nullptr;
    const Route* route = nullptr;
    Context ctx;
    std::optional<Reply> early;  // Set when routing or auth already decided the answer.
    std::string metric_label;
  };

  // Fills path and query; false when the target is not a valid origin-form.
  static bool parseTarget(std::string_view target, Context& ctx) {
    auto parsed = boost::urls::parse_origin_form(target);
    if (!parsed) {
      return false;
    }
    ctx.path = parsed->path();
    for (auto param : parsed->params()) {
      ctx.query.emplace_back(param.key, param.value);
    }
    return true;
  }

  Dispatch prepare(const HttpRequest& req, const std::string& remote) {
    Dispatch d{&req, nullptr, Context{req, {}, {}, {}, std::nullopt, "zh-CN", remote}, {}, ""};
    Context& ctx = d.ctx;
    ctx.language = pickLanguage(std::string(req[http::field::accept_language]), "");
    if (!parseTarget(req.target(), ctx)) {
      d.early =
          errorReply(Error::invalidArgument("request.bad_target", "bad target"), ctx.language);
      d.metric_label = "invalid";
      return d;
    }
    if (req.version() >= 11 && req.find(http::field::host) == req.end()) {
      // RFC 9112 §3.2: an HTTP/1.1 request without Host is malformed.
      d.early = errorReply(Error::invalidArgument("request.no_host", "Host header required"),
                           ctx.language);
      d.metric_label = "invalid";
      return d;
    }
    if (auto lang = ctx.queryValue("lang"); !lang.empty()) {
      ctx.language = pickLanguage("", lang);
    }
    const bool api =
        ctx.path.rfind("/api/", 0) == 0 || ctx.path == "/healthz" || ctx.path == "/metrics";
    if (!api) {
      d.metric_label = "static";
      d.early = serveStatic(req, ctx);
      return d;
    }
    bool path_matched = false;
    const http::verb method = req.method() == http::verb::head ? http::verb::get : req.method();
    d.route = router_.match(method, ctx.path, ctx.params, path_matched);
    if (d.route == nullptr) {
      d.metric_label = "unmatched";
      d.early = path_matched ? errorReply(Error(ErrorCode::kInvalidArgument,
                                                "route.method_not_allowed", "method not allowed"),
                                          ctx.language)
                             : errorReply(Error::notFound("route.not_found", "no such endpoint"),
                                          ctx.language);
      if (path_matched) {
        d.early->status = http::status::method_not_allowed;
      }
    }
    return d;
  }

  // Runs the route on a worker thread; the session resumes with its reply on its own executor.
  asio::awaitable<Reply> onWorker(Dispatch& d) {
    return asio::async_initiate<const asio::use_awaitable_t<>&, void(Reply)>(
        [this](auto handler, Dispatch* dispatch) {
          auto executor = asio::prefer(asio::get_associated_executor(handler, ioc_.get_executor()),
                                       asio::execution::outstanding_work.tracked);
          workers_.submit([this, dispatch, executor = std::move(executor),
                           handler = std::move(handler)]() mutable {
            Reply reply = invoke(*dispatch);
            asio::post(executor,
                       [handler = std::move(handler), reply = std::move(reply)]() mutable {
                         std::move(handler)(std::move(reply));
                       });
          });
        },
        asio::use_awaitable, &d);
  }

  // Authenticates and runs the handler; never throws.
  Reply invoke(Dispatch& d) {
    if (d.early) {
      return std::move(*d.early);
    }
    Context& ctx = d.ctx;
    try {
      if (d.route->access == Access::kSignedIn) {
        auto principal = services_.auth.authenticate(bearerToken(*d.request), ctx.client_address);
        if (!principal) {
          return errorReply(principal.error(), ctx.language);
        }
        ctx.principal = std::move(*principal);
        ctx.principal->prefer_minimal = prefersMinimal(*d.request);
        if (d.request->find(http::field::accept_language) == d.request->end() &&
            ctx.queryValue("lang").empty()) {
          ctx.language = ctx.principal->language == "en" ? "en" : "zh-CN";
        }
      }
      return d.route->handler(ctx);
    } catch (const std::exception& e) {
      log::error("handler {} threw: {}", d.route->pattern, e.what());
      return errorReply(Error::internal("internal", "internal error"), ctx.language);
    }
  }

  Reply serveStatic(const HttpRequest& req, const Context& ctx) {
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      Reply r = errorReply(
          Error(ErrorCode::kInvalidArgument, "route.method_not_allowed", "method not allowed"),
          ctx.language);
      r.status = http::status::method_not_allowed;
      return r;
    }
    if (options_.web_root.empty()) {
      return errorReply(Error::notFound("route.not_found", "no such endpoint"), ctx.language);
    }
    // Reject traversal before touching the file system.
    const std::string& path = ctx.path;
    if (path.find("..") != std::string::npos || path.find('\0') != std::string::npos ||
        path.find('\\') != std::string::npos) {
      return errorReply(Error::notFound("route.not_found", "no such file"), ctx.language);
    }
    const fs::path root = fs::path(options_.web_root);
    fs::path file = root / fs::path(path).relative_path();
    std::error_code fec;
    const bool is_asset = path.rfind("/assets/", 0) == 0;
    if (path == "/" || !fs::is_regular_file(file, fec)) {
      if (is_asset) {
        return errorReply(Error::notFound("route.not_found", "no such file"), ctx.language);
      }
      file = root / "index.html";  // SPA fallback: the client router takes the path.
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      return errorReply(Error::notFound("route.not_found", "no such file"), ctx.language);
    }
    std::ostringstream content;
    content << in.rdbuf();
    Reply r;
    r.body = content.str();
    r.content_type = contentTypeFor(file);
    r.headers.emplace_back("Cache-Control",
                           is_asset ? "public, max-age=31536000, immutable" : "no-cache");
    return r;
  }

  static HttpResponse toResponse(Reply reply, unsigned version, bool keep_alive) {
    HttpResponse res{reply.status, version};
    res.set(http::field::server, "anguan");
    if (!reply.content_type.empty()) {
      res.set(http::field::content_type, reply.content_type);
    }
    res.set("X-Content-Type-Options", "nosniff");
    bool cache_set = false;
    for (auto& [k, v] : reply.headers) {
      cache_set = cache_set || k == "Cache-Control";
      res.set(k, v);
    }
    if (!cache_set) {
      res.set(http::field::cache_control, "no-store");
    }
    res.keep_alive(keep_alive);
    res.body() = std::move(reply.body);
    res.prepare_payload();
    return res;
  }

  ServerOptions options_;
  Services services_;
  WsHub& hub_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  WorkerPool workers_;  // Blocking routes (worker_pool.hpp).
  Router router_;
  Metrics metrics_;
  unsigned short port_ = 0;
  bool reads_block_ = services_.store.backend() != "sqlite";
  bool stopping_ = false;  // Only touched on ioc_ (posted).
};

std::unique_ptr<service::EventPublisher> makeEventHub() { return std::make_unique<WsHub>(); }

std::unique_ptr<Server> makeServer(const ServerOptions& options, Services services,
                                   service::EventPublisher& hub) {
  return std::make_unique<ServerImpl>(options, services, dynamic_cast<WsHub&>(hub));
}

}  // namespace anguan::api
