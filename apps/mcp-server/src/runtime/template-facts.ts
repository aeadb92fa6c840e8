/**
 * The template catalogue as the tools see it: Coder's templates with the active version's presets and rich
 * parameters (all cached in the runtime's TemplateCatalog) and fleet-domain's derived TemplateFacts.
 * Shared by list_templates, list_agents (capability filter) and the lifecycle tools (create_agent_task).
 */
import { deriveTemplateFacts, normalizeCapability, type TemplateFacts } from '@org/fleet-domain';
import type { CoderResult, Preset, Template, TemplateVersion, TemplateVersionParameter } from '../coder.js';
import { fromCoderApiError, toolFailure, type Outcome } from '../failures.js';
import type { TemplateCatalog } from './template-catalog.js';

export interface TemplateEntry {
  template: Template;
  version?: TemplateVersion;
  presets: Preset[];
  parameters: TemplateVersionParameter[];
  facts: TemplateFacts;
  /** Parts that could not be loaded (the entry is still usable). */
  notes: string[];
}


const CONCURRENCY = 8;

/** `fn` over `items`, at most `limit` at a time, results in order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const valueOr = <T>(r: CoderResult<T>, fallback: T, notes: string[], what: string): T => {
  if (r.ok) return r.value;
  notes.push(`${what} unavailable (${r.error.kind})`);
  return fallback;
};

/** Loads one template's active version data and derives its facts. */
export async function loadTemplateEntry(catalog: TemplateCatalog, template: Template): Promise<TemplateEntry> {
  const notes: string[] = [];
  const versionId = template.active_version_id;
  let version: TemplateVersion | undefined;
  let presets: Preset[] = [];
  let parameters: TemplateVersionParameter[] = [];
  if (versionId) {
    const [v, p, q] = await Promise.all([
      catalog.version(versionId),
      catalog.presets(versionId),
      catalog.parameters(versionId),
    ]);
    version = valueOr<TemplateVersion | undefined>(v, undefined, notes, 'version');
    presets = valueOr(p, [], notes, 'presets') ?? [];
    parameters = valueOr(q, [], notes, 'parameters') ?? [];
  } else {
    notes.push('no active version');
  }
  const facts = deriveTemplateFacts({
    template,
    ...(version ? { version } : {}),
    presets,
    parameters,
    ...(catalog.declared ? { declared: catalog.declared } : {}),
  });
  return { template, ...(version ? { version } : {}), presets, parameters, facts, notes };
}

/** Every template with facts (one cached templates request plus cached per-version data). */
export async function loadTemplateCatalog(catalog: TemplateCatalog): Promise<Outcome<TemplateEntry[]>> {
  const r = await catalog.templates();
  if (!r.ok) return { ok: false, failure: fromCoderApiError(r.error, { action: 'list templates' }) };
  return { ok: true, value: await mapBounded(r.value, CONCURRENCY, (t) => loadTemplateEntry(catalog, t)) };
}

/** Ids of templates offering a capability (normalised the domain's way). */
export async function templatesWithCapability(catalog: TemplateCatalog, capability: string): Promise<Outcome<ReadonlySet<string>>> {
  const entries = await loadTemplateCatalog(catalog);
  if (!entries.ok) return entries;
  const wanted = normalizeCapability(capability);
  return { ok: true, value: new Set(entries.value.filter((e) => e.facts.capabilities.includes(wanted)).map((e) => e.template.id ?? '')) };
}

/** Finds a template by id, name or display name (case-insensitive); failure lists valid names. */
export async function resolveTemplate(catalog: TemplateCatalog, ref: string): Promise<Outcome<TemplateEntry>> {
  const r = await catalog.templates();
  if (!r.ok) return { ok: false, failure: fromCoderApiError(r.error, { action: `look up template '${ref}'` }) };
  const lower = ref.toLowerCase();
  const found =
    r.value.find((t) => t.id === ref) ?? r.value.find((t) => t.name?.toLowerCase() === lower) ?? r.value.find((t) => t.display_name?.toLowerCase() === lower);
  if (!found) {
    const names = r.value.map((t) => t.name).filter(Boolean).slice(0, 30).join(', ');
    return { ok: false, failure: toolFailure('template_not_found', `No template matches '${ref}'. Known templates: ${names || 'none'}.`, 'Call list_templates and pass a template name or id from it.') };
  }
  return { ok: true, value: await loadTemplateEntry(catalog, found) };
}
