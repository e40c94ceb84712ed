#include "common/monitor_repository.hpp"

#include <algorithm>
#include <array>
#include <tuple>
#include <unordered_set>
#include <utility>

namespace anguan::store {
namespace {

using Cols = std::vector<std::pair<const char*, SqlParam>>;

std::string names(const Cols& cols) {
  std::string out;
  for (const auto& [name, value] : cols) {
    out += (out.empty() ? "" : ", ") + std::string(name);
  }
  return out;
}

std::string insertSql(const char* table, const Cols& cols, ParamList& p) {
  std::string values;
  for (const auto& [name, value] : cols) {
    values += (values.empty() ? "" : ", ") + p.add(value);
  }
  return std::string("INSERT INTO ") + table + " (" + names(cols) + ") VALUES (" + values + ")";
}

std::string setSql(const Cols& cols, ParamList& p) {
  std::string out;
  for (const auto& [name, value] : cols) {
    out += (out.empty() ? "" : ", ") + std::string(name) + " = " + p.add(value);
  }
  return out;
}

SqlParam optDouble(const std::optional<double>& v) {
  if (v) {
    return *v;
  }
  return std::monostate{};
}
SqlParam optInt(const std::optional<std::int64_t>& v) {
  if (v) {
    return *v;
  }
  return std::monostate{};
}
std::optional<double> readOptDouble(const SqlRow& row, int col) {
  if (row.isNull(col)) {
    return std::nullopt;
  }
  return row.getDouble(col);
}
std::optional<std::int64_t> readOptInt(const SqlRow& row, int col) {
  if (row.isNull(col)) {
    return std::nullopt;
  }
  return row.getInt(col);
}
std::int64_t flag(bool b) { return b ? 1 : 0; }

template <class T, class Reader>
Result<std::vector<T>> selectRows(SqlConnection& conn, const std::string& sql,
                                  const std::vector<SqlParam>& params, Reader reader) {
  std::vector<T> out;
  AG_ASSIGN_OR_RETURN(
      auto ignored, conn.run(sql, params, [&](const SqlRow& row) { out.push_back(reader(row)); }));
  (void)ignored;
  return out;
}

// " AND <column> starts with <prefix>" (character-wise on both dialects; the lists it serves are
// narrowed and ordered by other columns).
std::string prefixClause(const char* column, const std::string& prefix, ParamList& p) {
  if (prefix.empty()) {
    return "";
  }
  std::int64_t chars = 0;
  for (char c : prefix) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++chars;
    }
  }
  return std::string(" AND substr(") + column + ", 1, " + p.add(chars) + ") = " + p.add(prefix);
}

std::string pageClause(std::int64_t page, std::int64_t page_size, ParamList& p) {
  const std::int64_t size = std::clamp<std::int64_t>(page_size, 1, 1000);
  const std::int64_t offset = (std::max<std::int64_t>(page, 1) - 1) * size;
  return " LIMIT " + p.add(size) + " OFFSET " + p.add(offset);
}

// Valid UTF-8 without NUL: invalid bytes and NUL become U+FFFD; at most max_bytes, cut on a
// character boundary.
std::string cleanText(const std::string& in, std::size_t max_bytes) {
  static const std::string kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(std::min(in.size(), max_bytes));
  std::size_t i = 0;
  while (i < in.size()) {
    const auto c = static_cast<unsigned char>(in[i]);
    std::size_t len = 0;
    if (c >= 0x01 && c < 0x80) {
      len = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
    }
    bool ok = len > 0 && i + len <= in.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(in[i + k]) & 0xC0) == 0x80;
    }
    if (ok && len >= 3) {
      const auto c1 = static_cast<unsigned char>(in[i + 1]);
      ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0) && !(c == 0xF0 && c1 < 0x90) &&
           !(c == 0xF4 && c1 >= 0x90);
    }
    const std::string_view piece =
        ok ? std::string_view(in).substr(i, len) : std::string_view(kReplacement);
    if (out.size() + piece.size() > max_bytes) {
      break;
    }
    out += piece;
    i += ok ? len : 1;
  }
  return out;
}

std::string toHex(const std::string& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    out += kDigits[b >> 4];
    out += kDigits[b & 0x0F];
  }
  return out;
}

std::string fromHex(const std::string& hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return 0;
  };
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>((nibble(hex[i]) << 4) | nibble(hex[i + 1]));
  }
  return out;
}

// ---- bulk statements ----

// One step of a bulk write: "<head> VALUES (...), ... (...)<tail>".
struct BulkStep {
  std::string head;
  std::string tail;
};

// A bulk write as multi-row statements in a few fixed chunk sizes per dialect (largest first).
// A batch is cut into as many largest chunks as fit and the remainder greedily into the smaller
// ones, so every table has a handful of statement texts (each prepared once per connection)
// whatever the batch sizes are. The sizes keep every chunk under the bound-parameter limits
// (SQLite 32,766; PostgreSQL 65,535). Each chunk runs every step of its dialect in order, all
// with the chunk's parameters.
//
// SQLite steps avoid statement journals: the store runs every write callback in a SAVEPOINT, and
// a statement that may abort half-way (ON CONFLICT DO UPDATE / DO NOTHING still abort on other
// constraints) then copies every page it touches into the sub-journal, which more than halves
// the insert rate. INSERT OR IGNORE and UPDATE OR IGNORE cannot abort, so SQLite upserts are an
// UPDATE ... FROM (VALUES ...) of the rows that exist followed by an INSERT OR IGNORE of all
// (the updated ones are then skipped); rows are unique per key within a call (merged first).
class BulkStatement {
 public:
  static constexpr std::size_t kSizes = 4;

  BulkStatement(std::size_t width, const std::vector<BulkStep>& postgres,
                const std::vector<BulkStep>& sqlite)
      : width_(width) {
    build(sqlite_, Dialect::kSqlite, {256, 32, 4, 1}, sqlite);
    build(postgres_, Dialect::kPostgres, {1024, 128, 16, 1}, postgres);
  }
  std::size_t width() const { return width_; }
  std::size_t size(Dialect d, std::size_t k) const { return family(d).sizes[k]; }
  const std::vector<std::string>& texts(Dialect d, std::size_t k) const {
    return family(d).texts[k];
  }

 private:
  struct Family {
    std::array<std::size_t, kSizes> sizes{};
    std::array<std::vector<std::string>, kSizes> texts;
  };
  const Family& family(Dialect d) const { return d == Dialect::kSqlite ? sqlite_ : postgres_; }

  void build(Family& f, Dialect d, std::array<std::size_t, kSizes> sizes,
             const std::vector<BulkStep>& steps) {
    f.sizes = sizes;
    for (std::size_t k = 0; k < kSizes; ++k) {
      std::string values = " VALUES ";
      int n = 0;
      for (std::size_t r = 0; r < sizes[k]; ++r) {
        values += r == 0 ? "(" : ", (";
        for (std::size_t c = 0; c < width_; ++c) {
          values += (c == 0 ? "" : ", ") + placeholder(d, ++n);
        }
        values += ")";
      }
      for (const auto& step : steps) {
        f.texts[k].push_back(step.head + values + step.tail);
      }
    }
  }

  std::size_t width_;
  Family sqlite_;
  Family postgres_;
};

