import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createSpecValidator } from './__fixtures__/openapi-validator.js';
import { simFetch, type ApiResult } from './__fixtures__/sim-fetch.js';
import { startCoderSim, type CoderSim, type CoderVersion } from './index.js';

/**
 * Contract test: every route and every documented error path, each response body validated at run
 * time against the pruned OpenAPI document (success schema, or codersdk.Response for errors).
 */
const validator = createSpecValidator();
const covered = new Set<string>();

const NIL_UUID = '5f0a7c4e-0000-4000-8000-000000000000';

function fill(template: string, params: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing param ${name} for ${template}`);
    return encodeURIComponent(value);
  });
}

/** GA-era handlers serve both trees: experimental routes return Task shapes from v2.29 on. */
function gaOverride(method: string, template: string, version: CoderVersion): string | undefined {
  if (!template.startsWith('/api/experimental') || version === '2.27') return undefined;
  if (template === '/api/experimental/tasks') return 'codersdk.TasksListResponse';
  if (method === 'POST' && template === '/api/experimental/tasks/{user}') return 'codersdk.Task';
  if (method === 'GET' && template === '/api/experimental/tasks/{user}/{task}') return 'codersdk.Task';
  return undefined;
}

interface Call {
  method: string;
  template: string;
  params?: Record<string, string>;
  query?: string;
  body?: unknown;
  rawBody?: string;
  token?: string | null;
  status: number;
  message?: string | RegExp;
}

function harness(sim: CoderSim, version: CoderVersion) {
  const api = simFetch(sim);
  return async function call(c: Call): Promise<ApiResult> {
    const path = fill(c.template, c.params ?? {}) + (c.query ? `?${c.query}` : '');
    const res = await api(c.method, path, {
      ...(c.body !== undefined ? { body: c.body } : {}),
      ...(c.rawBody !== undefined ? { rawBody: c.rawBody } : {}),
      ...(c.token !== undefined ? { token: c.token } : {}),
    });
    const label = `${c.method} ${path} [${version}]`;
    expect(res.status, `${label}: ${res.text.slice(0, 300)}`).toBe(c.status);
    const outcome = validator.response(c.method, c.template, res.status, res.body, res.status < 300 ? gaOverride(c.method, c.template, version) : undefined);
    expect(outcome.errors, label).toBe('');
    if (c.message !== undefined) {
      if (typeof c.message === 'string') expect(res.body?.message, label).toBe(c.message);
      else expect(res.body?.message, label).toMatch(c.message);
    }
    expect(res.headers.get('x-coder-build-version')).toMatch(/^v2\.\d+\.\d+\+sim$/);
    covered.add(`${c.method} ${c.template} ${res.status}`);
    return res;
  };
}

async function templateIds(sim: CoderSim) {
  const templates = (await simFetch(sim)('GET', '/api/v2/templates')).body as { id: string; name: string; active_version_id: string; organization_id: string }[];
  const byName = (name: string) => {
    const t = templates.find((x) => x.name === name);
    if (!t) throw new Error(`template ${name} missing`);
    return t;
  };
  return { python: byName('python-dev'), docs: byName('docs-site') };
}

const PREFIXES = ['/api/v2', '/api/experimental'] as const;

describe.each(PREFIXES)('task routes under %s on Coder 2.36', (prefix) => {
  let sim: CoderSim;
  let call: ReturnType<typeof harness>;
  let tv: string;
  let docsTv: string;
  const T = (suffix = '') => `${prefix}/tasks${suffix}`;

  beforeAll(async () => {
    sim = await startCoderSim({ agents: 12, seed: 11, coderVersion: '2.36' });
    call = harness(sim, '2.36');
    const ids = await templateIds(sim);
    tv = ids.python.active_version_id;
    docsTv = ids.docs.active_version_id;
  });
  afterAll(() => sim.stop());

  async function newActiveTask(name: string): Promise<string> {
    const res = await call({ method: 'POST', template: T('/{user}'), params: { user: 'me' }, body: { input: `Do ${name}`, template_version_id: tv, name }, status: 201 });
    sim.control.advance(3 * 60_000);
    sim.control.setAgentState(res.body.id, 'idle');
    return res.body.id as string;
  }

  it('lists and filters tasks', async () => {
    const all = await call({ method: 'GET', template: T(), status: 200 });
    expect(all.body.count).toBe(all.body.tasks.length);
    await call({ method: 'GET', template: T(), query: 'q=owner:me', status: 200 });
    await call({ method: 'GET', template: T(), query: `q=${encodeURIComponent('owner:"admin" status:"active" organization:coder')}`, status: 200 });
    await call({ method: 'GET', template: T(), query: 'q=bogus:1', status: 400, message: 'Invalid task search query.' });
    await call({ method: 'GET', template: T(), query: 'q=status:nope', status: 400, message: 'Invalid task search query.' });
    await call({ method: 'GET', template: T(), query: 'q=organization:nope', status: 400 });
    await call({ method: 'GET', template: T(), token: null, status: 401 });
    await call({ method: 'GET', template: T(), token: 'wrong', status: 401 });
  });

  it('creates tasks and rejects bad create requests', async () => {
    const created = await call({ method: 'POST', template: T('/{user}'), params: { user: 'me' }, body: { input: 'Write docs', template_version_id: tv }, status: 201 });
    expect(created.body.name).toMatch(/^task-[a-z]+-[a-z]+-\d{4}$/);
    const u = { user: 'me' };
    await call({ method: 'POST', template: T('/{user}'), params: u, body: { input: 'x' }, status: 404, message: 'Resource not found or you do not have access to this resource' });
    await call({ method: 'POST', template: T('/{user}'), params: u, body: { input: 'x', template_version_id: 'nope' }, status: 400 });
    await call({ method: 'POST', template: T('/{user}'), params: u, body: { input: 'x', template_version_id: NIL_UUID }, status: 400, message: 'Template version not found or you do not have access to this resource' });
    await call({ method: 'POST', template: T('/{user}'), params: u, body: { input: 'x', template_version_id: docsTv }, status: 400, message: 'Template does not have a valid "coder_ai_task" resource.' });
    await call({ method: 'POST', template: T('/{user}'), params: u, body: { input: 'x', template_version_id: tv, name: 'Bad Name!' }, status: 400, message: 'Unable to create a Task with the provided name.' });
    await call({ method: 'POST', template: T('/{user}'), params: u, body: { input: 'x', template_version_id: tv, display_name: 'x'.repeat(65) }, status: 400, message: 'Display name must be 64 characters or less.' });
    await call({ method: 'POST', template: T('/{user}'), params: u, body: { input: 'x', template_version_id: tv, name: created.body.name }, status: 409 });
    await call({ method: 'POST', template: T('/{user}'), params: u, rawBody: '{"input":', status: 400, message: 'Request body must be valid JSON.' });
    await call({ method: 'POST', template: T('/{user}'), params: { user: 'admin' }, token: 'sim-alice-token', body: { input: 'x', template_version_id: tv }, status: 404 });
    await call({ method: 'POST', template: T('/{user}'), params: { user: 'nobody' }, body: { input: 'x', template_version_id: tv }, status: 404 });
  });

  it('gets tasks by id and name', async () => {
    const id = await newActiveTask('get-me');
    await call({ method: 'GET', template: T('/{user}/{task}'), params: { user: 'me', task: id }, status: 200 });
    await call({ method: 'GET', template: T('/{user}/{task}'), params: { user: 'admin', task: 'get-me' }, status: 200 });
    await call({ method: 'GET', template: T('/{user}/{task}'), params: { user: 'me', task: NIL_UUID }, status: 404 });
    await call({ method: 'GET', template: T('/{user}/{task}'), params: { user: 'me', task: 'no-such-task' }, status: 404 });
    await call({ method: 'GET', template: T('/{user}/{task}'), params: { user: 'me', task: id }, token: 'sim-bob-token', status: 404 });
  });

  it('sends input and maps lifecycle conflicts', async () => {
    const id = await newActiveTask('send-me');
    const p = { user: 'me', task: id };
    await call({ method: 'POST', template: T('/{user}/{task}/send'), params: p, body: { input: '' }, status: 400, message: 'Task input is required.' });
    await call({ method: 'POST', template: T('/{user}/{task}/send'), params: p, body: { input: 'go on' }, status: 204 });
    await call({ method: 'POST', template: T('/{user}/{task}/send'), params: p, body: { input: 'again' }, status: 502, message: 'Task app is not ready to accept input.' });
    sim.control.setAgentState(id, 'idle');
    sim.control.disconnectAgent(id);
    await call({ method: 'POST', template: T('/{user}/{task}/send'), params: p, body: { input: 'hello?' }, status: 502, message: 'Failed to reach task app endpoint.' });
    await call({ method: 'GET', template: T('/{user}/{task}/logs'), params: p, status: 502 });
    sim.control.reconnectAgent(id);
    await call({ method: 'POST', template: T('/{user}/{task}/pause'), params: p, status: 202 });
    await call({ method: 'POST', template: T('/{user}/{task}/send'), params: p, body: { input: 'x' }, status: 409, message: 'Task is paused.' });
    await call({ method: 'POST', template: T('/{user}/{task}/resume'), params: p, status: 409 });
    sim.control.advance(30_000);
    await call({ method: 'POST', template: T('/{user}/{task}/resume'), params: p, status: 202 });
    await call({ method: 'POST', template: T('/{user}/{task}/send'), params: p, body: { input: 'x' }, status: 409, message: /^Task is (pending|initializing)\.$/ });
    sim.control.failWorkspace(id);
    await call({ method: 'POST', template: T('/{user}/{task}/send'), params: p, body: { input: 'x' }, status: 400, message: 'Task must be active.' });
  });

  it('serves logs live, as snapshots and refuses errored tasks', async () => {
    const id = await newActiveTask('log-me');
    const p = { user: 'me', task: id };
    const live = await call({ method: 'GET', template: T('/{user}/{task}/logs'), params: p, status: 200 });
    expect(live.body.snapshot).toBeUndefined();
    expect(live.body.logs[0]).toMatchObject({ id: 0, type: 'input', content: 'Do log-me' });
    await call({ method: 'POST', template: T('/{user}/{task}/pause'), params: p, status: 202 });
    await call({ method: 'POST', template: T('/{user}/{task}/pause'), params: p, status: 409 });
    const snap = await call({ method: 'GET', template: T('/{user}/{task}/logs'), params: p, status: 200 });
    expect(snap.body).toMatchObject({ snapshot: true, snapshot_at: expect.any(String) });
    sim.control.failWorkspace(id);
    await call({ method: 'GET', template: T('/{user}/{task}/logs'), params: p, status: 409, message: 'Cannot fetch logs for task in current state.' });
    sim.control.cancelBuild(id);
    const unknown = await call({ method: 'GET', template: T('/{user}/{task}'), params: p, status: 200 });
    expect(unknown.body).toMatchObject({ status: 'unknown', workspace_status: 'canceled' });
    await call({ method: 'GET', template: T('/{user}/{task}/logs'), params: p, status: 409 });
    await call({ method: 'POST', template: T('/{user}/{task}/send'), params: p, body: { input: 'x' }, status: 400, message: 'Task must be active.' });
  });

  it('updates input only while paused, and deletes', async () => {
    const id = await newActiveTask('edit-me');
    const p = { user: 'me', task: id };
    await call({ method: 'PATCH', template: T('/{user}/{task}/input'), params: p, body: { input: 'new' }, status: 409, message: 'Unable to update task input, task must be paused.' });
    const pause = await call({ method: 'POST', template: T('/{user}/{task}/pause'), params: p, status: 202 });
    expect(pause.body.workspace_build.reason).toBe('task_manual_pause');
    sim.control.advance(30_000);
    await call({ method: 'PATCH', template: T('/{user}/{task}/input'), params: p, body: { input: '  ' }, status: 400, message: 'Task input is required.' });
    await call({ method: 'PATCH', template: T('/{user}/{task}/input'), params: p, body: { input: 'Use MySQL instead' }, status: 204 });
    const after = await call({ method: 'GET', template: T('/{user}/{task}'), params: p, status: 200 });
    expect(after.body.initial_prompt).toBe('Use MySQL instead');
    await call({ method: 'DELETE', template: T('/{user}/{task}'), params: p, status: 202 });
    await call({ method: 'DELETE', template: T('/{user}/{task}'), params: p, status: 404 });
  });
});

describe('core routes on Coder 2.36', () => {
  let sim: CoderSim;
  let call: ReturnType<typeof harness>;

  beforeAll(async () => {
    sim = await startCoderSim({ agents: 12, seed: 5 });
    call = harness(sim, '2.36');
  });
  afterAll(() => sim.stop());

  it('serves buildinfo, users and organizations', async () => {
    await call({ method: 'GET', template: '/api/v2/buildinfo', token: null, status: 200 });
    sim.control.faults.status(503, { route: 'GET /api/v2/buildinfo', times: 1 });
    await call({ method: 'GET', template: '/api/v2/buildinfo', status: 503 });
    for (const template of ['/api/v2/organizations', '/api/v2/templates', '/api/v2/workspaces']) {
      await call({ method: 'GET', template, token: null, status: 401 });
    }
    const me = await call({ method: 'GET', template: '/api/v2/users/{user}', params: { user: 'me' }, status: 200 });
    const myOrgs = await call({ method: 'GET', template: '/api/v2/users/{user}/organizations', params: { user: 'me' }, status: 200 });
    expect(myOrgs.body.length).toBeGreaterThanOrEqual(1);
    await call({ method: 'GET', template: '/api/v2/users/{user}/organizations', params: { user: 'alice' }, token: 'sim-alice-token', status: 200 });
    await call({ method: 'GET', template: '/api/v2/users/{user}/organizations', params: { user: 'nobody' }, status: 404 });
    await call({ method: 'GET', template: '/api/v2/users/{user}/organizations', params: { user: 'admin' }, token: 'sim-alice-token', status: 404 });
    await call({ method: 'GET', template: '/api/v2/users/{user}', params: { user: me.body.id }, status: 200 });
    await call({ method: 'GET', template: '/api/v2/users/{user}', params: { user: 'alice' }, status: 200 });
    await call({ method: 'GET', template: '/api/v2/users/{user}', params: { user: 'nobody' }, status: 404 });
    await call({ method: 'GET', template: '/api/v2/users/{user}', params: { user: 'me' }, token: null, status: 401 });
    const orgs = await call({ method: 'GET', template: '/api/v2/organizations', status: 200 });
    expect(orgs.body.filter((o: { is_default: boolean }) => o.is_default)).toHaveLength(1);
  });

  it('serves templates, versions, presets (PascalCase) and rich parameters', async () => {
    const list = await call({ method: 'GET', template: '/api/v2/templates', status: 200 });
    const python = list.body.find((t: { name: string }) => t.name === 'python-dev');
    await call({ method: 'GET', template: '/api/v2/templates/{template}', params: { template: python.id }, status: 200 });
    await call({ method: 'GET', template: '/api/v2/templates/{template}', params: { template: 'not-a-uuid' }, status: 400, message: 'Invalid UUID "not-a-uuid".' });
    await call({ method: 'GET', template: '/api/v2/templates/{template}', params: { template: NIL_UUID }, status: 404 });
    const tv = { templateversion: python.active_version_id };
    await call({ method: 'GET', template: '/api/v2/templateversions/{templateversion}', params: tv, status: 200 });
    await call({ method: 'GET', template: '/api/v2/templateversions/{templateversion}', params: { templateversion: 'x' }, status: 400 });
    await call({ method: 'GET', template: '/api/v2/templateversions/{templateversion}', params: { templateversion: NIL_UUID }, status: 404 });
    const presets = await call({ method: 'GET', template: '/api/v2/templateversions/{templateversion}/presets', params: tv, status: 200 });
    expect(presets.body.map((p: { Name: string }) => p.Name)).toEqual(['Coder', 'Operator', 'Researcher']);
    expect(presets.body[0]).toMatchObject({ Default: true, Parameters: [{ Name: 'system_prompt', Value: expect.any(String) }] });
    await call({ method: 'GET', template: '/api/v2/templateversions/{templateversion}/presets', params: { templateversion: NIL_UUID }, status: 404 });
    const params = await call({ method: 'GET', template: '/api/v2/templateversions/{templateversion}/rich-parameters', params: tv, status: 200 });
    const cpu = params.body.find((p: { name: string }) => p.name === 'cpu');
    expect(cpu.options.map((o: { value: string }) => o.value)).toEqual(['2', '4', '8']);
    await call({ method: 'GET', template: '/api/v2/templateversions/{templateversion}/rich-parameters', params: { templateversion: 'bad' }, status: 400 });
  });

  it('serves workspaces, builds and their errors', async () => {
    const all = await call({ method: 'GET', template: '/api/v2/workspaces', status: 200 });
    expect(all.body.count).toBe(all.body.workspaces.length);
    const page = await call({ method: 'GET', template: '/api/v2/workspaces', query: 'limit=3&offset=1', status: 200 });
    expect(page.body.workspaces).toHaveLength(3);
    expect(page.body.count).toBe(all.body.count);
    await call({ method: 'GET', template: '/api/v2/workspaces', query: 'q=owner:me%20has-ai-task:true', status: 200 });
    await call({ method: 'GET', template: '/api/v2/workspaces', query: 'q=colour:red', status: 400, message: 'Invalid workspace search query.' });
    const running = all.body.workspaces.find((w: { latest_build: { status: string } }) => w.latest_build.status === 'running');
    const ws = { workspace: running.id };
    await call({ method: 'GET', template: '/api/v2/workspaces/{workspace}', params: ws, status: 200 });
    const bad = await call({ method: 'GET', template: '/api/v2/workspaces/{workspace}', params: { workspace: 'non-existent-id' }, status: 400 });
    expect(bad.body).toEqual({ message: 'Invalid UUID "non-existent-id".', detail: 'invalid UUID length: 15' });
    await call({ method: 'GET', template: '/api/v2/workspaces/{workspace}', params: { workspace: NIL_UUID }, status: 404 });
    await call({ method: 'POST', template: '/api/v2/workspaces/{workspace}/builds', params: ws, body: { transition: 'reboot' }, status: 400, message: 'Validation failed.' });
    const stop = await call({ method: 'POST', template: '/api/v2/workspaces/{workspace}/builds', params: ws, body: { transition: 'stop' }, status: 201 });
    expect(stop.body).toMatchObject({ transition: 'stop' });
    await call({ method: 'POST', template: '/api/v2/workspaces/{workspace}/builds', params: ws, body: { transition: 'start' }, status: 409 });
    sim.control.advance(30_000);
    await call({ method: 'POST', template: '/api/v2/workspaces/{workspace}/builds', params: ws, body: { transition: 'start' }, status: 201 });
    sim.control.advance(3 * 60_000);
    const del = await call({ method: 'POST', template: '/api/v2/workspaces/{workspace}/builds', params: ws, body: { transition: 'delete' }, status: 201 });
    await call({ method: 'GET', template: '/api/v2/workspacebuilds/{workspacebuild}', params: { workspacebuild: 'zz' }, status: 400 });
    expect(del.body.transition).toBe('delete');
    const other = all.body.workspaces.find((w: { id: string }) => w.id !== running.id);
    await call({ method: 'GET', template: '/api/v2/workspacebuilds/{workspacebuild}', params: { workspacebuild: other.latest_build.id }, status: 200 });
    await call({ method: 'GET', template: '/api/v2/workspacebuilds/{workspacebuild}', params: { workspacebuild: NIL_UUID }, status: 404 });
    const used = await call({ method: 'GET', template: '/api/v2/workspacebuilds/{workspacebuild}/parameters', params: { workspacebuild: other.latest_build.id }, status: 200 });
    expect(used.body.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['cpu', 'memory']));
    await call({ method: 'GET', template: '/api/v2/workspacebuilds/{workspacebuild}/parameters', params: { workspacebuild: NIL_UUID }, status: 404 });
    const docs = (await templateIds(sim)).docs as { id: string; organization_id?: string };
    const member = { organization: docs.organization_id ?? '', user: 'me' };
    const wsCreate = '/api/v2/organizations/{organization}/members/{user}/workspaces';
    await call({ method: 'POST', template: wsCreate, params: member, body: { name: 'contract-ws', template_id: docs.id }, status: 201 });
    await call({ method: 'POST', template: wsCreate, params: member, body: { name: 'contract-ws', template_id: docs.id }, status: 409, message: 'Workspace "contract-ws" already exists.' });
  });
});

describe('version knobs', () => {
  it('2.27 serves only experimental task routes in the experimental shape', async () => {
    const sim = await startCoderSim({ agents: 10, seed: 3, coderVersion: '2.27' });
    try {
      const call = harness(sim, '2.27');
      await call({ method: 'GET', template: '/api/v2/tasks', status: 404, message: 'Route not found.' });
      const list = await call({ method: 'GET', template: '/api/experimental/tasks', status: 200 });
      const task = list.body.tasks.find((t: { status: string }) => t.status === 'running');
      expect(task.workspace_status).toBeUndefined();
      expect(task.id).toBe(task.workspace_id);
      await call({ method: 'GET', template: '/api/experimental/tasks/{user}/{task}', params: { user: 'me', task: task.id }, token: null, status: 401 });
      const p = { user: task.owner_name, task: task.id };
      await call({ method: 'GET', template: '/api/experimental/tasks/{user}/{task}', params: p, status: 200 });
      await call({ method: 'GET', template: '/api/experimental/tasks/{user}/{task}', params: { user: 'me', task: 'nonexistent-agent-id-12345' }, status: 400, message: 'Invalid UUID "nonexistent-agent-id-12345" for task ID.' });
      await call({ method: 'POST', template: '/api/experimental/tasks/{user}/{task}/pause', params: p, status: 404 });
      await call({ method: 'POST', template: '/api/experimental/tasks/{user}/{task}/resume', params: p, status: 404 });
      const tv = (await templateIds(sim)).python.active_version_id;
      const created = await call({ method: 'POST', template: '/api/experimental/tasks/{user}', params: { user: 'me' }, body: { input: 'hi', template_version_id: tv }, status: 201 });
      expect(created.body.status).toBe('pending');
      await call({ method: 'POST', template: '/api/experimental/tasks/{user}', params: { user: 'me' }, body: { prompt: 'hi', workspace_name: 'agent-of-agents' }, status: 404 });
      await call({ method: 'GET', template: '/api/experimental/tasks', query: 'q=status:running', status: 200 });
      const paged = await call({ method: 'GET', template: '/api/experimental/tasks', query: 'limit=2&offset=1', status: 200 });
      expect(paged.body.tasks.map((t: { id: string }) => t.id)).toEqual(list.body.tasks.slice(1, 3).map((t: { id: string }) => t.id));
      await call({ method: 'GET', template: '/api/experimental/tasks', query: 'q=status:active', status: 400 });
      const bi = await call({ method: 'GET', template: '/api/v2/buildinfo', status: 200 });
      expect(bi.body.version).toBe('v2.27.1+sim');
    } finally {
      await sim.stop();
    }
  });

  it('2.29 has v2 tasks but pause/resume only under experimental', async () => {
    const sim = await startCoderSim({ agents: 10, seed: 3, coderVersion: '2.29' });
    try {
      const call = harness(sim, '2.29');
      const list = await call({ method: 'GET', template: '/api/v2/tasks', query: 'q=status:active', status: 200 });
      const task = list.body.tasks[0];
      const p = { user: task.owner_name, task: task.id };
      await call({ method: 'POST', template: '/api/v2/tasks/{user}/{task}/pause', params: p, status: 404, message: 'Route not found.' });
      await call({ method: 'POST', template: '/api/experimental/tasks/{user}/{task}/pause', params: p, status: 202 });
      sim.control.advance(30_000);
      await call({ method: 'POST', template: '/api/v2/tasks/{user}/{task}/resume', params: p, status: 404 });
      await call({ method: 'POST', template: '/api/experimental/tasks/{user}/{task}/resume', params: p, status: 202 });
      expect((await call({ method: 'GET', template: '/api/v2/buildinfo', status: 200 })).body.version).toBe('v2.29.0+sim');
    } finally {
      await sim.stop();
    }
  });

  it('2.37 has no task routes at all', async () => {
    const sim = await startCoderSim({ agents: 3, coderVersion: '2.37' });
    try {
      const call = harness(sim, '2.37');
      await call({ method: 'GET', template: '/api/v2/tasks', status: 404, message: 'Route not found.' });
      await call({ method: 'GET', template: '/api/experimental/tasks', status: 404 });
      await call({ method: 'GET', template: '/api/v2/tasks/{user}/{task}', params: { user: 'me', task: NIL_UUID }, status: 404 });
      expect((await call({ method: 'GET', template: '/api/v2/buildinfo', status: 200 })).body.version).toBe('v2.37.0+sim');
      await call({ method: 'GET', template: '/api/v2/workspaces', status: 200 });
    } finally {
      await sim.stop();
    }
  });
});

/** Chats at /api/v2 (2.37+, here 2.40) and /api/experimental (2.32–2.36, here 2.36). */
const CHAT_PREFIXES = ['/api/v2', '/api/experimental'] as const;

/** Open a chat WebSocket, collect `count` text frames (or until `ms`), close; each frame validated as the 101 body. */
async function socketFrames(sim: CoderSim, template: string, params: Record<string, string>, count: number, act?: () => Promise<void> | void, ms = 3_000): Promise<unknown[]> {
  const path = fill(template, params);
  const ws = new WebSocket(`${sim.url.replace('http', 'ws')}${path}`, { headers: { 'Coder-Session-Token': sim.token } });
  const frames: unknown[] = [];
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    ws.on('message', (data: Buffer) => {
      frames.push(JSON.parse(data.toString()));
      if (frames.length >= count) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  await act?.();
  await done;
  ws.close();
  for (const frame of frames) expect(validator.response('GET', template, 101, frame).errors, `${path} frame`).toBe('');
  covered.add(`GET ${template} 101`);
  return frames;
}

describe.each(CHAT_PREFIXES)('chat routes under %s', (prefix) => {
  let sim: CoderSim;
  let call: ReturnType<typeof harness>;
  let org: string;
  const C = (suffix = '') => `${prefix}/chats${suffix}`;
  const version: CoderVersion = prefix === '/api/v2' ? '2.40' : '2.36';
  const content = (t: string) => [{ type: 'text', text: t }];

  beforeAll(async () => {
    sim = await startCoderSim({ coderVersion: version, seed: 12, chats: 40 });
    call = harness(sim, version);
    org = (await simFetch(sim)('GET', '/api/v2/organizations')).body.find((o: { is_default: boolean }) => o.is_default).id;
  });
  afterAll(() => sim.stop());

  async function newChat(text = 'Fix the tests', extra: Record<string, unknown> = {}): Promise<string> {
    const res = await call({ method: 'POST', template: C(), body: { organization_id: org, content: content(text), ...extra }, status: 201 });
    return res.body.id as string;
  }

  it('lists, searches and pages chats', async () => {
    const list = await call({ method: 'GET', template: C(), query: 'q=archived:any', status: 200 });
    expect(list.body.length).toBeGreaterThan(0);
    await call({ method: 'GET', template: C(), query: `q=${encodeURIComponent('status:running,error has_unread:true pr_status:open')}&label=team:web&limit=5&offset=1`, status: 200 });
    await call({ method: 'GET', template: C(), query: `after_id=${list.body[0].id}&limit=2`, status: 200 });
    await call({ method: 'GET', template: C(), query: 'q=just%20words', status: 400, message: 'Invalid chat search query.' });
    await call({ method: 'GET', template: C(), query: 'q=owner:me', status: 400 });
    await call({ method: 'GET', template: C(), query: 'limit=x', status: 400 });
    await call({ method: 'GET', template: C(), token: null, status: 401 });
  });

  it('creates chats and rejects bad creates', async () => {
    await call({ method: 'POST', template: C(), body: { organization_id: org, content: [], labels: { a: 'b' }, request_id: 'contract-1' }, status: 201 });
    await call({ method: 'POST', template: C(), body: { organization_id: org, content: [], labels: { a: 'b' }, request_id: 'contract-1' }, status: 201 });
    await call({ method: 'POST', template: C(), body: { organization_id: org, content: content('other'), request_id: 'contract-1' }, status: 409 });
    await call({ method: 'POST', template: C(), body: { content: content('x') }, status: 400 });
    await call({ method: 'POST', template: C(), body: { organization_id: NIL_UUID, content: content('x') }, status: 400 });
    await call({ method: 'POST', template: C(), body: { organization_id: org, content: content('x'), title: 'x'.repeat(201) }, status: 400 });
    await call({ method: 'POST', template: C(), rawBody: '{"content":', status: 400 });
    sim.control.chats.setSpendLimit(0);
    await call({ method: 'POST', template: C(), body: { organization_id: org, content: content('x') }, status: 409 });
    sim.control.chats.setSpendLimit(null);
  });

  it('gets, updates, interrupts and archives a chat', async () => {
    const id = await newChat();
    const p = { chat: id };
    sim.control.chats.setConcurrency(0);
    const queuedForCapacity = await newChat('wait for a slot');
    expect((await call({ method: 'GET', template: C('/{chat}'), params: { chat: queuedForCapacity }, status: 200 })).body.queued_for_capacity).toBe(true);
    sim.control.chats.setConcurrency(null);
    sim.control.chats.setPullRequest(id, { draft: false });
    sim.control.chats.fail(sim.control.chats.create({ text: 'sub', parent: id }).id, 'rate_limit');
    const got = await call({ method: 'GET', template: C('/{chat}'), params: p, status: 200 });
    expect(got.body.children).toHaveLength(1);
    await call({ method: 'GET', template: C('/{chat}'), params: { chat: 'nope' }, status: 400 });
    await call({ method: 'GET', template: C('/{chat}'), params: { chat: NIL_UUID }, status: 404 });
    await call({ method: 'GET', template: C('/{chat}'), params: p, token: 'sim-alice-token', status: 404 });
    await call({ method: 'PATCH', template: C('/{chat}'), params: p, body: { title: 'Renamed', labels: { team: 'web' }, pin_order: 2, read: true, plan_mode: '' }, status: 204 });
    await call({ method: 'PATCH', template: C('/{chat}'), params: p, body: { archived: true }, status: 409 });
    await call({ method: 'PATCH', template: C('/{chat}'), params: p, body: { pin_order: -1 }, status: 400 });
    await call({ method: 'PATCH', template: C('/{chat}'), params: { chat: NIL_UUID }, body: { archived: true }, status: 404 });
    const interrupted = await call({ method: 'POST', template: C('/{chat}/interrupt'), params: p, status: 200 });
    expect(interrupted.body.status).toBe('interrupting');
    await call({ method: 'POST', template: C('/{chat}/interrupt'), params: { chat: NIL_UUID }, status: 404 });
    sim.control.advance(5_000);
    await call({ method: 'PATCH', template: C('/{chat}'), params: p, body: { archived: true }, status: 204 });
    await call({ method: 'GET', template: C(), query: 'q=archived:true', status: 200 });
  });

  it('sends, queues, deletes and promotes messages; pages them', async () => {
    const id = await newChat();
    const p = { chat: id };
    const q1 = await call({ method: 'POST', template: C('/{chat}/messages'), params: p, body: { content: content('also docs') }, status: 200 });
    const q2 = await call({ method: 'POST', template: C('/{chat}/messages'), params: p, body: { content: content('and tests'), busy_behavior: 'queue' }, status: 200 });
    await call({ method: 'POST', template: C('/{chat}/messages'), params: p, body: { content: [] }, status: 400 });
    await call({ method: 'POST', template: C('/{chat}/messages'), params: { chat: NIL_UUID }, body: { content: content('x') }, status: 404 });
    await call({ method: 'GET', template: C('/{chat}/messages'), params: p, status: 200 });
    await call({ method: 'DELETE', template: C('/{chat}/queue/{queuedMessage}'), params: { ...p, queuedMessage: String(q1.body.queued_message.id) }, status: 204 });
    await call({ method: 'DELETE', template: C('/{chat}/queue/{queuedMessage}'), params: { ...p, queuedMessage: String(q1.body.queued_message.id) }, status: 404 });
    await call({ method: 'POST', template: C('/{chat}/queue/{queuedMessage}/promote'), params: { ...p, queuedMessage: String(q2.body.queued_message.id) }, status: 202 });
    await call({ method: 'POST', template: C('/{chat}/queue/{queuedMessage}/promote'), params: { ...p, queuedMessage: '999999' }, status: 404 });
    sim.control.advance(60 * 60_000);
    if (sim.control.chats.get(id)?.status === 'running') sim.control.chats.finishTurn(id);
    const sent = await call({ method: 'POST', template: C('/{chat}/messages'), params: p, body: { content: content('one more') }, status: 200 });
    expect(sent.body).toMatchObject({ queued: false, message: { role: 'user' } });
    sim.control.chats.finishTurn(id);
    const page = await call({ method: 'GET', template: C('/{chat}/messages'), params: p, query: 'limit=2', status: 200 });
    await call({ method: 'GET', template: C('/{chat}/messages'), params: p, query: `before_id=${page.body.messages[1].id}&limit=2`, status: 200 });
    await call({ method: 'GET', template: C('/{chat}/messages'), params: p, query: `after_id=1`, status: 200 });
    await call({ method: 'GET', template: C('/{chat}/messages'), params: p, query: 'before_id=1&after_id=2', status: 400, message: 'Query parameters have invalid values.' });
  });

  it('serves cost and diff', async () => {
    const id = await newChat();
    sim.control.chats.finishTurn(id);
    await call({ method: 'GET', template: C('/{chat}/cost'), params: { chat: id }, status: 200 });
    await call({ method: 'GET', template: C('/{chat}/cost'), params: { chat: NIL_UUID }, status: 404 });
    await call({ method: 'GET', template: C('/{chat}/diff'), params: { chat: id }, status: 200 });
    sim.control.chats.setPullRequest(id, { state: 'merged', approved: true });
    await call({ method: 'GET', template: C('/{chat}/diff'), params: { chat: id }, status: 200 });
    await call({ method: 'GET', template: C('/{chat}/diff'), params: { chat: 'x' }, status: 400 });
  });

  it('streams watch and per-chat frames that match the spec', async () => {
    const id = await newChat();
    const watch = await socketFrames(sim, C('/watch'), {}, 4, async () => {
      const other = await newChat('watch me');
      sim.control.chats.requireAction(other);
      sim.control.chats.setPullRequest(other, { draft: true });
    });
    expect(watch.length).toBeGreaterThanOrEqual(4);
    sim.control.chats.finishTurn(id);
    const stream = await socketFrames(sim, C('/{chat}/stream'), { chat: id }, 3, async () => {
      await simFetch(sim)('POST', `${C(`/${id}/messages`)}`, { body: { content: content('stream this') } });
      await simFetch(sim)('POST', `${C(`/${id}/messages`)}`, { body: { content: content('queue this') } });
      sim.control.chats.fail(id, 'overloaded');
    });
    expect(stream.every(Array.isArray)).toBe(true);
    // Without an upgrade the socket routes answer a Coder error.
    await call({ method: 'GET', template: C('/watch'), status: 400 });
    await call({ method: 'GET', template: C('/{chat}/stream'), params: { chat: NIL_UUID }, status: 404 });
  });

  // Org-scoped models exist only in the /api/v2 form (2.37+); the experimental era registers no such test.
  if (prefix === '/api/v2') it('lists org-scoped chat models', async () => {
    const res = await call({ method: 'GET', template: '/api/v2/organizations/{organization}/chats/models', params: { organization: org }, status: 200 });
    expect(res.body.models.filter((m: { is_default: boolean }) => m.is_default)).toHaveLength(1);
    await call({ method: 'GET', template: '/api/v2/organizations/{organization}/chats/models', params: { organization: NIL_UUID }, status: 404 });
    await call({ method: 'GET', template: '/api/v2/organizations/{organization}/chats/models', params: { organization: 'x' }, status: 400 });
  });
});

describe('coverage', () => {
  it('exercised every operation of the spec with a success and an error', () => {
    const missingSuccess: string[] = [];
    const missingError: string[] = [];
    for (const op of validator.operations()) {
      const hits = [...covered].filter((c) => c.startsWith(`${op.method} ${op.path} `)).map((c) => Number(c.split(' ')[2]));
      if (!hits.some((s) => s < 300)) missingSuccess.push(`${op.method} ${op.path}`);
      if (!hits.some((s) => s >= 400)) missingError.push(`${op.method} ${op.path}`);
    }
    expect(missingSuccess).toEqual([]);
    expect(missingError).toEqual([]);
  });
});
