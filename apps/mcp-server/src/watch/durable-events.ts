/**
 * The durable fleet journal (#14 items 3, 7, 8): the store's `events` table is the journal of record.
 *
 * - Writer: every watcher cycle (events + what changed in its snapshot) is ONE `events.append`, each event
 *   with an idempotency key (kind, agent, first-seen time, message digest), so a retried append or a new
 *   lease holder replaying a committed transition writes nothing twice. A store that fails keeps the cycle
 *   in a bounded buffer (MAX_UNSAVED_EVENTS, oldest dropped and counted) retried every RETRY_MS.
 * - Snapshot: the watcher's diff memory is committed with the events (a full row, then deltas), so a restart
 *   or a new lease holder resumes from it and reports what changed while nobody watched.
 * - Feed: every process subscribes to the store (LISTEN/NOTIFY on Postgres, in-process + data_version on
 *   SQLite). Events another process committed (the lease holder) are handed to this process's watcher
 *   listeners, so waiting get_fleet_events calls wake and push notifications go out on every replica. Events
 *   this process wrote are not handed over twice (their keys are remembered).
 * Only the lease holder polls Coder (`mayPoll`); while the store is down every process polls and buffers.
 * A follower's interest (a waiting call, a subscription) reaches the holder through INTEREST_LEASE.
 */
import { createHash } from 'node:crypto';
import { FLEET_EVENT_KINDS, type AgentMemory, type CapacityMemory, type FleetEvent, type FleetSnapshot } from '@org/fleet-domain';
import type { EventQuery, EventPage as StoreEventPage, JsonValue, NewEvent, StoredEvent, StoreError, StoreResult } from '@org/fleet-store';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { Background } from '../runtime/background.js';
import type { StoreHandle } from '../runtime/store-handle.js';
import type { JournalEntry } from './event-journal.js';
import type { FleetWatcher, WatcherDurability } from './fleet-watcher.js';
import type { Scheduler, TimerHandle } from './scheduler.js';

export const SNAPSHOT_KIND = 'watcher_snapshot';
export const SNAPSHOT_DELTA_KIND = 'watcher_snapshot_delta';
/** A full snapshot row after this many deltas (restoring reads one full row and at most this many deltas). */
export const FULL_SNAPSHOT_EVERY = 100;
export const MAX_UNSAVED_EVENTS = 5_000;
export const RETRY_MS = 5_000;
const FEED_PAGE = 500;
/**
 * Interest across processes: a follower with a waiting call or a subscription holds this lease, and the lease
 * holder polls while it is held (its own sessions may all be idle). Checked every INTEREST_CHECK_MS.
 */
export const INTEREST_LEASE = 'fleet-watch-interest';
export const INTEREST_CHECK_MS = 1_000;
const INTEREST_TTL_MS = 15_000;
const INTEREST_RENEW_MS = 5_000;
const MAX_LOCAL_KEYS = 20_000;
const MAX_SEQ_MAP = 10_000;

/** The journal's user-visible kinds: snapshot rows are internal. */
export const JOURNAL_KINDS: readonly string[] = FLEET_EVENT_KINDS;

export const durableCursor = (seq: number): string => `j-${seq}`;
/** The store sequence of a `j-<seq>` cursor; undefined for any other text. */
export function parseDurableCursor(cursor: string): number | undefined {
  const m = /^j-(\d{1,15})$/.exec(cursor.trim());
  return m ? Number(m[1]) : undefined;
}

/** Same transition, same key: kind, agent, when it was first seen and a digest of its message. */
export function eventKey(e: FleetEvent): string {
  const digest = createHash('sha1').update(e.message).digest('hex').slice(0, 16);
  return `${e.kind}|${e.agentId ?? ''}|${e.at}|${digest}`;
}

export function toNewEvent(entry: JournalEntry): NewEvent {
  const e = entry.event;
  const at = Date.parse(e.at);
  return {
    at: Number.isFinite(at) ? at : entry.recordedAt,
    kind: e.kind,
    severity: e.severity,
    agentId: e.agentId ?? null,
    payload: { ...e, recordedAt: entry.recordedAt } as unknown as JsonValue,
    key: eventKey(e),
  };
}

/** A stored fleet event as a journal entry with its durable cursor (undefined for rows that are not events). */
export function fromStoredEvent(stored: StoredEvent): JournalEntry | undefined {
  const p = stored.payload;
  if (!p || typeof p !== 'object' || Array.isArray(p) || typeof p['kind'] !== 'string' || !JOURNAL_KINDS.includes(p['kind'])) return undefined;
  const { recordedAt, ...event } = p as Record<string, JsonValue>;
  return { seq: stored.seq, recordedAt: typeof recordedAt === 'number' ? recordedAt : stored.at, event: event as unknown as FleetEvent, cursor: durableCursor(stored.seq) };
}

