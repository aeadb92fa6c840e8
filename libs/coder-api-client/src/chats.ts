/**
 * Chats (Coder Agents), routed by server version: `/api/v2/chats…` (>= 2.37) or `/api/experimental/chats…`
 * (2.32–2.36), same shapes. Owner scoping is Coder's: a list shows the token user's chats plus shared ones.
 * Reads are retried like every GET; mutations never are (pass `request_id` to make a create or send safe
 * to repeat yourself).
 */
import { CHAT_KEYS, ChatListBody } from './chat-list-body.js';
import { isRecord } from './guards.js';
import type { Http } from './http.js';
import { arrayOf, noContent, objectWith, type Parse } from './parse.js';
import type {
  CallOptions,
  Chat,
  ChatCost,
  ChatDiffContents,
  ChatMessage,
  ChatMessagesResponse,
  ChatSearch,
  ChatsApi,
  CoderApiError,
  CoderClient,
  CoderResult,
  CreateChatMessageResponse,
  ListChatsQuery,
  Organization,
  OrganizationChatModelsResponse,
} from './types.js';

export type ChatRoute = Exclude<ChatsApi, 'none'>;
export type ChatRouteResult = { ok: true; value: ChatRoute } | { ok: false; error: CoderApiError };

export interface ChatsContext {
  http: Http;
  /** Which tree serves chats on this server (reads buildinfo once); fails with `chats_unsupported`. */
  route(operation: string, opts?: CallOptions): Promise<ChatRouteResult>;
}

export type ChatsApiMethods = Pick<
  CoderClient,
  | 'listMyOrganizations'
  | 'listChats'
  | 'listChatsIndexed'
  | 'getChat'
  | 'createChat'
  | 'sendChatMessage'
  | 'interruptChat'
  | 'updateChat'
  | 'archiveChat'
  | 'listChatMessages'
  | 'deleteQueuedChatMessage'
  | 'promoteQueuedChatMessage'
  | 'getChatCost'
  | 'getChatDiff'
  | 'listChatModels'
>;


const PATHS = {
  chats: { v2: '/api/v2/chats', experimental: '/api/experimental/chats' },
  chat: { v2: '/api/v2/chats/{chat}', experimental: '/api/experimental/chats/{chat}' },
  messages: { v2: '/api/v2/chats/{chat}/messages', experimental: '/api/experimental/chats/{chat}/messages' },
  interrupt: { v2: '/api/v2/chats/{chat}/interrupt', experimental: '/api/experimental/chats/{chat}/interrupt' },
  queued: { v2: '/api/v2/chats/{chat}/queue/{queuedMessage}', experimental: '/api/experimental/chats/{chat}/queue/{queuedMessage}' },
  promote: {
    v2: '/api/v2/chats/{chat}/queue/{queuedMessage}/promote',
    experimental: '/api/experimental/chats/{chat}/queue/{queuedMessage}/promote',
  },
  cost: { v2: '/api/v2/chats/{chat}/cost', experimental: '/api/experimental/chats/{chat}/cost' },
  diff: { v2: '/api/v2/chats/{chat}/diff', experimental: '/api/experimental/chats/{chat}/diff' },
} as const;

const parseChat = objectWith<Chat>('chat', CHAT_KEYS);
const parseChats = arrayOf<Chat>('chat', CHAT_KEYS);
const parseOrganizations = arrayOf<Organization>('organization', ['id']);
const parseCost = objectWith<ChatCost>('chat cost', ['chat_id']);
const parseDiff = objectWith<ChatDiffContents>('chat diff', ['chat_id']);

/** An object whose `key` is an array (the rest is trusted to the generated type). */
function withArray<T>(what: string, key: string): Parse<T> {
  return (body) => {
    if (!isRecord(body) || !Array.isArray(body[key])) return { ok: false, problem: `expected ${what} with a "${key}" array` };
    return { ok: true, value: body as T };
  };
}

const parseMessages = withArray<ChatMessagesResponse>('a chat messages page', 'messages');
const parseModels = withArray<OrganizationChatModelsResponse>('an organization chat models list', 'models');

