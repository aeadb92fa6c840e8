/**
 * Test fixture for the fleet watcher: a coder-sim on its manual clock, the real coder client, a runtime
 * whose watcher runs on a ManualScheduler bound to the sim's clock, and in-process MCP sessions.
 * `advance(ms)` fires watcher timers in order (each cycle's HTTP round trip to the sim is awaited).
 * The trend sampler is off (sampleInterval 0) unless asked for: its fleet reads would count as the watcher's.
 */
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { createCoderClient } from '@org/coder-api-client';
import { startCoderSim } from '@org/coder-sim';
import type { Clock } from '../clock.js';
import type { ChatSocketTuning } from '../coder.js';
import { makeConfig, type Config, type ConfigInput } from '../config.js';
import { createLogger } from '../log.js';
import { createFleetRuntime, type FleetRuntime } from '../runtime/fleet-runtime.js';
import type { StoreHandle } from '../runtime/store-handle.js';
import { createServer } from '../server.js';
import { countTasksList } from './client-fixture.js';
import { connectInProcess, type InProcessClient } from './in-process.js';
import type { FleetWatcher } from '../watch/fleet-watcher.js';
import { createManualScheduler, type ManualScheduler } from '../watch/manual-scheduler.js';

export type Sim = Awaited<ReturnType<typeof startCoderSim>>;

export interface WatchFixture {
  sim: Sim;
  clock: Clock;
  config: Config;
  runtime: FleetRuntime;
  watch: FleetWatcher;
  scheduler: ManualScheduler;
  /** The first session. */
  main: InProcessClient;
  openSession(capabilities?: ClientCapabilities): Promise<InProcessClient>;
  advance(ms: number): Promise<void>;
  /** Waits (real time, bounded) until `predicate` holds: for async hand-offs such as a tool call reaching its wait. */
  until(predicate: () => boolean, what?: string): Promise<void>;
  tasksListRequests(): number;
  close(): Promise<void>;
}

export async function startWatchFixture(
  options: { sim?: NonNullable<Parameters<typeof startCoderSim>[0]>; config?: Partial<ConfigInput>; chatSocketTuning?: ChatSocketTuning; store?: StoreHandle } = {},
): Promise<WatchFixture> {
  const sim = await startCoderSim({ clock: 'manual', seed: 7, agents: 24, scenario: 'steady', ...options.sim });
  const clock: Clock = { now: () => new Date(sim.control.now()) };
  const config = makeConfig({ coderUrl: sim.url, sessionToken: sim.token, watchIntervalMs: 2_000, watchDebounceMs: 2_000, sampleInterval: 0, ...options.config });
  const log = createLogger({ level: 'silent' });
  const coder = createCoderClient({ baseUrl: sim.url, sessionToken: sim.token, timeoutMs: config.requestTimeoutMs, retry: { retries: 0 } });
  const scheduler = createManualScheduler({ now: () => sim.control.now(), moveClock: (ms) => sim.control.advance(ms) });
  const runtime = createFleetRuntime({
    coder,
    clock,
    config,
    log,
    scheduler,
    ...(options.chatSocketTuning ? { chatSocketTuning: options.chatSocketTuning } : {}),
    ...(options.store ? { store: options.store } : {}),
  });
  const sessions: InProcessClient[] = [];
  let n = 0;
  const openSession = async (capabilities: ClientCapabilities = {}) => {
    n += 1;
    const s = await connectInProcess(createServer({ coder, clock, config, log, runtime, session: { id: `session-${n}` } }), capabilities);
    sessions.push(s);
    return s;
  };
  const main = await openSession();
  return {
    sim,
    clock,
    config,
    runtime,
    watch: runtime.watch,
    scheduler,
    main,
    openSession,
    advance: (ms) => scheduler.advance(ms),
    async until(predicate, what = 'condition') {
      for (let i = 0; i < 3_000; i++) {
        if (predicate()) return;
        await new Promise((r) => setTimeout(r, 1));
      }
      throw new Error(`timed out waiting for ${what}`);
    },
    tasksListRequests: () => countTasksList(sim.control.counters()),
    async close() {
      runtime.watch.shutdown();
      for (const s of sessions) await s.close();
      await sim.stop();
    },
  };
}