// Runs `rows` through `stmt`; `bind` appends one row's width() parameters. Returns the rows
// changed by the last step.
template <class Row, class Bind>
Result<std::int64_t> runBulk(SqlConnection& conn, const BulkStatement& stmt,
                             std::span<const Row> rows, Bind bind, const RowFn& on_row = {}) {
  const Dialect d = conn.dialect();
  std::vector<SqlParam> params;
  params.reserve(std::min(rows.size(), stmt.size(d, 0)) * stmt.width());
  std::int64_t changed = 0;
  std::size_t at = 0;
  for (std::size_t k = 0; k < BulkStatement::kSizes && at < rows.size(); ++k) {
    const std::size_t n = stmt.size(d, k);
    const auto& texts = stmt.texts(d, k);
    while (rows.size() - at >= n) {
      params.clear();
      for (std::size_t i = at; i < at + n; ++i) {
        bind(rows[i], params);
      }
      for (std::size_t step = 0; step < texts.size(); ++step) {
        const bool last = step + 1 == texts.size();
        AG_ASSIGN_OR_RETURN(auto c, conn.run(texts[step], params, last ? on_row : RowFn{}));
        if (last) {
          changed += c;
        }
      }
      at += n;
    }
  }
  return changed;
}

const BulkStatement& readingsInsert() {
  static const BulkStatement kStmt(
      5,
      {{"INSERT INTO readings (sensor_id, ts, seq, value, flags)",
        " ON CONFLICT (sensor_id, ts, seq) DO NOTHING"}},
      {{"INSERT OR IGNORE INTO readings (sensor_id, ts, seq, value, flags)", ""}});
  return kStmt;
}

// min/max merge where NULL means "no valid reading yet" on either side (SQLite's scalar min()
// would return NULL, PostgreSQL's LEAST would ignore it: CASE is the same on both). `old` is the
// stored row, `n` the incoming value (excluded.x or v.columnN).
std::string mergeMin(const std::string& old, const std::string& n) {
  return "CASE WHEN " + n + " IS NULL OR (" + old + " IS NOT NULL AND " + old + " <= " + n +
         ") THEN " + old + " ELSE " + n + " END";
}
std::string mergeMax(const std::string& old, const std::string& n) {
  return "CASE WHEN " + n + " IS NULL OR (" + old + " IS NOT NULL AND " + old + " >= " + n +
         ") THEN " + old + " ELSE " + n + " END";
}

const BulkStatement& rollupsMerge() {
  static const std::string kCols =
      "(sensor_id, resolution, bucket, min_value, max_value, sum_value, count, valid_count)";
  static const BulkStatement kStmt(
      8,
      {{"INSERT INTO reading_rollups " + kCols,
        " ON CONFLICT (sensor_id, resolution, bucket) DO UPDATE SET min_value = " +
            mergeMin("reading_rollups.min_value", "excluded.min_value") +
            ", max_value = " + mergeMax("reading_rollups.max_value", "excluded.max_value") +
            ", sum_value = reading_rollups.sum_value + excluded.sum_value, "
            "count = reading_rollups.count + excluded.count, "
            "valid_count = reading_rollups.valid_count + excluded.valid_count"}},
      {{"UPDATE OR IGNORE reading_rollups SET min_value = " + mergeMin("min_value", "v.column4") +
            ", max_value = " + mergeMax("max_value", "v.column5") +
            ", sum_value = sum_value + v.column6, count = count + v.column7, "
            "valid_count = valid_count + v.column8 FROM (",
        ") AS v WHERE reading_rollups.sensor_id = v.column1 AND reading_rollups.resolution = "
        "v.column2 AND reading_rollups.bucket = v.column3"},
       {"INSERT OR IGNORE INTO reading_rollups " + kCols, ""}});
  return kStmt;
}

// Newer last_ts wins (ties: the incoming row), and independently the newer last_valid_ts.
std::string statusSet(const std::string& old, const std::string& ts, const std::string& value,
                      const std::string& flags, const std::string& valid_ts,
                      const std::string& valid_value) {
  const std::string newer = ts + " >= " + old + "last_ts";
  const std::string newer_valid = valid_ts + " > " + old + "last_valid_ts";
  return "last_value = CASE WHEN " + newer + " THEN " + value + " ELSE " + old +
         "last_value END, last_flags = CASE WHEN " + newer + " THEN " + flags + " ELSE " + old +
         "last_flags END, last_ts = CASE WHEN " + newer + " THEN " + ts + " ELSE " + old +
         "last_ts END, last_valid_value = CASE WHEN " + newer_valid + " THEN " + valid_value +
         " ELSE " + old + "last_valid_value END, last_valid_ts = CASE WHEN " + newer_valid +
         " THEN " + valid_ts + " ELSE " + old + "last_valid_ts END";
}

const BulkStatement& statusUpsert() {
  static const std::string kCols =
      "(sensor_id, last_ts, last_value, last_flags, last_valid_ts, last_valid_value)";
  static const BulkStatement kStmt(
      6,
      {{"INSERT INTO sensor_status " + kCols,
        " ON CONFLICT (sensor_id) DO UPDATE SET " +
            statusSet("sensor_status.", "excluded.last_ts", "excluded.last_value",
                      "excluded.last_flags", "excluded.last_valid_ts",
                      "excluded.last_valid_value")}},
      {{"UPDATE OR IGNORE sensor_status SET " +
            statusSet("", "v.column2", "v.column3", "v.column4", "v.column5", "v.column6") +
            " FROM (",
        ") AS v WHERE sensor_status.sensor_id = v.column1"},
       {"INSERT OR IGNORE INTO sensor_status " + kCols, ""}});
  return kStmt;
}

const BulkStatement& claimsInsert() {
  static const BulkStatement kStmt(
      3,
      {{"INSERT INTO ingest_claims (device_id, digest, received_at)",
        " ON CONFLICT (device_id, digest) DO NOTHING RETURNING device_id, digest"}},
      {{"INSERT OR IGNORE INTO ingest_claims (device_id, digest, received_at)",
        " RETURNING device_id, digest"}});
  return kStmt;
}

struct PairHash {
  std::size_t operator()(const std::pair<std::int64_t, std::int64_t>& k) const {
    return std::hash<std::int64_t>()(k.first) * 31 + std::hash<std::int64_t>()(k.second);
  }
};

// ---- row mapping ----

DeviceCredential readCredential(const SqlRow& r) {
  DeviceCredential c;
  c.device_id = r.getInt(0);
  c.token_hash = r.getText(1);
  c.token_hint = r.getText(2);
  c.mqtt_username = r.getText(3);
  c.mqtt_password_hash = r.getText(4);
  c.created_at = fromMillis(r.getInt(5));
  c.created_by = r.getInt(6);
  return c;
}
const char* kCredentialSelect =
    "SELECT device_id, token_hash, token_hint, mqtt_username, mqtt_password_hash, created_at, "
    "created_by FROM device_credentials ";

const char* kStatusSelect =
    "SELECT sensor_id, last_ts, last_value, last_flags, last_valid_ts, last_valid_value FROM "
    "sensor_status ";
