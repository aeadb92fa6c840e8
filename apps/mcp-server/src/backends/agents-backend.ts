/**
 * The Agents backend: Coder Agents chats (Chats API, `/api/v2/chats` from 2.37, `/api/experimental/chats`
 * on 2.32–2.36) as fleet agents of kind `chat`. A read is ONE list request (more pages only past
 * `pageSize` chats, bounded by `maxPages`), shared by concurrent callers (single-flight) and mapped by
 * fleet-domain (roots then their subagents), incrementally: a root chat whose JSON is unchanged since the
 * previous read keeps its agents (see runtime/chat-list.ts). Coder scopes the list: the token's own chats
 * plus those shared with it.
 *
 * Mutations return typed outcomes; a 404 on a chat is `agent_not_found`, a 409 spend limit `usage_limit`
 * (the client's error kind), and archiving a busy chat a refusal that names interrupt_agent.
 */
import { randomUUID } from 'node:crypto';
import { partsText, resolveAgentRef, toChatAgent, toChatAgents, truncateText, type Agent, type AttentionThresholds, type ChatExtras } from '@org/fleet-domain';
import type { Chat, ChatMessage, ChatMessagePart, ChatQueuedMessage, ChatSocket, ChatSocketTuning, CoderApiError, CoderClient, CoderResult, CreateChatRequest } from '../coder.js';
import type { Clock } from '../clock.js';
import { fromCoderApiError, fromDomainError, mayHaveBeenApplied, outcomeUnknown, toolFailure, type Outcome, type ToolFailure } from '../failures.js';
import type { ChatListBody } from '@org/coder-api-client';
import { mapChatsIncrementally, type MappedChats } from '../runtime/chat-list.js';
import { createSingleFlightCache } from '../runtime/single-flight-cache.js';
import { toMutationSignals, type FleetPushHandlers, type FleetRead, type MessageEntry, type MessagePage, type MutationSignals, type QueuedItem, type SendOutcome, type WhenBusy } from './backend.js';

export type ChatsClient = Pick<
  CoderClient,
  | 'listChatsIndexed'
  | 'getChat'
  | 'createChat'
  | 'sendChatMessage'
  | 'interruptChat'
  | 'archiveChat'
  | 'listChatMessages'
  | 'deleteQueuedChatMessage'
  | 'promoteQueuedChatMessage'
  | 'getChatCost'
  | 'listMyOrganizations'
  | 'watchChats'
>;

/** A chat the caller pinned by id, read fresh from Coder (lifecycle decisions need the current status). */
export interface ChatTarget {
  readonly id: string;
  readonly chat: Chat;
  readonly agent: Agent;
}

export interface ChatCreateRequest {
  prompt: string;
  labels?: Record<string, string>;
  workspaceId?: string;
  modelConfigId?: string;
  systemPrompt?: string;
  planMode?: boolean;
  organizationId?: string;
}

export interface AgentsBackend {
  list(options?: { force?: boolean }): Promise<CoderResult<FleetRead>>;
  invalidate(): void;
  /** By chat id (a chat's name is its id); `missing` when no chat matches, so a union can try other kinds. */
  resolve(ref: string, signal?: AbortSignal): Promise<Outcome<ChatTarget> | 'missing'>;
  /** Re-reads one chat. */
  load(id: string, signal?: AbortSignal): Promise<Outcome<ChatTarget>>;
  /** Fresh chat plus cost and queue (three Coder requests). */
  details(id: string, signal?: AbortSignal): Promise<Outcome<Agent>>;
  messages(id: string, page: { cursor?: string; limit: number; maxBytes: number }, signal?: AbortSignal): Promise<Outcome<MessagePage>>;
  /**
   * Mutations (D1): when Coder's answer is lost, create and send ask again with the same `request_id` (fixed
   * before the first attempt, so Coder recognises the repeat and nothing is doubled), interrupt and archive
   * re-read the chat; `recovered` says what that found. If even that cannot tell: `outcome_unknown`.
   */
  create(request: ChatCreateRequest, signal?: AbortSignal | MutationSignals): Promise<Outcome<{ agent: Agent; requestId: string; recovered?: string }>>;
  sendInput(target: ChatTarget, text: string, options: { whenBusy: WhenBusy }, signal?: AbortSignal | MutationSignals): Promise<Outcome<SendOutcome>>;
  interrupt(target: ChatTarget, signal?: AbortSignal | MutationSignals): Promise<Outcome<{ agent: Agent; unchanged: boolean; recovered?: string }>>;
  archive(target: ChatTarget, signal?: AbortSignal | MutationSignals): Promise<Outcome<{ unchanged: boolean; recovered?: string }>>;
  queue(id: string, signal?: AbortSignal): Promise<Outcome<QueuedItem[]>>;
  promoteQueued(id: string, queuedId: number, signal?: AbortSignal): Promise<Outcome<void>>;
  deleteQueued(id: string, queuedId: number, signal?: AbortSignal): Promise<Outcome<void>>;
  /**
   * Opens Coder's chat watch socket (the token owner's chats): every frame becomes a change of the fleet
   * (`deleted` or an archived chat: removed; anything else: the chat and its subagents as they are now).
   * Reconnects by itself; its health goes to `onStatus`.
   */
  watch(handlers: FleetPushHandlers): ChatSocket;
}

