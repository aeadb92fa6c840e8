import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  buildInfo,
  errors,
  experimentalTaskFresh,
  experimentalTaskIdle,
  experimentalTaskList,
  gaTask,
  LONG_LOG_LENGTH,
  me,
  organizations,
  presets,
  richParameters,
  taskLogs,
  template,
  TEMPLATE_VERSION_ID,
  workspace,
  workspaceBuild,
} from './__fixtures__/coder-facts.js';
import { empty, fakeFetch, json } from './__fixtures__/fake-fetch.js';
import { createCoderClient } from './client.js';
import { isExperimentalTask, isGaTask } from './guards.js';
import { createLimiter, lateBoundFetch, normalizeBaseUrl } from './http.js';
import { taskQuery } from './tasks.js';
import type { CoderClientOptions } from './types.js';

const TOKEN = 'Xk3mP9qL2v-aB4cD5eF6gH7iJ8kL9mN0pQ1r';

function setup(version = 'v2.27.1+230b55b', overrides: Partial<CoderClientOptions> = {}) {
  const fake = fakeFetch().on('GET /api/v2/buildinfo', json(buildInfo(version)));
  const client = createCoderClient({ baseUrl: 'https://coder.test', sessionToken: TOKEN, fetch: fake.fetch, ...overrides });
  return { fake, client };
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('createCoderClient', () => {
  it('sends the session token, Accept and an optional User-Agent', async () => {
    const { fake, client } = setup('v2.36.0', { userAgent: 'coder-fleet-mcp/0.1' });
    fake.on('GET /api/v2/users/me', json(me));
    expect(await client.getMe()).toEqual({ ok: true, status: 200, value: me });
    expect(fake.calls[0]!.headers).toMatchObject({
      'coder-session-token': TOKEN,
      accept: 'application/json',
      'user-agent': 'coder-fleet-mcp/0.1',
    });
  });

  it('rejects programmer errors by throwing', () => {
    expect(() => createCoderClient({ baseUrl: '', sessionToken: 'x' })).toThrow(TypeError);
    expect(() => createCoderClient({ baseUrl: 'https://x', sessionToken: undefined as unknown as string })).toThrow(/sessionToken/);
    expect(() => createCoderClient(undefined as unknown as CoderClientOptions)).toThrow(/baseUrl/);
  });

  it('normalises the base URL (schema paths carry /api/v2)', async () => {
    expect(normalizeBaseUrl('https://coder.test/')).toBe('https://coder.test');
    expect(normalizeBaseUrl(' https://coder.test/api/v2/ ')).toBe('https://coder.test');
    expect(normalizeBaseUrl('https://coder.test/prefix')).toBe('https://coder.test/prefix');
    const { fake, client } = setup('v2.36.0', { baseUrl: 'https://coder.test/api/v2' });
    fake.on('GET /api/v2/organizations', json(organizations));
    await client.listOrganizations();
    expect(fake.calls[0]!.url).toBe('https://coder.test/api/v2/organizations');
  });

  it('looks up globalThis.fetch at call time (works when an interceptor starts after the client)', async () => {
    const client = createCoderClient({ baseUrl: 'https://coder.test', sessionToken: TOKEN });
    const fake = fakeFetch().on('POST /api/v2/workspaces/w1/builds', json(workspaceBuild, 201));
    vi.stubGlobal('fetch', fake.fetch);
    const r = await client.createWorkspaceBuild('w1', { transition: 'stop' });
    expect(r).toEqual({ ok: true, status: 201, value: workspaceBuild });
    expect(fake.calls[0]).toMatchObject({ method: 'POST', url: 'https://coder.test/api/v2/workspaces/w1/builds', body: '{"transition":"stop"}' });
    expect(fake.calls[0]!.headers['content-type']).toBe('application/json');
  });

  it('lateBoundFetch unwraps a Request into url + init', async () => {
    const seen: [string, RequestInit | undefined][] = [];
    const f = lateBoundFetch(() => async (input, init) => {
      seen.push([String(input), init]);
      return empty(204);
    });
    await f(new Request('https://coder.test/a?b=1', { method: 'PATCH', body: '{"input":"x"}', headers: { 'x-a': '1' } }));
    await f(new Request('https://coder.test/c'));
    expect(seen[0]![0]).toBe('https://coder.test/a?b=1');
    expect(seen[0]![1]).toMatchObject({ method: 'PATCH', body: '{"input":"x"}', headers: { 'x-a': '1' } });
    expect(seen[1]![1]!.body).toBeUndefined();
  });
});

describe('concurrency limit', () => {
  it('keeps at most maxConcurrentRequests in flight and runs the rest in order', async () => {
    let inFlight = 0;
    let peak = 0;
    const order: string[] = [];
    const fetch: typeof globalThis.fetch = async (input) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight -= 1;
      order.push(new URL(String(input)).pathname);
      return json(workspaceBuild);
    };
    const client = createCoderClient({ baseUrl: 'https://coder.test', sessionToken: TOKEN, fetch, maxConcurrentRequests: 2 });
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => client.getWorkspaceBuild(id)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(peak).toBe(2);
    expect(order).toHaveLength(5);
  });

  it('is unlimited by default and for nonsense values', async () => {
    for (const max of [undefined, 0, Number.NaN]) {
      const limit = createLimiter(max);
      let running = 0;
      let peak = 0;
      await Promise.all(
        [1, 2, 3].map(() =>
          limit(async () => {
            running += 1;
            peak = Math.max(peak, running);
            await Promise.resolve();
            running -= 1;
          }),
        ),
      );
      expect(peak).toBe(3);
    }
  });
});

