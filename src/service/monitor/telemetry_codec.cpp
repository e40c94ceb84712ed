// Decoding of device payloads (HTTP batch bodies and MQTT messages) into TelemetryBatch.
// Everything a device sends is untrusted: the whole payload is refused on the first problem,
// with a stable code and the index and field that caused it. Fuzzed (fuzz/telemetry_fuzz.cpp).
#include <cmath>

#include "anguan/core/crypto.hpp"

#include "monitor_internal.hpp"

namespace anguan::service {

using namespace monitor_detail;
namespace json = boost::json;

namespace {

Error bad(const char* code, std::string message) {
  return Error::invalidArgument(code, std::move(message));
}

Error badAt(const char* code, std::string message, std::string_view list, std::size_t index,
            std::string_view field) {
  return Error::invalidArgument(code, std::move(message))
      .with("list", std::string(list))
      .with("index", std::to_string(index))
      .with("field", std::string(field));
}

// ms integer or RFC 3339 string; absent = the server's time.
Result<Instant> timeOf(const json::object& o, Instant now, std::string_view list,
                       std::size_t index) {
  const json::value* v = o.if_contains("ts");
  if (v == nullptr || v->is_null()) {
    return now;
  }
  if (v->is_int64()) {
    const auto ms = v->as_int64();
    if (ms < 0 || ms > 32503680000000LL) {  // Before 1970 or after 3000.
      return badAt("telemetry.bad_time", "the timestamp is out of range", list, index, "ts");
    }
    return fromMillis(ms);
  }
  if (v->is_uint64()) {
    return badAt("telemetry.bad_time", "the timestamp is out of range", list, index, "ts");
  }
  if (v->is_string()) {
    auto t = parseRfc3339(std::string_view(v->as_string()));
    if (!t) {
      return badAt("telemetry.bad_time", "the timestamp is not RFC 3339", list, index, "ts");
    }
    return *t;
  }
  return badAt("telemetry.bad_time", "the timestamp must be milliseconds or RFC 3339", list, index,
               "ts");
}

Result<double> numberOf(const json::value* v, std::string_view list, std::size_t index,
                        std::string_view field) {
  if (v == nullptr) {
    return badAt("telemetry.missing_field", "a required field is missing", list, index, field);
  }
  double x = 0.0;
  if (v->is_double()) {
    x = v->as_double();
  } else if (v->is_int64()) {
    x = static_cast<double>(v->as_int64());
  } else if (v->is_uint64()) {
    x = static_cast<double>(v->as_uint64());
  } else {
    return badAt("telemetry.bad_value", "the value must be a number", list, index, field);
  }
  if (!std::isfinite(x)) {
    return badAt("telemetry.bad_value", "the value must be finite", list, index, field);
  }
  return x;
}

// JPEG or PNG by their magic bytes.
const char* imageMime(const std::string& bytes) {
  if (bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xFF &&
      static_cast<unsigned char>(bytes[1]) == 0xD8 &&
      static_cast<unsigned char>(bytes[2]) == 0xFF) {
    return "image/jpeg";
  }
  if (bytes.size() >= 8 && bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0) {
    return "image/png";
  }
  return nullptr;
}

}  // namespace

Result<TelemetryBatch> MonitorService::decode(const DeviceRef& device, std::string_view text,
                                              IngestChannel channel, bool single_event) const {
  const Impl& m = *impl_;
  const auto reg = m.registry();
  const Instant now = m.clock.now();
  TelemetryBatch batch;
  batch.device_id = device.id;
  batch.channel = channel;

  json::parse_options opts;
  opts.max_depth = 8;
  json::monotonic_resource mr;
  std::error_code ec;
  json::value root = json::parse(text, ec, &mr, opts);
  if (ec) {
    return bad("telemetry.bad_json", "the payload is not valid JSON").with("reason", ec.message());
  }
  if (!root.is_object()) {
    return bad("telemetry.bad_json", "the payload must be a JSON object");
  }
  const json::object& top = root.as_object();

  auto sensorAllowed = [&](const SensorInfo& s) {
    if (s.device_id == device.id) {
      return true;
    }
    const DeviceInfo* d = reg->device(s.device_id);
    return d != nullptr && d->gateway_id == device.id;  // A gateway forwards its devices.
  };

  auto decodeEvent = [&](const json::value& v, std::size_t i) -> Result<DecodedEvent> {
    if (!v.is_object()) {
      return badAt("telemetry.bad_field", "an event must be an object", "events", i, "");
    }
    const json::object& o = v.as_object();
    DecodedEvent e;
    const json::value* type = o.if_contains("type");
    if (type == nullptr || !type->is_string()) {
      return badAt("telemetry.missing_field", "the event type is missing", "events", i, "type");
    }
    auto t = monitor::parseViolationType(std::string_view(type->as_string()));
    if (!t) {
      return badAt("telemetry.unknown_event", "unknown event type", "events", i, "type");
    }
    e.type = *t;
    AG_ASSIGN_OR_RETURN(e.at, timeOf(o, now, "events", i));
    if (const json::value* c = o.if_contains("confidence"); c != nullptr) {
      AG_ASSIGN_OR_RETURN(e.confidence, numberOf(c, "events", i, "confidence"));
      if (e.confidence < 0.0 || e.confidence > 1.0) {
        return badAt("telemetry.bad_value", "confidence must be between 0 and 1", "events", i,
                     "confidence");
      }
    }
    if (const json::value* f = o.if_contains("frames"); f != nullptr) {
      if (!f->is_int64() || f->as_int64() < 0 || f->as_int64() > 100000) {
        return badAt("telemetry.bad_value", "frames must be a whole number 0..100000", "events", i,
                     "frames");
      }
      e.frames = static_cast<int>(f->as_int64());
    }
    e.area_id = device.area_id;
    if (const json::value* a = o.if_contains("area"); a != nullptr && !a->is_null()) {
      if (!a->is_string()) {
        return badAt("telemetry.bad_field", "area must be an area code", "events", i, "area");
      }
      auto it = reg->area_by_code.find(std::string(a->as_string()));
      if (it == reg->area_by_code.end()) {
        return badAt("telemetry.unknown_area", "unknown area", "events", i, "area");
      }
      e.area_id = it->second;
    }
    if (const json::value* p = o.if_contains("person"); p != nullptr && !p->is_null()) {
      if (!p->is_string() || p->as_string().size() > 64) {
        return badAt("telemetry.bad_field", "person must be an employee number", "events", i,
                     "person");
      }
      e.person_code = std::string(p->as_string());
    }
    if (const json::value* s = o.if_contains("snapshot"); s != nullptr && !s->is_null()) {
      if (!s->is_string()) {
        return badAt("telemetry.bad_snapshot", "snapshot must be base64", "events", i, "snapshot");
      }
      if (s->as_string().size() > m.cfg.max_snapshot_bytes * 4 / 3 + 8) {
        return badAt("telemetry.too_large", "the snapshot is too large", "events", i, "snapshot");
      }
      auto bytes = crypto::base64Decode(std::string_view(s->as_string()));
      if (!bytes) {
        return badAt("telemetry.bad_snapshot", "snapshot must be base64", "events", i, "snapshot");
      }
      const char* mime = imageMime(*bytes);
      if (mime == nullptr) {
        return badAt("telemetry.bad_snapshot", "the snapshot must be a JPEG or PNG image", "events",
                     i, "snapshot");
      }
      if (bytes->size() > m.cfg.max_snapshot_bytes) {
        return badAt("telemetry.too_large", "the snapshot is too large", "events", i, "snapshot");
      }
      e.snapshot_mime = mime;
      e.snapshot = std::move(*bytes);
    }
    if (auto st = monitor::validateEvent(
            monitor::ViolationEvent{e.type, e.area_id, 0, device.id, e.confidence, e.frames, e.at});
        !st) {
      return badAt("telemetry.bad_value", st.error().message(), "events", i, "");
    }
    return e;
  };

  if (single_event) {
    AG_ASSIGN_OR_RETURN(auto e, decodeEvent(root, 0));
    batch.events.push_back(std::move(e));
    return batch;
  }

  for (const auto& kv : top) {
    if (kv.key() != "readings" && kv.key() != "events" && kv.key() != "device") {
      return bad("telemetry.bad_field", "unknown field").with("field", std::string(kv.key()));
    }
  }
  if (const json::value* d = top.if_contains("device"); d != nullptr) {
    if (!d->is_string() || d->as_string() != device.code) {
      return bad("telemetry.wrong_device", "the payload names another device")
          .with("field", "device");
    }
  }
  if (const json::value* r = top.if_contains("readings"); r != nullptr) {
    if (!r->is_array()) {
      return bad("telemetry.bad_field", "readings must be an array").with("field", "readings");
    }
    const json::array& arr = r->as_array();
    if (arr.size() > m.cfg.max_batch_readings) {
      return bad("telemetry.too_large", "too many readings in one batch")
          .with("max", std::to_string(m.cfg.max_batch_readings));
    }
    batch.readings.reserve(arr.size());
    // Consecutive readings usually name the same sensor: remember the last lookup.
    std::string_view last_code;
    const SensorInfo* last = nullptr;
    for (std::size_t i = 0; i < arr.size(); ++i) {
      if (!arr[i].is_object()) {
        return badAt("telemetry.bad_field", "a reading must be an object", "readings", i, "");
      }
      const json::object& o = arr[i].as_object();
      const json::value* sv = o.if_contains("sensor");
      if (sv == nullptr || !sv->is_string()) {
        return badAt("telemetry.missing_field", "the sensor code is missing", "readings", i,
                     "sensor");
      }
      const std::string_view code(sv->as_string());
      if (last == nullptr || code != last_code) {
        auto it = reg->sensor_by_code.find(std::string(code));
        if (it == reg->sensor_by_code.end()) {
          return badAt("telemetry.unknown_sensor", "unknown sensor", "readings", i, "sensor")
              .with("sensor", std::string(code.substr(0, 64)));
        }
        last = &reg->sensors.at(it->second);
        last_code = code;
        if (!sensorAllowed(*last)) {
          return badAt("telemetry.unknown_sensor", "the sensor belongs to another device",
                       "readings", i, "sensor")
              .with("sensor", std::string(code.substr(0, 64)));
        }
      }
      if (!last->active) {
        return badAt("telemetry.sensor_inactive", "the sensor is disabled", "readings", i,
                     "sensor");
      }
      DecodedReading rd;
      rd.sensor_id = last->id;
      AG_ASSIGN_OR_RETURN(rd.at, timeOf(o, now, "readings", i));
      AG_ASSIGN_OR_RETURN(rd.value, numberOf(o.if_contains("value"), "readings", i, "value"));
      batch.readings.push_back(rd);
    }
  }
  if (const json::value* ev = top.if_contains("events"); ev != nullptr) {
    if (!ev->is_array()) {
      return bad("telemetry.bad_field", "events must be an array").with("field", "events");
    }
    const json::array& arr = ev->as_array();
    if (arr.size() > m.cfg.max_batch_events) {
      return bad("telemetry.too_large", "too many events in one batch")
          .with("max", std::to_string(m.cfg.max_batch_events));
    }
    for (std::size_t i = 0; i < arr.size(); ++i) {
      AG_ASSIGN_OR_RETURN(auto e, decodeEvent(arr[i], i));
      batch.events.push_back(std::move(e));
    }
  }
  if (batch.readings.empty() && batch.events.empty()) {
    return bad("telemetry.empty", "the batch holds no readings and no events");
  }
  return batch;
}

}  // namespace anguan::service
