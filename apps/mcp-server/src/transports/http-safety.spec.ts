/**
 * Safety over real HTTP sessions: destructive confirmation (elicitation travels over the POST's SSE
 * stream; declined = nothing changes) and --owner scoping on lookups by id (no existence leak).
 */
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from '../testing/in-process.js';
import { connectHttpClient, startHttpFixture, type HttpFixture } from '../testing/http-harness.js';

interface WireTask {
  id: string;
  name: string;
  owner_name: string;
}

async function allTasks(fx: HttpFixture): Promise<WireTask[]> {
  const r = await fetch(`${fx.sim.url}/api/v2/tasks`, { headers: { 'Coder-Session-Token': fx.sim.token } });
  return ((await r.json()) as { tasks: WireTask[] }).tasks;
}

const deletes = (fx: HttpFixture) =>
  Object.entries(fx.sim.control.counters() as unknown as Record<string, number>).reduce((n, [route, count]) => (route.startsWith('DELETE ') ? n + count : n), 0);

describe('HTTP safety: destructive confirmation', () => {
  let fx: HttpFixture;
  beforeAll(async () => {
    fx = await startHttpFixture({ sim: { agents: 10, scenario: 'mixed' } });
  });
  afterAll(async () => fx.close());

  it('asks by elicitation over HTTP; a declined confirmation deletes nothing', async () => {
    const c = await connectHttpClient(fx.http.mcpUrl, { capabilities: { elicitation: {} } });
    const asked: string[] = [];
    c.client.setRequestHandler(ElicitRequestSchema, async (req) => {
      asked.push(req.params.message);
      return { action: 'decline' };
    });
    const target = (await allTasks(fx))[0] as WireTask;
    fx.sim.control.resetCounters();
    const r = await c.call('delete_agent', { agent: target.id, confirm: true });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ deleted: false, confirmation: 'declined' });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain(target.name);
    expect(deletes(fx)).toBe(0);
    expect((await allTasks(fx)).some((t) => t.id === target.id)).toBe(true);
    await c.close();
  });

  it('requires confirm: true from a client without elicitation, deleting nothing otherwise', async () => {
    const c = await connectHttpClient(fx.http.mcpUrl);
    const target = (await allTasks(fx))[1] as WireTask;
    fx.sim.control.resetCounters();
    const r = await c.call('delete_agent', { agent: target.id });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/^confirmation_required/);
    expect(deletes(fx)).toBe(0);
    await c.close();
  });
});

describe('HTTP safety: --owner scoping', () => {
  let fx: HttpFixture;
  beforeAll(async () => {
    fx = await startHttpFixture({ sim: { agents: 30, scenario: 'mixed' }, config: { owners: ['alice'] } });
  });
  afterAll(async () => fx.close());

  it("hides other owners' agents from lists and answers lookups by id as not found, without deleting", async () => {
    const c = await connectHttpClient(fx.http.mcpUrl);
    const tasks = await allTasks(fx);
    const foreign = tasks.find((t) => t.owner_name !== 'alice') as WireTask;
    expect(foreign).toBeDefined();
    const listed = await c.call('list_agents', { limit: 200, fields: ['owner'] });
    expect(new Set((listed.structuredContent as { agents: { owner: string }[] }).agents.map((a) => a.owner))).toEqual(new Set(['alice']));

    const unknownId = '00000000-0000-4000-8000-000000000000';
    for (const ref of [foreign.id, `${foreign.owner_name}/${foreign.name}`]) {
      const details = await c.call('get_agent_details', { agent: ref });
      const missing = await c.call('get_agent_details', { agent: unknownId });
      expect(details.isError).toBe(true);
      // Same code as a truly unknown id: scoping does not reveal that the agent exists.
      expect(textOf(details).split(':')[0]).toBe(textOf(missing).split(':')[0]);
      expect(textOf(details)).toMatch(/^agent_not_found/);
    }
    fx.sim.control.resetCounters();
    for (const tool of ['get_agent_logs', 'send_agent_input', 'pause_agent', 'delete_agent']) {
      const r = await c.call(tool, { agent: foreign.id, ...(tool === 'send_agent_input' ? { input: 'hi' } : {}), ...(tool === 'delete_agent' ? { confirm: true } : {}) });
      expect(textOf(r), tool).toMatch(/^agent_not_found/);
    }
    expect(Object.keys(fx.sim.control.counters() as unknown as Record<string, number>).filter((route) => !route.startsWith('GET '))).toEqual([]);
    await c.close();
  });
});
