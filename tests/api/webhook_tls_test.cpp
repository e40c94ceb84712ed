// The webhook sender over https against an in-process TLS receiver: a certificate the trust
// store holds and whose name matches is accepted; a name mismatch, or a certificate the store
// doesn't hold, is refused before anything is sent.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <gtest/gtest.h>

#include "anguan/api/webhook_client.hpp"

namespace anguan::testing_api {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// Self-signed, CN and subjectAltName "localhost", valid until 2126; for this test only.
constexpr const char* kCert = R"(-----BEGIN CERTIFICATE-----
MIIBlDCCATugAwIBAgIUXTt6D8Nwr8LRaRjP4P05GVfzKYYwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyOTAzMzYyMloYDzIxMjYxMTA1
MDMzNjIyWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARfY/0G6i3HLRa7yUsVpvALnu0rNWtjIfXnQjurjNt0kXP0O08N/DEu
yPTlkC8SMQJmptlRKZQEagIZ8KvC4ZRso2kwZzAdBgNVHQ4EFgQUPwJfYJMDnWKR
/mv3waIx2yAyqykwHwYDVR0jBBgwFoAUPwJfYJMDnWKR/mv3waIx2yAyqykwDwYD
VR0TAQH/BAUwAwEB/zAUBgNVHREEDTALgglsb2NhbGhvc3QwCgYIKoZIzj0EAwID
RwAwRAIgOA2zEY7mC5QkRYSVT9h5ncdlQZSI5s1XnSkOalo9wlYCIAI17Mh22dCN
zNg4osXnLprEkPVUgoX2+OBAzVG3lDYG
-----END CERTIFICATE-----)";
constexpr const char* kKey = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQggator8fYwVzOBraO
gt1Ak3k22uKgh0JDxACiWZi25fyhRANCAARfY/0G6i3HLRa7yUsVpvALnu0rNWtj
IfXnQjurjNt0kXP0O08N/DEuyPTlkC8SMQJmptlRKZQEagIZ8KvC4ZRs
-----END PRIVATE KEY-----)";

// Answers POSTs over TLS with 200 {"errcode":0}; records the request targets and bodies.
class TlsReceiver {
 public:
  TlsReceiver() : ctx_(ssl::context::tls_server), acceptor_(ioc_) {
    ctx_.use_certificate_chain(asio::buffer(std::string_view(kCert)));
    ctx_.use_private_key(asio::buffer(std::string_view(kKey)), ssl::context::pem);
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(ep.protocol());
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { loop(); });
  }
  ~TlsReceiver() {
    boost::system::error_code ec;
    stop_ = true;
    // Wake the blocking accept with a connection of our own.
    tcp::socket s(ioc_);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    thread_.join();
  }
  unsigned short port() const { return port_; }
  std::vector<std::string> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  void loop() {
    while (!stop_) {
      boost::system::error_code ec;
      tcp::socket socket(ioc_);
      acceptor_.accept(socket, ec);
      if (ec || stop_) {
        continue;
      }
      ssl::stream<tcp::socket> stream(std::move(socket), ctx_);
      stream.handshake(ssl::stream_base::server, ec);
      if (ec) {
        continue;  // The client refused our certificate.
      }
      boost::beast::flat_buffer buffer;
      bhttp::request<bhttp::string_body> req;
      bhttp::read(stream, buffer, req, ec);
      if (ec) {
        continue;
      }
      {
        std::lock_guard lock(mutex_);
        received_.push_back(std::string(req.target()) + " " + req.body());
      }
      bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
      res.set(bhttp::field::content_type, "application/json");
      res.body() = R"({"errcode":0,"errmsg":"ok"})";
      res.prepare_payload();
      bhttp::write(stream, res, ec);
      stream.shutdown(ec);
    }
  }

  asio::io_context ioc_;
  ssl::context ctx_;
  tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<std::string> received_;
  std::thread thread_;
};

// Points OpenSSL's default trust store at `path` for the scope (restores it after).
class TrustStore {
 public:
  explicit TrustStore(const std::string& path) {
    if (const char* old = std::getenv("SSL_CERT_FILE")) {
      old_ = old;
    }
    ::setenv("SSL_CERT_FILE", path.c_str(), 1);
  }
  ~TrustStore() {
    if (old_) {
      ::setenv("SSL_CERT_FILE", old_->c_str(), 1);
    } else {
      ::unsetenv("SSL_CERT_FILE");
    }
  }

 private:
  std::optional<std::string> old_;
};

std::string writeCert() {
  const auto path = std::filesystem::temp_directory_path() /
                    ("anguan-webhook-ca-" + std::to_string(::getpid()) + ".pem");
  std::ofstream(path) << kCert << "\n";
  return path.string();
}

TEST(WebhookTlsTest, VerifiesThePeerAgainstTheTrustStoreAndItsName) {
  TlsReceiver rx;
  const std::string port = std::to_string(rx.port());
  auto sender = api::makeWebhookSender();
  const std::string cert = writeCert();
  {
    TrustStore trust(cert);
    auto ok = sender->post("https://localhost:" + port + "/robot/send?access_token=t",
                           R"({"msgtype":"markdown"})", std::chrono::seconds(5));
    ASSERT_TRUE(ok) << ok.error().message();
    EXPECT_EQ(ok->status, 200);
    EXPECT_EQ(ok->body, R"({"errcode":0,"errmsg":"ok"})");

    // Same certificate, but the URL names an address the certificate doesn't.
    auto mismatch = sender->post("https://127.0.0.1:" + port + "/x", "{}", std::chrono::seconds(5));
    ASSERT_FALSE(mismatch);
    EXPECT_EQ(mismatch.error().key(), "webhook.transport");
    EXPECT_NE(mismatch.error().message().find("TLS handshake"), std::string::npos)
        << mismatch.error().message();
  }
  // The system store doesn't hold the test certificate.
  auto untrusted = sender->post("https://localhost:" + port + "/x", "{}", std::chrono::seconds(5));
  ASSERT_FALSE(untrusted);
  EXPECT_NE(untrusted.error().message().find("certificate verify failed"), std::string::npos)
      << untrusted.error().message();

  const auto got = rx.received();
  ASSERT_EQ(got.size(), 1u);  // Refused handshakes sent nothing.
  EXPECT_EQ(got[0], R"(/robot/send?access_token=t {"msgtype":"markdown"})");
  std::filesystem::remove(cert);
}

}  // namespace
}  // namespace anguan::testing_api
