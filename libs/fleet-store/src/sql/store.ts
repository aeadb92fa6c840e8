/**
 * The one implementation of `FleetStore` over a `SqlDriver` (SQLite and Postgres share every statement;
 * the driver supplies placeholders, locking and wake-ups). Every method returns a `StoreResult`; only
 * invalid arguments (programmer errors) throw.
 */
import { redactSecrets, storeError } from '../errors.js';
import {
  PRIORITIES,
  QUEUE_STATES,
  SEVERITIES,
  ok,
  type Bucket,
  type EventPage,
  type FleetStore,
  type JsonObject,
  type Lease,
  type LeaseAnswer,
  type LeaseRequest,
  type MutationRecord,
  type Priority,
  type QueueChange,
  type QueueItem,
  type QueueState,
  type Severity,
  type StoreClock,
  type StoreResult,
  type StoredEvent,
} from '../types.js';
import type { Row, SqlDriver, SqlParam, SqlTx } from './driver.js';

export interface SqlStoreOptions {
  clock?: StoreClock;
}

const DAY_MS = 86_400_000;
const MAX_LIMIT = 10_000;
/** Up to this many buckets x metrics, a SQLite range query seeks per bucket (see samples.range). */
const PER_BUCKET_MAX_QUERIES = 2_000;
const DEFAULT_LIMIT = 100;

// ---------------------------------------------------------------------------------------------- validation (programmer errors)

function invalid(what: string): never {
  throw new TypeError(`fleet-store: invalid argument: ${what}`);
}
const isInt = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n);
function checkTime(name: string, v: unknown): void {
  if (v !== undefined && (!isInt(v) || v < 0)) invalid(`${name} must be epoch milliseconds (a non-negative integer), got ${String(v)}`);
}
function checkText(name: string, v: unknown): void {
  if (typeof v !== 'string' || v.length === 0) invalid(`${name} must be a non-empty string`);
}
function checkLimit(v: unknown): number {
  if (v === undefined) return DEFAULT_LIMIT;
  if (!isInt(v) || v < 1 || v > MAX_LIMIT) invalid(`limit must be an integer in 1..${MAX_LIMIT}, got ${String(v)}`);
  return v;
}
function checkPriority(v: unknown): asserts v is Priority {
  if (!PRIORITIES.includes(v as Priority)) invalid(`priority must be one of ${PRIORITIES.join('|')}, got ${String(v)}`);
}
function checkSeverity(v: unknown): asserts v is Severity {
  if (!SEVERITIES.includes(v as Severity)) invalid(`severity must be one of ${SEVERITIES.join('|')}, got ${String(v)}`);
}
function checkId(v: unknown): void {
  if (!isInt(v) || v < 1) invalid(`id must be a positive integer, got ${String(v)}`);
}

// ---------------------------------------------------------------------------------------------- helpers

const PRIORITY_RANK: Record<Priority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };
const RANK_PRIORITY: readonly Priority[] = ['low', 'normal', 'high', 'urgent'];
const SEVERITY_AT_LEAST: Record<Severity, readonly Severity[]> = {
  info: SEVERITIES,
  warning: ['warning', 'critical'],
  critical: ['critical'],
};
const TERMINAL_STATES: readonly QueueState[] = ['delivered', 'failed', 'cancelled'];

