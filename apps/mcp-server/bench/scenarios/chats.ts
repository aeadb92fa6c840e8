/**
 * Scenario 6: the Agents era (Coder 2.37, chats only).
 *
 * a) Fleet query overhead at 1,000 and 10,000 chats: get_fleet_status and list_agents through an
 *    in-process MCP client vs one raw `fetch` of GET /api/v2/chats + `JSON.parse` (target ≤ 1.3x at
 *    10,000), and Coder requests per call (target: 1). One simulated user, so every chat is the token's
 *    own (the fleet is the token's chats plus shared ones).
 * b) Change → delivery through the chat watch socket: 1,000 chats each fail once (a change the watcher
 *    reports at once), paced; each must arrive as exactly one `agent_failed` event on the watcher's batch
 *    listener. The poll interval is 60 s, so only the socket can deliver in time. Target p95 ≤ 250 ms,
 *    0 lost, 0 duplicated.
 */
import { createCoderClient } from '@org/coder-api-client';
import { startCoderSim, type CoderSim } from '@org/coder-sim';
import { systemClock } from '../../src/clock.js';
import { makeConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createFleetRuntime } from '../../src/runtime/fleet-runtime.js';
import { expectOk, fetchOnceRetried, fmtCount, SEED, startInProcessServer } from '../lib/harness.js';
import { verdict, type BenchRow, type ScenarioResult } from '../lib/report.js';
import { fmtMs, median, pairedRuns, percentile, settle } from '../lib/stats.js';

const TITLE = 'Agents era (Coder 2.37, chats): fleet query overhead and watch-socket delivery';
const TARGETS: Record<number, number> = { 10000: 1.3 };
const TOOLS = ['get_fleet_status', 'list_agents'] as const;
const DELIVERY_P95_MS = 250;

const startChatSim = (chats: number): Promise<CoderSim> =>
  startCoderSim({ agents: 0, chats, members: 0, seed: SEED, coderVersion: '2.37', clock: 'real' } as Parameters<typeof startCoderSim>[0]);

async function rawChatsList(sim: CoderSim): Promise<number> {
  const res = await fetchOnceRetried(`${sim.url}/api/v2/chats?limit=10000`, { headers: { 'Coder-Session-Token': sim.token, Accept: 'application/json' } });
  return (JSON.parse(await res.text()) as unknown[]).length;
}

const chatRequests = (sim: CoderSim): { list: number; total: number } => {
  const counters = sim.control.counters() as unknown as Record<string, number>;
  let list = 0;
  let total = 0;
  for (const [route, n] of Object.entries(counters)) {
    total += n;
    if (/^GET \/api\/(v2|experimental)\/chats\/?$/.test(route)) list += n;
  }
  return { list, total };
};

export async function chatsScenario(options: { sizes: number[]; runs: number; warmup: number; changes: number }): Promise<ScenarioResult> {
  const rows: BenchRow[] = [];
  for (const n of options.sizes) {
    const sim = await startChatSim(n);
    const server = await startInProcessServer(sim, { cacheTtlMs: 0 });
    try {
      const listed = await rawChatsList(sim);
      // The version probe and the organization lookup happen once, before the measured calls.
      expectOk('get_fleet_status', await server.call('get_fleet_status', {}));
      for (const tool of TOOLS) {
        const requests: { list: number; total: number }[] = [];
        const samples = await pairedRuns({
          runs: n <= 1000 ? options.runs * 2 : options.runs,
          warmup: options.warmup,
          baseline: () => rawChatsList(sim),
          subject: async () => expectOk(tool, await server.call(tool, {})),
          between: async () => {
            sim.control.resetCounters();
            await settle();
          },
          afterSubject: () => requests.push(chatRequests(sim)),
        });
        const ratio = median(samples.ratios);
        const target = TARGETS[n];
        rows.push({
          case: `${tool} @ ${fmtCount(n)} chats (${fmtCount(listed)} listed)`,
          value: `${fmtMs(median(samples.subject))} ms`,
          baseline: `${fmtMs(median(samples.baseline))} ms`,
          ratio,
          ...(target !== undefined ? { target: `<= ${target}x` } : {}),
          verdict: target !== undefined ? verdict(ratio <= target) : 'INFO',
          data: { tool, chats: n, listed, toolSamplesMs: samples.subject, rawSamplesMs: samples.baseline, medianPairCpuRatio: median(samples.cpuRatios) },
        });
        const maxList = Math.max(...requests.map((r) => r.list));
        const maxTotal = Math.max(...requests.map((r) => r.total));
        rows.push({
          case: `  Coder requests per ${tool} call @ ${fmtCount(n)} chats`,
          value: `${maxList} chats-list (${maxTotal} total)`,
          target: '1',
          verdict: verdict(maxList === 1 && maxTotal === 1),
        });
      }
    } finally {
      await server.close();
      await sim.stop();
    }
  }
  rows.push(...(await deliveryThroughSocket(options.changes)));
  return {
    id: '6',
    title: TITLE,
    rows,
    notes: [
      'Baseline (a): one raw `fetch` of GET /api/v2/chats?limit=10000 + `JSON.parse` against the same simulator (Coder 2.37, real clock, one user). Server cache TTL 0; ratio = median of per-pair ratios.',
      'Delivery (b): the watcher of a runtime on the system clock (poll interval 60 s, debounce 0) with the watch socket open; each change is one chat failing (usage_limit), paced 5 ms apart; latency = the watcher batch carrying its agent_failed event − the moment the simulator made the change.',
      'Chats are mapped incrementally like tasks (listChatsIndexed + runtime/chat-list.ts): a root chat whose bytes are unchanged since the previous read keeps its agents (re-judged only for time-based attention), so only new or changed chats are parsed and mapped; the measured calls are repeated reads (the first read after start maps everything).',
    ],
  };
}

