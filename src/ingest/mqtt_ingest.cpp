#include "anguan/ingest/mqtt_ingest.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace anguan::ingest {

std::int64_t messageDigest(std::string_view topic, std::string_view payload) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
  };
  mix(topic);
  mix(std::string_view("\0", 1));
  mix(payload);
  return static_cast<std::int64_t>(h & 0x7FFFFFFFFFFFFFFFULL);
}

std::vector<std::string> defaultFilters(const std::string& group) {
  return {"$share/" + group + "/anguan/+/+/telemetry", "$share/" + group + "/anguan/+/+/event"};
}

namespace {

struct Parsed {
  std::string_view device;
  bool event = false;
};

// anguan/<site>/<device>/telemetry|event
std::optional<Parsed> parseTopic(std::string_view topic) {
  constexpr std::string_view kPrefix = "anguan/";
  if (topic.substr(0, kPrefix.size()) != kPrefix) {
    return std::nullopt;
  }
  std::string_view rest = topic.substr(kPrefix.size());
  const auto s1 = rest.find('/');
  if (s1 == std::string_view::npos || s1 == 0) {
    return std::nullopt;
  }
  rest = rest.substr(s1 + 1);
  const auto s2 = rest.find('/');
  if (s2 == std::string_view::npos || s2 == 0) {
    return std::nullopt;
  }
  Parsed p;
  p.device = rest.substr(0, s2);
  const std::string_view kind = rest.substr(s2 + 1);
  if (kind == "telemetry") {
    p.event = false;
  } else if (kind == "event") {
    p.event = true;
  } else {
    return std::nullopt;
  }
  return p;
}

}  // namespace

// Where the pipeline's completions send their acknowledgements. Shared with the completions so
// that one arriving after stop() finds no subscriber instead of a destroyed one.
struct AckSink {
  std::mutex mu;
  MqttSubscriber* subscriber = nullptr;  // Guarded by mu.
  std::atomic<std::int64_t> in_flight{0};
  std::atomic<std::uint64_t> not_storable{0};  // Dead letters made by completions.

  void ack(AckToken token) {
    std::lock_guard lock(mu);
    if (subscriber != nullptr) {
      subscriber->ack(token);
    }
  }
  void redeliver(AckToken token) {
    std::lock_guard lock(mu);
    if (subscriber != nullptr) {
      subscriber->redeliver(token);
    }
  }
};

class MqttIngest::Impl {
 public:
  Impl(service::MonitorService& monitor, MqttSubscriberOptions options) : monitor_(monitor) {
    if (options.filters.empty()) {
      options.filters = defaultFilters();
    }
    retry_ = std::thread([this] { retryLoop(); });
    // The subscriber may deliver before make_unique returns: handlers wait for sub().
    auto sub = std::make_unique<MqttSubscriber>(
        std::move(options), [this](MqttMessage&& m) { onMessage(std::move(m)); });
    {
      std::lock_guard lock(sink_->mu);
      sink_->subscriber = sub.get();
    }
    subscriber_ = std::move(sub);
    ready_.store(subscriber_.get());
  }

  MqttSubscriber& sub() {
    MqttSubscriber* p = nullptr;
    while ((p = ready_.load()) == nullptr) {
      std::this_thread::yield();
    }
    return *p;
  }

  ~Impl() { stop(std::chrono::seconds(5)); }

