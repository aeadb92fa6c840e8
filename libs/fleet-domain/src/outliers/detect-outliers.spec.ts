import { describe, expect, it } from 'vitest';
import { detectOutliers, metricValue } from './detect-outliers.js';
import { BASE_NOW, HOUR, MINUTE, buildAgent } from '../testing/builders.js';
import type { AgentStatus } from '../models/agent.js';
import type { Chat } from '../mapping/coder-types.js';
import { buildChatAgent } from '../testing/chat-builders.js';

const busy = (stateAgoMin: number, template = 'python-dev') => buildAgent({ status: 'busy', template, stateAgoMs: stateAgoMin * MINUTE, createdAgoMs: 10 * HOUR });

describe('detectOutliers', () => {
  it('empty fleet: nothing', () => {
    expect(detectOutliers([], BASE_NOW)).toEqual({ outliers: [], total: 0, groups: [], minPeers: 5, insufficientPeers: [] });
  });

  it('one agent: insufficient peers, says so instead of guessing', () => {
    const r = detectOutliers([busy(50)], BASE_NOW);
    expect(r.outliers).toEqual([]);
    expect(r.groups[0]?.status).toBe('insufficient_peers');
    expect(r.insufficientPeers[0]).toBe('template "python-dev" working_time: only 1 peer (need 5); insufficient peers, no peer comparison made');
  });

  it('few peers still get absolute thresholds, explained', () => {
    const r = detectOutliers([busy(10), busy(3 * 60)], BASE_NOW);
    expect(r.outliers).toHaveLength(1);
    expect(r.outliers[0]).toMatchObject({ metric: 'working_time', basis: 'absolute', peerMedian: null, robustZ: null, value: 3 * HOUR });
    expect(r.outliers[0]?.explanation).toContain('insufficient peers to compare: 2 of 5 needed');
  });

  it('maxOutliers keeps the most unusual ones (same order as uncapped) and total counts them all', () => {
    const agents = [130, 140, 150, 160, 170, 300, 10, 11].map((v) => busy(v));
    const all = detectOutliers(agents, BASE_NOW);
    expect(all.total).toBe(all.outliers.length);
    expect(all.outliers.length).toBeGreaterThan(2);
    const capped = detectOutliers(agents, BASE_NOW, { maxOutliers: 2 });
    expect(capped.total).toBe(all.total);
    expect(capped.outliers).toEqual(all.outliers.slice(0, 2));
    expect(detectOutliers(agents, BASE_NOW, { maxOutliers: 0 }).outliers).toEqual([]);
  });

  it('all equal: no spread, no outliers', () => {
    const r = detectOutliers([busy(10), busy(10), busy(10), busy(10), busy(10), busy(10)], BASE_NOW);
    expect(r.outliers).toEqual([]);
    expect(r.groups[0]?.status).toBe('no_spread');
  });

  it('MAD of zero falls back to mean absolute deviation', () => {
    const r = detectOutliers([busy(10), busy(10), busy(10), busy(10), busy(10), busy(10), busy(100)], BASE_NOW);
    expect(r.groups[0]?.status).toBe('compared');
    expect(r.outliers.map((o) => o.value)).toEqual([100 * MINUTE]);
    expect(r.outliers[0]?.basis).toBe('peer');
  });

  it('heavy tail: flags the extreme one, not the merely slow, with metric, value, peer median and explanation', () => {
    const values = [10, 11, 12, 12, 13, 14, 15, 16, 18, 20, 115];
    const agents = values.map((v) => busy(v));
    const r = detectOutliers(agents, BASE_NOW);
    expect(r.outliers).toHaveLength(1);
    const o = r.outliers[0];
    expect(o).toMatchObject({ metric: 'working_time', value: 115 * MINUTE, peerMedian: 14 * MINUTE, peers: 11, basis: 'peer', agentName: agents[10]?.name });
    expect(o?.robustZ).toBeGreaterThan(3.5);
    expect(o?.explanation).toMatch(/working without a state change for 1 h 55 min, against a peer median of 14 min \(8\.2x\) across 11 agents of template "python-dev" \(robust z \d+\.\d\)/);
  });

  it('peer and absolute together -> basis both; absolute within normal spread -> absolute', () => {
    const both = detectOutliers([...[10, 11, 12, 13, 14].map((v) => busy(v)), busy(300)], BASE_NOW);
    expect(both.outliers[0]?.basis).toBe('both');
    expect(both.outliers[0]?.explanation).toContain('also above the absolute limit of 2 h');
    const abs = detectOutliers([130, 140, 150, 160, 170].map((v) => busy(v)), BASE_NOW);
    expect(abs.outliers.every((o) => o.basis === 'absolute')).toBe(true);
    expect(abs.outliers[0]?.explanation).toContain('within the normal spread of 5 peers');
  });

  it('tiny absolute differences are not outliers (minDeviationMs)', () => {
    const agents = [1, 1, 1, 1, 1, 4].map((v) => buildAgent({ status: 'busy', stateAgoMs: v * 1000 }));
    expect(detectOutliers(agents, BASE_NOW).outliers).toEqual([]);
  });

  it('groups by template: a slow template is not an outlier among itself', () => {
    const agents = [...[10, 11, 12, 13, 14].map((v) => busy(v, 'fast')), ...[90, 95, 100, 105, 110].map((v) => busy(v, 'slow'))];
    expect(detectOutliers(agents, BASE_NOW).outliers).toEqual([]);
  });

  it.each([
    ['idle', 'idle_time'],
    ['starting', 'startup_time'],
    ['complete', 'time_to_complete'],
  ] as const)('%s agents are compared on %s', (status, metric) => {
    const agents = [5, 6, 7, 8, 9, 300].map((v) =>
      status === 'complete'
        ? buildAgent({ status, stateAgoMs: MINUTE, createdAgoMs: (v + 1) * MINUTE })
        : buildAgent({ status: status as AgentStatus, stateAgoMs: v * MINUTE, createdAgoMs: v * MINUTE }),
    );
    const r = detectOutliers(agents, BASE_NOW, { absoluteMs: { idle_time: null, startup_time: null } });
    expect(r.groups[0]?.metric).toBe(metric);
    expect(r.outliers.length).toBeGreaterThanOrEqual(1);
  });

  it('metricValue ignores statuses a metric does not apply to and unknown times', () => {
    const paused = buildAgent({ status: 'paused' });
    expect(metricValue(paused, 'working_time', BASE_NOW)).toBeUndefined();
    expect(metricValue(paused, 'idle_time', BASE_NOW)).toBeUndefined();
    expect(metricValue(paused, 'startup_time', BASE_NOW)).toBeUndefined();
    expect(metricValue(paused, 'time_to_complete', BASE_NOW)).toBeUndefined();
    const broken = buildAgent({ status: 'starting', task: { created_at: 'nope' } });
    expect(metricValue(broken, 'startup_time', BASE_NOW)).toBeUndefined();
    expect(detectOutliers([broken], BASE_NOW).groups).toEqual([]);
  });
});