SensorStatusRow readStatus(const SqlRow& r) {
  SensorStatusRow s;
  s.sensor_id = r.getInt(0);
  s.last_ts = r.getInt(1);
  s.last_value = r.getDouble(2);
  s.last_flags = static_cast<int>(r.getInt(3));
  s.last_valid_ts = r.getInt(4);
  s.last_valid_value = r.getDouble(5);
  return s;
}

Cols alarmCols(const AlarmRow& a) {
  return {
      {"org_path", a.org_path},
      {"area_id", a.area_id},
      {"device_id", a.device_id},
      {"sensor_id", a.sensor_id},
      {"kind", a.kind},
      {"condition", a.condition},
      {"severity", a.severity},
      {"state", a.state},
      {"value", optDouble(a.value)},
      {"threshold", optDouble(a.threshold)},
      {"raised_at", toMillis(a.raised_at)},
      {"ack_due_from", toMillis(a.ack_due_from)},
      {"acknowledged_at", optionalMillis(a.acknowledged_at)},
      {"acknowledged_by", optInt(a.acknowledged_by)},
      {"cleared_at", optionalMillis(a.cleared_at)},
      {"closed_at", optionalMillis(a.closed_at)},
      {"closed_by", optInt(a.closed_by)},
      {"escalation_level", std::int64_t{a.escalation_level}},
      {"occurrences", std::int64_t{a.occurrences}},
      {"note", a.note},
  };
}
const std::string& alarmSelect() {
  static const std::string kSql =
      "SELECT id, version, " + names(alarmCols(AlarmRow{})) + " FROM alarms ";
  return kSql;
}
AlarmRow readAlarm(const SqlRow& r) {
  AlarmRow a;
  int i = 0;
  a.id = r.getInt(i++);
  a.version = r.getInt(i++);
  a.org_path = r.getText(i++);
  a.area_id = r.getInt(i++);
  a.device_id = r.getInt(i++);
  a.sensor_id = r.getInt(i++);
  a.kind = r.getText(i++);
  a.condition = r.getText(i++);
  a.severity = r.getText(i++);
  a.state = r.getText(i++);
  a.value = readOptDouble(r, i++);
  a.threshold = readOptDouble(r, i++);
  a.raised_at = fromMillis(r.getInt(i++));
  a.ack_due_from = fromMillis(r.getInt(i++));
  a.acknowledged_at = readOptionalInstant(r, i++);
  a.acknowledged_by = readOptInt(r, i++);
  a.cleared_at = readOptionalInstant(r, i++);
  a.closed_at = readOptionalInstant(r, i++);
  a.closed_by = readOptInt(r, i++);
  a.escalation_level = static_cast<int>(r.getInt(i++));
  a.occurrences = static_cast<int>(r.getInt(i++));
  a.note = r.getText(i++);
  return a;
}

Cols violationCols(const ViolationRow& v) {
  return {
      {"org_path", v.org_path},
      {"area_id", v.area_id},
      {"device_id", v.device_id},
      {"type", v.type},
      {"person_id", v.person_id},
      {"permit_id", v.permit_id},
      {"confidence", v.confidence},
      {"frames", std::int64_t{v.frames}},
      {"occurred_at", toMillis(v.occurred_at)},
      {"received_at", toMillis(v.received_at)},
      {"has_snapshot", flag(v.has_snapshot)},
      {"needs_training", flag(v.needs_training)},
      {"status", v.status},
      {"handled_by", optInt(v.handled_by)},
      {"handled_at", optionalMillis(v.handled_at)},
      {"note", v.note},
  };
}
const std::string& violationSelect() {
  static const std::string kSql =
      "SELECT id, version, " + names(violationCols(ViolationRow{})) + " FROM violations ";
  return kSql;
}
ViolationRow readViolation(const SqlRow& r) {
  ViolationRow v;
  int i = 0;
  v.id = r.getInt(i++);
  v.version = r.getInt(i++);
  v.org_path = r.getText(i++);
  v.area_id = r.getInt(i++);
  v.device_id = r.getInt(i++);
  v.type = r.getText(i++);
  v.person_id = r.getInt(i++);
  v.permit_id = r.getInt(i++);
  v.confidence = r.getDouble(i++);
  v.frames = static_cast<int>(r.getInt(i++));
  v.occurred_at = fromMillis(r.getInt(i++));
  v.received_at = fromMillis(r.getInt(i++));
  v.has_snapshot = r.getInt(i++) != 0;
  v.needs_training = r.getInt(i++) != 0;
  v.status = r.getText(i++);
  v.handled_by = readOptInt(r, i++);
  v.handled_at = readOptionalInstant(r, i++);
  v.note = r.getText(i++);
  return v;
}

Cols webhookCols(const WebhookRow& w) {
  return {
      {"org_path", w.org_path}, {"name", w.name},           {"format", w.format},
      {"url", w.url},           {"topics", w.topics},       {"min_severity", w.min_severity},
      {"secret", w.secret},     {"active", flag(w.active)}, {"updated_at", toMillis(w.updated_at)},
  };
}
const std::string& webhookSelect() {
  static const std::string kSql =
      "SELECT id, version, created_at, " + names(webhookCols(WebhookRow{})) + " FROM webhooks ";
  return kSql;
}
WebhookRow readWebhook(const SqlRow& r) {
  WebhookRow w;
  int i = 0;
  w.id = r.getInt(i++);
  w.version = r.getInt(i++);
  w.created_at = fromMillis(r.getInt(i++));
  w.org_path = r.getText(i++);
  w.name = r.getText(i++);
  w.format = r.getText(i++);
  w.url = r.getText(i++);
  w.topics = r.getText(i++);
  w.min_severity = r.getText(i++);
  w.secret = r.getText(i++);
  w.active = r.getInt(i++) != 0;
  w.updated_at = fromMillis(r.getInt(i++));
  return w;
}

Cols deliveryCols(const WebhookDelivery& d) {
  return {
      {"webhook_id", d.webhook_id},
      {"topic", d.topic},
      {"payload", d.payload},
      {"status", d.status},
      {"attempts", std::int64_t{d.attempts}},
      {"next_attempt_at", toMillis(d.next_attempt_at)},
      {"last_error", d.last_error},
      {"created_at", toMillis(d.created_at)},
      {"sent_at", optionalMillis(d.sent_at)},
  };
}
const std::string& deliverySelect() {
  static const std::string kSql =
      "SELECT id, " + names(deliveryCols(WebhookDelivery{})) + " FROM webhook_deliveries ";
  return kSql;
}
WebhookDelivery readDelivery(const SqlRow& r) {
  WebhookDelivery d;
  int i = 0;
  d.id = r.getInt(i++);
  d.webhook_id = r.getInt(i++);
  d.topic = r.getText(i++);
  d.payload = r.getText(i++);
  d.status = r.getText(i++);
  d.attempts = static_cast<int>(r.getInt(i++));
  d.next_attempt_at = fromMillis(r.getInt(i++));
  d.last_error = r.getText(i++);
  d.created_at = fromMillis(r.getInt(i++));
  d.sent_at = readOptionalInstant(r, i++);
  return d;
}

// Sensors whose readings purge/count walk, each over its primary-key range.
const char* kKnownSensors =
    "sensor_id IN (SELECT id FROM sensors UNION SELECT sensor_id FROM sensor_status)";

}  // namespace

