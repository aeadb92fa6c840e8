/**
 * Fleet alerts end to end on the simulator's manual clock: simulator state change → watcher poll (driven
 * by the manual scheduler) → journal → a waiting get_fleet_events call / logging notification / resource
 * update. No wall-clock assertions.
 */
import { LoggingMessageNotificationSchema, ResourceUpdatedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createCoderClient } from '@org/coder-api-client';
import { afterEach, describe, expect, it } from 'vitest';
import { textOf } from '../testing/in-process.js';
import { expectFailure, structured } from '../testing/tool-assertions.js';
import { startWatchFixture, type WatchFixture } from '../testing/watch-fixture.js';
import type { FleetEventView as EventView } from '../views/fleet-event.js';

interface EventsOut {
  events: EventView[];
  next_cursor: string;
  has_more: boolean;
  cursor_too_old: boolean;
  cursor_issue?: string;
  oldest_cursor: string;
  waited: boolean;
  timed_out: boolean;
  watcher: { state: string; consecutive_failures: number; backoff_ms: number; last_error: { kind: string } | null; interested: number };
}

let fx: WatchFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const events = (r: CallToolResult) => structured<EventsOut>(r);

async function readJson(f: WatchFixture, uri: string) {
  const first = (await f.main.client.readResource({ uri })).contents[0];
  return JSON.parse(first && 'text' in first ? first.text : 'null');
}

async function cursorNow(f: WatchFixture): Promise<string> {
  return events(await f.main.call('get_fleet_events', {})).next_cursor;
}

function activeAgents(f: WatchFixture, state?: string) {
  return f.sim.control.tasks().filter((x) => x.status === 'active' && (state === undefined || x.state === state));
}
function activeAgent(f: WatchFixture, state = 'working') {
  const t = activeAgents(f, state)[0];
  if (!t) throw new Error(`no active ${state} agent in the sim`);
  return t;
}

/** Starts a waiting get_fleet_events call, makes the change, advances the clock, returns the result. */
async function waitFor(f: WatchFixture, args: Record<string, unknown>, change: () => void, advanceMs: number): Promise<EventsOut> {
  const pending = f.main.call('get_fleet_events', { wait_ms: 30_000, ...args });
  await f.until(() => f.watch.health().waiters === 1, 'the wait to start');
  change();
  await f.advance(advanceMs);
  return events(await pending);
}

