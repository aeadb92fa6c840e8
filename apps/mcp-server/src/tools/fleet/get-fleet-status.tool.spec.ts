import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from '../../testing/client-fixture.js';
import { isSchemaRejection, textOf } from '../../testing/in-process.js';
import { annotationsOf, expectFailure, expectReadOnlyAnnotations, structured } from '../../testing/tool-assertions.js';

interface FleetStatusOut {
  total: number;
  counts: Record<string, number>;
  attention_total: number;
  attention: { agent: string; reason: string; suggestion: string }[];
  per_template: { template: string; total: number }[];
  capacity: { capacity: number | null; used: number; warning: boolean };
  scope: { template?: string; owner?: string };
  outliers_total: number;
  outliers: { agent: string; robust_z: number | null; value_ms: number }[];
}

describe('get_fleet_status', () => {
  let fx: FleetFixture;
  beforeAll(async () => {
    fx = await startFleetFixture({ sim: { agents: 30, scenario: 'mixed' }, config: { capacity: 30 } });
  });
  afterAll(async () => fx.close());

  it('is read-only with all four hints', async () => {
    expectReadOnlyAnnotations(await annotationsOf(fx.client, 'get_fleet_status'));
  });

  it('returns counts, capacity and the attention list with next steps', async () => {
    const s = structured<FleetStatusOut>(await fx.call('get_fleet_status'));
    expect(s.total).toBe(30);
    expect(Object.values(s.counts).reduce((a, b) => a + b, 0)).toBe(30);
    expect(s.capacity.capacity).toBe(30);
    expect(s.attention_total).toBeGreaterThan(0);
    expect(s.attention[0]?.suggestion).toMatch(/\w/);
    expect(s.per_template.reduce((a, t) => a + t.total, 0)).toBe(30);
    const text = textOf(await fx.call('get_fleet_status'));
    expect(text).toMatch(/^Fleet at .*: 30 agents/);
    expect(text).toContain('Next: list_agents needs_attention=true');
  });

  it('says each suggestion once in its text, listing the agents it applies to', async () => {
    const r = await fx.call('get_fleet_status', { max_attention: 200 });
    const s = structured<FleetStatusOut>(r);
    const text = textOf(r);
    const suggestions = new Set(s.attention.map((a) => a.suggestion));
    expect(suggestions.size).toBeLessThan(s.attention.length);
    for (const suggestion of suggestions) expect(text.split(suggestion).length - 1, suggestion).toBe(1);
    for (const a of s.attention) expect(text).toContain(a.agent);
  });

  it('caps outliers at max_outliers (most unusual first) and reports outliers_total', async () => {
    const all = structured<FleetStatusOut>(await fx.call('get_fleet_status', { max_outliers: 200 }));
    expect(all.outliers_total).toBeGreaterThan(1);
    expect(all.outliers).toHaveLength(all.outliers_total);
    const one = await fx.call('get_fleet_status', { max_outliers: 1 });
    const s = structured<FleetStatusOut>(one);
    expect(s.outliers_total).toBe(all.outliers_total);
    expect(s.outliers).toEqual(all.outliers.slice(0, 1));
    expect(textOf(one)).toContain(`Outliers: ${all.outliers_total} (showing 1, most unusual first).`);
    const off = structured<FleetStatusOut>(await fx.call('get_fleet_status', { include_outliers: false }));
    expect(off.outliers).toEqual([]);
    expect(off.outliers_total).toBe(0);
    expect(structured<FleetStatusOut>(await fx.call('get_fleet_status')).outliers.length).toBeLessThanOrEqual(10);
  });

  it('scopes to a template or an owner', async () => {
    const all = structured<FleetStatusOut>(await fx.call('get_fleet_status'));
    const template = all.per_template[0]?.template ?? '';
    const byTemplate = structured<FleetStatusOut>(await fx.call('get_fleet_status', { template }));
    expect(byTemplate.total).toBe(all.per_template[0]?.total);
    expect(byTemplate.scope).toEqual({ template });
    const byOwner = structured<FleetStatusOut>(await fx.call('get_fleet_status', { owner: 'alice' }));
    expect(byOwner.total).toBeGreaterThan(0);
    expect(byOwner.total).toBeLessThan(30);
    expect(byOwner.attention.every((a) => a.agent.startsWith('alice/'))).toBe(true);
    const none = await fx.call('get_fleet_status', { owner: 'nobody' });
    expect(structured<FleetStatusOut>(none).total).toBe(0);
    expect(textOf(none)).toContain('No agents match this scope');
  });

  it('makes exactly one tasks-list request per call, and concurrent calls share one', async () => {
    fx.advance(10_000);
    fx.resetCounters();
    await fx.call('get_fleet_status');
    expect(fx.tasksListRequests()).toBe(1);
    fx.advance(10_000);
    fx.resetCounters();
    await Promise.all(Array.from({ length: 5 }, () => fx.call('get_fleet_status')));
    expect(fx.tasksListRequests()).toBe(1);
  });

  it('reports a Coder outage as an isError result with a next step', async () => {
    fx.advance(10_000);
    const id = fx.sim.control.faults.status(503, { route: 'GET /api/v2/tasks' });
    try {
      expectFailure(await fx.call('get_fleet_status'), 'upstream_unavailable');
    } finally {
      fx.sim.control.faults.clear(id);
    }
    fx.advance(10_000);
    const id2 = fx.sim.control.faults.status(429, { route: 'GET /api/v2/tasks', retryAfterSeconds: 20 });
    try {
      const text = expectFailure(await fx.call('get_fleet_status'), 'rate_limited');
      expect(text).toContain('20 s');
    } finally {
      fx.sim.control.faults.clear(id2);
    }
  });

  it('rejects invalid arguments with the schema problem', async () => {
    expect(await isSchemaRejection(fx.call('get_fleet_status', { max_attention: -1 }))).toBe(true);
  });
});

