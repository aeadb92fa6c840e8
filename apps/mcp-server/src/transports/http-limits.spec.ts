/**
 * HTTP limits that an attack run broke (../shared/repro, kept as specs here):
 * D4 a JSON-RPC batch cost one rate-limit token whatever its size; D7 requests without a session shared one
 * bucket per socket address (everyone behind a reverse proxy); D5 per-session replay stores kept every
 * answer (a soak of 50 sessions × rounds grew without bound).
 */
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log.js';
import { z } from 'zod';
import { defineTool, success } from '../define-tool.js';
import { createServer } from '../server.js';
import { AUTH_TOKEN, eventually, initializeBody, post, PROTOCOL_VERSION, rawSession, startHttpFixture, type HttpFixture } from '../testing/http-harness.js';

const auth = { Authorization: `Bearer ${AUTH_TOKEN}` };
const call = (id: number, name: string, args: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });
const sessionHeaders = (id: string) => ({ ...auth, 'mcp-session-id': id, 'mcp-protocol-version': PROTOCOL_VERSION });

describe('HTTP rate limit counts JSON-RPC messages (D4)', () => {
  let fx: HttpFixture;
  beforeAll(async () => {
    fx = await startHttpFixture({ config: { rateLimitPerMinute: 60, rateLimitBurst: 10 } });
  });
  afterAll(async () => fx.close());

  it('charges each message of a batch and refuses a batch larger than the burst with a clear error', async () => {
    const session = await rawSession(fx.http.mcpUrl, auth); // initialize + initialized: 2 tokens
    const tooBig = await post(fx.http.mcpUrl, Array.from({ length: 11 }, (_, i) => call(100 + i, 'list_templates')), sessionHeaders(session));
    expect(tooBig.status).toBe(429);
    const refusal = (await tooBig.json()) as { error: { code: number; message: string } };
    expect(refusal.error.code).toBe(-32600);
    expect(refusal.error.message).toMatch(/11 messages exceed the rate-limit burst of 10/);
    // 1 token for the refused request itself; 7 left: a batch of 5 passes, the next batch of 5 does not.
    const five = await post(fx.http.mcpUrl, Array.from({ length: 5 }, (_, i) => ({ jsonrpc: '2.0', id: 200 + i, method: 'ping' })), sessionHeaders(session));
    expect(five.status).toBe(200);
    await five.text();
    const again = await post(fx.http.mcpUrl, Array.from({ length: 5 }, (_, i) => ({ jsonrpc: '2.0', id: 300 + i, method: 'ping' })), sessionHeaders(session));
    expect(again.status).toBe(429);
    expect(((await again.json()) as { error: { message: string } }).error.message).toMatch(/messages per minute per session/);
  });
});

describe('HTTP rate limit before a session: per principal and client (D7)', () => {
  let fx: HttpFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });
  /** `n` session-less requests from one client: bad ones (tools/list, cannot open a session) or initializes. */
  const noise = async (forwardedFor: string, n: number, kind: 'bad' | 'initialize' = 'initialize') => {
    for (let i = 0; i < n; i++) await (await post(fx!.http.mcpUrl, kind === 'bad' ? { jsonrpc: '2.0', id: i, method: 'tools/list' } : initializeBody(i), { ...auth, 'X-Forwarded-For': forwardedFor })).text();
  };

  it('behind a trusted proxy, one noisy client does not lock out another client’s initialize', async () => {
    fx = await startHttpFixture({ config: { rateLimitPerMinute: 60, rateLimitBurst: 3, trustedProxies: ['127.0.0.1'] } });
    await noise('203.0.113.1', 6);
    const blocked = await post(fx.http.mcpUrl, initializeBody(), { ...auth, 'X-Forwarded-For': '203.0.113.1' });
    expect(blocked.status).toBe(429);
    const other = await post(fx.http.mcpUrl, initializeBody(), { ...auth, 'X-Forwarded-For': '198.51.100.2' });
    expect(other.status).toBe(200);
  });

  it('a flood of session-less requests that cannot open a session never locks out an initialize (http-abuse.mjs)', async () => {
    fx = await startHttpFixture({ config: { rateLimitPerMinute: 60, rateLimitBurst: 3 } });
    await noise('203.0.113.1', 10, 'bad');
    const flooded = await post(fx.http.mcpUrl, { jsonrpc: '2.0', id: 99, method: 'tools/list' }, auth);
    expect(flooded.status).toBe(429);
    const init = await post(fx.http.mcpUrl, initializeBody(), auth);
    expect(init.status).toBe(200);
  });

  it('without --trusted-proxies, X-Forwarded-For is ignored (a client cannot pick a fresh bucket)', async () => {
    fx = await startHttpFixture({ config: { rateLimitPerMinute: 60, rateLimitBurst: 3 } });
    await noise('203.0.113.1', 6);
    const spoofed = await post(fx.http.mcpUrl, initializeBody(), { ...auth, 'X-Forwarded-For': '198.51.100.2' });
    expect(spoofed.status).toBe(429);
  });
});

