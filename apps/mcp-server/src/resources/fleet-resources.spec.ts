import { attentionRank, type Agent } from '@org/fleet-domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from '../testing/client-fixture.js';
import { MAX_OUTLIERS_IN_STATUS } from './fleet-resources.js';

/** fleet://agents/{id}: agents resolved by fleet-domain's resolveAgentRef, listed most urgent attention first. */
describe('fleet:// agent resources', () => {
  let fx: FleetFixture;
  beforeAll(async () => {
    fx = await startFleetFixture({ sim: { agents: 12, scenario: 'mixed' } });
  });
  afterAll(async () => fx.close());

  const read = async (ref: string): Promise<{ agent: Agent }> => {
    const r = await fx.client.readResource({ uri: `fleet://agents/${encodeURIComponent(ref)}` });
    const first = r.contents[0];
    return JSON.parse(first && 'text' in first ? first.text : '{}') as { agent: Agent };
  };

  it('reads an agent by id, name and owner/name', async () => {
    const t = fx.sim.control.createTask({ owner: 'bob', template: 'small', input: 'resource test', name: 'res-one' });
    expect((await read(t.id)).agent.id).toBe(t.id);
    expect((await read('res-one')).agent.id).toBe(t.id);
    expect((await read('bob/res-one')).agent.id).toBe(t.id);
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
    const ranks = agents.map((a) => attentionRank(a.agent));
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
    const status = JSON.parse(first && 'text' in first ? first.text : '{}') as {
      outliers: { outliers: { robustZ: number | null }[]; total: number };
      attention: unknown[];
      attentionTotal: number;
    };
    expect(status.outliers.total).toBeGreaterThan(MAX_OUTLIERS_IN_STATUS);
    expect(status.outliers.outliers).toHaveLength(MAX_OUTLIERS_IN_STATUS);
    const z = status.outliers.outliers.map((o) => o.robustZ ?? 0);
    expect(z).toEqual([...z].sort((a, b) => b - a));
    expect(status.attention.length).toBeLessThanOrEqual(20);
    expect(status.attentionTotal).toBeGreaterThanOrEqual(status.attention.length);
  });
});
