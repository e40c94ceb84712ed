-- 0008: an index for the hazard ledger's text search (issue 4; docs/performance.md "Hazard
-- ledger"). Chinese search terms are often two characters, which neither FTS5's trigram
-- tokenizer nor pg_trgm can serve. hazard_grams holds, per hazard, every distinct pair of
-- adjacent characters of its description that are both non-ASCII (CJK and other scripts); the
-- repository keeps it (insertHazard, updateHazard) and a search narrows the hazards to those
-- holding every such pair of the term before testing the substring itself. Terms without such a
-- pair (ASCII, one character) are matched by reading every hazard in scope, as before.
CREATE TABLE hazard_grams (
  gram TEXT NOT NULL,
  hazard_id INTEGER NOT NULL,
  PRIMARY KEY (gram, hazard_id)
) WITHOUT ROWID;
-- No index on hazard_id (nor a foreign key, which would want one): hazards are never deleted,
-- and the repository deletes a changed description's pairs by key.

WITH RECURSIVE pos (i) AS (
  SELECT 1
  UNION ALL
  SELECT i + 1 FROM pos WHERE i < (SELECT COALESCE(MAX(length(description)), 0) FROM hazards)
)
INSERT OR IGNORE INTO hazard_grams (gram, hazard_id)
  SELECT substr(h.description, pos.i, 2), h.id
  FROM hazards AS h JOIN pos ON pos.i < length(h.description)
  WHERE unicode(substr(h.description, pos.i, 1)) > 127
    AND unicode(substr(h.description, pos.i + 1, 1)) > 127;