describe('get_fleet_status with a bad token', () => {
  it('says the token was rejected and what to set', async () => {
    const fx = await startFleetFixture({ sim: { agents: 2 }, coderToken: 'wrong-token' });
    try {
      const text = expectFailure(await fx.call('get_fleet_status'), 'unauthorized');
      expect(text).toContain('CODER_SESSION_TOKEN');
      expect(text).not.toContain('wrong-token');
    } finally {
      await fx.close();
    }
  });
});

describe('get_fleet_status capacity warning follows --capacity-warning-percent', () => {
  type Capacity = { capacity: number; used: number; ratio: number; warning: boolean; message?: string };
  const statusOf = async (capacityWarningPercent: number) => {
    // 10 running agents (steady: none paused) against a capacity of 11: 91% in use.
    const fx = await startFleetFixture({ sim: { agents: 10, scenario: 'steady' }, config: { capacity: 11, capacityWarningPercent } });
    try {
      const tool = structured<{ capacity: Capacity }>(await fx.call('get_fleet_status')).capacity;
      const read = await fx.client.readResource({ uri: 'fleet://status' });
      const resource = (JSON.parse((read.contents[0] as { text: string }).text) as { capacity: Capacity }).capacity;
      return { tool, resource };
    } finally {
      await fx.close();
    }
  };

  it('does not warn at 91% when the operator set 95% (fleet-domain would at its default 90%)', async () => {
    const { tool, resource } = await statusOf(95);
    expect(tool).toMatchObject({ capacity: 11, used: 10, warning: false });
    expect(resource.warning).toBe(false);
  });

  it('warns at 91% with a configured 50%, naming the configured threshold, as fleet://status does', async () => {
    const { tool, resource } = await statusOf(50);
    expect(tool).toMatchObject({ capacity: 11, used: 10, warning: true });
    expect(tool.message).toContain('warning at 50%');
    expect(resource).toMatchObject({ warning: true, message: tool.message });
  });
});
