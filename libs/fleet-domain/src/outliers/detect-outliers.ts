/**
 * Outlier detection (US5 "highlight under-performing agents").
 *
 * Method: per peer group (agents of the same template) and metric, a robust z-score
 * z = (x - median) / (1.4826 * MAD). MAD ignores a few extreme values, so one stuck agent cannot hide
 * itself by inflating the spread (as a mean/stddev test would on small or skewed samples). When MAD is 0
 * (more than half the values equal) the scale falls back to 1.2533 * mean absolute deviation; when that is
 * also 0 all values are equal and nothing is an outlier. Only the slow side is flagged (long is bad for every
 * metric here), and only when the value also exceeds the median by `minDeviationMs`, so 3 s vs 1 s never
 * shows up. Absolute thresholds apply regardless of peers. Groups smaller than `minPeers` are reported as
 * `insufficient_peers` instead of guessing.
 *
 * Chats add two metrics beside the duration of their status: `cost` (micros, roots only: a chat's cost covers
 * its subagents) and `turns`, when the caller supplied them. Chats without a known template form one peer
 * group ("chats").
 */
import type { Agent } from '../models/agent.js';
import { type Instant, toEpochMs } from '../mapping/timestamps.js';
import { meanAbsoluteDeviation, medianAbsoluteDeviation, medianInPlace } from '../metrics/stats.js';
import { formatDuration } from '../text/truncate.js';

export type OutlierMetric = 'working_time' | 'idle_time' | 'startup_time' | 'time_to_complete' | 'cost' | 'turns';

export const OUTLIER_METRICS: readonly OutlierMetric[] = ['working_time', 'idle_time', 'startup_time', 'time_to_complete', 'cost', 'turns'];

const METRIC_LABEL: Readonly<Record<OutlierMetric, string>> = {
  working_time: 'working without a state change',
  idle_time: 'idle',
  startup_time: 'starting',
  time_to_complete: 'took to complete',
  cost: 'cost',
  turns: 'took',
};

/** A metric value in its unit: durations, cost in currency (2 decimals), turns. */
export function formatMetricValue(metric: OutlierMetric, value: number): string {
  switch (metric) {
    case 'cost':
      return `$${(value / 1_000_000).toFixed(2)}`;
    case 'turns':
      return `${value} turn${value === 1 ? '' : 's'}`;
    default:
      return formatDuration(value);
  }
}

export interface OutlierOptions {
  /** Minimum peers (same template, same metric) for a peer comparison (default 5). */
  readonly minPeers?: number;
  /** Robust z-score above which a value is an outlier (default 3.5, Iglewicz & Hoaglin). */
  readonly zThreshold?: number;
  /** A peer outlier must also exceed the peer median by at least this much (default 5 min). */
  readonly minDeviationMs?: number;
  /** The same for `cost`, in micros (default 1,000,000: one unit of currency). */
  readonly minCostDeviationMicros?: number;
  /** The same for `turns` (default 10). */
  readonly minTurnsDeviation?: number;
  /**
   * Absolute limits per metric, in its unit (ms; micros for cost; turns); a value above is an outlier whatever
   * its peers do. `null` disables.
   */
  readonly absoluteMs?: Partial<Readonly<Record<OutlierMetric, number | null>>>;
  /**
   * Keep at most this many outliers (the most unusual first); `total` keeps the full count. Default: all.
   * Explanations are only built for the kept ones (a 10,000-agent fleet can have hundreds of outliers).
   */
  readonly maxOutliers?: number;
}

export const DEFAULT_OUTLIER_OPTIONS = {
  minPeers: 5,
  zThreshold: 3.5,
  minDeviationMs: 5 * 60_000,
  minCostDeviationMicros: 1_000_000,
  minTurnsDeviation: 10,
  absoluteMs: {
    working_time: 2 * 3_600_000,
    idle_time: 4 * 3_600_000,
    startup_time: 15 * 60_000,
    time_to_complete: null,
    cost: null,
    turns: null,
  } as Readonly<Record<OutlierMetric, number | null>>,
} as const;

export interface Outlier {
  readonly agentId: string;
  readonly agentName: string;
  readonly owner: string;
  readonly templateId: string;
  readonly templateName: string;
  readonly metric: OutlierMetric;
  /** The agent's value in the metric's unit (ms; micros for cost; turns). */
  readonly value: number;
  /** Median of the peer group, same unit (null when there were too few peers). */
  readonly peerMedian: number | null;
  readonly peers: number;
  /** Robust z-score (null when not compared with peers). */
  readonly robustZ: number | null;
  /** `peer`: unusual among its peers; `absolute`: above a fixed limit; `both`. */
  readonly basis: 'peer' | 'absolute' | 'both';
  readonly explanation: string;
}

export interface PeerGroup {
  readonly templateId: string;
  readonly templateName: string;
  readonly metric: OutlierMetric;
  readonly peers: number;
  readonly medianMs: number | null;
  readonly madMs: number | null;
  readonly status: 'compared' | 'insufficient_peers' | 'no_spread';
  readonly note: string;
}

