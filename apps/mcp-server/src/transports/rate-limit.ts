/**
 * Token-bucket rate limiting per key (an MCP session, or principal + client address before a session
 * exists). A token is one JSON-RPC message, so a batch costs as many tokens as it carries messages.
 * Pure apart from the injected clock: `take(key)` either spends a token or says how long to wait.
 */
export interface RateLimiter {
  /**
   * Spends `cost` tokens (default 1: one JSON-RPC message) for `key`; when there are fewer, spends nothing
   * and returns the wait in ms until there are enough. A cost above the burst can never pass: `tooLarge`.
   */
  take(key: string, cost?: number): { ok: true } | { ok: false; retryAfterMs: number; tooLarge?: true };
  /** Forgets a key (its session closed). */
  forget(key: string): void;
  /** Keys currently tracked (bounded by `maxKeys`). */
  size(): number;
}

export interface RateLimiterOptions {
  /** Sustained rate; 0 disables limiting. */
  perMinute: number;
  /** Bucket size: requests allowed back to back. */
  burst: number;
  now: () => number;
  /** Oldest keys are dropped past this many (a full bucket again next time). */
  maxKeys?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { perMinute, burst, now } = options;
  const maxKeys = options.maxKeys ?? 10_000;
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, Bucket>();
  return {
    take(key, cost = 1) {
      if (perMinute <= 0) return { ok: true };
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: burst, at: t };
      bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, t - bucket.at) * perMs);
      bucket.at = t;
      // Re-insert so the Map order is least-recently-used first.
      buckets.delete(key);
      buckets.set(key, bucket);
      while (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value as string);
      if (cost > burst) return { ok: false, retryAfterMs: Math.ceil(burst / perMs), tooLarge: true };
      if (bucket.tokens >= cost) {
        bucket.tokens -= cost;
        return { ok: true };
      }
      return { ok: false, retryAfterMs: Math.ceil((cost - bucket.tokens) / perMs) };
    },
    forget: (key) => void buckets.delete(key),
    size: () => buckets.size,
  };
}
