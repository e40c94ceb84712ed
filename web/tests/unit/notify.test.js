import { describe, expect, it } from 'vitest';
import { fromPush, mergeNotification, notificationRoute } from '../../src/lib/notify/notify.js';

describe('notifications', () => {
  it('lead to the permit or hazard they are about, on desktop and mobile', () => {
    expect(notificationRoute({ entity: 'permits', entity_id: 7 })).toBe('/permits/7');
    expect(notificationRoute({ entity: 'hazards', entity_id: 3 }, '/m')).toBe('/m/hazards/3');
    expect(notificationRoute({ entity: 'other', entity_id: 3 })).toBeNull();
    expect(notificationRoute({ entity: 'permits' })).toBeNull();
  });
  it('take the pushed text in the user language', () => {
    const d = { id: 5, title_zh: '等待您审批', title_en: 'waiting for your approval', body_zh: '焊接', body_en: 'weld' };
    expect(fromPush(d, 'en').title).toBe('waiting for your approval');
    expect(fromPush(d, 'zh-CN').title).toBe('等待您审批');
    expect(fromPush(d, 'zh-CN').read).toBe(false);
  });
  it('merge a push once, newest first, capped', () => {
    const list = [{ id: 2 }, { id: 1 }];
    expect(mergeNotification(list, { id: 3 }).map((n) => n.id)).toEqual([3, 2, 1]);
    expect(mergeNotification(list, { id: 2 })).toBe(list);
    expect(mergeNotification(list, { id: 9 }, 2).map((n) => n.id)).toEqual([9, 2]);
  });
});
