/**
 * Benchmark (not a test): fleet-domain over 10,000 agents.
 *
 *   npx nx run fleet-domain:bench     (tsx --conditions=@org/source libs/fleet-domain/bench/fleet-status.bench.ts)
 *
 * Measures, as the median of RUNS runs after WARMUP warm-up runs, in the same process:
 * - baseline A: `JSON.parse` of a 10,000-task list body (what the server pays anyway per fetch);
 * - toAgents over the parsed tasks, reported as (JSON.parse + toAgents) / JSON.parse (informational: the server's
 *   budget is 1.3x of fetch + JSON.parse, measured end to end by the server benchmark);
 * - baseline B: a plain single pass over the agents (count statuses, sum a timestamp);
 * - computeFleetStatus; target: < 50 ms median; ratio against baseline B is printed;
 * - diffFleet between two consecutive observations (informational).
 * Exit code 1 when the computeFleetStatus target fails. Env: BENCH_AGENTS (default 10000), BENCH_RUNS (15).
 */
import { computeFleetStatus, diffFleet, toAgents, type Agent } from '../src/index.js';
import { BASE_NOW, buildTaskList } from '../src/testing/index.js';

const N = Number(process.env['BENCH_AGENTS'] ?? 10_000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 21);
const WARMUP = 5;
const FLEET_TARGET_MS = 50;
const MAPPING_RATIO_TARGET = 1.3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

let sink = 0; // keeps results alive so the JIT cannot drop the work
function measure(label: string, fn: () => unknown): number {
  for (let i = 0; i < WARMUP; i++) sink += Number(Boolean(fn()));
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const out = fn();
    times.push(performance.now() - t0);
    sink += Number(Boolean(out));
  }
  const med = median(times);
  out(`${label.padEnd(44)} median ${med.toFixed(2).padStart(8)} ms   min ${Math.min(...times).toFixed(2).padStart(8)} ms`);
  return med;
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

const tasks = buildTaskList(N, BASE_NOW);
const body = JSON.stringify({ tasks, count: tasks.length });
const now = BASE_NOW;

out(`fleet-domain bench: ${N} agents, ${RUNS} runs after ${WARMUP} warm-up, body ${(body.length / 1e6).toFixed(1)} MB, node ${process.version}`);

// Interleaved pairs (parse alone, then parse + map) so both halves of a ratio see the same machine noise.
const parseOnly = () => JSON.parse(body) as { tasks: typeof tasks; count: number };
const parseAndMap = () => toAgents(parseOnly().tasks, now);
for (let i = 0; i < WARMUP; i++) sink += Number(Boolean(parseOnly())) + parseAndMap().length;
const parseTimes: number[] = [];
const parseMapTimes: number[] = [];
const pairRatios: number[] = [];
for (let i = 0; i < RUNS; i++) {
  let t0 = performance.now();
  sink += parseOnly().count;
  const p = performance.now() - t0;
  t0 = performance.now();
  sink += parseAndMap().length;
  const pm = performance.now() - t0;
  parseTimes.push(p);
  parseMapTimes.push(pm);
  pairRatios.push(pm / p);
}
const parseMs = median(parseTimes);
const parseMapMs = median(parseMapTimes);
out(`${'baseline A: JSON.parse(list body)'.padEnd(44)} median ${parseMs.toFixed(2).padStart(8)} ms   min ${Math.min(...parseTimes).toFixed(2).padStart(8)} ms`);
out(`${'JSON.parse + toAgents'.padEnd(44)} median ${parseMapMs.toFixed(2).padStart(8)} ms   min ${Math.min(...parseMapTimes).toFixed(2).padStart(8)} ms`);
const mapMs = measure('toAgents only', () => toAgents(tasks, now));

const agents: Agent[] = toAgents(tasks, now);
const baselineMs = measure('baseline B: plain single pass over agents', () => {
  const counts: Record<string, number> = {};
  let sum = 0;
  for (let i = 0; i < agents.length; i++) {
    const a = agents[i] as Agent;
    counts[a.status] = (counts[a.status] ?? 0) + 1;
    sum += now - a.times.stateSince;
  }
  return sum + Object.keys(counts).length;
});
const fleetMs = measure('computeFleetStatus', () => computeFleetStatus(agents, now, { capacity: N }));

const later = toAgents(tasks, now + 5_000);
const snapshot = diffFleet(undefined, agents, now).snapshot;
measure('diffFleet (two observations 5 s apart)', () => diffFleet(snapshot, later, now + 5_000));

const mappingRatio = median(pairRatios);
const fleetOk = fleetMs < FLEET_TARGET_MS;
const mappingOk = mappingRatio <= MAPPING_RATIO_TARGET;
out('');
out(`computeFleetStatus: ${fleetMs.toFixed(2)} ms median, ${(fleetMs / baselineMs).toFixed(1)}x the plain single pass (${baselineMs.toFixed(2)} ms); target < ${FLEET_TARGET_MS} ms: ${fleetOk ? 'PASS' : 'FAIL'}`);
out(
  `toAgents: ${mapMs.toFixed(2)} ms median; JSON.parse + toAgents = ${mappingRatio.toFixed(2)}x JSON.parse alone (median of ${RUNS} interleaved pairs; parse ${parseMs.toFixed(2)} ms); ` +
    `server budget <= ${MAPPING_RATIO_TARGET}x of fetch + JSON.parse (this in-process baseline has no fetch, so it is stricter): ${mappingOk ? 'WITHIN' : 'ABOVE'}`,
);
if (sink < 0) out('unreachable');
// The target is computeFleetStatus < 50 ms; the mapping ratio is informational here (the server's
// end-to-end benchmark owns the fetch + parse + map budget).
process.exitCode = fleetOk ? 0 : 1;
