import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from '../../testing/client-fixture.js';
import { isSchemaRejection, textOf } from '../../testing/in-process.js';
import { annotationsOf, expectFailure, expectReadOnlyAnnotations, structured } from '../../testing/tool-assertions.js';

interface Item {
  id: string;
  name?: string;
  owner?: string;
  status?: string;
  message?: string;
  attention?: string;
  template?: string;
  prompt?: string;
  last_activity_at?: string;
}
interface ListOut {
  agents: Item[];
  returned: number;
  total_matching: number;
  fleet_total: number;
  next_cursor?: string;
  untrusted_fields: string[];
}

describe('list_agents', () => {
  let fx: FleetFixture;
  beforeAll(async () => {
    fx = await startFleetFixture({ sim: { agents: 40, scenario: 'mixed' } });
  });
  afterAll(async () => fx.close());
  const list = async (args: Record<string, unknown> = {}) => structured<ListOut>(await fx.call('list_agents', args));

  it('is read-only with all four hints', async () => {
    expectReadOnlyAnnotations(await annotationsOf(fx.client, 'list_agents'));
  });

  it('is compact by default: id, name, owner, status, message, last activity, attention', async () => {
    const r = await list();
    expect(r.returned).toBe(25);
    expect(r.total_matching).toBe(40);
    expect(r.fleet_total).toBe(40);
    const allowed = new Set(['id', 'name', 'owner', 'status', 'message', 'last_activity_at', 'attention']);
    for (const a of r.agents) for (const k of Object.keys(a)) expect(allowed.has(k), k).toBe(true);
    expect(r.untrusted_fields).toEqual(['message']);
    expect(r.agents.every((a) => (a.message ?? '').length <= 64)).toBe(true);
  });

  it('renders dense text: grouped under @owner when sorted by name, compact ages, status! for attention', async () => {
    const r = await fx.call('list_agents', { limit: 200 });
    const out = structured<ListOut>(r);
    const text = textOf(r);
    const owners = [...new Set(out.agents.map((a) => a.owner))];
    for (const o of owners) expect(text.split('\n').filter((l) => l === `@${o}`)).toHaveLength(1);
    for (const a of out.agents) {
      const line = text.split('\n').find((l) => l.startsWith(`${a.name} `));
      expect(line, a.name).toBeDefined();
      if (a.attention === a.status) expect(line).toContain(` ${a.status}! `);
      else if (a.attention) expect(line).toContain(` ${a.status} !${a.attention} `);
      expect(line).toMatch(/ (\d+[smhd])+( |$)/);
      if (a.message) expect(line).toContain(JSON.stringify(a.message));
    }
    const byActivity = textOf(await fx.call('list_agents', { sort: 'last_activity', limit: 3 }));
    expect(byActivity).not.toMatch(/^@/m);
    expect(byActivity.split('\n').filter((l) => /^\w+\/\S+ /.test(l))).toHaveLength(3);
  });

  it('pages through every agent exactly once with an opaque cursor', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await list({ limit: 7, ...(cursor ? { cursor } : {}) });
      seen.push(...r.agents.map((a) => a.id));
      cursor = r.next_cursor;
      pages += 1;
    } while (cursor && pages < 20);
    expect(pages).toBe(6);
    expect(new Set(seen).size).toBe(40);
    expect(seen).toHaveLength(40);
  });

  it('filters by one or many statuses, owner, template, needs_attention and search', async () => {
    const busy = await list({ status: 'busy', limit: 200 });
    expect(busy.agents.every((a) => a.status === 'busy')).toBe(true);
    const several = await list({ status: ['busy', 'idle'], limit: 200 });
    expect(several.total_matching).toBeGreaterThanOrEqual(busy.total_matching);
    expect(several.agents.every((a) => a.status === 'busy' || a.status === 'idle')).toBe(true);

    const alice = await list({ owner: 'alice', limit: 200 });
    expect(alice.total_matching).toBeGreaterThan(0);
    expect(alice.agents.every((a) => a.owner === 'alice')).toBe(true);

    const withTemplate = await list({ fields: ['template'], limit: 1 });
    const template = withTemplate.agents[0]?.template ?? '';
    const byTemplate = await list({ template, fields: ['template'], limit: 200 });
    expect(byTemplate.agents.every((a) => a.template === template)).toBe(true);

    const attention = await list({ needs_attention: true, limit: 200 });
    expect(attention.total_matching).toBeGreaterThan(0);
    expect(attention.agents.every((a) => a.attention !== undefined)).toBe(true);
    const calm = await list({ needs_attention: false, limit: 200 });
    expect(calm.total_matching + attention.total_matching).toBe(40);

    const first = (await list({ limit: 1 })).agents[0];
    const found = await list({ search: first?.name?.toUpperCase() });
    expect(found.agents.map((a) => a.id)).toContain(first?.id);
  });

  it('filters by template capability (from list_templates)', async () => {
    const gpu = await list({ capability: 'gpu', fields: ['template'], limit: 200 });
    expect(gpu.agents.every((a) => a.template === 'gpu-ml')).toBe(true);
    const none = await list({ capability: 'no-such-capability' });
    expect(none.total_matching).toBe(0);
    expect(textOf(await fx.call('list_agents', { capability: 'no-such-capability' }))).toContain('No agent matches');
  });

  it('selects fields and sorts by attention', async () => {
    const r = await list({ fields: ['status', 'prompt'], sort: 'attention', limit: 5 });
    for (const a of r.agents) expect(Object.keys(a).sort()).toEqual(expect.arrayContaining(['id', 'status']));
    expect(r.untrusted_fields).toEqual(['prompt']);
    const sorted = await list({ sort: 'attention', limit: 3 });
    expect(sorted.agents[0]?.attention).toBeDefined();
  });

  it('rejects a cursor from another query and a malformed one', async () => {
    const page = await list({ limit: 2 });
    expectFailure(await fx.call('list_agents', { limit: 2, status: 'busy', cursor: page.next_cursor }), 'invalid_cursor');
    expectFailure(await fx.call('list_agents', { cursor: 'garbage' }), 'invalid_cursor');
  });

  it('makes one tasks-list request per call; concurrent identical reads share it', async () => {
    fx.advance(10_000);
    fx.resetCounters();
    await fx.call('list_agents', { limit: 200 });
    expect(fx.tasksListRequests()).toBe(1);
    fx.advance(10_000);
    fx.resetCounters();
    await Promise.all([fx.call('list_agents'), fx.call('list_agents'), fx.call('get_fleet_status'), fx.call('list_agents', { status: 'busy' })]);
    expect(fx.tasksListRequests()).toBe(1);
  });

  it('reports Coder errors with a next step', async () => {
    fx.advance(10_000);
    const id = fx.sim.control.faults.status(500, { route: 'GET /api/v2/tasks' });
    try {
      expectFailure(await fx.call('list_agents'), 'server_error');
    } finally {
      fx.sim.control.faults.clear(id);
    }
  });

  it('rejects invalid arguments with the schema problem', async () => {
    expect(await isSchemaRejection(fx.call('list_agents', { status: 'sleeping' }))).toBe(true);
    expect(await isSchemaRejection(fx.call('list_agents', { limit: 0 }))).toBe(true);
  });
});

describe('list_agents context size', () => {
  it('answers for 100 agents in at most 25% of the bytes of Coder\'s raw tasks JSON', async () => {
    const fx = await startFleetFixture({ sim: { agents: 100, scenario: 'mixed' } });
    try {
      const raw = await fetch(`${fx.sim.url}/api/v2/tasks`, { headers: { 'Coder-Session-Token': fx.sim.token } });
      const rawBytes = Buffer.byteLength(await raw.text());
      const result = await fx.call('list_agents', { limit: 100 });
      expect(structured<ListOut>(result).returned).toBe(100);
      const outBytes = Buffer.byteLength(JSON.stringify(result.structuredContent)) + Buffer.byteLength(textOf(result));
      // Both renderings count (structured for clients that read it, text for those that do not): the
      // requirement is 25% (measured ~23% with the mixed scenario). The text alone stays a small share.
      expect(outBytes / rawBytes).toBeLessThanOrEqual(0.25);
      expect(Buffer.byteLength(textOf(result)) / rawBytes).toBeLessThanOrEqual(0.08);
    } finally {
      await fx.close();
    }
  });
});
