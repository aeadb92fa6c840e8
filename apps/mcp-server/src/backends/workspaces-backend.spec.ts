/**
 * The Workspaces backend (#17) against a fake Coder client: paged reads (one request per page), which
 * workspaces are agents, owner scope, AgentAPI steering and the app-proxy refusals.
 */
import { Buffer } from 'node:buffer';
import { WorkspaceListBody } from '@org/coder-api-client';
import { buildAgentWorkspace } from '@org/fleet-domain/testing';
import { describe, expect, it } from 'vitest';
import type { CoderApiError, CoderResult, Workspace } from '../coder.js';
import { manualClock } from '../testing/manual-clock.js';
import { createWorkspacesBackend, ESC, proxyFailure, type WorkspacesClient } from './workspaces-backend.js';

const ok = <T>(value: T, status = 200): CoderResult<T> => ({ ok: true, status, value });
const fail = (kind: CoderApiError['kind'], status: number, message = 'nope'): CoderResult<never> => ({ ok: false, error: { kind, status, operation: 'test', message } });
const UP = { workspaceStatus: 'running', connection: 'connected', lifecycle: 'ready', healthy: true, appHealth: 'healthy' };

function fleetOf(n: number): Workspace[] {
  const out: Workspace[] = [];
  for (let i = 0; i < n; i++) {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    out.push(buildAgentWorkspace({ ...UP, state: i % 2 === 0 ? 'idle' : 'working' }, { id, name: `agent-${i}`, owner: i % 3 === 0 ? 'bob' : 'alice' }));
  }
  // A stopped agent (no apps: its template version has the AI prompt), and a plain workspace.
  out.push(buildAgentWorkspace({ workspaceStatus: 'stopped' }, { id: 'stopped-1', name: 'paused-one', noAgent: true, templateVersionId: 'v-ai' }));
  out.push(buildAgentWorkspace({ workspaceStatus: 'running' }, { id: 'plain-1', name: 'docs-site', noAgent: true, templateVersionId: 'v-plain' }));
  return out;
}

function fakeClient(workspaces: Workspace[], over: Partial<WorkspacesClient> = {}) {
  const calls: string[] = [];
  const client: WorkspacesClient = {
    listWorkspaces: async (q = {}) => {
      calls.push(`list ${q.offset ?? 0}`);
      const offset = q.offset ?? 0;
      return ok({ workspaces: workspaces.slice(offset, offset + (q.limit ?? workspaces.length)), count: workspaces.length });
    },
    // The page as Coder's bytes, indexed the way the real client does.
    listWorkspacesIndexed: async (q, opts) => {
      const page = await client.listWorkspaces(q, opts);
      if (!page.ok) return page;
      const body = WorkspaceListBody.from(Buffer.from(JSON.stringify(page.value)));
      return body.ok ? ok(body.value) : fail('unexpected_response', 200, body.problem);
    },
    getWorkspace: async (id) => {
      const ws = workspaces.find((w) => w.id === id);
      return ws ? ok(ws) : fail('not_found', 404);
    },
    createWorkspace: async () => fail('server_error', 500),
    createWorkspaceBuild: async () => fail('server_error', 500),
    getWorkspaceBuildParameters: async () => ok([]),
    getAgentApiStatus: async () => ok({ status: 'stable' }),
    getAgentApiMessages: async () => ok({ messages: [] }),
    postAgentApiMessage: async (_t, body) => {
      calls.push(`post ${body.type} ${JSON.stringify(body.content)}`);
      return ok(undefined);
    },
    ...over,
  };
  return { client, calls };
}

const templates = { parameters: async (v: string) => ok(v === 'v-ai' ? [{ name: 'AI Prompt' }] : [{ name: 'cpu' }]) } as never;

function backend(client: WorkspacesClient, extra: { owners?: string[]; pageSize?: number } = {}) {
  return createWorkspacesBackend({ coder: client, clock: manualClock(), templates, thresholds: {}, appSlug: 'ccw', ttlMs: 0, loadTimeoutMs: 5_000, ...extra });
}

