/**
 * Friendly aliases over the generated Coder wire types and the client surface (type-only entry point:
 * `import type { Task } from '@org/coder-api-client/types'`).
 *
 * Wire fields stay snake_case (and PascalCase for presets, as Coder sends them). Nothing in this
 * module exists at runtime; runtime helpers (guards, parsers) live in `index.ts`. The wire aliases live
 * in `wire.ts` (a leaf module) and are re-exported here.
 */
import type { components, operations, paths } from './generated/schema.js';
import type { ChatListBody } from './chat-list-body.js';
import type { TaskListBody } from './task-list-body.js';
import type { WorkspaceListBody } from './workspace-list-body.js';
import type {
  AnyTask,
  AnyTasksListResponse,
  BuildInfo,
  Chat,
  ChatCost,
  ChatDiffContents,
  ChatMessage,
  ChatMessagesResponse,
  ChatStreamEvent,
  ChatWatchEvent,
  CreateChatMessageRequest,
  CreateChatMessageResponse,
  CreateChatRequest,
  OrganizationChatModelsResponse,
  UpdateChatRequest,
  CreateTaskRequest,
  CreateWorkspaceBuildRequest,
  CreateWorkspaceRequest,
  AgentApiMessageRequest,
  AgentApiMessages,
  AgentApiStatus,
  AgentApiTarget,
  ListTasksFilter,
  ListWorkspacesQuery,
  Organization,
  Preset,
  TaskLifecycleResult,
  TaskLogsResponse,
  Template,
  TemplateVersion,
  TemplateVersionParameter,
  User,
  Workspace,
  WorkspaceBuild,
  WorkspaceBuildParameter,
  WorkspacesList,
} from './wire.js';

export type { components, operations, paths };
export type * from './wire.js';

// ---- Client surface ---------------------------------------------------------------------------

/** Which tasks route tree the server offers. */
export type TasksApi = 'v2' | 'experimental' | 'none';

/** Which chats route tree the server offers: `/api/v2/chats` (2.37+), `/api/experimental/chats` (2.32–2.36). */
export type ChatsApi = 'v2' | 'experimental' | 'none';

/** One answer to "what can this deployment do" (`detectCapabilities`), from buildinfo (read once). */
export interface Capabilities {
  /** Parsed semantic version, e.g. `"2.37.0"`. */
  version: string;
  raw: string;
  /** Tasks route tree (as `ServerInfo.tasksApi`). */
  tasks: TasksApi;
  /** Chats route tree. */
  chats: ChatsApi;
  /** `/api/v2/chats` or `/api/experimental/chats`; `undefined` when `chats` is `'none'`. */
  chatsBasePath?: '/api/v2/chats' | '/api/experimental/chats';
}

/** Query for `listChats`. Build `q` with `chatQuery()` (e.g. `status:running,error archived:false`). */
export interface ListChatsQuery {
  q?: string;
  /** Each `key: value` becomes one `label=key:value` (AND). */
  labels?: Record<string, string>;
  /** Keyset paging: chats after this chat id. */
  afterId?: string;
  limit?: number;
  offset?: number;
}

/** Fields for `chatQuery()`; Coder ANDs the terms, a list inside one term is OR. */
export interface ChatSearch {
  status?: string | readonly string[];
  /** Default on the server: `false` (archived chats are hidden). */
  archived?: boolean | 'any';
  hasUnread?: boolean;
  prStatus?: string | readonly string[];
  source?: 'created_by_me' | 'shared_with_me' | readonly ('created_by_me' | 'shared_with_me')[];
  title?: string;
  /** Full-text search (not combinable with title/pr_title/pr on the server). */
  search?: string;
}

/** Cursors for `listChatMessages` (newest first by default; `afterId` alone returns oldest first). */
export interface ChatMessagesQuery {
  beforeId?: number;
  afterId?: number;
  /** 1..200, server default 50. */
  limit?: number;
}

/** Health of a chat socket. `auth_failed`, `failed` and `closed` are final: no more reconnects. */
export type ChatSocketStatus =
  | { state: 'connecting'; attempt: number }
  | { state: 'connected' }
  | { state: 'reconnecting'; attempt: number; delayMs: number; reason: string }
  | { state: 'auth_failed'; status: number; reason: string }
  | { state: 'failed'; status?: number; reason: string }
  | { state: 'closed' };

/** A reconnecting chat WebSocket (`watchChats`, `streamChat`). */
export interface ChatSocket {
  /** The latest status (also reported through `onStatus`). */
  status(): ChatSocketStatus;
  /** Stops reconnecting and closes the connection; resolves once it is closed. Safe to call twice. */
  close(): Promise<void>;
}

