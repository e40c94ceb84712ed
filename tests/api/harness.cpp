#include "api/harness.hpp"

#include <future>
#include <random>

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <gtest/gtest.h>

namespace anguan::testing_api {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;

json::value HttpResult::json() const {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  return ec ? json::value(nullptr) : v;
}

std::string HttpResult::errorCode() const {
  auto v = json();
  if (v.is_object() && v.as_object().contains("error")) {
    return std::string(v.at("error").at("code").as_string());
  }
  return {};
}

TestServer::TestServer(const std::string& web_root) {
  std::random_device rd;
  dir_ = std::filesystem::temp_directory_path() / ("anguan-api-" + std::to_string(rd()));
  std::filesystem::create_directories(dir_);
  db_path_ = (dir_ / "test.db").string();
  server::Config config;
  config.db = "sqlite:" + db_path_;
  config.test_fast_password_hash = true;
  auto hub = api::makeEventHub();
  auto* hub_ptr = hub.get();
  auto made = server::makeApp(config, std::move(hub), &clock_);
  if (!made) {
    ADD_FAILURE() << "app: " << made.error().message();
    return;
  }
  app_ = std::move(*made);
  app_->auth->setEventPublisher(app_->events.get());
  auto seeded = server::seedDemo(*app_, "anguan123");
  if (!seeded) {
    ADD_FAILURE() << "demo: " << seeded.error().message();
    return;
  }
  api::ServerOptions options;
  options.port = 0;
  options.web_root = web_root;
  options.max_body_bytes = 64 * 1024;
  server_ = api::makeServer(options, server::apiServices(*app_), *hub_ptr);
  if (auto st = server_->start(); !st) {
    ADD_FAILURE() << "start: " << st.error().message();
    return;
  }
  port_ = server_->port();
  thread_ = std::thread([this] { server_->run(false); });
}

TestServer::~TestServer() {
  if (server_) {
    server_->stop();
  }
  if (thread_.joinable()) {
    thread_.join();
  }
  server_.reset();
  app_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

HttpResult TestServer::request(const std::string& method, const std::string& target,
                               const std::string& body, const std::string& token,
                               const std::map<std::string, std::string>& headers) const {
  HttpResult out;
  try {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (headers.count("X-No-Host") != 0) {
      req.erase(http::field::host);
    }
    if (!token.empty()) {
      req.set(http::field::authorization, "Bearer " + token);
    }
    for (const auto& [k, v] : headers) {
      if (k != "X-No-Host") {
        req.set(k, v);
      }
    }
    if (!body.empty() || method == "POST" || method == "PUT") {
      if (req.find(http::field::content_type) == req.end()) {
        req.set(http::field::content_type, "application/json");
      }
      req.body() = body;
      req.prepare_payload();
    }
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    http::read(stream, buffer, parser);
    auto res = parser.release();
    out.status = res.result_int();
    out.body = res.body();
    for (const auto& f : res) {
      out.headers[std::string(f.name_string())] = std::string(f.value());
    }
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  } catch (const std::exception& e) {
    out.status = 0;
    out.body = e.what();
  }
  return out;
}

std::string TestServer::login(const std::string& username, const std::string& password) {
  auto r = request("POST", "/api/v1/auth/login",
                   json::serialize(json::object{{"username", username}, {"password", password}}));
  EXPECT_EQ(r.status, 200u) << r.body;
  auto v = r.json();
  if (!v.is_object() || !v.as_object().contains("token")) {
    return {};
  }
  return std::string(v.at("token").as_string());
}

struct WsClient::Impl {
  asio::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};
  bool ok = false;
};

WsClient::WsClient(unsigned short port, const std::string& token) : impl_(new Impl) {
  try {
    impl_->ws.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    impl_->ws.handshake("127.0.0.1", "/api/v1/ws?token=" + token);
    impl_->ok = true;
  } catch (const std::exception&) {
    impl_->ok = false;
  }
}

WsClient::~WsClient() {
  beast::error_code ec;
  impl_->ws.next_layer().close(ec);
}

bool WsClient::connected() const { return impl_->ok; }

void WsClient::send(const std::string& text) { impl_->ws.write(asio::buffer(text)); }

std::string WsClient::receive(std::chrono::milliseconds timeout) {
  beast::flat_buffer buffer;
  std::string result;
  impl_->ws.async_read(buffer, [&](beast::error_code ec, std::size_t) {
    if (!ec) {
      result = beast::buffers_to_string(buffer.data());
    }
  });
  impl_->ioc.restart();
  impl_->ioc.run_for(timeout);
  if (!impl_->ioc.stopped()) {
    // Timed out: cancel the pending read and drain it.
    beast::error_code ec;
    impl_->ws.next_layer().cancel(ec);
    impl_->ioc.restart();
    impl_->ioc.run();
    impl_->ok = false;  // A cancelled read leaves the stream unusable.
  }
  return result;
}

}  // namespace anguan::testing_api
