import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { simFetch } from './__fixtures__/sim-fetch.js';
import { startCoderSim, type CoderSim } from './index.js';

const text = (t: string) => [{ type: 'text', text: t }];

/** A WebSocket client that keeps every frame (parsed) and waits for one that matches. */
function connect(sim: CoderSim, path: string, token = sim.token) {
  const frames: unknown[] = [];
  const raw: string[] = [];
  let pings = 0;
  const waiters: { match: (f: unknown) => boolean; resolve: (f: unknown) => void }[] = [];
  const ws = new WebSocket(`${sim.url.replace('http', 'ws')}${path}`, { headers: { 'Coder-Session-Token': token } });
  ws.on('ping', () => pings++);
  ws.on('message', (data: Buffer) => {
    const s = data.toString();
    raw.push(s);
    let parsed: unknown;
    try {
      parsed = JSON.parse(s);
    } catch {
      return;
    }
    frames.push(parsed);
    for (const w of [...waiters]) {
      if (w.match(parsed)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(parsed);
      }
    }
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const closed = new Promise<{ code: number }>((resolve) => ws.once('close', (code) => resolve({ code })));
  return {
    ws,
    frames,
    raw,
    opened,
    closed,
    pings: () => pings,
    next<T>(match: (f: T) => boolean, ms = 3_000): Promise<T> {
      const found = frames.find((f) => match(f as T));
      if (found) return Promise.resolve(found as T);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching frame in ${ms} ms; got ${JSON.stringify(frames).slice(0, 500)}`)), ms);
        waiters.push({ match: (f) => match(f as T), resolve: (f) => (clearTimeout(timer), resolve(f as T)) });
      });
    },
  };
}

interface WatchFrame {
  kind: string;
  chat: { id: string; status: string; owner_id: string };
  tool_calls?: unknown[];
}
type StreamFrame = { type: string; chat_id: string; status?: { status: string }; message?: { id: number; role: string } }[];

describe('chat WebSockets', () => {
  let sim: CoderSim;
  let api: ReturnType<typeof simFetch>;
  let org: string;

  beforeAll(async () => {
    sim = await startCoderSim({ coderVersion: '2.37', seed: 6, socketPingMs: 50 });
    api = simFetch(sim);
    org = (await api('GET', '/api/v2/organizations')).body.find((o: { is_default: boolean }) => o.is_default).id;
  });
  afterAll(() => sim.stop());

  const create = async (token?: string) =>
    (await api('POST', '/api/v2/chats', { body: { organization_id: org, content: text('Fix it') }, ...(token ? { token } : {}) })).body as { id: string };

  it('watch pushes the caller’s own chat changes (never other users’), with pings', async () => {
    const watch = connect(sim, '/api/v2/chats/watch');
    await watch.opened;
    const chat = await create();
    const alices = await create('sim-alice-token');
    expect((await watch.next<WatchFrame>((f) => f.kind === 'created' && f.chat.id === chat.id)).chat.status).toBe('waiting');
    await watch.next<WatchFrame>((f) => f.kind === 'status_change' && f.chat.id === chat.id && f.chat.status === 'running');
    sim.control.chats.requireAction(chat.id, [{ toolCallId: 'c9', toolName: 'lookup', args: '{}' }]);
    const action = await watch.next<WatchFrame>((f) => f.kind === 'action_required');
    expect(action.tool_calls).toEqual([{ tool_call_id: 'c9', tool_name: 'lookup', args: '{}' }]);
    sim.control.chats.setPullRequest(chat.id, { draft: true });
    await watch.next<WatchFrame>((f) => f.kind === 'diff_status_change' && f.chat.id === chat.id);
    await new Promise((r) => setTimeout(r, 150));
    expect(watch.pings()).toBeGreaterThan(0);
    expect(watch.frames.some((f) => (f as WatchFrame).chat.id === alices.id)).toBe(false);
    watch.ws.close();
  });

  it('stream sends a snapshot (bare JSON arrays), then live events; reading advances has_unread', async () => {
    const chat = await create();
    sim.control.chats.finishTurn(chat.id);
    expect((await api('GET', `/api/v2/chats/${chat.id}`)).body.has_unread).toBe(true);
    const stream = connect(sim, `/api/v2/chats/${chat.id}/stream`);
    await stream.opened;
    const snapshot = await stream.next<StreamFrame>((f) => Array.isArray(f) && f.some((e) => e.type === 'status'));
    expect(snapshot.filter((e) => e.type === 'message').length).toBeGreaterThanOrEqual(2);
    expect((await api('GET', `/api/v2/chats/${chat.id}`)).body.has_unread).toBe(false);
    const lastId = Math.max(...snapshot.filter((e) => e.message).map((e) => e.message?.id ?? 0));
    await api('POST', `/api/v2/chats/${chat.id}/messages`, { body: { content: text('more please') } });
    await stream.next<StreamFrame>((f) => f.some((e) => e.type === 'status' && e.status?.status === 'running'));
    await stream.next<StreamFrame>((f) => f.some((e) => e.type === 'message' && e.message?.role === 'user'));
    stream.ws.close();
    const resumed = connect(sim, `/api/v2/chats/${chat.id}/stream?after_id=${lastId}`);
    const first = await resumed.next<StreamFrame>(() => true);
    expect(first.filter((e) => e.type === 'message').every((e) => (e.message?.id ?? 0) > lastId)).toBe(true);
    resumed.ws.close();
  });

  it('refuses upgrades it cannot serve (401, 404 chat, 404 on versions without chats)', async () => {
    await expect(connect(sim, '/api/v2/chats/watch', 'bad-token').opened).rejects.toThrow('HTTP 401');
    await expect(connect(sim, '/api/v2/chats/5f0a7c4e-0000-4000-8000-000000000000/stream').opened).rejects.toThrow('HTTP 404');
    const experimental = connect(sim, '/api/experimental/chats/watch');
    await experimental.opened;
    experimental.ws.close();
    await experimental.closed;
    sim.control.setCoderVersion('2.40');
    await expect(connect(sim, '/api/experimental/chats/watch').opened).rejects.toThrow('HTTP 404');
    sim.control.setCoderVersion('2.37');
    expect((await api('GET', '/api/v2/chats/watch')).status).toBe(400);
  });

  it('a dropped watch socket can reconnect and sees later changes', async () => {
    const chat = await create();
    const first = connect(sim, '/api/v2/chats/watch');
    await first.opened;
    expect(sim.control.sockets.drop({ kind: 'watch' })).toBeGreaterThanOrEqual(1);
    expect((await first.closed).code).toBe(1006);
    const again = connect(sim, '/api/v2/chats/watch');
    await again.opened;
    await api('POST', `/api/v2/chats/${chat.id}/interrupt`);
    await again.next<WatchFrame>((f) => f.kind === 'status_change' && f.chat.id === chat.id && f.chat.status === 'interrupting');
    again.ws.close();
  });

  it('a dropped stream reconnects with after_id and misses nothing', async () => {
    const chat = await create();
    const first = connect(sim, `/api/v2/chats/${chat.id}/stream`);
    const snapshot = await first.next<StreamFrame>((f) => f.some((e) => e.type === 'status'));
    const seen = Math.max(...snapshot.filter((e) => e.message).map((e) => e.message?.id ?? 0));
    expect(sim.control.sockets.drop({ kind: 'stream', chatId: chat.id })).toBe(1);
    expect((await first.closed).code).toBe(1006);
    // Changes while disconnected: the turn ends (assistant message) and a new message runs.
    sim.control.chats.finishTurn(chat.id);
    await api('POST', `/api/v2/chats/${chat.id}/messages`, { body: { content: text('next step') } });
    const again = connect(sim, `/api/v2/chats/${chat.id}/stream?after_id=${seen}`);
    const catchUp = await again.next<StreamFrame>(() => true);
    const roles = catchUp.filter((e) => e.type === 'message').map((e) => e.message?.role);
    expect(roles).toContain('assistant');
    expect(roles.at(-1)).toBe('user');
    expect(catchUp.find((e) => e.type === 'status')?.status?.status).toBe('running');
    again.ws.close();
  });

  it('chats live on the real clock and the watch socket sees them change', async () => {
    const live = await startCoderSim({ coderVersion: '2.40', clock: 'real', speed: 600, tickMs: 20, seed: 3 });
    try {
      const liveApi = simFetch(live);
      const liveOrg = (await liveApi('GET', '/api/v2/organizations')).body.find((o: { is_default: boolean }) => o.is_default).id;
      const watch = connect(live, '/api/v2/chats/watch');
      await watch.opened;
      const created = (await liveApi('POST', '/api/v2/chats', { body: { organization_id: liveOrg, content: text('Work on the real clock') } })).body as { id: string };
      // At 600x a turn (20–180 simulated s) ends within about 0.3 real seconds.
      await watch.next<WatchFrame>((f) => f.chat.id === created.id && f.kind === 'status_change' && f.chat.status === 'waiting', 5_000);
      watch.ws.close();
    } finally {
      await live.stop();
    }
  });

  it('fault knobs act on sockets: drop, status, close, stall, malformed; and live close/stall', async () => {
    sim.control.faults.drop({ route: 'GET /api/v2/chats/watch', times: 1 });
    await expect(connect(sim, '/api/v2/chats/watch').opened).rejects.toThrow();
    sim.control.faults.status(503, { route: '*/chats/watch', times: 1 });
    await expect(connect(sim, '/api/v2/chats/watch').opened).rejects.toThrow('HTTP 503');
    sim.control.faults.add({ kind: 'close', route: 'GET /api/v2/chats/watch', closeCode: 1012, times: 1 });
    const closed = connect(sim, '/api/v2/chats/watch');
    expect((await closed.closed).code).toBe(1012);
    sim.control.faults.malformed({ route: 'GET /api/v2/chats/watch', times: 1 });
    const broken = connect(sim, '/api/v2/chats/watch');
    await broken.opened;
    await new Promise((r) => setTimeout(r, 50));
    expect(broken.raw[0]).toBe('{"kind":');
    broken.ws.close();
    sim.control.faults.add({ kind: 'stall', route: 'GET /api/v2/chats/watch', times: 1 });
    const stalled = connect(sim, '/api/v2/chats/watch');
    await stalled.opened;
    await create();
    await new Promise((r) => setTimeout(r, 150));
    expect(stalled.frames).toEqual([]);
    expect(stalled.pings()).toBe(0);
    expect(sim.control.sockets.resume({ kind: 'watch' })).toBe(1);
    const chat = await create();
    await stalled.next<WatchFrame>((f) => f.chat.id === chat.id);
    expect(sim.control.sockets.close({ kind: 'watch' }, 4000)).toBe(1);
    expect((await stalled.closed).code).toBe(4000);
    expect(sim.control.counters()['GET /api/v2/chats/watch']).toBeGreaterThanOrEqual(6);
  });
});
