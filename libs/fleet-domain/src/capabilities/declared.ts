/**
 * The operator-declared capability map (FR-014): facts Coder cannot know, e.g. "this template has a GPU"
 * or "this template's nodes have 16 GB RAM". Format (JSON, or YAML parsed by the caller into the same shape):
 *
 * ```json
 * { "templates": { "<template name>": { "capabilities": ["python", "docker"], "limits": { "cpu": 8, "memoryGb": 16, "diskGb": 100 } } } }
 * ```
 * - `templates` keys are Coder template names (`name`, not the display name); matched exactly, then case-insensitively.
 * - `capabilities`: optional array of non-empty strings (normalised: lower case, spaces/underscores -> `-`).
 * - `limits`: optional; each of `cpu` (cores), `memoryGb`, `diskGb` a positive number. Declared limits override
 *   limits derived from template parameters.
 * Unknown keys are errors (a typo must not silently drop a limit).
 */
import { err, ok, type Result } from '../result.js';

export type LimitKind = 'cpu' | 'memoryGb' | 'diskGb';
export const LIMIT_KINDS: readonly LimitKind[] = ['cpu', 'memoryGb', 'diskGb'];

export interface DeclaredTemplate {
  readonly capabilities: readonly string[];
  readonly limits: Readonly<Partial<Record<LimitKind, number>>>;
}

export interface DeclaredCapabilities {
  readonly templates: Readonly<Record<string, DeclaredTemplate>>;
}

export interface DeclaredMapError {
  readonly kind: 'invalid_declared_map';
  /** JSON path of the offending value, e.g. `templates["python-dev"].limits.cpu`. */
  readonly path: string;
  readonly message: string;
}

const LIMIT_HINTS: Readonly<Record<string, LimitKind>> = {
  memory: 'memoryGb',
  mem: 'memoryGb',
  ram: 'memoryGb',
  memory_gb: 'memoryGb',
  memorygb: 'memoryGb',
  disk: 'diskGb',
  disk_gb: 'diskGb',
  disksize: 'diskGb',
  disk_size: 'diskGb',
  cpus: 'cpu',
  cores: 'cpu',
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  return typeof v === 'object' ? 'an object' : String(v);
}

/** Validate an already-parsed value (JSON.parse / YAML.parse output) as a declared capability map. */
export function parseDeclaredCapabilities(input: unknown): Result<DeclaredCapabilities, DeclaredMapError[]> {
  const errors: DeclaredMapError[] = [];
  const fail = (path: string, message: string) => errors.push({ kind: 'invalid_declared_map', path, message });
  if (!isRecord(input)) {
    fail('$', `expected an object like {"templates": {...}}, got ${describeValue(input)}`);
    return err(errors);
  }
  for (const key of Object.keys(input)) if (key !== 'templates') fail(key, `unknown key "${key}"; only "templates" is allowed`);
  const templates = input['templates'];
  if (!isRecord(templates)) {
    fail('templates', `expected an object mapping template names to {capabilities, limits}, got ${describeValue(templates)}`);
    return err(errors);
  }
  const out: Record<string, DeclaredTemplate> = {};
  for (const [name, entry] of Object.entries(templates)) {
    const at = `templates[${JSON.stringify(name)}]`;
    if (name.trim() === '') fail(at, 'template name must not be empty');
    if (!isRecord(entry)) {
      fail(at, `expected an object with "capabilities" and/or "limits", got ${describeValue(entry)}`);
      continue;
    }
    for (const key of Object.keys(entry)) {
      if (key !== 'capabilities' && key !== 'limits') fail(`${at}.${key}`, `unknown key "${key}"; allowed: capabilities, limits`);
    }
    const capabilities: string[] = [];
    const caps = entry['capabilities'];
    if (caps !== undefined) {
      if (!Array.isArray(caps)) fail(`${at}.capabilities`, `expected an array of strings, got ${describeValue(caps)}`);
      else
        caps.forEach((c, i) => {
          if (typeof c !== 'string' || c.trim() === '') fail(`${at}.capabilities[${i}]`, `expected a non-empty string, got ${describeValue(c)}`);
          else capabilities.push(c);
        });
    }
    const limits: Partial<Record<LimitKind, number>> = {};
    const lim = entry['limits'];
    if (lim !== undefined) {
      if (!isRecord(lim)) fail(`${at}.limits`, `expected an object like {"cpu": 8, "memoryGb": 16, "diskGb": 100}, got ${describeValue(lim)}`);
      else
        for (const [k, v] of Object.entries(lim)) {
          if (!(LIMIT_KINDS as readonly string[]).includes(k)) {
            const hint = LIMIT_HINTS[k.toLowerCase()];
            fail(`${at}.limits.${k}`, `unknown limit "${k}"${hint ? `; did you mean "${hint}"?` : ''} (allowed: cpu, memoryGb, diskGb)`);
          } else if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
            fail(`${at}.limits.${k}`, `expected a positive number, got ${describeValue(v)}`);
          } else {
            limits[k as LimitKind] = v;
          }
        }
    }
    out[name] = { capabilities, limits };
  }
  return errors.length > 0 ? err(errors) : ok({ templates: out });
}

/** Parse JSON text (e.g. the contents of the operator's file) and validate it. */
export function parseDeclaredCapabilitiesJson(text: string): Result<DeclaredCapabilities, DeclaredMapError[]> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return err([{ kind: 'invalid_declared_map', path: '$', message: `not valid JSON: ${(e as Error).message}` }]);
  }
  return parseDeclaredCapabilities(value);
}

/** The declared entry for a template name: exact match first, then case-insensitive. */
export function declaredFor(map: DeclaredCapabilities | undefined, templateName: string): DeclaredTemplate | undefined {
  if (!map) return undefined;
  const exact = map.templates[templateName];
  if (exact) return exact;
  const lower = templateName.toLowerCase();
  for (const [name, entry] of Object.entries(map.templates)) if (name.toLowerCase() === lower) return entry;
  return undefined;
}

/** One line per error, for logs and tool output. */
export function formatDeclaredMapErrors(errors: readonly DeclaredMapError[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join('\n');
}