describe('alert rules, end to end to a waiting get_fleet_events call', () => {
  it('agent failed/crashed: immediate, critical, with the build error as reason (US6.1)', async () => {
    const f = (fx = await startWatchFixture());
    const since = await cursorNow(f);
    const agent = activeAgent(f);
    const out = await waitFor(f, { since, kinds: ['agent_failed'] }, () => f.sim.control.failWorkspace(agent.id, 'terraform apply: exit status 1: out of disk'), 2_000);
    expect(out).toMatchObject({ waited: true, timed_out: false });
    expect(out.events).toHaveLength(1);
    expect(out.events[0]).toMatchObject({ kind: 'agent_failed', severity: 'critical', agent_id: agent.id, agent: `${agent.owner}/${agent.name}` });
    expect(out.events[0]?.details['reason']).toContain('out of disk');
    expect(out.events[0]?.message).toContain('out of disk');
  });

  it('task completed (after the debounce confirms it)', async () => {
    const f = (fx = await startWatchFixture());
    const since = await cursorNow(f);
    const agent = activeAgent(f);
    const out = await waitFor(f, { since, kinds: ['task_completed'], agent: agent.id }, () => f.sim.control.setAgentState(agent.id, 'complete', { message: 'Opened PR #42' }), 6_000);
    expect(out.events.map((e) => e.kind)).toEqual(['task_completed']);
    expect(out.events[0]?.message).toContain('Opened PR #42');
  });

  it('agent needs input (reported failure = blocked)', async () => {
    const f = (fx = await startWatchFixture());
    const since = await cursorNow(f);
    const agent = activeAgent(f);
    const out = await waitFor(f, { since, kinds: ['needs_input'], agent: `${agent.owner}/${agent.name}` }, () => f.sim.control.setAgentState(agent.id, 'failure', { message: 'Which database should I use?' }), 6_000);
    expect(out.events).toHaveLength(1);
    expect(out.events[0]).toMatchObject({ kind: 'needs_input', severity: 'warning', details: { reason: 'blocked' } });
  });

  it('task stuck: busy with no state change beyond --stuck-minutes (US6.2)', async () => {
    const f = (fx = await startWatchFixture({ config: { stuckMinutes: 1 } }));
    const agent = activeAgent(f);
    f.sim.control.setAgentState(agent.id, 'working', { message: 'grinding through the migration' });
    const since = await cursorNow(f);
    await f.advance(40_000); // nobody listens: time passes, no polling
    const out = await waitFor(f, { since, kinds: ['stuck'], agent: agent.id }, () => undefined, 30_000);
    expect(out.events).toHaveLength(1);
    expect(out.events[0]).toMatchObject({ kind: 'stuck', severity: 'warning', agent_id: agent.id });
  });

  it('agent offline, then recovered', async () => {
    const f = (fx = await startWatchFixture());
    const agent = activeAgent(f);
    const since = await cursorNow(f);
    const offline = await waitFor(f, { since, kinds: ['agent_offline'], agent: agent.id }, () => f.sim.control.disconnectAgent(agent.id, 'agent has lost connection'), 6_000);
    expect(offline.events).toHaveLength(1);
    expect(offline.events[0]).toMatchObject({ kind: 'agent_offline', severity: 'warning' });
    const recovered = await waitFor(f, { since: offline.next_cursor, kinds: ['agent_recovered'], agent: agent.id }, () => f.sim.control.reconnectAgent(agent.id), 6_000);
    expect(recovered.events.map((e) => e.kind)).toEqual(['agent_recovered']);
  });

  it('capacity warning at 90% of --capacity (US6.3), and its recovery', async () => {
    const f = (fx = await startWatchFixture({ sim: { agents: 0 }, config: { capacity: 10 } }));
    const since = await cursorNow(f);
    const created: { id: string; owner: string }[] = [];
    const warning = await waitFor(
      f,
      { since, kinds: ['capacity_warning'] },
      () => {
        for (let i = 0; i < 9; i++) created.push(f.sim.control.createTask({ input: `task ${i}`, template: 'python-dev' }));
      },
      6_000,
    );
    expect(warning.events).toHaveLength(1);
    expect(warning.events[0]).toMatchObject({ kind: 'capacity_warning', severity: 'warning', details: { used: 9, capacity: 10 } });
    const coder = createCoderClient({ baseUrl: f.sim.url, sessionToken: f.sim.token, retry: { retries: 0 } });
    const recovered = await waitFor(
      f,
      { since: warning.next_cursor, kinds: ['capacity_recovered'] },
      () => {
        for (const t of created.slice(0, 3)) void coder.deleteTask(t.owner, t.id);
      },
      120_000,
    );
    expect(recovered.events).toHaveLength(1);
    expect(recovered.events[0]?.kind).toBe('capacity_recovered');
    expect(Number(recovered.events[0]?.details['ratio'])).toBeLessThan(0.85);
  });

  it('a wait with no matching event times out cleanly after wait_ms', async () => {
    const f = (fx = await startWatchFixture());
    const since = await cursorNow(f);
    const pending = f.main.call('get_fleet_events', { since, wait_ms: 5_000, kinds: ['agent_failed'] });
    await f.until(() => f.watch.health().waiters === 1);
    await f.advance(6_000);
    const out = events(await pending);
    expect(out).toMatchObject({ events: [], waited: true, timed_out: true, next_cursor: expect.any(String) });
    expect(textOf(await f.main.call('get_fleet_events', { since, wait_ms: 30_001 }))).toMatch(/validation|invalid/i);
  });
});

describe('debouncing', () => {
  it('a disconnect shorter than the debounce window raises nothing; a lasting one reports the suppressed flap', async () => {
    const f = (fx = await startWatchFixture({ config: { watchDebounceMs: 4_000 } }));
    const agent = activeAgent(f);
    const release = f.watch.acquire('test');
    await f.advance(0);
    const since = f.watch.journal.currentCursor();
    f.sim.control.disconnectAgent(agent.id);
    await f.advance(2_000);
    f.sim.control.reconnectAgent(agent.id);
    await f.advance(6_000);
    const quiet = events(await f.main.call('get_fleet_events', { since, agent: agent.id, kinds: ['status_changed', 'agent_offline', 'agent_recovered'] }));
    expect(quiet.events).toEqual([]);
    f.sim.control.disconnectAgent(agent.id);
    await f.advance(6_000);
    const loud = events(await f.main.call('get_fleet_events', { since, agent: agent.id, kinds: ['status_changed', 'agent_offline'] }));
    expect(loud.events.map((e) => e.kind)).toEqual(['status_changed', 'agent_offline']);
    expect(loud.events[0]?.details).toMatchObject({ to: 'offline', flaps: 1 });
    release();
  });
});

