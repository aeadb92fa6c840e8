import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPARK_GAP } from '@org/fleet-domain';
import { makeConfig } from '../../config.js';
import { isSchemaRejection, textOf } from '../../testing/in-process.js';
import { annotationsOf, expectFailure, expectReadOnlyAnnotations, structured } from '../../testing/tool-assertions.js';
import { startWatchFixture, type WatchFixture } from '../../testing/watch-fixture.js';
import { ALL_TOOLS, selectTools } from '../index.js';
import type { TrendView } from '../../views/trend.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('get_fleet_trends', () => {
  let fx: WatchFixture;
  const call = (args: Record<string, unknown> = {}) => fx.main.call('get_fleet_trends', args);
  beforeAll(async () => {
    fx = await startWatchFixture({ sim: { agents: 24, scenario: 'steady' }, config: { sampleInterval: 60 } });
  });
  afterAll(async () => {
    await fx.runtime.background.stop();
    await fx.close();
  });

  it('is read-only with all four hints, in the fleet toolset, and served in --read-only mode', async () => {
    expectReadOnlyAnnotations(await annotationsOf(fx.main.client, 'get_fleet_trends'));
    const readOnly = selectTools(makeConfig({ coderUrl: 'http://x', sessionToken: 't', readOnly: true }), ALL_TOOLS);
    expect(readOnly.ok && readOnly.tools.map((t) => t.name)).toContain('get_fleet_trends');
  });

  it('before the first sample: a notice saying sampling started and when the first sample comes (it starts the sampler)', async () => {
    const r = await call({ range: '1h' });
    expect(r.isError).toBeFalsy();
    const s = structured<TrendView>(r);
    expect(s.series).toEqual([]);
    expect(s.sampling).toMatchObject({ interval_s: 60, running: true });
    expect(s.notice).toMatch(/sampling started at .*Z, one sample every 60 s; the first is written within 60 s/);
    expect(textOf(r)).toContain(s.notice);
  });

  it('after sampling: one series per metric over ~60 buckets, gaps before the first sample, and sparklines', async () => {
    await fx.scheduler.flush();
    await fx.advance(10 * MINUTE);
    const r = await call({ range: '1h' });
    const s = structured<TrendView>(r);
    expect(s.notice).toBeUndefined();
    expect(s.window.bucket_ms).toBe(MINUTE);
    expect(s.window.bucket_starts).toHaveLength(60);
    expect(s.series.map((x) => x.metric)).toEqual(['active', 'utilization', 'attention', 'complete', 'error']);
    const active = s.series.find((x) => x.metric === 'active');
    const sampled = active?.samples.filter((n) => n > 0).length ?? 0;
    expect(sampled).toBeGreaterThanOrEqual(10);
    expect(active?.values.slice(0, 40).every((v) => v === null)).toBe(true); // before sampling started: gaps, not 0
    expect(active?.values.filter((v) => v !== null).every((v) => typeof v === 'number' && v > 0)).toBe(true);
    expect(active?.change).toMatchObject({ previous: null, absolute: null, percent: null });
    const text = textOf(r);
    expect(text).toMatch(/^Trends of fleet from .* 60 buckets of 1m \(· = no sample\)/);
    expect(text).toMatch(new RegExp(`active +${SPARK_GAP}{40,}[▁▂▃▄▅▆▇█]+`));
    expect(text).toContain('Next: get_fleet_status');
  });

  it('since/until: gaps stay null (never 0) and the change against the previous window is computed', async () => {
    const end = fx.clock.now().getTime() - 2 * DAY;
    const start = end - HOUR;
    const write = (at: number, active: number | null) => ({ at, scope: 'fleet', metrics: { active } });
    const samples = [
      ...Array.from({ length: 60 }, (_, i) => write(start - HOUR + i * MINUTE, 10)), // previous window: 10
      ...Array.from({ length: 60 }, (_, i) => i).filter((i) => i < 20 || i >= 30).map((i) => write(start + i * MINUTE, 15)), // this window: 15 with a 10-min gap
      write(start + 25 * MINUTE, null), // an unknown value is a gap too
    ];
    const written = await fx.runtime.store.run((st) => st.samples.write(samples));
    expect(written.ok).toBe(true);
    const s = structured<TrendView>(await call({ since: new Date(start).toISOString(), until: new Date(end).toISOString(), metrics: ['active'] }));
    const [active] = s.series;
    expect(active?.values).toHaveLength(60);
    expect(active?.values.slice(20, 30)).toEqual(Array(10).fill(null));
    expect(active?.samples.slice(20, 30)).toEqual(Array(10).fill(0));
    expect(active?.values.filter((v) => v !== null)).toEqual(Array(50).fill(15));
    expect(active?.change).toEqual({ current: 15, previous: 10, absolute: 5, percent: 50 });
  });

  it('template and owner scopes answer their own series; a metric not sampled per scope is refused clearly', async () => {
    const status = structured<{ per_template: { template: string; total: number }[] }>(await fx.main.call('get_fleet_status'));
    const template = status.per_template[0]?.template as string;
    const s = structured<TrendView>(await call({ range: '1h', template, metrics: ['busy', 'active'] }));
    expect(s.scope).toBe(`template:${template}`);
    expect(s.series.map((x) => x.metric)).toEqual(['busy', 'active']); // as asked
    expect(s.series[0]?.values.some((v) => v !== null)).toBe(true);
    const unsampled = structured<TrendView>(await call({ owner: 'nobody-here' }));
    expect(unsampled.series).toEqual([]);
    expect(unsampled.notice).toContain('Only the 5 largest templates and owners are sampled');
    expect(expectFailure(await call({ template, metrics: ['idle'] }), 'invalid_argument')).toMatch(/idle is not sampled per template or owner/);
  });

  it.each([
    [{ range: '1h', since: '2026-01-01T00:00:00Z' }, /range and since\/until were both given/],
    [{ until: '2026-01-01T00:00:00Z' }, /until needs since/],
    [{ template: 'a', owner: 'b' }, /template and owner were both given/],
    [{ since: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z' }, /is not after since/],
  ])('refuses %j with invalid_argument', async (args, message) => {
    expect(expectFailure(await call(args), 'invalid_argument')).toMatch(message);
  });

  it('refuses an unknown metric listing the valid ones; an unknown range at the schema', async () => {
    const text = expectFailure(await call({ metrics: ['busy', 'speed'] }), 'invalid_argument');
    expect(text).toMatch(/Unknown metric "speed"/);
    expect(text).toMatch(/Choose from total, starting, busy, .*median_time_to_complete_ms, cost_micros/);
    expect(await isSchemaRejection(call({ range: '2h' }))).toBe(true);
  });

  it('a failing store is an isError naming what failed and what to do', async () => {
    const store = fx.runtime.store;
    const run = store.run;
    store.run = async () => ({ ok: false, error: { kind: 'locked', operation: 'samples.range', message: 'database is locked', hint: 'Retry in a moment.', retryable: true } });
    try {
      const text = expectFailure(await call(), 'store_unavailable');
      expect(text).toMatch(/failed \(locked\): database is locked/);
      expect(text).toMatch(/Retry in a moment\. Meanwhile get_fleet_status/);
    } finally {
      store.run = run;
    }
  });
});
