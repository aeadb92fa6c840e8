/**
 * Queued input for task agents (issue #14 item 5): send_agent_input to a busy task agent queues the input in
 * this server's store (when_busy queue, the default; priority), manage_agent_queue lists, reprioritises,
 * promotes and cancels it, get_agent_details shows it, and a store that fails refuses with the input quoted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from '../../testing/client-fixture.js';
import { textOf } from '../../testing/in-process.js';
import { expectFailure, structured } from '../../testing/tool-assertions.js';
import { createStoreHandle } from '../../runtime/store-handle.js';
import { runningAgent } from './__fixtures__/lifecycle-kit.js';

const SEND_ROUTE = 'POST /api/v2/tasks/{user}/{task}/send';

interface Sent {
  sent: boolean;
  delivery?: string;
  queue?: string;
  queue_position?: number;
  queue_item?: string;
  priority?: string;
  next_actions: { tool: string }[];
}
interface Queue {
  queue: string;
  items: { id: string; position: number; preview: string; priority?: string; queued_by?: string }[];
}

describe('queued input for task agents (store queue)', () => {
  let fx: FleetFixture;
  beforeAll(async () => {
    fx = await startFleetFixture({ sim: { agents: 2, scenario: 'steady' } });
  });
  afterAll(async () => fx.close());

  it('send_agent_input queues for a busy task agent by priority, without calling Coder; manage_agent_queue and get_agent_details show it', async () => {
    const t = runningAgent(fx, 'working');
    fx.resetCounters();
    const send = async (input: string, priority?: string) => structured<Sent>(await fx.call('send_agent_input', { agent: t.id, input, ...(priority ? { priority } : {}) }));
    const first = await send('first: add tests');
    expect(first).toMatchObject({ sent: false, delivery: 'queued', queue: 'store', queue_position: 1, priority: 'normal' });
    expect(first.next_actions.map((n) => n.tool)).toContain('manage_agent_queue');
    const second = await send('second: low', 'low');
    expect(second.queue_position).toBe(2);
    const urgent = await send('third: urgent fix', 'urgent');
    expect(urgent).toMatchObject({ queue_position: 1, priority: 'urgent' });
    expect(fx.counters()[SEND_ROUTE]).toBeUndefined();

    const listed = structured<Queue>(await fx.call('manage_agent_queue', { agent: t.id }));
    expect(listed.queue).toBe('store');
    expect(listed.items.map((i) => [i.position, i.preview, i.priority])).toEqual([
      [1, 'third: urgent fix', 'urgent'],
      [2, 'first: add tests', 'normal'],
      [3, 'second: low', 'low'],
    ]);
    expect(listed.items[0]?.queued_by).toMatch(/^session-[0-9a-f]{8}$/);

    const reprioritised = structured<Queue>(await fx.call('manage_agent_queue', { agent: t.id, action: 'reprioritise', item: second.queue_item, priority: 'high' }));
    expect(reprioritised.items.map((i) => i.preview)).toEqual(['third: urgent fix', 'second: low', 'first: add tests']);
    const promoted = structured<Queue>(await fx.call('manage_agent_queue', { agent: t.id, action: 'promote', item: first.queue_item }));
    expect(promoted.items[0]?.preview).toBe('first: add tests');
    const cancelled = structured<Queue>(await fx.call('manage_agent_queue', { agent: t.id, action: 'cancel', item: urgent.queue_item }));
    expect(cancelled.items.map((i) => i.preview)).toEqual(['first: add tests', 'second: low']);

    const stale = await fx.call('manage_agent_queue', { agent: t.id, action: 'cancel', item: urgent.queue_item });
    expect(textOf(stale)).toMatch(/^not_found.*manage_agent_queue/s);

    const details = await fx.call('get_agent_details', { agent: t.id });
    const view = structured<{ queue?: { count: number; head: { preview: string }[] }; untrusted_fields: string[] }>(details);
    expect(view.queue?.count).toBe(2);
    expect(view.queue?.head.map((h) => h.preview)).toEqual(['first: add tests', 'second: low']);
    expect(view.untrusted_fields).toContain('queue.head[].preview');
    expect(textOf(details)).toMatch(/Queued input \(2/);
  });

  it("an item id of another agent's queue is not found there", async () => {
    const a = runningAgent(fx, 'working');
    const b = runningAgent(fx, 'working');
    const queued = structured<Sent>(await fx.call('send_agent_input', { agent: a.id, input: 'for a only' }));
    const r = await fx.call('manage_agent_queue', { agent: b.id, action: 'cancel', item: queued.queue_item });
    expect(textOf(r)).toMatch(/^not_found/);
    expect(structured<Queue>(await fx.call('manage_agent_queue', { agent: a.id })).items).toHaveLength(1);
  });

  it('an idle task agent gets the input at once (priority does not hold it back)', async () => {
    const t = runningAgent(fx, 'idle');
    const sent = structured<Sent>(await fx.call('send_agent_input', { agent: t.id, input: 'go', priority: 'low' }));
    expect(sent.sent).toBe(true);
    expect(sent.delivery).toBeUndefined();
  });
});

describe('queued input when the store fails', () => {
  it('refuses clearly (what failed, what to do) and quotes the input back: nothing is lost', async () => {
    const down = createStoreHandle({
      open: async () => ({
        ok: false,
        error: { kind: 'unavailable', operation: 'open', message: 'connection refused', hint: 'Start the database or fix --store.', retryable: true },
      }),
      adapter: 'postgres',
      location: 'postgres test',
      clock: { now: () => new Date(), sleep: async () => undefined },
    });
    const fx = await startFleetFixture({ sim: { agents: 1, scenario: 'steady' }, store: down });
    try {
      const t = runningAgent(fx, 'working');
      const input = 'Please keep this "safe" text';
      const text = expectFailure(await fx.call('send_agent_input', { agent: t.id, input }), 'store_unavailable');
      expect(text).toMatch(/is busy and its input could not be queued/);
      expect(text).toMatch(/unavailable: connection refused/);
      expect(text).toMatch(/when_busy='fail'/);
      expect(text).toContain(JSON.stringify(input));
      expect(text).toContain('NOT sent');
      const listed = await fx.call('manage_agent_queue', { agent: t.id });
      expect(textOf(listed)).toMatch(/^store_unavailable/);
      // get_agent_details still answers from Coder, with a note.
      const details = await fx.call('get_agent_details', { agent: t.id });
      expect(details.isError).toBeFalsy();
      expect(textOf(details)).toMatch(/queued input unknown/);
    } finally {
      await fx.close();
    }
  });
});

describe('send_agent_input priority on a chat', () => {
  it("is refused unless normal (Coder's chat queue has no priorities), with the input quoted", async () => {
    const fx = await startFleetFixture({ sim: { agents: 0, coderVersion: '2.37', chats: 0 } as never });
    try {
      const created = structured<{ agent: { id: string } }>(await fx.call('create_agent_task', { input: 'Fix the failing tests' }));
      const text = expectFailure(await fx.call('send_agent_input', { agent: created.agent.id, input: 'later', priority: 'urgent' }), 'not_supported');
      expect(text).toMatch(/no priorities/);
      expect(text).toContain('"later"');
      const normal = structured<Sent>(await fx.call('send_agent_input', { agent: created.agent.id, input: 'later', priority: 'normal' }));
      expect(normal).toMatchObject({ sent: true, delivery: 'queued', queue: 'coder' });
    } finally {
      await fx.close();
    }
  });
});
