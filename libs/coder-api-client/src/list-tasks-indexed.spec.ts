/**
 * `listTasksIndexed` through the client: the same request as `listTasks`, the same errors, the same tasks
 * (unit tests with a fake fetch, then a replay of the committed recordings of each tasks era).
 */
import type { Polly } from '@pollyjs/core';
import { afterEach, describe, expect, it } from 'vitest';
import { buildInfo, errors, experimentalTaskList, gaTask } from './__fixtures__/coder-facts.js';
import { fakeFetch, json, type Reply } from './__fixtures__/fake-fetch.js';
import { POLLY_MODE, RECORDED_HOST, startPolly } from './__fixtures__/polly.js';
import { createCoderClient } from './client.js';
import { TaskListBody } from './task-list-body.js';
import type { AnyTask, CoderClient, CoderClientOptions, CoderResult, ListTasksFilter } from './types.js';

const TOKEN = 'Xk3mP9qL2v-aB4cD5eF6gH7iJ8kL9mN0pQ1r';

function setup(version = 'v2.36.0', overrides: Partial<CoderClientOptions> = {}) {
  const fake = fakeFetch().on('GET /api/v2/buildinfo', json(buildInfo(version)));
  const client = createCoderClient({ baseUrl: 'https://coder.test', sessionToken: TOKEN, fetch: fake.fetch, retry: { retries: 0 }, ...overrides });
  return { fake, client };
}

function value<T>(r: CoderResult<T>): T {
  if (!r.ok) throw new Error(`expected success, got ${JSON.stringify(r.error)}`);
  return r.value;
}

function tasksOf(body: TaskListBody): AnyTask[] {
  const r = body.tasks();
  if (!r.ok) throw new Error(r.problem);
  return r.value;
}

/** Both calls against the same reply; returns [listTasks result, listTasksIndexed result]. */
async function both(client: CoderClient, filter?: ListTasksFilter) {
  const plain = await client.listTasks(filter);
  const indexed = await client.listTasksIndexed(filter);
  return [plain, indexed] as const;
}

const raw = (body: string | Uint8Array | ReadableStream<Uint8Array>, status = 200, headers: Record<string, string> = { 'content-type': 'application/json' }): Response =>
  new Response(body, { status, headers });

