/**
 * FR-015 over HTTP with per-caller Coder tokens: each token gets its own runtime, but the mutation journal
 * is process-wide, so a caller is told about another caller's recent change to the same agent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpClient, startHttpFixture, type HttpClient, type HttpFixture } from '../testing/http-harness.js';
import { textOf } from '../testing/in-process.js';
import { structured } from '../testing/tool-assertions.js';
import { runningAgent } from '../tools/lifecycle/__fixtures__/lifecycle-kit.js';

interface WithConflict {
  conflict?: { earlier_action: string; earlier_session: string; ms_before: number; window_ms: number };
}

describe('HTTP coder-token mode: FR-015 conflict notices across callers', () => {
  let fx: HttpFixture;
  let alice: HttpClient;
  let admin: HttpClient;
  const sim = () => ({ sim: fx.sim, advance: (ms: number) => void fx.sim.control.advance(ms) });

  beforeAll(async () => {
    fx = await startHttpFixture({ sim: { agents: 4, scenario: 'steady' }, config: { authMode: 'coder-token', authToken: undefined, conflictWindowMs: 30_000 } });
    alice = await connectHttpClient(fx.http.mcpUrl, { token: 'sim-alice-token', name: 'alice-superagent' });
    admin = await connectHttpClient(fx.http.mcpUrl, { token: fx.sim.token, name: 'admin-superagent' });
  });
  afterAll(async () => {
    await alice.close();
    await admin.close();
    await fx.close();
  });

  it('runs each caller on its own runtime but one journal', () => {
    const a = fx.http.session(alice.transport.sessionId as string);
    const b = fx.http.session(admin.transport.sessionId as string);
    expect(a?.principal.user).toBe('alice');
    expect(a?.fleet.runtime).not.toBe(b?.fleet.runtime);
    expect(a?.fleet.runtime.mutations).toBe(b?.fleet.runtime.mutations);
  });

  it("tells the second caller about the first caller's change to the same agent within the window", async () => {
    const t = runningAgent(sim(), 'idle', 'alice');
    const first = structured<WithConflict>(await alice.call('send_agent_input', { agent: t.id, input: 'first' }));
    expect(first.conflict).toBeUndefined();
    fx.sim.control.advance(5_000);
    fx.sim.control.setAgentState(t.id, 'idle');
    const r = await admin.call('send_agent_input', { agent: t.id, input: 'second' });
    expect(structured<WithConflict>(r).conflict).toMatchObject({ earlier_action: 'send_agent_input', ms_before: 5_000, window_ms: 30_000 });
    expect(textOf(r)).toMatch(/^CONFLICT: Another session \(session-[0-9a-f]{8}\) ran send_agent_input/m);
  });

  it('says nothing outside the window', async () => {
    const t = runningAgent(sim(), 'idle', 'alice');
    expect(structured<WithConflict>(await admin.call('send_agent_input', { agent: t.id, input: 'one' })).conflict).toBeUndefined();
    fx.sim.control.advance(30_001);
    fx.sim.control.setAgentState(t.id, 'idle');
    expect(structured<WithConflict>(await alice.call('send_agent_input', { agent: t.id, input: 'two' })).conflict).toBeUndefined();
  });
});
