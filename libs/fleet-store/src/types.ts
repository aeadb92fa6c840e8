/**
 * The store interface: one contract, three adapters (memory = SQLite `:memory:`, SQLite file, Postgres).
 * Every operation is async (Postgres is) and answers a `StoreResult`: expected failures (database down,
 * locked, disk full, …) are typed values, never exceptions. Only programmer errors (an invalid argument,
 * see `assertValid*`) throw. Times are epoch milliseconds everywhere (JSON-safe, the same in both dialects).
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** The store's source of "now" (structurally the server's Clock); tests inject a manual one. */
export interface StoreClock {
  now(): Date;
}

// ---------------------------------------------------------------------------------------------- results

export const STORE_ERROR_KINDS = [
  'unavailable',
  'locked',
  'disk_full',
  'read_only',
  'corrupt',
  'schema_too_new',
  'migration_failed',
  'closed',
  'failed',
] as const;
export type StoreErrorKind = (typeof STORE_ERROR_KINDS)[number];

export interface StoreError {
  kind: StoreErrorKind;
  /** What was being done: "events.append", "migrate", "open". */
  operation: string;
  /** What failed, in one sentence (no secrets: connection strings are never included). */
  message: string;
  /** What to do about it, for the person reading a tool answer. */
  hint: string;
  /** True when the same call may succeed later without anyone changing anything (locked, unavailable). */
  retryable: boolean;
  /** Driver code when there is one (SQLITE_BUSY, 53100, ECONNREFUSED). */
  code?: string;
}

export type StoreResult<T> = { ok: true; value: T } | { ok: false; error: StoreError };

export const ok = <T>(value: T): StoreResult<T> => ({ ok: true, value });

// ---------------------------------------------------------------------------------------------- events

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface NewEvent {
  /** Epoch ms; default: the store clock. */
  at?: number;
  kind: string;
  severity: Severity;
  agentId?: string | null;
  payload: JsonValue;
  /**
   * Optional idempotency key: a second append with the same key is ignored (a new lease holder replaying
   * a transition its predecessor already committed does not duplicate it).
   */
  key?: string | null;
}

export interface StoredEvent {
  /** Durable sequence number: the cursor. Strictly increasing in commit order, never reused. */
  seq: number;
  at: number;
  kind: string;
  severity: Severity;
  agentId: string | null;
  payload: JsonValue;
  key: string | null;
}

export interface AppendResult {
  /** Events actually written (those with a key already present are skipped). */
  inserted: number;
  /** Highest sequence number after the append (the journal head). */
  headSeq: number;
}

export interface EventQuery {
  /** Cursor: return events with seq > after (0 = from the start). */
  after?: number;
  limit?: number;
  minSeverity?: Severity;
  agentId?: string;
  kinds?: readonly string[];
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  /**
   * The NEWEST `limit` matching events after `after` (still oldest first in the page); the cursor is then the
   * head at read time. For "the most recent events" and "the latest snapshot" without scanning the journal.
   */
  newest?: boolean;
}

export interface EventPage {
  events: StoredEvent[];
  /**
   * Next cursor. When the page is not full this is the journal head at read time, so a filtered reader
   * does not rescan non-matching events; pass it back as `after`.
   */
  cursor: number;
  /** Highest seq in the journal at read time (0 when empty). */
  headSeq: number;
  /** Lowest seq still retained (null when empty): a cursor below oldestSeq - 1 lost purged events. */
  oldestSeq: number | null;
}

// ---------------------------------------------------------------------------------------------- mutations

export interface NewMutation {
  at?: number;
  /** Who: Coder username or HTTP principal. */
  principal: string;
  sessionId: string;
  tool: string;
  agentId: string;
  /** Tool arguments; secret-looking keys are redacted again by the store (defence in depth). */
  arguments: JsonObject;
  /** ok | unknown (may have been applied) | unchanged | failed:<code>. Only ok and unknown are conflicts. */
  outcome: string;
  /** HTTP status Coder answered, when a Coder call was made. */
  coderStatus?: number | null;
}

export interface MutationRecord extends Omit<NewMutation, 'at' | 'coderStatus'> {
  id: number;
  at: number;
  coderStatus: number | null;
}

export interface RecordMutationResult {
  id: number;
  /**
   * FR-015: earlier mutations of the same agent by OTHER sessions within `conflictWindowMs` before this
   * one, newest first (from any process sharing the store). Only outcomes ok and unknown count (a failed call changed nothing).
   */
  conflicts: MutationRecord[];
}

export interface MutationQuery {
  agentId?: string;
  since?: number;
  until?: number;
  limit?: number;
}

// ---------------------------------------------------------------------------------------------- samples

/** One sample time: metric name → value; null = not known at that time (stays null, never 0). */
export interface SampleInput {
  at: number;
  /** "fleet", "template:<name>", "owner:<name>". */
  scope: string;
  metrics: Record<string, number | null>;
}

export interface RangeQuery {
  scope: string;
  /** Default: every metric present in the range. */
  metrics?: readonly string[];
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  /** Bucket width in ms (the caller chooses it; fleet-domain has the trend maths). */
  bucketMs: number;
}

export interface Bucket {
  /** Bucket start, epoch ms (from + i * bucketMs). */
  start: number;
  /** Samples with a value in the bucket; 0 means a gap: avg/min/max/last are null, never 0. */
  count: number;
  avg: number | null;
  min: number | null;
  max: number | null;
}

export interface Series {
  metric: string;
  /** Every bucket of the range, in order, including empty ones (gaps stay gaps). */
  buckets: Bucket[];
}

