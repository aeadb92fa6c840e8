/**
 * Fleet metrics (US1, US5, FR-010): one pure pass over the agents plus sorting for the quantiles.
 *
 * Definitions (also in the README):
 * - online = busy + idle + complete + blocked (workspace running, agent ready and healthy).
 * - utilization = busy / online (null when nothing is online).
 * - activeTasks = starting + busy + idle + blocked (work in flight or waiting; not done, paused or broken).
 * - capacity: used = non-paused agents; ratio = used / capacity; `capacity_warning` at ratio >= warning ratio
 *   (default 0.9). Only when a capacity is configured.
 * - health: unhealthy = error + offline; healthyPercent = (total - unhealthy) / total * 100.
 * - completion: complete vs error counts; completionRate = complete / (complete + error).
 * - durations (median / p90): time-to-first-work = createdAt -> first work signal (`firstWorkAt` when the
 *   caller supplied it; otherwise, for agents currently working, their state timestamp, an upper bound:
 *   flagged `approximate`); time-to-complete = createdAt -> completion report, for complete agents;
 *   time in current state = now -> state timestamp (creation time when nothing was reported).
 */
import type { Agent, AgentKind, AgentStatus, AttentionReason, NeedsAttention, PullRequestState, Severity } from '../models/agent.js';
import { type Instant, isoFromMs, parseTimestamp, toEpochMs } from '../mapping/timestamps.js';
import type { AttentionThresholds } from '../status/attention.js';
import { ATTENTION_SEVERITY, attentionReason, attentionSinceMs, deriveAttention, fillAttentionInput, type MutableAttentionInput } from '../status/attention.js';
import { detectOutliers, type OutlierOptions, type OutlierReport } from '../outliers/detect-outliers.js';
import { type DurationStats, durationStats, selectTop } from './stats.js';
import { SEVERITY_RANK } from '../query/agent-query.js';

export interface FleetStatusOptions {
  /** Configured fleet capacity (max non-paused agents). Without it there is no capacity warning. */
  readonly capacity?: number;
  /** Ratio of capacity at which `capacity.warning` turns on (default 0.9). */
  readonly capacityWarningRatio?: number;
  /** When given, attention is re-evaluated with these thresholds instead of the ones used at mapping time. */
  readonly thresholds?: AttentionThresholds;
  /** Minimum peers for outlier comparison (default 5). */
  readonly minPeers?: number;
  readonly outliers?: Omit<OutlierOptions, 'minPeers'>;
  /** Cap on the attention list length (default 100); `attentionTotal` keeps the full count. */
  readonly maxAttention?: number;
}

export const DEFAULT_CAPACITY_WARNING_RATIO = 0.9;

export type StatusCounts = Readonly<Record<AgentStatus, number>>;

export interface AttentionItem {
  readonly agentId: string;
  readonly agentName: string;
  readonly owner: string;
  readonly templateName: string;
  readonly status: AgentStatus;
  readonly reason: AttentionReason;
  readonly severity: Severity;
  readonly since?: string;
  readonly suggestion: string;
  readonly nextTools: NeedsAttention['nextTools'];
}

export interface CapacityStatus {
  readonly capacity: number | null;
  /** Non-paused agents. */
  readonly used: number;
  readonly ratio: number | null;
  readonly warningRatio: number;
  readonly warning: boolean;
  readonly message?: string;
}

export interface HealthSummary {
  readonly healthy: number;
  readonly unhealthy: number;
  readonly healthyPercent: number | null;
  readonly error: number;
  readonly offline: number;
}

export interface FleetDurations {
  readonly timeToFirstWork: DurationStats;
  readonly timeToComplete: DurationStats;
  readonly timeInCurrentState: DurationStats;
}

export interface TemplateBreakdown {
  readonly templateId: string;
  readonly templateName: string;
  readonly displayName: string;
  readonly total: number;
  readonly counts: StatusCounts;
  readonly online: number;
  readonly utilization: number | null;
  readonly healthyPercent: number | null;
  readonly needsAttention: number;
  readonly timeToComplete: DurationStats;
}

