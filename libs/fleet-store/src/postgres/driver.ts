/**
 * Postgres driver (node-postgres `pg`, a Pool per store) behind the async `SqlDriver`.
 * - Tables live in `schema` (search_path set per connection), so replicas share one schema and tests each
 *   get their own.
 * - Event appends take a transaction-scoped advisory lock: sequence numbers are handed out in commit order,
 *   so a reader's cursor never skips an event that commits late.
 * - `LISTEN/NOTIFY` wakes subscribers on every replica; the listening connection reconnects with back-off
 *   and wakes subscribers once each time LISTEN takes effect (notifications may have been missed before).
 */
import pg from 'pg';
import { describePostgresUrl } from '../config.js';
import { classifyPgError } from '../errors.js';
import { fnv1a32 } from '../hash.js';
import type { JsonValue, NewEventsListener } from '../types.js';
import type { SqlDriver, SqlParam, SqlTx } from '../sql/driver.js';

export interface PostgresDriverOptions {
  url: string;
  /** Schema holding the tables (created at start); default "public". */
  schema?: string;
  poolSize?: number;
  connectTimeoutMs?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** First key of our advisory locks ("FLT" + n); the second key is a hash of the schema name. */
const LOCK_EVENTS = 0x464c5401;
const LOCK_MIGRATIONS = 0x464c5402;



const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

const placeholderCache = new Map<string, string>();
/** `?` → `$1, $2, …` (our statements never contain a literal question mark). */
function numbered(sql: string): string {
  let out = placeholderCache.get(sql);
  if (out === undefined) {
    let n = 0;
    out = sql.replace(/\?/g, () => `$${++n}`);
    if (placeholderCache.size > 512) placeholderCache.clear();
    placeholderCache.set(sql, out);
  }
  return out;
}

export function openPostgresDriver(options: PostgresDriverOptions): SqlDriver {
  const schema = options.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) throw new TypeError(`fleet-store: invalid Postgres schema name: ${schema}`);
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v)); // counts, ids and epoch ms fit in 2^53
  const config: pg.ClientConfig = {
    connectionString: options.url,
    options: `-c search_path=${schema}`,
    types,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    application_name: 'coder-fleet-mcp',
  };
  const pool = new pg.Pool({ ...config, max: options.poolSize ?? 4, idleTimeoutMillis: 30_000 });
  pool.on('error', () => undefined); // an idle connection that dies is dropped by the pool; never crash
  const schemaKey = fnv1a32(schema);
  const channel = `fleet_events_${schema}`.slice(0, 63);

  function txOn(client: pg.PoolClient): SqlTx {
    return {
      all: async <T>(sql: string, params: readonly SqlParam[] = []) =>
        (await client.query(numbered(sql), params as SqlParam[])).rows as T[],
      run: async (sql, params = []) => (await client.query(numbered(sql), params as SqlParam[])).rowCount ?? 0,
      exec: async (sql) => {
        await client.query(sql);
      },
    };
  }

  // ------------------------------------------------------------------ LISTEN/NOTIFY
  const listeners = new Set<NewEventsListener>();
  let listenClient: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let backoffMs = 250;
  let closed = false;

  function emit(head: number): void {
    for (const listener of listeners) listener(head);
  }

  function scheduleReconnect(): void {
    if (closed || reconnectTimer || listeners.size === 0) return;
    listenClient = undefined;
    const delay = backoffMs * (0.5 + Math.random());
    backoffMs = Math.min(backoffMs * 2, 10_000);
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void listen();
    }, delay);
    reconnectTimer.unref();
  }

  function listen(): Promise<void> {
    if (listenClient || connecting || closed) return connecting ?? Promise.resolve();
    const client = new pg.Client(config);
    client.on('notification', (message) => {
      const head = Number(message.payload);
      if (Number.isFinite(head)) emit(head);
    });
    client.on('error', () => {
      void client.end().catch(() => undefined);
      scheduleReconnect();
    });
    connecting = client
      .connect()
      .then(() => client.query(`LISTEN ${quoteIdent(channel)}`))
      .then(async () => {
        listenClient = client;
        backoffMs = 250;
        if (closed) return void (await client.end().catch(() => undefined));
        // Whatever committed before LISTEN took effect (first connect or a reconnect) was not notified:
        // wake subscribers once with the current head so they re-read from their cursors.
        const { rows } = await pool.query<{ head: number | null }>('SELECT MAX(seq) AS head FROM events');
        emit(rows[0]?.head ?? 0);
      })
      .catch(() => {
        void client.end().catch(() => undefined);
        scheduleReconnect();
      })
      .finally(() => {
        connecting = undefined;
      });
    return connecting;
  }

  return {
    adapter: 'postgres',
    dialect: 'postgres',
    location: `${describePostgresUrl(options.url)} schema ${schema}`,
    lockRowsClause: 'FOR UPDATE SKIP LOCKED',
    maxParams: 60_000,
    maxRowsPerStatement: 500,

    async transaction(mode, fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query(mode === 'read' ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
        const result = await fn(txOn(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async lockForEvents(tx) {
      await tx.all('SELECT pg_advisory_xact_lock(?, ?)', [LOCK_EVENTS, schemaKey]);
    },
    async notifyInTransaction(tx, headSeq) {
      await tx.all('SELECT pg_notify(?, ?)', [channel, String(headSeq)]);
    },
    afterEventsCommitted: () => undefined, // NOTIFY reaches this process's listener too
    subscribe(listener) {
      listeners.add(listener);
      void listen();
      return () => {
        listeners.delete(listener);
      };
    },
    async prepareMigrations(tx) {
      await tx.all('SELECT pg_advisory_xact_lock(?, ?)', [LOCK_MIGRATIONS, schemaKey]);
      await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    },
    decodeJson: (value) => (value === undefined ? null : (value as JsonValue)),
    classify: classifyPgError,
    async close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      listeners.clear();
      await connecting;
      await listenClient?.end().catch(() => undefined);
      listenClient = undefined;
      await pool.end();
    },
  };
}
