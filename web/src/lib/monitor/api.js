// Monitoring API (issue 5 §8: GET /monitor/board, alarms, violations, sensor series) on top of the
// shared client.
import { api } from '../../api/index.js';

export const monitorApi = {
  board: () => api.get('/monitor/board'),
  alarms: (query) => api.get('/monitor/alarms', query),
  alarm: (id) => api.get(`/monitor/alarms/${id}`),
  acknowledge: (id, note) => api.post(`/monitor/alarms/${id}/acknowledge`, note ? { note } : {}),
  close: (id, note) => api.post(`/monitor/alarms/${id}/close`, note ? { note } : {}),
  violations: (query) => api.get('/monitor/violations', query),
  // The snapshot needs the auth header, so it is read as a Blob (as permit attachments are).
  snapshotBlob: (id) => api.download(`/monitor/violations/${id}/snapshot`),
  handle: (id, body) => api.post(`/monitor/violations/${id}/handle`, body),
  series: (sensorId, from, to) => api.get(`/monitor/sensors/${sensorId}/series`, { from, to }),
  areas: () => api.get('/areas', { page_size: 500 }),
};

// Query for GET /monitor/alarms from the filter form: {open, state:[], area_id, severity}.
export function alarmQuery(f = {}, page = 1, pageSize = 20) {
  return {
    open: f.open ? 1 : undefined,
    state: f.state && f.state.length ? f.state.join(',') : undefined,
    area_id: f.area_id || undefined,
    severity: f.severity || undefined,
    page,
    page_size: pageSize,
  };
}
