/**
 * Benchmark (not a test): the store on the paths the server will hit hardest.
 *
 *   npx nx run fleet-store:bench     (tsx --conditions=@org/source libs/fleet-store/bench/store.bench.ts)
 *
 * - watcher cycle: 500 status transitions of a 10,000-agent fleet appended in ONE transaction, on a journal
 *   already holding BENCH_HISTORY events; target ≤ 20 ms median on SQLite (WAL, synchronous=NORMAL). Printed
 *   against a baseline: the same 500 rows inserted with raw better-sqlite3 in one transaction (ratio).
 * - trends: a range query over 30 days of 1-minute samples (43,200 rows), 6-hour buckets; target ≤ 50 ms median.
 *   Printed against a baseline: one plain aggregate (COUNT, AVG) over the same rows (ratio).
 * - the same two on Postgres when FLEET_MCP_TEST_DATABASE_URL is set (informational, no target).
 * Median of RUNS runs after WARMUP. Exit code 1 when a SQLite target fails. Env: BENCH_RUNS (15), BENCH_HISTORY (100000).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type FleetStore, type NewEvent, type StoreResult, type StoreTarget } from '../src/index.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 15);
const WARMUP = 3;
const AGENTS = 10_000;
const TRANSITIONS = 500;
const HISTORY = Number(process.env['BENCH_HISTORY'] ?? 100_000);
const CYCLE_TARGET_MS = 20;
const TRENDS_TARGET_MS = 50;
const MINUTE = 60_000;
const DAYS = 30;
const NOW = Date.UTC(2026, 11, 1);

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
function must<T>(result: StoreResult<T>): T {
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}
async function measure(label: string, fn: (i: number) => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await fn(-1 - i);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  const med = median(times);
  out(`${label.padEnd(56)} median ${med.toFixed(2).padStart(8)} ms   min ${Math.min(...times).toFixed(2).padStart(8)} ms`);
  return med;
}

let cycleNo = 0;
function cycle(): NewEvent[] {
  cycleNo++;
  return Array.from({ length: TRANSITIONS }, (_, i) => {
    const agent = (cycleNo * 7919 + i * 20) % AGENTS;
    return {
      at: NOW + cycleNo * 2_000,
      kind: 'status_changed',
      severity: i % 50 === 0 ? 'warning' : 'info',
      agentId: `agent-${agent}`,
      payload: { agent_id: `agent-${agent}`, from: 'working', to: 'idle', template: `tpl-${agent % 20}`, owner: `user-${agent % 300}` },
      key: `agent-${agent}@${cycleNo}`,
    };
  });
}

async function fill(store: FleetStore): Promise<void> {
  for (let done = 0; done < HISTORY; done += TRANSITIONS) must(await store.events.append(cycle()));
  const samples = [];
  for (let m = 0; m < DAYS * 24 * 60; m++) samples.push({ at: NOW - DAYS * 86_400_000 + m * MINUTE, scope: 'fleet', metrics: { active: m % 97 } });
  for (let i = 0; i < samples.length; i += 5_000) must(await store.samples.write(samples.slice(i, i + 5_000)));
}

async function benchStore(name: string, target: StoreTarget): Promise<{ cycleMs: number; trendsMs: number }> {
  const store = must(await openStore(target));
  await fill(store);
  out(`${name}: journal prefilled with ${HISTORY} events, ${DAYS * 24 * 60} one-minute samples`);
  const cycleMs = await measure(`${name}: watcher cycle (${TRANSITIONS} transitions, 1 tx)`, async () => must(await store.events.append(cycle())));
  const from = NOW - DAYS * 86_400_000;
  const trendsMs = await measure(`${name}: trends range 30 d of 1-min samples, 6 h buckets`, async () => {
    const r = must(await store.samples.range({ scope: 'fleet', metrics: ['active'], from, to: NOW, bucketMs: 6 * 3_600_000 }));
    if (r.series[0]?.buckets.length !== 120) throw new Error('unexpected bucket count');
  });
  await store.close();
  return { cycleMs, trendsMs };
}

/** The floor of a trends query: one aggregate over the same 43,200 rows, no buckets, raw better-sqlite3. */
function scanBaselineMs(path: string): Promise<number> {
  const db = new Database(path, { readonly: true });
  const from = NOW - DAYS * 86_400_000;
  const stmt = db.prepare("SELECT COUNT(value), AVG(value) FROM samples WHERE scope = 'fleet' AND metric = 'active' AND at >= ? AND at < ?");
  return measure('baseline: raw plain aggregate over the same rows', () => stmt.get(from, NOW)).finally(() => db.close());
}

out(`fleet-store bench: ${AGENTS} agents, ${RUNS} runs after ${WARMUP} warm-up, node ${process.version}`);
const dir = mkdtempSync(join(tmpdir(), 'fleet-store-bench-'));
let failed: boolean;
try {
  // Baseline: raw better-sqlite3, same table shape, same durability, same 500 rows in one transaction.
  const raw = new Database(join(dir, 'raw.sqlite'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.exec('CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER, kind TEXT, severity TEXT, agent_id TEXT, payload TEXT, key TEXT UNIQUE)');
  const insert = raw.prepare('INSERT INTO events (at, kind, severity, agent_id, payload, key) VALUES (?, ?, ?, ?, ?, ?)');
  const insertAll = raw.transaction((events: NewEvent[]) => {
    for (const e of events) insert.run(e.at, e.kind, e.severity, e.agentId, JSON.stringify(e.payload), e.key);
  });
  const baselineMs = await measure('baseline: raw better-sqlite3, 500 rows, 1 tx', () => insertAll(cycle()));
  raw.close();

  const sqlite = await benchStore('sqlite', { kind: 'sqlite', path: join(dir, 'fleet.sqlite'), isDefault: false });
  out(`sqlite: watcher cycle / baseline ratio ${(sqlite.cycleMs / baselineMs).toFixed(2)}x`);
  out(`sqlite: trends / plain-aggregate ratio ${(sqlite.trendsMs / (await scanBaselineMs(join(dir, 'fleet.sqlite')))).toFixed(2)}x`);
  const cycleOk = sqlite.cycleMs <= CYCLE_TARGET_MS;
  const trendsOk = sqlite.trendsMs <= TRENDS_TARGET_MS;
  out(`${cycleOk ? 'PASS' : 'FAIL'} sqlite watcher cycle ${sqlite.cycleMs.toFixed(2)} ms (target ≤ ${CYCLE_TARGET_MS} ms)`);
  out(`${trendsOk ? 'PASS' : 'FAIL'} sqlite trends range ${sqlite.trendsMs.toFixed(2)} ms (target ≤ ${TRENDS_TARGET_MS} ms)`);
  failed = !cycleOk || !trendsOk;

  const url = process.env['FLEET_MCP_TEST_DATABASE_URL'];
  if (url) {
    const schema = `fleet_bench_${process.pid}`;
    try {
      await benchStore('postgres', { kind: 'postgres', url, schema });
    } finally {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  } else {
    out('postgres: skipped (FLEET_MCP_TEST_DATABASE_URL not set)');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
