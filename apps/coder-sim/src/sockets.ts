import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { streamSnapshot, toStreamEvent, toWatchEvent } from './api/chat-serialize.js';
import { CoderHttpError, type RouteContext, type SimRequest, type SocketPlan } from './api/http.js';
import { authFailure, tokenFrom, type RateLimiter } from './auth.js';
import type { SimState } from './state.js';
import { DEFAULT_STATUS_MESSAGES, type Faults } from './faults.js';
import type { Fleet } from './model/fleet.js';
import type { Router } from './router.js';
import type { SocketControl, SocketFilter, SocketInfo } from './socket-control.js';
import { featuresOf, VERSION_FEATURES } from './versions.js';

/** Frames per stream message at most (coderd batches up to 256 events). */
const MAX_BATCH = 256;

interface Session {
  info: SocketInfo;
  ws: WebSocket;
  send(frame: string): void;
}

export interface SocketHubDeps {
  fleet: Fleet;
  router: Router;
  rateLimiter: RateLimiter;
  faults: Faults;
  state: SimState;
  context: () => Omit<RouteContext, 'fleet' | 'version' | 'features'>;
  /** WebSocket ping interval (real ms; default 15,000). */
  pingMs?: number | undefined;
  log?: ((line: string) => void) | undefined;
}

/**
 * The chat WebSockets (`GET /chats/watch`, `GET /chats/{chat}/stream`): the upgrade goes through the
 * same route table, counters, rate limit, faults and auth as HTTP; sessions push JSON text frames and
 * ping frames for liveness. Watch: one ChatWatchEvent per frame, the caller's own chats only.
 * Stream: bare JSON arrays of ChatStreamEvent, a snapshot first, then live events.
 */
export class SocketHub implements SocketControl {
  // Pongs are answered by hand so a stalled socket stops answering pings too (a real stalled link does).
  private readonly wss = new WebSocketServer({ noServer: true, autoPong: false });
  private readonly sessions = new Set<Session>();
  private readonly pending = new Set<Duplex>();
  private seq = 0;

