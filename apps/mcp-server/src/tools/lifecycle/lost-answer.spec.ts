/**
 * D1 (../shared/repro/ambiguous.mjs): Coder applies create/send but the answer is lost (connection reset
 * after the request went out). The tools used to answer "Coder is unreachable … retry" / "The input was NOT
 * sent"; following that made a second agent and re-sent a delivered input. Now they re-read Coder.
 */
import { createCoderClient } from '@org/coder-api-client';
import { startCoderSim } from '@org/coder-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../clock.js';
import { makeConfig } from '../../config.js';
import { silentLogger } from '../../log.js';
import { createServer } from '../../server.js';
import { connectInProcess, textOf, type InProcessClient } from '../../testing/in-process.js';
import { structured } from '../../testing/tool-assertions.js';

type Sim = Awaited<ReturnType<typeof startCoderSim>>;
const CREATE = /\/api\/v2\/tasks\/[^/]+$/;
const SEND = /\/api\/v2\/tasks\/[^/]+\/[^/]+\/send$/;
const PAUSE = /\/api\/v2\/tasks\/[^/]+\/[^/]+\/pause$/;
const RESUME = /\/api\/v2\/tasks\/[^/]+\/[^/]+\/resume$/;
const TASK = /\/api\/v2\/tasks\/[^/]+\/[^/]+$/;

