/**
 * The ONE place where Coder wire shapes (snake_case) become domain values (camelCase).
 *
 * Copes with both API eras (see coder-api.md 3.3): a GA task carries `workspace_status` and a TaskStatus in
 * `status`; an experimental task's `status` is the workspace status. Mapping is total: unknown enum values
 * become `unknown`, a null `current_state` is fine, timestamps are normalised to UTC ISO.
 *
 * Performance: the server maps 10,000 tasks per call and must stay close to the raw fetch + JSON.parse
 * cost, so this avoids per-agent Date objects where it can (epoch ms via Date.parse; ISO strings are
 * re-rendered only when not already canonical UTC) and builds reason strings only for non-default rows.
 */
import type { AnyTask } from './coder-types.js';
import { STALE_STATE_STATUSES, type Agent, type AgentState, type AgentStateKind, type AgentTemplateRef, type NeedsAttention } from '../models/agent.js';
import { deriveStatus, type StatusInput } from '../status/status-table.js';
import { attentionReason, deriveAttention, fillAttentionInput, type AttentionInput, type AttentionThresholds } from '../status/attention.js';
import { formatUtcIso, type Instant, parseTimestamp, toEpochMs, utcIso } from './timestamps.js';
import { quoteUntrusted } from '../text/quote.js';
import { truncateText } from '../text/truncate.js';

export interface ToAgentOptions extends AttentionThresholds {
  /** Time of the newest task log entry, when the caller fetched logs (feeds `lastActivityAt`). */
  readonly lastLogAt?: string | number;
  /** First known work signal (e.g. first `output` log entry or first `working` app status). */
  readonly firstWorkAt?: string | number;
  /** Preset (role) name, when the caller knows it (the Task model does not carry it). */
  readonly preset?: string;
}

export type PerTask<T> = ReadonlyMap<string, T> | Readonly<Record<string, T>>;

export interface ToAgentsOptions extends AttentionThresholds {
  /** Newest log entry time per task id. */
  readonly lastLogAt?: PerTask<string | number>;
  /** First work signal per task id. */
  readonly firstWorkAt?: PerTask<string | number>;
  /** Preset name per task id. */
  readonly preset?: PerTask<string>;
}

/** Normalise Coder's `current_state.state` (`failure` and `failed` are one thing; `completed` is pre-2.27). */
export function toStateKind(raw: string): AgentStateKind {
  switch (raw) {
    case 'working':
      return 'working';
    case 'idle':
      return 'idle';
    case 'complete':
    case 'completed':
      return 'complete';
    case 'failure':
    case 'failed':
      return 'failed';
    default:
      return 'unknown';
  }
}

/** Which API shape a task has: `workspace_status` present, or a TaskStatus-only value in `status`, means GA. */
export function detectEra(task: AnyTask): 'v2' | 'experimental' {
  if (task.workspace_status !== undefined && task.workspace_status !== null) return 'v2';
  const s = task.status as string;
  return s === 'active' || s === 'initializing' || s === 'paused' || s === 'error' ? 'v2' : 'experimental';
}

const NO_TIME: { ms: number; iso?: string } = Object.freeze({ ms: Number.NaN });

export function timeFrom(value: string | number | undefined): { ms: number; iso?: string } {
  if (value === undefined) return NO_TIME;
  if (typeof value === 'number') return { ms: value };
  const ms = parseTimestamp(value);
  return { ms, iso: utcIso(value, ms) };
}

/** `value` as epoch ms + ISO when it is newer than `currentMs` (or `currentMs` is unknown), else undefined. */
export function newerTime(currentMs: number, value: string | number | undefined): { ms: number; iso: string } | undefined {
  if (value === undefined) return undefined;
  const t = timeFrom(value);
  return t.ms > currentMs || (Number.isNaN(currentMs) && !Number.isNaN(t.ms)) ? { ms: t.ms, iso: t.iso ?? formatUtcIso(t.ms) } : undefined;
}

