import { normalizeCapability } from '@org/fleet-domain';
import { z } from 'zod';
import { CapabilityFilterSchema } from '../shared/schemas.js';
import { defineTool, failure, success } from '../../define-tool.js';
import { renderTemplateListText, TemplateListViewSchema, toTemplateListView } from '../../views/template.js';
import { loadTemplateCatalog } from '../../runtime/template-facts.js';

const inputSchema = z.object({
  include_non_ai: z.boolean().default(false).describe('Also list templates that cannot run AI tasks (shown for completeness, not usable with create_agent_task)'),
  include_deprecated: z.boolean().default(false).describe('Also list deprecated templates'),
  capability: CapabilityFilterSchema.optional().describe('Only templates offering this capability (e.g. "gpu", "python", "preset:Operator")'),
  search: z.string().min(1).max(200).optional().describe('Case-insensitive text searched in name, display name and description'),
  include_parameters: z.boolean().default(true).describe('Include each template\'s rich parameters (set false for a shorter answer)'),
});

export const listTemplatesTool = defineTool({
  name: 'list_templates',
  title: 'List templates',
  description:
    'The catalogue of templates that can run AI tasks: each with its active version, presets (roles), parameters, derived capabilities and resource limits. Use it to choose where to start new work. Next: create_agent_task with template (name or id) and optionally preset and requirements.',
  toolset: 'templates',
  effect: 'read',
  inputSchema,
  outputSchema: TemplateListViewSchema,
  async handle(input, ctx) {
    const catalog = await loadTemplateCatalog(ctx.runtime.templates);
    if (!catalog.ok) return failure(catalog.failure);
    const wanted = input.capability ? normalizeCapability(input.capability) : undefined;
    const needle = input.search?.toLowerCase();
    const base = catalog.value.filter(
      (e) =>
        (input.include_deprecated || !e.facts.deprecated) &&
        (!wanted || e.facts.capabilities.includes(wanted)) &&
        (!needle || [e.facts.name, e.facts.displayName, e.template.description ?? ''].some((h) => h.toLowerCase().includes(needle))),
    );
    // AI-task support comes from fleet-domain (true / false / unknown). When no template is known to
    // support it (older Coder without the "AI Prompt" convention), show the unknown ones rather than nothing.
    const known = base.filter((e) => e.facts.hasAiTask === true);
    const list = input.include_non_ai ? base : known.length > 0 ? known : base.filter((e) => e.facts.hasAiTask !== false);
    const view = toTemplateListView(list, catalog.value.length, { withParameters: input.include_parameters });
    return success(view, renderTemplateListText(view, ctx.view()));
  },
});
