import { AGENT_SORTS, agentSortKey, matchesAgentQuery } from '@org/fleet-domain';
import { fitPage } from '../../answer-ceiling.js';
import { z } from 'zod';
import { OwnerFilterSchema, TemplateFilterSchema, CapabilityFilterSchema, CursorSchema } from '../shared/schemas.js';
import { defineTool, failure, success } from '../../define-tool.js';
import { AGENT_ROW_FIELDS, AgentListViewSchema, DEFAULT_AGENT_ROW_FIELDS, DEFAULT_ATTENTION_ROW_FIELDS, renderAgentListText, toAgentListView } from '../../views/agent-row.js';
import { AgentStatusSchema } from '../../views/parts.js';
import { decodeCursor, paginate, queryHash, type CursorPayload } from '../shared/cursor.js';
import { loadFleet } from '../../runtime/load-fleet.js';
import { templatesWithCapability } from '../../runtime/template-facts.js';

const inputSchema = z.object({
  status: z
    .union([AgentStatusSchema, z.array(AgentStatusSchema).min(1)])
    .optional()
    .describe('Only these statuses'),
  owner: OwnerFilterSchema.optional().describe('Only this owner (username)'),
  template: TemplateFilterSchema.optional().describe('Only this template (name, display name or id)'),
  capability: CapabilityFilterSchema.optional().describe('Only agents with this capability'),
  needs_attention: z.boolean().optional().describe('true: only those needing attention; false: the others'),
  search: z.string().min(1).max(200).optional().describe('Text in name, owner, template, prompt or message'),
  sort: z.enum(AGENT_SORTS).default('name').describe('last_activity, created: newest first'),
  limit: z.number().int().min(1).max(200).default(25).describe('Page size'),
  cursor: CursorSchema.optional().describe('A next_cursor'),
  fields: z
    .array(z.enum(AGENT_ROW_FIELDS))
    .min(1)
    .optional()
    .describe(`Fields besides id (default: ${DEFAULT_AGENT_ROW_FIELDS.join(', ')}; needs_attention=true adds build_error)`),
});

export const listAgentsTool = defineTool({
  name: 'list_agents',
  title: 'List agents',
  description:
    'Agents in compact rows: filtered, sorted, paged, chosen fields; needs_attention=true: those waiting for you. Next: get_agent_details or get_agent_logs on one.',
  toolset: 'agents',
  effect: 'read',
  inputSchema,
  outputSchema: AgentListViewSchema,
  async handle(input, ctx) {
    const query = queryHash({ ...input, cursor: undefined, limit: undefined, fields: undefined });
    let after: CursorPayload | undefined;
    if (input.cursor) {
      const c = decodeCursor(input.cursor, query, 'list_agents');
      if (!c.ok) return failure(c.failure);
      after = c.value;
    }
    const fleet = await loadFleet(ctx.runtime.backend, 'list agents');
    if (!fleet.ok) return failure(fleet.failure);
    let capable: ReadonlySet<string> | undefined;
    if (input.capability) {
      const r = await templatesWithCapability(ctx.runtime.templates, input.capability);
      if (!r.ok) return failure(r.failure);
      capable = r.value;
    }
    const matching = fleet.value.agents.filter((a) =>
      matchesAgentQuery(a, {
        statuses: input.status === undefined ? undefined : [input.status].flat(),
        owner: input.owner,
        template: input.template,
        templateIds: capable,
        needsAttention: input.needs_attention,
        search: input.search,
      }),
    );
    const fields = input.fields ?? (input.needs_attention ? DEFAULT_ATTENTION_ROW_FIELDS : DEFAULT_AGENT_ROW_FIELDS);
    const vc = ctx.view();
    const pageOf = (limit: number) => paginate(matching, (a) => agentSortKey(a, input.sort), (a) => a.id, { limit, after, query });
    // Failed tasks on the page get their cause (a bounded, cached build lookup), not just a pointer to it.
    const buildErrors = fields.includes('build_error') && matching.some((a) => a.status === 'error' && a.kind !== 'chat') ? await ctx.runtime.buildErrors.of(pageOf(input.limit).page, ctx.signal) : undefined;
    // A page of many agents with every field can outgrow the answer ceiling: fitPage shortens it (the cursor follows).
    const fitted = fitPage(input.limit, (limit) => {
      const { page, nextCursor, total } = pageOf(limit);
      const view = toAgentListView({ agents: page, total, fleetTotal: fleet.value.agents.length, ...(nextCursor ? { nextCursor } : {}), fetchedAt: fleet.value.fetchedAt, ...(buildErrors ? { buildErrors } : {}) }, fields, vc);
      return { data: view, text: renderAgentListText(view, fields, input.sort, vc) };
    });
    return success(fitted.data, fitted.text);
  },
});
