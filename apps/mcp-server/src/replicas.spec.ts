/**
 * Replicas (issue #14 item 7) with REAL server processes (HTTP transport, from source) and a real-clock
 * simulator, counting deliveries at the simulator:
 *   Postgres  two replicas on one database: input queued through replica A for busy agents, A (the lease holder)
 *             delivers one and is killed with -9; B takes the lease (within the lease TTL + one renew beat, SC-009)
 *             and delivers every other queued input; each input reaches Coder exactly once.
 *   SQLite    one server on a file, killed with -9 with input queued, restarted on the same file: the queued
 *             items are still there and are delivered exactly once.
 * The Postgres part never skips in CI (CI=true without FLEET_MCP_TEST_DATABASE_URL fails).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCoderSim } from '@org/coder-sim';
import { openStore, type QueueItem } from '@org/fleet-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './testing/http-harness.js';
import { startReplica, TEST_DATABASE_URL, throwawaySchema, type Replica } from './testing/replica-harness.js';
import { structured } from './testing/tool-assertions.js';
import { BACKGROUND_LEASE, LEASE_RENEW_MS, LEASE_TTL_MS } from './runtime/leadership.js';

type Sim = Awaited<ReturnType<typeof startCoderSim>>;
const SEND_ROUTE = 'POST /api/v2/tasks/{user}/{task}/send';
/** SC-009: the lease moves within 30 s of the holder's death. */
const TAKEOVER_LIMIT_MS = 30_000;

/** Two running agents, held busy (they report `working` until told otherwise). */
function busyAgents(sim: Sim, n: number): { id: string; owner: string }[] {
  const agents = sim.control
    .tasks()
    .filter((t) => t.status === 'active')
    .slice(0, n);
  if (agents.length < n) throw new Error('the simulator has too few working agents');
  for (const a of agents) sim.control.setAgentState(a.id, 'working');
  return agents.map((a) => ({ id: a.id, owner: a.owner }));
}

/** Plays the agents: an agent that got a new input finishes its turn shortly after (turns idle). */
function finishTurns(sim: Sim, agents: readonly { id: string; owner: string }[]): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      for (const a of agents) {
        const logs = await logsOf(sim.url, sim.token, a);
        if (sim.control.task(a.id)?.phase === 'working' && logs.at(-1)?.type === 'input') sim.control.setAgentState(a.id, 'idle');
      }
    })()
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, 300);
  return () => clearInterval(timer);
}

async function logsOf(coderUrl: string, token: string, agent: { id: string; owner: string }): Promise<{ type: string; content: string }[]> {
  const r = await fetch(`${coderUrl}/api/v2/tasks/${agent.owner}/${agent.id}/logs`, { headers: { 'Coder-Session-Token': token } });
  return ((await r.json()) as { logs: { type: string; content: string }[] }).logs;
}

async function inputsOf(coderUrl: string, token: string, agent: { id: string; owner: string }): Promise<string[]> {
  return (await logsOf(coderUrl, token, agent)).filter((e) => e.type === 'input').map((e) => e.content);
}

async function queue(replica: Replica, agent: string, inputs: readonly string[]): Promise<void> {
  const c = await replica.connect();
  try {
    for (const input of inputs) expect(structured<{ delivery?: string; queue?: string }>(await c.call('send_agent_input', { agent, input }))).toMatchObject({ delivery: 'queued', queue: 'store' });
  } finally {
    await c.close();
  }
}

/** A session on `replica` that looks at the queue (this starts its part in the background lease). */
async function touchQueue(replica: Replica, agent: string): Promise<number> {
  const c = await replica.connect();
  try {
    return structured<{ items: unknown[] }>(await c.call('manage_agent_queue', { agent })).items.length;
  } finally {
    await c.close();
  }
}

const inCi = process.env['CI'] === 'true';

