// Hazards, risk register, inspections and incidents API (issue 4) on top of the shared client.
import { api } from '../../api/index.js';

export const hazardsApi = {
  types: () => api.get('/hazard-types'),
  uploadPhoto: (blob) => api.upload('/hazard-files', blob, undefined, blob.type || 'image/jpeg'),
  photoUrl: (id) => `/api/v1/hazard-files/${encodeURIComponent(id)}`,
  photoBlob: (url) => api.download(url.replace(/^\/api\/v1/, '')),
  list: (query) => api.get('/hazards', query),
  mine: (role) => api.get('/hazards/mine', { role }),
  get: (id) => api.get(`/hazards/${id}`),
  report: (body) => api.post('/hazards', body),
  act: (id, action, body) => api.post(`/hazards/${id}/${action}`, body || {}),
  exportXlsx: (query) => api.download('/hazards/export', query),
  riskPoints: (areaId) => api.get('/risk-points', areaId ? { area_id: areaId } : undefined),
  colourMap: () => api.get('/risk-points/colour-map'),
  createRiskPoint: (body) => api.post('/risk-points', body),
  inspections: (query) => api.get('/inspections', query),
  completeInspection: (id, results) => api.post(`/inspections/${id}/complete`, { results }),
  incidents: () => api.get('/incidents'),
  incident: (id) => api.get(`/incidents/${id}`),
  createIncident: (body) => api.post('/incidents', body),
  addAction: (id, body) => api.post(`/incidents/${id}/actions`, body),
  actionDone: (id, actionId, note) => api.post(`/incidents/${id}/actions/${actionId}/done`, { note }),
  closeIncident: (id) => api.post(`/incidents/${id}/close`, {}),
  figures: (from, to) => api.get('/incidents/figures', { from, to }),
  areas: () => api.get('/areas', { page_size: 500 }),
  person: (id) => api.get(`/people/${id}`),
};
