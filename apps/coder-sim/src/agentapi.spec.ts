/**
 * Workspaces mode (#17 item 5): agents as plain workspaces running an AI app, a simulated AgentAPI behind
 * Coder's path-based app proxy, on any version (here 2.40: no Tasks API at all).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simFetch } from './__fixtures__/sim-fetch.js';
import { startCoderSim, type CoderSim } from './index.js';

interface Ws {
  id: string;
  name: string;
  owner_name: string;
  task_id: string | null;
  latest_app_status: { state: string; message: string } | null;
}

describe('workspaces mode: AgentAPI behind the path-based app proxy', () => {
  let sim: CoderSim;
  let api: ReturnType<typeof simFetch>;
  beforeAll(async () => {
    sim = await startCoderSim({ agents: 6, seed: 5, scenario: 'steady', mode: 'workspaces', coderVersion: '2.40' });
    api = simFetch(sim);
  });
  afterAll(() => sim.stop());

  const app = (ws: Ws) => `/@${ws.owner_name}/${ws.name}.main/apps/ccw`;
  /** A workspace whose agent is up, settled to `state` (the lifecycle engine moves it over time). */
  const ready = async (state: 'working' | 'idle'): Promise<Ws> => {
    const all: Ws[] = (await api('GET', '/api/v2/workspaces')).body.workspaces;
    for (const ws of all) {
      if ((await api('GET', `${app(ws)}/status`)).status === 200) {
        sim.control.setAgentState(ws.id, state, { message: `settled ${state}`, holdMs: 3_600_000 });
        return ws;
      }
    }
    throw new Error('no workspace with a reachable agent');
  };

  it('lists the agents as workspaces (no task id); the Tasks API does not know them', async () => {
    const all: Ws[] = (await api('GET', '/api/v2/workspaces')).body.workspaces;
    expect(all.length).toBeGreaterThanOrEqual(6);
    expect(all.every((w) => w.task_id === null)).toBe(true);
    expect((await api('GET', '/api/v2/tasks')).status).toBe(404);
  });

  it('GET status and messages; POST a user message starts a turn (status running, app status working)', async () => {
    const ws = await ready('idle');
    expect((await api('GET', `${app(ws)}/status`)).body).toEqual({ status: 'stable', agent_type: 'claude' });
    const sent = await api('POST', `${app(ws)}/message`, { body: { content: 'Please add tests', type: 'user' } });
    expect(sent).toMatchObject({ status: 200, body: { ok: true } });
    expect((await api('GET', `${app(ws)}/status`)).body.status).toBe('running');
    const messages = (await api('GET', `${app(ws)}/messages`)).body.messages as { role: string; content: string }[];
    expect(messages.at(-1)).toMatchObject({ role: 'user', content: 'Please add tests' });
    const after = (await api('GET', `/api/v2/workspaces/${ws.id}`)).body as Ws;
    expect(after.latest_app_status?.state).toBe('working');
    // Busy: a user message is refused; a raw ESC interrupts (stable again).
    expect((await api('POST', `${app(ws)}/message`, { body: { content: 'more', type: 'user' } })).status).toBe(409);
    expect((await api('POST', `${app(ws)}/message`, { body: { content: '\u001b', type: 'raw' } })).body).toEqual({ ok: true });
    expect((await api('GET', `${app(ws)}/status`)).body.status).toBe('stable');
  });

  it('refuses like Coder: path apps disabled 403, unknown workspace or app 404, no token 401; faults apply', async () => {
    const ws = await ready('idle');
    sim.control.setPathApps(false);
    const off = await api('GET', `${app(ws)}/status`);
    expect(off.status).toBe(403);
    expect(off.body.message).toMatch(/Path-based applications are disabled/);
    sim.control.setPathApps(true);
    expect((await api('GET', `/@${ws.owner_name}/nope.main/apps/ccw/status`)).status).toBe(404);
    expect((await api('GET', `/@${ws.owner_name}/${ws.name}.main/apps/vscode/status`)).status).toBe(404);
    expect((await api('GET', `${app(ws)}/status`, { token: null })).status).toBe(401);
    const fault = sim.control.faults.status(503, { route: 'GET /@{owner}/{workspace}/apps/{slug}/status' });
    expect((await api('GET', `${app(ws)}/status`)).status).toBe(503);
    sim.control.faults.clear(fault);
    expect((await api('GET', `${app(ws)}/status`)).status).toBe(200);
  });

  it('a stopped workspace answers 502 (agent not connected)', async () => {
    const ws = await ready('idle');
    const stop = await api('POST', `/api/v2/workspaces/${ws.id}/builds`, { body: { transition: 'stop' } });
    expect(stop.status).toBe(201);
    for (let i = 0; i < 60 && (await api('GET', `${app(ws)}/status`)).status === 200; i++) sim.control.advance(5_000);
    const r = await api('GET', `${app(ws)}/status`);
    expect(r.status).toBe(502);
    expect(r.body.message).toMatch(/agent is not connected/);
  });

  it('creates an agent workspace from a template and preset with the task in the "AI Prompt" parameter (busy at once)', async () => {
    const templates = (await api('GET', '/api/v2/templates')).body as { id: string; name: string; organization_id: string; active_version_id: string }[];
    const t = templates.find((x) => x.name === 'python-dev') as (typeof templates)[number];
    const presets = (await api('GET', `/api/v2/templateversions/${t.active_version_id}/presets`)).body as { ID: string; Name: string }[];
    const params = (await api('GET', `/api/v2/templateversions/${t.active_version_id}/rich-parameters`)).body as { name: string }[];
    expect(params.map((p) => p.name)).toContain('AI Prompt');
    const path = `/api/v2/organizations/${t.organization_id}/members/me/workspaces`;
    const body = { name: 'fix-login', template_id: t.id, template_version_preset_id: presets[0]?.ID, rich_parameter_values: [{ name: 'AI Prompt', value: 'Fix the login bug' }] };
    const created = await api('POST', path, { body });
    expect(created.status).toBe(201);
    const ws = created.body as Ws & { latest_build: { id: string; template_version_preset_id: string } };
    expect(ws).toMatchObject({ name: 'fix-login', task_id: null });
    const used = (await api('GET', `/api/v2/workspacebuilds/${ws.latest_build.id}/parameters`)).body as { name: string; value: string }[];
    expect(used).toContainEqual({ name: 'AI Prompt', value: 'Fix the login bug' });
    for (let i = 0; i < 20 && (await api('GET', `${app(ws)}/status`)).status !== 200; i++) sim.control.advance(5_000);
    expect((await api('GET', `/api/v2/workspaces/${ws.id}`)).body.latest_app_status?.state).toBe('working');
    // The name is unique per owner; Coder's name rules apply.
    expect((await api('POST', path, { body })).status).toBe(409);
    expect((await api('POST', path, { body: { ...body, name: '-bad' } })).status).toBe(400);
  });
});
