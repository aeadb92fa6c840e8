import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simFetch } from './__fixtures__/sim-fetch.js';
import { startCoderSim, type CoderSim } from './index.js';

describe('auth and visibility', () => {
  let sim: CoderSim;
  let api: ReturnType<typeof simFetch>;

  beforeAll(async () => {
    sim = await startCoderSim({ agents: 60, seed: 4, token: 'root-token', users: [{ username: 'Zoe', role: 'member', token: 'zoe-token' }] });
    api = simFetch(sim);
  });
  afterAll(() => sim.stop());

  it('accepts the session token as header, cookie or query parameter', async () => {
    const header = await fetch(`${sim.url}/api/v2/users/me`, { headers: { 'Coder-Session-Token': 'root-token' } });
    const cookie = await fetch(`${sim.url}/api/v2/users/me`, { headers: { Cookie: 'coder_session_token=root-token' } });
    const query = await fetch(`${sim.url}/api/v2/users/me?coder_session_token=root-token`);
    expect([header.status, cookie.status, query.status]).toEqual([200, 200, 200]);
  });

  it('rejects missing and wrong tokens with 401', async () => {
    expect((await api('GET', '/api/v2/users/me', { token: null })).body).toMatchObject({ message: expect.stringContaining('signed out') });
    expect((await api('GET', '/api/v2/users/me', { token: 'sim-admin-token' })).status).toBe(401);
  });

  it('lets the admin see every owner and a member only their own tasks', async () => {
    const all = (await api('GET', '/api/v2/tasks')).body.tasks as { owner_name: string; id: string }[];
    expect(new Set(all.map((t) => t.owner_name)).size).toBeGreaterThan(2);
    const alice = (await api('GET', '/api/v2/tasks', { token: 'sim-alice-token' })).body;
    expect(alice.count).toBeGreaterThan(0);
    expect(new Set(alice.tasks.map((t: { owner_name: string }) => t.owner_name))).toEqual(new Set(['alice']));
    expect(alice.count).toBe(all.filter((t) => t.owner_name === 'alice').length);
    const bobs = all.find((t) => t.owner_name === 'bob');
    expect((await api('GET', `/api/v2/tasks/bob/${bobs?.id}`, { token: 'sim-alice-token' })).status).toBe(404);
    expect((await api('GET', '/api/v2/tasks?q=owner:bob', { token: 'sim-alice-token' })).body.count).toBe(0);
  });

  it('filters by owner (bare word), organization and status', async () => {
    const byOwner = (await api('GET', '/api/v2/tasks?q=alice')).body;
    expect(byOwner.tasks.every((t: { owner_name: string }) => t.owner_name === 'alice')).toBe(true);
    const mine = (await api('GET', '/api/v2/tasks?q=owner:me')).body;
    expect(mine.tasks.every((t: { owner_name: string }) => t.owner_name === 'admin')).toBe(true);
    const research = (await api('GET', '/api/v2/tasks?q=organization:research')).body;
    expect(research.tasks.every((t: { template_name: string }) => t.template_name === 'gpu-ml')).toBe(true);
    const paused = (await api('GET', `/api/v2/tasks?q=${encodeURIComponent('status:"paused"')}`)).body;
    expect(paused.count).toBeGreaterThan(0);
    expect(paused.tasks.every((t: { status: string }) => t.status === 'paused')).toBe(true);
  });

  it('configures users: custom admin token, extra members, runtime users', async () => {
    expect((await api('GET', '/api/v2/users/me', { token: 'zoe-token' })).body).toMatchObject({ username: 'zoe', roles: [] });
    const added = sim.control.addUser({ username: 'yann' });
    expect(added.token).toBe('sim-yann-token');
    expect((await api('GET', '/api/v2/tasks', { token: added.token })).body).toEqual({ tasks: [], count: 0 });
    const viaHttp = await api('POST', '/__sim/users', { body: { username: 'xena', role: 'admin' } });
    expect(viaHttp.status).toBe(201);
    expect((await api('GET', '/api/v2/tasks', { token: viaHttp.body.token })).body.count).toBeGreaterThan(0);
    expect((await api('POST', '/__sim/users', { body: { username: 'xena' } })).status).toBe(409);
  });
});
