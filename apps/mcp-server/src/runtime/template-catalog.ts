/**
 * Cached template data (templates, versions, presets, rich parameters): changes rarely, so it is kept for
 * `ttlMs` and loaded single-flight. Only successful answers are kept.
 */
import type { DeclaredCapabilities } from '@org/fleet-domain';
import type { Clock } from '../clock.js';
import type { CoderClient, CoderResult, Preset, Template, TemplateVersion, TemplateVersionParameter } from '../coder.js';
import { createSingleFlightCache } from './single-flight-cache.js';

export interface TemplateCatalog {
  templates(): Promise<CoderResult<Template[]>>;
  version(versionId: string): Promise<CoderResult<TemplateVersion>>;
  presets(versionId: string): Promise<CoderResult<Preset[]>>;
  parameters(versionId: string): Promise<CoderResult<TemplateVersionParameter[]>>;
  invalidate(): void;
  /** Operator-declared capabilities (--capabilities-file), folded into every template's facts. */
  readonly declared?: DeclaredCapabilities;
}

export function createTemplateCatalog(options: { coder: CoderClient; clock: Clock; ttlMs: number; loadTimeoutMs: number; declared?: DeclaredCapabilities }): TemplateCatalog {
  const { coder } = options;
  const cache = createSingleFlightCache<CoderResult<unknown>>({
    clock: options.clock,
    ttlMs: options.ttlMs,
    loadTimeoutMs: options.loadTimeoutMs,
    shouldCache: (r) => r.ok,
  });
  const cached = <T>(key: string, load: (signal: AbortSignal) => Promise<CoderResult<T>>) =>
    cache.get(key, load as (signal: AbortSignal) => Promise<CoderResult<unknown>>) as Promise<CoderResult<T>>;
  return {
    templates: () => cached('templates', (signal) => coder.listTemplates({ signal })),
    version: (id) => cached(`version:${id}`, (signal) => coder.getTemplateVersion(id, { signal })),
    presets: (id) => cached(`presets:${id}`, (signal) => coder.getTemplateVersionPresets(id, { signal })),
    parameters: (id) => cached(`parameters:${id}`, (signal) => coder.getTemplateVersionRichParameters(id, { signal })),
    invalidate: () => cache.invalidate(),
    ...(options.declared ? { declared: options.declared } : {}),
  };
}
