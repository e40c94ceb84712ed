-- 0008: an index for the hazard ledger's text search (issue 4; docs/performance.md "Hazard
-- ledger"). Chinese search terms are often two characters, which neither FTS5's trigram
-- tokenizer nor pg_trgm can serve (and pg_bigm is not packaged in Debian). hazard_grams holds,
-- per hazard, every distinct pair of adjacent characters of its description that are both
-- non-ASCII (CJK and other scripts); the repository keeps it (insertHazard, updateHazard) and a
-- search narrows the hazards to those holding every such pair of the term before testing the
-- substring itself. Terms without such a pair (ASCII, one character) are matched by reading
-- every hazard in scope, as before.
CREATE TABLE hazard_grams (
  gram TEXT COLLATE "C" NOT NULL,
  hazard_id BIGINT NOT NULL,
  PRIMARY KEY (gram, hazard_id)
);
-- No index on hazard_id (nor a foreign key, which would want one): hazards are never deleted,
-- and the repository deletes a changed description's pairs by key.

INSERT INTO hazard_grams (gram, hazard_id)
  SELECT DISTINCT substr(h.description, i, 2), h.id
  FROM hazards AS h, generate_series(1, length(h.description) - 1) AS i
  WHERE ascii(substr(h.description, i, 1)) > 127 AND ascii(substr(h.description, i + 1, 1)) > 127
ON CONFLICT DO NOTHING;
