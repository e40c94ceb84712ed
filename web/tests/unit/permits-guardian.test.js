import { describe, it, expect, vi, afterEach } from 'vitest';
import { HEARTBEAT_MS, PRESENCE_TIMEOUT_MS, canGuard, isGuardianOf, isGuarding, presenceLeftMs, startHeartbeat } from '../../src/lib/permits/guardian.js';

const permit = (state, guardian_id = 7, presence = null) => ({ state, plan: { guardian_id }, guardian_presence: presence });

describe('guardian presence', () => {
  afterEach(() => vi.useRealTimers());

  it.each([
    [{ person_id: 7 }, permit('active'), true],
    [{ person_id: '7' }, permit('active'), true],
    [{ person_id: 8 }, permit('active'), false],
    [{ person_id: null }, permit('active', null), false],
    [null, permit('active'), false],
    [{ person_id: 7 }, { state: 'active' }, false],
  ])('isGuardianOf(%j, …) = %s', (user, p, want) => {
    expect(isGuardianOf(user, p)).toBe(want);
  });

  it.each([
    ['draft', false],
    ['in_approval', false],
    ['issued', true],
    ['active', true],
    ['suspended', false],
    ['completed', false],
  ])('canGuard in %s = %s', (state, want) => {
    expect(canGuard({ person_id: 7 }, permit(state))).toBe(want);
  });

  it('counts down to the server timeout from the last confirmation', () => {
    const seen = '2026-11-29T08:00:00.000+08:00';
    const p = permit('active', 7, { since: seen, last_seen: seen });
    const t0 = Date.parse(seen);
    expect(isGuarding(p)).toBe(true);
    expect(isGuarding(permit('active'))).toBe(false);
    expect(presenceLeftMs(p, t0)).toBe(PRESENCE_TIMEOUT_MS);
    expect(presenceLeftMs(p, t0 + PRESENCE_TIMEOUT_MS)).toBe(0);
    expect(presenceLeftMs(p, t0 + PRESENCE_TIMEOUT_MS + 1)).toBe(-1);
    expect(presenceLeftMs(permit('active'), t0)).toBeNull();
    // The beat is well inside the timeout, so one lost beat doesn't suspend the work.
    expect(HEARTBEAT_MS * 2).toBeLessThan(PRESENCE_TIMEOUT_MS);
  });

  it('beats until stopped and survives a failed beat', async () => {
    vi.useFakeTimers();
    const send = vi.fn().mockRejectedValueOnce(new Error('offline')).mockResolvedValue({});
    const onError = vi.fn();
    const stop = startHeartbeat(send, { intervalMs: 1000, onError });
    await vi.advanceTimersByTimeAsync(999);
    expect(send).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(send).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(send).toHaveBeenCalledTimes(3);
    stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(send).toHaveBeenCalledTimes(3);
  });
});