describe('cursor semantics', () => {
  it('no since → current cursor and recent events; since → only later events; limit pages with has_more', async () => {
    const f = (fx = await startWatchFixture());
    const first = events(await f.main.call('get_fleet_events', {}));
    expect(first.events).toEqual([]);
    const release = f.watch.acquire('test');
    const agents = activeAgents(f).slice(0, 3);
    for (const [i, a] of agents.entries()) f.sim.control.setAgentState(a.id, a.state === 'idle' ? 'working' : 'idle', { message: `step ${i}` });
    await f.advance(2_000);
    const page1 = events(await f.main.call('get_fleet_events', { since: first.next_cursor, kinds: ['state_changed'], limit: 2 }));
    expect(page1.events.map((e) => e.details['state_message'])).toEqual(['step 0', 'step 1']);
    expect(page1.has_more).toBe(true);
    const page2 = events(await f.main.call('get_fleet_events', { since: page1.next_cursor, kinds: ['state_changed'], limit: 2 }));
    expect(page2.events.map((e) => e.details['state_message'])).toEqual(['step 2']);
    expect(page2.has_more).toBe(false);
    const again = events(await f.main.call('get_fleet_events', { since: page2.next_cursor, kinds: ['state_changed'] }));
    expect(again.events).toEqual([]);
    // Cursors increase with the sequence; the no-since call now shows the recent events.
    expect(page1.events[0]!.seq).toBeLessThan(page2.events[0]!.seq);
    const recent = events(await f.main.call('get_fleet_events', { kinds: ['state_changed'], limit: 2 }));
    expect(recent.events.map((e) => e.details['state_message'])).toEqual(['step 1', 'step 2']);
    release();
  });

  it('rejects a malformed cursor with invalid_cursor', async () => {
    const f = (fx = await startWatchFixture());
    expectFailure(await f.main.call('get_fleet_events', { since: 'not a cursor' }), 'invalid_cursor');
  });

  it('the durable journal keeps what the bounded in-memory journal evicts; a foreign cursor is recognised', async () => {
    const f = (fx = await startWatchFixture({ sim: { agents: 40 }, config: { journalSize: 10 } }));
    const since = await cursorNow(f);
    const release = f.watch.acquire('test');
    for (const [i, a] of activeAgents(f).slice(0, 12).entries()) f.sim.control.setAgentState(a.id, a.state === 'idle' ? 'working' : 'idle', { message: `m${i}` });
    await f.advance(2_000);
    expect(f.watch.health().journal.evicted).toBeGreaterThan(0);
    const out = events(await f.main.call('get_fleet_events', { since, limit: 200 }));
    expect(out.cursor_too_old).toBe(false);
    expect(out.events.filter((e) => e.kind === 'state_changed')).toHaveLength(12);
    expect(out.events.every((e) => /^j-\d+$/.test(e.cursor))).toBe(true);
    // A cursor from another journal (another store, or the in-memory journal of a process gone) is recognised.
    const restarted = events(await f.main.call('get_fleet_events', { since: 'deadbeef-3' }));
    expect(restarted).toMatchObject({ cursor_too_old: true, cursor_issue: 'other_epoch' });
    const future = events(await f.main.call('get_fleet_events', { since: 'j-999999' }));
    expect(future).toMatchObject({ cursor_too_old: true, cursor_issue: 'future' });
    release();
  });
});