interface SnapshotRow {
  at: number;
  capacity: CapacityMemory;
  agents: Record<string, AgentMemory | null>;
}

/** The delta between two snapshots (changed or new memories, null = gone); undefined when nothing changed. */
function snapshotDelta(saved: FleetSnapshot, latest: FleetSnapshot): SnapshotRow | undefined {
  const agents: Record<string, AgentMemory | null> = {};
  let changed = JSON.stringify(saved.capacity) !== JSON.stringify(latest.capacity);
  for (const [id, memory] of Object.entries(latest.agents)) {
    // diffFleet reuses unchanged memories (structural sharing): identity is the change test.
    if (saved.agents[id] !== memory) {
      agents[id] = memory;
      changed = true;
    }
  }
  for (const id of Object.keys(saved.agents)) {
    if (!(id in latest.agents)) {
      agents[id] = null;
      changed = true;
    }
  }
  return changed ? { at: latest.at, capacity: latest.capacity, agents } : undefined;
}

function applyDelta(base: FleetSnapshot, row: SnapshotRow): FleetSnapshot {
  const agents: Record<string, AgentMemory> = { ...base.agents };
  for (const [id, memory] of Object.entries(row.agents)) {
    if (memory === null) delete agents[id];
    else agents[id] = memory;
  }
  return { at: row.at, capacity: row.capacity, agents };
}

export interface DurableJournalStatus {
  /** Events waiting for the store (it failed); retried every RETRY_MS. */
  unsaved: number;
  /** Events dropped because the buffer was full while the store was down. */
  dropped: number;
}

export interface DurableJournal {
  /**
   * False for a runtime whose watcher does not commit (HTTP per-caller Coder tokens: each caller's own fleet):
   * its events are read from the in-memory journal.
   */
  readonly durable: boolean;
  /** The watcher's side (fleet-watcher.ts `durable` option). */
  readonly watcher: WatcherDurability;
  /** First session: takes part in the lease and follows the store's commits (idempotent, never rejects). */
  start(): Promise<void>;
  /** Reads fleet events (snapshot rows never show); kinds default to every fleet event kind. */
  read(query: EventQuery): Promise<StoreResult<{ entries: JournalEntry[]; page: StoreEventPage }>>;
  /** Waits for a write in flight (a tool reads right after a poll it caused). */
  settled(): Promise<void>;
  /** The durable sequence of this process's in-memory journal entry, once committed. */
  storeSeqFor(localSeq: number): number | undefined;
  status(): DurableJournalStatus;
  /** Flushes what it can and stops following the store. */
  close(): Promise<void>;
}

