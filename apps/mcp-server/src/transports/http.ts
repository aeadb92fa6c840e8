/**
 * Streamable HTTP transport (plain node:http + the SDK's StreamableHTTPServerTransport).
 *
 *   POST/GET/DELETE /mcp   MCP sessions: one McpServer (createServer) per session, one shared runtime
 *                          (per Coder token in coder-token mode, all sharing one FR-015 mutation journal),
 *                          SSE for push, resumable via a per-session bounded event store (Last-Event-ID).
 *   GET /healthz           liveness; no auth, no secrets.
 *   GET /readyz            Coder reachable + token valid + Tasks or Chats API + watch socket accepted (cached briefly); no auth, no secrets.
 *
 * Every /mcp request passes, in order: drain check → Host/Origin (DNS rebinding, 403) → bearer auth (401)
 * → session lookup (404, bound to the authenticated principal) → per-session rate limit (429) → body
 * limit (413) → the SDK transport. An initialize request may narrow its own session's tools with
 * X-Fleet-Read-Only / X-Fleet-Disable-Destructive / X-Fleet-Toolsets (security/session-narrowing.ts).
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { createCoderClient } from '@org/coder-api-client';
import { systemClock, type Clock } from '../clock.js';
import type { CoderClient } from '../coder.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { createFleetRuntime, stopRuntime, type FleetRuntime } from '../runtime/fleet-runtime.js';
import { auditingFetch } from '../runtime/mutation-audit.js';
import { createStoreMutationJournal, type MutationJournal } from '../runtime/mutation-journal.js';
import { memoryStoreHandle, type StoreHandle } from '../runtime/store-handle.js';
import { createServer, type CreateServerOptions, type FleetServer } from '../server.js';
import { VERSION } from '../version.js';
import {
  createCoderTokenVerifier,
  createStaticTokenCheck,
  parseBearer,
  resolveAuthMode,
  tokenFileModeWarning,
  wwwAuthenticate,
  type AuthError,
  type Principal,
} from '../security/auth.js';
import { checkHost, checkOrigin, hostPolicy, isLoopbackHost } from '../security/host-check.js';
import { clientAddress, parseTrustedProxies } from '../security/client-address.js';
import { NARROWING_HEADERS, narrowForSession } from '../security/session-narrowing.js';
import { ALL_TOOLS } from '../tools/index.js';
import { createEventStore, createReplayBudget, type BoundedEventStore, type ReplayBudget } from './event-store.js';
import { createRateLimiter } from './rate-limit.js';
import { createReadiness } from './readiness.js';

export const MCP_PATH = '/mcp';

export interface HttpServerOptions {
  config: Config;
  /** The server's own Coder client (all sessions in none/bearer mode; /readyz always). */
  coder: CoderClient;
  log: Logger;
  /** The tools' clock (tests: the simulator's manual clock). */
  clock?: Clock;
  /** Wall time in ms for rate limits, token cache and idle sessions (injectable for tests). */
  now?: () => number;
  /** Runtime shared by every session in none/bearer mode (created when absent). */
  runtime?: FleetRuntime;
  /**
   * The FR-015 mutation journal shared by EVERY runtime of this server (the shared one and each Coder
   * token's), so conflicts are noticed across callers. Default: `runtime.mutations`, else a new one.
   */
  mutations?: MutationJournal;
  /** The process's durable store, shared by every runtime of this server. Default: `runtime.store`, else in-memory. */
  store?: StoreHandle;
  /** coder-token mode: the Coder client for a caller's token (default: createCoderClient with the config). */
  coderClientFor?: (token: string) => CoderClient;
  /** Builds one session's MCP server (default: createServer). */
  createFleet?: (options: CreateServerOptions) => FleetServer;
  /** Events kept per session for resumability (default 1000; bytes: config.replaySessionBytes / replayTotalBytes). */
  eventStoreMaxEvents?: number;
  /** SSE keep-alive interval (default 15000). */
  keepAliveMs?: number;
  /** Sessions without any request for this long are closed (default 30 min). */
  sessionIdleMs?: number;
  /** How long a /readyz result and a verified Coder token are reused (default 5 s / 60 s). */
  readinessTtlMs?: number;
  coderTokenTtlMs?: number;
}

