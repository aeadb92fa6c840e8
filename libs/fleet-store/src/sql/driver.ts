/**
 * What the shared SQL store needs from a database: parameterised statements (`?` placeholders; the
 * Postgres driver renumbers them) inside transactions, plus the few dialect hooks that differ.
 */
import type { JsonValue, NewEventsListener, StoreAdapterKind, StoreError } from '../types.js';

export type Row = Record<string, unknown>;
export type SqlParam = string | number | null;

export interface SqlTx {
  all<T = Row>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
  /** Returns the number of rows changed. */
  run(sql: string, params?: readonly SqlParam[]): Promise<number>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface SqlDriver {
  readonly adapter: StoreAdapterKind;
  readonly dialect: 'sqlite' | 'postgres';
  /** Human location, never credentials. */
  readonly location: string;
  /** Appended to the claim sub-select (`FOR UPDATE SKIP LOCKED` on Postgres). */
  readonly lockRowsClause: string;
  /** Largest number of bound parameters per statement we use (batches are chunked under it). */
  readonly maxParams: number;
  /**
   * Rows per batched INSERT. SQLite: 1 (one cached prepared statement reused in a loop inside the
   * transaction beats a 500-row VALUES list, ~2x for a watcher cycle); Postgres: many (one round trip).
   */
  readonly maxRowsPerStatement: number;
  /**
   * One transaction. `write` takes the write lock up front (SQLite BEGIN IMMEDIATE); `read` sees one
   * snapshot. Rolls back when `fn` throws, then rethrows.
   */
  transaction<T>(mode: 'read' | 'write', fn: (tx: SqlTx) => Promise<T>): Promise<T>;
  /** Postgres: serialise event appends so sequence order is commit order. SQLite: nothing (one writer). */
  lockForEvents(tx: SqlTx): Promise<void>;
  /** Postgres: NOTIFY inside the append transaction (delivered at commit, to every replica). */
  notifyInTransaction(tx: SqlTx, headSeq: number): Promise<void>;
  /** After the append committed: in-process wake-up. */
  afterEventsCommitted(headSeq: number): void;
  subscribe(listener: NewEventsListener): () => void;
  /** Postgres: serialise migrations between processes and create the schema. */
  prepareMigrations(tx: SqlTx): Promise<void>;
  decodeJson(value: unknown): JsonValue;
  classify(error: unknown, operation: string): StoreError;
  close(): Promise<void>;
}
