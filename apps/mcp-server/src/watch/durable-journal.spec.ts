/**
 * #14 items 3 and 7, in one process: the journal lives in the store (a SQLite file here), so a second runtime on
 * the same file — what a restarted server is — reads on from an old cursor, reports what changed while nobody
 * watched (the watcher resumes from the committed snapshot), sees the mutations (with who, arguments without
 * secrets, outcome and Coder's status) and notices a conflict with a write made before the "restart".
 * The kill -9 versions (SQLite and Postgres, real processes) are in journal-restart.spec.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createCoderClient } from '@org/coder-api-client';
import { startCoderSim } from '@org/coder-sim';
import { openStore } from '@org/fleet-store';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../clock.js';
import { makeConfig } from '../config.js';
import { silentLogger } from '../log.js';
import { auditingFetch } from '../runtime/mutation-audit.js';
import { createFleetRuntime, type FleetRuntime } from '../runtime/fleet-runtime.js';
import { createStoreHandle, storeHandleForTarget, type StoreHandle } from '../runtime/store-handle.js';
import { createServer } from '../server.js';
import { connectInProcess, textOf, type InProcessClient } from '../testing/in-process.js';
import { structured } from '../testing/tool-assertions.js';
import type { AgentDetailsView } from '../views/agent-details.js';
import type { FleetEventPageView } from '../views/fleet-event.js';
import { createManualScheduler } from './manual-scheduler.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const page = (r: CallToolResult) => structured<FleetEventPageView>(r);
const names = (p: FleetEventPageView) => p.events.map((e) => `${e.kind}:${e.agent ?? ''}`);

async function world() {
  const sim = await startCoderSim({ clock: 'manual', seed: 7, agents: 12, scenario: 'steady' });
  cleanups.push(() => sim.stop());
  const dir = mkdtempSync(join(tmpdir(), 'fleet-journal-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const clock: Clock = { now: () => new Date(sim.control.now()) };
  const config = makeConfig({ coderUrl: sim.url, sessionToken: sim.token, watchIntervalMs: 2_000, watchDebounceMs: 2_000 });
  const scheduler = createManualScheduler({ now: () => sim.control.now(), moveClock: (ms) => sim.control.advance(ms) });
  const coder = createCoderClient({ baseUrl: sim.url, sessionToken: sim.token, timeoutMs: 5_000, retry: { retries: 0 }, fetch: auditingFetch });
  /** One "process": its own store handle on the shared file, runtime and session. */
  const start = async (given?: StoreHandle): Promise<{ runtime: FleetRuntime; store: StoreHandle; session: InProcessClient }> => {
    const store = given ?? storeHandleForTarget({ kind: 'sqlite', path: join(dir, 'fleet.db'), isDefault: false }, clock, silentLogger);
    const runtime = createFleetRuntime({ coder, clock, config, log: silentLogger, scheduler, store });
    const session = await connectInProcess(createServer({ coder, clock, config, log: silentLogger, runtime, session: { id: `s-${Math.random()}` } }));
    await runtime.journal.start();
    cleanups.push(async () => {
      runtime.watch.shutdown();
      await session.close();
      await store.close();
    });
    return { runtime, store, session };
  };
  return { sim, scheduler, start, clock };
}

