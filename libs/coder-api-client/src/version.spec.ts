import { describe, expect, it } from 'vitest';
import { buildInfo, experimentalTaskList, gaTask, workspaceBuild } from './__fixtures__/coder-facts.js';
import { empty, fakeFetch, json } from './__fixtures__/fake-fetch.js';
import { createCoderClient } from './client.js';
import { parseCoderVersion, serverInfoFor, tasksApiFor } from './version.js';

function clientFor(version: string, extra: { assumeTasksSupported?: boolean } = {}) {
  const fake = fakeFetch().on('GET /api/v2/buildinfo', json(buildInfo(version)));
  const client = createCoderClient({ baseUrl: 'https://coder.test/', sessionToken: 't', fetch: fake.fetch, retry: { retries: 0 }, ...extra });
  return { fake, client };
}

describe('parseCoderVersion', () => {
  it.each([
    ['v2.27.1+230b55b', '2.27.1'],
    ['v2.36.0-devel', '2.36.0'],
    ['2.29.0', '2.29.0'],
    ['v2.36.0-devel+1a2b3c', '2.36.0'],
    [' v10.0.12 ', '10.0.12'],
  ])('%s → %s', (raw, text) => {
    expect(parseCoderVersion(raw)?.text).toBe(text);
  });
  it.each(['', 'devel', 'v2.27', 'latest', 'v2.27.1 beta'])('rejects %j', (raw) => {
    expect(parseCoderVersion(raw)).toBeUndefined();
  });
});

describe('route selection', () => {
  const api = (raw: string, assume = false) => tasksApiFor(parseCoderVersion(raw)!, assume);
  it('maps versions to tasks trees', () => {
    expect(api('v2.26.3')).toBe('none');
    expect(api('v2.27.0')).toBe('experimental');
    expect(api('v2.28.9')).toBe('experimental');
    expect(api('v2.29.0')).toBe('v2');
    expect(api('v2.36.0-devel')).toBe('v2');
    expect(api('v2.37.0')).toBe('none');
    expect(api('v2.37.0', true)).toBe('v2');
    expect(api('v3.0.0')).toBe('none');
    expect(api('v1.99.0', true)).toBe('none');
    expect(api('v0.0.0-devel')).toBe('none');
    expect(api('v0.0.0-devel', true)).toBe('v2');
  });
  it('reports features', () => {
    expect(serverInfoFor(parseCoderVersion('v2.27.1+230b55b')!)).toEqual({
      version: '2.27.1',
      raw: 'v2.27.1+230b55b',
      tasksApi: 'experimental',
      features: { tasks: true, pauseResume: false, v2PauseResume: false },
    });
    expect(serverInfoFor(parseCoderVersion('v2.36.0')!).features).toEqual({ tasks: true, pauseResume: true, v2PauseResume: true });
    expect(serverInfoFor(parseCoderVersion('v2.37.0')!).features).toEqual({ tasks: false, pauseResume: false, v2PauseResume: false });
  });
});

