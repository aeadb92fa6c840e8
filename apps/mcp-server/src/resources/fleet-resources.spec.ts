import { attentionRank } from '@org/fleet-domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from '../testing/client-fixture.js';
import type { AgentView } from '../views/agent-details.js';
import type { FleetStatusView } from '../views/fleet-status.js';
import { MAX_OUTLIERS_IN_STATUS } from './fleet-resources.js';

/** fleet://agents/{id}: agents resolved by fleet-domain's resolveAgentRef, listed most urgent attention first, in the snake_case agent view. */
describe('fleet:// agent resources', () => {
  let fx: FleetFixture;
  beforeAll(async () => {
    fx = await startFleetFixture({ sim: { agents: 12, scenario: 'mixed' } });
  });
  afterAll(async () => fx.close());

  const read = async (ref: string): Promise<{ agent: AgentView; untrusted_fields: string[] }> => {
    const r = await fx.client.readResource({ uri: `fleet://agents/${encodeURIComponent(ref)}` });
    const first = r.contents[0];
    return JSON.parse(first && 'text' in first ? first.text : '{}') as { agent: AgentView; untrusted_fields: string[] };
  };

  it('reads an agent by id, name and owner/name', async () => {
    const t = fx.sim.control.createTask({ owner: 'bob', template: 'small', input: 'resource test', name: 'res-one' });
    expect((await read(t.id)).agent.id).toBe(t.id);
    expect((await read('res-one')).agent.id).toBe(t.id);
    expect((await read('bob/res-one')).agent.id).toBe(t.id);
  });

  it('answers the same snake_case agent block as get_agent_details', async () => {
    const t = fx.sim.control.createTask({ owner: 'bob', template: 'small', input: 'same contract', name: 'res-same' });
    fx.runtime.tasks.invalidate();
    const resource = await read(t.id);
    const tool = (await fx.call('get_agent_details', { agent: t.id, log_tail: 0, history_limit: 0 })).structuredContent as { agent: AgentView; untrusted_fields: string[] };
    expect(Object.keys(resource.agent).sort()).toEqual(Object.keys(tool.agent).sort());
    expect(resource.agent).toMatchObject({ id: t.id, ref: 'bob/res-same', display_name: expect.any(String), status_reason: expect.any(String), prompt: 'same contract' });
    expect(resource.untrusted_fields).toEqual(tool.untrusted_fields.filter((f) => f.startsWith('agent.')));
  });

  it('answers an ambiguous name with InvalidParams naming the candidates', async () => {
    fx.sim.control.createTask({ owner: 'alice', template: 'small', input: 'x', name: 'res-twin' });
    fx.sim.control.createTask({ owner: 'carol', template: 'small', input: 'y', name: 'res-twin' });
    fx.runtime.tasks.invalidate();
    await expect(read('res-twin')).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/alice\/res-twin.*carol\/res-twin|carol\/res-twin.*alice\/res-twin/) });
    await expect(read('nobody/nothing')).rejects.toMatchObject({ code: -32602 });
  });

  it('lists agents most urgent attention first', async () => {
    fx.runtime.tasks.invalidate();
    const { resources } = await fx.client.listResources();
    const agents = await Promise.all(resources.filter((r) => r.uri.startsWith('fleet://agents/')).map((r) => read(decodeURIComponent(r.uri.slice('fleet://agents/'.length)))));
    const ranks = agents.map((a) => attentionRank({ ...(a.agent.needs_attention ? { needsAttention: { ...a.agent.needs_attention, nextTools: [] } } : {}) }));
    expect(new Set(ranks).size).toBeGreaterThan(1);
    expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
  });
});

describe('fleet://status', () => {
  let fx: FleetFixture;
  beforeAll(async () => {
    fx = await startFleetFixture({ sim: { agents: 300, scenario: 'mixed' } });
  });
  afterAll(async () => fx.close());

  it('is bounded like get_fleet_status: at most 10 outliers (most unusual first) and 20 attention items, with the totals', async () => {
    const r = await fx.client.readResource({ uri: 'fleet://status' });
    const first = r.contents[0];
    const status = JSON.parse(first && 'text' in first ? first.text : '{}') as FleetStatusView & { watcher: unknown };
    expect(status.outliers_total).toBeGreaterThan(MAX_OUTLIERS_IN_STATUS);
    expect(status.outliers).toHaveLength(MAX_OUTLIERS_IN_STATUS);
    const z = status.outliers.map((o) => o.robust_z ?? 0);
    expect(z).toEqual([...z].sort((a, b) => b - a));
    expect(status.attention.length).toBeLessThanOrEqual(20);
    expect(status.attention_total).toBeGreaterThanOrEqual(status.attention.length);
    expect(status.watcher).toBeDefined();
    // Failed agents say why, as in get_fleet_status (the mixed fleet has failed builds among its most urgent).
    expect(status.attention.some((a) => a.status === 'error' && a.build_error)).toBe(true);
    expect(status.untrusted_fields).toContain('attention[].build_error');
  });

  it('has the keys of get_fleet_status (one snake_case contract) plus the watcher health', async () => {
    const r = await fx.client.readResource({ uri: 'fleet://status' });
    const first = r.contents[0];
    const resource = JSON.parse(first && 'text' in first ? first.text : '{}') as Record<string, unknown>;
    const tool = (await fx.call('get_fleet_status', {})).structuredContent as Record<string, unknown>;
    expect(Object.keys(resource).sort()).toEqual([...Object.keys(tool), 'watcher', 'content_trust'].sort());
  });
});
