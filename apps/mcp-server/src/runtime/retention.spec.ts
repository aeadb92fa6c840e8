import type { FleetStore, StoreResult } from '@org/fleet-store';
import { afterEach, describe, expect, it } from 'vitest';
import { makeConfig } from '../config.js';
import { manualClock } from '../testing/manual-clock.js';
import { startWatchFixture, type WatchFixture } from '../testing/watch-fixture.js';
import { createManualScheduler } from '../watch/manual-scheduler.js';
import { createRetentionJob, retentionDaysOf, RETENTION_PURGE_INTERVAL_MS } from './retention.js';
import { memoryStoreHandle, type StoreHandle } from './store-handle.js';

const DAY = 86_400_000;
const START = Date.parse('2026-03-01T00:00:00Z');

async function sampleTimes(store: StoreHandle, from: number, to: number): Promise<number[]> {
  const r = await store.run((s) => s.samples.range({ scope: 'fleet', metrics: ['active'], from, to, bucketMs: DAY }));
  if (!r.ok) throw new Error(r.error.message);
  return (r.value.series[0]?.buckets ?? []).filter((b) => b.count > 0).map((b) => b.start);
}

describe('retention job', () => {
  it('purges history older than --retention-days at start and then hourly; a failing store is retried, never thrown', async () => {
    const clock = manualClock(START);
    const scheduler = createManualScheduler({ now: () => clock.now().getTime(), moveClock: (ms) => clock.advance(ms) });
    const store = memoryStoreHandle(clock);
    const written = await store.run((s) => s.samples.write([0, 10, 29, 31, 40].map((ago) => ({ at: START - ago * DAY, scope: 'fleet', metrics: { active: ago } }))));
    expect(written.ok).toBe(true);
    const job = createRetentionJob({ store, scheduler, retentionDays: 30 });
    job.start();
    await scheduler.flush();
    expect(await sampleTimes(store, START - 50 * DAY, START + DAY)).toEqual([29, 10, 0].map((ago) => START - ago * DAY));

    // A day later the 29-day-old sample is 30 days old: the next hourly beats purge it.
    const run = store.run;
    let failures = 0;
    store.run = async <T>(op: (s: FleetStore) => Promise<StoreResult<T>>) => {
      failures++;
      if (failures === 1) return { ok: false, error: { kind: 'locked', operation: 'purge', message: 'database is locked', hint: 'Retry.', retryable: true } };
      return run(op);
    };
    await scheduler.advance(DAY + RETENTION_PURGE_INTERVAL_MS);
    expect(failures).toBeGreaterThan(1);
    store.run = run;
    expect(await sampleTimes(store, START - 50 * DAY, START + 2 * DAY)).toEqual([10, 0].map((ago) => START - ago * DAY));
    await job.stop();
    expect(scheduler.pending()).toBe(0);
  });

  it('uses --retention-days, default 30', () => {
    expect(retentionDaysOf(makeConfig({ coderUrl: 'http://x', sessionToken: 't' }))).toBe(30);
    expect(retentionDaysOf(makeConfig({ coderUrl: 'http://x', sessionToken: 't', retentionDays: '7' }))).toBe(7);
  });
});

describe('retention in a runtime', () => {
  let fx: WatchFixture | undefined;
  afterEach(async () => {
    await fx?.runtime.background.stop();
    await fx?.close();
  });

  it('runs in the lease holder: old samples are gone once the background starts', async () => {
    fx = await startWatchFixture({ config: { sampleInterval: 0, retentionDays: '2' } });
    const now = fx.clock.now().getTime();
    await fx.runtime.store.run((s) => s.samples.write([{ at: now - 3 * DAY, scope: 'fleet', metrics: { active: 1 } }, { at: now - DAY, scope: 'fleet', metrics: { active: 2 } }]));
    await fx.runtime.background.ensureStarted();
    await fx.scheduler.flush();
    expect(await sampleTimes(fx.runtime.store, now - 4 * DAY, now)).toEqual([now - DAY]);
  });
});
