/**
 * HTTP transport, session behaviour against the simulator: resumability (Last-Event-ID), 10 concurrent
 * SDK clients without cross-talk, DELETE, graceful shutdown with an in-flight call, per-client Coder tokens.
 */
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool, success, type AnyTool } from '../define-tool.js';
import { createServer } from '../server.js';
import {
  AUTH_TOKEN,
  connectHttpClient,
  eventually,
  initializeBody,
  post,
  PROTOCOL_VERSION,
  rawSession,
  readSseEvents,
  startHttpFixture,
  type HttpClient,
  type HttpFixture,
} from '../testing/http-harness.js';
import { fakeTool } from '../testing/fake-tools.js';
import { ALL_TOOLS } from '../tools/index.js';

const auth = { Authorization: `Bearer ${AUTH_TOKEN}` };

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('HTTP transport: resumability', () => {
  let fx: HttpFixture;
  beforeAll(async () => {
    fx = await startHttpFixture();
  });
  afterAll(async () => fx.close());

  const openGet = (sessionId: string, lastEventId?: string) =>
    fetch(fx.http.mcpUrl, {
      headers: {
        ...auth,
        Accept: 'text/event-stream',
        'mcp-session-id': sessionId,
        'mcp-protocol-version': PROTOCOL_VERSION,
        ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}),
      },
    });
  const notify = (sessionId: string, data: string) => fx.http.session(sessionId)?.fleet.server.sendLoggingMessage({ level: 'info', data }, sessionId);
  const dataOf = (raw: string) => (JSON.parse(raw) as { params: { data: string } }).params.data;

  it('replays notifications missed while the SSE stream was down, then continues live', async () => {
    const session = await rawSession(fx.http.mcpUrl, auth);
    const first = await openGet(session);
    expect(first.status).toBe(200);
    await notify(session, 'one');
    const seen = await readSseEvents(first, 1);
    const lastId = seen.events[0]?.id;
    expect(seen.events.map((e) => dataOf(e.data))).toEqual(['one']);
    expect(lastId).toBeTruthy();
    await seen.cancel();

    await notify(session, 'two');
    await notify(session, 'three');
    // The server notices the dropped stream asynchronously; until then a resume is a 409 conflict.
    let resumed: Response | undefined;
    await eventually(async () => {
      const r = await openGet(session, lastId);
      if (r.status === 409) {
        await r.text();
        return false;
      }
      resumed = r;
      return true;
    });
    expect(resumed?.status).toBe(200);
    const replay = readSseEvents(resumed as Response, 3);
    await eventually(() => true);
    await notify(session, 'four');
    const got = await replay;
    expect(got.events.map((e) => dataOf(e.data))).toEqual(['two', 'three', 'four']);
    await got.cancel();
  });

  it('lets the SDK client resume its GET stream after a network drop, receiving what it missed', async () => {
    const drops: AbortController[] = [];
    const opened: Promise<Response>[] = [];
    const droppable: FetchLike = async (url, init) => {
      if ((init?.method ?? 'GET') !== 'GET') return fetch(url, init);
      const drop = new AbortController();
      drops.push(drop);
      const response = fetch(url, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, drop.signal]) : drop.signal });
      opened.push(response);
      return response;
    };
    const c = await connectHttpClient(fx.http.mcpUrl, { fetch: droppable });
    const received: string[] = [];
    c.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void received.push(String(n.params.data)));
    const id = c.transport.sessionId as string;
    // The stream is registered server-side once its response headers arrive.
    await eventually(() => opened.length === 1);
    await opened[0];
    await notify(id, 'before-drop');
    await eventually(() => received.length === 1);
    drops[0]?.abort();
    await notify(id, 'during-drop-1');
    await notify(id, 'during-drop-2');
    await eventually(() => received.length === 3);
    await notify(id, 'after-resume');
    await eventually(() => received.length === 4);
    expect(received).toEqual(['before-drop', 'during-drop-1', 'during-drop-2', 'after-resume']);
    expect(drops.length).toBeGreaterThan(1);
    await c.close();
  });

  it("never replays another session's events", async () => {
    const a = await rawSession(fx.http.mcpUrl, auth);
    const b = await rawSession(fx.http.mcpUrl, auth);
    const streamA = await openGet(a);
    await notify(a, 'secret-for-a');
    const seen = await readSseEvents(streamA, 1);
    await seen.cancel();
    await notify(a, 'more-for-a');
    const stolen = await openGet(b, seen.events[0]?.id);
    expect(stolen.status).toBe(400);
    expect(await stolen.text()).not.toContain('for-a');
  });
});

