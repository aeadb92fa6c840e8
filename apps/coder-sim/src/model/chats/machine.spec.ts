import { describe, expect, it } from 'vitest';
import { nextChatState, type ChatInput, type ChatState, type QueueEffect, type Refusal } from './machine.js';
import type { ChatStatus } from './types.js';

/** coder-chats-api.md §5 notation: W, E0/E1, R0/R1, I0/I1, A0/A1, P1 (paused), X… = archived. */
const LETTERS: Record<string, ChatStatus> = { W: 'waiting', E: 'error', R: 'running', I: 'interrupting', A: 'requires_action', P: 'paused' };

function state(code: string): ChatState {
  const archived = code.startsWith('X');
  const body = archived ? code.slice(1) : code;
  const status = LETTERS[body.charAt(0)];
  if (!status) throw new Error(`bad state ${code}`);
  return { status, queued: body.endsWith('1'), archived };
}

const send: ChatInput = { kind: 'send', busy: 'queue' };
const sendInterrupt: ChatInput = { kind: 'send', busy: 'interrupt' };

type Row = [from: string, input: ChatInput, to: ChatStatus | Refusal, queue?: QueueEffect, flags?: { clearError?: boolean; clearAction?: boolean; archived?: boolean }];

const ROWS: Row[] = [
  // POST messages, busy_behavior queue: W→R0, E0→R0, E1→R1 (new msg appended, head promoted, error cleared), R→R1, I→I1, A→A1
  ['W', send, 'running', 'insert', { clearError: true }],
  ['E0', send, 'running', 'insert', { clearError: true }],
  ['E1', send, 'running', 'append_promote', { clearError: true }],
  ['P1', send, 'running', 'append_promote', { clearError: true }],
  ['R0', send, 'running', 'append'],
  ['R1', send, 'running', 'append'],
  ['I0', send, 'interrupting', 'append'],
  ['I1', send, 'interrupting', 'append'],
  ['A0', send, 'requires_action', 'append'],
  ['A1', send, 'requires_action', 'append'],
  ['XW', send, 'archived'],
  // POST messages, busy_behavior interrupt: W/E0→R0, E1→R1, R/I→I1, A→R1
  ['W', sendInterrupt, 'running', 'insert', { clearError: true }],
  ['E0', sendInterrupt, 'running', 'insert', { clearError: true }],
  ['E1', sendInterrupt, 'running', 'append_promote', { clearError: true }],
  ['R0', sendInterrupt, 'interrupting', 'prepend'],
  ['R1', sendInterrupt, 'interrupting', 'prepend'],
  ['I0', sendInterrupt, 'interrupting', 'prepend'],
  ['I1', sendInterrupt, 'interrupting', 'prepend'],
  ['A0', sendInterrupt, 'running', 'prepend', { clearAction: true }],
  ['A1', sendInterrupt, 'running', 'prepend', { clearAction: true }],
  // interrupt: R0→I0, R1→I1, A0→R0, A1→R1; idle, errored or interrupting chats stay as they are
  ['R0', { kind: 'interrupt' }, 'interrupting', 'none'],
  ['R1', { kind: 'interrupt' }, 'interrupting', 'none'],
  ['A0', { kind: 'interrupt' }, 'running', 'none', { clearAction: true }],
  ['A1', { kind: 'interrupt' }, 'running', 'none', { clearAction: true }],
  ['W', { kind: 'interrupt' }, 'waiting', 'none'],
  ['E1', { kind: 'interrupt' }, 'error', 'none'],
  ['I0', { kind: 'interrupt' }, 'interrupting', 'none'],
  // worker finishes: R0→W, R1→R (next queued promoted); interrupted turns likewise
  ['R0', { kind: 'turn_done' }, 'waiting', 'none'],
  ['R1', { kind: 'turn_done' }, 'running', 'promote_head'],
  ['W', { kind: 'turn_done' }, 'invalid'],
  ['I0', { kind: 'interrupt_done' }, 'waiting', 'none'],
  ['I1', { kind: 'interrupt_done' }, 'running', 'promote_head'],
  ['R0', { kind: 'interrupt_done' }, 'invalid'],
  // any → E (FinishError), the queue is kept
  ['R0', { kind: 'turn_error' }, 'error', 'none', { clearAction: true }],
  ['R1', { kind: 'turn_error' }, 'error', 'none', { clearAction: true }],
  ['I0', { kind: 'turn_error' }, 'error', 'none', { clearAction: true }],
  ['A1', { kind: 'turn_error' }, 'error', 'none', { clearAction: true }],
  ['XW', { kind: 'turn_error' }, 'archived'],
  // R → A (dynamic tools, 5-minute deadline); resolved → R; expired → E
  ['R0', { kind: 'needs_action' }, 'requires_action', 'none'],
  ['R1', { kind: 'needs_action' }, 'requires_action', 'none'],
  ['W', { kind: 'needs_action' }, 'invalid'],
  ['A0', { kind: 'action_resolved' }, 'running', 'none', { clearAction: true }],
  ['R0', { kind: 'action_resolved' }, 'invalid'],
  ['A0', { kind: 'action_expired' }, 'error', 'none', { clearAction: true }],
  ['A1', { kind: 'action_expired' }, 'error', 'none', { clearAction: true }],
  ['E0', { kind: 'action_expired' }, 'invalid'],
  // DELETE / promote queue: only with a non-empty queue (E1, R1, I1, A1)
  ['E1', { kind: 'queue_delete' }, 'error', 'remove'],
  ['R1', { kind: 'queue_delete' }, 'running', 'remove'],
  ['I1', { kind: 'queue_delete' }, 'interrupting', 'remove'],
  ['A1', { kind: 'queue_delete' }, 'requires_action', 'remove'],
  ['R0', { kind: 'queue_delete' }, 'empty_queue'],
  ['W', { kind: 'queue_delete' }, 'empty_queue'],
  ['E1', { kind: 'queue_promote' }, 'running', 'promote_selected', { clearError: true }],
  ['R1', { kind: 'queue_promote' }, 'interrupting', 'move_to_front'],
  ['I1', { kind: 'queue_promote' }, 'interrupting', 'move_to_front'],
  ['A1', { kind: 'queue_promote' }, 'running', 'move_to_front', { clearAction: true }],
  ['E0', { kind: 'queue_promote' }, 'empty_queue'],
  // PATCH archived: W↔XW, E0↔XE0, E1↔XE1; other states rejected
  ['W', { kind: 'archive' }, 'waiting', 'none', { archived: true }],
  ['E0', { kind: 'archive' }, 'error', 'none', { archived: true }],
  ['E1', { kind: 'archive' }, 'error', 'none', { archived: true }],
  ['R0', { kind: 'archive' }, 'busy'],
  ['R1', { kind: 'archive' }, 'busy'],
  ['I0', { kind: 'archive' }, 'busy'],
  ['A0', { kind: 'archive' }, 'busy'],
  ['P1', { kind: 'archive' }, 'busy'],
  ['XW', { kind: 'unarchive' }, 'waiting', 'none', { archived: false }],
  ['XE0', { kind: 'unarchive' }, 'error', 'none', { archived: false }],
  ['XE1', { kind: 'unarchive' }, 'error', 'none', { archived: false }],
];

const REFUSALS: readonly string[] = ['busy', 'archived', 'empty_queue', 'invalid'];

describe('chat state machine (coder-chats-api.md §5)', () => {
  it.each(ROWS.map((row) => [`${row[0]} --${row[1].kind}${'busy' in row[1] ? `(${row[1].busy})` : ''}--> ${row[2]}${row[3] ? ` [${row[3]}]` : ''}`, row] as const))('%s', (_label, [from, input, to, queue, flags]) => {
    const outcome = nextChatState(state(from), input);
    if (REFUSALS.includes(to)) {
      expect(outcome).toEqual({ ok: false, refusal: to });
      return;
    }
    expect(outcome).toEqual({
      ok: true,
      status: to,
      queue,
      clearError: flags?.clearError ?? false,
      clearAction: flags?.clearAction ?? false,
      archived: flags?.archived ?? from.startsWith('X'),
    });
  });

  it('covers every input kind', () => {
    const kinds = new Set(ROWS.map((r) => r[1].kind));
    expect([...kinds].sort()).toEqual(['action_expired', 'action_resolved', 'archive', 'interrupt', 'interrupt_done', 'needs_action', 'queue_delete', 'queue_promote', 'send', 'turn_done', 'turn_error', 'unarchive']);
  });
});
