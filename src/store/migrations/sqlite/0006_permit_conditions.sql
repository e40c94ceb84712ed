-- 0006: the plan's conditions (line tag, painting, height, ...) as a small column, so the
-- feasibility check lists overlapping work without reading every permit's document.
ALTER TABLE permits ADD COLUMN conditions TEXT NOT NULL DEFAULT '{}';
UPDATE permits SET conditions = COALESCE(json_extract(doc, '$.plan.conditions'), '{}')
  WHERE json_valid(doc) AND json_type(doc, '$.plan.conditions') = 'object';