describe('HTTP transport: 10 concurrent superagent sessions', () => {
  let fx: HttpFixture;
  const clients: HttpClient[] = [];
  beforeAll(async () => {
    fx = await startHttpFixture({
      sim: { agents: 30, scenario: 'mixed' },
      server: { createFleet: (o) => createServer({ ...o, tools: [...ALL_TOOLS, fakeTool('fake_progress', 'fleet', 'read')] }) },
    });
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await fx.close();
  });

  it('serves 10 sessions calling tools at once with no cross-talk of notifications', async () => {
    const logs: string[][] = [];
    const getStreams: Promise<Response>[] = [];
    const recordGets: FetchLike = (url, init) => {
      const response = fetch(url, init);
      if ((init?.method ?? 'GET') === 'GET') getStreams.push(response);
      return response;
    };
    for (let i = 0; i < 10; i++) {
      const c = await connectHttpClient(fx.http.mcpUrl, { name: `superagent-${i}`, fetch: recordGets });
      const mine: string[] = [];
      c.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void mine.push(String(n.params.data)));
      clients.push(c);
      logs.push(mine);
    }
    expect(fx.http.sessionCount()).toBe(10);
    expect(new Set(clients.map((c) => c.transport.sessionId)).size).toBe(10);

    const listed = await clients[0]?.call('list_agents', { limit: 10, sort: 'name' });
    const names = ((listed?.structuredContent as { agents: { id: string; name: string; owner: string }[] }).agents ?? []).map((a) => ({ ref: `${a.owner}/${a.name}`, id: a.id }));
    expect(names.length).toBe(10);

    // Per-session log levels: odd sessions only want errors.
    await Promise.all(clients.map((c, i) => c.client.setLoggingLevel(i % 2 ? 'error' : 'info')));

    const results = await Promise.all(
      clients.map(async (c, i) => {
        const progress: number[] = [];
        const [status, details, list, fake] = await Promise.all([
          c.call('get_fleet_status'),
          c.call('get_agent_details', { agent: names[i]?.id }),
          c.call('list_agents', { limit: 5 }),
          c.client.callTool({ name: 'fake_progress', arguments: { mode: 'progress' } }, undefined, { onprogress: (p) => void progress.push(p.progress) }),
        ]);
        return { status, details, list, fake, progress };
      }),
    );
    results.forEach((r, i) => {
      expect(r.status.isError, `status ${i}`).toBeFalsy();
      expect(r.details.isError, `details ${i}`).toBeFalsy();
      expect((r.details.structuredContent as { id?: string; agent_id?: string }) ?? {}).toSatisfy((d: Record<string, unknown>) => JSON.stringify(d).includes(names[i]?.id ?? '?'));
      expect(r.list.isError).toBeFalsy();
      expect(r.fake.isError).toBeFalsy();
      expect(r.progress, `progress of session ${i}`).toEqual([1, 2]);
    });

    // Server push needs each session's GET stream: wait until all are open.
    await eventually(() => getStreams.length === 10);
    await Promise.all(getStreams);
    for (const [i, c] of clients.entries()) {
      const id = c.transport.sessionId as string;
      await fx.http.session(id)?.fleet.server.sendLoggingMessage({ level: 'warning', data: `warning-for-${i}` }, id);
      await fx.http.session(id)?.fleet.server.sendLoggingMessage({ level: 'error', data: `error-for-${i}` }, id);
    }
    await eventually(() => logs.every((l) => l.some((d) => d.startsWith('error-for-'))));
    logs.forEach((l, i) => expect(l, `session ${i}`).toEqual(i % 2 ? [`error-for-${i}`] : [`warning-for-${i}`, `error-for-${i}`]));
  });

  it('closes a session on DELETE and forgets it', async () => {
    const c = clients.pop() as HttpClient;
    const id = c.transport.sessionId as string;
    await c.close();
    expect(fx.http.session(id)).toBeUndefined();
    expect(fx.http.sessionCount()).toBe(9);
    const after = await post(fx.http.mcpUrl, { jsonrpc: '2.0', id: 5, method: 'tools/list' }, { ...auth, 'mcp-session-id': id, 'mcp-protocol-version': PROTOCOL_VERSION });
    expect(after.status).toBe(404);
  });
});

describe('HTTP transport: idle sessions', () => {
  it('closes sessions without any request for the idle timeout, keeps active ones', async () => {
    let t = 1_000;
    const fx = await startHttpFixture({ server: { now: () => t, sessionIdleMs: 50 } });
    const idle = await connectHttpClient(fx.http.mcpUrl);
    const active = await connectHttpClient(fx.http.mcpUrl);
    t += 40;
    await active.client.listTools();
    t += 20;
    await eventually(() => fx.http.sessionCount() === 1);
    expect(fx.http.session(active.transport.sessionId as string)).toBeDefined();
    expect(fx.http.session(idle.transport.sessionId as string)).toBeUndefined();
    await idle.client.close();
    await active.close();
    await fx.close();
  });
});