describe('get_agent_details history from the journal', () => {
  it('shows transitions and changes (who, when, outcome) and, once the agent is deleted, when and by whom', async () => {
    const w = await world();
    const agent = w.sim.control.tasks().find((t) => t.status === 'active');
    if (!agent) throw new Error('need an active agent');
    const p = await w.start();
    const release = p.runtime.watch.acquire('test');
    await w.scheduler.advance(0);
    expect((await p.session.call('pause_agent', { agent: agent.id })).isError).toBeFalsy();
    await w.scheduler.advance(6_000);
    const live = structured<AgentDetailsView>(await p.session.call('get_agent_details', { agent: agent.id }));
    expect(live.journal?.mutations[0]).toMatchObject({ tool: 'pause_agent', outcome: 'ok', principal: expect.stringMatching(/^local/), session: expect.stringMatching(/^session-/) });
    expect(live.journal?.transitions.map((t) => t.kind)).toContain('status_changed');
    expect(live.journal?.deleted).toBeUndefined();

    expect((await p.session.call('delete_agent', { agent: agent.id, confirm: true })).isError).toBeFalsy();
    await w.scheduler.advance(6_000);
    for (const ref of [agent.id, `${agent.owner}/${agent.name}`]) {
      const gone = await p.session.call('get_agent_details', { agent: ref });
      expect(gone.isError).toBeFalsy();
      const view = structured<AgentDetailsView>(gone);
      expect(view.agent).toBeNull();
      expect(view.journal?.deleted).toMatchObject({ at: expect.any(String), by: expect.stringMatching(/^local/) });
      expect(view.journal?.transitions.map((t) => t.kind)).toContain('agent_deleted');
      expect(view.journal?.mutations.map((m) => m.tool)).toEqual(['delete_agent', 'pause_agent']);
      expect(textOf(gone)).toMatch(/^This agent no longer exists; the journal kept:\nDeleted \S+ by local/);
    }
    // An agent the journal never saw is still agent_not_found.
    expect((await p.session.call('get_agent_details', { agent: 'nobody/never-existed' })).isError).toBe(true);
    release();
  });
});

describe('durable fleet journal across a restart (one process, two runtimes on one SQLite file)', () => {
  it('an old cursor reads on; events while down are reported; mutations and conflicts survive', async () => {
    const w = await world();
    const active = w.sim.control.tasks().filter((t) => t.status === 'active');
    const [busy, failing, paused] = active;
    if (!busy || !failing || !paused) throw new Error('need three active agents');

    const first = await w.start();
    expect(first.runtime.background.isLeader()).toBe(true);
    const cursor0 = page(await first.session.call('get_fleet_events', {})).next_cursor;
    expect(cursor0).toMatch(/^j-\d+$/);
    const release = first.runtime.watch.acquire('test');
    w.sim.control.setAgentState(busy.id, busy.state === 'idle' ? 'working' : 'idle', { message: 'before the restart' });
    await w.scheduler.advance(2_000);
    const paused1 = await first.session.call('pause_agent', { agent: paused.id });
    expect(paused1.isError).toBeFalsy();
    const before = page(await first.session.call('get_fleet_events', { since: cursor0, limit: 200 }));
    expect(names(before)).toContain(`state_changed:${busy.owner}/${busy.name}`);
    const cursorA = before.next_cursor;

    // The "process" dies: its watcher stops, its store connection goes, its lease is left to expire.
    release();
    first.runtime.watch.shutdown();
    await first.store.close();
    // While nobody watches: a failure and a new agent.
    w.sim.control.failWorkspace(failing.id);
    const created = w.sim.control.createTask({ owner: 'bob', input: 'made while down', name: 'made-while-down' });

    const second = await w.start();
    // The dead holder's lease expires (ttl 15 s) and the new process takes over and resumes watching.
    const release2 = second.runtime.watch.acquire('test');
    await w.scheduler.advance(20_000);
    expect(second.runtime.background.isLeader()).toBe(true);
    await w.scheduler.advance(4_000);
    const resumed = page(await second.session.call('get_fleet_events', { since: cursorA, limit: 200 }));
    expect(resumed.cursor_too_old).toBe(false);
    expect(names(resumed)).toEqual(expect.arrayContaining([`agent_failed:${failing.owner}/${failing.name}`, `agent_created:bob/${created.name}`]));
    // Nothing from before the cursor is repeated, and the earlier events are still there from cursor0.
    expect(names(resumed)).not.toContain(`state_changed:${busy.owner}/${busy.name}`);
    const all = page(await second.session.call('get_fleet_events', { since: cursor0, limit: 200 }));
    expect(names(all)).toContain(`state_changed:${busy.owner}/${busy.name}`);
    // Audit reads by time and agent.
    const byAgent = page(await second.session.call('get_fleet_events', { since: '2000-01-01T00:00:00Z', agent: failing.id }));
    expect(byAgent.events.map((e) => e.kind)).toContain('agent_failed');

    // The mutation before the restart is journaled with who and what, and conflicts with a later one.
    const history = await second.store.run((s) => s.mutations.list({ agentId: paused.id }));
    expect(history.ok && history.value[0]).toMatchObject({ tool: 'pause_agent', outcome: 'ok', principal: expect.stringMatching(/^local/), arguments: { agent: paused.id } });
    expect(history.ok && history.value[0]?.coderStatus).toEqual(expect.any(Number));
    const resumedAgent = await second.session.call('resume_agent', { agent: paused.id });
    expect(JSON.stringify(resumedAgent.structuredContent)).toContain('pause_agent');
    expect((resumedAgent.structuredContent as { conflict?: unknown }).conflict).toBeDefined();
    release2();
  });
});