// ---------------------------------------------------------------- registry

Result<Registry> SqlMonitorRepository::registry() {
  Registry reg;
  AG_ASSIGN_OR_RETURN(reg.areas,
                      selectRows<AreaRow>(conn_,
                                          "SELECT id, \"code\", \"name\", org_path FROM areas "
                                          "ORDER BY id",
                                          {}, [](const SqlRow& r) {
                                            AreaRow a;
                                            a.id = r.getInt(0);
                                            a.code = r.getText(1);
                                            a.name = r.getText(2);
                                            a.org_path = r.getText(3);
                                            return a;
                                          }));
  AG_ASSIGN_OR_RETURN(
      reg.devices,
      selectRows<DeviceRow>(conn_,
                            "SELECT id, \"code\", \"name\", \"kind\", \"area_id\", "
                            "\"gateway_id\", \"site\", org_path, \"active\" FROM devices "
                            "ORDER BY id",
                            {}, [](const SqlRow& r) {
                              DeviceRow d;
                              d.id = r.getInt(0);
                              d.code = r.getText(1);
                              d.name = r.getText(2);
                              d.kind = r.getText(3);
                              d.area_id = r.isNull(4) ? 0 : r.getInt(4);
                              d.gateway_id = r.isNull(5) ? 0 : r.getInt(5);
                              d.site = r.getText(6);
                              d.org_path = r.getText(7);
                              d.active = r.isNull(8) || r.getBool(8);
                              return d;
                            }));
  AG_ASSIGN_OR_RETURN(
      reg.sensors,
      selectRows<SensorRow>(
          conn_,
          "SELECT id, \"code\", \"name\", \"device_id\", \"kind\", \"area_id\", org_path, "
          "\"position\", \"interval_seconds\", \"calibration_due\", \"warning_high\", "
          "\"alarm_high\", \"warning_low\", \"alarm_low\", \"active\" FROM sensors ORDER BY id",
          {}, [](const SqlRow& r) {
            SensorRow s;
            s.id = r.getInt(0);
            s.code = r.getText(1);
            s.name = r.getText(2);
            s.device_id = r.isNull(3) ? 0 : r.getInt(3);
            s.kind = r.getText(4);
            s.area_id = r.isNull(5) ? 0 : r.getInt(5);
            s.org_path = r.getText(6);
            s.position = r.getText(7);
            s.interval_seconds = r.isNull(8) ? 60 : r.getInt(8);
            s.calibration_due = r.getText(9);
            s.warning_high = readOptDouble(r, 10);
            s.alarm_high = readOptDouble(r, 11);
            s.warning_low = readOptDouble(r, 12);
            s.alarm_low = readOptDouble(r, 13);
            s.active = r.isNull(14) || r.getBool(14);
            return s;
          }));
  AG_ASSIGN_OR_RETURN(
      reg.area_thresholds,
      selectRows<AreaThresholdRow>(
          conn_,
          "SELECT id, \"area_id\", \"kind\", \"warning_high\", \"alarm_high\", \"warning_low\", "
          "\"alarm_low\", \"hysteresis\", \"delay_seconds\", \"rate_per_minute\" FROM "
          "area_thresholds ORDER BY id",
          {}, [](const SqlRow& r) {
            AreaThresholdRow t;
            t.id = r.getInt(0);
            t.area_id = r.isNull(1) ? 0 : r.getInt(1);
            t.kind = r.getText(2);
            t.warning_high = readOptDouble(r, 3);
            t.alarm_high = readOptDouble(r, 4);
            t.warning_low = readOptDouble(r, 5);
            t.alarm_low = readOptDouble(r, 6);
            t.hysteresis = readOptDouble(r, 7);
            t.delay_seconds = readOptInt(r, 8);
            t.rate_per_minute = readOptDouble(r, 9);
            return t;
          }));
  return reg;
}

// ---------------------------------------------------------------- credentials

Status SqlMonitorRepository::putCredential(const DeviceCredential& c) {
  ParamList p(conn_.dialect());
  const Cols cols = {
      {"device_id", c.device_id},
      {"token_hash", c.token_hash},
      {"token_hint", c.token_hint},
      {"mqtt_username", c.mqtt_username},
      {"mqtt_password_hash", c.mqtt_password_hash},
      {"created_at", toMillis(c.created_at)},
      {"created_by", c.created_by},
  };
  const std::string sql =
      insertSql("device_credentials", cols, p) +
      " ON CONFLICT (device_id) DO UPDATE SET token_hash = excluded.token_hash, "
      "token_hint = excluded.token_hint, mqtt_username = excluded.mqtt_username, "
      "mqtt_password_hash = excluded.mqtt_password_hash, created_at = excluded.created_at, "
      "created_by = excluded.created_by";
  AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, sql, p));
  (void)n;
  return okStatus();
}

Result<DeviceCredential> SqlMonitorRepository::credentialByTokenHash(const std::string& hash) {
  AG_ASSIGN_OR_RETURN(auto rows, selectRows<DeviceCredential>(
                                     conn_,
                                     std::string(kCredentialSelect) +
                                         "WHERE token_hash = " + placeholder(conn_.dialect(), 1),
                                     {hash}, readCredential));
  if (rows.empty()) {
    return Error::notFound("monitor.device_token_invalid", "no device has this token");
  }
  return rows.front();
}

Result<std::optional<DeviceCredential>> SqlMonitorRepository::credentialOf(std::int64_t device_id) {
  AG_ASSIGN_OR_RETURN(auto rows, selectRows<DeviceCredential>(
                                     conn_,
                                     std::string(kCredentialSelect) +
                                         "WHERE device_id = " + placeholder(conn_.dialect(), 1),
                                     {device_id}, readCredential));
  if (rows.empty()) {
    return std::optional<DeviceCredential>{};
  }
  return std::optional<DeviceCredential>{rows.front()};
}

Result<std::vector<DeviceCredential>> SqlMonitorRepository::credentials() {
  return selectRows<DeviceCredential>(conn_, std::string(kCredentialSelect) + "ORDER BY device_id",
                                      {}, readCredential);
}

Status SqlMonitorRepository::removeCredential(std::int64_t device_id) {
  AG_ASSIGN_OR_RETURN(auto n, conn_.run("DELETE FROM device_credentials WHERE device_id = " +
                                            placeholder(conn_.dialect(), 1),
                                        {device_id}, {}));
  (void)n;
  return okStatus();
}

// ---------------------------------------------------------------- readings

Result<std::int64_t> SqlMonitorRepository::insertReadings(std::span<const ReadingRow> rows) {
  // In key order each B-tree page is visited once per chunk instead of once per row: the
  // pipeline's batches are in time order across sensors, and inserting them as they come costs
  // about twice the CPU on SQLite (pages cycle through its cache and spill into the WAL).
  // Stable: of rows with equal keys the first is the one stored, as unsorted. The same order
  // keeps concurrent PostgreSQL writers from deadlocking on each other's keys (roll-ups and
  // status are sorted by their merge too).
  std::vector<ReadingRow> sorted(rows.begin(), rows.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const ReadingRow& a, const ReadingRow& b) {
    return std::tie(a.sensor_id, a.ts, a.seq) < std::tie(b.sensor_id, b.ts, b.seq);
  });
  return runBulk(conn_, readingsInsert(), std::span<const ReadingRow>(sorted),
                 [](const ReadingRow& r, std::vector<SqlParam>& out) {
                   out.emplace_back(r.sensor_id);
                   out.emplace_back(r.ts);
                   out.emplace_back(r.seq);
                   out.emplace_back(r.value);
                   out.emplace_back(std::int64_t{r.flags});
                 });
}

