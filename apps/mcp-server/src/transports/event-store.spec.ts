import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { createEventStore } from './event-store.js';

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
    const fromA1 = await replay(store, a1);
    expect(fromA1.streamId).toBe('_GET_stream');
    expect(fromA1.sent.map((e) => dataOf(e.message))).toEqual([2, 3]);
    const fromPriming = await replay(store, priming);
    expect(fromPriming.sent).toHaveLength(3);
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
