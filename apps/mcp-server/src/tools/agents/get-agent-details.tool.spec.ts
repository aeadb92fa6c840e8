import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from '../../testing/client-fixture.js';
import { isSchemaRejection, textOf } from '../../testing/in-process.js';
import { annotationsOf, expectFailure, expectReadOnlyAnnotations, structured } from '../../testing/tool-assertions.js';

interface DetailsOut {
  agent: { id: string; ref: string; status: string; state: { message: string } | null; template: { name: string }; prompt: string; needs_attention?: { suggestion: string } };
  workspace: { build?: { status?: string }; agents: unknown[] } | null;
  history: { state: string; message: string }[];
  log_tail: { entries: { content: string }[]; unavailable_reason?: string };
  next_actions: { tool: string; why: string }[];
  content_trust: string;
}

describe('get_agent_details', () => {
  let fx: FleetFixture;
  beforeAll(async () => {
    fx = await startFleetFixture({ sim: { agents: 20, scenario: 'mixed' } });
  });
  afterAll(async () => fx.close());
  const details = async (agent: string, extra: Record<string, unknown> = {}) => structured<DetailsOut>(await fx.call('get_agent_details', { agent, ...extra }));
  const pick = (status: string) => {
    const t = fx.sim.control.tasks().find((x) => x.status === status);
    if (!t) throw new Error(`no ${status} task in the scenario`);
    return t;
  };

  it('is read-only with all four hints', async () => {
    expectReadOnlyAnnotations(await annotationsOf(fx.client, 'get_agent_details'));
  });

  it('accepts owner/name, id and bare name for the same agent', async () => {
    const t = pick('active');
    const a = await details(`${t.owner}/${t.name}`);
    const b = await details(t.id);
    expect(a.agent.id).toBe(t.id);
    expect(b.agent.id).toBe(t.id);
    expect(a.agent.ref).toBe(`${t.owner}/${t.name}`);
  });

  it('shows status, state, workspace, history, a short log tail and next actions', async () => {
    const t = pick('active');
    const d = await details(`${t.owner}/${t.name}`);
    expect(d.agent.state).not.toBeNull();
    expect(d.workspace?.build?.status).toBeDefined();
    expect(d.history.length).toBeGreaterThan(0);
    expect(d.log_tail.entries.length).toBeLessThanOrEqual(3);
    for (const e of d.log_tail.entries) expect(e.content.length).toBeLessThanOrEqual(400);
    expect(d.next_actions.length).toBeGreaterThan(0);
    expect(d.content_trust).toBe('untrusted_agent_output');
    const text = textOf(await fx.call('get_agent_details', { agent: t.id }));
    expect(text).toContain('untrusted');
    expect(text).toMatch(/<<<agent-output [0-9a-f]{8} /);
  });

  it('never forwards raw workspace JSON (agent environment variables hold secrets)', async () => {
    for (const t of fx.sim.control.tasks().slice(0, 8)) {
      const r = await fx.call('get_agent_details', { agent: t.id });
      const all = JSON.stringify(r);
      expect(all).not.toContain('environment_variables');
      expect(all).not.toContain('sim-fake-gh-token-never-forward');
      expect(all).not.toContain('GH_TOKEN');
    }
  });

  it('still answers when Coder refuses the logs (error state)', async () => {
    const t = pick('error');
    const d = await details(t.id);
    expect(d.agent.status).toBe('error');
    expect(d.log_tail.unavailable_reason).toMatch(/\w/);
    expect(d.agent.needs_attention?.suggestion).toMatch(/\w/);
  });

  it('skips the logs call with log_tail=0', async () => {
    const t = pick('active');
    fx.resetCounters();
    await details(t.id, { log_tail: 0 });
    expect(Object.keys(fx.counters()).some((k) => k.endsWith('/logs'))).toBe(false);
  });

  it('fails with agent_not_found and agent_ambiguous', async () => {
    expectFailure(await fx.call('get_agent_details', { agent: 'nobody/nothing' }), 'agent_not_found');
    fx.sim.control.createTask({ owner: 'alice', name: 'twin-task', input: 'a' });
    fx.sim.control.createTask({ owner: 'bob', name: 'twin-task', input: 'b' });
    fx.advance(10_000);
    const text = expectFailure(await fx.call('get_agent_details', { agent: 'twin-task' }), 'agent_ambiguous');
    expect(text).toContain('alice/twin-task');
    expect(text).toContain('bob/twin-task');
    expect(structured<DetailsOut>(await fx.call('get_agent_details', { agent: 'bob/twin-task' })).agent.ref).toBe('bob/twin-task');
  });

  it('reports a failing Coder read with a next step', async () => {
    const t = pick('active');
    const id = fx.sim.control.faults.status(500, { route: 'GET /api/v2/tasks/{user}/{task}' });
    try {
      expectFailure(await fx.call('get_agent_details', { agent: t.id }), 'server_error');
    } finally {
      fx.sim.control.faults.clear(id);
    }
  });

  it('rejects invalid arguments with the schema problem', async () => {
    expect(await isSchemaRejection(fx.call('get_agent_details', { agent: '' }))).toBe(true);
    expect(await isSchemaRejection(fx.call('get_agent_details', {}))).toBe(true);
  });
});
