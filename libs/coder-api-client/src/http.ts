/**
 * The request funnel: one openapi-fetch client, one place that applies the timeout, reads the body,
 * classifies failures, checks shapes and retries idempotent calls. Nothing here throws for an HTTP
 * outcome or a network failure.
 */
import { Buffer } from 'node:buffer';
import createClient, { type Client } from 'openapi-fetch';
import { httpError, networkError, redactError, timeoutError, unexpectedResponse } from './errors.js';
import type { paths } from './generated/schema.js';
import type { Parse, Parsed } from './parse.js';
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

/** The same for `parseAs: 'stream'` (bodies read as bytes, see `requestBytes`). */
export interface RawStreamOutcome {
  data?: ReadableStream<Uint8Array> | null;
  error?: unknown;
  response: Response;
}

/** Turns a 2xx body (as bytes) into a value, or says what is wrong with it. */
export type ParseBytes<T> = (bytes: Uint8Array) => Parsed<T>;

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
  /** As `request`, but the 2xx body is handed over as bytes (large bodies the caller indexes itself). */
  requestBytes<T>(
    method: HttpMethod,
    path: string,
    send: (init: { signal: AbortSignal; parseAs: 'stream' }) => Promise<RawStreamOutcome>,
    parse: ParseBytes<T>,
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

  /** One attempt: send with a timeout, classify the outcome, then `decode` a 2xx body. */
  async function once<D, T>(
    operation: string,
    send: (signal: AbortSignal) => Promise<{ data?: D; error?: unknown; response: Response }>,
    decode: (data: D | undefined, status: number) => CoderResult<T>,
    callerSignal: AbortSignal | undefined,
  ): Promise<CoderResult<T>> {
    const timeout = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      timeout.abort();
    }, timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout.signal]) : timeout.signal;
    let outcome: { data?: D; error?: unknown; response: Response };
    try {
      outcome = await send(signal);
    } catch (thrown) {
      if (timedOut) return fail(timeoutError(operation, timeoutMs, false));
      if (callerSignal?.aborted) return fail(timeoutError(operation, timeoutMs, true));
      return fail(networkError(operation, thrown));
    } finally {
      clearTimeout(timer);
    }
    const { response } = outcome;
    if (!response.ok) return fail(httpError(operation, response, outcome.error, now()));
    return decode(outcome.data, response.status);
  }

  const notJson = (operation: string, status: number) =>
    fail(unexpectedResponse(operation, status, `Coder answered ${status} with a body that is not JSON.`));

  const decodeJson =
    <T>(operation: string, parse: Parse<T>) =>
    (text: string | undefined, status: number): CoderResult<T> => {
      let body: unknown;
      const raw = text ?? '';
      if (raw.trim() !== '') {
        try {
          body = JSON.parse(raw);
        } catch {
          return notJson(operation, status);
        }
      }
      return shaped(operation, status, parse(body));
    };

  const decodeBytes =
    <T>(operation: string, parse: ParseBytes<T>) =>
    (data: Uint8Array | undefined, status: number): CoderResult<T> =>
      shaped(operation, status, parse(data ?? new Uint8Array(0)));

  function shaped<T>(operation: string, status: number, parsed: Parsed<T>): CoderResult<T> {
    if (parsed.ok) return { ok: true, value: parsed.value, status };
    if (parsed.notJson) return notJson(operation, status);
    return fail(unexpectedResponse(operation, status, `Unexpected response shape: ${parsed.problem}.`));
  }

  const withPolicy = <T>(method: HttpMethod, attempt: () => Promise<CoderResult<T>>, opts: CallOptions | undefined) => {
    if (method !== 'GET') return attempt(); // mutations are never retried automatically
    return withRetry(attempt, retry, random, opts?.signal);
  };

  return {
    raw,
    fail,
    request(method, path, send, parse, opts) {
      const operation = `${method} ${path}`;
      const attempt = () => limit(() => once(operation, (signal) => send({ signal, parseAs: 'text' }), decodeJson(operation, parse), opts?.signal));
      return withPolicy(method, attempt, opts);
    },
    requestBytes(method, path, send, parse, opts) {
      const operation = `${method} ${path}`;
      const attempt = () =>
        limit(() =>
          once(
            operation,
            // The body is read inside the attempt, so the timeout and the caller's signal cover it too.
            async (signal) => {
              const outcome = await send({ signal, parseAs: 'stream' });
              const data = outcome.response.ok && outcome.data ? await readAll(outcome.data, signal) : undefined;
              return { response: outcome.response, error: outcome.error, data };
            },
            decodeBytes(operation, parse),
            opts?.signal,
          ),
        );
      return withPolicy(method, attempt, opts);
    },
  };
}

/**
 * The whole body as one buffer, copied once. (`Response.arrayBuffer()` in Node 20 copies the joined chunks
 * again; for a 12 MB tasks list that is 12 MB more garbage per read.)
 */
export async function readAll(stream: ReadableStream<Uint8Array>, signal?: AbortSignal): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  // A fetch implementation that does not error the body on abort must not leave the read hanging.
  const onAbort = () => void reader.cancel(signal?.reason).catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
    }
    signal?.throwIfAborted();
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  return Buffer.concat(chunks, total);
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
