/**
 * Queued input for task agents, held in the fleet store (issue #14 item 5): Coder Tasks has no queue, so
 * `send_agent_input` to a busy task agent stores the input here and the queue dispatcher (queue-dispatcher.ts,
 * a background job of the lease holder) delivers it once the agent is idle. Chats never use this queue: they
 * keep Coder's own per-chat queue (agent-queue.ts `chatQueue`).
 *
 * The store holds everything a delivery needs (owner, ref, text), so a queued item survives a restart and can
 * be delivered by whichever process holds the lease. Store failures are values: what failed, what to do.
 */
import type { FleetStore, JsonValue, QueueChange, QueueItem as StoredItem, StoreError, StoreResult } from '@org/fleet-store';
import { truncateText } from '@org/fleet-domain';
import { notQueued, type AgentQueue, type QueueItem, type QueuePriority } from '../backends/agent-queue.js';
import { toolFailure, type Outcome, type ToolFailure } from '../failures.js';
import type { StoreHandle } from './store-handle.js';

export const QUEUE_PREVIEW_CHARS = 200;
/** One agent's queue is listed whole up to this many items (a longer queue shows its head). */
export const QUEUE_LIST_LIMIT = 100;

/** What a queued item of a task agent holds in the store (its `payload`). */
export interface QueuedInput {
  kind: 'input';
  input: string;
  /** The task's owner (Coder's send route needs it) and its owner/name, for messages. */
  owner: string;
  ref: string;
}

export interface EnqueuedInput {
  id: string;
  /** 1 = delivered next. */
  position: number;
  priority: QueuePriority;
}

export interface StoreTaskQueue extends AgentQueue {
  readonly source: 'store';
  enqueue(target: { agentId: string; owner: string; ref: string }, input: string, meta: { priority: QueuePriority; queuedBy: string }): Promise<Outcome<EnqueuedInput>>;
  /** How many items wait for the agent, and the first `limit` of them (get_agent_details). */
  summary(agentId: string, limit: number): Promise<Outcome<{ count: number; head: QueueItem[] }>>;
}

/** Reads a stored payload back; anything else (a newer server's item kind) is left alone. */
export function queuedInputOf(payload: JsonValue): QueuedInput | undefined {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return undefined;
  const { kind, input, owner, ref } = payload;
  return kind === 'input' && typeof input === 'string' && typeof owner === 'string' && typeof ref === 'string' ? { kind, input, owner, ref } : undefined;
}

/** A store failure as a tool failure: what was being done, what failed, what to do. */
export function storeFailure(error: StoreError, doing: string, next: string): ToolFailure {
  return toolFailure('store_unavailable', `Could not ${doing}: the fleet store failed (${error.kind}: ${error.message}).`, `${next} ${error.hint}`.trim(), {
    details: { store_error: error.kind, retryable: error.retryable },
  });
}

export function createStoreTaskQueue(options: { store: StoreHandle }): StoreTaskQueue {
  const { store } = options;
  const run = async <T>(operation: (s: FleetStore) => Promise<StoreResult<T>>, doing: string, next: string): Promise<Outcome<T>> => {
    const r = await store.run(operation);
    return r.ok ? { ok: true, value: r.value } : { ok: false, failure: storeFailure(r.error, doing, next) };
  };
  const queued = (agentId: string, limit = QUEUE_LIST_LIMIT) =>
    run((s) => s.queue.list({ agentId, states: ['queued'], limit }), `read the queue of agent ${agentId}`, 'Retry in a moment; send_agent_input with when_busy=fail works without the store.');
  const toItem = (q: StoredItem, index: number): QueueItem => ({
    id: String(q.id),
    position: index + 1,
    preview: truncateText(queuedInputOf(q.payload)?.input ?? '', QUEUE_PREVIEW_CHARS),
    createdAt: new Date(q.createdAt).toISOString(),
    priority: q.priority,
    queuedBy: q.sessionId,
  });
  /** Runs `change` on one queued item of this agent (an id of another agent's queue is not found). */
  const onItem = async (agentId: string, itemId: string, verb: string, change: (s: FleetStore, id: number) => Promise<StoreResult<QueueChange>>): Promise<Outcome<void>> => {
    const items = await queued(agentId);
    if (!items.ok) return items;
    const item = items.value.find((q) => String(q.id) === itemId.trim());
    if (!item) return notQueued(agentId, itemId);
    const changed = await run((s) => change(s, item.id), `${verb} item ${itemId} of agent ${agentId}`, 'Retry in a moment.');
    if (!changed.ok) return changed;
    return changed.value.outcome === 'changed' ? { ok: true, value: undefined } : notQueued(agentId, itemId);
  };

  return {
    source: 'store',
    supports: () => ({ supported: true }),
    async enqueue(target, input, meta) {
      const payload: QueuedInput = { kind: 'input', input, owner: target.owner, ref: target.ref };
      const r = await run(
        (s) => s.queue.enqueue({ agentId: target.agentId, priority: meta.priority, payload: { ...payload }, principal: 'unknown', sessionId: meta.queuedBy }),
        `queue the input for agent ${target.ref}`,
        "Send again later (the agent may be idle by then), or with when_busy='fail' to be told when it is busy.",
      );
      return r.ok ? { ok: true, value: { id: String(r.value.item.id), position: r.value.position, priority: r.value.item.priority } } : r;
    },
    async summary(agentId, limit) {
      const items = await queued(agentId);
      if (!items.ok) return items;
      return { ok: true, value: { count: items.value.length, head: items.value.slice(0, limit).map(toItem) } };
    },
    async list(agentId) {
      const items = await queued(agentId);
      return items.ok ? { ok: true, value: items.value.map(toItem) } : items;
    },
    promote: (agentId, itemId) => onItem(agentId, itemId, 'promote', (s, id) => s.queue.promote(id)),
    reprioritise: (agentId, itemId, priority) => onItem(agentId, itemId, 'reprioritise', (s, id) => s.queue.reprioritise(id, priority)),
    cancel: (agentId, itemId) => onItem(agentId, itemId, 'cancel', (s, id) => s.queue.cancel(id, 'cancelled with manage_agent_queue')),
  };
}
