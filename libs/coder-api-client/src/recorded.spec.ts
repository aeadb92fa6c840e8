/**
 * Contract tests replayed from Polly recordings (recordings/coder-api-client/). CI replays only.
 *
 * Four eras, one recording folder each:
 *   v2            Coder 2.31–2.36 (GA tasks, pause/resume under /api/v2)       CODER_URL
 *   v2-early      Coder 2.29–2.30 (GA tasks, pause/resume only experimental)   CODER_URL_V2_EARLY
 *   experimental  Coder 2.27–2.28 (/api/experimental/tasks)                    CODER_URL_EXPERIMENTAL
 *   removed       Coder >= 2.37 without ESR (no tasks)                         CODER_URL_REMOVED
 * Chats (Coder Agents) are recorded where the era has them: `v2` expects /api/experimental/chats
 * (2.32–2.36; the simulator records 2.36) and `removed` /api/v2/chats (2.37+).
 * Re-record (POLLY_MODE=record):
 *   - against the simulator: `node tools/recordings/record-coder-api-client.mjs` (all eras);
 *   - against any Coder: set the era's URL variable plus CODER_SESSION_TOKEN (or `<URL var>`
 *     with `_URL` replaced by `_SESSION_TOKEN`); eras without a URL are skipped and keep their files;
 *   - with no URL set at all, record mode stops with an error naming the variables.
 * Assertions hold for any server: they check shapes and the closed error union, not sample values.
 */
import type { Polly } from '@pollyjs/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { POLLY_MODE, RECORDED_HOST, startPolly } from './__fixtures__/polly.js';
import { createCoderClient } from './client.js';
import { chatQuery } from './chats.js';
import { isGaTask } from './guards.js';
import type { AnyTask, ChatsApi, CoderClient, CoderResult, TasksApi } from './types.js';

interface Era {
  name: 'v2' | 'v2-early' | 'experimental' | 'removed';
  urlEnv: string;
  tasksApi: TasksApi;
  /** Where pause/resume turn out to live (after the first call). */
  v2PauseResume: boolean;
  chatsApi: ChatsApi;
}

