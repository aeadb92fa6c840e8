/**
 * Scenario 9: trends (#14 item 10). get_fleet_trends over 30 days of 1-minute samples (43,200 rows per metric,
 * in a SQLite file as the default store keeps them) through an in-process MCP client, divided by the raw store
 * range query it is built on (the same window, metric and 12-hour buckets, straight on @org/fleet-store), taken
 * back to back in the same run. Target from the issue: get_fleet_trends ≤ 50 ms for one metric. The tool also
 * reads the previous 30 days (for the change; empty here, as in the 43,200-row setup) and renders the
 * view and sparklines; the default five metrics (216,000 rows) are reported for information, and the same on
 * Postgres when FLEET_MCP_TEST_DATABASE_URL is set (a throwaway schema, dropped afterwards).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SampleInput, StoreTarget } from '@org/fleet-store';
import pg from 'pg';
import { systemClock } from '../../src/clock.js';
import { makeConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createFleetRuntime } from '../../src/runtime/fleet-runtime.js';
import { storeHandleForTarget } from '../../src/runtime/store-handle.js';
import { createServer } from '../../src/server.js';
import { connectInProcess } from '../../src/testing/in-process.js';
import { stubCoder } from '../../src/testing/stub-coder.js';
import { expectOk, fmtCount } from '../lib/harness.js';
import { verdict, type BenchRow, type ScenarioResult } from '../lib/report.js';
import { fmtMs, median, pairedRuns } from '../lib/stats.js';

const MINUTE = 60_000;
const DAYS = 30;
const TARGET_MS = 50;
const DEFAULT_METRICS = ['active', 'utilization', 'attention', 'complete', 'error'];

export async function trendsScenario(options: { runs: number; warmup: number }): Promise<ScenarioResult> {
  const rows: BenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'fleet-bench-trends-'));
  const url = process.env['FLEET_MCP_TEST_DATABASE_URL'];
  const schema = `fleet_bench_trends_${process.pid}`;
  try {
    rows.push(...(await measureOn('SQLite', { kind: 'sqlite', path: join(dir, 'fleet.sqlite'), isDefault: false }, options)));
    if (url) rows.push(...(await measureOn('Postgres', { kind: 'postgres', url, schema }, options)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (url) await dropSchema(url, schema);
  }
  return {
    id: '9',
    title: 'Trends: get_fleet_trends over 30 days of 1-minute samples',
    rows,
    notes: [
      'Store: a SQLite file (WAL), and a throwaway Postgres schema when FLEET_MCP_TEST_DATABASE_URL is set (informational), each filled with 43,200 one-minute samples per metric for the last 30 days (scope fleet). Baseline: the raw @org/fleet-store range query over the same window and metrics in 12-hour buckets, taken right before each tool call; ratio = median of per-pair ratios.',
      'The tool adds: input checks, a second range query for the previous 30 days (empty here), the view (means, change, rounding), sparkline text, zod output validation and the in-process MCP round trip.',
      `Load average during the run: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')} (1 / 5 / 15 min) on ${cpus().length} cores: the absolute times move with it, the ratio much less.`,
    ],
  };
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
}

/** get_fleet_trends vs the raw range query on one store: one metric (the target) and the default five. */
async function measureOn(name: string, target: StoreTarget, options: { runs: number; warmup: number }): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const store = storeHandleForTarget(target, systemClock);
  const config = makeConfig({ coderUrl: 'http://coder.test', sessionToken: 't', logLevel: 'silent', sampleInterval: 0 });
  const runtime = createFleetRuntime({ coder: stubCoder(), clock: systemClock, config, store });
  const session = await connectInProcess(createServer({ coder: stubCoder(), clock: systemClock, config, log: createLogger({ level: 'silent' }), runtime }));
  try {
    const now = Date.now();
    const start = now - (now % MINUTE) - DAYS * 24 * 60 * MINUTE;
    const samples: SampleInput[] = [];
    for (let m = 0; m < DAYS * 24 * 60; m++) {
      const i = m % 97;
      samples.push({ at: start + m * MINUTE, scope: 'fleet', metrics: { active: 40 + i, utilization: i / 97, attention: i % 11, complete: m % 13, error: m % 5 } });
    }
    for (let i = 0; i < samples.length; i += 5_000) {
      const written = await store.run((s) => s.samples.write(samples.slice(i, i + 5_000)));
      if (!written.ok) throw new Error(`filling the store failed: ${written.error.message}`);
    }
    // The tool's own window for range=30d ends at the call; the raw query uses the same length and bucket width.
    const raw = async (metrics: readonly string[]) => {
      const to = Date.now();
      const r = await store.run((s) => s.samples.range({ scope: 'fleet', metrics, from: to - DAYS * 24 * 60 * MINUTE, to, bucketMs: 12 * 60 * MINUTE }));
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    };
    for (const metrics of [['active'], DEFAULT_METRICS]) {
      const runs = await pairedRuns({
        runs: options.runs,
        warmup: options.warmup,
        baseline: () => raw(metrics),
        subject: async () => expectOk('get_fleet_trends', await session.call('get_fleet_trends', { range: '30d', metrics })),
      });
      const tool = median(runs.subject);
      // The target is for the default store (SQLite); Postgres is informational.
      const targeted = metrics.length === 1 && target.kind === 'sqlite';
      rows.push({
        case: `${name}: get_fleet_trends 30d, ${metrics.length} metric${metrics.length === 1 ? '' : 's'} (${fmtCount(DAYS * 24 * 60 * metrics.length)} rows)`,
        value: `${fmtMs(tool)} ms`,
        baseline: `${fmtMs(median(runs.baseline))} ms`,
        ratio: median(runs.ratios),
        ...(targeted ? { target: `<= ${TARGET_MS} ms` } : {}),
        verdict: targeted ? verdict(tool <= TARGET_MS) : 'INFO',
        data: { store: target.kind, metrics, rows: DAYS * 24 * 60 * metrics.length, toolSamplesMs: runs.subject, rawSamplesMs: runs.baseline },
      });
    }
    return rows;
  } finally {
    await session.close();
    await runtime.background.stop();
    await store.close();
  }
}
