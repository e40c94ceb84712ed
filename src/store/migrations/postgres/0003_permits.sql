-- 0003: work types (rules as data), permits (indexed columns + JSON doc), their timeline and files.
CREATE TABLE work_types (
  code TEXT PRIMARY KEY,
  rules_version BIGINT NOT NULL,
  active BOOLEAN NOT NULL DEFAULT TRUE,
  doc TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE permits (
  id BIGSERIAL PRIMARY KEY,
  number TEXT NOT NULL CONSTRAINT permits_number_key UNIQUE,
  type_code TEXT NOT NULL,
  level TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  org_id BIGINT NOT NULL DEFAULT 0,
  org_path TEXT NOT NULL DEFAULT '',
  area_id BIGINT NOT NULL DEFAULT 0,
  title TEXT NOT NULL DEFAULT '',
  window_from BIGINT NOT NULL,
  window_to BIGINT NOT NULL,
  leader_id BIGINT NOT NULL DEFAULT 0,
  guardian_id BIGINT NOT NULL DEFAULT 0,
  crew TEXT NOT NULL DEFAULT '',
  waiting_roles TEXT NOT NULL DEFAULT '',
  waiting_since BIGINT NULL,
  rules_version BIGINT NOT NULL DEFAULT 1,
  public_token TEXT NOT NULL CONSTRAINT permits_public_token_key UNIQUE,
  created_by BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  submitted_at BIGINT NULL,
  issued_at BIGINT NULL,
  started_at BIGINT NULL,
  suspended_at BIGINT NULL,
  completed_at BIGINT NULL,
  closed_at BIGINT NULL,
  version BIGINT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX permits_state_idx ON permits (state, window_to);
CREATE INDEX permits_area_idx ON permits (area_id, window_from);
CREATE INDEX permits_org_path_idx ON permits (org_path);
CREATE INDEX permits_window_idx ON permits (window_from, window_to);

CREATE TABLE permit_events (
  id BIGSERIAL PRIMARY KEY,
  permit_id BIGINT NOT NULL,
  at BIGINT NOT NULL,
  actor_id BIGINT NOT NULL DEFAULT 0,
  actor_name TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL,
  from_state TEXT NOT NULL DEFAULT '',
  to_state TEXT NOT NULL DEFAULT '',
  data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX permit_events_permit_idx ON permit_events (permit_id, id);

CREATE TABLE permit_files (
  id TEXT PRIMARY KEY,
  permit_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  data TEXT NOT NULL, -- base64
  created_at BIGINT NOT NULL,
  created_by BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX permit_files_permit_idx ON permit_files (permit_id);
