/**
 * Scenario 3: stdio cold start and memory. Spawns `node apps/mcp-server/dist/main.js` (CODER_URL and
 * CODER_SESSION_TOKEN pointing at the simulator) and times spawn → initialize answer and spawn → first
 * tools/list answer, divided by the same for bench/floor-server.mjs (a bare MCP SDK server with one
 * tool). Pairs alternate (floor, server) so both see the same machine state.
 * Memory: the child's VmRSS from /proc/<pid>/status after start and after listing a 10,000-agent fleet.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { fmtCount, startSim } from '../lib/harness.js';
import { verdict, type BenchRow, type ScenarioResult } from '../lib/report.js';
import { fmtBytes, fmtMs, median } from '../lib/stats.js';
import { coldStart, spawnStdio, type StdioChild } from '../lib/stdio-child.js';

const execFileAsync = promisify(execFile);
const RATIO_TARGET = 1.5;
/** The installable package's one-file bundle (nx run mcp-server:package) must start close to the floor. */
const BUNDLE_RATIO_TARGET = 1.1;
const RSS_TARGET = 150 * 1024 * 1024;
const FLEET = 10_000;

export interface ColdStartOptions {
  runs: number;
  warmup: number;
  workspaceRoot: string;
  benchDir: string;
}

export async function coldStartScenario(options: ColdStartOptions): Promise<ScenarioResult> {
  const title = 'Stdio cold start and memory (node dist/main.js vs a bare MCP SDK server)';
  const main = join(options.workspaceRoot, 'apps/mcp-server/dist/main.js');
  const floor = join(options.benchDir, 'floor-server.mjs');
  if (!existsSync(main)) return { id: '3', title, rows: [], notes: [], skipped: `${main} is missing: run \`npx nx run mcp-server:build\` (the bench target does)` };

  const rows: BenchRow[] = [];
  const notes: string[] = [
    'Times are from spawn() to the answer line on stdout; the server also runs its start-up check against the simulator (as in real use), the floor does nothing but answer.',
  ];
  const sim = await startSim(100);
  const env = { CODER_URL: sim.url, CODER_SESSION_TOKEN: sim.token, FLEET_MCP_LOG_LEVEL: 'warn' };
  const spawnMain = () => spawnStdio(process.execPath, [main], { env, cwd: options.workspaceRoot });
  const spawnFloor = () => spawnStdio(process.execPath, [floor], { cwd: options.workspaceRoot });
  const once = async (start: () => StdioChild) => {
    const child = start();
    try {
      const t = await coldStart(child);
      return { ...t, memory: child.memory() };
    } finally {
      await child.kill();
    }
  };
  try {
    for (let i = 0; i < options.warmup; i++) {
      await once(spawnFloor);
      await once(spawnMain);
    }
    const f = { init: [] as number[], list: [] as number[], rss: [] as number[] };
    const m = { init: [] as number[], list: [] as number[], rss: [] as number[], tools: 0 };
    const initRatios: number[] = [];
    const listRatios: number[] = [];
    // Spawns are cheap and noisy (module loading is file-system bound): twice the runs for a steadier median.
    for (let i = 0; i < options.runs * 2; i++) {
      const a = await once(spawnFloor);
      const b = await once(spawnMain);
      f.init.push(a.initializeMs);
      f.list.push(a.toolsListMs);
      m.init.push(b.initializeMs);
      m.list.push(b.toolsListMs);
      m.tools = b.tools;
      if (a.memory) f.rss.push(a.memory.rss);
      if (b.memory) m.rss.push(b.memory.rss);
      initRatios.push(b.initializeMs / a.initializeMs);
      listRatios.push(b.toolsListMs / a.toolsListMs);
    }
    const initRatio = median(initRatios);
    const listRatio = median(listRatios);
    rows.push({
      case: 'spawn → initialize answer',
      value: `${fmtMs(median(m.init))} ms`,
      baseline: `${fmtMs(median(f.init))} ms floor`,
      ratio: initRatio,
      target: `<= ${RATIO_TARGET}x`,
      verdict: verdict(initRatio <= RATIO_TARGET),
      data: { serverMs: m.init, floorMs: f.init, medianPairRatio: initRatio },
    });
    rows.push({
      case: `spawn → first tools/list answer (${m.tools} tools)`,
      value: `${fmtMs(median(m.list))} ms`,
      baseline: `${fmtMs(median(f.list))} ms floor`,
      ratio: listRatio,
      target: `<= ${RATIO_TARGET}x`,
      verdict: verdict(listRatio <= RATIO_TARGET),
      data: { serverMs: m.list, floorMs: f.list, medianPairRatio: listRatio, tools: m.tools },
    });
    rows.push({
      case: 'RSS after start (after tools/list)',
      value: fmtBytes(median(m.rss)),
      baseline: `${fmtBytes(median(f.rss))} floor`,
      ratio: median(m.rss) / median(f.rss),
      target: `< ${fmtBytes(RSS_TARGET)}`,
      verdict: verdict(median(m.rss) < RSS_TARGET),
      data: { serverRss: m.rss, floorRss: f.rss },
    });
    const bundle = join(options.workspaceRoot, 'apps/mcp-server/dist-package/dist/bin/coder-fleet-mcp.js');
    if (existsSync(bundle)) {
      const spawnBundle = () => spawnStdio(process.execPath, [bundle], { env, cwd: options.workspaceRoot });
      for (let i = 0; i < options.warmup; i++) await once(spawnBundle);
      const pairs = { init: [] as number[], list: [] as number[], bundleInit: [] as number[], bundleList: [] as number[] };
      for (let i = 0; i < options.runs * 2; i++) {
        const a = await once(spawnFloor);
        const b = await once(spawnBundle);
        pairs.init.push(b.initializeMs / a.initializeMs);
        pairs.list.push(b.toolsListMs / a.toolsListMs);
        pairs.bundleInit.push(b.initializeMs);
        pairs.bundleList.push(b.toolsListMs);
      }
      for (const [what, ratios, ms] of [
        ['initialize', pairs.init, pairs.bundleInit],
        ['first tools/list', pairs.list, pairs.bundleList],
      ] as const) {
        const ratio = median([...ratios]);
        rows.push({
          case: `installed bundle (dist-package, one ESM file): spawn → ${what} answer`,
          value: `${fmtMs(median([...ms]))} ms`,
          baseline: 'bare MCP SDK server',
          ratio,
          target: `<= ${BUNDLE_RATIO_TARGET}x`,
          verdict: verdict(ratio <= BUNDLE_RATIO_TARGET),
          data: { bundleMs: ms, medianPairRatio: ratio },
        });
      }
    } else notes.push(`${bundle} is missing: run \`npx nx run mcp-server:package\` (the bench target does) for the bundle rows.`);
  } finally {
    await sim.stop();
  }
  rows.push(...(await memoryAtScale(main, options)));
  notes.push(
    'Memory floor (bench/floor-reader.mjs): a bare Node process doing the same reads the plainest way (fetch + text + JSON.parse, keeping the latest list). ' +
      'Under repeated reads of a ~12 MB body both plateau well above their first-read level, because V8 frees large response buffers and old lists only at its next major GC; ' +
      'the sustained row is therefore tracked as a ratio to that floor, and the < 150 MB target applies to the first reads, as the issue states it.',
  );
  return { id: '3', title, rows, notes };
}

