import { describe, it, expect } from 'vitest';
import { LiveSocket, wsUrl, backoffDelay } from '../../src/api/live.js';

class FakeWs {
  static last = null;
  constructor(url) {
    this.url = url;
    this.sent = [];
    this.readyState = 0;
    FakeWs.last = this;
  }
  send(m) {
    this.sent.push(JSON.parse(m));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen();
  }
}

describe('LiveSocket', () => {
  it('builds ws/wss URLs from the page', () => {
    expect(wsUrl({ protocol: 'http:', host: 'a:8080' }, 't k')).toBe('ws://a:8080/api/v1/ws?token=t%20k');
    expect(wsUrl({ protocol: 'https:', host: 'b' }, 'x')).toBe('wss://b/api/v1/ws?token=x');
  });

  it('backs off exponentially up to a cap', () => {
    expect(backoffDelay(0)).toBe(1000);
    expect(backoffDelay(3)).toBe(8000);
    expect(backoffDelay(10)).toBe(30000);
  });

  it('subscribes on open and dispatches events', () => {
    const s = new LiveSocket({ getToken: () => 'tok', location: { protocol: 'http:', host: 'h' }, WebSocketImpl: FakeWs });
    const seen = [];
    const off = s.subscribe('base.areas', (d) => seen.push(d));
    s.start();
    const ws = FakeWs.last;
    ws.open();
    expect(ws.sent).toEqual([{ op: 'subscribe', topic: 'base.areas' }]);
    ws.onmessage({ data: JSON.stringify({ type: 'event', topic: 'base.areas', data: { action: 'update', id: 12 } }) });
    ws.onmessage({ data: JSON.stringify({ type: 'event', topic: 'base.people', data: { id: 1 } }) });
    expect(seen).toEqual([{ action: 'update', id: 12 }]);
    off();
    expect(ws.sent.at(-1)).toEqual({ op: 'unsubscribe', topic: 'base.areas' });
    s.stop();
  });
});
