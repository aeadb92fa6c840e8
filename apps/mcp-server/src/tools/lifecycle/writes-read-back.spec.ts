/**
 * #15 item 6, writes read back true: right after a mutation the agent shown is the agent in transition
 * (no stale `State: working` next to `paused`), and a call that meets a running build waits for it
 * (bounded) or says exactly when to retry, instead of passing Coder's bare 409 on.
 */
import { describe, expect, it } from 'vitest';
import type { FleetFixture } from '../../testing/client-fixture.js';
import { textOf } from '../../testing/in-process.js';
import { expectFailure, structured } from '../../testing/tool-assertions.js';
import { lifecycleSuite, runningAgent, summaryOf, type Recorder } from './__fixtures__/lifecycle-kit.js';

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
});
