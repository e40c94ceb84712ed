-- 0005: hazard ledger performance (issue 4; docs/performance.md "Hazard ledger").
-- The repository tests org_path and type_code prefixes as COLLATE "C" ranges (bytewise whatever
-- the database collation). Sort indexes end in id (the ledger's tie-break). Per (org_path, state)
-- counts kept by a trigger make the ledger's total for "scope [+ states]" a sum over a few rows.
-- The ledger's sort orders; the date-ordered one also covers a date window with the type, scope
-- and state tests and the other sort keys (index-only once vacuumed).
CREATE INDEX hazards_sort_reported_idx ON hazards (reported_at, id)
  INCLUDE (type_code, org_path, state, deadline, level);
CREATE INDEX hazards_sort_deadline_idx ON hazards (deadline, id);
CREATE INDEX hazards_sort_level_idx ON hazards (level, id);
-- Covering for the selective filters, their counts and the page's ids in any sort order: one
-- area [+ state]; a level [+ state]. No index leads with org_path: a scope is most of the table,
-- and PostgreSQL's generic plans (prepared statements) would AND its bitmap in (30 ms).
CREATE INDEX hazards_area_ledger_idx ON hazards (area_id, state)
  INCLUDE (org_path, reported_at, deadline, level, id);
CREATE INDEX hazards_level_ledger_idx ON hazards (level, state)
  INCLUDE (org_path, reported_at, deadline, id);
-- Open hazards owing a rectification by deadline: the chase scan (ORDER BY deadline, id) and the
-- ledger's "overdue" filter with its count. Replaces hazards_chase_idx (deadline only).
CREATE INDEX hazards_overdue_idx ON hazards (deadline, id)
  INCLUDE (org_path, reported_at, level)
  WHERE state IN ('assigned', 'rectifying');
DROP INDEX hazards_chase_idx;

CREATE TABLE hazard_counts (
  org_path TEXT NOT NULL,
  state TEXT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (org_path, state)
);
CREATE INDEX hazard_counts_scope_idx ON hazard_counts ((org_path COLLATE "C"));
INSERT INTO hazard_counts (org_path, state, n)
  SELECT org_path, state, COUNT(*) FROM hazards GROUP BY org_path, state;

CREATE FUNCTION hazard_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE hazard_counts SET n = n - 1 WHERE org_path = OLD.org_path AND state = OLD.state;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO hazard_counts (org_path, state, n) VALUES (NEW.org_path, NEW.state, 1)
      ON CONFLICT (org_path, state) DO UPDATE SET n = hazard_counts.n + 1;
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER hazard_counts_insert_delete AFTER INSERT OR DELETE ON hazards
  FOR EACH ROW EXECUTE FUNCTION hazard_counts_track();
CREATE TRIGGER hazard_counts_update AFTER UPDATE OF org_path, state ON hazards
  FOR EACH ROW WHEN (OLD.org_path IS DISTINCT FROM NEW.org_path OR OLD.state IS DISTINCT FROM NEW.state)
  EXECUTE FUNCTION hazard_counts_track();

ANALYZE hazards;
ANALYZE hazard_counts;
