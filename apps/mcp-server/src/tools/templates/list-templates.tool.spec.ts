import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from '../../testing/client-fixture.js';
import { isSchemaRejection, textOf } from '../../testing/in-process.js';
import { annotationsOf, expectFailure, expectReadOnlyAnnotations, structured } from '../../testing/tool-assertions.js';

interface TemplatesOut {
  templates: {
    id: string;
    name: string;
    ai_tasks: boolean | null;
    capabilities: string[];
    presets: { id: string; name: string; default: boolean; parameters: { name: string; value: string }[] }[];
    parameters?: { name: string; required: boolean }[];
    limits: Record<string, { max?: number }>;
    parameter_limits?: { parameter: string; min: number; max: number; options: number[] }[];
  }[];
  returned: number;
  hidden: number;
}

describe('list_templates', () => {
  let fx: FleetFixture;
  beforeAll(async () => {
    fx = await startFleetFixture({ sim: { agents: 3 } });
  });
  afterAll(async () => fx.close());
  const list = async (args: Record<string, unknown> = {}) => structured<TemplatesOut>(await fx.call('list_templates', args));

  it('is read-only with all four hints', async () => {
    expectReadOnlyAnnotations(await annotationsOf(fx.client, 'list_templates'));
  });

  it('lists AI-task templates with presets, parameters, capabilities and limits', async () => {
    const r = await list();
    expect(r.returned).toBeGreaterThan(0);
    expect(r.templates.every((t) => t.ai_tasks === true)).toBe(true);
    const t = r.templates[0];
    expect(t?.presets.some((p) => p.default)).toBe(true);
    expect(t?.parameters?.length).toBeGreaterThan(0);
    expect(t?.capabilities).toContain('ai-task');
    expect(textOf(await fx.call('list_templates'))).toContain('Next: create_agent_task');
  });

  it('shows non-AI templates only on request and filters by capability', async () => {
    const ai = await list();
    const all = await list({ include_non_ai: true, include_deprecated: true });
    expect(all.returned).toBeGreaterThan(ai.returned);
    expect(all.templates.some((t) => t.ai_tasks !== true)).toBe(true);
    const gpu = await list({ capability: 'GPU' });
    expect(gpu.templates.map((t) => t.name)).toEqual(['gpu-ml']);
    const short = await list({ include_parameters: false });
    expect(short.templates.every((t) => t.parameters === undefined)).toBe(true);
  });

  it('derives meaningful capabilities: named options, not numbers or "none", not generic name words; numeric options as parameter limits', async () => {
    const all = await list({ include_non_ai: true, include_deprecated: true });
    const byName = new Map(all.templates.map((t) => [t.name, t]));
    expect(byName.get('gpu-ml')?.capabilities).toEqual(expect.arrayContaining(['gpu', 'gpu-a10g', 'gpu-a100']));
    expect(byName.get('node-fullstack')?.capabilities).toContain('node');
    expect(byName.get('node-fullstack')?.parameter_limits).toEqual([expect.objectContaining({ parameter: 'node_version', min: 20, max: 22 })]);
    for (const t of all.templates) {
      for (const c of t.capabilities) expect(c, `${t.name}: ${c}`).not.toMatch(/^(\d+|none|true|false|eu|us|param:.*|full|stack|dev|site|node-full-stack)$/);
    }
    expect((await list({ capability: 'gpu-a100' })).templates.map((t) => t.name)).toEqual(['gpu-ml']);
  });

  it('caches template data: a second call makes no template requests', async () => {
    await list();
    fx.resetCounters();
    await list();
    expect(Object.keys(fx.counters()).filter((k) => k.includes('template'))).toEqual([]);
  });

  it('applies the operator-declared capability map', async () => {
    const declared = await startFleetFixture({
      sim: { agents: 1 },
      config: { declaredCapabilities: { templates: { small: { capabilities: ['Quick Fixes'], limits: { cpu: 1 } } } } },
    });
    try {
      const r = structured<TemplatesOut>(await declared.call('list_templates', { capability: 'quick-fixes' }));
      expect(r.templates.map((t) => t.name)).toEqual(['small']);
      expect(r.templates[0]?.limits['cpu']?.max).toBe(1);
    } finally {
      await declared.close();
    }
  });

  it('reports a Coder failure with a next step', async () => {
    const fresh = await startFleetFixture({ sim: { agents: 1 } });
    try {
      fresh.sim.control.faults.status(403, { route: 'GET /api/v2/templates' });
      expectFailure(await fresh.call('list_templates'), 'forbidden');
    } finally {
      await fresh.close();
    }
  });

  it('rejects invalid arguments with the schema problem', async () => {
    expect(await isSchemaRejection(fx.call('list_templates', { include_non_ai: 'yes' }))).toBe(true);
  });
});
