// Pure helpers for the hazard screens (unit-tested in tests/unit/hazards.test.js).

export const STATES = ['reported', 'assigned', 'rectifying', 'submitted', 'closed', 'rejected'];
export const OPEN_STATES = ['reported', 'assigned', 'rectifying', 'submitted'];
export const COLOURS = { red: '#e03131', orange: '#f08c00', yellow: '#f5c400', blue: '#1c7ed6' };
export const COLOUR_RANK = { red: 4, orange: 3, yellow: 2, blue: 1 };

// Vant/Element tag type of a state.
export function stateTag(state, overdue) {
  if (overdue) return 'danger';
  return { reported: 'warning', assigned: 'primary', rectifying: 'primary', submitted: 'warning', closed: 'success', rejected: 'default' }[state] || 'default';
}

// Which actions the current user may offer on a hazard, from what the client knows.
// user: {id, person_id, roles:[]}. The server still decides; this only hides useless buttons.
export function hazardActions(h, user) {
  if (!h || !user) return [];
  const roles = user.roles || [];
  const safety = roles.some((r) => r === 'safety_officer' || r === 'approver_safety' || r === 'admin');
  const assignee = !!user.person_id && h.assignee_person_id === user.person_id;
  const out = [];
  if (h.state === 'reported' && safety) out.push('assign', 'reject');
  if (h.state === 'assigned' && assignee) out.push('start');
  if ((h.state === 'assigned' || h.state === 'rectifying') && assignee) out.push('submit');
  if ((h.state === 'assigned' || h.state === 'rectifying') && safety) out.push('assign', 'extend');
  if (h.state === 'assigned' && safety) out.push('reject');
  if (h.state === 'submitted' && h.rectifier_user_id !== user.id && (safety || h.reporter_user_id === user.id)) out.push('verify');
  if (h.level === 'major' && h.state !== 'closed' && h.state !== 'rejected' && safety) {
    out.push('plan', 'supervise', 'report-management');
    if (h.state === 'submitted' && !h.accepted_at) out.push('accept');
  }
  if (h.level === 'major' && h.supervisor_person_id && h.supervisor_person_id === user.person_id && h.state !== 'closed') out.push('follow-up');
  return [...new Set(out)];
}

// Remaining time to a deadline: {overdue, days, hours} (days/hours ≥ 0), null without one.
export function timeLeft(deadline, now = new Date()) {
  if (!deadline) return null;
  const d = deadline instanceof Date ? deadline : new Date(deadline);
  if (Number.isNaN(d.getTime())) return null;
  let ms = d.getTime() - now.getTime();
  const overdue = ms < 0;
  ms = Math.abs(ms);
  const hours = Math.floor(ms / 3600000);
  return { overdue, days: Math.floor(hours / 24), hours: hours % 24 };
}

// Great-circle distance in metres.
export function distanceM(a, b) {
  const rad = (x) => (x * Math.PI) / 180;
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371000 * Math.asin(Math.min(1, Math.sqrt(s)));
}

// The area nearest to a position; areas without coordinates are skipped. null when none has any.
export function nearestArea(areas, pos) {
  let best = null;
  let bestD = Infinity;
  for (const a of areas || []) {
    if (typeof a.latitude !== 'number' || typeof a.longitude !== 'number') continue;
    const d = distanceM(pos, a);
    if (d < bestD) {
      best = a;
      bestD = d;
    }
  }
  return best ? { area: best, distance: bestD } : null;
}

// Taxonomy rows [{code, name}] → [{code, name, children:[…]}] by the text before the last '.'.
export function typeTree(types) {
  const roots = [];
  const byCode = new Map();
  for (const t of types || []) {
    if (t.active === false) continue;
    byCode.set(t.code, { code: t.code, name: t.name, children: [] });
  }
  for (const node of byCode.values()) {
    const dot = node.code.lastIndexOf('.');
    const parent = dot > 0 ? byCode.get(node.code.slice(0, dot)) : null;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

// The highest colour per area from the colour map rows ({area_id, colour}) joined to areas with
// plan coordinates → ECharts scatter points [{name, value:[x, y], colour, points}].
export function colourPoints(map, areas) {
  const byArea = new Map((areas || []).map((a) => [a.id, a]));
  const out = [];
  for (const row of map || []) {
    const a = byArea.get(row.area_id);
    if (!a || typeof a.plan_x !== 'number' || typeof a.plan_y !== 'number') continue;
    out.push({ name: a.name, value: [a.plan_x, a.plan_y], colour: row.colour, points: row.points || 0, area_id: a.id });
  }
  return out;
}

// Counts of the overdue board: open hazards that are overdue grouped by a key.
export function groupCount(items, key) {
  const m = new Map();
  for (const x of items || []) {
    const k = typeof key === 'function' ? key(x) : x[key];
    m.set(k, (m.get(k) || 0) + 1);
  }
  return [...m.entries()].sort((a, b) => b[1] - a[1]);
}
