// Toast text for a WebSocket event: "张三 updated area #12".
export function liveMessage(t, data, entityLabel) {
  const action = ['create', 'update', 'delete'].includes(data.action) ? data.action : 'update';
  return t(`live.${action}`, { actor: data.actor || t('live.someone'), entity: entityLabel, id: data.id });
}

// Changes made from this tab are not announced back to it.
const own = new Map(); // "entity:id" → time
export function markOwn(entity, id, now = Date.now()) {
  own.set(`${entity}:${id}`, now);
}

export function isOwnEvent(data, now = Date.now()) {
  if (!data) return false;
  const at = own.get(`${data.entity}:${data.id}`);
  return at !== undefined && now - at < 10000;
}
