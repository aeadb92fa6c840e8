/**
 * Bounded in-memory event store for Streamable HTTP resumability. ONE store per MCP session, so a
 * Last-Event-ID can only ever replay that session's own messages (never another session's).
 *
 * Event ids are `<streamId>~<seq>` with a per-store random prefix on the sequence, so ids from another
 * session or another process are unknown here. The oldest events are evicted past `maxEvents` or `maxBytes`
 * (JSON size); a client
 * resuming from an evicted id gets everything of its stream still held (some messages are then lost,
 * which is logged by the caller through `evicted()`).
 */
import { randomBytes } from 'node:crypto';
import type { EventId, EventStore, StreamId } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface BoundedEventStore extends EventStore {
  /** Events currently held. */
  size(): number;
  /** Events dropped so far because the store was full. */
  evicted(): number;
}

interface StoredEvent {
  seq: number;
  streamId: StreamId;
  message: JSONRPCMessage;
  bytes: number;
}

const SEPARATOR = '~';

export function createEventStore(options: { maxEvents?: number; maxBytes?: number } = {}): BoundedEventStore {
  const maxEvents = Math.max(1, options.maxEvents ?? 1000);
  // Tool results travel as events too (a page of logs can be 60 KB): bound the memory, not just the count.
  const maxBytes = Math.max(1, options.maxBytes ?? 4 * 1024 * 1024);
  let bytes = 0;
  const prefix = randomBytes(6).toString('base64url');
  // Insertion-ordered: the Map's order is the event order, so eviction takes the first key.
  const events = new Map<number, StoredEvent>();
  const streams = new Set<StreamId>();
  let nextSeq = 1;
  let evictedCount = 0;

  const parse = (eventId: EventId): { streamId: StreamId; seq: number } | undefined => {
    const at = eventId.lastIndexOf(SEPARATOR);
    if (at <= 0) return undefined;
    const streamId = eventId.slice(0, at);
    const tail = eventId.slice(at + 1);
    if (!tail.startsWith(`${prefix}.`)) return undefined;
    const seq = Number(tail.slice(prefix.length + 1));
    if (!Number.isSafeInteger(seq) || seq < 1 || seq >= nextSeq || !streams.has(streamId)) return undefined;
    return { streamId, seq };
  };
  const idOf = (e: StoredEvent): EventId => `${e.streamId}${SEPARATOR}${prefix}.${e.seq}`;
  // Priming events carry no JSON-RPC message (`{}`); they only hand the client a cursor.
  const isPriming = (m: JSONRPCMessage) => !('jsonrpc' in m);

  return {
    async storeEvent(streamId, message) {
      const event: StoredEvent = { seq: nextSeq++, streamId, message, bytes: JSON.stringify(message).length };
      events.set(event.seq, event);
      bytes += event.bytes;
      streams.add(streamId);
      while (events.size > maxEvents || (bytes > maxBytes && events.size > 1)) {
        const oldest = events.values().next().value as StoredEvent;
        events.delete(oldest.seq);
        bytes -= oldest.bytes;
        evictedCount++;
      }
      return idOf(event);
    },
    async getStreamIdForEventId(eventId) {
      return parse(eventId)?.streamId;
    },
    async replayEventsAfter(lastEventId, { send }) {
      const from = parse(lastEventId);
      if (!from) return '';
      for (const event of events.values()) {
        if (event.streamId !== from.streamId || event.seq <= from.seq || isPriming(event.message)) continue;
        await send(idOf(event), event.message);
      }
      return from.streamId;
    },
    size: () => events.size,
    evicted: () => evictedCount,
  };
}
