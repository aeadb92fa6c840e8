/** FR-015 across the lifecycle tools: two MCP sessions sharing one runtime, last write wins with a notice. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from '../../testing/client-fixture.js';
import { textOf, type InProcessClient } from '../../testing/in-process.js';
import { structured } from '../../testing/tool-assertions.js';
import { advanceUntil, runningAgent, summaryOf } from './__fixtures__/lifecycle-kit.js';
import { anonymiseSession } from './lifecycle-common.js';

interface WithConflict {
  conflict?: { earlier_action: string; earlier_session: string; earlier_at: string; ms_before: number; window_ms: number; message: string };
}

describe('FR-015 conflict notices', () => {
  let fx: FleetFixture;
  let other: InProcessClient;
  beforeAll(async () => {
    fx = await startFleetFixture({ sim: { agents: 4, scenario: 'steady' }, config: { conflictWindowMs: 30_000 } });
    other = await fx.openSession();
  });
  afterAll(async () => fx.close());

  it('tells the second session about the first one\'s recent change, and still applies it', async () => {
    const t = runningAgent(fx, 'idle');
    const first = structured<WithConflict>(await fx.call('send_agent_input', { agent: t.id, input: 'first' }));
    expect(first.conflict).toBeUndefined();
    fx.advance(5_000);
    fx.sim.control.setAgentState(t.id, 'idle');
    const r = await other.call('pause_agent', { agent: t.id });
    const second = structured<WithConflict>(r);
    expect(second.conflict).toMatchObject({ earlier_action: 'send_agent_input', earlier_session: anonymiseSession('session-1'), ms_before: 5_000, window_ms: 30_000 });
    expect(second.conflict?.earlier_at).toBe(new Date(fx.sim.control.now() - 5_000).toISOString());
    expect(second.conflict?.earlier_session).not.toContain('session-1');
    expect(textOf(r)).toMatch(/^CONFLICT: Another session \(session-[0-9a-f]{8}\) ran send_agent_input/m);
    advanceUntil(fx, () => summaryOf(fx, t.id)?.status === 'paused', 2_000);
  });

  it('says nothing for the same session, for other agents, or outside the window', async () => {
    const a = runningAgent(fx, 'idle');
    const b = runningAgent(fx, 'idle');
    expect(structured<WithConflict>(await fx.call('send_agent_input', { agent: a.id, input: 'one' })).conflict).toBeUndefined();
    fx.sim.control.setAgentState(a.id, 'idle');
    expect(structured<WithConflict>(await fx.call('send_agent_input', { agent: a.id, input: 'two' })).conflict).toBeUndefined();
    expect(structured<WithConflict>(await other.call('send_agent_input', { agent: b.id, input: 'three' })).conflict).toBeUndefined();
    fx.advance(30_001);
    fx.sim.control.setAgentState(a.id, 'idle');
    expect(structured<WithConflict>(await other.call('send_agent_input', { agent: a.id, input: 'four' })).conflict).toBeUndefined();
  });

  it('does not journal failed mutations', async () => {
    const t = runningAgent(fx, 'working');
    expect((await fx.call('send_agent_input', { agent: t.id, input: 'refused: busy', when_busy: 'fail' })).isError).toBe(true);
    fx.sim.control.setAgentState(t.id, 'idle');
    expect(structured<WithConflict>(await other.call('send_agent_input', { agent: t.id, input: 'accepted' })).conflict).toBeUndefined();
  });

  it('names a create by another session as the earlier change', async () => {
    const created = structured<{ agent: { id: string } }>(await fx.call('create_agent_task', { input: 'new work', template: 'small', name: 'fr015-new' }));
    fx.advance(3_000);
    const r = await other.call('delete_agent', { agent: created.agent.id, confirm: true });
    expect(structured<WithConflict & { deleted: boolean }>(r)).toMatchObject({ deleted: true, conflict: { earlier_action: 'create_agent_task', ms_before: 3_000 } });
  });
});