/** RSS of the stdio server after it has listed a 10,000-agent fleet (list_agents, then get_fleet_status). */
async function memoryAtScale(main: string, options: ColdStartOptions): Promise<BenchRow[]> {
  const sim = await startSim(FLEET);
  const runs = Math.max(1, Math.min(5, options.runs));
  const afterList: number[] = [];
  const afterStatus: number[] = [];
  const peaks: number[] = [];
  const sustained: number[] = [];
  const sustainedPeaks: number[] = [];
  const floor: FloorReading[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      floor.push(await floorReading(options, sim.url, sim.token));
      const child = spawnStdio(process.execPath, [main], {
        env: { CODER_URL: sim.url, CODER_SESSION_TOKEN: sim.token, FLEET_MCP_LOG_LEVEL: 'warn' },
        cwd: options.workspaceRoot,
        timeoutMs: 120_000,
      });
      try {
        await coldStart(child);
        const call = async (name: string) => {
          const r = await child.request('tools/call', { name, arguments: {} });
          if ((r.result as { isError?: boolean }).isError) throw new Error(`${name} failed: ${JSON.stringify(r.result).slice(0, 500)}`);
        };
        await call('list_agents');
        const a = child.memory();
        await call('get_fleet_status');
        const b = child.memory();
        // Sustained use: a superagent keeps polling; four more reads, two of them after the cache window.
        for (const name of ['list_agents', 'get_fleet_status']) {
          await new Promise((resolve) => setTimeout(resolve, 2_100));
          await call(name);
          await call(name);
        }
        const c = child.memory();
        if (a) afterList.push(a.rss);
        if (b) {
          afterStatus.push(b.rss);
          peaks.push(b.peak);
        }
        if (c) {
          sustained.push(c.rss);
          sustainedPeaks.push(c.peak);
        }
      } finally {
        await child.kill();
      }
    }
  } finally {
    await sim.stop();
  }
  const floorFirst = median(floor.map((f) => f.afterFirstRss));
  const floorEnd = median(floor.map((f) => f.rss));
  return [
    {
      case: `RSS after list_agents on ${fmtCount(FLEET)} agents (baseline: bare Node after one raw fetch + JSON.parse)`,
      value: fmtBytes(median(afterList)),
      baseline: `${fmtBytes(floorFirst)} floor`,
      ratio: median(afterList) / floorFirst,
      target: `< ${fmtBytes(RSS_TARGET)}`,
      verdict: verdict(median(afterList) < RSS_TARGET),
      data: { rss: afterList, floorAfterFirstRead: floor.map((f) => f.afterFirstRss) },
    },
    {
      case: `RSS after get_fleet_status too (the documented first call; peak VmHWM ${fmtBytes(median(peaks))})`,
      value: fmtBytes(median(afterStatus)),
      target: `< ${fmtBytes(RSS_TARGET)}`,
      verdict: verdict(median(afterStatus) < RSS_TARGET && median(peaks) < RSS_TARGET),
      data: { rss: afterStatus, peak: peaks },
    },
    {
      case: `RSS after 4 more reads, 2 past the cache window (peak VmHWM ${fmtBytes(median(sustainedPeaks))}; floor: the same 6 reads, peak ${fmtBytes(median(floor.map((f) => f.peak)))})`,
      value: fmtBytes(median(sustained)),
      baseline: `${fmtBytes(floorEnd)} floor`,
      ratio: median(sustained) / floorEnd,
      verdict: 'INFO',
      data: { rss: sustained, peak: sustainedPeaks, floorRss: floor.map((f) => f.rss), floorPeak: floor.map((f) => f.peak) },
    },
  ];
}

interface FloorReading {
  afterFirstRss: number;
  rss: number;
  peak: number;
}

/** bench/floor-reader.mjs: what a bare Node process holds for the same reads (fetch + text + JSON.parse). */
async function floorReading(options: ColdStartOptions, url: string, token: string): Promise<FloorReading> {
  const { stdout } = await execFileAsync(process.execPath, [join(options.benchDir, 'floor-reader.mjs'), url, token], { cwd: options.workspaceRoot, timeout: 120_000 });
  return JSON.parse(stdout) as FloorReading;
}
