import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { agentApiRoutes } from './api/agentapi-routes.js';
import { chatRoutes } from './api/chat-routes.js';
import { coreRoutes } from './api/core-routes.js';
import { taskRoutes } from './api/tasks-routes.js';
import { RateLimiter } from './auth.js';
import { createManualClock, createRealClock, DEFAULT_START_TIME } from './clock.js';
import { createControl, type SimControl } from './control.js';
import { Faults } from './faults.js';
import { Fleet } from './model/fleet.js';
import { populateChats } from './model/chats/scenario.js';
import { populateScenario } from './model/scenario.js';
import type { CoderSimOptions } from './options.js';
import { createDispatcher, Router } from './router.js';
import { SocketHub } from './sockets.js';
import type { SimState } from './state.js';
import { createRng, uuid } from './util/prng.js';

export type { CoderSimOptions } from './options.js';

export interface CoderSim {
  /** `http://127.0.0.1:PORT` (no trailing slash): the Coder base URL. */
  url: string;
  /** The admin session token. */
  token: string;
  stop(): Promise<void>;
  control: SimControl;
}

function resolveStart(start: CoderSimOptions['startTime']): number {
  if (start === undefined) return DEFAULT_START_TIME;
  const ms = start instanceof Date ? start.getTime() : typeof start === 'number' ? start : Date.parse(start);
  if (!Number.isFinite(ms)) throw new RangeError(`invalid startTime ${String(start)}`);
  return ms;
}

function createFleet(options: CoderSimOptions, token: string, seed: number): Fleet {
  const clock = options.clock === 'real' ? createRealClock(options.speed ?? 1) : createManualClock(resolveStart(options.startTime));
  const fleet = new Fleet({
    seed,
    clock,
    adminToken: token,
    ...(options.adminUsername ? { adminUsername: options.adminUsername } : {}),
    ...(options.users ? { users: options.users } : {}),
    ...(options.utcOffsets ? { utcOffsets: options.utcOffsets } : {}),
    chats: { concurrency: options.chatConcurrency ?? null, spendLimitMicros: options.spendLimitMicros ?? null },
    ...(options.mode === 'workspaces' ? { workspaceAgents: true } : {}),
    ...(options.pathApps === false ? { pathApps: false } : {}),
  });
  populateScenario(fleet, {
    agents: options.agents ?? 0,
    scenario: options.scenario ?? 'mixed',
    seed,
    ...(options.members !== undefined ? { members: options.members } : {}),
    ...(options.arrivalsPerHour !== undefined ? { arrivalsPerHour: options.arrivalsPerHour } : {}),
  });
  populateChats(fleet, { count: options.chats ?? 0, seed });
  return fleet;
}

function createFaults(options: CoderSimOptions): Faults {
  const faults = new Faults();
  if (options.rateLimit) faults.rateLimit(options.rateLimit.limit, options.rateLimit.windowMs);
  if (options.latencyMs) faults.latency(options.latencyMs);
  for (const rule of options.faults ?? []) faults.add(rule);
  return faults;
}

/** Start a simulated Coder deployment on node:http. */
export async function startCoderSim(options: CoderSimOptions = {}): Promise<CoderSim> {
  const token = options.token ?? 'sim-admin-token';
  const seed = options.seed ?? 1;
  const fleet = createFleet(options, token, seed);
  const clock = fleet.clock;
  const faults = createFaults(options);
  const state: SimState = { version: options.coderVersion ?? '2.36', ...(options.chatsApi === false ? { chatsApi: false } : {}), counters: new Map() };
  const deploymentId = uuid(createRng(seed ^ 0xdead));
  let baseUrl = '';
  const router = new Router([...taskRoutes(), ...chatRoutes(), ...coreRoutes(), ...agentApiRoutes()]);
  const rateLimiter = new RateLimiter(faults, clock);
  const context = () => ({ baseUrl: options.externalUrl ?? baseUrl, deploymentId, pauseResponse: options.pauseResponse ?? 'workspace_build' }) as const;
  const sockets = new SocketHub({ fleet, router, rateLimiter, faults, state, context, pingMs: options.socketPingMs, log: options.log });
  const control = createControl(fleet, faults, state, sockets);
  const dispatcher = createDispatcher({ fleet, router, rateLimiter, faults, control, state, requestIds: createRng(seed ^ 0xbeef), context, log: options.log });

  const server = createServer((req, res) => {
    dispatcher.handle(req, res).catch((error: unknown) => {
      console.error('[coder-sim] request failed', error);
      if (!res.headersSent) dispatcher.send(res, { status: 500, body: { message: 'An internal error occurred.' } }, {});
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('upgrade', (req, socket, head: Buffer) => {
    sockets.handleUpgrade(req, socket, head).catch((error: unknown) => {
      console.error('[coder-sim] upgrade failed', error);
      socket.destroy();
    });
  });

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
        sockets.closeAll();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
