/**
 * Events from Coder's chat watch socket (Agents era): pushed changes reach the journal without a list
 * request; the list poll slows to a reconcile while the socket covers the fleet; a dropped, stalled or
 * closed socket brings polling back within one interval and reconnects by itself; an auth failure is
 * reported (health, /readyz).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createCoderClient } from '@org/coder-api-client';
import { startWatchFixture, type WatchFixture } from '../testing/watch-fixture.js';
import { createReadiness } from '../transports/readiness.js';

// Short enough for the stall case, long enough not to flap on a loaded CI machine.
const TUNING = { heartbeatMs: 400, reconnect: { baseDelayMs: 10, maxDelayMs: 40 }, stableAfterMs: 10 };

const chatListRequests = (fx: WatchFixture) =>
  Object.entries(fx.sim.control.counters() as unknown as Record<string, number>)
    .filter(([route]) => /^GET \/api\/(v2|experimental)\/chats\/?$/.test(route))
    .reduce((n, [, c]) => n + c, 0);

const kinds = (fx: WatchFixture) => fx.watch.journal.read('0').entries.map((e) => `${e.event.kind}:${e.event.agentId ?? ''}`);

let fx: WatchFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

async function start(coderVersion: '2.37' | '2.36' = '2.37', faults?: (f: WatchFixture) => void) {
  fx = await startWatchFixture({
    sim: { agents: coderVersion === '2.37' ? 0 : 2, chats: 0, coderVersion } as never,
    config: { watchIntervalMs: 2_000, watchDebounceMs: 0, watchReconcileMs: 30_000 },
    chatSocketTuning: TUNING,
  });
  const chat = fx.sim.control.chats.create({ text: 'fix the tests' });
  faults?.(fx);
  fx.watch.acquire('test');
  await fx.advance(0);
  return { fx, chat };
}

const socketState = (f: WatchFixture) => f.watch.health().socket?.state;
/** Connected as the client sees it AND subscribed on the simulator's side. */
const connected = (f: WatchFixture) => f.until(() => socketState(f) === 'connected' && f.sim.control.sockets.list().some((s) => s.kind === 'watch'), 'socket connected');

describe('fleet watcher on the chat watch socket', () => {
  it('journals a pushed change at once, with no list request, and polls only to reconcile', async () => {
    const { fx, chat } = await start();
    await connected(fx);
    const before = chatListRequests(fx);
    fx.sim.control.chats.fail(chat.id, 'usage_limit');
    await fx.until(() => kinds(fx).includes(`agent_failed:${chat.id}`), 'agent_failed pushed');
    expect(chatListRequests(fx)).toBe(before);
    const h = fx.watch.health();
    expect(h.socket).toMatchObject({ state: 'connected', coversFleet: true, reconcileMs: 30_000 });
    expect(h.socket?.events).toBeGreaterThan(0);
    // One poll right after the socket connected (the gap before it), then reconciles 30 s apart, not 2 s.
    await fx.advance(2_000);
    const afterGap = chatListRequests(fx);
    await fx.advance(28_000);
    expect(chatListRequests(fx)).toBe(afterGap);
    await fx.advance(2_000);
    expect(chatListRequests(fx)).toBe(afterGap + 1);
    // Nothing is reported twice by the reconcile.
    expect(kinds(fx).filter((k) => k === `agent_failed:${chat.id}`)).toHaveLength(1);
  });

  it.each([
    ['drop', (f: WatchFixture) => f.sim.control.sockets.drop({ kind: 'watch' })],
    ['close', (f: WatchFixture) => f.sim.control.sockets.close({ kind: 'watch' }, 1011)],
    ['stall', (f: WatchFixture) => f.sim.control.sockets.stall({ kind: 'watch' })],
  ] as const)('after a %s polls again within one interval and reconnects by itself', async (_name, fault) => {
    const { fx, chat } = await start();
    await connected(fx);
    expect(fault(fx)).toBe(1);
    await fx.until(() => socketState(fx) !== 'connected', 'socket lost');
    const nextPoll = fx.watch.health().nextPollAt;
    expect(nextPoll && Date.parse(nextPoll) - fx.sim.control.now()).toBeLessThanOrEqual(2_000);
    // A change made while the socket is down is seen by the poll within one interval.
    fx.sim.control.chats.fail(chat.id, 'overloaded');
    const before = chatListRequests(fx);
    await fx.advance(2_000);
    expect(chatListRequests(fx)).toBeGreaterThan(before);
    expect(kinds(fx)).toContain(`agent_failed:${chat.id}`);
    await fx.until(() => socketState(fx) === 'connected', 'socket reconnected');
    expect(fx.watch.health().socket?.reconnects).toBe(1);
    // Pushed again after the reconnect.
    fx.sim.control.chats.setStatus(chat.id, 'running');
    await fx.until(() => kinds(fx).some((k) => k.startsWith('agent_recovered') || k === `status_changed:${chat.id}`), 'push after reconnect');
    expect(kinds(fx).filter((k) => k === `agent_failed:${chat.id}`)).toHaveLength(1);
  });

  it('reports a socket that refuses the token in health and /readyz, and keeps polling', async () => {
    const { fx } = await start('2.37', (f) => void f.sim.control.faults.status(401, { route: 'GET /api/v2/chats/watch' }));
    await fx.until(() => socketState(fx) === 'auth_failed', 'socket auth_failed');
    expect(fx.watch.health().socket).toMatchObject({ state: 'auth_failed', status: 401 });
    const nextPoll = fx.watch.health().nextPollAt;
    expect(nextPoll && Date.parse(nextPoll) - fx.sim.control.now()).toBeLessThanOrEqual(2_000);
    const coder = createCoderClient({ baseUrl: fx.sim.url, sessionToken: fx.sim.token });
    const ready = createReadiness({ coder, now: () => 0, timeoutMs: 5_000, watchSocket: () => fx.watch.health().socket });
    const report = await ready();
    expect(report).toMatchObject({ ready: false, coder: 'watch_socket_rejected' });
    expect(report.reason).toMatch(/watch socket refused the server's token \(HTTP 401\)/);
    expect(JSON.stringify(report)).not.toContain(fx.sim.token);
  });

  it('is ready on Coder 2.37 (Chats only): never tasks_unsupported', async () => {
    const { fx } = await start();
    await connected(fx);
    const coder = createCoderClient({ baseUrl: fx.sim.url, sessionToken: fx.sim.token });
    const report = await createReadiness({ coder, now: () => 0, timeoutMs: 5_000, watchSocket: () => fx.watch.health().socket })();
    expect(report).toMatchObject({ ready: true, coder: 'ok' });
  });

  it('on 2.36 (tasks and chats) keeps the normal poll interval: tasks are not pushed', async () => {
    const { fx } = await start('2.36');
    await connected(fx);
    expect(fx.watch.health().socket).toMatchObject({ coversFleet: false });
    const nextPoll = fx.watch.health().nextPollAt;
    await fx.advance(2_000);
    expect(nextPoll && Date.parse(nextPoll) - fx.sim.control.now()).toBeLessThanOrEqual(0);
  });
});
