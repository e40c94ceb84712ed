import { describe, it, expect } from 'vitest';
import { createBoardState, applyValue, applyAlarm, applyEvents, areaLevel, worstLevel, levelColor, levelTag, boardSummary, formatValue, LEVEL_COLORS } from '../../src/lib/monitor/board.js';
import { sortAlarms, compareNewest, upsertAlarm, alarmMatches, canAcknowledge, canClose, isOpen, isNewCritical, alarmReading } from '../../src/lib/monitor/alarms.js';
import { seriesOption, seriesPoints, thresholdList, yExtent, niceStep, rangeWindow, isEmptySeries } from '../../src/lib/monitor/series.js';
import { isMuted, setMuted, beep, createAlerter, MUTE_KEY } from '../../src/lib/monitor/sound.js';
import { handleBody, upsertViolation, confidenceText, statusTag, violationQuery } from '../../src/lib/monitor/violations.js';
import { alarmQuery } from '../../src/lib/monitor/api.js';

const sensor = (id, code, level = 'normal', extra = {}) => ({ id, code, name: code, unit: '%LEL', value: 1, ts: '2026-11-29T10:00:00+08:00', valid: true, online: level !== 'offline', level, ...extra });
const board = () => ({
  generated_at: '2026-11-29T10:00:00+08:00',
  areas: [
    { id: 1, code: 'A1', name: 'Tank farm', level: 'normal', open_alarms: 0, active_permits: [], sensors: [sensor(11, 'GAS-1'), sensor(12, 'O2-1')] },
    { id: 2, code: 'A2', name: 'Workshop', level: 'alarm', open_alarms: 1, active_permits: [], sensors: [sensor(21, 'GAS-2')] },
  ],
});
const alarm = (id, extra = {}) => ({ id, version: 1, area_id: 1, severity: 'critical', state: 'raised', raised_at: '2026-11-29T10:05:00+08:00', occurrences: 1, ...extra });

describe('monitor levels', () => {
  it('maps levels to colours and tags, unknown to grey', () => {
    expect(levelColor('alarm')).toBe(LEVEL_COLORS.alarm);
    expect(levelColor('bogus')).toBe(LEVEL_COLORS.offline);
    expect(['normal', 'warning', 'alarm', 'offline', 'invalid'].map(levelTag)).toEqual(['success', 'warning', 'danger', 'info', 'info']);
  });

  it.each([
    [[], 'normal'],
    [['normal', 'invalid'], 'normal'],
    [['normal', 'offline'], 'offline'],
    [['offline', 'warning'], 'warning'],
    [['warning', 'alarm', 'offline'], 'alarm'],
  ])('worst of %j is %s', (levels, want) => {
    expect(worstLevel(levels)).toBe(want);
  });

  it.each([
    ['all sensors normal', ['normal', 'normal'], [], 'normal'],
    ['one offline of two is not an offline area', ['normal', 'offline'], [], 'normal'],
    ['all offline', ['offline', 'offline'], [], 'offline'],
    ['sensor warning', ['warning', 'offline'], [], 'warning'],
    ['raised critical alarm', ['normal'], [alarm(1)], 'alarm'],
    ['acknowledged warning alarm', ['normal'], [alarm(1, { severity: 'warning', state: 'acknowledged' })], 'warning'],
    ['cleared alarm gives no colour', ['normal'], [alarm(1, { state: 'cleared' })], 'normal'],
    ['alarms beat offline', ['offline'], [alarm(1)], 'alarm'],
  ])('area level: %s', (_, levels, alarms, want) => {
    const area = { sensors: levels.map((l, i) => sensor(i, `S${i}`, l)), open_alarms: alarms.length };
    expect(areaLevel(area, alarms)).toBe(want);
  });
});