const parseSendResult: Parse<CreateChatMessageResponse> = (body) =>
  isRecord(body) && typeof body['queued'] === 'boolean'
    ? { ok: true, value: body as CreateChatMessageResponse }
    : { ok: false, problem: 'expected a send result with a boolean "queued"' };

/** 202 has no body (newest servers); 200 carries the promoted message (older ones). */
const parsePromoted: Parse<ChatMessage | undefined> = (body) => {
  if (body === undefined) return { ok: true, value: undefined };
  return isRecord(body) ? { ok: true, value: body as ChatMessage } : { ok: false, problem: 'expected the promoted chat message' };
};

/** `{status: ['running', 'error'], archived: false}` → `status:running,error archived:false` (Coder's chat search). */
export function chatQuery(search: ChatSearch = {}): string | undefined {
  const terms: string[] = [];
  const term = (key: string, value: string | readonly string[] | undefined): void => {
    const values = (typeof value === 'string' ? [value] : (value ?? [])).map((v) => v.trim()).filter((v) => v !== '');
    if (values.length > 0) terms.push(`${key}:${quote(values.join(','))}`);
  };
  term('status', search.status);
  if (search.archived !== undefined) term('archived', String(search.archived));
  if (search.hasUnread !== undefined) term('has_unread', String(search.hasUnread));
  term('pr_status', search.prStatus);
  term('source', search.source);
  term('title', search.title);
  term('search', search.search);
  return terms.length > 0 ? terms.join(' ') : undefined;
}

/** `listChats`' query parameters as Coder spells them. */
function chatsListQuery(query: ListChatsQuery): Record<string, unknown> {
  const q: Record<string, unknown> = {};
  if (query.q?.trim()) q['q'] = query.q.trim();
  const labels = Object.entries(query.labels ?? {}).map(([k, v]) => `${k}:${v}`);
  if (labels.length > 0) q['label'] = labels;
  if (query.afterId) q['after_id'] = query.afterId;
  if (query.limit !== undefined) q['limit'] = query.limit;
  if (query.offset !== undefined) q['offset'] = query.offset;
  return q;
}

