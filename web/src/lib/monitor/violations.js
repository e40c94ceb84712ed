// Violations (camera and positioning events confirmed by the server): status tags, the handle
// request body, and the list filter. Framework-free so it can be unit-tested.

export const VIOLATION_STATUSES = ['open', 'handled', 'dismissed'];
export const VIOLATION_TYPES = [
  'no_helmet',
  'no_harness',
  'smoking',
  'intrusion',
  'fire_smoke',
  'guardian_absent',
  'unauthorised_entry',
  'overcrowding',
  'overtime',
];

export function statusTag(status) {
  return { open: 'danger', handled: 'success', dismissed: 'info' }[status] || 'info';
}

// POST /monitor/violations/{id}/handle body, or null when the form is incomplete.
export function handleBody(form) {
  if (!form || !['handled', 'dismissed'].includes(form.status)) return null;
  const note = String(form.note || '').trim();
  if (!note) return null;
  return { status: form.status, note, needs_training: form.status === 'handled' && !!form.needs_training };
}

export function violationQuery(f = {}, page = 1, pageSize = 20) {
  return {
    area_id: f.area_id || undefined,
    type: f.type || undefined,
    status: f.status || undefined,
    permit_id: f.permit_id || undefined,
    page,
    page_size: pageSize,
  };
}

// A live violation into the shown first page: replaced when known, added on top when it matches.
export function upsertViolation(list, v, f = {}) {
  const items = list || [];
  const matches = (!f.area_id || v.area_id === f.area_id) && (!f.type || v.type === f.type) && (!f.status || v.status === f.status) && (!f.permit_id || v.permit_id === f.permit_id);
  const i = items.findIndex((x) => x.id === v.id);
  if (i >= 0) {
    if (!matches) return items.filter((x) => x.id !== v.id);
    const out = [...items];
    out[i] = { ...items[i], ...v };
    return out;
  }
  return matches ? [v, ...items] : items;
}

// Confidence 0..1 as a percentage text.
export function confidenceText(c) {
  const n = Number(c);
  if (c === null || c === undefined || !Number.isFinite(n)) return '—';
  return `${Math.round((n <= 1 ? n * 100 : n) * 10) / 10}%`;
}
