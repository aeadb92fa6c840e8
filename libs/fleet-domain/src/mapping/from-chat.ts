/**
 * Coder Agents chats (Chats API, docs/coder-chats-api.md) → Agent, beside mapping/from-coder.ts for tasks.
 *
 * Total like the task mapping: an unknown chat status is `unknown`, absent omitempty fields stay absent
 * (never invented), timestamps are normalised to UTC ISO. Subagents (`children`) are agents of the fleet
 * too: `toChatAgents` lists each root followed by its family, every child with its `parentId` and `rootId`.
 *
 * Facts the chat object does not carry (cost, queued messages, message times, turns, model names, the
 * workspace's template) come from other calls; the caller passes what it has in `ChatExtras`.
 */
import type { Chat, ChatDiffStatus, ChatError, ChatMessagePart, ChatQueuedMessage } from './coder-types.js';
import type { Agent, AgentActionRequired, AgentLastError, AgentPullRequest, AgentQueue, AgentTemplateRef, PullRequestState } from '../models/agent.js';
import { deriveChatStatus, type ChatStatusInput } from '../status/chat-status-table.js';
import { classifyChatError, deriveAttention, type AttentionThresholds } from '../status/attention.js';
import { formatUtcIso, type Instant, parseTimestamp, toEpochMs, utcIso } from './timestamps.js';
import { lookup, newerTime, newScratch, optionalIso, timeFrom, type PerTask, type Scratch } from './from-coder.js';
import { quoteUntrusted } from '../text/quote.js';
import { truncateText } from '../text/truncate.js';

/** How long Coder lets a `requires_action` chat wait for client tool results before it fails the turn. */
export const REQUIRES_ACTION_DEADLINE_MS = 5 * 60_000;

/** Per-chat facts from calls other than the chat list; every one optional. */
export interface ChatExtras {
  /** `total_cost_micros` of GET /chats/{id}/cost (the whole root + subagent tree). */
  readonly costMicros?: number;
  /** Time of the newest message (feeds `lastActivityAt` and the `stuck` rule). */
  readonly lastMessageAt?: string | number;
  /** First known work signal (e.g. the first assistant message). */
  readonly firstWorkAt?: string | number;
  /** Agent turns so far (assistant messages), when counted. */
  readonly turns?: number;
  /** Coder-native queued messages (`queued_messages` of the first messages page, or a stream `queue_update`). */
  readonly queuedMessages?: readonly ChatQueuedMessage[];
  /** The template of the chat's workspace, when the caller joined it. */
  readonly template?: AgentTemplateRef;
  /** From a watch `action_required` event: when it was seen and the pending tool calls. */
  readonly actionRequired?: { readonly since?: string | number; readonly toolNames?: readonly string[] };
}

export interface ToChatAgentOptions extends AttentionThresholds, ChatExtras {
  /** Which API path the chat came from: `/api/v2` (2.37+) or `/api/experimental` (2.32-2.36). Default `v2`. */
  readonly era?: 'v2' | 'experimental';
  /** Display name of the chat's model config. */
  readonly model?: string;
}

export interface ToChatAgentsOptions extends AttentionThresholds {
  readonly era?: 'v2' | 'experimental';
  /** Extras per chat id. */
  readonly extras?: PerTask<ChatExtras>;
  /** Model display name per model config id. */
  readonly models?: PerTask<string>;
}

const NO_TEMPLATE: AgentTemplateRef = Object.freeze({ id: '', name: '', displayName: '' });
const HEALTHY = Object.freeze({ healthy: true });
const REASON_MESSAGE_MAX = 200;
const QUEUE_PREVIEW_MAX = 160;

/** Map one chat (without its children: use `toChatAgents` for families). */
export function toChatAgent(chat: Chat, now: Instant, options: ToChatAgentOptions = {}): Agent {
  return mapChat(chat, toEpochMs(now), options, options, options.era ?? 'v2', options.model, undefined, undefined, newScratch());
}

/** Map a chat list: each root, then its subagents (depth first), each with `parentId` / `rootId`. */
export function toChatAgents(chats: readonly Chat[], now: Instant, options: ToChatAgentsOptions = {}): Agent[] {
  const map = createChatMapper(now, options);
  const out: Agent[] = [];
  for (const chat of chats) map(chat, out);
  return out;
}

