#include "anguan/ingest/mqtt_subscriber.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "anguan/core/broker_auth.hpp"
#include "anguan/ingest/mqtt_publisher.hpp"

#include "ingest/support/mosquitto_broker.hpp"

namespace anguan::ingest {
namespace {

using namespace std::chrono_literals;
using testing::MosquittoBroker;

constexpr const char* kServicePassword = "svc-Password-1";
constexpr const char* kDevicePassword = "dev-Password-1";

// Collects what the subscriber hands over; thread-safe.
class Collector {
 public:
  void add(MqttMessage&& m) {
    std::lock_guard lock(mutex_);
    messages_.push_back(std::move(m));
    cv_.notify_all();
  }
  bool waitFor(std::size_t n, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return messages_.size() >= n; });
  }
  std::vector<MqttMessage> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(messages_, {});
  }
  std::size_t size() {
    std::lock_guard lock(mutex_);
    return messages_.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<MqttMessage> messages_;
};

bool waitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) {
      return true;
    }
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

int seqOf(const MqttMessage& m) { return std::stoi(m.payload.substr(m.payload.find(':') + 1)); }

class MqttSubscriberTest : public ::testing::Test {
 protected:
  void SetUp() override {
    startBroker(broker_, testing::shippedLimits() + "autosave_interval 1\n");
  }

  static void startBroker(MosquittoBroker& broker, const std::string& limits) {
    auto passwords =
        broker::mosquittoPasswordFile({{"anguan", broker::mosquittoPasswordHash(kServicePassword)},
                                       {"dev1", broker::mosquittoPasswordHash(kDevicePassword)}});
    auto acl = broker::mosquittoAcl("anguan", {{"dev1", "D1"}});
    ASSERT_TRUE(passwords.has_value() && acl.has_value());
    broker.configure(limits, *passwords, *acl);
    ASSERT_TRUE(broker.start()) << broker.log();
  }

  MqttSubscriberOptions options(const MosquittoBroker& broker, const std::string& client_id) {
    MqttSubscriberOptions o;
    o.port = broker.port();
    o.client_id = client_id;
    o.username = "anguan";
    o.password = kServicePassword;
    o.filters = {"anguan/+/+/telemetry", "anguan/+/+/event"};
    o.reconnect_min = 50ms;
    o.reconnect_max = 500ms;
    return o;
  }

  std::unique_ptr<MqttSubscriber> subscribe(const MosquittoBroker& broker,
                                            const std::string& client_id, Collector& into,
                                            std::uint16_t receive_maximum = 4096) {
    auto o = options(broker, client_id);
    o.receive_maximum = receive_maximum;
    auto s =
        std::make_unique<MqttSubscriber>(o, [&into](MqttMessage&& m) { into.add(std::move(m)); });
    const auto before = 0u;
    EXPECT_TRUE(waitUntil([&] { return s->stats().subscribed > before; })) << broker.log();
    return s;
  }

  // Publishes `n` QoS 1 telemetry messages as device dev1, payloads "seq:<first + i>".
  void publish(const MosquittoBroker& broker, int first, int n,
               const std::string& topic = "anguan/site1/D1/telemetry") {
    MqttPublisherOptions o;
    o.port = broker.port();
    o.client_id = "dev1-pub";
    o.username = "dev1";
    o.password = kDevicePassword;
    auto pub = MqttPublisher::connect(o);
    ASSERT_TRUE(pub.has_value()) << pub.error().message();
    std::vector<OutgoingMessage> batch;
    for (int i = 0; i < n; ++i) {
      batch.push_back({topic, "seq:" + std::to_string(first + i)});
    }
    auto report = (*pub)->publish(batch, 1);
    ASSERT_TRUE(report.has_value()) << report.error().message();
    ASSERT_EQ(report->accepted, static_cast<std::uint64_t>(n));
  }

  MosquittoBroker broker_;
};

TEST_F(MqttSubscriberTest, ConnectsWithTheGeneratedPasswordAndIsRefusedWithAWrongOne) {
  Collector got;
  auto ok = subscribe(broker_, "anguan-node-1", got);
  EXPECT_TRUE(ok->stats().connected);
  EXPECT_EQ(ok->stats().refused, 0u);

  auto o = options(broker_, "anguan-node-2");
  o.password = "wrong";
  MqttSubscriber bad(o, [](MqttMessage&&) {});
  ASSERT_TRUE(waitUntil([&] { return bad.stats().refused >= 1; })) << broker_.log();
  EXPECT_FALSE(bad.stats().connected);
  EXPECT_EQ(bad.stats().connects, 0u);
  EXPECT_EQ(bad.stats().last_refusal, 0x87);  // Mosquitto 2.0.11 answers "not authorized".
}

