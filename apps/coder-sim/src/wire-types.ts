/**
 * The ONE place where the simulator names Coder's wire types: the client's type-only aliases over
 * the generated OpenAPI types, plus the few wire shapes where real Coder differs from the spec.
 */
import type { WorkspaceBuild, Workspace, BuildReason } from '@org/coder-api-client/types';

export type {
  BuildInfo,
  Chat,
  ChatCost,
  ChatDiffContents,
  ChatDiffStatus,
  ChatError,
  ChatMessage,
  ChatMessagePart,
  ChatMessagesResponse,
  ChatQueuedMessage,
  ChatStreamEvent,
  ChatWatchEvent,
  CreateChatMessageResponse,
  OrganizationChatModelsResponse,
  BuildReason,
  CoderErrorBody,
  CreateTaskRequest,
  CreateWorkspaceBuildRequest,
  ExperimentalTask,
  ExperimentalTasksListResponse,
  Organization,
  PauseTaskResponse,
  Preset,
  ProvisionerJob,
  ProvisionerJobStatus,
  ResumeTaskResponse,
  Task,
  TaskLogEntry,
  TaskLogsResponse,
  TaskState,
  TaskStateEntry,
  TaskStatus,
  TasksListResponse,
  Template,
  TemplateVersion,
  TemplateVersionParameter,
  User,
  ValidationError,
  Workspace,
  WorkspaceAgent,
  WorkspaceAgentHealth,
  WorkspaceAgentLifecycle,
  WorkspaceAgentStatus,
  WorkspaceApp,
  WorkspaceAppHealth,
  WorkspaceAppStatus,
  WorkspaceAppStatusState,
  WorkspaceBuild,
  WorkspaceResource,
  WorkspacesResponse,
  WorkspaceStatus,
  WorkspaceTransition,
} from '@org/coder-api-client/types';

/**
 * Real Coder sends `null` for unset times (`deadline`, `deleting_at`, `most_recently_seen`...) and for a
 * missing `latest_app_status`, and build reasons such as `task_manual_pause`, where the published spec
 * says "string" or narrows the enum. These are the wire shapes the simulator emits.
 */
export type Nullable<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: T[P] | null };
export type WireWorkspaceBuild = Omit<
  Nullable<WorkspaceBuild, 'deadline' | 'max_deadline'>,
  'reason' | 'matched_provisioners'
> & {
  reason: BuildReason;
  matched_provisioners: { count: number; available: number; most_recently_seen: string | null };
};
export type WireWorkspace = Omit<
  Nullable<Workspace, 'deleting_at' | 'dormant_at' | 'next_start_at' | 'latest_app_status'>,
  'latest_build'
> & { latest_build: WireWorkspaceBuild };
