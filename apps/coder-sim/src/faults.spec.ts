import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simFetch } from './__fixtures__/sim-fetch.js';
import { Faults } from './faults.js';
import { startCoderSim, type CoderSim } from './index.js';

describe('fault injection over HTTP', () => {
  let sim: CoderSim;
  let api: ReturnType<typeof simFetch>;

  beforeEach(async () => {
    sim = await startCoderSim({ agents: 5, seed: 2 });
    api = simFetch(sim);
  });
  afterEach(() => sim.stop());

  it('adds latency to matching requests (then expires after `times`)', async () => {
    const id = sim.control.faults.latency(30, { route: 'GET /api/v2/tasks', times: 1 });
    const rule = sim.control.faults.list().find((r) => r.id === id);
    expect(rule).toMatchObject({ kind: 'latency', latencyMs: 30, times: 1, hits: 0 });
    expect((await api('GET', '/api/v2/tasks')).status).toBe(200);
    expect(sim.control.faults.list()).toEqual([]);
  });

  it('answers 429 with Retry-After for N requests, then recovers', async () => {
    sim.control.faults.status(429, { route: '* /api/v2/tasks*', times: 2, retryAfterSeconds: 7 });
    for (let i = 0; i < 2; i++) {
      const res = await api('GET', '/api/v2/tasks');
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(res.body).toEqual({ message: 'You have been rate limited.' });
    }
    expect((await api('GET', '/api/v2/tasks')).status).toBe(200);
  });

  it.each([500, 502, 503])('answers %i on one route pattern until cleared', async (status) => {
    const id = sim.control.faults.status(status, { route: '/api/v2/tasks/{user}/{task}*' });
    const task = sim.control.tasks()[0];
    expect(task).toBeDefined();
    expect((await api('GET', `/api/v2/tasks/me/${task?.id}`)).status).toBe(status);
    expect((await api('GET', `/api/v2/tasks/me/${task?.id}/logs`)).status).toBe(status);
    expect((await api('GET', '/api/v2/tasks')).status).toBe(200);
    sim.control.faults.clear(id);
    expect((await api('GET', `/api/v2/tasks/me/${task?.id}`)).status).not.toBe(status);
  });

  it('drops connections', async () => {
    sim.control.faults.drop({ route: 'GET /api/v2/users/{user}', times: 1 });
    await expect(api('GET', '/api/v2/users/me')).rejects.toThrow();
    expect((await api('GET', '/api/v2/users/me')).status).toBe(200);
  });

  it('hangs until the client gives up (and stop() still completes)', async () => {
    sim.control.faults.hang({ route: 'GET /api/v2/organizations' });
    const controller = new AbortController();
    const pending = fetch(`${sim.url}/api/v2/organizations`, { headers: { 'Coder-Session-Token': sim.token }, signal: controller.signal });
    const raced = await Promise.race([pending.then(() => 'answered'), new Promise((r) => setTimeout(() => r('still waiting'), 50))]);
    expect(raced).toBe('still waiting');
    controller.abort();
    await expect(pending).rejects.toThrow();
  });

  it('stop() closes hanging requests', async () => {
    sim.control.faults.hang();
    const pending = fetch(`${sim.url}/api/v2/tasks`, { headers: { 'Coder-Session-Token': sim.token } }).then(
      () => 'answered',
      () => 'closed',
    );
    await new Promise((r) => setTimeout(r, 20));
    await sim.stop();
    expect(await pending).toBe('closed');
  });

  it('sends malformed JSON with the real status', async () => {
    sim.control.faults.malformed({ route: 'GET /api/v2/templates', times: 1 });
    const res = await api('GET', '/api/v2/templates');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(() => JSON.parse(res.text)).toThrow();
    expect((await api('GET', '/api/v2/templates')).body).toEqual(expect.any(Array));
  });

  it('enforces a per-token rate limit with Coder headers', async () => {
    sim.control.faults.rateLimit(3, 60_000);
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) seen.push((await api('GET', '/api/v2/users/me')).status);
    expect(seen).toEqual([200, 200, 200, 429]);
    const limited = await api('GET', '/api/v2/users/me');
    expect(limited.headers.get('x-ratelimit-limit')).toBe('3');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another token has its own budget.
    expect((await api('GET', '/api/v2/users/me', { token: 'sim-alice-token' })).status).toBe(200);
    // The window is on the simulator clock.
    sim.control.advance(60_000);
    expect((await api('GET', '/api/v2/users/me')).status).toBe(200);
    sim.control.faults.clearRateLimit();
  });

  it('is driven over HTTP by the /__sim control API (admin token only)', async () => {
    expect((await api('GET', '/__sim/faults', { token: 'sim-alice-token' })).status).toBe(401);
    const added = await api('POST', '/__sim/faults', { body: { kind: 'status', status: 502, route: 'GET /api/v2/tasks', times: 1 } });
    expect(added.status).toBe(201);
    expect((await api('GET', '/api/v2/tasks')).status).toBe(502);
    expect((await api('POST', '/__sim/faults', { body: { kind: 'status', status: 200 } })).status).toBe(400);
    await api('POST', '/__sim/rate-limit', { body: { limit: 1 } });
    expect((await api('GET', '/__sim/faults')).body.rateLimit).toEqual({ limit: 1, windowMs: 60_000 });
    expect((await api('DELETE', '/__sim/faults')).status).toBe(200);
    expect((await api('GET', '/__sim/faults')).body).toEqual({ rules: [], rateLimit: null });
  });
});

describe('faults from start options', () => {
  it('applies latency, rules and a rate limit given to startCoderSim', async () => {
    const sim = await startCoderSim({ latencyMs: 1, rateLimit: { limit: 2 }, faults: [{ kind: 'status', status: 503, route: 'GET /api/v2/templates', times: 1 }] });
    try {
      const api = simFetch(sim);
      expect(sim.control.faults.list().map((r) => r.kind)).toEqual(['latency', 'status']);
      expect((await api('GET', '/api/v2/templates')).status).toBe(503);
      expect((await api('GET', '/api/v2/templates')).status).toBe(200);
      expect((await api('GET', '/api/v2/templates')).status).toBe(429);
    } finally {
      await sim.stop();
    }
  });
});

describe('Faults rule matching', () => {
  it('matches templates and paths with globs, with or without a method', () => {
    const faults = new Faults();
    faults.status(500, { route: 'POST /api/v2/tasks/{user}/{task}/send' });
    faults.latency(5, { route: '/api/v2/templates*' });
    expect(faults.match('POST', '/api/v2/tasks/{user}/{task}/send', '/api/v2/tasks/me/x/send').terminal?.status).toBe(500);
    expect(faults.match('GET', '/api/v2/tasks/{user}/{task}', '/api/v2/tasks/me/x').terminal).toBeUndefined();
    expect(faults.match('GET', '/api/v2/templates/{template}', '/api/v2/templates/abc').latencyMs).toBe(5);
  });

  it('rejects invalid rules', () => {
    const faults = new Faults();
    expect(() => faults.status(200)).toThrow(RangeError);
    expect(() => faults.latency(-1)).toThrow(RangeError);
    expect(() => faults.drop({ times: 0 })).toThrow(RangeError);
    expect(() => faults.rateLimit(0)).toThrow(RangeError);
  });
});
