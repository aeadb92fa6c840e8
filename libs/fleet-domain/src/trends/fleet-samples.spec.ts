import { describe, expect, it } from 'vitest';
import { BASE_NOW, MINUTE, buildAgent, buildFleet } from '../testing/builders.js';
import { buildChatAgent } from '../testing/chat-builders.js';
import { SCOPED_TREND_METRICS, TREND_METRICS, sampleFleetMetrics } from './fleet-samples.js';

describe('sampleFleetMetrics', () => {
  it('fleet scope: counts by status (complete = completed, error = failed), active, utilisation, attention, median time to complete', () => {
    const agents = [
      ...buildFleet({ counts: { busy: 4, idle: 2, paused: 1, error: 1 } }),
      buildAgent({ status: 'complete', createdAgoMs: 60 * MINUTE, stateAgoMs: 20 * MINUTE }),
      buildAgent({ status: 'complete', createdAgoMs: 60 * MINUTE, stateAgoMs: 40 * MINUTE }),
    ];
    const [fleet] = sampleFleetMetrics(agents, BASE_NOW, { maxScopes: 0 });
    expect(fleet?.scope).toBe('fleet');
    expect(Object.keys(fleet?.metrics ?? {}).sort()).toEqual([...TREND_METRICS].sort());
    expect(fleet?.metrics).toMatchObject({
      total: 10,
      busy: 4,
      idle: 2,
      paused: 1,
      error: 1,
      complete: 2,
      offline: 0,
      active: 6,
      utilization: 0.5,
      attention: 1,
      median_time_to_complete_ms: 30 * MINUTE,
    });
  });

  it('unknown values are null, never 0: no agent online, nothing complete, no cost reported', () => {
    const [fleet] = sampleFleetMetrics(buildFleet({ counts: { paused: 2 } }), BASE_NOW);
    expect(fleet?.metrics.utilization).toBeNull();
    expect(fleet?.metrics.median_time_to_complete_ms).toBeNull();
    expect(fleet?.metrics.cost_micros).toBeNull();
    expect(fleet?.metrics.busy).toBe(0);
    const [empty] = sampleFleetMetrics([], BASE_NOW);
    expect(empty?.metrics).toMatchObject({ total: 0, utilization: null, cost_micros: null });
  });

  it('cost is the total of the chats that reported one', () => {
    const agents = [buildChatAgent({ status: 'busy', options: { costMicros: 2_000_000 } }), buildChatAgent({ status: 'idle', options: { costMicros: 500_000 } })];
    expect(sampleFleetMetrics(agents, BASE_NOW)[0]?.metrics.cost_micros).toBe(2_500_000);
  });

  it('adds the largest templates and owners (bounded), each with the scoped metric set', () => {
    const agents = [
      ...['a', 'a', 'a', 'b', 'b', 'c'].map((template, i) => buildAgent({ status: 'busy', template, owner: i < 4 ? 'ann' : 'bob' })),
      buildAgent({ status: 'idle', template: 'd', owner: 'cy' }),
    ];
    const samples = sampleFleetMetrics(agents, BASE_NOW, { maxScopes: 2 });
    expect(samples.map((s) => s.scope)).toEqual(['fleet', 'template:a', 'template:b', 'owner:ann', 'owner:bob']);
    expect(Object.keys(samples[1]?.metrics ?? {})).toEqual(SCOPED_TREND_METRICS);
    expect(samples[1]?.metrics).toMatchObject({ total: 3, busy: 3, utilization: 1 });
    expect(samples[3]?.metrics).toMatchObject({ total: 4 });
  });
});
