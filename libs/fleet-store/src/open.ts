/**
 * Opens a store for a target and brings its schema up to date (migrations in one transaction). Never throws
 * for expected failures: an unreachable, locked, full or newer store is a typed `StoreError`.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { assertNever } from './assert.js';
import type { StoreTarget } from './config.js';
import { classifyPgError, classifySqliteError, storeError } from './errors.js';
import type { SqlDriver } from './sql/driver.js';
import { loadMigrations, migrate } from './sql/migrations.js';
import { createSqlStore } from './sql/store.js';
import type { FleetStore, StoreClock, StoreError, StoreResult } from './types.js';

export interface OpenStoreOptions {
  clock?: StoreClock;
  /** SQLite: how long a write waits for another process's lock before answering `locked` (default 2000). */
  busyTimeoutMs?: number;
  /** SQLite: how often subscribers look for other processes' commits (default 250 ms). */
  pollMs?: number;
  /** SQLite: NORMAL (default; survives kill -9) or FULL (also survives power loss; one fsync per commit). */
  sqliteSynchronous?: 'NORMAL' | 'FULL';
  /** Postgres: connections per store (default 4). */
  poolSize?: number;
  /** Postgres: connect timeout (default 5000 ms). */
  connectTimeoutMs?: number;
}

/** Drivers are imported when a store opens (not when the package is imported): a native addon costs start-up time. */
async function openDriver(target: StoreTarget, options: OpenStoreOptions): Promise<{ ok: true; driver: SqlDriver } | { ok: false; error: StoreError }> {
  switch (target.kind) {
    case 'memory':
    case 'sqlite':
      try {
        const { openSqliteDriver } = await import('./sqlite/driver.js');
        if (target.kind === 'sqlite') mkdirSync(dirname(target.path), { recursive: true, mode: 0o700 });
        const path = target.kind === 'memory' ? ':memory:' : target.path;
        return { ok: true, driver: openSqliteDriver({ path, busyTimeoutMs: options.busyTimeoutMs, pollMs: options.pollMs, synchronous: options.sqliteSynchronous }) };
      } catch (error) {
        return { ok: false, error: classifySqliteError(error, 'open') };
      }
    case 'postgres':
      try {
        const { openPostgresDriver } = await import('./postgres/driver.js');
        return {
          ok: true,
          driver: openPostgresDriver({
            url: target.url,
            schema: target.schema,
            poolSize: options.poolSize,
            connectTimeoutMs: options.connectTimeoutMs,
          }),
        };
      } catch (error) {
        return { ok: false, error: classifyPgError(error, 'open') };
      }
    default:
      return assertNever(target);
  }
}

export async function openStore(target: StoreTarget, options: OpenStoreOptions = {}): Promise<StoreResult<FleetStore>> {
  const opened = await openDriver(target, options);
  if (!opened.ok) return opened;
  const { driver } = opened;
  const now = (options.clock ?? { now: () => new Date() }).now().getTime();
  try {
    const outcome = await migrate(driver, loadMigrations(driver.dialect), now);
    if (outcome.kind === 'too_new') {
      await driver.close();
      return {
        ok: false,
        error: storeError(
          'schema_too_new',
          'migrate',
          `migrate: the store has schema version ${outcome.found}, this release knows up to ${outcome.known}`,
        ),
      };
    }
  } catch (error) {
    await driver.close().catch(() => undefined);
    const classified = driver.classify(error, 'migrate');
    return { ok: false, error: classified.kind === 'failed' ? { ...classified, ...storeError('migration_failed', 'migrate', classified.message, classified.code) } : classified };
  }
  return { ok: true, value: createSqlStore(driver, { clock: options.clock }) };
}
