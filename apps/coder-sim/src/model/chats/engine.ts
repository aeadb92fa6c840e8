import type { SimClock } from '../../clock.js';
import { chance, createRng, deriveSeed, int, pick, weighted } from '../../util/prng.js';
import { branchName, chatError, chatTitle, prTitle, REPO, SUMMARIES, usageFor } from './content.js';
import { nextChatState, type ChatInput, type Refusal } from './machine.js';
import type { ChatStore } from './store.js';
import type {
  ChatChange,
  ChatErrorKind,
  ChatPersona,
  ChatStatus,
  ChatStreamChange,
  SimChat,
  SimChatError,
  SimChatMessage,
  SimQueuedMessage,
  SimToolCall,
} from './types.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
export const MAX_QUEUED_MESSAGES = 20;
export const ACTION_DEADLINE_MS = 5 * MINUTE;
const MAX_EVENTS_PER_CHAT = 10_000;

export type ChatRefusalCode = Refusal | 'queue_full' | 'spend_limit' | 'queued_message_not_found';

/** An expected refusal of a chat operation (the routes map it to Coder's status and message). */
export class ChatRefusal extends Error {
  constructor(
    readonly code: ChatRefusalCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ChatCreateInit {
  ownerId: string;
  organizationId: string;
  text: string;
  labels?: Record<string, string>;
  modelConfigId?: string;
  workspaceId?: string | null;
  parentId?: string | null;
  persona?: ChatPersona;
  title?: string;
  clientType?: 'ui' | 'api';
  planMode?: boolean;
  /** Assistant messages in the first turn (default 1–3). */
  steps?: number;
}

export interface SeedChatInit {
  ownerId: string;
  organizationId: string;
  title: string;
  prompt: string;
  createdAt: number;
  updatedAt: number;
  status: ChatStatus;
  turns: number;
  persona: ChatPersona;
  labels: Record<string, string>;
  archived?: boolean;
  parentId?: string | null;
  queue?: string[];
  error?: SimChatError;
  pr?: 'none' | 'branch' | 'draft' | 'open' | 'changes_requested' | 'approved' | 'merged' | 'closed';
  sharedWith?: string[];
  pinOrder?: number;
  unread?: boolean;
  clientType?: 'ui' | 'api';
}

export interface SendResult {
  queued: boolean;
  message?: SimChatMessage;
  messages: SimChatMessage[];
  queuedMessage?: SimQueuedMessage;
}

export interface ChatListener {
  watch?(change: ChatChange): void;
  stream?(change: ChatStreamChange): void;
}

export interface ChatEngineOptions {
  /** Chats running at once (Community licence: 5); beyond it chats wait `queued_for_capacity`. Null = no limit. */
  concurrency?: number | null;
  /** AI spend limit per user (micros); at or above it creating or sending answers 409. Null = none. */
  spendLimitMicros?: number | null;
}

/**
 * The chat lifecycle engine: applies the §5 state machine (machine.ts) to chats, runs the simulated
 * worker (turns with usage and cost, requires_action with its deadline, errors by kind, subagents,
 * PRs that move through review), enforces the concurrency and spend limits, and tells listeners
 * (watch and stream sockets) what changed.
 */
export class ChatEngine {
  private nextDue = Infinity;
  private readonly listeners = new Set<ChatListener>();
  /** Running chats waiting for a worker slot. */
  private readonly capacityWaiters = new Set<SimChat>();
  private chatSeq = 0;
  concurrency: number | null;
  spendLimitMicros: number | null;
  readonly spendLimits = new Map<string, number | null>();

  constructor(
    readonly store: ChatStore,
    private readonly clock: SimClock,
    private readonly rngSeed: number,
    options: ChatEngineOptions = {},
  ) {
    this.concurrency = options.concurrency ?? null;
    this.spendLimitMicros = options.spendLimitMicros ?? null;
  }

  subscribe(listener: ChatListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private watch(change: ChatChange): void {
    for (const l of this.listeners) l.watch?.(change);
  }

  private stream(change: ChatStreamChange): void {
    for (const l of this.listeners) l.stream?.(change);
  }

  // ---------------------------------------------------------------- limits

  spendLimitOf(ownerId: string): number | null {
    return this.spendLimits.has(ownerId) ? (this.spendLimits.get(ownerId) ?? null) : this.spendLimitMicros;
  }

  overSpend(ownerId: string): boolean {
    const limit = this.spendLimitOf(ownerId);
    return limit !== null && this.store.spentBy(ownerId) >= limit;
  }

  private assertSpend(ownerId: string): void {
    if (this.overSpend(ownerId)) throw new ChatRefusal('spend_limit', 'You have exceeded your AI spend limit.');
  }

  /** Chats holding a worker slot: running (not waiting for capacity) or interrupting. */
  private slotsInUse(): number {
    let used = 0;
    for (const c of this.store.chats) if ((c.status === 'running' && !c.queuedForCapacity) || c.status === 'interrupting') used++;
    return used;
  }

  setConcurrency(limit: number | null): void {
    this.concurrency = limit;
    this.admit(this.clock.now());
  }

  // ---------------------------------------------------------------- create

  create(init: ChatCreateInit, at = this.clock.now()): SimChat {
    if (init.text.trim() !== '') this.assertSpend(init.ownerId);
    const rng = createRng(deriveSeed(this.rngSeed, 0x200000 + this.chatSeq++));
    const model = init.modelConfigId ?? this.store.defaultModel(init.organizationId)?.id ?? '';
    const chat: SimChat = {
      id: this.store.newId(),
      organizationId: init.organizationId,
      ownerId: init.ownerId,
      parentId: init.parentId ?? null,
      children: [],
      title: init.title ?? chatTitle(init.text),
      status: 'waiting',
      archived: false,
      sharedWith: new Set(),
      pinOrder: 0,
      labels: { ...(init.labels ?? {}) },
      modelConfigId: model,
      workspaceId: init.workspaceId ?? null,
      clientType: init.clientType ?? 'api',
      planMode: init.planMode ?? false,
      createdAt: at,
      updatedAt: at,
      messages: [],
      queue: [],
      lastError: null,
      action: null,
      diff: null,
      lastTurnSummary: null,
      summary: null,
      readCursor: 0,
      costMicros: 0,
      requestCount: 0,
      persona: init.persona ?? 'normal',
      turnsLeft: init.steps ?? 0,
      nextAt: Infinity,
      prAt: Infinity,
      queuedForCapacity: false,
      capacitySince: 0,
      rng,
      rev: 0,
      cache: { rev: -1 },
    };
    this.store.insert(chat);
    const parent = this.store.parentOf(chat);
    if (parent) {
      parent.children.push(chat.id);
      this.touch(parent, at);
    }
    this.watch({ kind: 'created', chat });
    if (init.text.trim() !== '') {
      this.apply(chat, { kind: 'send', busy: 'queue' }, at, { text: init.text, by: init.ownerId });
      if (init.steps !== undefined) chat.turnsLeft = init.steps;
    }
    return chat;
  }

  /**
   * A chat with a history, placed directly in `status` (scenario seeding: no events, no machine).
   * `turns` user/assistant exchanges end at `updatedAt`; running chats get a turn in progress.
   */
  seedChat(init: SeedChatInit): SimChat {
    const now = this.clock.now();
    const chat = this.create({ ownerId: init.ownerId, organizationId: init.organizationId, text: '', labels: init.labels, persona: init.persona, title: init.title, parentId: init.parentId ?? null, clientType: init.clientType ?? 'api' }, init.createdAt);
    const rng = chat.rng;
    const span = Math.max(1, init.updatedAt - init.createdAt);
    for (let t = 0; t < init.turns; t++) {
      const at = init.createdAt + Math.floor((span * t) / Math.max(1, init.turns));
      this.userMessage(chat, t === 0 ? init.prompt : pick(rng, ['Please continue, and run the tests.', 'Looks good. Open a PR.', 'Use Postgres.']), at, chat.ownerId);
      const last = t === init.turns - 1;
      if (last && (init.status === 'running' || init.status === 'interrupting')) break;
      this.assistantMessage(chat, at + int(rng, 20, 180) * SECOND, last && init.status === 'waiting' ? 'done' : 'turn');
    }
    for (const text of init.queue ?? []) chat.queue.push({ id: this.store.nextQueuedId(), text, at: init.updatedAt });
    chat.status = init.status;
    chat.archived = init.archived ?? false;
    chat.pinOrder = init.pinOrder ?? 0;
    chat.lastTurnSummary = chat.messages.some((m) => m.role === 'assistant') ? pick(rng, SUMMARIES) : null;
    if (init.status === 'error') chat.lastError = init.error ?? chatError('generic');
    if (init.status === 'requires_action') chat.action = { toolCalls: [{ toolCallId: `call_${int(rng, 1, 2 ** 30).toString(36)}`, toolName: 'lookup_ticket', args: JSON.stringify({ ticket: `ENG-${int(rng, 100, 999)}` }) }], deadline: now + int(rng, 1, 5) * MINUTE };
    if (init.pr !== undefined && init.pr !== 'none') {
      chat.diff = this.newDiff(chat, init.updatedAt);
      if (init.pr !== 'branch') {
        const pr = this.newPr(chat);
        chat.diff.pr = pr;
        pr.draft = init.pr === 'draft';
        pr.changesRequested = init.pr === 'changes_requested';
        pr.approved = init.pr === 'approved' || init.pr === 'merged';
        pr.reviewers = pr.approved || pr.changesRequested ? int(rng, 1, 3) : 0;
        if (init.pr === 'merged' || init.pr === 'closed') pr.state = init.pr;
        if (pr.state === 'open' && !chat.archived) chat.prAt = now + int(rng, 5, 90) * MINUTE;
      } else if (!chat.archived) chat.prAt = now + int(rng, 5, 60) * MINUTE;
    }
    for (const userId of init.sharedWith ?? []) chat.sharedWith.add(userId);
    chat.readCursor = init.unread ? 0 : (chat.messages.at(-1)?.id ?? 0);
    chat.updatedAt = init.updatedAt;
    chat.turnsLeft = int(rng, 1, 3);
    if (!chat.archived) {
      if (init.status === 'running') this.startWorking(chat, now, false);
      else if (init.status === 'interrupting') chat.nextAt = now + int(rng, 500, 3000);
      else if (init.status === 'requires_action') chat.nextAt = chat.action?.deadline ?? Infinity;
      else this.enter(chat, init.status, { kind: 'interrupt' }, now);
    }
    chat.rev++;
    this.reschedule(chat);
    return chat;
  }

  // ---------------------------------------------------------------- API actions

  send(chat: SimChat, text: string, busy: 'queue' | 'interrupt', by: string): SendResult {
    this.assertSpend(chat.ownerId);
    return this.apply(chat, { kind: 'send', busy }, this.clock.now(), { text, by });
  }

  interrupt(chat: SimChat): void {
    this.apply(chat, { kind: 'interrupt' }, this.clock.now());
  }

  deleteQueued(chat: SimChat, queuedId: number): void {
    this.findQueued(chat, queuedId);
    this.apply(chat, { kind: 'queue_delete' }, this.clock.now(), { queuedId });
  }

  promoteQueued(chat: SimChat, queuedId: number): SendResult {
    this.findQueued(chat, queuedId);
    return this.apply(chat, { kind: 'queue_promote' }, this.clock.now(), { queuedId });
  }

  private findQueued(chat: SimChat, queuedId: number): SimQueuedMessage {
    const found = chat.queue.find((q) => q.id === queuedId);
    if (!found) throw new ChatRefusal('queued_message_not_found', 'Queued message not found.');
    return found;
  }

  /** Archive or unarchive the whole family (root + subagents); only idle or errored chats. */
  setArchived(chat: SimChat, archived: boolean): void {
    const at = this.clock.now();
    const family = this.store.family(chat);
    if (archived) {
      const busy = family.find((c) => !c.archived && nextChatState(this.stateOf(c), { kind: 'archive' }).ok === false);
      if (busy) throw new ChatRefusal('busy', `Chat is ${busy.status}; only idle or errored chats can be archived. Interrupt it first.`);
    }
    for (const c of family) {
      if (c.archived === archived) continue;
      c.archived = archived;
      c.nextAt = archived ? Infinity : c.nextAt;
      c.prAt = archived ? Infinity : c.prAt;
      this.touch(c, at);
      this.watch({ kind: archived ? 'deleted' : 'created', chat: c });
    }
    this.reschedule(chat);
  }

  setTitle(chat: SimChat, title: string): void {
    chat.title = title;
    this.touch(chat, this.clock.now());
    this.watch({ kind: 'title_change', chat });
  }

  setLabels(chat: SimChat, labels: Record<string, string>): void {
    chat.labels = { ...labels };
    this.touch(chat, this.clock.now());
  }

  setPinOrder(chat: SimChat, pinOrder: number): void {
    chat.pinOrder = pinOrder;
    this.touch(chat, this.clock.now());
  }

  setPlanMode(chat: SimChat, planMode: boolean): void {
    chat.planMode = planMode;
    this.touch(chat, this.clock.now());
  }

  /** The owner's read cursor: read = up to the newest message; unread = just before the newest assistant message. */
  markRead(chat: SimChat, read: boolean): void {
    const lastAssistant = chat.messages.findLast((m) => m.role === 'assistant');
    chat.readCursor = read ? (chat.messages.at(-1)?.id ?? 0) : Math.max(0, (lastAssistant?.id ?? 1) - 1);
    chat.rev++;
    this.bumpParent(chat);
  }

  hasUnread(chat: SimChat): boolean {
    const lastAssistant = chat.messages.findLast((m) => m.role === 'assistant');
    return lastAssistant !== undefined && lastAssistant.id > chat.readCursor;
  }

  setShared(chat: SimChat, userId: string, shared: boolean): void {
    const root = this.store.rootOf(chat);
    if (shared) root.sharedWith.add(userId);
    else root.sharedWith.delete(userId);
    // `shared` shows on every family member's JSON.
    for (const c of this.store.family(root)) this.touch(c, this.clock.now());
  }

  // ---------------------------------------------------------------- control actions

  /** The worker fails with an error of `kind` (any live chat). */
  fail(chat: SimChat, kind: ChatErrorKind, message?: string): void {
    const at = this.clock.now();
    const error = chatError(kind, message);
    this.apply(chat, { kind: 'turn_error' }, at, { error });
  }

  /** The worker asks for client tool results: requires_action with a 5-minute deadline. Boots an idle chat first. */
  requireAction(chat: SimChat, toolCalls?: SimToolCall[]): SimToolCall[] {
    const at = this.clock.now();
    if (chat.status !== 'running') this.apply(chat, { kind: 'send', busy: 'queue' }, at, { text: 'Look this up with the client tool.', by: chat.ownerId });
    if (chat.queuedForCapacity) this.startWorking(chat, at, true);
    const calls = toolCalls ?? [{ toolCallId: `call_${int(chat.rng, 1, 2 ** 30).toString(36)}`, toolName: 'lookup_ticket', args: JSON.stringify({ ticket: `ENG-${int(chat.rng, 100, 999)}` }) }];
    this.apply(chat, { kind: 'needs_action' }, at, { toolCalls: calls });
    return calls;
  }

  /** Client tool results arrived: requires_action → running. */
  resolveAction(chat: SimChat): void {
    this.apply(chat, { kind: 'action_resolved' }, this.clock.now());
  }

  /** Finish the current turn now (running → waiting, or the next queued message). */
  finishTurn(chat: SimChat): void {
    const at = this.clock.now();
    if (chat.status === 'interrupting') {
      this.apply(chat, { kind: 'interrupt_done' }, at);
      return;
    }
    if (chat.status !== 'running') throw new ChatRefusal('invalid', `Chat is ${chat.status}; only a running turn can finish.`);
    this.assistantMessage(chat, at, 'done');
    chat.lastTurnSummary = pick(chat.rng, SUMMARIES);
    this.apply(chat, { kind: 'turn_done' }, at);
    this.watch({ kind: 'summary_change', chat });
  }

  /** Set the PR state now (opens a PR when there is none). */
  setPullRequest(chat: SimChat, change: { state?: 'open' | 'merged' | 'closed'; draft?: boolean; changesRequested?: boolean; approved?: boolean; additions?: number; deletions?: number }): void {
    const at = this.clock.now();
    if (!chat.diff) chat.diff = this.newDiff(chat, at);
    if (!chat.diff.pr) chat.diff.pr = this.newPr(chat);
    const pr = chat.diff.pr;
    if (change.state !== undefined) pr.state = change.state;
    if (change.draft !== undefined) pr.draft = change.draft;
    if (change.changesRequested !== undefined) pr.changesRequested = change.changesRequested;
    if (change.approved !== undefined) pr.approved = change.approved;
    if (change.additions !== undefined) chat.diff.additions = change.additions;
    if (change.deletions !== undefined) chat.diff.deletions = change.deletions;
    chat.diff.refreshedAt = at;
    this.touch(chat, at);
    this.watch({ kind: 'diff_status_change', chat });
  }

  /** Force a status (control API): paused, or any status without the worker's side effects. */
  forceStatus(chat: SimChat, status: ChatStatus): void {
    const at = this.clock.now();
    const before = chat.status;
    chat.status = status;
    if (status !== 'requires_action') chat.action = null;
    if (status !== 'error') chat.lastError = null;
    if (status === 'error' && !chat.lastError) chat.lastError = chatError('generic');
    if (status === 'requires_action' && !chat.action) chat.action = { toolCalls: [{ toolCallId: 'call_forced', toolName: 'lookup_ticket', args: '{}' }], deadline: at + ACTION_DEADLINE_MS };
    chat.queuedForCapacity = false;
    chat.nextAt = status === 'running' ? at + this.stepDuration(chat) : status === 'interrupting' ? at + int(chat.rng, 500, 3000) : status === 'requires_action' ? (chat.action?.deadline ?? Infinity) : Infinity;
    if (status === 'running' && chat.turnsLeft <= 0) chat.turnsLeft = 1;
    this.touch(chat, at);
    if (before !== status) this.statusChanged(chat);
    this.admit(at);
    this.reschedule(chat);
  }

  // ---------------------------------------------------------------- the machine, applied

  stateOf(chat: SimChat): { status: ChatStatus; queued: boolean; archived: boolean } {
    return { status: chat.status, queued: chat.queue.length > 0, archived: chat.archived };
  }

  private apply(
    chat: SimChat,
    input: ChatInput,
    at: number,
    ctx: { text?: string; by?: string; queuedId?: number; error?: SimChatError; toolCalls?: SimToolCall[] } = {},
  ): SendResult {
    const outcome = nextChatState(this.stateOf(chat), input);
    if (!outcome.ok) throw new ChatRefusal(outcome.refusal, refusalMessage(outcome.refusal, chat));
    const before = chat.status;
    const result: SendResult = { queued: false, messages: [] };
    const newQueued = (): SimQueuedMessage => {
      if (chat.queue.length >= MAX_QUEUED_MESSAGES) throw new ChatRefusal('queue_full', `The message queue is full (${MAX_QUEUED_MESSAGES} messages).`);
      const q: SimQueuedMessage = { id: this.store.nextQueuedId(), text: ctx.text ?? '', at };
      result.queued = true;
      result.queuedMessage = q;
      return q;
    };
    const deliver = (q: SimQueuedMessage) => {
      const message = this.userMessage(chat, q.text, at, ctx.by, q.id);
      result.messages.push(message);
    };
    const selectedIndex = chat.queue.findIndex((q) => q.id === ctx.queuedId);
    let queueChanged = true;
    switch (outcome.queue) {
      case 'none':
        queueChanged = false;
        break;
      case 'insert': {
        const message = this.userMessage(chat, ctx.text ?? '', at, ctx.by);
        result.message = message;
        result.messages.push(message);
        queueChanged = false;
        break;
      }
      case 'append':
        chat.queue.push(newQueued());
        break;
      case 'prepend':
        chat.queue.unshift(newQueued());
        break;
      case 'append_promote': {
        chat.queue.push(newQueued());
        const head = chat.queue.shift();
        if (head) deliver(head);
        result.queued = chat.queue.some((q) => q.id === result.queuedMessage?.id);
        if (!result.queued) {
          result.message = result.messages.find((m) => m.queuedMessageId === result.queuedMessage?.id);
          delete result.queuedMessage;
        }
        break;
      }
      case 'promote_head': {
        const head = chat.queue.shift();
        if (head) deliver(head);
        break;
      }
      case 'promote_selected': {
        const [q] = chat.queue.splice(selectedIndex, 1);
        if (q) deliver(q);
        result.message = result.messages[0];
        break;
      }
      case 'move_to_front': {
        const [q] = chat.queue.splice(selectedIndex, 1);
        if (q) chat.queue.unshift(q);
        break;
      }
      case 'remove':
        chat.queue.splice(selectedIndex, 1);
        break;
    }
    if (outcome.clearError) chat.lastError = null;
    if (outcome.clearAction) chat.action = null;
    if (input.kind === 'turn_error') chat.lastError = ctx.error ?? chatError('generic');
    if (input.kind === 'action_expired') chat.lastError = chatError('timeout', 'Timed out waiting for client tool results.');
    if (input.kind === 'needs_action') chat.action = { toolCalls: ctx.toolCalls ?? [], deadline: at + ACTION_DEADLINE_MS };
    chat.status = outcome.status;
    chat.archived = outcome.archived;
    this.enter(chat, before, input, at);
    this.touch(chat, at);
    for (const m of result.messages) this.stream({ type: 'message', chat, message: m });
    if (queueChanged) this.stream({ type: 'queue_update', chat });
    if (before !== chat.status) this.statusChanged(chat);
    if (input.kind === 'turn_error' || input.kind === 'action_expired') this.stream({ type: 'error', chat, error: chat.lastError ?? chatError('generic') });
    if (input.kind === 'needs_action' && chat.action) {
      this.watch({ kind: 'action_required', chat, toolCalls: chat.action.toolCalls });
      this.stream({ type: 'action_required', chat, toolCalls: chat.action.toolCalls });
    }
    this.admit(at);
    this.reschedule(chat);
    return result;
  }

  /** Schedule what the new status means for the worker (turns, interrupt, deadline, follow-ups). */
  private enter(chat: SimChat, before: ChatStatus, input: ChatInput, at: number): void {
    const newTurn = input.kind === 'send' || input.kind === 'turn_done' || input.kind === 'interrupt_done' || input.kind === 'queue_promote';
    switch (chat.status) {
      case 'running':
        if (before !== 'running' || newTurn) {
          if (before === 'requires_action' || (before === 'running' && chat.turnsLeft > 0 && !newTurn)) {
            chat.nextAt = chat.queuedForCapacity ? Infinity : at + this.stepDuration(chat);
          } else {
            chat.turnsLeft = int(chat.rng, 1, 3);
            if (before === 'running' && !chat.queuedForCapacity) chat.nextAt = at + this.stepDuration(chat);
            else this.startWorking(chat, at, false);
          }
        }
        return;
      case 'interrupting':
        if (before !== 'interrupting') chat.nextAt = at + int(chat.rng, 500, 3000);
        chat.queuedForCapacity = false;
        return;
      case 'requires_action':
        chat.nextAt = chat.action?.deadline ?? at + ACTION_DEADLINE_MS;
        return;
      case 'waiting':
        chat.queuedForCapacity = false;
        chat.nextAt = chat.persona !== 'stuck' && !chat.parentId && chance(chat.rng, 0.25) ? at + int(chat.rng, 5, 40) * MINUTE : Infinity;
        return;
      case 'error':
        chat.queuedForCapacity = false;
        chat.nextAt = chat.persona === 'flaky' ? at + int(chat.rng, 5, 20) * MINUTE : Infinity;
        return;
      case 'paused':
        chat.queuedForCapacity = false;
        chat.nextAt = Infinity;
        return;
    }
  }

  /** Start (or queue for capacity) a turn of a running chat. */
  private startWorking(chat: SimChat, at: number, force: boolean): void {
    const limit = this.concurrency;
    if (!force && limit !== null && this.slotsInUse() >= limit) {
      chat.queuedForCapacity = true;
      chat.capacitySince = at;
      chat.nextAt = Infinity;
      this.capacityWaiters.add(chat);
      return;
    }
    chat.queuedForCapacity = false;
    this.capacityWaiters.delete(chat);
    chat.nextAt = at + this.stepDuration(chat);
  }

  /** Give free worker slots to the chats waiting longest for capacity. */
  private admit(at: number): void {
    if (this.capacityWaiters.size === 0) return;
    for (const c of this.capacityWaiters) if (!c.queuedForCapacity || c.status !== 'running') this.capacityWaiters.delete(c);
    const limit = this.concurrency;
    const waiting = [...this.capacityWaiters];
    let free = limit === null ? waiting.length : limit - this.slotsInUse();
    if (free <= 0) return;
    waiting.sort((a, b) => a.capacitySince - b.capacitySince);
    for (const chat of waiting) {
      if (free-- <= 0) break;
      this.capacityWaiters.delete(chat);
      chat.queuedForCapacity = false;
      chat.nextAt = at + this.stepDuration(chat);
      this.touch(chat, at);
      this.reschedule(chat);
    }
  }

  private statusChanged(chat: SimChat): void {
    this.watch({ kind: 'status_change', chat });
    this.stream({ type: 'status', chat });
  }

  private stepDuration(chat: SimChat): number {
    return chat.persona === 'stuck' ? Infinity : int(chat.rng, 20, 180) * SECOND;
  }

  /** A change visible in the chat's JSON: revision and updated_at (also the parent's, which nests it). */
  touch(chat: SimChat, at: number): void {
    chat.rev++;
    chat.updatedAt = Math.max(chat.updatedAt, at);
    this.bumpParent(chat);
  }

  private bumpParent(chat: SimChat): void {
    const parent = this.store.parentOf(chat);
    if (parent) parent.rev++;
  }

  reschedule(chat: SimChat): void {
    this.nextDue = Math.min(this.nextDue, chat.nextAt, chat.prAt);
  }

  private userMessage(chat: SimChat, text: string, at: number, by: string | undefined, queuedMessageId?: number): SimChatMessage {
    const message: SimChatMessage = { id: this.store.nextMessageId(), role: 'user', at, text, ...(by ? { createdBy: by } : {}), ...(queuedMessageId !== undefined ? { queuedMessageId } : {}) };
    chat.messages.push(message);
    // The owner has read everything up to their own message.
    if (by === chat.ownerId) chat.readCursor = message.id;
    return message;
  }

  /** One model request: an assistant message with usage and cost (plus a tool call and its result now and then). */
  private assistantMessage(chat: SimChat, at: number, kind: 'turn' | 'question' | 'done'): void {
    const rng = chat.rng;
    if (kind === 'turn' && chance(rng, 0.35)) {
      const seed = int(rng, 1, 2 ** 30);
      const call = this.pushAssistant(chat, { id: this.store.nextMessageId(), role: 'assistant', at, gen: { kind: 'tool-call', seed } });
      this.stream({ type: 'message', chat, message: call });
      const result: SimChatMessage = { id: this.store.nextMessageId(), role: 'tool', at: at + 1, gen: { kind: 'tool-result', seed } };
      chat.messages.push(result);
      this.stream({ type: 'message', chat, message: result });
    }
    const message = this.pushAssistant(chat, { id: this.store.nextMessageId(), role: 'assistant', at: at + 2, gen: { kind, seed: int(rng, 1, 2 ** 30) } });
    this.stream({ type: 'message_part', chat, text: 'Working', seq: 1 });
    this.stream({ type: 'message', chat, message });
  }

  private pushAssistant(chat: SimChat, message: SimChatMessage): SimChatMessage {
    const { usage, costMicros } = usageFor(chat.rng);
    const full: SimChatMessage = { ...message, usage, costMicros };
    chat.messages.push(full);
    chat.costMicros += costMicros;
    chat.requestCount++;
    return full;
  }

  // ---------------------------------------------------------------- the simulated worker

  /** Run every chat event due up to `now` (each at its own scheduled time). */
  advanceTo(now: number): void {
    for (let pass = 0; pass < 100 && this.nextDue <= now; pass++) {
      let due = Infinity;
      this.nextDue = Infinity;
      for (const chat of this.store.chats) {
        if (chat.nextAt <= now || chat.prAt <= now) this.step(chat, now);
        due = Math.min(due, chat.nextAt, chat.prAt);
      }
      this.nextDue = Math.min(this.nextDue, due);
    }
  }

  private step(chat: SimChat, now: number): void {
    for (let i = 0; i < MAX_EVENTS_PER_CHAT; i++) {
      const at = Math.min(chat.nextAt, chat.prAt);
      if (at > now) return;
      if (chat.prAt <= chat.nextAt) this.prStep(chat, at);
      else this.event(chat, at);
    }
  }

  private event(chat: SimChat, at: number): void {
    const rng = chat.rng;
    switch (chat.status) {
      case 'running': {
        if (chat.queuedForCapacity) {
          chat.nextAt = Infinity;
          return;
        }
        if (this.overSpend(chat.ownerId)) {
          this.apply(chat, { kind: 'turn_error' }, at, { error: chatError('usage_limit') });
          return;
        }
        chat.turnsLeft--;
        if (chat.turnsLeft > 0) {
          this.assistantMessage(chat, at, 'turn');
          chat.nextAt = at + this.stepDuration(chat);
          this.touch(chat, at);
          return;
        }
        if (chat.persona === 'needs_action' && chance(rng, 0.6)) {
          this.apply(chat, { kind: 'needs_action' }, at, { toolCalls: [{ toolCallId: `call_${int(rng, 1, 2 ** 30).toString(36)}`, toolName: 'lookup_ticket', args: JSON.stringify({ ticket: `ENG-${int(rng, 100, 999)}` }) }] });
          return;
        }
        if (chat.persona === 'flaky' && chance(rng, 0.6)) {
          const kind = weighted(rng, { overloaded: 3, rate_limit: 3, timeout: 2, generic: 1 } as const);
          this.stream({ type: 'retry', chat, attempt: 1, delayMs: 2000, error: chatError(kind), at });
          this.apply(chat, { kind: 'turn_error' }, at, { error: chatError(kind) });
          return;
        }
        this.assistantMessage(chat, at, chance(rng, 0.2) ? 'question' : 'done');
        chat.lastTurnSummary = pick(rng, SUMMARIES);
        if (!chat.parentId && chat.children.length < 3 && chance(rng, 0.08)) {
          this.create({ ownerId: chat.ownerId, organizationId: chat.organizationId, parentId: chat.id, text: 'Explore the test suite and report flaky tests.', steps: int(rng, 1, 2) }, at);
        }
        if (!chat.diff && (chat.persona === 'pr' || chance(rng, 0.3))) chat.prAt = Math.min(chat.prAt, at + int(rng, 1, 10) * MINUTE);
        this.apply(chat, { kind: 'turn_done' }, at);
        this.watch({ kind: 'summary_change', chat });
        return;
      }
      case 'interrupting':
        this.apply(chat, { kind: 'interrupt_done' }, at);
        return;
      case 'requires_action':
        if (chat.action && chat.action.deadline <= at) this.apply(chat, { kind: 'action_expired' }, at);
        else chat.nextAt = chat.action?.deadline ?? Infinity;
        return;
      case 'waiting':
      case 'error':
        // The (simulated) owner answers.
        if (this.overSpend(chat.ownerId)) {
          chat.nextAt = Infinity;
          return;
        }
        this.apply(chat, { kind: 'send', busy: 'queue' }, at, { text: chat.status === 'error' ? 'Try again.' : 'Looks good, please continue.', by: chat.ownerId });
        return;
      case 'paused':
        chat.nextAt = Infinity;
        return;
    }
  }

  private newDiff(chat: SimChat, at: number) {
    return { branch: branchName(chat.rng), additions: int(chat.rng, 5, 600), deletions: int(chat.rng, 0, 300), changedFiles: int(chat.rng, 1, 25), refreshedAt: at };
  }

  private newPr(chat: SimChat): NonNullable<NonNullable<SimChat['diff']>['pr']> {
    const number = int(chat.rng, 100, 9999);
    return { number, url: `https://github.com/${REPO}/pull/${number}`, title: prTitle(chat.rng), state: 'open', draft: true, changesRequested: false, approved: false, reviewers: 0, commits: int(chat.rng, 1, 6) };
  }

  /** PR evolution: branch pushed → draft PR → ready → changes requested or approved → merged or closed. */
  private prStep(chat: SimChat, at: number): void {
    const rng = chat.rng;
    const diff = chat.diff;
    let nextIn: number | null = int(rng, 5, 60) * MINUTE;
    if (!diff) chat.diff = this.newDiff(chat, at);
    else if (!diff.pr) diff.pr = this.newPr(chat);
    else {
      const pr = diff.pr;
      if (pr.state !== 'open') nextIn = null;
      else if (pr.draft) pr.draft = false;
      else if (!pr.approved && !pr.changesRequested) {
        pr.reviewers = int(rng, 1, 3);
        if (chance(rng, 0.3)) pr.changesRequested = true;
        else pr.approved = true;
      } else if (pr.changesRequested) {
        pr.changesRequested = false;
        pr.approved = true;
        pr.commits++;
      } else {
        pr.state = chance(rng, 0.85) ? 'merged' : 'closed';
        nextIn = null;
      }
    }
    if (chat.diff) chat.diff.refreshedAt = at;
    chat.prAt = nextIn === null ? Infinity : at + nextIn;
    this.touch(chat, at);
    this.watch({ kind: 'diff_status_change', chat });
  }
}

function refusalMessage(refusal: Refusal, chat: SimChat): string {
  switch (refusal) {
    case 'busy':
      return `Chat is ${chat.status}; only idle or errored chats can be archived. Interrupt it first.`;
    case 'archived':
      return 'Chat is archived. Unarchive it before sending messages.';
    case 'empty_queue':
      return 'Queued message not found.';
    case 'invalid':
      return `Chat is ${chat.status}.`;
  }
}
