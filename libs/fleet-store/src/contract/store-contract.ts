/**
 * THE contract every adapter passes (memory, SQLite, Postgres): one suite, called from one spec per adapter.
 * Time is injected (a manual clock), never measured; multi-process cases use a peer (another process on the
 * same SQLite file, or another pool on the same Postgres schema).
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { StoreTarget } from '../config.js';
import { openStore, type OpenStoreOptions } from '../open.js';
import type { FleetStore, NewEvent, QueueChange, QueueItem, StoreClock, StoreResult } from '../types.js';

export interface ContractTarget {
  name: string;
  /** A fresh, empty location for one test. */
  newLocation(): Promise<StoreTarget>;
  /** Drops the location (Postgres schema); files are left to the OS temp dir. */
  dropLocation?(target: StoreTarget): Promise<void>;
  /** Data survives close + reopen (not the memory adapter). */
  durable: boolean;
  /** Opens the same location from an independent peer (another process / another pool). */
  openPeer?(target: StoreTarget): Promise<{ store: FleetStore; close(): Promise<void> }>;
  options?: OpenStoreOptions;
}

export class ManualClock implements StoreClock {
  constructor(public ms = Date.UTC(2026, 11, 1, 12, 0, 0)) {}
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export function value<T>(result: StoreResult<T>): T {
  if (!result.ok) throw new Error(`store error: ${JSON.stringify(result.error)}`);
  return result.value;
}

const changed = (change: QueueChange): QueueItem => {
  if (change.outcome !== 'changed') throw new Error(`expected a change, got ${change.outcome}`);
  return change.item;
};

const ev = (kind: string, extra: Partial<NewEvent> = {}): NewEvent => ({ kind, severity: 'info', payload: { kind }, ...extra });

export function storeContract(target: ContractTarget): void {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function location(): Promise<StoreTarget> {
    const where = await target.newLocation();
    if (target.dropLocation) cleanups.push(() => target.dropLocation!(where));
    return where;
  }
  async function open(where: StoreTarget, clock?: StoreClock): Promise<FleetStore> {
    const store = value(await openStore(where, { ...target.options, clock }));
    cleanups.push(() => store.close());
    return store;
  }
  async function fresh(clock = new ManualClock()): Promise<{ store: FleetStore; clock: ManualClock; where: StoreTarget }> {
    const where = await location();
    return { store: await open(where, clock), clock, where };
  }

  describe(`${target.name}: migrations`, () => {
    test('a new store is at the newest schema version, and opening it again applies nothing twice', async () => {
      const { store, where } = await fresh();
      const health = value(await store.health());
      expect(health.adapter).toBe(where.kind === 'postgres' ? 'postgres' : where.kind);
      expect(health.schemaVersion).toBeGreaterThanOrEqual(1);
      if (target.durable) {
        const again = await open(where);
        expect(value(await again.health()).schemaVersion).toBe(health.schemaVersion);
      }
    });
  });

  describe(`${target.name}: events journal`, () => {
    test('appends in order with increasing sequence numbers and reads from a cursor', async () => {
      const { store, clock } = await fresh();
      const appended = value(await store.events.append([ev('a'), ev('b', { at: clock.ms - 5 }), ev('c')]));
      expect(appended.inserted).toBe(3);
      const page = value(await store.events.read());
      expect(page.events.map((e) => e.kind)).toEqual(['a', 'b', 'c']);
      expect(page.events.map((e) => e.seq)).toEqual([...page.events.map((e) => e.seq)].sort((x, y) => x - y));
      expect(page.events[0]?.at).toBe(clock.ms);
      expect(page.events[1]?.at).toBe(clock.ms - 5);
      expect(page.cursor).toBe(appended.headSeq);
      expect(page.headSeq).toBe(appended.headSeq);
      value(await store.events.append([ev('d')]));
      const next = value(await store.events.read({ after: page.cursor }));
      expect(next.events.map((e) => e.kind)).toEqual(['d']);
    });

    test('pages with a limit, then the cursor reaches the head', async () => {
      const { store } = await fresh();
      value(await store.events.append(Array.from({ length: 7 }, (_, i) => ev(`e${i}`))));
      const first = value(await store.events.read({ limit: 3 }));
      expect(first.events.map((e) => e.kind)).toEqual(['e0', 'e1', 'e2']);
      expect(first.cursor).toBe(first.events[2]?.seq);
      const second = value(await store.events.read({ after: first.cursor, limit: 3 }));
      const third = value(await store.events.read({ after: second.cursor, limit: 3 }));
      expect(third.events.map((e) => e.kind)).toEqual(['e6']);
      expect(third.cursor).toBe(third.headSeq);
      expect(value(await store.events.read({ after: third.cursor })).events).toEqual([]);
    });

    test('filters by severity, agent, kind and time; a filtered cursor skips to the head', async () => {
      const { store, clock } = await fresh();
      const t0 = clock.ms;
      value(
        await store.events.append([
          ev('started', { agentId: 'a1', at: t0 }),
          ev('failed', { agentId: 'a1', severity: 'critical', at: t0 + 1_000 }),
          ev('idle', { agentId: 'a2', severity: 'warning', at: t0 + 2_000 }),
          ev('fleet', { at: t0 + 3_000 }),
        ]),
      );
      const kinds = async (q: Parameters<FleetStore['events']['read']>[0]) => value(await store.events.read(q)).events.map((e) => e.kind);
      expect(await kinds({ minSeverity: 'warning' })).toEqual(['failed', 'idle']);
      expect(await kinds({ minSeverity: 'critical' })).toEqual(['failed']);
      expect(await kinds({ agentId: 'a1' })).toEqual(['started', 'failed']);
      expect(await kinds({ kinds: ['idle', 'fleet'] })).toEqual(['idle', 'fleet']);
      expect(await kinds({ since: t0 + 1_000, until: t0 + 3_000 })).toEqual(['failed', 'idle']);
      const filtered = value(await store.events.read({ minSeverity: 'critical' }));
      expect(filtered.cursor).toBe(filtered.headSeq);
      const fleet = value(await store.events.read({ agentId: 'a2' }));
      expect(fleet.events[0]?.agentId).toBe('a2');
      expect(fleet.events[0]?.severity).toBe('warning');
    });

    test('newest: the most recent matching events, oldest first, with the head as cursor', async () => {
      const { store } = await fresh();
      value(await store.events.append(Array.from({ length: 6 }, (_, i) => ev(i % 2 === 0 ? 'even' : 'odd', { agentId: `a${i}` }))));
      const page = value(await store.events.read({ newest: true, limit: 2, kinds: ['even'] }));
      expect(page.events.map((e) => e.agentId)).toEqual(['a2', 'a4']);
      expect(page.cursor).toBe(page.headSeq);
      const after = value(await store.events.read({ newest: true, limit: 5, after: page.events[1]!.seq }));
      expect(after.events.map((e) => e.agentId)).toEqual(['a5']);
    });

    test('payloads round-trip as JSON (objects, strings, nulls, unicode)', async () => {
      const { store } = await fresh();
      const payloads = [{ nested: { list: [1, 'two', null, true] }, text: 'ünïcødé ✓' }, 'just a string', null, 42];
      value(await store.events.append(payloads.map((payload, i) => ({ kind: `p${i}`, severity: 'info', payload }))));
      expect(value(await store.events.read()).events.map((e) => e.payload)).toEqual(payloads);
    });

    test('an idempotency key is written once (a new lease holder replaying a transition)', async () => {
      const { store } = await fresh();
      expect(value(await store.events.append([ev('x', { key: 'a1@1' }), ev('y', { key: 'a1@2' })])).inserted).toBe(2);
      const again = value(await store.events.append([ev('x', { key: 'a1@1' }), ev('z', { key: 'a1@3' })]));
      expect(again.inserted).toBe(1);
      expect(value(await store.events.read()).events.map((e) => e.kind)).toEqual(['x', 'y', 'z']);
    });

    test('an empty append is a no-op and reading an empty journal answers cursor 0', async () => {
      const { store } = await fresh();
      expect(value(await store.events.append([]))).toEqual({ inserted: 0, headSeq: 0 });
      expect(value(await store.events.read())).toEqual({ events: [], cursor: 0, headSeq: 0, oldestSeq: null });
    });

    test('subscribers wake after an append commits, and not after unsubscribing', async () => {
      const { store } = await fresh();
      const heads: number[] = [];
      const unsubscribe = store.subscribe((head) => heads.push(head));
      const { headSeq } = value(await store.events.append([ev('a')]));
      await expect.poll(() => heads.includes(headSeq), { timeout: 10_000, interval: 20 }).toBe(true);
      unsubscribe();
      const count = heads.length;
      value(await store.events.append([ev('b')]));
      expect(heads).toHaveLength(count);
    });

    if (target.durable) {
      test('cursors are durable: a cursor from before a restart reads on', async () => {
        const where = await location();
        const first = await open(where);
        value(await first.events.append([ev('before-1'), ev('before-2')]));
        const { cursor } = value(await first.events.read());
        await first.close();
        const second = await open(where);
        value(await second.events.append([ev('after')]));
        const page = value(await second.events.read({ after: cursor }));
        expect(page.events.map((e) => e.kind)).toEqual(['after']);
        expect(page.events[0]?.seq).toBeGreaterThan(cursor);
      });
    }
  });

  describe(`${target.name}: mutations (FR-015)`, () => {
    test('a write by another session within the window is a conflict; the same session or an old write is not', async () => {
      const { store, clock } = await fresh();
      const m = (sessionId: string, agentId = 'a1') => ({
        principal: `user-${sessionId}`,
        sessionId,
        tool: 'send_agent_input',
        agentId,
        arguments: { input: 'hi' },
        outcome: 'ok',
        coderStatus: 200,
      });
      const opts = { conflictWindowMs: 60_000 };
      expect(value(await store.mutations.record(m('s1'), opts)).conflicts).toEqual([]);
      clock.advance(10_000);
      expect(value(await store.mutations.record(m('s1'), opts)).conflicts).toEqual([]);
      clock.advance(10_000);
      const conflict = value(await store.mutations.record(m('s2'), opts));
      expect(conflict.conflicts.map((c) => [c.sessionId, c.principal, c.tool, c.at])).toEqual([
        ['s1', 'user-s1', 'send_agent_input', clock.ms - 10_000],
        ['s1', 'user-s1', 'send_agent_input', clock.ms - 20_000],
      ]);
      expect(value(await store.mutations.record(m('s3', 'a2'), opts)).conflicts).toEqual([]);
      clock.advance(120_000);
      expect(value(await store.mutations.record(m('s4'), opts)).conflicts).toEqual([]);
      // A failed call changed nothing: it is audited, never a conflict; an unknown outcome may have changed it.
      value(await store.mutations.record({ ...m('s5'), outcome: 'failed:agent_busy' }, opts));
      value(await store.mutations.record({ ...m('s5'), outcome: 'unchanged' }, opts));
      expect(value(await store.mutations.record(m('s6'), opts)).conflicts.map((c) => c.sessionId)).toEqual(['s4']);
      value(await store.mutations.record({ ...m('s7'), outcome: 'unknown' }, opts));
      expect(value(await store.mutations.record(m('s8'), opts)).conflicts.map((c) => c.sessionId)).toEqual(['s7', 's6', 's4']);
    });

    test('arguments are journaled without secrets; history lists an agent newest first', async () => {
      const { store, clock } = await fresh();
      const base = { principal: 'alice', sessionId: 's1', agentId: 'a1', outcome: 'ok' };
      value(await store.mutations.record({ ...base, tool: 'create_agent_task', arguments: { prompt: 'go', token: 'abc', nested: { apiKey: 'k', keep: 1 } }, coderStatus: 201 }));
      clock.advance(1_000);
      value(await store.mutations.record({ ...base, tool: 'delete_agent', arguments: {}, outcome: 'refused' }));
      value(await store.mutations.record({ ...base, agentId: 'a2', tool: 'pause_agent', arguments: {} }));
      const history = value(await store.mutations.list({ agentId: 'a1' }));
      expect(history.map((h) => [h.tool, h.outcome, h.coderStatus])).toEqual([
        ['delete_agent', 'refused', null],
        ['create_agent_task', 'ok', 201],
      ]);
      expect(history[1]?.arguments).toEqual({ prompt: 'go', token: '[redacted]', nested: { apiKey: '[redacted]', keep: 1 } });
      expect(value(await store.mutations.list({ since: clock.ms })).map((h) => h.tool).sort()).toEqual(['delete_agent', 'pause_agent']);
    });
  });

  describe(`${target.name}: samples and trends`, () => {
    const MIN = 60_000;
    test('range buckets average the samples; empty buckets and unknown values stay gaps (never 0)', async () => {
      const { store, clock } = await fresh();
      const from = clock.ms;
      const samples = [];
      for (let i = 0; i < 30; i++) {
        if (i >= 10 && i < 20) continue; // the server was down: a gap
        samples.push({ at: from + i * MIN, scope: 'fleet', metrics: { active: i, cost: i < 5 ? null : 1.5 } });
      }
      expect(value(await store.samples.write(samples)).written).toBe(40);
      const { series, bucketMs } = value(await store.samples.range({ scope: 'fleet', from, to: from + 30 * MIN, bucketMs: 5 * MIN }));
      expect(bucketMs).toBe(5 * MIN);
      expect(series.map((s) => s.metric)).toEqual(['active', 'cost']);
      const active = series[0]!.buckets;
      expect(active).toHaveLength(6);
      expect(active.map((b) => b.start)).toEqual([0, 1, 2, 3, 4, 5].map((i) => from + i * 5 * MIN));
      expect(active.map((b) => b.avg)).toEqual([2, 7, null, null, 22, 27]);
      expect(active.map((b) => b.count)).toEqual([5, 5, 0, 0, 5, 5]);
      expect(active[0]).toMatchObject({ min: 0, max: 4 });
      expect(active[2]).toEqual({ start: from + 10 * MIN, count: 0, avg: null, min: null, max: null });
      const cost = series[1]!.buckets;
      expect(cost.map((b) => b.avg)).toEqual([null, 1.5, null, null, 1.5, 1.5]);
    });

    test('a range with named metrics answers the same buckets as without (gaps, nulls, a shorter last bucket, an unknown metric)', async () => {
      const { store, clock } = await fresh();
      const from = clock.ms;
      const samples = [];
      for (let i = 0; i < 47; i++) if (i % 9 !== 4) samples.push({ at: from + i * MIN, scope: 'fleet', metrics: { active: (i * 7) % 5, cost: i % 4 === 0 ? null : i / 2 } });
      value(await store.samples.write(samples));
      const window = { scope: 'fleet', from: from + 2 * MIN, to: from + 45 * MIN + 30_000, bucketMs: 4 * MIN };
      const all = value(await store.samples.range(window));
      const named = value(await store.samples.range({ ...window, metrics: ['cost', 'active', 'nothing'] }));
      expect(named.series.map((s) => s.metric)).toEqual(['cost', 'active', 'nothing']);
      expect(named.series[0]).toEqual(all.series.find((s) => s.metric === 'cost'));
      expect(named.series[1]).toEqual(all.series.find((s) => s.metric === 'active'));
      expect(named.series[1]!.buckets).toHaveLength(11);
      expect(named.series[2]!.buckets.every((b) => b.count === 0 && b.avg === null)).toBe(true);
    });

    test('writing the same sample again replaces it; scopes and the metric filter are separate', async () => {
      const { store, clock } = await fresh();
      const at = clock.ms;
      value(await store.samples.write([{ at, scope: 'fleet', metrics: { active: 1, failed: 0 } }]));
      value(await store.samples.write([{ at, scope: 'fleet', metrics: { active: 5 } }, { at, scope: 'template:gpu', metrics: { active: 9 } }]));
      const fleet = value(await store.samples.range({ scope: 'fleet', metrics: ['active', 'median_ms'], from: at, to: at + MIN, bucketMs: MIN }));
      expect(fleet.series.map((s) => [s.metric, s.buckets[0]?.avg ?? null])).toEqual([
        ['active', 5],
        ['median_ms', null],
      ]);
      const gpu = value(await store.samples.range({ scope: 'template:gpu', from: at, to: at + MIN, bucketMs: MIN }));
      expect(gpu.series.map((s) => [s.metric, s.buckets[0]?.avg])).toEqual([['active', 9]]);
    });
  });

  describe(`${target.name}: queued input`, () => {
    const item = (agentId: string, priority: 'low' | 'normal' | 'high' | 'urgent', text: string) => ({
      agentId,
      priority,
      payload: { input: text },
      principal: 'alice',
      sessionId: 's1',
    });

    test('delivery order is priority then FIFO; positions are reported; claims follow the order', async () => {
      const { store } = await fresh();
      const positions = [];
      for (const [p, t] of [['normal', 'n1'], ['low', 'l1'], ['high', 'h1'], ['normal', 'n2'], ['urgent', 'u1']] as const) {
        positions.push(value(await store.queue.enqueue(item('a1', p, t))).position);
      }
      expect(positions).toEqual([1, 2, 1, 3, 1]); // n2 queues behind h1 and n1
      value(await store.queue.enqueue(item('a2', 'low', 'other')));
      const listed = value(await store.queue.list({ agentId: 'a1' }));
      expect(listed.map((i) => (i.payload as { input: string }).input)).toEqual(['u1', 'h1', 'n1', 'n2', 'l1']);
      const claimed = [];
      for (;;) {
        const next = value(await store.queue.claim('a1', 'dispatcher-1'));
        if (!next) break;
        expect(next.state).toBe('claimed');
        expect(next.claimedBy).toBe('dispatcher-1');
        claimed.push((next.payload as { input: string }).input);
      }
      expect(claimed).toEqual(['u1', 'h1', 'n1', 'n2', 'l1']);
      expect(value(await store.queue.list({ agentId: 'a2' }))).toHaveLength(1);
    });

    test('reprioritise, promote and cancel change only queued items', async () => {
      const { store } = await fresh();
      const a = value(await store.queue.enqueue(item('a1', 'normal', 'a'))).item;
      const b = value(await store.queue.enqueue(item('a1', 'normal', 'b'))).item;
      const c = value(await store.queue.enqueue(item('a1', 'low', 'c'))).item;
      const order = async () => value(await store.queue.list({ agentId: 'a1', states: ['queued'] })).map((i) => (i.payload as { input: string }).input);
      expect(changed(value(await store.queue.reprioritise(b.id, 'high'))).priority).toBe('high');
      expect(await order()).toEqual(['b', 'a', 'c']);
      changed(value(await store.queue.promote(c.id)));
      expect(await order()).toEqual(['c', 'b', 'a']);
      const cancelled = changed(value(await store.queue.cancel(a.id, 'cancelled by alice')));
      expect(cancelled).toMatchObject({ state: 'cancelled', outcome: 'cancelled by alice' });
      expect(await order()).toEqual(['c', 'b']);
      const head = value(await store.queue.claim('a1', 'd1'));
      expect(head?.id).toBe(c.id);
      expect(value(await store.queue.cancel(c.id)).outcome).toBe('not_queued');
      expect(value(await store.queue.reprioritise(c.id, 'urgent')).outcome).toBe('not_queued');
      expect(value(await store.queue.cancel(9_999_999))).toEqual({ outcome: 'not_found', id: 9_999_999 });
      expect(changed(value(await store.queue.complete(c.id, 'delivered', 'coder 200')))).toMatchObject({ state: 'delivered', outcome: 'coder 200' });
      expect(value(await store.queue.complete(c.id, 'failed')).outcome).toBe('not_queued');
      expect(value(await store.queue.complete(b.id, 'delivered')).outcome).toBe('not_queued');
      const all = value(await store.queue.list({ agentId: 'a1', states: ['delivered', 'cancelled'] }));
      expect(all.map((i) => i.state).sort()).toEqual(['cancelled', 'delivered']);
    });

    test('release puts a claimed item back in its old place; nothing else can be released', async () => {
      const { store } = await fresh();
      const a = value(await store.queue.enqueue(item('a1', 'normal', 'a'))).item;
      value(await store.queue.enqueue(item('a1', 'normal', 'b')));
      const head = value(await store.queue.claim('a1', 'd1'));
      expect(head?.id).toBe(a.id);
      const back = changed(value(await store.queue.release(a.id)));
      expect(back).toMatchObject({ state: 'queued', claimedBy: null });
      expect(value(await store.queue.claim('a1', 'd2'))?.id).toBe(a.id);
      expect(changed(value(await store.queue.complete(a.id, 'delivered'))).state).toBe('delivered');
      expect(value(await store.queue.release(a.id)).outcome).toBe('not_queued');
      expect(value(await store.queue.release(9_999_999)).outcome).toBe('not_found');
    });

    test('many concurrent claims deliver each item exactly once', async () => {
      const { store } = await fresh();
      for (let i = 0; i < 20; i++) value(await store.queue.enqueue(item(`a${i % 2}`, 'normal', `m${i}`)));
      const claims = await Promise.all(Array.from({ length: 30 }, (_, i) => store.queue.claim(`a${i % 2}`, `d${i}`)));
      const ids = claims.map(value).filter((c): c is QueueItem => c !== null).map((c) => c.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBeLessThanOrEqual(20);
    });

    if (target.durable) {
      test('queued items survive a restart', async () => {
        const where = await location();
        const first = await open(where);
        value(await first.queue.enqueue(item('a1', 'high', 'keep me')));
        await first.close();
        const second = await open(where);
        expect(value(await second.queue.list()).map((i) => i.payload)).toEqual([{ input: 'keep me' }]);
      });
    }
  });

  describe(`${target.name}: leases`, () => {
    const req = (holder: string, ttlMs = 15_000) => ({ name: 'watcher', holder, ttlMs });

    test('one holder at a time; renew extends; after expiry another holder takes over with a new epoch', async () => {
      const clock = new ManualClock();
      const where = await location();
      const a = await open(where, clock);
      const b = where.kind === 'memory' ? a : await open(where, clock);
      const first = value(await a.leases.acquire(req('replica-a')));
      expect(first).toMatchObject({ held: true, lease: { holder: 'replica-a', epoch: 1, expiresAt: clock.ms + 15_000 } });
      const refused = value(await b.leases.acquire(req('replica-b')));
      expect(refused).toMatchObject({ held: false, current: { holder: 'replica-a' } });
      clock.advance(10_000);
      expect(value(await a.leases.renew(req('replica-a')))).toMatchObject({ held: true, lease: { expiresAt: clock.ms + 15_000, epoch: 1 } });
      clock.advance(10_000);
      expect(value(await b.leases.acquire(req('replica-b'))).held).toBe(false);
      clock.advance(5_000); // replica-a died: no renew for 15 s
      const taken = value(await b.leases.acquire(req('replica-b')));
      expect(taken).toMatchObject({ held: true, lease: { holder: 'replica-b', epoch: 2 } });
      expect(value(await a.leases.renew(req('replica-a')))).toMatchObject({ held: false, current: { holder: 'replica-b' } });
      expect(value(await a.leases.release('watcher', 'replica-a'))).toEqual({ released: false });
      expect(value(await b.leases.release('watcher', 'replica-b'))).toEqual({ released: true });
      expect(value(await a.leases.acquire(req('replica-a')))).toMatchObject({ held: true, lease: { epoch: 3 } });
      expect(value(await b.leases.get('watcher'))).toMatchObject({ holder: 'replica-a', epoch: 3 });
      expect(value(await b.leases.get('sampler'))).toBeNull();
    });
  });

  describe(`${target.name}: retention and errors`, () => {
    test('purge removes what is older than the retention and keeps the rest', async () => {
      const { store, clock } = await fresh();
      const DAY = 86_400_000;
      const old = clock.ms - 31 * DAY;
      value(await store.events.append([ev('old', { at: old }), ev('new')]));
      value(await store.mutations.record({ at: old, principal: 'p', sessionId: 's', tool: 't', agentId: 'a', arguments: {}, outcome: 'ok' }));
      value(await store.samples.write([{ at: old, scope: 'fleet', metrics: { active: 1 } }, { at: clock.ms, scope: 'fleet', metrics: { active: 2 } }]));
      const queued = value(await store.queue.enqueue({ at: old, agentId: 'a', priority: 'low', payload: 'x', principal: 'p', sessionId: 's' })).item;
      value(await store.queue.enqueue({ at: old, agentId: 'a', priority: 'low', payload: 'still queued', principal: 'p', sessionId: 's' }));
      clock.advance(-31 * DAY);
      value(await store.queue.cancel(queued.id));
      clock.advance(31 * DAY);
      expect(value(await store.purge({ retentionDays: 30 }))).toEqual({ events: 1, mutations: 1, samples: 1, queue: 1 });
      const page = value(await store.events.read());
      expect(page.events.map((e) => e.kind)).toEqual(['new']);
      expect(page.oldestSeq).toBe(page.events[0]?.seq);
      expect(value(await store.queue.list()).map((i) => i.payload)).toEqual(['still queued']);
    });

    test('a closed store answers a typed error; invalid arguments are programmer errors (thrown)', async () => {
      const { store } = await fresh();
      await expect(store.queue.enqueue({ agentId: 'a', priority: 'asap' as 'low', payload: 1, principal: 'p', sessionId: 's' })).rejects.toThrow(/priority/);
      await expect(store.events.read({ limit: 0 })).rejects.toThrow(/limit/);
      await store.close();
      const answer = await store.events.read();
      expect(answer).toMatchObject({ ok: false, error: { kind: 'closed', operation: 'events.read', retryable: false } });
      expect(answer.ok ? '' : answer.error.hint).toMatch(/shutting down/);
    });
  });

  const openPeer = target.openPeer;
  if (openPeer) {
    describe(`${target.name}: two independent stores on one location`, () => {
      const pair = async () => {
        const where = await location();
        const store = await open(where);
        const peer = await openPeer(where);
        cleanups.push(() => peer.close());
        return { store, peer: peer.store };
      };

      test("each sees the other's writes and cursors", async () => {
        const { store, peer } = await pair();
        value(await store.events.append([ev('from-main-1'), ev('from-main-2')]));
        const seen = value(await peer.events.read());
        expect(seen.events.map((e) => e.kind)).toEqual(['from-main-1', 'from-main-2']);
        value(await peer.events.append([ev('from-peer')]));
        const next = value(await store.events.read({ after: seen.cursor }));
        expect(next.events.map((e) => e.kind)).toEqual(['from-peer']);
        value(await peer.mutations.record({ principal: 'bob', sessionId: 'peer-session', tool: 'pause_agent', agentId: 'a1', arguments: {}, outcome: 'ok' }));
        const mine = value(
          await store.mutations.record(
            { principal: 'alice', sessionId: 'main-session', tool: 'send_agent_input', agentId: 'a1', arguments: {}, outcome: 'ok' },
            { conflictWindowMs: 3_600_000 },
          ),
        );
        expect(mine.conflicts.map((c) => [c.principal, c.tool])).toEqual([['bob', 'pause_agent']]);
      });

      test('a subscriber wakes on the peer’s append', async () => {
        const { store, peer } = await pair();
        const heads: number[] = [];
        const unsubscribe = store.subscribe((head) => heads.push(head));
        const { headSeq } = value(await peer.events.append([ev('wake')]));
        await expect.poll(() => heads.includes(headSeq), { timeout: 10_000, interval: 50 }).toBe(true);
        unsubscribe();
      });

      test('concurrent claims from both deliver each queued item exactly once', async () => {
        const { store, peer } = await pair();
        const N = 40;
        for (let i = 0; i < N; i++) {
          value(await store.queue.enqueue({ agentId: `a${i % 4}`, priority: 'normal', payload: i, principal: 'p', sessionId: 's' }));
        }
        const attempts = Array.from({ length: N + 8 }, (_, i) => [i % 2 === 0 ? store : peer, `a${i % 4}`, `d${i % 2}`] as const);
        const results: Array<QueueItem | null> = [];
        // Keep claiming until every agent's queue answers empty (a claim that lost a race may answer null early).
        for (let round = 0; round < 5; round++) {
          const batch = await Promise.all(attempts.map(([s, agent, by]) => s.queue.claim(agent, by)));
          results.push(...batch.map(value));
          if (value(await store.queue.list({ states: ['queued'] })).length === 0) break;
        }
        const ids = results.filter((r): r is QueueItem => r !== null).map((r) => r.id);
        expect(ids).toHaveLength(N);
        expect(new Set(ids).size).toBe(N);
      });
    });
  }
}
