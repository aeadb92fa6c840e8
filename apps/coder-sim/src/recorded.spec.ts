import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RECORDED_BUILD_KEYS,
  RECORDED_EXCHANGES,
  RECORDED_HEADERS,
  RECORDED_LOG_ENTRY_KEYS,
  RECORDED_ORGANIZATION_KEYS,
  RECORDED_PARAMETER_KEYS,
  RECORDED_PRESET_KEYS,
  RECORDED_PRESET_NAMES,
  RECORDED_PRESET_PARAMETER_KEYS,
  RECORDED_STATE_KEYS,
  RECORDED_TASK_KEYS,
  RECORDED_TEMPLATE_KEYS,
  RECORDED_WORKSPACE_KEYS,
} from './__fixtures__/recorded-2.27.js';
import { simFetch } from './__fixtures__/sim-fetch.js';
import { startCoderSim, type CoderSim } from './index.js';

const keys = (o: object) => Object.keys(o).sort();

/** Replays the recorded v2.27.1 request shapes against the simulator in 2.27 mode. */
describe('replay of recorded Coder v2.27.1 interactions', () => {
  let sim: CoderSim;
  let api: ReturnType<typeof simFetch>;
  let task: { id: string; owner_name: string; workspace_id: string };

  beforeAll(async () => {
    sim = await startCoderSim({ agents: 8, seed: 27, coderVersion: '2.27' });
    api = simFetch(sim);
    type Row = { id: string; owner_name: string; workspace_id: string; status: string; workspace_agent_lifecycle: string | null; workspace_agent_health: { healthy: boolean } | null };
    const list = (await api('GET', '/api/experimental/tasks?q=owner:me')).body.tasks as Row[];
    const running = list.find((t) => t.status === 'running' && t.workspace_agent_lifecycle === 'ready' && t.workspace_agent_health?.healthy);
    if (!running) throw new Error('no running admin task in the seeded fleet');
    sim.control.setAgentState(running.id, 'idle', { message: 'Fix pushed - monitoring CI for test results' });
    task = running;
  });
  afterAll(() => sim.stop());

  it.each(RECORDED_EXCHANGES.map((e) => [e.name, e] as const))('%s', async (_name, exchange) => {
    const path = exchange.path.replace('{user}', task.owner_name).replace('{task}', task.id).replace('{workspace}', task.workspace_id);
    const res = await api(exchange.method, path, exchange.body === undefined ? {} : { body: exchange.body });
    expect(res.status).toBe(exchange.status);
    if (exchange.error) expect(res.body).toEqual(exchange.error);
    if (exchange.status === 204) expect(res.text).toBe('');
    for (const header of RECORDED_HEADERS) expect(res.headers.get(header), header).toBeTruthy();
    expect(res.headers.get('x-coder-build-version')).toBe('v2.27.1+sim');
  });

  it('returns experimental-era tasks with exactly the recorded field set, oldest first', async () => {
    const list = (await api('GET', '/api/experimental/tasks')).body;
    const created = list.tasks.map((t: { created_at: string }) => Date.parse(t.created_at));
    expect(created).toEqual([...created].sort((a: number, b: number) => a - b));
    expect(keys(list)).toEqual(['count', 'tasks']);
    for (const t of list.tasks) {
      expect(keys(t)).toEqual([...RECORDED_TASK_KEYS].sort());
      expect(t.id).toBe(t.workspace_id);
      if (t.current_state) expect(keys(t.current_state)).toEqual([...RECORDED_STATE_KEYS].sort());
    }
    expect(list.tasks.some((t: { status: string }) => t.status === 'running')).toBe(true);
    const one = (await api('GET', `/api/experimental/tasks/me/${task.id}`)).body;
    expect(keys(one)).toEqual([...RECORDED_TASK_KEYS].sort());
    expect(one.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d$/);
  });

  it('returns logs with the recorded entry keys and ignores ?limit', async () => {
    const all = (await api('GET', `/api/experimental/tasks/me/${task.id}/logs`)).body;
    const limited = (await api('GET', `/api/experimental/tasks/me/${task.id}/logs?limit=1`)).body;
    expect(keys(all)).toEqual(['logs']);
    expect(limited.logs).toHaveLength(all.logs.length);
    for (const entry of all.logs) expect(keys(entry)).toEqual([...RECORDED_LOG_ENTRY_KEYS].sort());
  });

  it('serves templates, organizations, presets, parameters and workspaces with the recorded keys', async () => {
    const templates = (await api('GET', '/api/v2/templates')).body;
    for (const t of templates) expect(keys(t)).toEqual([...RECORDED_TEMPLATE_KEYS].sort());
    expect(keys(templates[0].build_time_stats.start)).toEqual(['P50', 'P95']);
    for (const o of (await api('GET', '/api/v2/organizations')).body) expect(keys(o)).toEqual([...RECORDED_ORGANIZATION_KEYS].sort());
    const python = templates.find((t: { name: string }) => t.name === 'python-dev');
    const presets = (await api('GET', `/api/v2/templateversions/${python.active_version_id}/presets`)).body;
    expect(presets.map((p: { Name: string }) => p.Name)).toEqual([...RECORDED_PRESET_NAMES]);
    for (const p of presets) {
      expect(keys(p)).toEqual([...RECORDED_PRESET_KEYS].sort());
      for (const pp of p.Parameters) expect(keys(pp)).toEqual([...RECORDED_PRESET_PARAMETER_KEYS].sort());
    }
    const params = (await api('GET', `/api/v2/templateversions/${python.active_version_id}/rich-parameters`)).body;
    expect(params.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['AI Prompt', 'system_prompt']));
    expect(keys(params.find((p: { name: string }) => p.name === 'system_prompt'))).toEqual([...RECORDED_PARAMETER_KEYS].sort());
    const ws = (await api('GET', `/api/v2/workspaces/${task.workspace_id}`)).body;
    expect(keys(ws)).toEqual([...RECORDED_WORKSPACE_KEYS].sort());
    expect(keys(ws.latest_build)).toEqual([...RECORDED_BUILD_KEYS].sort());
    expect(ws.latest_build.resources[0].agents[0].apps[0]).toMatchObject({ slug: 'ccw', url: 'http://localhost:3284/' });
  });
});
