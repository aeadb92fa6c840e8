/**
 * Status truth for workspace agents (issue #17): a plain Coder workspace running an AI app (AgentAPI, e.g. the
 * Claude Code module's `ccw`) becomes one AgentStatus from its latest build, its agent's connection, lifecycle
 * and health, the AI app's health and the app's latest status report (`latest_app_status`).
 *
 * Rows whose meaning is the same as for a Coder task are SHARED: they keep the task row's id, status, condition
 * and reason (STATUS_TABLE), so a `state-working` agent means the same thing whatever its kind. Rows only a
 * workspace has (stopped = paused by a stop build, agent disconnected, AI app unhealthy) are its own.
 *
 * `WORKSPACE_STATUS_TABLE` is the table AS DATA (first match wins); `deriveWorkspaceStatus` implements exactly
 * these rows; `workspace-status-table.spec.ts` runs every row's example through `toWorkspaceAgent`; the README
 * table is rendered from it (`renderWorkspaceStatusTableMarkdown`).
 */
import type { AgentStateKind, AgentStatus } from '../models/agent.js';
import { renderRuleTable, stateRuleId, STATUS_TABLE } from './status-table.js';

/** The facts the workspace rules read (`undefined` = Coder did not send it). */
export interface WorkspaceStatusInput {
  /** Latest build's WorkspaceStatus. */
  readonly workspaceStatus: string | undefined;
  /** The AI agent's connection (`connecting | connected | disconnected | timeout`). */
  readonly connection: string | undefined;
  readonly lifecycle: string | undefined;
  readonly healthy: boolean | undefined;
  /** The AI app's health (`disabled | initializing | healthy | unhealthy`). */
  readonly appHealth: string | undefined;
  readonly state: AgentStateKind | undefined;
}

/** A minimal workspace for one row, used by tests and builders. */
export interface WorkspaceStatusExample {
  readonly workspaceStatus: string;
  readonly connection?: string;
  readonly lifecycle?: string;
  readonly healthy?: boolean;
  readonly appHealth?: string;
  /** Raw `latest_app_status.state`; absent = no report yet. */
  readonly state?: string;
}

export interface WorkspaceStatusRule {
  readonly id: string;
  readonly status: AgentStatus;
  readonly when: string;
  readonly reason: string;
  /** The row is a task row (same id, status and meaning). */
  readonly shared: boolean;
  readonly example: WorkspaceStatusExample;
}

const own = (id: string, status: AgentStatus, when: string, reason: string, example: WorkspaceStatusExample): WorkspaceStatusRule => ({ id, status, when, reason, shared: false, example });

/** A task row reused as is (its id must exist in STATUS_TABLE: the spec checks it). */
const shared = (id: string, example: WorkspaceStatusExample): WorkspaceStatusRule => {
  const t = STATUS_TABLE.find((r) => r.id === id) as (typeof STATUS_TABLE)[number];
  return { id, status: t.status, when: `as for tasks: ${t.when}`, reason: t.reason, shared: true, example };
};

const UP = { workspaceStatus: 'running', connection: 'connected', lifecycle: 'ready', healthy: true, appHealth: 'healthy' } as const;

export const WORKSPACE_STATUS_TABLE: readonly WorkspaceStatusRule[] = [
  shared('workspace-failed', { workspaceStatus: 'failed' }),
  shared('agent-start-error', { workspaceStatus: 'running', connection: 'connected', lifecycle: 'start_error' }),
  own('workspace-stopped', 'paused', 'workspace `stopping` / `stopped` (a stop build: pause_agent)', 'the workspace is stopped, which pauses its agent', { workspaceStatus: 'stopped' }),
  shared('workspace-starting', { workspaceStatus: 'starting' }),
  own(
    'workspace-gone',
    'offline',
    'workspace `canceling` / `canceled` / `deleting` / `deleted`',
    'the workspace build was canceled or the workspace is being deleted',
    { workspaceStatus: 'deleting' },
  ),
  own('workspace-status-unknown', 'unknown', 'a workspace status this version does not know', 'Coder reports an unrecognised workspace status', { workspaceStatus: 'hibernating' }),
  shared('agent-starting', { workspaceStatus: 'running', connection: 'connecting', lifecycle: 'starting' }),
  own(
    'agent-disconnected',
    'offline',
    'running, agent connection `disconnected` / `timeout`',
    'the workspace agent lost its connection to Coder',
    { workspaceStatus: 'running', connection: 'disconnected', lifecycle: 'ready', healthy: false },
  ),
  shared('agent-not-ready', { workspaceStatus: 'running', connection: 'connected', lifecycle: 'shutting_down' }),
  shared('agent-lifecycle-unknown', { workspaceStatus: 'running', connection: 'connected', lifecycle: 'hibernating' }),
  shared('agent-unhealthy', { workspaceStatus: 'running', connection: 'connected', lifecycle: 'ready', healthy: false, state: 'working' }),
  own(
    'app-unhealthy',
    'offline',
    'running, agent ready; the AI app health `unhealthy` (AgentAPI does not answer its health check)',
    'the AI app does not answer its health check',
    { ...UP, appHealth: 'unhealthy', state: 'working' },
  ),
  shared('state-working', { ...UP, state: 'working' }),
  shared('state-idle', { ...UP, state: 'idle' }),
  shared('state-complete', { ...UP, state: 'complete' }),
  shared('state-failed', { ...UP, state: 'failure' }),
  shared('state-unknown', { ...UP, state: 'thinking' }),
  shared('no-state', { ...UP }),
];

const BY_ID: ReadonlyMap<string, WorkspaceStatusRule> = new Map(WORKSPACE_STATUS_TABLE.map((r) => [r.id, r]));

const KNOWN_LIFECYCLES = new Set(['created', 'starting', 'start_timeout', 'start_error', 'ready', 'shutting_down', 'shutdown_timeout', 'shutdown_error', 'off']);

/** Evaluate WORKSPACE_STATUS_TABLE for one workspace. Total: unknown values end in an `unknown` row. */
export function deriveWorkspaceStatus(input: WorkspaceStatusInput): WorkspaceStatusRule {
  return BY_ID.get(workspaceRuleId(input)) as WorkspaceStatusRule;
}

function workspaceRuleId(input: WorkspaceStatusInput): string {
  const { workspaceStatus: ws, lifecycle } = input;
  if (ws === 'failed') return 'workspace-failed';
  if (lifecycle === 'start_error') return 'agent-start-error';
  switch (ws) {
    case 'stopping':
    case 'stopped':
      return 'workspace-stopped';
    case 'pending':
    case 'starting':
      return 'workspace-starting';
    case 'canceling':
    case 'canceled':
    case 'deleting':
    case 'deleted':
      return 'workspace-gone';
    case 'running':
      break;
    default:
      return 'workspace-status-unknown';
  }
  if (lifecycle === undefined || lifecycle === 'created' || lifecycle === 'starting' || input.connection === 'connecting') return 'agent-starting';
  if (input.connection === 'disconnected' || input.connection === 'timeout') return 'agent-disconnected';
  if (lifecycle !== 'ready') return KNOWN_LIFECYCLES.has(lifecycle) ? 'agent-not-ready' : 'agent-lifecycle-unknown';
  if (input.healthy === false) return 'agent-unhealthy';
  if (input.appHealth === 'unhealthy') return 'app-unhealthy';
  return stateRuleId(input.state);
}

/** Markdown rendering of WORKSPACE_STATUS_TABLE (the README section is generated from this). */
export function renderWorkspaceStatusTableMarkdown(): string {
  return renderRuleTable(WORKSPACE_STATUS_TABLE);
}
