import { describe, it, expect } from 'vitest';
import { toRfc3339, fromRfc3339, formatOffset, toYmd, formatDateTime } from '../../src/lib/datetime.js';

describe('RFC 3339 conversion', () => {
  it('formats offsets', () => {
    expect(formatOffset(480)).toBe('+08:00');
    expect(formatOffset(-330)).toBe('-05:30');
    expect(formatOffset(0)).toBe('+00:00');
  });

  it('writes an instant with a fixed offset', () => {
    const d = new Date(Date.UTC(2026, 10, 28, 14, 30, 0));
    expect(toRfc3339(d, 480)).toBe('2026-11-28T22:30:00+08:00');
    expect(toRfc3339(d, 0)).toBe('2026-11-28T14:30:00+00:00');
    expect(toRfc3339(d, -300)).toBe('2026-11-28T09:30:00-05:00');
  });

  it('crosses the day boundary correctly', () => {
    const d = new Date(Date.UTC(2026, 11, 31, 20, 0, 0));
    expect(toRfc3339(d, 480)).toBe('2027-01-01T04:00:00+08:00');
  });

  it('uses the browser offset by default and round-trips', () => {
    const d = new Date(2026, 4, 1, 8, 15, 30);
    const s = toRfc3339(d);
    expect(s).toMatch(/^2026-05-01T08:15:30[+-]\d{2}:\d{2}$/);
    expect(fromRfc3339(s).getTime()).toBe(d.getTime());
  });

  it('parses offsets, Z and fractions', () => {
    expect(fromRfc3339('2026-11-28T22:30:00+08:00').toISOString()).toBe('2026-11-28T14:30:00.000Z');
    expect(fromRfc3339('2026-11-28T14:30:00Z').toISOString()).toBe('2026-11-28T14:30:00.000Z');
    expect(fromRfc3339('2026-11-28T14:30:00.250-01:00').toISOString()).toBe('2026-11-28T15:30:00.250Z');
  });

  it('rejects malformed input', () => {
    expect(fromRfc3339('')).toBeNull();
    expect(fromRfc3339(null)).toBeNull();
    expect(fromRfc3339('2026-11-28')).toBeNull();
    expect(fromRfc3339('2026-11-28T22:30:00')).toBeNull();
    expect(toRfc3339(null)).toBeNull();
    expect(toRfc3339('nonsense')).toBeNull();
  });

  it('formats dates and local display', () => {
    expect(toYmd(new Date(2026, 0, 5))).toBe('2026-01-05');
    const s = toRfc3339(new Date(2026, 2, 3, 4, 5, 6));
    expect(formatDateTime(s)).toBe('2026-03-03 04:05');
    expect(formatDateTime(s, true)).toBe('2026-03-03 04:05:06');
  });
});
