/**
 * Template capabilities and resource limits (FR-014, US3), derived from what Coder knows plus the
 * operator's declared map. A capability is something work can require ("python", "gpu-a100", "docker"),
 * never a raw parameter value: numbers are limits, "none"/"false" mean absent. Sources, in the order they
 * appear in `capabilities`:
 * 1. declared capabilities (operator file, see declared.ts),
 * 2. the template name and its meaningful words (`python-dev` -> `python-dev`, `python`; generic words such as
 *    `dev`, `full`, `stack` are not capabilities), and the display name's when it says other words,
 * 3. `ai-task` when the template supports Coder Tasks (caller-known `hasAiTask`, or an "AI Prompt" parameter),
 * 4. presets as `preset:<name>` (roles such as `preset:researcher`),
 * 5. capability-like parameters (see `parameterCapabilities`): named options of a "kind" parameter as bare
 *    names (`language` python|go -> `python`, `go`); named options of any other parameter as `<stem>-<option>`
 *    plus the stem (`gpu` none|t4|a100 -> `gpu`, `gpu-t4`, `gpu-a100`; "none"/"off"/"false" are skipped);
 *    a boolean parameter as its feature name (`enable_docker` -> `docker`); a `<tool>_version` parameter as
 *    the tool (`node_version` 20|22 -> `node`). Parameters about placement, identity or prompts
 *    (region, repo, dotfiles, system_prompt, ...) give no capability.
 * Limits come from resource-like parameters (`cpu`, `cores`; `memory`, `memory_gb`, `ram`; `disk_size`, `storage`):
 * the maximum of their option values ("2", "4", "8", "8GB", "512Mi"), else `validation_max`. Declared limits win.
 * Numeric options of any other parameter become `parameterLimits` (`node_version` options 20, 22), not capabilities.
 * Capability names are normalised: lower case, whitespace and `_` become `-`.
 */
import type { Preset, Template, TemplateVersion, TemplateVersionParameter } from '../mapping/coder-types.js';
import { type DeclaredCapabilities, type DeclaredTemplate, type LimitKind, declaredFor } from './declared.js';

export type CapabilitySource = 'declared' | 'template-name' | 'display-name' | 'ai-task' | 'preset' | 'parameter';

export interface CapabilityFact {
  readonly name: string;
  readonly source: CapabilitySource;
}

export interface ResourceLimit {
  /** Maximum allowed value (cores for cpu, GB for memory and disk); undefined when the parameter has no bound. */
  readonly max?: number;
  readonly min?: number;
  readonly source: 'parameter' | 'declared';
  /** Parameter name when derived from one. */
  readonly parameter?: string;
  /** Parsed option values, ascending, when the parameter is a choice. */
  readonly options?: readonly number[];
  /** Human origin used in messages: `parameter "memory" options 2, 4`, `parameter "disk_size" max 50`, `declared limit`. */
  readonly origin: string;
}

export interface ParameterLimit {
  readonly parameter: string;
  readonly min: number;
  readonly max: number;
  /** Ascending. */
  readonly options: readonly number[];
  /** `parameter "node_version" options 20, 22`. */
  readonly origin: string;
}

export interface TemplateFacts {
  readonly templateId?: string;
  readonly name: string;
  readonly displayName: string;
  readonly activeVersionId?: string;
  readonly deprecated: boolean;
  /** true / false when known, null when Coder did not say. */
  readonly hasAiTask: boolean | null;
  /** Normalised capability names, unique, in source order (declared first). */
  readonly capabilities: readonly string[];
  readonly capabilityFacts: readonly CapabilityFact[];
  readonly limits: Readonly<Partial<Record<LimitKind, ResourceLimit>>>;
  /** Numeric choices of non-resource parameters (e.g. `node_version` 20, 22), by parameter. */
  readonly parameterLimits: readonly ParameterLimit[];
  readonly presets: readonly string[];
  readonly parameters: readonly string[];
}

