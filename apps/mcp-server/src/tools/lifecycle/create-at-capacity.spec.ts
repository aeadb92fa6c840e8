/**
 * create_agent_task at `--capacity` (FR-006): `when_at_capacity: fail` refuses with the count; `queue` (the
 * default) holds the create in the store under a name fixed before queueing, and the queue dispatcher makes it
 * once a slot frees, exactly once (a repeat of the request is the same held item; a create Coder already has
 * under that name and prompt is recognised, not made twice).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from '../../testing/client-fixture.js';
import { expectFailure, structured } from '../../testing/tool-assertions.js';
import { advanceUntil } from './__fixtures__/lifecycle-kit.js';

interface Created {
  agent?: { ref: string };
  queued?: { item: string; position: number; ref: string; used: number; capacity: number };
  recovered?: string;
}

describe('create_agent_task at --capacity', () => {
  let fx: FleetFixture;
  const running: { id: string; owner: string }[] = [];
  beforeAll(async () => {
    fx = await startFleetFixture({ sim: { agents: 0 }, config: { capacity: 2 } });
    await fx.runtime.background.stop(); // dispatcher passes are driven by hand
    for (const n of [1, 2]) running.push(fx.sim.control.createTask({ owner: 'alice', template: 'python-dev', input: `filler ${n}`, name: `filler-${n}` }));
  });
  afterAll(async () => fx.close());

  const create = async (args: Record<string, unknown>) => {
    const r = await fx.call('create_agent_task', { template: 'python-dev', owner: 'alice', ...args });
    await fx.runtime.background.stop();
    return r;
  };
  const named = (name: string) => fx.sim.control.tasks().filter((t) => t.name === name);
  const freeASlot = async (name?: string) => {
    const t = name ? named(name)[0] : running.shift();
    if (!t) throw new Error('no agent left to delete');
    expect((await fx.coder.deleteTask(t.owner, t.id)).ok).toBe(true);
    advanceUntil(fx, () => !fx.sim.control.tasks().some((x) => x.id === t.id), 2_000);
    fx.runtime.backend.invalidate();
  };

  it("when_at_capacity 'fail' refuses with the count and creates nothing", async () => {
    const before = fx.sim.control.tasks().length;
    const text = expectFailure(await create({ input: 'Refused at capacity', when_at_capacity: 'fail' }), 'at_capacity');
    expect(text).toMatch(/2 of 2 agents in use/);
    expect(text).toMatch(/when_at_capacity='queue'/);
    expect(fx.sim.control.tasks()).toHaveLength(before);
  });

  it('queue holds the create (a repeat is the same item) and the dispatcher makes it once a slot frees, exactly once', async () => {
    const first = structured<Created>(await create({ input: 'Add the missing docs', name: 'held-docs' }));
    expect(first.agent).toBeUndefined();
    expect(first.queued).toMatchObject({ position: 1, ref: 'alice/held-docs', used: 2, capacity: 2 });
    const again = structured<Created>(await create({ input: 'Add the missing docs', name: 'held-docs' }));
    expect(again.queued?.item).toBe(first.queued?.item);
    expect(again.recovered).toMatch(/already held/);
    expect(named('held-docs')).toHaveLength(0);

    expect(await fx.runtime.dispatcher.dispatchOnce()).toEqual([]); // still full
    await freeASlot();
    const pass = await fx.runtime.dispatcher.dispatchOnce();
    expect(pass).toEqual([expect.objectContaining({ kind: 'delivered', itemId: Number(first.queued?.item) })]);
    expect(named('held-docs')).toHaveLength(1);
    fx.runtime.backend.invalidate();
    expect(await fx.runtime.dispatcher.dispatchOnce()).toEqual([]); // full again, nothing left
    expect(named('held-docs')).toHaveLength(1);
  });

  it('manage_agent_queue lists, reprioritises and cancels a held create by its owner/name (promote is refused)', async () => {
    const held = structured<Created>(await create({ input: 'Maybe later', name: 'held-maybe' }));
    const ref = held.queued?.ref ?? '';
    const listed = structured<{ agent: { status: string }; queue: string; items: { id: string; preview: string; priority?: string }[] }>(await fx.call('manage_agent_queue', { agent: ref }));
    expect(listed).toMatchObject({ queue: 'store', agent: { status: expect.stringMatching(/^held/) } });
    expect(listed.items.map((i) => [i.id, i.preview])).toEqual([[held.queued?.item, 'Maybe later']]);
    const urgent = structured<{ items: { priority?: string }[] }>(await fx.call('manage_agent_queue', { agent: ref, action: 'reprioritise', item: held.queued?.item, priority: 'urgent' }));
    expect(urgent.items[0]?.priority).toBe('urgent');
    expect(expectFailure(await fx.call('manage_agent_queue', { agent: ref, action: 'promote', item: held.queued?.item }), 'invalid_argument')).toMatch(/reprioritise/);
    const cancelled = structured<{ items: unknown[] }>(await fx.call('manage_agent_queue', { agent: ref, action: 'cancel', item: held.queued?.item }));
    expect(cancelled.items).toEqual([]);
    await fx.runtime.background.stop();
    expect(expectFailure(await fx.call('manage_agent_queue', { agent: ref }), 'agent_not_found')).toMatch(/held-maybe/);
  });

  it('a held create that Coder already has under its name and prompt is recognised, not made twice', async () => {
    const held = structured<Created>(await create({ input: 'Write the changelog', name: 'held-changelog' }));
    expect(held.queued?.ref).toBe('alice/held-changelog');
    // An earlier holder sent the create and died before closing the item.
    const made = await fx.coder.createTask('alice', { input: 'Write the changelog', name: 'held-changelog', template_version_id: await activeVersion(fx) });
    expect(made.ok).toBe(true);
    // Two slots free (the made agent takes one of them).
    await freeASlot('held-docs');
    await freeASlot();
    const pass = await fx.runtime.dispatcher.dispatchOnce();
    expect(pass, JSON.stringify(pass)).toEqual([expect.objectContaining({ kind: 'delivered', itemId: Number(held.queued?.item), recovered: true })]);
    expect(named('held-changelog')).toHaveLength(1);
  });
});

async function activeVersion(fx: FleetFixture): Promise<string> {
  const templates = await fx.coder.listTemplates();
  const t = templates.ok ? templates.value.find((x) => x.name === 'python-dev') : undefined;
  if (!t?.active_version_id) throw new Error('no python-dev template');
  return t.active_version_id;
}
