import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleControl } from './api/control-routes.js';
import { coreRoutes } from './api/core-routes.js';
import { CoderHttpError, routeNotFound, type Route, type RouteContext, type SimRequest, type SimResponse } from './api/http.js';
import { taskRoutes } from './api/tasks-routes.js';
import { createManualClock, createRealClock, DEFAULT_START_TIME } from './clock.js';
import { findTaskRef, summarize, UnknownTaskError, type SimControl } from './control.js';
import { DEFAULT_STATUS_MESSAGES, Faults, type FaultRuleInit } from './faults.js';
import { Fleet, type UserInit } from './model/fleet.js';
import { populateScenario, type ScenarioName } from './model/scenario.js';
import type { Persona, SimUser } from './model/types.js';
import { createRng, uuid } from './util/prng.js';
import { VERSION_FEATURES, type CoderVersion } from './versions.js';

export interface CoderSimOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (random free port). */
  port?: number;
  /** Seeded fleet size (default 0: only users and templates). */
  agents?: number;
  seed?: number;
  scenario?: ScenarioName;
  /** Default '2.36'. */
  coderVersion?: CoderVersion;
  /** Admin session token (default 'sim-admin-token'). */
  token?: string;
  adminUsername?: string;
  /** Extra users; members get token `sim-<username>-token` unless given. */
  users?: UserInit[];
  /** New tasks per simulated hour (default 20 for the `busy` scenario, else 0). */
  arrivalsPerHour?: number;
  /** Scenario members to create (alice, bob, carol, dave, erin; default 4). */
  members?: number;
  /** 'manual' (default; tests step time with control.advance) or 'real' (demos). */
  clock?: 'manual' | 'real';
  /** Manual clock start (default 2026-03-10T09:00:00Z). */
  startTime?: number | string | Date;
  /** Real clock: lifecycle tick interval (default 1000 ms). */
  tickMs?: number;
  /** Real clock: time acceleration for demos (default 1; 10 = ten simulated seconds per second). */
  speed?: number;
  /** Fault rules active from the start (same shape as control.faults.add). */
  faults?: FaultRuleInit[];
  /** Timestamp offsets in minutes, alternated (default [60, 0]: "+01:00" and "+00:00"). */
  utcOffsets?: number[];
  /** Enforce a per-token rate limit from the start. */
  rateLimit?: { limit: number; windowMs?: number };
  /** Added latency for every API request from the start. */
  latencyMs?: number;
  /** Pause/resume body shape: `{workspace_build}` (default) or the older SDK's `{workspace_build_id}`. */
  pauseResponse?: 'workspace_build' | 'workspace_build_id';
  /** buildinfo external_url/dashboard_url (default: the listening URL); fix it for stable recordings. */
  externalUrl?: string;
  /** One line per request (method, route template, status, ms) — never tokens. Default: silent. */
  log?: (line: string) => void;
}

export interface CoderSim {
  /** `http://127.0.0.1:PORT` (no trailing slash): the Coder base URL. */
  url: string;
  /** The admin session token. */
  token: string;
  stop(): Promise<void>;
  control: SimControl;
}

const DEFAULT_RATE_LIMIT = 512;
const MAX_BODY = 1024 * 1024;