/** A mapper for callers that map chats one family at a time (e.g. only changed ones); appends to `out`. */
export function createChatMapper(now: Instant, options: ToChatAgentsOptions = {}): (chat: Chat, out?: Agent[]) => Agent[] {
  const nowMs = toEpochMs(now);
  const scratch = newScratch();
  const era = options.era ?? 'v2';
  const visit = (chat: Chat, parent: Chat | undefined, root: Chat | undefined, out: Agent[]) => {
    const model = chat.last_model_config_id ? lookup(options.models, chat.last_model_config_id) : undefined;
    out.push(mapChat(chat, nowMs, options, lookup(options.extras, chat.id) ?? {}, era, model, parent, root, scratch));
    for (const child of chat.children ?? []) visit(child, chat, root ?? chat, out);
  };
  return (chat, out = []) => {
    visit(chat, undefined, undefined, out);
    return out;
  };
}

/** `pull_request_state` (+ draft flag) as our PullRequestState. */
export function toPullRequestState(raw: string | undefined, draft: boolean): PullRequestState {
  switch (raw) {
    case 'open':
      return draft ? 'draft' : 'open';
    case 'merged':
      return 'merged';
    case 'closed':
      return 'closed';
    default:
      return 'unknown';
  }
}

/** The chat's PR from `diff_status`; undefined when there is no PR (a diff status may track a branch only). */
export function toPullRequest(ds: ChatDiffStatus | null | undefined): AgentPullRequest | undefined {
  if (!ds || (ds.url === undefined && ds.pr_number === undefined && ds.pull_request_state === undefined)) return undefined;
  const draft = ds.pull_request_draft === true;
  return {
    number: ds.pr_number,
    url: ds.url || undefined,
    state: toPullRequestState(ds.pull_request_state, draft),
    rawState: ds.pull_request_state,
    draft,
    title: ds.pull_request_title ?? '',
    additions: ds.additions ?? 0,
    deletions: ds.deletions ?? 0,
    changedFiles: ds.changed_files ?? 0,
    changesRequested: ds.changes_requested === true,
    approved: ds.approved,
    headBranch: ds.head_branch || undefined,
    baseBranch: ds.base_branch || undefined,
  };
}

export function toLastError(e: ChatError | null | undefined): AgentLastError | undefined {
  if (!e) return undefined;
  const kind = e.kind ?? '';
  const retryable = e.retryable === true;
  return {
    kind,
    errorClass: classifyChatError(kind, retryable),
    message: e.message ?? '',
    detail: e.detail || undefined,
    retryable,
    provider: e.provider || undefined,
    statusCode: e.status_code,
  };
}