describe('timeouts and cancellation', () => {
  const hanging: typeof fetch = (_input, init) =>
    new Promise((_resolve, reject) => {
      if (init?.signal?.aborted) reject(init.signal.reason);
      init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
    });

  it('a request that hangs past timeoutMs resolves to `timeout`', async () => {
    vi.useFakeTimers();
    const client = createCoderClient({ baseUrl: 'https://coder.test', sessionToken: TOKEN, fetch: hanging, timeoutMs: 5000 });
    const pending = client.getWorkspace('w');
    await vi.advanceTimersByTimeAsync(5000);
    expect(await pending).toEqual({
      ok: false,
      error: { kind: 'timeout', operation: 'GET /api/v2/workspaces/{workspace}', message: 'No response from Coder within 5000 ms.', delivery: 'unknown' },
    });
  });

  it('timeouts are not retried', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const client = createCoderClient({
      baseUrl: 'https://coder.test',
      sessionToken: TOKEN,
      timeoutMs: 100,
      fetch: (i, init) => {
        calls += 1;
        return hanging(i, init);
      },
    });
    const pending = client.listTemplates();
    await vi.runAllTimersAsync();
    expect((await pending).ok).toBe(false);
    expect(calls).toBe(1);
  });

  it('a caller abort resolves to `timeout` (cancelled) instead of throwing', async () => {
    const client = createCoderClient({ baseUrl: 'https://coder.test', sessionToken: TOKEN, fetch: hanging });
    const controller = new AbortController();
    const pending = client.getWorkspaceBuild('b', { signal: controller.signal });
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, error: { kind: 'timeout', message: 'The request was cancelled by the caller.' } });
    expect(await client.getWorkspaceBuild('b', { signal: AbortSignal.abort() })).toMatchObject({ ok: false, error: { kind: 'timeout' } });
  });

  it('a body that stalls after the headers is also a timeout', async () => {
    vi.useFakeTimers();
    const stalled: typeof fetch = async (_input, init) =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"id":'));
            init?.signal?.addEventListener('abort', () => controller.error(init.signal!.reason));
          },
        }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      );
    const client = createCoderClient({ baseUrl: 'https://coder.test', sessionToken: TOKEN, fetch: stalled, timeoutMs: 1000, retry: { retries: 0 } });
    const pending = client.getWorkspace('w');
    await vi.advanceTimersByTimeAsync(1000);
    expect(await pending).toMatchObject({ ok: false, error: { kind: 'timeout' } });
  });
});