Status SqlMonitorRepository::mergeRollups(std::span<const RollupRow> rows) {
  // One row per bucket: PostgreSQL cannot upsert a row twice in one statement.
  std::vector<RollupRow> merged(rows.begin(), rows.end());
  auto key = [](const RollupRow& r) {
    return std::make_tuple(r.sensor_id, static_cast<int>(r.resolution), r.bucket);
  };
  std::sort(merged.begin(), merged.end(),
            [&](const RollupRow& a, const RollupRow& b) { return key(a) < key(b); });
  std::size_t out = 0;
  for (std::size_t i = 0; i < merged.size(); ++i) {
    if (out > 0 && key(merged[out - 1]) == key(merged[i])) {
      RollupRow& m = merged[out - 1];
      const RollupRow& r = merged[i];
      if (r.min_value && (!m.min_value || *r.min_value < *m.min_value)) {
        m.min_value = r.min_value;
      }
      if (r.max_value && (!m.max_value || *r.max_value > *m.max_value)) {
        m.max_value = r.max_value;
      }
      m.sum_value += r.sum_value;
      m.count += r.count;
      m.valid_count += r.valid_count;
    } else {
      merged[out++] = merged[i];
    }
  }
  merged.resize(out);
  AG_ASSIGN_OR_RETURN(auto n,
                      runBulk(conn_, rollupsMerge(), std::span<const RollupRow>(merged),
                              [](const RollupRow& r, std::vector<SqlParam>& p) {
                                p.emplace_back(r.sensor_id);
                                p.emplace_back(std::int64_t{static_cast<int>(r.resolution)});
                                p.emplace_back(r.bucket);
                                p.push_back(optDouble(r.min_value));
                                p.push_back(optDouble(r.max_value));
                                p.emplace_back(r.sum_value);
                                p.emplace_back(r.count);
                                p.emplace_back(r.valid_count);
                              }));
  (void)n;
  return okStatus();
}

Status SqlMonitorRepository::upsertSensorStatus(std::span<const SensorStatusRow> rows) {
  std::vector<SensorStatusRow> merged(rows.begin(), rows.end());
  std::stable_sort(
      merged.begin(), merged.end(),
      [](const SensorStatusRow& a, const SensorStatusRow& b) { return a.sensor_id < b.sensor_id; });
  std::size_t out = 0;
  for (std::size_t i = 0; i < merged.size(); ++i) {
    if (out > 0 && merged[out - 1].sensor_id == merged[i].sensor_id) {
      SensorStatusRow& m = merged[out - 1];
      const SensorStatusRow& r = merged[i];
      if (r.last_ts >= m.last_ts) {
        m.last_ts = r.last_ts;
        m.last_value = r.last_value;
        m.last_flags = r.last_flags;
      }
      if (r.last_valid_ts > m.last_valid_ts) {
        m.last_valid_ts = r.last_valid_ts;
        m.last_valid_value = r.last_valid_value;
      }
    } else {
      merged[out++] = merged[i];
    }
  }
  merged.resize(out);
  AG_ASSIGN_OR_RETURN(auto n,
                      runBulk(conn_, statusUpsert(), std::span<const SensorStatusRow>(merged),
                              [](const SensorStatusRow& r, std::vector<SqlParam>& p) {
                                p.emplace_back(r.sensor_id);
                                p.emplace_back(r.last_ts);
                                p.emplace_back(r.last_value);
                                p.emplace_back(std::int64_t{r.last_flags});
                                p.emplace_back(r.last_valid_ts);
                                p.emplace_back(r.last_valid_value);
                              }));
  (void)n;
  return okStatus();
}

Result<std::vector<SensorStatusRow>> SqlMonitorRepository::sensorStatus() {
  return selectRows<SensorStatusRow>(conn_, std::string(kStatusSelect) + "ORDER BY sensor_id", {},
                                     readStatus);
}

Result<std::vector<ReadingRow>> SqlMonitorRepository::readings(std::int64_t sensor_id,
                                                               std::int64_t from, std::int64_t to,
                                                               std::int64_t limit) {
  ParamList p(conn_.dialect());
  const std::string sql =
      "SELECT sensor_id, ts, seq, value, flags FROM readings WHERE sensor_id = " +
      p.add(sensor_id) + " AND ts >= " + p.add(from) + " AND ts < " + p.add(to) +
      " ORDER BY ts, seq LIMIT " + p.add(std::max<std::int64_t>(limit, 0));
  return selectRows<ReadingRow>(conn_, sql, p.params(), [](const SqlRow& r) {
    ReadingRow x;
    x.sensor_id = r.getInt(0);
    x.ts = r.getInt(1);
    x.seq = r.getInt(2);
    x.value = r.getDouble(3);
    x.flags = static_cast<int>(r.getInt(4));
    return x;
  });
}

Result<std::vector<RollupRow>> SqlMonitorRepository::rollups(std::int64_t sensor_id,
                                                             RollupResolution resolution,
                                                             std::int64_t from, std::int64_t to) {
  ParamList p(conn_.dialect());
  const std::string sql =
      "SELECT sensor_id, resolution, bucket, min_value, max_value, sum_value, count, valid_count "
      "FROM reading_rollups WHERE sensor_id = " +
      p.add(sensor_id) + " AND resolution = " + p.add(std::int64_t{static_cast<int>(resolution)}) +
      " AND bucket >= " + p.add(from) + " AND bucket < " + p.add(to) + " ORDER BY bucket";
  return selectRows<RollupRow>(conn_, sql, p.params(), [](const SqlRow& r) {
    RollupRow x;
    x.sensor_id = r.getInt(0);
    x.resolution = static_cast<RollupResolution>(r.getInt(1));
    x.bucket = r.getInt(2);
    x.min_value = readOptDouble(r, 3);
    x.max_value = readOptDouble(r, 4);
    x.sum_value = r.getDouble(5);
    x.count = r.getInt(6);
    x.valid_count = r.getInt(7);
    return x;
  });
}

Result<std::int64_t> SqlMonitorRepository::purgeReadings(std::int64_t before) {
  return conn_.run(std::string("DELETE FROM readings WHERE ") + kKnownSensors + " AND ts < " +
                       placeholder(conn_.dialect(), 1),
                   {before}, {});
}

Result<std::pair<std::int64_t, std::int64_t>> SqlMonitorRepository::readingCounts(std::int64_t from,
                                                                                  std::int64_t to) {
  ParamList p(conn_.dialect());
  const std::string sql =
      std::string(
          "SELECT COUNT(*), COALESCE(SUM(CASE WHEN flags = 0 THEN 1 ELSE 0 END), 0) "
          "FROM readings WHERE ") +
      kKnownSensors + " AND ts >= " + p.add(from) + " AND ts < " + p.add(to);
  std::pair<std::int64_t, std::int64_t> out{0, 0};
  AG_ASSIGN_OR_RETURN(auto n, conn_.run(sql, p.params(), [&](const SqlRow& r) {
    out = {r.getInt(0), r.getInt(1)};
  }));
  (void)n;
  return out;
}

