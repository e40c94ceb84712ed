// Demo monitoring for `anguan demo` (issue 5 §9): the demo enterprise's devices and sensors —
// two gateways, multi-gas detectors (combustible %LEL, O2, H2S, CO) where the demo permits do
// hot work and confined-space work, environment nodes, equipment PLC tags, two AI cameras and a
// positioning system (~46 sensors), one area threshold override, one sensor with calibration
// overdue and one due soon — and a credential per device (HTTP token, MQTT user). The tokens are
// returned once (only their hashes are stored), for `anguan simulate` to use: the demo command
// writes them to demo-devices.json (devicesJson / parseDevicesJson below).
//
// Thread safety: call from one thread, after seedDemo().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"
#include "anguan/domain/store/store.hpp"
#include "anguan/service/context.hpp"

namespace anguan::service {

struct DemoSensor {
  std::string code;
  std::string kind;  // monitor::SensorKindInfo::code
  std::int64_t interval_seconds = 60;
  std::string area_code;
  bool goes_silent = false;  // The simulator stops it now and then (offline alarm).
};

struct DemoDevice {
  std::string code;
  std::string site;   // MQTT topic segment: anguan/<site>/<code>/...
  std::string token;  // Device token (HTTP "Authorization: Device <token>", MQTT password).
  std::string kind;   // gateway, gas_detector, sensor_node, camera, positioning, plc
  std::string area_code;
  std::vector<DemoSensor> sensors;
};

// Creates the registry and credentials. Idempotent: when any device exists already it changes
// nothing and returns an empty list (tokens can't be recovered; issue new ones from the admin
// screen). kConflict "demo.base_missing" when the demo areas are not there.
[[nodiscard]] Result<std::vector<DemoDevice>> seedMonitorDemo(store::Store& store,
                                                              const Clock& clock,
                                                              const Settings& settings);

// One-line human summary of what seedMonitorDemo created.
std::string monitorDemoSummary(const std::vector<DemoDevice>& devices);

// demo-devices.json: {"devices":[{"code","site","token","kind","area","sensors":[{"code","kind",
// "interval_seconds","area","goes_silent"}]}]}.
std::string devicesJson(const std::vector<DemoDevice>& devices);
// kInvalidArgument "demo.devices_file" with the reason when the text is not such a document.
[[nodiscard]] Result<std::vector<DemoDevice>> parseDevicesJson(std::string_view text);

}  // namespace anguan::service