/** The ISO string of an optional time (undefined when unknown). */
export function optionalIso(t: { ms: number; iso?: string }): string | undefined {
  return t.iso ?? (t.ms === t.ms ? formatUtcIso(t.ms) : undefined);
}

const REASON_MESSAGE_MAX = 200;

/** Map one Coder task (either era) to an Agent. `now` feeds the attention rules only. */
export function toAgent(task: AnyTask, now: Instant, options: ToAgentOptions = {}): Agent {
  return mapTask(task, toEpochMs(now), options, options.lastLogAt, options.firstWorkAt, options.preset, undefined, newScratch());
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The rule inputs of one agent, refilled for every task of a list: the status and attention rules only read
 * them (nothing keeps a reference), and two short-lived objects per agent were a fifth of the mapping's
 * allocations at 10,000 agents (each young-generation GC then copies the fleet being mapped).
 */
export interface Scratch {
  readonly status: Mutable<StatusInput>;
  readonly attention: Mutable<AttentionInput>;
}

export function newScratch(): Scratch {
  return {
    status: { era: 'v2', taskStatus: undefined, workspaceStatus: undefined, lifecycle: undefined, healthy: undefined, state: undefined },
    attention: {
      status: 'unknown',
      statusReason: '',
      state: undefined,
      rawHealthy: undefined,
      healthReason: undefined,
      workspaceStatus: undefined,
      stateSinceMs: Number.NaN,
      updatedAtMs: Number.NaN,
      stateSinceIso: undefined,
      updatedAtIso: undefined,
      kind: undefined,
      lastError: undefined,
      pr: undefined,
      actionRequired: undefined,
    },
  };
}

/** Map a list of tasks; per-task extras (log times, presets) are looked up by task id. */
export function toAgents(tasks: readonly AnyTask[], now: Instant, options: ToAgentsOptions = {}): Agent[] {
  const nowMs = toEpochMs(now);
  const { lastLogAt, firstWorkAt, preset } = options;
  const out = new Array<Agent>(tasks.length);
  // Agents of one template version share one (immutable) template ref: fewer objects for 10,000 agents.
  const templates = new Map<string, AgentTemplateRef>();
  const scratch = newScratch();
  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[i] as AnyTask;
    out[i] = mapTask(task, nowMs, options, lookup(lastLogAt, task.id), lookup(firstWorkAt, task.id), lookup(preset, task.id), templates, scratch);
  }
  return out;
}

/**
 * A mapper for callers that map a list task by task (e.g. only the tasks that changed since their last
 * read): agents it maps share template refs and rule scratch exactly as `toAgents` does.
 */
export function createTaskMapper(now: Instant, thresholds: AttentionThresholds = {}): (task: AnyTask) => Agent {
  const nowMs = toEpochMs(now);
  const templates = new Map<string, AgentTemplateRef>();
  const scratch = newScratch();
  return (task) => mapTask(task, nowMs, thresholds, undefined, undefined, undefined, templates, scratch);
}

/**
 * The agent as `toAgent` would map the same task at `now`: only the attention rules read the time, and of
 * them only `stuck` and `idle_waiting` (a busy or idle agent's time in its state) can change while Coder's
 * facts stay the same. Returns `agent` itself when nothing changed, so a caller that kept the agents of an
 * earlier read can reuse every unchanged task's agent at the cost of this check.
 */
export function reassessAgent(agent: Agent, now: Instant, thresholds: AttentionThresholds = {}): Agent {
  // Every other rule (and `unhealthy`, which outranks the timed ones) is independent of the time.
  if ((agent.status !== 'busy' && agent.status !== 'idle') || !agent.health.healthy) return agent;
  const input = fillAttentionInput(REASSESS_SCRATCH, agent);
  const nowMs = toEpochMs(now);
  const previous = agent.needsAttention;
  if (attentionReason(input, nowMs, thresholds) === undefined && previous === undefined) return agent;
  const next = deriveAttention(input, nowMs, thresholds);
  if (sameAttention(previous, next)) return agent;
  return { ...agent, needsAttention: next };
}

