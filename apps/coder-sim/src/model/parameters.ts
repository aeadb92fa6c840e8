import type { TemplateVersionParameter } from '../wire-types.js';

export type ParameterValue = { name: string; value: string };

/**
 * The parameter values of a new build, as coderd's workspace builder resolves them: a value given in the
 * request wins, then the workspace's previous value, then the version's default. Values of parameters the
 * version no longer declares are dropped (a template update silently loses them). A required parameter left
 * without a value is the builder's 400.
 */
export function resolveBuildParameters(
  declared: readonly TemplateVersionParameter[],
  previous: readonly ParameterValue[],
  requested: readonly ParameterValue[],
): { ok: true; values: ParameterValue[] } | { ok: false; missing: string } {
  const values: ParameterValue[] = [];
  for (const p of declared) {
    const name = p.name ?? '';
    const value = requested.find((v) => v.name === name)?.value ?? previous.find((v) => v.name === name)?.value ?? p.default_value ?? '';
    if (p.required && value === '') return { ok: false, missing: name };
    values.push({ name, value });
  }
  return { ok: true, values };
}
