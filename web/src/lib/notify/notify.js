// Notifications (the server's outbox): where an item leads, and merging live pushes into the list.

// The route of the record a notification is about, for the desktop ('') or mobile ('/m') app.
export function notificationRoute(n, base = '') {
  if (!n || !n.entity_id) return null;
  if (n.entity === 'permits') return `${base}/permits/${n.entity_id}`;
  if (n.entity === 'hazards') return `${base}/hazards/${n.entity_id}`;
  return null;
}

// A pushed notification ({id, title_zh, title_en, body_zh, body_en, ...}) in the list's shape.
export function fromPush(data, lang) {
  const en = lang === 'en';
  return {
    id: data.id,
    kind: data.kind,
    entity: data.entity,
    entity_id: data.entity_id,
    title: en ? data.title_en : data.title_zh,
    body: en ? data.body_en : data.body_zh,
    created_at: data.created_at,
    read: false,
  };
}

// Adds `item` at the front unless an item with its id is there; keeps at most `max`.
export function mergeNotification(list, item, max = 20) {
  if (list.some((n) => n.id === item.id)) return list;
  return [item, ...list].slice(0, max);
}