describe('degraded mode: a store that is down never stops the server (#14 item 8)', () => {
  it('answers from Coder and memory saying store: degraded, refuses old cursors clearly, buffers events and saves them once it is back', async () => {
    const w = await world();
    const agent = w.sim.control.tasks().find((t) => t.status === 'active');
    if (!agent) throw new Error('need an active agent');
    let down = true;
    const store = createStoreHandle({
      open: async () =>
        down
          ? { ok: false, error: { kind: 'unavailable', operation: 'open', message: 'the database is not reachable', hint: 'Start the database; the server retries by itself.', retryable: true } }
          : openStore({ kind: 'memory' }, { clock: w.clock }),
      adapter: 'postgres',
      location: 'test database',
      clock: w.clock,
      reopenIntervalMs: 1_000,
    });
    const p = await w.start(store);
    const first = page(await p.session.call('get_fleet_events', {}));
    expect(first.store).toMatchObject({ state: 'degraded', failed: expect.stringContaining('the database is not reachable'), hint: expect.stringContaining('Start the database') });
    expect(textOf(await p.session.call('get_fleet_events', {}))).toContain('store: degraded');

    // The watcher still polls (no process can hold the lease), and events reach callers from memory.
    const release = p.runtime.watch.acquire('test');
    w.sim.control.failWorkspace(agent.id);
    await w.scheduler.advance(2_000);
    const during = page(await p.session.call('get_fleet_events', { since: first.next_cursor }));
    expect(names(during)).toContain(`agent_failed:${agent.owner}/${agent.name}`);
    expect(p.runtime.journal.status().unsaved).toBeGreaterThan(0);
    // A durable cursor cannot be read meanwhile: a clear error, not a crash.
    const old = await p.session.call('get_fleet_events', { since: 'j-3' });
    expect(old.isError).toBe(true);
    expect(textOf(old)).toMatch(/store_unavailable[\s\S]*the database is not reachable[\s\S]*without since/);
    // Tools that use the store answer from Coder and say what is missing.
    const details = structured<AgentDetailsView>(await p.session.call('get_agent_details', { agent: agent.id }));
    expect(details.agent?.id).toBe(agent.id);
    expect(details.journal?.store).toMatchObject({ state: 'degraded' });
    const other = w.sim.control.tasks().find((t) => t.status === 'active' && t.id !== agent.id);
    const paused = await p.session.call('pause_agent', { agent: other?.id ?? '' });
    expect(paused.isError).toBeFalsy();
    expect(textOf(paused)).toMatch(/store: degraded \(open: the database is not reachable\)\. The change was made in Coder/);

    // Back: the buffered events are saved (once) and reads come from the store again.
    down = false;
    await w.scheduler.advance(12_000);
    expect(p.runtime.journal.status()).toEqual({ unsaved: 0, dropped: 0 });
    const saved = await store.run((s) => s.events.read({ agentId: agent.id, kinds: ['agent_failed'] }));
    expect(saved.ok && saved.value.events).toHaveLength(1);
    const after = page(await p.session.call('get_fleet_events', { agent: agent.id, kinds: ['agent_failed'] }));
    expect(after.store).toBeUndefined();
    expect(after.next_cursor).toMatch(/^j-/);
    expect(names(after)).toEqual([`agent_failed:${agent.owner}/${agent.name}`]);
    release();
  });
});
