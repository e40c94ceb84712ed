import { describe, it, expect } from 'vitest';
import { diffRows, showJson } from '../../src/lib/diff.js';
import { liveMessage, markOwn, isOwnEvent } from '../../src/lib/liveText.js';

describe('audit diff', () => {
  it('marks changed keys and keeps unchanged ones', () => {
    const rows = diffRows({ name: 'A', code: 'X', tags: [1] }, { name: 'B', code: 'X', tags: [1], extra: null });
    expect(rows).toEqual([
      { key: 'name', before: 'A', after: 'B', changed: true },
      { key: 'code', before: 'X', after: 'X', changed: false },
      { key: 'tags', before: [1], after: [1], changed: false },
      { key: 'extra', before: undefined, after: null, changed: true },
    ]);
  });

  it('handles create and delete (null sides)', () => {
    expect(diffRows(null, { a: 1 })).toEqual([{ key: 'a', before: undefined, after: 1, changed: true }]);
    expect(diffRows({ a: 1 }, null)).toEqual([{ key: 'a', before: 1, after: undefined, changed: true }]);
    expect(showJson(null)).toBe('null');
    expect(showJson({ a: 1 })).toBe('{"a":1}');
    expect(showJson(undefined)).toBe('');
  });
});

describe('live event text', () => {
  const t = (k, p) => `${k}|${JSON.stringify(p || {})}`;
  it('names the actor, entity and id', () => {
    expect(liveMessage(t, { action: 'update', actor: '张三', id: 12 }, '区域/位置')).toBe(
      'live.update|{"actor":"张三","entity":"区域/位置","id":12}',
    );
    expect(liveMessage(t, { action: 'weird', id: 1 }, 'x')).toMatch(/^live.update\|/);
  });

  it('recognises this tab’s own recent changes', () => {
    markOwn('areas', 5, 1000);
    expect(isOwnEvent({ entity: 'areas', id: 5 }, 2000)).toBe(true);
    expect(isOwnEvent({ entity: 'areas', id: 5 }, 20000)).toBe(false);
    expect(isOwnEvent({ entity: 'areas', id: 6 }, 2000)).toBe(false);
  });
});