/** The text of message parts, for previews (text parts only; other parts by type). */
export function partsText(parts: readonly ChatMessagePart[] | null | undefined): string {
  if (!parts) return '';
  return parts
    .map((p) => (p.type === 'text' ? (p.text ?? '') : `[${p.type}]`))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function toQueue(queued: readonly ChatQueuedMessage[] | undefined): AgentQueue | undefined {
  if (queued === undefined) return undefined;
  const head = queued[0];
  const preview = head ? partsText(head.content) : '';
  return { count: queued.length, preview: preview ? truncateText(preview, QUEUE_PREVIEW_MAX) : undefined };
}

function mapChat(
  chat: Chat,
  nowMs: number,
  thresholds: AttentionThresholds,
  extras: ChatExtras,
  era: 'v2' | 'experimental',
  model: string | undefined,
  parent: Chat | undefined,
  root: Chat | undefined,
  scratch: Scratch,
): Agent {
  const createdMs = parseTimestamp(chat.created_at);
  const createdAt = utcIso(chat.created_at, createdMs);
  const updatedMs = parseTimestamp(chat.updated_at);
  const updatedAt = utcIso(chat.updated_at, updatedMs);
  const pr = toPullRequest(chat.diff_status);
  const lastError = toLastError(chat.last_error);
  const archived = chat.archived === true;

  const input: ChatStatusInput = {
    status: String(chat.status),
    queuedForCapacity: chat.queued_for_capacity === true,
    archived,
    prState: chat.diff_status?.pull_request_state,
  };
  const row = deriveChatStatus(input);
  const status = row.status;
  const statusReason = describe(row.id, row.reason, input, lastError, pr);

  // Activity: the newest of updated_at and the newest message; a chat's "state" holds since then.
  const message = newerTime(updatedMs, extras.lastMessageAt);
  const lastMs = message ? message.ms : updatedMs;
  const lastIso = message ? message.iso : updatedAt;
  const stateSinceMs = Number.isNaN(lastMs) ? createdMs : lastMs;
  const stateSinceIso = Number.isNaN(lastMs) ? createdAt : lastIso;
  const firstWork = timeFrom(extras.firstWorkAt);

  let actionRequired: AgentActionRequired | undefined;
  if (row.id === 'chat-requires-action') {
    const seen = extras.actionRequired?.since !== undefined ? timeFrom(extras.actionRequired.since) : { ms: updatedMs, iso: updatedAt };
    actionRequired = {
      since: seen.iso ?? formatUtcIso(seen.ms),
      deadlineAt: formatUtcIso(seen.ms + REQUIRES_ACTION_DEADLINE_MS),
      toolNames: extras.actionRequired?.toolNames,
    };
  }

  const health = status === 'error' ? { healthy: false, reason: statusReason } : HEALTHY;

  const att = scratch.attention;
  att.kind = 'chat';
  att.status = status;
  att.statusReason = statusReason;
  att.state = undefined;
  att.rawHealthy = undefined;
  att.healthReason = undefined;
  att.workspaceStatus = undefined;
  att.stateSinceMs = stateSinceMs;
  att.updatedAtMs = updatedMs;
  att.stateSinceIso = stateSinceIso;
  att.updatedAtIso = updatedAt;
  att.lastError = lastError;
  att.pr = pr;
  att.actionRequired = actionRequired;
  const needsAttention = deriveAttention(att, nowMs, thresholds);

  const parentId = chat.parent_chat_id || parent?.id || undefined;
  const children = chat.children;
  return {
    kind: 'chat',
    id: chat.id,
    name: chat.id,
    owner: chat.owner_username ?? '',
    ownerId: chat.owner_id,
    organizationId: chat.organization_id,
    displayName: chat.title || chat.id,
    template: extras.template ?? NO_TEMPLATE,
    preset: undefined,
    status,
    statusReason,
    statusRule: row.id,
    coderStatus: String(chat.status),
    era,
    state: undefined,
    health,
    workspace: {
      id: chat.workspace_id || undefined,
      name: undefined,
      status: undefined,
      buildNumber: undefined,
      agentId: chat.agent_id || undefined,
      agentLifecycle: undefined,
    },
    createdAt,
    updatedAt,
    lastActivityAt: lastIso,
    firstWorkAt: optionalIso(firstWork),
    initialPrompt: '',
    needsAttention,
    times: {
      createdAt: createdMs,
      updatedAt: updatedMs,
      lastActivityAt: lastMs,
      stateSince: stateSinceMs,
      firstWorkAt: firstWork.ms,
    },
    costMicros: extras.costMicros,
    pr,
    labels: chat.labels ?? undefined,
    queue: toQueue(extras.queuedMessages),
    modelConfigId: chat.last_model_config_id || undefined,
    model,
    unread: chat.has_unread,
    parentId,
    rootId: parentId === undefined ? undefined : chat.root_chat_id || root?.id || parentId,
    childIds: children && children.length > 0 ? children.map((c) => c.id) : undefined,
    lastError,
    actionRequired,
    turns: extras.turns,
    lastTurnSummary: chat.last_turn_summary ?? undefined,
    archived,
  };
}

function describe(ruleId: string, base: string, input: ChatStatusInput, lastError: AgentLastError | undefined, pr: AgentPullRequest | undefined): string {
  switch (ruleId) {
    case 'chat-error':
      if (!lastError) return base;
      return `${base}${lastError.kind ? ` (${lastError.kind})` : ''}${lastError.message ? `: ${quoteUntrusted(truncateText(lastError.message, REASON_MESSAGE_MAX))}` : ''}`;
    case 'chat-merged':
      return pr?.number !== undefined ? `${base} (PR #${pr.number})` : base;
    case 'chat-archived':
    case 'chat-unknown':
      return `${base} (status "${input.status}")`;
    default:
      return base;
  }
}
