/**
 * Scenario 8: workspace agents (#17) — agents as plain workspaces running an AI app, on Coder 2.40 with neither
 * Tasks nor Chats. Fleet query overhead at 1,000 workspaces: get_fleet_status and list_agents through an in-process
 * MCP client vs the raw paged listing (GET /api/v2/workspaces, one request per page of the same size, the pages
 * after the first with the same bounded concurrency, + `JSON.parse`), and Coder requests per call.
 */
import { startCoderSim, type CoderSim } from '@org/coder-sim';
import { DEFAULT_WORKSPACE_PAGE_SIZE, WORKSPACE_PAGE_CONCURRENCY } from '../../src/backends/workspaces-backend.js';
import { expectOk, fetchOnceRetried, fmtCount, SEED, startInProcessServer } from '../lib/harness.js';
import type { BenchRow, ScenarioResult } from '../lib/report.js';
import { fmtMs, median, pairedRuns, settle } from '../lib/stats.js';

const TITLE = 'Workspace agents (Coder 2.40, no Tasks, no Chats): fleet query overhead vs the raw paged listing';
const TOOLS = ['get_fleet_status', 'list_agents'] as const;

const startWorkspaceSim = (agents: number): Promise<CoderSim> =>
  startCoderSim({ agents, members: 0, seed: SEED, scenario: 'mixed', coderVersion: '2.40', mode: 'workspaces', chatsApi: false, clock: 'real' } as Parameters<typeof startCoderSim>[0]);

/** The limit: the paged listing itself (same page size and concurrency as the backend), parsed, no mapping. */
async function rawPagedListing(sim: CoderSim): Promise<number> {
  const init = { headers: { 'Coder-Session-Token': sim.token, Accept: 'application/json' } };
  const page = async (offset: number) => JSON.parse(await (await fetchOnceRetried(`${sim.url}/api/v2/workspaces?limit=${DEFAULT_WORKSPACE_PAGE_SIZE}&offset=${offset}`, init)).text()) as { workspaces: unknown[]; count: number };
  const first = await page(0);
  const offsets: number[] = [];
  for (let o = DEFAULT_WORKSPACE_PAGE_SIZE; o < first.count; o += DEFAULT_WORKSPACE_PAGE_SIZE) offsets.push(o);
  let listed = first.workspaces.length;
  for (let i = 0; i < offsets.length; i += WORKSPACE_PAGE_CONCURRENCY) {
    const pages = await Promise.all(offsets.slice(i, i + WORKSPACE_PAGE_CONCURRENCY).map(page));
    for (const p of pages) listed += p.workspaces.length;
  }
  return listed;
}

const workspaceRequests = (sim: CoderSim): { list: number; total: number } => {
  let list = 0;
  let total = 0;
  for (const [route, n] of Object.entries(sim.control.counters() as unknown as Record<string, number>)) {
    total += n;
    if (/^GET \/api\/v2\/workspaces\/?$/.test(route)) list += n;
  }
  return { list, total };
};

export async function workspacesScenario(options: { sizes: number[]; runs: number; warmup: number }): Promise<ScenarioResult> {
  const rows: BenchRow[] = [];
  for (const n of options.sizes) {
    const sim = await startWorkspaceSim(n);
    const server = await startInProcessServer(sim, { cacheTtlMs: 0 });
    try {
      const listed = await rawPagedListing(sim);
      // The version probe, the chats probe (404) and the template parameter lookups happen once, before the measured calls.
      expectOk('get_fleet_status', await server.call('get_fleet_status', {}));
      for (const tool of TOOLS) {
        const requests: { list: number; total: number }[] = [];
        const samples = await pairedRuns({
          runs: options.runs,
          warmup: options.warmup,
          baseline: () => rawPagedListing(sim),
          subject: async () => expectOk(tool, await server.call(tool, {})),
          between: async () => {
            sim.control.resetCounters();
            await settle();
          },
          afterSubject: () => requests.push(workspaceRequests(sim)),
        });
        const ratio = median(samples.ratios);
        const pages = Math.max(1, Math.ceil(listed / DEFAULT_WORKSPACE_PAGE_SIZE));
        rows.push({
          case: `${tool} @ ${fmtCount(n)} agent workspaces (${fmtCount(listed)} workspaces listed)`,
          value: `${fmtMs(median(samples.subject))} ms`,
          baseline: `${fmtMs(median(samples.baseline))} ms`,
          ratio,
          verdict: 'INFO',
          data: { tool, agents: n, listed, toolSamplesMs: samples.subject, rawSamplesMs: samples.baseline, medianPairCpuRatio: median(samples.cpuRatios) },
        });
        const maxList = Math.max(...requests.map((r) => r.list));
        const maxTotal = Math.max(...requests.map((r) => r.total));
        rows.push({ case: `  Coder requests per ${tool} call @ ${fmtCount(n)}`, value: `${maxList} workspaces-list page(s) (${maxTotal} total)`, target: String(pages), verdict: maxList === pages && maxTotal === pages ? 'PASS' : 'FAIL' });
      }
    } finally {
      await server.close();
      await sim.stop();
    }
  }
  return {
    id: '8',
    title: TITLE,
    rows,
    notes: [
      `Baseline: the raw paged listing GET /api/v2/workspaces?limit=${DEFAULT_WORKSPACE_PAGE_SIZE}&offset=… (pages after the first ${WORKSPACE_PAGE_CONCURRENCY} at a time) + JSON.parse against the same simulator (workspaces mode, Coder 2.40 with Coder Agents off, real clock). Server cache TTL 0; ratio = median of per-pair ratios.`,
      'The server reads the same pages, keeps the agent workspaces (the AI app, or a template version with an AI prompt parameter: looked up once per version, then remembered) and maps them with fleet-domain (WORKSPACE_STATUS_TABLE), incrementally: pages are indexed, not parsed whole, and a workspace whose JSON is unchanged since the previous read keeps its agent (the live simulator changes some on every read).',
    ],
  };
}
