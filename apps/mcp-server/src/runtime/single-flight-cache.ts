/**
 * Single-flight + TTL cache. Concurrent `get`s of one key share one in-flight load; a settled value is
 * reused for `ttlMs` (measured on the injected clock) when `shouldCache` accepts it (failures are shared
 * while in flight but not kept). Loads get their own signal: one caller cancelling never aborts the
 * request other callers are waiting on.
 */
import type { Clock } from '../clock.js';

export interface SingleFlightCacheOptions<V> {
  clock: Clock;
  ttlMs: number;
  /** Upper bound on kept entries (oldest evicted first). */
  maxEntries?: number;
  /** Whether a settled value may be kept for the TTL (e.g. only `ok` results). */
  shouldCache?: (value: V) => boolean;
  /** Bound for one load (real time); the load's signal aborts after it. */
  loadTimeoutMs?: number;
}

export interface CacheGetOptions {
  /** Ignore a fresh value (still joins an in-flight load started after the last invalidation). */
  force?: boolean;
}

export interface SingleFlightCache<V> {
  get(key: string, load: (signal: AbortSignal) => Promise<V>, options?: CacheGetOptions): Promise<V>;
  /** Drops one key, or everything (after a mutation). In-flight loads finish but are not kept. */
  invalidate(key?: string): void;
  /** Number of loads started (diagnostics and tests). */
  readonly loads: number;
}

interface Entry<V> {
  value?: V;
  at?: number;
  inflight?: Promise<V>;
}

export function createSingleFlightCache<V>(options: SingleFlightCacheOptions<V>): SingleFlightCache<V> {
  const { clock, ttlMs, maxEntries = 500, shouldCache = () => true, loadTimeoutMs } = options;
  const entries = new Map<string, Entry<V>>();
  let loads = 0;

  const fresh = (e: Entry<V>) => e.at !== undefined && clock.now().getTime() - e.at < ttlMs;

  return {
    get loads() {
      return loads;
    },
    get(key, load, getOptions = {}) {
      const existing = entries.get(key);
      if (existing?.inflight) return existing.inflight;
      if (existing && !getOptions.force && fresh(existing)) return Promise.resolve(existing.value as V);

      const entry: Entry<V> = existing ?? {};
      // A stale (or forced-over) value is never read again: let it go now rather than holding two fleets
      // (10,000 tasks are tens of MB) until the new load settles.
      entry.value = undefined;
      entry.at = undefined;
      const signal = loadTimeoutMs !== undefined ? AbortSignal.timeout(loadTimeoutMs) : new AbortController().signal;
      loads += 1;
      const promise = load(signal).then(
        (value) => {
          if (entries.get(key) === entry) {
            entry.inflight = undefined;
            if (ttlMs > 0 && shouldCache(value)) {
              entry.value = value;
              entry.at = clock.now().getTime();
            } else {
              entries.delete(key);
            }
          }
          return value;
        },
        (error: unknown) => {
          if (entries.get(key) === entry) entries.delete(key);
          throw error;
        },
      );
      entry.inflight = promise;
      entries.delete(key);
      entries.set(key, entry);
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value as string;
        entries.delete(oldest);
      }
      return promise;
    },
    invalidate(key) {
      // Detach (even in-flight) entries: later callers start a new load, the old one is not kept.
      if (key === undefined) entries.clear();
      else entries.delete(key);
    },
  };
}
