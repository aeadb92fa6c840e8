import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simFetch } from './__fixtures__/sim-fetch.js';
import { startCoderSim, type CoderSim } from './index.js';

describe('/__sim control API', () => {
  let sim: CoderSim;
  let api: ReturnType<typeof simFetch>;

  beforeEach(async () => {
    sim = await startCoderSim({ agents: 4, seed: 5 });
    api = simFetch(sim);
  });
  afterEach(() => sim.stop());

  it('needs the admin token', async () => {
    expect((await api('GET', '/__sim/state', { token: null })).status).toBe(401);
    expect((await api('GET', '/__sim/state', { token: 'sim-bob-token' })).status).toBe(401);
    expect((await api('GET', '/__sim/state')).body).toMatchObject({ coderVersion: '2.36', tasks: 4, clock: 'manual' });
  });

  it('advances the clock, reads counters and transitions', async () => {
    const before = sim.control.now();
    const advanced = await api('POST', '/__sim/advance', { body: { ms: 60_000 } });
    expect(advanced.body.nowMs).toBe(before + 60_000);
    expect((await api('POST', '/__sim/advance', { body: { ms: 'soon' } })).status).toBe(400);
    await api('GET', '/api/v2/tasks');
    expect((await api('GET', '/__sim/counters')).body).toEqual({ 'GET /api/v2/tasks': 1 });
    await api('POST', '/__sim/counters/reset');
    expect((await api('GET', '/__sim/counters')).body).toEqual({});
    const transitions = (await api('GET', '/__sim/transitions')).body as { seq: number }[];
    expect(transitions.length).toBeGreaterThan(0);
    const last = transitions.at(-1)?.seq ?? 0;
    expect((await api('GET', `/__sim/transitions?since=${last}`)).body).toEqual([]);
  });

  it('creates tasks and mutates agents', async () => {
    const created = await api('POST', '/__sim/tasks', { body: { input: 'Investigate', owner: 'alice', template: 'small', name: 'probe' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'probe', owner: 'alice', status: 'pending' });
    await api('POST', '/__sim/advance', { body: { ms: 120_000 } });
    const failure = await api('POST', '/__sim/tasks/alice%2Fprobe/state', { body: { state: 'failure', message: 'Need input: which database?' } });
    expect(failure.body).toMatchObject({ state: 'failure' });
    const task = (await api('GET', '/api/v2/tasks/alice/probe')).body;
    expect(task.current_state).toMatchObject({ state: 'failure', message: 'Need input: which database?' });
    expect((await api('POST', '/__sim/tasks/probe/disconnect')).body).toMatchObject({ name: 'probe' });
    expect((await api('GET', '/api/v2/tasks/alice/probe')).body.workspace_agent_health.healthy).toBe(false);
    await api('POST', '/__sim/tasks/probe/reconnect');
    await api('POST', '/__sim/tasks/probe/fail-build', { body: { error: 'quota exceeded' } });
    expect((await api('GET', '/api/v2/tasks/alice/probe')).body.status).toBe('error');
    await api('POST', '/__sim/tasks/probe/cancel-build');
    expect((await api('GET', '/api/v2/tasks/alice/probe')).body.status).toBe('unknown');
    expect((await api('POST', '/__sim/tasks/nope/disconnect')).status).toBe(400);
    expect((await api('POST', '/__sim/tasks/probe/state', { body: { state: 'sleeping' } })).status).toBe(400);
    expect((await api('GET', '/__sim/tasks')).body).toHaveLength(5);
  });

  it('pushes a new template version (coder templates push)', async () => {
    const pushed = await api('POST', '/__sim/templates/small/versions', { body: { name: 'tiny_knuth2', removeParameters: ['memory'] } });
    expect(pushed.status).toBe(201);
    expect(pushed.body).toMatchObject({ name: 'tiny_knuth2' });
    const template = (await api('GET', `/api/v2/templates/${pushed.body.templateId}`)).body;
    expect(template.active_version_id).toBe(pushed.body.id);
    const params = (await api('GET', `/api/v2/templateversions/${pushed.body.id}/rich-parameters`)).body as { name: string }[];
    expect(params.map((p) => p.name)).not.toContain('memory');
    expect((await api('POST', '/__sim/templates/nope/versions', { body: {} })).status).toBe(400);
    expect((await api('POST', '/__sim/templates/small/versions', { body: { removeParameters: 'memory' } })).status).toBe(400);
  });

  it('refuses a duplicate task name for the same owner', () => {
    sim.control.createTask({ input: 'x', owner: 'carol', name: 'dup' });
    expect(() => sim.control.createTask({ input: 'y', owner: 'carol', name: 'dup' })).toThrow(/already exists/);
    expect(sim.control.createTask({ input: 'y', owner: 'dave', name: 'dup' }).owner).toBe('dave');
  });

  it('reports a fixed external URL when asked (stable recordings)', async () => {
    const fixed = await startCoderSim({ externalUrl: 'https://coder.invalid' });
    try {
      expect((await simFetch(fixed)('GET', '/api/v2/buildinfo')).body).toMatchObject({ external_url: 'https://coder.invalid', dashboard_url: 'https://coder.invalid' });
    } finally {
      await fixed.stop();
    }
  });

  it('switches the Coder version at run time', async () => {
    expect((await api('POST', '/__sim/version', { body: { coderVersion: '2.37' } })).status).toBe(200);
    expect((await api('GET', '/api/v2/tasks')).status).toBe(404);
    expect((await api('GET', '/api/v2/buildinfo')).body.version).toBe('v2.37.0+sim');
    expect((await api('POST', '/__sim/version', { body: { coderVersion: '9.9' } })).status).toBe(400);
    expect((await api('GET', '/__sim/nope')).status).toBe(404);
  });

  it('can answer pause/resume with the older workspace_build_id shape', async () => {
    const legacy = await startCoderSim({ agents: 0, pauseResponse: 'workspace_build_id' });
    try {
      const t = legacy.control.createTask({ input: 'x', name: 'legacy' });
      legacy.control.advance(120_000);
      const res = await simFetch(legacy)('POST', `/api/v2/tasks/me/${t.id}/pause`);
      expect(res.status).toBe(202);
      expect(Object.keys(res.body)).toEqual(['workspace_build_id']);
    } finally {
      await legacy.stop();
    }
  });
  it('drives chats, limits and sockets over HTTP', async () => {
    const created = await api('POST', '/__sim/chats', { body: { text: 'Fix it', owner: 'alice', labels: { team: 'web' } } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ owner: 'alice', status: 'running', queued: 0, pr: 'none' });
    const id = created.body.id as string;
    expect((await api('POST', `/__sim/chats/${id}/require-action`)).body.status).toBe('requires_action');
    expect((await api('POST', `/__sim/chats/${id}/resolve-action`)).body.status).toBe('running');
    expect((await api('POST', `/__sim/chats/${id}/finish-turn`)).body.status).toBe('waiting');
    expect((await api('POST', `/__sim/chats/${id}/finish-turn`)).status).toBe(409);
    expect((await api('POST', `/__sim/chats/${id}/fail`, { body: { kind: 'usage_limit' } })).body.status).toBe('error');
    expect((await api('POST', `/__sim/chats/${id}/fail`, { body: { kind: 'bogus' } })).status).toBe(400);
    expect((await api('POST', `/__sim/chats/${id}/status`, { body: { status: 'paused' } })).body.status).toBe('paused');
    expect((await api('POST', `/__sim/chats/${id}/pr`, { body: { draft: false } })).body.pr).toBe('open');
    expect((await api('POST', `/__sim/chats/${id}/share`, { body: { username: 'bob' } })).status).toBe(200);
    expect((await api('POST', '/__sim/chats/nope/finish-turn')).status).toBe(400);
    expect((await api('POST', '/__sim/chat-limits', { body: { concurrency: 2, spendLimitMicros: null } })).status).toBe(200);
    expect(((await api('GET', '/__sim/chats')).body as { id: string }[]).map((c) => c.id)).toContain(id);
    expect((await api('GET', '/__sim/sockets')).body).toEqual([]);
    expect((await api('POST', '/__sim/sockets/drop', { body: { kind: 'watch' } })).body).toEqual({ sockets: 0 });
  });
});
