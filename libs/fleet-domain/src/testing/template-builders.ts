/**
 * Builders for Coder template facts (template, presets with PascalCase keys, rich parameters).
 * Shapes follow the recorded `coder-devcontainer` ("Setup") template: an "AI Prompt" and a
 * `system_prompt` parameter, presets Coder (default), Operator, Researcher.
 */
import type { Preset, Template, TemplateVersionParameter } from '../mapping/coder-types.js';

export function buildTemplate(overrides: Partial<Template> = {}): Template {
  return {
    id: '00000000-0000-4000-9000-000000000010',
    name: 'coder-devcontainer',
    display_name: 'Setup',
    active_version_id: '00000000-0000-4000-9000-000000000011',
    deprecated: false,
    ...overrides,
  };
}

export function buildPreset(name: string, overrides: Partial<Preset> = {}): Preset {
  return { ID: `preset-${name.toLowerCase()}`, Name: name, Default: false, Parameters: [{ Name: 'system_prompt', Value: `You are ${name}` }], ...overrides };
}

export function buildParameter(name: string, overrides: Partial<TemplateVersionParameter> = {}): TemplateVersionParameter {
  return { name, type: 'string', form_type: 'input', mutable: true, default_value: '', options: [], required: false, ephemeral: false, ...overrides };
}

/** A choice parameter with the given option values, e.g. `choiceParameter('memory', ['2', '4'])`. */
export function choiceParameter(name: string, values: readonly string[], overrides: Partial<TemplateVersionParameter> = {}): TemplateVersionParameter {
  return buildParameter(name, { form_type: 'dropdown', options: values.map((value) => ({ name: value, value })), ...overrides });
}

/** The recorded AI template's parameters. */
export function recordedAiParameters(): TemplateVersionParameter[] {
  return [
    buildParameter('AI Prompt', { description: 'Write a prompt for Claude Code' }),
    buildParameter('system_prompt', { display_name: 'System Prompt', form_type: 'textarea', mutable: false }),
  ];
}
