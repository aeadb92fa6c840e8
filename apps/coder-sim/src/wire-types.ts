/**
 * The ONE place where the simulator names Coder's wire types. Everything comes from the generated
 * OpenAPI types of @org/coder-api-client (type-only). When the client's friendly aliases land in
 * `@org/coder-api-client/types`, switch these lines to them; nothing else has to change.
 */
import type { components } from '@org/coder-api-client/types';

type Schemas = components['schemas'];

export type Task = Schemas['codersdk.Task'];
export type ExperimentalTask = Schemas['codersdk.ExperimentalTask'];
export type TasksListResponse = Schemas['codersdk.TasksListResponse'];
export type ExperimentalTasksListResponse = Schemas['codersdk.ExperimentalTasksListResponse'];
export type TaskStatus = Schemas['codersdk.TaskStatus'];
export type TaskState = Schemas['codersdk.TaskState'];
export type TaskStateEntry = Schemas['codersdk.TaskStateEntry'];
export type TaskLogEntry = Schemas['codersdk.TaskLogEntry'];
export type TaskLogsResponse = Schemas['codersdk.TaskLogsResponse'];
export type PauseTaskResponse = Schemas['codersdk.PauseTaskResponse'];
export type ResumeTaskResponse = Schemas['codersdk.ResumeTaskResponse'];
export type CreateTaskRequest = Schemas['codersdk.CreateTaskRequest'];
export type CreateWorkspaceBuildRequest = Schemas['codersdk.CreateWorkspaceBuildRequest'];
export type Workspace = Schemas['codersdk.Workspace'];
export type WorkspacesResponse = Schemas['codersdk.WorkspacesResponse'];
export type WorkspaceBuild = Schemas['codersdk.WorkspaceBuild'];
export type WorkspaceAgent = Schemas['codersdk.WorkspaceAgent'];
export type WorkspaceApp = Schemas['codersdk.WorkspaceApp'];
export type WorkspaceAppStatus = Schemas['codersdk.WorkspaceAppStatus'];
export type WorkspaceResource = Schemas['codersdk.WorkspaceResource'];
export type WorkspaceStatus = Schemas['codersdk.WorkspaceStatus'];
export type WorkspaceTransition = Schemas['codersdk.WorkspaceTransition'];
export type WorkspaceAgentLifecycle = Schemas['codersdk.WorkspaceAgentLifecycle'];
export type WorkspaceAgentStatus = Schemas['codersdk.WorkspaceAgentStatus'];
export type WorkspaceAgentHealth = Schemas['codersdk.WorkspaceAgentHealth'];
export type WorkspaceAppHealth = Schemas['codersdk.WorkspaceAppHealth'];
export type WorkspaceAppStatusState = Schemas['codersdk.WorkspaceAppStatusState'];
export type ProvisionerJob = Schemas['codersdk.ProvisionerJob'];
export type ProvisionerJobStatus = Schemas['codersdk.ProvisionerJobStatus'];
export type BuildReason = Schemas['codersdk.BuildReason'];
export type Template = Schemas['codersdk.Template'];
export type TemplateVersion = Schemas['codersdk.TemplateVersion'];
export type TemplateVersionParameter = Schemas['codersdk.TemplateVersionParameter'];
export type Preset = Schemas['codersdk.Preset'];
export type User = Schemas['codersdk.User'];
export type Organization = Schemas['codersdk.Organization'];
export type BuildInfo = Schemas['codersdk.BuildInfoResponse'];
export type CoderErrorBody = Schemas['codersdk.Response'];
export type ValidationError = Schemas['codersdk.ValidationError'];

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
