// Permit API (docs/permits-api.md) on top of the shared client.
import { api } from '../../api/index.js';
import { findingsFromError } from './plan.js';

export const permitsApi = {
  workTypes: () => api.get('/work-types'),
  workType: (code) => api.get(`/work-types/${encodeURIComponent(code)}`),
  saveWorkType: (code, body) => api.put(`/work-types/${encodeURIComponent(code)}`, body),
  preview: (body, opts) => api.post('/permits/preview', body, opts),
  create: (body) => api.post('/permits', body),
  update: (id, body) => api.put(`/permits/${id}`, body),
  submit: (id, overrides) => api.post(`/permits/${id}/submit`, { overrides: overrides || {} }),
  cancel: (id, reason) => api.post(`/permits/${id}/cancel`, { reason }),
  list: (query) => api.get('/permits', query),
  get: (id) => api.get(`/permits/${id}`),
  queue: () => api.get('/approvals/queue'),
  decide: (id, action, body) => api.post(`/permits/${id}/${action}`, body),
  gasTest: (id, body) => api.post(`/permits/${id}/gas-tests`, body),
  measures: (id, items) => api.post(`/permits/${id}/measures`, { items }),
  briefing: (id, body) => api.post(`/permits/${id}/briefing`, body),
  shiftCheck: (id) => api.post(`/permits/${id}/shift-check`, {}),
  start: (id) => api.post(`/permits/${id}/start`, {}),
  suspend: (id, reason) => api.post(`/permits/${id}/suspend`, { reason }),
  guardianPresence: (id, present) => api.post(`/permits/${id}/guardian-presence`, { present }),
  resume: (id) => api.post(`/permits/${id}/resume`, {}),
  progress: (id, body) => api.post(`/permits/${id}/progress`, body),
  complete: (id) => api.post(`/permits/${id}/complete`, {}),
  acceptance: (id, body) => api.post(`/permits/${id}/acceptance`, body),
  review: (id, lessons) => api.post(`/permits/${id}/review`, { lessons }),
  close: (id) => api.post(`/permits/${id}/close`, {}),
  report: (id) => api.get(`/permits/${id}/report`),
  board: (date) => api.get('/board', { date }),
  publicStatus: (token) => api.get(`/public/permits/${encodeURIComponent(token)}`, undefined, { noAuthRedirect: true }),
  pdf: (id) => api.download(`/permits/${id}/pdf`),
  qrSvg: (id) => api.download(`/permits/${id}/qr.svg`),
  // Attachments: the raw bytes with ?name=; read back with the auth header as a Blob.
  uploadFile: (id, blob, name) => api.upload(`/permits/${id}/files`, blob, { name }, blob.type || 'application/octet-stream'),
  fileBlob: (fileId) => api.download(`/permit-files/${encodeURIComponent(fileId)}`),
};

// Base-data lookups for the plan form's pickers: entity name → [{value, label, hint, raw}].
const PATHS = { people: 'people', areas: 'areas', equipment: 'equipment', org_units: 'org-units' };

export async function lookup(meta, entity, q, extra = {}) {
  const schema = meta && meta.byName ? meta.byName(entity) : null;
  const path = schema ? schema.path : PATHS[entity] || entity;
  const res = await api.get(`/${path}`, { q: q || undefined, page: 1, page_size: 30, ...extra });
  return (res.items || []).map((r) => ({
    value: r.id,
    label: r.name || r.title || r.code || `#${r.id}`,
    hint: r.code || r.employee_no || '',
    raw: r,
  }));
}

// Errors with details.findings / details.reasons → list of texts for display.
export function errorTexts(e) {
  if (!e) return [];
  const d = e.details || {};
  const out = [];
  const list = (v) => (Array.isArray(v) ? v : typeof v === 'string' && v ? v.split(/[；;]\s*/).filter(Boolean) : []);
  for (const r of list(d.reasons)) out.push(typeof r === 'string' ? r : r.text || r.message || JSON.stringify(r));
  for (const f of list(d.findings)) out.push(typeof f === 'string' ? f : f.text || f.code);
  for (const f of findingsFromError(e)) out.push(f.text || f.code);
  return out;
}
