import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildInfo, template } from './__fixtures__/coder-facts.js';
import { empty, fakeFetch, json } from './__fixtures__/fake-fetch.js';
import { createCoderClient } from './client.js';
import { backoffDelayMs, DEFAULT_RETRY, resolveRetryOptions, retryDelayFor, sleep } from './retry.js';
import type { CoderClientOptions } from './types.js';

const NOW = Date.parse('2025-10-27T15:37:17Z');

function setup(overrides: Partial<CoderClientOptions> = {}) {
  const fake = fakeFetch().on('GET /api/v2/buildinfo', json(buildInfo('v2.36.0')));
  const client = createCoderClient({
    baseUrl: 'https://coder.test',
    sessionToken: 't',
    fetch: fake.fetch,
    random: () => 0.5,
    now: () => NOW,
    retry: { retries: 3, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 },
    ...overrides,
  });
  return { fake, client };
}

describe('retry policy (pure)', () => {
  it('resolves defaults and rejects nonsense values', () => {
    expect(resolveRetryOptions()).toEqual(DEFAULT_RETRY);
    expect(resolveRetryOptions({ retries: -1, baseDelayMs: Number.NaN, maxDelayMs: 10, maxRetryAfterMs: 0 })).toEqual({
      ...DEFAULT_RETRY,
      maxDelayMs: 10,
      maxRetryAfterMs: 0,
    });
    expect(resolveRetryOptions({ retries: 2.7 }).retries).toBe(2);
  });

  it('grows exponentially with equal jitter and a cap', () => {
    const o = resolveRetryOptions({ baseDelayMs: 100, maxDelayMs: 1000 });
    expect([0, 1, 2, 3, 4].map((n) => backoffDelayMs(n, o, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([0, 1, 2, 3, 4].map((n) => backoffDelayMs(n, o, () => 0.999999))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('retries only retryable kinds, within budget, honouring a capped server wait', () => {
    const o = resolveRetryOptions({ retries: 2, baseDelayMs: 100, maxRetryAfterMs: 5000 });
    const r = () => 0;
    expect(retryDelayFor({ kind: 'network', operation: 'GET /x', message: '' }, 0, o, r)).toBe(50);
    expect(retryDelayFor({ kind: 'network', operation: 'GET /x', message: '' }, 2, o, r)).toBeUndefined();
    expect(retryDelayFor({ kind: 'server_error', operation: 'GET /x', message: '' }, 0, o, r)).toBeUndefined();
    expect(retryDelayFor({ kind: 'timeout', operation: 'GET /x', message: '' }, 0, o, r)).toBeUndefined();
    expect(retryDelayFor({ kind: 'rate_limited', operation: 'GET /x', message: '', retryAfterMs: 3000 }, 0, o, r)).toBe(3000);
    expect(retryDelayFor({ kind: 'rate_limited', operation: 'GET /x', message: '', retryAfterMs: 9000 }, 0, o, r)).toBeUndefined();
  });
});

describe('retries through the client (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries a GET on 502/503/504 with growing delays, then succeeds', async () => {
    const { fake, client } = setup();
    fake.on('GET /api/v2/templates/t1', json({ message: 'bad gateway' }, 502), json({ message: 'x' }, 503), json({}, 504), json(template));
    const pending = client.getTemplate('t1');
    await vi.advanceTimersByTimeAsync(74);
    expect(fake.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1); // 75 = 50 + 0.5·50
    expect(fake.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(150);
    expect(fake.calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(300);
    const r = await pending;
    expect(fake.calls).toHaveLength(4);
    expect(r).toMatchObject({ ok: true, status: 200, value: { id: template.id } });
  });

  it('gives up after the retry budget and returns the last error', async () => {
    const { fake, client } = setup({ retry: { retries: 2, baseDelayMs: 100 } });
    fake.on('GET /api/v2/templates', json({ message: 'unavailable' }, 503));
    const pending = client.listTemplates();
    await vi.runAllTimersAsync();
    const r = await pending;
    expect(fake.calls).toHaveLength(3);
    expect(r).toMatchObject({ ok: false, error: { kind: 'upstream_unavailable', status: 503 } });
  });

  it('retries network errors', async () => {
    let n = 0;
    const { client } = setup({
      fetch: async () => {
        n += 1;
        if (n < 3) throw new TypeError('fetch failed');
        return json([]);
      },
    });
    const pending = client.listTemplates();
    await vi.runAllTimersAsync();
    expect(await pending).toMatchObject({ ok: true, value: [] });
    expect(n).toBe(3);
  });

  it('honours Retry-After on 429 (waits exactly that long)', async () => {
    const { fake, client } = setup();
    fake.on('GET /api/v2/templates', json({ message: 'rate limited' }, 429, { 'retry-after': '2' }), json([template]));
    const pending = client.listTemplates();
    await vi.advanceTimersByTimeAsync(1999);
    expect(fake.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await pending).toMatchObject({ ok: true, value: [{ id: template.id }] });
    expect(fake.calls).toHaveLength(2);
  });

  it('honours X-Ratelimit-Reset when there is no Retry-After', async () => {
    const { fake, client } = setup();
    fake.on('GET /api/v2/templates', json({ message: 'rate limited' }, 429, { 'x-ratelimit-reset': String(NOW / 1000 + 3) }), json([]));
    const pending = client.listTemplates();
    await vi.advanceTimersByTimeAsync(2999);
    expect(fake.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).ok).toBe(true);
  });

  it('returns rate_limited at once when the server wait exceeds the cap', async () => {
    const { fake, client } = setup();
    fake.on('GET /api/v2/templates', json({ message: 'rate limited' }, 429, { 'retry-after': '60' }));
    const r = await client.listTemplates();
    expect(fake.calls).toHaveLength(1);
    expect(r).toMatchObject({ ok: false, error: { kind: 'rate_limited', retryAfterMs: 60_000 } });
  });

  it('never retries mutations', async () => {
    const { fake, client } = setup();
    fake
      .on('POST /api/v2/tasks/me/t/send', json({ message: 'Task app is not ready to accept input.' }, 502))
      .on('POST /api/v2/workspaces/w/builds', json({ message: 'rate limited' }, 429, { 'retry-after': '1' }))
      .on('DELETE /api/v2/tasks/me/t', json({ message: 'unavailable' }, 503))
      .on('PATCH /api/v2/tasks/me/t/input', () => {
        throw new TypeError('fetch failed');
      });
    expect((await client.sendTaskInput('me', 't', 'hi')).ok).toBe(false);
    expect((await client.createWorkspaceBuild('w', { transition: 'stop' })).ok).toBe(false);
    expect((await client.deleteTask('me', 't')).ok).toBe(false);
    expect(await client.updateTaskInput('me', 't', 'new')).toMatchObject({ ok: false, error: { kind: 'network' } });
    expect(fake.paths().filter((p) => !p.endsWith('/buildinfo'))).toEqual([
      'POST /api/v2/tasks/me/t/send',
      'POST /api/v2/workspaces/w/builds',
      'DELETE /api/v2/tasks/me/t',
      'PATCH /api/v2/tasks/me/t/input',
    ]);
  });

  it('does not retry 4xx/500', async () => {
    const { fake, client } = setup();
    fake.on('GET /api/v2/templates', json({ message: 'boom' }, 500));
    fake.on('GET /api/v2/templates/x', empty(404));
    expect((await client.listTemplates()).ok).toBe(false);
    expect((await client.getTemplate('x')).ok).toBe(false);
    expect(fake.calls).toHaveLength(2);
  });

  it('a caller abort during backoff stops retrying and returns the last error', async () => {
    const { fake, client } = setup();
    fake.on('GET /api/v2/templates', json({ message: 'unavailable' }, 503));
    const controller = new AbortController();
    const pending = client.listTemplates({ signal: controller.signal });
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    const r = await pending;
    expect(fake.calls).toHaveLength(1);
    expect(r).toMatchObject({ ok: false, error: { kind: 'upstream_unavailable' } });
  });

  it('sleep resolves false immediately for an already aborted signal', async () => {
    expect(await sleep(1000, AbortSignal.abort())).toBe(false);
  });
});
