/**
 * Driver errors → typed `StoreError` values. Each kind carries what failed and what to do; messages never
 * include a connection string (it may hold a password).
 */
import type { StoreError, StoreErrorKind } from './types.js';

const HINTS: Record<StoreErrorKind, string> = {
  unavailable:
    'The store cannot be reached. Check that the database is running and the --store / FLEET_MCP_DATABASE_URL value; answers come from Coder meanwhile.',
  locked: 'The store is busy (another process holds a lock). Retry shortly; if it persists, look for a stuck process on the same store.',
  disk_full: 'The disk holding the store is full. Free space or lower --retention-days; history is not recorded meanwhile.',
  read_only: 'The store is read-only (file permissions or a read-only replica). Point --store at a writable location.',
  corrupt: 'The store file is damaged. Move it aside (a new one is created at start) or restore it from a backup.',
  schema_too_new: 'The store was written by a newer coder-fleet-mcp. Upgrade this server or point --store elsewhere.',
  migration_failed: 'Preparing the store schema failed; nothing was changed. Check the database permissions and logs.',
  closed: 'The store was closed (the server is shutting down).',
  failed: 'A store operation failed unexpectedly. Retry; if it persists, report it with the code shown.',
};

const RETRYABLE: ReadonlySet<StoreErrorKind> = new Set(['unavailable', 'locked']);

export function storeError(kind: StoreErrorKind, operation: string, message: string, code?: string): StoreError {
  return { kind, operation, message, hint: HINTS[kind], retryable: RETRYABLE.has(kind), ...(code ? { code } : {}) };
}

interface CodedError {
  code?: unknown;
  message?: unknown;
}

function codeAndMessage(error: unknown): { code: string; message: string } {
  const e = (typeof error === 'object' && error !== null ? error : {}) as CodedError;
  return {
    code: typeof e.code === 'string' ? e.code : '',
    message: typeof e.message === 'string' ? e.message : String(error),
  };
}

/** better-sqlite3 errors carry SQLite's extended result code name (SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_WRITE, …). */
export function classifySqliteError(error: unknown, operation: string): StoreError {
  const { code, message } = codeAndMessage(error);
  const kind: StoreErrorKind =
    code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')
      ? 'locked'
      : code.startsWith('SQLITE_FULL') || code === 'ENOSPC'
        ? 'disk_full'
        : code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES'
          ? 'read_only'
          : code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')
            ? 'corrupt'
            : code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR') || code === 'ENOENT' || code === 'ENOTDIR'
              ? 'unavailable'
              : 'failed';
  return storeError(kind, operation, `${operation}: ${message}`, code || undefined);
}

const PG_UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE', 'EAI_AGAIN']);

/** node-postgres errors carry the SQLSTATE (5 characters) or a Node network code. */
export function classifyPgError(error: unknown, operation: string): StoreError {
  const { code, message } = codeAndMessage(error);
  const cls = code.length === 5 ? code.slice(0, 2) : '';
  const kind: StoreErrorKind =
    PG_UNAVAILABLE_NODE_CODES.has(code) ||
    cls === '08' || // connection exception
    cls === '28' || // invalid authorization
    cls === '57' || // operator intervention (admin shutdown, cannot connect now)
    code === '3D000' || // database does not exist
    code === '53300' || // too many connections
    /timeout|terminated|Connection ended|not queryable/i.test(message)
      ? 'unavailable'
      : code === '53100'
        ? 'disk_full'
        : code === '55P03' || code === '40P01' || code === '40001'
          ? 'locked'
          : code === '25006'
            ? 'read_only'
            : cls === 'XX'
              ? 'corrupt'
              : 'failed';
  return storeError(kind, operation, `${operation}: ${message}`, code || undefined);
}

const SECRET_KEY = /token|secret|password|passwd|authorization|api[-_]?key|cookie|credential|private[-_]?key/i;
export const REDACTED = '[redacted]';

/** Replaces the value of every secret-looking key, at any depth (mutation arguments are journaled). */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? REDACTED : redactSecrets(v);
  return out as T;
}
