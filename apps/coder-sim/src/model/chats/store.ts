import { uuid, type Rng } from '../../util/prng.js';
import type { SimOrganization, SimUser } from '../types.js';
import type { SimChat } from './types.js';

export interface SimChatModel {
  id: string;
  organizationId: string;
  provider: string;
  model: string;
  displayName: string;
  isDefault: boolean;
  contextLimit: number;
  createdAt: number;
}

const MODEL_SPECS = [
  { provider: 'anthropic', model: 'claude-sonnet-4-5', displayName: 'Claude Sonnet 4.5', isDefault: true, contextLimit: 200_000 },
  { provider: 'anthropic', model: 'claude-opus-4-1', displayName: 'Claude Opus 4.1', isDefault: false, contextLimit: 200_000 },
  { provider: 'openai', model: 'gpt-5', displayName: 'GPT-5', isDefault: false, contextLimit: 400_000 },
] as const;

const MAX_MESSAGE_REQUESTS = 10_000;

/** A create request remembered for `request_id` idempotency (same id + same input → same chat). */
interface RequestRecord {
  fingerprint: string;
  chatId: string;
}

/** Chats, their models and counters: entities and lookups only (the engine changes them). */
export class ChatStore {
  /** Every chat (roots and children), creation order. */
  readonly chats: SimChat[] = [];
  readonly models: SimChatModel[] = [];
  private readonly byId = new Map<string, SimChat>();
  private readonly requests = new Map<string, RequestRecord>();
  /** Answers to sent messages by `chat/request_id` (a repeat gets the first answer; bounded, oldest dropped). */
  private readonly messageRequests = new Map<string, { fingerprint: string; answer: unknown }>();
  private messageSeq = 0;
  private queuedSeq = 0;

  constructor(
    private readonly rng: Rng,
    organizations: readonly SimOrganization[],
    epoch: number,
  ) {
    for (const org of organizations) {
      MODEL_SPECS.forEach((spec, i) => this.models.push({ id: uuid(rng), organizationId: org.id, ...spec, createdAt: epoch + i * 60_000 }));
    }
  }

  newId(): string {
    return uuid(this.rng);
  }

  nextMessageId(): number {
    return ++this.messageSeq;
  }

  nextQueuedId(): number {
    return ++this.queuedSeq;
  }

  insert(chat: SimChat): void {
    this.chats.push(chat);
    this.byId.set(chat.id, chat);
  }

  get(id: string): SimChat | undefined {
    return this.byId.get(id.toLowerCase());
  }

  parentOf(chat: SimChat): SimChat | undefined {
    return chat.parentId ? this.byId.get(chat.parentId) : undefined;
  }

  rootOf(chat: SimChat): SimChat {
    return this.parentOf(chat) ?? chat;
  }

  childrenOf(chat: SimChat): SimChat[] {
    return chat.children.map((id) => this.byId.get(id)).filter((c): c is SimChat => c !== undefined);
  }

  /** The root and its subagents. */
  family(chat: SimChat): SimChat[] {
    const root = this.rootOf(chat);
    return [root, ...this.childrenOf(root)];
  }

  roots(): SimChat[] {
    return this.chats.filter((c) => c.parentId === null);
  }

  defaultModel(organizationId: string): SimChatModel | undefined {
    return this.models.find((m) => m.organizationId === organizationId && m.isDefault);
  }

  model(id: string): SimChatModel | undefined {
    return this.models.find((m) => m.id === id);
  }

  modelsOf(organizationId: string): SimChatModel[] {
    return this.models.filter((m) => m.organizationId === organizationId);
  }

  /** Owner read access: the owner, a user it is shared with, or a site admin. */
  canRead(user: SimUser, chat: SimChat): boolean {
    const root = this.rootOf(chat);
    return user.role === 'admin' || root.ownerId === user.id || root.sharedWith.has(user.id);
  }

  canWrite(user: SimUser, chat: SimChat): boolean {
    return user.role === 'admin' || this.rootOf(chat).ownerId === user.id;
  }

  request(ownerId: string, requestId: string): RequestRecord | undefined {
    return this.requests.get(`${ownerId}/${requestId}`);
  }

  rememberRequest(ownerId: string, requestId: string, fingerprint: string, chatId: string): void {
    this.requests.set(`${ownerId}/${requestId}`, { fingerprint, chatId });
  }

  messageRequest(chatId: string, requestId: string): { fingerprint: string; answer: unknown } | undefined {
    return this.messageRequests.get(`${chatId}/${requestId}`);
  }

  rememberMessageRequest(chatId: string, requestId: string, fingerprint: string, answer: unknown): void {
    this.messageRequests.set(`${chatId}/${requestId}`, { fingerprint, answer });
    if (this.messageRequests.size > MAX_MESSAGE_REQUESTS) this.messageRequests.delete(this.messageRequests.keys().next().value as string);
  }

  /** Total cost of the owner's chats (the spend-limit check). */
  spentBy(ownerId: string): number {
    let total = 0;
    for (const chat of this.chats) if (chat.ownerId === ownerId) total += chat.costMicros;
    return total;
  }
}
