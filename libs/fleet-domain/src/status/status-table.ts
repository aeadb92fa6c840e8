/**
 * Status truth (FR-002): how a Coder task becomes one AgentStatus.
 *
 * Coder's own `status` field is not enough: in the experimental era (2.27/2.28) it is the WORKSPACE
 * status ("running" for every live agent), and even the GA TaskStatus says nothing about busy vs idle.
 * We derive the status from, in this order: Coder's task status (GA) -> workspace status -> agent
 * lifecycle -> agent health -> the agent's self-reported `current_state`.
 *
 * `STATUS_TABLE` is the documented table AS DATA: the rules in evaluation order (first match wins).
 * `deriveStatus` implements exactly these rows and returns the row it matched; `status-table.spec.ts`
 * runs every row's `example` through `toAgent` and checks both the status and the row id; the README
 * section "Status truth" is rendered from it (`renderStatusTableMarkdown`).
 */
import type { AgentStateKind, AgentStatus } from '../models/agent.js';

/** One observation in the normalised form the rules read. `undefined` = Coder did not send it. */
export interface StatusInput {
  readonly era: 'v2' | 'experimental';
  /** GA TaskStatus (or the early experimental `task_status`); undefined for a pure experimental task. */
  readonly taskStatus: string | undefined;
  readonly workspaceStatus: string | undefined;
  readonly lifecycle: string | undefined;
  readonly healthy: boolean | undefined;
  readonly state: AgentStateKind | undefined;
}

/** A minimal task description for one row, used by tests and shown in the README. */
export interface StatusExample {
  readonly era: 'v2' | 'experimental';
  /** Raw Coder `status` (TaskStatus for v2, WorkspaceStatus for experimental). */
  readonly status: string;
  readonly workspaceStatus?: string;
  readonly lifecycle?: string | null;
  readonly healthy?: boolean;
  /** Raw `current_state.state`; null = `current_state: null`. */
  readonly state?: string | null;
}

export interface StatusRule {
  readonly id: string;
  readonly status: AgentStatus;
  /** Human condition, as in the README table. */
  readonly when: string;
  /** Human reason put on the agent (`statusReason`). */
  readonly reason: string;
  readonly example: StatusExample;
}

const rule = (
  id: string,
  status: AgentStatus,
  when: string,
  reason: string,
  example: StatusExample,
): StatusRule => ({ id, status, when, reason, example });

export const STATUS_TABLE: readonly StatusRule[] = [
  rule('task-error', 'error', 'task status `error`', 'Coder reports the task as error (build failed or apps unhealthy)', {
    era: 'v2',
    status: 'error',
    workspaceStatus: 'running',
    lifecycle: 'ready',
  }),
  rule('workspace-failed', 'error', 'workspace status `failed`', 'the workspace build failed', {
    era: 'experimental',
    status: 'failed',
  }),
  rule('agent-start-error', 'error', 'agent lifecycle `start_error`', 'the workspace agent failed to start', {
    era: 'v2',
    status: 'initializing',
    workspaceStatus: 'running',
    lifecycle: 'start_error',
  }),
  rule('task-paused', 'paused', 'task status `paused`', 'the task is paused (workspace stopped)', {
    era: 'v2',
    status: 'paused',
    workspaceStatus: 'stopped',
    lifecycle: 'off',
  }),
  rule(
    'experimental-stopped',
    'paused',
    'experimental era: workspace `stopping` / `stopped`',
    'the task workspace is stopped, which pauses the task',
    { era: 'experimental', status: 'stopped', lifecycle: 'off' },
  ),
  rule('task-starting', 'starting', 'task status `pending` / `initializing`', 'the task is starting (workspace build or agent start in progress)', {
    era: 'v2',
    status: 'initializing',
    workspaceStatus: 'starting',
    lifecycle: 'starting',
    state: 'working',
  }),
  rule('workspace-starting', 'starting', 'workspace status `pending` / `starting`', 'the workspace is starting', {
    era: 'experimental',
    status: 'starting',
  }),
  rule(
    'workspace-not-running',
    'offline',
    'workspace `stopping` / `stopped` / `canceling` / `canceled` / `deleting` / `deleted` while the task is not paused',
    'the workspace is not running',
    { era: 'v2', status: 'active', workspaceStatus: 'stopped', lifecycle: 'off' },
  ),
  rule(
    'task-unknown',
    'unknown',
    'task status `unknown`, or a task/workspace status this version does not know',
    'Coder reports an unknown or unrecognised status',
    { era: 'v2', status: 'unknown' },
  ),
  rule(
    'agent-starting',
    'starting',
    'agent lifecycle `created` / `starting` (or no agent yet in the experimental era)',
    'the workspace agent is still starting',
    { era: 'experimental', status: 'running', lifecycle: 'starting', healthy: true },
  ),
  rule(
    'agent-not-ready',
    'offline',
    'agent lifecycle `start_timeout` / `shutting_down` / `shutdown_timeout` / `shutdown_error` / `off` while the workspace runs',
    'the workspace agent is not ready although the workspace is running',
    { era: 'v2', status: 'active', workspaceStatus: 'running', lifecycle: 'start_timeout', state: 'idle' },
  ),
  rule('agent-lifecycle-unknown', 'unknown', 'agent lifecycle this version does not know', 'the agent lifecycle is unrecognised', {
    era: 'v2',
    status: 'active',
    workspaceStatus: 'running',
    lifecycle: 'hibernating',
    state: 'idle',
  }),
  rule('agent-unhealthy', 'offline', 'agent health `healthy: false` (e.g. lost connection, timeout)', 'the workspace agent is unhealthy', {
    era: 'experimental',
    status: 'running',
    lifecycle: 'ready',
    healthy: false,
    state: 'working',
  }),
  rule('state-working', 'busy', 'running, agent ready; state `working`', 'the agent is working', {
    era: 'v2',
    status: 'active',
    workspaceStatus: 'running',
    lifecycle: 'ready',
    healthy: true,
    state: 'working',
  }),
  rule('state-idle', 'idle', 'running, agent ready; state `idle` (waiting for input)', 'the agent is idle, waiting for input', {
    era: 'experimental',
    status: 'running',
    lifecycle: 'ready',
    healthy: true,
    state: 'idle',
  }),
  rule('state-complete', 'complete', 'running, agent ready; state `complete` (or `completed` before 2.27)', 'the agent reported its task complete', {
    era: 'experimental',
    status: 'running',
    lifecycle: 'ready',
    healthy: true,
    state: 'completed',
  }),
  rule(
    'state-failed',
    'blocked',
    'running, agent ready; state `failure` / `failed` (the agent is stuck or needs input; its message says which)',
    'the agent reported it is blocked (needs input or is stuck)',
    { era: 'v2', status: 'active', workspaceStatus: 'running', lifecycle: 'ready', healthy: true, state: 'failure' },
  ),
  rule('state-unknown', 'unknown', 'running, agent ready; a state this version does not know', 'the agent reported an unrecognised state', {
    era: 'v2',
    status: 'active',
    workspaceStatus: 'running',
    lifecycle: 'ready',
    state: 'thinking',
  }),
  rule(
    'no-state',
    'busy',
    'running, agent ready; no state reported yet (`current_state: null`)',
    'running; no state reported yet, assumed to be working on its initial prompt',
    { era: 'v2', status: 'active', workspaceStatus: 'running', lifecycle: 'ready', healthy: true, state: null },
  ),
];

