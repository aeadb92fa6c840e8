/**
 * Alert latency benchmark (issue 5 targets; a benchmark, never a test, never in CI).
 *
 *   npx tsx --conditions=@org/source apps/mcp-server/bench/alert-latency.bench.ts [--agents 1000] [--transitions 1000]
 *       [--interval-ms 2000] [--rate 20] [--seed 5]
 *
 * Against the simulator on a REAL clock with 1,000 agents: a client keeps a get_fleet_events call waiting
 * (since=cursor, wait_ms=30000, kinds=state_changed) while the bench changes agent states in the simulator
 * at random (each with a unique message). Latency = simulator state change → the waiting call returns that
 * event to the client. Reports p50/p95 relative to the poll interval (target p95 <= interval + 250 ms), the
 * watcher's CPU per poll cycle, tasks-list requests per cycle, and integrity: every transition delivered
 * exactly once (zero lost, zero duplicates), cross-checked with the simulator's own transition log.
 * Prints PASS/FAIL lines; writes JSON to bench/results/alert-latency.json (workspace root, git-ignored).
 * `runAlertLatencyBench(options)` is the entry point for the bench runner.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createCoderClient } from '@org/coder-api-client';
import { startCoderSim } from '@org/coder-sim';
import { systemClock } from '../src/clock.js';
import { makeConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { createFleetRuntime } from '../src/runtime/fleet-runtime.js';
import { createServer } from '../src/server.js';
import { countTasksList } from '../src/testing/client-fixture.js';
import { connectInProcess } from '../src/testing/in-process.js';
import type { FleetEventView as EventView } from '../src/views/fleet-event.js';

export interface AlertLatencyOptions {
  agents?: number;
  transitions?: number;
  intervalMs?: number;
  /** State changes per second. */
  rate?: number;
  seed?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface AlertLatencyResult {
  scenario: 'alert-latency';
  startedAt: string;
  durationMs: number;
  agents: number;
  frozenAgents: number;
  intervalMs: number;
  transitions: { requested: number; sent: number };
  latency: { samples: number; p50Ms: number | null; p95Ms: number | null; maxMs: number | null; p50Ratio: number | null; p95Ratio: number | null };
  watcher: { cycles: number; avgCycleCpuMs: number | null; maxCycleCpuMs: number | null; tasksListRequests: number; requestsPerCycle: number | null; failedCycles: number };
  integrity: { delivered: number; lost: number; duplicates: number; simLogStateTransitions: number; simLogMatches: boolean };
  checks: { name: string; pass: boolean; detail: string }[];
  pass: boolean;
}

interface EventsOut {
  events: EventView[];
  next_cursor: string;
  has_more: boolean;
}

const STATES = ['working', 'idle', 'complete', 'failure'] as const;

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? null;
}

