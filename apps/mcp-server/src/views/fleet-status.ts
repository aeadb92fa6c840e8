/**
 * Fleet status: fleet-domain's computeFleetStatus as get_fleet_status and fleet://status show it.
 */
import { agentRef, formatDuration, truncateText, type FleetStatus } from '@org/fleet-domain';
import { z } from 'zod';
import {
  AgentStatusSchema,
  AttentionReasonSchema,
  AttentionShape,
  BUILD_ERROR_TEXT_CHARS,
  BuildErrorSchema,
  DurationStatsSchema,
  StatusCountsSchema,
  toAttentionPart,
  toDurationStatsView,
  UntrustedFieldsSchema,
  type ViewContext,
} from './parts.js';
import { quoteUntrusted, UNTRUSTED_NOTICE } from './untrusted.js';

export const FleetStatusViewSchema = z.object({
  at: z.string().describe('Time of the computation (UTC ISO)'),
  scope: z.object({ template: z.string().optional(), owner: z.string().optional() }).describe('The filters applied'),
  total: z.number().int(),
  counts: StatusCountsSchema,
  online: z.number().int().describe('busy + idle + complete + blocked (reachable, ready agents)'),
  active_tasks: z.number().int().describe('starting + busy + idle + blocked'),
  utilization: z.number().nullable().describe('busy / online (0..1), null when nothing is online'),
  capacity: z.object({
    capacity: z.number().nullable().describe('Configured capacity (FLEET_MCP_CAPACITY), null when not set'),
    used: z.number().int().describe('Non-paused agents'),
    ratio: z.number().nullable(),
    warning: z.boolean().describe('At or above the warning ratio (FLEET_MCP_CAPACITY_WARNING_PERCENT, default 90%)'),
    message: z.string().optional(),
  }),
  health: z.object({
    healthy: z.number().int(),
    unhealthy: z.number().int(),
    healthy_percent: z.number().nullable(),
    error: z.number().int(),
    offline: z.number().int(),
  }),
  completion: z.object({ completed: z.number().int(), failed: z.number().int(), blocked: z.number().int(), completion_rate: z.number().nullable() }),
  durations: z.object({ time_to_first_work: DurationStatsSchema, time_to_complete: DurationStatsSchema, time_in_current_state: DurationStatsSchema }),
  attention_total: z.number().int().describe('All agents that need attention'),
  attention_by_reason: z.record(AttentionReasonSchema, z.number().int()),
  attention: z
    .array(
      z.object({
        agent_id: z.string(),
        agent: z.string().describe('owner/name'),
        template: z.string(),
        status: AgentStatusSchema,
        ...AttentionShape,
        build_error: BuildErrorSchema,
      }),
    )
    .describe('Agents needing attention, most severe first'),
  per_template: z.array(
    z.object({
      template_id: z.string(),
      template: z.string(),
      total: z.number().int(),
      counts: StatusCountsSchema,
      online: z.number().int(),
      utilization: z.number().nullable(),
      healthy_percent: z.number().nullable(),
      needs_attention: z.number().int(),
    }),
  ),
  outliers_total: z.number().int().describe('All outliers found (0 when include_outliers is false)'),
  outliers: z.array(
    z.object({
      agent_id: z.string(),
      agent: z.string(),
      template: z.string(),
      metric: z.string(),
      value_ms: z.number(),
      peer_median_ms: z.number().nullable(),
      peers: z.number().int(),
      robust_z: z.number().nullable(),
      basis: z.enum(['peer', 'absolute', 'both']),
      explanation: z.string(),
    }),
  ),
  outlier_notes: z.array(z.string()).describe('Peer groups too small to compare'),
  chats: z
    .object({
      total: z.number().int(),
      cost_usd: z.number().nullable().describe('Sum over the chats whose cost is known (get_agent_details reads it); null when none is'),
      cost_known: z.number().int().describe('Chats whose cost is known'),
      pull_requests: z.object({
        total: z.number().int(),
        by_state: z.record(z.string(), z.number().int()).describe('open, draft, merged, closed (non-zero only)'),
        changes_requested: z.number().int(),
        approved: z.number().int(),
      }),
    })
    .optional()
    .describe('Coder Agents chats only: cost and pull requests'),
  events_source: z.string().optional().describe("How fleet events arrive (Coder's chat watch socket, or polling)"),
  untrusted_fields: UntrustedFieldsSchema,
});
export type FleetStatusView = z.output<typeof FleetStatusViewSchema>;

export interface FleetStatusViewOptions {
  scope?: { template?: string; owner?: string };
  includeOutliers?: boolean;
  /** Agent id → its failed build's error (runtime/build-errors.ts), shown with the agent in the attention list. */
  buildErrors?: ReadonlyMap<string, string>;
  /** The watcher's push socket, when the deployment has one (said in one line). */
  socket?: { state: string; reason?: string; coversFleet: boolean; reconcileMs: number } | null;
}

