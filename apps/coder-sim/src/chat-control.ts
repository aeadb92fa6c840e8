import { prStatus } from './api/chat-serialize.js';
import type { Fleet } from './model/fleet.js';
import type { ChatErrorKind, ChatPersona, ChatStatus, SimChat, SimToolCall } from './model/chats/types.js';

export interface ChatSummary {
  id: string;
  title: string;
  owner: string;
  status: ChatStatus;
  archived: boolean;
  queued: number;
  queuedForCapacity: boolean;
  parentId: string | null;
  pr: 'draft' | 'open' | 'merged' | 'closed' | 'none';
  costMicros: number;
}

export class UnknownChatError extends Error {}

/** Drive chats from tests and `/__sim/chats`. A chat `ref` is its id or its exact title. */
export interface ChatControl {
  list(): ChatSummary[];
  get(ref: string): ChatSummary | undefined;
  /** A chat as if POSTed by `owner` (default admin); empty `text` creates it idle. */
  create(init: { text: string; owner?: string; title?: string; labels?: Record<string, string>; persona?: ChatPersona; parent?: string }): ChatSummary;
  /** Force a status without the worker (e.g. `paused`, or `running` again). */
  setStatus(ref: string, status: ChatStatus): ChatSummary;
  /** The worker fails with an error of `kind`. */
  fail(ref: string, kind: ChatErrorKind, message?: string): ChatSummary;
  /** requires_action with client tool calls and the 5-minute deadline. */
  requireAction(ref: string, toolCalls?: SimToolCall[]): ChatSummary;
  resolveAction(ref: string): ChatSummary;
  /** End the running turn now (→ waiting, or the next queued message). */
  finishTurn(ref: string): ChatSummary;
  /** Open or move the PR (diff_status) now. */
  setPullRequest(ref: string, change: { state?: 'open' | 'merged' | 'closed'; draft?: boolean; changesRequested?: boolean; approved?: boolean; additions?: number; deletions?: number }): ChatSummary;
  share(ref: string, username: string, shared?: boolean): ChatSummary;
  /** Chats running at once; beyond it chats wait `queued_for_capacity`. Null = unlimited. */
  setConcurrency(limit: number | null): void;
  /** Per-user spend limit in micros (all users, or one); null removes it. Creating/sending at or over it is 409. */
  setSpendLimit(micros: number | null, username?: string): void;
}

export function summarizeChat(fleet: Fleet, chat: SimChat): ChatSummary {
  return {
    id: chat.id,
    title: chat.title,
    owner: fleet.users.find((u) => u.id === chat.ownerId)?.username ?? '',
    status: chat.status,
    archived: chat.archived,
    queued: chat.queue.length,
    queuedForCapacity: chat.queuedForCapacity,
    parentId: chat.parentId,
    pr: prStatus(chat),
    costMicros: chat.costMicros,
  };
}

export function createChatControl(fleet: Fleet): ChatControl {
  const engine = fleet.chats;
  const find = (ref: string): SimChat => {
    const chat = engine.store.get(ref) ?? engine.store.chats.find((c) => c.title === ref);
    if (!chat) throw new UnknownChatError(`unknown chat "${ref}"`);
    return chat;
  };
  const user = (name: string | undefined) => {
    const found = name === undefined ? fleet.users[0] : fleet.users.find((u) => u.username === name.toLowerCase());
    if (!found) throw new UnknownChatError(`unknown user "${name ?? ''}"`);
    return found;
  };
  const act = (ref: string, fn: (chat: SimChat) => void): ChatSummary => {
    const chat = find(ref);
    fn(chat);
    return summarizeChat(fleet, chat);
  };
  return {
    list: () => engine.store.chats.map((c) => summarizeChat(fleet, c)),
    get(ref) {
      try {
        return summarizeChat(fleet, find(ref));
      } catch (error) {
        if (error instanceof UnknownChatError) return undefined;
        throw error;
      }
    },
    create(init) {
      const owner = user(init.owner);
      const parent = init.parent !== undefined ? find(init.parent) : undefined;
      const chat = engine.create({
        ownerId: owner.id,
        organizationId: parent?.organizationId ?? owner.organizationIds[0] ?? fleet.defaultOrganization.id,
        text: init.text,
        ...(init.title !== undefined ? { title: init.title } : {}),
        ...(init.labels ? { labels: init.labels } : {}),
        ...(init.persona ? { persona: init.persona } : {}),
        ...(parent ? { parentId: parent.id } : {}),
      });
      return summarizeChat(fleet, chat);
    },
    setStatus: (ref, status) => act(ref, (c) => engine.forceStatus(c, status)),
    fail: (ref, kind, message) => act(ref, (c) => engine.fail(c, kind, message)),
    requireAction: (ref, toolCalls) => act(ref, (c) => void engine.requireAction(c, toolCalls)),
    resolveAction: (ref) => act(ref, (c) => engine.resolveAction(c)),
    finishTurn: (ref) => act(ref, (c) => engine.finishTurn(c)),
    setPullRequest: (ref, change) => act(ref, (c) => engine.setPullRequest(c, change)),
    share: (ref, username, shared = true) => act(ref, (c) => engine.setShared(c, user(username).id, shared)),
    setConcurrency: (limit) => engine.setConcurrency(limit),
    setSpendLimit(micros, username) {
      if (username === undefined) engine.spendLimitMicros = micros;
      else engine.spendLimits.set(user(username).id, micros);
    },
  };
}