describe('replicas on one Postgres', () => {
  if (!TEST_DATABASE_URL) {
    if (inCi) it('FLEET_MCP_TEST_DATABASE_URL is set in CI', () => expect.fail('FLEET_MCP_TEST_DATABASE_URL is not set: .ci/run must provide PostgreSQL (the replica suite never skips in CI)'));
    else it.skip('skipped: FLEET_MCP_TEST_DATABASE_URL is not set (a laptop without Postgres)', () => undefined);
    return;
  }
  const databaseUrl = TEST_DATABASE_URL;
  const db = throwawaySchema(databaseUrl);
  let sim: Sim;
  const replicas: Replica[] = [];
  beforeAll(async () => {
    sim = await startCoderSim({ clock: 'real', agents: 8, scenario: 'steady', seed: 11 });
  });
  afterAll(async () => {
    for (const r of replicas) await r.stop();
    await sim?.stop();
    await db.drop();
  });

  it('kill -9 of the lease holder: the other replica takes the lease and delivers each queued input exactly once', async () => {
    const [a1, a2] = busyAgents(sim, 2) as [{ id: string; owner: string }, { id: string; owner: string }];
    const a = await startReplica({ coderUrl: sim.url, coderToken: sim.token, store: db.store });
    replicas.push(a);
    const b = await startReplica({ coderUrl: sim.url, coderToken: sim.token, store: db.store });
    replicas.push(b);

    const first = ['a1: one', 'a1: two', 'a1: three'];
    const second = ['a2: one', 'a2: two'];
    await queue(a, a1.id, first); // A takes the lease on its first queued input
    await queue(a, a2.id, second);
    const lease = async () => {
      const store = await openStore({ kind: 'postgres', url: databaseUrl, schema: db.schema });
      if (!store.ok) throw new Error(store.error.message);
      try {
        const l = await store.value.leases.get(BACKGROUND_LEASE);
        return l.ok ? l.value : null;
      } finally {
        await store.value.close();
      }
    };
    await eventually(async () => (await lease())?.holder.includes(`:${a.pid}:`) === true, 100, 200);
    expect(await touchQueue(b, a1.id)).toBe(3); // B's session: B now contends for the lease too

    // A delivers the head of a1's queue, then dies before anything else.
    sim.control.resetCounters();
    sim.control.setAgentState(a1.id, 'idle');
    await eventually(async () => (await inputsOf(sim.url, sim.token, a1)).includes('a1: one'), 150, 200);
    await a.crash();
    const killedAt = Date.now();

    const stopFinishing = finishTurns(sim, [a1, a2]);
    try {
      sim.control.setAgentState(a2.id, 'idle');
      await eventually(async () => (await lease())?.holder.includes(`:${b.pid}:`) === true, Math.ceil(TAKEOVER_LIMIT_MS / 200), 200);
      // Bounded above by the wait; reported, not asserted as a time (no wall-clock assertions).
      console.warn(`lease moved to replica B ${Date.now() - killedAt} ms after kill -9 (limit ${TAKEOVER_LIMIT_MS} ms; ttl ${LEASE_TTL_MS} + renew ${LEASE_RENEW_MS})`);
      await eventually(async () => {
        const [x, y] = await Promise.all([inputsOf(sim.url, sim.token, a1), inputsOf(sim.url, sim.token, a2)]);
        return first.every((i) => x.includes(i)) && second.every((i) => y.includes(i));
      }, 300, 200);
      // Nothing doubled, even after a few more dispatcher passes.
      await new Promise((r) => setTimeout(r, 5_000));
    } finally {
      stopFinishing();
    }
    const x = await inputsOf(sim.url, sim.token, a1);
    const y = await inputsOf(sim.url, sim.token, a2);
    for (const input of first) expect(x.filter((i) => i === input), input).toHaveLength(1);
    for (const input of second) expect(y.filter((i) => i === input), input).toHaveLength(1);
    expect(x.filter((i) => first.includes(i))).toEqual(first); // delivery order kept across the hand-over
    expect((sim.control.counters() as unknown as Record<string, number>)[SEND_ROUTE]).toBe(first.length + second.length);
    const delivered = await db.query(`SELECT state, claimed_by FROM "${db.schema}".queue ORDER BY id`);
    expect(delivered.map((r) => r['state'])).toEqual(Array(first.length + second.length).fill('delivered'));
    expect(delivered.filter((r) => String(r['claimed_by']).includes(`:${b.pid}:`))).toHaveLength(first.length + second.length - 1);
  }, 300_000);
});

describe('queued input on a SQLite file survives kill -9 and restart', () => {
  let sim: Sim;
  let dir: string;
  const replicas: Replica[] = [];
  beforeAll(async () => {
    sim = await startCoderSim({ clock: 'real', agents: 8, scenario: 'steady', seed: 12 });
    dir = mkdtempSync(join(tmpdir(), 'fleet-queue-'));
  });
  afterAll(async () => {
    for (const r of replicas) await r.stop();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the items queued in the file and delivers each exactly once after the restart', async () => {
    const [agent] = busyAgents(sim, 1) as [{ id: string; owner: string }];
    const file = join(dir, 'fleet.db');
    const first = await startReplica({ coderUrl: sim.url, coderToken: sim.token, store: `sqlite:${file}` });
    replicas.push(first);
    const inputs = ['after restart: one', 'after restart: two'];
    await queue(first, agent.id, inputs);
    await first.crash();

    const store = await openStore({ kind: 'sqlite', path: file, isDefault: false });
    if (!store.ok) throw new Error(store.error.message);
    const listed = await store.value.queue.list({ agentId: agent.id }).finally(() => store.value.close());
    const items: QueueItem[] = listed.ok ? listed.value : [];
    expect(items.map((i) => [i.state, (i.payload as { input: string }).input])).toEqual(inputs.map((i) => ['queued', i]));

    sim.control.resetCounters();
    const second = await startReplica({ coderUrl: sim.url, coderToken: sim.token, store: `sqlite:${file}` });
    replicas.push(second);
    expect(await touchQueue(second, agent.id)).toBe(2);
    const stopFinishing = finishTurns(sim, [agent]);
    try {
      sim.control.setAgentState(agent.id, 'idle');
      // The dead process's lease expires first (ttl), then the new one dispatches.
      await eventually(async () => {
        const log = await inputsOf(sim.url, sim.token, agent);
        return inputs.every((i) => log.includes(i));
      }, 300, 200).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}; server log:\n${second.stderr().slice(-4000)}`);
      });
      await new Promise((r) => setTimeout(r, 4_000));
    } finally {
      stopFinishing();
    }
    const log = await inputsOf(sim.url, sim.token, agent);
    expect(log.filter((i) => inputs.includes(i))).toEqual(inputs);
    expect((sim.control.counters() as unknown as Record<string, number>)[SEND_ROUTE]).toBe(inputs.length);
  }, 240_000);
});
