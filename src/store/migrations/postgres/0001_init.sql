-- 0001: base-data tables (one per base::schemas() entity; columns named after the schema's
-- non-computed fields, kept in sync by the contract test EveryFieldOfEverySchemaRoundTrips),
-- users, sessions and the audit chain. No foreign keys between base tables: the service checks
-- references and deletes check them with countReferences.

CREATE TABLE org_units (
  id BIGSERIAL PRIMARY KEY,
  version BIGINT NOT NULL,
  org_id BIGINT NOT NULL DEFAULT 0,
  org_path TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  "name" TEXT,
  "code" TEXT CONSTRAINT org_units_code_key UNIQUE,
  "kind" TEXT,
  "parent_id" BIGINT,
  "contact_phone" TEXT,
  "address" TEXT
);
CREATE INDEX org_units_org_path_idx ON org_units (org_path text_pattern_ops);
CREATE INDEX org_units_parent_id_idx ON org_units ("parent_id");

CREATE TABLE people (
  id BIGSERIAL PRIMARY KEY,
  version BIGINT NOT NULL,
  org_id BIGINT NOT NULL DEFAULT 0,
  org_path TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  "name" TEXT,
  "employee_no" TEXT CONSTRAINT people_employee_no_key UNIQUE,
  "kind" TEXT,
  "roles" TEXT,
  "phone" TEXT,
  "position" TEXT,
  "active" BOOLEAN
);
CREATE INDEX people_org_path_idx ON people (org_path text_pattern_ops);
CREATE INDEX people_org_id_idx ON people (org_id);

CREATE TABLE areas (
  id BIGSERIAL PRIMARY KEY,
  version BIGINT NOT NULL,
  org_id BIGINT NOT NULL DEFAULT 0,
  org_path TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  "name" TEXT,
  "code" TEXT CONSTRAINT areas_code_key UNIQUE,
  "parent_id" BIGINT,
  "kind" TEXT,
  "fire_explosion_hazard" BOOLEAN,
  "major_hazard" BOOLEAN,
  "inside_fire_dike" BOOLEAN,
  "outdoor" BOOLEAN,
  "latitude" DOUBLE PRECISION,
  "longitude" DOUBLE PRECISION,
  "plan_x" DOUBLE PRECISION,
  "plan_y" DOUBLE PRECISION,
  "responsible_person_id" BIGINT
);
CREATE INDEX areas_org_path_idx ON areas (org_path text_pattern_ops);
CREATE INDEX areas_org_id_idx ON areas (org_id);
CREATE INDEX areas_parent_id_idx ON areas ("parent_id");
CREATE INDEX areas_responsible_person_id_idx ON areas ("responsible_person_id");

CREATE TABLE certificates (
  id BIGSERIAL PRIMARY KEY,
  version BIGINT NOT NULL,
  org_id BIGINT NOT NULL DEFAULT 0,
  org_path TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  "person_id" BIGINT,
  "cert_type" TEXT,
  "number" TEXT CONSTRAINT certificates_number_key UNIQUE,
  "issuer" TEXT,
  "issued_on" TEXT,
  "expires_on" TEXT,
  "next_review_on" TEXT
);
CREATE INDEX certificates_org_path_idx ON certificates (org_path text_pattern_ops);
CREATE INDEX certificates_person_id_idx ON certificates ("person_id");

CREATE TABLE equipment (
  id BIGSERIAL PRIMARY KEY,
  version BIGINT NOT NULL,
  org_id BIGINT NOT NULL DEFAULT 0,
  org_path TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  "name" TEXT,
  "code" TEXT CONSTRAINT equipment_code_key UNIQUE,
  "area_id" BIGINT,
  "kind" TEXT,
  "status" TEXT,
  "model" TEXT,
  "medium" TEXT
);
CREATE INDEX equipment_org_path_idx ON equipment (org_path text_pattern_ops);
CREATE INDEX equipment_area_id_idx ON equipment ("area_id");

CREATE TABLE maintenance_windows (
  id BIGSERIAL PRIMARY KEY,
  version BIGINT NOT NULL,
  org_id BIGINT NOT NULL DEFAULT 0,
  org_path TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  "equipment_id" BIGINT,
  "kind" TEXT,
  "starts_at" BIGINT,
  "ends_at" BIGINT,
  "description" TEXT
);
CREATE INDEX maintenance_windows_org_path_idx ON maintenance_windows (org_path text_pattern_ops);
CREATE INDEX maintenance_windows_equipment_id_idx ON maintenance_windows ("equipment_id");

CREATE TABLE holidays (
  id BIGSERIAL PRIMARY KEY,
  version BIGINT NOT NULL,
  org_id BIGINT NOT NULL DEFAULT 0,
  org_path TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  "date" TEXT CONSTRAINT holidays_date_key UNIQUE,
  "name" TEXT,
  "kind" TEXT
);
CREATE INDEX holidays_org_path_idx ON holidays (org_path text_pattern_ops);

CREATE TABLE users (
  id BIGSERIAL PRIMARY KEY,
  username TEXT NOT NULL CONSTRAINT users_username_key UNIQUE,
  display_name TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL DEFAULT '',
  roles TEXT NOT NULL DEFAULT '',
  org_id BIGINT NOT NULL DEFAULT 0,
  org_path TEXT NOT NULL DEFAULT '',
  person_id BIGINT NOT NULL DEFAULT 0,
  language TEXT NOT NULL DEFAULT 'zh-CN',
  active BOOLEAN NOT NULL DEFAULT TRUE,
  failed_logins BIGINT NOT NULL DEFAULT 0,
  locked_until BIGINT NULL,
  version BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX users_org_path_idx ON users (org_path text_pattern_ops);
CREATE INDEX users_org_id_idx ON users (org_id);
CREATE INDEX users_person_id_idx ON users (person_id);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT NULL,
  client_address TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at BIGINT NOT NULL,
  actor_id BIGINT NOT NULL DEFAULT 0,
  actor_name TEXT NOT NULL DEFAULT '',
  client_address TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  entity TEXT NOT NULL DEFAULT '',
  entity_id BIGINT NOT NULL DEFAULT 0,
  org_path TEXT NOT NULL DEFAULT '',
  before_json TEXT NOT NULL DEFAULT '',
  after_json TEXT NOT NULL DEFAULT '',
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_actor_id_idx ON audit_log (actor_id);
