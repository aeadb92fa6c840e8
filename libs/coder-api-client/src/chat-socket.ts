/**
 * WebSocket readers for Coder's chat streams (Node 20 has no global WebSocket, so this uses `ws`):
 *
 * - `openChatWatch`: `GET {chats}/watch`, one `ChatWatchEvent` per frame, for the token owner's chats.
 * - `openChatStream`: `GET {chats}/{chat}/stream`, arrays of `ChatStreamEvent`; after a reconnect it asks
 *   only for messages after the last one it saw (`after_id`).
 *
 * Both reconnect with capped exponential back-off and jitter, report their health through `onStatus`
 * (connecting, connected, reconnecting, auth_failed, failed, closed), detect a stalled connection with
 * their own pings, tolerate the older `{type: ping|data|error, data}` frame wrapper as well as bare
 * objects and arrays, and close cleanly. They never throw to the caller and never log the token.
 */
import WebSocket from 'ws';
import type { IncomingMessage } from 'node:http';
import { isRecord } from './guards.js';
import { normalizeBaseUrl, SESSION_TOKEN_HEADER } from './http.js';
import { backoffDelayMs, DEFAULT_RETRY } from './retry.js';
import type { ChatSocket, ChatSocketStatus, ChatSocketTuning } from './types.js';
import type { ChatStreamEvent, ChatWatchEvent } from './wire.js';

export type { ChatSocket, ChatSocketStatus, ChatSocketTuning } from './types.js';

/** Where the chats routes live: fixed, or resolved before each connection attempt (e.g. from buildinfo). */
export type ChatsBasePath = '/api/v2/chats' | '/api/experimental/chats';
export type BasePathResolution = { ok: true; value: ChatsBasePath } | { ok: false; reason: string; final?: ChatSocketStatus };

export interface ChatSocketOptions extends ChatSocketTuning {
  /** Coder origin (a trailing `/` or `/api/v2` is tolerated). */
  baseUrl: string;
  sessionToken: string;
  /** `/api/v2/chats` (2.37+) or `/api/experimental/chats` (2.32–2.36), or a resolver run before each attempt. */
  chatsBasePath: ChatsBasePath | (() => Promise<BasePathResolution>);
  onStatus?: (status: ChatSocketStatus) => void;
  /** A frame that could not be used (not JSON, unknown shape, an error frame): reported, then skipped. */
  onProblem?: (problem: string) => void;
  userAgent?: string;
}

const MAX_PAYLOAD = 16 * 1024 * 1024;
const CLOSE_GRACE_MS = 2000;
const REASON_CHARS = 200;

/** A decoded frame: the values it carried, or a problem. `[]` for a keep-alive. */
type Decoded<T> = { ok: true; values: T[] } | { ok: false; problem: string };

/** Opens `GET {chats}/watch` and calls `onEvent` for every `ChatWatchEvent`. */
export function openChatWatch(options: ChatSocketOptions & { onEvent: (event: ChatWatchEvent) => void }): ChatSocket {
  return openResilientSocket(options, (base) => `${base}/watch`, (frame) => {
    const decoded = decodeFrame(frame, isWatchEvent, 'chat watch event');
    if (decoded.ok) for (const event of decoded.values) options.onEvent(event);
    return decoded;
  });
}

/**
 * Opens `GET {chats}/{chat}/stream` and calls `onEvents` with each batch of `ChatStreamEvent`s. On reconnect
 * it resumes after the highest message id seen (the server then re-sends status, queue and new messages).
 */
export function openChatStream(
  options: ChatSocketOptions & { chatId: string; afterId?: number; onEvents: (events: ChatStreamEvent[]) => void },
): ChatSocket {
  let afterId = options.afterId;
  const path = (base: ChatsBasePath) => {
    const stream = `${base}/${encodeURIComponent(options.chatId)}/stream`;
    return afterId === undefined ? stream : `${stream}?after_id=${afterId}`;
  };
  return openResilientSocket(options, path, (frame) => {
    const decoded = decodeFrame(frame, isStreamEvent, 'chat stream event');
    if (!decoded.ok || decoded.values.length === 0) return decoded;
    for (const event of decoded.values) {
      const id = event.message?.id;
      if (typeof id === 'number' && (afterId === undefined || id > afterId)) afterId = id;
    }
    options.onEvents(decoded.values);
    return decoded;
  });
}

