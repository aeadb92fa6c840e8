import type { IncomingMessage } from 'node:http';
import type { SimClock } from './clock.js';
import type { Route, SimResponse } from './api/http.js';
import type { FaultControl } from './faults.js';
import type { SimUser } from './model/types.js';

const DEFAULT_RATE_LIMIT = 512;
const SIGNED_OUT = 'You are signed out or your session has expired. Please sign in again to continue.';

/** The session token as coderd reads it: header, then cookie, then query parameter. */
export function tokenFrom(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers['coder-session-token'];
  if (typeof header === 'string' && header !== '') return header;
  const cookie = req.headers.cookie?.split(';').map((c) => c.trim()).find((c) => c.startsWith('coder_session_token='));
  if (cookie) return cookie.slice('coder_session_token='.length);
  return url.searchParams.get('coder_session_token') ?? undefined;
}

/** coderd's 401 for a route that needs a session, or undefined when the caller may pass. */
export function authFailure(route: Pick<Route, 'auth'>, token: string | undefined, user: SimUser | null): SimResponse | undefined {
  if (!route.auth) return undefined;
  if (!token) return { status: 401, body: { message: SIGNED_OUT, detail: 'Cookie "coder_session_token" or query parameter must be provided.' } };
  if (!user) return { status: 401, body: { message: SIGNED_OUT, detail: 'API key is invalid.' } };
  return undefined;
}

export interface RateDecision {
  headers: Record<string, string>;
  limited: boolean;
  retryAfter: number;
}

/**
 * coderd's per-token fixed-window rate limit: the X-Ratelimit-* headers are always sent (default limit
 * 512/min); requests are refused only once a limit is configured (faults.rateLimit) and exceeded.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly faults: FaultControl,
    private readonly clock: SimClock,
  ) {}

  take(key: string): RateDecision {
    const config = this.faults.rateLimitConfig;
    const limit = config?.limit ?? DEFAULT_RATE_LIMIT;
    const windowMs = config?.windowMs ?? 60_000;
    const now = this.clock.now();
    let w = this.windows.get(key);
    if (!w || now >= w.start + windowMs) {
      w = { start: now - (now % windowMs), count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    const resetMs = w.start + windowMs;
    return {
      headers: {
        'X-Ratelimit-Limit': String(limit),
        'X-Ratelimit-Remaining': String(Math.max(0, limit - w.count)),
        'X-Ratelimit-Reset': String(Math.ceil(resetMs / 1000)),
      },
      limited: config !== null && w.count > limit,
      retryAfter: Math.max(1, Math.ceil((resetMs - now) / 1000)),
    };
  }
}
