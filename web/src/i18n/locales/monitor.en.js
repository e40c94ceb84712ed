// Monitoring (issue 5 §8) screen texts: board, alarms, violations, trends, mobile alarm feed.
export default {
  menu: { group: 'Monitoring', board: 'Monitoring board', alarms: 'Alarms', violations: 'Violations' },
  level: { normal: 'Normal', warning: 'Warning', alarm: 'Alarm', offline: 'Offline', invalid: 'Invalid' },
  severity: { critical: 'Critical', warning: 'Warning' },
  state: { raised: 'Raised', acknowledged: 'Acknowledged', cleared_unacknowledged: 'Cleared, not acknowledged', cleared: 'Cleared', closed: 'Closed' },
  calibration: { ok: 'Calibration valid', due_soon: 'Calibration due soon', overdue: 'Calibration overdue', unknown: 'Calibration date unknown' },
  flag: { duplicate: 'Duplicate', out_of_range: 'Out of range', spike: 'Spike', stuck: 'Stuck', future: 'Time in the future', too_old: 'Too old', invalid: 'Invalid reading' },
  vtype: {
    no_helmet: 'No helmet', no_harness: 'No harness', smoking: 'Smoking', intrusion: 'Intrusion', fire_smoke: 'Fire / smoke',
    guardian_absent: 'Guardian absent', unauthorised_entry: 'Unauthorised entry', overcrowding: 'Overcrowding', overtime: 'Overtime',
  },
  vstatus: { open: 'Open', handled: 'Handled', dismissed: 'Dismissed (false alarm)' },
  field: {
    area: 'Area', sensor: 'Sensor', device: 'Device', kind: 'Kind', severity: 'Severity', state: 'State', value: 'Value', threshold: 'Threshold',
    raisedAt: 'Raised', acknowledgedAt: 'Acknowledged', acknowledgedBy: 'Acknowledged by', clearedAt: 'Cleared', closedAt: 'Closed',
    escalation: 'Escalation', occurrences: 'Occurrences', permits: 'Linked permits', note: 'Note', events: 'History', type: 'Type',
    person: 'Person', permit: 'Permit', confidence: 'Confidence', frames: 'Frames', occurredAt: 'Occurred', snapshot: 'Snapshot', status: 'Status',
    needsTraining: 'Needs training', condition: 'Condition', updated: 'Updated',
  },
  board: {
    summary: '{areas} areas · {alarm} alarm · {warning} warning · {offline} offline · {openAlarms} open alarms · {online}/{sensors} sensors online',
    empty: 'No monitoring data yet', noSensors: 'No sensors in this area', openAlarms: '{n} open alarms', noPermits: 'No active work', permits: 'Active work',
    invalid: 'This reading was flagged by cleaning and raises no alarm', offline: 'Offline', calOverdue: 'Calibration overdue', calDueSoon: 'Calibration due soon',
    loadFailed: 'Could not load the monitoring board', live: 'Live', liveOff: 'Live connection lost', updatedAt: 'Data at {time}', clickForTrend: 'Click for the trend',
  },
  alarms: {
    openOnly: 'Open only', empty: 'No alarms', acknowledge: 'Acknowledge', close: 'Close', detail: 'Details', ackTitle: 'Acknowledge alarm', closeTitle: 'Close alarm',
    notePlaceholder: 'Note (optional)', acknowledged: 'Alarm acknowledged', closed: 'Alarm closed', loadFailed: 'Could not load alarms', newAlarm: 'New alarm: {area} {sensor}',
    escalated: 'Escalated {n}×', suspended: 'suspended', trend: 'Trend', sound: 'Sound', noEvents: 'No history yet', noPermits: 'No linked permits',
  },
  violations: {
    empty: 'No violations', handle: 'Handle', handleTitle: 'Handle violation', handled: 'Violation handled', noteRequired: 'Please write what was done', loadFailed: 'Could not load violations',
    noSnapshot: 'No snapshot', snapshotFailed: 'Could not load the snapshot', markTraining: 'Mark the person as needing training', dismiss: 'False alarm (dismiss)', handledOpt: 'Handled',
    newViolation: 'New violation: {type} ({area})',
  },
  trend: {
    title: '{name} trend', range: { '1h': '1 hour', '24h': '24 hours', '7d': '7 days', '30d': '30 days' }, empty: 'No data in this period',
    loadFailed: 'Could not load the trend', value: 'Reading', avg: 'Average', band: 'Min–max', flagged: 'Flagged',
    alarm_high: 'Alarm high', warning_high: 'Warning high', warning_low: 'Warning low', alarm_low: 'Alarm low',
    resolution: { raw: 'Raw readings', minute: 'Per-minute roll-up', hour: 'Hourly roll-up' },
  },
  token: {
    issue: 'Issue device token', title: 'Token for device {code}', confirm: "A new token replaces the device's current one. Continue?", once: 'The token is shown only once: copy it to the device now.',
    token: 'HTTP device token', mqttUser: 'MQTT username', copy: 'Copy', copied: 'Copied', copyFailed: 'No clipboard access: copy it by hand',
  },
  mobile: {
    title: 'Live alarms', entry: 'Live alarms', entryHint: 'Open alarms; a new one rings and vibrates', empty: 'No open alarms', mute: 'Mute', unmute: 'Sound on',
    muted: 'Muted', unmuted: 'Sound on: new alarms will ring', swipeHint: 'Swipe left or tap “Acknowledge”', tapToEnableSound: 'Tap here to enable the alarm sound',
  },
};
