import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simFetch } from './__fixtures__/sim-fetch.js';
import { startCoderSim, type CoderSim } from './index.js';

const MINUTE = 60_000;

describe('clock-driven lifecycle', () => {
  let sim: CoderSim;
  let api: ReturnType<typeof simFetch>;

  beforeEach(async () => {
    sim = await startCoderSim({ agents: 0, seed: 9 });
    api = simFetch(sim);
  });
  afterEach(() => sim.stop());

  async function getTask(id: string) {
    return (await api('GET', `/api/v2/tasks/me/${id}`)).body;
  }

  it('moves pending -> initializing -> active with synthetic then reported states', async () => {
    const t = sim.control.createTask({ input: 'Refactor billing', template: 'python-dev', name: 'billing' });
    let task = await getTask(t.id);
    expect(task).toMatchObject({ status: 'pending', workspace_status: 'pending', current_state: null, workspace_agent_id: null });

    sim.control.advance(3_000);
    task = await getTask(t.id);
    expect(task).toMatchObject({ status: 'initializing', workspace_status: 'starting' });
    expect(task.current_state).toMatchObject({ state: 'working', message: 'Workspace is starting', uri: '' });

    const messages = new Set<string>();
    for (let i = 0; i < 60 && task.status !== 'active'; i++) {
      sim.control.advance(1_000);
      task = await getTask(t.id);
      if (task.status === 'initializing') messages.add(task.current_state.message);
    }
    expect(task.status).toBe('active');
    expect(task.workspace_agent_lifecycle).toBe('ready');
    expect(task.workspace_agent_health).toEqual({ healthy: true });
    expect(task.current_state.state).toBe('working');
    expect([...messages]).toEqual(expect.arrayContaining(['Agent is connecting', 'Agent is starting', 'App is initializing']));
    const logs = (await api('GET', `/api/v2/tasks/me/${t.id}/logs`)).body.logs;
    expect(logs[0]).toMatchObject({ id: 0, type: 'input', content: 'Refactor billing' });
    expect(logs[0].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  });

  it('works, goes idle/complete/failure, and works again after input; log ids only increase', async () => {
    const t = sim.control.createTask({ input: 'Add pagination', name: 'pager' });
    const states = new Set<string>();
    for (let i = 0; i < 240; i++) {
      sim.control.advance(MINUTE);
      const task = await getTask(t.id);
      if (task.current_state) states.add(task.current_state.state);
      if (task.current_state && task.current_state.state !== 'working') break;
    }
    expect(states.has('working')).toBe(true);
    const task = await getTask(t.id);
    expect(['idle', 'complete', 'failure']).toContain(task.current_state.state);
    expect((await api('POST', `/api/v2/tasks/me/${t.id}/send`, { body: { input: 'Next step please' } })).status).toBe(204);
    expect((await getTask(t.id)).current_state.state).toBe('working');
    const logs = (await api('GET', `/api/v2/tasks/me/${t.id}/logs`)).body.logs as { id: number; type: string }[];
    expect(logs.map((l) => l.id)).toEqual(logs.map((_l, i) => i));
    expect(logs.some((l) => l.type === 'output')).toBe(true);
  });

  it('pause stops the workspace, resume starts it again', async () => {
    const t = sim.control.createTask({ input: 'x', name: 'pausable' });
    sim.control.advance(2 * MINUTE);
    expect((await api('POST', `/api/v2/tasks/me/${t.id}/pause`)).status).toBe(202);
    let task = await getTask(t.id);
    expect(task).toMatchObject({ status: 'paused', workspace_status: 'stopping' });
    sim.control.advance(10_000);
    task = await getTask(t.id);
    expect(task).toMatchObject({ status: 'paused', workspace_status: 'stopped', workspace_agent_id: null, workspace_build_number: 2 });
    expect((await api('POST', `/api/v2/tasks/me/${t.id}/resume`)).status).toBe(202);
    sim.control.advance(2 * MINUTE);
    task = await getTask(t.id);
    expect(task).toMatchObject({ status: 'active', workspace_status: 'running', workspace_build_number: 3 });
  });

  it('setAgentState boots a starting agent first and refuses stopped ones', async () => {
    const t = sim.control.createTask({ input: 'x', name: 'eager' });
    sim.control.setAgentState('eager', 'failure', { message: 'Need input: which database?' });
    expect(await getTask(t.id)).toMatchObject({ status: 'active', workspace_agent_lifecycle: 'ready', current_state: { state: 'failure', message: 'Need input: which database?' } });
    await api('POST', `/api/v2/tasks/me/${t.id}/pause`);
    sim.control.advance(10_000);
    expect(() => sim.control.setAgentState('eager', 'idle')).toThrow(/stopped/);
    expect((await api('POST', '/__sim/tasks/eager/state', { body: { state: 'idle' } })).status).toBe(409);
  });

  it('agents can disconnect and builds can fail', async () => {
    const t = sim.control.createTask({ input: 'x', name: 'fragile' });
    sim.control.advance(2 * MINUTE);
    sim.control.disconnectAgent('fragile');
    expect((await getTask(t.id)).workspace_agent_health).toEqual({ healthy: false, reason: 'agent has lost connection' });
    sim.control.reconnectAgent('admin/fragile');
    expect((await getTask(t.id)).workspace_agent_health).toEqual({ healthy: true });
    sim.control.setConnection('fragile', false, 'agent is unreachable');
    expect((await getTask(t.id)).workspace_agent_health).toEqual({ healthy: false, reason: 'agent is unreachable' });
    expect((await api('POST', '/__sim/tasks/fragile/connection', { body: { connected: true } })).status).toBe(200);
    expect((await getTask(t.id)).workspace_agent_health).toEqual({ healthy: true });
    sim.control.failWorkspace(t.id);
    const task = await getTask(t.id);
    expect(task).toMatchObject({ status: 'error', workspace_status: 'failed' });
    const ws = (await api('GET', `/api/v2/workspaces/${task.workspace_id}`)).body;
    expect(ws.latest_build.job).toMatchObject({ status: 'failed', error: expect.stringContaining('terraform') });
  });

  it('keeps a transition log with every status/state change, no duplicates', async () => {
    const t = sim.control.createTask({ input: 'x', name: 'logged' });
    sim.control.advance(2 * MINUTE);
    await api('POST', `/api/v2/tasks/me/${t.id}/pause`);
    sim.control.advance(MINUTE);
    const mine = sim.control.transitions().filter((tr) => tr.taskId === t.id);
    const statuses = mine.filter((tr) => tr.field === 'status').map((tr) => `${tr.from}->${tr.to}`);
    expect(mine[0]).toMatchObject({ field: 'created', to: 'pending', initial: { status: 'pending', state: null, workspaceStatus: 'pending', health: null } });
    expect(statuses).toEqual(['pending->initializing', 'initializing->active', 'active->paused']);
    const ws = mine.filter((tr) => tr.field === 'workspace_status').map((tr) => tr.to);
    expect(ws).toEqual(['starting', 'running', 'stopping', 'stopped']);
    for (const tr of mine) expect(tr.from).not.toBe(tr.to);
    const seqs = sim.control.transitions().map((tr) => tr.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const last = seqs.at(-1) ?? 0;
    expect(sim.control.transitions(last)).toEqual([]);
  });

  it('is deterministic for a seed', async () => {
    const other = await startCoderSim({ agents: 30, seed: 123, scenario: 'busy' });
    const again = await startCoderSim({ agents: 30, seed: 123, scenario: 'busy' });
    try {
      other.control.advance(30 * MINUTE);
      again.control.advance(30 * MINUTE);
      const a = await simFetch(other)('GET', '/api/v2/tasks');
      const b = await simFetch(again)('GET', '/api/v2/tasks');
      expect(a.text).toBe(b.text);
      expect(other.control.transitions()).toEqual(again.control.transitions());
    } finally {
      await other.stop();
      await again.stop();
    }
  });

  it('starts seeded tasks with their observed facts in the transition log', async () => {
    const seeded = await startCoderSim({ agents: 50, seed: 77 });
    try {
      const created = seeded.control.transitions().filter((tr) => tr.field === 'created');
      expect(created).toHaveLength(50);
      const byId = new Map(seeded.control.tasks().map((t) => [t.id, t]));
      for (const tr of created) expect(tr.initial).toMatchObject({ status: byId.get(tr.taskId)?.status, state: byId.get(tr.taskId)?.state });
    } finally {
      await seeded.stop();
    }
  });

  it('grows busy fleets with new tasks over time (arrivalsPerHour)', async () => {
    const busy = await startCoderSim({ agents: 10, seed: 31, scenario: 'busy' });
    const still = await startCoderSim({ agents: 10, seed: 31, scenario: 'busy', arrivalsPerHour: 0 });
    try {
      busy.control.advance(3 * 60 * MINUTE);
      still.control.advance(3 * 60 * MINUTE);
      const grown = busy.control.tasks().length;
      expect(grown).toBeGreaterThan(20);
      expect(still.control.tasks()).toHaveLength(10);
      const created = busy.control.transitions().filter((tr) => tr.field === 'created');
      expect(created).toHaveLength(grown);
      const listed = (await simFetch(busy)('GET', '/api/v2/tasks')).body;
      expect(listed.count).toBe(grown);
      const times = listed.tasks.map((t: { created_at: string }) => Date.parse(t.created_at));
      expect(times).toEqual([...times].sort((a: number, b: number) => a - b));
    } finally {
      await busy.stop();
      await still.stop();
    }
  });

  it('runs on the real clock with an unref()ed tick', async () => {
    const live = await startCoderSim({ agents: 3, clock: 'real', tickMs: 20 });
    try {
      expect(() => live.control.advance(1)).toThrow(/manual/);
      expect(Math.abs(live.control.now() - Date.now())).toBeLessThan(5_000);
    } finally {
      await live.stop();
    }
  });
});