describe('workspaces backend: reading', () => {
  it('reads every page with one request each; lists only agent workspaces (a stopped one by its template)', async () => {
    const { client, calls } = fakeClient(fleetOf(25));
    const r = await backend(client, { pageSize: 10 }).list();
    expect(calls.filter((c) => c.startsWith('list')).sort()).toEqual(['list 0', 'list 10', 'list 20']);
    expect(r.ok && r.value.count).toBe(26);
    const names = r.ok ? r.value.agents.map((a) => a.name) : [];
    expect(names).toContain('paused-one');
    expect(names).not.toContain('docs-site');
    expect(r.ok && r.value.agents.find((a) => a.name === 'paused-one')?.status).toBe('paused');
  });

  it('maps incrementally: an unchanged workspace keeps its agent, a changed one is mapped again, a new version is asked once', async () => {
    const fleet = fleetOf(25);
    let lookups = 0;
    const counted = { parameters: async (v: string) => ((lookups += 1), ok(v === 'v-ai' ? [{ name: 'AI Prompt' }] : [{ name: 'cpu' }])) } as never;
    const { client } = fakeClient(fleet);
    const b = createWorkspacesBackend({ coder: client, clock: manualClock(), templates: counted, thresholds: {}, appSlug: 'ccw', ttlMs: 0, loadTimeoutMs: 5_000, pageSize: 10 });
    const before = await b.list();
    fleet[3] = buildAgentWorkspace({ ...UP, state: 'idle' }, { id: fleet[3]?.id ?? '', name: 'agent-3', owner: 'bob' });
    const after = await b.list();
    if (!before.ok || !after.ok) throw new Error('read failed');
    const byName = (r: typeof before, name: string) => (r.ok ? r.value.agents.find((a) => a.name === name) : undefined);
    expect(byName(after, 'agent-2')).toBe(byName(before, 'agent-2'));
    expect(byName(after, 'paused-one')).toBe(byName(before, 'paused-one'));
    expect(byName(before, 'agent-3')?.status).toBe('busy');
    expect(byName(after, 'agent-3')?.status).toBe('idle');
    expect(after.value.agents.map((a) => a.name)).toEqual(before.value.agents.map((a) => a.name));
    expect(lookups).toBe(2); // v-ai and v-plain, each once
  });

  it('restricts to the owner scope and resolves names case-insensitively', async () => {
    let asked: string | undefined;
    const { client } = fakeClient(fleetOf(6));
    const b = backend({ ...client, listWorkspacesIndexed: (query, opts) => ((asked = query?.q), client.listWorkspacesIndexed(query, opts)) }, { owners: ['BOB'] });
    const r = await b.list();
    expect(asked).toBe('owner:bob');
    expect(r.ok && r.value.agents.every((a) => a.owner === 'bob')).toBe(true);
    const found = await b.resolve('Bob/AGENT-3');
    expect(found !== 'missing' && found.ok && found.value.ref).toBe('bob/agent-3');
    expect(await b.resolve('agent-1')).toBe('missing');
  });
});

