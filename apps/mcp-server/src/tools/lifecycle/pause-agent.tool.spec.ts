import { describe, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from '../../testing/client-fixture.js';
import { isSchemaRejection, textOf } from '../../testing/in-process.js';
import { expectFailure, structured } from '../../testing/tool-assertions.js';
import { advanceUntil, duringRequest, pausedAgent, lifecycleSuite, runningAgent, summaryOf, type Recorder } from './__fixtures__/lifecycle-kit.js';

interface PauseOut {
  agent: { id: string; ref: string; status: string };
  already_paused: boolean;
  build?: { id?: string; build_number?: number; transition?: string; status?: string; reason?: string };
  next_actions: { tool: string }[];
}

const PAUSE_ROUTE = 'POST /api/v2/tasks/{user}/{task}/pause';

describe('pause_agent', () => {
  let fx: FleetFixture;
  let rec: Recorder;
  lifecycleSuite('pause_agent', { destructive: false, idempotent: true }, (s) => void ({ fx, rec } = s));

  it('pauses a running agent and reports the stop build Coder started', async () => {
    const t = runningAgent(fx, 'idle');
    const r = await rec.call('pause_agent', { agent: `${t.owner}/${t.name}` });
    const out = structured<PauseOut>(r);
    expect(out.already_paused).toBe(false);
    // Read back after the change: paused (its stop build running), and what it was before.
    expect(out.agent).toMatchObject({ id: t.id, status: 'paused' });
    expect(out).toMatchObject({ previous_status: 'idle' });
    expect(out.build).toMatchObject({ transition: 'stop', reason: 'task_manual_pause' });
    expect(out).toMatchObject({ via: 'task_api' });
    expect(out.build?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.build?.build_number).toBeGreaterThan(1);
    expect(out.next_actions.map((n) => n.tool)).toContain('resume_agent');
    expect(textOf(r)).toMatch(/Pausing agent .* build #\d+ stop/);
    advanceUntil(fx, () => summaryOf(fx, t.id)?.status === 'paused', 2_000);
  });

  it('reports an already paused agent without calling Coder', async () => {
    const t = await pausedAgent(fx);
    fx.resetCounters();
    const out = structured<PauseOut>(await rec.call('pause_agent', { agent: t.id }));
    expect(out.already_paused).toBe(true);
    expect(out.build).toBeUndefined();
    expect(fx.counters()[PAUSE_ROUTE]).toBeUndefined();
  });

  it('treats a 409 race where the agent got paused meanwhile as already paused', async () => {
    const t = runningAgent(fx, 'idle');
    const r = await duringRequest(fx, PAUSE_ROUTE, () => rec.call('pause_agent', { agent: t.id }), async () => {
      // Someone else pauses it while our request is on its way: Coder answers 409 "already paused".
      expect((await fx.coder.pauseTask(t.owner, t.id)).ok).toBe(true);
      advanceUntil(fx, () => summaryOf(fx, t.id)?.status === 'paused', 2_000);
    });
    expect(structured<PauseOut>(r).already_paused).toBe(true);
  });

  it('waits (bounded) for a start build that is still running, then pauses, instead of failing with 409', async () => {
    const t = fx.sim.control.createTask({ owner: 'bob', template: 'python-dev', input: 'still building', name: 'pause-while-building' });
    const r = await rec.call('pause_agent', { agent: t.id });
    const out = structured<PauseOut & { previous_status?: string }>(r);
    expect(out.build).toMatchObject({ transition: 'stop' });
    expect(out).toMatchObject({ previous_status: 'starting', agent: { status: 'paused' } });
    expect(textOf(r)).toContain('bob/pause-while-building');
  });

  it('maps an unknown agent and a Coder server error', async () => {
    expectFailure(await rec.call('pause_agent', { agent: 'nobody/nothing' }), 'agent_not_found');
    const t = runningAgent(fx, 'idle');
    const fault = fx.sim.control.faults.status(500, { route: PAUSE_ROUTE });
    try {
      expectFailure(await rec.call('pause_agent', { agent: t.id }), 'server_error');
    } finally {
      fx.sim.control.faults.clear(fault);
    }
  });

  it('stops the workspace directly on Coder 2.27 (no pause endpoint), and resume_agent starts it again', async () => {
    const old = await startFleetFixture({ sim: { agents: 0, coderVersion: '2.27' } });
    try {
      const t = runningAgent(old, 'idle');
      const ref = `${t.owner}/${t.name}`; // experimental-era task ids are workspace ids
      const paused = structured<PauseOut & { via?: string }>(await old.call('pause_agent', { agent: ref }));
      expect(paused).toMatchObject({ already_paused: false, via: 'workspace_build', build: { transition: 'stop' } });
      advanceUntil(old, () => summaryOf(old, t.id)?.phase === 'stopped', 2_000);
      expect(structured<PauseOut>(await old.call('pause_agent', { agent: ref })).already_paused).toBe(true);
      const resumed = structured<{ via?: string; build?: { transition?: string } }>(await old.call('resume_agent', { agent: ref }));
      expect(resumed).toMatchObject({ via: 'workspace_build', build: { transition: 'start' } });
      expect(old.counters()['POST /api/v2/workspaces/{workspace}/builds']).toBe(2);
    } finally {
      await old.close();
    }
  });

  it('reports a rejected token without echoing it', async () => {
    const bad = await startFleetFixture({ sim: { agents: 1, scenario: 'steady' }, coderToken: 'abcdefghij-0123456789012345678901' });
    try {
      const r = await bad.call('pause_agent', { agent: 'anything' });
      expectFailure(r, 'unauthorized');
      expect(JSON.stringify(r)).not.toContain('abcdefghij-0123456789012345678901');
    } finally {
      await bad.close();
    }
  });

  it('rejects invalid arguments with the schema problem', async () => {
    expect(await isSchemaRejection(fx.call('pause_agent', {}))).toBe(true);
    expect(await isSchemaRejection(fx.call('pause_agent', { agent: '' }))).toBe(true);
  });

  it('never puts the Coder token in a result', () => {
    rec.expectNoToken(fx.sim.token);
  });
});
