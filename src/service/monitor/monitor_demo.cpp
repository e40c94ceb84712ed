// `anguan demo` for issue 5: the demo enterprise's monitoring registry and device credentials.
// Written straight through the record repository in one transaction, like the other demo
// seeders (the base-data use cases would audit every one of ~55 rows as an admin action).
#include "anguan/service/monitor_demo.hpp"

#include <map>
#include <sstream>

#include <boost/json.hpp>

#include "anguan/core/broker_auth.hpp"
#include "anguan/core/crypto.hpp"
#include "anguan/domain/base/schema.hpp"
#include "anguan/domain/base/validation.hpp"

namespace anguan::service {
namespace {

namespace json = boost::json;
using base::Record;
using base::Value;

struct SensorDef {
  const char* suffix;  // Sensor code = device code + "-" + suffix.
  const char* kind;
  const char* name;
  std::int64_t interval_seconds;
};

struct DeviceDef {
  const char* code;
  const char* name;
  const char* kind;
  const char* area;
  const char* site;
  const char* gateway;  // "" = none.
  const char* model;
  std::vector<SensorDef> sensors;
};

const std::vector<SensorDef> kGas = {{"LEL", "combustible_lel", "可燃气体", 10},
                                     {"O2", "o2", "氧气", 10},
                                     {"H2S", "h2s", "硫化氢", 10},
                                     {"CO", "co", "一氧化碳", 10}};
const std::vector<SensorDef> kOutdoor = {{"TT", "temperature", "环境温度", 30},
                                         {"RH", "humidity", "湿度", 30},
                                         {"WS", "wind_speed", "风速", 10},
                                         {"NS", "noise", "噪声", 30}};
const std::vector<SensorDef> kIndoor = {{"TT", "temperature", "环境温度", 30},
                                        {"RH", "humidity", "湿度", 30},
                                        {"NS", "noise", "噪声", 30}};
std::vector<SensorDef> machine(bool temperature) {
  std::vector<SensorDef> out = {{"PT", "pressure", "出口压力", 15},
                                {"VT", "vibration", "轴承振动", 15}};
  if (temperature) {
    out.push_back({"TE", "equipment_temperature", "轴承温度", 15});
  }
  out.push_back({"FC", "fault_code", "故障码", 60});
  return out;
}

// Gas detectors where the demo permits do hot work and confined-space work (process units, tank
// farms, pipe racks); environment nodes outdoors and in a workshop; PLC tags of demo equipment.
std::vector<DeviceDef> deviceDefs() {
  return {
      {"GW-P1", "一厂数据网关", "gateway", "A-P1-PR", "p1", "", "AG-GW100", {}},
      {"GW-P2", "二厂数据网关", "gateway", "A-P2-PR", "p2", "", "AG-GW100", {}},
      {"GD-P1-CDU-01", "常减压装置四合一气体检测仪", "gas_detector", "A-P1-CDU", "p1", "GW-P1",
       "MX-4", kGas},
      {"GD-P1-FCC-01", "催化裂化装置四合一气体检测仪", "gas_detector", "A-P1-FCC", "p1", "GW-P1",
       "MX-4", kGas},
      {"GD-P1-TF1-01", "罐区A四合一气体检测仪", "gas_detector", "A-P1-TF1", "p1", "GW-P1", "MX-4",
       kGas},
      {"GD-P1-PR-01", "一厂管廊四合一气体检测仪", "gas_detector", "A-P1-PR", "p1", "GW-P1", "MX-4",
       kGas},
      {"GD-P2-HDT-01", "加氢裂化装置四合一气体检测仪", "gas_detector", "A-P2-HDT", "p2", "GW-P2",
       "MX-4", kGas},
      {"GD-P2-TF2-01", "罐区B四合一气体检测仪", "gas_detector", "A-P2-TF2", "p2", "GW-P2", "MX-4",
       kGas},
      {"ENV-P1-TF1", "罐区A环境监测站", "sensor_node", "A-P1-TF1", "p1", "GW-P1", "WS-600",
       kOutdoor},
      {"ENV-P2-HDT", "加氢装置环境监测站", "sensor_node", "A-P2-HDT", "p2", "GW-P2", "WS-600",
       kOutdoor},
      {"ENV-P1-MW", "一厂维修车间环境监测", "sensor_node", "A-P1-MW", "p1", "GW-P1", "WS-300",
       kIndoor},
      {"PLC-P1-CDU", "常减压原油泵P-101 PLC", "plc", "A-P1-CDU", "p1", "GW-P1", "S7-1200",
       machine(true)},
      {"PLC-P2-HDT", "循环氢压缩机K-601 PLC", "plc", "A-P2-HDT", "p2", "GW-P2", "S7-1500",
       machine(true)},
      {"PLC-P2-UTL", "循环水泵P-801 PLC", "plc", "A-P2-UTL", "p2", "GW-P2", "S7-1200",
       machine(false)},
      {"CAM-P1-CDU-01", "常减压装置AI摄像头", "camera", "A-P1-CDU", "p1", "GW-P1", "AI-CAM-4K", {}},
      {"CAM-P2-HDT-01", "加氢装置AI摄像头", "camera", "A-P2-HDT", "p2", "GW-P2", "AI-CAM-4K", {}},
      {"POS-P1", "一厂人员定位系统", "positioning", "A-P1-FCC", "p1", "", "UWB-R3", {}},
  };
}

// The sensor that goes silent now and then, and the two with calibration dates to show.
constexpr const char* kSilentSensor = "ENV-P1-MW-TT";
constexpr const char* kCalibrationOverdue = "GD-P1-PR-01-H2S";
constexpr const char* kCalibrationDueSoon = "GD-P2-TF2-01-LEL";

Record rec(std::initializer_list<std::pair<const std::string, Value>> values) {
  Record r;
  r.values = values;
  return r;
}

std::string isoDate(Instant t, int tz, int add_days) {
  const auto day = std::chrono::floor<std::chrono::days>(t + std::chrono::minutes{tz}) +
                   std::chrono::days{add_days};
  return formatDate(std::chrono::year_month_day{day});
}

double number(const Record& r, const std::string& field) {
  const Value& v = r.get(field);
  if (const auto* d = std::get_if<double>(&v)) {
    return *d;
  }
  if (const auto* i = std::get_if<std::int64_t>(&v)) {
    return static_cast<double>(*i);
  }
  return 0.0;
}

Result<Record> insertChecked(store::Transaction& tx, const char* entity, Record record,
                             const Record& area, Instant now) {
  const base::EntitySchema* schema = base::findSchema(entity);
  if (schema == nullptr) {
    return Error::internal("demo.schema_missing", std::string("no schema ") + entity);
  }
  record.org_id = area.org_id;
  record.org_path = area.org_path;
  const auto problems = base::validateRecord(*schema, record);
  if (!problems.empty()) {
    return base::validationError(problems);
  }
  return tx.records().insert(*schema, record, now);
}

std::string tokenHint(const std::string& token) {
  return token.size() <= 4 ? token : token.substr(token.size() - 4);
}

}  // namespace

Result<std::vector<DemoDevice>> seedMonitorDemo(store::Store& store, const Clock& clock,
                                                const Settings& settings) {
  const Instant now = clock.now();
  const int tz = settings.tz_offset_minutes;
  std::vector<DemoDevice> out;
  Status written = store.write([&](store::Transaction& tx) -> Status {
    out.clear();
    const base::EntitySchema* devices = base::findSchema("devices");
    const base::EntitySchema* areas = base::findSchema("areas");
    if (devices == nullptr || areas == nullptr) {
      return Error::internal("demo.schema_missing", "the devices schema is missing");
    }
    store::ListQuery one;
    one.page_size = 1;
    AG_ASSIGN_OR_RETURN(store::Page existing, tx.records().list(*devices, one));
    if (existing.total > 0) {
      return okStatus();  // Seeded already.
    }
    store::ListQuery all;
    all.page_size = 1000;
    AG_ASSIGN_OR_RETURN(store::Page area_page, tx.records().list(*areas, all));
    std::map<std::string, Record> area_by_code;
    for (auto& a : area_page.items) {
      area_by_code.emplace(a.getText("code"), std::move(a));
    }
    std::map<std::string, std::int64_t> device_ids;
    int sensor_no = 0;
    for (const DeviceDef& def : deviceDefs()) {
      auto area_it = area_by_code.find(def.area);
      if (area_it == area_by_code.end()) {
        continue;  // Not the demo enterprise's layout: leave the device out.
      }
      const Record& area = area_it->second;
      Record d = rec({{"name", std::string(def.name)},
                      {"code", std::string(def.code)},
                      {"kind", std::string(def.kind)},
                      {"area_id", area.id},
                      {"site", std::string(def.site)},
                      {"model", std::string(def.model)},
                      {"position", area.getText("name")},
                      {"active", true}});
      if (*def.gateway != '\0') {
        if (auto gw = device_ids.find(def.gateway); gw != device_ids.end()) {
          d.values["gateway_id"] = gw->second;
        }
      }
      AG_ASSIGN_OR_RETURN(Record device, insertChecked(tx, "devices", std::move(d), area, now));
      device_ids[def.code] = device.id;

      DemoDevice demo;
      demo.code = def.code;
      demo.site = def.site;
      demo.kind = def.kind;
      demo.area_code = def.area;
      const double x0 = number(area, "plan_x");
      const double y0 = number(area, "plan_y");
      for (const SensorDef& s : def.sensors) {
        ++sensor_no;
        const std::string code = std::string(def.code) + "-" + s.suffix;
        // Calibration: yearly; most fall due in the coming months.
        int due_in = 40 + (sensor_no * 37) % 300;
        if (code == kCalibrationOverdue) {
          due_in = -12;
        } else if (code == kCalibrationDueSoon) {
          due_in = 5;
        }
        Record sr = rec({{"name", area.getText("name") + " " + s.name},
                         {"code", code},
                         {"device_id", device.id},
                         {"kind", std::string(s.kind)},
                         {"area_id", area.id},
                         {"position", std::string(def.name)},
                         {"plan_x", x0 + static_cast<double>((sensor_no * 7) % 23) - 11.0},
                         {"plan_y", y0 + static_cast<double>((sensor_no * 11) % 17) - 8.0},
                         {"interval_seconds", s.interval_seconds},
                         {"calibration_due", isoDate(now, tz, due_in)},
                         {"active", true}});
        AG_ASSIGN_OR_RETURN(Record sensor, insertChecked(tx, "sensors", std::move(sr), area, now));
        (void)sensor;
        demo.sensors.push_back({code, s.kind, s.interval_seconds, def.area, code == kSilentSensor});
      }
      out.push_back(std::move(demo));
    }
    if (out.empty()) {
      return Error::conflict("demo.base_missing", "seed the base demo data first");
    }
    // The hydrogen unit alarms earlier than the default 25/50 %LEL, after holding 5 s.
    if (auto it = area_by_code.find("A-P2-HDT"); it != area_by_code.end()) {
      Record t = rec({{"area_id", it->second.id},
                      {"kind", std::string("combustible_lel")},
                      {"warning_high", 20.0},
                      {"alarm_high", 40.0},
                      {"hysteresis", 2.0},
                      {"delay_seconds", std::int64_t{5}}});
      AG_ASSIGN_OR_RETURN(Record stored,
                          insertChecked(tx, "area_thresholds", std::move(t), it->second, now));
      (void)stored;
    }
    for (DemoDevice& d : out) {
      d.token = crypto::randomToken();
      store::DeviceCredential c;
      c.device_id = device_ids.at(d.code);
      c.token_hash = crypto::sha256Hex(d.token);
      c.token_hint = tokenHint(d.token);
      c.mqtt_username = d.code;
      c.mqtt_password_hash = broker::mosquittoPasswordHash(d.token);
      c.created_at = now;
      c.created_by = 0;
      AG_RETURN_IF_ERROR(tx.monitor().putCredential(c));
    }
    return okStatus();
  });
  if (!written) {
    return written.error();
  }
  return out;
}

std::string monitorDemoSummary(const std::vector<DemoDevice>& devices) {
  std::size_t sensors = 0;
  for (const auto& d : devices) {
    sensors += d.sensors.size();
  }
  std::ostringstream s;
  if (devices.empty()) {
    s << "anguan: demo monitoring devices exist already (tokens unchanged)\n";
  } else {
    s << "anguan: demo monitoring: " << devices.size() << " devices, " << sensors
      << " sensors, 1 area threshold override, a device token each\n";
  }
  return s.str();
}

std::string devicesJson(const std::vector<DemoDevice>& devices) {
  json::array list;
  for (const auto& d : devices) {
    json::array sensors;
    for (const auto& s : d.sensors) {
      sensors.push_back(json::object{{"code", s.code},
                                     {"kind", s.kind},
                                     {"interval_seconds", s.interval_seconds},
                                     {"area", s.area_code},
                                     {"goes_silent", s.goes_silent}});
    }
    list.push_back(json::object{{"code", d.code},
                                {"site", d.site},
                                {"token", d.token},
                                {"kind", d.kind},
                                {"area", d.area_code},
                                {"sensors", std::move(sensors)}});
  }
  return json::serialize(json::object{{"devices", std::move(list)}}) + "\n";
}

Result<std::vector<DemoDevice>> parseDevicesJson(std::string_view text) {
  auto bad = [](const std::string& why) {
    return Error::invalidArgument("demo.devices_file", "devices file: " + why);
  };
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec) {
    return bad("not JSON (" + ec.message() + ")");
  }
  const json::object* root = doc.if_object();
  const json::value* list_v = root != nullptr ? root->if_contains("devices") : nullptr;
  if (list_v == nullptr || !list_v->is_array()) {
    return bad("no \"devices\" array");
  }
  auto text_of = [](const json::object& o, const char* key) -> std::string {
    const json::value* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  std::vector<DemoDevice> out;
  for (const json::value& dv : list_v->get_array()) {
    const json::object* o = dv.if_object();
    if (o == nullptr) {
      return bad("a device is not an object");
    }
    DemoDevice d;
    d.code = text_of(*o, "code");
    d.site = text_of(*o, "site");
    d.token = text_of(*o, "token");
    d.kind = text_of(*o, "kind");
    d.area_code = text_of(*o, "area");
    if (d.code.empty() || d.token.empty()) {
      return bad("a device has no code or token");
    }
    if (const json::value* sv = o->if_contains("sensors"); sv != nullptr) {
      if (!sv->is_array()) {
        return bad("sensors of " + d.code + " is not an array");
      }
      for (const json::value& s : sv->get_array()) {
        const json::object* so = s.if_object();
        if (so == nullptr) {
          return bad("a sensor of " + d.code + " is not an object");
        }
        DemoSensor sensor;
        sensor.code = text_of(*so, "code");
        sensor.kind = text_of(*so, "kind");
        sensor.area_code = text_of(*so, "area");
        const json::value* iv = so->if_contains("interval_seconds");
        if (iv == nullptr || !iv->is_int64() || iv->get_int64() < 1) {
          return bad("sensor " + sensor.code + " has no positive interval_seconds");
        }
        sensor.interval_seconds = iv->get_int64();
        if (const json::value* gv = so->if_contains("goes_silent"); gv != nullptr) {
          sensor.goes_silent = gv->is_bool() && gv->get_bool();
        }
        if (sensor.code.empty() || sensor.kind.empty()) {
          return bad("a sensor of " + d.code + " has no code or kind");
        }
        d.sensors.push_back(std::move(sensor));
      }
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace anguan::service
