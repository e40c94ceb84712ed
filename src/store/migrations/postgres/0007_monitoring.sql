-- 0007: live monitoring (issue 5). The registry (devices, sensors, area thresholds) is base
-- data driven by domain/base/schema.cpp; the rest is written by the telemetry pipeline and the
-- monitoring service: readings with quality flags, 1-minute/1-hour roll-ups, the last value per
-- sensor, alarms and their permits, violations, dead letters, MQTT message claims (exactly-once
-- storage of redelivered QoS 1 messages), device credentials and outbound webhooks.

CREATE TABLE devices (
  id BIGSERIAL PRIMARY KEY,
  version BIGINT NOT NULL,
  org_id BIGINT NOT NULL DEFAULT 0,
  org_path TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  "name" TEXT,
  "code" TEXT CONSTRAINT devices_code_key UNIQUE,
  "kind" TEXT,
  "area_id" BIGINT,
  "gateway_id" BIGINT,
  "site" TEXT,
  "model" TEXT,
  "position" TEXT,
  "active" BOOLEAN
);
CREATE INDEX devices_org_path_idx ON devices (org_path text_pattern_ops);
CREATE INDEX devices_area_id_idx ON devices ("area_id");
CREATE INDEX devices_gateway_id_idx ON devices ("gateway_id");

CREATE TABLE sensors (
  id BIGSERIAL PRIMARY KEY,
  version BIGINT NOT NULL,
  org_id BIGINT NOT NULL DEFAULT 0,
  org_path TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  "name" TEXT,
  "code" TEXT CONSTRAINT sensors_code_key UNIQUE,
  "device_id" BIGINT,
  "kind" TEXT,
  "area_id" BIGINT,
  "position" TEXT,
  "plan_x" DOUBLE PRECISION,
  "plan_y" DOUBLE PRECISION,
  "interval_seconds" BIGINT,
  "calibration_due" TEXT,
  "warning_high" DOUBLE PRECISION,
  "alarm_high" DOUBLE PRECISION,
  "warning_low" DOUBLE PRECISION,
  "alarm_low" DOUBLE PRECISION,
  "active" BOOLEAN
);
CREATE INDEX sensors_org_path_idx ON sensors (org_path text_pattern_ops);
CREATE INDEX sensors_device_id_idx ON sensors ("device_id");
CREATE INDEX sensors_area_id_idx ON sensors ("area_id");

CREATE TABLE area_thresholds (
  id BIGSERIAL PRIMARY KEY,
  version BIGINT NOT NULL,
  org_id BIGINT NOT NULL DEFAULT 0,
  org_path TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  "area_id" BIGINT,
  "kind" TEXT,
  "warning_high" DOUBLE PRECISION,
  "alarm_high" DOUBLE PRECISION,
  "warning_low" DOUBLE PRECISION,
  "alarm_low" DOUBLE PRECISION,
  "hysteresis" DOUBLE PRECISION,
  "delay_seconds" BIGINT,
  "rate_per_minute" DOUBLE PRECISION
);
CREATE INDEX area_thresholds_org_path_idx ON area_thresholds (org_path text_pattern_ops);
CREATE INDEX area_thresholds_area_id_idx ON area_thresholds ("area_id");

-- Device credentials. token_hash is the SHA-256 (hex) of a 256-bit random token (a fast hash
-- is right for random secrets; argon2id is for passwords people choose). The same token is the
-- device's MQTT password; mqtt_password_hash is its entry for Mosquitto's password file.
CREATE TABLE device_credentials (
  device_id BIGINT PRIMARY KEY,
  token_hash TEXT NOT NULL CONSTRAINT device_credentials_token_hash_key UNIQUE,
  token_hint TEXT NOT NULL,
  mqtt_username TEXT NOT NULL CONSTRAINT device_credentials_mqtt_username_key UNIQUE,
  mqtt_password_hash TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  created_by BIGINT NOT NULL
);

-- Raw readings, kept with their quality flags (0 = valid). seq is 0 except for readings whose
-- (sensor, ts) is taken already (duplicates are kept too).
CREATE TABLE readings (
  sensor_id BIGINT NOT NULL,
  ts BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  flags BIGINT NOT NULL,
  PRIMARY KEY (sensor_id, ts, seq)
);

-- resolution: 1 = minute, 2 = hour. min/max/sum over valid readings only; count = all readings.
CREATE TABLE reading_rollups (
  sensor_id BIGINT NOT NULL,
  resolution BIGINT NOT NULL,
  bucket BIGINT NOT NULL,
  min_value DOUBLE PRECISION,
  max_value DOUBLE PRECISION,
  sum_value DOUBLE PRECISION NOT NULL,
  count BIGINT NOT NULL,
  valid_count BIGINT NOT NULL,
  PRIMARY KEY (sensor_id, resolution, bucket)
);

-- The newest reading per sensor (board after a restart, offline detection).
CREATE TABLE sensor_status (
  sensor_id BIGINT PRIMARY KEY,
  last_ts BIGINT NOT NULL,
  last_value DOUBLE PRECISION NOT NULL,
  last_flags BIGINT NOT NULL,
  last_valid_ts BIGINT NOT NULL DEFAULT 0,
  last_valid_value DOUBLE PRECISION NOT NULL DEFAULT 0
);

