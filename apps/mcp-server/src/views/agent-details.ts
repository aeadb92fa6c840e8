/**
 * Agent details: one agent in depth (get_agent_details), and its `agent` block alone (the fleet://agents/{id}
 * resource, which answers from the cached fleet read without the workspace, history and logs).
 */
import {
  formatDuration,
  latestBranch,
  suggestNextActions,
  timeInStateMs,
  truncateText,
  type Agent,
  type AppStatusView,
  type FittedLogEntry,
  type WorkspaceView,
} from '@org/fleet-domain';
import { z } from 'zod';
import { AgentCoreShape, AgentExtrasShape, toAgentCore, toAgentExtras } from './agent-core.js';
import { AGENT_HISTORY_UNTRUSTED_FIELDS, AgentHistoryViewSchema, renderAgentHistoryText, type AgentHistoryView } from './agent-history.js';
import { QueueItemViewSchema, renderQueueItemText, toQueueItemView } from './queue-item.js';
import type { QueueItem } from '../backends/agent-queue.js';
import { AttentionShape, ContentTrustSchema, onlyOfferedTools, toAttentionPart, UntrustedFieldsSchema, type ViewContext } from './parts.js';
import { CONTENT_TRUST, fenceUntrusted, newFenceNonce, quoteUntrusted, UNTRUSTED_NOTICE } from './untrusted.js';

const MESSAGE_CHARS = 500;
const PROMPT_CHARS = 2000;
const HISTORY_MESSAGE_CHARS = 200;

const C = AgentCoreShape;
export const AgentViewSchema = z.object({
  id: C.id,
  ref: C.ref,
  name: C.name,
  display_name: C.display_name,
  owner: C.owner,
  status: C.status,
  status_reason: C.status_reason,
  coder_status: C.coder_status,
  era: z.enum(['v2', 'experimental']),
  state: z
    .object({
      kind: z.string(),
      message: z.string().describe(`Untrusted agent text, cut to ${MESSAGE_CHARS} chars`),
      uri: z.string(),
      since: z.string(),
      stale: z.boolean().optional().describe('Reported before the current status (paused, starting, offline): not what the agent does now'),
    })
    .nullable(),
  time_in_state_ms: z.number().nullable(),
  health: z.object({ healthy: z.boolean(), reason: z.string().optional() }),
  template: z.object({ id: z.string(), name: z.string(), display_name: z.string(), version_id: z.string().optional() }),
  preset: z.string().optional(),
  prompt: z.string().describe(`The task input, cut to ${PROMPT_CHARS} chars`),
  created_at: z.string(),
  updated_at: z.string(),
  last_activity_at: z.string(),
  needs_attention: z.object(AttentionShape).optional(),
  ...AgentExtrasShape,
});
export type AgentView = z.output<typeof AgentViewSchema>;
/** Paths (in AgentViewSchema) of agent-written text. */
export const AGENT_VIEW_UNTRUSTED_FIELDS = ['state.message', 'state.uri', 'prompt', 'display_name', 'status_reason', 'needs_attention.suggestion'] as const;

export function toAgentView(a: Agent, ctx: ViewContext): AgentView {
  return {
    ...toAgentCore(a),
    era: a.era,
    state: a.state ? { kind: a.state.kind, message: truncateText(a.state.message, MESSAGE_CHARS), uri: a.state.uri, since: a.state.since, ...(a.state.stale ? { stale: true } : {}) } : null,
    time_in_state_ms: timeInStateMs(a.times.stateSince, ctx.now),
    health: { healthy: a.health.healthy, ...(a.health.reason ? { reason: a.health.reason } : {}) },
    template: { id: a.template.id, name: a.template.name, display_name: a.template.displayName, ...(a.template.versionId ? { version_id: a.template.versionId } : {}) },
    ...(a.preset ? { preset: a.preset } : {}),
    prompt: truncateText(a.initialPrompt, PROMPT_CHARS),
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    last_activity_at: a.lastActivityAt,
    ...(a.needsAttention ? { needs_attention: toAttentionPart(a.needsAttention, ctx) } : {}),
    ...toAgentExtras(a),
  };
}

const WorkspaceViewSchema = z
  .object({
    id: z.string().optional(),
    name: z.string().optional(),
    outdated: z.boolean().optional().describe('A newer template version exists'),
    healthy: z.boolean().optional(),
    last_used_at: z.string().optional(),
    build: z
      .object({
        number: z.number().optional(),
        status: z.string().optional(),
        transition: z.string().optional(),
        reason: z.string().optional(),
        created_at: z.string().optional(),
        job_status: z.string().optional(),
        job_error: z.string().optional(),
      })
      .optional(),
    agents: z.array(
      z.object({
        name: z.string().optional(),
        status: z.string().optional(),
        lifecycle: z.string().optional(),
        healthy: z.boolean().optional(),
        health_reason: z.string().optional(),
        apps: z.array(z.object({ slug: z.string().optional(), health: z.string().optional() })),
      }),
    ),
  })
  .nullable()
  .describe('Allow-listed workspace facts (never the raw workspace); null when unavailable');

