// Guardian presence on the phone (issue 3 item 6: guardian absence suspends the work).
// The permit's guardian starts guarding; the page then confirms presence every minute while it
// is open. The server suspends active work when confirmations stop for more than 5 minutes or
// when the guardian says they leave.

export const HEARTBEAT_MS = 60 * 1000;
export const PRESENCE_TIMEOUT_MS = 5 * 60 * 1000;
export const GUARD_STATES = ['issued', 'active'];

export function isGuardianOf(user, permit) {
  const mine = user && user.person_id;
  const guardian = permit && permit.plan && permit.plan.guardian_id;
  return Boolean(mine) && Boolean(guardian) && Number(mine) === Number(guardian);
}

export function canGuard(user, permit) {
  return isGuardianOf(user, permit) && GUARD_STATES.includes(permit.state);
}

export function isGuarding(permit) {
  return Boolean(permit && permit.guardian_presence);
}

// Milliseconds until the server would count the guardian absent (≤ 0: already absent).
export function presenceLeftMs(permit, nowMs) {
  const seen = permit && permit.guardian_presence && Date.parse(permit.guardian_presence.last_seen);
  if (!seen) return null;
  return seen + PRESENCE_TIMEOUT_MS - nowMs;
}

// Calls send() every intervalMs until the returned stop() is called. Errors are passed to
// onError and don't stop the beat (the next beat may get through).
export function startHeartbeat(send, { intervalMs = HEARTBEAT_MS, onError = () => {}, timers = globalThis } = {}) {
  const id = timers.setInterval(() => {
    Promise.resolve()
      .then(send)
      .catch((e) => onError(e));
  }, intervalMs);
  return () => timers.clearInterval(id);
}
