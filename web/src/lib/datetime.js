// Date/time helpers. The API speaks RFC 3339 with an offset (2026-11-28T22:30:00+08:00) and
// plain YYYY-MM-DD dates; pickers work with local Date objects.

const pad = (n, w = 2) => String(Math.abs(Math.trunc(n))).padStart(w, '0');

export function formatOffset(minutesEast) {
  const sign = minutesEast >= 0 ? '+' : '-';
  const m = Math.abs(minutesEast);
  return `${sign}${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
}

// Date → "YYYY-MM-DDTHH:mm:ss+hh:mm" in the browser's zone (or a fixed offset in minutes east).
export function toRfc3339(date, offsetMinutes) {
  if (date === null || date === undefined || date === '') return null;
  const d = date instanceof Date ? date : new Date(date);
  if (Number.isNaN(d.getTime())) return null;
  const off = offsetMinutes ?? -d.getTimezoneOffset();
  const shifted = new Date(d.getTime() + off * 60000);
  return (
    `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}` +
    `T${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}:${pad(shifted.getUTCSeconds())}` +
    formatOffset(off)
  );
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|z|[+-]\d{2}:?\d{2})$/;

// "…+08:00" → Date (the instant); null for empty or malformed input.
export function fromRfc3339(text) {
  if (!text || typeof text !== 'string') return null;
  const m = RFC3339.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '0', frac = '0', zone] = m;
  let offset = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const z = zone.replace(':', '');
    offset = (z[0] === '-' ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5)));
  }
  const ms = Number(`0.${frac}`) * 1000;
  const utc = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Math.round(ms)) - offset * 60000;
  return new Date(utc);
}

// Display an RFC 3339 instant as local "YYYY-MM-DD HH:mm[:ss]".
export function formatDateTime(text, withSeconds = false) {
  const d = text instanceof Date ? text : fromRfc3339(text);
  if (!d) return text || '';
  const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return withSeconds ? `${base}:${pad(d.getSeconds())}` : base;
}

// Date → YYYY-MM-DD (local calendar day).
export function toYmd(date) {
  if (!date) return null;
  const d = date instanceof Date ? date : new Date(date);
  if (Number.isNaN(d.getTime())) return null;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function isYmd(text) {
  return typeof text === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(text);
}
