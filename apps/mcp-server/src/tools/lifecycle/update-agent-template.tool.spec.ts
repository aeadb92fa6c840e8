import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from '../../testing/client-fixture.js';
import { textOf } from '../../testing/in-process.js';
import { annotationsOf, expectFailure, structured } from '../../testing/tool-assertions.js';
import { advanceUntil, recordingCaller, summaryOf } from './__fixtures__/lifecycle-kit.js';

interface UpdateOut {
  outcome: string;
  builds: { transition?: string }[];
  template_version?: { from: string; to: string; to_name?: string; added_parameters: string[] };
  next_actions: { tool: string }[];
}
interface DetailsOut {
  workspace: { outdated?: boolean } | null;
  next_actions: { tool: string }[];
}

const BUILD_ROUTE = 'POST /api/v2/workspaces/{workspace}/builds';

describe('update_agent_template (end to end against the simulator)', () => {
  let fx: FleetFixture;
  let rec: ReturnType<typeof recordingCaller>;
  let seq = 0;
  beforeAll(async () => {
    fx = await startFleetFixture({ sim: { agents: 2, scenario: 'steady' } });
    rec = recordingCaller(fx.call);
  });
  afterAll(async () => fx.close());

  /** A running agent on `template`'s current active version. */
  const agentOn = (template: string) => {
    const t = fx.sim.control.createTask({ owner: 'alice', template, input: `template update ${++seq}`, name: `tu-${seq}` });
    advanceUntil(fx, () => summaryOf(fx, t.id)?.phase === 'working');
    fx.sim.control.setAgentState(t.id, 'idle');
    return t;
  };
  const builds = () => fx.counters()[BUILD_ROUTE] ?? 0;

  it('is an idempotent, non-destructive write', async () => {
    expect(await annotationsOf(fx.client, 'update_agent_template')).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false });
  });

  it('refuses an agent already on the active version without touching it, pointing at restart_agent', async () => {
    const t = agentOn('small');
    const before = builds();
    const text = expectFailure(await rec.call('update_agent_template', { agent: t.id }), 'template_current');
    expect(text).toContain('restart_agent');
    expect(builds()).toBe(before);
  });

  it('moves an outdated agent to the active version (details flag it and offer the tool)', async () => {
    const t = agentOn('small');
    const pushed = fx.sim.control.pushTemplateVersion('small', { name: 'tiny_knuth2', addParameters: [{ name: 'disk', type: 'number', default_value: '10', required: false } as never] });
    const details = await fx.call('get_agent_details', { agent: t.id, log_tail: 0 });
    expect(structured<DetailsOut>(details).workspace?.outdated).toBe(true);
    expect(textOf(details)).toContain('template outdated');
    expect(structured<DetailsOut>(details).next_actions.map((n) => n.tool)).toContain('update_agent_template');

    const r = await rec.call('update_agent_template', { agent: `alice/${t.name}` });
    const out = structured<UpdateOut>(r);
    expect(out.builds.map((b) => b.transition)).toEqual(['stop', 'start']);
    expect(out.template_version).toMatchObject({ to: pushed.id, to_name: 'tiny_knuth2', added_parameters: ['disk'] });
    expect(out.outcome).toBe('started');
    expect(textOf(r)).toContain('-> tiny_knuth2');
    const ws = await fx.coder.getWorkspace(fx.sim.control.task(t.id)?.workspaceId ?? '');
    expect(ws.ok && ws.value.outdated).toBe(false);
    expect(ws.ok && ws.value.latest_build?.template_version_id).toBe(pushed.id);
    // Called again: already current, nothing more happens (idempotent).
    expectFailure(await rec.call('update_agent_template', { agent: t.id }), 'template_current');
  });

  it('refuses, before stopping anything, when the new version drops a parameter the agent uses', async () => {
    const t = agentOn('node-fullstack');
    fx.sim.control.pushTemplateVersion('node-fullstack', { removeParameters: ['node_version'] });
    const before = builds();
    const text = expectFailure(await rec.call('update_agent_template', { agent: t.id }), 'template_parameters_removed');
    expect(text).toContain('"node_version"');
    expect(text).toContain('Nothing was changed');
    expect(builds()).toBe(before);
    expect(summaryOf(fx, t.id)?.status).toBe('active');
  });

  it('refuses when the new version requires a parameter the agent has no value for, naming it; given in parameters, it moves', async () => {
    const t = agentOn('gpu-ml');
    fx.sim.control.pushTemplateVersion('gpu-ml', { addParameters: [{ name: 'quota_project', type: 'string', default_value: '', required: true } as never] });
    const before = builds();
    const text = expectFailure(await rec.call('update_agent_template', { agent: t.id }), 'template_parameters_required');
    expect(text).toContain('"quota_project"');
    expect(builds()).toBe(before);
    // Its next step works: the same call with the value.
    expect(text).toContain('call update_agent_template again with parameters {"quota_project":"<value>"}');
    expectFailure(await rec.call('update_agent_template', { agent: t.id, parameters: { quota_projekt: 'ml-team' } }), 'invalid_argument');
    expect(builds()).toBe(before);
    const out = structured<UpdateOut>(await rec.call('update_agent_template', { agent: t.id, parameters: { quota_project: 'ml-team' } }));
    expect(out.builds.map((b) => b.transition)).toEqual(['stop', 'start']);
    expect(out.outcome).toBe('started');
    const ws = await fx.coder.getWorkspace(fx.sim.control.task(t.id)?.workspaceId ?? '');
    const latest = ws.ok ? ws.value.latest_build?.id : undefined;
    const used = await fx.coder.getWorkspaceBuildParameters(latest ?? '');
    expect(used.ok && used.value.find((p) => p.name === 'quota_project')?.value).toBe('ml-team');
  });

  it('refuses a Coder Agents chat clearly', async () => {
    const chat = fx.sim.control.chats.create({ text: 'hello' });
    expectFailure(await rec.call('update_agent_template', { agent: chat.id }), 'not_supported');
  });

  it('never returns the session token', () => {
    rec.expectNoToken(fx.sim.token);
  });
});