describe('board reducer', () => {
  it('applies a value to its sensor and recolours the area; other objects are kept', () => {
    const s0 = createBoardState(board());
    const s1 = applyValue(s0, { area_id: 1, sensor_id: 11, value: 30, ts: '2026-11-29T10:00:05+08:00', level: 'warning', valid: true });
    const a = s1.board.areas[0];
    expect(a.sensors[0]).toMatchObject({ value: 30, level: 'warning', valid: true, online: true });
    expect(a.level).toBe('warning');
    expect(a.sensors[1]).toBe(s0.board.areas[0].sensors[1]);
    expect(s1.board.areas[1]).toBe(s0.board.areas[1]);
    expect(s0.board.areas[0].sensors[0].value).toBe(1); // the old state is untouched
  });

  it('ignores unknown sensors and readings older than the shown one', () => {
    const s0 = createBoardState(board());
    expect(applyValue(s0, { area_id: 1, sensor_id: 99, value: 5, ts: '2026-11-29T10:00:05+08:00' })).toBe(s0);
    expect(applyValue(s0, { area_id: 1, sensor_id: 11, value: 5, ts: '2026-11-29T09:59:59+08:00' })).toBe(s0);
    const same = applyValue(s0, { area_id: 1, sensor_id: 11, value: 5, ts: '2026-11-29T10:00:00+08:00', level: 'normal' });
    expect(same.board.areas[0].sensors[0].value).toBe(5);
  });

  it('finds the sensor when the event names another area', () => {
    const s1 = applyValue(createBoardState(board()), { area_id: 7, sensor_id: 21, value: 2, ts: '2026-11-29T10:01:00+08:00', level: 'normal' });
    expect(s1.board.areas[1].sensors[0].value).toBe(2);
  });

  it('an invalid reading shows but does not colour the area; an offline event marks the sensor offline', () => {
    let s = createBoardState(board());
    s = applyValue(s, { area_id: 1, sensor_id: 11, value: 999, ts: '2026-11-29T10:00:05+08:00', level: 'invalid', valid: false });
    expect(s.board.areas[0].sensors[0]).toMatchObject({ value: 999, valid: false, level: 'invalid', flags: [] });
    s = applyValue(s, { area_id: 1, sensor_id: 11, value: 998, ts: '2026-11-29T10:00:05.5+08:00', level: 'invalid', valid: false });
    s = { ...s, board: { ...s.board, areas: [{ ...s.board.areas[0], sensors: [{ ...s.board.areas[0].sensors[0], flags: ['spike'] }, s.board.areas[0].sensors[1]] }, s.board.areas[1]] } };
    expect(applyValue(s, { area_id: 1, sensor_id: 11, value: 997, ts: '2026-11-29T10:00:05.6+08:00', level: 'invalid', valid: false }).board.areas[0].sensors[0].flags).toEqual(['spike']);
    expect(applyValue(s, { area_id: 1, sensor_id: 11, value: 3, ts: '2026-11-29T10:00:05.7+08:00', level: 'normal', valid: true }).board.areas[0].sensors[0].flags).toEqual([]);
    expect(s.board.areas[0].level).toBe('normal');
    s = applyValue(s, { area_id: 1, sensor_id: 12, value: null, ts: '2026-11-29T10:00:06+08:00', level: 'offline' });
    expect(s.board.areas[0].sensors[1].online).toBe(false);
  });

  it('counts a new alarm once and forgets it when closed', () => {
    let s = createBoardState(board());
    s = applyAlarm(s, alarm(5)); // raised after generated_at: not yet counted
    expect(s.board.areas[0]).toMatchObject({ open_alarms: 1, level: 'alarm' });
    s = applyAlarm(s, alarm(5, { version: 2, state: 'acknowledged' }));
    expect(s.board.areas[0]).toMatchObject({ open_alarms: 1, level: 'alarm' });
    s = applyAlarm(s, alarm(5, { version: 3, state: 'cleared' }));
    expect(s.board.areas[0]).toMatchObject({ open_alarms: 1, level: 'normal' });
    s = applyAlarm(s, alarm(5, { version: 4, state: 'closed' }));
    expect(s.board.areas[0]).toMatchObject({ open_alarms: 0, level: 'normal' });
  });

  it('an older alarm version is ignored', () => {
    let s = createBoardState(board());
    s = applyAlarm(s, alarm(5, { version: 3, state: 'closed' }));
    const before = s;
    expect(applyAlarm(s, alarm(5, { version: 2, state: 'raised' }))).toBe(before);
  });

  it('an alarm raised before the board was generated is already in its count', () => {
    let s = createBoardState(board());
    expect(s.board.areas[1]).toMatchObject({ open_alarms: 1, level: 'alarm', alarm_floor: 'alarm' });
    s = applyAlarm(s, alarm(9, { area_id: 2, raised_at: '2026-11-29T09:00:00+08:00', state: 'acknowledged', version: 2 }));
    expect(s.board.areas[1].open_alarms).toBe(1);
    s = applyAlarm(s, alarm(9, { area_id: 2, raised_at: '2026-11-29T09:00:00+08:00', state: 'closed', version: 5 }));
    expect(s.board.areas[1]).toMatchObject({ open_alarms: 0, level: 'normal' });
  });

  it('applies queued events in order and keeps untouched areas', () => {
    const s0 = createBoardState(board());
    const s = applyEvents(s0, [
      ['value', { area_id: 1, sensor_id: 11, value: 10, ts: '2026-11-29T10:00:01+08:00', level: 'normal', valid: true }],
      ['value', { area_id: 1, sensor_id: 11, value: 60, ts: '2026-11-29T10:00:02+08:00', level: 'alarm', valid: true }],
      ['alarm', alarm(5)],
      ['value', { area_id: 1, sensor_id: 11, value: 12, ts: '2026-11-29T10:00:01.5+08:00', level: 'normal', valid: true }],
    ]);
    expect(s.board.areas[0].sensors[0]).toMatchObject({ value: 60, level: 'alarm' });
    expect(s.board.areas[0]).toMatchObject({ open_alarms: 1, level: 'alarm' });
    expect(s.board.areas[1]).toBe(s0.board.areas[1]);
    expect(applyEvents(s0, [])).toBe(s0);
  });

  it('summarises the board', () => {
    const s = createBoardState(board());
    expect(boardSummary(s.board)).toMatchObject({ areas: 2, alarm: 1, normal: 1, openAlarms: 1, sensors: 3, online: 3 });
  });

  it.each([
    [null, '—'],
    [undefined, '—'],
    [Number.NaN, '—'],
    [0, '0'],
    [1.234, '1.23'],
    [20.95, '20.9'],
    [123.6, '124'],
  ])('formats %s as %s', (v, want) => {
    expect(formatValue(v)).toBe(want);
  });
});