describe('real shapes (facts from Coder v2.27.1 recordings and the GA spec)', () => {
  it('lists experimental tasks: current_state null, +01:00 offsets, workspace status in `status`', async () => {
    const { fake, client } = setup();
    fake.on('GET /api/experimental/tasks', json(experimentalTaskList));
    const r = await client.listTasks();
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.count).toBe(2);
    const [idle, fresh] = r.value.tasks;
    expect(idle).toEqual(experimentalTaskIdle);
    expect(fresh).toEqual(experimentalTaskFresh);
    expect(fresh!.current_state).toBeNull();
    expect(idle!.status).toBe('running');
    expect(isExperimentalTask(idle!)).toBe(true);
    expect(Date.parse(idle!.created_at)).toBe(Date.parse('2025-10-27T09:27:44.422Z'));
    expect(Date.parse(idle!.current_state!.timestamp)).toBe(Date.parse('2025-10-27T15:14:21.843Z'));
  });

  it('tells GA tasks apart by workspace_status and keeps state `failure`', async () => {
    const { fake, client } = setup('v2.36.0');
    fake.on('GET /api/v2/tasks/alice/fix-login-bug', json(gaTask));
    const r = await client.getTask('alice', 'fix-login-bug');
    if (!r.ok) throw new Error(r.error.message);
    expect(isGaTask(r.value)).toBe(true);
    if (isGaTask(r.value)) expect(r.value.status).toBe('active');
    expect(r.value.current_state?.state).toBe('failure');
    expect(r.value.workspace_agent_id).toBeNull();
  });

  it('a list without count falls back to the array length', async () => {
    const { fake, client } = setup('v2.36.0');
    fake.on('GET /api/v2/tasks', json({ tasks: [gaTask] }));
    expect(await client.listTasks()).toMatchObject({ ok: true, value: { count: 1 } });
  });

  it('a list without a tasks array, or with a malformed task, is unexpected_response', async () => {
    const { fake, client } = setup('v2.36.0');
    fake.on('GET /api/v2/tasks', json({ count: 0 }), json({ tasks: [{ id: 'x' }], count: 1 }));
    expect(await client.listTasks()).toMatchObject({ ok: false, error: { kind: 'unexpected_response', status: 200 } });
    const second = await client.listTasks();
    expect(second).toMatchObject({ ok: false, error: { kind: 'unexpected_response' } });
    if (!second.ok) expect(second.error.message).toContain('lacks string field(s) name, status');
  });

  it('reads logs with an 80,103-char entry and nanosecond UTC times', async () => {
    const { fake, client } = setup();
    fake.on('GET /api/experimental/tasks/me/agent-of-agents/logs', json(taskLogs));
    const r = await client.getTaskLogs('me', 'agent-of-agents');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.logs.map((l) => l.content.length)).toEqual([1_223, expect.any(Number), LONG_LOG_LENGTH, expect.any(Number), 9_859]);
    expect(r.value.logs.map((l) => l.type)).toEqual(['output', 'input', 'output', 'input', 'output']);
    expect(Number.isNaN(Date.parse(r.value.logs[0]!.time))).toBe(false);
  });

  it('reads a snapshot log response', async () => {
    const { fake, client } = setup('v2.36.0');
    fake.on('GET /api/v2/tasks/me/t/logs', json({ logs: [], snapshot: true, snapshot_at: '2026-01-12T08:00:00Z' }));
    expect(await client.getTaskLogs('me', 't')).toMatchObject({ ok: true, value: { logs: [], snapshot: true } });
    fake.on('GET /api/v2/tasks/me/t/logs', json({ logs: [{ id: 1 }] }));
    expect(await client.getTaskLogs('me', 't')).toMatchObject({ ok: false, error: { kind: 'unexpected_response' } });
  });

  it('400 "Invalid UUID" for a non-UUID task id (older releases)', async () => {
    const { fake, client } = setup();
    fake.on('GET /api/experimental/tasks/me/nonexistent-agent-id-12345', json(errors.invalidTaskUuid, 400));
    expect(await client.getTask('me', 'nonexistent-agent-id-12345')).toEqual({
      ok: false,
      error: {
        kind: 'invalid_request',
        status: 400,
        operation: 'GET /api/experimental/tasks/{user}/{task}',
        message: 'Invalid UUID "nonexistent-agent-id-12345" for task ID.',
      },
    });
  });

  it('404 on create without access to the template version', async () => {
    const { fake, client } = setup();
    fake.on('POST /api/experimental/tasks/me', json(errors.createNotFound, 404));
    const r = await client.createTask('me', { input: 'Find typos', template_version_id: TEMPLATE_VERSION_ID });
    expect(r).toMatchObject({ ok: false, error: { kind: 'not_found', status: 404, operation: 'POST /api/experimental/tasks/{user}' } });
    expect(JSON.parse(fake.calls[1]!.body!)).toEqual({ input: 'Find typos', template_version_id: TEMPLATE_VERSION_ID });
  });

  it('create returns the task (201)', async () => {
    const { fake, client } = setup('v2.36.0');
    fake.on('POST /api/v2/tasks/alice', json(gaTask, 201));
    const body = { input: 'Fix the login bug', template_version_id: TEMPLATE_VERSION_ID, name: 'fix-login-bug', display_name: 'Fix login bug' };
    expect(await client.createTask('alice', body)).toEqual({ ok: true, status: 201, value: gaTask });
  });

  it('204 on send, 204 on update input, 202 on delete: empty bodies are fine', async () => {
    const { fake, client } = setup();
    fake
      .on('POST /api/experimental/tasks/mvgijssel/t/send', empty(204))
      .on('PATCH /api/experimental/tasks/mvgijssel/t/input', empty(204))
      .on('DELETE /api/experimental/tasks/mvgijssel/t', new Response('', { status: 202 }));
    expect(await client.sendTaskInput('mvgijssel', 't', 'Please continue')).toEqual({ ok: true, status: 204, value: undefined });
    expect(await client.updateTaskInput('mvgijssel', 't', 'New prompt')).toEqual({ ok: true, status: 204, value: undefined });
    expect(await client.deleteTask('mvgijssel', 't')).toEqual({ ok: true, status: 202, value: undefined });
    expect(fake.calls[1]!.body).toBe('{"input":"Please continue"}');
    expect(fake.calls[2]!.body).toBe('{"input":"New prompt"}');
  });

  it('409 on send to a paused task, 502 when the agent is busy', async () => {
    const { fake, client } = setup('v2.36.0');
    fake.on('POST /api/v2/tasks/me/t/send', json(errors.paused, 409), json(errors.agentBusy, 502));
    expect(await client.sendTaskInput('me', 't', 'x')).toMatchObject({ ok: false, error: { kind: 'conflict', detail: 'Resume the task to send messages.' } });
    expect(await client.sendTaskInput('me', 't', 'x')).toMatchObject({ ok: false, error: { kind: 'upstream_unavailable', status: 502 } });
  });

  it('templates, versions, PascalCase presets, rich parameters', async () => {
    const { fake, client } = setup();
    fake
      .on('GET /api/v2/templates', json([template]))
      .on(`GET /api/v2/templates/${template.id}`, json(template))
      .on(`GET /api/v2/templateversions/${TEMPLATE_VERSION_ID}`, json({ id: TEMPLATE_VERSION_ID, name: 'boring_poitras2' }))
      .on(`GET /api/v2/templateversions/${TEMPLATE_VERSION_ID}/presets`, json(presets))
      .on(`GET /api/v2/templateversions/${TEMPLATE_VERSION_ID}/rich-parameters`, json(richParameters));
    expect(await client.listTemplates()).toMatchObject({ ok: true, value: [{ active_version_id: TEMPLATE_VERSION_ID }] });
    expect(await client.getTemplate(template.id!)).toMatchObject({ ok: true, value: { display_name: 'Setup' } });
    expect(await client.getTemplateVersion(TEMPLATE_VERSION_ID)).toMatchObject({ ok: true, value: { name: 'boring_poitras2' } });
    const p = await client.getTemplateVersionPresets(TEMPLATE_VERSION_ID);
    if (!p.ok) throw new Error(p.error.message);
    expect(p.value.map((x) => [x.Name, x.Default])).toEqual([['Coder', true], ['Operator', false], ['Researcher', false]]);
    expect(p.value[0]!.Parameters?.[0]?.Name).toBe('system_prompt');
    expect(p.value[2]!.Parameters).toBeNull();
    expect(await client.getTemplateVersionRichParameters(TEMPLATE_VERSION_ID)).toMatchObject({ ok: true, value: [{ name: 'AI Prompt' }, { name: 'system_prompt' }] });
    fake.on(`GET /api/v2/templateversions/${TEMPLATE_VERSION_ID}/presets`, json([{ id: 'x', name: 'camel' }]));
    expect(await client.getTemplateVersionPresets(TEMPLATE_VERSION_ID)).toMatchObject({ ok: false, error: { kind: 'unexpected_response' } });
  });

  it('workspaces, builds, users, organizations', async () => {
    const { fake, client } = setup();
    fake
      .on('GET /api/v2/workspaces', (call) => {
        expect(new URL(call.url).searchParams.toString()).toBe('q=owner%3Ame&limit=2');
        return json({ workspaces: [workspace], count: 3 });
      })
      .on(`GET /api/v2/workspaces/${workspace.id}`, json(workspace))
      .on(`GET /api/v2/workspacebuilds/${workspaceBuild.id}`, json(workspaceBuild))
      .on('GET /api/v2/users/alice', json({ ...me, username: 'alice' }))
      .on('GET /api/v2/organizations', json(organizations));
    expect(await client.listWorkspaces({ q: 'owner:me', limit: 2, offset: undefined })).toMatchObject({ ok: true, value: { count: 3, workspaces: [{ id: workspace.id }] } });
    expect(await client.getWorkspace(workspace.id!)).toMatchObject({ ok: true, value: { latest_app_status: { state: 'idle' } } });
    expect(await client.getWorkspaceBuild(workspaceBuild.id!)).toMatchObject({ ok: true, value: { transition: 'start' } });
    expect(await client.getUser('alice')).toMatchObject({ ok: true, value: { username: 'alice' } });
    expect(await client.listOrganizations()).toMatchObject({ ok: true, value: [{ is_default: true }] });
    fake.on('GET /api/v2/workspaces', json({ workspaces: [] }));
    expect(await client.listWorkspaces()).toMatchObject({ ok: true, value: { workspaces: [], count: 0 } });
  });

  it('listWorkspacesIndexed: the same page indexed per workspace, parsed on demand; a page that is not a list fails like listWorkspaces', async () => {
    const { fake, client } = setup();
    fake.on('GET /api/v2/workspaces', (call) => {
      expect(new URL(call.url).searchParams.toString()).toBe('limit=500&offset=500');
      return json({ workspaces: [workspace, { ...workspace, id: 'w-2' }], count: 1001 });
    });
    const r = await client.listWorkspacesIndexed({ limit: 500, offset: 500 });
    if (!r.ok) throw new Error(r.error.message);
    expect([r.value.count, r.value.length, r.value.id(1)]).toEqual([1001, 2, 'w-2']);
    expect(r.value.item(0)).toMatchObject({ ok: true, value: { id: workspace.id, latest_app_status: { state: 'idle' } } });
    // A workspace without an id is found when it is parsed; a page that is not a list fails at once.
    fake.on('GET /api/v2/workspaces', json({ workspaces: [{ name: 'no id' }] }));
    const broken = await client.listWorkspacesIndexed();
    expect(broken.ok && broken.value.item(0)).toMatchObject({ ok: false, problem: expect.stringContaining('id') });
    fake.on('GET /api/v2/workspaces', json({ items: [] }));
    const notList = await client.listWorkspacesIndexed();
    const whole = await client.listWorkspaces();
    expect(!notList.ok && !whole.ok && notList.error.message).toBe(!whole.ok && whole.error.message);
  });

  it('getBuildInfo returns the raw body; getServerInfo the parsed view', async () => {
    const { client } = setup();
    expect(await client.getBuildInfo()).toMatchObject({ ok: true, value: { version: 'v2.27.1+230b55b' } });
    expect(await client.getServerInfo()).toMatchObject({ ok: true, value: { version: '2.27.1', raw: 'v2.27.1+230b55b' } });
  });
});

describe('task list filter → q', () => {
  it('builds Coder search terms', async () => {
    expect(taskQuery()).toBeUndefined();
    expect(taskQuery({})).toBeUndefined();
    expect(taskQuery({ q: '  ' })).toBeUndefined();
    expect(taskQuery({ q: 'owner:me status:active' })).toBe('owner:me status:active');
    expect(taskQuery({ owner: 'me', organization: 'my org', status: 'active', search: 'alice' })).toBe('owner:me organization:"my org" status:active alice');
    expect(taskQuery({ owner: 'a"b c' })).toBe('owner:"ab c"');
    const { fake, client } = setup('v2.36.0');
    fake.on('GET /api/v2/tasks', json({ tasks: [], count: 0 }));
    await client.listTasks({ owner: 'me', status: 'paused' });
    expect(new URL(fake.calls[1]!.url).searchParams.get('q')).toBe('owner:me status:paused');
  });
});
