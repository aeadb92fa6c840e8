import type { Rng } from '../../util/prng.js';

/** Chat status values this simulator produces (the API treats the enum as open). */
export type ChatStatus = 'waiting' | 'running' | 'error' | 'requires_action' | 'interrupting' | 'paused';
export const CHAT_STATUSES: readonly ChatStatus[] = ['waiting', 'running', 'error', 'requires_action', 'interrupting', 'paused'];

export type ChatErrorKind =
  | 'generic'
  | 'overloaded'
  | 'rate_limit'
  | 'timeout'
  | 'stream_silence_timeout'
  | 'auth'
  | 'config'
  | 'usage_limit'
  | 'missing_key'
  | 'provider_disabled'
  | 'content_filter'
  | 'hook_dispatch_failed'
  | 'hook_denied';

export const CHAT_ERROR_KINDS: readonly ChatErrorKind[] = [
  'generic',
  'overloaded',
  'rate_limit',
  'timeout',
  'stream_silence_timeout',
  'auth',
  'config',
  'usage_limit',
  'missing_key',
  'provider_disabled',
  'content_filter',
  'hook_dispatch_failed',
  'hook_denied',
];

export interface SimChatError {
  message: string;
  detail?: string;
  kind: ChatErrorKind;
  provider?: string;
  retryable: boolean;
  statusCode?: number;
}

export type PullRequestState = 'open' | 'merged' | 'closed';

/** PR tracking (diff_status): absent until the agent pushes a branch. */
export interface SimDiffStatus {
  branch: string;
  /** Absent until a PR is opened. */
  pr?: {
    number: number;
    url: string;
    title: string;
    state: PullRequestState;
    draft: boolean;
    changesRequested: boolean;
    approved: boolean;
    reviewers: number;
    commits: number;
  };
  additions: number;
  deletions: number;
  changedFiles: number;
  refreshedAt: number;
}

export interface SimToolCall {
  toolCallId: string;
  toolName: string;
  args: string;
}

/** A stored message; assistant/tool content is rendered on demand from `gen`. */
export interface SimChatMessage {
  id: number;
  role: 'user' | 'assistant' | 'tool';
  at: number;
  createdBy?: string;
  text?: string;
  gen?: { kind: 'turn' | 'tool-call' | 'tool-result' | 'question' | 'done'; seed: number };
  usage?: { input: number; output: number; reasoning: number; cacheRead: number };
  costMicros?: number;
  queuedMessageId?: number;
}

export interface SimQueuedMessage {
  id: number;
  text: string;
  at: number;
}

/** How a chat behaves over time (drives the engine): picked by the scenario or by create. */
export type ChatPersona =
  /** works a few turns, opens a PR now and then, goes idle */
  | 'normal'
  /** keeps running without a new message */
  | 'stuck'
  /** asks for client tool results (requires_action) */
  | 'needs_action'
  /** ends its turns in an error */
  | 'flaky'
  /** always opens a PR that moves through review */
  | 'pr';

export interface SimChat {
  id: string;
  organizationId: string;
  ownerId: string;
  parentId: string | null;
  /** Child chat ids (subagents, depth 1). */
  children: string[];
  title: string;
  status: ChatStatus;
  archived: boolean;
  /** Users the chat is shared with (read). */
  sharedWith: Set<string>;
  pinOrder: number;
  labels: Record<string, string>;
  modelConfigId: string;
  workspaceId: string | null;
  clientType: 'ui' | 'api';
  planMode: boolean;
  createdAt: number;
  updatedAt: number;
  messages: SimChatMessage[];
  queue: SimQueuedMessage[];
  lastError: SimChatError | null;
  /** requires_action: the pending client tool calls and the deadline. */
  action: { toolCalls: SimToolCall[]; deadline: number } | null;
  diff: SimDiffStatus | null;
  lastTurnSummary: string | null;
  summary: string | null;
  /** Highest message id the owner has read (has_unread = a newer assistant message exists). */
  readCursor: number;
  /** Counted AI Gateway cost of this chat alone (GET cost sums the family). */
  costMicros: number;
  requestCount: number;
  persona: ChatPersona;
  /** Turns the agent still works before it stops (waiting). */
  turnsLeft: number;
  /** Next engine event for this chat (turn end, interrupt done, deadline); Infinity = none. */
  nextAt: number;
  /** Next PR evolution step; Infinity = none. */
  prAt: number;
  /** Running but waiting for a concurrency slot (single GET shows queued_for_capacity). */
  queuedForCapacity: boolean;
  /** When the chat started waiting for a slot (FIFO). */
  capacitySince: number;
  rng: Rng;
  rev: number;
  cache: { rev: number; json?: string };
}

/** What a chat's owner (or a client) sees change: feeds the watch socket and the per-chat stream. */
export type ChatChange =
  | { kind: 'created' | 'status_change' | 'title_change' | 'summary_change' | 'diff_status_change' | 'deleted'; chat: SimChat }
  | { kind: 'action_required'; chat: SimChat; toolCalls: SimToolCall[] };

export type ChatStreamChange =
  | { type: 'status'; chat: SimChat }
  | { type: 'message'; chat: SimChat; message: SimChatMessage }
  | { type: 'message_part'; chat: SimChat; text: string; seq: number }
  | { type: 'queue_update'; chat: SimChat }
  | { type: 'error'; chat: SimChat; error: SimChatError }
  | { type: 'retry'; chat: SimChat; attempt: number; delayMs: number; error: SimChatError; at: number }
  | { type: 'action_required'; chat: SimChat; toolCalls: SimToolCall[] };
