/**
 * create_agent_task at `--capacity` for workspace agents (#17 follow-up): `when_at_capacity: queue` holds the
 * workspace create in the store like a Task create (a repeat is the same item; a bad name is refused before it is
 * held) and the queue dispatcher makes it through the workspaces backend once a slot frees, exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from '../../testing/client-fixture.js';
import { textOf } from '../../testing/in-process.js';
import { expectFailure, structured } from '../../testing/tool-assertions.js';

interface Created {
  agent?: { ref: string; kind?: string };
  queued?: { item: string; position: number; ref: string; used: number; capacity: number };
  recovered?: string;
}

describe('create_agent_task at --capacity (workspace agents)', () => {
  let fx: FleetFixture;
  beforeAll(async () => {
    fx = await startFleetFixture({ sim: { agents: 2, seed: 11, scenario: 'steady', mode: 'workspaces', coderVersion: '2.40', chatsApi: false } as never, config: { capacity: 2, cacheTtlMs: 0, backend: 'workspaces' } });
    await fx.runtime.background.stop(); // dispatcher passes are driven by hand
    fx.advance(10 * 60_000);
  });
  afterAll(async () => fx?.close());

  const create = async (args: Record<string, unknown>) => {
    const r = await fx.call('create_agent_task', { template: 'python-dev', preset: 'Coder', ...args });
    await fx.runtime.background.stop();
    return r;
  };
  const listed = async (name: string) => {
    const r = await fx.coder.listWorkspaces();
    return r.ok && r.value.workspaces.some((w) => w.name === name);
  };
  /** Deletes one agent workspace (not `keep`) and waits until Coder no longer lists it (deleting still counts as in use). */
  const freeASlot = async (keep: readonly string[] = []) => {
    const victim = fx.sim.control.tasks().find((t) => !keep.includes(t.name));
    if (!victim) throw new Error('no agent workspace');
    const deleted = await fx.call('delete_agent', { agent: `${victim.owner}/${victim.name}`, confirm: true });
    expect(deleted.isError, textOf(deleted)).toBeFalsy();
    await fx.runtime.background.stop();
    for (let i = 0; i < 100 && (await listed(victim.name)); i++) fx.advance(5_000);
    expect(await listed(victim.name)).toBe(false);
    fx.runtime.backend.invalidate();
  };
  const named = (name: string) => fx.sim.control.tasks().filter((t) => t.name === name && t.phase !== 'deleting');

  it("'fail' refuses with the count; a name the workspace rules refuse is refused before anything is held", async () => {
    expect(expectFailure(await create({ input: 'Refused at capacity', when_at_capacity: 'fail' }), 'at_capacity')).toMatch(/2 of 2 agents in use/);
    expect(expectFailure(await create({ input: 'Bad name', name: 'admin' }), 'invalid_argument')).toMatch(/reserved word.*Nothing was created/);
    expect(await fx.runtime.dispatcher.dispatchOnce()).toEqual([]);
  });

  it('queue holds the workspace create (a repeat is the same item) and the dispatcher makes it once a slot frees, exactly once', async () => {
    const first = structured<Created>(await create({ input: 'Add the missing docs', name: 'held-docs' }));
    expect(first.agent).toBeUndefined();
    expect(first.queued).toMatchObject({ position: 1, ref: expect.stringMatching(/\/held-docs$/), used: 2, capacity: 2 });
    const again = structured<Created>(await create({ input: 'Add the missing docs', name: 'held-docs' }));
    expect(again.queued?.item).toBe(first.queued?.item);
    expect(again.recovered).toMatch(/already held/);
    // The suggested next step works: manage_agent_queue shows the held create by its owner/name.
    const queue = await fx.call('manage_agent_queue', { agent: first.queued?.ref ?? '' });
    expect(queue.isError, textOf(queue)).toBeFalsy();
    expect(structured<{ items: { id: string; preview: string }[] }>(queue).items.map((i) => [i.id, i.preview])).toEqual([[first.queued?.item, 'Add the missing docs']]);
    await fx.runtime.background.stop();
    expect(await fx.runtime.dispatcher.dispatchOnce()).toEqual([]); // still full
    expect(named('held-docs')).toHaveLength(0);

    await freeASlot();

    const pass = await fx.runtime.dispatcher.dispatchOnce();
    expect(pass, JSON.stringify(pass)).toEqual([expect.objectContaining({ kind: 'delivered', itemId: Number(first.queued?.item) })]);
    expect(named('held-docs')).toHaveLength(1);
    fx.runtime.backend.invalidate();
    expect(await fx.runtime.dispatcher.dispatchOnce()).toEqual([]); // full again, nothing left
    expect(named('held-docs')).toHaveLength(1);
    // The workspace agent runs the held prompt.
    const details = await fx.call('get_agent_details', { agent: 'held-docs' });
    expect(details.isError, textOf(details)).toBeFalsy();
    expect(JSON.stringify(structured(details))).toContain('Add the missing docs');
  });

  it('a held workspace create that Coder already has under its name and prompt is recognised, not made twice', async () => {
    fx.advance(10 * 60_000); // held-docs finishes building
    const held = structured<Created>(await create({ input: 'Write the changelog', name: 'held-changelog' }));
    const owner = (held.queued?.ref ?? '').split('/')[0] ?? '';
    // An earlier holder sent the create and died before closing the item.
    const templates = await fx.coder.listTemplates();
    const template = templates.ok ? templates.value.find((t) => t.name === 'python-dev') : undefined;
    const versionId = template?.active_version_id ?? '';
    const parameter = await fx.runtime.backend.workspaces.promptParameter(versionId);
    const made = await fx.runtime.backend.workspaces.create({ organizationId: template?.organization_id ?? '', owner, name: 'held-changelog', templateVersionId: versionId, promptParameter: (parameter.ok && parameter.value) || '', prompt: 'Write the changelog' });
    expect(made.ok).toBe(true);
    fx.advance(10 * 60_000);
    // Two slots free (the made agent takes one of them).
    await freeASlot(['held-changelog']);
    await freeASlot(['held-changelog']);
    const pass = await fx.runtime.dispatcher.dispatchOnce();
    expect(pass, JSON.stringify(pass)).toEqual([expect.objectContaining({ kind: 'delivered', itemId: Number(held.queued?.item), recovered: true })]);
    expect(named('held-changelog')).toHaveLength(1);
  });
});
