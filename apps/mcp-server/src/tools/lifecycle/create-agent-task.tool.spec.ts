import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from '../../testing/client-fixture.js';
import { isSchemaRejection, textOf } from '../../testing/in-process.js';
import { annotationsOf, expectFailure, structured } from '../../testing/tool-assertions.js';
import { recordingCaller } from './__fixtures__/lifecycle-kit.js';
import { MAX_WAIT_MS, POLL_MS } from './create-agent-task.tool.js';

interface CreateOut {
  agent: { id: string; ref: string; name: string; owner: string; status: string; display_name: string; template: { id: string; name: string; version_id: string }; preset?: { id: string; name: string } };
  requirement_warnings: { kind: string; requirement: string; message: string }[];
  wait?: { target: string; outcome: string; waited_ms: number; polls: number; status: string };
  next_actions: { tool: string }[];
}

const CREATE_ROUTE = 'POST /api/v2/tasks/{user}';

describe('create_agent_task', () => {
  let fx: FleetFixture;
  let rec: ReturnType<typeof recordingCaller>;
  let n = 0;
  beforeAll(async () => {
    fx = await startFleetFixture({ sim: { agents: 4, scenario: 'steady' } });
    rec = recordingCaller(fx.call);
  });
  afterAll(async () => fx.close());
  const uniqueName = () => `ct-${++n}`;
  const create = (args: Record<string, unknown>) => rec.call('create_agent_task', { input: 'Fix the flaky login test', template: 'python-dev', ...args });
  const creates = () => fx.counters()[CREATE_ROUTE] ?? 0;
  /** Calls with a progress token; returns the result and the progress notifications received. */
  const createWithProgress = async (args: Record<string, unknown>): Promise<{ result: CallToolResult; progress: Progress[] }> => {
    const progress: Progress[] = [];
    const result = (await fx.client.callTool({ name: 'create_agent_task', arguments: { input: 'Train the model', template: 'python-dev', ...args } }, undefined, {
      onprogress: (p) => progress.push(p),
    })) as CallToolResult;
    return { result, progress };
  };

  it('is a non-idempotent, non-destructive write', async () => {
    expect(await annotationsOf(fx.client, 'create_agent_task')).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false });
  });

  it("creates a task on the template's active version with a preset by name", async () => {
    const name = uniqueName();
    const r = await create({ preset: 'researcher', name, display_name: 'Flaky login' });
    const out = structured<CreateOut>(r);
    const templates = await fx.coder.listTemplates();
    const pythonDev = templates.ok ? templates.value.find((t) => t.name === 'python-dev') : undefined;
    expect(out.agent).toMatchObject({ name, owner: 'admin', ref: `admin/${name}`, status: 'starting', display_name: 'Flaky login', template: { name: 'python-dev', version_id: pythonDev?.active_version_id } });
    expect(out.agent.preset?.name).toBe('Researcher');
    expect(out.wait).toBeUndefined();
    expect(out.next_actions[0]?.tool).toBe('get_agent_details');
    expect(fx.sim.control.task(out.agent.id)?.status).toMatch(/pending|initializing/);
    expect(textOf(r)).toContain(`Created agent admin/${name}`);
    // The created agent is immediately addressable (the tasks cache was invalidated).
    expect(structured<{ agent: { id: string } }>(await fx.call('get_agent_details', { agent: `admin/${name}`, log_tail: 0 })).agent.id).toBe(out.agent.id);
  });

  it('accepts the template and preset by id, and another owner', async () => {
    const templates = await fx.coder.listTemplates();
    const small = templates.ok ? templates.value.find((t) => t.name === 'small') : undefined;
    const presets = await fx.coder.getTemplateVersionPresets(small?.active_version_id ?? '');
    const operator = presets.ok ? presets.value.find((p) => p.Name === 'Operator') : undefined;
    const out = structured<CreateOut>(await create({ template: small?.id, preset: operator?.ID, owner: 'bob' }));
    expect(out.agent).toMatchObject({ owner: 'bob', template: { name: 'small' }, preset: { id: operator?.ID, name: 'Operator' } });
  });

  it('waits until the agent has started, sending progress notifications on the way', async () => {
    const { result, progress } = await createWithProgress({ wait_until: 'started', wait_timeout_ms: MAX_WAIT_MS });
    const out = structured<CreateOut>(result);
    expect(out.wait).toMatchObject({ target: 'started', outcome: 'reached' });
    expect(['busy', 'idle', 'complete', 'blocked']).toContain(out.agent.status);
    expect(out.wait?.polls).toBeGreaterThan(3);
    expect(progress.length).toBe(out.wait?.polls);
    expect(progress.every((p) => p.total === MAX_WAIT_MS && typeof p.message === 'string')).toBe(true);
    expect(progress.map((p) => p.progress)).toEqual(progress.map((_, i) => i * POLL_MS));
    expect(progress[0]?.message).toMatch(/Waiting for agent .* to be started: starting/);
  });

  it('answers with a timeout outcome (agent still created) when the wait is not long enough', async () => {
    fx.resetCounters();
    const out = structured<CreateOut>(await create({ wait_until: 'idle', wait_timeout_ms: 6_000 }));
    expect(out.wait).toMatchObject({ target: 'idle', outcome: 'timeout', waited_ms: 6_000, status: 'starting' });
    expect(creates()).toBe(1);
    expect(fx.sim.control.task(out.agent.id)).toBeDefined();
  });

  it('stops waiting when the agent goes into error', async () => {
    const name = uniqueName();
    const sleep = fx.clock.sleep;
    fx.clock.sleep = async (ms, signal) => {
      if (fx.sim.control.task(`admin/${name}`)) fx.sim.control.failWorkspace(`admin/${name}`);
      await sleep?.(ms, signal);
    };
    try {
      const out = structured<CreateOut>(await create({ name, wait_until: 'working', wait_timeout_ms: 60_000 }));
      expect(out.wait).toMatchObject({ outcome: 'failed', status: 'error' });
      expect(out.next_actions.map((a) => a.tool)).toEqual(['get_agent_details', 'delete_agent']);
    } finally {
      fx.clock.sleep = sleep;
    }
  });

  it('stops waiting when the client cancels the call', async () => {
    const sleep = fx.clock.sleep;
    let sawAbort = false;
    const controller = new AbortController();
    // The server is inside its wait when the client cancels: the wait must end on ctx.signal.
    fx.clock.sleep = (_ms, signal) =>
      new Promise<void>((resolve) => {
        signal?.addEventListener('abort', () => {
          sawAbort = true;
          resolve();
        });
        controller.abort('user cancelled');
      });
    try {
      const call = fx.client.callTool({ name: 'create_agent_task', arguments: { input: 'cancel me', template: 'small', wait_until: 'idle' } }, undefined, {
        signal: controller.signal,
      });
      await expect(call).rejects.toThrow();
      for (let i = 0; i < 100 && !sawAbort; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(sawAbort).toBe(true);
    } finally {
      fx.clock.sleep = sleep;
    }
  });

  it('rejects unmet requirements before sending anything, listing every violation (FR-014)', async () => {
    fx.resetCounters();
    const r = await create({ requirements: { cpu: 16, memory_gb: 8, gpu: true, disk_gb: 100 } });
    const text = expectFailure(r, 'requirements_not_met');
    expect(text).toMatch(/requires 16 CPUs but template "python-dev" allows at most 8 CPUs/);
    expect(text).toMatch(/missing capability "gpu"/);
    expect(text).toMatch(/cannot verify 100 GB disk/);
    expect(text).toContain('3 violations');
    expect(text).not.toMatch(/GB memory/);
    expect(text).toContain('gpu-ml');
    expect(creates()).toBe(0);
  });

  it('reports only-unverifiable requirements, and proceeds with warnings when allowed', async () => {
    const text = expectFailure(await create({ requirements: { disk_gb: 20 } }), 'requirements_not_met');
    expect(text).toContain('allow_unverifiable');
    const out = structured<CreateOut>(await create({ requirements: { disk_gb: 20, capabilities: ['python'] }, allow_unverifiable: true }));
    expect(out.requirement_warnings).toEqual([expect.objectContaining({ kind: 'unverifiable', requirement: 'diskGb' })]);
    expect(structured<CreateOut>(await create({ requirements: { cpu: 8, capabilities: ['preset:operator'] } })).requirement_warnings).toEqual([]);
  });

  it('fails fast for a template that cannot run AI tasks, an unknown template or preset', async () => {
    fx.resetCounters();
    expect(expectFailure(await create({ template: 'docs-site' }), 'template_not_ai')).toContain('coder_ai_task');
    expect(expectFailure(await create({ template: 'no-such-template' }), 'template_not_found')).toContain('python-dev');
    expect(expectFailure(await create({ preset: 'Wizard' }), 'preset_not_found')).toContain('Coder, Operator, Researcher');
    // Only docs-site reached Coder (its AI-task support is unknown until Coder refuses it); nothing was created.
    expect(creates()).toBe(1);
  });

  it('fails fast for an unknown owner without creating anything (FR-020)', async () => {
    fx.resetCounters();
    const text = expectFailure(await create({ owner: 'mallory' }), 'owner_not_found');
    expect(text).toContain("'mallory'");
    expect(creates()).toBe(0);
  });

  it('keeps new agents inside the --owner scope', async () => {
    const scoped = await startFleetFixture({ sim: { agents: 0 }, config: { owners: ['alice'] } });
    try {
      expect(expectFailure(await scoped.call('create_agent_task', { input: 'x', template: 'small', owner: 'bob' }), 'out_of_scope')).toContain('alice');
      expectFailure(await scoped.call('create_agent_task', { input: 'x', template: 'small' }), 'out_of_scope');
      expect(structured<CreateOut>(await scoped.call('create_agent_task', { input: 'x', template: 'small', owner: 'alice' })).agent.owner).toBe('alice');
      expect(scoped.counters()[CREATE_ROUTE]).toBe(1);
    } finally {
      await scoped.close();
    }
  });

  it('reports a taken name; the same name with the same prompt is recognised as a repeat of the request (D1)', async () => {
    const name = uniqueName();
    const first = structured<CreateOut>(await create({ name }));
    expect(expectFailure(await create({ name, input: 'Some other work' }), 'name_taken')).toContain(name);
    const again = await create({ name });
    expect(again.isError).not.toBe(true);
    expect(structured<CreateOut>(again).agent.id).toBe(first.agent.id);
  });

  it('never answers tasks_unsupported on Coder 2.37+ (a chat is created there, not a task)', async () => {
    const gone = await startFleetFixture({ sim: { agents: 0, coderVersion: '2.37' } });
    try {
      const r = await gone.call('create_agent_task', { input: 'x', template: 'python-dev' });
      expect(textOf(r)).not.toMatch(/^tasks_unsupported/);
      expect(gone.counters()[CREATE_ROUTE]).toBeUndefined();
    } finally {
      await gone.close();
    }
  });

  it('creates in the experimental era (Coder 2.27)', async () => {
    const old = await startFleetFixture({ sim: { agents: 0, coderVersion: '2.27' } });
    try {
      const out = structured<CreateOut>(await old.call('create_agent_task', { input: 'x', template: 'small', wait_until: 'started', wait_timeout_ms: 120_000 }));
      expect(out.wait?.outcome).toBe('reached');
      expect(old.counters()['POST /api/experimental/tasks/{user}']).toBe(1);
    } finally {
      await old.close();
    }
  });

  it('rejects invalid arguments with the schema problem', async () => {
    expect(await isSchemaRejection(fx.call('create_agent_task', { input: 'x', template: 'small', name: 'Bad Name!' }))).toBe(true);
    expect(await isSchemaRejection(fx.call('create_agent_task', { input: 'x', template: 'small', wait_until: 'idle', wait_timeout_ms: MAX_WAIT_MS + 1 }))).toBe(true);
    expect(await isSchemaRejection(fx.call('create_agent_task', { template: 'small' }))).toBe(true);
  });

  it('never puts the Coder token in a result', () => {
    rec.expectNoToken(fx.sim.token);
  });
});
