// Permit plan form ↔ API request (docs/permits-api.md "Plan body"), and the submit rules the
// screens apply to a preview: blocks disable submit, every warn needs a written reason.
import { toRfc3339, fromRfc3339 } from '../datetime.js';

// Objective hazards of GB 30871 8.1.2 a)–i) (src/domain/permit/grading.hpp).
export const OBJECTIVE_HAZARDS = [
  'a_wind',
  'b_low_temperature',
  'c_cold_water',
  'd_slippery',
  'e_poor_light',
  'f_live_conductor',
  'g_unstable_footing',
  'h_toxic_or_low_o2',
  'i_disaster_or_rescue',
];

// Minimum length of an override reason (domain: ≥ 5 characters after trimming, code points).
export const MIN_OVERRIDE_REASON = 5;

export function emptyJhaStep() {
  return { step: '', hazards: [{ hazard: '', controls: [''] }] };
}

export function emptyPlan(type = 'hot_work') {
  return {
    type,
    title: '',
    area_id: null,
    from: null, // Date
    to: null, // Date
    leader_id: null,
    guardian_id: null,
    worker_ids: [],
    contractor_id: null,
    equipment_ids: [],
    linked_permit_ids: [],
    conditions: {
      unit_in_operation: false,
      hot_tapping: false,
      unit_shutdown_cleaned: false,
      continuous_monitor: false,
      oxygen_equipment: false,
      wind_level: 0,
      height_m: null,
      objective_hazards: [],
      load_t: null,
      line_tag: '',
      painting: false,
      cross_work: false,
    },
    fields: {},
    jha: [],
  };
}

const isBlank = (v) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

function num(v) {
  if (isBlank(v)) return undefined;
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  return Number.isFinite(n) ? n : undefined;
}

function ids(list) {
  return (Array.isArray(list) ? list : []).filter((x) => !isBlank(x)).map((x) => (typeof x === 'string' && /^\d+$/.test(x) ? Number(x) : x));
}

function idOrNull(v) {
  if (isBlank(v)) return null;
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
}

// A Date, a datetime-local string ("2026-11-28T22:30") or an RFC 3339 text → RFC 3339 at minute
// precision (seconds dropped), or null.
export function minuteRfc3339(value, offsetMinutes) {
  if (isBlank(value)) return null;
  let d;
  if (value instanceof Date) d = value;
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) d = new Date(`${value}:00`);
  else d = fromRfc3339(value) || new Date(value);
  if (!d || Number.isNaN(d.getTime())) return null;
  const m = new Date(Math.floor(d.getTime() / 60000) * 60000);
  return toRfc3339(m, offsetMinutes);
}

// JHA rows with empty texts dropped; a step without text is dropped with its hazards.
export function cleanJha(jha) {
  const out = [];
  for (const s of Array.isArray(jha) ? jha : []) {
    if (!s || isBlank(s.step)) continue;
    const hazards = [];
    for (const h of Array.isArray(s.hazards) ? s.hazards : []) {
      if (!h || isBlank(h.hazard)) continue;
      hazards.push({ hazard: h.hazard.trim(), controls: (h.controls || []).filter((c) => !isBlank(c)).map((c) => c.trim()) });
    }
    out.push({ step: s.step.trim(), hazards });
  }
  return out;
}

// Only the conditions that matter for the type are sent (others would be ignored or, for
// height/load, rejected as invalid when 0).
export function conditionsFor(type, c = {}) {
  const out = {};
  if (type === 'hot_work') {
    out.unit_in_operation = !!c.unit_in_operation;
    out.hot_tapping = !!c.hot_tapping;
    out.unit_shutdown_cleaned = !!c.unit_shutdown_cleaned;
    // 特级 hot work needs continuous gas monitoring in place before start (GB 30871 5.3).
    out.continuous_monitor = !!c.continuous_monitor;
  }
  if (type === 'confined_space') out.oxygen_equipment = !!c.oxygen_equipment;
  const wind = num(c.wind_level);
  if (wind !== undefined) out.wind_level = wind;
  if (type === 'height') {
    const h = num(c.height_m);
    if (h !== undefined) out.height_m = h;
  }
  if (type === 'height' || (Array.isArray(c.objective_hazards) && c.objective_hazards.length)) {
    out.objective_hazards = [...(c.objective_hazards || [])];
  }
  if (type === 'lifting') {
    const l = num(c.load_t);
    if (l !== undefined) out.load_t = l;
  }
  if (!isBlank(c.line_tag)) out.line_tag = String(c.line_tag).trim();
  out.painting = !!c.painting;
  out.cross_work = !!c.cross_work;
  return out;
}

// Type field values: numbers for kind "number", booleans for "bool", empty values dropped.
export function fieldsFor(typeFields, values = {}) {
  const out = {};
  const kinds = new Map((typeFields || []).map((f) => [f.name, f.kind]));
  for (const [k, v] of Object.entries(values || {})) {
    const kind = kinds.get(k);
    if (kind === 'bool') {
      out[k] = !!v;
      continue;
    }
    if (isBlank(v) || (Array.isArray(v) && v.length === 0)) continue;
    if (kind === 'number') {
      const n = num(v);
      if (n !== undefined) out[k] = n;
      continue;
    }
    out[k] = typeof v === 'string' ? v.trim() : v;
  }
  return out;
}