describe('HTTP replay memory is bounded (D5 soak)', () => {
  const bulky = defineTool({
    name: 'bulky_read',
    title: 'Bulky read',
    description: 'Returns about 32 KB.',
    toolset: 'fleet',
    effect: 'read',
    inputSchema: z.object({}),
    outputSchema: z.object({ n: z.number() }),
    handle: async () => success({ n: 1 }, 'x'.repeat(32 * 1024)),
  });
  let fx: HttpFixture;
  beforeAll(async () => {
    fx = await startHttpFixture({
      config: { rateLimitPerMinute: 0, maxSessions: 100, replaySessionBytes: 256 * 1024, replayTotalBytes: 2 * 1024 * 1024 },
      server: { createFleet: (o) => createServer({ ...o, tools: [bulky] }) },
    });
  });
  afterAll(async () => fx.close());

  it('50 sessions × 3 rounds: delivered answers are dropped, an aborted one stays within the budgets, all freed on close', async () => {
    const highWater: number[] = [];
    for (let round = 0; round < 3; round++) {
      const sessions = await Promise.all(Array.from({ length: 50 }, () => rawSession(fx.http.mcpUrl, auth)));
      let peak = 0;
      for (let i = 0; i < 1; i++) {
        await Promise.all(
          sessions.map(async (s, n) => {
            const res = await post(fx.http.mcpUrl, call(10 + i, 'bulky_read'), sessionHeaders(s));
            if (n % 10 === 0) {
              // A client that goes away without reading its answer: the answer stays resumable, within budget.
              await res.body?.cancel();
              return;
            }
            expect(await res.text()).toContain('xxxx');
          }),
        );
        peak = Math.max(peak, fx.http.replay.bytes());
      }
      expect(fx.http.replay.stores()).toBe(50);
      expect(fx.http.replay.bytes()).toBeLessThanOrEqual(fx.http.replay.maxBytes);
      highWater.push(peak);
      await Promise.all(sessions.map((s) => fetch(fx.http.mcpUrl, { method: 'DELETE', headers: sessionHeaders(s) })));
      expect(fx.http.replay.bytes()).toBe(0);
      expect(fx.http.replay.stores()).toBe(0);
    }
    // Memory settles: no round holds more than the global budget, and later rounds no more than the first.
    for (const peak of highWater) expect(peak).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(Math.max(...highWater.slice(1))).toBeLessThanOrEqual(highWater[0]! + 256 * 1024);
  }, 60_000);
});

describe('HTTP client aborts are not server errors (D9)', () => {
  it('a client that sends half a body and hangs up leaves one debug line, no error and no stack', async () => {
    const lines: string[] = [];
    const fx = await startHttpFixture({ server: { log: createLogger({ level: 'debug', write: (l) => void lines.push(l) }) } });
    try {
      const url = new URL(fx.http.mcpUrl);
      await new Promise<void>((resolve, reject) => {
        const socket = connect(Number(url.port), url.hostname, () => {
          socket.write(
            `POST /mcp HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${AUTH_TOKEN}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: 5000\r\n\r\n{"jsonrpc":`,
          );
          setTimeout(() => socket.destroy(), 50);
          socket.on('close', () => resolve());
        });
        socket.on('error', reject);
      });
      await eventually(() => lines.some((l) => /client aborted its request body|client went away/.test(l)));
      const errors = lines.filter((l) => /"level":"(error|warn)"/.test(l));
      expect(errors).toEqual([]);
      expect(lines.join('')).not.toMatch(/"stack"/);
    } finally {
      await fx.close();
    }
  });
});
