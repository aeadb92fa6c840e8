import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simFetch } from './__fixtures__/sim-fetch.js';
import { startCoderSim, type CoderSim } from './index.js';

interface Ws {
  id: string;
  name: string;
  owner_name: string;
  template_name: string;
  outdated: boolean;
  task_id: string | null;
  latest_build: { status: string; id: string };
}

describe('workspaces list filters', () => {
  let sim: CoderSim;
  let api: ReturnType<typeof simFetch>;
  let all: Ws[];

  beforeAll(async () => {
    sim = await startCoderSim({ agents: 80, seed: 12 });
    api = simFetch(sim);
    all = (await api('GET', '/api/v2/workspaces')).body.workspaces;
  });
  afterAll(() => sim.stop());

  const list = async (q: string): Promise<Ws[]> => (await api('GET', `/api/v2/workspaces?q=${encodeURIComponent(q)}`)).body.workspaces;

  it('filters by owner, template, name, status, id, outdated and has-ai-task', async () => {
    expect((await list('owner:alice')).every((w) => w.owner_name === 'alice')).toBe(true);
    expect((await list('template:gpu-ml')).map((w) => w.id).sort()).toEqual(all.filter((w) => w.template_name === 'gpu-ml').map((w) => w.id).sort());
    const first = all[0];
    expect((await list(`id:${first?.id}`)).map((w) => w.id)).toEqual([first?.id]);
    expect((await list(first?.name.slice(0, 12) ?? '')).some((w) => w.id === first?.id)).toBe(true);
    expect((await list('status:stopped')).every((w) => w.latest_build.status === 'stopped')).toBe(true);
    expect((await list('status:stopped')).length).toBeGreaterThan(0);
    const outdated = await list('outdated:true');
    expect(outdated.length).toBeGreaterThan(0);
    expect(outdated.every((w) => w.outdated)).toBe(true);
    const plain = await list('has-ai-task:false');
    expect(plain.map((w) => w.template_name)).toEqual(['docs-site', 'docs-site']);
    expect(plain.every((w) => w.task_id === null)).toBe(true);
    expect((await list('dormant:false')).length).toBe(all.length);
  });

  it('shows a member only their workspaces', async () => {
    const bob = (await api('GET', '/api/v2/workspaces', { token: 'sim-bob-token' })).body.workspaces as Ws[];
    expect(bob.length).toBeGreaterThan(0);
    expect(bob.every((w) => w.owner_name === 'bob')).toBe(true);
    const other = all.find((w) => w.owner_name !== 'bob');
    expect((await api('GET', `/api/v2/workspaces/${other?.id}`, { token: 'sim-bob-token' })).status).toBe(404);
    expect((await api('GET', `/api/v2/workspacebuilds/${other?.latest_build.id}`, { token: 'sim-bob-token' })).status).toBe(404);
  });

  it('builds a plain workspace (no task) instantly', async () => {
    const docs = all.find((w) => w.template_name === 'docs-site');
    const stop = await api('POST', `/api/v2/workspaces/${docs?.id}/builds`, { body: { transition: 'stop' } });
    expect(stop.status).toBe(201);
    expect(stop.body).toMatchObject({ transition: 'stop', status: 'stopped', reason: 'initiator' });
    const start = await api('POST', `/api/v2/workspaces/${docs?.id}/builds`, { body: { transition: 'start', template_version_id: '00000000-0000-4000-8000-000000000000' } });
    expect(start.status).toBe(400);
    expect((await api('POST', `/api/v2/workspaces/${docs?.id}/builds`, { body: {} })).status).toBe(400);
  });

  it('creating a stop build through the workspace pauses its task', async () => {
    const taskWs = all.find((w) => w.task_id !== null && w.latest_build.status === 'running');
    const res = await api('POST', `/api/v2/workspaces/${taskWs?.id}/builds`, { body: { transition: 'stop' } });
    expect(res.status).toBe(201);
    const task = (await api('GET', `/api/v2/tasks/me/${taskWs?.task_id}`)).body;
    expect(task.status).toBe('paused');
    sim.control.advance(10_000);
    const del = await api('POST', `/api/v2/workspaces/${taskWs?.id}/builds`, { body: { transition: 'delete' } });
    expect(del.status).toBe(201);
    expect((await api('GET', `/api/v2/tasks/me/${taskWs?.task_id}`)).status).toBe(404);
    sim.control.advance(10_000);
    expect((await api('GET', `/api/v2/workspaces/${taskWs?.id}`)).status).toBe(404);
  });

  it('moves a workspace to a pushed template version, keeping the values the new version still declares', async () => {
    const ws = ((await api('GET', '/api/v2/workspaces?q=template:small')).body.workspaces as Ws[]).find((w) => w.task_id !== null && w.latest_build.status === 'running');
    expect(ws).toBeDefined();
    const params = async (buildId: string) => (await api('GET', `/api/v2/workspacebuilds/${buildId}/parameters`)).body as { name: string; value: string }[];
    const before = await params(ws?.latest_build.id ?? '');
    expect(before.map((p) => p.name)).toEqual(['cpu', 'memory', 'AI Prompt', 'system_prompt']);

    const pushed = sim.control.pushTemplateVersion('small', { removeParameters: ['memory'], addParameters: [{ name: 'disk', type: 'number', default_value: '10', required: false } as never] });
    const outdated = (await api('GET', `/api/v2/workspaces/${ws?.id}`)).body as Ws & { template_active_version_id: string };
    expect(outdated).toMatchObject({ outdated: true, template_active_version_id: pushed.id });

    expect((await api('POST', `/api/v2/workspaces/${ws?.id}/builds`, { body: { transition: 'stop' } })).status).toBe(201);
    sim.control.advance(10_000);
    const start = await api('POST', `/api/v2/workspaces/${ws?.id}/builds`, { body: { transition: 'start', template_version_id: pushed.id } });
    expect(start.status).toBe(201);
    expect(start.body.template_version_id).toBe(pushed.id);
    const after = await params(start.body.id);
    expect(after.map((p) => p.name)).toEqual(['cpu', 'AI Prompt', 'system_prompt', 'disk']);
    expect(after.find((p) => p.name === 'cpu')?.value).toBe(before.find((p) => p.name === 'cpu')?.value);
    expect(after.find((p) => p.name === 'disk')?.value).toBe('10');
    expect((await api('GET', `/api/v2/workspaces/${ws?.id}`)).body.outdated).toBe(false);
  });

  it('refuses a start on a version whose required parameter has no value, as the coderd builder does', async () => {
    const ws = (await api('GET', '/api/v2/workspaces?q=template:gpu-ml')).body.workspaces.find((w: Ws) => w.task_id !== null && w.latest_build.status === 'running') as Ws;
    const pushed = sim.control.pushTemplateVersion('gpu-ml', { addParameters: [{ name: 'quota_project', type: 'string', default_value: '', required: true } as never] });
    expect((await api('POST', `/api/v2/workspaces/${ws.id}/builds`, { body: { transition: 'stop' } })).status).toBe(201);
    sim.control.advance(10_000);
    const refused = await api('POST', `/api/v2/workspaces/${ws.id}/builds`, { body: { transition: 'start', template_version_id: pushed.id } });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('quota_project');
    const given = await api('POST', `/api/v2/workspaces/${ws.id}/builds`, { body: { transition: 'start', template_version_id: pushed.id, rich_parameter_values: [{ name: 'quota_project', value: 'ml' }] } });
    expect(given.status).toBe(201);
  });
});