/** What Coder returned about one template (any subset) plus the optional declared map. */
export interface TemplateFactsInput {
  readonly template: Pick<Template, 'id' | 'name' | 'display_name' | 'active_version_id' | 'deprecated'> & { readonly name?: string };
  readonly version?: Pick<TemplateVersion, 'id' | 'name'>;
  readonly presets?: readonly Preset[] | null;
  readonly parameters?: readonly TemplateVersionParameter[] | null;
  /** The whole declared map (looked up by template name) or the entry for this template. */
  readonly declared?: DeclaredCapabilities | DeclaredTemplate;
  /** AI-task support when the caller knows it (e.g. `has_ai_task` of a build, or a `has-ai-task:true` listing). */
  readonly hasAiTask?: boolean;
}

/** Normalise a capability name: lower case, trimmed, whitespace/underscores -> `-`. */
export function normalizeCapability(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_]+/g, '-');
}

const CPU_NAME = /(^|[_\-\s])(cpus?|vcpus?|cores?|cpu[_-]?cores?|cpu[_-]?count)($|[_\-\s])/;
const MEMORY_NAME = /(^|[_\-\s])(memory|mem|ram)($|[_\-\s])/;
const DISK_NAME = /(^|[_\-\s])(disk|storage|volume)($|[_\-\s])/;
const AI_PROMPT_NAME = /^ai[\s_-]?prompt$/;

/** Which resource a parameter controls, from its name (e.g. `memory_gb` -> memoryGb, `disk_size` -> diskGb). */
export function resourceKindOf(parameterName: string): LimitKind | undefined {
  const n = parameterName.toLowerCase();
  if (CPU_NAME.test(n)) return 'cpu';
  if (MEMORY_NAME.test(n)) return 'memoryGb';
  if (DISK_NAME.test(n)) return 'diskGb';
  return undefined;
}

const QUANTITY = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i;

/**
 * Parse a resource quantity: "4" -> 4, "8GB"/"8Gi"/"8 G" -> 8, "512Mi"/"512MB" -> 0.5 (GB kinds),
 * "2000m" -> 2 (cpu millicores), "1Ti" -> 1024. Bare numbers on a parameter whose name says `mb` are MB.
 * Returns undefined for anything else.
 */
export function parseQuantity(raw: string, kind: LimitKind, parameterName = ''): number | undefined {
  const m = QUANTITY.exec(raw);
  if (!m) return undefined;
  const value = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  if (kind === 'cpu') {
    if (unit === '' || unit === 'core' || unit === 'cores' || unit === 'cpu' || unit === 'cpus') return value;
    if (unit === 'm') return value / 1000;
    return undefined;
  }
  switch (unit) {
    case '':
      return /(^|[_-])mb($|[_-])/i.test(parameterName) ? value / 1024 : value;
    case 'g':
    case 'gb':
    case 'gi':
    case 'gib':
      return value;
    case 'm':
    case 'mb':
    case 'mi':
    case 'mib':
      return value / 1024;
    case 't':
    case 'tb':
    case 'ti':
    case 'tib':
      return value * 1024;
    default:
      return undefined;
  }
}

export function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}

function limitFromParameter(p: TemplateVersionParameter, kind: LimitKind): ResourceLimit {
  const name = p.name ?? '';
  const options = (p.options ?? [])
    .map((o) => parseQuantity(o.value ?? '', kind, name))
    .filter((v): v is number => v !== undefined)
    .sort((a, b) => a - b);
  if (options.length > 0) {
    return {
      max: options[options.length - 1] as number,
      min: options[0] as number,
      source: 'parameter',
      parameter: name,
      options,
      origin: `parameter "${name}" options ${options.map(formatNumber).join(', ')}`,
    };
  }
  if (typeof p.validation_max === 'number' && p.validation_max > 0) {
    const max = parseQuantity(String(p.validation_max), kind, name) as number;
    const min = typeof p.validation_min === 'number' ? parseQuantity(String(p.validation_min), kind, name) : undefined;
    return {
      max,
      ...(min !== undefined ? { min } : {}),
      source: 'parameter',
      parameter: name,
      origin: `parameter "${name}" max ${formatNumber(max)}`,
    };
  }
  if (p.mutable === false && p.default_value) {
    const fixed = parseQuantity(p.default_value, kind, name);
    if (fixed !== undefined) {
      return { max: fixed, min: fixed, source: 'parameter', parameter: name, origin: `parameter "${name}" fixed at ${formatNumber(fixed)}` };
    }
  }
  return { source: 'parameter', parameter: name, origin: `parameter "${name}" has no options or maximum` };
}

