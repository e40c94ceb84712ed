-- 0005: hazard ledger performance (issue 4; docs/performance.md "Hazard ledger").
-- Indexes that let the ledger walk its sort order and test scope/state/level/type inside the
-- index, and per (org_path, state) counts kept by triggers so the ledger's total for
-- "scope [+ states]" is a sum over a few rows instead of a scan of every matching hazard.
-- Sort indexes: (sort key, id) first, so a walk yields rows in exactly the ledger's order
-- (ORDER BY key, id), then the columns the common filters test, so rows outside the scope or
-- state are skipped inside the index without reading the table.
CREATE INDEX hazards_sort_reported_idx
  ON hazards (reported_at, id, org_path, state, level, type_code, deadline);
CREATE INDEX hazards_sort_deadline_idx ON hazards (deadline, id, org_path, state, level);
CREATE INDEX hazards_sort_level_idx ON hazards (level, id, org_path, state);
-- Open hazards owing a rectification by deadline: the chase scan (hazards.deadlines, ORDER BY
-- deadline, id) and the ledger's "overdue" filter with its count, scope tested in the index.
-- Replaces hazards_chase_idx (deadline only), which made the count read every row.
CREATE INDEX hazards_overdue_idx ON hazards (deadline, id, org_path)
  WHERE state IN ('assigned', 'rectifying');
DROP INDEX hazards_chase_idx;

CREATE TABLE hazard_counts (
  org_path TEXT NOT NULL,
  state TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (org_path, state)
);
INSERT INTO hazard_counts (org_path, state, n)
  SELECT org_path, state, COUNT(*) FROM hazards GROUP BY org_path, state;

CREATE TRIGGER hazard_counts_insert AFTER INSERT ON hazards BEGIN
  INSERT INTO hazard_counts (org_path, state, n) VALUES (NEW.org_path, NEW.state, 1)
    ON CONFLICT (org_path, state) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER hazard_counts_delete AFTER DELETE ON hazards BEGIN
  UPDATE hazard_counts SET n = n - 1 WHERE org_path = OLD.org_path AND state = OLD.state;
END;
CREATE TRIGGER hazard_counts_update AFTER UPDATE OF org_path, state ON hazards
  WHEN OLD.org_path IS NOT NEW.org_path OR OLD.state IS NOT NEW.state BEGIN
  UPDATE hazard_counts SET n = n - 1 WHERE org_path = OLD.org_path AND state = OLD.state;
  INSERT INTO hazard_counts (org_path, state, n) VALUES (NEW.org_path, NEW.state, 1)
    ON CONFLICT (org_path, state) DO UPDATE SET n = n + 1;
END;
