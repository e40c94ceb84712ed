// WebSocket live updates: /api/v1/ws?token=…, subscribe to topics, reconnect with back-off.

export function wsUrl(loc, token) {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${loc.host}/api/v1/ws?token=${encodeURIComponent(token)}`;
}

export function backoffDelay(attempt, base = 1000, max = 30000) {
  return Math.min(max, base * 2 ** Math.max(0, attempt));
}

export class LiveSocket {
  constructor({ getToken, location = globalThis.location, WebSocketImpl = globalThis.WebSocket } = {}) {
    this.getToken = getToken;
    this.location = location;
    this.WebSocketImpl = WebSocketImpl;
    this.handlers = new Map(); // topic → Set(fn)
    this.ws = null;
    this.attempt = 0;
    this.timer = null;
    this.pingTimer = null;
    this.stopped = true;
    this.connected = false;
    this.statusListeners = new Set();
  }

  onStatus(fn) {
    this.statusListeners.add(fn);
    fn(this.connected);
    return () => this.statusListeners.delete(fn);
  }

  setConnected(v) {
    this.connected = v;
    for (const fn of this.statusListeners) fn(v);
  }

  start() {
    this.stopped = false;
    if (!this.ws) this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.pingTimer);
    this.timer = null;
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      try {
        ws.close();
      } catch {
        /* ignore */
      }
    }
    this.setConnected(false);
  }

  open() {
    const token = this.getToken();
    if (!token || !this.WebSocketImpl) return;
    let ws;
    try {
      ws = new this.WebSocketImpl(wsUrl(this.location, token));
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.setConnected(true);
      for (const topic of this.handlers.keys()) this.send({ op: 'subscribe', topic });
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.send({ op: 'ping' }), 25000);
    };
    ws.onmessage = (ev) => {
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (msg && msg.type === 'event') this.dispatch(msg.topic, msg.data || {});
    };
    ws.onclose = () => {
      clearInterval(this.pingTimer);
      if (this.ws === ws) this.ws = null;
      this.setConnected(false);
      if (!this.stopped) this.scheduleReconnect();
    };
    ws.onerror = () => {
      /* onclose follows */
    };
  }

  scheduleReconnect() {
    clearTimeout(this.timer);
    const delay = backoffDelay(this.attempt++);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped && !this.ws) this.open();
    }, delay);
  }

  send(msg) {
    if (this.ws && this.ws.readyState === 1) this.ws.send(JSON.stringify(msg));
  }

  dispatch(topic, data) {
    const targets = [];
    if (this.handlers.has(topic)) targets.push(...this.handlers.get(topic));
    for (const [t, set] of this.handlers) {
      if (t.endsWith('.*') && t !== topic && topic && topic.startsWith(t.slice(0, -1))) targets.push(...set);
    }
    for (const fn of targets) fn(data, topic);
  }

  // Returns an unsubscribe function.
  subscribe(topic, fn) {
    let set = this.handlers.get(topic);
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
      this.send({ op: 'subscribe', topic });
    }
    set.add(fn);
    return () => {
      const s = this.handlers.get(topic);
      if (!s) return;
      s.delete(fn);
      if (s.size === 0) {
        this.handlers.delete(topic);
        this.send({ op: 'unsubscribe', topic });
      }
    };
  }
}
