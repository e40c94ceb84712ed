import { describe, it, expect } from 'vitest';
import { toCanvasPoint, hasInk, pngBase64, signatureBody, drawStrokes, locate } from '../../src/lib/permits/signature.js';
import { assignLanes, boardBars, dayRange, laneBox } from '../../src/lib/permits/board.js';
import { orderedActions, stateTag, severityTag } from '../../src/lib/permits/status.js';

describe('signature pad', () => {
  it('scales pointer positions to canvas pixels', () => {
    const rect = { left: 10, top: 20, width: 300, height: 150 };
    expect(toCanvasPoint(10, 20, rect, 600, 300)).toEqual({ x: 0, y: 0 });
    expect(toCanvasPoint(160, 95, rect, 600, 300)).toEqual({ x: 300, y: 150 });
    expect(toCanvasPoint(5, 5, { left: 0, top: 0, width: 0, height: 0 }, 100, 100)).toEqual({ x: 5, y: 5 });
  });

  it('a tap is not a signature, a stroke is', () => {
    expect(hasInk([])).toBe(false);
    expect(hasInk([[{ x: 1, y: 1 }]])).toBe(false);
    const dots = [[0, 1, 2, 3, 4].map((i) => ({ x: 10 + i, y: 10 }))];
    expect(hasInk(dots)).toBe(false); // 5 points but 4 px wide
    const line = [[0, 1, 2, 3, 4].map((i) => ({ x: 10 + i * 3, y: 10 }))];
    expect(hasInk(line)).toBe(true); // 12 px
  });

  it('extracts base64 from PNG data URLs only', () => {
    expect(pngBase64('data:image/png;base64,iVBORw0KGgo=')).toBe('iVBORw0KGgo=');
    expect(pngBase64('data:image/jpeg;base64,AAAA')).toBeNull();
    expect(pngBase64('data:image/png;base64,')).toBeNull();
    expect(pngBase64(null)).toBeNull();
  });

  it('builds the signature body for both kinds', () => {
    expect(signatureBody('password', { password: 'pw' })).toEqual({ kind: 'password', password: 'pw' });
    expect(signatureBody('password', { password: '' })).toBeNull();
    expect(signatureBody('image', { imageDataUrl: 'data:image/png;base64,QUJD' })).toEqual({ kind: 'image', image_png_base64: 'QUJD' });
    expect(signatureBody('image', {})).toBeNull();
  });

  it('draws each stroke as one path', () => {
    const calls = [];
    const ctx = new Proxy({}, { get: (_, k) => (typeof k === 'string' && ['beginPath', 'moveTo', 'lineTo', 'stroke'].includes(k) ? (...a) => calls.push([k, ...a]) : undefined), set: () => true });
    drawStrokes(ctx, [[{ x: 0, y: 0 }, { x: 5, y: 5 }], [{ x: 1, y: 1 }]]);
    expect(calls.filter((c) => c[0] === 'stroke')).toHaveLength(2);
    expect(calls[1]).toEqual(['moveTo', 0, 0]);
  });

  it('geolocation: null without the API or on error', async () => {
    expect(await locate(null)).toBeNull();
    expect(await locate({ getCurrentPosition: (ok, err) => err(new Error('denied')) })).toBeNull();
    expect(await locate({ getCurrentPosition: (ok) => ok({ coords: { latitude: 29.9, longitude: 121.8 } }) })).toEqual({ lat: 29.9, lng: 121.8 });
  });
});

describe('daily board layout', () => {
  it('puts overlapping bars in separate lanes and reuses free lanes', () => {
    const { items, lanes } = assignLanes([
      { start: 0, end: 10, id: 'a' },
      { start: 5, end: 15, id: 'b' },
      { start: 10, end: 20, id: 'c' }, // touches a's end: a's lane is free again
    ]);
    expect(lanes).toBe(2);
    expect(items.map((i) => [i.id, i.lane])).toEqual([['a', 0], ['b', 1], ['c', 0]]);
    expect(assignLanes([]).lanes).toBe(1);
  });

  it('clips to the day and drops permits outside it', () => {
    const ymd = '2026-11-28';
    const [s, e] = dayRange(ymd);
    expect(e - s).toBe(24 * 3600 * 1000);
    const iso = (ms) => new Date(ms).toISOString();
    const board = {
      areas: [
        {
          area_id: 1,
          area_name: '常减压装置',
          permits: [
            { id: 1, number: 'DH-1', from: iso(s - 3600e3), to: iso(s + 2 * 3600e3), state: 'active', state_label: '作业中' },
            { id: 2, number: 'DH-2', from: iso(s + 3600e3), to: iso(s + 5 * 3600e3), state: 'issued' },
            { id: 3, number: 'DH-3', from: iso(e), to: iso(e + 3600e3), state: 'issued' },
          ],
        },
        { area_id: 2, area_name: '罐区', permits: [] },
      ],
    };
    const out = boardBars(board, ymd);
    expect(out.categories).toEqual(['常减压装置', '罐区']);
    expect(out.count).toBe(2);
    const [b1, b2] = out.bars;
    expect(b1).toMatchObject({ id: 1, row: 0, lane: 0, lanes: 2, clippedStart: s, clippedEnd: s + 2 * 3600e3, state_label: '作业中' });
    expect(b2).toMatchObject({ id: 2, lane: 1, state_label: 'issued' });
    expect(boardBars({}, ymd).count).toBe(0);
  });

  it('lane boxes share the band', () => {
    const [y0, h0] = laneBox(0, 1);
    expect(y0).toBeCloseTo(0.1);
    expect(h0).toBeCloseTo(0.8);
    const [y1, h1] = laneBox(1, 2);
    expect(h1).toBeCloseTo(0.4);
    expect(y1).toBeCloseTo(0.5);
  });
});

describe('status helpers', () => {
  it('orders actions and keeps unknown ones at the end', () => {
    expect(orderedActions(['close', 'start', 'x', 'gas_test'])).toEqual(['gas_test', 'start', 'close', 'x']);
    expect(orderedActions(undefined)).toEqual([]);
    expect(orderedActions(['edit', 'submit'])).toEqual(['submit']);
  });
  it('maps states and severities to tag types', () => {
    expect(stateTag('active')).toBe('success');
    expect(stateTag('rejected')).toBe('danger');
    expect(severityTag('block')).toBe('danger');
    expect(severityTag('warn')).toBe('warning');
    expect(severityTag('pass')).toBe('success');
  });
});
