import type { ChatStatus } from './types.js';

/**
 * The chat execution state machine of coder-chats-api.md §5, pure: a state is status × queue
 * (empty/non-empty) × archived; an input is what an endpoint or the worker does. The answer says the
 * next status and what happens to the queue; the engine applies it.
 */
export interface ChatState {
  status: ChatStatus;
  /** The per-chat queue is non-empty (the "1" in R1, E1, …). */
  queued: boolean;
  archived: boolean;
}

export type ChatInput =
  /** POST messages with busy_behavior queue (default) or interrupt. */
  | { kind: 'send'; busy: 'queue' | 'interrupt' }
  /** POST interrupt. */
  | { kind: 'interrupt' }
  /** The worker finished a turn. */
  | { kind: 'turn_done' }
  /** The worker finished an interrupted turn. */
  | { kind: 'interrupt_done' }
  /** The worker finished with an error (FinishError). */
  | { kind: 'turn_error' }
  /** The worker needs client tool results (dynamic tools; 5-minute deadline). */
  | { kind: 'needs_action' }
  | { kind: 'action_resolved' }
  | { kind: 'action_expired' }
  | { kind: 'queue_delete' }
  | { kind: 'queue_promote' }
  | { kind: 'archive' }
  | { kind: 'unarchive' };

/**
 * What happens to messages and the queue:
 * - `insert`: the new message goes straight into the history;
 * - `append`: the new message is queued at the tail; `prepend`: at the head (delivered next);
 * - `append_promote`: the new message is queued and the queue head becomes a message (E1 → R1);
 * - `promote_head`: the queue head becomes a message; `promote_selected`: the selected queued message does;
 * - `move_to_front`: the selected queued message moves to the head; `remove`: it is deleted.
 */
export type QueueEffect = 'none' | 'insert' | 'append' | 'prepend' | 'append_promote' | 'promote_head' | 'promote_selected' | 'move_to_front' | 'remove';

export type Refusal =
  /** archive of a chat that is not idle or errored */
  | 'busy'
  /** send to an archived chat */
  | 'archived'
  /** queue delete/promote with an empty queue */
  | 'empty_queue'
  /** the worker input does not apply to this status (engine misuse) */
  | 'invalid';

export type Outcome =
  | { ok: true; status: ChatStatus; queue: QueueEffect; clearError: boolean; clearAction: boolean; archived: boolean }
  | { ok: false; refusal: Refusal };

const refuse = (refusal: Refusal): Outcome => ({ ok: false, refusal });

function go(state: ChatState, status: ChatStatus, queue: QueueEffect = 'none', opts: { clearError?: boolean; clearAction?: boolean } = {}): Outcome {
  return { ok: true, status, queue, clearError: opts.clearError ?? false, clearAction: opts.clearAction ?? false, archived: state.archived };
}

/** A chat waiting on a turn to end with a non-empty queue (E1, P1) starts the next one on a new message. */
function isIdleish(status: ChatStatus): boolean {
  return status === 'waiting' || status === 'error' || status === 'paused';
}

export function nextChatState(state: ChatState, input: ChatInput): Outcome {
  const { status, queued } = state;
  switch (input.kind) {
    case 'send': {
      if (state.archived) return refuse('archived');
      if (isIdleish(status)) return go(state, 'running', queued ? 'append_promote' : 'insert', { clearError: true });
      if (input.busy === 'queue') return go(state, status, 'append');
      // busy_behavior interrupt: R/I → I1 (the new message is delivered next); A → R1 (pending tool calls dropped).
      if (status === 'requires_action') return go(state, 'running', 'prepend', { clearAction: true });
      return go(state, 'interrupting', 'prepend');
    }
    case 'interrupt':
      if (status === 'running') return go(state, 'interrupting');
      if (status === 'requires_action') return go(state, 'running', 'none', { clearAction: true });
      return go(state, status);
    case 'turn_done':
      if (status !== 'running') return refuse('invalid');
      return queued ? go(state, 'running', 'promote_head') : go(state, 'waiting');
    case 'interrupt_done':
      if (status !== 'interrupting') return refuse('invalid');
      return queued ? go(state, 'running', 'promote_head') : go(state, 'waiting');
    case 'turn_error':
      if (state.archived) return refuse('archived');
      return go(state, 'error', 'none', { clearAction: true });
    case 'needs_action':
      if (status !== 'running') return refuse('invalid');
      return go(state, 'requires_action');
    case 'action_resolved':
      if (status !== 'requires_action') return refuse('invalid');
      return go(state, 'running', 'none', { clearAction: true });
    case 'action_expired':
      if (status !== 'requires_action') return refuse('invalid');
      return go(state, 'error', 'none', { clearAction: true });
    case 'queue_delete':
      if (!queued) return refuse('empty_queue');
      return go(state, status, 'remove');
    case 'queue_promote':
      if (!queued) return refuse('empty_queue');
      if (isIdleish(status)) return go(state, 'running', 'promote_selected', { clearError: true });
      if (status === 'requires_action') return go(state, 'running', 'move_to_front', { clearAction: true });
      return go(state, 'interrupting', 'move_to_front');
    case 'archive':
      if (status !== 'waiting' && status !== 'error') return refuse('busy');
      return { ...(go(state, status) as Extract<Outcome, { ok: true }>), archived: true };
    case 'unarchive':
      return { ...(go(state, status) as Extract<Outcome, { ok: true }>), archived: false };
  }
}
