/**
 * Agent row: one agent as a line of list_agents (the caller picks the fields), and the page of rows.
 */
import { ageMs, formatAge, isoSeconds, truncateText, type Agent, type AgentSort } from '@org/fleet-domain';
import { z } from 'zod';
import { AgentCoreShape, AgentExtrasShape, toAgentCore, toAgentExtras } from './agent-core.js';
import { AttentionReasonSchema, BUILD_ERROR_TEXT_CHARS, BuildErrorSchema, onlyOfferedTools, SeveritySchema, UntrustedFieldsSchema, type ViewContext } from './parts.js';
import { inlineValue, quoteUntrusted, UNTRUSTED_NOTICE } from './untrusted.js';

const MESSAGE_CHARS = 64;
const PROMPT_CHARS = 200;

const C = AgentCoreShape;
const rowShape = {
  id: C.id,
  name: C.name.optional(),
  owner: C.owner.optional(),
  display_name: C.display_name.optional(),
  status: C.status.optional(),
  status_reason: C.status_reason.optional(),
  coder_status: C.coder_status.optional(),
  state: z.string().optional().describe('Last self-reported state: working, idle, complete, failed, unknown; "(stale)" when reported before the current status (paused, starting, offline)'),
  message: z.string().optional().describe(`Last state message, truncated to ${MESSAGE_CHARS} chars (untrusted agent text)`),
  last_activity_at: z.string().optional(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
  attention: AttentionReasonSchema.optional().describe('Why the agent needs attention (absent when it does not)'),
  attention_severity: SeveritySchema.optional(),
  suggestion: z.string().optional().describe('What to do about it'),
  build_error: BuildErrorSchema,
  template: z.string().optional(),
  preset: z.string().optional(),
  healthy: z.boolean().optional(),
  workspace_status: z.string().optional(),
  prompt: z.string().optional().describe(`Task prompt, truncated to ${PROMPT_CHARS} chars`),
  ...AgentExtrasShape,
};
export const AgentRowViewSchema = z.object(rowShape);
export type AgentRowView = z.output<typeof AgentRowViewSchema>;
export type AgentRowField = Exclude<keyof typeof rowShape, 'id'>;

/** The fields a caller may pick (every row field but the always-present id), in schema order. */
export const AGENT_ROW_FIELDS = Object.keys(rowShape).filter((k) => k !== 'id') as [AgentRowField, ...AgentRowField[]];
/** Chat facts (kind, cost, PR, queue) are absent on task agents, so their rows do not change. */
export const DEFAULT_AGENT_ROW_FIELDS: readonly AgentRowField[] = ['name', 'owner', 'status', 'message', 'last_activity_at', 'attention', 'kind', 'cost_usd', 'pr', 'queued'];
/** The attention list (needs_attention=true) also says why failed tasks failed. */
export const DEFAULT_ATTENTION_ROW_FIELDS: readonly AgentRowField[] = [...DEFAULT_AGENT_ROW_FIELDS, 'build_error'];
/** Row fields holding agent-written text (attention suggestions may quote the agent's own message). */
const UNTRUSTED_ROW_FIELDS: ReadonlySet<AgentRowField> = new Set(['message', 'prompt', 'suggestion', 'display_name', 'status_reason', 'build_error']);

/** Every row field of one agent (absent facts left out). */
function fullRow(a: Agent, offers: ViewContext['offers'], buildError: string | undefined): AgentRowView {
  const { ref: _ref, ...core } = toAgentCore(a);
  return {
    ...core,
    ...(a.state ? { state: a.state.stale ? `${a.state.kind} (stale)` : a.state.kind } : {}),
    ...(a.state?.message ? { message: truncateText(a.state.message, MESSAGE_CHARS) } : {}),
    last_activity_at: isoSeconds(a.lastActivityAt),
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    ...(a.needsAttention ? { attention: a.needsAttention.reason, attention_severity: a.needsAttention.severity, suggestion: onlyOfferedTools(a.needsAttention.suggestion, offers) } : {}),
    ...(buildError ? { build_error: buildError } : {}),
    template: a.template.name,
    ...(a.preset ? { preset: a.preset } : {}),
    healthy: a.health.healthy,
    ...(a.workspace.status ? { workspace_status: a.workspace.status } : {}),
    prompt: truncateText(a.initialPrompt, PROMPT_CHARS),
    ...toAgentExtras(a),
  };
}

export function toAgentRowView(a: Agent, fields: readonly AgentRowField[], ctx: ViewContext, buildError?: string): AgentRowView {
  const all = fullRow(a, ctx.offers, buildError);
  const row: Record<string, unknown> = { id: all.id };
  for (const f of fields) if (all[f] !== undefined) row[f] = all[f];
  return row as AgentRowView;
}

// ---- a page of rows (list_agents) ----------------------------------------------------------------

export const AgentListViewSchema = z.object({
  agents: z.array(AgentRowViewSchema),
  returned: z.number().int(),
  total_matching: z.number().int().describe('Agents matching the filters (all pages)'),
  fleet_total: z.number().int().describe('Agents in the fleet before filtering'),
  next_cursor: z.string().optional().describe('Pass as cursor to get the next page; absent on the last page'),
  fetched_at: z.string().describe('When the fleet was read from Coder'),
  untrusted_fields: UntrustedFieldsSchema,
});
export type AgentListView = z.output<typeof AgentListViewSchema>;

export function toAgentListView(
  page: { agents: readonly Agent[]; total: number; fleetTotal: number; nextCursor?: string; fetchedAt: Date; buildErrors?: ReadonlyMap<string, string> },
  fields: readonly AgentRowField[],
  ctx: ViewContext,
): AgentListView {
  return {
    agents: page.agents.map((a) => toAgentRowView(a, fields, ctx, page.buildErrors?.get(a.id))),
    returned: page.agents.length,
    total_matching: page.total,
    fleet_total: page.fleetTotal,
    ...(page.nextCursor ? { next_cursor: page.nextCursor } : {}),
    fetched_at: page.fetchedAt.toISOString(),
    untrusted_fields: fields.filter((f) => UNTRUSTED_ROW_FIELDS.has(f)),
  };
}

/** Fields the text line shows in its fixed positions (the others follow as `field=value`). */
const TEXT_INLINE_FIELDS: ReadonlySet<AgentRowField> = new Set(['name', 'owner', 'status', 'attention', 'last_activity_at', 'message', 'prompt', 'build_error']);

/**
 * One dense line per agent (clients that ignore structured output read this). Sorted by name, agents are
 * grouped under an `@owner` line instead of repeating the owner; ages are compact (`2h5m`).
 */
export function renderAgentListText(d: AgentListView, fields: readonly AgentRowField[], sort: AgentSort, ctx: ViewContext): string {
  const grouped = sort === 'name' && fields.includes('owner') && fields.includes('name');
  const lines = [
    `${d.returned} of ${d.total_matching} matching agents (fleet ${d.fleet_total}). Line: ${grouped ? 'name' : 'owner/name'} status[!] [!attention] time since last activity "message" (! = needs attention)${grouped ? '; grouped under @owner' : ''}.`,
  ];
  if (d.untrusted_fields.length > 0 && d.returned > 0) lines.push(UNTRUSTED_NOTICE);
  let owner: string | undefined;
  for (const a of d.agents) {
    if (grouped && a.owner !== owner) {
      owner = a.owner;
      lines.push(`@${owner ?? ''}`);
    }
    lines.push(renderAgentRowText(a, fields, grouped, ctx.now));
  }
  if (d.next_cursor) lines.push(`More: call list_agents again with cursor="${d.next_cursor}".`);
  else if (d.returned === 0) lines.push(`No agent matches: relax the filters${ctx.offers('get_fleet_status') ? ', or call get_fleet_status' : ''}.`);
  return lines.join('\n');
}

export function renderAgentRowText(a: AgentRowView, fields: readonly AgentRowField[], grouped: boolean, now: Date): string {
  const parts = [grouped ? (a.name ?? a.id) : a.owner && a.name ? `${a.owner}/${a.name}` : (a.name ?? a.id)];
  // `error!` when the attention reason is the status itself, `busy !stuck` otherwise.
  if (a.status) parts.push(a.attention === a.status ? `${a.status}!` : a.status);
  if (a.attention && a.attention !== a.status) parts.push(`!${a.attention}`);
  if (a.last_activity_at) {
    const age = ageMs(a.last_activity_at, now);
    parts.push(age === null ? a.last_activity_at : formatAge(age));
  }
  for (const f of fields) {
    if (TEXT_INLINE_FIELDS.has(f)) continue;
    const v = a[f];
    if (v !== undefined) parts.push(`${f}=${inlineValue(v)}`);
  }
  if (a.message !== undefined) parts.push(quoteUntrusted(a.message));
  if (a.build_error !== undefined) parts.push(`build_error=${quoteUntrusted(truncateText(a.build_error, BUILD_ERROR_TEXT_CHARS))}`);
  if (a.prompt !== undefined) parts.push(`prompt=${quoteUntrusted(a.prompt)}`);
  if (!fields.includes('owner') || !fields.includes('name')) parts.push(`id=${a.id}`);
  return parts.join(' ');
}
