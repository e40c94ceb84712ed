#include "anguan/ingest/mqtt_subscriber.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "anguan/core/log.hpp"
#include "anguan/ingest/mqtt_codec.hpp"

namespace anguan::ingest {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// Reads go into one large buffer and every complete packet in it is handled before the next read,
// so a backlog costs one system call per ~256 KiB rather than one per message.
constexpr std::size_t kReadBufferBytes = 256 * 1024;
// Compact (move the partial packet to the front) when less than this is free at the end.
constexpr std::size_t kMinReadSpace = 64 * 1024;
// PUBACKs wait up to this long to share one write with others, unless a quarter of the Receive
// Maximum is waiting. Under load the broker then reads hundreds of acks per system call and so do
// we; at a trickle an ack is late by at most this.
constexpr auto kAckDelay = std::chrono::milliseconds(1);
// After a read that returned less than kSmallRead, wait kReadPause before reading again. A broker
// draining a backlog writes a few packets per system call; reading each trickle would cost two
// system calls per few messages, and on a shared machine that CPU is taken from the broker. The
// pause lets ~1 ms of packets gather (the broker keeps sending: up to Receive Maximum are in
// flight) and adds at most 1 ms of latency.
constexpr std::size_t kSmallRead = 16 * 1024;
constexpr auto kReadPause = std::chrono::milliseconds(1);

}  // namespace

