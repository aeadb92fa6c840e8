/**
 * The standard tool-test fixture: a coder-sim instance (manual clock), the real @org/coder-api-client
 * pointed at it, createServer(deps) with the sim's clock, and an in-process MCP Client over InMemoryTransport.
 *
 *   const fx = await startFleetFixture({ sim: { agents: 20, scenario: 'mixed' } });
 *   const r = await fx.call('list_agents', { needs_attention: true });
 *   expect(fx.tasksListRequests()).toBe(1);
 *   await fx.close();
 *
 * `openSession()` connects a second MCP session sharing the runtime (for cross-session tests, FR-015).
 */
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { createCoderClient } from '@org/coder-api-client';
import { startCoderSim } from '@org/coder-sim';
import type { Clock } from '../clock.js';
import type { CoderClient } from '../coder.js';
import { makeConfig, type Config, type ConfigInput } from '../config.js';
import { createLogger, type Logger } from '../log.js';
import { createFleetRuntime, type FleetRuntime } from '../runtime/fleet-runtime.js';
import type { StoreHandle } from '../runtime/store-handle.js';
import { createServer, type FleetServer } from '../server.js';
import { connectInProcess, type InProcessClient } from './in-process.js';

export type SimOptions = NonNullable<Parameters<typeof startCoderSim>[0]>;
export type Sim = Awaited<ReturnType<typeof startCoderSim>>;

export interface FixtureOptions {
  sim?: SimOptions;
  config?: Partial<ConfigInput>;
  capabilities?: ClientCapabilities;
  /** Collect log lines instead of discarding them. */
  captureLogs?: boolean;
  /** Token the server's client uses (default: the sim's admin token), e.g. a bad one for 401 paths. */
  coderToken?: string;
  /** The runtime's store (default: in memory), e.g. one that fails for degraded-store paths. */
  store?: StoreHandle;
}

export interface FleetFixture extends InProcessClient {
  sim: Sim;
  coder: CoderClient;
  clock: Clock;
  config: Config;
  runtime: FleetRuntime;
  fleet: FleetServer;
  logs: string[];
  /** Moves the simulator's clock (and therefore the server's). */
  advance(ms: number): void;
  /** Requests the sim served, per route template. */
  counters(): Record<string, number>;
  /** How many tasks-list requests the sim served since the last reset. */
  tasksListRequests(): number;
  resetCounters(): void;
  /** A second MCP session on the same runtime (its own session id). */
  openSession(capabilities?: ClientCapabilities): Promise<InProcessClient>;
}

function toDate(value: unknown): Date {
  if (value instanceof Date) return new Date(value.getTime());
  return new Date(value as number | string);
}

/** Sums the sim's counters for the tasks-list route, whatever the era prefix. */
export function countTasksList(counters: Record<string, number>): number {
  let n = 0;
  for (const [route, count] of Object.entries(counters)) if (/^GET \/api\/(v2|experimental)\/tasks\/?$/.test(route)) n += count;
  return n;
}

export async function startFleetFixture(options: FixtureOptions = {}): Promise<FleetFixture> {
  const sim = await startCoderSim({ clock: 'manual', seed: 42, ...options.sim });
  // Bounded waits (clock.sleep) move the simulator's manual clock instead of waiting in real time.
  const clock: Clock = {
    now: () => toDate(sim.control.now()),
    sleep: async (ms) => {
      sim.control.advance(ms);
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  const token = options.coderToken ?? sim.token;
  // The trend sampler is off unless asked for (it starts with the first session and reads the fleet at once).
  const config = makeConfig({ coderUrl: sim.url, sessionToken: token, sampleInterval: 0, ...options.config });
  const logs: string[] = [];
  const log: Logger = createLogger(options.captureLogs ? { level: 'debug', write: (l) => logs.push(l) } : { level: 'silent' });
  const coder = createCoderClient({ baseUrl: sim.url, sessionToken: token, timeoutMs: config.requestTimeoutMs, retry: { retries: 0 } });
  const runtime = createFleetRuntime({ coder, clock, config, ...(options.store ? { store: options.store } : {}) });
  const sessions: InProcessClient[] = [];
  const openSession = async (capabilities: ClientCapabilities = {}) => {
    const s = await connectInProcess(createServer({ coder, clock, config, log, runtime }), capabilities);
    sessions.push(s);
    return s;
  };
  const fleet = createServer({ coder, clock, config, log, runtime, session: { id: 'session-1' } });
  const main = await connectInProcess(fleet, options.capabilities ?? {});
  const counters = () => sim.control.counters() as unknown as Record<string, number>;
  return {
    ...main,
    sim,
    coder,
    clock,
    config,
    runtime,
    fleet,
    logs,
    advance: (ms) => void sim.control.advance(ms),
    counters,
    tasksListRequests: () => countTasksList(counters()),
    resetCounters: () => void sim.control.resetCounters(),
    openSession,
    close: async () => {
      runtime.watch.shutdown();
      for (const s of sessions) await s.close();
      await main.close();
      await runtime.background.stop();
      await runtime.store.close();
      await sim.stop();
    },
  };
}