const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const textOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** Splits `items` into chunks within the driver's rows per statement and bound-parameter limit. */
function chunks<T>(items: readonly T[], paramsPerItem: number, driver: Pick<SqlDriver, 'maxParams' | 'maxRowsPerStatement'>): T[][] {
  const size = Math.max(1, Math.min(driver.maxRowsPerStatement, Math.floor(driver.maxParams / paramsPerItem)));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const EVENT_COLUMNS = 'seq, at, kind, severity, agent_id, payload, key';
const MUTATION_COLUMNS = 'id, at, principal, session_id, tool, agent_id, arguments, outcome, coder_status';
const QUEUE_COLUMNS = 'id, agent_id, priority, payload, principal, session_id, state, created_at, updated_at, claimed_by, outcome, priority_rank, ord';
const ORDER = 'priority_rank DESC, ord, id';

export function createSqlStore(driver: SqlDriver, options: SqlStoreOptions = {}): FleetStore {
  const clock = options.clock ?? { now: () => new Date() };
  const now = (): number => clock.now().getTime();
  let closed = false;
  let schemaVersion = 0;

  async function guard<T>(operation: string, mode: 'read' | 'write', fn: (tx: SqlTx) => Promise<T>): Promise<StoreResult<T>> {
    if (closed) return { ok: false, error: storeError('closed', operation, `${operation}: the store is closed`) };
    try {
      return ok(await driver.transaction(mode, fn));
    } catch (error) {
      return { ok: false, error: driver.classify(error, operation) };
    }
  }

  const toEvent = (r: Row): StoredEvent => ({
    seq: num(r['seq']),
    at: num(r['at']),
    kind: String(r['kind']),
    severity: r['severity'] as Severity,
    agentId: textOrNull(r['agent_id']),
    payload: driver.decodeJson(r['payload']),
    key: textOrNull(r['key']),
  });
  const toMutation = (r: Row): MutationRecord => ({
    id: num(r['id']),
    at: num(r['at']),
    principal: String(r['principal']),
    sessionId: String(r['session_id']),
    tool: String(r['tool']),
    agentId: String(r['agent_id']),
    arguments: driver.decodeJson(r['arguments']) as JsonObject,
    outcome: String(r['outcome']),
    coderStatus: numOrNull(r['coder_status']),
  });
  const toQueueItem = (r: Row): QueueItem => ({
    id: num(r['id']),
    agentId: String(r['agent_id']),
    priority: r['priority'] as Priority,
    payload: driver.decodeJson(r['payload']),
    principal: String(r['principal']),
    sessionId: String(r['session_id']),
    state: r['state'] as QueueState,
    createdAt: num(r['created_at']),
    updatedAt: num(r['updated_at']),
    claimedBy: textOrNull(r['claimed_by']),
    outcome: textOrNull(r['outcome']),
  });
  const toLease = (r: Row): Lease => ({
    name: String(r['name']),
    holder: String(r['holder']),
    expiresAt: num(r['expires_at']),
    epoch: num(r['epoch']),
  });

  async function headSeq(tx: SqlTx): Promise<number> {
    const [row] = await tx.all<{ head: unknown }>('SELECT MAX(seq) AS head FROM events');
    return numOrNull(row?.head) ?? 0;
  }

  async function queueRow(tx: SqlTx, id: number): Promise<Row | undefined> {
    const [row] = await tx.all(`SELECT ${QUEUE_COLUMNS} FROM queue WHERE id = ?`, [id]);
    return row;
  }

  /** Loads a queue item, applies `change` when it is still queued, and reports what happened. */
  async function changeQueued(
    tx: SqlTx,
    id: number,
    change: (row: Row) => { sql: string; params: SqlParam[] },
    allowed: readonly QueueState[] = ['queued'],
  ): Promise<QueueChange> {
    const row = await queueRow(tx, id);
    if (!row) return { outcome: 'not_found', id };
    if (!allowed.includes(row['state'] as QueueState)) return { outcome: 'not_queued', item: toQueueItem(row) };
    const { sql, params } = change(row);
    const changed = await tx.run(`${sql} WHERE id = ? AND state = ?`, [...params, id, String(row['state'])]);
    const after = (await queueRow(tx, id)) as Row;
    return changed === 1 ? { outcome: 'changed', item: toQueueItem(after) } : { outcome: 'not_queued', item: toQueueItem(after) };
  }

  async function position(tx: SqlTx, item: Row): Promise<number> {
    const rank = num(item['priority_rank']);
    const ord = num(item['ord']);
    const id = num(item['id']);
    const [row] = await tx.all<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM queue WHERE agent_id = ? AND state = 'queued'
         AND (priority_rank > ? OR (priority_rank = ? AND (ord < ? OR (ord = ? AND id < ?))))`,
      [String(item['agent_id']), rank, rank, ord, ord, id],
    );
    return num(row?.n ?? 0) + 1;
  }

  async function readLease(tx: SqlTx, name: string): Promise<Lease | null> {
    const [row] = await tx.all('SELECT name, holder, expires_at, epoch FROM leases WHERE name = ?', [name]);
    return row ? toLease(row) : null;
  }

  function checkLease(request: LeaseRequest): void {
    checkText('lease name', request.name);
    checkText('lease holder', request.holder);
    if (!isInt(request.ttlMs) || request.ttlMs < 1) invalid(`ttlMs must be a positive integer, got ${String(request.ttlMs)}`);
  }

  async function upsertLease(tx: SqlTx, request: LeaseRequest, takeExpired: boolean): Promise<LeaseAnswer> {
    const t = now();
    const expiresAt = t + request.ttlMs;
    if (takeExpired) {
      await tx.run(
        `INSERT INTO leases (name, holder, expires_at, epoch) VALUES (?, ?, ?, 1)
         ON CONFLICT (name) DO UPDATE SET
           epoch = CASE WHEN leases.holder = excluded.holder THEN leases.epoch ELSE leases.epoch + 1 END,
           holder = excluded.holder,
           expires_at = excluded.expires_at
         WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`,
        [request.name, request.holder, expiresAt, t],
      );
    } else {
      await tx.run('UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ?', [expiresAt, request.name, request.holder]);
    }
    const lease = await readLease(tx, request.name);
    return lease && lease.holder === request.holder && lease.expiresAt === expiresAt
      ? { held: true, lease }
      : { held: false, current: lease };
  }

  const store: FleetStore = {
    adapter: driver.adapter,

    events: {
      async append(events) {
        for (const e of events) {
          checkText('event kind', e.kind);
          checkSeverity(e.severity);
          checkTime('event at', e.at);
        }
        const result = await guard('events.append', 'write', async (tx) => {
          await driver.lockForEvents(tx);
          let inserted = 0;
          for (const chunk of chunks(events, 6, driver)) {
            const params: SqlParam[] = [];
            for (const e of chunk) {
              params.push(e.at ?? now(), e.kind, e.severity, e.agentId ?? null, JSON.stringify(e.payload ?? null), e.key ?? null);
            }
            inserted += await tx.run(
              `INSERT INTO events (at, kind, severity, agent_id, payload, key) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}
               ON CONFLICT (key) DO NOTHING`,
              params,
            );
          }
          const head = await headSeq(tx);
          if (inserted > 0) await driver.notifyInTransaction(tx, head);
          return { inserted, headSeq: head };
        });
        if (result.ok && result.value.inserted > 0) driver.afterEventsCommitted(result.value.headSeq);
        return result;
      },

      async read(query = {}) {
        const after = query.after ?? 0;
        if (!isInt(after) || after < 0) invalid(`after (cursor) must be a non-negative integer, got ${String(after)}`);
        const limit = checkLimit(query.limit);
        if (query.minSeverity !== undefined) checkSeverity(query.minSeverity);
        checkTime('since', query.since);
        checkTime('until', query.until);
        return guard('events.read', 'read', async (tx): Promise<EventPage> => {
          const where = ['seq > ?'];
          const params: SqlParam[] = [after];
          if (query.minSeverity && query.minSeverity !== 'info') {
            const allowed = SEVERITY_AT_LEAST[query.minSeverity];
            where.push(`severity IN (${placeholders(allowed.length)})`);
            params.push(...allowed);
          }
          if (query.agentId !== undefined) {
            where.push('agent_id = ?');
            params.push(query.agentId);
          }
          if (query.kinds && query.kinds.length > 0) {
            where.push(`kind IN (${placeholders(query.kinds.length)})`);
            params.push(...query.kinds);
          }
          if (query.since !== undefined) {
            where.push('at >= ?');
            params.push(query.since);
          }
          if (query.until !== undefined) {
            where.push('at < ?');
            params.push(query.until);
          }
          const rows = await tx.all(`SELECT ${EVENT_COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY seq${query.newest ? ' DESC' : ''} LIMIT ?`, [
            ...params,
            limit,
          ]);
          const [bounds] = await tx.all<{ head: unknown; oldest: unknown }>('SELECT MAX(seq) AS head, MIN(seq) AS oldest FROM events');
          const head = numOrNull(bounds?.head) ?? 0;
          const events = rows.map(toEvent);
          if (query.newest) events.reverse();
          const last = events.at(-1)?.seq ?? after;
          const cursor = events.length === limit && !query.newest ? last : Math.max(after, last, head);
          return { events, cursor, headSeq: head, oldestSeq: numOrNull(bounds?.oldest) };
        });
      },
    },

    mutations: {
      async record(mutation, options = {}) {
        checkText('principal', mutation.principal);
        checkText('sessionId', mutation.sessionId);
        checkText('tool', mutation.tool);
        checkText('agentId', mutation.agentId);
        checkText('outcome', mutation.outcome);
        checkTime('at', mutation.at);
        const windowMs = options.conflictWindowMs ?? 0;
        if (!isInt(windowMs) || windowMs < 0) invalid(`conflictWindowMs must be a non-negative integer, got ${String(windowMs)}`);
        const at = mutation.at ?? now();
        return guard('mutations.record', 'write', async (tx) => {
          const conflicts =
            windowMs > 0
              ? (
                  await tx.all(
                    `SELECT ${MUTATION_COLUMNS} FROM mutations WHERE agent_id = ? AND session_id <> ? AND at >= ? AND at <= ? AND outcome IN ('ok', 'unknown')
                     ORDER BY at DESC, id DESC LIMIT 20`,
                    [mutation.agentId, mutation.sessionId, at - windowMs, at],
                  )
                ).map(toMutation)
              : [];
          const [row] = await tx.all<{ id: unknown }>(
            `INSERT INTO mutations (at, principal, session_id, tool, agent_id, arguments, outcome, coder_status)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
            [
              at,
              mutation.principal,
              mutation.sessionId,
              mutation.tool,
              mutation.agentId,
              JSON.stringify(redactSecrets(mutation.arguments ?? {})),
              mutation.outcome,
              mutation.coderStatus ?? null,
            ],
          );
          return { id: num(row?.id), conflicts };
        });
      },

      async list(query = {}) {
        const limit = checkLimit(query.limit);
        checkTime('since', query.since);
        checkTime('until', query.until);
        return guard('mutations.list', 'read', async (tx) => {
          const where: string[] = [];
          const params: SqlParam[] = [];
          if (query.agentId !== undefined) {
            where.push('agent_id = ?');
            params.push(query.agentId);
          }
          if (query.since !== undefined) {
            where.push('at >= ?');
            params.push(query.since);
          }
          if (query.until !== undefined) {
            where.push('at < ?');
            params.push(query.until);
          }
          const rows = await tx.all(
            `SELECT ${MUTATION_COLUMNS} FROM mutations ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT ?`,
            [...params, limit],
          );
          return rows.map(toMutation);
        });
      },
    },

    samples: {
      async write(samples) {
        const rows = new Map<string, [string, string, number, number | null]>();
        for (const s of samples) {
          checkTime('sample at', s.at);
          checkText('sample scope', s.scope);
          for (const [metric, value] of Object.entries(s.metrics)) {
            if (value !== null && (typeof value !== 'number' || !Number.isFinite(value))) {
              invalid(`sample ${metric} must be a finite number or null, got ${String(value)}`);
            }
            rows.set(JSON.stringify([s.scope, metric, s.at]), [s.scope, metric, s.at, value]);
          }
        }
        return guard('samples.write', 'write', async (tx) => {
          for (const chunk of chunks([...rows.values()], 4, driver)) {
            await tx.run(
              `INSERT INTO samples (scope, metric, at, value) VALUES ${chunk.map(() => '(?, ?, ?, ?)').join(', ')}
               ON CONFLICT (scope, metric, at) DO UPDATE SET value = excluded.value`,
              chunk.flat(),
            );
          }
          return { written: rows.size };
        });
      },

      async range(query) {
        checkText('scope', query.scope);
        checkTime('from', query.from);
        checkTime('to', query.to);
        if (query.to <= query.from) invalid('to must be after from');
        if (!isInt(query.bucketMs) || query.bucketMs < 1) invalid(`bucketMs must be a positive integer, got ${String(query.bucketMs)}`);
        const bucketCount = Math.ceil((query.to - query.from) / query.bucketMs);
        if (bucketCount > MAX_LIMIT) invalid(`range has ${bucketCount} buckets (max ${MAX_LIMIT}); choose a larger bucketMs`);
        const asked = query.metrics && query.metrics.length > 0 ? [...new Set(query.metrics)] : undefined;
        // SQLite: one primary-key range seek per bucket beats GROUP BY over the window (a temp B-tree over every
        // row: ~2x slower on 30 days of 1-minute samples). Postgres keeps the one GROUP BY (one round trip).
        if (driver.dialect === 'sqlite' && asked && bucketCount * asked.length <= PER_BUCKET_MAX_QUERIES) {
          return guard('samples.range', 'read', async (tx) => {
            const series = [];
            for (const metric of asked) {
              const buckets: Bucket[] = [];
              for (let i = 0; i < bucketCount; i++) {
                const start = query.from + i * query.bucketMs;
                const [r] = await tx.all<{ n: unknown; avg: unknown; min: unknown; max: unknown }>(
                  'SELECT COUNT(value) AS n, AVG(value) AS avg, MIN(value) AS min, MAX(value) AS max FROM samples WHERE scope = ? AND metric = ? AND at >= ? AND at < ?',
                  [query.scope, metric, start, Math.min(start + query.bucketMs, query.to)],
                );
                const count = r ? num(r.n) : 0;
                buckets.push(count > 0 && r ? { start, count, avg: numOrNull(r.avg), min: numOrNull(r.min), max: numOrNull(r.max) } : { start, count: 0, avg: null, min: null, max: null });
              }
              series.push({ metric, buckets });
            }
            return { bucketMs: query.bucketMs, series };
          });
        }
        return guard('samples.range', 'read', async (tx) => {
          const params: SqlParam[] = [query.from, query.bucketMs, query.scope, query.from, query.to];
          let metricFilter = '';
          if (query.metrics && query.metrics.length > 0) {
            metricFilter = `AND metric IN (${placeholders(query.metrics.length)})`;
            params.push(...query.metrics);
          }
          const rows = await tx.all<{ metric: unknown; b: unknown; n: unknown; avg: unknown; min: unknown; max: unknown }>(
            `SELECT metric, CAST((at - ?) / ? AS INTEGER) AS b, COUNT(value) AS n, AVG(value) AS avg, MIN(value) AS min, MAX(value) AS max
             FROM samples WHERE scope = ? AND at >= ? AND at < ? ${metricFilter}
             GROUP BY metric, b ORDER BY metric, b`,
            params,
          );
          const names = query.metrics && query.metrics.length > 0 ? [...new Set(query.metrics)] : [...new Set(rows.map((r) => String(r.metric)))].sort();
          const byMetric = new Map<string, Bucket[]>();
          for (const metric of names) {
            byMetric.set(
              metric,
              Array.from({ length: bucketCount }, (_, i) => ({ start: query.from + i * query.bucketMs, count: 0, avg: null, min: null, max: null })),
            );
          }
          for (const r of rows) {
            const bucket = byMetric.get(String(r.metric))?.[num(r.b)];
            if (!bucket) continue;
            bucket.count = num(r.n);
            if (bucket.count > 0) {
              bucket.avg = numOrNull(r.avg);
              bucket.min = numOrNull(r.min);
              bucket.max = numOrNull(r.max);
            }
          }
          return { bucketMs: query.bucketMs, series: names.map((metric) => ({ metric, buckets: byMetric.get(metric) as Bucket[] })) };
        });
      },
    },

    queue: {
      async enqueue(item) {
        checkText('agentId', item.agentId);
        checkPriority(item.priority);
        checkText('principal', item.principal);
        checkText('sessionId', item.sessionId);
        checkTime('at', item.at);
        const at = item.at ?? now();
        return guard('queue.enqueue', 'write', async (tx) => {
          const [inserted] = await tx.all(
            `INSERT INTO queue (agent_id, priority, priority_rank, ord, payload, principal, session_id, state, created_at, updated_at)
             VALUES (?, ?, ?, (SELECT COALESCE(MAX(ord), 0) + 1 FROM queue), ?, ?, ?, 'queued', ?, ?)
             RETURNING ${QUEUE_COLUMNS}`,
            [item.agentId, item.priority, PRIORITY_RANK[item.priority], JSON.stringify(item.payload ?? null), item.principal, item.sessionId, at, at],
          );
          const row = inserted as Row;
          return { item: toQueueItem(row), position: await position(tx, row) };
        });
      },

      async list(query = {}) {
        const limit = checkLimit(query.limit);
        const states = query.states ?? ['queued', 'claimed'];
        for (const s of states) if (!QUEUE_STATES.includes(s)) invalid(`state must be one of ${QUEUE_STATES.join('|')}, got ${String(s)}`);
        return guard('queue.list', 'read', async (tx) => {
          const where = [`state IN (${placeholders(states.length)})`];
          const params: SqlParam[] = [...states];
          if (query.agentId !== undefined) {
            where.push('agent_id = ?');
            params.push(query.agentId);
          }
          const rows = await tx.all(`SELECT ${QUEUE_COLUMNS} FROM queue WHERE ${where.join(' AND ')} ORDER BY agent_id, ${ORDER} LIMIT ?`, [
            ...params,
            limit,
          ]);
          return rows.map(toQueueItem);
        });
      },

      async claim(agentId, claimant) {
        checkText('agentId', agentId);
        checkText('claimant', claimant);
        return guard('queue.claim', 'write', async (tx) => {
          const [row] = await tx.all(
            `UPDATE queue SET state = 'claimed', claimed_by = ?, updated_at = ?
             WHERE id = (SELECT id FROM queue WHERE agent_id = ? AND state = 'queued' ORDER BY ${ORDER} LIMIT 1 ${driver.lockRowsClause})
               AND state = 'queued'
             RETURNING ${QUEUE_COLUMNS}`,
            [claimant, now(), agentId],
          );
          return row ? toQueueItem(row) : null;
        });
      },

      async complete(id, state, outcome) {
        checkId(id);
        if (state !== 'delivered' && state !== 'failed') invalid(`state must be delivered|failed, got ${String(state)}`);
        return guard('queue.complete', 'write', (tx) =>
          changeQueued(
            tx,
            id,
            () => ({ sql: 'UPDATE queue SET state = ?, outcome = ?, updated_at = ?', params: [state, outcome ?? null, now()] }),
            ['claimed'],
          ),
        );
      },

      async release(id) {
        checkId(id);
        return guard('queue.release', 'write', (tx) =>
          changeQueued(tx, id, () => ({ sql: "UPDATE queue SET state = 'queued', claimed_by = NULL, updated_at = ?", params: [now()] }), ['claimed']),
        );
      },

      async reprioritise(id, priority) {
        checkId(id);
        checkPriority(priority);
        return guard('queue.reprioritise', 'write', (tx) =>
          changeQueued(tx, id, () => ({
            sql: 'UPDATE queue SET priority = ?, priority_rank = ?, updated_at = ?',
            params: [priority, PRIORITY_RANK[priority], now()],
          })),
        );
      },

      async promote(id) {
        checkId(id);
        return guard('queue.promote', 'write', async (tx) => {
          const row = await queueRow(tx, id);
          const [head] = row
            ? await tx.all<{ rank: unknown; ord: unknown }>(
                `SELECT MAX(priority_rank) AS rank, MIN(ord) AS ord FROM queue WHERE agent_id = ? AND state = 'queued'`,
                [String(row['agent_id'])],
              )
            : [];
          const rank = Math.max(numOrNull(head?.rank) ?? 0, num(row?.['priority_rank'] ?? 0));
          return changeQueued(tx, id, () => ({
            sql: 'UPDATE queue SET priority = ?, priority_rank = ?, ord = ?, updated_at = ?',
            params: [RANK_PRIORITY[rank] as Priority, rank, (numOrNull(head?.ord) ?? 1) - 1, now()],
          }));
        });
      },

      async cancel(id, outcome) {
        checkId(id);
        return guard('queue.cancel', 'write', (tx) =>
          changeQueued(tx, id, () => ({ sql: "UPDATE queue SET state = 'cancelled', outcome = ?, updated_at = ?", params: [outcome ?? null, now()] })),
        );
      },
    },

    leases: {
      async acquire(request) {
        checkLease(request);
        return guard('leases.acquire', 'write', (tx) => upsertLease(tx, request, true));
      },
      async renew(request) {
        checkLease(request);
        return guard('leases.renew', 'write', (tx) => upsertLease(tx, request, false));
      },
      async release(name, holder) {
        checkText('lease name', name);
        checkText('lease holder', holder);
        return guard('leases.release', 'write', async (tx) => ({
          released: (await tx.run('UPDATE leases SET expires_at = 0 WHERE name = ? AND holder = ? AND expires_at > 0', [name, holder])) === 1,
        }));
      },
      async get(name) {
        checkText('lease name', name);
        return guard('leases.get', 'read', (tx) => readLease(tx, name));
      },
    },

    async purge({ retentionDays }) {
      if (!isInt(retentionDays) || retentionDays < 1) invalid(`retentionDays must be a positive integer, got ${String(retentionDays)}`);
      const cutoff = now() - retentionDays * DAY_MS;
      return guard('purge', 'write', async (tx) => ({
        events: await tx.run('DELETE FROM events WHERE at < ?', [cutoff]),
        mutations: await tx.run('DELETE FROM mutations WHERE at < ?', [cutoff]),
        samples: await tx.run('DELETE FROM samples WHERE at < ?', [cutoff]),
        queue: await tx.run(`DELETE FROM queue WHERE state IN (${placeholders(TERMINAL_STATES.length)}) AND updated_at < ?`, [
          ...TERMINAL_STATES,
          cutoff,
        ]),
      }));
    },

    subscribe: (listener) => driver.subscribe(listener),

    async health() {
      return guard('health', 'read', async (tx) => {
        const [row] = await tx.all<{ v: unknown }>('SELECT MAX(version) AS v FROM schema_migrations');
        schemaVersion = numOrNull(row?.v) ?? schemaVersion;
        return { adapter: driver.adapter, location: driver.location, schemaVersion };
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      await driver.close();
    },
  };
  return store;
}