  void stop(std::chrono::milliseconds wait) {
    {
      std::lock_guard lock(mu_);
      if (stopped_) {
        return;
      }
      stopped_ = true;
    }
    cv_.notify_all();
    if (subscriber_) {
      subscriber_->pause();
    }
    // Let committed messages be acknowledged before the connection goes away.
    const auto until = std::chrono::steady_clock::now() + wait;
    while (sink_->in_flight.load() > 0 && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (retry_.joinable()) {
      retry_.join();
    }
    {
      std::lock_guard lock(sink_->mu);
      sink_->subscriber = nullptr;
    }
    if (subscriber_) {
      subscriber_->stop();
    }
  }

  MqttIngestStats stats() const {
    MqttIngestStats s;
    if (subscriber_) {
      s.subscriber = subscriber_->stats();
    }
    s.received = received_.load();
    s.submitted = submitted_.load();
    s.rejected = rejected_.load() + sink_->not_storable.load();
    std::lock_guard lock(mu_);
    s.backlog = backlog_.size();
    return s;
  }

 private:
  struct Pending {
    service::TelemetryBatch batch;
    AckToken token;
    // The message as received, for a dead letter if the store refuses the batch for good.
    std::shared_ptr<const std::pair<std::string, std::string>> message;  // topic, payload
  };

  void onMessage(MqttMessage&& m) {
    received_.fetch_add(1, std::memory_order_relaxed);
    auto parsed = parseTopic(m.topic);
    if (!parsed) {
      reject(m, Error::invalidArgument("telemetry.bad_topic",
                                       "topics are anguan/<site>/<device>/telemetry|event"));
      return;
    }
    auto device = monitor_.deviceByCode(parsed->device);
    if (!device) {
      reject(m, device.error());
      return;
    }
    auto batch = monitor_.decode(*device, m.payload, service::IngestChannel::kMqtt, parsed->event);
    if (!batch) {
      reject(m, batch.error());
      return;
    }
    if (!m.token.isNull()) {
      batch->claim = messageDigest(m.topic, m.payload);
      batch->maybe_redelivered = m.dup;
    }
    Pending p{std::move(*batch), m.token,
              std::make_shared<const std::pair<std::string, std::string>>(m.topic.substr(0, 200),
                                                                          std::move(m.payload))};
    {
      std::lock_guard lock(mu_);
      if (!backlog_.empty()) {  // Keep the order: behind what waits already.
        backlog_.push_back(std::move(p));
        return;
      }
    }
    if (!trySubmit(p)) {
      std::lock_guard lock(mu_);
      backlog_.push_back(std::move(p));
      sub().pause();
      cv_.notify_all();
    }
  }

  bool trySubmit(Pending& p) {
    const AckToken token = p.token;
    sink_->in_flight.fetch_add(1);
    const bool ok = monitor_.submit(std::move(p.batch),
                                    [monitor = &monitor_, sink = sink_, token,
                                     message = p.message](const Result<service::IngestResult>& r) {
                                      // May run after this Impl is gone (see AckSink): nothing of
                                      // it is touched here. The monitor runs the completion, so it
                                      // is alive.
                                      if (r) {
                                        sink->ack(token);
                                      } else if (r.error().key() == "telemetry.not_storable") {
                                        // The store took other batches but never this one: sending
                                        // it again would fail every time. Kept as a dead letter,
                                        // then acknowledged.
                                        sink->not_storable.fetch_add(1, std::memory_order_relaxed);
                                        monitor->reject(service::IngestChannel::kMqtt,
                                                        message->first, r.error(), message->second);
                                        sink->ack(token);
                                      } else {
                                        // A failed commit is not acknowledged, and the broker only
                                        // sends it again on a new connection: make one.
                                        sink->redeliver(token);
                                      }
                                      sink->in_flight.fetch_sub(1);
                                    });
    if (!ok) {
      sink_->in_flight.fetch_sub(1);
      return false;
    }
    submitted_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }

  void reject(const MqttMessage& m, const Error& e) {
    rejected_.fetch_add(1, std::memory_order_relaxed);
    monitor_.reject(service::IngestChannel::kMqtt, m.topic.substr(0, 200), e, m.payload);
    sub().ack(m.token);
  }

  void retryLoop() {
    std::unique_lock lock(mu_);
    while (!stopped_) {
      if (backlog_.empty()) {
        cv_.wait(lock, [this] { return stopped_ || !backlog_.empty(); });
        continue;
      }
      Pending p = std::move(backlog_.front());
      backlog_.pop_front();
      lock.unlock();
      const bool ok = trySubmit(p);
      lock.lock();
      if (!ok) {
        backlog_.push_front(std::move(p));
        cv_.wait_for(lock, std::chrono::milliseconds(5), [this] { return stopped_; });
        continue;
      }
      if (backlog_.empty()) {
        sub().resume();
      }
    }
  }

  service::MonitorService& monitor_;
  std::shared_ptr<AckSink> sink_ = std::make_shared<AckSink>();
  std::unique_ptr<MqttSubscriber> subscriber_;
  std::atomic<MqttSubscriber*> ready_{nullptr};
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> backlog_;
  bool stopped_ = false;
  std::thread retry_;
  std::atomic<std::uint64_t> received_{0}, submitted_{0}, rejected_{0};
};

MqttIngest::MqttIngest(service::MonitorService& monitor, MqttSubscriberOptions options)
    : impl_(std::make_unique<Impl>(monitor, std::move(options))) {}

MqttIngest::~MqttIngest() = default;

MqttIngestStats MqttIngest::stats() const { return impl_->stats(); }

void MqttIngest::stop(std::chrono::milliseconds wait) { impl_->stop(wait); }

}  // namespace anguan::ingest
