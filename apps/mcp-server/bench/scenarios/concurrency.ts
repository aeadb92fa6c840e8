/**
 * Scenario 4: concurrency over Streamable HTTP. The server runs as its own process
 * (`node dist/main.js --transport http`, default cache TTL = the single-flight window) against a
 * 1,000-agent simulator; 1, 10 and 50 SDK client sessions (in this process) each call get_fleet_status
 * on a fixed period (a superagent polling its fleet), with jittered phases, for a fixed duration.
 * Reported: p50/p99 latency per phase relative to the single session, calls/s, and the Coder
 * tasks-list requests per second the whole phase caused (single-flight + TTL keep it near one per window).
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { connectHttpClient, type HttpClient } from '../../src/testing/http-harness.js';
import { expectOk, fmtCount, simCounters, startSim } from '../lib/harness.js';
import { verdict, type BenchRow, type ScenarioResult } from '../lib/report.js';
import { fmtMs, percentile } from '../lib/stats.js';
import { spawnStdio } from '../lib/stdio-child.js';

const AGENTS = 1000;
const P99_RATIO_TARGET = 2;
const TOKEN = 'bench-bearer-token-0123456789abcdef';

export interface ConcurrencyOptions {
  runs: number;
  warmup: number;
  workspaceRoot: string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

export async function waitHealthy(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/healthz`);
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`HTTP server not healthy within ${timeoutMs} ms`);
    await sleep(50);
  }
}

interface Phase {
  sessions: number;
  latencies: number[];
  calls: number;
  /** Calls the schedule asked for (sessions × periods). */
  offered: number;
  durationMs: number;
  tasksList: number;
}

