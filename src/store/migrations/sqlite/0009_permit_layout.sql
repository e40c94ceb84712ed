-- 0009: faster reads and writes of permits (issue 3; docs/performance.md "Permit lifecycles").
-- 1. `doc` becomes the last column again. 0006 appended `conditions` after it, so reading
--    `conditions` (every list, every feasibility check) walked the ~10 KB document's overflow
--    pages, which SQLite re-reads from the WAL after each commit. SQLite cannot reorder columns,
--    so the table is rebuilt with the same ids, constraints and indexes.
-- 2. The feasibility check's "other open work overlapping the window" is answered from one
--    covering index (state, window_to, then the columns the check reads) without visiting the
--    table; it replaces permits_state_idx, whose columns it starts with.
-- 3. A permit no longer carries its own copy of its work type's rules (~8 KB of its document,
--    parsed and rewritten with every action): the rules of each (code, rules_version) are kept
--    once in work_type_versions, which saving a work type fills, and a permit's row names its
--    version (type_code, rules_version). Existing copies move there, then out of the documents.
CREATE TABLE work_type_versions (
  code TEXT NOT NULL,
  rules_version INTEGER NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (code, rules_version)
);
INSERT OR IGNORE INTO work_type_versions (code, rules_version, doc)
  SELECT type_code, rules_version, json_extract(doc, '$.work_type') FROM permits
  WHERE json_valid(doc) AND json_type(doc, '$.work_type') = 'object' ORDER BY id;
INSERT OR IGNORE INTO work_type_versions (code, rules_version, doc)
  SELECT code, rules_version, doc FROM work_types;

CREATE TABLE permits_0009 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  number TEXT NOT NULL CONSTRAINT permits_number_key UNIQUE,
  type_code TEXT NOT NULL,
  level TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  org_id INTEGER NOT NULL DEFAULT 0,
  org_path TEXT NOT NULL DEFAULT '',
  area_id INTEGER NOT NULL DEFAULT 0,
  title TEXT NOT NULL DEFAULT '',
  window_from INTEGER NOT NULL,
  window_to INTEGER NOT NULL,
  leader_id INTEGER NOT NULL DEFAULT 0,
  guardian_id INTEGER NOT NULL DEFAULT 0,
  crew TEXT NOT NULL DEFAULT '',
  waiting_roles TEXT NOT NULL DEFAULT '',
  waiting_since INTEGER NULL,
  rules_version INTEGER NOT NULL DEFAULT 1,
  public_token TEXT NOT NULL CONSTRAINT permits_public_token_key UNIQUE,
  created_by INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  submitted_at INTEGER NULL,
  issued_at INTEGER NULL,
  started_at INTEGER NULL,
  suspended_at INTEGER NULL,
  completed_at INTEGER NULL,
  closed_at INTEGER NULL,
  version INTEGER NOT NULL,
  conditions TEXT NOT NULL DEFAULT '{}',
  doc TEXT NOT NULL
);
INSERT INTO permits_0009 (id, number, type_code, level, state, org_id, org_path, area_id, title,
    window_from, window_to, leader_id, guardian_id, crew, waiting_roles, waiting_since,
    rules_version, public_token, created_by, created_at, updated_at, submitted_at, issued_at,
    started_at, suspended_at, completed_at, closed_at, version, conditions, doc)
  SELECT id, number, type_code, level, state, org_id, org_path, area_id, title,
    window_from, window_to, leader_id, guardian_id, crew, waiting_roles, waiting_since,
    rules_version, public_token, created_by, created_at, updated_at, submitted_at, issued_at,
    started_at, suspended_at, completed_at, closed_at, version, conditions,
    CASE WHEN json_valid(doc) AND json_type(doc, '$.work_type') IS NOT NULL
      THEN json_remove(doc, '$.work_type') ELSE doc END
  FROM permits ORDER BY id;
-- Keep the id sequence where it was (ids of permits deleted at the end are never reused).
DELETE FROM sqlite_sequence WHERE name = 'permits_0009';
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'permits_0009', seq FROM sqlite_sequence WHERE name = 'permits';
DROP TABLE permits;
ALTER TABLE permits_0009 RENAME TO permits;
CREATE INDEX permits_overlap_idx ON permits (state, window_to, window_from, id, number,
    type_code, area_id, guardian_id, conditions);
CREATE INDEX permits_area_idx ON permits (area_id, window_from);
CREATE INDEX permits_org_path_idx ON permits (org_path);
CREATE INDEX permits_window_idx ON permits (window_from, window_to);
