// Which permission writes which entity (src/domain/auth/access.hpp).
const WRITE = {
  org_units: 'org.write',
  areas: 'org.write',
  equipment: 'org.write',
  maintenance_windows: 'org.write',
  people: 'people.write',
  certificates: 'people.write',
  holidays: 'calendar.write',
};

export function writePermission(entityName) {
  return WRITE[entityName] || 'org.write';
}


export const MOBILE_ICONS = {
  org_units: 'cluster-o',
  areas: 'location-o',
  people: 'friends-o',
  certificates: 'certificate',
  equipment: 'setting-o',
  maintenance_windows: 'underway-o',
  holidays: 'calendar-o',
};

// Entities in menu order, when /meta/entities has not been loaded yet.
export const ENTITY_ORDER = ['org_units', 'areas', 'people', 'certificates', 'equipment', 'maintenance_windows', 'holidays'];

export function sortEntities(list) {
  return [...list].sort((a, b) => {
    const ia = ENTITY_ORDER.indexOf(a.name);
    const ib = ENTITY_ORDER.indexOf(b.name);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  });
}

// Mobile can create these (simple forms).
export const MOBILE_CREATABLE = ['areas', 'people'];