const usd = (micros: number) => Math.round(micros / 10_000) / 100;

function chatsView(s: FleetStatus): FleetStatusView['chats'] {
  const total = s.byKind.chat;
  if (total === 0) return undefined;
  const pr = s.pullRequests;
  return {
    total,
    cost_usd: s.cost.count > 0 ? usd(s.cost.totalMicros) : null,
    cost_known: s.cost.count,
    pull_requests: {
      total: pr.total,
      by_state: Object.fromEntries(Object.entries(pr.byState).filter(([, n]) => n > 0)),
      changes_requested: pr.changesRequested,
      approved: pr.approved,
    },
  };
}

function eventsSource(socket: FleetStatusViewOptions['socket']): string | undefined {
  if (!socket) return undefined;
  if (socket.state === 'connected') return `pushed by Coder's chat watch socket${socket.coversFleet ? `; list poll reconciles every ${socket.reconcileMs} ms` : ''}`;
  return `watch socket ${socket.state}${socket.reason ? ` (${socket.reason})` : ''}: polling instead`;
}

export function toFleetStatusView(s: FleetStatus, options: FleetStatusViewOptions, ctx: ViewContext): FleetStatusView {
  const outliers = options.includeOutliers ?? true;
  const scope = options.scope ?? {};
  return {
    at: s.at,
    scope: { ...(scope.template ? { template: scope.template } : {}), ...(scope.owner ? { owner: scope.owner } : {}) },
    total: s.total,
    counts: { ...s.counts },
    online: s.online,
    active_tasks: s.activeTasks,
    utilization: s.utilization,
    capacity: { capacity: s.capacity.capacity, used: s.capacity.used, ratio: s.capacity.ratio, warning: s.capacity.warning, ...(s.capacity.message ? { message: s.capacity.message } : {}) },
    health: { healthy: s.health.healthy, unhealthy: s.health.unhealthy, healthy_percent: s.health.healthyPercent, error: s.health.error, offline: s.health.offline },
    completion: { completed: s.completion.completed, failed: s.completion.failed, blocked: s.completion.blocked, completion_rate: s.completion.completionRate },
    durations: {
      time_to_first_work: toDurationStatsView(s.durations.timeToFirstWork),
      time_to_complete: toDurationStatsView(s.durations.timeToComplete),
      time_in_current_state: toDurationStatsView(s.durations.timeInCurrentState),
    },
    attention_total: s.attentionTotal,
    attention_by_reason: { ...s.attentionByReason },
    attention: s.attention.map((a) => ({
      agent_id: a.agentId,
      agent: agentRef({ owner: a.owner, name: a.agentName }),
      template: a.templateName,
      status: a.status,
      ...toAttentionPart(a, ctx),
      ...(options.buildErrors?.get(a.agentId) ? { build_error: options.buildErrors.get(a.agentId) } : {}),
    })),
    per_template: s.perTemplate.map((t) => ({
      template_id: t.templateId,
      template: t.templateName,
      total: t.total,
      counts: { ...t.counts },
      online: t.online,
      utilization: t.utilization,
      healthy_percent: t.healthyPercent,
      needs_attention: t.needsAttention,
    })),
    outliers_total: outliers ? s.outliers.total : 0,
    outliers: outliers
      ? s.outliers.outliers.map((o) => ({
          agent_id: o.agentId,
          agent: agentRef({ owner: o.owner, name: o.agentName }),
          template: o.templateName,
          metric: o.metric,
          value_ms: o.value,
          peer_median_ms: o.peerMedian,
          peers: o.peers,
          robust_z: o.robustZ,
          basis: o.basis,
          explanation: o.explanation,
        }))
      : [],
    outlier_notes: outliers ? s.outliers.insufficientPeers.slice(0, 10) : [],
    ...(chatsView(s) ? { chats: chatsView(s) } : {}),
    ...(eventsSource(options.socket) ? { events_source: eventsSource(options.socket) } : {}),
    // Suggestions can quote what the agent reported about itself; build errors quote provisioner output.
    untrusted_fields: ['attention[].suggestion', 'attention[].build_error'],
  };
}

/**
 * The attention list with each suggestion said once: agents sharing the same suggestion (18 failed agents
 * all told "Inspect it with get_agent_details …") are listed under it, in the order of the list (most severe first).
 */
