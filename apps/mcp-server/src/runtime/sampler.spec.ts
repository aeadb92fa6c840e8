import { createCoderClient } from '@org/coder-api-client';
import { buildAgent } from '@org/fleet-domain/testing';
import type { Agent } from '@org/fleet-domain';
import type { FleetStore, StoreResult } from '@org/fleet-store';
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetReadSource } from '../backends/backend.js';
import type { CoderResult } from '../coder.js';
import { manualClock } from '../testing/manual-clock.js';
import { startWatchFixture, type WatchFixture } from '../testing/watch-fixture.js';
import { createManualScheduler } from '../watch/manual-scheduler.js';
import { createFleetRuntime } from './fleet-runtime.js';
import { createSampler, type Sampler } from './sampler.js';
import { memoryStoreHandle, type StoreHandle } from './store-handle.js';

const MINUTE = 60_000;
const START = Date.parse('2026-01-01T00:00:30Z');

/** A fleet source that answers `agents`, or a Coder outage while `down`; counts reads. */
function fakeFleet(agents: () => readonly Agent[]) {
  const source = {
    down: false,
    reads: 0,
    list: async (): Promise<CoderResult<{ agents: readonly Agent[]; count: number; fetchedAt: Date }>> => {
      source.reads++;
      if (source.down) return { ok: false, error: { kind: 'network', message: 'connect ECONNREFUSED' } } as never;
      const list = agents();
      return { ok: true, status: 200, value: { agents: list, count: list.length, fetchedAt: new Date() } };
    },
    invalidate: () => undefined,
  } satisfies FleetReadSource & Record<string, unknown>;
  return source;
}

/** The memory store, but every operation fails (disk full) while `broken`. */
function breakableStore(inner: StoreHandle): StoreHandle & { broken: boolean } {
  const handle = {
    ...inner,
    broken: false,
    run<T>(operation: (store: FleetStore) => Promise<StoreResult<T>>): Promise<StoreResult<T>> {
      if (handle.broken)
        return Promise.resolve({ ok: false, error: { kind: 'disk_full', operation: 'samples.write', message: 'database or disk is full', hint: 'Free disk space.', retryable: true } });
      return inner.run(operation);
    },
  };
  return handle;
}

function setup(options: { agents?: () => readonly Agent[] } = {}) {
  const clock = manualClock(START);
  const scheduler = createManualScheduler({ now: () => clock.now().getTime(), moveClock: (ms) => clock.advance(ms) });
  const fleet = fakeFleet(options.agents ?? (() => [buildAgent({ status: 'busy', now: clock.now().getTime() }), buildAgent({ status: 'idle', now: clock.now().getTime() })]));
  const store = breakableStore(memoryStoreHandle(clock));
  const sampler = createSampler({ fleet, store, clock, scheduler, intervalMs: MINUTE, statusOptions: {} });
  const series = async (metric: string, from: number, to: number) => {
    const r = await store.run((s) => s.samples.range({ scope: 'fleet', metrics: [metric], from, to, bucketMs: MINUTE }));
    if (!r.ok) throw new Error(r.error.message);
    return r.value.series[0]?.buckets ?? [];
  };
  return { clock, scheduler, fleet, store, sampler, series };
}