export interface HttpSessionView {
  id: string;
  principal: Principal;
  fleet: FleetServer;
}

export interface HttpServerHandle {
  /** `http://host:port` */
  url: string;
  /** `http://host:port/mcp` */
  mcpUrl: string;
  port: number;
  sessionCount(): number;
  /** The replay (event store) byte budget shared by every session. */
  replay: ReplayBudget;
  session(id: string): HttpSessionView | undefined;
  /** Requests (MCP POSTs) being processed now. */
  inFlight(): number;
  /** Stop accepting, let in-flight calls finish (at most `drainMs`, default config.shutdownDrainMs), close every session. */
  close(options?: { drainMs?: number }): Promise<void>;
}

interface CallerContext {
  coder: CoderClient;
  runtime: FleetRuntime;
}

interface Session extends HttpSessionView {
  transport: StreamableHTTPServerTransport;
  events: BoundedEventStore;
  lastSeen: number;
}

export interface StartupCheck {
  errors: string[];
  warnings: string[];
}

/** Refuses unsafe combinations before anything listens. */
export function checkHttpStartup(config: Config, tokenFileMode?: (path: string) => number | undefined): StartupCheck {
  const errors: string[] = [];
  const warnings: string[] = [];
  const mode = resolveAuthMode(config);
  if (mode === 'none' && !isLoopbackHost(config.host))
    errors.push(
      `Refusing to bind ${config.host} without authentication: set FLEET_MCP_AUTH_TOKEN (or --auth-token-file), or use --auth-mode coder-token, or bind --host 127.0.0.1.`,
    );
  if (mode === 'none' && config.authToken) warnings.push('--auth-mode none is set although an auth token is configured: the token is ignored.');
  if (config.authTokenFile && mode === 'bearer') {
    const fileMode = tokenFileMode?.(config.authTokenFile);
    const warning = fileMode === undefined ? undefined : tokenFileModeWarning(config.authTokenFile, fileMode);
    if (warning) warnings.push(warning);
  }
  if (!isLoopbackHost(config.host) && config.allowedHosts.length === 0)
    warnings.push(`Bound to ${config.host}: only loopback Host headers are accepted until you list your public hostnames with --allowed-hosts.`);
  // A refused start logs only why it is refused (D9: "Bound to 0.0.0.0" was logged before the refusal).
  return { errors, warnings: errors.length > 0 ? [] : warnings };
}

const jsonRpcError = (code: number, message: string) => ({ jsonrpc: '2.0', error: { code, message }, id: null });

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

type BodyRead = { ok: true; text: string } | { ok: false; tooLarge: true } | { ok: false; aborted: true };

async function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return { ok: false, tooLarge: true };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        req.resume();
        return { ok: false, tooLarge: true };
      }
      chunks.push(chunk);
    }
  } catch {
    // The client went away mid-body (reset, abort): nothing to answer, nothing to report.
    return { ok: false, aborted: true };
  }
  if (req.readableAborted) return { ok: false, aborted: true };
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}

/** The ids of the JSON-RPC requests in a body (single message or batch). */
function requestIds(body: unknown): (string | number)[] {
  const ids: (string | number)[] = [];
  for (const m of Array.isArray(body) ? body : [body]) {
    if (typeof m !== 'object' || m === null || !('method' in m) || !('id' in m)) continue;
    const id = (m as { id: unknown }).id;
    if (typeof id === 'string' || typeof id === 'number') ids.push(id);
  }
  return ids;
}

