// The sending side of `anguan simulate`: an HTTP client (Beast, one keep-alive connection) or
// MQTT publishers (ingest's MqttPublisher, one per device), driven once per tick by SimulationPlan.
#include "anguan/ingest/simulator.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "anguan/ingest/mqtt_publisher.hpp"

namespace anguan::ingest {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::system_clock;

Instant wallNow() { return std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now()); }

bool stopping(const std::atomic<bool>* stop) { return stop != nullptr && stop->load(); }

// Sleeps up to `d`, waking early when *stop turns true.
void nap(std::chrono::milliseconds d, const std::atomic<bool>* stop) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (!stopping(stop) && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(100), until - std::chrono::steady_clock::now()));
  }
}

struct HostPort {
  std::string host;
  std::string port;
  std::string prefix;  // Path before /api/v1, without a trailing slash.
};

Result<HostPort> parseHostPort(std::string text, const char* default_port) {
  if (text.rfind("http://", 0) == 0) {
    text = text.substr(7);
  } else if (text.find("://") != std::string::npos) {
    return Error::invalidArgument("simulate.bad_url", "only http:// URLs are supported: " + text);
  }
  HostPort hp;
  if (const auto slash = text.find('/'); slash != std::string::npos) {
    hp.prefix = text.substr(slash);
    while (!hp.prefix.empty() && hp.prefix.back() == '/') {
      hp.prefix.pop_back();
    }
    text = text.substr(0, slash);
  }
  if (const auto colon = text.rfind(':'); colon != std::string::npos) {
    hp.host = text.substr(0, colon);
    hp.port = text.substr(colon + 1);
  } else {
    hp.host = text;
    hp.port = default_port;
  }
  if (hp.host.empty() || hp.port.empty()) {
    return Error::invalidArgument("simulate.bad_url", "expected HOST:PORT, got " + text);
  }
  return hp;
}

class Sender {
 public:
  virtual ~Sender() = default;
  // Sends one batch, retrying 503s and lost connections until it is taken or *stop.
  virtual void send(const service::DemoDevice& device, const DeviceBatch& batch,
                    SimulatorTotals& totals, const std::atomic<bool>* stop) = 0;
  virtual void finish() {}
};

class HttpSender final : public Sender {
 public:
  HttpSender(HostPort target, std::function<void(const std::string&)> print)
      : target_(std::move(target)), print_(std::move(print)), stream_(ioc_) {}

  void send(const service::DemoDevice& device, const DeviceBatch& batch, SimulatorTotals& totals,
            const std::atomic<bool>* stop) override {
    http::request<http::string_body> req{http::verb::post, target_.prefix + "/api/v1/telemetry",
                                         11};
    req.set(http::field::host, target_.host);
    req.set(http::field::content_type, "application/json");
    req.set(http::field::authorization, "Device " + device.token);
    req.keep_alive(true);
    req.body() = telemetryBody(batch);
    req.prepare_payload();
    std::chrono::milliseconds backoff{500};
    while (!stopping(stop)) {
      beast::error_code ec;
      http::response<http::string_body> res;
      if (!exchange(req, res, ec)) {
        close();
        ++totals.retries;
        if (!warned_down_) {
          print_("simulate: server not reachable (" + ec.message() + "), retrying");
          warned_down_ = true;
        }
        nap(backoff, stop);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
        continue;
      }
      warned_down_ = false;
      if (!res.keep_alive()) {
        close();
      }
      const unsigned status = res.result_int();
      if (status == 503) {
        ++totals.retries;
        long seconds = 1;
        if (auto it = res.find(http::field::retry_after); it != res.end()) {
          seconds = std::clamp(std::atol(std::string(it->value()).c_str()), 1L, 30L);
        }
        nap(std::chrono::seconds(seconds), stop);
        continue;
      }
      ++totals.batches;
      if (status / 100 == 2) {
        totals.readings_sent += static_cast<std::int64_t>(batch.readings.size());
        totals.events_sent += static_cast<std::int64_t>(batch.events.size());
        boost::system::error_code jec;
        const auto body = boost::json::parse(res.body(), jec);
        if (!jec && body.is_object()) {
          if (const auto* f = body.as_object().if_contains("flagged"); f && f->is_int64()) {
            totals.flagged += f->get_int64();
          }
        }
      } else {
        ++totals.rejected;
        if (totals.rejected <= 5) {
          print_("simulate: " + device.code + ": HTTP " + std::to_string(status) + " " +
                 res.body().substr(0, 300));
        }
      }
      return;
    }
  }

