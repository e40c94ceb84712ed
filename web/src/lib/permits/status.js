// Tag colours for permit states, grade levels and finding severities (Element Plus tag types).

export function stateTag(state) {
  switch (state) {
    case 'active':
      return 'success';
    case 'issued':
      return 'primary';
    case 'in_approval':
    case 'submitted':
    case 'returned':
      return 'warning';
    case 'suspended':
    case 'rejected':
    case 'expired':
      return 'danger';
    default:
      return 'info';
  }
}

export function severityTag(severity) {
  return severity === 'block' ? 'danger' : severity === 'warn' ? 'warning' : 'success';
}

// Grade level → risk colour class (special = red … lowest = blue).
export function levelClass(level) {
  if (!level) return 'lv-none';
  if (level === 'special' || level === 'I' || level === 'IV' || level === '1') return level === 'special' || level === 'IV' ? 'lv-top' : 'lv-high';
  if (level === '2' || level === 'II' || level === 'III') return 'lv-mid';
  return 'lv-low';
}

// Actions the server allows (Permit.allowed_actions) in the order the screens show them.
export const ACTION_ORDER = [
  'submit',
  'approve',
  'return',
  'reject',
  'gas_test',
  'measures',
  'briefing',
  'shift_check',
  'start',
  'progress',
  'suspend',
  'resume',
  'complete',
  'acceptance',
  'review',
  'close',
  'cancel',
];

// "edit" is left out: the screens show their own edit entry for drafts.
export function orderedActions(allowed, exclude = ['edit']) {
  const set = new Set((allowed || []).filter((a) => !exclude.includes(a)));
  const known = ACTION_ORDER.filter((a) => set.has(a));
  const rest = [...set].filter((a) => !ACTION_ORDER.includes(a));
  return [...known, ...rest];
}
