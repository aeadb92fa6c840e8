import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type FleetStore, type StoreError, type StoreResult } from '@org/fleet-store';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../testing/manual-clock.js';
import { createManualScheduler } from '../watch/manual-scheduler.js';
import { createLeadership } from './leadership.js';
import { createStoreHandle, memoryStoreHandle, storeHandleForTarget, type StoreStatus } from './store-handle.js';

const down: StoreError = { kind: 'unavailable', operation: 'open', message: 'connection refused', hint: 'start the database', retryable: true };

describe('createStoreHandle', () => {
  it('opens on first use, not before, and answers from the open store', async () => {
    const clock = manualClock();
    const store = memoryStoreHandle(clock);
    expect(store.status().state).toBe('not_opened');
    const appended = await store.run((s) => s.events.append([{ kind: 'k', severity: 'info', payload: {} }]));
    expect(appended).toMatchObject({ ok: true, value: { inserted: 1, headSeq: 1 } });
    expect(store.status()).toMatchObject({ state: 'ok', adapter: 'memory' });
    await store.close();
  });

  it('a store that is down degrades (told to listeners once), retries after the interval, and recovers', async () => {
    const clock = manualClock();
    let attempts = 0;
    const database: { back?: StoreResult<FleetStore> } = {};
    const store = createStoreHandle({
      open: async () => {
        attempts += 1;
        return database.back ?? { ok: false, error: down };
      },
      adapter: 'postgres',
      location: 'postgres db/test schema fleet',
      clock,
      reopenIntervalMs: 5_000,
    });
    const seen: StoreStatus[] = [];
    store.onStatus((s) => seen.push(s));
    expect(await store.run((s) => s.health())).toEqual({ ok: false, error: down });
    expect(await store.run((s) => s.health())).toEqual({ ok: false, error: down });
    expect(attempts).toBe(1); // within the interval: no second connection attempt
    clock.advance(5_000);
    database.back = await openStore({ kind: 'memory' }, { clock }); // the database is back
    expect((await store.run((s) => s.health())).ok).toBe(true);
    expect(attempts).toBe(2);
    expect(seen.map((s) => [s.state, s.error?.kind])).toEqual([
      ['degraded', 'unavailable'],
      ['ok', undefined],
    ]);
    await store.close();
  });

  it('a failing operation marks the store degraded and a later success recovers it', async () => {
    const clock = manualClock();
    const store = memoryStoreHandle(clock);
    const failed = await store.run(async () => ({ ok: false as const, error: { ...down, kind: 'disk_full' as const, operation: 'events.append' } }));
    expect(failed.ok).toBe(false);
    expect(store.status()).toMatchObject({ state: 'degraded', error: { kind: 'disk_full' } });
    expect((await store.run((s) => s.health())).ok).toBe(true);
    expect(store.status().state).toBe('ok');
    // a throwing operation is a bug, still never a crash
    const thrown = await store.run(() => Promise.reject(new Error('boom')));
    expect(thrown).toMatchObject({ ok: false, error: { kind: 'failed' } });
    await store.close();
    expect(await store.run((s) => s.health())).toMatchObject({ ok: false, error: { kind: 'closed' } });
  });
});

describe('createLeadership (one background lease among processes on one store)', () => {
  it('one of two processes leads; when it stops or dies the other takes over within ttl + renew', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-lease-'));
    const clock = manualClock();
    const scheduler = createManualScheduler({ now: () => clock.now().getTime(), moveClock: (ms) => clock.advance(ms) });
    const target = { kind: 'sqlite' as const, path: join(dir, 'fleet.sqlite'), isDefault: false };
    const storeA = storeHandleForTarget(target, clock);
    const storeB = storeHandleForTarget(target, clock);
    try {
      const a = createLeadership({ store: storeA, scheduler, holder: 'a', ttlMs: 15_000, renewMs: 5_000 });
      const b = createLeadership({ store: storeB, scheduler, holder: 'b', ttlMs: 15_000, renewMs: 5_000 });
      const changes: string[] = [];
      b.onChange((leader) => changes.push(`b:${leader}`));
      await a.start();
      await b.start();
      expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
      const firstEpoch = a.epoch();
      await scheduler.advance(20_000);
      expect([a.isLeader(), b.isLeader()]).toEqual([true, false]); // renewals keep it
      // a dies without releasing (kill -9): its beat stops, the lease expires, b takes it
      await storeA.close(); // a's store is gone: its renewals fail and it gives leadership up
      await scheduler.advance(5_000);
      expect(a.isLeader()).toBe(false);
      await scheduler.advance(20_000);
      expect(b.isLeader()).toBe(true);
      expect(b.epoch()).toBeGreaterThan(firstEpoch ?? 0);
      expect(changes).toEqual(['b:true']);
      await b.stop();
      expect(b.isLeader()).toBe(false);
      await a.stop();
    } finally {
      await storeB.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