TEST_F(MqttSubscriberTest, ADeviceMayPublishOnlyUnderItsOwnCode) {
  Collector got;
  auto sub = subscribe(broker_, "anguan", got);
  publish(broker_, 0, 1, "anguan/site1/D1/event");
  MqttPublisherOptions o;
  o.port = broker_.port();
  o.client_id = "dev1-pub";
  o.username = "dev1";
  o.password = kDevicePassword;
  auto pub = MqttPublisher::connect(o);
  ASSERT_TRUE(pub.has_value());
  ASSERT_TRUE((*pub)->publish({{"anguan/site1/D2/telemetry", "seq:99"}}, 1).has_value());
  ASSERT_TRUE(got.waitFor(1));
  std::this_thread::sleep_for(300ms);
  auto messages = got.take();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].topic, "anguan/site1/D1/event");
}

TEST_F(MqttSubscriberTest, ReceivesQos1AndAcksOutOfOrderFromAnotherThread) {
  Collector got;
  auto sub = subscribe(broker_, "anguan", got);
  publish(broker_, 0, 200);
  ASSERT_TRUE(got.waitFor(200)) << got.size();
  auto messages = got.take();
  std::set<int> seqs;
  for (const auto& m : messages) {
    EXPECT_EQ(m.topic, "anguan/site1/D1/telemetry");
    EXPECT_EQ(m.qos, 1);
    EXPECT_FALSE(m.dup);
    EXPECT_FALSE(m.token.isNull());
    seqs.insert(seqOf(m));
  }
  EXPECT_EQ(seqs.size(), 200u);
  std::thread acker([&] {
    for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
      sub->ack(it->token);
    }
  });
  acker.join();
  ASSERT_TRUE(waitUntil([&] { return sub->stats().acks == 200; })) << sub->stats().acks;
  sub->stop();

  // Everything was acknowledged: the session holds nothing for the next connection.
  Collector again;
  auto next = subscribe(broker_, "anguan", again);
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(again.size(), 0u);
}

TEST_F(MqttSubscriberTest, AMessageNotAckedIsRedeliveredWithDupToTheSameClientId) {
  Collector got;
  auto first = subscribe(broker_, "anguan", got);
  publish(broker_, 0, 10);
  ASSERT_TRUE(got.waitFor(10));
  for (const auto& m : got.take()) {
    if (seqOf(m) % 2 == 0) {
      first->ack(m.token);
    }
  }
  ASSERT_TRUE(waitUntil([&] { return first->stats().acks == 5; }));
  first->stop();

  Collector second_got;
  auto second = subscribe(broker_, "anguan", second_got);
  ASSERT_TRUE(second_got.waitFor(5));
  std::this_thread::sleep_for(300ms);
  auto redelivered = second_got.take();
  ASSERT_EQ(redelivered.size(), 5u);
  for (const auto& m : redelivered) {
    EXPECT_EQ(seqOf(m) % 2, 1) << m.payload;
    EXPECT_TRUE(m.dup);
    second->ack(m.token);
  }
  ASSERT_TRUE(waitUntil([&] { return second->stats().acks == 5; }));
}

TEST_F(MqttSubscriberTest, AnAckFromAnEarlierConnectionIsDropped) {
  Collector got;
  auto sub = subscribe(broker_, "anguan", got);
  publish(broker_, 0, 1);
  ASSERT_TRUE(got.waitFor(1));
  const auto stale = got.take()[0].token;
  broker_.terminate();
  ASSERT_TRUE(broker_.start()) << broker_.log();
  ASSERT_TRUE(waitUntil([&] { return sub->stats().connects == 2; }));
  sub->ack(stale);  // Dropped: the broker redelivers the message on this connection instead.
  ASSERT_TRUE(got.waitFor(1));
  auto again = got.take();
  EXPECT_TRUE(again[0].dup);
  EXPECT_NE(again[0].token.connection, stale.connection);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(sub->stats().acks, 0u);
  sub->ack(again[0].token);
  EXPECT_TRUE(waitUntil([&] { return sub->stats().acks == 1; }));
}

TEST_F(MqttSubscriberTest, TheBrokerStopsAtReceiveMaximumUntilMessagesAreAcked) {
  Collector got;
  auto sub = subscribe(broker_, "anguan", got, /*receive_maximum=*/10);
  publish(broker_, 0, 50);
  ASSERT_TRUE(got.waitFor(10));
  std::this_thread::sleep_for(300ms);
  auto window = got.take();
  EXPECT_EQ(window.size(), 10u);
  for (const auto& m : window) {
    sub->ack(m.token);
  }
  ASSERT_TRUE(got.waitFor(10));
}

TEST_F(MqttSubscriberTest, PauseStopsDeliveryAndResumeRestartsIt) {
  Collector got;
  auto sub = subscribe(broker_, "anguan", got);
  sub->pause();
  publish(broker_, 0, 50);
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(got.size(), 0u);
  sub->resume();
  ASSERT_TRUE(got.waitFor(50)) << got.size();
  for (const auto& m : got.take()) {
    sub->ack(m.token);
  }
  EXPECT_TRUE(waitUntil([&] { return sub->stats().acks == 50; }));
}