/** Raw chat statuses in which Coder queues a new message instead of starting a turn. */
const BUSY_STATUSES: ReadonlySet<string> = new Set(['running', 'interrupting', 'requires_action', 'paused']);
/** Raw chat statuses Coder archives (the whole family must be in one of them). */
const ARCHIVABLE_STATUSES: ReadonlySet<string> = new Set(['waiting', 'error']);

export const DEFAULT_CHAT_PAGE_SIZE = 10_000;
export const DEFAULT_CHAT_MAX_PAGES = 5;
const QUEUE_PREVIEW_CHARS = 200;
const MAX_REMEMBERED_COSTS = 10_000;

export function createAgentsBackend(options: {
  coder: ChatsClient;
  clock: Clock;
  thresholds: AttentionThresholds;
  /** Which Chats route tree serves this deployment (`/api/v2` or `/api/experimental`): agents say which. */
  chatsEra: (signal?: AbortSignal) => Promise<'v2' | 'experimental'>;
  ttlMs: number;
  loadTimeoutMs: number;
  pageSize?: number;
  maxPages?: number;
  /** Idempotency keys of creates (tests pin them). */
  newRequestId?: () => string;
  /** Back-off and heartbeat of the watch socket (tests shorten them). */
  socketTuning?: ChatSocketTuning;
}): AgentsBackend {
  const { coder, clock, thresholds } = options;
  let era: 'v2' | 'experimental' = 'v2';
  let eraKnown = false;
  const learnEra = async (signal?: AbortSignal) => {
    if (eraKnown) return;
    era = await options.chatsEra(signal);
    eraKnown = true;
  };
  const pageSize = options.pageSize ?? DEFAULT_CHAT_PAGE_SIZE;
  const maxPages = options.maxPages ?? DEFAULT_CHAT_MAX_PAGES;
  const newRequestId = options.newRequestId ?? randomUUID;
  const cache = createSingleFlightCache<CoderResult<FleetRead>>({ clock, ttlMs: options.ttlMs, loadTimeoutMs: options.loadTimeoutMs, shouldCache: (r) => r.ok });
  /**
   * Costs read by details (GET cost per chat): Coder's chat list carries none, and reading every chat's cost
   * would cost one request per chat. Fleet reads show them as known (with how many are known).
   */
  const costs = new Map<string, ChatExtras>();
  const toAgent = (chat: Chat, extras: ChatExtras = {}) => toChatAgent(chat, clock.now(), { ...thresholds, ...costs.get(chat.id), ...extras, era });
  const notFound = (ref: string): ToolFailure => fromDomainError({ kind: 'agent_not_found', ref });
  const coderFailure = (error: CoderApiError, action: string, ref: string): ToolFailure =>
    error.kind === 'not_found' ? notFound(ref) : fromCoderApiError(error, { action: `${action} agent '${ref}'`, subject: `Agent '${ref}'`, hints: { usage_limit: USAGE_LIMIT_HINT } });

  let previous: MappedChats | undefined;
  const load = async (signal: AbortSignal): Promise<CoderResult<FleetRead>> => {
    await learnEra(signal);
    const pages: ChatListBody[] = [];
    let status = 200;
    for (let page = 0; page < maxPages; page++) {
      const r = await coder.listChatsIndexed({ limit: pageSize, ...(page > 0 ? { offset: page * pageSize } : {}) }, { signal });
      if (!r.ok) return r;
      status = r.status;
      pages.push(r.value);
      if (r.value.length < pageSize) break;
    }
    const fetchedAt = clock.now();
    const mapped = mapChatsIncrementally(pages, previous, fetchedAt, { ...thresholds, era, extras: costs });
    if (!mapped.ok) return { ok: false, error: { kind: 'unexpected_response', status, operation: 'GET /api/v2/chats', message: `Unexpected response shape: ${mapped.problem}.` } };
    previous = mapped.read;
    const agents: Agent[] = [];
    for (const page of mapped.read.slots) for (const family of page) for (const agent of family.agents) agents.push(agent);
    return { ok: true, status, value: { agents, count: agents.length, fetchedAt } };
  };
  const list: AgentsBackend['list'] = (listOptions = {}) => cache.get('chats', load, listOptions);

  const loadChat: AgentsBackend['load'] = async (id, signal) => {
    await learnEra(signal);
    const r = await coder.getChat(id, { signal });
    if (!r.ok) return { ok: false, failure: coderFailure(r.error, 'read', id) };
    return { ok: true, value: { id: r.value.id, chat: r.value, agent: toAgent(r.value) } };
  };

  const queue: AgentsBackend['queue'] = async (id, signal) => {
    const r = await coder.listChatMessages(id, { limit: 1 }, { signal });
    if (!r.ok) return { ok: false, failure: coderFailure(r.error, 'read the queue of', id) };
    return { ok: true, value: (r.value.queued_messages ?? []).map(queuedItem) };
  };

  return {
    list,
    invalidate: () => cache.invalidate(),
    async resolve(ref, signal) {
      const attempt = async (force: boolean): Promise<Outcome<ChatTarget> | 'missing'> => {
        const r = await list({ force });
        if (!r.ok) return { ok: false, failure: fromCoderApiError(r.error, { action: `look up agent '${ref}'`, subject: `Agent '${ref}'` }) };
        const found = resolveAgentRef(r.value.agents, ref, (a) => a);
        return found.ok ? loadChat(found.value.id, signal) : 'missing';
      };
      const first = await attempt(false);
      if (first !== 'missing') return first;
      const second = await attempt(true);
      if (second !== 'missing') return second;
      // Not listed (another user's chat readable by id, or a subagent listed under an archived root): ask for it by id.
      if (!UUID_RE.test(ref.trim())) return 'missing';
      const byId = await coder.getChat(ref.trim(), { signal });
      if (byId.ok) return { ok: true, value: { id: byId.value.id, chat: byId.value, agent: toAgent(byId.value) } };
      return byId.error.kind === 'not_found' || byId.error.kind === 'forbidden' ? 'missing' : { ok: false, failure: coderFailure(byId.error, 'look up', ref) };
    },
    load: loadChat,
    async details(id, signal) {
      await learnEra(signal);
      const [chat, cost, page] = await Promise.all([coder.getChat(id, { signal }), coder.getChatCost(id, { signal }), coder.listChatMessages(id, { limit: 1 }, { signal })]);
      if (!chat.ok) return { ok: false, failure: coderFailure(chat.error, 'read', id) };
      if (cost.ok) {
        // A new or changed cost makes the next fleet read map the chats again (the cost shows in fleet totals).
        if (costs.get(id)?.costMicros !== cost.value.total_cost_micros) cache.invalidate();
        costs.delete(id);
        costs.set(id, { costMicros: cost.value.total_cost_micros });
        if (costs.size > MAX_REMEMBERED_COSTS) costs.delete(costs.keys().next().value as string);
      }
      const extras: ChatExtras = {
        ...(cost.ok ? { costMicros: cost.value.total_cost_micros } : {}),
        ...(page.ok ? { queuedMessages: page.value.queued_messages ?? [] } : {}),
        ...(page.ok && page.value.messages[0] ? { lastMessageAt: page.value.messages[0].created_at } : {}),
      };
      return { ok: true, value: toAgent(chat.value, extras) };
    },
    async messages(id, page, signal) {
      const beforeId = page.cursor === undefined ? undefined : Number(page.cursor);
      if (beforeId !== undefined && (!Number.isSafeInteger(beforeId) || beforeId <= 0)) {
        return { ok: false, failure: toolFailure('invalid_cursor', `Cursor '${page.cursor}' is not a message cursor of this agent.`, 'Pass the next_cursor of the previous page, or omit cursor for the newest messages.') };
      }
      const r = await coder.listChatMessages(id, { limit: page.limit, ...(beforeId !== undefined ? { beforeId } : {}) }, { signal });
      if (!r.ok) return { ok: false, failure: coderFailure(r.error, 'read the messages of', id) };
      return { ok: true, value: boundPage(r.value.messages, r.value.has_more, page.maxBytes) };
    },
    async create(request, signals) {
      const s = toMutationSignals(signals);
      const signal = s.caller;
      await learnEra(signal);
      // Fixed before the first attempt: a retried create (ours or the client's transport) never makes two chats.
      const requestId = newRequestId();
      let organizationId = request.organizationId;
      if (!organizationId) {
        const orgs = await coder.listMyOrganizations({ signal });
        if (!orgs.ok) return { ok: false, failure: fromCoderApiError(orgs.error, { action: 'find the organization of the token user' }) };
        organizationId = orgs.value[0]?.id;
        if (!organizationId) return { ok: false, failure: toolFailure('invalid_state', 'The token user belongs to no organization, so no chat can be created.', 'Ask a Coder admin to add the user to an organization with the agents-access role.') };
      }
      const body: CreateChatRequest = {
        organization_id: organizationId,
        content: [{ type: 'text', text: request.prompt }],
        request_id: requestId,
        ...(request.labels && Object.keys(request.labels).length > 0 ? { labels: request.labels } : {}),
        ...(request.workspaceId ? { workspace_id: request.workspaceId } : {}),
        ...(request.modelConfigId ? { model_config_id: request.modelConfigId } : {}),
        ...(request.systemPrompt ? { system_prompt: request.systemPrompt } : {}),
        ...(request.planMode ? { plan_mode: 'plan' } : {}),
      } as CreateChatRequest;
      const createFailure = (error: CoderApiError) => fromCoderApiError(error, { action: 'create an agent chat', hints: { usage_limit: USAGE_LIMIT_HINT } });
      const r = await coder.createChat(body, { signal: s.request });
      if (r.ok) {
        cache.invalidate();
        return { ok: true, value: { agent: toAgent(r.value), requestId } };
      }
      if (!mayHaveBeenApplied(r.error, signal?.aborted)) return { ok: false, failure: createFailure(r.error) };
      // The answer was lost: ask again with the same request_id; Coder answers with the chat it made for it.
      const again = await coder.createChat(body, { signal: s.reread() });
      cache.invalidate();
      if (again.ok) {
        const recovered = `Coder's answer to the create was lost (${r.error.kind}); asking again with the same request id returned agent ${again.value.id}: one chat, no duplicate.`;
        return { ok: true, value: { agent: toAgent(again.value), requestId, recovered } };
      }
      return {
        ok: false,
        failure: outcomeUnknown('Creating an agent chat may or may not have happened', r.error.kind, 'check with list_agents whether a chat with this prompt appeared (newest first) before creating it again.'),
      };
    },
    async sendInput(target, text, { whenBusy }, signals) {
      const s = toMutationSignals(signals);
      const signal = s.caller;
      const busy = BUSY_STATUSES.has(target.chat.status);
      if (busy && whenBusy === 'fail') {
        return {
          ok: false,
          failure: toolFailure('agent_busy', `Agent ${target.id} is ${target.agent.status} (Coder status ${target.chat.status}) and when_busy is 'fail'.`, "Send again with when_busy 'queue' (delivered after the current turn) or 'interrupt' (stops the turn first), or call interrupt_agent.", {
            details: { status: target.agent.status, next_tools: ['send_agent_input', 'interrupt_agent'] },
          }),
        };
      }
      // Fixed before the first attempt: Coder recognises a repeat of this request_id as the same message.
      const body = { content: [{ type: 'text' as const, text }], busy_behavior: whenBusy === 'interrupt' ? ('interrupt' as const) : ('queue' as const), request_id: newRequestId() };
      let r = await coder.sendChatMessage(target.id, body, { signal: s.request });
      let recovered: string | undefined;
      if (!r.ok && mayHaveBeenApplied(r.error, signal?.aborted)) {
        const lost = r.error.kind;
        r = await coder.sendChatMessage(target.id, body, { signal: s.reread() });
        cache.invalidate();
        if (!r.ok) {
          return {
            ok: false,
            failure: outcomeUnknown(
              `The input to agent ${target.id} may or may not have been delivered`,
              lost,
              `check with get_agent_logs agent=${target.id} (is it there, or queued in get_agent_details?) before sending it again.`,
            ),
          };
        }
        recovered = `Coder's answer was lost (${lost}); asking again with the same request id, Coder recognised the message: it is there once.`;
      }
      if (!r.ok) return { ok: false, failure: coderFailure(r.error, 'send input to', target.id) };
      cache.invalidate();
      const extra = recovered ? { recovered } : {};
      const queuedId = r.value.queued_message?.id;
      if (r.value.queued && queuedId !== undefined) {
        const q = await queue(target.id, signal);
        const position = q.ok ? (q.value.find((m) => m.id === queuedId)?.position ?? q.value.length) : (target.agent.queue?.count ?? 0) + 1;
        return { ok: true, value: { kind: 'queued', agent: target.agent, position: Math.max(1, position), queuedMessageId: queuedId, ...extra } };
      }
      return { ok: true, value: { kind: 'delivered', agent: target.agent, interrupted: busy && whenBusy === 'interrupt', ...extra } };
    },
    async interrupt(target, signals) {
      const s = toMutationSignals(signals);
      if (!BUSY_STATUSES.has(target.chat.status)) return { ok: true, value: { agent: target.agent, unchanged: true } };
      const r = await coder.interruptChat(target.id, { signal: s.request });
      if (!r.ok && mayHaveBeenApplied(r.error, s.caller?.aborted)) {
        // The answer was lost: the chat as re-read says whether the turn is stopping or stopped.
        const now = await coder.getChat(target.id, { signal: s.reread() });
        cache.invalidate();
        if (now.ok && (now.value.status === 'interrupting' || !BUSY_STATUSES.has(now.value.status))) {
          return { ok: true, value: { agent: toAgent(now.value), unchanged: false, recovered: `Coder's answer to the interrupt was lost (${r.error.kind}); a re-read shows the chat ${now.value.status === 'interrupting' ? 'stopping its turn' : `no longer running (${now.value.status})`}.` } };
        }
        return {
          ok: false,
          failure: outcomeUnknown(`Interrupting agent ${target.id} may or may not have happened`, r.error.kind, `check with get_agent_details agent=${target.id}; interrupting again is safe (it does nothing when no turn runs).`),
        };
      }
      if (!r.ok) return { ok: false, failure: coderFailure(r.error, 'interrupt', target.id) };
      cache.invalidate();
      return { ok: true, value: { agent: toAgent(r.value), unchanged: false } };
    },
    async archive(target, signals) {
      const s = toMutationSignals(signals);
      if (target.chat.archived) return { ok: true, value: { unchanged: true } };
      if (!ARCHIVABLE_STATUSES.has(target.chat.status) || (target.chat.children ?? []).some((c) => !ARCHIVABLE_STATUSES.has(c.status))) return { ok: false, failure: busyArchiveFailure(target) };
      const r = await coder.archiveChat(target.id, true, { signal: s.request });
      if (!r.ok && mayHaveBeenApplied(r.error, s.caller?.aborted)) {
        const now = await coder.getChat(target.id, { signal: s.reread() });
        cache.invalidate();
        if (now.ok && now.value.archived) return { ok: true, value: { unchanged: false, recovered: `Coder's answer to the archive was lost (${r.error.kind}); a re-read shows the chat archived.` } };
        return {
          ok: false,
          failure: outcomeUnknown(`Archiving agent ${target.id} may or may not have happened`, r.error.kind, `check with get_agent_details agent=${target.id} (archived or not) before calling delete_agent again.`),
        };
      }
      if (!r.ok) return { ok: false, failure: r.error.kind === 'conflict' ? busyArchiveFailure(target) : coderFailure(r.error, 'archive', target.id) };
      cache.invalidate();
      return { ok: true, value: { unchanged: false } };
    },
    queue,
    watch(handlers) {
      return coder.watchChats(
        {
          onStatus: handlers.onStatus,
          onEvent(event) {
            const chat = event.chat as Chat | undefined;
            if (!chat?.id) return;
            if (event.kind === 'deleted' || chat.archived) handlers.onChange({ kind: 'remove', id: chat.id });
            else handlers.onChange({ kind: 'upsert', agents: toChatAgents([chat], clock.now(), { ...thresholds, era, ...(costs.size > 0 ? { extras: costs } : {}) }) });
          },
        },
        options.socketTuning,
      );
    },
    async promoteQueued(id, queuedId, signal) {
      const r = await coder.promoteQueuedChatMessage(id, queuedId, { signal });
      if (!r.ok) return { ok: false, failure: r.error.kind === 'not_found' ? queuedNotFound(id, queuedId) : coderFailure(r.error, 'promote a queued message of', id) };
      cache.invalidate();
      return { ok: true, value: undefined };
    },
    async deleteQueued(id, queuedId, signal) {
      const r = await coder.deleteQueuedChatMessage(id, queuedId, { signal });
      if (!r.ok) return { ok: false, failure: r.error.kind === 'not_found' ? queuedNotFound(id, queuedId) : coderFailure(r.error, 'delete a queued message of', id) };
      cache.invalidate();
      return { ok: true, value: undefined };
    },
  };
}

