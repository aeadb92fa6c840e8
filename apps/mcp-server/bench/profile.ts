/**
 * Profiles one fleet tool end to end (in-process client → server → simulator) and says where the time
 * goes, by layer and by function. Writes the raw .cpuprofile (open it in Chrome DevTools → Performance).
 *
 *   tsx --expose-gc --conditions=@org/source apps/mcp-server/bench/profile.ts [tool] [agents] [calls]
 *   (defaults: get_fleet_status 10000 20)
 *
 * The simulator runs in the same process; its share is reported as its own layer ("simulator (Coder
 * side)"), so the server's overhead is everything else minus the raw fetch + JSON.parse.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { profile, renderSummary, summarize, type Probe } from './lib/cpu-profile.js';
import { expectOk, fmtCount, startInProcessServer, startSim } from './lib/harness.js';
import { collectGarbage } from './lib/stats.js';

const WORKSPACE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const FLEET_PROBES: readonly Probe[] = [
  { label: 'sim: serve tasks list (listTasks)', fn: 'listTasks', layer: 'simulator (Coder side)' },
  { label: 'client: one request (fetch + decode)', fn: 'once', layer: 'coder-api-client' },
  { label: 'client: index the body (TaskListBody.from)', fn: 'from', layer: 'coder-api-client' },
  { label: 'server: incremental mapping (mapRead)', fn: 'mapRead', layer: 'mcp-server' },
  { label: 'domain: map a changed task (mapTask)', fn: 'mapTask', layer: 'fleet-domain' },
  { label: 'domain: re-judge a kept agent (reassessAgent)', fn: 'reassessAgent', layer: 'fleet-domain' },
  { label: 'domain: computeFleetStatus', fn: 'computeFleetStatus', layer: 'fleet-domain' },
  { label: 'domain: detectOutliers', fn: 'detectOutliers', layer: 'fleet-domain' },
  { label: 'server: tool handle()', fn: 'handle', layer: 'mcp-server' },
  { label: 'server: toOutput', fn: 'toOutput', layer: 'mcp-server' },
  { label: 'server: render (text)', fn: 'render', layer: 'mcp-server' },
  { label: 'SDK: validateToolOutput (zod)', fn: 'validateToolOutput', layer: 'MCP SDK' },
  { label: 'SDK: safeParse (all zod parses)', fn: 'safeParse', layer: 'MCP SDK' },
];

async function main(): Promise<void> {
  const tool = process.argv[2] ?? 'get_fleet_status';
  const agents = Number(process.argv[3] ?? 10_000);
  const calls = Number(process.argv[4] ?? 20);
  const sim = await startSim(agents);
  const server = await startInProcessServer(sim, { cacheTtlMs: 0 });
  try {
    for (let i = 0; i < 3; i++) expectOk(tool, await server.call(tool, {}));
    collectGarbage();
    const { profile: p } = await profile(async () => {
      for (let i = 0; i < calls; i++) expectOk(tool, await server.call(tool, {}));
    });
    const summary = summarize(p, FLEET_PROBES);
    const dir = join(WORKSPACE_ROOT, 'bench/results/profiles');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${tool}-${agents}.cpuprofile`);
    writeFileSync(file, JSON.stringify(p));
    process.stdout.write(
      [`${tool} × ${calls} calls @ ${fmtCount(agents)} agents (cache TTL 0)`, ...renderSummary(summary), `profile: ${file}`].join('\n') + '\n',
    );
  } finally {
    await server.close();
    await sim.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('[profile] failed:', error);
    process.exit(1);
  },
);