const isClientAbort = (error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'EPIPE' || (error as Error | null)?.message === 'aborted';
};

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServerHandle> {
  const { config, log } = options;
  const clock = options.clock ?? systemClock;
  const now = options.now ?? (() => Date.now());
  const createFleet = options.createFleet ?? createServer;
  const authMode = resolveAuthMode(config);
  const startup = checkHttpStartup(config);
  if (startup.errors.length > 0) throw new Error(startup.errors.join('\n'));

  const trusted = parseTrustedProxies(config.trustedProxies);
  if (!trusted.ok) throw new Error(trusted.errors.join('\n'));
  const proxies = trusted.proxies;
  const replay = createReplayBudget({ maxBytes: config.replayTotalBytes });
  const policy = hostPolicy(config.host, config.allowedHosts, config.allowedOrigins);
  const limiter = createRateLimiter({ perMinute: config.rateLimitPerMinute, burst: config.rateLimitBurst, now });
  // One journal for the whole process: per-token runtimes must see each other's mutations (FR-015).
  const store = options.store ?? options.runtime?.store ?? memoryStoreHandle(clock, log);
  const mutations = options.mutations ?? options.runtime?.mutations ?? createStoreMutationJournal({ store, clock, windowMs: config.conflictWindowMs });
  const shared: CallerContext = { coder: options.coder, runtime: options.runtime ?? createFleetRuntime({ coder: options.coder, clock, config, log, mutations, store }) };
  const { leadership, background, sampler, dispatcher } = shared.runtime;
  const readiness = createReadiness({
    coder: options.coder,
    now,
    ttlMs: options.readinessTtlMs,
    timeoutMs: Math.min(config.requestTimeoutMs, 10_000),
    watchSocket: () => shared.runtime.watch.health().socket,
  });
  const staticCheck = config.authToken && authMode === 'bearer' ? createStaticTokenCheck(config.authToken) : undefined;
  const coderClientFor =
    options.coderClientFor ??
    ((token: string) => createCoderClient({ baseUrl: config.coderUrl, sessionToken: token, timeoutMs: config.requestTimeoutMs, userAgent: `coder-fleet-mcp/${VERSION}`, fetch: auditingFetch }));
  const coderTokens = createCoderTokenVerifier<CallerContext>({
    now,
    ttlMs: options.coderTokenTtlMs,
    whoAmI: (token) => coderClientFor(token).getMe({ signal: AbortSignal.timeout(Math.min(config.requestTimeoutMs, 10_000)) }),
    makeContext: (token) => {
      const coder = coderClientFor(token);
      return { coder, runtime: createFleetRuntime({ coder, clock, config, log, mutations, store, leadership, background, sampler, dispatcher, durableWatcher: false }) };
    },
  });

  const sessions = new Map<string, Session>();
  let pendingSessions = 0;
  let inFlight = 0;
  let draining = false;
  const idleWaiters = new Set<() => void>();
  const sessionIdleMs = options.sessionIdleMs ?? 30 * 60_000;

  const fail401 = (res: ServerResponse, error: AuthError) =>
    send(res, 401, { error: error.code, error_description: error.message }, { 'WWW-Authenticate': wwwAuthenticate(error) });

  type Authenticated = { principal: Principal; context: CallerContext };
  async function authenticate(req: IncomingMessage, res: ServerResponse): Promise<Authenticated | undefined> {
    if (authMode === 'none') return { principal: { id: 'anonymous' }, context: shared };
    const bearer = parseBearer(header(req, 'authorization'));
    if (!bearer.ok) {
      fail401(res, bearer.error);
      return undefined;
    }
    if (authMode === 'bearer') {
      if (staticCheck?.(bearer.token)) return { principal: { id: 'bearer' }, context: shared };
      fail401(res, { code: 'invalid_token', message: 'The bearer token is not valid for this server.' });
      return undefined;
    }
    const checked = await coderTokens.verify(bearer.token);
    if (checked.ok) return { principal: checked.principal, context: checked.context };
    if (checked.kind === 'invalid') fail401(res, checked.error);
    else send(res, 503, jsonRpcError(-32000, checked.message), { 'Retry-After': '5' });
    return undefined;
  }

  async function closeSession(id: string, reason: string): Promise<void> {
    const s = sessions.get(id);
    if (!s) return;
    sessions.delete(id);
    limiter.forget(`s:${id}`);
    s.events.dispose();
    log.info('session closed', { session: id.slice(0, 8), principal: s.principal.id, reason, sessions: sessions.size });
    await s.fleet.close().catch((error: unknown) => log.warn('closing a session failed', { error }));
  }

  async function openSession(req: IncomingMessage, res: ServerResponse, body: unknown, caller: Authenticated): Promise<void> {
    if (sessions.size + pendingSessions >= config.maxSessions) {
      send(res, 503, jsonRpcError(-32000, `Too many sessions (${config.maxSessions}, --max-sessions): close idle sessions or retry later.`), { 'Retry-After': '10' });
      return;
    }
    const narrowed = narrowForSession(config, ALL_TOOLS, (name) => header(req, name));
    if (!narrowed.ok) return send(res, 400, jsonRpcError(-32602, narrowed.message));
    const id = randomUUID();
    const events = createEventStore({ maxEvents: options.eventStoreMaxEvents ?? 1000, maxBytes: config.replaySessionBytes, budget: replay });
    const fleet = createFleet({
      coder: caller.context.coder,
      clock,
      config: narrowed.config,
      log,
      runtime: caller.context.runtime,
      session: { id, principal: caller.principal.user ? `coder:${caller.principal.user}` : `http:${caller.principal.id}` },
      ...(narrowed.narrowed ? { tools: narrowed.tools } : {}),
    });
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => id,
      eventStore: events,
      ...(options.keepAliveMs !== undefined ? { keepAliveMs: options.keepAliveMs } : {}),
      onsessioninitialized: () => {
        sessions.set(id, session);
        log.info('session opened', { session: id.slice(0, 8), principal: caller.principal.id, user: caller.principal.user, sessions: sessions.size });
      },
      onsessionclosed: () => void closeSession(id, 'client ended the session'),
    });
    const session: Session = { id, principal: caller.principal, fleet, transport, events, lastSeen: now() };
    transport.onclose = () => void closeSession(id, 'transport closed');
    transport.onerror = (error) => log.debug('transport error', { session: id.slice(0, 8), error: error.message });
    pendingSessions++;
    try {
      await fleet.server.connect(transport);
      await track(res, () => transport.handleRequest(req, res, body), () => events.delivered(requestIds(body)));
    } finally {
      pendingSessions--;
      if (!sessions.has(id)) {
        events.dispose();
        await fleet.close().catch(() => undefined);
      }
    }
  }

  /** Runs one MCP POST; `onDelivered` when its response was written out completely (not on a client abort). */
  async function track(res: ServerResponse, run: () => Promise<void>, onDelivered?: () => void): Promise<void> {
    if (onDelivered) res.once('finish', onDelivered);
    inFlight++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inFlight--;
      if (inFlight === 0) for (const w of [...idleWaiters]) w();
    };
    res.once('close', finish);
    try {
      await run();
    } finally {
      if (res.writableEnded) finish();
    }
  }

  /** Spends `cost` rate-limit tokens for `key`, or answers 429 and returns false. */
  function spend(res: ServerResponse, key: string, cost: number, batch?: number): boolean {
    const limited: ReturnType<typeof limiter.take> =
      batch !== undefined && config.rateLimitPerMinute > 0 && batch > config.rateLimitBurst ? { ok: false, retryAfterMs: 0, tooLarge: true } : limiter.take(key, cost);
    if (limited.ok) return true;
    const seconds = Math.max(1, Math.ceil(limited.retryAfterMs / 1000));
    const rule = `at most ${config.rateLimitPerMinute} JSON-RPC messages per minute per session (burst ${config.rateLimitBurst}), each message of a batch counting`;
    const message = limited.tooLarge
      ? `Batch refused: its ${batch ?? cost} messages exceed the rate-limit burst of ${config.rateLimitBurst}. Send fewer messages per request (${rule}).`
      : `Rate limit exceeded: ${rule}. Retry after ${seconds} s.`;
    send(res, 429, jsonRpcError(limited.tooLarge ? -32600 : -32000, message), { 'Retry-After': String(seconds) });
    return false;
  }

  async function handleMcp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const hostOk = checkHost(header(req, 'host'), policy);
    if (!hostOk.ok) return send(res, 403, jsonRpcError(-32000, hostOk.message));
    const originOk = checkOrigin(header(req, 'origin'), policy);
    if (!originOk.ok) return send(res, 403, jsonRpcError(-32000, originOk.message));
    const method = req.method ?? 'GET';
    // CORS for browser clients on an allowed Origin (e.g. the MCP Inspector on localhost): the Origin was checked above.
    const origin = header(req, 'origin');
    if (origin !== undefined) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', 'Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate, Retry-After');
      res.setHeader('Vary', 'Origin');
    }
    if (method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, POST, DELETE',
        'Access-Control-Allow-Headers': `Authorization, Content-Type, Accept, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID, ${Object.values(NARROWING_HEADERS).join(', ')}`,
        'Access-Control-Max-Age': '600',
      });
      return void res.end();
    }
    if (method !== 'POST' && method !== 'GET' && method !== 'DELETE') return send(res, 405, jsonRpcError(-32000, 'Method not allowed.'), { Allow: 'GET, POST, DELETE, OPTIONS' });

    const caller = await authenticate(req, res);
    if (!caller) return;

    const sessionId = header(req, 'mcp-session-id');
    const session = sessionId ? sessions.get(sessionId) : undefined;
    // A session is bound to who opened it: another principal gets the same answer as an unknown id.
    if (sessionId && (!session || session.principal.id !== caller.principal.id))
      return send(res, 404, jsonRpcError(-32001, 'Session not found: it expired or was closed. Start a new session (initialize).'));

    // Before a session exists: one bucket per principal and client (a trusted proxy's X-Forwarded-For names
    // the client), so one noisy client behind the proxy does not lock everyone out (D7); and within it,
    // requests that cannot open a session pay from a bucket of their own, so a flood of them never locks
    // out an initialize (http-abuse.mjs: 80 bad session-less POSTs, then a 429 for a legitimate initialize).
    const clientKey = `a:${caller.principal.id}:${clientAddress(req.socket.remoteAddress, header(req, 'x-forwarded-for'), proxies)}`;
    // With a session: one token per request now; a batch pays for its other messages once its body is read (D4).
    const limitKey = session ? `s:${session.id}` : `${clientKey}:init`; // closeSession forgets `s:<id>`
    if (session && !spend(res, limitKey, 1)) return;
    if (session) session.lastSeen = now();

    if (method !== 'POST') {
      if (!session) {
        if (!spend(res, `${clientKey}:other`, 1)) return;
        return send(res, 400, jsonRpcError(-32000, 'Bad Request: send the mcp-session-id header of an initialized session.'));
      }
      return session.transport.handleRequest(req, res);
    }

    const read = await readBody(req, config.maxBodyBytes);
    if (!read.ok && 'aborted' in read) return void log.debug('client aborted its request body', { session: sessionId?.slice(0, 8) });
    if (!read.ok) return send(res, 413, jsonRpcError(-32600, `Request body too large: the limit is ${config.maxBodyBytes} bytes (--max-body-bytes).`), { Connection: 'close' });
    let body: unknown;
    try {
      body = JSON.parse(read.text);
    } catch {
      return send(res, 400, jsonRpcError(-32700, 'Parse error: the body is not valid JSON.'));
    }
    if (session) {
      if (Array.isArray(body) && body.length > 1 && !spend(res, limitKey, body.length - 1, body.length)) return;
      return track(res, () => session.transport.handleRequest(req, res, body), () => session.events.delivered(requestIds(body)));
    }
    const initializing = Array.isArray(body) ? body.some((m) => isInitializeRequest(m)) : isInitializeRequest(body);
    const messages = Array.isArray(body) ? body.length : 1;
    if (!spend(res, initializing ? limitKey : `${clientKey}:other`, messages, Array.isArray(body) ? messages : undefined)) return;
    if (!initializing) return send(res, 400, jsonRpcError(-32000, 'Bad Request: no mcp-session-id header; start with an initialize request.'));
    return openSession(req, res, body, caller);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) return send(res, 200, { status: draining ? 'draining' : 'ok', version: VERSION });
    if (path === '/readyz' && (req.method === 'GET' || req.method === 'HEAD')) {
      if (draining) return send(res, 503, { ready: false, coder: 'draining' });
      const report = await readiness();
      return send(res, report.ready ? 200 : 503, report);
    }
    if (path !== MCP_PATH) return send(res, 404, { error: 'not_found', error_description: `Unknown path. MCP is served at ${MCP_PATH}.` });
    if (draining) return send(res, 503, jsonRpcError(-32000, 'The server is shutting down: reconnect shortly.'), { Connection: 'close', 'Retry-After': '5' });
    return handleMcp(req, res);
  }

  const server: Server = createHttpServer((req, res) => {
    const started = now();
    // Method, path, status and timing only: never headers (they carry tokens) or bodies.
    res.once('close', () =>
      log.debug('http request', { method: req.method, path: (req.url ?? '').split('?')[0], status: res.statusCode, ms: now() - started, session: header(req, 'mcp-session-id')?.slice(0, 8) }),
    );
    handle(req, res).catch((error: unknown) => {
      const path = (req.url ?? '').split('?')[0];
      // A client that hung up is not a server failure: one debug line, no stack (D9).
      if (req.destroyed || res.destroyed || isClientAbort(error)) return void log.debug('client went away', { method: req.method, path, reason: (error as Error)?.message });
      log.error('HTTP request failed', { error, method: req.method, path });
      send(res, 500, jsonRpcError(-32603, 'Internal error.'));
    });
  });
  // SSE streams are long-lived; the request itself (headers + body) still has to arrive promptly.
  server.requestTimeout = 60_000;
  server.headersTimeout = 30_000;

  const sweep = setInterval(() => {
    const cutoff = now() - sessionIdleMs;
    for (const s of sessions.values()) if (s.lastSeen < cutoff) void closeSession(s.id, 'idle');
  }, Math.min(sessionIdleMs, 60_000));
  sweep.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${hostForUrl}:${address.port}`;

  const waitIdle = (ms: number) =>
    new Promise<void>((resolve) => {
      if (inFlight === 0) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        idleWaiters.delete(done);
        resolve();
      }
      idleWaiters.add(done);
    });

  let closing: Promise<void> | undefined;
  return {
    url,
    mcpUrl: `${url}${MCP_PATH}`,
    port: address.port,
    sessionCount: () => sessions.size,
    replay,
    session: (id) => {
      const s = sessions.get(id);
      return s && { id: s.id, principal: s.principal, fleet: s.fleet };
    },
    inFlight: () => inFlight,
    close(closeOptions = {}) {
      closing ??= (async () => {
        draining = true;
        clearInterval(sweep);
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const drainMs = closeOptions.drainMs ?? config.shutdownDrainMs;
        if (inFlight > 0) log.info('draining in-flight requests', { inFlight, drainMs });
        await waitIdle(drainMs);
        if (inFlight > 0) log.warn('drain timeout: closing with requests still in flight', { inFlight });
        await Promise.all([...sessions.keys()].map((id) => closeSession(id, 'server shutdown')));
        server.closeAllConnections();
        await stopped;
        // Ours: hand the lease over at once (another replica takes over) and flush the journal before the store closes.
        if (!options.runtime) await stopRuntime(shared.runtime);
      })();
      return closing;
    },
  };
}
