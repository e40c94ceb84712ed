// Daily board: permits per area → Gantt-like bars for an ECharts custom series.
import { fromRfc3339 } from '../datetime.js';

export const STATE_COLORS = {
  draft: '#909399',
  submitted: '#8eadde',
  in_approval: '#e6a23c',
  returned: '#b88230',
  issued: '#1d5bbf',
  active: '#52c41a',
  suspended: '#f56c6c',
  completed: '#13c2c2',
  closed: '#73767a',
  rejected: '#c45656',
  cancelled: '#a8abb2',
  expired: '#5c5f66',
};

// Local day [start, end) in ms for "YYYY-MM-DD".
export function dayRange(ymd) {
  const [y, m, d] = ymd.split('-').map(Number);
  const start = new Date(y, m - 1, d, 0, 0, 0, 0).getTime();
  const end = new Date(y, m - 1, d + 1, 0, 0, 0, 0).getTime();
  return [start, end];
}

// Greedy lanes: bars that overlap in time go to different lanes. items sorted by start.
export function assignLanes(items) {
  const laneEnds = [];
  const out = [];
  for (const it of [...items].sort((a, b) => a.start - b.start || a.end - b.end)) {
    let lane = laneEnds.findIndex((end) => end <= it.start);
    if (lane < 0) {
      lane = laneEnds.length;
      laneEnds.push(it.end);
    } else {
      laneEnds[lane] = it.end;
    }
    out.push({ ...it, lane });
  }
  return { items: out, lanes: Math.max(1, laneEnds.length) };
}

// Board response → {categories:[area names], bars:[{row, lane, lanes, start, end, clippedStart,
// clippedEnd, id, number, title, state, state_label, level_label, type_label}], count}.
// Bars are clipped to the day; permits outside the day are left out.
export function boardBars(board, ymd) {
  const [dayStart, dayEnd] = dayRange(ymd);
  const areas = (board && board.areas) || [];
  const categories = [];
  const bars = [];
  areas.forEach((a, row) => {
    categories.push(a.area_name || `#${a.area_id}`);
    const items = [];
    for (const p of a.permits || []) {
      const from = fromRfc3339(p.from);
      const to = fromRfc3339(p.to);
      if (!from || !to) continue;
      const start = from.getTime();
      const end = Math.max(to.getTime(), start);
      if (end <= dayStart || start >= dayEnd) continue;
      items.push({ start, end, permit: p });
    }
    const { items: laned, lanes } = assignLanes(items);
    for (const it of laned) {
      const p = it.permit;
      bars.push({
        row,
        lane: it.lane,
        lanes,
        start: it.start,
        end: it.end,
        clippedStart: Math.max(it.start, dayStart),
        clippedEnd: Math.min(it.end, dayEnd),
        id: p.id,
        number: p.number,
        title: p.title,
        state: p.state,
        state_label: p.state_label || p.state,
        level_label: p.level_label || '',
        type_label: p.type_label || p.type || '',
      });
    }
  });
  return { categories, bars, count: bars.length, dayStart, dayEnd };
}

// Geometry of one bar inside its category band: [y offset, height] as fractions of the band.
export function laneBox(lane, lanes, fill = 0.8) {
  const h = fill / Math.max(1, lanes);
  return [(1 - fill) / 2 + lane * h, h];
}