describe('listTasksIndexed (fake fetch)', () => {
  it('success: a TaskListBody whose tasks() and count equal what listTasks returns', async () => {
    const { fake, client } = setup();
    const listBody = { tasks: [gaTask, { ...gaTask, id: 'second', name: 'second' }], count: 5 };
    fake.on('GET /api/v2/tasks', json(listBody));
    const [plain, indexed] = await both(client);
    const body = value(indexed);
    expect(body).toBeInstanceOf(TaskListBody);
    expect(indexed).toMatchObject({ ok: true, status: 200 });
    expect(tasksOf(body)).toEqual(value(plain).tasks);
    expect(body.count).toBe(value(plain).count);
    expect(body.count).toBe(5);
    expect([body.id(0), body.id(1)]).toEqual([gaTask.id, 'second']);
    expect(fake.paths()).toEqual(['GET /api/v2/buildinfo', 'GET /api/v2/tasks', 'GET /api/v2/tasks']);
  });

  it('sends the same request as listTasks (headers and q)', async () => {
    const { fake, client } = setup();
    fake.on('GET /api/v2/tasks', json({ tasks: [], count: 0 }));
    await both(client, { owner: 'me', organization: 'my org', status: 'active', search: 'x' });
    const [, plainCall, indexedCall] = fake.calls;
    expect(indexedCall!.url).toBe(plainCall!.url);
    expect(new URL(indexedCall!.url).searchParams.get('q')).toBe('owner:me organization:"my org" status:active x');
    expect(indexedCall!.headers).toEqual(plainCall!.headers);
    await client.listTasksIndexed();
    expect(new URL(fake.calls[3]!.url).search).toBe('');
  });

  it('pretty-printed, BOM-prefixed and multi-byte bodies give the same tasks as listTasks', async () => {
    const tasks = [{ ...gaTask, display_name: 'Grüße 🚀 "quoted" \\ {[,:]}' }, gaTask];
    const pretty = JSON.stringify({ tasks, count: 2 }, null, 2);
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(pretty)]);
    for (const reply of [raw(pretty), raw(withBom)]) {
      const { fake, client } = setup();
      fake.on('GET /api/v2/tasks', reply);
      const [plain, indexed] = await both(client);
      expect(tasksOf(value(indexed))).toEqual(value(plain).tasks);
      expect(value(plain).tasks).toEqual(tasks);
    }
  });

  it('a body the index refuses but JSON accepts ("tasks" twice) matches listTasks', async () => {
    const { fake, client } = setup();
    fake.on('GET /api/v2/tasks', raw(`{"tasks":[],"tasks":[${JSON.stringify(gaTask)}]}`));
    const [plain, indexed] = await both(client);
    expect(tasksOf(value(indexed))).toEqual(value(plain).tasks);
    expect(value(indexed).count).toBe(1);
  });

  it('experimental era (2.27 / 2.28): /api/experimental/tasks, as listTasks', async () => {
    for (const version of ['v2.27.1+230b55b', 'v2.28.0']) {
      const { fake, client } = setup(version);
      fake.on('GET /api/experimental/tasks', json(experimentalTaskList));
      const [plain, indexed] = await both(client, { owner: 'me' });
      expect(tasksOf(value(indexed))).toEqual(value(plain).tasks);
      expect(value(indexed).count).toBe(2);
      expect(fake.paths()).toEqual(['GET /api/v2/buildinfo', 'GET /api/experimental/tasks', 'GET /api/experimental/tasks']);
      expect(new URL(fake.calls[2]!.url).searchParams.get('q')).toBe('owner:me');
    }
  });

  it('GA eras (2.29+): /api/v2/tasks', async () => {
    for (const version of ['v2.29.0', 'v2.31.2', 'v2.36.0']) {
      const { fake, client } = setup(version);
      fake.on('GET /api/v2/tasks', json({ tasks: [gaTask], count: 1 }));
      expect(tasksOf(value(await client.listTasksIndexed()))).toEqual([gaTask]);
      expect(fake.paths()).toEqual(['GET /api/v2/buildinfo', 'GET /api/v2/tasks']);
    }
  });

  it('a release without tasks: the same tasks_unsupported error', async () => {
    const { fake, client } = setup('v2.37.0');
    const [plain, indexed] = await both(client);
    expect(indexed).toEqual(plain);
    expect(indexed).toMatchObject({ ok: false, error: { kind: 'tasks_unsupported' } });
    expect(fake.paths()).toEqual(['GET /api/v2/buildinfo']);
  });

  it('a non-JSON 200 body: the same unexpected_response "not JSON" error as listTasks', async () => {
    for (const reply of [raw('<html>Sign in</html>', 200, { 'content-type': 'text/html' }), raw('{"tasks":[{"id":"a"}'), raw('{"tasks":[]} trailing')]) {
      const { fake, client } = setup();
      fake.on('GET /api/v2/tasks', reply);
      const [plain, indexed] = await both(client);
      expect(indexed).toEqual(plain);
      expect(indexed).toEqual({
        ok: false,
        error: {
          kind: 'unexpected_response',
          status: 200,
          operation: 'GET /api/v2/tasks',
          message: 'Coder answered 200 with a body that is not JSON.',
        },
      });
    }
  });

  it('a wrong shape: the same "Unexpected response shape: …" error as listTasks', async () => {
    const cases: [Reply, string][] = [
      [json({ count: 0 }), '"tasks": expected a JSON array of task'],
      [json({ tasks: [1, 2] }), '"tasks": expected each task to be a JSON object'],
      [json([gaTask]), 'expected a JSON object with a "tasks" array'],
      [raw(''), 'expected a JSON object with a "tasks" array'],
      [raw('  \n'), 'expected a JSON object with a "tasks" array'],
    ];
    for (const [reply, problem] of cases) {
      const { fake, client } = setup();
      fake.on('GET /api/v2/tasks', reply);
      const [plain, indexed] = await both(client);
      expect(indexed).toEqual(plain);
      expect(indexed).toEqual({
        ok: false,
        error: { kind: 'unexpected_response', status: 200, operation: 'GET /api/v2/tasks', message: `Unexpected response shape: ${problem}.` },
      });
    }
  });

  it('a malformed task inside an indexable body: listTasks fails at once, listTasksIndexed when the task is read', async () => {
    const { fake, client } = setup();
    fake.on('GET /api/v2/tasks', json({ tasks: [gaTask, { id: 'x' }], count: 2 }));
    const [plain, indexed] = await both(client);
    expect(plain).toMatchObject({ ok: false, error: { kind: 'unexpected_response' } });
    if (!plain.ok) expect(plain.error.message).toContain('lacks string field(s) name, status');
    const body = value(indexed);
    expect(body.task(0)).toEqual({ ok: true, value: gaTask });
    expect(body.tasks()).toEqual({ ok: false, problem: '"tasks"[1]: task lacks string field(s) name, status' });
  });

  it('HTTP errors (401, 403, 404, 500, 503) give the same error as listTasks', async () => {
    const replies: [number, unknown][] = [
      [401, { message: 'You are signed out or your session has expired.' }],
      [403, { message: 'Forbidden.' }],
      [404, { message: 'Route not found.' }],
      [500, { message: 'Internal error fetching tasks.', detail: 'pq: connection refused' }],
      [503, errors.agentBusy],
    ];
    const kinds: string[] = [];
    for (const [status, body] of replies) {
      const { fake, client } = setup();
      fake.on('GET /api/v2/tasks', json(body, status));
      const [plain, indexed] = await both(client);
      expect(indexed).toEqual(plain);
      if (!indexed.ok) kinds.push(indexed.error.kind);
    }
    expect(kinds).toEqual(['unauthorized', 'forbidden', 'not_found', 'server_error', 'upstream_unavailable']);
  });

  it('retries a retryable failure as listTasks does (GET)', async () => {
    const { fake, client } = setup('v2.36.0', { retry: { retries: 1, baseDelayMs: 0, maxDelayMs: 0 } });
    fake.on('GET /api/v2/tasks', json({ message: 'busy' }, 503), json({ tasks: [gaTask], count: 1 }));
    expect(tasksOf(value(await client.listTasksIndexed()))).toEqual([gaTask]);
    expect(fake.paths().filter((p) => p === 'GET /api/v2/tasks')).toHaveLength(2);
  });

  it('a network failure: the same error as listTasks', async () => {
    const fake = fakeFetch().on('GET /api/v2/buildinfo', json(buildInfo('v2.36.0')));
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      if (url.pathname === '/api/v2/tasks') throw new TypeError('fetch failed');
      return fake.fetch(input, init);
    };
    const client = createCoderClient({ baseUrl: 'https://coder.test', sessionToken: TOKEN, fetch, retry: { retries: 0 } });
    const [plain, indexed] = await both(client);
    expect(indexed).toEqual(plain);
    expect(indexed).toMatchObject({ ok: false, error: { kind: 'network' } });
  });
});

