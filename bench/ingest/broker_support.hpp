// Mosquitto for the MQTT benchmarks: the test helper with deploy/mosquitto/anguan.conf's limits
// and the password/ACL files MonitorService::mosquittoFiles writes (service user "anguan").
#pragma once

#include <exception>
#include <string>

#include "anguan/core/broker_auth.hpp"
#include "anguan/ingest/mqtt_subscriber.hpp"
#include "anguan/service/monitor_service.hpp"

#include "ingest/support/mosquitto_broker.hpp"
#include "support.hpp"

namespace bench_ingest {

inline const char* kServicePassword = "svc-secret";

// Configures and starts `broker`; exits the bench when it cannot.
inline void startBroker(anguan::ingest::testing::MosquittoBroker& broker,
                        anguan::service::MonitorService& monitor) {
  auto files =
      monitor.mosquittoFiles("anguan", anguan::broker::mosquittoPasswordHash(kServicePassword));
  if (!files) {
    die("broker files: " + files.error().message());
  }
  try {
    broker.configure(anguan::ingest::testing::shippedLimits(), files->first, files->second);
  } catch (const std::exception& e) {
    die(e.what());
  }
  if (!broker.start()) {
    die("mosquitto did not start: " + broker.log());
  }
}

// anguan's subscriber options for `broker`.
inline anguan::ingest::MqttSubscriberOptions ingestOptions(std::uint16_t port) {
  anguan::ingest::MqttSubscriberOptions o;
  o.port = port;
  o.username = "anguan";
  o.password = kServicePassword;
  o.client_id = "anguan-bench";
  return o;
}

}  // namespace bench_ingest
