/**
 * Scenario 1: fleet query overhead. get_fleet_status and list_agents (defaults) through an in-process MCP
 * client, divided by one raw `fetch` of the simulator's tasks list plus `JSON.parse` (the limit: Coder has
 * no task pagination, so every fleet read pays at least that).
 *
 * Fairness: the server runs with `cacheTtlMs: 0`, so its single-flight/TTL cache never serves a later
 * iteration from memory; every tool call is one real Coder request (checked with the sim's counters).
 * Each sample is a (raw, tool) pair taken back to back; the ratio is the median of the pair ratios.
 * The in-process client never calls tools/list, so no client-side output validation is included.
 *
 * Timing splits (where the time goes) are measured on the same fleet: raw fetch, JSON.parse, the Coder
 * client's listTasks, toAgents, computeFleetStatus, the tool's zod output validation (what McpServer
 * runs on structuredContent) and JSON.stringify of the result (what stdio would add).
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { computeFleetStatus, toAgents, type Agent } from '@org/fleet-domain';
import type { AnyTask } from '../../src/coder.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { attentionThresholds } from '../../src/tools/shared/fleet.js';
import { expectOk, fetchOnceRetried, fmtCount, rawTasksList, resultBytes, simCounters, startInProcessServer, startSim } from '../lib/harness.js';
import { verdict, type BenchRow, type ScenarioResult } from '../lib/report.js';
import { fmtBytes, fmtMs, median, pairedRuns, timeAsync } from '../lib/stats.js';

export interface FleetQueryOptions {
  sizes: number[];
  runs: number;
  warmup: number;
}

const TARGETS: Record<number, number> = { 1000: 1.5, 10000: 1.3 };
const TOOLS = ['get_fleet_status', 'list_agents'] as const;

export async function fleetQueryScenario(options: FleetQueryOptions): Promise<ScenarioResult> {
  const rows: BenchRow[] = [];
  const notes: string[] = [
    'Baseline: one raw `fetch` of GET /api/v2/tasks + `JSON.parse` against the same simulator (in-process, real clock, seed 42, scenario mixed).',
    'Server cache TTL 0: every call reads Coder (no free iterations from the single-flight cache). Ratio = median of per-pair ratios (raw, then tool, back to back).',
    'Where the time goes, by layer and function: `tsx --expose-gc --conditions=@org/source apps/mcp-server/bench/profile.ts get_fleet_status 10000` (writes a .cpuprofile).',
  ];
  for (const n of options.sizes) {
    const sim = await startSim(n);
    const server = await startInProcessServer(sim, { cacheTtlMs: 0 });
    try {
      const { bytes } = await rawTasksList(sim);
      for (const tool of TOOLS) {
        const requests: number[] = [];
        const totals: number[] = [];
        let last: CallToolResult | undefined;
        const samples = await pairedRuns({
          runs: options.runs,
          warmup: options.warmup,
          baseline: () => rawTasksList(sim),
          subject: async () => (last = expectOk(tool, await server.call(tool, {}))),
          between: () => sim.control.resetCounters(),
          afterSubject: () => {
            const c = simCounters(sim);
            requests.push(c.tasksList);
            totals.push(c.total);
          },
        });
        const ratio = median(samples.ratios);
        const target = TARGETS[n];
        rows.push({
          case: `${tool} @ ${fmtCount(n)} agents`,
          value: `${fmtMs(median(samples.subject))} ms`,
          baseline: `${fmtMs(median(samples.baseline))} ms`,
          ratio,
          ...(target !== undefined ? { target: `<= ${target}x` } : {}),
          verdict: target !== undefined ? verdict(ratio <= target) : 'INFO',
          data: {
            tool,
            agents: n,
            tasksBodyBytes: bytes,
            toolMedianMs: median(samples.subject),
            rawMedianMs: median(samples.baseline),
            ratioOfMedians: median(samples.subject) / median(samples.baseline),
            medianPairRatio: ratio,
            toolSamplesMs: samples.subject,
            rawSamplesMs: samples.baseline,
            resultBytes: last ? resultBytes(last) : undefined,
          },
        });
        const maxReq = Math.max(...requests);
        const maxTotal = Math.max(...totals);
        rows.push({
          case: `  Coder requests per ${tool} call @ ${fmtCount(n)}`,
          value: `${maxReq} tasks-list (${maxTotal} total)`,
          target: '1',
          verdict: verdict(maxReq === 1 && maxTotal === 1),
          data: { tool, agents: n, tasksListPerCall: requests, totalPerCall: totals },
        });
      }
      if (n >= 1000) notes.push(await splits(sim, server, n, options));
    } finally {
      await server.close();
      await sim.stop();
    }
  }
  return { id: '1', title: 'Fleet query overhead (in-process MCP client vs raw fetch + JSON.parse)', rows, notes };
}

/** Median time of each stage of a fleet read, measured on this fleet (profiling without a profiler). */
async function splits(
  sim: Awaited<ReturnType<typeof startSim>>,
  server: Awaited<ReturnType<typeof startInProcessServer>>,
  n: number,
  options: FleetQueryOptions,
): Promise<string> {
  const runs = Math.max(5, options.runs);
  const fetchMs: number[] = [];
  const parseMs: number[] = [];
  const clientMs: number[] = [];
  const mapMs: number[] = [];
  const statusMs: number[] = [];
  const validateStatusMs: number[] = [];
  const validateListMs: number[] = [];
  const stringifyMs: number[] = [];
  const statusTool = ALL_TOOLS.find((t) => t.name === 'get_fleet_status');
  const listTool = ALL_TOOLS.find((t) => t.name === 'list_agents');
  const statusResult = expectOk('get_fleet_status', await server.call('get_fleet_status', {}));
  const listResult = expectOk('list_agents', await server.call('list_agents', {}));
  const thresholds = attentionThresholds(server.config);
  for (let i = 0; i < runs + options.warmup; i++) {
    const record = i >= options.warmup;
    const f = await timeAsync(async () => {
      const res = await fetchOnceRetried(`${sim.url}/api/v2/tasks`, { headers: { 'Coder-Session-Token': sim.token } });
      return res.text();
    });
    const p = await timeAsync(async () => JSON.parse(f.value) as { tasks: AnyTask[] });
    const c = await timeAsync(() => server.coder.listTasks());
    const tasks = c.value.ok ? c.value.value.tasks : p.value.tasks;
    const now = new Date();
    const m = await timeAsync(async () => toAgents(tasks, now, thresholds));
    const agents: Agent[] = m.value;
    const s = await timeAsync(async () => computeFleetStatus(agents, now, { thresholds, maxAttention: 20 }));
    const vs = await timeAsync(async () => statusTool?.outputSchema.safeParse(statusResult.structuredContent));
    const vl = await timeAsync(async () => listTool?.outputSchema.safeParse(listResult.structuredContent));
    const j = await timeAsync(async () => JSON.stringify(statusResult) + JSON.stringify(listResult));
    if (!record) continue;
    fetchMs.push(f.ms);
    parseMs.push(p.ms);
    clientMs.push(c.ms);
    mapMs.push(m.ms);
    statusMs.push(s.ms);
    validateStatusMs.push(vs.ms);
    validateListMs.push(vl.ms);
    stringifyMs.push(j.ms);
  }
  const raw = median(fetchMs) + median(parseMs);
  const pct = (ms: number) => `${((ms / raw) * 100).toFixed(0)}%`;
  const part = (label: string, xs: number[]) => `${label} ${fmtMs(median(xs))} ms (${pct(median(xs))})`;
  return (
    `Splits @ ${fmtCount(n)} agents (medians; % of raw fetch+parse = ${fmtMs(raw)} ms; body ${fmtBytes(Buffer.byteLength(JSON.stringify(statusResult)))} status / ` +
    `${fmtBytes(Buffer.byteLength(JSON.stringify(listResult)))} list result): ` +
    [
      part('fetch', fetchMs),
      part('JSON.parse', parseMs),
      part('client listTasks (fetch+parse+shape)', clientMs),
      part('toAgents', mapMs),
      part('computeFleetStatus', statusMs),
      part('zod output validation status', validateStatusMs),
      part('zod output validation list', validateListMs),
      part('JSON.stringify both results', stringifyMs),
    ].join(', ') +
    '.'
  );
}