export const USAGE_LIMIT_HINT =
  'A Coder spend or usage limit (AI Gateway budget) stops new agent work: wait for the budget period to reset or ask a Coder admin to raise the budget; meanwhile archive finished agents with delete_agent or review them with list_agents.';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function busyArchiveFailure(target: ChatTarget): ToolFailure {
  return toolFailure(
    'agent_busy',
    `Agent ${target.id} is ${target.agent.status} (Coder status ${target.chat.status}); Coder archives a chat only when it and its subagents are idle or errored. Nothing was archived.`,
    'Call interrupt_agent first (the agent returns to idle, history kept), then delete_agent again.',
    { details: { status: target.agent.status, next_tools: ['interrupt_agent', 'delete_agent'] } },
  );
}

function queuedNotFound(id: string, queuedId: number): ToolFailure {
  return toolFailure('not_found', `Agent ${id} has no queued message ${queuedId} (already delivered, promoted or deleted).`, 'Call manage_agent_queue with action list for the current queue.');
}

function queuedItem(m: ChatQueuedMessage, i: number): QueuedItem {
  return { id: m.id, position: i + 1, preview: truncateText(partsText(m.content as readonly ChatMessagePart[]), QUEUE_PREVIEW_CHARS), createdAt: m.created_at };
}

/** One line per part: text as is, tool calls and results summarised by tool name. */
export function messageText(parts: readonly ChatMessagePart[] | null | undefined): string {
  if (!parts) return '';
  return parts
    .map((p) => {
      switch (p.type) {
        case 'tool-call':
          return `[tool call ${p.tool_name ?? ''}]`.replace(' ]', ']');
        case 'tool-result':
          return `[tool result ${p.tool_name ?? ''}${p.is_error ? ' (error)' : ''}]`.replace(' ]', ']');
        default:
          return partsText([p]);
      }
    })
    .filter((s) => s !== '')
    .join('\n');
}

/** Newest-first entries kept while they fit in `maxBytes` (the first one always, cut to fit). */
export function boundPage(messages: readonly ChatMessage[], hasMore: boolean, maxBytes: number): MessagePage {
  const entries: MessageEntry[] = [];
  let bytes = 0;
  let truncated = false;
  for (const m of messages) {
    const text = messageText(m.content);
    const size = Buffer.byteLength(text, 'utf8') + 64;
    if (bytes + size > maxBytes) {
      if (entries.length === 0) entries.push({ id: m.id, role: m.role, createdAt: m.created_at, text: truncateText(text, Math.max(16, maxBytes - 64)) });
      truncated = true;
      break;
    }
    bytes += size;
    entries.push({ id: m.id, role: m.role, createdAt: m.created_at, text });
  }
  const last = entries[entries.length - 1];
  const more = truncated || hasMore;
  return { entries, truncated, bytes, ...(more && last ? { nextCursor: String(last.id) } : {}) };
}
