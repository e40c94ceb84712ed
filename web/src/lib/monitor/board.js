// The monitoring board's live state: GET /monitor/board plus the WebSocket events
// `monitor.values` ({area_id, sensor_id, value, ts, level, valid}) and `monitor.alarms` (the alarm).
// Reducers return a new board (changed areas and sensors are new objects), so a Vue ref holding the
// board re-renders only what changed. Framework-free so it can be unit-tested.
import { isOpen } from './alarms.js';

export const LEVELS = ['normal', 'warning', 'alarm', 'offline', 'invalid'];

// Colours of the levels (the risk palette in styles/theme.css; offline and invalid are greys).
export const LEVEL_COLORS = {
  normal: '#2f9e44',
  warning: '#fa8c16',
  alarm: '#e02020',
  offline: '#909399',
  invalid: '#b1b3b8',
};

export function levelColor(level) {
  return LEVEL_COLORS[level] || LEVEL_COLORS.offline;
}

// Element Plus tag type of a level.
export function levelTag(level) {
  return { normal: 'success', warning: 'warning', alarm: 'danger' }[level] || 'info';
}

// How bad an area level is: alarm > warning > offline > normal. An invalid reading says nothing
// about the area, so it counts as normal.
const RANK = { normal: 0, invalid: 0, offline: 1, warning: 2, alarm: 3 };
export function levelRank(level) {
  return RANK[level] ?? 0;
}

export function worstLevel(levels) {
  let out = 'normal';
  for (const l of levels) if (levelRank(l) > levelRank(out)) out = l === 'invalid' ? 'normal' : l;
  return out;
}

// The level an open alarm gives its area: only while its condition holds (raised or acknowledged).
export function alarmLevel(alarm) {
  if (!alarm || !['raised', 'acknowledged'].includes(alarm.state)) return 'normal';
  return alarm.severity === 'critical' ? 'alarm' : 'warning';
}

// Area level from its sensors, the open alarms seen live, and what the server's level said beyond
// its sensors at load time (alarmFloor; forgotten once the area has no open alarm).
export function areaLevel(area, seenAlarms = []) {
  const sensors = worstLevel((area.sensors || []).map((s) => s.level));
  const all = (area.sensors || []).length > 0 && area.sensors.every((s) => s.level === 'offline');
  const fromAlarms = worstLevel([area.open_alarms > 0 ? area.alarm_floor || 'normal' : 'normal', ...seenAlarms.map(alarmLevel)]);
  const level = worstLevel([sensors === 'offline' && !all ? 'normal' : sensors, fromAlarms]);
  if (level === 'normal' && all) return 'offline';
  return level;
}

const toMs = (ts) => {
  const n = Date.parse(ts || '');
  return Number.isNaN(n) ? null : n;
};

// Board state: {board, alarms: Map(id → alarm seen live), generatedAt (ms)}.
export function createBoardState(board) {
  const areas = ((board && board.areas) || []).map((a) => {
    const copy = { ...a, sensors: [...(a.sensors || [])], active_permits: [...(a.active_permits || [])], open_alarms: a.open_alarms || 0 };
    const sensors = worstLevel(copy.sensors.map((s) => s.level));
    copy.alarm_floor = levelRank(a.level) > levelRank(sensors) && ['warning', 'alarm'].includes(a.level) ? a.level : 'normal';
    return copy;
  });
  return { board: { ...(board || {}), areas }, alarms: new Map(), generatedAt: toMs(board && board.generated_at) };
}

