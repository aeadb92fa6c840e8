/**
 * A tiny Coder stand-in (node:http) used only to RECORD Polly recordings when no real Coder or
 * simulator is given. It serves the facts in coder-facts.ts: the v2.27 experimental era or the
 * v2.29+ GA era, depending on `version`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  buildInfo,
  errors,
  experimentalTaskFresh,
  experimentalTaskIdle,
  gaTask,
  me,
  organizations,
  presets,
  richParameters,
  taskLogs,
  template,
  TEMPLATE_VERSION_ID,
  workspace,
  workspaceBuild,
} from './coder-facts.js';

export const FIXTURE_TOKEN = 'fixturetok-0123456789abcdefghijkl';

export interface FixtureServer {
  url: string;
  stop(): Promise<void>;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function startFixtureServer(version: string): Promise<FixtureServer> {
  const ga = !version.startsWith('v2.27') && !version.startsWith('v2.28');
  const prefix = ga ? '/api/v2/tasks' : '/api/experimental/tasks';
  const gaFresh = { ...gaTask, id: 'a1b2c3d4-0000-4000-8000-000000000003', name: 'task-pensive-goodall-8734', status: 'initializing' as const, workspace_status: 'starting' as const, current_state: null };
  const tasks: Record<string, unknown>[] = ga ? [{ ...gaTask }, gaFresh] : [{ ...experimentalTaskIdle }, { ...experimentalTaskFresh }];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fixture');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    const send = (status: number, payload?: unknown): void => {
      const text = payload === undefined ? '' : `${JSON.stringify(payload)}\n`;
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'x-coder-build-version': version,
        ...(text ? {} : { 'content-length': '0' }),
      });
      res.end(text);
    };

    if (path === '/api/v2/buildinfo') return send(200, buildInfo(version));
    if (req.headers['coder-session-token'] !== FIXTURE_TOKEN) {
      return send(401, { message: 'You must be logged in to use this endpoint.' });
    }
    const seg = path.split('/').filter(Boolean).map(decodeURIComponent);

    if (method === 'GET' && path === '/api/v2/users/me') return send(200, me);
    if (method === 'GET' && path === '/api/v2/organizations') return send(200, organizations);
    if (method === 'GET' && path === '/api/v2/templates') return send(200, [template]);
    if (method === 'GET' && path === `/api/v2/templates/${template.id}`) return send(200, template);
    if (method === 'GET' && path === `/api/v2/templateversions/${TEMPLATE_VERSION_ID}`) {
      return send(200, { id: TEMPLATE_VERSION_ID, name: 'boring_poitras2', template_id: template.id, organization_id: template.organization_id });
    }
    if (method === 'GET' && path === `/api/v2/templateversions/${TEMPLATE_VERSION_ID}/presets`) return send(200, presets);
    if (method === 'GET' && path === `/api/v2/templateversions/${TEMPLATE_VERSION_ID}/rich-parameters`) return send(200, richParameters);
    if (method === 'GET' && path === '/api/v2/workspaces') return send(200, { workspaces: [workspace], count: 1 });
    if (method === 'GET' && seg[0] === 'api' && seg[2] === 'workspaces' && seg.length === 4) {
      const id = seg[3]!;
      if (!UUID_RE.test(id)) return send(400, { message: `Invalid UUID "${id}".`, detail: `invalid UUID length: ${id.length}` });
      return id === workspace.id ? send(200, workspace) : send(404, { message: 'Resource not found or you do not have access to this resource' });
    }
    if (method === 'GET' && path === `/api/v2/workspacebuilds/${workspaceBuild.id}`) return send(200, workspaceBuild);

    if (path === prefix && method === 'GET') return send(200, { tasks, count: tasks.length });
    if (path.startsWith(`${prefix}/`)) {
      const [user, taskRef, action] = path.slice(prefix.length + 1).split('/').map(decodeURIComponent);
      if (taskRef === undefined && method === 'POST') {
        const request = JSON.parse(body || '{}') as { input?: string; template_version_id?: string; name?: string };
        if (request.template_version_id !== TEMPLATE_VERSION_ID) return send(404, errors.createNotFound);
        const base = ga ? gaFresh : experimentalTaskFresh;
        const created = { ...base, id: 'c0ffee00-0000-4000-8000-000000000001', name: request.name ?? 'task-new', initial_prompt: request.input ?? '', owner_name: user };
        tasks.push(created);
        return send(201, created);
      }
      const task = tasks.find((t) => t['id'] === taskRef || t['name'] === taskRef);
      if (!task) {
        if (!ga && !UUID_RE.test(taskRef ?? '')) return send(400, { message: `Invalid UUID "${taskRef}" for task ID.` });
        return send(404, { message: 'Resource not found or you do not have access to this resource' });
      }
      if (method === 'GET' && action === undefined) return send(200, task);
      if (method === 'DELETE' && action === undefined) return send(202);
      if (method === 'GET' && action === 'logs') return send(200, taskLogs);
      if (method === 'POST' && action === 'send') return send(204);
      if (method === 'PATCH' && action === 'input') return send(204);
      if (ga && method === 'POST' && (action === 'pause' || action === 'resume')) {
        return send(202, { workspace_build: { ...workspaceBuild, transition: action === 'pause' ? 'stop' : 'start', reason: action === 'pause' ? 'task_manual_pause' : 'task_resume' } });
      }
    }
    return send(404, { message: 'Route not found.' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'fixture server error', detail: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
