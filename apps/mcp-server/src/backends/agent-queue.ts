/**
 * Queued input per agent, behind one interface so `manage_agent_queue` never knows whose queue it is:
 *
 *   chat agents  Coder's own per-chat queue (queued messages; delete / promote routes). Never a second queue.
 *   task agents  a queue held in the fleet store (runtime/store-task-queue.ts), plugged in by `createFleetRuntime`;
 *                a backend built without one answers a clear `not_supported` (Coder Tasks has no queue).
 *
 * Item ids are strings on the wire (Coder's int64 queued-message ids, or a store row id), positions 1 = next.
 */
import { assertNever, type AgentKind } from '@org/fleet-domain';
import type { AgentsBackend } from './agents-backend.js';
import { unsupportedFailure, workspacesSupport, type Support } from './backend.js';
import { toolFailure, type Outcome } from '../failures.js';

export type QueuePriority = 'low' | 'normal' | 'high' | 'urgent';
export const QUEUE_PRIORITIES: readonly QueuePriority[] = ['low', 'normal', 'high', 'urgent'];

export type QueueAction = 'list' | 'promote' | 'reprioritise' | 'cancel';
export const QUEUE_ACTIONS: readonly QueueAction[] = ['list', 'promote', 'reprioritise', 'cancel'];

export interface QueueItem {
  /** Stable within the agent's queue: pass it back to promote / reprioritise / cancel. */
  id: string;
  /** 1 = delivered next. */
  position: number;
  /** The queued text, truncated. Untrusted (another session or user may have written it). */
  preview: string;
  createdAt: string;
  /** Store queue only (Coder's queue has no priorities). */
  priority?: QueuePriority;
  /** Store queue only: who queued it (principal or anonymised session), never a token. */
  queuedBy?: string;
}

/** One agent's queue. Every method takes the agent's id (task id or chat id) as resolved by the fleet backend. */
export interface AgentQueue {
  /** Whose queue it is, reported to the caller. */
  readonly source: 'coder' | 'store';
  /** Whether `action` exists on this queue (a refusal names the tool or action that works instead). */
  supports(action: QueueAction): Support;
  list(agentId: string, signal?: AbortSignal): Promise<Outcome<QueueItem[]>>;
  /** Deliver this item next (Coder: a busy chat is interrupted so the item runs now). */
  promote(agentId: string, itemId: string, signal?: AbortSignal): Promise<Outcome<void>>;
  reprioritise(agentId: string, itemId: string, priority: QueuePriority, signal?: AbortSignal): Promise<Outcome<void>>;
  /** Remove the item without delivering it. */
  cancel(agentId: string, itemId: string, signal?: AbortSignal): Promise<Outcome<void>>;
}

/** The refusal for an item id that is not (or no longer) in the agent's queue. */
export const notQueued = (agentId: string, itemId: string): Outcome<never> => ({
  ok: false,
  failure: toolFailure('not_found', `Agent ${agentId} has no queued item '${itemId}' (already delivered, promoted or cancelled).`, 'Call manage_agent_queue with action list for the current queue.'),
});

/** Coder's per-chat queue, through the Agents backend. */
export function chatQueue(chats: Pick<AgentsBackend, 'queue' | 'promoteQueued' | 'deleteQueued'>): AgentQueue {
  const queuedId = (itemId: string): number | undefined => {
    const n = Number(itemId);
    return /^\d+$/.test(itemId.trim()) && Number.isSafeInteger(n) ? n : undefined;
  };
  return {
    source: 'coder',
    supports: (action) => (action === 'reprioritise' ? NO_CHAT_PRIORITIES : { supported: true }),
    async list(agentId, signal) {
      const r = await chats.queue(agentId, signal);
      return r.ok ? { ok: true, value: r.value.map((q) => ({ id: String(q.id), position: q.position, preview: q.preview, createdAt: q.createdAt })) } : r;
    },
    async promote(agentId, itemId, signal) {
      const id = queuedId(itemId);
      return id === undefined ? notQueued(agentId, itemId) : chats.promoteQueued(agentId, id, signal);
    },
    async reprioritise() {
      return { ok: false, failure: unsupportedFailure(NO_CHAT_PRIORITIES, { kind: 'chat' }) };
    },
    async cancel(agentId, itemId, signal) {
      const id = queuedId(itemId);
      return id === undefined ? notQueued(agentId, itemId) : chats.deleteQueued(agentId, id, signal);
    },
  };
}

/** The queue of `kind`, or the refusal when this server holds none for it. */
export function queueFor(kind: AgentKind, queues: { chat: AgentQueue; task?: AgentQueue | undefined }): Outcome<AgentQueue> {
  switch (kind) {
    case 'chat':
      return { ok: true, value: queues.chat };
    case 'task':
      return queues.task ? { ok: true, value: queues.task } : { ok: false, failure: unsupportedFailure(NO_TASK_QUEUE, { kind }) };
    case 'workspace': {
      // Workspace agents share the store's queue with tasks (AgentAPI has none of its own).
      if (queues.task) return { ok: true, value: queues.task };
      const support = workspacesSupport('native_queue');
      return { ok: false, failure: support.supported ? unsupportedFailure(NO_TASK_QUEUE, { kind }) : unsupportedFailure(support, { kind }) };
    }
    default:
      return assertNever(kind);
  }
}

const NO_CHAT_PRIORITIES: Extract<Support, { supported: false }> = {
  supported: false,
  reason: "Coder's queue of a chat has no priorities: items run in order.",
  next: [{ tool: 'manage_agent_queue', why: "action 'promote' runs the item next (Coder interrupts the current turn for it); action 'cancel' drops one." }],
};

const NO_TASK_QUEUE: Extract<Support, { supported: false }> = {
  supported: false,
  reason: 'Nothing is queued for task agents: Coder Tasks has no queue and this server holds none.',
  next: [{ tool: 'send_agent_input', why: 'send the input once the agent is idle.' }],
};