export interface RangeResult {
  bucketMs: number;
  series: Series[];
}

// ---------------------------------------------------------------------------------------------- queue

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const QUEUE_STATES = ['queued', 'claimed', 'delivered', 'failed', 'cancelled'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

export interface NewQueueItem {
  at?: number;
  agentId: string;
  priority: Priority;
  payload: JsonValue;
  principal: string;
  sessionId: string;
}

export interface QueueItem {
  id: number;
  agentId: string;
  priority: Priority;
  payload: JsonValue;
  principal: string;
  sessionId: string;
  state: QueueState;
  createdAt: number;
  updatedAt: number;
  claimedBy: string | null;
  /** Delivery outcome detail (failure reason, Coder status) once delivered/failed/cancelled. */
  outcome: string | null;
}

export interface EnqueueResult {
  item: QueueItem;
  /** 1-based position in the agent's queue (delivery order). */
  position: number;
}

export interface QueueQuery {
  agentId?: string;
  /** Default: ['queued', 'claimed']. */
  states?: readonly QueueState[];
  limit?: number;
}

/** Outcome of an operation on one queued item: the item may have moved on meanwhile. */
export type QueueChange =
  | { outcome: 'changed'; item: QueueItem }
  | { outcome: 'not_found'; id: number }
  | { outcome: 'not_queued'; item: QueueItem };

// ---------------------------------------------------------------------------------------------- leases

export interface LeaseRequest {
  name: string;
  holder: string;
  ttlMs: number;
}

export interface Lease {
  name: string;
  holder: string;
  expiresAt: number;
  /** Fencing token: grows by one every time the lease changes hands. */
  epoch: number;
}

export type LeaseAnswer = { held: true; lease: Lease } | { held: false; current: Lease | null };

// ---------------------------------------------------------------------------------------------- store

export interface PurgeResult {
  events: number;
  mutations: number;
  samples: number;
  queue: number;
}

export interface StoreHealth {
  adapter: StoreAdapterKind;
  /** Where: "memory", the SQLite path, or the Postgres host/db/schema (never credentials). */
  location: string;
  schemaVersion: number;
}

export type StoreAdapterKind = 'memory' | 'sqlite' | 'postgres';

/** Called after new events are committed (by this or another process sharing the store). */
export type NewEventsListener = (headSeq: number) => void;

export interface FleetStore {
  readonly adapter: StoreAdapterKind;
  readonly events: {
    /** Appends in ONE transaction (a watcher cycle is one commit). */
    append(events: readonly NewEvent[]): Promise<StoreResult<AppendResult>>;
    read(query?: EventQuery): Promise<StoreResult<EventPage>>;
  };
  readonly mutations: {
    record(mutation: NewMutation, options?: { conflictWindowMs?: number }): Promise<StoreResult<RecordMutationResult>>;
    /** Newest first. */
    list(query?: MutationQuery): Promise<StoreResult<MutationRecord[]>>;
  };
  readonly samples: {
    /** Upserts (scope, metric, at) in one transaction. */
    write(samples: readonly SampleInput[]): Promise<StoreResult<{ written: number }>>;
    range(query: RangeQuery): Promise<StoreResult<RangeResult>>;
  };
  readonly queue: {
    enqueue(item: NewQueueItem): Promise<StoreResult<EnqueueResult>>;
    /** Delivery order: priority (urgent first), then FIFO (promote moves an item to the head). */
    list(query?: QueueQuery): Promise<StoreResult<QueueItem[]>>;
    /** Claims the head of the agent's queue in a transaction: each item is claimed exactly once. */
    claim(agentId: string, claimant: string): Promise<StoreResult<QueueItem | null>>;
    /** Closes a claimed item (delivered or failed), with an outcome detail. */
    complete(id: number, state: 'delivered' | 'failed', outcome?: string): Promise<StoreResult<QueueChange>>;
    /**
     * Puts a claimed item back, in its old place (the delivery did not happen: the agent turned busy again, or
     * a new dispatcher found its dead predecessor's claim undelivered).
     */
    release(id: number): Promise<StoreResult<QueueChange>>;
    reprioritise(id: number, priority: Priority): Promise<StoreResult<QueueChange>>;
    /** Moves a queued item to the head of its agent's queue. */
    promote(id: number): Promise<StoreResult<QueueChange>>;
    cancel(id: number, outcome?: string): Promise<StoreResult<QueueChange>>;
  };
  readonly leases: {
    /** Takes the lease when free, expired or already ours (then it is renewed). */
    acquire(request: LeaseRequest): Promise<StoreResult<LeaseAnswer>>;
    /** Extends our lease; `held: false` when it expired and someone else took it meanwhile. */
    renew(request: LeaseRequest): Promise<StoreResult<LeaseAnswer>>;
    release(name: string, holder: string): Promise<StoreResult<{ released: boolean }>>;
    get(name: string): Promise<StoreResult<Lease | null>>;
  };
  /** Deletes events, mutations, samples and finished queue items older than `retentionDays`. */
  purge(options: { retentionDays: number }): Promise<StoreResult<PurgeResult>>;
  /**
   * Wake-up primitive for `get_fleet_events` waiters: Postgres LISTEN/NOTIFY (every replica), SQLite an
   * in-process emitter plus a cheap `data_version` poll for other processes on the same file.
   * Returns an unsubscribe function.
   */
  subscribe(listener: NewEventsListener): () => void;
  health(): Promise<StoreResult<StoreHealth>>;
  close(): Promise<void>;
}
