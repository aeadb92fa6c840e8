/**
 * Status truth for Coder Agents chats (design §3): how one chat becomes one AgentStatus.
 *
 * Coder's ChatStatus (`waiting`, `running`, `error`, `requires_action`, `interrupting`, `paused`) is close to
 * ours, but not enough: a `running` chat may be waiting for a concurrency slot (`queued_for_capacity`), a
 * `waiting` chat whose PR is merged is done, and archived chats are done whatever their status. Enums are
 * open: anything else is `unknown`, never a crash.
 *
 * `CHAT_STATUS_TABLE` is the table AS DATA (first match wins); `deriveChatStatus` implements exactly these rows;
 * `chat-status-table.spec.ts` runs every row's example through `toChatAgent`; the README table is rendered
 * from it (`renderChatStatusTableMarkdown`).
 */
import type { AgentStatus } from '../models/agent.js';
import { renderRuleTable } from './status-table.js';

/** The facts the chat rules read. */
export interface ChatStatusInput {
  readonly status: string;
  readonly queuedForCapacity: boolean;
  readonly archived: boolean;
  /** `pull_request_state` as sent (undefined without a PR). */
  readonly prState: string | undefined;
}

/** A minimal chat for one row, used by tests and builders. */
export interface ChatStatusExample {
  readonly status: string;
  readonly queuedForCapacity?: boolean;
  readonly archived?: boolean;
  readonly prState?: string;
  readonly errorKind?: string;
}

export interface ChatStatusRule {
  readonly id: string;
  readonly status: AgentStatus;
  readonly when: string;
  readonly reason: string;
  readonly example: ChatStatusExample;
}

const rule = (id: string, status: AgentStatus, when: string, reason: string, example: ChatStatusExample): ChatStatusRule => ({
  id,
  status,
  when,
  reason,
  example,
});

export const CHAT_STATUS_TABLE: readonly ChatStatusRule[] = [
  rule('chat-archived', 'complete', 'archived (listed only with an `archived:any` filter), whatever its status', 'the chat is archived', {
    status: 'waiting',
    archived: true,
  }),
  rule('chat-error', 'error', 'status `error` (kind from `last_error.kind`)', 'the chat stopped with an error', { status: 'error', errorKind: 'usage_limit' }),
  rule(
    'chat-requires-action',
    'blocked',
    'status `requires_action` (client tool calls pending, 5-minute deadline)',
    'the chat waits for client tool results',
    { status: 'requires_action' },
  ),
  rule('chat-interrupting', 'stopping', 'status `interrupting`', 'the chat is being interrupted', { status: 'interrupting' }),
  rule('chat-paused', 'paused', 'status `paused` (the queue head is being edited)', 'the chat is paused while its queued message is edited', {
    status: 'paused',
  }),
  rule(
    'chat-queued-for-capacity',
    'starting',
    'status `running` with `queued_for_capacity: true` (waiting for a concurrency slot)',
    'the chat waits for a free agent slot',
    { status: 'running', queuedForCapacity: true },
  ),
  rule('chat-running', 'busy', 'status `running`', 'the chat is working', { status: 'running' }),
  rule('chat-merged', 'complete', 'status `waiting` with a merged PR', 'the chat is idle and its pull request is merged', {
    status: 'waiting',
    prState: 'merged',
  }),
  rule('chat-waiting', 'idle', 'status `waiting` (the turn ended)', 'the chat is idle, waiting for input', { status: 'waiting', prState: 'open' }),
  rule('chat-unknown', 'unknown', 'a status this version does not know', 'Coder reports an unrecognised chat status', { status: 'compacting' }),
];

const BY_ID: ReadonlyMap<string, ChatStatusRule> = new Map(CHAT_STATUS_TABLE.map((r) => [r.id, r]));

/** Evaluate CHAT_STATUS_TABLE for one chat. Total: unknown statuses end in `chat-unknown`. */
export function deriveChatStatus(input: ChatStatusInput): ChatStatusRule {
  return BY_ID.get(chatRuleId(input)) as ChatStatusRule;
}

function chatRuleId(input: ChatStatusInput): string {
  if (input.archived) return 'chat-archived';
  switch (input.status) {
    case 'error':
      return 'chat-error';
    case 'requires_action':
      return 'chat-requires-action';
    case 'interrupting':
      return 'chat-interrupting';
    case 'paused':
      return 'chat-paused';
    case 'running':
      return input.queuedForCapacity ? 'chat-queued-for-capacity' : 'chat-running';
    case 'waiting':
      return input.prState === 'merged' ? 'chat-merged' : 'chat-waiting';
    default:
      return 'chat-unknown';
  }
}

/** Markdown rendering of CHAT_STATUS_TABLE (the README section is generated from this). */
export function renderChatStatusTableMarkdown(): string {
  return renderRuleTable(CHAT_STATUS_TABLE);
}
