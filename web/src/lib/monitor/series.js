// Sensor series (GET /monitor/sensors/{id}/series) → an ECharts option: raw readings as a line with
// the flagged (cleaned-out) readings marked apart, roll-ups as the average with a min–max band, and
// the set thresholds as horizontal lines. Framework-free so it can be unit-tested.
import { LEVEL_COLORS } from './board.js';

export const RANGES = { '1h': 3600e3, '24h': 86400e3, '7d': 7 * 86400e3, '30d': 30 * 86400e3 };

// {from, to} as Dates for a range key ending at now.
export function rangeWindow(key, now = new Date()) {
  const span = RANGES[key] || RANGES['24h'];
  return { from: new Date(now.getTime() - span), to: new Date(now.getTime()) };
}

const THRESHOLDS = [
  { key: 'alarm_high', level: 'alarm' },
  { key: 'warning_high', level: 'warning' },
  { key: 'warning_low', level: 'warning' },
  { key: 'alarm_low', level: 'alarm' },
];

// The thresholds that are set, as [{key, level, value}].
export function thresholdList(thresholds) {
  const out = [];
  for (const x of THRESHOLDS) {
    const v = thresholds ? thresholds[x.key] : null;
    if (v !== null && v !== undefined && v !== '' && Number.isFinite(Number(v))) out.push({ ...x, value: Number(v) });
  }
  return out;
}

const tms = (t) => {
  const n = Date.parse(t || '');
  return Number.isNaN(n) ? null : n;
};
const num = (v) => (v === null || v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v));

// A "nice" tick step (1, 2, 2.5 or 5 × 10^k) for about five intervals over span.
export function niceStep(span) {
  if (!(span > 0)) return 1;
  const raw = span / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  const m = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return m * mag;
}

const snap = (v) => Number(v.toPrecision(12));

// The y-axis extent holding the data and every set threshold, with a little room, rounded out to
// nice ticks; readings that never go below zero (gas, dust …) keep the axis at zero.
export function yExtent(values, thresholds = []) {
  const all = [...values, ...thresholds.map((x) => x.value)].filter((v) => v !== null && Number.isFinite(v));
  if (!all.length) return { min: 0, max: 1 };
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const pad = lo === hi ? Math.abs(lo) * 0.1 || 1 : (hi - lo) * 0.05;
  let min = lo - pad;
  const max = hi + pad;
  if (lo >= 0 && min < 0) min = 0;
  const step = niceStep(max - min);
  return { min: snap(Math.floor(min / step) * step), max: snap(Math.ceil(max / step) * step) };
}

export function isRollup(series) {
  return !!series && series.resolution !== 'raw';
}

// Points of a series split for drawing: raw → {line: [[t, v]], flagged: [[t, v, flags]]};
// roll-up → {avg, min, band: [[t, max-min]]}.
export function seriesPoints(series) {
  const pts = (series && series.points) || [];
  if (!isRollup(series)) {
    const line = [];
    const flagged = [];
    for (const p of pts) {
      const t = tms(p.t);
      const v = num(p.v);
      if (t === null || v === null) continue;
      if (p.flags && p.flags.length) flagged.push([t, v, p.flags]);
      else line.push([t, v]);
    }
    return { line, flagged };
  }
  const avg = [];
  const min = [];
  const band = [];
  for (const p of pts) {
    const t = tms(p.t);
    if (t === null) continue;
    const lo = num(p.min);
    const hi = num(p.max);
    const a = num(p.avg);
    // A bucket with no valid reading is a gap, not a zero.
    if (a === null || p.valid_count === 0) {
      avg.push([t, null]);
      min.push([t, null]);
      band.push([t, null]);
      continue;
    }
    avg.push([t, a]);
    min.push([t, lo ?? a]);
    band.push([t, (hi ?? a) - (lo ?? a)]);
  }
  return { avg, min, band };
}

