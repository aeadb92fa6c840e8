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
import type { HeldCreate } from '../backends/backend.js';
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

/**
 * A create held back at `--capacity` (create_agent_task when_at_capacity queue): everything the dispatcher needs
 * to create the task later, under the name fixed before queueing (a retry is recognised by it).
 */
export interface QueuedCreate extends HeldCreate {
  kind: 'create';
  /** For messages. */
  template: string;
}

/** Queue key of a held create: one item per owner/name, so the same request queued twice is one item. */
export const createKey = (owner: string, name: string): string => `create:${owner}/${name}`;

export interface EnqueuedInput {
  id: string;
  /** 1 = delivered next. */
  position: number;
  priority: QueuePriority;
}

export interface StoreTaskQueue extends AgentQueue {
  readonly source: 'store';
  enqueue(target: { agentId: string; owner: string; ref: string }, input: string, meta: { priority: QueuePriority; queuedBy: string }): Promise<Outcome<EnqueuedInput>>;
  /** Holds a create until a slot frees; the same owner/name already held answers that item (`existing`). */
  enqueueCreate(create: QueuedCreate, meta: { queuedBy: string }): Promise<Outcome<EnqueuedInput & { existing: boolean }>>;
  /** How many items wait for the agent, and the first `limit` of them (get_agent_details). */
  summary(agentId: string, limit: number): Promise<Outcome<{ count: number; head: QueueItem[] }>>;
}

/** Reads a stored payload back; anything else (a newer server's item kind) is left alone. */
export function queuedInputOf(payload: JsonValue): QueuedInput | undefined {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return undefined;
  const { kind, input, owner, ref } = payload;
  return kind === 'input' && typeof input === 'string' && typeof owner === 'string' && typeof ref === 'string' ? { kind, input, owner, ref } : undefined;
}

export function queuedCreateOf(payload: JsonValue): QueuedCreate | undefined {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload) || payload['kind'] !== 'create') return undefined;
  const { owner, name, input, templateVersionId, presetId, displayName, template, workspace } = payload;
  if (typeof owner !== 'string' || typeof name !== 'string' || typeof input !== 'string' || typeof templateVersionId !== 'string' || typeof template !== 'string') return undefined;
  const ws = workspace !== null && typeof workspace === 'object' && !Array.isArray(workspace) ? workspace : undefined;
  if (workspace !== undefined && (typeof ws?.['organizationId'] !== 'string' || typeof ws['promptParameter'] !== 'string')) return undefined;
  return {
    ...(ws ? { workspace: { organizationId: String(ws['organizationId']), promptParameter: String(ws['promptParameter']) } } : {}),
    kind: 'create',
    owner,
    name,
    input,
    templateVersionId,
    template,
    ...(typeof presetId === 'string' ? { presetId } : {}),
    ...(typeof displayName === 'string' ? { displayName } : {}),
  };
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
    preview: truncateText(queuedInputOf(q.payload)?.input ?? queuedCreateOf(q.payload)?.input ?? '', QUEUE_PREVIEW_CHARS),
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

  /** 1-based place among all held creates (the dispatcher's order: priority, then oldest first). */
  const createPosition = async (id: number): Promise<number> => {
    const all = await store.run((s) => s.queue.list({ states: ['queued'], limit: 10_000 }));
    if (!all.ok) return 1;
    const creates = orderCreates(all.value.filter((q) => q.agentId.startsWith('create:')));
    const at = creates.findIndex((q) => q.id === id);
    return at < 0 ? 1 : at + 1;
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
    async enqueueCreate(create, meta) {
      const key = createKey(create.owner, create.name);
      const doing = `hold the create of ${create.owner}/${create.name} until a slot frees`;
      const next = "Call again later, or with when_at_capacity='fail' to be told when the fleet is full.";
      const held = await run((s) => s.queue.list({ agentId: key, states: ['queued', 'claimed'], limit: 1 }), doing, next);
      if (!held.ok) return held;
      const same = held.value[0];
      if (same) return { ok: true, value: { id: String(same.id), position: await createPosition(same.id), priority: same.priority, existing: true } };
      const r = await run((s) => s.queue.enqueue({ agentId: key, priority: 'normal', payload: { ...create }, principal: 'unknown', sessionId: meta.queuedBy }), doing, next);
      if (!r.ok) return r;
      return { ok: true, value: { id: String(r.value.item.id), position: await createPosition(r.value.item.id), priority: r.value.item.priority, existing: false } };
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

const RANK: Record<QueuePriority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };
/** Held creates in the order they are made: priority (urgent first), then oldest first. */
export function orderCreates(items: readonly StoredItem[]): StoredItem[] {
  return [...items].sort((a, b) => RANK[b.priority] - RANK[a.priority] || a.createdAt - b.createdAt || a.id - b.id);
}