export interface OutlierReport {
  /** Most unusual first (highest robust z, then largest value); capped at `maxOutliers`. */
  readonly outliers: readonly Outlier[];
  /** Number of outliers found, before the `maxOutliers` cap. */
  readonly total: number;
  readonly groups: readonly PeerGroup[];
  readonly minPeers: number;
  /** One line per group that was too small, e.g. `template "gpu" working_time: only 2 peers (need 5)`. */
  readonly insufficientPeers: readonly string[];
}

interface Sample {
  readonly agent: Agent;
  readonly value: number;
}

/** The metric value of one agent, or undefined when the metric does not apply to its status. */
export function metricValue(agent: Agent, metric: OutlierMetric, nowMs: number): number | undefined {
  const t = agent.times;
  let v: number;
  switch (metric) {
    case 'working_time':
      if (agent.status !== 'busy') return undefined;
      v = nowMs - t.stateSince;
      break;
    case 'idle_time':
      if (agent.status !== 'idle') return undefined;
      v = nowMs - t.stateSince;
      break;
    case 'startup_time':
      if (agent.status !== 'starting') return undefined;
      v = nowMs - t.createdAt;
      break;
    case 'time_to_complete':
      if (agent.status !== 'complete') return undefined;
      v = t.stateSince - t.createdAt;
      break;
    case 'cost':
      if (agent.costMicros === undefined || agent.parentId !== undefined) return undefined;
      v = agent.costMicros;
      break;
    case 'turns':
      if (agent.turns === undefined) return undefined;
      v = agent.turns;
      break;
  }
  return Number.isFinite(v) && v >= 0 ? v : undefined;
}

function metricIndex(status: Agent['status']): OutlierMetric | undefined {
  switch (status) {
    case 'busy':
      return 'working_time';
    case 'idle':
      return 'idle_time';
    case 'starting':
      return 'startup_time';
    case 'complete':
      return 'time_to_complete';
    default:
      return undefined;
  }
}

export function detectOutliers(agents: readonly Agent[], now: Instant, options: OutlierOptions = {}): OutlierReport {
  const nowMs = toEpochMs(now);
  const minPeers = Math.max(1, options.minPeers ?? DEFAULT_OUTLIER_OPTIONS.minPeers);
  const zThreshold = options.zThreshold ?? DEFAULT_OUTLIER_OPTIONS.zThreshold;
  const minDeviation: Readonly<Record<OutlierMetric, number>> = {
    working_time: options.minDeviationMs ?? DEFAULT_OUTLIER_OPTIONS.minDeviationMs,
    idle_time: options.minDeviationMs ?? DEFAULT_OUTLIER_OPTIONS.minDeviationMs,
    startup_time: options.minDeviationMs ?? DEFAULT_OUTLIER_OPTIONS.minDeviationMs,
    time_to_complete: options.minDeviationMs ?? DEFAULT_OUTLIER_OPTIONS.minDeviationMs,
    cost: options.minCostDeviationMicros ?? DEFAULT_OUTLIER_OPTIONS.minCostDeviationMicros,
    turns: options.minTurnsDeviation ?? DEFAULT_OUTLIER_OPTIONS.minTurnsDeviation,
  };
  const absolute = { ...DEFAULT_OUTLIER_OPTIONS.absoluteMs, ...options.absoluteMs };

  // Group samples by template id + metric. Each agent contributes to at most one metric (by status).
  // Parallel arrays (agents[i] has values[i]): no object per sample.
  type Group = { templateId: string; templateName: string; metric: OutlierMetric; agents: Agent[]; values: number[] };
  const byTemplate = new Map<string, Partial<Record<OutlierMetric, Group>>>();
  const groups: Group[] = [];
  const add = (agent: Agent, metric: OutlierMetric, value: number | undefined) => {
    if (value === undefined) return;
    let perMetric = byTemplate.get(agent.template.id);
    if (!perMetric) {
      perMetric = {};
      byTemplate.set(agent.template.id, perMetric);
    }
    let g = perMetric[metric];
    if (!g) {
      g = { templateId: agent.template.id, templateName: agent.template.name, metric, agents: [], values: [] };
      perMetric[metric] = g;
      groups.push(g);
    }
    g.agents.push(agent);
    g.values.push(value);
  };
  for (let i = 0; i < agents.length; i++) {
    const agent = agents[i] as Agent;
    const metric = metricIndex(agent.status);
    if (metric !== undefined) add(agent, metric, metricValue(agent, metric, nowMs));
    if (agent.kind !== 'task') {
      add(agent, 'cost', metricValue(agent, 'cost', nowMs));
      add(agent, 'turns', metricValue(agent, 'turns', nowMs));
    }
  }

  const hits: Hit[] = [];
  const summaries: PeerGroup[] = [];
  const insufficientPeers: string[] = [];
  for (const g of groups) {
    const n = g.values.length;
    const values = Float64Array.from(g.values);
    const med = medianInPlace(values.slice());
    const limit = absolute[g.metric] ?? null;
    const label = `${groupName(g)} ${g.metric}`;

    if (n < minPeers) {
      const note = `${label}: only ${n} peer${n === 1 ? '' : 's'} (need ${minPeers}); insufficient peers, no peer comparison made`;
      insufficientPeers.push(note);
      summaries.push({ ...groupHead(g), peers: n, medianMs: med, madMs: null, status: 'insufficient_peers', note });
      if (limit !== null) {
        for (let i = 0; i < n; i++) {
          const s = sample(g, i);
          if (s.value > limit) hits.push({ g, s, med: null, z: null, peers: n, basis: 'absolute', limit });
        }
      }
      continue;
    }

    const mad = medianAbsoluteDeviation(values, med);
    let scale = 1.4826 * mad;
    if (scale === 0) scale = 1.2533 * meanAbsoluteDeviation(values, med);
    const status = scale === 0 ? 'no_spread' : 'compared';
    summaries.push({
      ...groupHead(g),
      peers: n,
      medianMs: med,
      madMs: mad,
      status,
      note:
        status === 'no_spread'
          ? `${label}: all ${n} peers have the same value; no peer outliers`
          : `${label}: median ${formatMetricValue(g.metric, med)} over ${n} peers`,
    });
    for (let i = 0; i < n; i++) {
      const value = g.values[i] as number;
      const z = scale === 0 ? 0 : (value - med) / scale;
      const peerHit = z > zThreshold && value - med >= minDeviation[g.metric];
      const absHit = limit !== null && value > limit;
      if (!peerHit && !absHit) continue;
      hits.push({ g, s: sample(g, i), med, z, peers: n, basis: peerHit && absHit ? 'both' : peerHit ? 'peer' : 'absolute', limit });
    }
  }
  hits.sort((a, b) => (b.z ?? 0) - (a.z ?? 0) || b.s.value - a.s.value);
  const max = options.maxOutliers === undefined ? hits.length : Math.max(0, Math.floor(options.maxOutliers));
  const kept = hits.length > max ? hits.slice(0, max) : hits;
  return { outliers: kept.map((h) => outlier(h, minPeers)), total: hits.length, groups: summaries, minPeers, insufficientPeers };
}

