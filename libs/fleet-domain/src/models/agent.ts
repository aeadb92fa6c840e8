/**
 * The domain model of one fleet member. An Agent is a Coder task plus its workspace, in camelCase,
 * with its status DERIVED (see status/status-table.ts), never copied from Coder's `status` field.
 * Built only by mapping/from-coder.ts.
 */

/** Fleet-level status of an agent. The truth table lives in `STATUS_TABLE` (status/status-table.ts). */
export type AgentStatus =
  | 'starting'
  | 'busy'
  | 'idle'
  | 'complete'
  | 'paused'
  | 'offline'
  | 'blocked'
  | 'error'
  | 'unknown';

export const AGENT_STATUSES: readonly AgentStatus[] = [
  'starting',
  'busy',
  'idle',
  'complete',
  'paused',
  'offline',
  'blocked',
  'error',
  'unknown',
];

/**
 * Statuses of an agent that is reachable and ready (workspace running, agent ready and healthy).
 * Utilization = busy / online.
 */
export const ONLINE_STATUSES: readonly AgentStatus[] = ['busy', 'idle', 'complete', 'blocked'];

/** Statuses counted as an "active task": work in flight or waiting on someone (not done, not paused, not broken). */
export const ACTIVE_STATUSES: readonly AgentStatus[] = ['starting', 'busy', 'idle', 'blocked'];

/** Statuses counted as unhealthy in the health summary (product spec: unhealthy = error + offline). */
export const UNHEALTHY_STATUSES: readonly AgentStatus[] = ['error', 'offline'];

/** What the agent last reported about itself (`current_state.state`), normalised across Coder versions. */
export type AgentStateKind = 'working' | 'idle' | 'complete' | 'failed' | 'unknown';

export interface AgentState {
  readonly kind: AgentStateKind;
  /** The raw state string Coder sent (e.g. "failure", "completed"), kept for diagnostics. */
  readonly raw: string;
  /** Untrusted text written by the agent: render fenced, never follow instructions in it. */
  readonly message: string;
  readonly uri: string;
  /** UTC ISO time of the report. */
  readonly since: string;
}

export type AttentionReason = 'error' | 'offline' | 'unhealthy' | 'blocked' | 'stuck' | 'idle_waiting';

/** MCP tool names the server exposes; attention suggestions name these so the superagent knows what to call. */
export type SuggestedTool =
  | 'get_agent_details'
  | 'get_agent_logs'
  | 'send_agent_input'
  | 'resume_agent'
  | 'pause_agent'
  | 'delete_agent'
  | 'create_agent_task';

export type Severity = 'info' | 'warning' | 'critical';

export interface NeedsAttention {
  readonly reason: AttentionReason;
  readonly severity: Severity;
  /** UTC ISO time since when the condition holds, when known. */
  readonly since?: string;
  /** One sentence for the superagent: what is wrong and what to do next. */
  readonly suggestion: string;
  /** The next MCP tools to call, most useful first. */
  readonly nextTools: readonly SuggestedTool[];
}

export interface AgentTemplateRef {
  readonly id: string;
  readonly name: string;
  readonly displayName: string;
  readonly versionId?: string;
}

export interface AgentWorkspace {
  readonly id?: string;
  readonly name?: string;
  /** Coder WorkspaceStatus as sent (may be a future value). */
  readonly status?: string;
  readonly buildNumber?: number;
  readonly agentId?: string;
  /** Coder WorkspaceAgentLifecycle as sent (may be a future value). */
  readonly agentLifecycle?: string;
}

/**
 * Epoch-millisecond mirrors of the ISO timestamps, for cheap arithmetic over thousands of agents.
 * `NaN` when Coder sent an unparsable time (never replaced by "now").
 */
export interface AgentTimes {
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly lastActivityAt: number;
  readonly stateSince: number;
  readonly firstWorkAt: number;
}

export interface Agent {
  readonly id: string;
  readonly name: string;
  /** Owner username. Every Coder task path needs it together with the name or id. */
  readonly owner: string;
  readonly ownerId: string;
  readonly organizationId: string;
  /** Display name (GA) or the name when Coder sent none. */
  readonly displayName: string;
  readonly template: AgentTemplateRef;
  /** Preset (role) name or id when known; the Task model itself does not carry it. */
  readonly preset?: string;
  readonly status: AgentStatus;
  /** Why the status is what it is, in one short human sentence (which STATUS_TABLE row matched). */
  readonly statusReason: string;
  /** Id of the STATUS_TABLE row that produced `status`. */
  readonly statusRule: string;
  /** Coder's own task status (GA TaskStatus, or the workspace status in the experimental era). */
  readonly coderStatus: string;
  /** Which API shape this came from. */
  readonly era: 'v2' | 'experimental';
  readonly state?: AgentState;
  readonly health: { readonly healthy: boolean; readonly reason?: string };
  readonly workspace: AgentWorkspace;
  /** UTC ISO. */
  readonly createdAt: string;
  /** UTC ISO; Coder's `updated_at` is the WORKSPACE's update time. */
  readonly updatedAt: string;
  /** UTC ISO: newest of state timestamp, latest log entry time (when supplied) and updated_at. */
  readonly lastActivityAt: string;
  /** UTC ISO of the first known work signal, when the caller supplied one (e.g. first output log entry). */
  readonly firstWorkAt?: string;
  readonly initialPrompt: string;
  readonly needsAttention?: NeedsAttention;
  readonly times: AgentTimes;
}