describe('lost answers are re-read, never reported as not sent (D1)', () => {
  let sim: Sim;
  let client: InProcessClient;
  /** Which POSTs get their answer "lost" after Coder applied them; `refuse` never lets the request leave. */
  const mode = { lose: undefined as RegExp | undefined, refuse: false, swallow: false };
  beforeAll(async () => {
    sim = await startCoderSim({ clock: 'manual', seed: 42, agents: 2, scenario: 'steady' });
    const clock: Clock = { now: () => new Date(sim.control.now()) };
    const config = makeConfig({ coderUrl: sim.url, sessionToken: sim.token, requestTimeoutMs: 5_000 });
    const lossyFetch: typeof fetch = async (url, init) => {
      const target = String(url);
      if (init?.method !== 'GET' && init?.method !== undefined && mode.lose?.test(new URL(target).pathname)) {
        if (mode.refuse) throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
        if (!mode.swallow) await (await fetch(url, init)).text(); // Coder applies it …
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) }); // … the answer is lost
      }
      return fetch(url, init);
    };
    const coder = createCoderClient({ baseUrl: sim.url, sessionToken: sim.token, timeoutMs: 5_000, retry: { retries: 0 }, fetch: lossyFetch });
    client = await connectInProcess(createServer({ coder, clock, config, log: silentLogger }));
  });
  afterAll(async () => {
    await client.close();
    await sim.stop();
  });
  const tasksNamed = (name: string) => sim.control.tasks().filter((t) => t.name === name);
  const working = (name: string) => {
    const t = sim.control.createTask({ owner: 'alice', template: 'python-dev', input: `work for ${name}`, name });
    for (let i = 0; i < 100 && sim.control.tasks().find((x) => x.id === t.id)?.phase !== 'working'; i++) sim.control.advance(5_000);
    return t;
  };

  it('create: the answer is lost after Coder created it → reports the agent it finds; a retry makes no second one', async () => {
    mode.lose = CREATE;
    const args = { input: 'Fix the flaky login test (lost answer)', template: 'python-dev', name: 'lost-create-1' };
    const first = await client.call('create_agent_task', args);
    expect(first.isError, textOf(first)).not.toBe(true);
    expect(textOf(first)).toMatch(/answer to the create was lost \(network\); a re-read shows the agent was created as \S+\/lost-create-1/);
    expect(structured<{ agent: { name: string } }>(first).agent.name).toBe('lost-create-1');
    mode.lose = undefined;
    const retry = await client.call('create_agent_task', args);
    expect(retry.isError, textOf(retry)).not.toBe(true);
    expect(textOf(retry)).toMatch(/already exists \(an earlier attempt of this request\): no second agent was created/);
    expect(tasksNamed('lost-create-1')).toHaveLength(1);
  });

  it('create: a name is fixed before the first attempt even when none is given', async () => {
    mode.lose = CREATE;
    const r = await client.call('create_agent_task', { input: 'Write the release notes please', template: 'python-dev' });
    expect(r.isError, textOf(r)).not.toBe(true);
    expect(structured<{ agent: { name: string } }>(r).agent.name).toMatch(/^write-the-release-[0-9a-f]{4}$/);
    mode.lose = undefined;
  });

  it('create: the same request repeated without a name (ambiguous.mjs follows the hint) is recognised, not doubled', async () => {
    mode.lose = CREATE;
    const args = { input: 'AMBIG reset unique', template: 'python-dev' };
    const first = await client.call('create_agent_task', args);
    mode.lose = undefined;
    expect(first.isError, textOf(first)).not.toBe(true);
    const retry = await client.call('create_agent_task', args);
    expect(textOf(retry)).toMatch(/already exists \(an earlier attempt of this request\): no second agent was created/);
    const name = structured<{ agent: { name: string } }>(first).agent.name;
    expect(structured<{ agent: { name: string } }>(retry).agent.name).toBe(name);
    expect(sim.control.tasks().filter((t) => t.name === name)).toHaveLength(1);
  });

  it('create: when even the re-read finds nothing, the outcome is unknown (not "unreachable, retry")', async () => {
    mode.lose = CREATE;
    mode.swallow = true; // the request left but Coder has not applied it (yet)
    const r = await client.call('create_agent_task', { input: 'Maybe created', template: 'python-dev', name: 'lost-create-2' });
    mode.swallow = false;
    mode.lose = undefined;
    expect(r.isError).toBe(true);
    const text = textOf(r);
    expect(text).toMatch(/^outcome_unknown: /);
    expect(text).toMatch(/get_agent_details agent=\S+\/lost-create-2/);
    expect(text).toMatch(/pass name=lost-create-2/);
    expect(text).not.toMatch(/unreachable|Nothing was created/);
  });

  it('send: the answer is lost after delivery → "delivered", never "NOT sent"; refused connection → NOT sent', async () => {
    const t = sim.control.createTask({ owner: 'alice', template: 'python-dev', input: 'idle one', name: 'lost-send' });
    for (let i = 0; i < 100 && sim.control.tasks().find((x) => x.id === t.id)?.phase !== 'working'; i++) sim.control.advance(5_000);
    sim.control.setAgentState(t.id, 'idle');
    mode.lose = SEND;
    const r = await client.call('send_agent_input', { agent: t.id, input: 'Please also add tests' });
    expect(r.isError, textOf(r)).not.toBe(true);
    expect(textOf(r)).toMatch(/answer was lost \(network\); a re-read of the agent's log shows the input was delivered/);
    expect(textOf(r)).not.toMatch(/NOT sent/);

    sim.control.setAgentState(t.id, 'idle');
    mode.swallow = true;
    const unknown = await client.call('send_agent_input', { agent: t.id, input: 'A second question' });
    expect(textOf(unknown)).toMatch(/^outcome_unknown: .*\nNext: Do not simply retry: check with get_agent_logs/s);
    expect(textOf(unknown)).not.toMatch(/NOT sent/);
    mode.swallow = false;

    mode.refuse = true;
    const refused = await client.call('send_agent_input', { agent: t.id, input: 'Third' });
    expect(textOf(refused)).toMatch(/NOT sent/);
    mode.refuse = false;
    mode.lose = undefined;
  });

  it('pause/resume: the answer is lost after Coder applied it → reports what the re-read shows; unapplied → outcome_unknown', async () => {
    const t = working('lost-pause');
    mode.lose = PAUSE;
    const paused = await client.call('pause_agent', { agent: t.id });
    expect(paused.isError, textOf(paused)).not.toBe(true);
    expect(textOf(paused)).toMatch(/answer to the pause was lost \(network\); a re-read shows it took effect/);
    expect(structured<{ recovered: string }>(paused).recovered).toMatch(/took effect/);
    for (let i = 0; i < 50 && sim.control.tasks().find((x) => x.id === t.id)?.phase === 'stopping'; i++) sim.control.advance(5_000);

    mode.lose = RESUME;
    mode.swallow = true; // the request left, Coder did not apply it
    const unknown = await client.call('resume_agent', { agent: t.id });
    expect(textOf(unknown)).toMatch(/^outcome_unknown: The resume of agent \S+ may or may not have started/);
    expect(textOf(unknown)).toMatch(/get_agent_details agent=/);
    expect(textOf(unknown)).not.toMatch(/unreachable|NOT sent|Nothing was/);
    mode.swallow = false;
    const resumed = await client.call('resume_agent', { agent: t.id });
    expect(resumed.isError, textOf(resumed)).not.toBe(true);
    expect(textOf(resumed)).toMatch(/answer to the resume was lost \(network\); a re-read shows it took effect/);
    mode.lose = undefined;
  });

  it('delete: the answer is lost after Coder applied it → "deleted" from the re-read, never a failure', async () => {
    const t = working('lost-delete');
    mode.lose = TASK;
    mode.swallow = true;
    const unknown = await client.call('delete_agent', { agent: t.id, confirm: true });
    expect(textOf(unknown)).toMatch(/^outcome_unknown: The delete of agent \S+ may or may not have started/);
    mode.swallow = false;
    const deleted = await client.call('delete_agent', { agent: t.id, confirm: true });
    expect(deleted.isError, textOf(deleted)).not.toBe(true);
    expect(textOf(deleted)).toMatch(/answer to the delete was lost \(network\); a re-read shows it took effect: the agent is (gone|\S+ \(workspace deleting\))/);
    expect(structured<{ deleted: boolean }>(deleted).deleted).toBe(true);
    mode.lose = undefined;
  });
});