describe('workspaces backend: steering through AgentAPI', () => {
  const target = async (client: WorkspacesClient, ref = 'agent-0') => {
    const t = await backend(client).resolve(ref);
    if (t === 'missing' || !t.ok) throw new Error('no target');
    return t.value;
  };

  it('sends a user message; a 409 (a turn runs) is agent_busy with retry advice', async () => {
    const { client, calls } = fakeClient(fleetOf(2));
    const b = backend(client);
    const sent = await b.sendInput(await target(client), 'hello');
    expect(sent.ok && sent.value.kind).toBe('delivered');
    expect(calls).toContain('post user "hello"');
    const busy = fakeClient(fleetOf(2), { postAgentApiMessage: async () => fail('conflict', 409, 'agent is running') });
    const r = await backend(busy.client).sendInput(await target(busy.client), 'hello');
    expect(!r.ok && r.failure.code).toBe('agent_busy');
    // Another AgentAPI wording (a 500 while running): its status says busy.
    const worded = fakeClient(fleetOf(2), { postAgentApiMessage: async () => fail('server_error', 500, 'agent is not waiting for input'), getAgentApiStatus: async () => ok({ status: 'running' }) });
    const w = await backend(worded.client).sendInput(await target(worded.client), 'hello');
    expect(!w.ok && w.failure.code).toBe('agent_busy');
    const port = await backend(worded.client).deliveryPort.send('alice', '00000000-0000-4000-8000-000000000000', 'hello');
    expect(!port.ok && port.error.status).toBe(409);
    expect(!r.ok && r.failure.hint).toMatch(/interrupt_agent|again/);
  });

  it('a lost answer is read back from the conversation (delivered once), never "not sent"', async () => {
    const lost = fakeClient(fleetOf(2), {
      postAgentApiMessage: async () => ({ ok: false, error: { kind: 'timeout', operation: 'test', message: 'timed out', delivery: 'unknown' } }) as CoderResult<never>,
      getAgentApiMessages: async () => ok({ messages: [{ id: 1, role: 'user', content: 'hello', time: '2026-01-01T00:00:00Z' }] }),
    });
    const r = await backend(lost.client).sendInput(await target(lost.client), 'hello');
    expect(r.ok && r.value.recovered).toMatch(/delivered/);
  });

  it('interrupts with ESC only while AgentAPI runs a turn', async () => {
    const idle = fakeClient(fleetOf(2));
    const r = await backend(idle.client).interrupt(await target(idle.client));
    expect(r.ok && r.value.unchanged).toBe(true);
    expect(idle.calls.some((c) => c.startsWith('post'))).toBe(false);
    const running = fakeClient(fleetOf(2), { getAgentApiStatus: async () => ok({ status: 'running' }) });
    const stopped = await backend(running.client).interrupt(await target(running.client));
    expect(stopped.ok && stopped.value.unchanged).toBe(false);
    expect(running.calls).toContain(`post raw ${JSON.stringify(ESC)}`);
  });

  it('refuses a stopped agent before calling AgentAPI, naming resume_agent', async () => {
    const { client, calls } = fakeClient(fleetOf(2));
    const r = await backend(client).sendInput(await target(client, 'paused-one'), 'hello');
    expect(!r.ok && r.failure.code).toBe('agent_paused');
    expect(!r.ok && r.failure.hint).toMatch(/resume_agent/);
    expect(calls.some((c) => c.startsWith('post'))).toBe(false);
  });

  it("gives the queue dispatcher a port: the agent read fresh, a user message, the user messages; a stopped one is 'busy for now' (409)", async () => {
    const { client, calls } = fakeClient(fleetOf(2), { getAgentApiMessages: async () => ok({ messages: [{ id: 1, role: 'user', content: 'hi', time: 't' }, { id: 2, role: 'agent', content: 'hello', time: 't' }] }) });
    const port = backend(client).deliveryPort;
    const read = await port.read('alice', '00000000-0000-4000-8000-000000000000');
    expect(read.ok && read.value.kind).toBe('workspace');
    expect((await port.send('alice', '00000000-0000-4000-8000-000000000000', 'queued')).ok).toBe(true);
    expect(calls).toContain('post user "queued"');
    const inputs = await port.inputs('alice', '00000000-0000-4000-8000-000000000000');
    expect(inputs.ok && inputs.value.map((m) => m.content)).toEqual(['hi']);
    const stopped = await port.send('alice', 'stopped-1', 'queued');
    expect(!stopped.ok && stopped.error.status).toBe(409);
  });

  it.each([
    ['forbidden', 403, 'Path-based applications are disabled on this deployment.', /path-based apps are disabled.*CODER_DISABLE_PATH_APPS/s],
    ['forbidden', 403, 'Forbidden.', /application_connect/],
    ['not_found', 404, 'Not found.', /--agent-app-slug/],
    ['unauthorized', 401, 'Unauthorized.', /CODER_SESSION_TOKEN/],
    ['upstream_unavailable', 502, 'The agent is not connected.', /resume_agent/],
  ] as const)('proxy %s (%i) is a clear refusal naming the cause', (kind, status, message, pattern) => {
    const f = proxyFailure({ kind, status, operation: 'POST /@{owner}/{workspace}.{agent}/apps/{slug}/message', message }, { ref: 'alice/a', app: { owner: 'alice', workspace: 'a', agent: 'main', slug: 'ccw' } }, 'send input to');
    expect(f.code).toBe('app_unreachable');
    expect(`${f.message} ${f.hint}`).toMatch(pattern);
  });
});
