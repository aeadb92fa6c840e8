/**
 * Test helpers for the lifecycle specs (imported by *.tool.spec.ts only): agents in a known state on the
 * simulator, and a recorder that proves no result ever carries the Coder session token.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from '../../../testing/client-fixture.js';
import { annotationsOf } from '../../../testing/tool-assertions.js';

type SimState = 'working' | 'idle' | 'complete' | 'failure';
type TaskSummary = ReturnType<FleetFixture['sim']['control']['tasks']>[number];

let seq = 0;

/** What the agent helpers need: a simulator and a way to move its clock (the in-process or the HTTP fixture). */
type SimFixture = Pick<FleetFixture, 'sim' | 'advance'>;

/** Advances the simulator in steps until `done` (bounded). */
export function advanceUntil(fx: SimFixture, done: () => boolean, stepMs = 5_000, maxSteps = 100): void {
  for (let i = 0; i < maxSteps && !done(); i++) fx.advance(stepMs);
  if (!done()) throw new Error('simulator did not reach the expected state');
}

export const summaryOf = (fx: SimFixture, id: string): TaskSummary | undefined => fx.sim.control.tasks().find((t) => t.id === id);

/** A new, running agent of `owner` whose reported state is held at `state`. */
export function runningAgent(fx: SimFixture, state: SimState = 'idle', owner = 'alice'): TaskSummary {
  const t = fx.sim.control.createTask({ owner, template: 'python-dev', input: `lifecycle test ${++seq}`, name: `lc-${process.pid % 1000}-${seq}` });
  advanceUntil(fx, () => summaryOf(fx, t.id)?.status === 'active' && summaryOf(fx, t.id)?.phase === 'working');
  fx.sim.control.setAgentState(t.id, state);
  return summaryOf(fx, t.id) as TaskSummary;
}

/** A new agent, paused through Coder, its stop build finished. */
export async function pausedAgent(fx: FleetFixture, owner = 'alice'): Promise<TaskSummary> {
  const t = runningAgent(fx, 'idle', owner);
  const r = await fx.coder.pauseTask(t.owner, t.id);
  if (!r.ok) throw new Error(`pause failed: ${r.error.message}`);
  advanceUntil(fx, () => summaryOf(fx, t.id)?.phase === 'stopped', 2_000);
  return summaryOf(fx, t.id) as TaskSummary;
}

export type Recorder = ReturnType<typeof recordingCaller>;

/**
 * The start of a lifecycle tool's spec: a simulated fleet of 6 steady agents, a token-recording caller
 * (handed to `ready` once started), and the test that the tool's annotation hints say what it does.
 */
export function lifecycleSuite(tool: string, hints: { destructive: boolean; idempotent: boolean }, ready: (suite: { fx: FleetFixture; rec: Recorder }) => Promise<void> | void): void {
  let fx: FleetFixture | undefined;
  beforeAll(async () => {
    fx = await startFleetFixture({ sim: { agents: 6, scenario: 'steady' } });
    await ready({ fx, rec: recordingCaller(fx.call) });
  });
  afterAll(async () => fx?.close());
  const what = `${hints.destructive ? 'destructive' : 'non-destructive'}, ${hints.idempotent ? 'idempotent' : 'non-idempotent'}`;
  it(`is a ${what} write`, async () => {
    expect(await annotationsOf(fx!.client, tool)).toMatchObject({ readOnlyHint: false, destructiveHint: hints.destructive, idempotentHint: hints.idempotent, openWorldHint: false });
  });
}

/** Wraps `call` so every result can be checked for the session token at the end. */
export function recordingCaller(call: (name: string, args?: Record<string, unknown>) => Promise<CallToolResult>) {
  const seen: CallToolResult[] = [];
  return {
    call: async (name: string, args: Record<string, unknown> = {}) => {
      const r = await call(name, args);
      seen.push(r);
      return r;
    },
    expectNoToken(token: string) {
      expect(seen.length).toBeGreaterThan(0);
      for (const r of seen) expect(JSON.stringify(r)).not.toContain(token);
    },
  };
}

/**
 * A real race: `call` is started, its request to `route` is held back by the simulator (latency fault,
 * once), `meanwhile` changes the agent, then the held request reaches Coder and meets the new state.
 */
export async function duringRequest<T>(fx: FleetFixture, route: string, call: () => Promise<T>, meanwhile: () => Promise<void> | void, latencyMs = 300): Promise<T> {
  const fault = fx.sim.control.faults.latency(latencyMs, { route, times: 1 });
  const before = fx.counters()[route] ?? 0;
  try {
    const pending = call();
    for (let i = 0; i < 400 && (fx.counters()[route] ?? 0) <= before; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    await meanwhile();
    return await pending;
  } finally {
    fx.sim.control.faults.clear(fault);
  }
}