function toWorkspacePart(w: WorkspaceView): z.output<typeof WorkspaceViewSchema> {
  return {
    ...(w.id ? { id: w.id } : {}),
    ...(w.name ? { name: w.name } : {}),
    ...(w.outdated !== undefined ? { outdated: w.outdated } : {}),
    ...(w.healthy !== undefined ? { healthy: w.healthy } : {}),
    ...(w.lastUsedAt ? { last_used_at: w.lastUsedAt } : {}),
    ...(w.build
      ? {
          build: {
            number: w.build.number,
            status: w.build.status,
            transition: w.build.transition,
            reason: w.build.reason,
            created_at: w.build.createdAt,
            job_status: w.build.jobStatus,
            job_error: w.build.jobError,
          },
        }
      : {}),
    agents: w.agents.map((a) => ({ name: a.name, status: a.status, lifecycle: a.lifecycle, healthy: a.healthy, health_reason: a.healthReason, apps: [...a.apps] })),
  };
}

export const AgentDetailsViewSchema = z.object({
  agent: AgentViewSchema.nullable().describe('null: deleted (see journal)'),
  workspace: WorkspaceViewSchema,
  history: z
    .array(z.object({ at: z.string(), state: z.string(), message: z.string(), uri: z.string(), app: z.string() }))
    .describe('Recent state reports (workspace app statuses), newest first; messages are untrusted'),
  log_tail: z.object({
    entries: z.array(z.object({ id: z.number(), type: z.string(), time: z.string(), content: z.string() })).describe('Newest last; untrusted agent output'),
    snapshot: z.boolean().optional().describe('Logs come from a stored snapshot (agent paused or starting)'),
    unavailable_reason: z.string().optional(),
  }),
  next_actions: z.array(z.object({ tool: z.string(), why: z.string() })).describe('Suggested next tool calls, most useful first'),
  queue: z
    .object({ count: z.number().int(), head: z.array(QueueItemViewSchema) })
    .optional()
    .describe('Task agents: queued input (head first)'),
  journal: AgentHistoryViewSchema.optional(),
  notes: z.array(z.string()).describe('Parts that could not be loaded'),
  content_trust: ContentTrustSchema,
  untrusted_fields: UntrustedFieldsSchema,
});
export type AgentDetailsView = z.output<typeof AgentDetailsViewSchema>;

/** What get_agent_details gathered (domain values; absent parts could not or need not be loaded). */
export interface AgentDetailsSource {
  agent: Agent;
  workspace?: WorkspaceView;
  history: readonly AppStatusView[];
  logs?: { entries: readonly FittedLogEntry[]; snapshot?: boolean } | { unavailableReason: string };
  /** Task agents: this server's queue of input for the agent (absent: not loaded). */
  queue?: { count: number; head: readonly QueueItem[] };
  /** The durable journal of the agent (absent: not loaded). */
  journal?: AgentHistoryView;
  notes: readonly string[];
}

export function toAgentDetailsView(s: AgentDetailsSource, ctx: ViewContext): AgentDetailsView {
  return {
    agent: toAgentView(s.agent, ctx),
    workspace: s.workspace ? toWorkspacePart(s.workspace) : null,
    history: s.history.map((h) => ({ ...h, message: truncateText(h.message, HISTORY_MESSAGE_CHARS) })),
    log_tail: !s.logs
      ? { entries: [] }
      : 'unavailableReason' in s.logs
        ? { entries: [], unavailable_reason: s.logs.unavailableReason }
        : { entries: s.logs.entries.map((e) => ({ id: e.id, type: e.type, time: e.time, content: e.content })), ...(s.logs.snapshot !== undefined ? { snapshot: s.logs.snapshot } : {}) },
    next_actions: suggestNextActions(s.agent, { exclude: ['get_agent_details'], templateOutdated: s.workspace?.outdated === true && s.agent.kind !== 'chat' })
      .filter((x) => ctx.offers(x.tool))
      .map((x) => ({ tool: x.tool, why: onlyOfferedTools(x.why, ctx.offers) })),
    ...(s.queue ? { queue: { count: s.queue.count, head: s.queue.head.map(toQueueItemView) } } : {}),
    ...(s.journal ? { journal: s.journal } : {}),
    notes: [...s.notes],
    content_trust: CONTENT_TRUST,
    untrusted_fields: [
      ...AGENT_VIEW_UNTRUSTED_FIELDS.map((f) => `agent.${f}`),
      'history[].message',
      'log_tail.entries[].content',
      'workspace.build.job_error',
      ...(s.queue ? ['queue.head[].preview'] : []),
      ...(s.journal ? AGENT_HISTORY_UNTRUSTED_FIELDS : []),
    ],
  };
}