 private:
  // Runs one async operation to completion with a timeout (the stream's expiry).
  template <typename Start>
  beast::error_code run(Start&& start) {
    beast::error_code result = asio::error::would_block;
    stream_.expires_after(std::chrono::seconds(15));
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc_.restart();
    ioc_.run();
    return result;
  }

  bool exchange(http::request<http::string_body>& req, http::response<http::string_body>& res,
                beast::error_code& ec) {
    if (!connected_) {
      tcp::resolver resolver(ioc_);
      const auto endpoints = resolver.resolve(target_.host, target_.port, ec);
      if (ec) {
        return false;
      }
      ec = run([&](auto handler) { stream_.async_connect(endpoints, std::move(handler)); });
      if (ec) {
        return false;
      }
      connected_ = true;
    }
    ec = run([&](auto handler) { http::async_write(stream_, req, std::move(handler)); });
    if (ec) {
      return false;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(1 << 20);
    ec = run([&](auto handler) { http::async_read(stream_, buffer_, parser, std::move(handler)); });
    if (ec) {
      return false;
    }
    res = parser.release();
    return true;
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    buffer_.clear();
    connected_ = false;
  }

  HostPort target_;
  std::function<void(const std::string&)> print_;
  asio::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  bool connected_ = false;
  bool warned_down_ = false;
};

// One publisher per device (it authenticates as the device); publish() returns after the
// broker's PUBACKs, so "sent" means the broker has the message.
class MqttSender final : public Sender {
 public:
  MqttSender(HostPort broker, std::function<void(const std::string&)> print)
      : broker_(std::move(broker)), print_(std::move(print)) {}

  void send(const service::DemoDevice& device, const DeviceBatch& batch, SimulatorTotals& totals,
            const std::atomic<bool>* stop) override {
    const std::string base = "anguan/" + device.site + "/" + device.code;
    std::vector<OutgoingMessage> messages;
    if (!batch.readings.empty()) {
      messages.push_back({base + "/telemetry", mqttReadingsPayload(batch)});
    }
    for (const auto& e : batch.events) {
      messages.push_back({base + "/event", mqttEventPayload(e)});
    }
    std::chrono::milliseconds backoff{500};
    while (!stopping(stop)) {
      auto& publisher = publishers_[device.code];
      if (!publisher) {
        MqttPublisherOptions o;
        o.host = broker_.host;
        o.port = static_cast<std::uint16_t>(std::atoi(broker_.port.c_str()));
        o.client_id = "anguan-sim-" + device.code;
        o.username = device.code;
        o.password = device.token;
        auto connected = MqttPublisher::connect(o);
        if (!connected) {
          ++totals.retries;
          if (connected.error().code() == ErrorCode::kUnauthenticated) {
            ++totals.rejected;
            print_("simulate: " + device.code + ": broker refused the device (" +
                   connected.error().message() + ")");
            return;
          }
          warnOnce(device.code + ": " + connected.error().message());
          nap(backoff, stop);
          backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
          continue;
        }
        publisher = *std::move(connected);
      }
      auto report = publisher->publish(messages, 1);
      if (!report) {
        publisher.reset();  // Reconnect and send the batch again.
        ++totals.retries;
        warnOnce(device.code + ": " + report.error().message());
        nap(backoff, stop);
        continue;
      }
      ++totals.batches;
      if (report->refused > 0) {
        ++totals.rejected;
        if (totals.rejected <= 5) {
          print_("simulate: " + device.code + ": broker refused " +
                 std::to_string(report->refused) + " message(s), reason " +
                 std::to_string(report->last_refusal));
        }
        return;
      }
      totals.readings_sent += static_cast<std::int64_t>(batch.readings.size());
      totals.events_sent += static_cast<std::int64_t>(batch.events.size());
      return;
    }
  }