const ERAS: Era[] = [
  { name: 'v2', urlEnv: 'CODER_URL', tasksApi: 'v2', v2PauseResume: true, chatsApi: 'experimental' },
  { name: 'v2-early', urlEnv: 'CODER_URL_V2_EARLY', tasksApi: 'v2', v2PauseResume: false, chatsApi: 'none' },
  { name: 'experimental', urlEnv: 'CODER_URL_EXPERIMENTAL', tasksApi: 'experimental', v2PauseResume: false, chatsApi: 'none' },
  { name: 'removed', urlEnv: 'CODER_URL_REMOVED', tasksApi: 'none', v2PauseResume: false, chatsApi: 'v2' },
];
const env = process.env;
if (POLLY_MODE === 'record' && !ERAS.some((era) => env[era.urlEnv])) {
  throw new Error(
    `POLLY_MODE=record needs a Coder to record against: set ${ERAS.map((e) => e.urlEnv).join(' / ')} ` +
      '(+ CODER_SESSION_TOKEN), or run `node tools/recordings/record-coder-api-client.mjs` (simulator).',
  );
}

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
  const skip = POLLY_MODE === 'record' && !env[era.urlEnv];

  describe.skipIf(skip)(`recorded Coder API (${era.name} tasks era)`, () => {
    let baseUrl = RECORDED_HOST;
    let token = 'replay-token-not-a-secret';
    let polly: Polly;
    let client: CoderClient;
    let tasksApi: TasksApi;

    beforeAll(() => {
      if (POLLY_MODE !== 'record') return;
      baseUrl = env[era.urlEnv]!;
      token = env[era.urlEnv.replace('_URL', '_SESSION_TOKEN')] ?? env['CODER_SESSION_TOKEN'] ?? '';
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
      expect(tasksApi).toBe(era.tasksApi);
      expect(info.features.tasks).toBe(era.tasksApi !== 'none');
      const me = value(await client.getMe());
      expect(typeof me.username).toBe('string');
      const orgs = value(await client.listOrganizations());
      expect(orgs.length).toBeGreaterThan(0);
      expect(orgs.some((o) => o.is_default)).toBe(true);
    });

    // Era-specific tests are only defined where they apply (nothing shows up as skipped in replay).
    const itTasks = (name: string, fn: () => Promise<void>): void => {
      if (era.tasksApi !== 'none') it(name, fn);
    };
    const itNoTasks = (name: string, fn: () => Promise<void>): void => {
      if (era.tasksApi === 'none') it(name, fn);
    };

    itNoTasks('tasks-unsupported', async () => {
      const list = await client.listTasks();
      expect(list.ok).toBe(false);
      if (!list.ok) {
        expect(list.error.kind).toBe('tasks_unsupported');
        expect(list.error.message).toContain(list.error.version);
      }
      expect(await client.pauseTask('me', 'any')).toMatchObject({ ok: false, error: { kind: 'tasks_unsupported' } });
      expect(value(await client.listTemplates()).length).toBeGreaterThan(0);
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

    itTasks('tasks-read', async () => {
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
      const byName = await client.getTask(chosen.owner_name, chosen.name);
      if (tasksApi === 'v2') expect(value(byName).id).toBe(chosen.id);
      else expect(byName).toMatchObject({ ok: false, error: { kind: 'invalid_request', status: 400 } }); // 2.27: ids only
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
        expect(['invalid_request', 'not_found', 'tasks_unsupported']).toContain(missingTask.error.kind);
        expect(missingTask.error.message.length).toBeGreaterThan(0);
      }
      const badWorkspace = await client.getWorkspace('non-existent-id');
      expect(badWorkspace).toMatchObject({ ok: false, error: { kind: 'invalid_request', status: 400 } });
      const badCreate = await client.createTask('me', { input: 'x', template_version_id: '00000000-0000-0000-0000-000000000000' });
      expect(badCreate.ok).toBe(false);
      if (!badCreate.ok) expect(['not_found', 'invalid_request', 'tasks_unsupported']).toContain(badCreate.error.kind);
      const noAuth = createCoderClient({ baseUrl, sessionToken: 'invalidtok-0000000000000000000000', retry: { retries: 0 } });
      expect(await noAuth.getMe()).toMatchObject({ ok: false, error: { kind: 'unauthorized', status: 401 } });
    });

    itTasks('task-lifecycle', async () => {
      const info = value(await client.getServerInfo());
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

      // On the simulator (known by its `+sim` build tag, so replay takes the same path)
      // steer an existing idle task through send → pause → update input → resume. Against a real
      // deployment only the task created above is touched.
      const simulated = info.raw.includes('+sim');
      const idle = value(await client.listTasks()).tasks.find(
        (t) => (t.status === 'active' || t.status === 'running') && ['idle', 'complete'].includes(t.current_state?.state ?? ''),
      );
      const target = simulated && idle ? idle : task;
      const owner = target.owner_name;
      const accepted = ['conflict', 'upstream_unavailable', 'invalid_request'];
      const expectOk = (r: CoderResult<unknown>) => {
        if (target === idle) expect(r).toMatchObject({ ok: true });
        else if (!r.ok) expect(accepted).toContain(r.error.kind);
      };
      const sent = await client.sendTaskInput(owner, target.id, 'Please continue');
      expectOk(sent);
      if (sent.ok) expect(sent.status).toBe(204);
      if (tasksApi === 'v2') {
        const paused = await client.pauseTask(owner, target.id);
        expectOk(paused);
        if (paused.ok) expect(paused.value.workspaceBuildId ?? paused.value.workspaceBuild?.id).toEqual(expect.any(String));
        expectOk(await client.updateTaskInput(owner, target.id, 'Updated prompt'));
        // Right after a pause the stop build may still run: a resume can fairly answer 409.
        const resumed = await client.resumeTask(owner, target.id);
        if (!resumed.ok) expect(accepted).toContain(resumed.error.kind);
        expect(value(await client.getServerInfo()).features.v2PauseResume).toBe(era.v2PauseResume);
      }
      const deleted = await client.deleteTask(me.username, task.id);
      expect(deleted).toMatchObject({ ok: true });
    });

    const itChats = (name: string, fn: () => Promise<void>): void => {
      if (era.chatsApi !== 'none') it(name, fn);
    };
    const itNoChats = (name: string, fn: () => Promise<void>): void => {
      if (era.chatsApi === 'none') it(name, fn);
    };

    itNoChats('chats-unsupported', async () => {
      expect(value(await client.detectCapabilities()).chats).toBe('none');
      expect(await client.listChats()).toMatchObject({ ok: false, error: { kind: 'chats_unsupported' } });
    });

    itChats('chats-read', async () => {
      const caps = value(await client.detectCapabilities());
      expect(caps.chats).toBe(era.chatsApi);
      expect(caps.chatsBasePath).toBe(era.chatsApi === 'v2' ? '/api/v2/chats' : '/api/experimental/chats');
      const chats = value(await client.listChats({ q: chatQuery({ archived: false }), limit: 25 }));
      expect(chats.length).toBeGreaterThan(0);
      for (const c of chats) {
        expect(typeof c.status).toBe('string');
        expect(c.archived).toBe(false);
        expect(Array.isArray(c.children)).toBe(true);
        expect(c.last_turn_summary === null || typeof c.last_turn_summary === 'string').toBe(true);
        expect(Number.isNaN(Date.parse(c.updated_at))).toBe(false);
      }
      const chosen = chats[0]!;
      const chat = value(await client.getChat(chosen.id));
      expect(chat.id).toBe(chosen.id);
      const page = value(await client.listChatMessages(chosen.id, { limit: 10 }));
      expect(typeof page.has_more).toBe('boolean');
      const ids = page.messages.map((m) => m.id);
      expect([...ids].sort((a, b) => b - a)).toEqual(ids); // newest first
      const cost = value(await client.getChatCost(chosen.id));
      expect(typeof cost.total_cost_micros).toBe('number');
      const diff = await client.getChatDiff(chosen.id);
      if (diff.ok) expect(diff.value.chat_id).toBe(chosen.id);
      else expect(['not_found', 'invalid_request']).toContain(diff.error.kind);
      const labelled = chats.find((c) => Object.keys(c.labels).length > 0);
      if (labelled) {
        const [key, val] = Object.entries(labelled.labels)[0]!;
        const byLabel = value(await client.listChats({ labels: { [key]: val } }));
        expect(byLabel.every((c) => c.labels[key] === val)).toBe(true);
      }
    });

    itChats('chats-create-and-steer', async () => {
      const orgs = value(await client.listMyOrganizations());
      const org = orgs.find((o) => o.is_default) ?? orgs[0]!;
      const created = await client.createChat({
        organization_id: org.id,
        content: [{ type: 'text', text: 'Recorded contract test: list the repository files' }],
        labels: { source: 'recording' },
        request_id: `recorded-${era.name}-create`,
      });
      const chat = value(created);
      expect(created.ok && created.status).toBe(201);
      expect(chat.labels).toEqual({ source: 'recording' });
      const sent = value(await client.sendChatMessage(chat.id, {
        content: [{ type: 'text', text: 'Also update the docs' }],
        request_id: `recorded-${era.name}-send`,
      }));
      if (sent.queued) {
        const queuedId = sent.queued_message!.id;
        expect(await client.deleteQueuedChatMessage(chat.id, queuedId)).toMatchObject({ ok: true });
        expect(await client.promoteQueuedChatMessage(chat.id, queuedId)).toMatchObject({ ok: false, error: { kind: 'not_found' } });
      } else {
        expect(sent.message?.role).toBe('user');
      }
      const interrupted = value(await client.interruptChat(chat.id));
      expect(interrupted.id).toBe(chat.id);
      const archived = await client.archiveChat(chat.id);
      if (!archived.ok) expect(archived.error.kind).toBe('conflict'); // still interrupting: Coder refuses
      expect(await client.updateChat(chat.id, { labels: { source: 'recording', step: 'relabelled' } })).toMatchObject({ ok: true });
      if (era.chatsApi === 'v2') expect(value(await client.listChatModels(org.id)).models.length).toBeGreaterThan(0);
    });

    itChats('chats-error-shapes', async () => {
      expect(await client.getChat('00000000-0000-0000-0000-000000000000')).toMatchObject({ ok: false, error: { kind: 'not_found', status: 404 } });
      expect(await client.getChat('not-a-uuid')).toMatchObject({ ok: false, error: { kind: 'invalid_request', status: 400 } });
      expect(await client.listChats({ q: 'bare words' })).toMatchObject({ ok: false, error: { kind: 'invalid_request', status: 400 } });
      const noAuth = createCoderClient({ baseUrl, sessionToken: 'invalidtok-0000000000000000000000', retry: { retries: 0 } });
      expect(await noAuth.listChats()).toMatchObject({ ok: false, error: { kind: 'unauthorized', status: 401 } });
    });
  });
}