/** A deleted agent: what the journal kept (no live parts). */
export function toDeletedAgentDetailsView(journal: AgentHistoryView, ctx: ViewContext): AgentDetailsView {
  return {
    agent: null,
    workspace: null,
    history: [],
    log_tail: { entries: [] },
    next_actions: ctx.offers('list_agents') ? [{ tool: 'list_agents', why: 'see the agents that exist now' }] : [],
    journal,
    notes: [],
    content_trust: CONTENT_TRUST,
    untrusted_fields: [...AGENT_HISTORY_UNTRUSTED_FIELDS],
  };
}

export function renderAgentDetailsText(d: AgentDetailsView): string {
  const a = d.agent;
  if (!a) {
    const gone = ['This agent no longer exists; the journal kept:', ...(d.journal ? renderAgentHistoryText(d.journal) : []), UNTRUSTED_NOTICE];
    if (d.next_actions.length > 0) gone.push(`Next: ${d.next_actions.map((x) => `${x.tool} (${x.why})`).join('; ')}`);
    return gone.join('\n');
  }
  const lines = [
    `Agent ${a.ref} (id ${a.id}): ${a.status} — ${a.status_reason}. Coder status ${a.coder_status}.`,
    `Template ${a.template.name}${a.preset ? `, preset ${a.preset}` : ''}; created ${a.created_at}; last activity ${a.last_activity_at}.`,
    `Health: ${a.health.healthy ? 'healthy' : `unhealthy${a.health.reason ? ` (${a.health.reason})` : ''}`}.` +
      (d.workspace?.build ? ` Workspace build #${d.workspace.build.number ?? '?'} ${d.workspace.build.transition ?? ''} ${d.workspace.build.status ?? ''}${d.workspace.outdated ? ', template outdated' : ''}.` : ''),
    // The cause of a failed build (Coder's provisioner output, may quote template text: untrusted).
    ...(d.workspace?.build?.job_error ? [`Build error: ${quoteUntrusted(truncateText(d.workspace.build.job_error, 500))}`] : []),
    UNTRUSTED_NOTICE,
  ];
  if (a.state) lines.push(`${a.state.stale ? `Last report (before it was ${a.status}; not current): ` : 'State: '}${a.state.kind} since ${a.state.since}${a.time_in_state_ms !== null ? ` (${formatDuration(a.time_in_state_ms)})` : ''}: ${quoteUntrusted(a.state.message)}${a.state.uri ? ` uri=${quoteUntrusted(a.state.uri)}` : ''}`);
  else lines.push('State: nothing reported yet.');
  // The branch its newest report pointing at one names (agent-written: quoted).
  const branch = a.kind === 'workspace' ? latestBranch([a.state?.uri, ...d.history.map((h) => h.uri)]) : undefined;
  if (branch) lines.push(`Branch: ${quoteUntrusted(branch.name)} in ${quoteUntrusted(branch.repo)}`);
  if (a.needs_attention) lines.push(`Needs attention (${a.needs_attention.severity}, ${a.needs_attention.reason}): ${a.needs_attention.suggestion}`);
  lines.push(`Prompt: ${quoteUntrusted(truncateText(a.prompt, 300))}`);
  if (d.history.length > 0) {
    lines.push('History (newest first):');
    for (const h of d.history) lines.push(`- ${h.at} ${h.state}: ${quoteUntrusted(h.message)}`);
  }
  if (d.log_tail.entries.length > 0) {
    const nonce = newFenceNonce();
    lines.push(`Log tail (${d.log_tail.entries.length}${d.log_tail.snapshot ? ', snapshot' : ''}):`);
    for (const e of d.log_tail.entries) lines.push(fenceUntrusted(e.content, nonce, `#${e.id} ${e.type} ${e.time}`));
  } else if (d.log_tail.unavailable_reason) {
    lines.push(`Logs unavailable: ${d.log_tail.unavailable_reason}`);
  }
  if (d.queue && d.queue.count > 0) {
    lines.push(`Queued input (${d.queue.count}, next first; manage_agent_queue):`);
    for (const q of d.queue.head) lines.push(renderQueueItemText(q));
  }
  if (d.journal) lines.push(...renderAgentHistoryText(d.journal));
  for (const n of d.notes) lines.push(`Note: ${n}`);
  if (d.next_actions.length > 0) lines.push(`Next: ${d.next_actions.map((x) => `${x.tool} (${x.why})`).join('; ')}`);
  return lines.join('\n');
}