describe('sampler', () => {
  let sampler: Sampler | undefined;
  afterEach(async () => sampler?.stop());

  it('samples at once on start, then on every interval boundary, in one write per tick; stop stops it', async () => {
    const t = setup();
    sampler = t.sampler;
    t.sampler.start();
    t.sampler.start(); // idempotent
    await t.scheduler.flush();
    expect(t.sampler.status()).toMatchObject({ running: true, intervalMs: MINUTE, startedAt: new Date(START), lastSampleAt: new Date(START - 30_000) });
    await t.scheduler.advance(3 * MINUTE);
    expect(t.fleet.reads).toBe(4);
    const total = await t.series('total', START - 30_000, START + 3 * MINUTE);
    expect(total.map((b) => [b.count, b.avg])).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    await t.sampler.stop();
    await t.scheduler.advance(5 * MINUTE);
    expect(t.fleet.reads).toBe(4);
    expect(t.scheduler.pending()).toBe(0);
    expect(t.sampler.status().running).toBe(false);
  });

  it('writes the fleet scope plus template and owner scopes', async () => {
    const t = setup();
    const outcome = await t.sampler.sampleOnce();
    expect(outcome).toMatchObject({ kind: 'written', at: START - 30_000 });
    for (const scope of ['fleet', 'template:coder-devcontainer', 'owner:alice']) {
      const r = await t.store.run((s) => s.samples.range({ scope, metrics: ['total', 'utilization'], from: START - MINUTE, to: START + MINUTE, bucketMs: 2 * MINUTE }));
      expect(r.ok && r.value.series.map((s) => [s.metric, s.buckets[0]?.avg])).toEqual([
        ['total', 2],
        ['utilization', 0.5],
      ]);
    }
  });

  it('a Coder outage is a gap in the trend, never zeros; sampling resumes by itself', async () => {
    const t = setup();
    sampler = t.sampler;
    t.sampler.start();
    await t.scheduler.flush();
    t.fleet.down = true;
    await t.scheduler.advance(2 * MINUTE);
    expect(t.sampler.status().lastFailure).toMatchObject({ source: 'coder' });
    t.fleet.down = false;
    await t.scheduler.advance(MINUTE);
    expect(t.sampler.status().lastFailure).toBeUndefined();
    const buckets = await t.series('total', START - 30_000, START + 3 * MINUTE);
    expect(buckets.map((b) => b.count)).toEqual([1, 0, 0, 1]);
    expect(buckets.map((b) => b.avg)).toEqual([2, null, null, 2]);
  });

  it('a failing store never throws nor stops the sampler: the sample is dropped and the next tick writes again', async () => {
    const t = setup();
    sampler = t.sampler;
    t.store.broken = true;
    t.sampler.start();
    await t.scheduler.flush();
    expect(t.sampler.status()).toMatchObject({ running: true, lastFailure: { source: 'store', message: expect.stringContaining('disk is full') } });
    await t.scheduler.advance(MINUTE);
    expect(t.fleet.reads).toBe(2);
    t.store.broken = false;
    await t.scheduler.advance(MINUTE);
    expect(t.sampler.status().lastFailure).toBeUndefined();
    const buckets = await t.series('total', START - 30_000, START + 2 * MINUTE);
    expect(buckets.map((b) => b.count)).toEqual([0, 0, 1]);
  });

  it('unknown values are stored as null (a gap of that metric), known ones as numbers', async () => {
    const t = setup({ agents: () => [buildAgent({ status: 'paused' })] });
    await t.sampler.sampleOnce();
    // The sample sits at START - 30 s, in the first bucket.
    expect((await t.series('utilization', START - MINUTE, START + MINUTE)).map((b) => [b.count, b.avg])).toEqual([
      [0, null],
      [0, null],
    ]);
    expect((await t.series('paused', START - MINUTE, START + MINUTE)).map((b) => [b.count, b.avg])).toEqual([
      [1, 1],
      [0, null],
    ]);
  });

  it('a sampler with interval 0 never starts', async () => {
    const clock = manualClock(START);
    const scheduler = createManualScheduler({ now: () => clock.now().getTime(), moveClock: (ms) => clock.advance(ms) });
    const off = createSampler({ fleet: fakeFleet(() => []), store: memoryStoreHandle(clock), clock, scheduler, intervalMs: 0, statusOptions: {} });
    off.start();
    expect(scheduler.pending()).toBe(0);
    expect(off.status()).toEqual({ intervalMs: 0, running: false });
  });
});

describe('sampler in a runtime', () => {
  let fx: WatchFixture | undefined;
  afterEach(async () => {
    await fx?.runtime.background.stop();
    await fx?.close();
    fx = undefined;
  });

  it('runs once the background lease is taken, reading the fleet through the cached list (one Coder read per tick)', async () => {
    fx = await startWatchFixture({ config: { sampleInterval: 60 } });
    const runtime = fx.runtime;
    expect(runtime.sampler.status().running).toBe(false); // not before the lease
    await runtime.background.ensureStarted();
    expect(runtime.background.isLeader()).toBe(true);
    await fx.scheduler.flush();
    const before = fx.tasksListRequests();
    await fx.advance(2 * MINUTE);
    expect(fx.tasksListRequests() - before).toBe(2);
    const now = fx.clock.now().getTime();
    const r = await runtime.store.run((s) => s.samples.range({ scope: 'fleet', metrics: ['total'], from: now - 3 * MINUTE, to: now + 1, bucketMs: 3 * MINUTE + 1 }));
    expect(r.ok && r.value.series[0]?.buckets[0]).toMatchObject({ count: 3, avg: 24 });
    await runtime.background.stop();
    expect(runtime.sampler.status().running).toBe(false);
  });

  it('per-token runtimes sharing the process background share its sampler: one sample per tick, not one per runtime', async () => {
    fx = await startWatchFixture({ config: { sampleInterval: 60 } });
    const { runtime, sim, config, clock, scheduler } = fx;
    const coder = createCoderClient({ baseUrl: sim.url, sessionToken: sim.token, retry: { retries: 0 } });
    const second = createFleetRuntime({ coder, clock, config, scheduler, store: runtime.store, leadership: runtime.leadership, background: runtime.background, sampler: runtime.sampler });
    expect(second.sampler).toBe(runtime.sampler);
    await runtime.background.ensureStarted();
    await scheduler.flush();
    const before = fx.tasksListRequests();
    await fx.advance(3 * MINUTE);
    expect(fx.tasksListRequests() - before).toBe(3);
    second.watch.shutdown();
  });

  it('--sample-interval 0 registers no sampler', async () => {
    fx = await startWatchFixture({ config: { sampleInterval: 0 } });
    await fx.runtime.background.ensureStarted();
    await fx.scheduler.flush();
    expect(fx.runtime.sampler.status()).toEqual({ intervalMs: 0, running: false });
  });
});