export function createDurableJournal(options: {
  store: StoreHandle;
  background: Background;
  /** The watcher whose listeners receive events other processes committed. */
  watch: () => FleetWatcher;
  clock: Clock;
  scheduler: Scheduler;
  log?: Logger;
  maxUnsaved?: number;
  /** False: see DurableJournal.durable. Default true. */
  durable?: boolean;
}): DurableJournal {
  const { store, background, clock, scheduler, log } = options;
  const maxUnsaved = options.maxUnsaved ?? MAX_UNSAVED_EVENTS;
  // ---- leadership ------------------------------------------------------------------------------------
  /** The lease beat has answered once: until then a single process polls as before (cold start unchanged). */
  let leaseKnown = false;
  const ensureLease = () =>
    background.ensureStarted().then(() => {
      leaseKnown = true;
    });
  const mayPoll = () => !leaseKnown || background.isLeader() || store.status().state !== 'ok';

  // ---- writer ----------------------------------------------------------------------------------------
  let unsaved: Array<{ entry: JournalEntry; event: NewEvent }> = [];
  let dropped = 0;
  let latest: FleetSnapshot | undefined;
  let saved: FleetSnapshot | undefined;
  let deltas = 0;
  let needFull = true;
  let flushing: Promise<void> | undefined;
  let again = false;
  let retry: TimerHandle | undefined;
  let closed = false;
  const localKeys = new Set<string>();
  const seqMap = new Map<number, number>();

  const remember = (key: string) => {
    localKeys.add(key);
    if (localKeys.size > MAX_LOCAL_KEYS) localKeys.delete(localKeys.values().next().value as string);
  };

  const snapshotRow = (): { row: NewEvent; snapshot: FleetSnapshot; full: boolean } | undefined => {
    if (!latest || latest === saved) return undefined;
    const full = needFull || !saved || deltas >= FULL_SNAPSHOT_EVERY;
    const payload: SnapshotRow | undefined = full ? { at: latest.at, capacity: latest.capacity, agents: { ...latest.agents } } : snapshotDelta(saved as FleetSnapshot, latest);
    if (!payload) return undefined;
    return { row: { at: latest.at, kind: full ? SNAPSHOT_KIND : SNAPSHOT_DELTA_KIND, severity: 'info', payload: payload as unknown as JsonValue }, snapshot: latest, full };
  };

  const flushOnce = async (): Promise<boolean> => {
    const batch = unsaved.slice();
    const snap = snapshotRow();
    if (batch.length === 0 && !snap) return true;
    const rows = [...batch.map((b) => b.event), ...(snap ? [snap.row] : [])];
    const appended = await store.run((s) => s.events.append(rows));
    if (!appended.ok) {
      retry ??= scheduler.schedule(RETRY_MS, () => {
        retry = undefined;
        void flush();
      });
      return false;
    }
    unsaved = unsaved.slice(batch.length);
    if (snap) {
      saved = snap.snapshot;
      deltas = snap.full ? 0 : deltas + 1;
      needFull = false;
    }
    // Sequences are handed out in order within one append: map them when no key was already present.
    if (appended.value.inserted === rows.length) {
      const first = appended.value.headSeq - rows.length + 1;
      batch.forEach((b, i) => seqMap.set(b.entry.seq, first + i));
      while (seqMap.size > MAX_SEQ_MAP) seqMap.delete(seqMap.keys().next().value as number);
    }
    return true;
  };

  const flush = (): Promise<void> => {
    if (flushing) {
      again = true;
      return flushing;
    }
    flushing = (async () => {
      for (;;) {
        again = false;
        if (!(await flushOnce()) || !again) break;
      }
    })()
      .catch((error: unknown) => log?.error('durable journal: flush failed unexpectedly', { error }))
      .finally(() => {
        flushing = undefined;
      });
    return flushing;
  };

  const watcher: WatcherDurability = {
    mayPoll,
    async restore() {
      await ensureLease();
      // Our own unsaved cycles are newer than anything committed.
      if (unsaved.length > 0 || !mayPoll()) return undefined;
      needFull = true;
      const head = await store.run((s) => s.events.read({ newest: true, limit: 1, kinds: [SNAPSHOT_KIND] }));
      const fullRow = head.ok ? head.value.events[0] : undefined;
      if (!fullRow) return undefined;
      let snapshot = applyDelta({ at: 0, capacity: { warning: false }, agents: {} }, fullRow.payload as unknown as SnapshotRow);
      let after = fullRow.seq;
      let count = 0;
      for (;;) {
        const page = await store.run((s) => s.events.read({ after, kinds: [SNAPSHOT_DELTA_KIND], limit: 1_000 }));
        if (!page.ok) return undefined;
        for (const row of page.value.events) snapshot = applyDelta(snapshot, row.payload as unknown as SnapshotRow);
        count += page.value.events.length;
        if (page.value.events.length < 1_000) break;
        after = page.value.cursor;
      }
      latest = saved = snapshot;
      deltas = count;
      needFull = false;
      log?.info('fleet watcher: resuming from the committed snapshot', { agents: Object.keys(snapshot.agents).length, at: new Date(snapshot.at).toISOString() });
      return snapshot;
    },
    commit(cycle) {
      for (const entry of cycle.entries) {
        const event = toNewEvent(entry);
        remember(event.key as string);
        unsaved.push({ entry, event });
      }
      if (unsaved.length > maxUnsaved) {
        const over = unsaved.length - maxUnsaved;
        dropped += over;
        unsaved = unsaved.slice(over);
        log?.warn('durable journal: store unavailable and buffer full, oldest unsaved events dropped', { dropped: over, kept: unsaved.length });
      }
      if (cycle.snapshot) latest = cycle.snapshot;
      if (!closed) void flush();
    },
  };

  // ---- feed ------------------------------------------------------------------------------------------
  let unsubscribe: (() => void) | undefined;
  let subscribing: Promise<boolean> | undefined;
  let headSeen = 0;
  let pumped: number | undefined;
  let pumping: Promise<void> | undefined;
  let pumpAgain = false;

  const pumpOnce = async () => {
    if (pumped === undefined) return;
    for (;;) {
      const after: number = pumped;
      const page = await store.run((s) => s.events.read({ after, kinds: JOURNAL_KINDS, limit: FEED_PAGE }));
      if (!page.ok) return;
      pumped = page.value.cursor;
      const foreign = page.value.events.filter((e) => e.key === null || !localKeys.has(e.key));
      const entries = foreign.map(fromStoredEvent).filter((e): e is JournalEntry => e !== undefined);
      if (entries.length > 0) {
        const watch = options.watch();
        watch.inject({ entries, agents: watch.latest()?.agents ?? [], at: clock.now() });
      }
      if (page.value.events.length < FEED_PAGE) return;
    }
  };
  const pump = () => {
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = (async () => {
      do {
        pumpAgain = false;
        await pumpOnce();
      } while (pumpAgain && !closed);
    })()
      .catch((error: unknown) => log?.error('durable journal: reading new events failed', { error }))
      .finally(() => {
        pumping = undefined;
      });
  };
  const onHead = (head: number) => {
    if (head <= headSeen) return;
    headSeen = head;
    pump();
  };
  /** Subscribes once the store opens; a failed open is retried on the next call. */
  const ensureSubscribed = (): Promise<boolean> => {
    if (unsubscribe) return Promise.resolve(true);
    subscribing ??= store
      .run(async (s) => {
        const head = await s.events.read({ newest: true, limit: 1 });
        if (head.ok && !closed && !unsubscribe) {
          headSeen = Math.max(headSeen, head.value.headSeq);
          pumped ??= head.value.headSeq;
          unsubscribe = s.subscribe(onHead);
        }
        return head;
      })
      .then((r) => r.ok)
      .finally(() => {
        subscribing = undefined;
      });
    return subscribing;
  };

  // ---- interest across processes ----------------------------------------------------------------------
  const interestHolder = `interest:${process.pid}:${Math.random().toString(36).slice(2, 10)}`;
  let interestTimer: TimerHandle | undefined;
  let remoteInterest: (() => void) | undefined;
  let interestRenewedAt: number | undefined;
  const dropRemote = () => {
    remoteInterest?.();
    remoteInterest = undefined;
  };
  const interestTick = async () => {
    const watch = options.watch();
    const now = clock.now().getTime();
    if (background.isLeader()) {
      if (interestRenewedAt !== undefined) {
        interestRenewedAt = undefined;
        await store.run((s) => s.leases.release(INTEREST_LEASE, interestHolder));
      }
      const held = await store.run((s) => s.leases.get(INTEREST_LEASE));
      const live = held.ok && held.value !== null && held.value.expiresAt > now;
      if (live && !remoteInterest) remoteInterest = watch.acquire('a session on another process');
      else if (!live) dropRemote();
      return;
    }
    dropRemote();
    const interested = watch.health().interested > 0;
    if (interested && (interestRenewedAt === undefined || now - interestRenewedAt >= INTEREST_RENEW_MS)) {
      const r = await store.run((s) => s.leases.acquire({ name: INTEREST_LEASE, holder: interestHolder, ttlMs: INTEREST_TTL_MS }));
      // Held by another follower: its interest keeps the holder polling just as well.
      if (r.ok) interestRenewedAt = now;
    } else if (!interested && interestRenewedAt !== undefined) {
      interestRenewedAt = undefined;
      await store.run((s) => s.leases.release(INTEREST_LEASE, interestHolder));
    }
  };
  const armInterest = () => {
    if (closed) return;
    interestTimer = scheduler.schedule(INTEREST_CHECK_MS, async () => {
      await interestTick().catch((error: unknown) => log?.error('durable journal: interest check failed', { error }));
      armInterest();
    });
  };

  return {
    durable: options.durable !== false,
    watcher,
    async start() {
      if (closed) return;
      if (!interestTimer) armInterest();
      await Promise.all([ensureLease(), ensureSubscribed()]);
    },
    async read(query) {
      void ensureSubscribed();
      const r = await store.run((s) => s.events.read({ ...query, kinds: query.kinds && query.kinds.length > 0 ? query.kinds : JOURNAL_KINDS }));
      if (!r.ok) return r;
      return { ok: true, value: { page: r.value, entries: r.value.events.map(fromStoredEvent).filter((e): e is JournalEntry => e !== undefined) } };
    },
    async settled() {
      await flushing;
    },
    storeSeqFor: (localSeq) => seqMap.get(localSeq),
    status: () => ({ unsaved: unsaved.length, dropped }),
    async close() {
      closed = true;
      retry?.cancel();
      retry = undefined;
      interestTimer?.cancel();
      dropRemote();
      if (interestRenewedAt !== undefined) await store.run((s) => s.leases.release(INTEREST_LEASE, interestHolder));
      await flush();
      unsubscribe?.();
      unsubscribe = undefined;
    },
  };
}

/** What a tool answers about the store when it could not use it (#14 item 8). */
export function storeTrouble(error: StoreError): { state: 'degraded'; failed: string; hint: string } {
  return { state: 'degraded', failed: `${error.operation}: ${error.message}`, hint: error.hint };
}
