/**
 * D3 (../shared/repro/fuzz.mjs): uncapped filters were echoed in full (a 5 MiB `template` gave a >10 MiB
 * answer that killed the client's session) and a refused 100 KB input came back whole. Every string input
 * has a cap, refusals do not echo the value, echoes are truncated with a marker, answers stay under the ceiling.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWER_TEXT_MAX_CHARS } from '../server.js';
import { startFleetFixture, type FleetFixture } from '../testing/client-fixture.js';
import { textOf } from '../testing/in-process.js';
import { runningAgent } from '../tools/lifecycle/__fixtures__/lifecycle-kit.js';
import { ALL_TOOLS } from '../tools/index.js';

describe('bounded inputs and answers (D3)', () => {
  let fx: FleetFixture;
  beforeAll(async () => {
    fx = await startFleetFixture({ sim: { agents: 6, scenario: 'steady' } });
  });
  afterAll(async () => fx.close());

  it('every string input of every tool has a length cap in its schema', async () => {
    const { tools } = await fx.client.listTools();
    expect(tools.length).toBe(ALL_TOOLS.length);
    const uncapped: string[] = [];
    const walk = (schema: Record<string, unknown>, path: string) => {
      if (schema['type'] === 'string' && schema['enum'] === undefined && schema['const'] === undefined && schema['format'] === undefined && typeof schema['maxLength'] !== 'number') uncapped.push(path);
      for (const [k, v] of Object.entries((schema['properties'] as Record<string, Record<string, unknown>>) ?? {})) walk(v, `${path}.${k}`);
      if (schema['items'] && typeof schema['items'] === 'object') walk(schema['items'] as Record<string, unknown>, `${path}[]`);
      for (const key of ['anyOf', 'oneOf', 'allOf'] as const) for (const s of (schema[key] as Record<string, unknown>[] | undefined) ?? []) walk(s, path);
    };
    for (const t of tools) walk(t.inputSchema as Record<string, unknown>, t.name);
    expect(uncapped).toEqual([]);
  });

  it('a 5 MiB filter is refused in a short answer that does not echo it', async () => {
    const huge = 'x'.repeat(5 * 1024 * 1024);
    for (const [name, args] of [
      ['get_fleet_status', { template: huge }],
      ['get_fleet_status', { owner: huge }],
      ['list_agents', { capability: huge }],
      ['list_templates', { capability: huge }],
    ] as const) {
      const r = await fx.call(name, args);
      expect(r.isError, name).toBe(true);
      expect(textOf(r)).toMatch(/^invalid_argument: /);
      expect(JSON.stringify(r).length, name).toBeLessThan(2_000);
    }
  });

  it('a refused send quotes back at most 2,000 characters of the input, with a marker', async () => {
    const t = runningAgent(fx, 'working');
    const r = await fx.call('send_agent_input', { agent: t.id, input: 'y'.repeat(100_000), when_busy: 'fail' });
    expect(r.isError).toBe(true);
    const text = textOf(r);
    expect(text).toMatch(/NOT sent/);
    expect(text).toMatch(/truncated/);
    expect(text.length).toBeLessThan(4_000);
    expect(text.length).toBeLessThan(ANSWER_TEXT_MAX_CHARS);
  });
});
