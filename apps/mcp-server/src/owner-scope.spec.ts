/** `--owner` scoping: every tool sees only the agents of the configured owners, lookups by id included. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from './testing/client-fixture.js';
import { expectFailure, structured } from './testing/tool-assertions.js';

describe('owner scoping (--owner)', () => {
  let fx: FleetFixture;
  beforeAll(async () => {
    fx = await startFleetFixture({ sim: { agents: 20, scenario: 'mixed' }, config: { owners: ['alice', 'carol'] } });
  });
  afterAll(async () => fx.close());

  it('restricts lists and fleet status to the owners in scope', async () => {
    const inScope = fx.sim.control.tasks().filter((t) => t.owner === 'alice' || t.owner === 'carol');
    const list = structured<{ agents: { owner: string }[]; fleet_total: number }>(await fx.call('list_agents', { limit: 200 }));
    expect(list.fleet_total).toBe(inScope.length);
    expect(list.agents.every((a) => a.owner === 'alice' || a.owner === 'carol')).toBe(true);
    expect(structured<{ total: number }>(await fx.call('get_fleet_status')).total).toBe(inScope.length);
  });

  it('refuses agents outside the scope, even by id', async () => {
    const outside = fx.sim.control.tasks().find((t) => t.owner !== 'alice' && t.owner !== 'carol');
    expect(outside).toBeDefined();
    expectFailure(await fx.call('get_agent_details', { agent: outside?.id }), 'agent_not_found');
    expectFailure(await fx.call('get_agent_logs', { agent: `${outside?.owner}/${outside?.name}` }), 'agent_not_found');
  });
});
