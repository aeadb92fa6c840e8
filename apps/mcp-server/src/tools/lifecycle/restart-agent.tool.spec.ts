import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from '../../testing/client-fixture.js';
import { textOf } from '../../testing/in-process.js';
import { annotationsOf, expectFailure, structured } from '../../testing/tool-assertions.js';
import { advanceUntil, pausedAgent, recordingCaller, runningAgent, summaryOf } from './__fixtures__/lifecycle-kit.js';

interface RebuildOut {
  agent: { id: string; status: string };
  outcome: 'started' | 'starting' | 'stopped';
  builds: { id?: string; build_number?: number; transition?: string; status?: string }[];
  waited_ms: number;
  next_actions: { tool: string }[];
}

const BUILD_ROUTE = 'POST /api/v2/workspaces/{workspace}/builds';

describe('restart_agent (end to end against the simulator)', () => {
  let fx: FleetFixture;
  let rec: ReturnType<typeof recordingCaller>;
  beforeAll(async () => {
    fx = await startFleetFixture({ sim: { agents: 4, scenario: 'steady' } });
    rec = recordingCaller(fx.call);
  });
  afterAll(async () => fx.close());

  const withProgress = async (args: Record<string, unknown>): Promise<{ result: CallToolResult; progress: Progress[] }> => {
    const progress: Progress[] = [];
    const result = (await fx.client.callTool({ name: 'restart_agent', arguments: args }, undefined, { onprogress: (p) => progress.push(p) })) as CallToolResult;
    return { result, progress };
  };

  it('is a non-destructive write that is not idempotent (each call restarts again)', async () => {
    expect(await annotationsOf(fx.client, 'restart_agent')).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false });
  });

  it('stops then starts a running agent, waiting with progress and reporting both builds', async () => {
    const t = runningAgent(fx, 'idle');
    fx.resetCounters();
    const { result, progress } = await withProgress({ agent: `${t.owner}/${t.name}` });
    const out = structured<RebuildOut>(result);
    expect(out.outcome).toBe('started');
    expect(out.agent).toMatchObject({ id: t.id });
    expect(out).toMatchObject({ previous_status: 'idle' });
    expect(out.builds.map((b) => b.transition)).toEqual(['stop', 'start']);
    expect(out.builds.map((b) => b.status)).toEqual(['stopped', 'running']);
    expect(out.builds[1]?.build_number).toBe((out.builds[0]?.build_number ?? 0) + 1);
    expect(fx.counters()[BUILD_ROUTE]).toBe(2);
    expect(progress.length).toBeGreaterThan(0);
    expect(out.next_actions[0]?.tool).toBe('get_agent_details');
    expect(textOf(result)).toMatch(/restart_agent: agent .* \(was idle, now \w+\) is up again: Coder ran build #\d+ stop \(stopped\).*, then build #\d+ start \(running\)/);
    advanceUntil(fx, () => summaryOf(fx, t.id)?.status === 'active', 2_000);
  });

  it('recovers an offline agent (resume_agent cannot: Coder resumes only paused tasks), and details offer it', async () => {
    const t = runningAgent(fx, 'working');
    fx.sim.control.disconnectAgent(t.id);
    const details = structured<{ agent: { status: string }; next_actions: { tool: string }[] }>(await fx.call('get_agent_details', { agent: t.id, log_tail: 0 }));
    expect(details.agent.status).toBe('offline');
    expect(details.next_actions.map((n) => n.tool)).toContain('restart_agent');
    expect(details.next_actions.map((n) => n.tool)).not.toContain('resume_agent');
    const out = structured<RebuildOut>(await rec.call('restart_agent', { agent: t.id }));
    expect(out.outcome).toBe('started');
    advanceUntil(fx, () => summaryOf(fx, t.id)?.phase === 'working', 2_000);
    const after = structured<{ agent: { status: string } }>(await fx.call('get_agent_details', { agent: t.id, log_tail: 0 }));
    expect(after.agent.status).not.toBe('offline');
  });

  it('only starts a stopped (paused) agent', async () => {
    const t = await pausedAgent(fx);
    const out = structured<RebuildOut>(await rec.call('restart_agent', { agent: t.id }));
    expect(out.builds.map((b) => b.transition)).toEqual(['start']);
    expect(out.outcome).toBe('started');
  });

  it('waits for a build that is still running before stopping', async () => {
    const t = fx.sim.control.createTask({ owner: 'bob', template: 'python-dev', input: 'restart while building', name: 'restart-while-building' });
    const out = structured<RebuildOut>(await rec.call('restart_agent', { agent: t.id }));
    expect(out.builds.map((b) => b.transition)).toEqual(['stop', 'start']);
    expect(out.waited_ms).toBeGreaterThan(0);
  });

  it('reports a stop that outlasts the wait, and a second call only starts', async () => {
    const t = runningAgent(fx, 'idle');
    const first = structured<RebuildOut>(await rec.call('restart_agent', { agent: t.id, wait_timeout_ms: 0 }));
    expect(first.outcome).toBe('stopped');
    expect(first.builds.map((b) => b.transition)).toEqual(['stop']);
    expect(first.next_actions[0]?.tool).toBe('restart_agent');
    advanceUntil(fx, () => summaryOf(fx, t.id)?.phase === 'stopped', 2_000);
    const second = structured<RebuildOut>(await rec.call('restart_agent', { agent: t.id }));
    expect(second.builds.map((b) => b.transition)).toEqual(['start']);
  });

  it('reports a start build that fails, with its job error (an agent in error whose image cannot be pulled)', async () => {
    const t = fx.sim.control.createTask({ owner: 'bob', template: 'python-dev', input: 'doomed', name: 'restart-buildfail', persona: 'buildfail' });
    advanceUntil(fx, () => summaryOf(fx, t.id)?.status === 'error', 2_000);
    const r = await rec.call('restart_agent', { agent: t.id });
    const text = expectFailure(r, 'build_failed');
    expect(text).toContain('failed to pull image');
    expect(text).toContain('get_agent_details');
    expect(text).toMatch(/Builds run for this call: build #\d+ stop \(stopped\).*, build #\d+ start/);
  });

  it('refuses a Coder Agents chat clearly, naming what works instead', async () => {
    const chat = fx.sim.control.chats.create({ text: 'hello' });
    const text = expectFailure(await rec.call('restart_agent', { agent: chat.id }), 'not_supported');
    expect(text).toContain('interrupt_agent');
  });

  it('never returns the session token', () => {
    rec.expectNoToken(fx.sim.token);
  });
});