export interface ChatSocketTuning {
  reconnect?: {
    /** First back-off (default 500 ms); doubles per failed attempt up to `maxDelayMs`, "equal jitter" in [d/2, d]. */
    baseDelayMs?: number;
    /** Default 30000 ms. */
    maxDelayMs?: number;
    /** Give up (state `failed`) after this many consecutive failed attempts; default unlimited. */
    maxAttempts?: number;
  };
  /** Ping interval; the connection is dropped and re-opened when nothing arrives for two intervals (default 15000 ms). */
  heartbeatMs?: number;
  /** A connection that lasted this long resets the back-off (default 10000 ms). */
  stableAfterMs?: number;
  /** Random source in [0, 1) for the jitter (default: the client's `random`, else `Math.random`). */
  random?: () => number;
}

export interface ChatSocketHandlers {
  onStatus?: (status: ChatSocketStatus) => void;
  /** A frame that could not be used (not JSON, unknown shape, an error frame): reported, then skipped. */
  onProblem?: (problem: string) => void;
}

/** What `getServerInfo` reports (buildinfo read once and cached). */
export interface ServerInfo {
  /** Parsed semantic version, e.g. `"2.36.0"`. */
  version: string;
  /** The raw buildinfo version, e.g. `"v2.36.0+abc123"`. */
  raw: string;
  tasksApi: TasksApi;
  features: {
    /** Tasks endpoints exist (2.27 <= version < 2.37, or forced by `assumeTasksSupported`). */
    tasks: boolean;
    /** Pause/resume is expected to exist (heuristic by version; the client still tries and falls back). */
    pauseResume: boolean;
    /** Pause/resume expected under `/api/v2` (learned for sure after the first pause/resume call). */
    v2PauseResume: boolean;
  };
}

/** Per-call options. */
export interface CallOptions {
  /** Cancels the call; a cancelled call resolves with a `timeout` error (never throws). */
  signal?: AbortSignal;
}

export type CoderApiErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'invalid_request'
  | 'rate_limited'
  | 'upstream_unavailable'
  | 'server_error'
  | 'timeout'
  | 'network'
  | 'unexpected_response'
  | 'tasks_unsupported'
  /** 409 from a chat call because a spend/usage limit (AI Gateway budget) was reached. */
  | 'usage_limit'
  /** The deployment has no Chats API (Coder < 2.32, or forced off). */
  | 'chats_unsupported';

/** The closed error union every client call can return. Never contains the session token. */
export interface CoderApiError {
  kind: CoderApiErrorKind;
  /** HTTP status when a response was received. */
  status?: number;
  /** Method plus literal path template, e.g. `"GET /api/v2/tasks/{user}/{task}"` (never ids or tokens). */
  operation: string;
  /** Coder's user-facing message, or our own description. */
  message: string;
  /** Coder's technical detail, when given. */
  detail?: string;
  /** Coder's field validations (400 "Validation failed."). */
  validations?: { field: string; detail: string }[];
  /** For `rate_limited` (from `Retry-After` or `X-Ratelimit-Reset`). */
  retryAfterMs?: number;
  /** Server version, for `tasks_unsupported` and `chats_unsupported`. */
  version?: string;
  /** Coder's own error classification when the body has one (`kind`: usage_limit, hook_denied, …). */
  coderKind?: string;
  /**
   * For `network` and `timeout`: did the request possibly reach Coder? `not_sent` when the connection was
   * never made (refused, DNS, unreachable): Coder saw nothing. `unknown` when bytes may have left (reset
   * after connect, timeout, caller abort): a mutation may have been applied, re-read before retrying.
   */
  delivery?: RequestDelivery;
}

export type RequestDelivery = 'not_sent' | 'unknown';

export type CoderResult<T> = { ok: true; value: T; status: number } | { ok: false; error: CoderApiError };

export interface RetryOptions {
  /** Extra attempts after the first (default 2). 0 disables retries. */
  retries?: number;
  /** First backoff delay (default 250 ms); doubles per attempt, with jitter. */
  baseDelayMs?: number;
  /** Cap for the computed backoff delay (default 4000 ms). */
  maxDelayMs?: number;
  /** A server-requested wait (Retry-After / X-Ratelimit-Reset) longer than this is not waited for: the
   *  `rate_limited` error is returned at once with `retryAfterMs` (default 10000 ms). */
  maxRetryAfterMs?: number;
}