// Replays the committed recordings (no new recording needed: the GET is the one listTasks made).
// Only in replay mode: in record mode Polly would rewrite these recordings with this test's requests only.
const RECORDED_ERAS = ['v2', 'v2-early', 'experimental'] as const;
const RECORDED_LISTS: { test: string; filters: (ListTasksFilter | undefined)[] }[] = [
  { test: 'tasks-read', filters: [undefined, { owner: 'admin' }] },
  { test: 'task-lifecycle', filters: [undefined] },
];

describe('listTasksIndexed: reading the body', () => {
  /** A streamed body in `parts` chunks (the way a large list arrives). */
  const chunked = (text: string, parts: number): ReadableStream<Uint8Array> => {
    const bytes = new TextEncoder().encode(text);
    const size = Math.ceil(bytes.length / parts);
    let at = 0;
    return new ReadableStream({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        controller.enqueue(bytes.subarray(at, at + size));
        at += size;
      },
    });
  };

  it('joins a body that arrives in many chunks (tasks split across chunk boundaries)', async () => {
    const { fake, client } = setup();
    const list = { tasks: Array.from({ length: 40 }, (_, i) => ({ ...gaTask, id: `t-${i}`, name: `task-${i}` })), count: 40 };
    fake.on('GET /api/v2/tasks', () => raw(chunked(JSON.stringify(list), 17)));
    const body = value(await client.listTasksIndexed());
    expect(tasksOf(body)).toEqual(list.tasks);
    expect(body.id(39)).toBe('t-39');
  });

  it('the timeout covers reading the body: a body that stalls fails as timeout, not as a hang', async () => {
    const { fake, client } = setup('v2.36.0', { timeoutMs: 50 });
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"tasks":['));
      },
    });
    // The fake fetch ignores the abort signal (a real one errors the body): the client must not hang anyway.
    fake.on('GET /api/v2/tasks', () => raw(stalled));
    const r = await client.listTasksIndexed();
    expect(!r.ok && r.error.kind).toBe('timeout');
  });
});

describe.skipIf(POLLY_MODE === 'record')('listTasksIndexed replayed from the recordings', () => {
  let polly: Polly | undefined;
  afterEach(async () => {
    await polly?.stop();
    polly = undefined;
  });

  for (const era of RECORDED_ERAS) {
    for (const { test, filters } of RECORDED_LISTS) {
      it(`${era}/${test}: the same tasks as listTasks`, async () => {
        polly = startPolly(`${era}/${test}`);
        const client = createCoderClient({ baseUrl: RECORDED_HOST, sessionToken: 'replay-token-not-a-secret', retry: { retries: 0 } });
        for (const filter of filters) {
          const plain = value(await client.listTasks(filter));
          const indexed = value(await client.listTasksIndexed(filter));
          expect(plain.tasks.length).toBeGreaterThan(0);
          expect(tasksOf(indexed)).toEqual(plain.tasks);
          expect(indexed.count).toBe(plain.count);
          for (let i = 0; i < indexed.length; i++) expect(indexed.id(i)).toBe(plain.tasks[i]!.id);
          // a second read of the same recording is byte-identical task by task
          const again = value(await client.listTasksIndexed(filter));
          for (let i = 0; i < indexed.length; i++) expect(indexed.sameTask(i, again, i)).toBe(true);
        }
      });
    }
  }
});