/**
 * Words of template names that say nothing about what the template can do ("python-dev" offers python,
 * not "dev"; "Node Full-stack" offers node, not "full" and "stack"): never capabilities on their own.
 */
const GENERIC_WORDS = new Set([
  'dev', 'devel', 'development', 'site', 'full', 'stack', 'fullstack', 'small', 'medium', 'large', 'xl', 'mini', 'base', 'basic', 'default',
  'standard', 'std', 'simple', 'general', 'main', 'new', 'old', 'my', 'the', 'and', 'for', 'with', 'template', 'workspace', 'env',
  'environment', 'box', 'vm', 'machine', 'container', 'image', 'sandbox', 'playground', 'starter', 'kit', 'test', 'demo', 'v1', 'v2',
]);

/** The meaningful words of a template name: at least two characters, not a generic word. */
function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9.+]+/)
    .filter((t) => t.length >= 2 && !GENERIC_WORDS.has(t));
}

/** The same words whatever the punctuation: "Node Full-stack" and "node-fullstack" are one name. */
const sameWords = (a: string, b: string) => a.toLowerCase().replace(/[^a-z0-9]+/g, '') === b.toLowerCase().replace(/[^a-z0-9]+/g, '');

/** Parameters whose options name a kind of thing: their option values are capabilities as they are. */
const KIND_PARAMETER = /^(languages?|lang|runtimes?|stacks?|frameworks?|toolchains?|tools|ides?|editors?|os|distro)$/;
/** Parameters about placement, identity, prompts or plumbing: never capabilities. */
const NOT_CAPABILITY =
  /(^|-)(region|location|zone|datacenter|dc|cluster|timezone|tz|dotfiles|repo|repository|git|url|uri|branch|prompt|name|username|user|owner|email|token|secret|password|key|path|dir|directory|home|schedule|ttl|timeout|autostop|autostart|namespace|project|theme|locale|lang-code)($|-)/;
/** Option values that mean "without it". */
const OFF_VALUES = new Set(['none', 'off', 'false', 'no', 'disabled', 'disable', '0', 'n/a', 'null']);
const ON_VALUES = new Set(['true', 'on', 'yes', 'enabled', 'enable', '1']);
/** A capability-shaped token: short, no paths, URLs or spaces. */
const SIMPLE = /^[a-z0-9][a-z0-9.+-]{0,31}$/;
const BOOL_AFFIXES = /^(enable|enabled|with|use|install|has|include|add)-|-(enabled|support|supported|install|installed)$/g;
const STEM_SUFFIX = /-(type|kind|model|flavor|flavour|variant|version|ver|choice|option)$/;
const VERSION_NAME = /-(version|ver)$/;

const isNumber = (v: string) => v.trim() !== '' && Number.isFinite(Number(v));

function optionToken(o: { readonly value?: string; readonly name?: string }): string | undefined {
  for (const raw of [o.value, o.name]) {
    const n = normalizeCapability(raw ?? '');
    if (SIMPLE.test(n)) return n;
  }
  return undefined;
}

