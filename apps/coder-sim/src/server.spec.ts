import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simFetch } from './__fixtures__/sim-fetch.js';
import { startCoderSim, type CoderSim } from './index.js';

describe('startCoderSim', () => {
  let sim: CoderSim;
  let api: ReturnType<typeof simFetch>;

  beforeEach(async () => {
    sim = await startCoderSim({ agents: 20, seed: 7, scenario: 'mixed' });
    api = simFetch(sim);
  });
  afterEach(() => sim.stop());

  it('listens on 127.0.0.1 with the admin token and Coder headers', async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.token).toBe('sim-admin-token');
    const res = await api('GET', '/api/v2/buildinfo', { token: null });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe('v2.36.0+sim');
    expect(res.headers.get('x-coder-build-version')).toBe('v2.36.0+sim');
    expect(res.headers.get('x-ratelimit-limit')).toBe('512');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('511');
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
  });

  it('lists every task in one response with count == tasks.length', async () => {
    const res = await api('GET', '/api/v2/tasks');
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(20);
    expect(res.body.tasks).toHaveLength(20);
  });

  it('creates, reads by id and name, sends, pauses, resumes and deletes a task', async () => {
    const templates = (await api('GET', '/api/v2/templates')).body as { name: string; active_version_id: string }[];
    const python = templates.find((t) => t.name === 'python-dev');
    expect(python).toBeDefined();
    const created = await api('POST', '/api/v2/tasks/me', { body: { input: 'Fix the login bug', template_version_id: python?.active_version_id, name: 'fix-login' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'fix-login', status: 'pending', owner_name: 'admin', display_name: 'Fix the login bug', current_state: null });
    const id = created.body.id as string;

    expect((await api('GET', `/api/v2/tasks/me/${id}`)).body.id).toBe(id);
    expect((await api('GET', '/api/v2/tasks/admin/fix-login')).body.id).toBe(id);

    sim.control.advance(2 * 60_000);
    const active = (await api('GET', `/api/v2/tasks/me/${id}`)).body;
    expect(active.status).toBe('active');
    expect(active.current_state.state).toBe('working');

    expect((await api('POST', `/api/v2/tasks/me/${id}/send`, { body: { input: 'hurry' } })).status).toBe(502);
    sim.control.setAgentState(id, 'idle', { message: 'Waiting for input' });
    expect((await api('POST', `/api/v2/tasks/me/${id}/send`, { body: { input: 'Use Postgres' } })).status).toBe(204);
    const logs = (await api('GET', `/api/v2/tasks/me/${id}/logs`)).body;
    expect(logs.logs.at(-1)).toMatchObject({ type: 'input', content: 'Use Postgres' });

    const paused = await api('POST', `/api/v2/tasks/me/${id}/pause`);
    expect(paused.status).toBe(202);
    expect(paused.body.workspace_build).toMatchObject({ transition: 'stop', reason: 'task_manual_pause' });
    sim.control.advance(10_000);
    const pausedTask = (await api('GET', `/api/v2/tasks/me/${id}`)).body;
    expect(pausedTask).toMatchObject({ status: 'paused', workspace_status: 'stopped' });
    const snapshot = (await api('GET', `/api/v2/tasks/me/${id}/logs`)).body;
    expect(snapshot.snapshot).toBe(true);
    expect(snapshot.snapshot_at).toEqual(expect.any(String));

    const resumed = await api('POST', `/api/v2/tasks/me/${id}/resume`);
    expect(resumed.status).toBe(202);
    expect(resumed.body.workspace_build).toMatchObject({ transition: 'start', reason: 'task_resume' });
    sim.control.advance(2 * 60_000);
    expect((await api('GET', `/api/v2/tasks/me/${id}`)).body.status).toBe('active');

    expect((await api('DELETE', `/api/v2/tasks/me/${id}`)).status).toBe(202);
    expect((await api('GET', `/api/v2/tasks/me/${id}`)).status).toBe(404);
  });

  it('counts requests per route template', async () => {
    sim.control.resetCounters();
    await api('GET', '/api/v2/tasks');
    await api('GET', '/api/v2/tasks');
    await api('GET', '/api/v2/users/me');
    await api('GET', '/nope');
    expect(sim.control.counters()).toEqual({ 'GET /api/v2/tasks': 2, 'GET /api/v2/users/{user}': 1, 'GET (unmatched)': 1 });
  });
});
