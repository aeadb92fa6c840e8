/**
 * SQLite driver (better-sqlite3 12.x, synchronous) behind the async `SqlDriver`.
 * - WAL journal (auto-checkpoint every 10,000 pages) + synchronous=NORMAL (default): a commit is in the WAL file when `append` resolves, so kill -9
 *   or a crash of the process loses nothing committed; only an OS crash or power cut may lose the last commits
 *   (WAL checkpoints are synced). `synchronous: 'FULL'` fsyncs every commit (slower: one fsync per watcher
 *   cycle). Readers in other processes never block the writer.
 * - Write transactions are BEGIN IMMEDIATE (the write lock up front, so two processes never deadlock on an
 *   upgrade); a busy database waits up to `busyTimeoutMs`, then answers `locked`.
 * - Operations of one store are serialised (one connection; `await` points must not interleave transactions).
 * - Wake-ups: this process's appends notify at once; other processes' commits are seen by polling
 *   `PRAGMA data_version` (cheap, no I/O) every `pollMs` while someone subscribes.
 */
import Database from 'better-sqlite3';
import { classifySqliteError } from '../errors.js';
import type { JsonValue, NewEventsListener } from '../types.js';
import type { SqlDriver, SqlParam, SqlTx } from '../sql/driver.js';

export interface SqliteDriverOptions {
  /** File path, or ':memory:' (the memory adapter). */
  path: string;
  busyTimeoutMs?: number;
  pollMs?: number;
  synchronous?: 'NORMAL' | 'FULL';
}

const STATEMENT_CACHE_SIZE = 256;
/**
 * Pages in the WAL before a commit checkpoints it (SQLite's default is 1,000). A watcher cycle of 500
 * transitions on a large journal dirties ~2,000 index pages (key and agent_id are random in the B-trees), so
 * with the default nearly every cycle ran a checkpoint (copy + fsync) inside its COMMIT (bench: 54 → 27 ms).
 * 10,000 pages (~40 MB of WAL at 4 KiB) checkpoints once every few cycles and writes each hot page once.
 * Durability is unchanged: commits land in the WAL exactly as before and checkpoints still sync.
 */
const WAL_AUTOCHECKPOINT_PAGES = 10_000;

export function openSqliteDriver(options: SqliteDriverOptions): SqlDriver {
  const memory = options.path === ':memory:';
  const db = new Database(options.path, { timeout: options.busyTimeoutMs ?? 2_000 });
  try {
    if (!memory) {
      db.pragma('journal_mode = WAL');
      db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    }
    db.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
  } catch (error) {
    db.close();
    throw error;
  }

  const statements = new Map<string, Database.Statement>();
  function prepare(sql: string): Database.Statement {
    let stmt = statements.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
      statements.set(sql, stmt);
    }
    return stmt;
  }

  const tx: SqlTx = {
    all: async <T>(sql: string, params: readonly SqlParam[] = []) => {
      const stmt = prepare(sql);
      if (stmt.reader) return stmt.all(...params) as T[];
      stmt.run(...params);
      return [];
    },
    run: async (sql, params = []) => prepare(sql).run(...params).changes,
    exec: async (sql) => {
      db.exec(sql);
    },
  };

  // One operation at a time on the connection.
  let tail: Promise<unknown> = Promise.resolve();
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  }

  const listeners = new Set<NewEventsListener>();
  let lastHead = 0;
  let lastDataVersion = 0;
  let poller: ReturnType<typeof setInterval> | undefined;
  let open = true;

  function emit(head: number): void {
    if (head <= lastHead) return;
    lastHead = head;
    for (const listener of listeners) listener(head);
  }

  function poll(): void {
    void serial(async () => {
      if (!open) return;
      const version = Number(db.pragma('data_version', { simple: true }));
      if (version === lastDataVersion) return;
      lastDataVersion = version;
      const row = prepare('SELECT MAX(seq) AS head FROM events').get() as { head: number | null } | undefined;
      emit(row?.head ?? 0);
    }).catch(() => undefined); // a failed poll is retried on the next tick; reads report errors themselves
  }

  return {
    adapter: memory ? 'memory' : 'sqlite',
    dialect: 'sqlite',
    location: memory ? 'memory' : options.path,
    lockRowsClause: '',
    maxParams: 30_000,
    maxRowsPerStatement: 1,

    transaction(mode, fn) {
      return serial(async () => {
        db.exec(mode === 'write' ? 'BEGIN IMMEDIATE' : 'BEGIN');
        try {
          const result = await fn(tx);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      });
    },
    lockForEvents: async () => undefined,
    notifyInTransaction: async () => undefined,
    afterEventsCommitted: (head) => emit(head),
    subscribe(listener) {
      listeners.add(listener);
      if (!poller && !memory && open) {
        lastDataVersion = Number(db.pragma('data_version', { simple: true }));
        poller = setInterval(poll, options.pollMs ?? 250);
        poller.unref();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && poller) {
          clearInterval(poller);
          poller = undefined;
        }
      };
    },
    prepareMigrations: async () => undefined,
    decodeJson: (value) => (typeof value === 'string' ? (JSON.parse(value) as JsonValue) : null),
    classify: classifySqliteError,
    async close() {
      await serial(async () => {
        open = false;
        if (poller) clearInterval(poller);
        poller = undefined;
        listeners.clear();
        db.close();
      });
    },
  };
}
