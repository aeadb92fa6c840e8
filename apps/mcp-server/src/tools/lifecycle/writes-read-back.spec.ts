/**
 * #15 item 6, writes read back true: right after a mutation the agent shown is the agent in transition
 * (no stale `State: working` next to `paused`), and a call that meets a running build waits for it
 * (bounded) or says exactly when to retry, instead of passing Coder's bare 409 on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from '../../testing/client-fixture.js';
import { textOf } from '../../testing/in-process.js';
import { expectFailure, structured } from '../../testing/tool-assertions.js';
import { advanceUntil, duringRequest, lifecycleSuite, runningAgent, summaryOf, type Recorder } from './__fixtures__/lifecycle-kit.js';

const SEND_ROUTE = 'POST /api/v2/tasks/{user}/{task}/send';

interface Details {
  agent: { status: string; state: { kind: string; stale?: boolean } | null };
}
interface TransitionOut {
  agent: { status: string };
  previous_status?: string;
  build?: { transition?: string };
}

describe('writes read back true', () => {
  let fx: FleetFixture;
  let rec: Recorder;
  lifecycleSuite('pause_agent', { destructive: false, idempotent: true }, (s) => void ({ fx, rec } = s));

  it('after pause_agent the answer and the details show the pause in progress, the last report marked as not current', async () => {
    const t = runningAgent(fx, 'working');
    const paused = structured<TransitionOut>(await rec.call('pause_agent', { agent: t.id }));
    expect(paused).toMatchObject({ agent: { status: 'paused' }, previous_status: 'busy' });
    const r = await rec.call('get_agent_details', { agent: t.id, log_tail: 0 });
    const d = structured<Details>(r);
    expect(d.agent.status).toBe('paused');
    expect(d.agent.state).toMatchObject({ kind: 'working', stale: true });
    expect(textOf(r)).not.toMatch(/^State: working/m);
    expect(textOf(r)).toMatch(/^Last report \(before it was paused; not current\): working/m);
    const rows = structured<{ agents: { id: string; state?: string }[] }>(await rec.call('list_agents', { search: t.name, fields: ['state'] }));
    expect(rows.agents.find((a) => a.id === t.id)?.state).toBe('working (stale)');
  });

  it('resume_agent during the stop build waits for it, then resumes', async () => {
    const t = runningAgent(fx, 'idle');
    expect((await fx.coder.pauseTask(t.owner, t.id)).ok).toBe(true);
    expect(summaryOf(fx, t.id)?.phase).toBe('stopping');
    const r = await rec.call('resume_agent', { agent: t.id });
    const out = structured<TransitionOut>(r);
    expect(out.build?.transition).toBe('start');
    expect(out.agent.status).toBe('starting');
  });

  it('says exactly when to retry when the running build outlasts the bounded wait', async () => {
    const t = runningAgent(fx, 'idle');
    expect((await fx.coder.pauseTask(t.owner, t.id)).ok).toBe(true);
    // The stop build never reads back as finished within the wait (its reads fail), so the wait runs out.
    const fault = fx.sim.control.faults.status(500, { route: 'GET /api/v2/workspacebuilds/{workspacebuild}' });
    try {
      const text = expectFailure(await rec.call('resume_agent', { agent: t.id }), 'build_in_progress');
      expect(text).toMatch(/Workspace build #\d+ stop of agent '.*' is still running after 30 s/);
      expect(text).toContain('retry_after_ms=10000');
      expect(text).toContain('Call resume_agent again in about 10 s');
    } finally {
      fx.sim.control.faults.clear(fault);
    }
  });

  // #15 item 6, the other writes: the same rule as pause/resume (wait, bounded, or say when to retry).
  const holdBuild = (taskId: string) => {
    // The build never advances (as a hung provisioner would): the bounded wait runs out.
    const task = fx.sim.control.fleet.taskById(taskId);
    if (task) task.nextAt = Number.POSITIVE_INFINITY;
  };

  it('update_agent_task refused (409) while the pause is still stopping waits for the stop build, then updates', async () => {
    const t = runningAgent(fx, 'idle');
    expect((await fx.coder.pauseTask(t.owner, t.id)).ok).toBe(true);
    expect(summaryOf(fx, t.id)?.phase).toBe('stopping');
    // A Coder that refuses the update until the stop build has ended (the simulator accepts it earlier).
    const fault = fx.sim.control.faults.status(409, { route: 'PATCH */tasks/{user}/{task}/input', times: 1 });
    try {
      const out = structured<{ updated: boolean }>(await rec.call('update_agent_task', { agent: t.id, input: 'new scope' }));
      expect(out.updated).toBe(true);
      expect(summaryOf(fx, t.id)?.phase).toBe('stopped');
    } finally {
      fx.sim.control.faults.clear(fault);
    }
  });

  it('delete_agent refused (409) during a build waits for it and deletes; a build outlasting the wait says when to retry', async () => {
    const t = runningAgent(fx, 'idle');
    expect((await fx.coder.pauseTask(t.owner, t.id)).ok).toBe(true);
    const once = fx.sim.control.faults.status(409, { route: 'DELETE */tasks/{user}/{task}', times: 1 });
    try {
      expect(structured<{ deleted: boolean }>(await rec.call('delete_agent', { agent: t.id, confirm: true })).deleted).toBe(true);
    } finally {
      fx.sim.control.faults.clear(once);
    }

    const u = runningAgent(fx, 'idle');
    expect((await fx.coder.pauseTask(u.owner, u.id)).ok).toBe(true);
    holdBuild(u.id);
    const always = fx.sim.control.faults.status(409, { route: 'DELETE */tasks/{user}/{task}' });
    try {
      const text = expectFailure(await rec.call('delete_agent', { agent: u.id, confirm: true }), 'build_in_progress');
      expect(text).toMatch(/Workspace build #\d+ stop of agent '.*' is still running after 30 s/);
      expect(text).toContain('retry_after_ms=10000');
      expect(text).toContain('Call delete_agent again in about 10 s');
    } finally {
      fx.sim.control.faults.clear(always);
    }
  });

  it('send_agent_input to a starting agent waits until it is up instead of refusing it as not ready', async () => {
    const t = runningAgent(fx, 'idle');
    expect((await fx.coder.pauseTask(t.owner, t.id)).ok).toBe(true);
    advanceUntil(fx, () => summaryOf(fx, t.id)?.phase === 'stopped', 2_000);
    expect((await fx.coder.resumeTask(t.owner, t.id)).ok).toBe(true);
    // Its start build done, its agent still booting (at most ~20 s more in the simulator: within the wait).
    advanceUntil(fx, () => summaryOf(fx, t.id)?.phase === 'agent_starting', 1_000);
    const r = await rec.call('send_agent_input', { agent: t.id, input: 'after the restart, also fix the docs' });
    // Up again, it either takes the input or is already back at its work (busy): never 'not ready'.
    if (r.isError) expect(expectFailure(r, 'agent_busy')).toContain('is busy');
    else expect(structured<{ sent: boolean }>(r).sent).toBe(true);
    expect(summaryOf(fx, t.id)?.status).toBe('active');
  });

  it('send_agent_input to an agent that stays starting past the wait says when to retry, quoting the input back', async () => {
    const t = runningAgent(fx, 'idle');
    expect((await fx.coder.pauseTask(t.owner, t.id)).ok).toBe(true);
    advanceUntil(fx, () => summaryOf(fx, t.id)?.phase === 'stopped', 2_000);
    expect((await fx.coder.resumeTask(t.owner, t.id)).ok).toBe(true);
    holdBuild(t.id);
    const text = expectFailure(await rec.call('send_agent_input', { agent: t.id, input: 'hold on' }), 'build_in_progress');
    expect(text).toMatch(/is still starting \(.*\) after 30 s of waiting/);
    expect(text).toContain('retry_after_ms=10000');
    expect(text).toContain('Call send_agent_input again in about 10 s');
    expect(text).toContain('The input was NOT sent');
  });

  /** During the send request (after the server's check found the agent idle), the agent is paused and resumed: Coder answers 409 (pending). */
  const restartDuringSend = (t: { id: string; owner: string }, input: string, hold: boolean) =>
    duringRequest(fx, SEND_ROUTE, () => rec.call('send_agent_input', { agent: t.id, input }), async () => {
      expect((await fx.coder.pauseTask(t.owner, t.id)).ok).toBe(true);
      advanceUntil(fx, () => summaryOf(fx, t.id)?.phase === 'stopped', 2_000);
      expect((await fx.coder.resumeTask(t.owner, t.id)).ok).toBe(true);
      if (hold) holdBuild(t.id);
      // Its start build done, its agent still booting (at most ~20 s more in the simulator: within the wait).
      else advanceUntil(fx, () => summaryOf(fx, t.id)?.phase === 'agent_starting', 1_000);
    });

  it('send_agent_input answered 409 because the agent went back to starting after the check waits until it is up, then sends', async () => {
    const t = runningAgent(fx, 'idle');
    const r = await restartDuringSend(t, 'late but delivered', false);
    // Up again, it either takes the input or is already back at its work (then the input is queued): never 'still starting'.
    const out = structured<{ sent: boolean; delivery?: string; agent: { status: string } }>(r);
    expect(out.sent || out.delivery === 'queued').toBe(true);
    // Queued because it is back at its work: shown busy, not idle as it was read before the send.
    if (!out.sent) expect([out.agent.status, textOf(r)]).toEqual(['busy', expect.stringMatching(/ \(busy\): item /)]);
    expect(summaryOf(fx, t.id)?.status).toBe('active');
  });

  it('send_agent_input answered 409 by an agent that stays starting past the wait says when to retry, quoting the input back (like the early case)', async () => {
    const t = runningAgent(fx, 'idle');
    const text = expectFailure(await restartDuringSend(t, 'late and held', true), 'build_in_progress');
    expect(text).toMatch(/is still starting \(.*\) after 30 s of waiting/);
    expect(text).toContain('retry_after_ms=10000');
    expect(text).toContain('Call send_agent_input again in about 10 s');
    expect(text).toContain('The input was NOT sent');
    expect(text).toContain(JSON.stringify('late and held'));
  });
});

