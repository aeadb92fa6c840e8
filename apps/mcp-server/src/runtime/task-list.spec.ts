import { TaskListBody } from '@org/coder-api-client';
import { toAgents } from '@org/fleet-domain';
import { buildState, buildTask, MINUTE } from '@org/fleet-domain/testing';
import { describe, expect, it } from 'vitest';
import type { AnyTask, CoderResult } from '../coder.js';
import { manualClock } from '../testing/manual-clock.js';
import { coderError, stubCoder } from '../testing/stub-coder.js';
import { createTaskListSource } from './task-list.js';

const thresholds = { idleWaitingMs: 15 * MINUTE, stuckMs: 30 * MINUTE };
const START = Date.parse('2026-01-15T12:00:00.000Z');

/** A task-list source over a scripted Coder: each read returns the next body (the last one repeats). */
function sourceOver(bodies: (string | AnyTask[])[], owners: string[] = []) {
  const clock = manualClock(START);
  let reads = 0;
  const coder = stubCoder({
    listTasksIndexed: async (): Promise<CoderResult<TaskListBody>> => {
      const next = bodies[Math.min(reads++, bodies.length - 1)] ?? [];
      const text = typeof next === 'string' ? next : JSON.stringify({ tasks: next, count: next.length });
      const body = TaskListBody.from(Buffer.from(text));
      return body.ok ? { ok: true, status: 200, value: body.value } : coderError('unexpected_response', { message: body.problem });
    },
  });
  const source = createTaskListSource({ coder, clock, ttlMs: 0, loadTimeoutMs: 5_000, owners, thresholds });
  const read = async () => {
    const r = await source.list();
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  return { clock, source, read };
}

const at = (minutesAgo: number, state: 'working' | 'idle' = 'working') => buildState({ state, agoMs: minutesAgo * MINUTE, now: START });

describe('task-list source: incremental mapping', () => {
  it('maps a read exactly as toAgents does, judged as of the read', async () => {
    const tasks = [buildTask({ current_state: at(1) }), buildTask({ current_state: at(40) }), buildTask({ status: 'error' })];
    const { read } = sourceOver([tasks]);
    const list = await read();
    expect(list.agents).toEqual(toAgents(tasks, list.fetchedAt, thresholds));
    expect(list.count).toBe(3);
    expect(list.agents[1]?.needsAttention?.reason).toBe('stuck');
  });

  it('keeps the agent of every unchanged task, remaps changed ones, adds new ones and drops removed ones', async () => {
    const a = buildTask({ name: 'a', current_state: at(1) });
    const b = buildTask({ name: 'b', current_state: at(2) });
    const c = buildTask({ name: 'c', current_state: at(3) });
    const bChanged = { ...b, current_state: at(0, 'idle') };
    const d = buildTask({ name: 'd' });
    const { read } = sourceOver([
      [a, b, c],
      [d, bChanged, a], // reordered too: agents follow the id, not the position
    ]);
    const first = await read();
    const second = await read();
    expect(second.agents.map((x) => x.name)).toEqual(['d', 'b', 'a']);
    expect(second.agents[2]).toBe(first.agents[0]); // a: same bytes, same object
    expect(second.agents[1]).not.toBe(first.agents[1]);
    expect(second.agents[1]?.status).toBe('idle');
    expect(second.agents).toEqual(toAgents([d, bChanged, a], second.fetchedAt, thresholds));
  });

  it('reports what each read cost: tasks in the answer and how many had to be parsed', async () => {
    const a = buildTask();
    const b = buildTask();
    const { read, source } = sourceOver([[a, b], [a, { ...b, name: 'renamed' }], [a, { ...b, name: 'renamed' }]]);
    expect(source.lastRead()).toBeUndefined();
    await read();
    expect(source.lastRead()).toMatchObject({ tasks: 2, parsed: 2 });
    await read();
    expect(source.lastRead()).toMatchObject({ tasks: 2, parsed: 1 });
    await read();
    expect(source.lastRead()).toMatchObject({ tasks: 2, parsed: 0 });
    expect(source.lastRead()?.bodyBytes).toBeGreaterThan(100);
  });

  it('re-judges kept agents at the new read: a busy agent becomes stuck without any change in Coder', async () => {
    const t = buildTask({ current_state: at(25) });
    const { read, clock } = sourceOver([[t]]);
    const first = await read();
    expect(first.agents[0]?.needsAttention).toBeUndefined();
    clock.advance(10 * MINUTE);
    const second = await read();
    expect(second.agents[0]?.needsAttention?.reason).toBe('stuck');
    expect(second.agents).toEqual(toAgents([t], second.fetchedAt, thresholds));
  });

  it('applies the owner scope to new and kept tasks alike, and task(id) only answers for agents in scope', async () => {
    const mine = buildTask({ owner_name: 'Alice' });
    const theirs = buildTask({ owner_name: 'bob' });
    const { read } = sourceOver([[mine, theirs]], ['alice']);
    for (let i = 0; i < 2; i++) {
      const list = await read();
      expect(list.agents.map((x) => x.id)).toEqual([mine.id]);
      expect(list.task(mine.id)).toEqual(mine);
      expect(list.task(theirs.id)).toBeUndefined();
      expect(list.task('nope')).toBeUndefined();
    }
  });

  it('fails the read as unexpected_response when a changed task is not a task', async () => {
    const good = buildTask();
    const { source } = sourceOver([[good], `{"tasks":[${JSON.stringify(good)},{"id":"x"}],"count":2}`]);
    expect((await source.list()).ok).toBe(true);
    const r = await source.list();
    expect(!r.ok && r.error).toMatchObject({ kind: 'unexpected_response', operation: 'GET /api/v2/tasks' });
    expect(!r.ok && r.error.message).toContain('"tasks"[1]');
  });

  it('passes Coder failures through unchanged and recovers on the next read', async () => {
    let fail = true;
    const t = buildTask();
    const coder = stubCoder({
      listTasksIndexed: async () => {
        if (fail) return coderError('unauthorized', { status: 401 });
        const body = TaskListBody.from(Buffer.from(JSON.stringify({ tasks: [t], count: 1 })));
        if (!body.ok) throw new Error(body.problem);
        return { ok: true, status: 200, value: body.value };
      },
    });
    const source = createTaskListSource({ coder, clock: manualClock(START), ttlMs: 0, loadTimeoutMs: 5_000, owners: [], thresholds });
    const r = await source.list();
    expect(!r.ok && r.error.kind).toBe('unauthorized');
    fail = false;
    const ok = await source.list();
    expect(ok.ok && ok.value.agents.map((a) => a.id)).toEqual([t.id]);
  });
});