  constructor(private readonly deps: SocketHubDeps) {}

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { fleet, state, faults } = this.deps;
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const token = tokenFrom(req, url);
    const user = token ? (fleet.userByToken(token) ?? null) : null;
    const simReq: SimRequest = { method, path: url.pathname, query: url.searchParams, headers: req.headers, params: {}, rawBody: '', user };
    const route = this.deps.router.match(simReq);
    const template = route?.template ?? '(unmatched)';
    const key = `${method} ${template}`;
    state.counters.set(key, (state.counters.get(key) ?? 0) + 1);
    const rate = this.deps.rateLimiter.take(token ?? req.socket.remoteAddress ?? 'anonymous');
    const fault = faults.match(method, template, url.pathname);
    if (fault.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    const log = (status: number) => this.deps.log?.(JSON.stringify({ method, route: template, status, socket: true }));
    const refuse = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      log(status);
      writeHttp(socket, status, body, { 'X-Coder-Build-Version': VERSION_FEATURES[state.version].full, ...rate.headers, ...headers });
    };
    if (rate.limited) return refuse(429, { message: DEFAULT_STATUS_MESSAGES[429] }, { 'Retry-After': String(rate.retryAfter) });
    const terminal = fault.terminal;
    if (terminal?.kind === 'drop') {
      log(0);
      socket.destroy();
      return;
    }
    if (terminal?.kind === 'hang') {
      this.pending.add(socket);
      socket.on('close', () => this.pending.delete(socket));
      return;
    }
    if (terminal?.kind === 'status') {
      const status = terminal.status ?? 500;
      return refuse(status, { message: terminal.message ?? DEFAULT_STATUS_MESSAGES[status] ?? 'Simulated failure.' }, status === 429 ? { 'Retry-After': String(terminal.retryAfterSeconds ?? 1) } : {});
    }
    if (!route?.socket) return refuse(404, { message: 'Route not found.' });
    const denied = authFailure(route, token, user);
    if (denied) return refuse(denied.status, denied.body);
    const features = featuresOf(state);
    if (route.available && !route.available(features)) return refuse(404, { message: 'Route not found.' });
    if (fleet.clock.kind === 'real') fleet.advanceTo(fleet.clock.now());
    let plan: SocketPlan;
    try {
      plan = route.socket(simReq, { fleet, version: state.version, features, ...this.deps.context() });
    } catch (error) {
      if (error instanceof CoderHttpError) return refuse(error.status, error.body);
      throw error;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      log(101);
      const session = this.open(ws, plan);
      if (terminal?.kind === 'stall') session.info.stalled = true;
      if (terminal?.kind === 'malformed') ws.send(plan.kind === 'watch' ? '{"kind":' : '[{"type":');
      if (terminal?.kind === 'close') ws.close(terminal.closeCode ?? 1011, 'simulated close');
      else this.start(session, plan);
    });
  }

  private open(ws: WebSocket, plan: SocketPlan): Session {
    const info: SocketInfo = {
      id: `socket-${++this.seq}`,
      kind: plan.kind,
      user: plan.user.username,
      ...(plan.kind === 'stream' ? { chatId: plan.chat.id } : {}),
      stalled: false,
      framesSent: 0,
    };
    const session: Session = {
      info,
      ws,
      send(frame: string) {
        if (info.stalled || ws.readyState !== ws.OPEN) return;
        info.framesSent++;
        ws.send(frame);
      },
    };
    this.sessions.add(session);
    const ping = setInterval(() => {
      if (!info.stalled && ws.readyState === ws.OPEN) ws.ping();
    }, this.deps.pingMs ?? 15_000);
    ping.unref();
    ws.on('close', () => {
      clearInterval(ping);
      this.sessions.delete(session);
    });
    ws.on('ping', (data: Buffer) => {
      if (!info.stalled && ws.readyState === ws.OPEN) ws.pong(data);
    });
    ws.on('error', () => ws.terminate());
    return session;
  }

  private start(session: Session, plan: SocketPlan): void {
    const { fleet } = this.deps;
    const engine = fleet.chats;
    if (plan.kind === 'watch') {
      const ownerId = plan.user.id;
      const unsubscribe = engine.subscribe({
        watch: (change) => {
          if (change.chat.ownerId === ownerId) session.send(JSON.stringify(toWatchEvent(fleet, change)));
        },
      });
      session.ws.on('close', unsubscribe);
      return;
    }
    const chat = plan.chat;
    const isOwner = engine.store.rootOf(chat).ownerId === plan.user.id;
    // Connecting and disconnecting advance the owner's read cursor.
    if (isOwner) engine.markRead(chat, true);
    const snapshot = streamSnapshot(fleet, chat, plan.afterId);
    for (let i = 0; i < snapshot.length; i += MAX_BATCH) session.send(JSON.stringify(snapshot.slice(i, i + MAX_BATCH)));
    const unsubscribe = engine.subscribe({
      stream: (change) => {
        if (change.chat.id === chat.id) session.send(JSON.stringify([toStreamEvent(fleet, change)]));
      },
    });
    session.ws.on('close', () => {
      unsubscribe();
      if (isOwner) engine.markRead(chat, true);
    });
  }

  private select(filter: SocketFilter = {}): Session[] {
    return [...this.sessions].filter(
      (s) => (filter.kind === undefined || s.info.kind === filter.kind) && (filter.chatId === undefined || s.info.chatId === filter.chatId) && (filter.user === undefined || s.info.user === filter.user),
    );
  }

  list(): SocketInfo[] {
    return [...this.sessions].map((s) => ({ ...s.info }));
  }

  drop(filter?: SocketFilter): number {
    const hit = this.select(filter);
    for (const s of hit) s.ws.terminate();
    return hit.length;
  }

  close(filter?: SocketFilter, code = 1011): number {
    const hit = this.select(filter);
    for (const s of hit) s.ws.close(code, 'closed by the simulator');
    return hit.length;
  }

  stall(filter?: SocketFilter, ms?: number): number {
    const hit = this.select(filter);
    for (const s of hit) s.info.stalled = true;
    if (ms !== undefined) setTimeout(() => hit.forEach((s) => (s.info.stalled = false)), ms).unref();
    return hit.length;
  }

  resume(filter?: SocketFilter): number {
    const hit = this.select(filter);
    for (const s of hit) s.info.stalled = false;
    return hit.length;
  }

  /** Server stop: every socket goes away (upgraded sockets are not closed by server.close()). */
  closeAll(): void {
    for (const s of this.sessions) s.ws.terminate();
    for (const socket of this.pending) socket.destroy();
    this.sessions.clear();
    this.pending.clear();
    this.wss.close();
  }
}

function writeHttp(socket: Duplex, status: number, body: unknown, headers: Record<string, string>): void {
  const text = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(text)}`,
    'Connection: close',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${text}`);
}
