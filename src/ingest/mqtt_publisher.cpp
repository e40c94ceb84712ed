#include "anguan/ingest/mqtt_publisher.hpp"

#include <algorithm>
#include <cstring>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include "anguan/ingest/mqtt_codec.hpp"

namespace anguan::ingest {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

Error unavailable(const std::string& what, const boost::system::error_code& ec) {
  return Error::unavailable("mqtt.unavailable", what).with("cause", ec.message());
}

}  // namespace

class MqttPublisher::Impl {
 public:
  explicit Impl(MqttPublisherOptions options) : options_(std::move(options)), socket_(io_) {}

  Status connect() {
    tcp::resolver resolver(io_);
    boost::system::error_code ec;
    auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port), ec);
    if (ec) {
      return unavailable("cannot resolve the broker", ec);
    }
    ec = runWithTimeout([&](auto done) { asio::async_connect(socket_, endpoints, done); });
    if (ec) {
      return unavailable("cannot connect to the broker", ec);
    }
    socket_.set_option(tcp::no_delay(true), ec);
    mqtt::ConnectOptions c;
    c.client_id = options_.client_id;
    c.username = options_.username;
    c.password = options_.password;
    c.clean_start = true;
    c.session_expiry_s = 0;
    c.receive_maximum = 0;
    c.keepalive_s = static_cast<std::uint16_t>(options_.keepalive.count());
    std::string out;
    mqtt::encodeConnect(c, out);
    AG_RETURN_IF_ERROR(write(out));
    AG_ASSIGN_OR_RETURN(auto frame, readFrame());
    AG_ASSIGN_OR_RETURN(auto connack, mqtt::decodeConnack(frame));
    consume(frame);
    if (connack.reason_code != 0) {
      return Error::unauthenticated("mqtt.refused", "the broker refused the connection")
          .with("reason", std::to_string(connack.reason_code));
    }
    window_ = std::min(options_.window, connack.receive_maximum);
    connected_ = true;
    return okStatus();
  }

  Result<PublishReport> publish(const std::vector<OutgoingMessage>& messages, std::uint8_t qos) {
    PublishReport report;
    std::string out;
    if (qos == 0) {
      for (const auto& m : messages) {
        mqtt::encodePublish(m.topic, m.payload, 0, 0, false, out);
        if (out.size() > 64 * 1024) {
          AG_RETURN_IF_ERROR(write(out));
          out.clear();
        }
      }
      if (!out.empty()) {
        AG_RETURN_IF_ERROR(write(out));
      }
      return report;
    }
    std::size_t next = 0;
    std::size_t inflight = 0;
    while (next < messages.size() || inflight > 0) {
      out.clear();
      while (next < messages.size() && inflight < window_) {
        packet_id_ = static_cast<std::uint16_t>(packet_id_ % 0xFFFF + 1);
        mqtt::encodePublish(messages[next].topic, messages[next].payload, 1, packet_id_, false,
                            out);
        ++next;
        ++inflight;
      }
      if (!out.empty()) {
        AG_RETURN_IF_ERROR(write(out));
      }
      // Wait for at least one packet, then take every complete one already read.
      AG_ASSIGN_OR_RETURN(auto first, readFrame());
      auto frame = first;
      for (;;) {
        if (frame.type == mqtt::PacketType::kPuback) {
          AG_ASSIGN_OR_RETURN(auto ack, mqtt::decodePuback(frame));
          if (inflight > 0) {
            --inflight;
          }
          if (ack.reason_code >= 0x80) {
            ++report.refused;
            report.last_refusal = ack.reason_code;
          } else {
            ++report.accepted;
          }
        } else if (frame.type == mqtt::PacketType::kDisconnect) {
          return Error::unavailable("mqtt.disconnected", "the broker closed the connection");
        }
        consume(frame);
        auto d = mqtt::decodeFrame(std::string_view(rx_).substr(rx_begin_), kMaxPacket);
        if (d.status != mqtt::DecodeStatus::kOk) {
          break;
        }
        frame = d.frame;
      }
    }
    return report;
  }

  void disconnect() {
    if (!connected_) {
      return;
    }
    connected_ = false;
    std::string out;
    mqtt::encodeDisconnect(0, out);
    (void)write(out);
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  static constexpr std::size_t kMaxPacket = 1024 * 1024;

  // Runs one asynchronous operation to completion or until the time-out (then closes the socket).
  template <class Start>
  boost::system::error_code runWithTimeout(Start start) {
    boost::system::error_code result = asio::error::would_block;
    start([&](boost::system::error_code ec, auto&&...) { result = ec; });
    io_.restart();
    io_.run_for(options_.timeout);
    if (!io_.stopped()) {
      boost::system::error_code ignored;
      socket_.close(ignored);
      io_.run();
      result = asio::error::timed_out;
    }
    return result;
  }

  Status write(const std::string& bytes) {
    auto ec =
        runWithTimeout([&](auto done) { asio::async_write(socket_, asio::buffer(bytes), done); });
    if (ec) {
      return unavailable("cannot write to the broker", ec);
    }
    return okStatus();
  }

  // Drops the consumed frame's bytes from the receive buffer.
  void consume(const mqtt::Frame& frame) {
    rx_begin_ += frame.total_length;
    if (rx_begin_ == rx_.size()) {
      rx_.clear();
      rx_begin_ = 0;
    }
  }

  // Returns the next complete frame (its body points into rx_; valid until the next read).
  Result<mqtt::Frame> readFrame() {
    for (;;) {
      auto d = mqtt::decodeFrame(std::string_view(rx_).substr(rx_begin_), kMaxPacket);
      if (d.status == mqtt::DecodeStatus::kOk) {
        return d.frame;
      }
      if (d.status == mqtt::DecodeStatus::kMalformed) {
        return Error::invalidArgument("mqtt.malformed", "malformed packet from the broker");
      }
      if (rx_begin_ > 0) {
        rx_.erase(0, rx_begin_);
        rx_begin_ = 0;
      }
      char chunk[16 * 1024];
      std::size_t n = 0;
      auto ec = runWithTimeout([&](auto done) {
        socket_.async_read_some(asio::buffer(chunk),
                                [&n, done](boost::system::error_code e, std::size_t got) mutable {
                                  n = got;
                                  done(e);
                                });
      });
      if (ec) {
        return unavailable("cannot read from the broker", ec);
      }
      rx_.append(chunk, n);
    }
  }

  MqttPublisherOptions options_;
  asio::io_context io_;
  tcp::socket socket_;
  std::string rx_;
  std::size_t rx_begin_ = 0;
  std::uint16_t window_ = 1;
  std::uint16_t packet_id_ = 0;
  bool connected_ = false;
};

Result<std::unique_ptr<MqttPublisher>> MqttPublisher::connect(const MqttPublisherOptions& options) {
  auto impl = std::make_unique<Impl>(options);
  AG_RETURN_IF_ERROR(impl->connect());
  return std::unique_ptr<MqttPublisher>(new MqttPublisher(std::move(impl)));
}

MqttPublisher::MqttPublisher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MqttPublisher::~MqttPublisher() { disconnect(); }

Result<PublishReport> MqttPublisher::publish(const std::vector<OutgoingMessage>& messages,
                                             std::uint8_t qos) {
  return impl_->publish(messages, qos);
}

void MqttPublisher::disconnect() { impl_->disconnect(); }

}  // namespace anguan::ingest
