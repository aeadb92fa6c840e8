/**
 * The durable journal's writer on its own: a store that keeps failing never grows memory past the bound (the
 * oldest unsaved events are dropped and counted), and the keys it writes make a replay idempotent.
 */
import type { FleetEvent } from '@org/fleet-domain';
import { describe, expect, it } from 'vitest';
import type { Background } from '../runtime/background.js';
import { createStoreHandle } from '../runtime/store-handle.js';
import { createDurableJournal, eventKey, fromStoredEvent, toNewEvent } from './durable-events.js';
import type { FleetWatcher } from './fleet-watcher.js';
import { createManualScheduler } from './manual-scheduler.js';

const event = (n: number): FleetEvent => ({ kind: 'agent_failed', severity: 'critical', agentId: `a${n}`, agentName: `n${n}`, owner: 'o', at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(), message: `failed ${n}`, reason: 'x' });

describe('durable journal writer', () => {
  it('buffers at most maxUnsaved events while the store fails, dropping (and counting) the oldest', async () => {
    let now = Date.UTC(2026, 0, 1);
    const clock = { now: () => new Date(now) };
    const scheduler = createManualScheduler({ now: () => now, moveClock: (ms) => void (now += ms) });
    const store = createStoreHandle({
      open: async () => ({ ok: false, error: { kind: 'disk_full', operation: 'open', message: 'no space left', hint: 'Free disk space.', retryable: true } }),
      adapter: 'sqlite',
      location: 'test',
      clock,
    });
    const background = { isLeader: () => false, ensureStarted: async () => undefined } as unknown as Background;
    const journal = createDurableJournal({ store, background, watch: () => ({}) as FleetWatcher, clock, scheduler, maxUnsaved: 3 });
    journal.watcher.commit({ entries: [1, 2, 3, 4, 5].map((n) => ({ seq: n, recordedAt: now, event: event(n) })), at: clock.now() });
    await journal.settled();
    expect(journal.status()).toEqual({ unsaved: 3, dropped: 2 });
    await scheduler.advance(10_000); // retried, still failing: nothing grows, nothing throws
    expect(journal.status()).toEqual({ unsaved: 3, dropped: 2 });
    await journal.close();
  });

  it('a stored event reads back as the same event with a durable cursor; its key is stable', () => {
    const e = event(7);
    const row = toNewEvent({ seq: 1, recordedAt: 42, event: e });
    expect(row.key).toBe(eventKey(e));
    expect(eventKey({ ...e, message: 'other' })).not.toBe(row.key);
    const back = fromStoredEvent({ seq: 9, at: row.at ?? 0, kind: row.kind, severity: row.severity, agentId: row.agentId ?? null, payload: row.payload, key: row.key ?? null });
    expect(back).toEqual({ seq: 9, recordedAt: 42, event: e, cursor: 'j-9' });
    expect(fromStoredEvent({ seq: 10, at: 0, kind: 'watcher_snapshot', severity: 'info', agentId: null, payload: { at: 0 }, key: null })).toBeUndefined();
  });
});
