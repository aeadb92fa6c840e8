/**
 * The bounded, ordered, in-memory journal of fleet events. Every event gets a sequence number that only
 * grows; a cursor names the last sequence a client has seen, prefixed by the journal's epoch (random per
 * process) so a cursor from before a restart is recognised instead of silently matching other events.
 *
 * Cursor semantics: `read(cursor)` returns the events with a sequence greater than the cursor, oldest
 * first, at most `limit`, and `nextCursor` = the last one returned (or the cursor itself when nothing is
 * new). When events after the cursor were already evicted (or the cursor is from another epoch or
 * malformed), the answer says `cursorTooOld` and starts from the oldest event still kept.
 */
import { randomBytes } from 'node:crypto';
import type { FleetEvent } from '@org/fleet-domain';

export interface JournalEntry {
  readonly seq: number;
  /** Epoch ms when the watcher recorded it (the event's own `at` is when the change was first seen). */
  readonly recordedAt: number;
  readonly event: FleetEvent;
  /** The durable cursor (`j-<store seq>`) of an entry read from the store; absent: `cursorFor(seq)` of this journal. */
  readonly cursor?: string;
}

export interface JournalRead {
  entries: JournalEntry[];
  nextCursor: string;
  cursorTooOld: boolean;
  /** Why the cursor could not be honoured: evicted (older than the journal), other_epoch (server restarted), future, malformed. */
  cursorIssue?: 'evicted' | 'other_epoch' | 'future' | 'malformed';
  /** The oldest cursor still answerable without loss (events after it are all kept). */
  oldestCursor: string;
  /** More entries match than `limit` allowed: call again with nextCursor. */
  hasMore: boolean;
}

export interface EventJournal {
  readonly epoch: string;
  /** Sequence of the newest event (0 when empty). */
  readonly lastSeq: number;
  readonly size: number;
  readonly capacity: number;
  /** Events evicted so far (bounded memory). */
  readonly evicted: number;
  append(events: readonly FleetEvent[], recordedAt: number): JournalEntry[];
  /** The cursor naming the newest event: "everything so far is seen". */
  currentCursor(): string;
  cursorFor(seq: number): string;
  read(cursor: string, options?: { limit?: number; filter?: (e: JournalEntry) => boolean }): JournalRead;
  /** The newest `limit` entries matching `filter`, oldest first. */
  recent(limit: number, filter?: (e: JournalEntry) => boolean): JournalEntry[];
}

export type ParsedCursor = { ok: true; seq: number } | { ok: false; reason: 'malformed' | 'other_epoch' | 'future' };

export function createEventJournal(options: { capacity: number; epoch?: string }): EventJournal {
  const capacity = Math.max(1, options.capacity);
  const epoch = options.epoch ?? randomBytes(4).toString('hex');
  // Kept entries are buf[head..]; eviction moves `head` and compacts rarely (O(1) amortised per event).
  let buf: JournalEntry[] = [];
  let head = 0;
  const count = () => buf.length - head;
  const at = (i: number) => buf[head + i] as JournalEntry;
  let lastSeq = 0;
  let evicted = 0;
  const cursorFor = (seq: number) => `${epoch}-${seq}`;
  /** Sequence of the newest event that is no longer kept: a cursor >= this loses nothing. */
  const floor = () => (count() > 0 ? at(0).seq : lastSeq + 1) - 1;

  const parse = (cursor: string): ParsedCursor => {
    const m = /^([0-9a-f]+)-(\d+)$/.exec(cursor.trim());
    if (!m) return { ok: false, reason: 'malformed' };
    if (m[1] !== epoch) return { ok: false, reason: 'other_epoch' };
    const seq = Number(m[2]);
    if (!Number.isSafeInteger(seq)) return { ok: false, reason: 'malformed' };
    if (seq > lastSeq) return { ok: false, reason: 'future' };
    return { ok: true, seq };
  };

  const indexAfter = (seq: number) => {
    // entries are contiguous by seq: binary search is unnecessary, the offset is direct.
    if (count() === 0) return 0;
    return Math.max(0, Math.min(count(), seq + 1 - at(0).seq));
  };

  return {
    epoch,
    get lastSeq() {
      return lastSeq;
    },
    get size() {
      return count();
    },
    capacity,
    get evicted() {
      return evicted;
    },
    append(events, recordedAt) {
      const added = events.map((event) => ({ seq: ++lastSeq, recordedAt, event }));
      for (const e of added) buf.push(e);
      if (count() > capacity) {
        const drop = count() - capacity;
        evicted += drop;
        head += drop;
        if (head >= 1024 && head * 2 >= buf.length) {
          buf = buf.slice(head);
          head = 0;
        }
      }
      return added;
    },
    currentCursor: () => cursorFor(lastSeq),
    cursorFor,
    read(cursor, readOptions = {}) {
      const limit = readOptions.limit ?? Number.POSITIVE_INFINITY;
      const parsed = parse(cursor);
      const tooOld = !parsed.ok || parsed.seq < floor();
      const from = tooOld ? 0 : indexAfter(parsed.seq);
      const out: JournalEntry[] = [];
      let hasMore = false;
      let scannedTo = tooOld ? floor() : parsed.seq;
      for (let i = from; i < count(); i++) {
        const e = at(i);
        if (readOptions.filter && !readOptions.filter(e)) {
          scannedTo = e.seq;
          continue;
        }
        if (out.length >= limit) {
          hasMore = true;
          break;
        }
        out.push(e);
        scannedTo = e.seq;
      }
      const issue = !parsed.ok ? parsed.reason : tooOld ? ('evicted' as const) : undefined;
      return { entries: out, nextCursor: cursorFor(scannedTo), cursorTooOld: tooOld, ...(issue ? { cursorIssue: issue } : {}), oldestCursor: cursorFor(floor()), hasMore };
    },
    recent(limit, filter) {
      const out: JournalEntry[] = [];
      for (let i = count() - 1; i >= 0 && out.length < limit; i--) {
        const e = at(i);
        if (!filter || filter(e)) out.push(e);
      }
      return out.reverse();
    },
  };
}
