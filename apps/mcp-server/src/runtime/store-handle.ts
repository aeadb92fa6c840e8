/**
 * The one durable store of a server process (@org/fleet-store), shared by the journal, the sampler, the queue
 * and the lease. It opens lazily, on the first use and never on the start-up path (cold start stays as without
 * a store), and it never throws: every failure is a `StoreError` value and marks the store `degraded` until a
 * later call succeeds. Status changes go to listeners (the watcher turns them into warning notifications).
 */
import { describeStoreTarget, openStore, type FleetStore, type StoreAdapterKind, type StoreError, type StoreResult, type StoreTarget } from '@org/fleet-store';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';

export type StoreState = 'not_opened' | 'ok' | 'degraded';

export interface StoreStatus {
  state: StoreState;
  adapter: StoreAdapterKind;
  /** Where, without credentials: "memory (nothing survives a restart)", "sqlite /path", "postgres host/db schema s". */
  location: string;
  /** When the state last changed. */
  since: Date;
  /** The failure that made it degraded (absent when ok / not opened). */
  error?: StoreError;
}

export interface StoreHandle {
  readonly adapter: StoreAdapterKind;
  status(): StoreStatus;
  /**
   * Runs `operation` on the open store (opening it first if needed). A failed open or a failed operation
   * answers its `StoreError` and marks the store degraded; a success marks it ok again.
   */
  run<T>(operation: (store: FleetStore) => Promise<StoreResult<T>>): Promise<StoreResult<T>>;
  /** Called on every state change (ok ↔ degraded), not on repeated failures of the same kind. */
  onStatus(listener: (status: StoreStatus) => void): () => void;
  close(): Promise<void>;
}

/** A retryable open failure (database down, locked) is retried at most this often; others stay failed. */
export const STORE_REOPEN_INTERVAL_MS = 5_000;

export function createStoreHandle(options: {
  open: () => Promise<StoreResult<FleetStore>>;
  adapter: StoreAdapterKind;
  location: string;
  clock: Clock;
  log?: Logger;
  reopenIntervalMs?: number;
}): StoreHandle {
  const { clock, log } = options;
  const reopenIntervalMs = options.reopenIntervalMs ?? STORE_REOPEN_INTERVAL_MS;
  let status: StoreStatus = { state: 'not_opened', adapter: options.adapter, location: options.location, since: clock.now() };
  const listeners = new Set<(s: StoreStatus) => void>();
  let opening: Promise<StoreResult<FleetStore>> | undefined;
  let openFailedAt: number | undefined;
  let closed = false;

  const setStatus = (next: StoreStatus): void => {
    const changed = next.state !== status.state || next.error?.kind !== status.error?.kind;
    status = next;
    if (!changed) return;
    if (next.state === 'degraded' && next.error)
      log?.warn('store degraded: history, trends and queued input are unavailable until it recovers', {
        store: next.location,
        kind: next.error.kind,
        error: next.error.message,
        hint: next.error.hint,
      });
    else if (next.state === 'ok') log?.info('store available', { store: next.location });
    for (const listener of listeners) {
      try {
        listener(next);
      } catch (error) {
        log?.error('store status listener failed', { error });
      }
    }
  };
  const degrade = (error: StoreError): void => setStatus({ ...status, state: 'degraded', since: status.state === 'degraded' ? status.since : clock.now(), error });
  const recover = (): void => {
    if (status.state !== 'ok') setStatus({ state: 'ok', adapter: status.adapter, location: status.location, since: clock.now() });
  };

  const store = async (): Promise<StoreResult<FleetStore>> => {
    if (closed) return { ok: false, error: closedError() };
    if (!opening) {
      const now = clock.now().getTime();
      if (openFailedAt !== undefined && now - openFailedAt < reopenIntervalMs && status.error)
        return { ok: false, error: status.error };
      opening = options.open();
    }
    const opened = await opening;
    if (!opened.ok) {
      // Retryable (down, locked): open again later; not retryable (schema too new, corrupt): stays failed.
      if (opened.error.retryable) {
        opening = undefined;
        openFailedAt = clock.now().getTime();
      }
      degrade(opened.error);
    }
    return opened;
  };

  return {
    adapter: options.adapter,
    status: () => status,
    async run(operation) {
      const opened = await store();
      if (!opened.ok) return opened;
      let result: StoreResult<Awaited<ReturnType<typeof operation>> extends StoreResult<infer T> ? T : never>;
      try {
        result = (await operation(opened.value)) as typeof result;
      } catch (error) {
        // Adapters answer values; a throw is a bug in a caller's operation, still never a crash here.
        const failure: StoreError = { kind: 'failed', operation: 'run', message: `store operation failed: ${(error as Error).message}`, hint: 'This is a bug in coder-fleet-mcp; the answer is served without the store. Please report it.', retryable: false };
        degrade(failure);
        return { ok: false, error: failure } as never;
      }
      if (result.ok) recover();
      else degrade(result.error);
      return result as never;
    },
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      const opened = await opening;
      if (opened?.ok) await opened.value.close();
    },
  };
}

function closedError(): StoreError {
  return { kind: 'closed', operation: 'run', message: 'the store is closed (the server is shutting down)', hint: 'Retry after the server restarts.', retryable: false };
}

/** The handle for a resolved store target: opens with the server's clock (tests inject a manual one). */
export function storeHandleForTarget(target: StoreTarget, clock: Clock, log?: Logger): StoreHandle {
  return createStoreHandle({
    open: () => openStore(target, { clock }),
    adapter: target.kind,
    location: describeStoreTarget(target),
    clock,
    ...(log ? { log } : {}),
  });
}

/** An in-memory store (SQLite `:memory:`): what a runtime gets when nobody passes one (tests, embedded use). */
export function memoryStoreHandle(clock: Clock, log?: Logger): StoreHandle {
  return storeHandleForTarget({ kind: 'memory' }, clock, log);
}
