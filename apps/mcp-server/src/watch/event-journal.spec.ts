import type { FleetEvent } from '@org/fleet-domain';
import { describe, expect, it } from 'vitest';
import { createEventJournal } from './event-journal.js';

const ev = (i: number, severity: FleetEvent['severity'] = 'info'): FleetEvent => ({
  kind: 'task_completed',
  severity,
  agentId: `a${i}`,
  agentName: `agent-${i}`,
  owner: 'alice',
  at: '2026-01-01T00:00:00.000Z',
  message: `event ${i}`,
});

describe('event journal', () => {
  it('numbers events monotonically and reads strictly after a cursor, oldest first', () => {
    const j = createEventJournal({ capacity: 100, epoch: 'abc' });
    expect(j.currentCursor()).toBe('abc-0');
    j.append([ev(1), ev(2)], 0);
    j.append([ev(3)], 1);
    const r = j.read('abc-1');
    expect(r.entries.map((e) => e.seq)).toEqual([2, 3]);
    expect(r.nextCursor).toBe('abc-3');
    expect(r.cursorTooOld).toBe(false);
    expect(j.read('abc-3').entries).toEqual([]);
    expect(j.read('abc-3').nextCursor).toBe('abc-3');
  });

  it('pages with limit/has_more and advances the cursor past filtered-out events', () => {
    const j = createEventJournal({ capacity: 100, epoch: 'e' });
    j.append([ev(1), ev(2, 'critical'), ev(3), ev(4, 'critical'), ev(5)], 0);
    const page = j.read('e-0', { limit: 1, filter: (x) => x.event.severity === 'critical' });
    expect(page.entries.map((e) => e.seq)).toEqual([2]);
    expect(page.hasMore).toBe(true);
    const next = j.read(page.nextCursor, { limit: 1, filter: (x) => x.event.severity === 'critical' });
    expect(next.entries.map((e) => e.seq)).toEqual([4]);
    expect(next.hasMore).toBe(false);
    expect(next.nextCursor).toBe('e-5');
  });

  it('evicts beyond capacity and answers an evicted cursor with cursor_too_old from the oldest kept event', () => {
    const j = createEventJournal({ capacity: 3, epoch: 'e' });
    j.append([ev(1), ev(2), ev(3), ev(4), ev(5)], 0);
    expect(j.size).toBe(3);
    expect(j.evicted).toBe(2);
    const old = j.read('e-1');
    expect(old.cursorTooOld).toBe(true);
    expect(old.cursorIssue).toBe('evicted');
    expect(old.oldestCursor).toBe('e-2');
    expect(old.entries.map((e) => e.seq)).toEqual([3, 4, 5]);
    // The oldest cursor loses nothing.
    const ok = j.read('e-2');
    expect(ok.cursorTooOld).toBe(false);
    expect(ok.entries.map((e) => e.seq)).toEqual([3, 4, 5]);
  });

  it('stays bounded and contiguous over many evictions (compaction)', () => {
    const j = createEventJournal({ capacity: 50, epoch: 'e' });
    for (let i = 1; i <= 5_000; i++) j.append([ev(i)], i);
    expect(j.size).toBe(50);
    expect(j.evicted).toBe(4_950);
    const r = j.read('e-4950');
    expect(r.cursorTooOld).toBe(false);
    expect(r.entries.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, k) => 4_951 + k));
    expect(j.read('e-4949').cursorTooOld).toBe(true);
  });

  it('recognises cursors from another epoch (restart), from the future and malformed ones', () => {
    const j = createEventJournal({ capacity: 10, epoch: 'e' });
    j.append([ev(1)], 0);
    expect(j.read('f00-1')).toMatchObject({ cursorTooOld: true, cursorIssue: 'other_epoch' });
    expect(j.read('e-9')).toMatchObject({ cursorTooOld: true, cursorIssue: 'future' });
    expect(j.read('nonsense')).toMatchObject({ cursorTooOld: true, cursorIssue: 'malformed' });
  });

  it('recent() returns the newest matching entries, oldest first', () => {
    const j = createEventJournal({ capacity: 10, epoch: 'e' });
    j.append([ev(1), ev(2, 'warning'), ev(3), ev(4, 'warning')], 0);
    expect(j.recent(2).map((e) => e.seq)).toEqual([3, 4]);
    expect(j.recent(5, (e) => e.event.severity === 'warning').map((e) => e.seq)).toEqual([2, 4]);
  });
});
