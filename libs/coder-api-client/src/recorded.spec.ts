/**
 * Contract tests replayed from Polly recordings (recordings/coder-api-client/). CI replays only.
 *
 * Re-record (POLLY_MODE=record):
 *   - against the simulator: `node tools/recordings/record-coder-api-client.mjs` (both eras);
 *   - against any Coder: CODER_URL + CODER_SESSION_TOKEN (the "v2" suite) and/or
 *     CODER_URL_EXPERIMENTAL + CODER_SESSION_TOKEN_EXPERIMENTAL (a 2.27/2.28 server);
 *   - with neither set, a local fixture server (facts from coder-facts.ts) stands in for both.
 * Assertions hold for any server: they check shapes and the closed error union, not sample values.
 */
import type { Polly } from '@pollyjs/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURE_TOKEN, startFixtureServer, type FixtureServer } from './__fixtures__/fixture-server.js';
import { POLLY_MODE, RECORDED_HOST, startPolly } from './__fixtures__/polly.js';
import { createCoderClient } from './client.js';
import { isGaTask } from './guards.js';
import type { AnyTask, CoderClient, CoderResult, TasksApi } from './types.js';

interface Era {
  name: 'v2' | 'experimental';
  urlEnv: string;
  tokenEnv: string;
  fixtureVersion: string;
}

const ERAS: Era[] = [
  { name: 'v2', urlEnv: 'CODER_URL', tokenEnv: 'CODER_SESSION_TOKEN', fixtureVersion: 'v2.36.0+fixture' },
  { name: 'experimental', urlEnv: 'CODER_URL_EXPERIMENTAL', tokenEnv: 'CODER_SESSION_TOKEN_EXPERIMENTAL', fixtureVersion: 'v2.27.1+230b55b' },
];
const env = process.env;
const externalTargets = ERAS.some((era) => env[era.urlEnv]);

function value<T>(r: CoderResult<T>): T {
  if (!r.ok) throw new Error(`expected success, got ${JSON.stringify(r.error)}`);
  return r.value;
}

function pickTask(tasks: AnyTask[]): AnyTask {
  const live = tasks.find((t) => t.status === 'active' || t.status === 'running');
  const task = live ?? tasks[0];
  if (!task) throw new Error('the server has no tasks to read; create one before recording');
  return task;
}