/**
 * Tolerates the frame formats Coder has used: a bare object, a bare array of objects, and the older
 * `{type: "ping" | "data" | "error", data}` wrapper (≤ ~v2.33) around either.
 */
export function decodeFrame<T>(text: string, isValue: (v: unknown) => v is T, what: string): Decoded<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'a frame is not JSON' };
  }
  if (isRecord(parsed) && isWrapper(parsed)) {
    if (parsed['type'] === 'ping') return { ok: true, values: [] };
    if (parsed['type'] === 'error') return { ok: false, problem: `the server sent an error frame: ${describeErrorData(parsed['data'])}` };
    parsed = parsed['data'];
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  const values: T[] = [];
  for (const item of items) {
    if (!isValue(item)) return { ok: false, problem: `a frame holds something other than a ${what}` };
    values.push(item);
  }
  return { ok: true, values };
}

function isWrapper(value: Record<string, unknown>): boolean {
  const type = value['type'];
  return (type === 'ping' || type === 'data' || type === 'error') && !('chat_id' in value) && !('kind' in value);
}

function describeErrorData(data: unknown): string {
  if (isRecord(data) && typeof data['message'] === 'string') return data['message'].slice(0, REASON_CHARS);
  return typeof data === 'string' ? data.slice(0, REASON_CHARS) : 'no message';
}

function isWatchEvent(value: unknown): value is ChatWatchEvent {
  return isRecord(value) && typeof value['kind'] === 'string' && isRecord(value['chat']) && typeof value['chat']['id'] === 'string';
}

function isStreamEvent(value: unknown): value is ChatStreamEvent {
  return isRecord(value) && typeof value['type'] === 'string';
}

