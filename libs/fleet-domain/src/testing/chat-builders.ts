/**
 * Test builders for Coder Agents chats (docs/coder-chats-api.md §4 and §11) and chat agents. Deterministic
 * like builders.ts: ids from a counter, times from `BASE_NOW` and offsets.
 */
import type { Chat, ChatDiffStatus, ChatMessage, ChatMessagePart, ChatQueuedMessage } from '../mapping/coder-types.js';
import type { Agent, AgentStatus } from '../models/agent.js';
import { toChatAgent, type ToChatAgentOptions } from '../mapping/from-chat.js';
import { CHAT_STATUS_TABLE, type ChatStatusExample } from '../status/chat-status-table.js';
import { BASE_NOW, MINUTE, buildAgent, isoAgo, testId } from './builders.js';
import { STATUS_TABLE } from '../status/status-table.js';

/** A root chat as `GET /api/v2/chats` lists it: running, no PR, no error, no children. */
export function buildChat(overrides: Partial<Chat> = {}): Chat {
  const id = overrides.id ?? testId(7);
  return {
    id,
    organization_id: '00000000-0000-4000-9000-000000000001',
    owner_id: '00000000-0000-4000-9000-000000000002',
    owner_username: 'alice',
    last_model_config_id: '00000000-0000-4000-9000-000000000030',
    title: 'Fix the failing tests',
    status: 'running',
    last_turn_summary: null,
    summary: null,
    created_at: isoAgo(30 * MINUTE),
    updated_at: isoAgo(2 * MINUTE),
    archived: false,
    labels: { ticket: 'ENG-42' },
    has_unread: false,
    shared: false,
    pin_order: 0,
    mcp_server_ids: [],
    client_type: 'api',
    children: [],
    ...overrides,
  };
}

/** A chat's `diff_status` with an open PR #12. */
export function buildDiffStatus(overrides: Partial<ChatDiffStatus> = {}): ChatDiffStatus {
  return {
    chat_id: CHAT_ID,
    url: 'https://github.com/acme/app/pull/12',
    pull_request_state: 'open',
    pull_request_title: 'Fix the failing tests',
    pull_request_draft: false,
    changes_requested: false,
    additions: 40,
    deletions: 7,
    changed_files: 3,
    pr_number: 12,
    approved: false,
    base_branch: 'main',
    head_branch: 'fix-tests',
    ...overrides,
  };
}

/** A chat matching one CHAT_STATUS_TABLE example. */
export function buildChatFromExample(example: ChatStatusExample, overrides: Partial<Chat> = {}): Chat {
  return buildChat({
    status: example.status,
    ...(example.queuedForCapacity !== undefined ? { queued_for_capacity: example.queuedForCapacity } : {}),
    ...(example.archived !== undefined ? { archived: example.archived } : {}),
    ...(example.prState !== undefined ? { diff_status: buildDiffStatus({ pull_request_state: example.prState }) } : {}),
    ...(example.status === 'error'
      ? { last_error: { message: 'monthly spend limit reached', kind: example.errorKind ?? 'generic', retryable: false } }
      : {}),
    ...overrides,
  });
}

export interface ChatAgentSpec {
  /** Fleet status; the first CHAT_STATUS_TABLE row with it is used (idle: `waiting` without a PR). */
  readonly status?: AgentStatus;
  readonly now?: number;
  /** Created this long before `now` (default 30 min). */
  readonly createdAgoMs?: number;
  /** `updated_at` this long before `now` (default 2 min). */
  readonly updatedAgoMs?: number;
  readonly chat?: Partial<Chat>;
  readonly options?: ToChatAgentOptions;
}

const FIRST_CHAT_ROW = new Map<AgentStatus, ChatStatusExample>();
for (const row of CHAT_STATUS_TABLE) if (!FIRST_CHAT_ROW.has(row.status)) FIRST_CHAT_ROW.set(row.status, row.example);
FIRST_CHAT_ROW.set('idle', { status: 'waiting' });

/** A chat Agent in a given status through the real mapping. */
export function buildChatAgent(spec: ChatAgentSpec = {}): Agent {
  const now = spec.now ?? BASE_NOW;
  const example = FIRST_CHAT_ROW.get(spec.status ?? 'busy') ?? { status: 'compacting' };
  const chat = buildChatFromExample(example, {
    created_at: isoAgo(spec.createdAgoMs ?? 30 * MINUTE, now),
    updated_at: isoAgo(Math.min(spec.updatedAgoMs ?? 2 * MINUTE, spec.createdAgoMs ?? 30 * MINUTE), now),
    ...spec.chat,
  });
  return toChatAgent(chat, now, spec.options);
}

const CHAT_ID = '00000000-0000-4000-8007-000000000001';

/** A text message part. */
export const textPart = (text: string): ChatMessagePart => ({ type: 'text', text });

/** A chat message (`role` user by default) `agoMs` before BASE_NOW. */
export function buildChatMessage(id: number, role: ChatMessage['role'], content: readonly ChatMessagePart[], agoMs = MINUTE, now = BASE_NOW): ChatMessage {
  return { id, chat_id: CHAT_ID, created_at: isoAgo(agoMs, now), role, content: [...content] };
}

export function buildQueuedMessage(id: number, text: string): ChatQueuedMessage {
  return { id, chat_id: CHAT_ID, content: [textPart(text)], created_at: isoAgo(MINUTE) };
}

/** N root chats with a realistic status mix (some with PRs, errors, subagents), for benchmarks and fleet tests. */
export function buildChatList(n: number, now = BASE_NOW): Chat[] {
  const out: Chat[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const kind = i % 11;
    const id = `00000000-0000-4000-8c00-${i.toString(16).padStart(12, '0')}`;
    out[i] = buildChat({
      id,
      owner_username: `user-${i % 50}`,
      title: `chat ${i}`,
      status: kind === 0 ? 'error' : kind === 1 ? 'requires_action' : kind < 6 ? 'running' : 'waiting',
      ...(kind === 0 ? { last_error: { message: 'rate limited', kind: i % 2 ? 'rate_limit' : 'usage_limit', retryable: i % 2 === 1 } } : {}),
      ...(kind >= 7 ? { diff_status: buildDiffStatus({ pr_number: i, pull_request_state: kind === 10 ? 'merged' : 'open', changes_requested: kind === 8 }) } : {}),
      created_at: isoAgo(300 * MINUTE + (i % 97) * MINUTE, now),
      updated_at: isoAgo(((i * 31) % 200) * MINUTE, now),
    });
  }
  return out;
}

/** An agent in `status`: a task when the task table has the status, else a chat (`stopping` is chat-only). */
export function buildAnyAgent(status: AgentStatus): Agent {
  return STATUS_TABLE.some((r) => r.status === status) ? buildAgent({ status }) : buildChatAgent({ status });
}
