// Permit attachments (docs/permits-api.md: POST /permits/{id}/files with the raw bytes and ?name=,
// GET /permit-files/{file}) and hazards raised from a permit's close-out findings.
// Framework-free so it can be unit-tested.
import { toRfc3339 } from '../datetime.js';

// The server's limits (PermitService::addFile): PNG, JPEG, WebP photos and PDF, at most 10 MiB.
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const FILE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'application/pdf'];
export const ACCEPT = FILE_TYPES.join(',');
const EXTENSIONS = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', pdf: 'application/pdf' };

// The content type of a File from its type, or from its name's extension when the browser gave none.
export function fileType(file) {
  if (!file) return '';
  const t = String(file.type || '').toLowerCase();
  if (t) return t === 'image/jpg' ? 'image/jpeg' : t;
  const m = /\.([a-z0-9]+)$/i.exec(String(file.name || ''));
  return m ? EXTENSIONS[m[1].toLowerCase()] || '' : '';
}

// null when the file may be uploaded, else the reason: 'empty' | 'type' | 'size'.
export function checkFile(file, max = MAX_FILE_BYTES) {
  if (!file || !(file.size > 0)) return 'empty';
  if (!FILE_TYPES.includes(fileType(file))) return 'type';
  if (file.size > max) return 'size';
  return null;
}

// i18n key under permit.files for a reason from checkFile or a server error code.
const REASON_KEYS = {
  empty: 'emptyFile',
  type: 'badType',
  size: 'tooLarge',
  'permit.file_type': 'badType',
  'permit.file_too_large': 'tooLarge',
  'http.413': 'tooLarge',
  'permit.not_editable': 'closed',
};
export function fileErrorKey(reasonOrError) {
  const code = reasonOrError && typeof reasonOrError === 'object' ? reasonOrError.code : reasonOrError;
  const k = REASON_KEYS[code];
  return k ? `permit.files.${k}` : null;
}

// Text for a failed upload: the translated reason when known, the server's message otherwise.
export function fileErrorText(reasonOrError, t) {
  const key = fileErrorKey(reasonOrError);
  if (key) return t(key, { mb: MAX_FILE_BYTES / 1024 / 1024 });
  if (reasonOrError && typeof reasonOrError === 'object') return reasonOrError.message || String(reasonOrError.code || '');
  return String(reasonOrError || '');
}

export const isImage = (contentType) => /^image\//.test(String(contentType || ''));
export const isPdf = (contentType) => String(contentType || '') === 'application/pdf';

// Name sent with ?name=: the file's base name without path separators or control characters.
export function uploadName(file, fallback = 'attachment') {
  const raw = String((file && file.name) || '').replace(/^.*[\\/]/, '');
  // eslint-disable-next-line no-control-regex
  const clean = raw.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 120).trim();
  return clean || fallback;
}

// A compressed camera photo keeps the original base name with a .jpg extension.
export function jpegName(file) {
  const base = uploadName(file, 'photo').replace(/\.[a-z0-9]+$/i, '');
  return `${base}.jpg`;
}

export function formatSize(bytes) {
  const n = Number(bytes) || 0;
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

// ---------------------------------------------------------------- hazards from a permit

// The hazard source for a permit close-out finding (hazard::parseSource in src/domain/hazard).
export const PERMIT_SOURCE = 'permit';
export const RAISE_HAZARD_STATES = ['active', 'suspended', 'completed', 'closed'];

export function canRaiseHazard(permit) {
  return !!permit && RAISE_HAZARD_STATES.includes(permit.state);
}

// The hazard report form's pre-fill for a permit.
export function hazardPrefill(permit) {
  return { area_id: permit.area_id, source: PERMIT_SOURCE, source_ref: permit.id };
}

// Pre-fill from a route query (?area_id=&source=&source_ref=) — only well-formed values.
export function prefillFromQuery(query = {}) {
  const out = {};
  const num = (v) => (/^\d+$/.test(String(v ?? '')) && Number(v) > 0 ? Number(v) : null);
  const area = num(query.area_id);
  if (area) out.area_id = area;
  const ref = num(query.source_ref);
  if (query.source === PERMIT_SOURCE && ref) {
    out.source = PERMIT_SOURCE;
    out.source_ref = ref;
  }
  return out;
}

// The hazard ledger has no source filter, so the hazards raised from a permit are found in its
// area's ledger, reported since the permit was created, and picked out by source/source_ref.
export function permitHazardQuery(permit, page = 1, pageSize = 500) {
  const events = (permit && permit.events) || [];
  const first = events.map((e) => e.at).filter(Boolean).sort()[0];
  const q = { area_id: permit.area_id, sort: '-reported_at', page, page_size: pageSize };
  if (first && !Number.isNaN(Date.parse(first))) q.from = toRfc3339(new Date(Date.parse(first) - 60000), 0);
  return q;
}

export function hazardsOfPermit(items, permitId) {
  return (items || []).filter((h) => h && h.source === PERMIT_SOURCE && String(h.source_ref) === String(permitId));
}

// Walks the ledger pages (at most maxPages) and returns the permit's hazards, newest first.
export async function loadPermitHazards(list, permit, { pageSize = 500, maxPages = 10 } = {}) {
  const out = [];
  for (let page = 1; page <= maxPages; page++) {
    const res = await list(permitHazardQuery(permit, page, pageSize));
    const items = (res && res.items) || [];
    out.push(...hazardsOfPermit(items, permit.id));
    const total = res && typeof res.total === 'number' ? res.total : items.length;
    if (items.length < pageSize || page * pageSize >= total) break;
  }
  return out;
}

// Where a hazard came from, as a route to the permit when it was raised from one.
export function permitLinkOf(hazard, mobile = false) {
  if (!hazard || hazard.source !== PERMIT_SOURCE || !(Number(hazard.source_ref) > 0)) return null;
  return `${mobile ? '/m' : ''}/permits/${hazard.source_ref}`;
}

// Attachments can be added until the permit is closed, rejected, cancelled or expired
// (permit::isTerminal); the server also checks the caller's role.
export const TERMINAL_STATES = ['closed', 'rejected', 'cancelled', 'expired'];
export function canAttach(permit) {
  return !!permit && !!permit.state && !TERMINAL_STATES.includes(permit.state);
}

// Drawn signatures (approval steps, acceptance) are stored as permit files too; the attachment
// list leaves out every file the permit names as a signature_file.
export function signatureFileIds(permit) {
  const ids = new Set();
  const walk = (v, depth) => {
    if (!v || typeof v !== 'object' || depth > 6) return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1);
      return;
    }
    for (const [k, x] of Object.entries(v)) {
      if (k === 'files') continue;
      if (k === 'signature_file' && typeof x === 'string' && x) ids.add(x);
      else walk(x, depth + 1);
    }
  };
  walk(permit, 0);
  return ids;
}

export function attachmentsOf(permit) {
  const files = (permit && permit.files) || [];
  const sigs = signatureFileIds(permit);
  return files.filter((f) => f && !sigs.has(f.id));
}