describe('writes read back true: Coder Agents chats', () => {
  let fx: FleetFixture;
  beforeAll(async () => {
    fx = await startFleetFixture({ sim: { agents: 0, chats: 0, coderVersion: '2.37' } as never });
  });
  afterAll(async () => fx?.close());

  it('pause, resume and send answer with the chat as it is after the change, and its status before', async () => {
    const chat = fx.sim.control.chats.create({ text: 'Refactor the parser' });
    fx.sim.control.chats.setStatus(chat.id, 'running');
    const paused = await fx.call('pause_agent', { agent: chat.id });
    const p = structured<TransitionOut>(paused);
    expect(p.previous_status).toBe('busy');
    expect(p.agent.status).not.toBe('busy');
    expect(textOf(paused)).toMatch(new RegExp(`was busy, now ${p.agent.status}\\)`));

    fx.sim.control.chats.setStatus(chat.id, 'waiting');
    const resumed = structured<TransitionOut>(await fx.call('resume_agent', { agent: chat.id }));
    expect(resumed).toMatchObject({ previous_status: 'idle', agent: { status: 'busy' } });

    fx.sim.control.chats.setStatus(chat.id, 'waiting');
    const sent = await fx.call('send_agent_input', { agent: chat.id, input: 'Also add tests' });
    expect(structured<TransitionOut>(sent)).toMatchObject({ previous_status: 'idle', agent: { status: 'busy' } });
    expect(textOf(sent)).toMatch(/was idle, now busy/);
  });

  it('delete_agent right after interrupt_agent (what a busy chat\'s refusal suggests) waits for the turn to stop, then archives', async () => {
    const chat = fx.sim.control.chats.create({ text: 'Write the changelog' });
    fx.sim.control.chats.setStatus(chat.id, 'running');
    expect(textOf(await fx.call('delete_agent', { agent: chat.id, confirm: true }))).toMatch(/^agent_busy: .*\nNext: Call interrupt_agent first/s);
    expect(structured<{ already_idle: boolean }>(await fx.call('interrupt_agent', { agent: chat.id })).already_idle).toBe(false);
    expect(fx.sim.control.chats.get(chat.id)?.status).toBe('interrupting');
    const r = await fx.call('delete_agent', { agent: chat.id, confirm: true });
    expect(structured<{ deleted: boolean; archived?: boolean }>(r)).toMatchObject({ deleted: true, archived: true });
  });

  it('delete_agent on a chat still stopping its turn after the 30 s wait says when to retry and archives nothing', async () => {
    const chat = fx.sim.control.chats.create({ text: 'Rename the module' });
    fx.sim.control.chats.setStatus(chat.id, 'running');
    expect(structured<{ already_idle: boolean }>(await fx.call('interrupt_agent', { agent: chat.id })).already_idle).toBe(false);
    // The turn never ends (a provider that does not answer the cancel): the bounded wait runs out.
    const held = fx.sim.control.fleet.chats.store.get(chat.id);
    if (held) held.nextAt = Number.POSITIVE_INFINITY;
    const text = expectFailure(await fx.call('delete_agent', { agent: chat.id, confirm: true }), 'agent_busy');
    expect(text).toMatch(/is still stopping its turn after 30 s of waiting/);
    expect(text).toContain('retry_after_ms=10000');
    expect(text).toContain('Call delete_agent again in about 10 s');
    expect(fx.sim.control.chats.get(chat.id)).toMatchObject({ status: 'interrupting', archived: false });
  });
});
