import { normalizeCapability, truncateText } from '@org/fleet-domain';
import { z } from 'zod';
import { defineTool, failure, success } from '../../define-tool.js';
import { loadTemplateCatalog, type TemplateEntry } from '../shared/template-facts.js';

const inputSchema = z.object({
  include_non_ai: z.boolean().default(false).describe('Also list templates that cannot run AI tasks (shown for completeness, not usable with create_agent_task)'),
  include_deprecated: z.boolean().default(false).describe('Also list deprecated templates'),
  capability: z.string().min(1).optional().describe('Only templates offering this capability (e.g. "gpu", "python", "preset:Operator")'),
  search: z.string().min(1).max(200).optional().describe('Case-insensitive text searched in name, display name and description'),
  include_parameters: z.boolean().default(true).describe('Include each template\'s rich parameters (set false for a shorter answer)'),
});

const limitSchema = z.object({ max: z.number().optional(), min: z.number().optional(), options: z.array(z.number()).optional(), origin: z.string() });

const outputSchema = z.object({
  templates: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      display_name: z.string(),
      description: z.string(),
      active_version_id: z.string().optional(),
      active_version: z.string().optional().describe('Active version name'),
      deprecated: z.boolean(),
      ai_tasks: z.boolean().nullable().describe('Can run AI tasks (true), cannot (false), or unknown (null)'),
      capabilities: z.array(z.string()).describe('Derived and operator-declared capabilities (use with list_agents capability= and create_agent_task requirements)'),
      limits: z.object({ cpu: limitSchema.optional(), memory_gb: limitSchema.optional(), disk_gb: limitSchema.optional() }),
      parameter_limits: z
        .array(z.object({ parameter: z.string(), min: z.number(), max: z.number(), options: z.array(z.number()), origin: z.string() }))
        .optional()
        .describe('Numeric choices of other parameters (e.g. node_version 20, 22); absent when none'),
      presets: z.array(z.object({ id: z.string(), name: z.string(), default: z.boolean(), description: z.string().optional(), parameters: z.array(z.object({ name: z.string(), value: z.string() })) })),
      parameters: z
        .array(
          z.object({
            name: z.string(),
            display_name: z.string().optional(),
            type: z.string().optional(),
            required: z.boolean(),
            default_value: z.string().optional(),
            mutable: z.boolean().optional(),
            options: z.array(z.string()).optional(),
          }),
        )
        .optional(),
      notes: z.array(z.string()),
    }),
  ),
  returned: z.number().int(),
  hidden: z.number().int().describe('Templates left out by the filters'),
});
type Output = z.output<typeof outputSchema>;
type Item = Output['templates'][number];

const PRESET_VALUE_CHARS = 200;

export const listTemplatesTool = defineTool({
  name: 'list_templates',
  title: 'List templates',
  description:
    'The catalogue of templates that can run AI tasks: each with its active version, presets (roles), parameters, derived capabilities and resource limits. Use it to choose where to start new work. Next: create_agent_task with template (name or id) and optionally preset and requirements.',
  toolset: 'templates',
  effect: 'read',
  inputSchema,
  outputSchema,
  async handle(input, ctx) {
    const catalog = await loadTemplateCatalog(ctx);
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
    const data: Output = {
      templates: list.map((e) => toItem(e, input.include_parameters)),
      returned: list.length,
      hidden: catalog.value.length - list.length,
    };
    return success(data, render(data));
  },
});

function toItem(e: TemplateEntry, withParameters: boolean): Item {
  const f = e.facts;
  const limit = (l: (typeof f.limits)['cpu']) =>
    l ? { ...(l.max !== undefined ? { max: l.max } : {}), ...(l.min !== undefined ? { min: l.min } : {}), ...(l.options ? { options: [...l.options] } : {}), origin: l.origin } : undefined;
  const limits: Item['limits'] = {};
  const cpu = limit(f.limits.cpu);
  const mem = limit(f.limits.memoryGb);
  const disk = limit(f.limits.diskGb);
  if (cpu) limits.cpu = cpu;
  if (mem) limits.memory_gb = mem;
  if (disk) limits.disk_gb = disk;
  return {
    id: e.template.id ?? '',
    name: f.name,
    display_name: f.displayName,
    description: truncateText(e.template.description ?? '', 300),
    ...(f.activeVersionId ? { active_version_id: f.activeVersionId } : {}),
    ...(e.version?.name ? { active_version: e.version.name } : {}),
    deprecated: f.deprecated,
    ai_tasks: f.hasAiTask,
    capabilities: [...f.capabilities],
    limits,
    ...(f.parameterLimits.length > 0 ? { parameter_limits: f.parameterLimits.map((l) => ({ ...l, options: [...l.options] })) } : {}),
    presets: e.presets.map((p) => ({
      id: p.ID,
      name: p.Name,
      default: p.Default === true,
      ...(p.Description ? { description: truncateText(p.Description, 300) } : {}),
      parameters: (p.Parameters ?? []).map((x) => ({ name: x.Name, value: truncateText(x.Value, PRESET_VALUE_CHARS) })),
    })),
    ...(withParameters
      ? {
          parameters: e.parameters.map((p) => ({
            name: p.name ?? '',
            ...(p.display_name ? { display_name: p.display_name } : {}),
            ...(p.type ? { type: p.type } : {}),
            required: p.required === true,
            ...(p.default_value ? { default_value: truncateText(p.default_value, 200) } : {}),
            ...(p.mutable !== undefined ? { mutable: p.mutable } : {}),
            ...(p.options && p.options.length > 0 ? { options: p.options.map((o) => o.value ?? o.name ?? '').slice(0, 30) } : {}),
          })),
        }
      : {}),
    notes: e.notes,
  };
}

function render(d: Output): string {
  const lines = [`${d.returned} templates${d.hidden > 0 ? ` (${d.hidden} hidden by filters or without AI-task support)` : ''}.`];
  for (const t of d.templates) {
    const presets = t.presets.map((p) => `${p.name}${p.default ? ' (default)' : ''}`).join(', ');
    const limits = [
      ...Object.entries(t.limits).map(([k, v]) => `${k}≤${v.max ?? '?'}`),
      ...(t.parameter_limits ?? []).map((l) => `${l.parameter} ${l.options.join('|')}`),
    ].join(' ');
    lines.push(
      `- ${t.name}${t.display_name !== t.name ? ` "${t.display_name}"` : ''} [${t.ai_tasks === true ? 'AI tasks' : t.ai_tasks === false ? 'no AI tasks' : 'AI tasks unknown'}${t.deprecated ? ', deprecated' : ''}] id=${t.id}` +
        `${presets ? `; presets: ${presets}` : ''}; capabilities: ${t.capabilities.join(', ') || 'none'}${limits ? `; limits: ${limits}` : ''}`,
    );
    if (t.parameters && t.parameters.length > 0) lines.push(`  parameters: ${t.parameters.map((p) => `${p.name}${p.required ? '*' : ''}`).join(', ')}`);
  }
  lines.push('Next: create_agent_task template=<name> preset=<name> input=<prompt>.');
  return lines.join('\n');
}