describe('alarms', () => {
  it.each([
    ['raised', true, false],
    ['acknowledged', false, false],
    ['cleared_unacknowledged', true, false],
    ['cleared', false, true],
    ['closed', false, false],
  ])('%s: acknowledge %s, close %s', (state, ack, close) => {
    expect(canAcknowledge({ state })).toBe(ack);
    expect(canClose({ state })).toBe(close);
    expect(isOpen({ state })).toBe(state !== 'closed');
  });

  it('sorts open critical first, then newest', () => {
    const list = [
      alarm(1, { severity: 'warning', raised_at: '2026-11-29T10:09:00+08:00' }),
      alarm(2, { raised_at: '2026-11-29T10:01:00+08:00' }),
      alarm(3, { state: 'closed', raised_at: '2026-11-29T10:10:00+08:00' }),
      alarm(4, { state: 'acknowledged', raised_at: '2026-11-29T10:02:00+08:00' }),
    ];
    expect(sortAlarms(list).map((a) => a.id)).toEqual([4, 2, 3, 1]);
    expect(sortAlarms(list, compareNewest).map((a) => a.id)).toEqual([3, 1, 4, 2]);
    expect(upsertAlarm(sortAlarms(list, compareNewest), alarm(9, { severity: 'warning', raised_at: '2026-11-29T10:03:00+08:00' }), {}, compareNewest).list.map((a) => a.id)).toEqual([3, 1, 9, 4, 2]);
  });

  it('filters', () => {
    expect(alarmMatches(alarm(1, { state: 'closed' }), { open: true })).toBe(false);
    expect(alarmMatches(alarm(1), { state: ['raised'], area_id: 1, severity: 'critical' })).toBe(true);
    expect(alarmMatches(alarm(1), { area_id: 2 })).toBe(false);
    expect(alarmMatches(alarm(1), { severity: 'warning' })).toBe(false);
  });

  it('upserts live alarms into a filtered list', () => {
    let r = upsertAlarm([], alarm(1), { open: true });
    expect(r).toMatchObject({ added: true });
    expect(r.list.map((a) => a.id)).toEqual([1]);
    r = upsertAlarm(r.list, alarm(2, { raised_at: '2026-11-29T11:00:00+08:00' }), { open: true });
    expect(r.list.map((a) => a.id)).toEqual([2, 1]);
    r = upsertAlarm(r.list, alarm(1, { version: 2, state: 'acknowledged', note: 'on it' }), { open: true });
    expect(r.added).toBe(false);
    expect(r.list.find((a) => a.id === 1)).toMatchObject({ state: 'acknowledged', note: 'on it' });
    const stale = upsertAlarm(r.list, alarm(1, { version: 1, state: 'raised' }), { open: true });
    expect(stale.list).toBe(r.list);
    r = upsertAlarm(r.list, alarm(1, { version: 3, state: 'closed' }), { open: true });
    expect(r).toMatchObject({ removed: true });
    expect(r.list.map((a) => a.id)).toEqual([2]);
    expect(upsertAlarm(r.list, alarm(7, { state: 'closed' }), { open: true }).list).toBe(r.list);
  });

  it('rings for a new or re-raised critical alarm only', () => {
    expect(isNewCritical(undefined, alarm(1))).toBe(true);
    expect(isNewCritical(undefined, alarm(1, { severity: 'warning' }))).toBe(false);
    expect(isNewCritical(undefined, alarm(1, { state: 'acknowledged' }))).toBe(false);
    expect(isNewCritical(alarm(1), alarm(1, { version: 2 }))).toBe(false);
    expect(isNewCritical(alarm(1, { state: 'cleared' }), alarm(1, { version: 2 }))).toBe(true);
    expect(isNewCritical(alarm(1), alarm(1, { version: 2, occurrences: 2 }))).toBe(true);
  });

  it('builds the list query and the reading text', () => {
    expect(alarmQuery({ open: true, state: ['raised', 'cleared'], area_id: 3, severity: '' }, 2, 50)).toEqual({ open: 1, state: 'raised,cleared', area_id: 3, severity: undefined, page: 2, page_size: 50 });
    expect(alarmQuery({})).toMatchObject({ open: undefined, state: undefined, page: 1, page_size: 20 });
    expect(alarmReading({ value: 62, unit: '%LEL', threshold: 50 })).toBe('62 %LEL / 50');
    expect(alarmReading({ value: null })).toBe('');
  });
});