async function deliveryThroughSocket(changes: number): Promise<BenchRow[]> {
  const sim = await startCoderSim({ agents: 0, chats: 0, members: 0, seed: SEED, coderVersion: '2.37', clock: 'manual' } as Parameters<typeof startCoderSim>[0]);
  const config = makeConfig({ coderUrl: sim.url, sessionToken: sim.token, watchIntervalMs: 60_000, watchDebounceMs: 0, watchReconcileMs: 600_000, journalSize: changes * 4 });
  const coder = createCoderClient({ baseUrl: sim.url, sessionToken: sim.token, timeoutMs: config.requestTimeoutMs });
  const runtime = createFleetRuntime({ coder, clock: systemClock, config, log: createLogger({ level: 'silent' }) });
  const ids = Array.from({ length: changes }, (_, i) => sim.control.chats.create({ text: `change ${i}` }).id);
  const changedAt = new Map<string, number>();
  const deliveredAt = new Map<string, number[]>();
  const off = runtime.watch.onBatch((batch) => {
    const at = performance.now();
    for (const e of batch.entries) {
      if (e.event.kind !== 'agent_failed' || !e.event.agentId) continue;
      deliveredAt.set(e.event.agentId, [...(deliveredAt.get(e.event.agentId) ?? []), at]);
    }
  });
  const release = runtime.watch.acquire('bench');
  try {
    const deadline = Date.now() + 15_000;
    while (!(runtime.watch.health().socket?.state === 'connected' && sim.control.sockets.list().some((s) => s.kind === 'watch') && runtime.watch.latest())) {
      if (Date.now() > deadline) throw new Error('watch socket not connected');
      await new Promise((r) => setTimeout(r, 10));
    }
    await runtime.watch.ensureFresh();
    for (const id of ids) {
      changedAt.set(id, performance.now());
      sim.control.chats.fail(id, 'usage_limit');
      await new Promise((r) => setTimeout(r, 5));
    }
    const settleBy = Date.now() + 10_000;
    while (deliveredAt.size < ids.length && Date.now() < settleBy) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    off();
    release();
    runtime.watch.shutdown();
    await sim.stop();
  }
  const latencies: number[] = [];
  let lost = 0;
  let duplicates = 0;
  for (const id of ids) {
    const got = deliveredAt.get(id) ?? [];
    if (got.length === 0) lost += 1;
    if (got.length > 1) duplicates += got.length - 1;
    const first = got[0];
    const t0 = changedAt.get(id);
    if (first !== undefined && t0 !== undefined) latencies.push(first - t0);
  }
  const p50 = latencies.length > 0 ? percentile(latencies, 50) : Number.NaN;
  const p95 = latencies.length > 0 ? percentile(latencies, 95) : Number.NaN;
  return [
    { case: 'change → delivery p50 (watch socket)', value: `${fmtMs(p50)} ms`, verdict: 'INFO', data: { samples: latencies.length } },
    { case: 'change → delivery p95 (watch socket)', value: `${fmtMs(p95)} ms`, target: `<= ${DELIVERY_P95_MS} ms`, verdict: verdict(p95 <= DELIVERY_P95_MS), data: { p95, max: Math.max(...latencies) } },
    { case: `lost / duplicated of ${fmtCount(changes)} changes`, value: `${lost} / ${duplicates}`, target: '0 / 0', verdict: verdict(lost === 0 && duplicates === 0) },
  ];
}
