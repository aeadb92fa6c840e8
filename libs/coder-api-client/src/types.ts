/**
 * Friendly aliases over the generated Coder wire types and the client surface (type-only entry point:
 * `import type { Task } from '@org/coder-api-client/types'`).
 *
 * Wire fields stay snake_case (and PascalCase for presets, as Coder sends them). Nothing in this
 * module exists at runtime; runtime helpers (guards, parsers) live in `index.ts`. The wire aliases live
 * in `wire.ts` (a leaf module) and are re-exported here.
 */
import type { components, operations, paths } from './generated/schema.js';
import type { TaskListBody } from './task-list-body.js';
import type {
  AnyTask,
  AnyTasksListResponse,
  BuildInfo,
  CreateTaskRequest,
  CreateWorkspaceBuildRequest,
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
  WorkspacesList,
} from './wire.js';

export type { components, operations, paths };
export type * from './wire.js';

// ---- Client surface ---------------------------------------------------------------------------

/** Which tasks route tree the server offers. */
export type TasksApi = 'v2' | 'experimental' | 'none';

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
  | 'tasks_unsupported';

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
  /** Server version, for `tasks_unsupported`. */
  version?: string;
}

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

  listTemplates(opts?: CallOptions): Promise<CoderResult<Template[]>>;
  getTemplate(id: string, opts?: CallOptions): Promise<CoderResult<Template>>;
  getTemplateVersion(id: string, opts?: CallOptions): Promise<CoderResult<TemplateVersion>>;
  getTemplateVersionPresets(id: string, opts?: CallOptions): Promise<CoderResult<Preset[]>>;
  getTemplateVersionRichParameters(id: string, opts?: CallOptions): Promise<CoderResult<TemplateVersionParameter[]>>;

  listWorkspaces(query?: ListWorkspacesQuery, opts?: CallOptions): Promise<CoderResult<WorkspacesList>>;
  getWorkspace(id: string, opts?: CallOptions): Promise<CoderResult<Workspace>>;
  createWorkspaceBuild(
    workspaceId: string,
    body: CreateWorkspaceBuildRequest,
    opts?: CallOptions,
  ): Promise<CoderResult<WorkspaceBuild>>;
  getWorkspaceBuild(id: string, opts?: CallOptions): Promise<CoderResult<WorkspaceBuild>>;
}
