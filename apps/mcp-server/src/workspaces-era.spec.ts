/**
 * End to end through an MCP client against the simulator in workspaces mode on Coder 2.40 — no Tasks, no Chats —
 * (#17 Done-when): agents are plain workspaces running an AI app (AgentAPI behind the path-based app proxy). The
 * client lists only the AI workspaces with true status, creates one from a preset, sends input to an idle agent
 * (a busy one's input waits in the store's queue and is delivered once it is idle), interrupts a busy one, restarts and updates one, gets a clear refusal (input echoed) when path apps are
 * disabled, and never meets `tasks_unsupported`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from './testing/client-fixture.js';
import { textOf } from './testing/in-process.js';
import { structured } from './testing/tool-assertions.js';

interface Row {
  id: string;
  name: string;
  owner: string;
  kind?: string;
  status: string;
}

describe('Coder 2.40 with workspace agents (no Tasks, no Chats) through an MCP client', () => {
  let fx: FleetFixture;
  const texts: string[] = [];
  const call = async (name: Parameters<FleetFixture['call']>[0], args?: Parameters<FleetFixture['call']>[1]) => {
    const r = await fx.call(name, args);
    texts.push(textOf(r));
    return r;
  };
  const ok = async <T,>(name: Parameters<FleetFixture['call']>[0], args?: Parameters<FleetFixture['call']>[1]): Promise<T> => {
    const r = await call(name, args);
    expect(r.isError, `${name}: ${textOf(r)}`).toBeFalsy();
    return structured<T>(r);
  };
  const list = async () => (await ok<{ agents: Row[] }>('list_agents', { limit: 100 })).agents;
  /** An agent the sim has settled in `state` (its AI app up and reporting it). */
  const settled = async (state: 'idle' | 'working', skip: readonly string[] = []): Promise<Row> => {
    for (const t of fx.sim.control.tasks()) {
      if (skip.includes(t.name) || t.phase === 'deleting') continue;
      const row = (await list()).find((r) => r.name === t.name);
      if (!row || !['busy', 'idle', 'complete', 'blocked'].includes(row.status)) continue;
      fx.sim.control.setAgentState(`${t.owner}/${t.name}`, state, { message: `settled ${state}`, holdMs: 3_600_000 });
      fx.runtime.backend.invalidate();
      return row;
    }
    throw new Error(`no agent could be settled ${state}`);
  };

  beforeAll(async () => {
    // A 2.40 deployment with Coder Agents off: the server detects neither Tasks nor Chats and serves workspace agents.
    fx = await startFleetFixture({ sim: { agents: 8, seed: 11, scenario: 'steady', mode: 'workspaces', coderVersion: '2.40', chatsApi: false } as never, config: { cacheTtlMs: 0 } });
    // Let the seeded workspaces finish booting.
    fx.advance(10 * 60_000);
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('lists only the AI workspaces, each a workspace agent with its true status', async () => {
    const rows = await list();
    const sims = fx.sim.control.tasks().filter((t) => t.phase !== 'deleting');
    expect(rows.map((r) => r.name).sort()).toEqual(sims.map((t) => t.name).sort());
    expect(rows.every((r) => r.kind === 'workspace')).toBe(true);
    // The plain workspaces of the scenario (docs-*) are never agents.
    expect(rows.some((r) => r.name.startsWith('docs-'))).toBe(false);
    const idle = await settled('idle');
    const details = await ok<{ agent: { status: string; kind?: string }; history: unknown[] }>('get_agent_details', { agent: `${idle.owner}/${idle.name.toUpperCase()}` });
    expect(details.agent).toMatchObject({ status: 'idle', kind: 'workspace' });
    expect(details.history.length).toBeGreaterThan(0);
    const status = await ok<{ total: number }>('get_fleet_status');
    expect(status.total).toBe(rows.length);
  });

  it('creates an agent from a template preset with the task as the AI prompt (it starts working)', async () => {
    const created = await ok<{ agent: { id: string; kind?: string; name: string; preset?: { name: string } }; wait?: { outcome: string; status: string } }>('create_agent_task', {
      input: 'Fix the login bug',
      template: 'python-dev',
      preset: 'Coder',
      name: 'fix-login',
      wait_until: 'working',
      wait_timeout_ms: 60_000,
    });
    expect(created.agent).toMatchObject({ kind: 'workspace', name: 'fix-login', preset: { name: 'Coder' } });
    expect(created.wait).toMatchObject({ outcome: 'reached', status: 'busy' });
    const details = await ok<{ agent: { initial_prompt?: string; prompt?: string } }>('get_agent_details', { agent: 'fix-login' });
    expect(JSON.stringify(details)).toContain('Fix the login bug');
    const again = await call('create_agent_task', { input: 'Another task', template: 'python-dev', name: 'FIX-LOGIN' });
    expect(again.isError).toBe(true);
    expect(textOf(again)).toMatch(/^name_taken/);
  });

  it('sends input to an idle agent; a busy one refuses fast with retry advice and the input echoed back', async () => {
    const idle = await settled('idle', ['fix-login']);
    const sent = await ok<{ sent: boolean }>('send_agent_input', { agent: idle.id, input: 'Please add tests for the parser' });
    expect(sent.sent).toBe(true);
    const logs = await ok<{ entries: { type: string; content: string }[] }>('get_agent_logs', { agent: idle.id, type: 'input' });
    expect(logs.entries.map((e) => e.content)).toContain('Please add tests for the parser');
    const busy = await call('send_agent_input', { agent: idle.id, input: 'And the docs', when_busy: 'fail' });
    expect(busy.isError).toBe(true);
    expect(textOf(busy)).toMatch(/^agent_busy/);
    expect(textOf(busy)).toContain('And the docs');
  });

  it("queues input for a busy agent in the server's store and delivers it through AgentAPI once the agent is idle", async () => {
    const agent = await settled('idle', ['fix-login']);
    await ok('send_agent_input', { agent: agent.id, input: 'Start with the tokenizer' });
    const queued = await ok<{ sent: boolean; delivery?: string; queue?: string; queue_position?: number }>('send_agent_input', { agent: agent.id, input: 'Then the docs' });
    expect(queued).toMatchObject({ sent: false, delivery: 'queued', queue: 'store', queue_position: 1 });
    const listed = await ok<{ items: { preview: string }[] }>('manage_agent_queue', { agent: agent.id });
    expect(listed.items.map((i) => i.preview)).toEqual(['Then the docs']);
    expect(JSON.stringify(await ok('get_agent_details', { agent: agent.id, log_tail: 0 }))).toContain('Then the docs');
    expect(await fx.runtime.dispatcher.dispatchOnce()).toEqual([]); // still busy: nothing sent
    await ok('interrupt_agent', { agent: agent.id });
    fx.sim.control.setAgentState(`${agent.owner}/${agent.name}`, 'idle', { message: 'stopped', holdMs: 3_600_000 });
    fx.runtime.backend.invalidate();
    const delivered = await fx.runtime.dispatcher.dispatchOnce();
    expect(delivered.map((d) => d.kind)).toEqual(['delivered']);
    const logs = await ok<{ entries: { content: string }[] }>('get_agent_logs', { agent: agent.id, type: 'input', limit: 10 });
    expect(logs.entries.map((e) => e.content)).toContain('Then the docs');
    expect((await ok<{ items: unknown[] }>('manage_agent_queue', { agent: agent.id })).items).toEqual([]);
  });

  it('interrupts a busy agent (ESC to its AgentAPI); an idle one is left alone', async () => {
    const idle = await settled('idle', ['fix-login']);
    await ok('send_agent_input', { agent: idle.id, input: 'Refactor the session module' });
    // when_busy 'interrupt': the running turn is stopped (ESC), then the input is taken.
    const taken = await ok<{ sent: boolean; interrupted?: boolean }>('send_agent_input', { agent: idle.id, input: 'Fix the login bug first', when_busy: 'interrupt' });
    expect(taken).toMatchObject({ sent: true, interrupted: true });
    const interrupted = await ok<{ already_idle: boolean }>('interrupt_agent', { agent: idle.id });
    expect(interrupted.already_idle).toBe(false);
    const again = await ok<{ already_idle: boolean }>('interrupt_agent', { agent: idle.id });
    expect(again.already_idle).toBe(true);
  });

  it('pauses and resumes (stop/start builds), restarts and updates to the active template version', async () => {
    const agent = await settled('idle', ['fix-login']);
    const paused = await ok<{ already_paused: boolean; via?: string }>('pause_agent', { agent: agent.id });
    expect(paused).toMatchObject({ already_paused: false, via: 'workspace_build' });
    fx.advance(60_000);
    expect((await list()).find((r) => r.id === agent.id)?.status).toBe('paused');
    const resumed = await ok<{ via?: string }>('resume_agent', { agent: agent.id });
    expect(resumed.via).toBe('workspace_build');
    fx.advance(3 * 60_000);

    const restarted = await ok<{ outcome: string; builds: { transition: string }[] }>('restart_agent', { agent: agent.id });
    expect(restarted.builds.map((b) => b.transition)).toEqual(['stop', 'start']);
    expect(['started', 'starting']).toContain(restarted.outcome);

    const template = (await ok<{ agent: { template: { name: string } } }>('get_agent_details', { agent: agent.id, log_tail: 0 })).agent.template.name;
    const pushed = fx.sim.control.pushTemplateVersion(template, { name: 'brave_new2' });
    const updated = await ok<{ template_version?: { to: string }; builds: { transition: string }[] }>('update_agent_template', { agent: agent.id });
    expect(updated.template_version?.to).toBe(pushed.id);
    expect(updated.builds.map((b) => b.transition)).toEqual(['stop', 'start']);
  });

  it('refuses clearly when path apps are disabled, naming the setting and echoing the input', async () => {
    const idle = await settled('idle', ['fix-login']);
    fx.sim.control.setPathApps(false);
    try {
      const r = await call('send_agent_input', { agent: idle.id, input: 'Ship it' });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toMatch(/^app_unreachable/);
      expect(textOf(r)).toMatch(/path-based apps are disabled/);
      expect(textOf(r)).toMatch(/CODER_DISABLE_PATH_APPS/);
      expect(textOf(r)).toContain('Ship it');
    } finally {
      fx.sim.control.setPathApps(true);
    }
  });

  it('says what a workspace agent cannot do (change its task input), deletes with confirmation, never tasks_unsupported', async () => {
    const rows = await list();
    const update = await call('update_agent_task', { agent: rows[0]?.id ?? '', input: 'Something else' });
    expect(textOf(update)).toMatch(/^not_supported.*send the changed instruction/s);
    const deleted = await ok<{ deleted: boolean }>('delete_agent', { agent: 'fix-login', confirm: true });
    expect(deleted.deleted).toBe(true);
    for (const t of texts) expect(t).not.toMatch(/tasks_unsupported/);
  });
});
