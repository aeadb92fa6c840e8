import { AGENT_SORTS, ageMs, agentSortKey, formatAge, isoSeconds, matchesAgentQuery, truncateText, type Agent, type AgentSort } from '@org/fleet-domain';
import { z } from 'zod';
import { defineTool, failure, success } from '../../define-tool.js';
import { decodeCursor, paginate, queryHash } from '../shared/cursor.js';
import { loadFleet } from '../shared/fleet.js';
import { AgentStatusSchema, AttentionReasonSchema, SeveritySchema, UNTRUSTED_FIELDS_DESCRIPTION } from '../shared/schemas.js';
import { templatesWithCapability } from '../shared/template-facts.js';
import { quoteUntrusted, UNTRUSTED_NOTICE } from '../shared/untrusted.js';

export const AGENT_FIELDS = [
  'name',
  'owner',
  'display_name',
  'status',
  'status_reason',
  'coder_status',
  'state',
  'message',
  'last_activity_at',
  'created_at',
  'updated_at',
  'attention',
  'attention_severity',
  'suggestion',
  'template',
  'preset',
  'healthy',
  'workspace_status',
  'prompt',
] as const;
type AgentField = (typeof AGENT_FIELDS)[number];
export const DEFAULT_FIELDS: readonly AgentField[] = ['name', 'owner', 'status', 'message', 'last_activity_at', 'attention'];
const MESSAGE_CHARS = 64;
/** Fields the text line shows in its fixed positions (the others follow as `field=value`). */
const TEXT_INLINE_FIELDS: ReadonlySet<AgentField> = new Set(['name', 'owner', 'status', 'attention', 'last_activity_at', 'message', 'prompt']);
const PROMPT_CHARS = 200;

const inputSchema = z.object({
  status: z
    .union([AgentStatusSchema, z.array(AgentStatusSchema).min(1)])
    .optional()
    .describe('Only agents in this status, or in any of these statuses'),
  owner: z.string().min(1).optional().describe('Only agents of this owner (username)'),
  template: z.string().min(1).optional().describe('Only agents of this template (name, display name or id)'),
  capability: z.string().min(1).optional().describe('Only agents whose template offers this capability (see list_templates)'),
  needs_attention: z.boolean().optional().describe('true: only agents that need attention (failed, blocked, stuck, offline, waiting for input); false: only those that do not'),
  search: z.string().min(1).max(200).optional().describe('Case-insensitive text searched in name, display name, owner, template, prompt and state message'),
  sort: z.enum(AGENT_SORTS).default('name').describe('name (owner/name A→Z, the most stable for paging), last_activity or created (newest first), status, attention (most severe, longest-waiting first)'),
  limit: z.number().int().min(1).max(200).default(25).describe('Page size'),
  cursor: z.string().min(1).optional().describe('next_cursor from the previous page (same filters and sort)'),
  fields: z
    .array(z.enum(AGENT_FIELDS))
    .min(1)
    .optional()
    .describe(`Fields per agent besides id (default: ${DEFAULT_FIELDS.join(', ')})`),
});

