import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { createEventStore, createReplayBudget } from './event-store.js';

const note = (n: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: n } });
const dataOf = (m: JSONRPCMessage) => ('params' in m ? (m.params as { data?: unknown }).data : undefined);

async function replay(store: ReturnType<typeof createEventStore>, after: string) {
  const sent: { id: string; message: JSONRPCMessage }[] = [];
  const streamId = await store.replayEventsAfter(after, { send: async (id, message) => void sent.push({ id, message }) });
  return { streamId, sent };
}

describe('bounded event store', () => {
  it('replays only later events of the same stream, skipping priming events', async () => {
    const store = createEventStore();
    const priming = await store.storeEvent('_GET_stream', {} as JSONRPCMessage);
    const a1 = await store.storeEvent('_GET_stream', note(1));
    await store.storeEvent('other-stream', note(99));
    await store.storeEvent('_GET_stream', note(2));
    await store.storeEvent('_GET_stream', note(3));
    expect(await store.getStreamIdForEventId?.(a1)).toBe('_GET_stream');
    const fromPriming = await replay(store, priming);
    expect(fromPriming.sent).toHaveLength(3);
    const fromA1 = await replay(store, a1);
    expect(fromA1.streamId).toBe('_GET_stream');
    expect(fromA1.sent.map((e) => dataOf(e.message))).toEqual([2, 3]);
  });

  it('does not know ids of another store (another session) or malformed ids', async () => {
    const mine = createEventStore();
    const theirs = createEventStore();
    await mine.storeEvent('_GET_stream', note(1));
    const foreign = await theirs.storeEvent('_GET_stream', note(2));
    for (const id of [foreign, 'garbage', '_GET_stream~x.1', '~1', '']) {
      expect(await mine.getStreamIdForEventId?.(id)).toBeUndefined();
      expect((await replay(mine, id)).sent).toEqual([]);
    }
  });

  it('evicts the oldest events past maxEvents and still replays what it holds', async () => {
    const store = createEventStore({ maxEvents: 3 });
    const first = await store.storeEvent('s', note(1));
    for (let i = 2; i <= 6; i++) await store.storeEvent('s', note(i));
    expect(store.size()).toBe(3);
    expect(store.evicted()).toBe(3);
    const r = await replay(store, first);
    expect(r.sent.map((e) => dataOf(e.message))).toEqual([4, 5, 6]);
  });

  it('also evicts by total JSON size, keeping at least the newest event', async () => {
    const big = (n: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: n, pad: 'x'.repeat(1000) } });
    const store = createEventStore({ maxBytes: 2500 });
    for (let i = 1; i <= 5; i++) await store.storeEvent('s', big(i));
    expect(store.size()).toBe(2);
    const tiny = createEventStore({ maxBytes: 10 });
    await tiny.storeEvent('s', big(1));
    expect(tiny.size()).toBe(1);
  });
});

describe('event store memory (D5)', () => {
  const response = (id: number, size = 1000): JSONRPCMessage => ({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: 'x'.repeat(size) }] } });

  it('counts bytes and drops a POST stream once its response was delivered', async () => {
    const store = createEventStore();
    await store.storeEvent('post-1', {} as JSONRPCMessage);
    await store.storeEvent('post-1', note(1));
    await store.storeEvent('post-1', response(7));
    await store.storeEvent('post-2', response(8));
    expect(store.bytes()).toBeGreaterThan(2000);
    store.delivered([7]);
    expect(store.size()).toBe(1);
    store.delivered([8, 'unknown']);
    expect(store.size()).toBe(0);
    expect(store.bytes()).toBe(0);
    expect(store.evicted()).toBe(0);
  });

  it('drops what a resuming client acknowledged with its Last-Event-ID', async () => {
    const store = createEventStore();
    const ids = [];
    for (let i = 1; i <= 4; i++) ids.push(await store.storeEvent('_GET_stream', note(i)));
    const r = await replay(store, ids[1]!);
    expect(r.sent.map((e) => dataOf(e.message))).toEqual([3, 4]);
    expect(store.size()).toBe(2);
  });

  it('a global budget bounds all sessions together, evicting from the largest store; dispose frees a session', async () => {
    const budget = createReplayBudget({ maxBytes: 50_000 });
    const stores = Array.from({ length: 50 }, () => createEventStore({ maxBytes: 20_000, budget }));
    for (let round = 0; round < 3; round++)
      for (const [i, store] of stores.entries()) for (let k = 0; k < 5; k++) await store.storeEvent('_GET_stream', response(i * 100 + k, 2000));
    expect(budget.bytes()).toBeLessThanOrEqual(50_000);
    expect(budget.bytes()).toBe(stores.reduce((sum, s) => sum + s.bytes(), 0));
    for (const s of stores) expect(s.bytes()).toBeLessThanOrEqual(20_000);
    expect(budget.stores()).toBe(50);
    for (const s of stores) s.dispose();
    expect(budget.bytes()).toBe(0);
    expect(budget.stores()).toBe(0);
  });
});