export interface CoderClientOptions {
  /** Coder origin, e.g. `https://coder.example.com` (a trailing `/` or `/api/v2` is tolerated). */
  baseUrl: string;
  sessionToken: string;
  /** Injectable fetch; looked up per call (defaults to `globalThis.fetch` at call time). */
  fetch?: typeof globalThis.fetch;
  /** Per-request timeout (default 30000 ms). */
  timeoutMs?: number;
  retry?: RetryOptions;
  userAgent?: string;
  /** At most this many requests in flight per client (queue the rest); default unlimited. Fan-out over a
   *  large fleet otherwise meets Coder's per-user rate limit (512 requests/minute by default). */
  maxConcurrentRequests?: number;
  /** Treat the server as offering tasks even when its version says otherwise (ESR builds >= 2.37). */
  assumeTasksSupported?: boolean;
  /** Force the chats route tree instead of deriving it from the version (e.g. a devel build). */
  chatsApi?: ChatsApi;
  /** Clock for `X-Ratelimit-Reset` (epoch ms); default `Date.now`. */
  now?: () => number;
  /** Random source in [0, 1) for backoff jitter; default `Math.random`. */
  random?: () => number;
}

export interface CoderClient {
  getServerInfo(opts?: CallOptions): Promise<CoderResult<ServerInfo>>;
  getBuildInfo(opts?: CallOptions): Promise<CoderResult<BuildInfo>>;
  getMe(opts?: CallOptions): Promise<CoderResult<User>>;
  getUser(user: string, opts?: CallOptions): Promise<CoderResult<User>>;
  listOrganizations(opts?: CallOptions): Promise<CoderResult<Organization[]>>;

  listTasks(filter?: ListTasksFilter, opts?: CallOptions): Promise<CoderResult<AnyTasksListResponse>>;
  /**
   * The same request as `listTasks`, returned as the raw body indexed per task but not parsed: for pollers
   * of large fleets that parse only the tasks that changed since their last read (see TaskListBody).
   */
  listTasksIndexed(filter?: ListTasksFilter, opts?: CallOptions): Promise<CoderResult<TaskListBody>>;
  getTask(user: string, taskIdOrName: string, opts?: CallOptions): Promise<CoderResult<AnyTask>>;
  createTask(user: string, body: CreateTaskRequest & { input: string }, opts?: CallOptions): Promise<CoderResult<AnyTask>>;
  deleteTask(user: string, task: string, opts?: CallOptions): Promise<CoderResult<void>>;
  sendTaskInput(user: string, task: string, input: string, opts?: CallOptions): Promise<CoderResult<void>>;
  updateTaskInput(user: string, task: string, input: string, opts?: CallOptions): Promise<CoderResult<void>>;
  getTaskLogs(user: string, task: string, opts?: CallOptions): Promise<CoderResult<TaskLogsResponse>>;
  pauseTask(user: string, task: string, opts?: CallOptions): Promise<CoderResult<TaskLifecycleResult>>;
  resumeTask(user: string, task: string, opts?: CallOptions): Promise<CoderResult<TaskLifecycleResult>>;

  /** Tasks and chats route trees in one answer (buildinfo, read once and cached). */
  detectCapabilities(opts?: CallOptions): Promise<CoderResult<Capabilities>>;
  /** The token user's organizations (`/users/me/organizations`): a chat is created in one of them. */
  listMyOrganizations(opts?: CallOptions): Promise<CoderResult<Organization[]>>;