describe('series → chart', () => {
  const thr = { warning_high: 25, alarm_high: 50, warning_low: null, alarm_low: undefined };
  const raw = {
    sensor: { id: 1, unit: '%LEL' },
    resolution: 'raw',
    thresholds: thr,
    points: [
      { t: '2026-11-29T10:00:00Z', v: 2, flags: [] },
      { t: '2026-11-29T10:00:10Z', v: 90, flags: ['spike'] },
      { t: '2026-11-29T10:00:20Z', v: 3, flags: [] },
      { t: 'bad', v: 3, flags: [] },
    ],
  };
  const rollup = {
    sensor: { id: 1, unit: '%' },
    resolution: 'minute',
    thresholds: { alarm_low: 19.5, alarm_high: 23.5, warning_low: null, warning_high: null },
    points: [
      { t: '2026-11-29T10:00:00Z', min: 20.5, max: 21, avg: 20.8, count: 6, valid_count: 6 },
      { t: '2026-11-29T10:01:00Z', min: null, max: null, avg: null, count: 3, valid_count: 0 },
      { t: '2026-11-29T10:02:00Z', min: 20, max: 20.9, avg: 20.4, count: 6, valid_count: 5 },
    ],
  };

  it('lists the thresholds that are set', () => {
    expect(thresholdList(thr).map((x) => [x.key, x.level, x.value])).toEqual([
      ['alarm_high', 'alarm', 50],
      ['warning_high', 'warning', 25],
    ]);
    expect(thresholdList(null)).toEqual([]);
  });

  it('splits raw points into the line and the flagged marks', () => {
    const p = seriesPoints(raw);
    expect(p.line).toEqual([
      [Date.parse('2026-11-29T10:00:00Z'), 2],
      [Date.parse('2026-11-29T10:00:20Z'), 3],
    ]);
    expect(p.flagged).toEqual([[Date.parse('2026-11-29T10:00:10Z'), 90, ['spike']]]);
  });

  it('draws raw data with threshold lines', () => {
    const o = seriesOption(raw, { labels: { value: 'V' } });
    expect(o.series.map((s) => s.type)).toEqual(['line', 'scatter']);
    expect(o.series[0].markLine.data.map((d) => d.yAxis)).toEqual([50, 25]);
    expect(o.series[0].markLine.data[0].lineStyle.color).toBe(LEVEL_COLORS.alarm);
    expect(o.series[1].data[0]).toEqual({ value: [Date.parse('2026-11-29T10:00:10Z'), 90], flags: ['spike'] });
    expect(o.yAxis.name).toBe('%LEL');
    expect(o.yAxis.min).toBe(0); // gas can't go negative
    expect(o.yAxis.max).toBeGreaterThanOrEqual(90);
  });

  it('draws roll-ups as an average with a min–max band and gaps for empty buckets', () => {
    const o = seriesOption(rollup);
    expect(o.series.map((s) => s.name)).toEqual(['min', 'Min–max', 'Average']);
    expect(o.series[0].stack).toBe(o.series[1].stack);
    expect(o.series[1].data[0][1]).toBeCloseTo(0.5);
    expect(o.series[2].data[1][1]).toBeNull();
    expect(o.series[2].markLine.data.map((d) => d.yAxis)).toEqual([23.5, 19.5]);
    expect(o.yAxis.min).toBeLessThanOrEqual(19.5);
    expect(o.yAxis.max).toBeGreaterThanOrEqual(23.5);
  });

  it.each([
    [[2, 3, 90], [], 0, 100],
    [[5, 20], [{ value: 50 }, { value: 25 }], 0, 60],
    [[20.4, 20.9], [{ value: 19.5 }, { value: 23.5 }], 19, 24],
    [[-12, 8], [], -15, 10],
  ])('rounds the axis of %j with thresholds %j out to nice ticks', (values, thr, min, max) => {
    expect(yExtent(values, thr)).toEqual({ min, max });
  });

  it.each([
    [0, 1],
    [45, 10],
    [4.3, 1],
    [11, 2.5],
    [0.12, 0.025],
  ])('nice step over %d is %d', (span, step) => {
    expect(niceStep(span)).toBeCloseTo(step, 10);
  });

  it('pads a flat axis and handles nothing at all', () => {
    expect(yExtent([5, 5])).toEqual({ min: 4.4, max: 5.6 });
    expect(yExtent([0])).toEqual({ min: 0, max: 1 });
    expect(yExtent([-3])).toEqual({ min: -3.4, max: -2.6 });
    expect(yExtent([])).toEqual({ min: 0, max: 1 });
    expect(isEmptySeries({ resolution: 'raw', points: [] })).toBe(true);
    expect(isEmptySeries({ resolution: 'hour', points: [{ t: '2026-11-29T10:00:00Z', avg: null, valid_count: 0 }] })).toBe(true);
    expect(isEmptySeries(raw)).toBe(false);
  });

  it.each([
    ['1h', 3600e3],
    ['24h', 86400e3],
    ['7d', 7 * 86400e3],
    ['30d', 30 * 86400e3],
    ['nonsense', 86400e3],
  ])('range %s spans %d ms', (key, span) => {
    const now = new Date('2026-11-29T10:00:00Z');
    const w = rangeWindow(key, now);
    expect(w.to.getTime() - w.from.getTime()).toBe(span);
    expect(w.to.getTime()).toBe(now.getTime());
  });
});