// Form model → request body for POST /permits, PUT /permits/{id} and POST /permits/preview.
export function planToRequest(form, workType, offsetMinutes) {
  const body = {
    type: form.type,
    title: (form.title || '').trim(),
    area_id: idOrNull(form.area_id),
    from: minuteRfc3339(form.from, offsetMinutes),
    to: minuteRfc3339(form.to, offsetMinutes),
    leader_id: idOrNull(form.leader_id),
    guardian_id: idOrNull(form.guardian_id),
    worker_ids: ids(form.worker_ids),
    equipment_ids: ids(form.equipment_ids),
    linked_permit_ids: ids(form.linked_permit_ids),
    conditions: conditionsFor(form.type, form.conditions),
    fields: fieldsFor(workType ? workType.fields : [], form.fields),
    jha: cleanJha(form.jha),
  };
  const contractor = idOrNull(form.contractor_id);
  if (contractor !== null) body.contractor_id = contractor;
  return body;
}

// Permit.plan (as stored) → form model, for editing a draft or a returned permit.
export function requestToForm(plan) {
  const f = emptyPlan(plan && plan.type);
  if (!plan) return f;
  Object.assign(f, {
    title: plan.title || '',
    area_id: plan.area_id ?? null,
    from: plan.from ? fromRfc3339(plan.from) : null,
    to: plan.to ? fromRfc3339(plan.to) : null,
    leader_id: plan.leader_id ?? null,
    guardian_id: plan.guardian_id ?? null,
    worker_ids: [...(plan.worker_ids || [])],
    contractor_id: plan.contractor_id ?? null,
    equipment_ids: [...(plan.equipment_ids || [])],
    linked_permit_ids: [...(plan.linked_permit_ids || [])],
    fields: { ...(plan.fields || {}) },
    jha: (plan.jha || []).map((s) => ({
      step: s.step || '',
      hazards: (s.hazards || []).map((h) => ({ hazard: h.hazard || '', controls: (h.controls || []).length ? [...h.controls] : [''] })),
    })),
  });
  Object.assign(f.conditions, plan.conditions || {});
  if (!Array.isArray(f.conditions.objective_hazards)) f.conditions.objective_hazards = [];
  return f;
}

// Enough filled in to ask the server for a preview (grading needs type, area and window).
export function previewable(body) {
  return !!(body && body.type && body.area_id !== null && body.area_id !== undefined && body.from && body.to);
}

const codePoints = (s) => [...String(s || '').trim()].length;

// Submit state of a preview: {blocked, blocks, warns, missing:[codes of warns without a
// valid reason], ok}. `reasons` = {finding_code: text}.
export function submitState(preview, reasons = {}) {
  const findings = (preview && preview.findings) || [];
  const blocks = findings.filter((f) => f.severity === 'block');
  const warns = findings.filter((f) => f.severity === 'warn');
  const missing = warns.filter((f) => codePoints(reasons[f.code]) < MIN_OVERRIDE_REASON).map((f) => f.code);
  const forbidden = !!(preview && preview.grade && preview.grade.forbidden);
  const blocked = blocks.length > 0 || forbidden;
  return { blocked, forbidden, blocks, warns, missing, ok: !!preview && !blocked && missing.length === 0 };
}

// Override map for POST /permits/{id}/submit: only current warns, trimmed.
export function overridesFor(findings, reasons = {}) {
  const out = {};
  for (const f of findings || []) {
    if (f.severity === 'warn' && codePoints(reasons[f.code]) >= MIN_OVERRIDE_REASON) out[f.code] = String(reasons[f.code]).trim();
  }
  return out;
}

// The findings a refused submit or last approval lists in its error details
// ({"finding.1": "<code> [warn|block] <text>", …}), in their order: [{code, severity, text}].
export function findingsFromError(e) {
  const d = (e && e.details) || {};
  const out = [];
  for (const [key, value] of Object.entries(d)) {
    const n = /^finding\.(\d+)$/.exec(key);
    const m = typeof value === 'string' ? /^(\S+) \[(warn|block)\] ?(.*)$/s.exec(value) : null;
    if (n && m) out.push({ n: Number(n[1]), code: m[1], severity: m[2], text: m[3] });
  }
  out.sort((a, b) => a.n - b.n);
  return out.map(({ code, severity, text }) => ({ code, severity, text }));
}

// Debounce for the live preview; returns a function with .cancel().
export function debounce(fn, ms) {
  let timer = null;
  const d = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      fn(...args);
    }, ms);
  };
  d.cancel = () => {
    clearTimeout(timer);
    timer = null;
  };
  return d;
}

// Stable key of a request body, so unchanged forms don't trigger another preview.
export function bodyKey(body) {
  return JSON.stringify(body, Object.keys(flattenKeys(body)).sort());
}

function flattenKeys(obj, acc = {}) {
  if (obj && typeof obj === 'object') {
    for (const [k, v] of Object.entries(obj)) {
      acc[k] = true;
      flattenKeys(v, acc);
    }
  }
  return acc;
}
