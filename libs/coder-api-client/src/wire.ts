/**
 * Friendly aliases over the generated Coder wire types, plus the small wire-shaped helper types built on
 * them. Imports nothing but the generated schema, so every module can use these names without forming an
 * import cycle (`types.ts` re-exports all of it with the client surface).
 *
 * Wire fields stay snake_case (and PascalCase for presets, as Coder sends them).
 */
import type { components } from './generated/schema.js';

type Schemas = components['schemas'];

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

// ---- Chats (Coder Agents) ----------------------------------------------------------------------
// `/api/v2/chats…` from Coder 2.37, `/api/experimental/chats…` in 2.32–2.36 (same shapes). Enums are open:
// `ChatStatus` is `KnownChatStatus | string`, so map unknown values (e.g. to "unknown") instead of assuming
// the list is closed; `isKnownChatStatus` (index.ts) narrows. Absent keys are common (Go omitempty).

/** A chat (root; subagents are nested in `children`, always `[]` on a child). */
export type Chat = Schemas['codersdk.Chat'];
/** waiting (idle), running, error, requires_action, interrupting, paused — or any newer value. */
export type ChatStatus = Schemas['codersdk.ChatStatus'];
export type KnownChatStatus = Schemas['known.ChatStatus'];
/** `last_error`: `{message, retryable, detail?, kind?, provider?, status_code?}`. */
export type ChatError = Schemas['codersdk.ChatError'];
export type ChatErrorKind = Schemas['codersdk.ChatErrorKind'];
export type KnownChatErrorKind = Schemas['known.ChatErrorKind'];
/** `diff_status`: PR tracking (url, pull_request_state, changes_requested, additions, …). */
export type ChatDiffStatus = Schemas['codersdk.ChatDiffStatus'];
/** `GET /chats/{chat}/diff`. */
export type ChatDiffContents = Schemas['codersdk.ChatDiffContents'];
/** `GET /chats/{chat}/cost`: AI Gateway cost of the whole chat tree, in micro-dollars. */
export type ChatCost = Schemas['codersdk.ChatCost'];
export type ChatContext = Schemas['codersdk.ChatContext'];
export type ChatMode = Schemas['codersdk.ChatMode'];
export type ChatClientType = Schemas['codersdk.ChatClientType'];
export type ChatPlanMode = Schemas['codersdk.ChatPlanMode'];
export type ChatFileMetadata = Schemas['codersdk.ChatFileMetadata'];
/** A message; `id` is an int64 (safe as a JS number below 2^53). */
export type ChatMessage = Schemas['codersdk.ChatMessage'];
/** One content part, discriminated by `type` (text, reasoning, tool-call, tool-result, …). */
export type ChatMessagePart = Schemas['codersdk.ChatMessagePart'];
export type ChatMessagePartType = Schemas['codersdk.ChatMessagePartType'];
export type KnownChatMessagePartType = Schemas['known.ChatMessagePartType'];
export type ChatMessageRole = Schemas['codersdk.ChatMessageRole'];
export type ChatMessageUsage = Schemas['codersdk.ChatMessageUsage'];
export type ChatQueuedMessage = Schemas['codersdk.ChatQueuedMessage'];
/** `GET /chats/{chat}/messages`: newest first by default; `queued_messages` only on the first page. */
export type ChatMessagesResponse = Schemas['codersdk.ChatMessagesResponse'];
/** What clients send as content: `{type: 'text', text}` and friends. */
export type ChatInputPart = Schemas['codersdk.ChatInputPart'];
export type ChatInputPartType = Schemas['codersdk.ChatInputPartType'];
export type CreateChatRequest = Schemas['codersdk.CreateChatRequest'];
export type UpdateChatRequest = Schemas['codersdk.UpdateChatRequest'];
export type CreateChatMessageRequest = Schemas['codersdk.CreateChatMessageRequest'];
/** `queued: true` with `queued_message`, or `queued: false` with `message`/`messages`. */
export type CreateChatMessageResponse = Schemas['codersdk.CreateChatMessageResponse'];
export type ChatBusyBehavior = Schemas['codersdk.ChatBusyBehavior'];
/** One frame of `GET /chats/watch`: `{kind, chat, tool_calls?}` (the owner's own chats only). */
export type ChatWatchEvent = Schemas['codersdk.ChatWatchEvent'];
export type ChatWatchEventKind = Schemas['codersdk.ChatWatchEventKind'];
export type KnownChatWatchEventKind = Schemas['known.ChatWatchEventKind'];
/** One event of `GET /chats/{chat}/stream` (frames are arrays of these). */
export type ChatStreamEvent = Schemas['codersdk.ChatStreamEvent'];
export type ChatStreamEventType = Schemas['codersdk.ChatStreamEventType'];
export type KnownChatStreamEventType = Schemas['known.ChatStreamEventType'];
export type ChatStreamMessagePart = Schemas['codersdk.ChatStreamMessagePart'];
export type ChatStreamStatus = Schemas['codersdk.ChatStreamStatus'];
export type ChatStreamRetry = Schemas['codersdk.ChatStreamRetry'];
export type ChatStreamToolCall = Schemas['codersdk.ChatStreamToolCall'];
export type ChatStreamActionRequired = Schemas['codersdk.ChatStreamActionRequired'];
/** Org-scoped model config (`GET /api/v2/organizations/{org}/chats/models`, 2.37+). */
export type ChatModel = Schemas['codersdk.ChatModel'];
export type OrganizationChatModelsResponse = Schemas['codersdk.OrganizationChatModelsResponse'];

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
/** `{name, template_id | template_version_id, template_version_preset_id?, rich_parameter_values?}` (201 Workspace). */
export type CreateWorkspaceRequest = Schemas['codersdk.CreateWorkspaceRequest'];

// ---- AgentAPI (an AI app behind Coder's path-based app proxy; not part of Coder's OpenAPI) -----------------

/** Which app to reach: `/@{owner}/{workspace}.{agent}/apps/{slug}/`. */
export interface AgentApiTarget {
  owner: string;
  workspace: string;
  /** The workspace agent's name (e.g. `main`). */
  agent: string;
  /** The app's slug (e.g. `ccw`). */
  slug: string;
}
/** `GET …/status`: `running` while the agent works on a turn, `stable` when it waits for input. */
export interface AgentApiStatus {
  status: 'running' | 'stable' | (string & {});
  agent_type?: string;
}
export interface AgentApiMessage {
  id: number;
  role: 'user' | 'agent' | (string & {});
  content: string;
  time: string;
}
export interface AgentApiMessages {
  messages: AgentApiMessage[];
}
/** `POST …/message`: `user` starts a turn (409 while running), `raw` is typed into the terminal (ESC interrupts). */
export interface AgentApiMessageRequest {
  content: string;
  type: 'user' | 'raw';
}
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