  // Chats (Coder Agents); each resolves `chats_unsupported` on a deployment without them.
  /** The caller's own chats plus chats shared with them (roots; subagents nested in `children`). */
  listChats(query?: ListChatsQuery, opts?: CallOptions): Promise<CoderResult<Chat[]>>;
  /**
   * The same request as `listChats`, returned as the raw body indexed per root chat but not parsed: for
   * pollers of large fleets that parse only the chats that changed since their last read (see ChatListBody).
   */
  listChatsIndexed(query?: ListChatsQuery, opts?: CallOptions): Promise<CoderResult<ChatListBody>>;
  getChat(chatId: string, opts?: CallOptions): Promise<CoderResult<Chat>>;
  /** Creates a chat (201). Pass `request_id` so a retried create never makes two. */
  createChat(body: CreateChatRequest, opts?: CallOptions): Promise<CoderResult<Chat>>;
  /** Sends a message; a busy chat queues it (`queued: true`) unless `busy_behavior: 'interrupt'`. */
  sendChatMessage(chatId: string, body: CreateChatMessageRequest, opts?: CallOptions): Promise<CoderResult<CreateChatMessageResponse>>;
  interruptChat(chatId: string, opts?: CallOptions): Promise<CoderResult<Chat>>;
  /** PATCH (204): title, archived, labels (replace), pin_order, read, plan_mode, workspace_id. */
  updateChat(chatId: string, body: UpdateChatRequest, opts?: CallOptions): Promise<CoderResult<void>>;
  /** `updateChat(id, {archived})`; Coder refuses unless the chat is idle or errored (whole family). */
  archiveChat(chatId: string, archived?: boolean, opts?: CallOptions): Promise<CoderResult<void>>;
  listChatMessages(chatId: string, query?: ChatMessagesQuery, opts?: CallOptions): Promise<CoderResult<ChatMessagesResponse>>;
  deleteQueuedChatMessage(chatId: string, queuedMessageId: number, opts?: CallOptions): Promise<CoderResult<void>>;
  /** Sends a queued message next; the promoted message on older servers (200), `undefined` on 202. */
  promoteQueuedChatMessage(chatId: string, queuedMessageId: number, opts?: CallOptions): Promise<CoderResult<ChatMessage | undefined>>;
  getChatCost(chatId: string, opts?: CallOptions): Promise<CoderResult<ChatCost>>;
  getChatDiff(chatId: string, opts?: CallOptions): Promise<CoderResult<ChatDiffContents>>;
  /** Org-scoped models (2.37+); answers `chats_unsupported` on the experimental era. */
  listChatModels(organizationId: string, opts?: CallOptions): Promise<CoderResult<OrganizationChatModelsResponse>>;

  /**
   * Watches the token owner's chats (`GET {chats}/watch`; Coder publishes on the owner's channel only, so
   * shared chats need a list poll). Reconnects by itself; `onStatus` reports its health.
   */
  watchChats(handlers: ChatSocketHandlers & { onEvent: (event: ChatWatchEvent) => void }, tuning?: ChatSocketTuning): ChatSocket;
  /** Streams one chat (`GET {chats}/{chat}/stream`); after a reconnect it resumes after the last message seen. */
  streamChat(
    chatId: string,
    handlers: ChatSocketHandlers & { onEvents: (events: ChatStreamEvent[]) => void },
    tuning?: ChatSocketTuning & { afterId?: number },
  ): ChatSocket;

  listTemplates(opts?: CallOptions): Promise<CoderResult<Template[]>>;
  getTemplate(id: string, opts?: CallOptions): Promise<CoderResult<Template>>;
  getTemplateVersion(id: string, opts?: CallOptions): Promise<CoderResult<TemplateVersion>>;
  getTemplateVersionPresets(id: string, opts?: CallOptions): Promise<CoderResult<Preset[]>>;
  getTemplateVersionRichParameters(id: string, opts?: CallOptions): Promise<CoderResult<TemplateVersionParameter[]>>;

  listWorkspaces(query?: ListWorkspacesQuery, opts?: CallOptions): Promise<CoderResult<WorkspacesList>>;
  /** The same request as `listWorkspaces`, the page indexed per workspace but not parsed (see WorkspaceListBody). */
  listWorkspacesIndexed(query?: ListWorkspacesQuery, opts?: CallOptions): Promise<CoderResult<WorkspaceListBody>>;
  getWorkspace(id: string, opts?: CallOptions): Promise<CoderResult<Workspace>>;
  createWorkspaceBuild(
    workspaceId: string,
    body: CreateWorkspaceBuildRequest,
    opts?: CallOptions,
  ): Promise<CoderResult<WorkspaceBuild>>;
  getWorkspaceBuild(id: string, opts?: CallOptions): Promise<CoderResult<WorkspaceBuild>>;
  /** The parameter values a build ran with. */
  getWorkspaceBuildParameters(id: string, opts?: CallOptions): Promise<CoderResult<WorkspaceBuildParameter[]>>;
  /** Creates a workspace for `user` in `organization` (201); the start build is queued. */
  createWorkspace(organization: string, user: string, body: CreateWorkspaceRequest, opts?: CallOptions): Promise<CoderResult<Workspace>>;

  // AgentAPI of an AI app, through Coder's path-based app proxy with the session token (403 when the deployment
  // disables path apps, 404 when the token cannot see the app, 502 when the workspace agent is not connected).
  getAgentApiStatus(target: AgentApiTarget, opts?: CallOptions): Promise<CoderResult<AgentApiStatus>>;
  getAgentApiMessages(target: AgentApiTarget, opts?: CallOptions): Promise<CoderResult<AgentApiMessages>>;
  postAgentApiMessage(target: AgentApiTarget, body: AgentApiMessageRequest, opts?: CallOptions): Promise<CoderResult<void>>;
}
