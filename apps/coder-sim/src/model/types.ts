import type {
  BuildReason,
  ProvisionerJobStatus,
  TaskLogEntry,
  TemplateVersionParameter,
  WorkspaceAgentLifecycle,
  WorkspaceAgentStatus,
  WorkspaceAppHealth,
  WorkspaceAppStatusState,
  WorkspaceTransition,
} from '../wire-types.js';
import type { Rng } from '../util/prng.js';

export type UserRole = 'admin' | 'member';

export interface SimUser {
  id: string;
  username: string;
  name: string;
  email: string;
  role: UserRole;
  token: string;
  avatarUrl: string;
  createdAt: number;
  organizationIds: string[];
}

export interface SimOrganization {
  id: string;
  name: string;
  displayName: string;
  description: string;
  isDefault: boolean;
  createdAt: number;
}

export interface SimPreset {
  id: string;
  name: string;
  isDefault: boolean;
  description: string;
  icon: string;
  parameters: { name: string; value: string }[];
}

export interface SimTemplateVersion {
  id: string;
  templateId: string;
  organizationId: string;
  name: string;
  message: string;
  createdAt: number;
  hasAiTask: boolean;
  presets: SimPreset[];
  parameters: TemplateVersionParameter[];
  jobId: string;
}

export interface SimTemplate {
  id: string;
  organizationId: string;
  name: string;
  displayName: string;
  description: string;
  icon: string;
  activeVersionId: string;
  versionIds: string[];
  createdAt: number;
  updatedAt: number;
  createdById: string;
  deprecated: boolean;
}

export interface SimBuild {
  id: string;
  workspaceId: string;
  number: number;
  transition: WorkspaceTransition;
  reason: BuildReason;
  jobId: string;
  jobStatus: Exclude<ProvisionerJobStatus, 'unknown'>;
  jobError: string;
  templateVersionId: string;
  presetId: string | null;
  initiatorId: string;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  completedAt: number | null;
  resourceId: string;
  /** The parameter values this build ran with (GET /workspacebuilds/{id}/parameters). */
  parameters: { name: string; value: string }[];
}

export interface SimAgent {
  id: string;
  status: WorkspaceAgentStatus;
  lifecycle: WorkspaceAgentLifecycle;
  healthy: boolean;
  healthReason: string | null;
  createdAt: number;
  updatedAt: number;
  firstConnectedAt: number | null;
  lastConnectedAt: number | null;
  disconnectedAt: number | null;
  startedAt: number | null;
  readyAt: number | null;
}

export interface SimAppStatus {
  id: string;
  state: WorkspaceAppStatusState;
  message: string;
  uri: string;
  createdAt: number;
}

export interface SimWorkspace {
  id: string;
  name: string;
  ownerId: string;
  organizationId: string;
  templateId: string;
  templateVersionId: string;
  presetId: string | null;
  createdAt: number;
  updatedAt: number;
  lastUsedAt: number;
  builds: SimBuild[];
  agent: SimAgent | null;
  appId: string | null;
  appHealth: WorkspaceAppHealth;
  /** Newest last; capped. */
  appStatuses: SimAppStatus[];
  taskId: string | null;
  /** Workspaces mode: the agent behind it is served as a plain workspace (no task id, not in the Tasks API). */
  workspaceAgent?: boolean;
  deleted: boolean;
  parameters: { name: string; value: string }[];
  /** Bumped on every change; drives the JSON cache. */
  rev: number;
  cache: { rev: number; ga?: string; exp?: string };
}

/** How an agent behaves over time: chosen by the scenario, drives the lifecycle engine. */
export type Persona =
  | 'normal'
  /** keeps `working` for hours without a state change */
  | 'stuck'
  /** ends up idle/failure awaiting input and nobody answers */
  | 'awaiting'
  /** reports `failure`, gets an answer, fails again... */
  | 'flaky'
  /** every start build fails; retried every few minutes */
  | 'buildfail'
  /** loses its agent connection now and then */
  | 'unstable';

export type Phase =
  | 'queued'
  | 'provisioning'
  | 'agent_connecting'
  | 'agent_starting'
  | 'app_initializing'
  | 'working'
  | 'idle'
  | 'complete'
  | 'failure'
  | 'stopping'
  | 'stopped'
  | 'build_failed'
  | 'deleting'
  | 'deleted';

/** A log entry; content is either stored (inputs) or rendered on demand from a generator seed. */
export interface SimLogEntry {
  id: number;
  type: TaskLogEntry['type'];
  at: number;
  content?: string;
  gen?: { kind: 'welcome' | 'turn' | 'big' | 'question' | 'done'; seed: number };
}

export interface SimTask {
  id: string;
  name: string;
  displayName: string;
  ownerId: string;
  organizationId: string;
  templateVersionId: string;
  presetId: string | null;
  prompt: string;
  createdAt: number;
  workspaceId: string;
  deleted: boolean;
  logs: SimLogEntry[];
  nextLogId: number;
  snapshot: { at: number; logs: SimLogEntry[] } | null;
  persona: Persona;
  phase: Phase;
  /** What the agent does once it is active again (after resume/start). */
  turnsLeft: number;
  /** Next lifecycle event (ms); Infinity = waiting for someone. */
  nextAt: number;
  /** Next health flip for unstable agents (ms). */
  healthAt: number;
  rng: Rng;
  rev: number;
  /** Cached JSON per era, valid while `cachedRev === rev + workspace.rev`. */
  cache: { rev: number; ga?: string; exp?: string };
}

export interface Transition {
  seq: number;
  at: string;
  atMs: number;
  taskId: string;
  taskName: string;
  owner: string;
  field: 'status' | 'state' | 'workspace_status' | 'health' | 'created' | 'deleted';
  from: string | null;
  to: string | null;
  /** On `created`: the task's observable facts at that moment (the baseline for later changes). */
  initial?: { status: string; state: string | null; workspaceStatus: string; health: string | null };
}
