/**
 * Bounded exponential backoff with jitter, for idempotent GETs only (the caller decides).
 * Retries on 429 / 502 / 503 / 504 and network errors; honours a server-requested wait up to a cap.
 */
import { RETRYABLE_KINDS } from './errors.js';
import type { CoderApiError, CoderResult, RetryOptions } from './types.js';

export type ResolvedRetryOptions = Required<RetryOptions>;

export const DEFAULT_RETRY: ResolvedRetryOptions = {
  retries: 2,
  baseDelayMs: 250,
  maxDelayMs: 4000,
  maxRetryAfterMs: 10_000,
};

export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  const pick = (value: number | undefined, fallback: number): number =>
    value === undefined || !Number.isFinite(value) || value < 0 ? fallback : value;
  return {
    retries: Math.floor(pick(options.retries, DEFAULT_RETRY.retries)),
    baseDelayMs: pick(options.baseDelayMs, DEFAULT_RETRY.baseDelayMs),
    maxDelayMs: pick(options.maxDelayMs, DEFAULT_RETRY.maxDelayMs),
    maxRetryAfterMs: pick(options.maxRetryAfterMs, DEFAULT_RETRY.maxRetryAfterMs),
  };
}

/** Backoff before retry number `attempt + 1` (0-based): "equal jitter" in [d/2, d], d = min(max, base·2^attempt). */
export function backoffDelayMs(attempt: number, options: ResolvedRetryOptions, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** The wait before the next attempt, or `undefined` when this error must not be retried. */
export function retryDelayFor(
  error: CoderApiError,
  attempt: number,
  options: ResolvedRetryOptions,
  random: () => number,
): number | undefined {
  if (attempt >= options.retries || !RETRYABLE_KINDS.has(error.kind)) return undefined;
  if (error.retryAfterMs !== undefined) {
    // The server said when: never earlier, and not at all when it is too far away.
    return error.retryAfterMs > options.maxRetryAfterMs ? undefined : error.retryAfterMs;
  }
  return backoffDelayMs(attempt, options, random);
}

/** Resolves `true` after `ms`, or `false` as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs `attempt` until it succeeds, fails for good, or the retry budget is spent. */
export async function withRetry<T>(
  attempt: () => Promise<CoderResult<T>>,
  options: ResolvedRetryOptions,
  random: () => number,
  signal?: AbortSignal,
): Promise<CoderResult<T>> {
  for (let n = 0; ; n++) {
    const result = await attempt();
    if (result.ok) return result;
    const delay = retryDelayFor(result.error, n, options, random);
    if (delay === undefined) return result;
    if (!(await sleep(delay, signal))) return result;
  }
}