interface CompiledRoute extends Route {
  pattern: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.template.replace(/[.]/g, '\\.').replace(/\{([^}]+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { ...route, pattern: new RegExp(`^${source}/?$`), names };
}

function tokenFrom(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers['coder-session-token'];
  if (typeof header === 'string' && header !== '') return header;
  const cookie = req.headers.cookie?.split(';').map((c) => c.trim()).find((c) => c.startsWith('coder_session_token='));
  if (cookie) return cookie.slice('coder_session_token='.length);
  return url.searchParams.get('coder_session_token') ?? undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function resolveStart(start: CoderSimOptions['startTime']): number {
  if (start === undefined) return DEFAULT_START_TIME;
  const ms = start instanceof Date ? start.getTime() : typeof start === 'number' ? start : Date.parse(start);
  if (!Number.isFinite(ms)) throw new RangeError(`invalid startTime ${String(start)}`);
  return ms;
}

/** Start a simulated Coder deployment on node:http. */
export async function startCoderSim(options: CoderSimOptions = {}): Promise<CoderSim> {
  const token = options.token ?? 'sim-admin-token';
  const seed = options.seed ?? 1;
  const clock = options.clock === 'real' ? createRealClock(options.speed ?? 1) : createManualClock(resolveStart(options.startTime));
  const fleet = new Fleet({
    seed,
    clock,
    adminToken: token,
    ...(options.adminUsername ? { adminUsername: options.adminUsername } : {}),
    ...(options.users ? { users: options.users } : {}),
    ...(options.utcOffsets ? { utcOffsets: options.utcOffsets } : {}),
  });
  populateScenario(fleet, {
    agents: options.agents ?? 0,
    scenario: options.scenario ?? 'mixed',
    seed,
    ...(options.members !== undefined ? { members: options.members } : {}),
    ...(options.arrivalsPerHour !== undefined ? { arrivalsPerHour: options.arrivalsPerHour } : {}),
  });

  let version: CoderVersion = options.coderVersion ?? '2.36';
  const faults = new Faults();
  if (options.rateLimit) faults.rateLimit(options.rateLimit.limit, options.rateLimit.windowMs);
  if (options.latencyMs) faults.latency(options.latencyMs);
  for (const rule of options.faults ?? []) faults.add(rule);
  const counters = new Map<string, number>();
  const windows = new Map<string, { start: number; count: number }>();
  const routes = [...taskRoutes(), ...coreRoutes()].map(compile);
  const deploymentId = uuid(createRng(seed ^ 0xdead));
  // Request ids are seeded too, so re-recording against the simulator gives identical headers.
  const requestIds = createRng(seed ^ 0xbeef);
  const log = options.log;
  let baseUrl = '';

  const control: SimControl = {
    fleet,
    now: () => clock.now(),
    advance(ms: number) {
      clock.advance(ms);
      fleet.advanceTo(clock.now());
    },
    counters: () => Object.fromEntries([...counters.entries()].sort(([a], [b]) => a.localeCompare(b))),
    resetCounters: () => counters.clear(),
    faults,
    transitions: (since) => fleet.transitions(since),
    coderVersion: () => version,
    setCoderVersion(v) {
      version = v;
    },
    addUser(init) {
      const user = fleet.addUser(init);
      return { id: user.id, username: user.username, role: user.role, token: user.token };
    },
    tasks: () => fleet.liveTasks().map((t) => summarize(fleet, t)),
    task(ref) {
      try {
        return summarize(fleet, findTaskRef(fleet, ref));
      } catch (error) {
        if (error instanceof UnknownTaskError) return undefined;
        throw error;
      }
    },
    createTask(init) {
      const owner = init.owner ? fleet.users.find((u) => u.username === init.owner?.toLowerCase()) : fleet.users[0];
      if (!owner) throw new UnknownTaskError(`unknown owner "${init.owner ?? ''}"`);
      const template = fleet.templateByName(init.template ?? 'python-dev');
      if (!template) throw new UnknownTaskError(`unknown template "${init.template ?? ''}"`);
      const version = fleet.versions.get(template.activeVersionId);
      const preset = init.preset ? version?.presets.find((p) => p.name.toLowerCase() === init.preset?.toLowerCase()) : undefined;
      if (init.name && fleet.nameTaken(owner.id, init.name.toLowerCase())) throw new UnknownTaskError(`task "${owner.username}/${init.name}" already exists`);
      const task = fleet.createTask({
        ownerId: owner.id,
        templateVersionId: template.activeVersionId,
        presetId: preset?.id ?? null,
        input: init.input,
        ...(init.name ? { name: init.name.toLowerCase() } : {}),
        ...(init.persona ? { persona: init.persona as Persona } : {}),
      });
      return summarize(fleet, task);
    },
    setAgentState: (ref, state, opts) => fleet.setAgentState(findTaskRef(fleet, ref), state, opts),
    failWorkspace: (ref, error) => fleet.failWorkspace(findTaskRef(fleet, ref), error),
    cancelBuild: (ref) => fleet.cancelBuild(findTaskRef(fleet, ref)),
    disconnectAgent: (ref, reason) => void fleet.disconnectAgent(findTaskRef(fleet, ref), reason),
    reconnectAgent: (ref) => void fleet.reconnectAgent(findTaskRef(fleet, ref)),
  };

  function rateHeaders(key: string): { headers: Record<string, string>; limited: boolean; retryAfter: number } {
    const config = faults.rateLimitConfig;
    const limit = config?.limit ?? DEFAULT_RATE_LIMIT;
    const windowMs = config?.windowMs ?? 60_000;
    const now = clock.now();
    let w = windows.get(key);
    if (!w || now >= w.start + windowMs) {
      w = { start: now - (now % windowMs), count: 0 };
      windows.set(key, w);
    }
    w.count++;
    const resetMs = w.start + windowMs;
    const limited = config !== null && w.count > limit;
    return {
      headers: {
        'X-Ratelimit-Limit': String(limit),
        'X-Ratelimit-Remaining': String(Math.max(0, limit - w.count)),
        'X-Ratelimit-Reset': String(Math.ceil(resetMs / 1000)),
      },
      limited,
      retryAfter: Math.max(1, Math.ceil((resetMs - now) / 1000)),
    };
  }

  function send(res: ServerResponse, result: SimResponse, extra: Record<string, string>, malformed = false): void {
    const headers: Record<string, string> = {
      'X-Coder-Build-Version': VERSION_FEATURES[version].full,
      'X-Coder-Request-Id': uuid(requestIds),
      'X-Content-Type-Options': 'nosniff',
      ...extra,
      ...result.headers,
    };
    let body = result.raw ?? (result.body === undefined ? undefined : JSON.stringify(result.body));
    if (malformed) body = body === undefined ? '{"message":' : body.slice(0, Math.max(1, Math.floor(body.length / 2)));
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json; charset=utf-8';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    res.writeHead(result.status, headers);
    res.end(body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const token = tokenFrom(req, url);
    const user: SimUser | null = token ? (fleet.userByToken(token) ?? null) : null;
    const rawBody = method === 'GET' || method === 'HEAD' ? '' : await readBody(req);
    const simReq: SimRequest = { method, path, query: url.searchParams, headers: req.headers, params: {}, rawBody, user };

    if (path.startsWith('/__sim/') || path === '/__sim') {
      const result = !user || user.role !== 'admin' ? { status: 401, body: { message: 'The simulator control API needs the admin token.' } } : runSafely(() => handleControl(simReq, control));
      send(res, result, {});
      return;
    }

    let route: CompiledRoute | undefined;
    for (const candidate of routes) {
      if (candidate.method !== method) continue;
      const m = candidate.pattern.exec(path);
      if (!m) continue;
      route = candidate;
      candidate.names.forEach((name, i) => (simReq.params[name] = decodeURIComponent(m[i + 1] ?? '')));
      break;
    }
    const template = route?.template ?? '(unmatched)';
    const key = `${method} ${template}`;
    counters.set(key, (counters.get(key) ?? 0) + 1);

    const rate = rateHeaders(token ?? req.socket.remoteAddress ?? 'anonymous');
    const fault = faults.match(method, template, path);
    if (fault.latencyMs > 0) await sleep(fault.latencyMs);
    const finish = (result: SimResponse, malformed = false) => {
      send(res, result, rate.headers, malformed);
      log?.(JSON.stringify({ method, route: template, status: result.status, ms: Date.now() - started }));
    };
    if (rate.limited) {
      finish({ status: 429, body: { message: DEFAULT_STATUS_MESSAGES[429] }, headers: { 'Retry-After': String(rate.retryAfter) } });
      return;
    }
    const terminal = fault.terminal;
    if (terminal?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (terminal?.kind === 'hang') return; // never answered; stop() closes the socket
    if (terminal?.kind === 'status') {
      const status = terminal.status ?? 500;
      const headers: Record<string, string> = status === 429 ? { 'Retry-After': String(terminal.retryAfterSeconds ?? 1) } : {};
      finish({ status, body: { message: terminal.message ?? DEFAULT_STATUS_MESSAGES[status] ?? 'Simulated failure.' }, headers });
      return;
    }

    const result = runSafely(() => {
      if (!route) return routeNotFound();
      if (route.auth && !token) {
        return { status: 401, body: { message: 'You are signed out or your session has expired. Please sign in again to continue.', detail: 'Cookie "coder_session_token" or query parameter must be provided.' } };
      }
      if (route.auth && !user) {
        return { status: 401, body: { message: 'You are signed out or your session has expired. Please sign in again to continue.', detail: 'API key is invalid.' } };
      }
      const features = VERSION_FEATURES[version];
      if (route.available && !route.available(features)) return routeNotFound();
      if (clock.kind === 'real') fleet.advanceTo(clock.now());
      const ctx: RouteContext = { fleet, version, features, baseUrl: options.externalUrl ?? baseUrl, deploymentId, pauseResponse: options.pauseResponse ?? 'workspace_build' };
      return route.handler(simReq, ctx);
    });
    finish(result, terminal?.kind === 'malformed');
  }

  function runSafely(fn: () => SimResponse): SimResponse {
    try {
      return fn();
    } catch (error) {
      if (error instanceof CoderHttpError) return { status: error.status, body: error.body };
      console.error('[coder-sim] handler error', error);
      return { status: 500, body: { message: 'An internal error occurred.', detail: error instanceof Error ? error.message : String(error) } };
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('[coder-sim] request failed', error);
      if (!res.headersSent) send(res, { status: 500, body: { message: 'An internal error occurred.' } }, {});
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;

  let timer: NodeJS.Timeout | undefined;
  if (clock.kind === 'real') {
    timer = setInterval(() => fleet.advanceTo(clock.now()), options.tickMs ?? 1000);
    timer.unref();
  }

  let stopped: Promise<void> | undefined;
  return {
    url: baseUrl,
    token,
    control,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (timer) clearInterval(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
