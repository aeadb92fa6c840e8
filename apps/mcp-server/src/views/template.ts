/**
 * Template: one template of the catalogue (list_templates) with its active version, presets, parameters,
 * fleet-domain's derived facts (capabilities, limits, AI-task support) and notes on parts that failed to load.
 */
import { quoteUntrusted } from './untrusted.js';
import { truncateText, type TemplateFacts } from '@org/fleet-domain';
import { z } from 'zod';
import type { Preset, Template, TemplateVersion, TemplateVersionParameter } from '../coder.js';
import type { ViewContext } from './parts.js';

const PRESET_VALUE_CHARS = 200;

/** One catalogue entry, as the runtime's template catalog loads it. */
export interface TemplateSource {
  template: Template;
  version?: TemplateVersion;
  presets: readonly Preset[];
  parameters: readonly TemplateVersionParameter[];
  facts: TemplateFacts;
  notes: readonly string[];
}

const limitSchema = z.object({ max: z.number().optional(), min: z.number().optional(), options: z.array(z.number()).optional(), origin: z.string() });

export const TemplateViewSchema = z.object({
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
});
export type TemplateView = z.output<typeof TemplateViewSchema>;

type Limit = TemplateFacts['limits']['cpu'];
const toLimit = (l: Limit) =>
  l ? { ...(l.max !== undefined ? { max: l.max } : {}), ...(l.min !== undefined ? { min: l.min } : {}), ...(l.options ? { options: [...l.options] } : {}), origin: l.origin } : undefined;

export function toTemplateView(e: TemplateSource, options: { withParameters: boolean }): TemplateView {
  const f = e.facts;
  const limits: TemplateView['limits'] = {};
  const cpu = toLimit(f.limits.cpu);
  const mem = toLimit(f.limits.memoryGb);
  const disk = toLimit(f.limits.diskGb);
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
    ...(options.withParameters
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
    notes: [...e.notes],
  };
}

/** One line per template (plus its parameter names). */
export function renderTemplateText(t: TemplateView): string {
  const presets = t.presets.map((p) => `${p.name}${p.default ? ' (default)' : ''}`).join(', ');
  const limits = [...Object.entries(t.limits).map(([k, v]) => `${k}≤${v.max ?? '?'}`), ...(t.parameter_limits ?? []).map((l) => `${l.parameter} ${l.options.join('|')}`)].join(' ');
  const line =
    `- ${t.name}${t.display_name !== t.name ? ` ${quoteUntrusted(t.display_name)}` : ''} [${t.ai_tasks === true ? 'AI tasks' : t.ai_tasks === false ? 'no AI tasks' : 'AI tasks unknown'}${t.deprecated ? ', deprecated' : ''}] id=${t.id}` +
    `${presets ? `; presets: ${presets}` : ''}; capabilities: ${t.capabilities.join(', ') || 'none'}${limits ? `; limits: ${limits}` : ''}`;
  return t.parameters && t.parameters.length > 0 ? `${line}\n  parameters: ${t.parameters.map((p) => `${p.name}${p.required ? '*' : ''}`).join(', ')}` : line;
}

// ---- the catalogue page (list_templates) -----------------------------------------------------------

export const TemplateListViewSchema = z.object({
  templates: z.array(TemplateViewSchema),
  returned: z.number().int(),
  hidden: z.number().int().describe('Templates left out by the filters'),
});
export type TemplateListView = z.output<typeof TemplateListViewSchema>;

export function toTemplateListView(listed: readonly TemplateSource[], catalogSize: number, options: { withParameters: boolean }): TemplateListView {
  return { templates: listed.map((e) => toTemplateView(e, options)), returned: listed.length, hidden: catalogSize - listed.length };
}

export function renderTemplateListText(d: TemplateListView, ctx: ViewContext): string {
  const lines = [`${d.returned} templates${d.hidden > 0 ? ` (${d.hidden} hidden by filters or without AI-task support)` : ''}.`];
  for (const t of d.templates) lines.push(renderTemplateText(t));
  if (ctx.offers('create_agent_task')) lines.push('Next: create_agent_task template=<name> preset=<name> input=<prompt>.');
  return lines.join('\n');
}
