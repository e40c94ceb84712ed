// Field-by-field comparison of an audit entry's before/after objects.
function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function diffRows(before, after) {
  const b = before && typeof before === 'object' ? before : {};
  const a = after && typeof after === 'object' ? after : {};
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys.map((key) => ({
    key,
    before: key in b ? b[key] : undefined,
    after: key in a ? a[key] : undefined,
    changed: !same(b[key], a[key]),
  }));
}

export function showJson(v) {
  if (v === undefined) return '';
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}