describe('chat metrics: cost and turns', () => {
  const chat = (costMicros: number | undefined, turns: number | undefined, extra: Partial<Chat> = {}) =>
    buildChatAgent({ status: 'idle', updatedAgoMs: MINUTE, options: { ...(costMicros !== undefined ? { costMicros } : {}), ...(turns !== undefined ? { turns } : {}) }, chat: extra });

  it('flags an expensive chat and a long one among chats without a template', () => {
    const agents = [1, 1.1, 0.9, 1.2, 1, 0.95].map((d) => chat(d * 1_000_000, 10)).concat([chat(9_500_000, 95)]);
    const r = detectOutliers(agents, BASE_NOW);
    const cost = r.outliers.find((o) => o.metric === 'cost');
    expect(cost).toMatchObject({ value: 9_500_000, basis: 'peer', templateId: '' });
    expect(cost?.explanation).toMatch(/^cost \$9\.50, against a peer median of \$1\.00 \(9\.5x\) across 7 chats without a known template \(robust z/);
    const turns = r.outliers.find((o) => o.metric === 'turns');
    expect(turns?.explanation).toMatch(/^took 95 turns, against a peer median of 10 turns/);
    expect(r.groups.find((g) => g.metric === 'cost')?.note).toBe('chats cost: median $1.00 over 7 peers');
  });

  it('subagents do not count for cost (their root already does); small deviations and few peers are not outliers', () => {
    expect(metricValue(chat(5, 1, { parent_chat_id: 'root' }), 'cost', BASE_NOW)).toBeUndefined();
    expect(metricValue(chat(undefined, undefined), 'turns', BASE_NOW)).toBeUndefined();
    const cheap = [100, 110, 90, 120, 100, 95, 900_000].map((c) => chat(c, 1));
    expect(detectOutliers(cheap, BASE_NOW).outliers.filter((o) => o.metric === 'cost')).toEqual([]);
    const few = detectOutliers([chat(1, 1), chat(50_000_000, 1)], BASE_NOW, { absoluteMs: { cost: 10_000_000 } });
    expect(few.insufficientPeers).toContain('chats cost: only 2 peers (need 5); insufficient peers, no peer comparison made');
    expect(few.outliers[0]?.explanation).toBe('cost $50.00, above the absolute limit of $10.00 (insufficient peers to compare: 2 of 5 needed)');
    expect(few.outliers.map((o) => o.metric)).toEqual(['cost']);
  });

  it('a single turn reads singular', () => {
    const r = detectOutliers([chat(undefined, 1)], BASE_NOW, { absoluteMs: { turns: 0 } });
    expect(r.outliers[0]?.explanation).toContain('took 1 turn, above the absolute limit of 0 turns');
  });
});
