import { describe, expect, it } from 'vitest';
import type { FleetFixture } from '../../testing/client-fixture.js';
import { isSchemaRejection } from '../../testing/in-process.js';
import { expectFailure, structured } from '../../testing/tool-assertions.js';
import { advanceUntil, duringRequest, pausedAgent, lifecycleSuite, runningAgent, summaryOf, type Recorder } from './__fixtures__/lifecycle-kit.js';

interface UpdateOut {
  agent: { id: string; status: string };
  updated: boolean;
  input_chars: number;
  previous_input: string;
  next_actions: { tool: string }[];
}

const UPDATE_ROUTE = 'PATCH /api/v2/tasks/{user}/{task}/input';
const NEW_INPUT = 'Only fix the failing test; do not refactor.';

describe('update_agent_task', () => {
  let fx: FleetFixture;
  let rec: Recorder;
  lifecycleSuite('update_agent_task', { destructive: false, idempotent: true }, (s) => void ({ fx, rec } = s));

  it('replaces the task input of a paused agent and suggests resume_agent', async () => {
    const t = await pausedAgent(fx);
    const out = structured<UpdateOut>(await rec.call('update_agent_task', { agent: `${t.owner}/${t.name}`, input: NEW_INPUT }));
    expect(out).toMatchObject({ updated: true, input_chars: NEW_INPUT.length, agent: { id: t.id, status: 'paused' } });
    expect(out.previous_input).toMatch(/^lifecycle test \d+$/);
    expect(out.next_actions[0]?.tool).toBe('resume_agent');
    const task = await fx.coder.getTask(t.owner, t.id);
    expect(task.ok && task.value.initial_prompt).toBe(NEW_INPUT);
  });

  it('fails fast for an agent that is not paused, suggesting pause_agent first', async () => {
    const t = runningAgent(fx, 'working');
    fx.resetCounters();
    const text = expectFailure(await rec.call('update_agent_task', { agent: t.id, input: NEW_INPUT }), 'agent_not_paused');
    expect(text).toContain('pause_agent');
    expect(text).toContain('busy');
    expect(fx.counters()[UPDATE_ROUTE]).toBeUndefined();
  });

  it('maps a 409 race (resumed after our check) to agent_not_paused', async () => {
    const t = await pausedAgent(fx);
    const r = await duringRequest(fx, UPDATE_ROUTE, () => rec.call('update_agent_task', { agent: t.id, input: NEW_INPUT }), async () => {
      expect((await fx.coder.resumeTask(t.owner, t.id)).ok).toBe(true);
      advanceUntil(fx, () => summaryOf(fx, t.id)?.status !== 'paused', 1_000);
    });
    expectFailure(r, 'agent_not_paused');
  });

  it('maps other Coder failures', async () => {
    const t = await pausedAgent(fx);
    const fault = fx.sim.control.faults.status(500, { route: UPDATE_ROUTE });
    try {
      expectFailure(await rec.call('update_agent_task', { agent: t.id, input: NEW_INPUT }), 'server_error');
    } finally {
      fx.sim.control.faults.clear(fault);
    }
  });

  it('rejects invalid arguments with the schema problem', async () => {
    expect(await isSchemaRejection(fx.call('update_agent_task', { agent: 'x', input: '' }))).toBe(true);
  });

  it('never puts the Coder token in a result', () => {
    rec.expectNoToken(fx.sim.token);
  });
});
