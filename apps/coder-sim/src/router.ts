import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleControl } from './api/control-routes.js';
import { CoderHttpError, routeNotFound, type Route, type RouteContext, type SimRequest, type SimResponse } from './api/http.js';
import { authFailure, tokenFrom, type RateLimiter } from './auth.js';
import type { SimControl } from './control.js';
import type { SimState } from './state.js';
import { DEFAULT_STATUS_MESSAGES, type Faults } from './faults.js';
import type { Fleet } from './model/fleet.js';
import type { SimUser } from './model/types.js';
import { uuid, type Rng } from './util/prng.js';
import { featuresOf, VERSION_FEATURES } from './versions.js';

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

/** Route templates compiled once; `match` fills the request's path parameters. */
export class Router {
  private readonly routes: CompiledRoute[];

  constructor(routes: Route[]) {
    this.routes = routes.map(compile);
  }

  match(req: SimRequest): Route | undefined {
    for (const candidate of this.routes) {
      if (candidate.method !== req.method) continue;
      const m = candidate.pattern.exec(req.path);
      if (!m) continue;
      candidate.names.forEach((name, i) => (req.params[name] = decodeURIComponent(m[i + 1] ?? '')));
      return candidate;
    }
    return undefined;
  }
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

export interface DispatchDeps {
  fleet: Fleet;
  router: Router;
  rateLimiter: RateLimiter;
  faults: Faults;
  control: SimControl;
  state: SimState;
  /** Seeded request ids, so re-recording against the simulator gives identical headers. */
  requestIds: Rng;
  /** The RouteContext minus the per-request version facts. */
  context: () => Omit<RouteContext, 'fleet' | 'version' | 'features'>;
  log?: ((line: string) => void) | undefined;
}

/**
 * The request pipeline: parse, `/__sim` control (admin only), route match and counters, rate limit,
 * faults (latency, then drop/hang/status/malformed), auth, version availability, handler.
 */
export function createDispatcher(deps: DispatchDeps): {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  send(res: ServerResponse, result: SimResponse, extra: Record<string, string>, malformed?: boolean): void;
} {
  const { fleet, faults, state, log } = deps;

  function send(res: ServerResponse, result: SimResponse, extra: Record<string, string>, malformed = false): void {
    const headers: Record<string, string> = {
      'X-Coder-Build-Version': VERSION_FEATURES[state.version].full,
      'X-Coder-Request-Id': uuid(deps.requestIds),
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
      const result = !user || user.role !== 'admin' ? { status: 401, body: { message: 'The simulator control API needs the admin token.' } } : runSafely(() => handleControl(simReq, deps.control));
      send(res, result, {});
      return;
    }

    const route = deps.router.match(simReq);
    const template = route?.template ?? '(unmatched)';
    const key = `${method} ${template}`;
    state.counters.set(key, (state.counters.get(key) ?? 0) + 1);

    const rate = deps.rateLimiter.take(token ?? req.socket.remoteAddress ?? 'anonymous');
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
    if (terminal?.kind === 'drop' || terminal?.kind === 'close') {
      req.socket.destroy();
      return;
    }
    if (terminal?.kind === 'hang' || terminal?.kind === 'stall') return; // never answered; stop() closes the socket
    if (terminal?.kind === 'status') {
      const status = terminal.status ?? 500;
      const headers: Record<string, string> = status === 429 ? { 'Retry-After': String(terminal.retryAfterSeconds ?? 1) } : {};
      finish({ status, body: { message: terminal.message ?? DEFAULT_STATUS_MESSAGES[status] ?? 'Simulated failure.' }, headers });
      return;
    }

    const result = runSafely(() => {
      if (!route) return routeNotFound();
      const denied = authFailure(route, token, user);
      if (denied) return denied;
      const features = featuresOf(state);
      if (route.available && !route.available(features)) return routeNotFound();
      if (fleet.clock.kind === 'real') fleet.advanceTo(fleet.clock.now());
      const ctx: RouteContext = { fleet, version: state.version, features, ...deps.context() };
      return route.handler(simReq, ctx);
    });
    finish(result, terminal?.kind === 'malformed');
  }

  return { handle, send };
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
