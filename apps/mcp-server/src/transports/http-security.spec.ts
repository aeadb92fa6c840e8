/**
 * HTTP transport, security edge: health probes, bearer auth failures, DNS-rebinding protection,
 * non-loopback bind refusal, rate and body limits.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeConfig } from '../config.js';
import { createLogger, silentLogger } from '../log.js';
import { systemClock } from '../clock.js';
import { serveHttp } from './serve-http.js';
import { checkHttpStartup, startHttpServer } from './http.js';
import { AUTH_TOKEN, connectHttpClient, initializeBody, nodeRequest, post, PROTOCOL_VERSION, rawSession, startHttpFixture, type HttpFixture } from '../testing/http-harness.js';

const auth = { Authorization: `Bearer ${AUTH_TOKEN}` };

describe('HTTP transport: probes and bearer auth', () => {
  let fx: HttpFixture;
  beforeAll(async () => {
    fx = await startHttpFixture();
  });
  afterAll(async () => fx.close());

  it('serves /healthz without auth and without secrets, and /readyz from a Coder probe', async () => {
    const health = await fetch(`${fx.http.url}/healthz`);
    expect(health.status).toBe(200);
    const text = await health.text();
    expect(JSON.parse(text)).toMatchObject({ status: 'ok' });
    for (const secret of [AUTH_TOKEN, fx.sim.token, fx.sim.url]) expect(text).not.toContain(secret);
    const ready = await fetch(`${fx.http.url}/readyz`);
    expect(ready.status).toBe(200);
    const readyText = await ready.text();
    expect(JSON.parse(readyText)).toMatchObject({ ready: true, coder: 'ok' });
    for (const secret of [AUTH_TOKEN, fx.sim.token, fx.sim.url]) expect(readyText).not.toContain(secret);
    expect((await fetch(`${fx.http.url}/elsewhere`)).status).toBe(404);
  });

  it.each([
    ['missing_token', {}, 'Bearer realm="coder-fleet-mcp"'],
    ['invalid_token', { Authorization: 'Bearer not-the-token' }, 'error="invalid_token"'],
    ['malformed_header', { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, 'error="invalid_request"'],
    ['malformed_header', { Authorization: 'Bearer' }, 'error="invalid_request"'],
  ] as const)('answers 401 %s with WWW-Authenticate', async (code, headers, challenge) => {
    const r = await post(fx.http.mcpUrl, initializeBody(), headers);
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toContain(challenge);
    expect(await r.json()).toMatchObject({ error: code });
    expect(fx.http.sessionCount()).toBe(0);
  });

  it('serves an authenticated session end to end with the SDK client', async () => {
    const c = await connectHttpClient(fx.http.mcpUrl);
    const tools = await c.client.listTools();
    expect(tools.tools.map((t) => t.name)).toContain('get_fleet_status');
    const status = await c.call('get_fleet_status');
    expect(status.isError).toBeFalsy();
    expect(fx.http.sessionCount()).toBe(1);
    await c.close();
    expect(fx.http.sessionCount()).toBe(0);
  });

  it('lets a session narrow its own tools with X-Fleet-* headers on initialize, never widen them', async () => {
    const ro = await connectHttpClient(fx.http.mcpUrl, { headers: { 'X-Fleet-Read-Only': 'true' } });
    const roTools = (await ro.client.listTools()).tools;
    expect(roTools.length).toBeGreaterThan(0);
    expect(roTools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
    const fleetOnly = await connectHttpClient(fx.http.mcpUrl, { headers: { 'X-Fleet-Toolsets': 'fleet' } });
    expect((await fleetOnly.client.listTools()).tools.map((t) => t.name)).toEqual(['get_fleet_status', 'get_fleet_trends']);
    const full = await connectHttpClient(fx.http.mcpUrl);
    expect((await full.client.listTools()).tools.some((t) => t.annotations?.destructiveHint === true)).toBe(true);
    for (const c of [ro, fleetOnly, full]) await c.close();
    const bad = await post(fx.http.mcpUrl, initializeBody(), { ...auth, 'X-Fleet-Toolsets': 'root' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/Unknown toolset/);
  });

  it('rejects requests for unknown sessions and non-initialize requests without a session', async () => {
    const unknown = await post(fx.http.mcpUrl, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { ...auth, 'mcp-session-id': 'no-such-session' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: -32001 } });
    const noSession = await post(fx.http.mcpUrl, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, auth);
    expect(noSession.status).toBe(400);
    const badJson = await post(fx.http.mcpUrl, '{not json', auth);
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ error: { code: -32700 } });
  });

  it.each([
    ['a rebinding Host', { Host: 'evil.example:8717' }],
    ['a rebinding Host without credentials', { Host: 'evil.example' }],
    ['a foreign Origin', { Origin: 'https://evil.example' }],
    ['a null Origin', { Origin: 'null' }],
  ])('refuses %s with 403 before authentication', async (label, headers) => {
    const sessionsBefore = fx.http.sessionCount();
    const r = await nodeRequest(fx.http.mcpUrl, { body: initializeBody(), headers: label.includes('without') ? headers : { ...auth, ...headers } });
    expect(r.status).toBe(403);
    expect((JSON.parse(r.text) as { error: { message: string } }).error.message).toMatch(/not allowed/);
    expect(fx.http.sessionCount()).toBe(sessionsBefore);
  });

  it('answers CORS preflight for allowed origins only, and exposes the session header', async () => {
    const pre = await fetch(fx.http.mcpUrl, { method: 'OPTIONS', headers: { Origin: 'http://localhost:6274', 'Access-Control-Request-Method': 'POST' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://localhost:6274');
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/Authorization.*Mcp-Session-Id.*Last-Event-ID/);
    const foreign = await fetch(fx.http.mcpUrl, { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const init = await post(fx.http.mcpUrl, initializeBody(), { ...auth, Origin: 'http://localhost:6274' });
    expect(init.headers.get('access-control-expose-headers')).toContain('Mcp-Session-Id');
    await init.text();
  });

  it('accepts loopback Host names and loopback Origins (local browser tools)', async () => {
    const variants: Record<string, string>[] = [{ Host: `localhost:${fx.http.port}` }, { Host: `[::1]:${fx.http.port}` }, { Origin: 'http://localhost:6274' }, { Origin: 'http://127.0.0.1:3000' }];
    for (const headers of variants) {
      const r = await nodeRequest(fx.http.mcpUrl, { body: initializeBody(), headers: { ...auth, ...headers } });
      expect(r.status, JSON.stringify(headers)).toBe(200);
    }
  });
});

describe('HTTP transport: readiness', () => {
  it('reports not ready (503) when Coder rejects the server token, and caches the probe', async () => {
    let now = 0;
    const fx = await startHttpFixture({ serverToken: 'revoked-token', server: { now: () => now, readinessTtlMs: 5000 } });
    try {
      fx.sim.control.resetCounters();
      const first = await fetch(`${fx.http.url}/readyz`);
      expect(first.status).toBe(503);
      expect(await first.json()).toMatchObject({ ready: false, coder: 'token_rejected' });
      const probes = () => Object.values(fx.sim.control.counters() as unknown as Record<string, number>).reduce((a, b) => a + b, 0);
      const afterFirst = probes();
      now += 1000;
      expect((await fetch(`${fx.http.url}/readyz`)).status).toBe(503);
      expect(probes()).toBe(afterFirst);
      now += 5000;
      await (await fetch(`${fx.http.url}/readyz`)).text();
      expect(probes()).toBeGreaterThan(afterFirst);
      expect((await fetch(`${fx.http.url}/healthz`)).status).toBe(200);
    } finally {
      await fx.close();
    }
  });
});

describe('HTTP transport: start-up safety', () => {
  const base = { coderUrl: 'http://coder.test', sessionToken: 't', transport: 'http' as const };

  it('refuses a non-loopback bind without authentication, with a clear message', async () => {
    const config = makeConfig({ ...base, host: '0.0.0.0' });
    expect(checkHttpStartup(config).errors.join('\n')).toMatch(/Refusing to bind 0\.0\.0\.0 without authentication: set FLEET_MCP_AUTH_TOKEN/);
    await expect(startHttpServer({ config, coder: {} as never, log: silentLogger })).rejects.toThrow(/Refusing to bind/);
    expect(checkHttpStartup(makeConfig({ ...base, host: '10.1.2.3', authMode: 'none', authToken: AUTH_TOKEN })).errors).toHaveLength(1);
  });

  it('logs nothing about the bind address when it refuses the bind (D9)', async () => {
    const config = makeConfig({ ...base, host: '0.0.0.0', transport: 'http' });
    expect(checkHttpStartup(config).warnings).toEqual([]);
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', write: (l) => void lines.push(l) });
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await serveHttp({ config, coder: {} as never, log, clock: systemClock, exit: () => undefined, onSignal: () => undefined })).toBe(2);
      expect(stderr.mock.calls.join('\n')).toMatch(/Refusing to bind 0\.0\.0\.0/);
    } finally {
      stderr.mockRestore();
    }
    expect(lines.join('')).not.toMatch(/Bound to/);
  });

  it('allows a non-loopback bind with a bearer token or coder-token mode; loopback needs nothing', () => {
    expect(checkHttpStartup(makeConfig({ ...base, host: '0.0.0.0', authToken: AUTH_TOKEN })).errors).toEqual([]);
    expect(checkHttpStartup(makeConfig({ ...base, host: '0.0.0.0', authMode: 'coder-token' })).errors).toEqual([]);
    expect(checkHttpStartup(makeConfig({ ...base, host: '127.0.0.1' })).errors).toEqual([]);
    expect(checkHttpStartup(makeConfig({ ...base, host: '::1' })).errors).toEqual([]);
  });

  it('warns about a group/world-readable token file and unlisted public host names', () => {
    const config = makeConfig({ ...base, host: '0.0.0.0', authToken: AUTH_TOKEN, authTokenFile: '/etc/fleet/token' });
    const warnings = checkHttpStartup(config, () => 0o100644).warnings.join('\n');
    expect(warnings).toMatch(/readable by group\/others \(mode 644\): run chmod 600 \/etc\/fleet\/token/);
    expect(warnings).toMatch(/--allowed-hosts/);
    expect(checkHttpStartup({ ...config, allowedHosts: ['fleet.example.com'] }, () => 0o100600).warnings).toEqual([]);
  });
});

describe('HTTP transport: limits', () => {
  let fx: HttpFixture;
  let now = 0;
  beforeAll(async () => {
    fx = await startHttpFixture({ config: { rateLimitPerMinute: 60, rateLimitBurst: 4, maxBodyBytes: 2048, allowedHosts: ['fleet.example.com'] }, server: { now: () => now } });
  });
  afterAll(async () => fx.close());

  it('limits requests per session with 429 + Retry-After, independently per session', async () => {
    now = 1_000_000;
    const a = await rawSession(fx.http.mcpUrl, auth);
    const b = await rawSession(fx.http.mcpUrl, auth);
    const list = (session: string, id: number) =>
      post(fx.http.mcpUrl, { jsonrpc: '2.0', id, method: 'tools/list' }, { ...auth, 'mcp-session-id': session, 'mcp-protocol-version': PROTOCOL_VERSION });
    // initialized used one token of each session's burst of 4.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await list(a, 10 + i);
      statuses.push(r.status);
      await r.text();
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await list(a, 20);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(((await limited.json()) as { error: { message: string } }).error.message).toMatch(/Rate limit exceeded: at most 60 JSON-RPC messages per minute per session/);
    const other = await list(b, 30);
    expect(other.status).toBe(200);
    await other.text();
    now += 1000;
    const later = await list(a, 40);
    expect(later.status).toBe(200);
    await later.text();
  });

  it('refuses bodies over the limit with 413 and a JSON-RPC error', async () => {
    now += 600_000;
    const big = { ...initializeBody(), params: { ...initializeBody().params, padding: 'x'.repeat(4096) } };
    const r = await post(fx.http.mcpUrl, big, auth);
    expect(r.status).toBe(413);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/Request body too large: the limit is 2048 bytes \(--max-body-bytes\)/);
  });

  it('accepts an extra Host listed in --allowed-hosts, still refuses others', async () => {
    now += 600_000;
    expect((await nodeRequest(fx.http.mcpUrl, { body: initializeBody(), headers: { ...auth, Host: 'FLEET.example.com:443' } })).status).toBe(200);
    expect((await nodeRequest(fx.http.mcpUrl, { body: initializeBody(), headers: { ...auth, Host: 'other.example.com' } })).status).toBe(403);
  });
});
