-- 0009: the feasibility check's "other open work overlapping the window" from one covering index
-- (issue 3; docs/performance.md "Permit lifecycles"). It replaces permits_state_idx, whose
-- columns it starts with. (SQLite's 0009 also rebuilds the table to put `doc` last again;
-- PostgreSQL keeps a large document out of line, so reading the other columns never touches it.)
CREATE INDEX permits_overlap_idx ON permits (state, window_to)
  INCLUDE (window_from, id, number, type_code, area_id, guardian_id, conditions);
DROP INDEX permits_state_idx;
