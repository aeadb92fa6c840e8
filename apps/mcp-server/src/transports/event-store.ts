/**
 * Bounded in-memory event store for Streamable HTTP resumability. ONE store per MCP session, so a
 * Last-Event-ID can only ever replay that session's own messages (never another session's).
 *
 * Event ids are `<streamId>~<seq>` with a per-store random prefix on the sequence, so ids from another
 * session or another process are unknown here.
 *
 * Memory is bounded three ways (D5: stores holding every answer grew the heap without limit):
 * - events are kept serialized (a string, counted in bytes), not as parsed objects;
 * - what a stream has delivered is dropped: a POST stream once its response was written out completely
 *   (`delivered(requestIds)`, called by the transport on the response's `finish`), and on a resumption
 *   everything up to the client's Last-Event-ID;
 * - a per-session budget (`maxBytes`, `maxEvents`) and a global one shared by all sessions
 *   (`createReplayBudget`): past either, the oldest events go (the largest store first for the global one).
 * A client resuming from an evicted id gets everything of its stream still held (some messages are then
 * lost; `evicted()` counts them).
 */
import { randomBytes } from 'node:crypto';
import type { EventId, EventStore, StreamId } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface BoundedEventStore extends EventStore {
  /** Events currently held. */
  size(): number;
  /** Bytes (UTF-8 JSON) currently held. */
  bytes(): number;
  /** Events dropped so far because a budget was exceeded (not counting delivered ones). */
  evicted(): number;
  /** The responses to these JSON-RPC request ids were written out completely: drop their streams' events. */
  delivered(requestIds: readonly (string | number)[]): void;
  /** Drops everything and leaves the global budget (the session closed). */
  dispose(): void;
}

/** One byte budget shared by every session's store. */
export interface ReplayBudget {
  readonly maxBytes: number;
  /** Bytes held by all registered stores. */
  bytes(): number;
  /** Stores registered (open sessions with a store). */
  stores(): number;
}

interface BudgetMember {
  bytes(): number;
  evictOldest(): boolean;
}

interface BudgetInternals extends ReplayBudget {
  join(member: BudgetMember): void;
  leave(member: BudgetMember): void;
  add(delta: number): void;
  enforce(): void;
}

export function createReplayBudget(options: { maxBytes: number }): ReplayBudget {
  const members = new Set<BudgetMember>();
  let total = 0;
  const budget: BudgetInternals = {
    maxBytes: Math.max(1, options.maxBytes),
    bytes: () => total,
    stores: () => members.size,
    join: (m) => void members.add(m),
    leave: (m) => void members.delete(m),
    add: (delta) => void (total += delta),
    enforce() {
      while (total > budget.maxBytes) {
        let largest: BudgetMember | undefined;
        for (const m of members) if (!largest || m.bytes() > largest.bytes()) largest = m;
        if (!largest || !largest.evictOldest()) return;
      }
    },
  };
  return budget;
}

interface StoredEvent {
  seq: number;
  streamId: StreamId;
  json: string;
  bytes: number;
}

const SEPARATOR = '~';
const keyOf = (id: string | number) => `${typeof id}:${id}`;

export function createEventStore(options: { maxEvents?: number; maxBytes?: number; budget?: ReplayBudget } = {}): BoundedEventStore {
  const maxEvents = Math.max(1, options.maxEvents ?? 1000);
  const maxBytes = Math.max(1, options.maxBytes ?? 1024 * 1024);
  const budget = options.budget as BudgetInternals | undefined;
  let bytes = 0;
  const prefix = randomBytes(6).toString('base64url');
  // Insertion-ordered: the Map's order is the event order, so eviction takes the first key.
  const events = new Map<number, StoredEvent>();
  const streams = new Set<StreamId>();
  /** The stream that carried the latest response to a request id (ids may be reused by a client). */
  const responseStream = new Map<string, StreamId>();
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

  const remove = (event: StoredEvent) => {
    events.delete(event.seq);
    bytes -= event.bytes;
    budget?.add(-event.bytes);
  };
  const evictOldest = (): boolean => {
    const oldest = events.values().next().value as StoredEvent | undefined;
    if (!oldest) return false;
    remove(oldest);
    evictedCount++;
    return true;
  };
  /** Drops the events of `streamId` up to `seq` (all of them when absent). */
  const dropStream = (streamId: StreamId, upTo = Infinity) => {
    for (const event of [...events.values()]) if (event.streamId === streamId && event.seq <= upTo) remove(event);
  };
  const member: BudgetMember = { bytes: () => bytes, evictOldest };
  budget?.join(member);

  return {
    async storeEvent(streamId, message) {
      const json = JSON.stringify(message);
      const event: StoredEvent = { seq: nextSeq++, streamId, json, bytes: Buffer.byteLength(json) };
      events.set(event.seq, event);
      bytes += event.bytes;
      budget?.add(event.bytes);
      streams.add(streamId);
      if ('id' in message && !('method' in message) && message.id !== undefined && message.id !== null) {
        responseStream.set(keyOf(message.id), streamId);
        while (responseStream.size > maxEvents) responseStream.delete(responseStream.keys().next().value as string);
      }
      while (events.size > maxEvents || (bytes > maxBytes && events.size > 1)) evictOldest();
      budget?.enforce();
      return idOf(event);
    },
    async getStreamIdForEventId(eventId) {
      return parse(eventId)?.streamId;
    },
    async replayEventsAfter(lastEventId, { send }) {
      const from = parse(lastEventId);
      if (!from) return '';
      // The client has everything up to its Last-Event-ID: that much is delivered.
      dropStream(from.streamId, from.seq);
      for (const event of [...events.values()]) {
        if (event.streamId !== from.streamId) continue;
        const message = JSON.parse(event.json) as JSONRPCMessage;
        if (isPriming(message)) continue;
        await send(idOf(event), message);
      }
      return from.streamId;
    },
    delivered(requestIds) {
      for (const id of requestIds) {
        const streamId = responseStream.get(keyOf(id));
        if (streamId === undefined) continue;
        responseStream.delete(keyOf(id));
        dropStream(streamId);
      }
    },
    dispose() {
      for (const event of [...events.values()]) remove(event);
      responseStream.clear();
      budget?.leave(member);
    },
    size: () => events.size,
    bytes: () => bytes,
    evicted: () => evictedCount,
  };
}