TEST_F(MqttSubscriberTest, BrokerKilledAndRestartedLosesNoMessageAckedOnlyAfterStore) {
  // "Store" = the set below; a message is acked only once it is in it. Half of the first batch is
  // held unacked across the broker crash.
  std::mutex mutex;
  std::set<int> stored;
  std::vector<AckToken> held;
  MqttSubscriber* self = nullptr;
  auto o = options(broker_, "anguan");
  MqttSubscriber sub(o, [&](MqttMessage&& m) {
    std::lock_guard lock(mutex);
    const int seq = seqOf(m);
    stored.insert(seq);
    if (seq < 200 && seq % 2 == 1 && !m.dup) {
      held.push_back(m.token);
    } else {
      self->ack(m.token);
    }
  });
  self = &sub;
  ASSERT_TRUE(waitUntil([&] { return sub.stats().subscribed == 1; }));
  publish(broker_, 0, 200);
  ASSERT_TRUE(waitUntil([&] {
    std::lock_guard lock(mutex);
    return stored.size() == 200;
  }));
  std::this_thread::sleep_for(2500ms);  // Let the broker autosave (interval 1 s here).
  broker_.kill9();
  ASSERT_TRUE(waitUntil([&] { return !sub.stats().connected; }));
  ASSERT_TRUE(broker_.start()) << broker_.log();
  ASSERT_TRUE(waitUntil([&] { return sub.stats().connects == 2 && sub.stats().subscribed == 2; }))
      << broker_.log();
  {
    std::lock_guard lock(mutex);
    for (const auto& t : held) {
      sub.ack(t);  // Too late: dropped, and the broker redelivers these.
    }
  }
  publish(broker_, 200, 200);
  ASSERT_TRUE(waitUntil([&] {
    std::lock_guard lock(mutex);
    return stored.size() == 400;
  })) << stored.size();
  // The held half came back (with DUP) and is now acked; nothing is outstanding.
  ASSERT_TRUE(waitUntil([&] { return sub.stats().messages >= 500; })) << sub.stats().messages;
}

TEST_F(MqttSubscriberTest, ASharedSubscriptionQueuesForItsOfflineSessionAndSplitsBetweenNodes) {
  auto o = options(broker_, "anguan-node-1");
  o.filters = {"$share/anguan/anguan/+/+/telemetry"};
  Collector first;
  {
    MqttSubscriber once(o, [&](MqttMessage&& m) { first.add(std::move(m)); });
    ASSERT_TRUE(waitUntil([&] { return once.stats().subscribed == 1; }));
  }
  publish(broker_, 0, 100);  // Node 1 is offline: its session queues them.
  MqttSubscriber* self = nullptr;
  MqttSubscriber node1(o, [&](MqttMessage&& m) {
    self->ack(m.token);
    first.add(std::move(m));
  });
  self = &node1;
  ASSERT_TRUE(first.waitFor(100)) << first.size();
  first.take();

  auto o2 = o;
  o2.client_id = "anguan-node-2";
  Collector second;
  MqttSubscriber* self2 = nullptr;
  MqttSubscriber node2(o2, [&](MqttMessage&& m) {
    self2->ack(m.token);
    second.add(std::move(m));
  });
  self2 = &node2;
  ASSERT_TRUE(waitUntil([&] { return node2.stats().subscribed == 1; }));
  publish(broker_, 100, 100);
  ASSERT_TRUE(waitUntil([&] { return first.size() + second.size() == 100; }))
      << first.size() << " + " << second.size();
  EXPECT_GT(first.size(), 0u);
  EXPECT_GT(second.size(), 0u);
}

// Issue 5: the stock limits drop QoS 1 messages queued for an offline persistent session; the
// shipped deploy/mosquitto/anguan.conf keeps all of them.
TEST_F(MqttSubscriberTest, OfflineBacklogStockLimitsDropAndShippedLimitsKeepAll) {
  constexpr int kBacklog = 50'000;
  auto drain = [&](MosquittoBroker& broker) -> std::size_t {
    Collector got;
    {
      auto once = subscribe(broker, "anguan-backlog", got);  // Creates the session.
      once->stop();
    }
    publish(broker, 0, kBacklog);
    std::atomic<MqttSubscriber*> self{nullptr};
    std::atomic<std::size_t> count{0};
    auto o = options(broker, "anguan-backlog");
    MqttSubscriber sub(o, [&](MqttMessage&& m) {
      ++count;
      self.load()->ack(m.token);
    });
    self = &sub;
    std::size_t last = 0;
    for (int quiet = 0; quiet < 10 && count < static_cast<std::size_t>(kBacklog);) {
      std::this_thread::sleep_for(100ms);
      quiet = count == last ? quiet + 1 : 0;
      last = count;
    }
    return count;
  };
  MosquittoBroker stock;
  startBroker(stock, testing::stockLimits());
  const auto stock_count = drain(stock);
  const auto shipped_count = drain(broker_);
  std::printf("offline backlog of %d: stock limits delivered %zu, shipped limits %zu\n", kBacklog,
              stock_count, shipped_count);
  EXPECT_LT(stock_count, static_cast<std::size_t>(kBacklog / 10));
  EXPECT_EQ(shipped_count, static_cast<std::size_t>(kBacklog));
}

}  // namespace
}  // namespace anguan::ingest