describe('version routing through the client', () => {
  it('2.27 uses /api/experimental/tasks and reads buildinfo once', async () => {
    const { fake, client } = clientFor('v2.27.1+230b55b');
    fake.on('GET /api/experimental/tasks', json(experimentalTaskList));
    fake.on('GET /api/experimental/tasks/me/agent-of-agents/logs', json({ logs: [] }));
    expect((await client.listTasks()).ok).toBe(true);
    expect((await client.getTaskLogs('me', 'agent-of-agents')).ok).toBe(true);
    expect(await client.getServerInfo()).toMatchObject({ ok: true, value: { version: '2.27.1', tasksApi: 'experimental' } });
    expect(fake.paths()).toEqual([
      'GET /api/v2/buildinfo',
      'GET /api/experimental/tasks',
      'GET /api/experimental/tasks/me/agent-of-agents/logs',
    ]);
  });

  it('2.29 and 2.36 use /api/v2/tasks', async () => {
    for (const version of ['v2.29.0+aaa', 'v2.36.0-devel']) {
      const { fake, client } = clientFor(version);
      fake.on('GET /api/v2/tasks', json({ tasks: [gaTask], count: 1 }));
      expect(await client.listTasks()).toMatchObject({ ok: true, value: { count: 1, tasks: [{ id: gaTask.id }] } });
      expect(fake.paths()).toEqual(['GET /api/v2/buildinfo', 'GET /api/v2/tasks']);
    }
  });

  it('2.37 yields tasks_unsupported naming the version, without calling the tasks route', async () => {
    const { fake, client } = clientFor('v2.37.0+abc');
    const r = await client.getTask('me', 'x');
    expect(r).toMatchObject({
      ok: false,
      error: { kind: 'tasks_unsupported', version: '2.37.0', operation: 'GET /api/v2/tasks/{user}/{task}' },
    });
    if (!r.ok) expect(r.error.message).toContain('2.37.0');
    expect(fake.paths()).toEqual(['GET /api/v2/buildinfo']);
    // workspace calls still work
    fake.on('GET /api/v2/templates', json([]));
    expect((await client.listTemplates()).ok).toBe(true);
  });

  it('2.26 is unsupported too; assumeTasksSupported opts an ESR 2.37 back in', async () => {
    expect(await clientFor('v2.26.0').client.listTasks()).toMatchObject({ ok: false, error: { kind: 'tasks_unsupported', version: '2.26.0' } });
    const { fake, client } = clientFor('v2.37.2', { assumeTasksSupported: true });
    fake.on('GET /api/v2/tasks', json({ tasks: [], count: 0 }));
    expect(await client.listTasks()).toMatchObject({ ok: true, value: { tasks: [], count: 0 } });
  });

  it('a failed buildinfo is returned and not cached', async () => {
    const fake = fakeFetch().on('GET /api/v2/buildinfo', json({ message: 'down' }, 500), json(buildInfo('v2.30.0')));
    fake.on('GET /api/v2/tasks', json({ tasks: [], count: 0 }));
    const client = createCoderClient({ baseUrl: 'https://coder.test', sessionToken: 't', fetch: fake.fetch, retry: { retries: 0 } });
    expect(await client.listTasks()).toMatchObject({ ok: false, error: { kind: 'server_error', operation: 'GET /api/v2/buildinfo' } });
    expect(await client.listTasks()).toMatchObject({ ok: true });
  });

  it('a caller abort stops waiting for the shared buildinfo read without spoiling it for others', async () => {
    let release: (r: Response) => void = () => undefined;
    const fetch: typeof globalThis.fetch = (input) =>
      String(input).endsWith('/buildinfo')
        ? new Promise<Response>((resolve) => (release = resolve))
        : Promise.resolve(json({ tasks: [], count: 0 }));
    const client = createCoderClient({ baseUrl: 'https://coder.test', sessionToken: 't', fetch });
    const controller = new AbortController();
    const first = client.listTasks(undefined, { signal: controller.signal });
    const second = client.listTasks();
    await new Promise((r) => setTimeout(r, 0));
    controller.abort();
    expect(await first).toMatchObject({ ok: false, error: { kind: 'timeout', operation: 'GET /api/v2/buildinfo' } });
    release(json(buildInfo('v2.36.0')));
    expect(await second).toMatchObject({ ok: true, value: { count: 0 } });
    expect(await client.getServerInfo({ signal: AbortSignal.abort() })).toMatchObject({ ok: false, error: { kind: 'timeout' } });
  });

  it('an unrecognised version is unexpected_response', async () => {
    const { client } = clientFor('devel');
    expect(await client.getServerInfo()).toMatchObject({ ok: false, error: { kind: 'unexpected_response', message: 'Unrecognised Coder version "devel".' } });
    const noVersion = fakeFetch().on('GET /api/v2/buildinfo', json({ external_url: 'x', version: 42 }));
    const c2 = createCoderClient({ baseUrl: 'https://coder.test', sessionToken: 't', fetch: noVersion.fetch });
    expect(await c2.getServerInfo()).toMatchObject({ ok: false, error: { kind: 'unexpected_response' } });
  });
});