for (const era of ERAS) {
  const skip = POLLY_MODE === 'record' && externalTargets && !env[era.urlEnv];

  describe.skipIf(skip)(`recorded Coder API (${era.name} tasks era)`, () => {
    let fixture: FixtureServer | undefined;
    let baseUrl = RECORDED_HOST;
    let token = 'replay-token-not-a-secret';
    let polly: Polly;
    let client: CoderClient;
    let tasksApi: TasksApi;

    beforeAll(async () => {
      if (POLLY_MODE !== 'record') return;
      if (env[era.urlEnv]) {
        baseUrl = env[era.urlEnv]!;
        token = env[era.tokenEnv] ?? env['CODER_SESSION_TOKEN'] ?? '';
      } else {
        fixture = await startFixtureServer(era.fixtureVersion);
        baseUrl = fixture.url;
        token = FIXTURE_TOKEN;
      }
    });
    afterAll(async () => {
      await fixture?.stop();
    });

    beforeEach(async (ctx) => {
      polly = startPolly(`${era.name}/${ctx.task.name}`);
      client = createCoderClient({ baseUrl, sessionToken: token, retry: { retries: 0 }, timeoutMs: 20_000 });
      const info = value(await client.getServerInfo());
      tasksApi = info.tasksApi;
    });
    afterEach(async () => {
      await polly.stop();
    });

    it('server-info-and-identity', async () => {
      const info = value(await client.getServerInfo());
      expect(info.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(info.raw).toContain(info.version);
      expect(tasksApi).toBe(era.name);
      expect(info.features.tasks).toBe(true);
      const me = value(await client.getMe());
      expect(typeof me.username).toBe('string');
      const orgs = value(await client.listOrganizations());
      expect(orgs.length).toBeGreaterThan(0);
      expect(orgs.some((o) => o.is_default)).toBe(true);
    });

    it('templates-presets-parameters', async () => {
      const templates = value(await client.listTemplates());
      expect(templates.length).toBeGreaterThan(0);
      const template = value(await client.getTemplate(templates[0]!.id!));
      expect(template.active_version_id).toEqual(expect.any(String));
      const version = value(await client.getTemplateVersion(template.active_version_id!));
      expect(version.id).toBe(template.active_version_id);
      const presets = value(await client.getTemplateVersionPresets(version.id!));
      for (const preset of presets) {
        expect(typeof preset.ID).toBe('string');
        expect(typeof preset.Default).toBe('boolean');
        expect(preset.Parameters === null || Array.isArray(preset.Parameters)).toBe(true);
      }
      const parameters = value(await client.getTemplateVersionRichParameters(version.id!));
      for (const p of parameters) expect(typeof p.name).toBe('string');
    });

    it('tasks-read', async () => {
      const list = value(await client.listTasks());
      expect(list.count).toBeGreaterThanOrEqual(list.tasks.length > 0 ? 1 : 0);
      for (const t of list.tasks) {
        expect(isGaTask(t)).toBe(tasksApi === 'v2');
        expect(t.current_state === null || typeof t.current_state.state === 'string').toBe(true);
        expect(Number.isNaN(Date.parse(t.created_at))).toBe(false);
      }
      const chosen = pickTask(list.tasks);
      const task = value(await client.getTask(chosen.owner_name, chosen.id));
      expect(task.id).toBe(chosen.id);
      const byName = value(await client.getTask(chosen.owner_name, chosen.name));
      expect(byName.id).toBe(chosen.id);
      const logs = await client.getTaskLogs(chosen.owner_name, chosen.id);
      if (logs.ok) {
        for (const entry of logs.value.logs) {
          expect(['input', 'output']).toContain(entry.type);
          expect(typeof entry.content).toBe('string');
        }
      } else {
        expect(['conflict', 'upstream_unavailable']).toContain(logs.error.kind);
      }
      const filtered = value(await client.listTasks({ owner: chosen.owner_name }));
      expect(filtered.tasks.every((t) => t.owner_name === chosen.owner_name)).toBe(true);
    });

    it('workspaces-and-builds', async () => {
      const list = value(await client.listWorkspaces({ limit: 5 }));
      expect(list.count).toBeGreaterThanOrEqual(list.workspaces.length);
      const first = list.workspaces[0];
      if (!first) throw new Error('the server has no workspaces to read');
      const ws = value(await client.getWorkspace(first.id!));
      expect(ws.id).toBe(first.id);
      const build = value(await client.getWorkspaceBuild(ws.latest_build!.id!));
      expect(['start', 'stop', 'delete']).toContain(build.transition);
    });

    it('error-shapes', async () => {
      const missingTask = await client.getTask('me', 'nonexistent-agent-id-12345');
      expect(missingTask.ok).toBe(false);
      if (!missingTask.ok) {
        expect(['invalid_request', 'not_found']).toContain(missingTask.error.kind);
        expect(missingTask.error.message.length).toBeGreaterThan(0);
      }
      const badWorkspace = await client.getWorkspace('non-existent-id');
      expect(badWorkspace).toMatchObject({ ok: false, error: { kind: 'invalid_request', status: 400 } });
      const badCreate = await client.createTask('me', { input: 'x', template_version_id: '00000000-0000-0000-0000-000000000000' });
      expect(badCreate.ok).toBe(false);
      if (!badCreate.ok) expect(['not_found', 'invalid_request']).toContain(badCreate.error.kind);
      const noAuth = createCoderClient({ baseUrl, sessionToken: 'invalidtok-0000000000000000000000', retry: { retries: 0 } });
      expect(await noAuth.getMe()).toMatchObject({ ok: false, error: { kind: 'unauthorized', status: 401 } });
    });

    it('task-lifecycle', async () => {
      const me = value(await client.getMe());
      const template = value(await client.listTemplates())[0]!;
      const created = await client.createTask(me.username, {
        input: 'Recorded contract test: list the repository files',
        template_version_id: template.active_version_id!,
        name: `recorded-${era.name}-task`,
      });
      const task = value(created);
      expect(created.ok && created.status).toBe(201);
      expect(isGaTask(task)).toBe(tasksApi === 'v2');
      const accepted = ['conflict', 'upstream_unavailable', 'invalid_request'];
      const sent = await client.sendTaskInput(me.username, task.id, 'Please continue');
      if (!sent.ok) expect(accepted).toContain(sent.error.kind);
      if (tasksApi === 'v2') {
        const paused = await client.pauseTask(me.username, task.id);
        if (paused.ok) expect(paused.value.workspaceBuildId ?? paused.value.workspaceBuild?.id).toEqual(expect.any(String));
        else expect(accepted).toContain(paused.error.kind);
        const updated = await client.updateTaskInput(me.username, task.id, 'Updated prompt');
        if (!updated.ok) expect(accepted).toContain(updated.error.kind);
        const resumed = await client.resumeTask(me.username, task.id);
        if (!resumed.ok) expect(accepted).toContain(resumed.error.kind);
      }
      const deleted = await client.deleteTask(me.username, task.id);
      expect(deleted).toMatchObject({ ok: true });
    });
  });
}
