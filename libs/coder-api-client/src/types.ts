/**
 * Friendly aliases over the generated Coder wire types (type-only entry point:
 * `import type { Task } from '@org/coder-api-client/types'`).
 *
 * Wire fields stay snake_case (and PascalCase for presets, as Coder sends them). Nothing in this
 * module exists at runtime; runtime helpers (guards, parsers) live in `index.ts`.
 */
import type { components, operations, paths } from './generated/schema.js';
import type { TaskListBody } from './task-list-body.js';

type Schemas = components['schemas'];

export type { components, operations, paths };

// ---- Tasks ----------------------------------------------------------------------------------

/** GA task (`/api/v2/tasks…`, Coder >= 2.29): `status` is a {@link TaskStatus}, `workspace_status` is present. */
export type Task = Schemas['codersdk.Task'];
/** Experimental-era task (`/api/experimental/tasks…`, Coder 2.27–2.28): `status` is a {@link WorkspaceStatus}. */
export type ExperimentalTask = Schemas['codersdk.ExperimentalTask'];
/** Either shape; tell them apart with `isGaTask` (presence of `workspace_status`). */
export type AnyTask = Task | ExperimentalTask;
/** GA task lifecycle status: pending, initializing, active, paused, unknown, error. */
export type TaskStatus = Schemas['codersdk.TaskStatus'];
/** `current_state.state`: working, idle, complete, failed, and on the wire also `failure` (and legacy `completed`). */
export type TaskState = Schemas['codersdk.TaskState'];
/** `current_state`: `{ timestamp, state, message, uri }`; `null` on a task that has not reported yet. */
export type TaskStateEntry = Schemas['codersdk.TaskStateEntry'];
export type TaskLogType = Schemas['codersdk.TaskLogType'];
/** One log entry; `content` can be a whole captured terminal screen (80 KB seen). */
export type TaskLogEntry = Schemas['codersdk.TaskLogEntry'];
export type TaskLogsResponse = Schemas['codersdk.TaskLogsResponse'];
export type TasksListResponse = Schemas['codersdk.TasksListResponse'];
export type ExperimentalTasksListResponse = Schemas['codersdk.ExperimentalTasksListResponse'];
/** What `listTasks` returns for either era. */
export interface AnyTasksListResponse {
  tasks: AnyTask[];
  count: number;
}
export type CreateTaskRequest = Schemas['codersdk.CreateTaskRequest'];
export type TaskSendRequest = Schemas['codersdk.TaskSendRequest'];
export type UpdateTaskInputRequest = Schemas['codersdk.UpdateTaskInputRequest'];
/** Wire body of pause; newer servers send `workspace_build`, an older SDK `workspace_build_id`. */
export type PauseTaskResponse = Schemas['codersdk.PauseTaskResponse'];
export type ResumeTaskResponse = Schemas['codersdk.ResumeTaskResponse'];
/** What `pauseTask` / `resumeTask` return (both wire variants folded into one). */
export interface TaskLifecycleResult {
  workspaceBuild?: WorkspaceBuild;
  workspaceBuildId?: string;
}

/** Filter for `listTasks`; fields become Coder search terms (`owner:alice status:active …`). */
export type ListTasksFilter =
  | { owner?: string; organization?: string; status?: string; search?: string }
  | { q: string };

// ---- Workspaces and builds ------------------------------------------------------------------

/**
 * A workspace. SECURITY: `latest_build.resources[].agents[].environment_variables` carries secrets
 * on a live system; never forward, log or record raw workspace JSON.
 */
export type Workspace = Schemas['codersdk.Workspace'];
export type WorkspacesResponse = Schemas['codersdk.WorkspacesResponse'];
export type WorkspaceBuild = Schemas['codersdk.WorkspaceBuild'];
export type WorkspaceStatus = Schemas['codersdk.WorkspaceStatus'];
export type WorkspaceTransition = Schemas['codersdk.WorkspaceTransition'];
export type WorkspaceAgent = Schemas['codersdk.WorkspaceAgent'];
export type WorkspaceAgentStatus = Schemas['codersdk.WorkspaceAgentStatus'];
export type WorkspaceAgentLifecycle = Schemas['codersdk.WorkspaceAgentLifecycle'];
export type WorkspaceAgentHealth = Schemas['codersdk.WorkspaceAgentHealth'];
export type WorkspaceApp = Schemas['codersdk.WorkspaceApp'];
export type WorkspaceAppHealth = Schemas['codersdk.WorkspaceAppHealth'];
export type WorkspaceAppStatus = Schemas['codersdk.WorkspaceAppStatus'];
export type WorkspaceAppStatusState = Schemas['codersdk.WorkspaceAppStatusState'];
export type WorkspaceHealth = Schemas['codersdk.WorkspaceHealth'];
export type WorkspaceResource = Schemas['codersdk.WorkspaceResource'];
export type WorkspaceBuildParameter = Schemas['codersdk.WorkspaceBuildParameter'];
export type CreateWorkspaceBuildRequest = Schemas['codersdk.CreateWorkspaceBuildRequest'];
export type BuildReason = Schemas['codersdk.BuildReason'];
export type ProvisionerJob = Schemas['codersdk.ProvisionerJob'];
export type ProvisionerJobStatus = Schemas['codersdk.ProvisionerJobStatus'];
/** What `listWorkspaces` returns (`count` is the total matching, `workspaces` one page). */
export interface WorkspacesList {
  workspaces: Workspace[];
  count: number;
}
/** Query for `listWorkspaces` (`q` uses Coder's workspace search syntax). */
export interface ListWorkspacesQuery {
  q?: string;
  limit?: number;
  offset?: number;
}

// ---- Templates --------------------------------------------------------------------------------

export type Template = Schemas['codersdk.Template'];
export type TemplateVersion = Schemas['codersdk.TemplateVersion'];
/** A template-version preset. PascalCase keys on the wire: `ID, Name, Parameters, Default, …`. */
export type Preset = Schemas['codersdk.Preset'];
/** `{ Name, Value }` (PascalCase on the wire). */
export type PresetParameter = Schemas['codersdk.PresetParameter'];
export type TemplateVersionParameter = Schemas['codersdk.TemplateVersionParameter'];
export type TemplateVersionParameterOption = Schemas['codersdk.TemplateVersionParameterOption'];

// ---- Users, organizations, deployment ---------------------------------------------------------

export type User = Schemas['codersdk.User'];
export type UserStatus = Schemas['codersdk.UserStatus'];
export type SlimRole = Schemas['codersdk.SlimRole'];
export type MinimalUser = Schemas['codersdk.MinimalUser'];
export type Organization = Schemas['codersdk.Organization'];
/** `GET /api/v2/buildinfo` body; `version` looks like `v2.27.1+230b55b`. */
export type BuildInfo = Schemas['codersdk.BuildInfoResponse'];
/** Coder's error body (`codersdk.Response`). */
export type CoderErrorBody = Schemas['codersdk.Response'];
export type ValidationError = Schemas['codersdk.ValidationError'];

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
