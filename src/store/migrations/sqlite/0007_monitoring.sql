-- 0007: live monitoring (issue 5). The registry (devices, sensors, area thresholds) is base
-- data driven by domain/base/schema.cpp; the rest is written by the telemetry pipeline and the
-- monitoring service: readings with quality flags, 1-minute/1-hour roll-ups, the last value per
-- sensor, alarms and their permits, violations, dead letters, MQTT message claims (exactly-once
-- storage of redelivered QoS 1 messages), device credentials and outbound webhooks.

CREATE TABLE devices (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL,
  org_id INTEGER NOT NULL DEFAULT 0,
  org_path TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  "name" TEXT,
  "code" TEXT CONSTRAINT devices_code_key UNIQUE,
  "kind" TEXT,
  "area_id" INTEGER,
  "gateway_id" INTEGER,
  "site" TEXT,
  "model" TEXT,
  "position" TEXT,
  "active" INTEGER
);
CREATE INDEX devices_org_path_idx ON devices (org_path);
CREATE INDEX devices_area_id_idx ON devices ("area_id");
CREATE INDEX devices_gateway_id_idx ON devices ("gateway_id");

CREATE TABLE sensors (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL,
  org_id INTEGER NOT NULL DEFAULT 0,
  org_path TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  "name" TEXT,
  "code" TEXT CONSTRAINT sensors_code_key UNIQUE,
  "device_id" INTEGER,
  "kind" TEXT,
  "area_id" INTEGER,
  "position" TEXT,
  "plan_x" REAL,
  "plan_y" REAL,
  "interval_seconds" INTEGER,
  "calibration_due" TEXT,
  "warning_high" REAL,
  "alarm_high" REAL,
  "warning_low" REAL,
  "alarm_low" REAL,
  "active" INTEGER
);
CREATE INDEX sensors_org_path_idx ON sensors (org_path);
CREATE INDEX sensors_device_id_idx ON sensors ("device_id");
CREATE INDEX sensors_area_id_idx ON sensors ("area_id");

CREATE TABLE area_thresholds (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL,
  org_id INTEGER NOT NULL DEFAULT 0,
  org_path TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  "area_id" INTEGER,
  "kind" TEXT,
  "warning_high" REAL,
  "alarm_high" REAL,
  "warning_low" REAL,
  "alarm_low" REAL,
  "hysteresis" REAL,
  "delay_seconds" INTEGER,
  "rate_per_minute" REAL
);
CREATE INDEX area_thresholds_org_path_idx ON area_thresholds (org_path);
CREATE INDEX area_thresholds_area_id_idx ON area_thresholds ("area_id");

-- Device credentials. token_hash is the SHA-256 (hex) of a 256-bit random token (a fast hash
-- is right for random secrets; argon2id is for passwords people choose). The same token is the
-- device's MQTT password; mqtt_password_hash is its entry for Mosquitto's password file.
CREATE TABLE device_credentials (
  device_id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL CONSTRAINT device_credentials_token_hash_key UNIQUE,
  token_hint TEXT NOT NULL,
  mqtt_username TEXT NOT NULL CONSTRAINT device_credentials_mqtt_username_key UNIQUE,
  mqtt_password_hash TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  created_by INTEGER NOT NULL
);

-- Raw readings, kept with their quality flags (0 = valid). seq is 0 except for readings whose
-- (sensor, ts) is taken already (duplicates are kept too).
CREATE TABLE readings (
  sensor_id INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  value REAL NOT NULL,
  flags INTEGER NOT NULL,
  PRIMARY KEY (sensor_id, ts, seq)
) WITHOUT ROWID;

-- resolution: 1 = minute, 2 = hour. min/max/sum over valid readings only; count = all readings.
CREATE TABLE reading_rollups (
  sensor_id INTEGER NOT NULL,
  resolution INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  min_value REAL,
  max_value REAL,
  sum_value REAL NOT NULL,
  count INTEGER NOT NULL,
  valid_count INTEGER NOT NULL,
  PRIMARY KEY (sensor_id, resolution, bucket)
) WITHOUT ROWID;

-- The newest reading per sensor (board after a restart, offline detection).
CREATE TABLE sensor_status (
  sensor_id INTEGER PRIMARY KEY,
  last_ts INTEGER NOT NULL,
  last_value REAL NOT NULL,
  last_flags INTEGER NOT NULL,
  last_valid_ts INTEGER NOT NULL DEFAULT 0,
  last_valid_value REAL NOT NULL DEFAULT 0
);