class MqttSubscriber::Impl {
 public:
  Impl(MqttSubscriberOptions options, Handler handler)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        socket_(io_),
        backoff_timer_(io_),
        resume_timer_(io_),
        keepalive_timer_(io_),
        ack_timer_(io_),
        pace_timer_(io_),
        stop_timer_(io_),
        backoff_(options_.reconnect_min) {
    buf_.resize(kReadBufferBytes);
    asio::co_spawn(io_, run(), [](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          log::error("mqtt: subscriber loop ended by an exception: {}", ex.what());
        }
      }
    });
    thread_ = std::thread([this] { io_.run(); });
  }

  ~Impl() { stop(); }

  void ack(AckToken token) {
    if (token.isNull()) {
      return;
    }
    bool post = false;
    {
      std::lock_guard lock(mutex_);
      if (token.connection != generation_) {
        return;  // An earlier connection's message: the broker redelivers it.
      }
      store_failing_ = false;
      mqtt::encodePuback(token.packet_id, pending_);
      ++pending_acks_;
      if (!flush_posted_ && !io_.get_executor().running_in_this_thread()) {
        flush_posted_ = true;
        post = true;
      }
    }
    if (post) {
      asio::post(io_, [this] { flushAcks(); });
    }
  }

  // The message could not be stored. MQTT 5 has the broker send an unacknowledged message again
  // only on a new connection, so drop this one (acks not yet written are dropped with it; those
  // messages come again too and are skipped as stored). While stores keep failing the reconnect
  // back-off keeps growing instead of starting over at every CONNACK.
  void redeliver(AckToken token) {
    if (token.isNull()) {
      return;
    }
    {
      std::lock_guard lock(mutex_);
      if (token.connection != generation_) {
        return;  // That connection is gone already: the broker sends the message again anyway.
      }
      generation_ = 0;
    }
    store_failing_ = true;
    ++redeliveries_;
    asio::post(io_, [this, gen = token.connection] {
      if (gen != conn_gen_) {
        return;
      }
      log::warn(
          "mqtt: a message could not be stored; reconnecting so that the broker sends it "
          "again");
      boost::system::error_code ignored;
      socket_.close(ignored);
      resume_timer_.cancel();
      pace_timer_.cancel();
    });
  }

  void pause() { paused_ = true; }

  void resume() {
    paused_ = false;
    asio::post(io_, [this] { resume_timer_.cancel(); });
  }

  MqttSubscriberStats stats() const {
    MqttSubscriberStats s;
    s.connected = connected_.load();
    s.connects = connects_.load();
    s.subscribed = subscribed_.load();
    s.messages = messages_.load();
    s.acks = acks_.load();
    s.bytes = bytes_.load();
    s.reads = reads_.load();
    s.decode_errors = decode_errors_.load();
    s.redeliveries = redeliveries_.load();
    s.refused = refused_.load();
    s.last_refusal = last_refusal_.load();
    return s;
  }

  void stop() {
    if (stop_requested_.exchange(true)) {
      return;
    }
    asio::post(io_, [this] {
      stopping_ = true;
      backoff_timer_.cancel();
      resume_timer_.cancel();
      keepalive_timer_.cancel();
      ack_timer_.cancel();
      {
        std::lock_guard lock(mutex_);
        generation_ = 0;  // Later acks are dropped.
        if (connected_) {
          mqtt::encodeDisconnect(0, pending_);
        }
      }
      flush();
      closeIfStopped();
      // If the DISCONNECT cannot be written (a stalled socket), give up after a second.
      stop_timer_.expires_after(std::chrono::seconds(1));
      stop_timer_.async_wait([this](boost::system::error_code) {
        boost::system::error_code ignored;
        socket_.close(ignored);
        io_.stop();
      });
    });
    if (thread_.joinable()) {
      thread_.join();
    }
  }

 private:
  asio::awaitable<void> run() {
    while (!stopping_) {
      co_await session();
      endConnection();
      if (stopping_) {
        break;
      }
      backoff_timer_.expires_after(backoff_);
      co_await backoff_timer_.async_wait(kNoThrow);
      backoff_ = std::min(backoff_ * 2, options_.reconnect_max);
    }
    stop_timer_.cancel();
  }

  // One connection: connect, CONNECT/CONNACK, SUBSCRIBE, then read until an error.
  asio::awaitable<void> session() {
    tcp::resolver resolver(io_);
    auto [rec, endpoints] =
        co_await resolver.async_resolve(options_.host, std::to_string(options_.port), kNoThrow);
    if (rec || stopping_) {
      log::warn("mqtt: cannot resolve {}: {}", options_.host, rec.message());
      co_return;
    }
    socket_ = tcp::socket(io_);
    auto [cec, endpoint] = co_await asio::async_connect(socket_, endpoints, kNoThrow);
    if (cec || stopping_) {
      log::debug("mqtt: connect to {}:{} failed: {}", options_.host, options_.port, cec.message());
      co_return;
    }
    boost::system::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    {
      std::lock_guard lock(mutex_);
      ++counter_;
      if (counter_ == 0) {
        ++counter_;
      }
      generation_ = counter_;
      conn_gen_ = counter_;
      pending_.clear();
      pending_acks_ = 0;
      mqtt::ConnectOptions c;
      c.client_id = options_.client_id;
      c.username = options_.username;
      c.password = options_.password;
      c.clean_start = false;
      c.keepalive_s = static_cast<std::uint16_t>(options_.keepalive.count());
      c.session_expiry_s = static_cast<std::uint32_t>(options_.session_expiry.count());
      c.receive_maximum = options_.receive_maximum;
      mqtt::encodeConnect(c, pending_);
    }
    flush();
    last_rx_ = std::chrono::steady_clock::now();
    asio::co_spawn(io_, keepalive(conn_gen_), asio::detached);

    begin_ = 0;
    end_ = 0;
    got_connack_ = false;
    small_read_ = false;
    for (;;) {
      while (!paused_ || !got_connack_) {
        const auto d = mqtt::decodeFrame(std::string_view(buf_.data() + begin_, end_ - begin_),
                                         options_.max_packet_size);
        if (d.status == mqtt::DecodeStatus::kMalformed) {
          ++decode_errors_;
          log::warn("mqtt: malformed packet from the broker; reconnecting");
          co_return;
        }
        if (d.status == mqtt::DecodeStatus::kNeedMore) {
          if (d.needed > buf_.size()) {
            compact();
            buf_.resize(d.needed);
          }
          break;
        }
        if (!handlePacket(d.frame)) {
          co_return;
        }
        begin_ += d.frame.total_length;
      }
      // Acks the handler made on this thread go out together. Before a read pause they go at once,
      // so the pause and the ack write share one wake-up (wake-ups are most of the CPU cost).
      if (small_read_) {
        flush();
      } else {
        flushAcks();
      }
      if (paused_ && got_connack_) {
        resume_timer_.expires_at(std::chrono::steady_clock::time_point::max());
        co_await resume_timer_.async_wait(kNoThrow);
        if (stopping_ || !socket_.is_open()) {
          co_return;
        }
        continue;
      }
      if (begin_ == end_) {
        begin_ = end_ = 0;
      } else if (buf_.size() - end_ < kMinReadSpace) {
        compact();
      }
      if (small_read_) {
        pace_timer_.expires_after(kReadPause);
        co_await pace_timer_.async_wait(kNoThrow);
        if (stopping_ || !socket_.is_open()) {
          co_return;
        }
      }
      auto [ec, n] = co_await socket_.async_read_some(
          asio::buffer(buf_.data() + end_, buf_.size() - end_), kNoThrow);
      if (ec) {
        if (!stopping_) {
          log::info("mqtt: connection to {}:{} lost: {}", options_.host, options_.port,
                    ec.message());
        }
        co_return;
      }
      end_ += n;
      bytes_ += n;
      ++reads_;
      last_rx_ = std::chrono::steady_clock::now();
      small_read_ = n < kSmallRead;
    }
  }

  void compact() {
    if (begin_ > 0) {
      std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
  }

  // Returns false when the connection must be dropped.
  bool handlePacket(const mqtt::Frame& frame) {
    if (!got_connack_) {
      auto connack = mqtt::decodeConnack(frame);
      if (!connack) {
        ++decode_errors_;
        log::warn("mqtt: expected CONNACK: {}", connack.error().message());
        return false;
      }
      if (connack->reason_code != 0) {
        ++refused_;
        last_refusal_ = connack->reason_code;
        log::warn("mqtt: broker {}:{} refused the connection (reason 0x{:02x})", options_.host,
                  options_.port, connack->reason_code);
        return false;
      }
      got_connack_ = true;
      connected_ = true;
      ++connects_;
      if (!store_failing_) {
        backoff_ = options_.reconnect_min;
      }
      log::info("mqtt: connected to {}:{} as {} (session present: {})", options_.host,
                options_.port, options_.client_id, connack->session_present);
      if (!options_.filters.empty()) {
        std::lock_guard lock(mutex_);
        subscribe_id_ = static_cast<std::uint16_t>(subscribe_id_ % 0xFFFF + 1);
        mqtt::encodeSubscribe(subscribe_id_, options_.filters, 1, pending_);
      }
      return true;
    }
    switch (frame.type) {
      case mqtt::PacketType::kPublish: {
        auto p = mqtt::decodePublish(frame);
        if (!p || p->qos > 1) {
          ++decode_errors_;
          log::warn("mqtt: bad PUBLISH from the broker; reconnecting");
          return false;
        }
        MqttMessage m;
        m.topic.assign(p->topic);
        m.payload.assign(p->payload);
        m.dup = p->dup;
        m.qos = p->qos;
        if (p->qos == 1) {
          m.token = AckToken{conn_gen_, p->packet_id};
        }
        ++messages_;
        try {
          handler_(std::move(m));
        } catch (const std::exception& e) {
          // A bug in the handler: the message stays unacknowledged and comes back on reconnect.
          log::error("mqtt: message handler threw: {}", e.what());
        }
        return true;
      }
      case mqtt::PacketType::kSuback: {
        auto s = mqtt::decodeSuback(frame);
        if (!s) {
          ++decode_errors_;
          return false;
        }
        bool granted = true;
        for (std::size_t i = 0; i < s->reason_codes.size(); ++i) {
          if (s->reason_codes[i] >= 0x80) {
            granted = false;
            last_refusal_ = s->reason_codes[i];
            log::error("mqtt: subscription {} refused (reason 0x{:02x})",
                       i < options_.filters.size() ? options_.filters[i] : "?", s->reason_codes[i]);
          }
        }
        if (granted) {
          ++subscribed_;
          // Until now the broker dropped what it got for us (a first session has no
          // subscription yet); operators and tests wait for this line.
          log::info("mqtt: subscribed to {} filter(s) on {}:{}", s->reason_codes.size(),
                    options_.host, options_.port);
        }
        return true;
      }
      case mqtt::PacketType::kPingresp:
        return checkFlags(frame).has_value();
      case mqtt::PacketType::kDisconnect: {
        auto reason = mqtt::decodeDisconnect(frame);
        log::warn("mqtt: broker disconnected (reason 0x{:02x})", reason ? *reason : 0xFF);
        return false;
      }
      default:
        ++decode_errors_;
        log::warn("mqtt: unexpected packet type {} from the broker", static_cast<int>(frame.type));
        return false;
    }
  }

  asio::awaitable<void> keepalive(std::uint32_t gen) {
    const auto period = std::max<std::chrono::milliseconds>(
        std::chrono::duration_cast<std::chrono::milliseconds>(options_.keepalive) / 2,
        std::chrono::milliseconds(100));
    while (!stopping_ && conn_gen_ == gen && socket_.is_open()) {
      keepalive_timer_.expires_after(period);
      auto [ec] = co_await keepalive_timer_.async_wait(kNoThrow);
      if (ec || stopping_ || conn_gen_ != gen || !socket_.is_open()) {
        co_return;
      }
      // While paused we do not read, so the broker's PINGRESP waits in the socket: only judge
      // liveness while reading.
      if (!paused_ && std::chrono::steady_clock::now() - last_rx_ > options_.keepalive + period) {
        log::warn("mqtt: no answer from {}:{} within keep-alive; reconnecting", options_.host,
                  options_.port);
        boost::system::error_code ignored;
        socket_.close(ignored);
        co_return;
      }
      {
        std::lock_guard lock(mutex_);
        mqtt::encodePingreq(pending_);
      }
      flush();
    }
  }

  void endConnection() {
    connected_ = false;
    {
      std::lock_guard lock(mutex_);
      if (generation_ != 0) {
        generation_ = 0;
      }
      pending_.clear();
      pending_acks_ = 0;
    }
    conn_gen_ = 0;
    keepalive_timer_.cancel();
    ack_timer_.cancel();
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

  // Writes pending PUBACKs now if many are waiting (or anything else is), else within kAckDelay.
  // Runs on the I/O thread only.
  void flushAcks() {
    bool now = false;
    {
      std::lock_guard lock(mutex_);
      flush_posted_ = false;
      if (pending_.empty()) {
        return;
      }
      const bool only_acks = pending_.size() == pending_acks_ * 4;
      now = !only_acks || pending_acks_ >= ack_batch_;
    }
    if (now) {
      flush();
      return;
    }
    if (!ack_timer_armed_) {
      ack_timer_armed_ = true;
      ack_timer_.expires_after(kAckDelay);
      ack_timer_.async_wait([this](boost::system::error_code) {
        ack_timer_armed_ = false;
        flush();
      });
    }
  }

  // Writes whatever is pending, one write at a time. Runs on the I/O thread only.
  void flush() {
    if (writing_ || !socket_.is_open()) {
      std::lock_guard lock(mutex_);
      flush_posted_ = false;
      return;
    }
    std::uint64_t acks = 0;
    {
      std::lock_guard lock(mutex_);
      flush_posted_ = false;
      if (pending_.empty()) {
        return;
      }
      out_.clear();
      std::swap(out_, pending_);
      acks = pending_acks_;
      pending_acks_ = 0;
    }
    writing_ = true;
    const auto gen = conn_gen_;
    asio::async_write(socket_, asio::buffer(out_),
                      [this, gen, acks](boost::system::error_code ec, std::size_t) {
                        writing_ = false;
                        if (gen != conn_gen_) {
                          flush();  // The old connection is gone; write the new one's data.
                          return;
                        }
                        if (ec) {
                          boost::system::error_code ignored;
                          socket_.close(ignored);
                          return;
                        }
                        acks_ += acks;
                        flush();
                        closeIfStopped();
                      });
  }

  void closeIfStopped() {
    if (!stopping_ || writing_) {
      return;
    }
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  const MqttSubscriberOptions options_;
  const Handler handler_;

  asio::io_context io_{1};
  tcp::socket socket_;
  asio::steady_timer backoff_timer_;
  asio::steady_timer resume_timer_;
  asio::steady_timer keepalive_timer_;
  asio::steady_timer ack_timer_;
  asio::steady_timer pace_timer_;
  asio::steady_timer stop_timer_;
  std::thread thread_;

  // I/O thread only.
  std::vector<char> buf_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool got_connack_ = false;
  bool writing_ = false;
  bool ack_timer_armed_ = false;
  bool small_read_ = false;
  const std::uint64_t ack_batch_ = std::max<std::uint64_t>(1, options_.receive_maximum / 4);
  bool stopping_ = false;
  std::uint32_t conn_gen_ = 0;
  std::uint16_t subscribe_id_ = 0;
  std::string out_;
  std::chrono::milliseconds backoff_;
  std::chrono::steady_clock::time_point last_rx_;

  mutable std::mutex mutex_;
  // Guarded by mutex_: the bytes to write next, the current connection's generation (0 while
  // disconnected) and whether a flush has been posted.
  std::string pending_;
  std::uint64_t pending_acks_ = 0;
  std::uint32_t generation_ = 0;
  std::uint32_t counter_ = 0;
  bool flush_posted_ = false;

  std::atomic<bool> paused_{false};
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> connected_{false};
  std::atomic<std::uint64_t> connects_{0};
  std::atomic<std::uint64_t> subscribed_{0};
  std::atomic<std::uint64_t> messages_{0};
  std::atomic<std::uint64_t> acks_{0};
  std::atomic<std::uint64_t> bytes_{0};
  std::atomic<std::uint64_t> reads_{0};
  std::atomic<std::uint64_t> decode_errors_{0};
  std::atomic<std::uint64_t> redeliveries_{0};
  // Set by redeliver(), cleared by the next ack of a stored message.
  std::atomic<bool> store_failing_{false};
  std::atomic<std::uint64_t> refused_{0};
  std::atomic<std::uint8_t> last_refusal_{0};
};

MqttSubscriber::MqttSubscriber(MqttSubscriberOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

MqttSubscriber::~MqttSubscriber() = default;

void MqttSubscriber::ack(AckToken token) { impl_->ack(token); }
void MqttSubscriber::redeliver(AckToken token) { impl_->redeliver(token); }
void MqttSubscriber::pause() { impl_->pause(); }
void MqttSubscriber::resume() { impl_->resume(); }
MqttSubscriberStats MqttSubscriber::stats() const { return impl_->stats(); }
void MqttSubscriber::stop() { impl_->stop(); }

}  // namespace anguan::ingest