  void finish() override {
    for (auto& [code, p] : publishers_) {
      if (p) {
        p->disconnect();
      }
    }
  }

 private:
  void warnOnce(const std::string& what) {
    if (warned_.insert(what.substr(0, what.find(':'))).second) {
      print_("simulate: broker not reachable for " + what + ", retrying");
    }
  }

  HostPort broker_;
  std::function<void(const std::string&)> print_;
  std::map<std::string, std::unique_ptr<MqttPublisher>> publishers_;
  std::set<std::string> warned_;
};

Result<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error::notFound("simulate.devices_file",
                           "can't read " + path + " (run `anguan demo` first)");
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Result<SimulatorTotals> runSimulator(const SimulatorOptions& options,
                                     const std::atomic<bool>* stop) {
  std::function<void(const std::string&)> print = options.print;
  if (!print) {
    print = [](const std::string& line) {
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
    };
  }
  if (options.http_url.empty() == options.mqtt.empty()) {
    return Error::invalidArgument("simulate.transport", "give exactly one of --http and --mqtt");
  }
  AG_ASSIGN_OR_RETURN(std::string text, readFile(options.devices_file));
  AG_ASSIGN_OR_RETURN(std::vector<service::DemoDevice> devices, service::parseDevicesJson(text));
  if (devices.empty()) {
    return Error::invalidArgument("simulate.no_devices", "no devices in " + options.devices_file);
  }
  std::unique_ptr<Sender> sender;
  std::string where;
  if (!options.http_url.empty()) {
    AG_ASSIGN_OR_RETURN(HostPort hp, parseHostPort(options.http_url, "80"));
    where = "http://" + hp.host + ":" + hp.port + hp.prefix;
    sender = std::make_unique<HttpSender>(std::move(hp), print);
  } else {
    AG_ASSIGN_OR_RETURN(HostPort hp, parseHostPort(options.mqtt, "1883"));
    where = "mqtt://" + hp.host + ":" + hp.port;
    sender = std::make_unique<MqttSender>(std::move(hp), print);
  }
  std::size_t sensors = 0;
  for (const auto& d : devices) {
    sensors += d.sensors.size();
  }
  const Instant start = wallNow();
  SimulationPlan plan(std::move(devices), options.sim, start, options.speed);
  {
    std::ostringstream s;
    s << "simulate: " << plan.devices().size() << " devices, " << sensors << " sensors -> " << where
      << " at speed " << options.speed;
    print(s.str());
  }
  SimulatorTotals totals;
  SimulatorTotals at_last_status;
  auto next_status = start + options.status_every;
  auto next_tick = std::chrono::steady_clock::now();
  while (!stopping(stop)) {
    const Instant now = wallNow();
    const bool last_round = options.duration.count() > 0 && now - start >= options.duration;
    const Instant until = last_round ? start + options.duration : now;
    for (const auto& batch : plan.advance(until, options.max_batch_readings)) {
      sender->send(plan.devices()[batch.device], batch, totals, stop);
      if (stopping(stop)) {
        break;
      }
    }
    if (now >= next_status || last_round) {
      const Instant sim = plan.simulatedTime(until);
      std::ostringstream s;
      s << "simulate: " << formatRfc3339(sim, options.sim.tz_offset_minutes).substr(0, 19)
        << " (simulated) readings " << totals.readings_sent << " (+"
        << totals.readings_sent - at_last_status.readings_sent << "), events " << totals.events_sent
        << ", flagged " << totals.flagged << ", retries " << totals.retries << ", rejected batches "
        << totals.rejected;
      print(s.str());
      at_last_status = totals;
      next_status = now + options.status_every;
    }
    if (last_round) {
      break;
    }
    next_tick += options.tick;
    std::this_thread::sleep_until(next_tick);
  }
  sender->finish();
  return totals;
}

}  // namespace anguan::ingest