-- One row per stored MQTT message: a redelivery after a crash finds its claim and is skipped.
CREATE TABLE ingest_claims (
  device_id INTEGER NOT NULL,
  digest INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (device_id, digest)
) WITHOUT ROWID;
CREATE INDEX ingest_claims_received_idx ON ingest_claims (received_at);

CREATE TABLE alarms (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL DEFAULT 1,
  org_path TEXT NOT NULL DEFAULT '',
  area_id INTEGER NOT NULL,
  device_id INTEGER NOT NULL DEFAULT 0,
  sensor_id INTEGER NOT NULL DEFAULT 0,
  kind TEXT NOT NULL,
  condition TEXT NOT NULL,
  severity TEXT NOT NULL,
  state TEXT NOT NULL,
  value REAL,
  threshold REAL,
  raised_at INTEGER NOT NULL,
  ack_due_from INTEGER NOT NULL,
  acknowledged_at INTEGER,
  acknowledged_by INTEGER,
  cleared_at INTEGER,
  closed_at INTEGER,
  closed_by INTEGER,
  escalation_level INTEGER NOT NULL DEFAULT 0,
  occurrences INTEGER NOT NULL DEFAULT 1,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alarms_state_idx ON alarms (state, raised_at);
CREATE INDEX alarms_area_idx ON alarms (area_id, raised_at);
CREATE INDEX alarms_sensor_idx ON alarms (sensor_id, raised_at);
CREATE INDEX alarms_org_path_idx ON alarms (org_path);

-- The permits active in the alarm's area when it was raised; suspended = 1 when the alarm
-- suspended that permit.
CREATE TABLE alarm_permits (
  alarm_id INTEGER NOT NULL,
  permit_id INTEGER NOT NULL,
  suspended INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (alarm_id, permit_id)
);
CREATE INDEX alarm_permits_permit_idx ON alarm_permits (permit_id);

-- Alarm history: raise, acknowledge, clear, close, recur, upgrade, escalate.
CREATE TABLE alarm_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  alarm_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  event TEXT NOT NULL,
  actor_id INTEGER NOT NULL DEFAULT 0,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alarm_events_alarm_idx ON alarm_events (alarm_id, at);

CREATE TABLE violations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL DEFAULT 1,
  org_path TEXT NOT NULL DEFAULT '',
  area_id INTEGER NOT NULL,
  device_id INTEGER NOT NULL DEFAULT 0,
  type TEXT NOT NULL,
  person_id INTEGER NOT NULL DEFAULT 0,
  permit_id INTEGER NOT NULL DEFAULT 0,
  confidence REAL NOT NULL,
  frames INTEGER NOT NULL DEFAULT 0,
  occurred_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  has_snapshot INTEGER NOT NULL DEFAULT 0,
  needs_training INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'open',
  handled_by INTEGER,
  handled_at INTEGER,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX violations_time_idx ON violations (occurred_at);
CREATE INDEX violations_area_idx ON violations (area_id, occurred_at);
CREATE INDEX violations_permit_idx ON violations (permit_id);
CREATE INDEX violations_person_idx ON violations (person_id);
CREATE INDEX violations_org_path_idx ON violations (org_path);

CREATE TABLE violation_snapshots (
  violation_id INTEGER PRIMARY KEY,
  mime TEXT NOT NULL,
  content BLOB NOT NULL
);

-- People a violation marked for (re)training; the training module consumes these.
CREATE TABLE training_needs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  person_id INTEGER NOT NULL,
  violation_id INTEGER NOT NULL,
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  done_at INTEGER
);
CREATE INDEX training_needs_person_idx ON training_needs (person_id);

-- Rejected telemetry (bad JSON, unknown device or sensor, bad token, ...), for the admin.
CREATE TABLE dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  received_at INTEGER NOT NULL,
  channel TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT '',
  code TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  payload TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dead_letters_time_idx ON dead_letters (received_at);

CREATE TABLE webhooks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL DEFAULT 1,
  org_path TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL,
  format TEXT NOT NULL,
  url TEXT NOT NULL,
  topics TEXT NOT NULL DEFAULT '',
  min_severity TEXT NOT NULL DEFAULT 'warning',
  secret TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- The webhook outbox: written in the transaction of the alarm or violation, sent by a job with
-- retry and exponential back-off.
CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  webhook_id INTEGER NOT NULL,
  topic TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  sent_at INTEGER
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
