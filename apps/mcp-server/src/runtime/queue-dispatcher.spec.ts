/**
 * The queue dispatcher against the simulator: queued input of a busy task agent is delivered exactly once when
 * the agent turns idle (head first, one per pass), a refused delivery marks the item failed and raises a
 * `queued_input_failed` warning through the watcher, a busy race puts the item back, and a claim left by a dead
 * lease holder is settled (delivered if the agent's log shows it, else re-queued), never sent twice.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FleetEvent } from '@org/fleet-domain';
import { startFleetFixture, type FleetFixture } from '../testing/client-fixture.js';
import { structured } from '../testing/tool-assertions.js';
import { runningAgent, summaryOf } from '../tools/lifecycle/__fixtures__/lifecycle-kit.js';

const SEND_ROUTE = 'POST /api/v2/tasks/{user}/{task}/send';

describe('queue dispatcher', () => {
  let fx: FleetFixture;
  const alerts: FleetEvent[] = [];
  beforeAll(async () => {
    fx = await startFleetFixture({ sim: { agents: 1, scenario: 'steady' } });
    // Passes are driven by hand here: no background timer races the assertions.
    await fx.runtime.background.stop();
    fx.runtime.watch.onBatch((b) => alerts.push(...b.entries.map((e) => e.event).filter((e) => e.kind === 'queued_input_failed')));
  });
  afterAll(async () => fx.close());
  beforeEach(() => {
    alerts.length = 0;
  });

  const queue = async (agent: string, input: string, priority = 'normal') => {
    const r = structured<{ queue_item: string }>(await fx.call('send_agent_input', { agent, input, priority }));
    await fx.runtime.background.stop(); // the send starts the lease beat; keep the passes manual
    return Number(r.queue_item);
  };
  const items = async (agentId: string, states: ('queued' | 'claimed' | 'delivered' | 'failed')[]) => {
    const r = await fx.runtime.store.run((s) => s.queue.list({ agentId, states }));
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  const sends = () => fx.counters()[SEND_ROUTE] ?? 0;
  const inputsInLog = async (owner: string, id: string) => {
    const logs = await fx.coder.getTaskLogs(owner, id);
    if (!logs.ok) throw new Error(logs.error.message);
    return logs.value.logs.filter((e) => e.type === 'input').map((e) => e.content);
  };

  it('delivers the head once the agent is idle, one item per pass, each exactly once, and journals it', async () => {
    const t = runningAgent(fx, 'working');
    await queue(t.id, 'second', 'normal');
    await queue(t.id, 'first', 'urgent');
    fx.resetCounters();
    expect(await fx.runtime.dispatcher.dispatchOnce()).toEqual([]); // still busy: nothing sent
    expect(sends()).toBe(0);

    fx.sim.control.setAgentState(t.id, 'idle');
    fx.runtime.backend.invalidate();
    const firstPass = await fx.runtime.dispatcher.dispatchOnce();
    expect(firstPass.map((o) => o.kind)).toEqual(['delivered']);
    expect(sends()).toBe(1);
    expect(summaryOf(fx, t.id)?.state).toBe('working');
    expect(await fx.runtime.dispatcher.dispatchOnce()).toEqual([]); // it is working on "first"

    fx.sim.control.setAgentState(t.id, 'idle');
    fx.runtime.backend.invalidate();
    expect((await fx.runtime.dispatcher.dispatchOnce()).map((o) => o.kind)).toEqual(['delivered']);
    expect(sends()).toBe(2);
    expect(await inputsInLog(t.owner, t.id)).toEqual(expect.arrayContaining(['first', 'second']));
    const log = await inputsInLog(t.owner, t.id);
    expect(log.indexOf('first')).toBeLessThan(log.indexOf('second'));
    expect(await items(t.id, ['queued', 'claimed'])).toEqual([]);
    expect((await items(t.id, ['delivered'])).map((i) => i.outcome)).toEqual([expect.stringMatching(/^delivered/), expect.stringMatching(/^delivered/)]);

    const journal = await fx.runtime.store.run((s) => s.mutations.list({ agentId: t.id }));
    expect(journal.ok && journal.value.filter((m) => m.tool === 'send_agent_input (queued)').map((m) => m.outcome)).toEqual(['delivered', 'delivered']);
    expect(alerts).toEqual([]);
  });

  /** A queued item whose agent is idle now, and one pass while Coder answers `status` to the send. */
  const passWithFault = async (input: string, status: number, message: string) => {
    const t = runningAgent(fx, 'working');
    const id = await queue(t.id, input);
    fx.sim.control.setAgentState(t.id, 'idle');
    fx.runtime.backend.invalidate();
    const fault = fx.sim.control.faults.status(status, { route: SEND_ROUTE, message, times: 1 });
    try {
      return { t, id, pass: await fx.runtime.dispatcher.dispatchOnce() };
    } finally {
      fx.sim.control.faults.clear(fault);
    }
  };

  it('a refused delivery marks the item failed and raises a queued_input_failed warning', async () => {
    const { t, id, pass } = await passWithFault('doomed', 400, 'Input rejected.');
    expect(pass).toEqual([{ kind: 'failed', itemId: id, agentId: t.id, reason: expect.stringMatching(/HTTP 400/) }]);
    expect((await items(t.id, ['failed'])).map((i) => i.id)).toEqual([id]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'queued_input_failed', severity: 'warning', agentId: t.id, queueItem: String(id) });
    expect(alerts[0]?.message).toMatch(/send_agent_input/);
    expect(await fx.runtime.dispatcher.dispatchOnce()).toEqual([]); // never retried
  });

  it('a busy race (Coder answers 409) puts the item back in its place; the next pass delivers it once', async () => {
    const { t, id, pass } = await passWithFault('raced', 409, 'Task is busy.');
    expect(pass.map((o) => o.kind)).toEqual(['released']);
    expect((await items(t.id, ['queued'])).map((i) => i.id)).toEqual([id]);
    expect((await fx.runtime.dispatcher.dispatchOnce()).map((o) => o.kind)).toEqual(['delivered']);
    expect((await inputsInLog(t.owner, t.id)).filter((c) => c === 'raced')).toHaveLength(1);
  });

  it("settles a dead holder's claim: re-queued when the log does not show it, delivered (not re-sent) when it does", async () => {
    const t = runningAgent(fx, 'working');
    const notSent = await queue(t.id, 'claimed, never sent');
    const sentBeforeDeath = await queue(t.id, 'claimed and sent');
    // A holder that died: it claimed the first item and crashed; then (another time) claimed and sent the second.
    const claimed = await fx.runtime.store.run((s) => s.queue.claim(t.id, 'dead-holder'));
    expect(claimed.ok && claimed.value?.id).toBe(notSent);
    fx.advance(20_000);
    fx.runtime.backend.invalidate();
    const settled = await fx.runtime.dispatcher.dispatchOnce();
    expect(settled).toEqual([{ kind: 'released', itemId: notSent, agentId: t.id, reason: expect.any(String) }]);

    const second = await fx.runtime.store.run((s) => s.queue.claim(t.id, 'dead-holder'));
    expect(second.ok && second.value?.id).toBe(notSent); // back at the head
    const release = await fx.runtime.store.run((s) => s.queue.release(notSent));
    expect(release.ok).toBe(true);
    await fx.runtime.store.run((s) => s.queue.promote(sentBeforeDeath));
    const third = await fx.runtime.store.run((s) => s.queue.claim(t.id, 'dead-holder'));
    expect(third.ok && third.value?.id).toBe(sentBeforeDeath);
    fx.sim.control.setAgentState(t.id, 'idle');
    expect((await fx.coder.sendTaskInput(t.owner, t.id, 'claimed and sent')).ok).toBe(true);
    fx.advance(20_000);
    fx.resetCounters();
    fx.runtime.backend.invalidate();
    const pass = await fx.runtime.dispatcher.dispatchOnce();
    expect(pass).toContainEqual({ kind: 'delivered', itemId: sentBeforeDeath, agentId: t.id, recovered: true });
    expect(sends()).toBe(0); // the agent is working on it: the other item waits
    expect((await inputsInLog(t.owner, t.id)).filter((c) => c === 'claimed and sent')).toHaveLength(1);
    fx.sim.control.setAgentState(t.id, 'idle');
    fx.runtime.backend.invalidate();
    expect((await fx.runtime.dispatcher.dispatchOnce()).map((o) => o.kind)).toEqual(['delivered']);
    expect((await inputsInLog(t.owner, t.id)).filter((c) => c === 'claimed, never sent')).toHaveLength(1);
  });
});