function createRng(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runAlertLatencyBench(options: AlertLatencyOptions = {}): Promise<AlertLatencyResult> {
  const agents = options.agents ?? 1_000;
  const requested = options.transitions ?? 1_000;
  const intervalMs = options.intervalMs ?? 2_000;
  const rate = options.rate ?? 20;
  const log = options.log ?? (() => undefined);
  const random = createRng(options.seed ?? 5);
  const started = new Date();
  const t0 = performance.now();

  const sim = await startCoderSim({ clock: 'real', agents, scenario: 'steady', seed: options.seed ?? 5, tickMs: 250 });
  const config = makeConfig({ coderUrl: sim.url, sessionToken: sim.token, watchIntervalMs: intervalMs });
  const coder = createCoderClient({ baseUrl: sim.url, sessionToken: sim.token, timeoutMs: config.requestTimeoutMs, retry: { retries: 0 } });
  const logger = createLogger({ level: 'silent' });
  const runtime = createFleetRuntime({ coder, clock: systemClock, config, log: logger });
  const session = await connectInProcess(createServer({ coder, clock: systemClock, config, log: logger, runtime }));
  const call = async (args: Record<string, unknown>) => {
    const r = await session.client.callTool({ name: 'get_fleet_events', arguments: args });
    if (r.isError) throw new Error(`get_fleet_events failed: ${JSON.stringify(r.content)}`);
    return r.structuredContent as unknown as EventsOut;
  };

  try {
    // Freeze the running agents (setAgentState without holdMs stops their own lifecycle) so that every
    // state change in the pool is one the bench made.
    const pool: { id: string; state: string }[] = [];
    for (const t of sim.control.tasks()) {
      if (t.status !== 'active') continue;
      try {
        sim.control.setAgentState(t.id, 'working', { message: `bench frozen ${t.name}` });
        pool.push({ id: t.id, state: 'working' });
      } catch {
        // not running after all: leave it out
      }
    }
    log(`alert-latency: ${agents} agents, ${pool.length} frozen for transitions, interval ${intervalMs} ms, ${rate}/s`);
    let cursor = (await call({})).next_cursor; // baseline poll
    const baselineSeq = sim.control.transitions().at(-1)?.seq ?? 0;
    const cpuBefore = runtime.watch.health();
    sim.control.resetCounters();

    const sentAt = new Map<string, number>();
    const deliveredCount = new Map<string, number>();
    const latencies: number[] = [];
    let sendingDone = false;
    let stop = false;

    // The waiting client: always one get_fleet_events call in flight.
    const receiver = (async () => {
      while (!stop) {
        const out = await call({ since: cursor, wait_ms: 30_000, kinds: ['state_changed'], limit: 200 });
        const now = performance.now();
        for (const e of out.events) {
          const msg = String(e.details['state_message'] ?? '');
          const at = sentAt.get(msg);
          if (at === undefined) continue;
          const n = (deliveredCount.get(msg) ?? 0) + 1;
          deliveredCount.set(msg, n);
          if (n === 1) latencies.push(now - at);
        }
        cursor = out.next_cursor;
        if (sendingDone && deliveredCount.size >= sentAt.size) break;
      }
    })();

    // The transitions: distinct agents per poll window (recently used agents are skipped).
    const lastUsed = new Map<string, number>();
    const gapMs = 1000 / rate;
    let i = 0;
    let attempts = 0;
    while (i < requested && attempts < requested * 20) {
      attempts += 1;
      const a = pool[random(pool.length)];
      if (!a) break;
      const now = performance.now();
      if (now - (lastUsed.get(a.id) ?? -Infinity) < 3 * intervalMs) continue;
      const choices = STATES.filter((s) => s !== a.state);
      const next = choices[random(choices.length)] ?? 'idle';
      const message = `bench transition ${i}`;
      try {
        sentAt.set(message, performance.now());
        sim.control.setAgentState(a.id, next, { message });
      } catch {
        sentAt.delete(message);
        continue;
      }
      a.state = next;
      lastUsed.set(a.id, now);
      i += 1;
      if (i % 100 === 0) log(`  sent ${i}/${requested}, delivered ${deliveredCount.size}`);
      await sleep(gapMs * (0.5 + random(1000) / 1000));
    }
    sendingDone = true;
    const deadline = performance.now() + 3 * intervalMs + 30_000;
    while (deliveredCount.size < sentAt.size && performance.now() < deadline) await sleep(50);
    stop = true;
    await Promise.race([receiver, sleep(35_000)]);

    const health = runtime.watch.health();
    const requests = countTasksList(sim.control.counters());
    const cycles = health.cycles - cpuBefore.cycles;
    const sorted = [...latencies].sort((x, y) => x - y);
    const p50 = percentile(sorted, 50);
    const p95 = percentile(sorted, 95);
    const duplicates = [...deliveredCount.values()].reduce((s, n) => s + Math.max(0, n - 1), 0);
    const lost = [...sentAt.keys()].filter((m) => !deliveredCount.has(m)).length;
    const poolIds = new Set(pool.map((p) => p.id));
    const logged = sim.control.transitions(baselineSeq).filter((t) => t.field === 'state' && poolIds.has(t.taskId)).length;
    const round = (x: number | null, d = 1) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);
    const target = intervalMs + 250;
    const checks = [
      { name: `p95 latency <= interval + 250 ms (${target} ms)`, pass: p95 !== null && p95 <= target, detail: `p95 ${round(p95)} ms, p50 ${round(p50)} ms, ratio p95/interval ${round(p95 === null ? null : p95 / intervalMs, 3)}` },
      { name: 'p95 latency under 5 s (SC-002) and 10 s (SC-006)', pass: p95 !== null && p95 < 5_000, detail: `p95 ${round(p95)} ms` },
      { name: 'zero lost events', pass: lost === 0, detail: `${lost} of ${sentAt.size} lost` },
      { name: 'zero duplicate events', pass: duplicates === 0, detail: `${duplicates} duplicates` },
      { name: 'simulator transition log matches deliveries', pass: logged === sentAt.size && deliveredCount.size === logged, detail: `${logged} state transitions logged, ${deliveredCount.size} delivered` },
      { name: 'one tasks-list request per poll cycle', pass: cycles > 0 && requests <= cycles + 1, detail: `${requests} requests over ${cycles} cycles` },
      { name: `${requested} transitions sent`, pass: sentAt.size === requested, detail: `${sentAt.size} sent` },
    ];
    return {
      scenario: 'alert-latency',
      startedAt: started.toISOString(),
      durationMs: Math.round(performance.now() - t0),
      agents,
      frozenAgents: pool.length,
      intervalMs,
      transitions: { requested, sent: sentAt.size },
      latency: {
        samples: latencies.length,
        p50Ms: round(p50),
        p95Ms: round(p95),
        maxMs: round(sorted.at(-1) ?? null),
        p50Ratio: round(p50 === null ? null : p50 / intervalMs, 3),
        p95Ratio: round(p95 === null ? null : p95 / intervalMs, 3),
      },
      watcher: {
        cycles,
        avgCycleCpuMs: round(health.avgCycleCpuMs, 2),
        maxCycleCpuMs: round(health.maxCycleCpuMs, 2),
        tasksListRequests: requests,
        requestsPerCycle: cycles > 0 ? round(requests / cycles, 2) : null,
        failedCycles: health.failedCycles,
      },
      integrity: { delivered: deliveredCount.size, lost, duplicates, simLogStateTransitions: logged, simLogMatches: logged === sentAt.size },
      checks,
      pass: checks.every((c) => c.pass),
    };
  } finally {
    runtime.watch.shutdown();
    await session.close();
    await sim.stop();
  }
}

