import { describe, expect, it } from 'vitest';
import type { FleetFixture } from '../../testing/client-fixture.js';
import { isSchemaRejection } from '../../testing/in-process.js';
import { expectFailure, structured } from '../../testing/tool-assertions.js';
import { advanceUntil, duringRequest, pausedAgent, lifecycleSuite, runningAgent, summaryOf, type Recorder } from './__fixtures__/lifecycle-kit.js';

interface SendOut {
  agent: { id: string; status: string };
  sent: boolean;
  input_chars: number;
}

const SEND_ROUTE = 'POST /api/v2/tasks/{user}/{task}/send';
const INPUT = 'Please also add tests for the "edge" case.';

describe('send_agent_input', () => {
  let fx: FleetFixture;
  let rec: Recorder;
  lifecycleSuite('send_agent_input', { destructive: false, idempotent: false }, (s) => void ({ fx, rec } = s));
  const send = (agent: string, input = INPUT) => rec.call('send_agent_input', { agent, input });
  /** The failure quotes the unsent input, and Coder's send endpoint was not called. */
  const expectNotSent = async (agent: string, code: string) => {
    fx.resetCounters();
    const text = expectFailure(await send(agent), code);
    expect(text).toContain(JSON.stringify(INPUT));
    expect(text).toContain('NOT sent');
    expect(fx.counters()[SEND_ROUTE]).toBeUndefined();
    return text;
  };

  it('sends input to an idle agent, which starts working on it', async () => {
    const t = runningAgent(fx, 'idle');
    const out = structured<SendOut>(await send(`${t.owner}/${t.name}`));
    expect(out).toMatchObject({ sent: true, input_chars: INPUT.length, agent: { id: t.id, status: 'idle' } });
    expect(summaryOf(fx, t.id)?.state).toBe('working');
  });

  it('also answers an agent that is blocked on a question', async () => {
    const t = runningAgent(fx, 'failure');
    expect(structured<SendOut>(await send(t.id)).agent.status).toBe('blocked');
  });

  it("with when_busy 'fail' refuses with agent_busy while the agent works, keeping the input", async () => {
    const t = runningAgent(fx, 'working');
    fx.resetCounters();
    const text = expectFailure(await rec.call('send_agent_input', { agent: t.id, input: INPUT, when_busy: 'fail' }), 'agent_busy');
    expect(text).toContain(JSON.stringify(INPUT));
    expect(text).toMatch(/idle/);
    expect(text).toMatch(/when_busy='queue'/);
    expect(fx.counters()[SEND_ROUTE]).toBeUndefined();
  });

  it('fails fast with agent_paused and suggests resume_agent', async () => {
    const t = await pausedAgent(fx);
    expect(await expectNotSent(t.id, 'agent_paused')).toContain('resume_agent');
  });

  it('waits (bounded) while the agent is starting, then says when to retry; fails fast while it is offline or errored', async () => {
    const starting = fx.sim.control.createTask({ owner: 'bob', template: 'small', input: 'new', name: 'send-starting' });
    // Its build never advances: the bounded wait runs out (writes-read-back.spec: an agent that comes up in time gets the input).
    const held = fx.sim.control.fleet.taskById(starting.id);
    if (held) held.nextAt = Number.POSITIVE_INFINITY;
    expect(await expectNotSent(starting.id, 'build_in_progress')).toContain('retry_after_ms=10000');
    const offline = runningAgent(fx, 'idle', 'bob');
    fx.sim.control.disconnectAgent(offline.id);
    expect(await expectNotSent(offline.id, 'agent_offline')).toMatch(/get_agent_details/);
    const broken = runningAgent(fx, 'idle', 'carol');
    fx.sim.control.failWorkspace(broken.id);
    expect(await expectNotSent(broken.id, 'agent_error')).toMatch(/get_agent_logs|delete_agent/);
  });

  it('maps a 409 race (paused after our check) to agent_paused with the input', async () => {
    const t = runningAgent(fx, 'idle');
    const r = await duringRequest(fx, SEND_ROUTE, () => send(t.id), async () => {
      expect((await fx.coder.pauseTask(t.owner, t.id)).ok).toBe(true);
      advanceUntil(fx, () => summaryOf(fx, t.id)?.phase === 'stopped', 2_000);
    });
    expect(expectFailure(r, 'agent_paused')).toContain(JSON.stringify(INPUT));
  });

  it('maps a 502 race (agent started working after our check) to agent_busy with the input (when_busy fail)', async () => {
    const t = runningAgent(fx, 'idle');
    const r = await duringRequest(fx, SEND_ROUTE, () => rec.call('send_agent_input', { agent: t.id, input: INPUT, when_busy: 'fail' }), () => fx.sim.control.setAgentState(t.id, 'working'));
    expect(expectFailure(r, 'agent_busy')).toContain(JSON.stringify(INPUT));
    expect(r.content).toBeDefined();
  });

  it('queues the input when the agent started working after our check (when_busy queue, the default)', async () => {
    const t = runningAgent(fx, 'idle');
    const r = await duringRequest(fx, SEND_ROUTE, () => send(t.id), () => fx.sim.control.setAgentState(t.id, 'working'));
    expect(structured<{ sent: boolean; delivery?: string; queue?: string }>(r)).toMatchObject({ sent: false, delivery: 'queued', queue: 'store', agent: { status: 'busy' } });
  });

  it('maps a bare 502 from Coder (agent unreachable for a moment) to agent_busy, input kept (when_busy fail)', async () => {
    const t = runningAgent(fx, 'idle');
    const fault = fx.sim.control.faults.status(502, { route: SEND_ROUTE, message: 'Task app is not ready to accept input.', times: 1 });
    try {
      const text = expectFailure(await rec.call('send_agent_input', { agent: t.id, input: INPUT, when_busy: 'fail' }), 'agent_busy');
      expect(text).toContain(JSON.stringify(INPUT));
      expect(text).toContain('HTTP 502');
    } finally {
      fx.sim.control.faults.clear(fault);
    }
  });

  it('maps a 409 that the status cannot explain by Coder\'s words', async () => {
    const t = runningAgent(fx, 'idle');
    const fault = fx.sim.control.faults.status(409, { route: SEND_ROUTE, message: 'Task is paused. Resume the task to send messages.', times: 1 });
    try {
      expect(expectFailure(await send(t.id), 'agent_paused')).toContain(JSON.stringify(INPUT));
    } finally {
      fx.sim.control.faults.clear(fault);
    }
  });

  it('rejects invalid arguments with the schema problem', async () => {
    expect(await isSchemaRejection(fx.call('send_agent_input', { agent: 'x', input: '   ' }))).toBe(true);
    expect(await isSchemaRejection(fx.call('send_agent_input', { agent: 'x' }))).toBe(true);
  });

  it('never puts the Coder token in a result', () => {
    rec.expectNoToken(fx.sim.token);
  });
});
