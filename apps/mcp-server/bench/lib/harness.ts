/**
 * The pieces every scenario needs: a seeded simulator on the real clock, the real Coder client and
 * createServer behind an in-process MCP client (InMemoryTransport), the raw baseline fetch, and the
 * simulator's request counters.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createCoderClient } from '@org/coder-api-client';
import { startCoderSim, type CoderSim, type CoderSimOptions } from '@org/coder-sim';
import { systemClock } from '../../src/clock.js';
import type { CoderClient } from '../../src/coder.js';
import { makeConfig, type Config, type ConfigInput } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createServer, type FleetServer } from '../../src/server.js';
import { countTasksList } from '../../src/testing/client-fixture.js';
import { connectInProcess, type InProcessClient } from '../../src/testing/in-process.js';

export const SEED = 42;

export async function startSim(agents: number, options: CoderSimOptions = {}): Promise<CoderSim> {
  return startCoderSim({ agents, seed: SEED, scenario: 'mixed', clock: 'real', ...options });
}

export interface InProcessServer extends InProcessClient {
  coder: CoderClient;
  config: Config;
  fleet: FleetServer;
}

/**
 * createServer on the system clock with the real client configured as in production (runServer: default
 * retry policy, so an idle keep-alive socket closed by the server is retried like in real use; a retry
 * would show in the request counters). `config` overrides defaults, e.g. `{ cacheTtlMs: 0 }` so every
 * call reads Coder.
 */
export async function startInProcessServer(sim: CoderSim, config: Partial<ConfigInput> = {}): Promise<InProcessServer> {
  const cfg = makeConfig({ coderUrl: sim.url, sessionToken: sim.token, logLevel: 'silent', ...config });
  const coder = createCoderClient({ baseUrl: sim.url, sessionToken: sim.token, timeoutMs: cfg.requestTimeoutMs });
  const log = createLogger({ level: 'silent' });
  const fleet = createServer({ coder, clock: systemClock, config: cfg, log });
  const session = await connectInProcess(fleet);
  return { ...session, coder, config: cfg, fleet };
}

/** fetch with one retry on a network error (a keep-alive socket the simulator closed while idle), as the client does for GETs. */
export function fetchOnceRetried(url: string, init: RequestInit): Promise<Response> {
  return fetch(url, init).catch(() => fetch(url, init));
}

/** The limit: one raw GET of the tasks list plus JSON.parse, no client library, no mapping. */
export async function rawTasksList(sim: CoderSim): Promise<{ bytes: number; count: number; text: string }> {
  const url = `${sim.url}/api/v2/tasks`;
  const init = { headers: { 'Coder-Session-Token': sim.token, Accept: 'application/json' } };
  const res = await fetchOnceRetried(url, init);
  const text = await res.text();
  const body = JSON.parse(text) as { tasks: unknown[]; count: number };
  return { bytes: Buffer.byteLength(text), count: body.tasks.length, text };
}

export function simCounters(sim: CoderSim): { tasksList: number; total: number } {
  const counters = sim.control.counters();
  return { tasksList: countTasksList(counters), total: Object.values(counters).reduce((a, b) => a + b, 0) };
}

/** Throws when a tool call failed: a benchmark of an error path would measure nothing useful. */
export function expectOk(name: string, result: CallToolResult): CallToolResult {
  if (result.isError) {
    const first = result.content[0];
    throw new Error(`${name} failed: ${first && first.type === 'text' ? first.text : JSON.stringify(result)}`);
  }
  return result;
}

/** What a stdio client receives for a result: the JSON-RPC payload size of the tool result. */
export function resultBytes(result: CallToolResult): number {
  return Buffer.byteLength(JSON.stringify(result));
}

export const fmtCount = (n: number): string => n.toLocaleString('en-US');
