import { normalizeCapability } from '@org/fleet-domain';
import { z } from 'zod';
import { CapabilityFilterSchema } from '../shared/schemas.js';
import { defineTool, failure, success } from '../../define-tool.js';
import { renderTemplateListText, TemplateListViewSchema, toTemplateListView } from '../../views/template.js';
import { loadTemplateCatalog } from '../../runtime/template-facts.js';

const inputSchema = z.object({
  include_non_ai: z.boolean().default(false).describe('Also templates that cannot run AI tasks'),
  include_deprecated: z.boolean().default(false).describe('Also list deprecated templates'),
  capability: CapabilityFilterSchema.optional().describe('Only templates offering this capability (e.g. "gpu")'),
  search: z.string().min(1).max(200).optional().describe('Text searched in name and description'),
  include_parameters: z.boolean().default(true).describe('Include rich parameters'),
});

export const listTemplatesTool = defineTool({
  name: 'list_templates',
  title: 'List templates',
  description:
    'Templates that can run AI tasks: active version, presets (roles), parameters, capabilities, limits. Use it to choose where to start new work. Next: create_agent_task with template and preset.',
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
