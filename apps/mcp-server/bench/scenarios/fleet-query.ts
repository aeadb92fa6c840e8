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
 * The server maps each read incrementally (a task whose bytes did not change keeps its agent), so a
 * repeated call is the steady state a polling superagent sees; the first read after start (nothing to
 * keep) is reported too, on a fresh server per sample, with the number of tasks each read re-parsed.
 *
 * Timing splits (where the time goes) are measured on the same fleet: raw fetch, JSON.parse, the Coder
 * client's listTasksIndexed, a first and a repeated task-list read, toAgents, computeFleetStatus, the
 * tool's zod output validation (what McpServer runs on structuredContent) and JSON.stringify of the
 * result (what stdio would add).
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { agentSortKey, computeFleetStatus, toAgents, type Agent } from '@org/fleet-domain';
import type { AnyTask } from '../../src/coder.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { paginate } from '../../src/tools/shared/cursor.js';
import { createTaskListSource } from '../../src/runtime/task-list.js';
import { attentionThresholds, fleetStatusOptions } from '../../src/runtime/fleet-options.js';
import { systemClock } from '../../src/clock.js';
import { expectOk, fetchOnceRetried, fmtCount, rawTasksList, resultBytes, simCounters, startInProcessServer, startSim } from '../lib/harness.js';
import { verdict, type BenchRow, type ScenarioResult } from '../lib/report.js';
import { fmtBytes, fmtMs, median, pairedRuns, settle, timeAsync } from '../lib/stats.js';

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
    'Baseline: one raw `fetch` of GET /api/v2/tasks + `JSON.parse` against the same simulator (in-process, real clock, seed 42, scenario mixed; Coder 2.36 with Coder Agents off, so the fleet is Tasks only — with both kinds a call also reads the chats list, see scenario 6).',
    'Server cache TTL 0: every call reads Coder (no free iterations from the single-flight cache). Ratio = median of per-pair ratios (raw, then tool, back to back).',
    'Each read is mapped incrementally: tasks whose JSON is byte-for-byte unchanged since the previous read keep their agent (re-judged for time-based attention); only new or changed tasks are parsed and mapped. The simulator\'s fleet is live (real clock), so every read has changes; "first read" rows use a fresh server per sample (nothing to keep).',
    'Where the time goes, by layer and function: `tsx --expose-gc --conditions=@org/source apps/mcp-server/bench/profile.ts get_fleet_status 10000` (writes a .cpuprofile).',
  ];
  for (const n of options.sizes) {
    const sim = await startSim(n, { chatsApi: false });
    const server = await startInProcessServer(sim, { cacheTtlMs: 0 });
    try {
      const { bytes } = await rawTasksList(sim);
      for (const tool of TOOLS) {
        const requests: number[] = [];
        const totals: number[] = [];
        const parsedPerRead: number[] = [];
        let last: CallToolResult | undefined;
        const samples = await pairedRuns({
          // Small fleets are cheap: more samples steady the median where a ratio is most sensitive to noise.
          runs: n <= 1000 ? options.runs * 2 : options.runs,
          warmup: options.warmup,
          baseline: () => rawTasksList(sim),
          subject: async () => (last = expectOk(tool, await server.call(tool, {}))),
          // A settled full GC before every sample (bench runs with --expose-gc): the simulator's heap lives in
          // this process, and a major GC landing inside one side of a pair dominated the 10k-agent variance.
          between: async () => {
            sim.control.resetCounters();
            await settle();
          },
          afterSubject: () => {
            const c = simCounters(sim);
            requests.push(c.tasksList);
            totals.push(c.total);
            const read = server.fleet.runtime.tasks.lastRead();
            if (read) parsedPerRead.push(read.parsed);
          },
        });
        const ratio = median(samples.ratios);
        const cpuRatio = median(samples.cpuRatios);
        const target = TARGETS[n];
        rows.push({
          case: `${tool} @ ${fmtCount(n)} agents`,
          value: `${fmtMs(median(samples.subject))} ms`,
          baseline: `${fmtMs(median(samples.baseline))} ms`,
          ratio,
          ...(target !== undefined ? { target: `<= ${target}x` } : {}),
          verdict: target !== undefined ? verdict(ratio <= target) : 'INFO',
        });
        rows.push({
          case: `  same pairs in CPU time (load-robust cross-check)`,
          value: `${fmtMs(median(samples.subjectCpu))} ms`,
          baseline: `${fmtMs(median(samples.baselineCpu))} ms`,
          ratio: cpuRatio,
          verdict: 'INFO',
          data: {
            tool,
            agents: n,
            tasksBodyBytes: bytes,
            toolMedianMs: median(samples.subject),
            rawMedianMs: median(samples.baseline),
            ratioOfMedians: median(samples.subject) / median(samples.baseline),
            medianPairRatio: ratio,
            medianPairCpuRatio: cpuRatio,
            toolCpuSamplesMs: samples.subjectCpu,
            rawCpuSamplesMs: samples.baselineCpu,
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
        rows.push({
          case: `  tasks parsed per read (new or changed since the previous read) @ ${fmtCount(n)}`,
          value: `${fmtCount(median(parsedPerRead))} of ${fmtCount(n)} (median)`,
          verdict: 'INFO',
          data: { tool, agents: n, parsedPerRead },
        });
      }
      if (n >= 1000) rows.push(await firstRead(sim, n, options));
      if (n >= 1000) notes.push(await splits(sim, server, n, options));
    } finally {
      await server.close();
      await sim.stop();
    }
  }
  return { id: '1', title: 'Fleet query overhead (in-process MCP client vs raw fetch + JSON.parse)', rows, notes };
}

/** get_fleet_status on a fresh server per sample: the first read after start, every task parsed and mapped. */
async function firstRead(sim: Awaited<ReturnType<typeof startSim>>, n: number, options: FleetQueryOptions): Promise<BenchRow> {
  let fresh: Awaited<ReturnType<typeof startInProcessServer>> | undefined;
  const samples = await pairedRuns({
    runs: options.runs,
    warmup: Math.min(1, options.warmup),
    baseline: () => rawTasksList(sim),
    subject: async () => expectOk('get_fleet_status', await (fresh as NonNullable<typeof fresh>).call('get_fleet_status', {})),
    between: async () => {
      await fresh?.close();
      fresh = await startInProcessServer(sim, { cacheTtlMs: 0 });
      await settle();
    },
  });
  await fresh?.close();
  const ratio = median(samples.ratios);
  return {
    case: `  get_fleet_status @ ${fmtCount(n)}, first read after start (all ${fmtCount(n)} tasks parsed and mapped)`,
    value: `${fmtMs(median(samples.subject))} ms`,
    baseline: `${fmtMs(median(samples.baseline))} ms`,
    ratio,
    verdict: 'INFO',
    data: { agents: n, firstReadSamplesMs: samples.subject, rawSamplesMs: samples.baseline, medianPairRatio: ratio },
  };
}

/**
 * Median (and minimum) wall time of each stage of a fleet read, measured on this fleet with a settled GC before each stage
 * (profiling without a profiler), plus the two cheaper variants the findings recommend.
 */
async function splits(
  sim: Awaited<ReturnType<typeof startSim>>,
  server: Awaited<ReturnType<typeof startInProcessServer>>,
  n: number,
  options: FleetQueryOptions,
): Promise<string> {
  const runs = Math.max(5, options.runs);
  const stages = new Map<string, number[]>();
  const statusTool = ALL_TOOLS.find((t) => t.name === 'get_fleet_status');
  const listTool = ALL_TOOLS.find((t) => t.name === 'list_agents');
  const statusResult = expectOk('get_fleet_status', await server.call('get_fleet_status', {}));
  const listResult = expectOk('list_agents', await server.call('list_agents', {}));
  const statusOptions = fleetStatusOptions(server.config);
  const { thresholds: _alreadyApplied, ...withoutReevaluation } = statusOptions;
  for (let i = 0; i < runs + options.warmup; i++) {
    const record = i >= options.warmup;
    const stage = async <T>(label: string, fn: () => T | Promise<T>): Promise<T> => {
      await settle();
      const t = await timeAsync(async () => fn());
      if (record) stages.set(label, [...(stages.get(label) ?? []), t.ms]);
      return t.value;
    };
    const text = await stage('fetch', async () => {
      const res = await fetchOnceRetried(`${sim.url}/api/v2/tasks`, { headers: { 'Coder-Session-Token': sim.token } });
      return res.text();
    });
    const parsed = await stage('JSON.parse', () => JSON.parse(text) as { tasks: AnyTask[] });
    await stage('client listTasksIndexed (fetch + index, nothing parsed)', () => server.coder.listTasksIndexed());
    const source = createTaskListSource({
      coder: server.coder,
      clock: systemClock,
      ttlMs: 0,
      loadTimeoutMs: 60_000,
      owners: [],
      thresholds: attentionThresholds(server.config),
    });
    await stage('task-list read, first (fetch + index + parse and map every task)', () => source.list());
    await stage('task-list read, next (fetch + index + keep unchanged agents)', () => source.list());
    const listed = await stage('client listTasks (fetch + JSON.parse + shape, for reference)', () => server.coder.listTasks());
    const tasks = listed.ok ? listed.value.tasks : parsed.tasks;
    const now = new Date();
    const agents: Agent[] = await stage('toAgents (the whole parsed list, for reference)', () => toAgents(tasks, now, statusOptions.thresholds));
    await stage('computeFleetStatus with thresholds (re-judges attention)', () => computeFleetStatus(agents, now, { ...statusOptions, maxAttention: 20 }));
    await stage('computeFleetStatus without the re-judging', () => computeFleetStatus(agents, now, { ...withoutReevaluation, maxAttention: 20 }));
    await stage('paginate (list_agents default page)', () => paginate(agents, (a) => agentSortKey(a, 'name'), (a) => a.id, { limit: 25, query: 'q' }));
    await stage('zod output validation get_fleet_status', () => statusTool?.outputSchema.safeParse(statusResult.structuredContent));
    await stage('zod output validation list_agents', () => listTool?.outputSchema.safeParse(listResult.structuredContent));
    await stage('JSON.stringify both results', () => JSON.stringify(statusResult) + JSON.stringify(listResult));
  }
  const med = (label: string) => median(stages.get(label) ?? []);
  const min = (label: string) => Math.min(...(stages.get(label) ?? [Number.NaN]));
  const raw = med('fetch') + med('JSON.parse');
  return (
    `Splits @ ${fmtCount(n)} agents (wall ms, median and (min) of ${runs}, GC settled before each stage; % = median / raw fetch+parse median ${fmtMs(raw)} ms; ` +
    `result ${fmtBytes(Buffer.byteLength(JSON.stringify(statusResult)))} get_fleet_status / ${fmtBytes(Buffer.byteLength(JSON.stringify(listResult)))} list_agents): ` +
    [...stages.keys()].map((label) => `${label} ${fmtMs(med(label))} (${fmtMs(min(label))}) ms ${((med(label) / raw) * 100).toFixed(0)}%`).join(', ') +
    '.'
  );
}