-- One row per stored MQTT message: a redelivery after a crash finds its claim and is skipped.
CREATE TABLE ingest_claims (
  device_id BIGINT NOT NULL,
  digest BIGINT NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (device_id, digest)
);
CREATE INDEX ingest_claims_received_idx ON ingest_claims (received_at);

CREATE TABLE alarms (
  id BIGSERIAL PRIMARY KEY,
  version BIGINT NOT NULL DEFAULT 1,
  org_path TEXT NOT NULL DEFAULT '',
  area_id BIGINT NOT NULL,
  device_id BIGINT NOT NULL DEFAULT 0,
  sensor_id BIGINT NOT NULL DEFAULT 0,
  kind TEXT NOT NULL,
  condition TEXT NOT NULL,
  severity TEXT NOT NULL,
  state TEXT NOT NULL,
  value DOUBLE PRECISION,
  threshold DOUBLE PRECISION,
  raised_at BIGINT NOT NULL,
  ack_due_from BIGINT NOT NULL,
  acknowledged_at BIGINT,
  acknowledged_by BIGINT,
  cleared_at BIGINT,
  closed_at BIGINT,
  closed_by BIGINT,
  escalation_level BIGINT NOT NULL DEFAULT 0,
  occurrences BIGINT NOT NULL DEFAULT 1,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alarms_state_idx ON alarms (state, raised_at);
CREATE INDEX alarms_area_idx ON alarms (area_id, raised_at);
CREATE INDEX alarms_sensor_idx ON alarms (sensor_id, raised_at);
CREATE INDEX alarms_org_path_idx ON alarms (org_path text_pattern_ops);

-- The permits active in the alarm's area when it was raised; suspended = 1 when the alarm
-- suspended that permit.
CREATE TABLE alarm_permits (
  alarm_id BIGINT NOT NULL,
  permit_id BIGINT NOT NULL,
  suspended BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (alarm_id, permit_id)
);
CREATE INDEX alarm_permits_permit_idx ON alarm_permits (permit_id);

-- Alarm history: raise, acknowledge, clear, close, recur, upgrade, escalate.
CREATE TABLE alarm_events (
  id BIGSERIAL PRIMARY KEY,
  alarm_id BIGINT NOT NULL,
  at BIGINT NOT NULL,
  event TEXT NOT NULL,
  actor_id BIGINT NOT NULL DEFAULT 0,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alarm_events_alarm_idx ON alarm_events (alarm_id, at);

CREATE TABLE violations (
  id BIGSERIAL PRIMARY KEY,
  version BIGINT NOT NULL DEFAULT 1,
  org_path TEXT NOT NULL DEFAULT '',
  area_id BIGINT NOT NULL,
  device_id BIGINT NOT NULL DEFAULT 0,
  type TEXT NOT NULL,
  person_id BIGINT NOT NULL DEFAULT 0,
  permit_id BIGINT NOT NULL DEFAULT 0,
  confidence DOUBLE PRECISION NOT NULL,
  frames BIGINT NOT NULL DEFAULT 0,
  occurred_at BIGINT NOT NULL,
  received_at BIGINT NOT NULL,
  has_snapshot BIGINT NOT NULL DEFAULT 0,
  needs_training BIGINT NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'open',
  handled_by BIGINT,
  handled_at BIGINT,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX violations_time_idx ON violations (occurred_at);
CREATE INDEX violations_area_idx ON violations (area_id, occurred_at);
CREATE INDEX violations_permit_idx ON violations (permit_id);
CREATE INDEX violations_person_idx ON violations (person_id);
CREATE INDEX violations_org_path_idx ON violations (org_path text_pattern_ops);

CREATE TABLE violation_snapshots (
  violation_id BIGINT PRIMARY KEY,
  mime TEXT NOT NULL,
  content BYTEA NOT NULL
);

-- People a violation marked for (re)training; the training module consumes these.
CREATE TABLE training_needs (
  id BIGSERIAL PRIMARY KEY,
  person_id BIGINT NOT NULL,
  violation_id BIGINT NOT NULL,
  reason TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  done_at BIGINT
);
CREATE INDEX training_needs_person_idx ON training_needs (person_id);

-- Rejected telemetry (bad JSON, unknown device or sensor, bad token, ...), for the admin.
CREATE TABLE dead_letters (
  id BIGSERIAL PRIMARY KEY,
  received_at BIGINT NOT NULL,
  channel TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT '',
  code TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  payload TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dead_letters_time_idx ON dead_letters (received_at);

CREATE TABLE webhooks (
  id BIGSERIAL PRIMARY KEY,
  version BIGINT NOT NULL DEFAULT 1,
  org_path TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL,
  format TEXT NOT NULL,
  url TEXT NOT NULL,
  topics TEXT NOT NULL DEFAULT '',
  min_severity TEXT NOT NULL DEFAULT 'warning',
  secret TEXT NOT NULL DEFAULT '',
  active BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- The webhook outbox: written in the transaction of the alarm or violation, sent by a job with
-- retry and exponential back-off.
CREATE TABLE webhook_deliveries (
  id BIGSERIAL PRIMARY KEY,
  webhook_id BIGINT NOT NULL,
  topic TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  attempts BIGINT NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  sent_at BIGINT
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
