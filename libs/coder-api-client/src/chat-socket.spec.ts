import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { CHAT_ID, chat, userMessage } from './__fixtures__/chat-facts.js';
import { buildInfo } from './__fixtures__/coder-facts.js';
import { fakeFetch, json } from './__fixtures__/fake-fetch.js';
import { decodeFrame, openChatStream, openChatWatch, socketUrl, type ChatSocketOptions } from './chat-socket.js';
import { createCoderClient } from './client.js';
import type { ChatSocket, ChatSocketStatus, ChatStreamEvent, ChatWatchEvent } from './types.js';

const TOKEN = 'Xk3mP9qL2v-aB4cD5eF6gH7iJ8kL9mN0pQ1r';
const watchEvent: ChatWatchEvent = { kind: 'status_change', chat };

type Decision = { accept: true } | { accept: false; status: number; body: unknown };

/** A local Coder stand-in for sockets: decides each upgrade, records requests, hands out connections. */
async function socketServer(decide: (req: IncomingMessage, n: number) => Decision = () => ({ accept: true })) {
  const wss = new WebSocketServer({ noServer: true });
  const requests: { url: string; token: string | undefined }[] = [];
  const connections: WebSocket[] = [];
  const waiters: ((ws: WebSocket) => void)[] = [];
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    requests.push({ url: req.url ?? '', token: req.headers['coder-session-token'] as string | undefined });
    const decision = decide(req, requests.length);
    if (!decision.accept) {
      const body = JSON.stringify(decision.body);
      socket.end(`HTTP/1.1 ${decision.status} Refused\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      connections.push(ws);
      waiters.shift()?.(ws);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const handle = {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    connections,
    /** The next accepted connection (or the n-th, when already there). */
    connection(n = connections.length + 1): Promise<WebSocket> {
      if (connections.length >= n) return Promise.resolve(connections[n - 1]!);
      return new Promise((resolve) => waiters.push(resolve));
    },
    async stop() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
  cleanups.push(() => handle.stop());
  return handle;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Records statuses and problems; `t.until(pred)` waits for a status that matches. */
function recorder() {
  const statuses: ChatSocketStatus[] = [];
  const problems: string[] = [];
  const waiters: { pred: (s: ChatSocketStatus) => boolean; resolve: (s: ChatSocketStatus) => void }[] = [];
  const t = {
    statuses,
    problems,
    until(pred: (s: ChatSocketStatus) => boolean): Promise<ChatSocketStatus> {
      const seen = statuses.find(pred);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ pred, resolve }));
    },
  };
  const onStatus = (s: ChatSocketStatus): void => {
    statuses.push(s);
    for (const w of waiters.splice(0)) {
      if (w.pred(s)) w.resolve(s);
      else waiters.push(w);
    }
  };
  return { t, onStatus, onProblem: (p: string) => problems.push(p) };
}

function base(url: string, extra: Partial<ChatSocketOptions> = {}): ChatSocketOptions {
  return { baseUrl: url, sessionToken: TOKEN, chatsBasePath: '/api/v2/chats', heartbeatMs: 60_000, reconnect: { baseDelayMs: 10, maxDelayMs: 40 }, ...extra };
}

function opened(socket: ChatSocket): ChatSocket {
  cleanups.push(() => socket.close());
  return socket;
}

const nextEvents = <T>(list: T[], n: number): Promise<T[]> =>
  new Promise((resolve) => {
    const check = () => (list.length >= n ? resolve(list.slice(0, n)) : setTimeout(check, 5));
    check();
  });

describe('openChatWatch', () => {
  it('sends the token header to {chats}/watch and accepts every frame format', async () => {
    const srv = await socketServer();
    const events: ChatWatchEvent[] = [];
    const { t, onStatus, onProblem } = recorder();
    opened(openChatWatch({ ...base(srv.baseUrl), onEvent: (e) => events.push(e), onStatus, onProblem }));
    const ws = await srv.connection();
    await t.until((s) => s.state === 'connected');
    expect(srv.requests[0]).toEqual({ url: '/api/v2/chats/watch', token: TOKEN });

    ws.send(JSON.stringify(watchEvent)); // bare object (current)
    ws.send(JSON.stringify([watchEvent, { ...watchEvent, kind: 'title_change' }])); // bare array
    ws.send(JSON.stringify({ type: 'ping' })); // older wrapper: keep-alive
    ws.send(JSON.stringify({ type: 'data', data: { ...watchEvent, kind: 'created' } })); // older wrapper: data
    ws.send(JSON.stringify({ type: 'error', data: { message: 'pubsub down' } })); // older wrapper: error
    ws.send('not json');
    ws.send(JSON.stringify({ kind: 'status_change' })); // no chat
    ws.send(JSON.stringify({ ...watchEvent, kind: 'brand_new_kind' })); // open enum: passed through
    await nextEvents(events, 5);
    await nextEvents(t.problems, 3);
    expect(events.map((e) => e.kind)).toEqual(['status_change', 'status_change', 'title_change', 'created', 'brand_new_kind']);
    expect(t.problems).toEqual([
      'the server sent an error frame: pubsub down',
      'a frame is not JSON',
      'a frame holds something other than a chat watch event',
    ]);
  });

  it('reconnects after the server drops it, with back-off', async () => {
    const srv = await socketServer();
    const { t, onStatus } = recorder();
    opened(openChatWatch({ ...base(srv.baseUrl), onEvent: () => undefined, onStatus }));
    (await srv.connection(1)).close(1001, 'going away');
    await srv.connection(2);
    await t.until((s) => s.state === 'connected' && t.statuses.filter((x) => x.state === 'connected').length === 2);
    const reconnecting = t.statuses.find((s) => s.state === 'reconnecting');
    expect(reconnecting).toMatchObject({ state: 'reconnecting', attempt: 1, reason: 'closed (1001 going away)' });
    expect(t.statuses.map((s) => s.state)).toEqual(['connecting', 'connected', 'reconnecting', 'connecting', 'connected']);
  });

  it('reports auth_failed with the reason and stops (401/403)', async () => {
    const srv = await socketServer(() => ({ accept: false, status: 401, body: { message: 'You must be logged in.', detail: 'API key expired' } }));
    const { t, onStatus } = recorder();
    const socket = opened(openChatWatch({ ...base(srv.baseUrl), onEvent: () => undefined, onStatus }));
    expect(await t.until((s) => s.state === 'auth_failed')).toEqual({ state: 'auth_failed', status: 401, reason: 'You must be logged in. (API key expired)' });
    await new Promise((r) => setTimeout(r, 60));
    expect(srv.requests).toHaveLength(1);
    expect(socket.status().state).toBe('auth_failed');
  });

  it('fails for good on a 404 (no such route) but retries a 503', async () => {
    const missing = await socketServer(() => ({ accept: false, status: 404, body: { message: 'Route not found.' } }));
    const a = recorder();
    opened(openChatWatch({ ...base(missing.baseUrl), onEvent: () => undefined, onStatus: a.onStatus }));
    expect(await a.t.until((s) => s.state === 'failed')).toEqual({ state: 'failed', status: 404, reason: 'Route not found.' });

    const flaky = await socketServer((_req, n) => (n < 3 ? { accept: false, status: 503, body: { message: 'starting' } } : { accept: true }));
    const b = recorder();
    opened(openChatWatch({ ...base(flaky.baseUrl), onEvent: () => undefined, onStatus: b.onStatus }));
    await b.t.until((s) => s.state === 'connected');
    expect(b.t.statuses.filter((s) => s.state === 'reconnecting')).toHaveLength(2);
  });

  it('keeps the jitter inside [d/2, d] of the capped exponential delay (injected random)', async () => {
    for (const [random, expected] of [
      [() => 0, [10, 20, 20, 20]],
      [() => 0.999999, [20, 40, 40, 40]],
    ] as const) {
      const srv = await socketServer(() => ({ accept: false, status: 503, body: { message: 'down' } }));
      const { t, onStatus } = recorder();
      opened(openChatWatch({ ...base(srv.baseUrl, { random, reconnect: { baseDelayMs: 20, maxDelayMs: 40, maxAttempts: 4 } }), onEvent: () => undefined, onStatus }));
      const last = await t.until((s) => s.state === 'failed');
      const delays = t.statuses.flatMap((s) => (s.state === 'reconnecting' ? [s.delayMs] : []));
      expect(delays).toEqual(expected);
      expect(last).toMatchObject({ state: 'failed', reason: 'gave up after 4 attempts: HTTP 503: down' });
    }
  });

  it('drops a stalled connection (no pong) and opens a new one', async () => {
    const srv = await socketServer();
    const { t, onStatus } = recorder();
    opened(openChatWatch({ ...base(srv.baseUrl, { heartbeatMs: 30 }), onEvent: () => undefined, onStatus }));
    const first = await srv.connection(1);
    (first as unknown as { _socket: Duplex })._socket.pause(); // the server stops reading: pings go unanswered
    await srv.connection(2);
    expect(t.statuses.some((s) => s.state === 'reconnecting')).toBe(true);
  });

  it('closes cleanly: code 1000, status closed, no reconnect', async () => {
    const srv = await socketServer();
    const { t, onStatus } = recorder();
    const socket = openChatWatch({ ...base(srv.baseUrl), onEvent: () => undefined, onStatus });
    const ws = await srv.connection();
    const serverSaw = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await t.until((s) => s.state === 'connected');
    await socket.close();
    await socket.close(); // idempotent
    expect(await serverSaw).toBe(1000);
    expect(socket.status()).toEqual({ state: 'closed' });
    await new Promise((r) => setTimeout(r, 50));
    expect(srv.requests).toHaveLength(1);
  });

  it('close() while still connecting resolves too', async () => {
    const srv = await socketServer();
    const socket = openChatWatch({ ...base(srv.baseUrl), onEvent: () => undefined });
    await socket.close();
    expect(socket.status()).toEqual({ state: 'closed' });
  });

  it('never puts the token in a reason', async () => {
    const srv = await socketServer(() => ({ accept: false, status: 403, body: { message: `token ${TOKEN} lacks agents-access` } }));
    const { t, onStatus } = recorder();
    opened(openChatWatch({ ...base(srv.baseUrl), onEvent: () => undefined, onStatus }));
    expect(await t.until((s) => s.state === 'auth_failed')).toMatchObject({ reason: 'token REDACTED lacks agents-access' });
  });
});

describe('openChatStream', () => {
  it('reads arrays of stream events and resumes after the last message id', async () => {
    const srv = await socketServer();
    const batches: ChatStreamEvent[][] = [];
    opened(openChatStream({ ...base(srv.baseUrl, { chatsBasePath: '/api/experimental/chats' }), chatId: CHAT_ID, onEvents: (e) => batches.push(e) }));
    const ws = await srv.connection(1);
    ws.send(JSON.stringify([
      { type: 'status', chat_id: CHAT_ID, status: { status: 'running' } },
      { type: 'message', chat_id: CHAT_ID, message: userMessage },
    ]));
    ws.send(JSON.stringify({ type: 'data', data: [{ type: 'message', chat_id: CHAT_ID, message: { ...userMessage, id: 40 } }] }));
    await nextEvents(batches, 2);
    ws.close(1011);
    await srv.connection(2);
    expect(srv.requests.map((r) => r.url)).toEqual([`/api/experimental/chats/${CHAT_ID}/stream`, `/api/experimental/chats/${CHAT_ID}/stream?after_id=42`]);
    expect(batches.map((b) => b.map((e) => e.type))).toEqual([['status', 'message'], ['message']]);
  });
});

describe('client.watchChats', () => {
  it('resolves the chats base path from buildinfo (2.36 → /api/experimental)', async () => {
    const srv = await socketServer();
    const fake = fakeFetch().on('GET /api/v2/buildinfo', json(buildInfo('v2.36.1')));
    const client = createCoderClient({ baseUrl: srv.baseUrl, sessionToken: TOKEN, fetch: fake.fetch });
    const events: ChatWatchEvent[] = [];
    opened(client.watchChats({ onEvent: (e) => events.push(e) }, { heartbeatMs: 60_000 }));
    (await srv.connection()).send(JSON.stringify(watchEvent));
    await nextEvents(events, 1);
    expect(srv.requests).toEqual([{ url: '/api/experimental/chats/watch', token: TOKEN }]);
  });

  it('fails with the reason on a deployment without chats', async () => {
    const fake = fakeFetch().on('GET /api/v2/buildinfo', json(buildInfo('v2.30.0')));
    const client = createCoderClient({ baseUrl: 'http://127.0.0.1:9', sessionToken: TOKEN, fetch: fake.fetch });
    const { t, onStatus } = recorder();
    opened(client.watchChats({ onEvent: () => undefined, onStatus }));
    expect(await t.until((s) => s.state === 'failed')).toMatchObject({ state: 'failed', reason: expect.stringContaining('does not offer the Chats API') });
  });
});

describe('frames and URLs', () => {
  it('decodeFrame tolerates both formats', () => {
    const isObj = (v: unknown): v is { a: number } => typeof v === 'object' && v !== null && 'a' in v;
    expect(decodeFrame('{"a":1}', isObj, 'x')).toEqual({ ok: true, values: [{ a: 1 }] });
    expect(decodeFrame('[{"a":1},{"a":2}]', isObj, 'x')).toEqual({ ok: true, values: [{ a: 1 }, { a: 2 }] });
    expect(decodeFrame('{"type":"data","data":[{"a":3}]}', isObj, 'x')).toEqual({ ok: true, values: [{ a: 3 }] });
    expect(decodeFrame('{"type":"ping"}', isObj, 'x')).toEqual({ ok: true, values: [] });
    expect(decodeFrame('[]', isObj, 'x')).toEqual({ ok: true, values: [] });
  });

  it('socketUrl maps http(s) to ws(s) and keeps a path prefix', () => {
    expect(socketUrl('https://coder.example.com/', '/api/v2/chats/watch')).toBe('wss://coder.example.com/api/v2/chats/watch');
    expect(socketUrl('http://localhost:3000/api/v2', '/api/v2/chats/watch')).toBe('ws://localhost:3000/api/v2/chats/watch');
    expect(socketUrl('https://x.test/coder', '/api/v2/chats/c/stream?after_id=4')).toBe('wss://x.test/coder/api/v2/chats/c/stream?after_id=4');
  });
});
