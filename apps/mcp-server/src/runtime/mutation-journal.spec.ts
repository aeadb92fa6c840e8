import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../log.js';
import { manualClock } from '../testing/manual-clock.js';
import { createMutationJournal, createStoreMutationJournal } from './mutation-journal.js';
import { createStoreHandle, storeHandleForTarget } from './store-handle.js';

describe('createMutationJournal', () => {
  it('reports an earlier mutation of the same agent by another session within the window', async () => {
    const clock = manualClock();
    const journal = createMutationJournal({ clock, windowMs: 60_000 });
    expect(await journal.record({ agentId: 'a', sessionId: 's1', action: 'pause_agent' })).toBeUndefined();
    clock.advance(10_000);
    expect(await journal.record({ agentId: 'a', sessionId: 's1', action: 'resume_agent' })).toBeUndefined();
    clock.advance(10_000);
    const notice = await journal.record({ agentId: 'a', sessionId: 's2', action: 'send_agent_input' });
    expect(notice).toMatchObject({ sessionId: 's1', action: 'resume_agent' });
    clock.advance(60_001);
    expect(await journal.record({ agentId: 'a', sessionId: 's1', action: 'pause_agent' })).toBeUndefined();
    expect(await journal.record({ agentId: 'b', sessionId: 's2', action: 'pause_agent' })).toBeUndefined();
    expect(journal.last('a')?.action).toBe('pause_agent');
  });
});

describe('createStoreMutationJournal (FR-015 across processes)', () => {
  it('two journals on one store file report each other’s writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-journal-'));
    try {
      const clock = manualClock();
      const target = { kind: 'sqlite' as const, path: join(dir, 'fleet.sqlite'), isDefault: false };
      const storeA = storeHandleForTarget(target, clock);
      const storeB = storeHandleForTarget(target, clock);
      const a = createStoreMutationJournal({ store: storeA, clock, windowMs: 60_000 });
      const b = createStoreMutationJournal({ store: storeB, clock, windowMs: 60_000 });
      expect(await a.record({ agentId: 'x', sessionId: 'process-a', action: 'pause_agent' })).toBeUndefined();
      clock.advance(5_000);
      expect(await b.record({ agentId: 'x', sessionId: 'process-b', action: 'send_agent_input' })).toMatchObject({
        sessionId: 'process-a',
        action: 'pause_agent',
        at: new Date(clock.now().getTime() - 5_000),
      });
      clock.advance(120_000);
      expect(await a.record({ agentId: 'x', sessionId: 'process-a', action: 'resume_agent' })).toBeUndefined();
      await storeA.close();
      await storeB.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a store that cannot open degrades to the in-process journal and says so once', async () => {
    const clock = manualClock();
    const warnings: string[] = [];
    const log = { warn: (message: string) => warnings.push(message) } as unknown as Logger;
    const store = createStoreHandle({
      open: async () => ({ ok: false, error: { kind: 'disk_full', operation: 'open', message: 'full', hint: 'free space', retryable: false } }),
      adapter: 'sqlite',
      location: 'sqlite /nowhere',
      clock,
      log,
    });
    const journal = createStoreMutationJournal({ store, clock, windowMs: 60_000 });
    expect(await journal.record({ agentId: 'x', sessionId: 's1', action: 'pause_agent' })).toBeUndefined();
    expect(await journal.record({ agentId: 'x', sessionId: 's2', action: 'resume_agent' })).toMatchObject({ sessionId: 's1' });
    expect(warnings).toHaveLength(1);
    expect(store.status()).toMatchObject({ state: 'degraded', error: { kind: 'disk_full' } });
    await store.close();
  });
});