/** Cost over the agents whose cost is known (roots only: a chat's cost covers its subagents). */
export interface CostSummary {
  /** Agents that contributed a cost. */
  readonly count: number;
  readonly totalMicros: number;
  readonly medianMicros: number | null;
  readonly p90Micros: number | null;
  readonly maxMicros: number | null;
}

/** Pull requests of the fleet's agents by state, plus review flags of the open and draft ones. */
export interface PullRequestCounts {
  readonly total: number;
  readonly byState: Readonly<Record<PullRequestState, number>>;
  /** Open or draft PRs with changes requested. */
  readonly changesRequested: number;
  /** Open or draft PRs approved. */
  readonly approved: number;
}

export interface FleetStatus {
  /** UTC ISO of `now`. */
  readonly at: string;
  readonly total: number;
  readonly counts: StatusCounts;
  /** Agents per kind (subagents count as agents). */
  readonly byKind: Readonly<Record<AgentKind, number>>;
  readonly cost: CostSummary;
  readonly pullRequests: PullRequestCounts;
  readonly online: number;
  readonly activeTasks: number;
  readonly utilization: number | null;
  readonly capacity: CapacityStatus;
  readonly health: HealthSummary;
  /** Most severe first, then longest-standing. Capped at `maxAttention`. */
  readonly attention: readonly AttentionItem[];
  readonly attentionTotal: number;
  readonly attentionByReason: Readonly<Record<AttentionReason, number>>;
  readonly completion: {
    readonly completed: number;
    readonly failed: number;
    readonly blocked: number;
    readonly completionRate: number | null;
  };
  readonly durations: FleetDurations;
  readonly perTemplate: readonly TemplateBreakdown[];
  readonly outliers: OutlierReport;
}

export function emptyCounts(): Record<AgentStatus, number> {
  return { starting: 0, busy: 0, idle: 0, complete: 0, paused: 0, offline: 0, blocked: 0, error: 0, unknown: 0, stopping: 0 };
}


interface TemplateAcc {
  templateId: string;
  templateName: string;
  displayName: string;
  counts: Record<AgentStatus, number>;
  total: number;
  attention: number;
  complete: number[];
}

/** Plain code-unit order (ISO timestamps sort correctly; no locale-aware compare in hot sorts). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Agents that need attention, before their AttentionItem (suggestion text) is built: only the shown ones get
 * one. Kept as agent indexes plus per-agent rank and since (epoch ms, NaN when unknown): no object per hit.
 */
interface AttentionHits {
  readonly agents: number[];
  readonly rank: Uint8Array;
  readonly sinceMs: Float64Array;
}

/** Most severe first, then longest-standing (unknown `since` last), then by name. */
function byAttentionOrder(all: readonly Agent[], hits: AttentionHits): (x: number, y: number) => number {
  const { rank, sinceMs } = hits;
  return (x, y) =>
    (rank[x] as number) - (rank[y] as number) ||
    compareSince(sinceMs[x] as number, sinceMs[y] as number) ||
    compareText((all[x] as Agent).name, (all[y] as Agent).name);
}

function compareSince(a: number, b: number): number {
  if (a === b) return 0;
  if (a !== a) return b !== b ? 0 : 1; // NaN last
  if (b !== b) return -1;
  return a - b;
}

const online = (c: StatusCounts) => c.busy + c.idle + c.complete + c.blocked;
const ratioOrNull = (a: number, b: number) => (b > 0 ? a / b : null);
const healthyPercent = (c: StatusCounts, total: number) =>
  total > 0 ? ((total - c.error - c.offline) / total) * 100 : null;

/**
 * Agents that occupy a slot of `--capacity`: every agent but the paused ones (a paused agent's workspace is
 * stopped). The rule computeFleetStatus and diffFleet count by; create_agent_task and the queue dispatcher
 * use it to decide whether a new agent fits.
 */
export function agentsInUse(agents: readonly Pick<Agent, 'status'>[]): number {
  let used = 0;
  for (const a of agents) if (a.status !== 'paused') used++;
  return used;
}

