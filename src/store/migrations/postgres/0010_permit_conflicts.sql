-- 0010: the feasibility check lists only the other work a rule can flag (issue 3;
-- docs/performance.md "Permit lifecycles", session 14): work with the job's guardian, of the
-- types a rule pairs with the job's, and work that paints. Each part has its own index, so the
-- list costs what it finds rather than a scan of every open permit of the window (the overlap
-- index). The painting index is partial: the query names the same `conditions LIKE` term.
CREATE INDEX permits_guardian_idx ON permits (guardian_id, window_to);
CREATE INDEX permits_type_state_idx ON permits (type_code, state, window_to)
  INCLUDE (window_from, id, number, area_id, guardian_id, conditions);
CREATE INDEX permits_painting_idx ON permits (state, window_to)
  INCLUDE (window_from, id, number, type_code, area_id, guardian_id, conditions)
  WHERE conditions LIKE '%painting%';
