// Cached name look-ups for the hazard screens: areas, taxonomy, people.
import { reactive } from 'vue';
import { hazardsApi } from './api.js';

const cache = reactive({ areas: [], types: [], people: {} });
let areasP = null;
let typesP = null;

export function useLookups() {
  if (!areasP) {
    areasP = hazardsApi
      .areas()
      .then((r) => (cache.areas = r.items || []))
      .catch(() => (areasP = null));
  }
  if (!typesP) {
    typesP = hazardsApi
      .types()
      .then((r) => (cache.types = r || []))
      .catch(() => (typesP = null));
  }
  const areaName = (id) => cache.areas.find((a) => a.id === id)?.name || (id ? `#${id}` : '');
  const typeName = (code) => cache.types.find((x) => x.code === code)?.name || code || '';
  const personName = (id) => {
    if (!id) return '';
    if (!(id in cache.people)) {
      cache.people[id] = `#${id}`;
      hazardsApi
        .person(id)
        .then((p) => (cache.people[id] = p.name))
        .catch(() => {});
    }
    return cache.people[id];
  };
  return { cache, areaName, typeName, personName, ready: Promise.all([areasP, typesP]) };
}