describe('pause/resume route fallback', () => {
  it('tries /api/v2, falls back to /api/experimental on 404 once, and remembers', async () => {
    const { fake, client } = clientFor('v2.30.0');
    fake
      .on('POST /api/v2/tasks/me/t/pause', json({ message: 'Route not found.' }, 404))
      .on('POST /api/experimental/tasks/me/t/pause', json({ workspace_build: workspaceBuild }, 202))
      .on('POST /api/experimental/tasks/me/t/resume', json({ workspace_build_id: 'b-2' }, 202));
    expect(await client.pauseTask('me', 't')).toEqual({
      ok: true,
      status: 202,
      value: { workspaceBuild, workspaceBuildId: workspaceBuild.id },
    });
    expect(await client.resumeTask('me', 't')).toEqual({ ok: true, status: 202, value: { workspaceBuildId: 'b-2' } });
    expect(fake.paths()).toEqual([
      'GET /api/v2/buildinfo',
      'POST /api/v2/tasks/me/t/pause',
      'POST /api/experimental/tasks/me/t/pause',
      'POST /api/experimental/tasks/me/t/resume',
    ]);
    expect(await client.getServerInfo()).toMatchObject({ ok: true, value: { features: { pauseResume: true, v2PauseResume: false } } });
  });

  it('uses /api/v2 when it answers, and then never falls back on a 404 (missing task)', async () => {
    const { fake, client } = clientFor('v2.36.0');
    fake
      .on('POST /api/v2/tasks/me/t/pause', json({ workspace_build: workspaceBuild }, 202))
      .on('POST /api/v2/tasks/me/gone/resume', json({ message: 'Task not found.' }, 404));
    expect((await client.pauseTask('me', 't')).ok).toBe(true);
    expect(await client.resumeTask('me', 'gone')).toMatchObject({ ok: false, error: { kind: 'not_found', operation: 'POST /api/v2/tasks/{user}/{task}/resume' } });
    expect(fake.paths()).toEqual(['GET /api/v2/buildinfo', 'POST /api/v2/tasks/me/t/pause', 'POST /api/v2/tasks/me/gone/resume']);
    expect(await client.getServerInfo()).toMatchObject({ ok: true, value: { features: { v2PauseResume: true } } });
  });

  it('when both trees answer 404 the GA error is returned and nothing is remembered', async () => {
    const { fake, client } = clientFor('v2.36.0');
    fake
      .on('POST /api/v2/tasks/me/gone/pause', json({ message: 'Task not found.' }, 404))
      .on('POST /api/experimental/tasks/me/gone/pause', json({ message: 'Route not found.' }, 404));
    expect(await client.pauseTask('me', 'gone')).toMatchObject({ ok: false, error: { kind: 'not_found', message: 'Task not found.' } });
    expect(await client.pauseTask('me', 'gone')).toMatchObject({ ok: false });
    expect(fake.paths().filter((p) => p.includes('pause'))).toHaveLength(4);
  });

  it('experimental-era servers go straight to /api/experimental; an empty 202 is fine', async () => {
    const { fake, client } = clientFor('v2.28.0');
    fake.on('POST /api/experimental/tasks/me/t/pause', empty(202));
    expect(await client.pauseTask('me', 't')).toEqual({ ok: true, status: 202, value: {} });
    expect(fake.paths()).toEqual(['GET /api/v2/buildinfo', 'POST /api/experimental/tasks/me/t/pause']);
  });

  it('a non-object pause body is unexpected_response', async () => {
    const { fake, client } = clientFor('v2.36.0');
    fake.on('POST /api/v2/tasks/me/t/pause', json(['nope'], 202));
    expect(await client.pauseTask('me', 't')).toMatchObject({ ok: false, error: { kind: 'unexpected_response' } });
  });

  it('pause on an unsupported server is tasks_unsupported', async () => {
    expect(await clientFor('v2.40.0').client.pauseTask('me', 't')).toMatchObject({ ok: false, error: { kind: 'tasks_unsupported' } });
  });
});
