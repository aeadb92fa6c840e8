/**
 * The one place where HTTP outcomes become `CoderApiError` values.
 *
 * Non-2xx bodies are read as `unknown` and narrowed to Coder's `{message, detail?, validations?}`;
 * anything else (an HTML page from a proxy, empty body) still yields a useful message.
 */
import { isRecord } from './guards.js';
import type { CoderApiError, CoderApiErrorKind, CoderErrorBody } from './types.js';

const KINDS: ReadonlySet<string> = new Set<CoderApiErrorKind>([
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'invalid_request',
  'rate_limited',
  'upstream_unavailable',
  'server_error',
  'timeout',
  'network',
  'unexpected_response',
  'tasks_unsupported',
  'usage_limit',
  'chats_unsupported',
]);

/** Kinds worth retrying for an idempotent request. */
export const RETRYABLE_KINDS: ReadonlySet<CoderApiErrorKind> = new Set<CoderApiErrorKind>([
  'rate_limited',
  'upstream_unavailable',
  'network',
]);

const MAX_DETAIL_CHARS = 300;

export function isCoderApiError(value: unknown): value is CoderApiError {
  if (!isRecord(value)) return false;
  return (
    typeof value['kind'] === 'string' &&
    KINDS.has(value['kind']) &&
    typeof value['operation'] === 'string' &&
    typeof value['message'] === 'string'
  );
}

/** One line for logs and messages: `not_found (404) GET /api/v2/tasks/{user}/{task}: Task not found. (detail)`. */
export function describeCoderError(error: CoderApiError): string {
  const status = error.status === undefined ? '' : ` (${error.status})`;
  const detail = error.detail ? ` (${error.detail})` : '';
  const validations = error.validations?.length
    ? ` [${error.validations.map((v) => `${v.field}: ${v.detail}`).join('; ')}]`
    : '';
  const wait = error.retryAfterMs === undefined ? '' : ` retry after ${Math.ceil(error.retryAfterMs / 1000)} s`;
  return `${error.kind}${status} ${error.operation}: ${error.message}${detail}${validations}${wait}`;
}

/** Narrows an unknown error body to Coder's `codersdk.Response`; `undefined` when it is not one. */
export function narrowErrorBody(body: unknown): CoderErrorBody | undefined {
  if (!isRecord(body) || typeof body['message'] !== 'string') return undefined;
  const out: CoderErrorBody = { message: body['message'] };
  if (typeof body['detail'] === 'string' && body['detail'] !== '') out.detail = body['detail'];
  const validations = body['validations'];
  if (Array.isArray(validations)) {
    const narrowed = validations
      .filter(isRecord)
      .map((v) => ({ field: String(v['field'] ?? ''), detail: String(v['detail'] ?? '') }));
    if (narrowed.length > 0) out.validations = narrowed;
  }
  return out;
}

export function kindForStatus(status: number): CoderApiErrorKind {
  switch (status) {
    case 400:
    case 422:
      return 'invalid_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 429:
      return 'rate_limited';
    case 502:
    case 503:
    case 504:
      return 'upstream_unavailable';
    default:
      if (status >= 500 && status <= 599) return 'server_error';
      if (status >= 400 && status <= 499) return 'invalid_request';
      return 'unexpected_response';
  }
}

/**
 * Milliseconds the server asks us to wait: `Retry-After` (seconds or HTTP date) first, then
 * `X-Ratelimit-Reset` (epoch seconds). `undefined` when neither is usable.
 */
export function retryAfterMsFrom(headers: Headers, now: number, useRateLimitReset = true): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = useRateLimitReset ? headers.get('x-ratelimit-reset')?.trim() : undefined;
  if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now);
  return undefined;
}