export function attentionLines(attention: readonly Pick<FleetStatusView['attention'][number], 'agent' | 'status' | 'reason' | 'severity' | 'suggestion' | 'build_error'>[]): string[] {
  const groups = new Map<string, typeof attention>();
  for (const a of attention) {
    const key = `${a.severity}\u0000${a.suggestion}`;
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  // The cause is the agent's own: said with the agent, never folded into the shared suggestion.
  const cause = (a: (typeof attention)[number]) => (a.build_error ? `build error: ${quoteUntrusted(truncateText(a.build_error, BUILD_ERROR_TEXT_CHARS))}` : '');
  return [...groups.values()].map((group) => {
    const [first] = group as [(typeof attention)[number]];
    if (group.length === 1) return `- [${first.severity}] ${first.agent} ${first.status}/${first.reason}: ${first.suggestion}${first.build_error ? ` Cause, ${cause(first)}.` : ''}`;
    const agents = group.map((a) => `${a.agent} (${a.status}/${a.reason}${a.build_error ? `; ${cause(a)}` : ''})`).join(', ');
    return `- [${first.severity}] ${group.length} agents: ${first.suggestion} Agents: ${agents}.`;
  });
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${Math.round(x * 100)}%`);

export function renderFleetStatusText(d: FleetStatusView, ctx: ViewContext): string {
  const scope = [d.scope.template && `template ${d.scope.template}`, d.scope.owner && `owner ${d.scope.owner}`].filter(Boolean).join(', ');
  const counts = Object.entries(d.counts)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  const lines = [
    `Fleet${scope ? ` (${scope})` : ''} at ${d.at}: ${d.total} agents${counts ? ` — ${counts}` : ''}.`,
    `Online ${d.online}, utilization ${pct(d.utilization)}, active tasks ${d.active_tasks}.` +
      (d.capacity.capacity !== null ? ` Capacity ${d.capacity.used}/${d.capacity.capacity} (${pct(d.capacity.ratio)})${d.capacity.warning ? ' WARNING' : ''}.` : ''),
    `Health ${d.health.healthy_percent === null ? 'n/a' : `${Math.round(d.health.healthy_percent)}%`} (error ${d.health.error}, offline ${d.health.offline}); completed ${d.completion.completed}, failed ${d.completion.failed}, blocked ${d.completion.blocked}.`,
  ];
  const ttc = d.durations.time_to_complete;
  if (ttc.median_ms !== null) lines.push(`Time to complete: median ${formatDuration(ttc.median_ms)}, p90 ${formatDuration(ttc.p90_ms ?? ttc.median_ms)}.`);
  if (d.total === 0) {
    const check = ['list_templates', 'list_agents'].filter((t) => ctx.offers(t));
    if (scope) lines.push(`No agents match this scope: check the template/owner name${check.length > 0 ? ` (${check.join(', ')})` : ''}.`);
    else lines.push(`The fleet is empty${ctx.offers('create_agent_task') ? ': create_agent_task starts an agent' : ''}.`);
  }
  if (d.attention_total > 0) {
    lines.push(`Needs attention: ${d.attention_total}${d.attention.length < d.attention_total ? ` (showing ${d.attention.length})` : ''}. ${UNTRUSTED_NOTICE}`);
    lines.push(...attentionLines(d.attention));
  } else if (d.total > 0) {
    lines.push('No agent needs attention.');
  }
  if (d.outliers_total > 0) {
    const listed = Math.min(10, d.outliers.length);
    lines.push(`Outliers: ${d.outliers_total}${listed < d.outliers_total ? ` (showing ${listed}, most unusual first)` : ''}.`);
    for (const o of d.outliers.slice(0, listed)) lines.push(`- ${o.agent}: ${o.explanation}`);
  }
  if (d.chats) {
    const c = d.chats;
    const cost = c.cost_usd === null ? 'cost not read yet (get_agent_details reads it)' : `cost $${c.cost_usd.toFixed(2)} over ${c.cost_known} of ${c.total}`;
    const states = Object.entries(c.pull_requests.by_state).map(([k, n]) => `${k} ${n}`).join(', ');
    const review = [c.pull_requests.changes_requested > 0 && `${c.pull_requests.changes_requested} changes requested`, c.pull_requests.approved > 0 && `${c.pull_requests.approved} approved`].filter(Boolean).join(', ');
    lines.push(`Chats ${c.total}: ${cost}; PRs ${c.pull_requests.total}${states ? ` (${states}${review ? `; ${review}` : ''})` : ''}.`);
  }
  if (d.events_source) lines.push(`Events: ${d.events_source}.`);
  if (d.per_template.length > 1) lines.push(`Templates: ${d.per_template.map((t) => `${t.template} ${t.total}`).join(', ')}.`);
  const next = [ctx.offers('list_agents') && 'list_agents needs_attention=true', ctx.offers('get_agent_details') && 'get_agent_details agent=<owner/name>'].filter(Boolean);
  if (next.length > 0) lines.push(`Next: ${next.join(', then ')}.`);
  return lines.join('\n');
}