const DEFAULT_LABELS = {
  value: 'Value',
  avg: 'Average',
  band: 'Min–max',
  flagged: 'Flagged',
  alarm_high: 'Alarm high',
  warning_high: 'Warning high',
  warning_low: 'Warning low',
  alarm_low: 'Alarm low',
};

function markLine(thresholds, labels) {
  return {
    silent: true,
    symbol: 'none',
    data: thresholds.map((x) => ({
      yAxis: x.value,
      name: labels[x.key],
      lineStyle: { color: LEVEL_COLORS[x.level], type: x.level === 'alarm' ? 'solid' : 'dashed', width: 1.5 },
      label: { formatter: `${labels[x.key]} ${x.value}`, position: 'insideEndTop', color: LEVEL_COLORS[x.level] },
    })),
  };
}

// options: {labels: {value, avg, band, flagged, alarm_high, …}, formatTime(ms) → text, from, to (ms)}
export function seriesOption(series, options = {}) {
  const labels = { ...DEFAULT_LABELS, ...(options.labels || {}) };
  const thresholds = thresholdList(series && series.thresholds);
  const unit = (series && series.sensor && series.sensor.unit) || '';
  const pts = seriesPoints(series);
  const rollup = isRollup(series);
  const values = rollup
    ? [...pts.avg.map((p) => p[1]), ...pts.min.map((p) => p[1]), ...pts.min.map((p, i) => (p[1] === null ? null : p[1] + pts.band[i][1]))]
    : [...pts.line.map((p) => p[1]), ...pts.flagged.map((p) => p[1])];
  const ext = yExtent(values, thresholds);
  const mainColor = '#1d5bbf';
  const seriesList = [];
  if (!rollup) {
    seriesList.push({
      name: labels.value,
      type: 'line',
      showSymbol: pts.line.length < 60,
      symbolSize: 4,
      data: pts.line,
      lineStyle: { width: 1.5, color: mainColor },
      itemStyle: { color: mainColor },
      markLine: markLine(thresholds, labels),
    });
    seriesList.push({
      name: labels.flagged,
      type: 'scatter',
      symbol: 'triangle',
      symbolSize: 9,
      data: pts.flagged.map(([t, v, flags]) => ({ value: [t, v], flags })),
      itemStyle: { color: LEVEL_COLORS.invalid, borderColor: '#646a73' },
    });
  } else {
    seriesList.push({
      name: 'min',
      type: 'line',
      data: pts.min,
      stack: 'band',
      symbol: 'none',
      lineStyle: { opacity: 0 },
      tooltip: { show: false },
      silent: true,
    });
    seriesList.push({
      name: labels.band,
      type: 'line',
      data: pts.band,
      stack: 'band',
      symbol: 'none',
      lineStyle: { opacity: 0 },
      areaStyle: { color: 'rgba(29, 91, 191, 0.15)' },
      itemStyle: { color: 'rgba(29, 91, 191, 0.35)' },
      silent: true,
    });
    seriesList.push({
      name: labels.avg,
      type: 'line',
      data: pts.avg,
      symbol: 'none',
      connectNulls: false,
      lineStyle: { width: 1.5, color: mainColor },
      itemStyle: { color: mainColor },
      markLine: markLine(thresholds, labels),
    });
  }
  return {
    animation: false,
    grid: { left: 12, right: 24, top: 36, bottom: 48, containLabel: true },
    legend: { top: 4, data: rollup ? [labels.avg, labels.band] : [labels.value, labels.flagged] },
    tooltip: { trigger: 'axis' },
    dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }],
    xAxis: { type: 'time', min: options.from, max: options.to, splitLine: { show: false } },
    yAxis: { type: 'value', name: unit, min: ext.min, max: ext.max, splitLine: { lineStyle: { color: '#eef0f3' } } },
    series: seriesList,
  };
}

// True when a series has nothing to draw.
export function isEmptySeries(series) {
  const pts = seriesPoints(series);
  return isRollup(series) ? !pts.avg.some((p) => p[1] !== null) : !pts.line.length && !pts.flagged.length;
}