// ---------------------------------------------------------------- claims

Result<std::vector<bool>> SqlMonitorRepository::claimMessages(
    std::span<const MessageClaim> claims) {
  // The INSERT returns the claims it stored; the rest were stored before (or earlier in this
  // batch: only the first of equal claims in a batch is new).
  // In key order, so that concurrent batches on PostgreSQL take their row locks in one order
  // (no deadlock between two claimers of overlapping messages); stable: the first of equal
  // claims is the one stored.
  std::vector<MessageClaim> sorted(claims.begin(), claims.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const MessageClaim& a, const MessageClaim& b) {
    return std::tie(a.device_id, a.digest) < std::tie(b.device_id, b.digest);
  });
  std::unordered_set<std::pair<std::int64_t, std::int64_t>, PairHash> inserted;
  inserted.reserve(claims.size());
  AG_ASSIGN_OR_RETURN(auto n,
                      runBulk(
                          conn_, claimsInsert(), std::span<const MessageClaim>(sorted),
                          [](const MessageClaim& c, std::vector<SqlParam>& p) {
                            p.emplace_back(c.device_id);
                            p.emplace_back(c.digest);
                            p.emplace_back(c.received_at);
                          },
                          [&](const SqlRow& r) { inserted.emplace(r.getInt(0), r.getInt(1)); }));
  (void)n;
  std::vector<bool> out;
  out.reserve(claims.size());
  for (const auto& c : claims) {
    out.push_back(inserted.erase({c.device_id, c.digest}) > 0);
  }
  return out;
}

Result<std::vector<bool>> SqlMonitorRepository::existingClaims(
    std::span<const MessageClaim> claims) {
  // One lookup per claim: only messages flagged as redelivered are checked, and they are few.
  const std::string sql =
      "SELECT 1 FROM ingest_claims WHERE device_id = " + placeholder(conn_.dialect(), 1) +
      " AND digest = " + placeholder(conn_.dialect(), 2);
  std::vector<bool> out;
  out.reserve(claims.size());
  for (const auto& c : claims) {
    bool found = false;
    AG_ASSIGN_OR_RETURN(
        auto n, conn_.run(sql, {c.device_id, c.digest}, [&found](const SqlRow&) { found = true; }));
    (void)n;
    out.push_back(found);
  }
  return out;
}

Result<std::int64_t> SqlMonitorRepository::purgeClaims(std::int64_t before) {
  return conn_.run(
      "DELETE FROM ingest_claims WHERE received_at < " + placeholder(conn_.dialect(), 1), {before},
      {});
}

// ---------------------------------------------------------------- alarms

Result<std::int64_t> SqlMonitorRepository::insertAlarm(const AlarmRow& row) {
  ParamList p(conn_.dialect());
  Cols cols = alarmCols(row);
  cols.emplace_back("version", std::int64_t{1});
  AG_ASSIGN_OR_RETURN(auto id, conn_.insertId(insertSql("alarms", cols, p), p.params()));
  return id.value_or(0);
}

Result<AlarmRow> SqlMonitorRepository::updateAlarm(const AlarmRow& row) {
  ParamList p(conn_.dialect());
  const std::string sql = "UPDATE alarms SET " + setSql(alarmCols(row), p) +
                          ", version = version + 1 WHERE id = " + p.add(row.id) +
                          " AND version = " + p.add(row.version);
  AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, sql, p));
  if (n == 0) {
    AG_ASSIGN_OR_RETURN(auto current, getAlarm(row.id));
    return Error::conflict("monitor.alarm_stale_version", "the alarm was changed meanwhile")
        .with("version", std::to_string(current.version));
  }
  AlarmRow out = row;
  out.version = row.version + 1;
  return out;
}

Result<AlarmRow> SqlMonitorRepository::getAlarm(std::int64_t id) {
  AG_ASSIGN_OR_RETURN(
      auto rows,
      selectRows<AlarmRow>(conn_, alarmSelect() + "WHERE id = " + placeholder(conn_.dialect(), 1),
                           {id}, readAlarm));
  if (rows.empty()) {
    return Error::notFound("monitor.alarm_not_found", "no such alarm")
        .with("id", std::to_string(id));
  }
  return rows.front();
}

Result<std::vector<AlarmRow>> SqlMonitorRepository::listAlarms(const AlarmQuery& q,
                                                               std::int64_t* total) {
  ParamList p(conn_.dialect());
  std::string where = "WHERE 1 = 1" + prefixClause("org_path", q.scope_prefix, p);
  if (!q.states.empty()) {
    std::string in;
    for (const auto& s : q.states) {
      in += (in.empty() ? "" : ", ") + p.add(s);
    }
    where += " AND state IN (" + in + ")";
  }
  if (q.open_only) {
    where += " AND state <> 'closed'";
  }
  if (q.area_id > 0) {
    where += " AND area_id = " + p.add(q.area_id);
  }
  if (q.sensor_id > 0) {
    where += " AND sensor_id = " + p.add(q.sensor_id);
  }
  if (q.permit_id > 0) {
    where +=
        " AND id IN (SELECT alarm_id FROM alarm_permits WHERE permit_id = " + p.add(q.permit_id) +
        ")";
  }
  if (!q.severity.empty()) {
    where += " AND severity = " + p.add(q.severity);
  }
  if (q.from) {
    where += " AND raised_at >= " + p.add(toMillis(*q.from));
  }
  if (q.to) {
    where += " AND raised_at < " + p.add(toMillis(*q.to));
  }
  if (total != nullptr) {
    AG_ASSIGN_OR_RETURN(auto n,
                        queryOneInt(conn_, "SELECT COUNT(*) FROM alarms " + where, p.params()));
    *total = n.value_or(0);
  }
  const std::string sql = alarmSelect() + where + " ORDER BY raised_at DESC, id DESC" +
                          pageClause(q.page, q.page_size, p);
  return selectRows<AlarmRow>(conn_, sql, p.params(), readAlarm);
}

Result<std::vector<AlarmRow>> SqlMonitorRepository::openAlarms() {
  return selectRows<AlarmRow>(conn_, alarmSelect() + "WHERE state <> 'closed' ORDER BY id", {},
                              readAlarm);
}

Status SqlMonitorRepository::linkPermit(const AlarmPermit& link) {
  ParamList p(conn_.dialect());
  const std::string sql = "INSERT INTO alarm_permits (alarm_id, permit_id, suspended) VALUES (" +
                          p.add(link.alarm_id) + ", " + p.add(link.permit_id) + ", " +
                          p.add(flag(link.suspended)) +
                          ") ON CONFLICT (alarm_id, permit_id) DO UPDATE SET suspended = "
                          "excluded.suspended";
  AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, sql, p));
  (void)n;
  return okStatus();
}

