import { messageText, REPO, toolCallOf } from '../model/chats/content.js';
import type { SimChatModel } from '../model/chats/store.js';
import type { ChatChange, ChatStreamChange, SimChat, SimChatError, SimChatMessage, SimQueuedMessage, SimToolCall } from '../model/chats/types.js';
import type { Fleet } from '../model/fleet.js';
import type { Chat, ChatDiffStatus, ChatError, ChatMessage, ChatMessagePart, ChatQueuedMessage, ChatStreamEvent, ChatWatchEvent } from '../wire-types.js';

/** Chat JSON as coderd sends it: Go omitempty (absent, not null) except last_turn_summary/summary. */
export function toChat(fleet: Fleet, chat: SimChat, opts: { single?: boolean } = {}): Chat {
  const engine = fleet.chats;
  const owner = fleet.users.find((u) => u.id === chat.ownerId);
  const root = engine.store.rootOf(chat);
  const body: Chat = {
    id: chat.id,
    organization_id: chat.organizationId,
    owner_id: chat.ownerId,
    ...(owner ? { owner_username: owner.username, owner_name: owner.name } : {}),
    ...(chat.workspaceId ? { workspace_id: chat.workspaceId } : {}),
    ...(chat.parentId ? { parent_chat_id: chat.parentId, root_chat_id: root.id } : {}),
    last_model_config_id: chat.modelConfigId,
    title: chat.title,
    status: chat.status,
    ...(chat.planMode ? { plan_mode: 'plan' } : {}),
    ...(chat.lastError ? { last_error: toChatError(chat.lastError) } : {}),
    last_turn_summary: chat.lastTurnSummary,
    summary: chat.summary,
    ...(chat.diff ? { diff_status: toDiffStatus(fleet, chat) } : {}),
    created_at: fleet.time(chat.createdAt),
    updated_at: fleet.time(chat.updatedAt),
    archived: chat.archived,
    shared: root.sharedWith.size > 0,
    pin_order: chat.pinOrder,
    mcp_server_ids: [],
    labels: { ...chat.labels },
    has_unread: engine.hasUnread(chat),
    ...(opts.single ? { queued_for_capacity: chat.queuedForCapacity } : {}),
    client_type: chat.clientType,
    children: engine.store.childrenOf(chat).map((c) => toChat(fleet, c)),
  };
  return body;
}

/** The list form, cached per revision (a 10,000-chat list re-serialises only what changed). */
export function chatJson(fleet: Fleet, chat: SimChat): string {
  if (chat.cache.rev !== chat.rev || chat.cache.json === undefined) {
    chat.cache = { rev: chat.rev, json: JSON.stringify(toChat(fleet, chat)) };
  }
  return chat.cache.json ?? '';
}

export function toChatError(error: SimChatError): ChatError {
  return {
    message: error.message,
    ...(error.detail !== undefined ? { detail: error.detail } : {}),
    kind: error.kind,
    ...(error.provider !== undefined ? { provider: error.provider } : {}),
    retryable: error.retryable,
    ...(error.statusCode !== undefined ? { status_code: error.statusCode } : {}),
  };
}

export function toDiffStatus(fleet: Fleet, chat: SimChat): ChatDiffStatus {
  const diff = chat.diff;
  const owner = fleet.users.find((u) => u.id === chat.ownerId);
  const pr = diff?.pr;
  return {
    chat_id: chat.id,
    ...(pr ? { url: pr.url, pull_request_state: pr.state } : {}),
    pull_request_title: pr?.title ?? '',
    pull_request_draft: pr?.draft ?? false,
    changes_requested: pr?.changesRequested ?? false,
    additions: diff?.additions ?? 0,
    deletions: diff?.deletions ?? 0,
    changed_files: diff?.changedFiles ?? 0,
    ...(pr
      ? {
          author_login: owner?.username ?? 'agent',
          author_avatar_url: owner?.avatarUrl ?? '',
          base_branch: 'main',
          head_branch: diff.branch,
          pr_number: pr.number,
          commits: pr.commits,
          approved: pr.approved,
          reviewer_count: pr.reviewers,
        }
      : {}),
    ...(diff ? { refreshed_at: fleet.time(diff.refreshedAt), git_branch: diff.branch, remote_origin: `https://github.com/${REPO}.git` } : {}),
  };
}

/** `pr_status` as the search syntax names it: draft, open, merged, closed or none. */
export function prStatus(chat: SimChat): 'draft' | 'open' | 'merged' | 'closed' | 'none' {
  const pr = chat.diff?.pr;
  if (!pr) return 'none';
  if (pr.state === 'open') return pr.draft ? 'draft' : 'open';
  return pr.state;
}