/** Numeric option values of a parameter, ascending (empty when it has none). */
function numericOptions(p: TemplateVersionParameter): number[] {
  if (p.type === 'bool') return [];
  return (p.options ?? [])
    .map((o) => o.value ?? '')
    .filter(isNumber)
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * The capabilities one (non-resource) parameter offers; see the file comment. Pure function of the
 * parameter's name, type and options.
 */
export function parameterCapabilities(p: Pick<TemplateVersionParameter, 'name' | 'type' | 'options'>): string[] {
  const name = normalizeCapability(p.name ?? '');
  if (name === '' || AI_PROMPT_NAME.test(name) || NOT_CAPABILITY.test(name) || resourceKindOf(name)) return [];
  const values = (p.options ?? []).map((o) => normalizeCapability(o.value ?? ''));
  if (values.length > 0 && values.every((v) => OFF_VALUES.has(v))) return [];
  const boolish = p.type === 'bool' || (values.length > 0 && values.every((v) => ON_VALUES.has(v) || OFF_VALUES.has(v)));
  if (boolish) {
    const feature = name.replace(BOOL_AFFIXES, '');
    return feature.length >= 2 ? [feature] : [];
  }
  const options = p.options ?? [];
  if (options.length === 0 || options.length > 20) return [];
  const stem = name.replace(STEM_SUFFIX, '');
  const out: string[] = [];
  if (VERSION_NAME.test(name) && stem.length >= 2) out.push(stem);
  const named = options
    .filter((o) => !isNumber(o.value ?? ''))
    .map(optionToken)
    .filter((t): t is string => t !== undefined && !OFF_VALUES.has(t));
  if (named.length === 0) return out;
  if (KIND_PARAMETER.test(name)) return [...out, ...named];
  if (!out.includes(stem)) out.push(stem);
  for (const t of named) out.push(t.startsWith(`${stem}-`) ? t : `${stem}-${t}`);
  return out;
}

export function deriveTemplateFacts(input: TemplateFactsInput): TemplateFacts {
  const { template } = input;
  const name = template.name ?? '';
  const displayName = template.display_name || name;
  const declared = input.declared && 'templates' in input.declared ? declaredFor(input.declared, name) : input.declared;
  const parameters = input.parameters ?? [];
  const presets = input.presets ?? [];

  const facts: CapabilityFact[] = [];
  const seen = new Set<string>();
  const add = (raw: string, source: CapabilitySource) => {
    const n = normalizeCapability(raw);
    if (n === '' || seen.has(n)) return;
    seen.add(n);
    facts.push({ name: n, source });
  };

  for (const c of declared?.capabilities ?? []) add(c, 'declared');
  if (name) add(name, 'template-name');
  for (const t of tokens(name)) add(t, 'template-name');
  if (displayName !== name && !sameWords(displayName, name)) {
    add(displayName, 'display-name');
    for (const t of tokens(displayName)) add(t, 'display-name');
  }
  const hasAiPrompt = parameters.some((p) => AI_PROMPT_NAME.test((p.name ?? '').toLowerCase()));
  const hasAiTask = input.hasAiTask ?? (hasAiPrompt ? true : null);
  if (hasAiTask) add('ai-task', 'ai-task');
  for (const p of presets) if (p.Name) add(`preset:${p.Name}`, 'preset');

  const limits: Partial<Record<LimitKind, ResourceLimit>> = {};
  const parameterLimits: ParameterLimit[] = [];
  for (const p of parameters) {
    const pname = p.name ?? '';
    if (!pname) continue;
    const kind = resourceKindOf(pname);
    if (kind) {
      const limit = limitFromParameter(p, kind);
      const prev = limits[kind];
      // Several parameters for one resource: keep the one with a known, larger bound.
      if (!prev || (limit.max !== undefined && (prev.max === undefined || limit.max > prev.max))) limits[kind] = limit;
      continue;
    }
    for (const c of parameterCapabilities(p)) add(c, 'parameter');
    const numeric = numericOptions(p);
    if (numeric.length > 0) {
      parameterLimits.push({
        parameter: pname,
        min: numeric[0] as number,
        max: numeric[numeric.length - 1] as number,
        options: numeric,
        origin: `parameter "${pname}" options ${numeric.map(formatNumber).join(', ')}`,
      });
    }
  }
  for (const [kind, max] of Object.entries(declared?.limits ?? {}) as [LimitKind, number][]) {
    limits[kind] = { max, source: 'declared', origin: 'declared limit' };
  }

  return {
    ...(template.id ? { templateId: template.id } : {}),
    name,
    displayName,
    ...(template.active_version_id ? { activeVersionId: template.active_version_id } : {}),
    deprecated: template.deprecated === true,
    hasAiTask,
    capabilities: facts.map((f) => f.name),
    capabilityFacts: facts,
    limits,
    parameterLimits,
    presets: presets.map((p) => p.Name).filter((n): n is string => Boolean(n)),
    parameters: parameters.map((p) => p.name ?? '').filter((n) => n !== ''),
  };
}