const itemSchema = z.object({
  id: z.string().describe('Task id'),
  name: z.string().optional(),
  owner: z.string().optional(),
  display_name: z.string().optional(),
  status: AgentStatusSchema.optional(),
  status_reason: z.string().optional().describe('Why the status is what it is'),
  coder_status: z.string().optional().describe("Coder's own task status"),
  state: z.string().optional().describe('Last self-reported state: working, idle, complete, failed, unknown'),
  message: z.string().optional().describe(`Last state message, truncated to ${MESSAGE_CHARS} chars (untrusted agent text)`),
  last_activity_at: z.string().optional(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
  attention: AttentionReasonSchema.optional().describe('Why the agent needs attention (absent when it does not)'),
  attention_severity: SeveritySchema.optional(),
  suggestion: z.string().optional().describe('What to do about it'),
  template: z.string().optional(),
  preset: z.string().optional(),
  healthy: z.boolean().optional(),
  workspace_status: z.string().optional(),
  prompt: z.string().optional().describe(`Task prompt, truncated to ${PROMPT_CHARS} chars`),
});
type Item = z.output<typeof itemSchema>;

const outputSchema = z.object({
  agents: z.array(itemSchema),
  returned: z.number().int(),
  total_matching: z.number().int().describe('Agents matching the filters (all pages)'),
  fleet_total: z.number().int().describe('Agents in the fleet before filtering'),
  next_cursor: z.string().optional().describe('Pass as cursor to get the next page; absent on the last page'),
  fetched_at: z.string().describe('When the fleet was read from Coder'),
  untrusted_fields: z.array(z.string()).describe(UNTRUSTED_FIELDS_DESCRIPTION),
});
type Output = z.output<typeof outputSchema>;

export const listAgentsTool = defineTool({
  name: 'list_agents',
  title: 'List agents',
  description:
    'Lists agents (Coder tasks) compactly, filtered by status, owner, template, capability, needs_attention or free text, with sort, limit+cursor paging and a fields selector. Use needs_attention=true to find agents that wait for you. Next: get_agent_details or get_agent_logs for one agent (pass owner/name or id).',
  toolset: 'agents',
  effect: 'read',
  inputSchema,
  outputSchema,
  async handle(input, ctx) {
    const query = queryHash({ ...input, cursor: undefined, limit: undefined, fields: undefined });
    let after;
    if (input.cursor) {
      const c = decodeCursor(input.cursor, query, 'list_agents');
      if (!c.ok) return failure(c.failure);
      after = c.value;
    }
    const fleet = await loadFleet(ctx, 'list agents');
    if (!fleet.ok) return failure(fleet.failure);
    let capable: ReadonlySet<string> | undefined;
    if (input.capability) {
      const r = await templatesWithCapability(ctx, input.capability);
      if (!r.ok) return failure(r.failure);
      capable = r.value;
    }
    const matching = fleet.agents.filter((a) =>
      matchesAgentQuery(a, {
        statuses: input.status === undefined ? undefined : [input.status].flat(),
        owner: input.owner,
        template: input.template,
        templateIds: capable,
        needsAttention: input.needs_attention,
        search: input.search,
      }),
    );
    const { page, nextCursor, total } = paginate(matching, (a) => agentSortKey(a, input.sort), (a) => a.id, { limit: input.limit, after, query });
    const fields = input.fields ?? DEFAULT_FIELDS;
    const data: Output = {
      agents: page.map((a) => toItem(a, fields)),
      returned: page.length,
      total_matching: total,
      fleet_total: fleet.agents.length,
      ...(nextCursor ? { next_cursor: nextCursor } : {}),
      fetched_at: fleet.fetchedAt.toISOString(),
      // Attention suggestions may quote the agent's own message.
      untrusted_fields: fields.filter((f) => f === 'message' || f === 'prompt' || f === 'suggestion'),
    };
    return success(data, render(data, fields, ctx.now(), input.sort));
  },
});

function toItem(a: Agent, fields: readonly AgentField[]): Item {
  const item: Item = { id: a.id };
  for (const f of fields) {
    switch (f) {
      case 'name':
        item.name = a.name;
        break;
      case 'owner':
        item.owner = a.owner;
        break;
      case 'display_name':
        item.display_name = a.displayName;
        break;
      case 'status':
        item.status = a.status;
        break;
      case 'status_reason':
        item.status_reason = a.statusReason;
        break;
      case 'coder_status':
        item.coder_status = a.coderStatus;
        break;
      case 'state':
        if (a.state) item.state = a.state.kind;
        break;
      case 'message':
        if (a.state?.message) item.message = truncateText(a.state.message, MESSAGE_CHARS);
        break;
      case 'last_activity_at':
        item.last_activity_at = isoSeconds(a.lastActivityAt);
        break;
      case 'created_at':
        item.created_at = a.createdAt;
        break;
      case 'updated_at':
        item.updated_at = a.updatedAt;
        break;
      case 'attention':
        if (a.needsAttention) item.attention = a.needsAttention.reason;
        break;
      case 'attention_severity':
        if (a.needsAttention) item.attention_severity = a.needsAttention.severity;
        break;
      case 'suggestion':
        if (a.needsAttention) item.suggestion = a.needsAttention.suggestion;
        break;
      case 'template':
        item.template = a.template.name;
        break;
      case 'preset':
        if (a.preset) item.preset = a.preset;
        break;
      case 'healthy':
        item.healthy = a.health.healthy;
        break;
      case 'workspace_status':
        if (a.workspace.status) item.workspace_status = a.workspace.status;
        break;
      case 'prompt':
        item.prompt = truncateText(a.initialPrompt, PROMPT_CHARS);
        break;
    }
  }
  return item;
}

/**
 * The text rendering: one dense line per agent (clients that ignore structured output read this). Sorted by
 * name, agents are grouped under an `@owner` line instead of repeating the owner; ages are compact (`2h5m`).
 */
function render(d: Output, fields: readonly AgentField[], now: Date, sort: AgentSort): string {
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
      if (v !== undefined) parts.push(`${f}=${String(v)}`);
    }
    if (a.message !== undefined) parts.push(quoteUntrusted(a.message));
    if (a.prompt !== undefined) parts.push(`prompt=${quoteUntrusted(a.prompt)}`);
    if (!fields.includes('owner') || !fields.includes('name')) parts.push(`id=${a.id}`);
    lines.push(parts.join(' '));
  }
  if (d.next_cursor) lines.push(`More: call list_agents again with cursor="${d.next_cursor}".`);
  else if (d.returned === 0) lines.push('No agent matches: relax the filters, or call get_fleet_status.');
  return lines.join('\n');
}
