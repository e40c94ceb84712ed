#include "http/webhook_client.hpp"

#include <optional>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url.hpp>

#include "anguan/api/webhook_client.hpp"

namespace anguan::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

Error transport(const std::string& what, const boost::system::error_code& ec) {
  return Error::unavailable("webhook.transport", what + ": " + ec.message());
}

struct Target {
  bool tls = false;
  std::string host;       // For DNS / connect (IPv6 without brackets).
  std::string host_port;  // Host header.
  std::string port;
  std::string path;  // Path and query.
};

Result<Target> parseTarget(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    return Error::invalidArgument("webhook.bad_url", "the webhook URL can't be parsed");
  }
  const boost::urls::url_view& u = *parsed;
  Target t;
  if (u.scheme_id() == boost::urls::scheme::https) {
    t.tls = true;
  } else if (u.scheme_id() != boost::urls::scheme::http) {
    return Error::invalidArgument("webhook.bad_url", "only http and https are supported");
  }
  if (u.host_type() == boost::urls::host_type::ipv6) {
    t.host = u.host_ipv6_address().to_string();
  } else {
    t.host = u.host();
  }
  if (t.host.empty()) {
    return Error::invalidArgument("webhook.bad_url", "the webhook URL has no host");
  }
  t.port = u.has_port() ? std::string(u.port()) : (t.tls ? "443" : "80");
  t.host_port = std::string(u.encoded_host_and_port());
  t.path = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
  if (u.has_query()) {
    t.path += "?" + std::string(u.encoded_query());
  }
  return t;
}

// Sends the request and reads the answer on `stream` (a tcp_stream or an ssl_stream over one).
template <class Stream>
asio::awaitable<Result<service::WebhookResponse>> sendAndReceive(
    Stream& stream, const bhttp::request<bhttp::string_body>& req) {
  auto [wec, written] = co_await bhttp::async_write(stream, req, kTuple);
  (void)written;
  if (wec) {
    co_return transport("send", wec);
  }
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(BeastWebhookSender::kMaxResponseBody);
  auto [hec, header_bytes] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
  (void)header_bytes;
  if (hec) {
    co_return transport("receive", hec);
  }
  service::WebhookResponse out;
  out.status = static_cast<int>(parser.get().result_int());
  auto [rec, body_bytes] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
  (void)body_bytes;
  // An answer over the cap keeps what was read: the status is what counts.
  if (rec && rec != bhttp::error::body_limit) {
    co_return transport("receive", rec);
  }
  out.body = parser.get().body();
  if (out.body.size() > BeastWebhookSender::kMaxResponseBody) {
    out.body.resize(BeastWebhookSender::kMaxResponseBody);
  }
  co_return out;
}

asio::awaitable<Result<service::WebhookResponse>> postAsync(const Target& t,
                                                            const std::string& body,
                                                            std::chrono::milliseconds timeout,
                                                            ssl::context* tls) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  auto [dec, endpoints] = co_await resolver.async_resolve(t.host, t.port, kTuple);
  if (dec) {
    co_return transport("resolve " + t.host, dec);
  }
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, t.path, 11};
  req.set(bhttp::field::host, t.host_port);
  req.set(bhttp::field::user_agent, "anguan-webhook/1");
  req.set(bhttp::field::content_type, "application/json; charset=utf-8");
  req.set(bhttp::field::connection, "close");
  req.body() = body;
  req.prepare_payload();

  if (tls == nullptr) {
    beast::tcp_stream stream(executor);
    stream.expires_after(timeout);
    auto [cec, ep] = co_await stream.async_connect(endpoints, kTuple);
    (void)ep;
    if (cec) {
      co_return transport("connect", cec);
    }
    auto result = co_await sendAndReceive(stream, req);
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return result;
  }
  beast::ssl_stream<beast::tcp_stream> stream(executor, *tls);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), t.host.c_str())) {
    co_return Error::unavailable("webhook.transport", "TLS: can't set the server name");
  }
  stream.set_verify_callback(ssl::host_name_verification(t.host));
  beast::get_lowest_layer(stream).expires_after(timeout);
  auto [cec, ep] = co_await beast::get_lowest_layer(stream).async_connect(endpoints, kTuple);
  (void)ep;
  if (cec) {
    co_return transport("connect", cec);
  }
  auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, kTuple);
  if (hec) {
    co_return transport("TLS handshake", hec);
  }
  auto result = co_await sendAndReceive(stream, req);
  // Servers often close without a TLS close_notify; the answer is already complete.
  auto [sec] = co_await stream.async_shutdown(kTuple);
  (void)sec;
  co_return result;
}

}  // namespace

Result<service::WebhookResponse> BeastWebhookSender::post(const std::string& url,
                                                          const std::string& body,
                                                          std::chrono::milliseconds timeout) {
  AG_ASSIGN_OR_RETURN(Target target, parseTarget(url));
  std::optional<ssl::context> tls;
  if (target.tls) {
    tls.emplace(ssl::context::tls_client);
    boost::system::error_code ec;
    tls->set_default_verify_paths(ec);
    if (ec) {
      return transport("TLS: system CA store", ec);
    }
    tls->set_verify_mode(ssl::verify_peer);
  }
  std::optional<Result<service::WebhookResponse>> result;
  asio::io_context ioc;
  asio::co_spawn(ioc, postAsync(target, body, timeout, tls ? &*tls : nullptr),
                 [&result](std::exception_ptr e, Result<service::WebhookResponse> r) {
                   if (e) {
                     result = Error::unavailable("webhook.transport", "the request failed");
                   } else {
                     result = std::move(r);
                   }
                 });
  // The stream deadline covers connect/handshake/send/receive; DNS gets the same budget again.
  ioc.run_for(timeout * 2);
  if (!result) {
    ioc.stop();
    return Error::unavailable("webhook.transport", "timed out");
  }
  return *std::move(result);
}

std::unique_ptr<service::WebhookSender> makeWebhookSender() {
  return std::make_unique<BeastWebhookSender>();
}

}  // namespace anguan::api