const REASSESS_SCRATCH: Mutable<AttentionInput> = newScratch().attention;

export function sameAttention(a: NeedsAttention | undefined, b: NeedsAttention | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return a.reason === b.reason && a.severity === b.severity && a.since === b.since && a.suggestion === b.suggestion && sameList(a.nextTools, b.nextTools);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function lookup<T>(source: PerTask<T> | undefined, id: string): T | undefined {
  if (source === undefined) return undefined;
  if (source instanceof Map) return source.get(id);
  return Object.prototype.hasOwnProperty.call(source, id) ? (source as Record<string, T>)[id] : undefined;
}

function mapTask(
  task: AnyTask,
  nowMs: number,
  thresholds: AttentionThresholds,
  lastLogAt: string | number | undefined,
  firstWorkAtRaw: string | number | undefined,
  preset: string | undefined,
  templates: Map<string, AgentTemplateRef> | undefined,
  scratch: Scratch,
): Agent {
  const era = detectEra(task);
  const experimentalTaskStatus = 'task_status' in task ? task.task_status : undefined;
  const taskStatus: string | undefined = era === 'v2' ? task.status : (experimentalTaskStatus ?? undefined);
  const workspaceStatus: string | undefined = era === 'v2' ? (task.workspace_status ?? undefined) : task.status;
  const lifecycle: string | undefined = task.workspace_agent_lifecycle ?? undefined;
  const rawHealth = task.workspace_agent_health ?? undefined;
  const rawHealthy = rawHealth?.healthy;

  const createdMs = parseTimestamp(task.created_at);
  const createdAt = utcIso(task.created_at, createdMs);
  // Coder's updated_at is often the state's timestamp (or created_at): parse and render each distinct string once.
  const sameAsCreated = task.updated_at === task.created_at;
  const updatedMs = sameAsCreated ? createdMs : parseTimestamp(task.updated_at);
  const updatedAt = sameAsCreated ? createdAt : utcIso(task.updated_at, updatedMs);

  let state: AgentState | undefined;
  let stateMs = Number.NaN;
  let stateSince = '';
  const cs = task.current_state;
  if (cs) {
    const sameAsUpdated = cs.timestamp === task.updated_at;
    stateMs = sameAsUpdated ? updatedMs : parseTimestamp(cs.timestamp);
    stateSince = sameAsUpdated ? updatedAt : utcIso(cs.timestamp, stateMs);
    const raw = String(cs.state);
    state = {
      kind: toStateKind(raw),
      raw,
      message: cs.message ?? '',
      uri: cs.uri ?? '',
      since: stateSince,
    };
  }

  const input = scratch.status;
  input.era = era;
  input.taskStatus = taskStatus;
  input.workspaceStatus = workspaceStatus;
  input.lifecycle = lifecycle;
  input.healthy = rawHealthy;
  input.state = state?.kind;
  const row = deriveStatus(input);
  const status = row.status;
  const statusReason = describe(row.id, row.reason, input, rawHealth?.reason, state);
  // A stopped or restarting agent reports nothing: its last report must not read as what it does now.
  if (state && STALE_STATE_STATUSES.includes(status)) state = { ...state, stale: true };

  // lastActivityAt: newest of state timestamp, log time, updated_at; reuse the winner's ISO string.
  let lastMs = updatedMs;
  let lastIso = updatedAt;
  if (stateMs > lastMs || (Number.isNaN(lastMs) && !Number.isNaN(stateMs))) {
    lastMs = stateMs;
    lastIso = (state as AgentState).since;
  }
  const log = newerTime(lastMs, lastLogAt);
  if (log) {
    lastMs = log.ms;
    lastIso = log.iso;
  }
  const firstWork = timeFrom(firstWorkAtRaw);
  const stateSinceMs = Number.isNaN(stateMs) ? createdMs : stateMs;

  const unhealthy = status === 'error' || status === 'offline';
  const healthReason = rawHealth?.reason || undefined;
  const health =
    unhealthy || rawHealthy === false
      ? { healthy: false, reason: healthReason ?? statusReason }
      : healthReason
        ? { healthy: true, reason: healthReason }
        : HEALTHY;

  const att = scratch.attention;
  att.status = status;
  att.statusReason = statusReason;
  att.state = state;
  att.rawHealthy = rawHealthy;
  att.healthReason = healthReason;
  att.workspaceStatus = workspaceStatus;
  att.stateSinceMs = stateSinceMs;
  att.updatedAtMs = updatedMs;
  att.stateSinceIso = Number.isNaN(stateMs) ? createdAt : stateSince;
  att.updatedAtIso = updatedAt;
  const needsAttention = deriveAttention(att, nowMs, thresholds);

  // Fixed-shape literals (absent values are `undefined`, dropped by JSON): conditional spreads cost
  // ~1 µs per agent, a measurable share of the 10,000-task budget.
  return {
    kind: 'task',
    id: task.id,
    name: task.name,
    owner: task.owner_name,
    ownerId: task.owner_id,
    organizationId: task.organization_id,
    displayName: task.display_name || task.name,
    template: templateRef(task, templates),
    preset: preset || undefined,
    status,
    statusReason,
    statusRule: row.id,
    coderStatus: String(task.status),
    era,
    state,
    health,
    workspace: {
      id: task.workspace_id || undefined,
      name: task.workspace_name || undefined,
      status: workspaceStatus,
      buildNumber: task.workspace_build_number,
      agentId: task.workspace_agent_id || undefined,
      agentLifecycle: lifecycle,
    },
    createdAt,
    updatedAt,
    lastActivityAt: lastIso,
    firstWorkAt: optionalIso(firstWork),
    initialPrompt: task.initial_prompt ?? '',
    needsAttention,
    times: {
      createdAt: createdMs,
      updatedAt: updatedMs,
      lastActivityAt: lastMs,
      stateSince: stateSinceMs,
      firstWorkAt: firstWork.ms,
    },
  };
}

const HEALTHY = Object.freeze({ healthy: true });

function templateRef(task: AnyTask, cache: Map<string, AgentTemplateRef> | undefined): AgentTemplateRef {
  const displayName = task.template_display_name || task.template_name;
  const versionId = task.template_version_id || undefined;
  const hit = cache?.get(task.template_id);
  if (hit && hit.versionId === versionId && hit.name === task.template_name && hit.displayName === displayName) return hit;
  const ref: AgentTemplateRef = Object.freeze({ id: task.template_id, name: task.template_name, displayName, versionId });
  cache?.set(task.template_id, ref);
  return ref;
}
/** Human reason for the status; strings are only built for rows where detail helps. */
function describe(
  ruleId: string,
  base: string,
  input: StatusInput,
  healthReason: string | undefined,
  state: AgentState | undefined,
): string {
  switch (ruleId) {
    case 'agent-unhealthy':
      return healthReason ? `${base}: ${quoteUntrusted(truncateText(healthReason, REASON_MESSAGE_MAX))}` : base;
    case 'state-failed':
      return state?.message ? `${base}: ${quoteUntrusted(truncateText(state.message, REASON_MESSAGE_MAX))}` : base;
    case 'task-unknown':
      return `${base} (status ${quoteUntrusted(input.taskStatus ?? input.workspaceStatus ?? '')}${
        input.workspaceStatus !== undefined && input.taskStatus !== undefined ? `, workspace ${quoteUntrusted(input.workspaceStatus)}` : ''
      })`;
    case 'agent-not-ready':
    case 'agent-lifecycle-unknown':
    case 'agent-starting':
      return input.lifecycle ? `${base} (lifecycle ${quoteUntrusted(input.lifecycle)})` : base;
    case 'state-unknown':
      return `${base} (${quoteUntrusted(truncateText(state?.raw ?? '', REASON_MESSAGE_MAX))})`;
    case 'workspace-not-running':
    case 'workspace-failed':
      return `${base} (workspace ${quoteUntrusted(input.workspaceStatus ?? '')})`;
    default:
      return base;
  }
}