describe('alarm sound', () => {
  const memStorage = () => {
    const m = new Map();
    return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), removeItem: (k) => m.delete(k) };
  };

  it('remembers mute', () => {
    const st = memStorage();
    expect(isMuted(st)).toBe(false);
    setMuted(true, st);
    expect(st.getItem(MUTE_KEY)).toBe('1');
    expect(isMuted(st)).toBe(true);
    setMuted(false, st);
    expect(isMuted(st)).toBe(false);
    expect(isMuted({ getItem: () => { throw new Error('denied'); } })).toBe(false);
  });

  class FakeCtx {
    constructor() {
      this.currentTime = 10;
      this.destination = {};
      this.started = [];
      this.state = 'running';
    }
    createOscillator() {
      const ctx = this;
      return { frequency: {}, connect() {}, start(t) { ctx.started.push(t); }, stop() {} };
    }
    createGain() {
      return { gain: {}, connect() {} };
    }
  }

  it('beeps three times after each other', () => {
    const ctx = new FakeCtx();
    expect(beep(ctx)).toBeCloseTo(10.75);
    expect(ctx.started.map((t) => Number(t.toFixed(2)))).toEqual([10, 10.25, 10.5]);
    expect(beep(null)).toBeNull();
  });

  it('rings sound after unlock and vibrates, nothing when muted', () => {
    const st = memStorage();
    const vib = [];
    const nav = { vibrate: (p) => vib.push(p) };
    const a = createAlerter({ AudioContextImpl: FakeCtx, nav, storage: st });
    expect(a.ring()).toEqual({ sound: false, vibrate: true }); // no gesture yet
    expect(a.unlock()).toBe(true);
    expect(a.ring()).toEqual({ sound: true, vibrate: true });
    setMuted(true, st);
    expect(a.ring()).toEqual({ sound: false, vibrate: false });
    expect(vib).toHaveLength(2);
    expect(createAlerter({ AudioContextImpl: undefined, nav: {}, storage: memStorage() }).ring()).toEqual({ sound: false, vibrate: false });
  });
});