const RULES_BY_ID: ReadonlyMap<string, StatusRule> = new Map(STATUS_TABLE.map((r) => [r.id, r]));

function ruleById(id: string): StatusRule {
  // Every id used in deriveStatus exists in STATUS_TABLE (status-table.spec.ts checks coverage of all rows).
  return RULES_BY_ID.get(id) as StatusRule;
}

const TASK_STATUSES = new Set(['pending', 'initializing', 'active', 'paused', 'unknown', 'error']);
const WORKSPACE_STATUSES = new Set([
  'pending',
  'starting',
  'running',
  'stopping',
  'stopped',
  'failed',
  'canceling',
  'canceled',
  'deleting',
  'deleted',
]);
const LIFECYCLES = new Set([
  'created',
  'starting',
  'start_timeout',
  'start_error',
  'ready',
  'shutting_down',
  'shutdown_timeout',
  'shutdown_error',
  'off',
]);

/** Evaluate STATUS_TABLE for one observation. Total: unknown inputs end in an `unknown` row, never a throw. */
export function deriveStatus(input: StatusInput): StatusRule {
  return ruleById(deriveRuleId(input));
}

function deriveRuleId(input: StatusInput): string {
  const { taskStatus, workspaceStatus, lifecycle } = input;
  if (taskStatus === 'error') return 'task-error';
  if (workspaceStatus === 'failed') return 'workspace-failed';
  if (lifecycle === 'start_error') return 'agent-start-error';
  if (taskStatus === 'paused') return 'task-paused';
  if (taskStatus === undefined && (workspaceStatus === 'stopping' || workspaceStatus === 'stopped')) {
    return 'experimental-stopped';
  }
  if (taskStatus === 'pending' || taskStatus === 'initializing') return 'task-starting';
  if (workspaceStatus === 'pending' || workspaceStatus === 'starting') return 'workspace-starting';
  if (workspaceStatus !== undefined && workspaceStatus !== 'running' && WORKSPACE_STATUSES.has(workspaceStatus)) {
    return 'workspace-not-running';
  }
  if (
    taskStatus === 'unknown' ||
    (taskStatus !== undefined && !TASK_STATUSES.has(taskStatus)) ||
    (workspaceStatus !== undefined && !WORKSPACE_STATUSES.has(workspaceStatus))
  ) {
    return 'task-unknown';
  }
  // From here the task is active (GA) or its workspace is running (experimental).
  if (lifecycle === 'created' || lifecycle === 'starting') return 'agent-starting';
  if (lifecycle === undefined && taskStatus === undefined) return 'agent-starting';
  if (lifecycle !== undefined && lifecycle !== 'ready') {
    return LIFECYCLES.has(lifecycle) ? 'agent-not-ready' : 'agent-lifecycle-unknown';
  }
  if (input.healthy === false) return 'agent-unhealthy';
  return stateRuleId(input.state);
}

/** The row of a running, ready, healthy agent: from its self-reported state (shared by tasks and workspace agents). */
export function stateRuleId(state: AgentStateKind | undefined): string {
  switch (state) {
    case 'working':
      return 'state-working';
    case 'idle':
      return 'state-idle';
    case 'complete':
      return 'state-complete';
    case 'failed':
      return 'state-failed';
    case 'unknown':
      return 'state-unknown';
    case undefined:
      return 'no-state';
  }
}

/** Markdown rendering of STATUS_TABLE (the README section is generated from this). */
export function renderStatusTableMarkdown(): string {
  return renderRuleTable(STATUS_TABLE);
}

/** A numbered markdown table of status rules (tasks or chats). */
export function renderRuleTable(rows: readonly Pick<StatusRule, 'id' | 'status' | 'when'>[]): string {
  const lines = ['| # | rule | status | when |', '|---|---|---|---|'];
  rows.forEach((r, i) => lines.push(`| ${i + 1} | \`${r.id}\` | **${r.status}** | ${r.when} |`));
  return lines.join('\n');
}