describe('push delivery per session', () => {
  it('resource subscriptions: updated notifications for the subscribed URIs only, per session; unsubscribe and close release the watcher', async () => {
    const f = (fx = await startWatchFixture());
    const [a, b] = activeAgents(f);
    if (!a || !b) throw new Error('need two active agents');
    const other = await f.openSession();
    const gotMain: string[] = [];
    const gotOther: string[] = [];
    f.main.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void gotMain.push(n.params.uri));
    other.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void gotOther.push(n.params.uri));

    expect(f.watch.health().state).toBe('stopped');
    await f.main.client.subscribeResource({ uri: `fleet://agents/${a.id}` });
    await f.main.client.subscribeResource({ uri: 'fleet://events' });
    await other.client.subscribeResource({ uri: `fleet://agents/${b.id}` });
    expect(f.watch.health()).toMatchObject({ state: 'running', interested: 2 });
    await f.advance(0); // baseline poll

    f.sim.control.failWorkspace(a.id);
    await f.advance(2_000);
    await f.until(() => gotMain.length >= 2, 'notifications');
    expect(new Set(gotMain)).toEqual(new Set([`fleet://agents/${a.id}`, 'fleet://events']));
    expect(gotOther).toEqual([]);

    await f.main.client.unsubscribeResource({ uri: 'fleet://events' });
    gotMain.length = 0;
    f.sim.control.failWorkspace(b.id);
    await f.advance(2_000);
    await f.until(() => gotOther.length >= 1, 'notification for the other session');
    expect(gotOther).toEqual([`fleet://agents/${b.id}`]);
    expect(gotMain).toEqual([]);

    await other.close();
    await f.main.client.unsubscribeResource({ uri: `fleet://agents/${a.id}` });
    expect(f.watch.health()).toMatchObject({ state: 'stopped', interested: 0 });
  });

  it('subscribing to an unknown URI is an InvalidParams error; resources read as JSON; an unknown agent is InvalidParams', async () => {
    const f = (fx = await startWatchFixture());
    await expect(f.main.client.subscribeResource({ uri: 'fleet://nope' })).rejects.toMatchObject({ code: -32602 });
    const status = await readJson(f, 'fleet://status');
    expect(status).toMatchObject({ total: 24, watcher: { state: 'stopped' } });
    const agent = activeAgent(f);
    const one = await readJson(f, `fleet://agents/${agent.id}`);
    expect(one.agent).toMatchObject({ id: agent.id, name: agent.name });
    const byName = await readJson(f, `fleet://agents/${agent.name}`);
    expect(byName.agent.id).toBe(agent.id);
    await expect(f.main.client.readResource({ uri: 'fleet://agents/no-such-agent' })).rejects.toMatchObject({ code: -32602 });
    const ev = await readJson(f, 'fleet://events');
    expect(ev).toMatchObject({ cursor: expect.any(String), events: [] });
    const { resources } = await f.main.client.listResources();
    expect(resources.length).toBeLessThanOrEqual(102);
    expect(resources.map((r) => r.uri)).toEqual(expect.arrayContaining(['fleet://status', 'fleet://events', `fleet://agents/${agent.id}`]));
    const { resourceTemplates } = await f.main.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(['fleet://agents/{id}']);
  });

  it('logging notifications carry warning/error alerts, filtered by each session’s logging/setLevel', async () => {
    const f = (fx = await startWatchFixture());
    const [a, b] = activeAgents(f);
    if (!a || !b) throw new Error('need two active agents');
    const other = await f.openSession();
    const gotMain: { level: string; kind: unknown }[] = [];
    const gotOther: { level: string; kind: unknown }[] = [];
    f.main.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void gotMain.push({ level: n.params.level, kind: (n.params.data as { kind?: string }).kind }));
    other.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void gotOther.push({ level: n.params.level, kind: (n.params.data as { kind?: string }).kind }));
    await f.main.client.setLoggingLevel('error');
    const release = f.watch.acquire('test');
    await f.advance(0);
    f.sim.control.disconnectAgent(a.id);
    f.sim.control.failWorkspace(b.id);
    await f.advance(6_000);
    await f.until(() => gotOther.some((m) => m.kind === 'agent_offline') && gotMain.length > 0, 'logging notifications');
    expect(gotMain.map((m) => m.kind)).toEqual(['agent_failed']); // status_changed is not an alert kind
    expect(gotMain[0]?.level).toBe('error');
    expect(gotOther.map((m) => m.kind)).toEqual(expect.arrayContaining(['agent_failed', 'agent_offline']));
    expect(gotOther.find((m) => m.kind === 'agent_offline')?.level).toBe('warning');
    expect(gotOther.every((m) => m.level === 'warning' || m.level === 'error')).toBe(true);
    release();
  });
});