describe('lost answers on the Agents backend (chats): request_id repeats and re-reads (D1)', () => {
  let sim: Sim;
  let client: InProcessClient;
  const mode = { lose: undefined as RegExp | undefined, swallow: false };
  beforeAll(async () => {
    sim = await startCoderSim({ clock: 'manual', seed: 7, agents: 0, coderVersion: '2.37', chats: 0 } as never);
    const clock: Clock = { now: () => new Date(sim.control.now()) };
    const config = makeConfig({ coderUrl: sim.url, sessionToken: sim.token, requestTimeoutMs: 5_000 });
    const lossyFetch: typeof fetch = async (url, init) => {
      const path = new URL(String(url)).pathname;
      if (init?.method !== 'GET' && init?.method !== undefined && mode.lose?.test(path)) {
        if (!mode.swallow) await (await fetch(url, init)).text();
        mode.lose = undefined; // only the first attempt loses its answer
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
      }
      return fetch(url, init);
    };
    const coder = createCoderClient({ baseUrl: sim.url, sessionToken: sim.token, timeoutMs: 5_000, retry: { retries: 0 }, fetch: lossyFetch });
    client = await connectInProcess(createServer({ coder, clock, config, log: silentLogger }));
  });
  afterAll(async () => {
    await client.close();
    await sim.stop();
  });

  it('create: the answer is lost → the same request_id again returns the one chat it made', async () => {
    mode.lose = /\/api\/v2\/chats$/;
    const before = sim.control.chats.list().length;
    const r = await client.call('create_agent_task', { input: 'Lost chat create unique' });
    expect(r.isError, textOf(r)).not.toBe(true);
    expect(textOf(r)).toMatch(/answer to the create was lost \(network\); asking again with the same request id returned agent \S+: one chat, no duplicate/);
    expect(sim.control.chats.list().length).toBe(before + 1);
  });

  it('send: the answer is lost after delivery → recognised by request_id, the message is there once', async () => {
    const chat = sim.control.chats.create({ text: '' });
    mode.lose = /\/messages$/;
    const r = await client.call('send_agent_input', { agent: chat.id, input: 'Deliver me exactly once' });
    expect(r.isError, textOf(r)).not.toBe(true);
    expect(textOf(r)).toMatch(/answer was lost \(network\); asking again with the same request id, Coder recognised the message/);
    expect(textOf(r)).not.toMatch(/NOT sent/);
    const res = await fetch(`${sim.url}/api/v2/chats/${chat.id}/messages?limit=100`, { headers: { 'Coder-Session-Token': sim.token } });
    const page = (await res.json()) as { messages: { content?: { text?: string }[] }[]; queued_messages?: { content?: { text?: string }[] }[] };
    const copies = [...page.messages, ...(page.queued_messages ?? [])].filter((m) => (m.content ?? []).some((p) => p.text === 'Deliver me exactly once'));
    expect(copies).toHaveLength(1);
  });

  it('interrupt: the answer is lost after Coder stopped the turn → the re-read says so', async () => {
    const chat = sim.control.chats.create({ text: 'A long turn' });
    mode.lose = /\/interrupt$/;
    const r = await client.call('interrupt_agent', { agent: chat.id });
    expect(r.isError, textOf(r)).not.toBe(true);
    expect(textOf(r)).toMatch(/answer to the interrupt was lost \(network\); a re-read shows the chat (stopping its turn|no longer running)/);
  });

  it('archive (delete_agent): unapplied and lost → outcome_unknown naming the check', async () => {
    const chat = sim.control.chats.create({ text: '' });
    mode.lose = new RegExp(`/api/v2/chats/${chat.id}$`);
    mode.swallow = true;
    const r = await client.call('delete_agent', { agent: chat.id, confirm: true });
    mode.swallow = false;
    expect(textOf(r)).toMatch(/^outcome_unknown: Archiving agent \S+ may or may not have happened/);
    expect(textOf(r)).toMatch(/get_agent_details agent=/);
  });
});
