/**
 * #15 item 5, events a model can follow: a per-call limit with a summary of what was left out, each agent's
 * state-report noise folded, and an `agent` filter that waits for the severity asked for.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { textOf } from '../../testing/in-process.js';
import { structured } from '../../testing/tool-assertions.js';
import { startWatchFixture, type WatchFixture } from '../../testing/watch-fixture.js';
import type { FleetEventPageView } from '../../views/fleet-event.js';
import { LARGE_FLEET_AGENTS } from '@org/fleet-domain';

let fx: WatchFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const page = (r: CallToolResult) => structured<FleetEventPageView>(r);
const cursorNow = async (f: WatchFixture) => page(await f.main.call('get_fleet_events', {})).next_cursor;
const active = (f: WatchFixture) => f.sim.control.tasks().filter((t) => t.status === 'active');

describe('get_fleet_events a model can follow', () => {
  it("folds one agent's repeated state reports into the newest, counting them", async () => {
    const f = (fx = await startWatchFixture());
    const since = await cursorNow(f);
    const release = f.watch.acquire('test');
    const agent = active(f)[0]!;
    for (const [i, state] of (['idle', 'working', 'idle'] as const).entries()) {
      f.sim.control.setAgentState(agent.id, state, { message: `step ${i}` });
      await f.advance(2_000);
    }
    const out = page(await f.main.call('get_fleet_events', { since, agent: agent.id, kinds: ['state_changed'] }));
    expect(out.events).toHaveLength(1);
    expect(out.events[0]?.details).toMatchObject({ state_message: 'step 2', collapsed: 2 });
    expect(textOf(await f.main.call('get_fleet_events', { since, agent: agent.id, kinds: ['state_changed'] }))).toContain('(+2 earlier reports folded)');
    expect(out.has_more).toBe(false);
    release();
  });

  it('stops at the limit and says what it left out; the next page starts right after', async () => {
    const f = (fx = await startWatchFixture());
    const since = await cursorNow(f);
    const release = f.watch.acquire('test');
    const agents = active(f).slice(0, 5);
    for (const [i, a] of agents.entries()) f.sim.control.setAgentState(a.id, a.state === 'idle' ? 'working' : 'idle', { message: `agent ${i}` });
    await f.advance(2_000);
    const first = page(await f.main.call('get_fleet_events', { since, kinds: ['state_changed'], limit: 2 }));
    expect(first.events.map((e) => e.details['state_message'])).toEqual(['agent 0', 'agent 1']);
    expect(first).toMatchObject({ has_more: true, left_out: { count: 3, by_kind: { state_changed: 3 }, by_severity: { info: 3 }, agents: 3 } });
    expect(textOf(await f.main.call('get_fleet_events', { since, kinds: ['state_changed'], limit: 2 }))).toMatch(/Left out \(limit reached\): 3 more matching events from 3 agents \(state_changed 3; info 3\)/);
    const second = page(await f.main.call('get_fleet_events', { since: first.next_cursor, kinds: ['state_changed'], limit: 2 }));
    expect(second.events.map((e) => e.details['state_message'])).toEqual(['agent 2', 'agent 3']);
    const third = page(await f.main.call('get_fleet_events', { since: second.next_cursor, kinds: ['state_changed'], limit: 2 }));
    expect(third.events.map((e) => e.details['state_message'])).toEqual(['agent 4']);
    expect(third.has_more).toBe(false);
    expect(third.left_out).toBeUndefined();
    release();
  });

  it('an agent filter waits for the severity asked for: its info reports do not end the wait, its warning does', async () => {
    const f = (fx = await startWatchFixture());
    const since = await cursorNow(f);
    const agent = active(f)[0]!;
    const pending = f.main.call('get_fleet_events', { since, agent: `${agent.owner}/${agent.name}`, min_severity: 'warning', wait_ms: 30_000 });
    await f.until(() => f.watch.health().waiters === 1, 'the wait to start');
    f.sim.control.setAgentState(agent.id, agent.state === 'idle' ? 'working' : 'idle', { message: 'just an info report' });
    await f.advance(4_000);
    expect(f.watch.health().waiters).toBe(1); // still waiting: an info event of this agent is not what was asked for
    f.sim.control.disconnectAgent(agent.id);
    await f.advance(6_000);
    const out = page(await pending);
    expect(out).toMatchObject({ waited: true, timed_out: false });
    expect(out.events.length).toBeGreaterThan(0);
    expect(out.events.every((e) => e.severity !== 'info' && e.agent_id === agent.id)).toBe(true);
    expect(out.events.map((e) => e.kind)).toContain('agent_offline');
  });

  it('the fleet://events resource folds state reports the same way', async () => {
    const f = (fx = await startWatchFixture());
    await cursorNow(f);
    const release = f.watch.acquire('test');
    const agent = active(f)[0]!;
    for (const [i, state] of (['idle', 'working', 'idle'] as const).entries()) {
      f.sim.control.setAgentState(agent.id, state, { message: `step ${i}` });
      await f.advance(2_000);
    }
    const res = await f.main.client.readResource({ uri: 'fleet://events' });
    const events = (JSON.parse(String((res.contents[0] as { text: string }).text)) as { events: FleetEventPageView['events'] }).events;
    const reports = events.filter((e) => e.kind === 'state_changed' && e.agent_id === agent.id);
    expect(reports).toHaveLength(1);
    expect(reports[0]?.details).toMatchObject({ state_message: 'step 2', collapsed: 2 });
    release();
  });

  it(`a large fleet (over ${LARGE_FLEET_AGENTS} agents) reads warnings and worse by default, and says so; agent, kinds or min_severity=info read the rest`, async () => {
    const f = (fx = await startWatchFixture({ sim: { agents: LARGE_FLEET_AGENTS + 20 } }));
    const since = await cursorNow(f);
    const release = f.watch.acquire('test');
    const [chatty, failing] = active(f);
    f.sim.control.setAgentState(chatty!.id, chatty!.state === 'idle' ? 'working' : 'idle', { message: 'an info report' });
    f.sim.control.disconnectAgent(failing!.id);
    await f.advance(6_000);
    const byDefault = await f.main.call('get_fleet_events', { since });
    const out = page(byDefault);
    expect(out.default_min_severity).toBe('warning');
    expect(out.events.map((e) => e.kind)).toContain('agent_offline');
    expect(out.events.every((e) => e.severity !== 'info')).toBe(true);
    expect(textOf(byDefault)).toContain('Large fleet: only warning events and worse by default; pass min_severity=info');
    const all = page(await f.main.call('get_fleet_events', { since, min_severity: 'info' }));
    expect(all.default_min_severity).toBeUndefined();
    expect(all.events.some((e) => e.kind === 'state_changed' && e.agent_id === chatty!.id)).toBe(true);
    const one = page(await f.main.call('get_fleet_events', { since, agent: chatty!.id }));
    expect(one.events.some((e) => e.kind === 'state_changed')).toBe(true);
    const kinds = page(await f.main.call('get_fleet_events', { since, kinds: ['state_changed'] }));
    expect(kinds.events.length).toBeGreaterThan(0);
    release();
  });
});