/** Values with spaces, quotes or colons are quoted (Coder's search syntax); inner quotes are dropped. */
function quote(value: string): string {
  return /[\s":]/.test(value) ? `"${value.replace(/"/g, '')}"` : value;
}

export { CHAT_KEYS };

export function createChatsApi(ctx: ChatsContext): ChatsApiMethods {
  const { http } = ctx;
  const routed = async <T>(operation: string, opts: CallOptions | undefined, run: (route: ChatRoute) => Promise<CoderResult<T>>) => {
    const route = await ctx.route(operation, opts);
    return route.ok ? run(route.value) : route;
  };
  const chatParams = (chat: string) => ({ path: { chat } });
  const queueParams = (chat: string, queuedMessage: number) => ({ path: { chat, queuedMessage } });

  const updateChat: ChatsApiMethods['updateChat'] = (chatId, body, opts) =>
    routed('PATCH /api/v2/chats/{chat}', opts, (route) => {
      const path = PATHS.chat[route];
      return http.request('PATCH', path, (init) => http.raw.PATCH(path, { ...init, params: chatParams(chatId), body }), noContent, opts);
    });

  return {
    listMyOrganizations(opts) {
      const path = '/api/v2/users/{user}/organizations' as const;
      return http.request('GET', path, (init) => http.raw.GET(path, { ...init, params: { path: { user: 'me' } } }), parseOrganizations, opts);
    },
    listChats(query = {}, opts) {
      const q = chatsListQuery(query);
      return routed('GET /api/v2/chats', opts, (route) => {
        const path = PATHS.chats[route];
        return http.request('GET', path, (init) => http.raw.GET(path, { ...init, params: { query: q } }), parseChats, opts);
      });
    },
    listChatsIndexed(query = {}, opts) {
      const q = chatsListQuery(query);
      return routed('GET /api/v2/chats', opts, (route) => {
        const path = PATHS.chats[route];
        return http.requestBytes('GET', path, (init) => http.raw.GET(path, { ...init, params: { query: q } }), ChatListBody.from, opts);
      });
    },
    getChat(chatId, opts) {
      return routed('GET /api/v2/chats/{chat}', opts, (route) => {
        const path = PATHS.chat[route];
        return http.request('GET', path, (init) => http.raw.GET(path, { ...init, params: chatParams(chatId) }), parseChat, opts);
      });
    },
    createChat(body, opts) {
      return routed('POST /api/v2/chats', opts, (route) => {
        const path = PATHS.chats[route];
        return http.request('POST', path, (init) => http.raw.POST(path, { ...init, body }), parseChat, opts);
      });
    },
    sendChatMessage(chatId, body, opts) {
      return routed('POST /api/v2/chats/{chat}/messages', opts, (route) => {
        const path = PATHS.messages[route];
        return http.request('POST', path, (init) => http.raw.POST(path, { ...init, params: chatParams(chatId), body }), parseSendResult, opts);
      });
    },
    interruptChat(chatId, opts) {
      return routed('POST /api/v2/chats/{chat}/interrupt', opts, (route) => {
        const path = PATHS.interrupt[route];
        return http.request('POST', path, (init) => http.raw.POST(path, { ...init, params: chatParams(chatId) }), parseChat, opts);
      });
    },
    updateChat,
    archiveChat: (chatId, archived = true, opts) => updateChat(chatId, { archived }, opts),
    listChatMessages(chatId, query = {}, opts) {
      const q: { before_id?: number; after_id?: number; limit?: number } = {};
      if (query.beforeId !== undefined) q.before_id = query.beforeId;
      if (query.afterId !== undefined) q.after_id = query.afterId;
      if (query.limit !== undefined) q.limit = query.limit;
      return routed('GET /api/v2/chats/{chat}/messages', opts, (route) => {
        const path = PATHS.messages[route];
        const params = { path: { chat: chatId }, query: q };
        return http.request('GET', path, (init) => http.raw.GET(path, { ...init, params }), parseMessages, opts);
      });
    },
    deleteQueuedChatMessage(chatId, queuedMessageId, opts) {
      return routed('DELETE /api/v2/chats/{chat}/queue/{queuedMessage}', opts, (route) => {
        const path = PATHS.queued[route];
        const params = queueParams(chatId, queuedMessageId);
        return http.request('DELETE', path, (init) => http.raw.DELETE(path, { ...init, params }), noContent, opts);
      });
    },
    promoteQueuedChatMessage(chatId, queuedMessageId, opts) {
      return routed('POST /api/v2/chats/{chat}/queue/{queuedMessage}/promote', opts, (route) => {
        const path = PATHS.promote[route];
        const params = queueParams(chatId, queuedMessageId);
        return http.request('POST', path, (init) => http.raw.POST(path, { ...init, params }), parsePromoted, opts);
      });
    },
    getChatCost(chatId, opts) {
      return routed('GET /api/v2/chats/{chat}/cost', opts, (route) => {
        const path = PATHS.cost[route];
        return http.request('GET', path, (init) => http.raw.GET(path, { ...init, params: chatParams(chatId) }), parseCost, opts);
      });
    },
    getChatDiff(chatId, opts) {
      return routed('GET /api/v2/chats/{chat}/diff', opts, (route) => {
        const path = PATHS.diff[route];
        return http.request('GET', path, (init) => http.raw.GET(path, { ...init, params: chatParams(chatId) }), parseDiff, opts);
      });
    },
    listChatModels(organizationId, opts) {
      const path = '/api/v2/organizations/{organization}/chats/models' as const;
      return routed(`GET ${path}`, opts, async (route) => {
        if (route !== 'v2') {
          // 2.32–2.36 list models deployment-wide under /api/experimental/chats/models (another shape).
          return http.fail({ kind: 'chats_unsupported', operation: `GET ${path}`, message: 'Organization-scoped chat models exist from Coder 2.37.' });
        }
        const params = { path: { organization: organizationId } };
        return http.request('GET', path, (init) => http.raw.GET(path, { ...init, params }), parseModels, opts);
      });
    },
  };
}
