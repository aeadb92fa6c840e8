/**
 * Scenario 7: memory soak over Streamable HTTP (#18 D5, ../shared/repro/http-followup.mjs: RSS went from
 * ~90 MB to ~700 MB over three rounds of 50 sessions and was never returned). The server runs as its own
 * process (`node dist/main.js --transport http`) against a 1,000-agent simulator; each round opens 50
 * SDK sessions that call get_fleet_status (bulky answers: up to 200 attention rows) for a while, then
 * closes them. The server's VmRSS is read from /proc after each round: with replay stores bounded by bytes
 * (per session and globally, delivered events dropped) it settles instead of growing round after round.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectHttpClient, type HttpClient } from '../../src/testing/http-harness.js';
import { expectOk, startSim } from '../lib/harness.js';
import { verdict, type BenchRow, type ScenarioResult } from '../lib/report.js';
import { fmtBytes } from '../lib/stats.js';
import { spawnStdio } from '../lib/stdio-child.js';
import { freePort, waitHealthy } from './concurrency.js';

const AGENTS = 1000;
const SESSIONS = 50;
/** The last round's RSS against the larger of the first two: at most this (it settles; D5 grew ~8x over three rounds). */
const SETTLE_RATIO_TARGET = 1.25;
const TOKEN = 'bench-bearer-token-0123456789abcdef';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

function rssOf(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export async function rssSoakScenario(options: { workspaceRoot: string }): Promise<ScenarioResult> {
  const title = `RSS soak over Streamable HTTP (${SESSIONS} sessions per round, get_fleet_status on ${AGENTS} agents)`;
  const main = join(options.workspaceRoot, 'apps/mcp-server/dist/main.js');
  if (!existsSync(main)) return { id: '7', title, rows: [], notes: [], skipped: `${main} is missing: run \`npx nx run mcp-server:build\`` };
  if (!existsSync('/proc/self/status')) return { id: '7', title, rows: [], notes: [], skipped: 'RSS is read from /proc (Linux only)' };
  const rounds = Math.max(3, Number(process.env['BENCH_SOAK_ROUNDS'] ?? 4));
  const roundMs = Math.max(500, Number(process.env['BENCH_SOAK_ROUND_MS'] ?? 4000));
  const sim = await startSim(AGENTS);
  const port = await freePort();
  const child = spawnStdio(process.execPath, [main, '--transport', 'http', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: options.workspaceRoot,
    env: { CODER_URL: sim.url, CODER_SESSION_TOKEN: sim.token, FLEET_MCP_AUTH_TOKEN: TOKEN, FLEET_MCP_LOG_LEVEL: 'warn', FLEET_MCP_RATE_LIMIT_PER_MINUTE: '0' },
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(base, 15_000).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; server stderr: ${child.stderr().slice(-1500)}`);
    });
    const before = rssOf(child.pid) ?? 0;
    const after: number[] = [];
    let calls = 0;
    for (let r = 0; r < rounds; r++) {
      const clients: HttpClient[] = [];
      for (let i = 0; i < SESSIONS; i++) clients.push(await connectHttpClient(`${base}/mcp`, { token: TOKEN, name: `soak-${r}-${i}` }));
      const end = performance.now() + roundMs;
      await Promise.all(
        clients.map(async (c) => {
          while (performance.now() < end) {
            expectOk('get_fleet_status', await c.call('get_fleet_status', { max_attention: 200 }));
            calls += 1;
          }
        }),
      );
      for (const c of clients) await c.close().catch(() => undefined);
      await sleep(500);
      after.push(rssOf(child.pid) ?? 0);
    }
    // Settled = no growth round after round: the last round against the larger of the first two (GC is lazy,
    // so one round can sit higher than the next); D5 grew by a round's worth of answers every round.
    const early = Math.max(after[0] ?? 0, after[1] ?? 0);
    const last = after[after.length - 1] ?? 0;
    const rows: BenchRow[] = [
      { case: 'RSS before the first round', value: fmtBytes(before), verdict: 'INFO' },
      ...after.map((rss, i): BenchRow => ({ case: `RSS after round ${i + 1} (sessions closed)`, value: fmtBytes(rss), ...(i > 0 ? { baseline: fmtBytes(after[0] ?? 0), ratio: rss / (after[0] ?? 1) } : {}), verdict: 'INFO' })),
      {
        case: `RSS settles: round ${after.length} vs max(rounds 1-2)`,
        value: fmtBytes(last),
        baseline: fmtBytes(early),
        ratio: early > 0 ? last / early : Number.NaN,
        target: `<= ${SETTLE_RATIO_TARGET}x`,
        verdict: verdict(early > 0 && last / early <= SETTLE_RATIO_TARGET),
        data: { before, after, calls, rounds, roundMs, sessions: SESSIONS },
      },
    ];
    return {
      id: '7',
      title,
      rows,
      notes: [
        `${rounds} rounds of ${SESSIONS} sessions × ${(roundMs / 1000).toFixed(1)} s of back-to-back get_fleet_status (max_attention 200), sessions closed after each round; ${calls} calls in total. The server is a separate process (node dist/main.js --transport http, rate limit off); RSS is its VmRSS 0.5 s after a round's sessions closed.`,
        'Before #18 (D5) replay stores kept every answer per session: RSS grew from ~90 MB to ~750 MB over three 30 s rounds and was never returned.',
      ],
    };
  } finally {
    await child.kill();
    await sim.stop();
  }
}
