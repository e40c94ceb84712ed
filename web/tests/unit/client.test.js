import { describe, it, expect, vi } from 'vitest';
import { createClient, parseError, buildQuery, ApiError } from '../../src/api/client.js';

function response(status, body, headers = {}) {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return new Response(status === 204 ? null : text, { status, headers });
}

describe('parseError', () => {
  it('reads the documented error envelope', async () => {
    const e = await parseError(
      response(409, { error: { code: 'base.duplicate', message: '编码已存在', details: { field: 'code' } } }),
    );
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(409);
    expect(e.code).toBe('base.duplicate');
    expect(e.message).toBe('编码已存在');
    expect(e.details).toEqual({ field: 'code' });
  });

  it('defaults details to {} and message to the code', async () => {
    const e = await parseError(response(401, { error: { code: 'auth.locked' } }));
    expect(e.code).toBe('auth.locked');
    expect(e.message).toBe('auth.locked');
    expect(e.details).toEqual({});
  });

  it('falls back to http.<status> for non-JSON bodies', async () => {
    const e = await parseError(response(502, 'Bad Gateway'));
    expect(e.code).toBe('http.502');
    expect(e.message).toBe('Bad Gateway');
    expect(e.details).toEqual({});
  });
});

describe('buildQuery', () => {
  it('skips empty values and encodes the rest', () => {
    expect(buildQuery({ page: 1, q: '罐 区', sort: '-name', kind: '', x: null })).toBe(
      '?page=1&q=%E7%BD%90+%E5%8C%BA&sort=-name',
    );
    expect(buildQuery({})).toBe('');
  });
});

describe('createClient', () => {
  it('sends the bearer token and Accept-Language', async () => {
    const fetchImpl = vi.fn(async () => response(200, { items: [], total: 0 }));
    const client = createClient({ getToken: () => 'tok123', getLang: () => 'en', fetchImpl });
    const res = await client.get('/areas', { page: 2, q: 'tank' });
    expect(res).toEqual({ items: [], total: 0 });
    const [url, init] = fetchImpl.mock.calls[0];
    expect(url).toBe('/api/v1/areas?page=2&q=tank');
    expect(init.method).toBe('GET');
    expect(init.headers.Authorization).toBe('Bearer tok123');
    expect(init.headers['Accept-Language']).toBe('en');
  });

  it('omits Authorization without a token and sends JSON bodies', async () => {
    const fetchImpl = vi.fn(async () => response(201, { id: 1 }));
    const client = createClient({ getToken: () => null, getLang: () => 'zh-CN', fetchImpl });
    await client.post('/auth/login', { username: 'a', password: 'b' });
    const [, init] = fetchImpl.mock.calls[0];
    expect(init.headers.Authorization).toBeUndefined();
    expect(init.headers['Accept-Language']).toBe('zh-CN');
    expect(init.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(init.body)).toEqual({ username: 'a', password: 'b' });
  });

  it('throws ApiError with code, message and details', async () => {
    const fetchImpl = async () =>
      response(400, {
        error: { code: 'validation.failed', message: '校验失败', details: { name: 'required', code: 'too_long' } },
      });
    const client = createClient({ fetchImpl });
    await expect(client.post('/areas', {})).rejects.toMatchObject({
      status: 400,
      code: 'validation.failed',
      message: '校验失败',
      details: { name: 'required', code: 'too_long' },
    });
  });

  it('calls onUnauthorized on 401 unless told not to', async () => {
    const onUnauthorized = vi.fn();
    const fetchImpl = async () => response(401, { error: { code: 'auth.unauthenticated', message: 'x' } });
    const client = createClient({ fetchImpl, onUnauthorized });
    await expect(client.get('/auth/me')).rejects.toBeInstanceOf(ApiError);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    await expect(client.post('/auth/login', {}, { noAuthRedirect: true })).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('returns null for 204', async () => {
    const client = createClient({ fetchImpl: async () => response(204) });
    expect(await client.del('/areas/1', { version: 3 })).toBeNull();
  });

  it('maps network failures to network.error', async () => {
    const client = createClient({
      fetchImpl: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    await expect(client.get('/x')).rejects.toMatchObject({ code: 'network.error', status: 0 });
  });

  it('downloads blobs with the auth header and the server file name', async () => {
    const fetchImpl = vi.fn(async () =>
      response(200, 'a,b\n1,2\n', { 'Content-Disposition': 'attachment; filename="areas.csv"' }),
    );
    const client = createClient({ getToken: () => 't', fetchImpl });
    const { blob, filename } = await client.download('/areas/export', { format: 'csv' });
    expect(filename).toBe('areas.csv');
    expect(await blob.text()).toBe('a,b\n1,2\n');
    expect(fetchImpl.mock.calls[0][0]).toBe('/api/v1/areas/export?format=csv');
    expect(fetchImpl.mock.calls[0][1].headers.Authorization).toBe('Bearer t');
  });
});