Result<std::vector<AlarmPermit>> SqlMonitorRepository::permitsOf(std::int64_t alarm_id) {
  return selectRows<AlarmPermit>(
      conn_,
      "SELECT alarm_id, permit_id, suspended FROM alarm_permits WHERE alarm_id = " +
          placeholder(conn_.dialect(), 1) + " ORDER BY permit_id",
      {alarm_id}, [](const SqlRow& r) {
        return AlarmPermit{r.getInt(0), r.getInt(1), r.getInt(2) != 0};
      });
}

Status SqlMonitorRepository::addAlarmEvent(const AlarmEventRow& e) {
  ParamList p(conn_.dialect());
  const Cols cols = {
      {"alarm_id", e.alarm_id}, {"at", toMillis(e.at)}, {"event", e.event},
      {"actor_id", e.actor_id}, {"detail", e.detail},
  };
  AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, insertSql("alarm_events", cols, p), p));
  (void)n;
  return okStatus();
}

Result<std::vector<AlarmEventRow>> SqlMonitorRepository::alarmEvents(std::int64_t alarm_id) {
  return selectRows<AlarmEventRow>(
      conn_,
      "SELECT id, alarm_id, at, event, actor_id, detail FROM alarm_events WHERE alarm_id = " +
          placeholder(conn_.dialect(), 1) + " ORDER BY at, id",
      {alarm_id}, [](const SqlRow& r) {
        AlarmEventRow e;
        e.id = r.getInt(0);
        e.alarm_id = r.getInt(1);
        e.at = fromMillis(r.getInt(2));
        e.event = r.getText(3);
        e.actor_id = r.getInt(4);
        e.detail = r.getText(5);
        return e;
      });
}

// ---------------------------------------------------------------- violations

Result<std::int64_t> SqlMonitorRepository::insertViolation(const ViolationRow& row) {
  ParamList p(conn_.dialect());
  Cols cols = violationCols(row);
  cols.emplace_back("version", std::int64_t{1});
  AG_ASSIGN_OR_RETURN(auto id, conn_.insertId(insertSql("violations", cols, p), p.params()));
  return id.value_or(0);
}

Result<ViolationRow> SqlMonitorRepository::updateViolation(const ViolationRow& row) {
  ParamList p(conn_.dialect());
  const std::string sql = "UPDATE violations SET " + setSql(violationCols(row), p) +
                          ", version = version + 1 WHERE id = " + p.add(row.id) +
                          " AND version = " + p.add(row.version);
  AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, sql, p));
  if (n == 0) {
    AG_ASSIGN_OR_RETURN(auto current, getViolation(row.id));
    return Error::conflict("monitor.violation_stale_version", "the violation was changed meanwhile")
        .with("version", std::to_string(current.version));
  }
  ViolationRow out = row;
  out.version = row.version + 1;
  return out;
}

Result<ViolationRow> SqlMonitorRepository::getViolation(std::int64_t id) {
  AG_ASSIGN_OR_RETURN(
      auto rows, selectRows<ViolationRow>(
                     conn_, violationSelect() + "WHERE id = " + placeholder(conn_.dialect(), 1),
                     {id}, readViolation));
  if (rows.empty()) {
    return Error::notFound("monitor.violation_not_found", "no such violation")
        .with("id", std::to_string(id));
  }
  return rows.front();
}

Result<std::vector<ViolationRow>> SqlMonitorRepository::listViolations(const ViolationQuery& q,
                                                                       std::int64_t* total) {
  ParamList p(conn_.dialect());
  std::string where = "WHERE 1 = 1" + prefixClause("org_path", q.scope_prefix, p);
  if (q.area_id > 0) {
    where += " AND area_id = " + p.add(q.area_id);
  }
  if (q.permit_id > 0) {
    where += " AND permit_id = " + p.add(q.permit_id);
  }
  if (q.person_id > 0) {
    where += " AND person_id = " + p.add(q.person_id);
  }
  if (!q.type.empty()) {
    where += " AND type = " + p.add(q.type);
  }
  if (!q.status.empty()) {
    where += " AND status = " + p.add(q.status);
  }
  if (q.from) {
    where += " AND occurred_at >= " + p.add(toMillis(*q.from));
  }
  if (q.to) {
    where += " AND occurred_at < " + p.add(toMillis(*q.to));
  }
  if (total != nullptr) {
    AG_ASSIGN_OR_RETURN(auto n,
                        queryOneInt(conn_, "SELECT COUNT(*) FROM violations " + where, p.params()));
    *total = n.value_or(0);
  }
  const std::string sql = violationSelect() + where + " ORDER BY occurred_at DESC, id DESC" +
                          pageClause(q.page, q.page_size, p);
  return selectRows<ViolationRow>(conn_, sql, p.params(), readViolation);
}

// Bytes travel as hex on PostgreSQL (its text parameters end at the first NUL); SQLite binds
// them with their length and stores them as a BLOB.
Status SqlMonitorRepository::putSnapshot(std::int64_t violation_id, const std::string& mime,
                                         const std::string& content) {
  ParamList p(conn_.dialect());
  const bool pg = conn_.dialect() == Dialect::kPostgres;
  const std::string id_ph = p.add(violation_id);
  const std::string mime_ph = p.add(mime);
  const std::string content_ph = pg ? p.add(toHex(content)) : p.add(content);
  const std::string value =
      pg ? "decode(" + content_ph + ", 'hex')" : "CAST(" + content_ph + " AS BLOB)";
  const std::string sql = "INSERT INTO violation_snapshots (violation_id, mime, content) VALUES (" +
                          id_ph + ", " + mime_ph + ", " + value +
                          ") ON CONFLICT (violation_id) DO UPDATE SET mime = excluded.mime, "
                          "content = excluded.content";
  AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, sql, p));
  (void)n;
  return okStatus();
}

Result<std::pair<std::string, std::string>> SqlMonitorRepository::snapshot(
    std::int64_t violation_id) {
  const bool pg = conn_.dialect() == Dialect::kPostgres;
  const std::string sql =
      std::string("SELECT mime, ") + (pg ? "encode(content, 'hex')" : "content") +
      " FROM violation_snapshots WHERE violation_id = " + placeholder(conn_.dialect(), 1);
  std::optional<std::pair<std::string, std::string>> out;
  AG_ASSIGN_OR_RETURN(auto n, conn_.run(sql, {violation_id}, [&](const SqlRow& r) {
    out.emplace(r.getText(0), pg ? fromHex(r.getText(1)) : r.getText(1));
  }));
  (void)n;
  if (!out) {
    return Error::notFound("monitor.snapshot_not_found", "the violation has no snapshot")
        .with("id", std::to_string(violation_id));
  }
  return *out;
}

Result<std::int64_t> SqlMonitorRepository::insertTrainingNeed(const TrainingNeed& need) {
  ParamList p(conn_.dialect());
  const Cols cols = {
      {"person_id", need.person_id},
      {"violation_id", need.violation_id},
      {"reason", need.reason},
      {"created_at", toMillis(need.created_at)},
      {"done_at", optionalMillis(need.done_at)},
  };
  AG_ASSIGN_OR_RETURN(auto id, conn_.insertId(insertSql("training_needs", cols, p), p.params()));
  return id.value_or(0);
}

