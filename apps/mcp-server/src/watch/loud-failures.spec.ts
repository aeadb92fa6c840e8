/**
 * D8 (../shared/repro/faults.mjs, inject.mjs): a watcher blinded by a 401 or an outage sent no push alert,
 * and push alerts carried agent-written text without a trust label.
 */
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { openStore, type FleetStore, type StoreResult } from '@org/fleet-store';
import { afterEach, describe, expect, it } from 'vitest';
import { createStoreHandle } from '../runtime/store-handle.js';
import { startWatchFixture, type WatchFixture } from '../testing/watch-fixture.js';

let fx: WatchFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

type Note = { level: string; data: Record<string, unknown> };

describe('push alerts are loud and labelled (D8)', () => {
  it('a 401 and an outage go out as warnings, the recovery as info, once each', async () => {
    const f = (fx = await startWatchFixture());
    const got: Note[] = [];
    f.main.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void got.push({ level: n.params.level, data: n.params.data as Record<string, unknown> }));
    const release = f.watch.acquire('test');
    await f.advance(0);
    const unauthorized = f.sim.control.faults.status(401, { route: 'GET /api/v2/tasks' });
    await f.advance(2_000);
    await f.advance(4_000);
    await f.until(() => got.some((n) => n.data['kind'] === 'watcher_degraded'), 'degraded notice');
    f.sim.control.faults.clear(unauthorized);
    await f.advance(8_000);
    await f.until(() => got.some((n) => n.data['kind'] === 'watcher_recovered'), 'recovered notice');
    const outage = f.sim.control.faults.status(503, { route: 'GET /api/v2/tasks' });
    await f.advance(2_000);
    f.sim.control.faults.clear(outage);
    await f.advance(4_000);
    await f.until(() => got.filter((n) => n.data['kind'] === 'watcher_recovered').length === 2, 'second recovery');

    const health = got.filter((n) => String(n.data['kind']).startsWith('watcher_'));
    expect(health.map((n) => [n.level, n.data['kind'], n.data['error_kind']])).toEqual([
      ['warning', 'watcher_degraded', 'unauthorized'],
      ['info', 'watcher_recovered', undefined],
      ['warning', 'watcher_degraded', 'upstream_unavailable'],
      ['info', 'watcher_recovered', undefined],
    ]);
    expect(String(health[0]?.data['message'])).toMatch(/Fleet alerts are paused: Coder rejected the server’s session token \(unauthorized, HTTP 401\)/);
    // The same changes are get_fleet_events entries (pull), with the cursor the push carried.
    const events = await f.main.call('get_fleet_events', { kinds: ['watcher_degraded', 'watcher_recovered'], limit: 10 });
    const listed = (events.structuredContent as { events: { kind: string; cursor: string; severity: string; details: Record<string, unknown> }[] }).events;
    expect(listed.map((e) => [e.kind, e.severity, e.details['source'], e.details['error_kind']])).toEqual([
      ['watcher_degraded', 'warning', 'coder', 'unauthorized'],
      ['watcher_recovered', 'info', 'coder', undefined],
      ['watcher_degraded', 'warning', 'coder', 'upstream_unavailable'],
      ['watcher_recovered', 'info', 'coder', undefined],
    ]);
    expect(listed[0]?.cursor).toBe(health[0]?.data['cursor']);
    release();
  });

  it('a store that goes down (and comes back) is a warning push and a get_fleet_events entry too', async () => {
    const f = (fx = await startWatchFixture());
    const got: Note[] = [];
    f.main.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void got.push({ level: n.params.level, data: n.params.data as Record<string, unknown> }));
    f.watch.reportStoreHealth({ ok: false, kind: 'unavailable' });
    f.watch.reportStoreHealth({ ok: false, kind: 'unavailable' }); // still down: no second notice
    f.watch.reportStoreHealth({ ok: true });
    await f.until(() => got.filter((n) => String(n.data['kind']).startsWith('watcher_')).length === 2, 'store notices');
    expect(got.map((n) => [n.level, n.data['kind'], n.data['source']])).toEqual([
      ['warning', 'watcher_degraded', 'store'],
      ['info', 'watcher_recovered', 'store'],
    ]);
    expect(String(got[0]?.data['message'])).toMatch(/^The fleet store is unavailable \(unavailable\): events and conflict checks are kept in this process's memory only/);
    const events = await f.main.call('get_fleet_events', { kinds: ['watcher_degraded', 'watcher_recovered'] });
    expect((events.structuredContent as { events: { kind: string }[] }).events.map((e) => e.kind)).toEqual(['watcher_degraded', 'watcher_recovered']);
  });

  it('the runtime store failing under a mutation record raises the same warning, and its recovery the info', async () => {
    const database: { back?: StoreResult<FleetStore> } = {};
    let clockMs = 0;
    const store = createStoreHandle({
      open: async () => database.back ?? { ok: false, error: { kind: 'unavailable', operation: 'open', message: 'connection refused', hint: 'start it', retryable: true } },
      adapter: 'postgres',
      location: 'postgres db/test schema fleet',
      clock: { now: () => new Date(clockMs) },
      reopenIntervalMs: 0,
    });
    const f = (fx = await startWatchFixture({ store }));
    clockMs = f.sim.control.now();
    const got: Note[] = [];
    f.main.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void got.push({ level: n.params.level, data: n.params.data as Record<string, unknown> }));
    // What every mutating tool does after its write (the write itself never depends on the store).
    await f.runtime.mutations.record({ agentId: 'a', sessionId: 's1', action: 'pause_agent' });
    database.back = await openStore({ kind: 'memory' });
    await f.runtime.mutations.record({ agentId: 'a', sessionId: 's1', action: 'resume_agent' });
    await f.until(() => got.filter((n) => String(n.data['kind']).startsWith('watcher_')).length === 2, 'store notices');
    expect(got.filter((n) => String(n.data['kind']).startsWith('watcher_')).map((n) => [n.level, n.data['kind'], n.data['source']])).toEqual([
      ['warning', 'watcher_degraded', 'store'],
      ['info', 'watcher_recovered', 'store'],
    ]);
    await store.close();
  });

  it('a waiting get_fleet_events call wakes up when the watcher degrades', async () => {
    const f = (fx = await startWatchFixture());
    const first = await f.main.call('get_fleet_events', {});
    const since = (first.structuredContent as { next_cursor: string }).next_cursor;
    const waiting = f.main.call('get_fleet_events', { since, wait_ms: 30_000, min_severity: 'warning' });
    await f.until(() => f.watch.health().waiters > 0, 'the wait');
    f.sim.control.faults.status(401, { route: 'GET /api/v2/tasks' });
    await f.advance(2_000);
    const r = await waiting;
    const page = r.structuredContent as { events: { kind: string }[]; timed_out: boolean };
    expect(page.timed_out).toBe(false);
    expect(page.events.map((e) => e.kind)).toContain('watcher_degraded');
  });

  it('alert notifications name their untrusted fields', async () => {
    const f = (fx = await startWatchFixture());
    const got: Note[] = [];
    f.main.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void got.push({ level: n.params.level, data: n.params.data as Record<string, unknown> }));
    const release = f.watch.acquire('test');
    await f.advance(0);
    const agent = f.sim.control.tasks().find((x) => x.status === 'active');
    if (!agent) throw new Error('need a running agent');
    f.sim.control.failWorkspace(agent.id);
    await f.advance(6_000);
    await f.until(() => got.some((n) => n.data['kind'] === 'agent_failed'), 'failure alert');
    const alert = got.find((n) => n.data['kind'] === 'agent_failed');
    expect(alert?.data).toMatchObject({ trust: 'contains_untrusted_agent_text', untrusted_fields: expect.arrayContaining(['message', 'details.reason']) });
    release();
  });
});