// Applies one `monitor.values` event. Unknown sensors and readings older than the shown one are
// ignored (the same state object comes back).
export function applyValue(state, ev) {
  if (!ev || ev.sensor_id === undefined) return state;
  const areas = state.board.areas;
  let ai = areas.findIndex((a) => a.id === ev.area_id && (a.sensors || []).some((s) => s.id === ev.sensor_id));
  if (ai < 0) ai = areas.findIndex((a) => (a.sensors || []).some((s) => s.id === ev.sensor_id));
  if (ai < 0) return state;
  const area = areas[ai];
  const si = area.sensors.findIndex((s) => s.id === ev.sensor_id);
  const old = area.sensors[si];
  const oldTs = toMs(old.ts);
  const newTs = toMs(ev.ts);
  if (oldTs !== null && newTs !== null && newTs < oldTs) return state;
  const sensor = {
    ...old,
    value: ev.value ?? null,
    ts: ev.ts ?? old.ts,
    level: ev.level || old.level,
    valid: ev.valid !== undefined ? !!ev.valid : old.valid,
    // The event carries no flag codes: a valid reading clears them, an invalid one keeps the last.
    flags: ev.valid === true ? [] : old.flags || [],
    online: ev.level !== 'offline',
  };
  const sensors = [...area.sensors];
  sensors[si] = sensor;
  return replaceArea(state, ai, { ...area, sensors });
}

function openSeen(state, areaId) {
  return [...state.alarms.values()].filter((a) => a.area_id === areaId && isOpen(a));
}

function replaceArea(state, ai, area) {
  const next = { ...area, level: areaLevel(area, openSeen(state, area.id)) };
  const areas = [...state.board.areas];
  areas[ai] = next;
  return { ...state, board: { ...state.board, areas } };
}

// Applies one `monitor.alarms` event: keeps the area's open-alarm count right and its colour.
// An alarm seen for the first time counted in the board's open_alarms when it was raised before
// the board was generated (the board counts every alarm not yet closed).
export function applyAlarm(state, alarm) {
  if (!alarm || alarm.id === undefined) return state;
  const prev = state.alarms.get(alarm.id);
  if (prev && (prev.version ?? 0) > (alarm.version ?? 0)) return state;
  const wasOpen = prev ? isOpen(prev) : counted(state, alarm);
  const nowOpen = isOpen(alarm);
  const alarms = new Map(state.alarms);
  alarms.set(alarm.id, alarm);
  const next = { ...state, alarms };
  const ai = state.board.areas.findIndex((a) => a.id === alarm.area_id);
  if (ai < 0) return next;
  const area = state.board.areas[ai];
  const delta = (nowOpen ? 1 : 0) - (wasOpen ? 1 : 0);
  const open = Math.max(0, (area.open_alarms || 0) + delta);
  return replaceArea(next, ai, { ...area, open_alarms: open, alarm_floor: open > 0 ? area.alarm_floor : 'normal' });
}

function counted(state, alarm) {
  const raised = toMs(alarm.raised_at);
  if (state.generatedAt === null || raised === null) return false;
  return raised <= state.generatedAt;
}

// Board-wide figures for the header: areas per level, open alarms, sensors online.
export function boardSummary(board) {
  const out = { areas: 0, alarm: 0, warning: 0, offline: 0, normal: 0, openAlarms: 0, sensors: 0, online: 0 };
  for (const a of (board && board.areas) || []) {
    out.areas++;
    out[a.level in out ? a.level : 'normal']++;
    out.openAlarms += a.open_alarms || 0;
    for (const s of a.sensors || []) {
      out.sensors++;
      if (s.online !== false && s.level !== 'offline') out.online++;
    }
  }
  return out;
}

// A reading for display: value rounded to a sensible number of digits, or an em dash.
export function formatValue(value, digits) {
  if (value === null || value === undefined || value === '' || !Number.isFinite(Number(value))) return '—';
  const n = Number(value);
  const d = digits ?? (Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2);
  return String(Number(n.toFixed(d)));
}

// Applies queued live events in order: [['value', ev] | ['alarm', alarm], …].
export function applyEvents(state, events) {
  let s = state;
  for (const [kind, data] of events || []) s = kind === 'alarm' ? applyAlarm(s, data) : applyValue(s, data);
  return s;
}