describe('violations', () => {
  it.each([
    [{ status: 'handled', note: ' told him ', needs_training: true }, { status: 'handled', note: 'told him', needs_training: true }],
    [{ status: 'dismissed', note: 'false positive', needs_training: true }, { status: 'dismissed', note: 'false positive', needs_training: false }],
    [{ status: 'handled', note: '  ' }, null],
    [{ status: 'open', note: 'x' }, null],
    [null, null],
  ])('handle body of %j', (form, want) => {
    expect(handleBody(form)).toEqual(want);
  });

  it('upserts live violations into the filtered page', () => {
    const v1 = { id: 1, area_id: 1, type: 'no_helmet', status: 'open' };
    let list = upsertViolation([], v1, { status: 'open' });
    expect(list).toEqual([v1]);
    list = upsertViolation(list, { id: 2, area_id: 2, type: 'smoking', status: 'open' }, { status: 'open', area_id: 1 });
    expect(list.map((v) => v.id)).toEqual([1]);
    list = upsertViolation(list, { ...v1, status: 'handled' }, { status: 'open' });
    expect(list).toEqual([]);
  });

  it('builds the list query', () => {
    expect(violationQuery({ area_id: 2, type: 'smoking', status: '', permit_id: null }, 3, 50)).toEqual({ area_id: 2, type: 'smoking', status: undefined, permit_id: undefined, page: 3, page_size: 50 });
  });

  it('formats confidence and tags status', () => {
    expect(confidenceText(0.873)).toBe('87.3%');
    expect(confidenceText(92)).toBe('92%');
    expect(confidenceText(null)).toBe('—');
    expect(statusTag('open')).toBe('danger');
  });
});

describe('monitor texts', () => {
  const keys = (o, p = '') => Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v, `${p}${k}.`) : [`${p}${k}`]));
  it('has every key in both languages, none empty', async () => {
    const zh = (await import('../../src/i18n/locales/monitor.zh-CN.js')).default;
    const en = (await import('../../src/i18n/locales/monitor.en.js')).default;
    expect(keys(zh).sort()).toEqual(keys(en).sort());
    const get = (o, k) => k.split('.').reduce((x, p) => x[p], o);
    for (const k of keys(zh)) {
      expect(get(zh, k), k).toBeTruthy();
      expect(get(en, k), k).toBeTruthy();
    }
  });

  it('names every violation type, status, alarm state and cleaning flag the helpers use', async () => {
    const { VIOLATION_TYPES, VIOLATION_STATUSES } = await import('../../src/lib/monitor/violations.js');
    const { ALARM_STATES } = await import('../../src/lib/monitor/alarms.js');
    const { LEVELS } = await import('../../src/lib/monitor/board.js');
    const { RANGES } = await import('../../src/lib/monitor/series.js');
    const zh = (await import('../../src/i18n/locales/monitor.zh-CN.js')).default;
    for (const x of VIOLATION_TYPES) expect(zh.vtype[x], x).toBeTruthy();
    for (const x of VIOLATION_STATUSES) expect(zh.vstatus[x], x).toBeTruthy();
    for (const x of ALARM_STATES) expect(zh.state[x], x).toBeTruthy();
    for (const x of LEVELS) expect(zh.level[x], x).toBeTruthy();
    for (const x of Object.keys(RANGES)) expect(zh.trend.range[x], x).toBeTruthy();
  });
});
