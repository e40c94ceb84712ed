-- 0009: faster reads and writes of permits (issue 3; docs/performance.md "Permit lifecycles").
-- The feasibility check's "other open work overlapping the window" comes from one covering
-- index; it replaces permits_state_idx, whose columns it starts with. (SQLite's 0009 also
-- rebuilds the table to put `doc` last again; PostgreSQL keeps a large document out of line, so
-- reading the other columns never touches it.)
CREATE INDEX permits_overlap_idx ON permits (state, window_to)
  INCLUDE (window_from, id, number, type_code, area_id, guardian_id, conditions);
DROP INDEX permits_state_idx;

-- A permit no longer carries its own copy of its work type's rules (~8 KB of its document,
-- parsed and rewritten with every action): the rules of each (code, rules_version) are kept once
-- in work_type_versions, which saving a work type fills, and a permit's row names its version
-- (type_code, rules_version). Existing copies move there, then out of the documents.
CREATE TABLE work_type_versions (
  code TEXT NOT NULL,
  rules_version BIGINT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (code, rules_version)
);
-- A document that is not JSON (the app never writes one) is left as it is rather than failing
-- the migration: doc::jsonb would raise, so it is parsed through a helper that answers NULL.
CREATE FUNCTION pg_temp.anguan_0009_jsonb(t TEXT) RETURNS JSONB LANGUAGE plpgsql AS $$
BEGIN
  RETURN t::jsonb;
EXCEPTION WHEN others THEN
  RETURN NULL;
END
$$;
INSERT INTO work_type_versions (code, rules_version, doc)
  SELECT DISTINCT ON (type_code, rules_version) type_code, rules_version,
         (pg_temp.anguan_0009_jsonb(doc) -> 'work_type')::text
  FROM permits WHERE jsonb_typeof(pg_temp.anguan_0009_jsonb(doc) -> 'work_type') = 'object'
  ORDER BY type_code, rules_version, id
  ON CONFLICT DO NOTHING;
INSERT INTO work_type_versions (code, rules_version, doc)
  SELECT code, rules_version, doc FROM work_types
  ON CONFLICT DO NOTHING;
UPDATE permits SET doc = (pg_temp.anguan_0009_jsonb(doc) - 'work_type')::text
  WHERE pg_temp.anguan_0009_jsonb(doc) ? 'work_type';
DROP FUNCTION pg_temp.anguan_0009_jsonb(TEXT);