/** Capacity use and warning; shared with diffFleet so both agree on the rule. */
export function computeCapacity(used: number, capacity: number | undefined, warningRatio: number): CapacityStatus {
  if (capacity === undefined || !(capacity > 0)) {
    return { capacity: null, used, ratio: null, warningRatio, warning: false };
  }
  const ratio = used / capacity;
  const warning = ratio >= warningRatio;
  return {
    capacity,
    used,
    ratio,
    warningRatio,
    warning,
    ...(warning
      ? {
          message: `capacity_warning: ${used} of ${capacity} agents in use (${Math.round(ratio * 100)}%, warning at ${Math.round(warningRatio * 100)}%)`,
        }
      : {}),
  };
}

export function computeFleetStatus(agents: readonly Agent[], now: Instant, options: FleetStatusOptions = {}): FleetStatus {
  const nowMs = toEpochMs(now);
  const counts = emptyCounts();
  const hits: AttentionHits = { agents: [], rank: new Uint8Array(agents.length), sinceMs: new Float64Array(agents.length) };
  const attentionByReason: Record<AttentionReason, number> = {
    error: 0,
    offline: 0,
    blocked: 0,
    unhealthy: 0,
    stuck: 0,
    idle_waiting: 0,
    requires_action: 0,
    transient_error: 0,
    pr_changes_requested: 0,
    pr_open_idle: 0,
  };
  const firstWork: number[] = [];
  let firstWorkApprox = false;
  const toComplete: number[] = [];
  const inState: number[] = [];
  const templates = new Map<string, TemplateAcc>();
  const byKind: Record<AgentKind, number> = { task: 0, chat: 0, workspace: 0 };
  const costs: number[] = [];
  let costTotal = 0;
  const prStates: Record<PullRequestState, number> = { open: 0, draft: 0, merged: 0, closed: 0, unknown: 0 };
  let prTotal = 0;
  let prChangesRequested = 0;
  let prApproved = 0;
  const thresholds = options.thresholds;
  // One input object refilled per agent (the rules only read it): no allocation per agent on this pass.
  const scratch: MutableAttentionInput = {
    status: 'unknown',
    statusReason: '',
    state: undefined,
    rawHealthy: undefined,
    healthReason: undefined,
    workspaceStatus: undefined,
    stateSinceMs: Number.NaN,
    updatedAtMs: Number.NaN,
    kind: undefined,
    lastError: undefined,
    pr: undefined,
    actionRequired: undefined,
  };

  for (let i = 0; i < agents.length; i++) {
    const a = agents[i] as Agent;
    const s = a.status;
    counts[s]++;
    const t = a.times;
    byKind[a.kind]++;
    if (a.kind !== 'task') {
      // Chat facts (absent on tasks: skipped without a lookup on the task-only hot path).
      const cost = a.costMicros;
      if (cost !== undefined && a.parentId === undefined && Number.isFinite(cost)) {
        costs.push(cost);
        costTotal += cost;
      }
      const pr = a.pr;
      if (pr !== undefined) {
        prTotal++;
        prStates[pr.state]++;
        if (pr.state === 'open' || pr.state === 'draft') {
          if (pr.changesRequested) prChangesRequested++;
          if (pr.approved === true) prApproved++;
        }
      }
    }

    // Per template: chats without a known template (id '') are left out of the breakdown.
    let acc = templates.get(a.template.id);
    if (!acc && (a.kind === 'task' || a.template.id !== '')) {
      acc = {
        templateId: a.template.id,
        templateName: a.template.name,
        displayName: a.template.displayName,
        counts: emptyCounts(),
        total: 0,
        attention: 0,
        complete: [],
      };
      templates.set(a.template.id, acc);
    }
    if (acc) {
      acc.total++;
      acc.counts[s]++;
    }

    // Only the rule is evaluated here; suggestion texts are built for the shown (top maxAttention) agents.
    let reason: AttentionReason | undefined;
    let sinceMs = Number.NaN;
    if (thresholds) {
      const input = fillAttentionInput(scratch, a);
      reason = attentionReason(input, nowMs, thresholds);
      if (reason !== undefined) sinceMs = attentionSinceMs(reason, input);
    } else if (a.needsAttention) {
      reason = a.needsAttention.reason;
      sinceMs = a.needsAttention.since ? parseTimestamp(a.needsAttention.since) : Number.NaN;
    }
    if (reason !== undefined) {
      attentionByReason[reason]++;
      if (acc) acc.attention++;
      hits.agents.push(i);
      hits.rank[i] = SEVERITY_RANK[ATTENTION_SEVERITY[reason]];
      hits.sinceMs[i] = sinceMs;
    }

    if (Number.isFinite(t.firstWorkAt)) firstWork.push(t.firstWorkAt - t.createdAt);
    else if (s === 'busy' && a.state?.kind === 'working') {
      firstWork.push(t.stateSince - t.createdAt);
      firstWorkApprox = true;
    }
    if (s === 'complete') {
      const d = t.stateSince - t.createdAt;
      toComplete.push(d);
      acc?.complete.push(d);
    }
    if (s !== 'paused') inState.push(nowMs - t.stateSince);
  }

  const total = agents.length;
  const onlineCount = online(counts);
  const maxAttention = options.maxAttention ?? 100;
  const attention: AttentionItem[] = [];
  for (const index of selectTop(hits.agents, maxAttention, byAttentionOrder(agents, hits))) {
    const a = agents[index] as Agent;
    const att = thresholds ? reevaluate(a, nowMs, thresholds) : a.needsAttention;
    if (!att) continue; // unreachable: the same rules matched above
    attention.push({
      agentId: a.id,
      agentName: a.name,
      owner: a.owner,
      templateName: a.template.name,
      status: a.status,
      reason: att.reason,
      severity: att.severity,
      since: att.since,
      suggestion: att.suggestion,
      nextTools: att.nextTools,
    });
  }

  const perTemplate: TemplateBreakdown[] = [];
  for (const acc of templates.values()) {
    const on = online(acc.counts);
    perTemplate.push({
      templateId: acc.templateId,
      templateName: acc.templateName,
      displayName: acc.displayName,
      total: acc.total,
      counts: acc.counts,
      online: on,
      utilization: ratioOrNull(acc.counts.busy, on),
      healthyPercent: healthyPercent(acc.counts, acc.total),
      needsAttention: acc.attention,
      timeToComplete: durationStats(acc.complete),
    });
  }
  perTemplate.sort((x, y) => y.total - x.total || compareText(x.templateName, y.templateName));

  const warningRatio = options.capacityWarningRatio ?? DEFAULT_CAPACITY_WARNING_RATIO;
  const costStats = durationStats(costs);
  return {
    at: isoFromMs(nowMs),
    total,
    counts,
    byKind,
    cost: { count: costStats.count, totalMicros: costTotal, medianMicros: costStats.medianMs, p90Micros: costStats.p90Ms, maxMicros: costStats.maxMs },
    pullRequests: { total: prTotal, byState: prStates, changesRequested: prChangesRequested, approved: prApproved },
    online: onlineCount,
    activeTasks: counts.starting + counts.busy + counts.idle + counts.blocked + counts.stopping,
    utilization: ratioOrNull(counts.busy, onlineCount),
    capacity: computeCapacity(total - counts.paused, options.capacity, warningRatio),
    health: {
      healthy: total - counts.error - counts.offline,
      unhealthy: counts.error + counts.offline,
      healthyPercent: healthyPercent(counts, total),
      error: counts.error,
      offline: counts.offline,
    },
    attention,
    attentionTotal: hits.agents.length,
    attentionByReason,
    completion: {
      completed: counts.complete,
      failed: counts.error,
      blocked: counts.blocked,
      completionRate: ratioOrNull(counts.complete, counts.complete + counts.error),
    },
    durations: {
      timeToFirstWork: durationStats(firstWork, firstWorkApprox),
      timeToComplete: durationStats(toComplete),
      timeInCurrentState: durationStats(inState),
    },
    perTemplate,
    outliers: detectOutliers(agents, nowMs, { ...options.outliers, ...(options.minPeers !== undefined ? { minPeers: options.minPeers } : {}) }),
  };
}


/** Re-run the attention rules with other thresholds (same rules as mapping). */
export function reevaluate(a: Agent, nowMs: number, thresholds: AttentionThresholds): NeedsAttention | undefined {
  return deriveAttention(fillAttentionInput({} as MutableAttentionInput, a), nowMs, thresholds);
}