function textPart(text: string): ChatMessagePart {
  return { type: 'text', text };
}

export function messageParts(message: SimChatMessage): ChatMessagePart[] {
  if (message.gen?.kind === 'tool-call') {
    const call = toolCallOf(message);
    return [{ type: 'tool-call', tool_call_id: call.id, tool_name: call.name, args: JSON.parse(call.args) as unknown }];
  }
  if (message.gen?.kind === 'tool-result') {
    const call = toolCallOf(message);
    return [{ type: 'tool-result', tool_call_id: call.id, tool_name: call.name, result: { output: call.result } }];
  }
  return [textPart(messageText(message))];
}

export function toChatMessage(fleet: Fleet, chat: SimChat, message: SimChatMessage, model?: SimChatModel): ChatMessage {
  const usage = message.usage;
  return {
    id: message.id,
    chat_id: chat.id,
    ...(message.createdBy ? { created_by: message.createdBy } : {}),
    ...(message.role === 'assistant' ? { model_config_id: chat.modelConfigId } : {}),
    created_at: fleet.time(message.at),
    role: message.role,
    content: messageParts(message),
    ...(usage
      ? {
          usage: {
            input_tokens: usage.input,
            output_tokens: usage.output,
            total_tokens: usage.input + usage.output,
            reasoning_tokens: usage.reasoning,
            cache_read_tokens: usage.cacheRead,
            context_limit: model?.contextLimit ?? 200_000,
          },
        }
      : {}),
    ...(message.queuedMessageId !== undefined ? { queued_message_id: message.queuedMessageId } : {}),
  };
}

export function toQueuedMessage(fleet: Fleet, chat: SimChat, q: SimQueuedMessage): ChatQueuedMessage {
  return { id: q.id, chat_id: chat.id, content: [textPart(q.text)], created_at: fleet.time(q.at) };
}

function toToolCalls(calls: SimToolCall[]) {
  return calls.map((c) => ({ tool_call_id: c.toolCallId, tool_name: c.toolName, args: c.args }));
}

export function toWatchEvent(fleet: Fleet, change: ChatChange): ChatWatchEvent {
  return {
    kind: change.kind,
    chat: toChat(fleet, change.chat),
    ...(change.kind === 'action_required' ? { tool_calls: toToolCalls(change.toolCalls) } : {}),
  };
}

export function toStreamEvent(fleet: Fleet, change: ChatStreamChange): ChatStreamEvent {
  const chat = change.chat;
  const base = { type: change.type, chat_id: chat.id };
  switch (change.type) {
    case 'status':
      return { ...base, status: { status: chat.status } };
    case 'message':
      return { ...base, message: toChatMessage(fleet, chat, change.message, fleet.chats.store.model(chat.modelConfigId)) };
    case 'message_part':
      return { ...base, message_part: { role: 'assistant', part: textPart(change.text), history_version: 1, generation_attempt: 1, seq: change.seq } };
    case 'queue_update':
      return { ...base, queued_messages: chat.queue.map((q) => toQueuedMessage(fleet, chat, q)) };
    case 'error':
      return { ...base, error: toChatError(change.error) };
    case 'retry':
      return {
        ...base,
        retry: {
          attempt: change.attempt,
          delay_ms: change.delayMs,
          error: change.error.message,
          kind: change.error.kind,
          ...(change.error.provider ? { provider: change.error.provider } : {}),
          ...(change.error.statusCode !== undefined ? { status_code: change.error.statusCode } : {}),
          retrying_at: fleet.time(change.at + change.delayMs),
        },
      };
    case 'action_required':
      return { ...base, action_required: { tool_calls: toToolCalls(change.toolCalls) } };
  }
}

/** What a stream connection sends first: messages after `afterId`, then status, queue, error and pending action. */
export function streamSnapshot(fleet: Fleet, chat: SimChat, afterId: number): ChatStreamEvent[] {
  const model = fleet.chats.store.model(chat.modelConfigId);
  const events: ChatStreamEvent[] = chat.messages.filter((m) => m.id > afterId).map((m) => ({ type: 'message', chat_id: chat.id, message: toChatMessage(fleet, chat, m, model) }));
  events.push({ type: 'status', chat_id: chat.id, status: { status: chat.status } });
  if (chat.queue.length > 0) events.push(toStreamEvent(fleet, { type: 'queue_update', chat }));
  if (chat.status === 'error' && chat.lastError) events.push({ type: 'error', chat_id: chat.id, error: toChatError(chat.lastError) });
  if (chat.action) events.push({ type: 'action_required', chat_id: chat.id, action_required: { tool_calls: toToolCalls(chat.action.toolCalls) } });
  return events;
}