/** Classifies a non-2xx response whose body was already read (`body` is parsed JSON or raw text). */
export function httpError(
  operation: string,
  response: { status: number; statusText: string; headers: Headers },
  body: unknown,
  now: number,
): CoderApiError {
  const coder = narrowErrorBody(body);
  const coderKind = isRecord(body) && typeof body['kind'] === 'string' && body['kind'] !== '' ? body['kind'] : undefined;
  const statusKind = kindForStatus(response.status);
  const kind = statusKind === 'conflict' && isUsageLimit(coderKind, coder) ? 'usage_limit' : statusKind;
  const error: CoderApiError = {
    kind,
    status: response.status,
    operation,
    message: coder?.message || fallbackMessage(response.status, response.statusText),
  };
  const detail = coder?.detail ?? (coder ? undefined : textSnippet(body));
  if (detail) error.detail = detail;
  if (coder?.validations) error.validations = coder.validations;
  if (coderKind) error.coderKind = coderKind;
  if (kind === 'rate_limited' || kind === 'upstream_unavailable') {
    // X-Ratelimit-Reset rides on every response; it only means "wait" on a 429.
    const wait = retryAfterMsFrom(response.headers, now, kind === 'rate_limited');
    if (wait !== undefined) error.retryAfterMs = wait;
  }
  return error;
}

/**
 * Coder answers 409 when a spend/usage limit (AI Gateway budget) stops a chat call; other 409s (busy chat,
 * request_id reused with other input) are conflicts. Coder's `kind` decides when present, else the message.
 */
function isUsageLimit(coderKind: string | undefined, coder: CoderErrorBody | undefined): boolean {
  if (coderKind !== undefined) return coderKind === 'usage_limit';
  return /\b(usage|spend(ing)?)\s+limit|budget/i.test(`${coder?.message ?? ''} ${coder?.detail ?? ''}`);
}

/** Error codes meaning the connection was never established: the request cannot have reached Coder. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_INVALID_URL']);

function causeCode(cause: unknown): string | undefined {
  for (let c: unknown = cause, depth = 0; c !== null && typeof c === 'object' && depth < 4; c = (c as { cause?: unknown }).cause, depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

export function networkError(operation: string, cause: unknown): CoderApiError {
  const code = causeCode(cause);
  return { kind: 'network', operation, message: `Could not reach Coder: ${describeThrown(cause)}`, delivery: code !== undefined && NEVER_CONNECTED.has(code) ? 'not_sent' : 'unknown' };
}

export function timeoutError(operation: string, timeoutMs: number, byCaller: boolean): CoderApiError {
  return {
    kind: 'timeout',
    operation,
    delivery: 'unknown',
    message: byCaller ? 'The request was cancelled by the caller.' : `No response from Coder within ${timeoutMs} ms.`,
  };
}

export function unexpectedResponse(operation: string, status: number, message: string): CoderApiError {
  return { kind: 'unexpected_response', status, operation, message };
}

export function tasksUnsupportedError(operation: string, version: string): CoderApiError {
  return {
    kind: 'tasks_unsupported',
    operation,
    version,
    message:
      `Coder ${version} does not offer the Tasks API (it exists in 2.27 up to 2.36; ` +
      `2.37+ only with the Extended Support Release). Workspace and template calls still work.`,
  };
}

export function chatsUnsupportedError(operation: string, version: string): CoderApiError {
  return {
    kind: 'chats_unsupported',
    operation,
    version,
    message: `Coder ${version} does not offer the Chats API (Coder Agents: /api/experimental from 2.32, /api/v2 from 2.37).`,
  };
}

/** Secrets shorter than this are not scrubbed (it would mangle text; real tokens are 33 chars). */
const MIN_REDACT_LENGTH = 8;

/** Removes every occurrence of `secret` from the string fields of an error (belt and braces). */
export function redactError(error: CoderApiError, secret: string): CoderApiError {
  if (secret.length < MIN_REDACT_LENGTH) return error;
  const scrub = (s: string): string => s.split(secret).join('REDACTED');
  const out: CoderApiError = { ...error, message: scrub(error.message), operation: scrub(error.operation) };
  if (error.detail !== undefined) out.detail = scrub(error.detail);
  if (error.validations) out.validations = error.validations.map((v) => ({ field: scrub(v.field), detail: scrub(v.detail) }));
  return out;
}

function fallbackMessage(status: number, statusText: string): string {
  return `Coder answered HTTP ${status}${statusText ? ` ${statusText}` : ''}.`;
}

function textSnippet(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined;
  const text = body.replace(/\s+/g, ' ').trim();
  if (!text) return undefined;
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS)}…` : text;
}

function describeThrown(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = cause.cause instanceof Error ? ` (${cause.cause.message})` : '';
    return `${cause.message}${inner}`;
  }
  return String(cause);
}
