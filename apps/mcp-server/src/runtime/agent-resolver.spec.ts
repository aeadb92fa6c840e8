import { describe, expect, it } from 'vitest';
import type { Agent } from '@org/fleet-domain';
import type { AnyTask } from '../coder.js';
import { coderError } from '../testing/stub-coder.js';
import { createAgentResolver } from './agent-resolver.js';
import type { TaskListSource } from './task-list.js';

const task = (id: string, owner: string, name: string) => ({ id, owner_name: owner, name }) as AnyTask;
const fleet = [task('11111111-1111-1111-1111-111111111111', 'alice', 'fix-bug'), task('22222222-2222-2222-2222-222222222222', 'bob', 'fix-bug'), task('33333333-3333-3333-3333-333333333333', 'bob', 'docs')];

function source(lists: AnyTask[][]): TaskListSource & { forced: number } {
  let i = 0;
  const s = {
    forced: 0,
    list: async (o: { force?: boolean } = {}) => {
      if (o.force) s.forced += 1;
      const tasks = lists[Math.min(i++, lists.length - 1)] ?? [];
      // Only identity matters to the resolver: agents carry id/owner/name, task(id) gives the raw task back.
      const agents = tasks.map((t) => ({ id: t.id, owner: t.owner_name, name: t.name }) as Agent);
      const task = (id: string) => tasks.find((t) => t.id === id);
      return { ok: true as const, status: 200, value: { agents, count: tasks.length, fetchedAt: new Date(0), task } };
    },
    invalidate: () => undefined,
    lastRead: () => undefined,
  };
  return s;
}

describe('agent references', () => {
  it('match by id, owner/name (case-insensitive owner) and bare name', async () => {
    const resolver = createAgentResolver(source([fleet]));
    const byId = await resolver.resolve('33333333-3333-3333-3333-333333333333');
    expect(byId.ok && byId.value.name).toBe('docs');
    const byOwner = await resolver.resolve('ALICE/fix-bug');
    expect(byOwner.ok && byOwner.value.task.owner_name).toBe('alice');
    const bare = await resolver.resolve('fix-bug');
    expect(!bare.ok && bare.failure.code).toBe('agent_ambiguous');
    expect(!bare.ok && bare.failure.message).toContain('bob/fix-bug');
    const ownerAndId = await resolver.resolve('bob/33333333-3333-3333-3333-333333333333');
    expect(ownerAndId.ok && ownerAndId.value.id).toBe('33333333-3333-3333-3333-333333333333');
  });

  it('resolves to a pinned identity', async () => {
    const r = await createAgentResolver(source([fleet])).resolve('docs');
    expect(r.ok && r.value).toMatchObject({ id: '33333333-3333-3333-3333-333333333333', owner: 'bob', name: 'docs', ref: 'bob/docs' });
  });

  it('reports ambiguity with the candidates', async () => {
    const r = await createAgentResolver(source([fleet])).resolve('fix-bug');
    expect(!r.ok && r.failure.code).toBe('agent_ambiguous');
    expect(!r.ok && r.failure.message).toContain('alice/fix-bug');
  });

  it('re-reads the list once before saying not found', async () => {
    const s = source([[], fleet]);
    const r = await createAgentResolver(s).resolve('alice/fix-bug');
    expect(r.ok).toBe(true);
    expect(s.forced).toBe(1);
    const missing = await createAgentResolver(source([fleet])).resolve('nope');
    expect(!missing.ok && missing.failure.code).toBe('agent_not_found');
    const empty = await createAgentResolver(source([fleet])).resolve('  ');
    expect(!empty.ok && empty.failure.code).toBe('invalid_argument');
  });

  it('maps a list failure through fromCoderApiError', async () => {
    const failing: TaskListSource = { list: async () => coderError('unauthorized', { status: 401 }), invalidate: () => undefined, lastRead: () => undefined };
    const r = await createAgentResolver(failing).resolve('docs');
    expect(!r.ok && r.failure.code).toBe('unauthorized');
  });
});
