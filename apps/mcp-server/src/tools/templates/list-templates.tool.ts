import { normalizeCapability } from '@org/fleet-domain';
import { z } from 'zod';
import { CapabilityFilterSchema } from '../shared/schemas.js';
import { defineTool, failure, success } from '../../define-tool.js';
import { renderTemplateListText, TemplateListViewSchema, toTemplateListView } from '../../views/template.js';
import { loadTemplateCatalog } from '../../runtime/template-facts.js';

const inputSchema = z.object({
  include_non_ai: z.boolean().default(false).describe('Also non-AI templates'),
  include_deprecated: z.boolean().default(false).describe('Also deprecated ones'),
  capability: CapabilityFilterSchema.optional().describe('Only with this capability (e.g. "gpu")'),
  search: z.string().min(1).max(200).optional().describe('Text in name or description'),
  include_parameters: z.boolean().default(true).describe('With parameters'),
});

export const listTemplatesTool = defineTool({
  name: 'list_templates',
  title: 'List templates',
  description:
    'Templates that can run AI tasks (where to start work): active version, presets (roles), parameters, capabilities, limits. Next: create_agent_task with template and preset.',
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
