import { describe, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from '../../testing/client-fixture.js';
import { isSchemaRejection, textOf } from '../../testing/in-process.js';
import { expectFailure, structured } from '../../testing/tool-assertions.js';
import { advanceUntil, duringRequest, pausedAgent, lifecycleSuite, runningAgent, summaryOf, type Recorder } from './__fixtures__/lifecycle-kit.js';

interface ResumeOut {
  agent: { id: string; status: string };
  already_running: boolean;
  build?: { id?: string; build_number?: number; transition?: string; reason?: string };
}

const RESUME_ROUTE = 'POST /api/v2/tasks/{user}/{task}/resume';

describe('resume_agent', () => {
  let fx: FleetFixture;
  let rec: Recorder;
  lifecycleSuite('resume_agent', { destructive: false, idempotent: true }, (s) => void ({ fx, rec } = s));

  it('resumes a paused agent and reports the start build', async () => {
    const t = await pausedAgent(fx);
    const r = await rec.call('resume_agent', { agent: `${t.owner}/${t.name}` });
    const out = structured<ResumeOut>(r);
    expect(out.already_running).toBe(false);
    expect(out.agent).toMatchObject({ id: t.id, status: 'starting' });
    expect(out).toMatchObject({ previous_status: 'paused' });
    expect(out.build).toMatchObject({ transition: 'start', reason: 'task_resume' });
    expect(textOf(r)).toMatch(/Resuming agent .* build #\d+ start/);
    advanceUntil(fx, () => summaryOf(fx, t.id)?.status === 'active');
  });

  it('reports a running agent as already running without calling Coder', async () => {
    const t = runningAgent(fx, 'working');
    fx.resetCounters();
    const out = structured<ResumeOut>(await rec.call('resume_agent', { agent: t.id }));
    expect(out).toMatchObject({ already_running: true, agent: { status: 'busy' } });
    expect(fx.counters()[RESUME_ROUTE]).toBeUndefined();
  });

  it('treats a race where someone resumed it first as already running', async () => {
    const t = await pausedAgent(fx);
    const r = await duringRequest(fx, RESUME_ROUTE, () => rec.call('resume_agent', { agent: t.id }), async () => {
      expect((await fx.coder.resumeTask(t.owner, t.id)).ok).toBe(true);
      fx.advance(1_000);
    });
    expect(structured<ResumeOut>(r).already_running).toBe(true);
  });

  it('falls back to the experimental route on Coder 2.29 (pause/resume not yet under /api/v2)', async () => {
    const old = await startFleetFixture({ sim: { agents: 2, scenario: 'steady', coderVersion: '2.29' } });
    try {
      const t = await pausedAgent(old);
      const out = structured<ResumeOut>(await old.call('resume_agent', { agent: t.id }));
      expect(out.build?.transition).toBe('start');
      expect(old.counters()['POST /api/experimental/tasks/{user}/{task}/resume']).toBe(1);
    } finally {
      await old.close();
    }
  });

  it('maps Coder failures with a next step', async () => {
    const t = await pausedAgent(fx);
    const fault = fx.sim.control.faults.status(503, { route: RESUME_ROUTE });
    try {
      expectFailure(await rec.call('resume_agent', { agent: t.id }), 'upstream_unavailable');
    } finally {
      fx.sim.control.faults.clear(fault);
    }
    expectFailure(await rec.call('resume_agent', { agent: 'ghost-agent' }), 'agent_not_found');
  });

  it('rejects invalid arguments with the schema problem', async () => {
    expect(await isSchemaRejection(fx.call('resume_agent', { agent: 42 }))).toBe(true);
  });

  it('never puts the Coder token in a result', () => {
    rec.expectNoToken(fx.sim.token);
  });
});