describe('HTTP transport: graceful shutdown', () => {
  const started = deferred();
  const gate = deferred();
  const slowTool: AnyTool = defineTool({
    name: 'slow_probe',
    title: 'Slow probe',
    description: 'Test tool that waits for the test to release it.',
    toolset: 'fleet',
    effect: 'read',
    inputSchema: z.object({}),
    outputSchema: z.object({ done: z.boolean() }),
    async handle() {
      started.resolve();
      await gate.promise;
      return success({ done: true }, 'done');
    },
  });

  it('stops accepting, finishes the in-flight call, then closes every session', async () => {
    const fx = await startHttpFixture({ server: { createFleet: (o) => createServer({ ...o, tools: [...ALL_TOOLS, slowTool] }) } });
    const c = await connectHttpClient(fx.http.mcpUrl);
    const idle = await connectHttpClient(fx.http.mcpUrl);
    const call = c.call('slow_probe');
    await started.promise;
    expect(fx.http.inFlight()).toBe(1);
    const closing = fx.http.close({ drainMs: 30_000 });
    await eventually(async () => {
      const r = await fetch(`${fx.http.url}/healthz`).catch(() => undefined);
      return r === undefined || ((await r.json()) as { status: string }).status === 'draining';
    });
    const late = await post(fx.http.mcpUrl, initializeBody(), auth).catch(() => undefined);
    expect(late === undefined || late.status === 503).toBe(true);
    expect(fx.http.sessionCount()).toBe(2);
    gate.resolve();
    const result = await call;
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ done: true });
    await closing;
    expect(fx.http.sessionCount()).toBe(0);
    await c.client.close();
    await idle.client.close();
    await fx.sim.stop();
  });

  it('gives up after the drain bound on a call that never ends', async () => {
    const fx = await startHttpFixture({ server: { createFleet: (o) => createServer({ ...o, tools: [...ALL_TOOLS, fakeTool('fake_hang', 'fleet', 'read')] }) } });
    const c = await connectHttpClient(fx.http.mcpUrl);
    const call = c.call('fake_hang', { mode: 'hang' }).then(
      () => 'resolved',
      () => 'rejected',
    );
    await eventually(() => fx.http.inFlight() === 1);
    await fx.http.close({ drainMs: 20 });
    expect(fx.http.sessionCount()).toBe(0);
    await c.client.close();
    expect(await call).toBe('rejected');
    await fx.sim.stop();
  });
});

describe('HTTP transport: per-client Coder tokens (--auth-mode coder-token)', () => {
  let fx: HttpFixture;
  beforeAll(async () => {
    fx = await startHttpFixture({ sim: { agents: 40, scenario: 'mixed' }, config: { authMode: 'coder-token', authToken: undefined } });
  });
  afterAll(async () => fx.close());

  const owners = async (c: HttpClient) => {
    const r = await c.call('list_agents', { limit: 200, fields: ['owner'] });
    expect(r.isError).toBeFalsy();
    return new Set((r.structuredContent as { agents: { owner: string }[] }).agents.map((a) => a.owner));
  };
  const meCalls = () => Object.entries(fx.sim.control.counters() as unknown as Record<string, number>).reduce((n, [route, count]) => (/users\/(me|\{user\})/.test(route) ? n + count : n), 0);

  it("applies each caller's own Coder permissions", async () => {
    const alice = await connectHttpClient(fx.http.mcpUrl, { token: 'sim-alice-token' });
    const admin = await connectHttpClient(fx.http.mcpUrl, { token: fx.sim.token });
    expect([...(await owners(alice))]).toEqual(['alice']);
    expect((await owners(admin)).size).toBeGreaterThan(1);
    expect(fx.http.session(alice.transport.sessionId as string)?.principal.user).toBe('alice');
    await alice.close();
    await admin.close();
  });

  it('rejects tokens Coder does not know (401 invalid_token) and caches valid ones by hash', async () => {
    const bad = await post(fx.http.mcpUrl, initializeBody(), { Authorization: 'Bearer not-a-coder-token' });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: 'invalid_token' });
    fx.sim.control.resetCounters();
    const bob = await connectHttpClient(fx.http.mcpUrl, { token: 'sim-bob-token' });
    await bob.client.listTools();
    await bob.call('get_fleet_status');
    expect(meCalls()).toBe(1);
    await bob.close();
  });

  it("binds a session to its caller: another caller's token cannot use the session id", async () => {
    const alice = await connectHttpClient(fx.http.mcpUrl, { token: 'sim-alice-token' });
    const hijack = await post(
      fx.http.mcpUrl,
      { jsonrpc: '2.0', id: 9, method: 'tools/list' },
      { Authorization: 'Bearer sim-bob-token', 'mcp-session-id': alice.transport.sessionId as string, 'mcp-protocol-version': PROTOCOL_VERSION },
    );
    expect(hijack.status).toBe(404);
    await alice.close();
  });
});
