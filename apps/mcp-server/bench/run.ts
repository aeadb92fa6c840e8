/**
 * Benchmark suite of the MCP server (not a test; never part of `npm test`).
 *
 *   NX_DAEMON=false npx nx run mcp-server:bench      (builds first: scenario 3 spawns dist/main.js)
 *   tsx --conditions=@org/source apps/mcp-server/bench/run.ts
 *
 * Runs each scenario after a warm-up, prints a table of medians and same-run ratios with PASS/FAIL per
 * target, writes bench/results/latest.json (workspace root, git-ignored) and regenerates
 * apps/mcp-server/bench/RESULTS.md. Always exits 0 unless the harness itself breaks.
 *
 * Env: BENCH_RUNS (default 11), BENCH_WARMUP (3), BENCH_SCENARIOS (e.g. "1,2"; default all),
 * BENCH_SIZES (scenario 1, default "100,1000,10000"), BENCH_CHAT_SIZES (scenario 6, default "1000,10000"),
 * BENCH_CHAT_CHANGES (scenario 6, default 1000), BENCH_WORKSPACE_SIZES (scenario 8, default "1000"), BENCH_NO_WRITE=1 (print only).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { environment, mergeMarkdown, renderMarkdown, renderText, type BenchReport, type ScenarioResult } from './lib/report.js';
import { alertsScenario } from './scenarios/alerts.js';
import { chatsScenario } from './scenarios/chats.js';
import { coldStartScenario } from './scenarios/cold-start.js';
import { concurrencyScenario } from './scenarios/concurrency.js';
import { contextCostScenario } from './scenarios/context-cost.js';
import { fleetQueryScenario } from './scenarios/fleet-query.js';
import { rssSoakScenario } from './scenarios/rss-soak.js';
import { trendsScenario } from './scenarios/trends.js';
import { workspacesScenario } from './scenarios/workspaces.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const WORKSPACE_ROOT = resolve(BENCH_DIR, '../../..');

function intEnv(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** HEAD, plus how many source files differ from it (the bench runs the working tree, others' edits included). */
function gitCommit(): string | undefined {
  const git = (args: string[]) => execFileSync('git', args, { cwd: WORKSPACE_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const head = git(['rev-parse', '--short', 'HEAD']).trim();
    const dirty = git(['status', '--porcelain', '--', 'apps/*/src', 'libs/*/src']).split('\n').filter(Boolean).length;
    return dirty > 0 ? `${head} + ${dirty} uncommitted source file(s)` : head;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const runs = intEnv('BENCH_RUNS', 11);
  const warmup = intEnv('BENCH_WARMUP', 3);
  const only = new Set((process.env['BENCH_SCENARIOS'] ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  const sizes = (process.env['BENCH_SIZES'] ?? '100,1000,10000').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
  const started = new Date();
  const scenarios: { id: string; title: string; run: () => Promise<ScenarioResult> }[] = [
    { id: '1', title: 'Fleet query overhead', run: () => fleetQueryScenario({ sizes, runs, warmup }) },
    { id: '2', title: 'Context cost', run: () => contextCostScenario() },
    { id: '3', title: 'Stdio cold start and memory', run: () => coldStartScenario({ runs, warmup, workspaceRoot: WORKSPACE_ROOT, benchDir: BENCH_DIR }) },
    { id: '4', title: 'Concurrency over Streamable HTTP', run: () => concurrencyScenario({ runs, warmup, workspaceRoot: WORKSPACE_ROOT }) },
    { id: '5', title: 'Alert latency', run: () => alertsScenario() },
    {
      id: '6',
      title: 'Agents era (chats)',
      run: () => chatsScenario({ sizes: (process.env['BENCH_CHAT_SIZES'] ?? '1000,10000').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0), runs, warmup, changes: intEnv('BENCH_CHAT_CHANGES', 1000) }),
    },
    { id: '7', title: 'RSS soak over Streamable HTTP', run: () => rssSoakScenario({ workspaceRoot: WORKSPACE_ROOT }) },
    {
      id: '8',
      title: 'Workspace agents',
      run: () => workspacesScenario({ sizes: (process.env['BENCH_WORKSPACE_SIZES'] ?? '1000').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0), runs, warmup }),
    },
    { id: '9', title: 'Trends', run: () => trendsScenario({ runs, warmup }) },
  ];
  out(`coder-fleet-mcp bench: ${runs} runs after ${warmup} warm-up, node ${process.version}`);
  const results: ScenarioResult[] = [];
  for (const s of scenarios) {
    if (only.size > 0 && !only.has(s.id)) continue;
    const t0 = performance.now();
    out(`\n[${s.id}] ${s.title} ...`);
    let result: ScenarioResult;
    try {
      result = await s.run();
    } catch (error) {
      console.error(`[bench] scenario ${s.id} broke:`, error);
      result = { id: s.id, title: s.title, rows: [], notes: [], skipped: `harness error: ${error instanceof Error ? error.message : String(error)}` };
    }
    results.push(result);
    out(renderText({ ...emptyReport(started, runs, warmup), scenarios: [result] }).trimEnd().split('\n').slice(0, -2).join('\n'));
    out(`   (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  const finished = new Date();
  const report: BenchReport = {
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    environment: environment(runs, warmup, gitCommit()),
    scenarios: results,
  };
  out('\n==================== summary ====================');
  out(renderText(report));
  if (process.env['BENCH_NO_WRITE'] === '1') return;
  const jsonPath = join(WORKSPACE_ROOT, 'bench/results/latest.json');
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  const resultsPath = join(BENCH_DIR, 'RESULTS.md');
  // A partial run replaces only its own sections: the slow rows can be re-measured without the whole suite.
  writeFileSync(resultsPath, only.size === 0 ? renderMarkdown(report) : mergeMarkdown(existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : renderMarkdown({ ...report, scenarios: [] }), report));
  out(`\nwrote ${jsonPath} and ${resultsPath}${only.size === 0 ? '' : ` (sections ${[...only].join(', ')} only)`}`);
}

function emptyReport(started: Date, runs: number, warmup: number): BenchReport {
  return { startedAt: started.toISOString(), finishedAt: '', durationMs: 0, environment: environment(runs, warmup), scenarios: [] };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('[bench] failed:', error);
    process.exit(1);
  },
);
