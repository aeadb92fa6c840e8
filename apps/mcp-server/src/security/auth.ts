/**
 * HTTP authentication: parse the Authorization header, check a static bearer token in constant time, or
 * treat the bearer as the caller's own Coder token (validated against /api/v2/users/me, cached by its
 * SHA-256 so the raw token is never a map key, never logged and never echoed).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AuthMode, Config } from '../config.js';
import type { CoderApiError, CoderResult, User } from '../coder.js';

export type AuthErrorCode = 'missing_token' | 'invalid_token' | 'malformed_header';

export interface AuthError {
  code: AuthErrorCode;
  message: string;
}

/** Who is calling. `id` is stable and safe to log (never the token). */
export interface Principal {
  id: string;
  /** Coder username (coder-token mode). */
  user?: string;
}

export const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
export const tokenFingerprint = (token: string): string => sha256(token).toString('hex').slice(0, 16);

export function parseBearer(header: string | undefined): { ok: true; token: string } | { ok: false; error: AuthError } {
  if (header === undefined || header.trim() === '')
    return { ok: false, error: { code: 'missing_token', message: 'Authentication required: send "Authorization: Bearer <token>".' } };
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header.trim());
  if (!match?.[1]) return { ok: false, error: { code: 'malformed_header', message: 'The Authorization header must be "Bearer <token>".' } };
  return { ok: true, token: match[1] };
}

/** Constant-time comparison: both sides are hashed first, so lengths never leak either. */
export function createStaticTokenCheck(expected: string): (presented: string) => boolean {
  const want = sha256(expected);
  return (presented) => timingSafeEqual(sha256(presented), want);
}

export function resolveAuthMode(config: Pick<Config, 'authMode' | 'authToken'>): AuthMode {
  return config.authMode ?? (config.authToken ? 'bearer' : 'none');
}

/** The result of checking a Coder token: a principal, a rejection (401) or Coder being unavailable (503). */
export type CoderTokenCheck<C> =
  | { ok: true; principal: Principal; context: C }
  | { ok: false; kind: 'invalid'; error: AuthError }
  | { ok: false; kind: 'unavailable'; message: string };

export interface CoderTokenVerifierOptions<C> {
  /** Asks Coder who owns the token (GET /api/v2/users/me with it). */
  whoAmI: (token: string) => Promise<CoderResult<User>>;
  /** Builds what a verified caller uses (a Coder client with its token, a runtime); kept while cached. */
  makeContext: (token: string, user: User) => C;
  now: () => number;
  /** How long a verified token is trusted before asking Coder again (default 60 s). */
  ttlMs?: number;
  /** Most tokens kept (least recently used dropped first; default 1000). */
  maxEntries?: number;
}

interface Entry<C> {
  principal: Principal;
  context: C;
  expiresAt: number;
}

const UNAVAILABLE: ReadonlySet<CoderApiError['kind']> = new Set(['network', 'timeout', 'upstream_unavailable', 'server_error', 'rate_limited', 'unexpected_response']);

export function createCoderTokenVerifier<C>(options: CoderTokenVerifierOptions<C>): { verify(token: string): Promise<CoderTokenCheck<C>>; size(): number } {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 1000;
  const entries = new Map<string, Entry<C>>();
  return {
    async verify(token) {
      const key = sha256(token).toString('hex');
      const cached = entries.get(key);
      const now = options.now();
      if (cached && cached.expiresAt > now) {
        entries.delete(key);
        entries.set(key, cached);
        return { ok: true, principal: cached.principal, context: cached.context };
      }
      const me = await options.whoAmI(token);
      if (!me.ok) {
        entries.delete(key);
        if (UNAVAILABLE.has(me.error.kind)) return { ok: false, kind: 'unavailable', message: `Could not verify the token with Coder (${me.error.kind}); retry shortly.` };
        return { ok: false, kind: 'invalid', error: { code: 'invalid_token', message: 'Coder rejected this token: pass a valid Coder session or API token as the bearer.' } };
      }
      const principal: Principal = { id: `coder:${key.slice(0, 16)}`, user: me.value.username };
      // Keep the context (and its caches) across re-validation of the same token.
      const context = cached?.context ?? options.makeContext(token, me.value);
      entries.delete(key);
      entries.set(key, { principal, context, expiresAt: now + ttlMs });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      return { ok: true, principal, context };
    },
    size: () => entries.size,
  };
}

/** A warning when a token file is readable by group or others (it should be 0600). */
export function tokenFileModeWarning(path: string, mode: number): string | undefined {
  if ((mode & 0o077) === 0) return undefined;
  return `The auth token file ${path} is readable by group/others (mode ${(mode & 0o777).toString(8).padStart(3, '0')}): run chmod 600 ${path}.`;
}

/** Value of the WWW-Authenticate header for a failure (RFC 6750: no error code when credentials are absent). */
export function wwwAuthenticate(error: AuthError): string {
  const realm = 'Bearer realm="coder-fleet-mcp"';
  if (error.code === 'missing_token') return realm;
  const rfcCode = error.code === 'malformed_header' ? 'invalid_request' : 'invalid_token';
  return `${realm}, error="${rfcCode}", error_description="${error.message.replace(/"/g, "'")}"`;
}
