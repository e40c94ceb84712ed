// Alarm lists: what is open, what may be done, ordering, and live upserts (monitor.alarms events).
// Framework-free so it can be unit-tested.

export const ALARM_STATES = ['raised', 'acknowledged', 'cleared_unacknowledged', 'cleared', 'closed'];
export const SEVERITIES = ['critical', 'warning'];

// Every alarm not yet closed is open (the board's open_alarms counts the same).
export function isOpen(alarm) {
  return !!alarm && alarm.state !== 'closed';
}

export function canAcknowledge(alarm) {
  return !!alarm && (alarm.state === 'raised' || alarm.state === 'cleared_unacknowledged');
}

export function canClose(alarm) {
  return !!alarm && alarm.state === 'cleared';
}

export function severityTag(severity) {
  return severity === 'critical' ? 'danger' : 'warning';
}

export function stateTag(state) {
  return { raised: 'danger', acknowledged: 'warning', cleared_unacknowledged: 'primary', cleared: 'success' }[state] || 'info';
}

const ms = (ts) => {
  const n = Date.parse(ts || '');
  return Number.isNaN(n) ? 0 : n;
};

// Open critical alarms first, then the rest; newest raised first within each; ties by id desc.
export function compareAlarms(a, b) {
  const ta = isOpen(a) && a.severity === 'critical' ? 0 : 1;
  const tb = isOpen(b) && b.severity === 'critical' ? 0 : 1;
  if (ta !== tb) return ta - tb;
  const d = ms(b.raised_at) - ms(a.raised_at);
  if (d) return d;
  return (Number(b.id) || 0) - (Number(a.id) || 0);
}

// Newest raised first (the mobile feed).
export function compareNewest(a, b) {
  const d = ms(b.raised_at) - ms(a.raised_at);
  return d || (Number(b.id) || 0) - (Number(a.id) || 0);
}

export function sortAlarms(list, compare = compareAlarms) {
  return [...(list || [])].sort(compare);
}

// Does an alarm pass the list's filter ({open, state: [], area_id, severity})?
export function alarmMatches(alarm, f = {}) {
  if (f.open && !isOpen(alarm)) return false;
  if (f.state && f.state.length && !f.state.includes(alarm.state)) return false;
  if (f.area_id && alarm.area_id !== f.area_id) return false;
  if (f.severity && alarm.severity !== f.severity) return false;
  return true;
}

// A live alarm into a shown list: replaced when known (an older version is ignored), added when it
// matches the filter, dropped when it no longer does. Returns {list, added, removed}.
export function upsertAlarm(list, alarm, filter = {}, compare = compareAlarms) {
  const items = list || [];
  const i = items.findIndex((a) => a.id === alarm.id);
  if (i >= 0 && (items[i].version ?? 0) > (alarm.version ?? 0)) return { list: items, added: false, removed: false };
  const keep = alarmMatches(alarm, filter);
  if (i < 0 && !keep) return { list: items, added: false, removed: false };
  const rest = items.filter((a) => a.id !== alarm.id);
  if (!keep) return { list: rest, added: false, removed: true };
  return { list: sortAlarms([...rest, { ...(i >= 0 ? items[i] : {}), ...alarm }], compare), added: i < 0, removed: false };
}

// Should this alarm event ring? A critical alarm newly raised (not seen before, or seen in another
// state, or raised again with more occurrences).
export function isNewCritical(prev, alarm) {
  if (!alarm || alarm.severity !== 'critical' || alarm.state !== 'raised') return false;
  if (!prev) return true;
  if (prev.state !== 'raised') return true;
  return (alarm.occurrences || 0) > (prev.occurrences || 0);
}

// The measurement of an alarm as text: "62 %LEL ≥ 50".
export function alarmReading(alarm, fmt = (v) => String(v)) {
  if (!alarm || alarm.value === null || alarm.value === undefined) return '';
  const unit = alarm.unit ? ` ${alarm.unit}` : '';
  const thr = alarm.threshold === null || alarm.threshold === undefined ? '' : ` / ${fmt(alarm.threshold)}`;
  return `${fmt(alarm.value)}${unit}${thr}`;
}