describe('watcher lifecycle and resilience', () => {
  it('makes no tasks-list request while nobody listens, and stops after the last wait ends', async () => {
    const f = (fx = await startWatchFixture());
    f.sim.control.resetCounters();
    await f.advance(60_000);
    expect(f.tasksListRequests()).toBe(0);
    expect(f.watch.health().nextPollAt).toBeNull(); // no poll armed (the store lease beat is the only timer)
    const since = await cursorNow(f);
    expect(f.tasksListRequests()).toBe(1);
    await f.advance(60_000);
    expect(f.tasksListRequests()).toBe(1);
    // A wait that nothing matches (no capacity configured): the watcher polls once per interval meanwhile.
    const pending = f.main.call('get_fleet_events', { since, wait_ms: 10_000, kinds: ['capacity_warning'] });
    await f.until(() => f.watch.health().waiters === 1);
    await f.advance(11_000);
    expect(events(await pending).timed_out).toBe(true);
    const during = f.tasksListRequests();
    expect(during).toBe(1 + 1 + 4); // cursorNow, the wait's fresh poll, then one per 2 s cycle until the wait ends at 10 s
    await f.advance(60_000);
    expect(f.tasksListRequests()).toBe(during);
    expect(f.watch.health().state).toBe('stopped');
  });

  it('a cancelled wait (client cancellation) ends the wait and releases the watcher', async () => {
    const f = (fx = await startWatchFixture());
    const since = await cursorNow(f);
    const controller = new AbortController();
    const pending = f.main.client.callTool({ name: 'get_fleet_events', arguments: { since, wait_ms: 30_000 } }, undefined, { signal: controller.signal });
    await f.until(() => f.watch.health().waiters === 1);
    expect(f.watch.health().state).toBe('running');
    controller.abort();
    await expect(pending).rejects.toThrow();
    await f.until(() => f.watch.health().waiters === 0 && f.watch.health().interested === 0, 'release');
    expect(f.watch.health().state).toBe('stopped');
    expect(f.watch.health().nextPollAt).toBeNull();
  });

  it('always-on mode polls without listeners (one request per cycle)', async () => {
    const f = (fx = await startWatchFixture({ config: { watchAlwaysOn: true } }));
    f.sim.control.resetCounters();
    await f.advance(20_000);
    expect(f.tasksListRequests()).toBe(11);
    expect(f.watch.health()).toMatchObject({ state: 'running', cycles: 11 });
    expect(f.watch.health().lastCycleCpuMs).toEqual(expect.any(Number));
    expect(f.watch.health().agents).toBe(24);
  });

  it('survives dropped connections (network errors) and malformed bodies without throwing', async () => {
    const f = (fx = await startWatchFixture());
    const release = f.watch.acquire('test');
    await f.advance(0);
    f.sim.control.faults.drop({ route: 'GET /api/v2/tasks', times: 1 });
    f.sim.control.faults.malformed({ route: 'GET /api/v2/tasks', times: 1 });
    await f.advance(2_000);
    expect(f.watch.health()).toMatchObject({ state: 'backing_off', consecutiveFailures: 1, lastError: { kind: 'network' } });
    await f.advance(4_000);
    expect(f.watch.health()).toMatchObject({ consecutiveFailures: 2, lastError: { kind: 'unexpected_response' } });
    await f.advance(8_000);
    expect(f.watch.health()).toMatchObject({ state: 'running', consecutiveFailures: 0 });
    const out = events(await f.main.call('get_fleet_events', {}));
    expect(out.watcher.state).toBe('running');
    release();
  });

  it('backs off exponentially on 503 (capped), honours Retry-After on 429, recovers, and never fails the tool', async () => {
    const f = (fx = await startWatchFixture({ config: { watchMaxBackoffMs: 16_000 } }));
    const release = f.watch.acquire('test');
    await f.advance(0);
    expect(f.watch.health().consecutiveFailures).toBe(0);
    const fault = f.sim.control.faults.status(503, { route: 'GET /api/v2/tasks' });
    f.sim.control.resetCounters();
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      await f.advance(i === 0 ? 2_000 : (delays.at(-1) ?? 0));
      delays.push(f.watch.health().backoffMs);
    }
    expect(delays).toEqual([4_000, 8_000, 16_000, 16_000, 16_000]);
    expect(f.tasksListRequests()).toBe(5);
    expect(f.watch.health()).toMatchObject({ state: 'backing_off', consecutiveFailures: 5, lastError: { kind: 'upstream_unavailable', status: 503 } });

    // The pull tool still answers, reporting the degraded watcher, without hammering Coder.
    const during = events(await f.main.call('get_fleet_events', {}));
    expect(during.watcher).toMatchObject({ state: 'backing_off', consecutive_failures: 5 });
    expect(f.tasksListRequests()).toBe(5);

    f.sim.control.faults.clear(fault);
    f.sim.control.faults.status(429, { route: 'GET /api/v2/tasks', retryAfterSeconds: 7, times: 1 });
    await f.advance(16_000);
    expect(f.watch.health()).toMatchObject({ backoffMs: 7_000, lastError: { kind: 'rate_limited' } });
    await f.advance(6_000);
    expect(f.tasksListRequests()).toBe(6);
    await f.advance(1_000);
    expect(f.tasksListRequests()).toBe(7);
    expect(f.watch.health()).toMatchObject({ state: 'running', consecutiveFailures: 0, backoffMs: 0, lastError: null });
    release();
  });
});

