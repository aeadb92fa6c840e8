/**
 * The metrics the sampler stores for trends (US5): one pass of computeFleetStatus per scope. Scopes are the
 * whole fleet plus the largest templates and owners (bounded, so a fleet with many owners writes a fixed
 * number of rows per sample). A value that is not known is null (no agent online → no utilisation, nothing
 * complete → no median, no chat reported a cost → no cost), never 0: a null stays a gap in the trend.
 */
import { AGENT_STATUSES, type Agent, type AgentStatus } from '../models/agent.js';
import type { Instant } from '../mapping/timestamps.js';
import { computeFleetStatus, type FleetStatus, type FleetStatusOptions } from '../metrics/fleet-status.js';

/** A status name counts the agents in that status (`complete` = completed tasks, `error` = failed ones). */
export type TrendMetric = 'total' | AgentStatus | 'active' | 'utilization' | 'attention' | 'median_time_to_complete_ms' | 'cost_micros';

/** Every stored metric with what it means (the README and the tool's input description use these). */
export const TREND_METRIC_MEANINGS: Readonly<Record<TrendMetric, string>> = {
  total: 'agents in the fleet',
  ...(Object.fromEntries(AGENT_STATUSES.map((s) => [s, `agents with status ${s}`])) as Record<AgentStatus, string>),
  active: 'agents with work in flight or waiting (starting, busy, idle, blocked, stopping)',
  utilization: 'busy / online agents, 0..1 (null when none is online)',
  attention: 'agents needing attention',
  median_time_to_complete_ms: 'median creation-to-completion time of complete agents (null when none)',
  cost_micros: 'total cost reported by chats, in micro-units (null when no cost is known)',
};
export const TREND_METRICS = Object.keys(TREND_METRIC_MEANINGS) as readonly TrendMetric[];

/** Metrics stored for template and owner scopes (a subset: the fleet scope carries the full set). */
export const SCOPED_TREND_METRICS: readonly TrendMetric[] = [
  'total',
  'active',
  'busy',
  'utilization',
  'complete',
  'error',
  'attention',
  'median_time_to_complete_ms',
];

/** Largest templates and owners sampled besides the whole fleet (each). */
export const DEFAULT_MAX_SAMPLED_SCOPES = 5;

export const FLEET_SCOPE = 'fleet';
export const templateScope = (name: string): string => `template:${name}`;
export const ownerScope = (name: string): string => `owner:${name}`;

export interface ScopedMetrics {
  /** "fleet", "template:<name>" or "owner:<name>". */
  readonly scope: string;
  readonly metrics: Readonly<Partial<Record<TrendMetric, number | null>>>;
}

export interface FleetSampleOptions {
  readonly status?: FleetStatusOptions;
  /** How many of the largest templates and of the largest owners get their own scope (default 5 each). */
  readonly maxScopes?: number;
}

/** The metrics of one fleet status. */
export function trendMetricsOf(status: FleetStatus): Record<TrendMetric, number | null> {
  return {
    total: status.total,
    ...status.counts,
    active: status.activeTasks,
    utilization: status.utilization,
    attention: status.attentionTotal,
    median_time_to_complete_ms: status.durations.timeToComplete.medianMs,
    cost_micros: status.cost.count > 0 ? status.cost.totalMicros : null,
  };
}

/** Fleet-wide metrics plus those of the largest templates and owners, for one sample time. */
export function sampleFleetMetrics(agents: readonly Agent[], now: Instant, options: FleetSampleOptions = {}): ScopedMetrics[] {
  // Metrics only: no attention list, no outliers.
  const statusOptions: FleetStatusOptions = { ...options.status, maxAttention: 0, outliers: { maxOutliers: 0 } };
  const maxScopes = options.maxScopes ?? DEFAULT_MAX_SAMPLED_SCOPES;
  const samples: ScopedMetrics[] = [{ scope: FLEET_SCOPE, metrics: trendMetricsOf(computeFleetStatus(agents, now, statusOptions)) }];
  const groups: [(name: string) => string, (a: Agent) => string][] = [
    // Chats without a known template are left out, as in the fleet status breakdown.
    [templateScope, (a) => (a.kind === 'task' || a.template.id !== '' ? a.template.name : '')],
    [ownerScope, (a) => a.owner],
  ];
  for (const [scopeOf, keyOf] of groups) {
    for (const [name, members] of largestGroups(agents, keyOf, maxScopes)) {
      const all = trendMetricsOf(computeFleetStatus(members, now, statusOptions));
      samples.push({ scope: scopeOf(name), metrics: Object.fromEntries(SCOPED_TREND_METRICS.map((m) => [m, all[m]])) });
    }
  }
  return samples;
}

/** The `max` largest groups by key (ties by name; an empty key is no group). */
function largestGroups(agents: readonly Agent[], keyOf: (a: Agent) => string, max: number): [string, Agent[]][] {
  if (max <= 0) return [];
  const groups = new Map<string, Agent[]>();
  for (const a of agents) {
    const key = keyOf(a);
    if (key === '') continue;
    const group = groups.get(key);
    if (group) group.push(a);
    else groups.set(key, [a]);
  }
  return [...groups].sort(([x, a], [y, b]) => b.length - a.length || (x < y ? -1 : x > y ? 1 : 0)).slice(0, max);
}