export function renderAlertLatency(r: AlertLatencyResult): string {
  const lines = [
    `alert-latency: ${r.agents} agents (${r.frozenAgents} in the transition pool), interval ${r.intervalMs} ms, ${r.transitions.sent} transitions, ${(r.durationMs / 1000).toFixed(1)} s`,
    `  latency p50 ${r.latency.p50Ms} ms (${r.latency.p50Ratio}x interval), p95 ${r.latency.p95Ms} ms (${r.latency.p95Ratio}x interval), max ${r.latency.maxMs} ms`,
    `  watcher CPU per cycle avg ${r.watcher.avgCycleCpuMs} ms, max ${r.watcher.maxCycleCpuMs} ms over ${r.watcher.cycles} cycles; ${r.watcher.requestsPerCycle} tasks-list requests per cycle`,
    ...r.checks.map((c) => `${c.pass ? 'PASS' : 'FAIL'} ${c.name}: ${c.detail}`),
  ];
  return lines.join('\n');
}

function arg(argv: readonly string[], name: string): number | undefined {
  const i = argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
  const resultsPath = resolve(workspaceRoot, 'bench/results/alert-latency.json');
  const result = await runAlertLatencyBench({
    agents: arg(argv, 'agents'),
    transitions: arg(argv, 'transitions'),
    intervalMs: arg(argv, 'interval-ms'),
    rate: arg(argv, 'rate'),
    seed: arg(argv, 'seed'),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${renderAlertLatency(result)}\n`);
  mkdirSync(dirname(resultsPath), { recursive: true });
  writeFileSync(resultsPath, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`results: ${resultsPath}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('alert-latency bench failed:', error);
      process.exit(1);
    },
  );
}