Result<std::vector<TrainingNeed>> SqlMonitorRepository::trainingNeeds(std::int64_t person_id) {
  return selectRows<TrainingNeed>(
      conn_,
      "SELECT id, person_id, violation_id, reason, created_at, done_at FROM training_needs "
      "WHERE person_id = " +
          placeholder(conn_.dialect(), 1) + " ORDER BY id",
      {person_id}, [](const SqlRow& r) {
        TrainingNeed t;
        t.id = r.getInt(0);
        t.person_id = r.getInt(1);
        t.violation_id = r.getInt(2);
        t.reason = r.getText(3);
        t.created_at = fromMillis(r.getInt(4));
        t.done_at = readOptionalInstant(r, 5);
        return t;
      });
}

// ---------------------------------------------------------------- dead letters

Status SqlMonitorRepository::insertDeadLetter(const DeadLetter& d) {
  constexpr std::size_t kMaxPayload = 4096;
  constexpr std::size_t kMaxField = 1024;
  ParamList p(conn_.dialect());
  const Cols cols = {
      {"received_at", toMillis(d.received_at)},   {"channel", cleanText(d.channel, kMaxField)},
      {"source", cleanText(d.source, kMaxField)}, {"code", cleanText(d.code, kMaxField)},
      {"reason", cleanText(d.reason, kMaxField)}, {"payload", cleanText(d.payload, kMaxPayload)},
  };
  AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, insertSql("dead_letters", cols, p), p));
  (void)n;
  return okStatus();
}

Result<std::vector<DeadLetter>> SqlMonitorRepository::deadLetters(std::int64_t offset,
                                                                  std::int64_t limit,
                                                                  std::int64_t* total) {
  if (total != nullptr) {
    AG_ASSIGN_OR_RETURN(auto n, queryOneInt(conn_, "SELECT COUNT(*) FROM dead_letters", {}));
    *total = n.value_or(0);
  }
  ParamList p(conn_.dialect());
  const std::string sql =
      "SELECT id, received_at, channel, source, code, reason, payload FROM dead_letters "
      "ORDER BY received_at DESC, id DESC LIMIT " +
      p.add(std::clamp<std::int64_t>(limit, 0, 1000)) + " OFFSET " +
      p.add(std::max<std::int64_t>(offset, 0));
  return selectRows<DeadLetter>(conn_, sql, p.params(), [](const SqlRow& r) {
    DeadLetter d;
    d.id = r.getInt(0);
    d.received_at = fromMillis(r.getInt(1));
    d.channel = r.getText(2);
    d.source = r.getText(3);
    d.code = r.getText(4);
    d.reason = r.getText(5);
    d.payload = r.getText(6);
    return d;
  });
}

// ---------------------------------------------------------------- webhooks

Result<std::int64_t> SqlMonitorRepository::insertWebhook(const WebhookRow& row) {
  ParamList p(conn_.dialect());
  Cols cols = webhookCols(row);
  cols.emplace_back("version", std::int64_t{1});
  cols.emplace_back("created_at", toMillis(row.created_at));
  AG_ASSIGN_OR_RETURN(auto id, conn_.insertId(insertSql("webhooks", cols, p), p.params()));
  return id.value_or(0);
}

Result<WebhookRow> SqlMonitorRepository::updateWebhook(const WebhookRow& row) {
  ParamList p(conn_.dialect());
  const std::string sql = "UPDATE webhooks SET " + setSql(webhookCols(row), p) +
                          ", version = version + 1 WHERE id = " + p.add(row.id) +
                          " AND version = " + p.add(row.version);
  AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, sql, p));
  if (n == 0) {
    AG_ASSIGN_OR_RETURN(auto current, getWebhook(row.id));
    return Error::conflict("monitor.webhook_stale_version", "the webhook was changed meanwhile")
        .with("version", std::to_string(current.version));
  }
  return getWebhook(row.id);
}

Status SqlMonitorRepository::removeWebhook(std::int64_t id) {
  const std::string ph = placeholder(conn_.dialect(), 1);
  AG_ASSIGN_OR_RETURN(
      auto deliveries,
      conn_.run("DELETE FROM webhook_deliveries WHERE webhook_id = " + ph, {id}, {}));
  (void)deliveries;
  AG_ASSIGN_OR_RETURN(auto n, conn_.run("DELETE FROM webhooks WHERE id = " + ph, {id}, {}));
  if (n == 0) {
    return Error::notFound("monitor.webhook_not_found", "no such webhook")
        .with("id", std::to_string(id));
  }
  return okStatus();
}

Result<WebhookRow> SqlMonitorRepository::getWebhook(std::int64_t id) {
  AG_ASSIGN_OR_RETURN(
      auto rows, selectRows<WebhookRow>(
                     conn_, webhookSelect() + "WHERE id = " + placeholder(conn_.dialect(), 1), {id},
                     readWebhook));
  if (rows.empty()) {
    return Error::notFound("monitor.webhook_not_found", "no such webhook")
        .with("id", std::to_string(id));
  }
  return rows.front();
}

Result<std::vector<WebhookRow>> SqlMonitorRepository::webhooks() {
  return selectRows<WebhookRow>(conn_, webhookSelect() + "ORDER BY id", {}, readWebhook);
}

Result<std::int64_t> SqlMonitorRepository::insertDelivery(const WebhookDelivery& d) {
  ParamList p(conn_.dialect());
  AG_ASSIGN_OR_RETURN(
      auto id, conn_.insertId(insertSql("webhook_deliveries", deliveryCols(d), p), p.params()));
  return id.value_or(0);
}

Result<std::vector<WebhookDelivery>> SqlMonitorRepository::dueDeliveries(Instant now,
                                                                         std::int64_t limit) {
  ParamList p(conn_.dialect());
  const std::string sql =
      deliverySelect() + "WHERE status = 'pending' AND next_attempt_at <= " + p.add(toMillis(now)) +
      " ORDER BY next_attempt_at, id LIMIT " + p.add(std::max<std::int64_t>(limit, 0));
  return selectRows<WebhookDelivery>(conn_, sql, p.params(), readDelivery);
}

Status SqlMonitorRepository::updateDelivery(const WebhookDelivery& d) {
  ParamList p(conn_.dialect());
  const Cols cols = {
      {"status", d.status},
      {"attempts", std::int64_t{d.attempts}},
      {"next_attempt_at", toMillis(d.next_attempt_at)},
      {"last_error", d.last_error},
      {"sent_at", optionalMillis(d.sent_at)},
  };
  const std::string sql =
      "UPDATE webhook_deliveries SET " + setSql(cols, p) + " WHERE id = " + p.add(d.id);
  AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, sql, p));
  if (n == 0) {
    return Error::notFound("monitor.delivery_not_found", "no such delivery")
        .with("id", std::to_string(d.id));
  }
  return okStatus();
}

Result<std::vector<WebhookDelivery>> SqlMonitorRepository::deliveriesOf(std::int64_t webhook_id,
                                                                        std::int64_t limit) {
  ParamList p(conn_.dialect());
  const std::string sql = deliverySelect() + "WHERE webhook_id = " + p.add(webhook_id) +
                          " ORDER BY id DESC LIMIT " + p.add(std::max<std::int64_t>(limit, 0));
  return selectRows<WebhookDelivery>(conn_, sql, p.params(), readDelivery);
}

}  // namespace anguan::store
