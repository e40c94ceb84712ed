// HTTP client for the anguan API (docs/api.md). Framework-free so it can be unit-tested.

export class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

// Turns a failed Response into an ApiError: {error: {code, message, details}} when the body is
// the documented error envelope, otherwise a generic http.<status> error.
export async function parseError(res) {
  let text = '';
  try {
    text = await res.text();
  } catch {
    text = '';
  }
  let body = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  const err = body && typeof body === 'object' ? body.error : null;
  if (err && typeof err === 'object' && typeof err.code === 'string') {
    const details = err.details && typeof err.details === 'object' ? err.details : {};
    return new ApiError(res.status, err.code, err.message || err.code, details);
  }
  return new ApiError(res.status, `http.${res.status}`, text.slice(0, 200) || res.statusText || `HTTP ${res.status}`, {});
}

export function buildQuery(query) {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      for (const item of v) params.append(k, String(item));
    } else {
      params.append(k, String(v));
    }
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

// options: baseUrl, getToken(), getLang(), onUnauthorized(error), fetchImpl
export function createClient(options = {}) {
  const baseUrl = options.baseUrl ?? '/api/v1';
  const getToken = options.getToken ?? (() => null);
  const getLang = options.getLang ?? (() => 'zh-CN');
  const onUnauthorized = options.onUnauthorized ?? (() => {});
  const fetchImpl = options.fetchImpl ?? ((...args) => globalThis.fetch(...args));

  function headers(extra = {}) {
    const h = { 'Accept-Language': getLang(), Accept: 'application/json', ...extra };
    const token = getToken();
    if (token) h.Authorization = `Bearer ${token}`;
    return h;
  }

  async function send(method, path, opts = {}) {
    const url = baseUrl + path + buildQuery(opts.query);
    const init = { method, headers: headers(opts.headers) };
    if (opts.body !== undefined) {
      if (opts.rawBody) {
        init.body = opts.body;
      } else {
        init.body = JSON.stringify(opts.body);
        init.headers['Content-Type'] = 'application/json';
      }
    }
    if (opts.signal) init.signal = opts.signal;
    let res;
    try {
      res = await fetchImpl(url, init);
    } catch (e) {
      if (e && e.name === 'AbortError') throw e;
      throw new ApiError(0, 'network.error', (e && e.message) || 'network error', {});
    }
    if (!res.ok) {
      const error = await parseError(res);
      if (res.status === 401 && !opts.noAuthRedirect) onUnauthorized(error);
      throw error;
    }
    return res;
  }

  async function request(method, path, opts = {}) {
    const res = await send(method, path, opts);
    if (res.status === 204) return null;
    const text = await res.text();
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }

  return {
    request,
    send,
    headers,
    get: (path, query, opts = {}) => request('GET', path, { ...opts, query }),
    post: (path, body, opts = {}) => request('POST', path, { ...opts, body }),
    put: (path, body, opts = {}) => request('PUT', path, { ...opts, body }),
    del: (path, query, opts = {}) => request('DELETE', path, { ...opts, query }),
    // Raw upload (import): body = File/Blob/ArrayBuffer
    upload: (path, body, query, contentType) =>
      request('POST', path, {
        query,
        body,
        rawBody: true,
        headers: contentType ? { 'Content-Type': contentType } : {},
      }),
    // Download as a Blob with the auth header; returns {blob, filename}.
    async download(path, query) {
      const res = await send('GET', path, { query, headers: { Accept: '*/*' } });
      const blob = await res.blob();
      const cd = res.headers.get('Content-Disposition') || '';
      let filename = null;
      const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
      const plain = /filename="?([^";]+)"?/i.exec(cd);
      if (star) filename = decodeURIComponent(star[1]);
      else if (plain) filename = plain[1];
      return { blob, filename };
    },
  };
}