/** `https://coder.example.com` + `/api/v2/chats/watch` → `wss://coder.example.com/api/v2/chats/watch`. */
export function socketUrl(baseUrl: string, path: string): string {
  const url = new URL(`${normalizeBaseUrl(baseUrl)}${path}`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

function openResilientSocket(
  options: ChatSocketOptions,
  path: (base: ChatsBasePath) => string,
  onFrame: (text: string) => Decoded<unknown>,
): ChatSocket {
  const retry = {
    ...DEFAULT_RETRY,
    baseDelayMs: options.reconnect?.baseDelayMs ?? 500,
    maxDelayMs: options.reconnect?.maxDelayMs ?? 30_000,
  };
  const maxAttempts = options.reconnect?.maxAttempts ?? Number.POSITIVE_INFINITY;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const stableAfterMs = options.stableAfterMs ?? 10_000;
  const random = options.random ?? Math.random;
  const scrub = (text: string) => (options.sessionToken.length >= 8 ? text.split(options.sessionToken).join('REDACTED') : text);

  let current: ChatSocketStatus = { state: 'connecting', attempt: 0 };
  let socket: WebSocket | undefined;
  let failures = 0;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let closed: Promise<void> | undefined;

  const report = (status: ChatSocketStatus): void => {
    current = status;
    try {
      options.onStatus?.(status);
    } catch {
      // A throwing listener must not break the socket.
    }
  };
  const problem = (text: string): void => {
    try {
      options.onProblem?.(scrub(text));
    } catch {
      // idem
    }
  };
  const final = (status: ChatSocketStatus): void => {
    stopped = true;
    clearTimeout(retryTimer);
    report(status);
  };

  const resolveBase = async (): Promise<BasePathResolution> => {
    const base = options.chatsBasePath;
    if (typeof base === 'string') return { ok: true, value: base };
    try {
      return await base();
    } catch (error) {
      return { ok: false, reason: `could not resolve the chats routes: ${error instanceof Error ? error.message : String(error)}` };
    }
  };

  /** Back off and try again (a connection that lasted `stableAfterMs` starts the back-off afresh). */
  function retryLater(reason: string, openedAt?: number): void {
    if (openedAt !== undefined && Date.now() - openedAt >= stableAfterMs) failures = 0;
    failures += 1;
    if (failures > maxAttempts) {
      final({ state: 'failed', reason: scrub(`gave up after ${maxAttempts} attempts: ${reason}`) });
      return;
    }
    const delayMs = backoffDelayMs(failures - 1, retry, random);
    report({ state: 'reconnecting', attempt: failures, delayMs, reason: scrub(reason) });
    retryTimer = setTimeout(() => void connect(), delayMs);
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    report({ state: 'connecting', attempt: failures });
    const base = await resolveBase();
    if (stopped) return;
    if (!base.ok) {
      if (base.final) final(base.final);
      else retryLater(base.reason);
      return;
    }
    const headers: Record<string, string> = { [SESSION_TOKEN_HEADER]: options.sessionToken };
    if (options.userAgent) headers['User-Agent'] = options.userAgent;
    const ws = new WebSocket(socketUrl(options.baseUrl, path(base.value)), { headers, maxPayload: MAX_PAYLOAD, perMessageDeflate: false });
    socket = ws;
    let openedAt: number | undefined;
    let alive = true;
    let settled = false;

    // Settles this connection once: a handshake refusal, an error or a close, whichever comes first.
    const settle = (reason: string, refusal?: { status: number; message: string }): void => {
      if (settled) return;
      settled = true;
      clearInterval(heartbeat);
      if (socket === ws) socket = undefined;
      if (stopped) return;
      if (refusal && (refusal.status === 401 || refusal.status === 403)) {
        final({ state: 'auth_failed', status: refusal.status, reason: scrub(refusal.message) });
        return;
      }
      if (refusal && refusal.status >= 400 && refusal.status < 500 && refusal.status !== 408 && refusal.status !== 429) {
        final({ state: 'failed', status: refusal.status, reason: scrub(refusal.message) });
        return;
      }
      retryLater(reason, openedAt);
    };

    // A refused handshake (401, 403, 404, 5xx …): read Coder's message, then drop the request.
    ws.on('unexpected-response', (_request, response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      void readReason(response)
        .catch(() => response.statusMessage || 'refused')
        .then((message) => {
          settle(`HTTP ${status}: ${message}`, { status, message });
          ws.terminate();
        });
    });
    ws.on('open', () => {
      openedAt = Date.now();
      if (stopped) {
        ws.close(1000);
        return;
      }
      report({ state: 'connected' });
      heartbeat = setInterval(() => {
        if (!alive) {
          ws.terminate(); // nothing since the last ping: a stalled connection
          return;
        }
        alive = false;
        ws.ping();
      }, heartbeatMs);
    });
    const activity = (): void => {
      alive = true;
    };
    ws.on('pong', activity);
    ws.on('ping', activity);
    ws.on('message', (data, isBinary) => {
      activity();
      if (isBinary) {
        problem('a binary frame was skipped');
        return;
      }
      const decoded = safely(() => onFrame(data.toString()));
      if (!decoded.ok) problem(decoded.problem);
    });
    ws.on('error', (error) => settle(`connection error: ${error.message}`));
    ws.on('close', (code, reason) => settle(`closed (${code}${reason.length > 0 ? ` ${reason.toString().slice(0, REASON_CHARS)}` : ''})`));
  }

  /** A caller's handler that throws is reported as a problem, not a dropped connection. */
  function safely(run: () => Decoded<unknown>): Decoded<unknown> {
    try {
      return run();
    } catch (error) {
      return { ok: false, problem: `a frame handler threw: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  void connect();

  return {
    status: () => current,
    close() {
      closed ??= new Promise<void>((resolve) => {
        stopped = true;
        clearTimeout(retryTimer);
        clearInterval(heartbeat);
        const ws = socket;
        const done = (): void => {
          report({ state: 'closed' });
          resolve();
        };
        if (!ws || ws.readyState === WebSocket.CLOSED) {
          done();
          return;
        }
        const force = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
        ws.once('close', () => {
          clearTimeout(force);
          done();
        });
        if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
        else ws.close(1000, 'client closing');
      });
      return closed;
    },
  };
}

/** Coder's `{message}` from a refused handshake (bounded), or the status text. */
async function readReason(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > 64 * 1024) break;
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    const body: unknown = JSON.parse(text);
    if (isRecord(body) && typeof body['message'] === 'string') {
      const detail = typeof body['detail'] === 'string' && body['detail'] ? ` (${body['detail']})` : '';
      return `${body['message']}${detail}`.slice(0, REASON_CHARS);
    }
  } catch {
    // not JSON
  }
  return (text.trim() || response.statusMessage || 'refused').slice(0, REASON_CHARS);
}
