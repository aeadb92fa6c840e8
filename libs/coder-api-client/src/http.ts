/**
 * The request funnel: one openapi-fetch client, one place that applies the timeout, reads the body,
 * classifies failures, checks shapes and retries idempotent calls. Nothing here throws for an HTTP
 * outcome or a network failure.
 */
import createClient, { type Client } from 'openapi-fetch';
import { httpError, networkError, redactError, timeoutError, unexpectedResponse } from './errors.js';
import type { paths } from './generated/schema.js';
import type { Parse } from './parse.js';
import { resolveRetryOptions, withRetry, type ResolvedRetryOptions } from './retry.js';
import type { CallOptions, CoderApiError, CoderClientOptions, CoderResult } from './types.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const SESSION_TOKEN_HEADER = 'Coder-Session-Token';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What every openapi-fetch call returns when asked for `parseAs: 'text'`. */
export interface RawOutcome {
  data?: string;
  error?: unknown;
  response: Response;
}

export interface Http {
  /** The typed openapi-fetch client: call it with literal path templates and `{ ...init }`. */
  readonly raw: Client<paths>;
  request<T>(
    method: HttpMethod,
    path: string,
    send: (init: { signal: AbortSignal; parseAs: 'text' }) => Promise<RawOutcome>,
    parse: Parse<T>,
    opts?: CallOptions,
  ): Promise<CoderResult<T>>;
  /** Builds a failure value (redacted) for errors raised outside a request. */
  fail(error: CoderApiError): { ok: false; error: CoderApiError };
}

/** `https://coder.example.com/api/v2/` → `https://coder.example.com` (the schema paths carry the prefix). */
export function normalizeBaseUrl(baseUrl: string): string {
  return baseUrl.trim().replace(/\/+$/, '').replace(/\/api\/v2$/, '');
}

/**
 * openapi-fetch calls `fetch(new Request(...))` with whatever fetch it captured at creation. This
 * adapter looks the fetch up at call time and unwraps the Request into `(url, init)`, so it works
 * with fetch interceptors (Polly) started before or after the client (toolchain gotcha 7).
 */
export function lateBoundFetch(getFetch: () => typeof globalThis.fetch): (request: Request) => Promise<Response> {
  return async (request) => {
    const init: RequestInit = {
      method: request.method,
      headers: Object.fromEntries(request.headers.entries()),
      signal: request.signal,
      redirect: request.redirect,
    };
    if (request.body !== null) init.body = await request.text();
    return getFetch()(request.url, init);
  };
}

export function createHttp(options: CoderClientOptions): Http {
  const token = options.sessionToken;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const retry: ResolvedRetryOptions = resolveRetryOptions(options.retry);
  const headers: Record<string, string> = { Accept: 'application/json', [SESSION_TOKEN_HEADER]: token };
  if (options.userAgent) headers['User-Agent'] = options.userAgent;

  const raw = createClient<paths>({
    baseUrl: normalizeBaseUrl(options.baseUrl),
    headers,
    fetch: lateBoundFetch(() => options.fetch ?? globalThis.fetch),
  });

  const limit = createLimiter(options.maxConcurrentRequests);
  const fail = (error: CoderApiError): { ok: false; error: CoderApiError } => ({ ok: false, error: redactError(error, token) });

  async function once<T>(
    operation: string,
    send: (init: { signal: AbortSignal; parseAs: 'text' }) => Promise<RawOutcome>,
    parse: Parse<T>,
    callerSignal: AbortSignal | undefined,
  ): Promise<CoderResult<T>> {
    const timeout = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      timeout.abort();
    }, timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout.signal]) : timeout.signal;
    let outcome: RawOutcome;
    try {
      outcome = await send({ signal, parseAs: 'text' });
    } catch (thrown) {
      if (timedOut) return fail(timeoutError(operation, timeoutMs, false));
      if (callerSignal?.aborted) return fail(timeoutError(operation, timeoutMs, true));
      return fail(networkError(operation, thrown));
    } finally {
      clearTimeout(timer);
    }
    const { response } = outcome;
    if (!response.ok) return fail(httpError(operation, response, outcome.error, now()));

    let body: unknown;
    const text = outcome.data ?? '';
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        return fail(unexpectedResponse(operation, response.status, `Coder answered ${response.status} with a body that is not JSON.`));
      }
    }
    const parsed = parse(body);
    if (!parsed.ok) {
      return fail(unexpectedResponse(operation, response.status, `Unexpected response shape: ${parsed.problem}.`));
    }
    return { ok: true, value: parsed.value, status: response.status };
  }

  return {
    raw,
    fail,
    request(method, path, send, parse, opts) {
      const operation = `${method} ${path}`;
      const attempt = () => limit(() => once(operation, send, parse, opts?.signal));
      if (method !== 'GET') return attempt(); // mutations are never retried automatically
      return withRetry(attempt, retry, random, opts?.signal);
    },
  };
}

/** A counting semaphore: `limit(task)` runs at most `max` tasks at once, in arrival order. */
export function createLimiter(max: number | undefined): <T>(task: () => Promise<T>) => Promise<T> {
  if (max === undefined || !Number.isFinite(max) || max < 1) return (task) => task();
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else active += 1;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}