const sample = (g: { readonly agents: readonly Agent[]; readonly values: readonly number[] }, i: number): Sample => ({
  agent: g.agents[i] as Agent,
  value: g.values[i] as number,
});

/** An outlier found, before its (costly) explanation is written. */
interface Hit {
  readonly g: { readonly templateId: string; readonly templateName: string; readonly metric: OutlierMetric };
  readonly s: Sample;
  /** Peer median, null when not compared with peers. */
  readonly med: number | null;
  readonly z: number | null;
  readonly peers: number;
  readonly basis: Outlier['basis'];
  readonly limit: number | null;
}

function explain(h: Hit, minPeers: number): string {
  const { g, s, med, z, peers: n, limit } = h;
  if (med === null || z === null) {
    return absoluteText(g.metric, s.value, limit as number, `insufficient peers to compare: ${n} of ${minPeers} needed`);
  }
  if (h.basis === 'absolute') {
    return absoluteText(g.metric, s.value, limit as number, `peer median ${formatMetricValue(g.metric, med)}, within the normal spread of ${n} peers`);
  }
  const ratio = med > 0 ? ` (${(s.value / med).toFixed(1)}x)` : '';
  const peers = g.templateId === '' ? `${n} chats without a known template` : `${n} agents of template "${g.templateName}"`;
  const peerText = `${valueText(g.metric, s.value)}, against a peer median of ${formatMetricValue(g.metric, med)}${ratio} across ${peers} (robust z ${z.toFixed(1)})`;
  return h.basis === 'both' ? `${peerText}; also above the absolute limit of ${formatMetricValue(g.metric, limit as number)}` : peerText;
}

/** `working without a state change for 2 h`, `cost $4.20`, `took 80 turns`. */
function valueText(metric: OutlierMetric, value: number): string {
  const joiner = metric === 'cost' || metric === 'turns' ? ' ' : ' for ';
  return `${METRIC_LABEL[metric]}${joiner}${formatMetricValue(metric, value)}`;
}

/** How a peer group is named in notes: its template, or "chats" for chats without a known template. */
function groupName(g: { readonly templateId: string; readonly templateName: string }): string {
  return g.templateId === '' ? 'chats' : `template "${g.templateName}"`;
}

function groupHead(g: { templateId: string; templateName: string; metric: OutlierMetric }) {
  return { templateId: g.templateId, templateName: g.templateName, metric: g.metric };
}

function absoluteText(metric: OutlierMetric, value: number, limit: number, context: string): string {
  return `${valueText(metric, value)}, above the absolute limit of ${formatMetricValue(metric, limit)} (${context})`;
}

function outlier(h: Hit, minPeers: number): Outlier {
  return {
    agentId: h.s.agent.id,
    agentName: h.s.agent.name,
    owner: h.s.agent.owner,
    templateId: h.g.templateId,
    templateName: h.g.templateName,
    metric: h.g.metric,
    value: h.s.value,
    peerMedian: h.med,
    peers: h.peers,
    robustZ: h.z,
    basis: h.basis,
    explanation: explain(h, minPeers),
  };
}