describe('no duplicate or lost events', () => {
  it('~200 random state transitions are each delivered exactly once, matching the simulator transition log', async () => {
    const f = (fx = await startWatchFixture({ sim: { agents: 60 } }));
    const frozen = activeAgents(f);
    expect(frozen.length).toBeGreaterThan(10);
    const states = ['working', 'idle', 'complete', 'failure'] as const;
    const current = new Map<string, string>();
    // Freeze the chosen agents (setAgentState without holdMs stops their own lifecycle).
    for (const a of frozen) {
      f.sim.control.setAgentState(a.id, 'working', { message: `frozen ${a.name}` });
      current.set(a.id, 'working');
    }
    const cursor = await cursorNow(f);
    const baselineSeq = f.sim.control.transitions().at(-1)?.seq ?? 0;
    const release = f.watch.acquire('test');
    let rng = 12345;
    const random = (n: number) => {
      rng = (rng * 1103515245 + 12345) % 2 ** 31;
      return rng % n;
    };
    const sent: string[] = [];
    while (sent.length < 200) {
      // At most one change per agent per poll cycle (the watcher sees net state per poll).
      const picked = new Set<string>();
      const perCycle = 1 + random(8);
      for (let k = 0; k < perCycle && sent.length < 200; k++) {
        const a = frozen[random(frozen.length)]!;
        if (picked.has(a.id)) continue;
        picked.add(a.id);
        const options = states.filter((s) => s !== current.get(a.id));
        const next = options[random(options.length)]!;
        const message = `transition ${sent.length}`;
        f.sim.control.setAgentState(a.id, next, { message });
        current.set(a.id, next);
        sent.push(message);
      }
      await f.advance(2_000);
    }
    await f.advance(2_000);
    release();

    const delivered: EventView[] = [];
    let since = cursor;
    for (;;) {
      const page = events(await f.main.call('get_fleet_events', { since, kinds: ['state_changed'], limit: 200, fold_state_reports: false }));
      expect(page.cursor_too_old).toBe(false);
      delivered.push(...page.events);
      since = page.next_cursor;
      if (!page.has_more) break;
    }
    const frozenIds = new Set(frozen.map((a) => a.id));
    const mine = delivered.filter((e) => frozenIds.has(e.agent_id ?? ''));
    const messages = mine.map((e) => String(e.details['state_message']));
    expect(new Set(messages).size).toBe(messages.length); // no duplicates
    expect([...messages].sort()).toEqual([...sent].sort()); // none lost, none invented
    expect(new Set(delivered.map((e) => e.seq)).size).toBe(delivered.length);

    // The simulator's own log agrees: one `state` transition per delivered event, same agent, same order.
    // (Within one poll cycle events follow the fleet list order, so compare per agent.)
    const logged = f.sim.control.transitions(baselineSeq).filter((t) => t.field === 'state' && frozenIds.has(t.taskId));
    expect(logged).toHaveLength(mine.length);
    const norm = (s: string | null) => (s === 'failure' ? 'failed' : String(s));
    for (const id of frozenIds) {
      const fromEvents = mine.filter((e) => e.agent_id === id).map((e) => String(e.details['state']));
      const fromLog = logged.filter((t) => t.taskId === id).map((t) => norm(t.to));
      expect(fromEvents, id).toEqual(fromLog);
    }
  });
});