export async function concurrencyScenario(options: ConcurrencyOptions): Promise<ScenarioResult> {
  const title = `Concurrency over Streamable HTTP (get_fleet_status, ${fmtCount(AGENTS)} agents)`;
  const main = join(options.workspaceRoot, 'apps/mcp-server/dist/main.js');
  if (!existsSync(main)) return { id: '4', title, rows: [], notes: [], skipped: `${main} is missing: run \`npx nx run mcp-server:build\`` };
  const periodMs = Number(process.env['BENCH_HTTP_PERIOD_MS'] ?? 500);
  const multiMs = Number(process.env['BENCH_HTTP_PHASE_MS'] ?? 3000);
  const rounds = Number(process.env['BENCH_HTTP_ROUNDS'] ?? 4);
  // The single session needs ~100 samples in total for a p99 that is not simply its maximum.
  const singleMs = Math.ceil(100 / rounds) * periodMs + periodMs / 2;
  const sim = await startSim(AGENTS);
  const port = await freePort();
  const child = spawnStdio(process.execPath, [main, '--transport', 'http', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: options.workspaceRoot,
    env: {
      CODER_URL: sim.url,
      CODER_SESSION_TOKEN: sim.token,
      FLEET_MCP_AUTH_TOKEN: TOKEN,
      FLEET_MCP_LOG_LEVEL: 'warn',
      // The bench measures the server, not the per-session rate limiter.
      FLEET_MCP_RATE_LIMIT_PER_MINUTE: '0',
    },
  });
  const base = `http://127.0.0.1:${port}`;
  const clients: HttpClient[] = [];
  try {
    await waitHealthy(base, 15_000).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; server stderr: ${child.stderr().slice(-1500)}`);
    });
    const mcpUrl = `${base}/mcp`;
    const phase = async (sessions: number, ms: number): Promise<Phase> => {
      while (clients.length < sessions) clients.push(await connectHttpClient(mcpUrl, { token: TOKEN, name: `bench-${clients.length}` }));
      const active = clients.slice(0, sessions);
      sim.control.resetCounters();
      const latencies: number[] = [];
      // Session i fires at offset i·period/sessions, then every period, while inside the phase.
      const scheduled = (n: number, length: number) => {
        let total = 0;
        for (let i = 0; i < n; i++) total += Math.ceil((length - (periodMs * i) / n) / periodMs);
        return total;
      };
      const t0 = performance.now();
      const end = t0 + ms;
      await Promise.all(
        active.map(async (c, i) => {
          // Jittered phase: sessions do not all fire on the same tick.
          let next = t0 + (periodMs * i) / sessions;
          await sleep(next - performance.now());
          while (performance.now() < end) {
            const s = performance.now();
            expectOk('get_fleet_status', await c.call('get_fleet_status', {}));
            latencies.push(performance.now() - s);
            next += periodMs;
            await sleep(next - performance.now());
          }
        }),
      );
      // Rates use the nominal phase length: a saturated server completes fewer calls than were offered.
      return { sessions, latencies, calls: latencies.length, durationMs: ms, offered: scheduled(sessions, ms), tasksList: simCounters(sim).tasksList };
    };
    // Warm-up: connections, JIT, caches.
    await phase(1, Math.max(1000, options.warmup * 500));
    await phase(10, Math.max(1000, options.warmup * 500));
    // Rounds alternate the phases, so each sees the same (shared, noisy) machine over time.
    const merged = new Map<number, Phase>();
    for (let r = 0; r < rounds; r++) {
      for (const [sessions, ms] of [
        [1, singleMs],
        [10, multiMs],
        [50, multiMs],
      ] as const) {
        const p = await phase(sessions, ms);
        const m = merged.get(sessions);
        if (!m) merged.set(sessions, p);
        else {
          m.latencies.push(...p.latencies);
          m.calls += p.calls;
          m.offered += p.offered;
          m.durationMs += p.durationMs;
          m.tasksList += p.tasksList;
        }
      }
    }
    const [single, ten, fifty] = [1, 10, 50].map((n) => merged.get(n) as Phase) as [Phase, Phase, Phase];
    const rows: BenchRow[] = [];
    const p50s = percentile(single.latencies, 50);
    const p99s = percentile(single.latencies, 99);
    for (const p of [single, ten, fifty]) {
      const p50 = percentile(p.latencies, 50);
      const p99 = percentile(p.latencies, 99);
      const perSec = p.tasksList / (p.durationMs / 1000);
      const isBase = p === single;
      rows.push({
        case: `${p.sessions} session${p.sessions > 1 ? 's' : ''}: p50 latency`,
        value: `${fmtMs(p50)} ms`,
        ...(isBase ? {} : { baseline: `${fmtMs(p50s)} ms`, ratio: p50 / p50s }),
        verdict: 'INFO',
        data: { sessions: p.sessions, p50, p99, calls: p.calls, durationMs: p.durationMs, tasksList: p.tasksList, latencies: p.latencies },
      });
      rows.push({
        case: `${p.sessions} session${p.sessions > 1 ? 's' : ''}: p99 latency`,
        value: `${fmtMs(p99)} ms`,
        ...(isBase ? {} : { baseline: `${fmtMs(p99s)} ms`, ratio: p99 / p99s }),
        ...(p.sessions === 10 ? { target: `<= ${P99_RATIO_TARGET}x`, verdict: verdict(p99 / p99s <= P99_RATIO_TARGET) } : { verdict: 'INFO' as const }),
      });
      rows.push({
        case: `${p.sessions} session${p.sessions > 1 ? 's' : ''}: Coder tasks-list requests`,
        value: `${perSec.toFixed(2)}/s (${p.tasksList} for ${p.calls} calls; ${p.offered} scheduled)`,
        verdict: 'INFO',
      });
    }
    return {
      id: '4',
      title,
      rows,
      notes: [
        `Each session calls get_fleet_status every ${periodMs} ms (jittered start); ${rounds} rounds of [1 session ${(singleMs / 1000).toFixed(1)} s, 10 sessions ${(multiMs / 1000).toFixed(1)} s, 50 sessions ${(multiMs / 1000).toFixed(1)} s]; p50/p99 are nearest-rank over all calls of a phase; the server is a separate process (node dist/main.js --transport http, bearer auth, default cache TTL 2 s, rate limit off); clients are SDK Streamable HTTP clients in the bench process.`,
        'With a 2 s cache window the ideal is ~0.5 Coder tasks-list requests/s whatever the number of sessions (single-flight joins concurrent misses).',
      ],
    };
  } finally {
    for (const c of clients) await c.close().catch(() => undefined);
    await child.kill();
    await sim.stop();
  }
}
