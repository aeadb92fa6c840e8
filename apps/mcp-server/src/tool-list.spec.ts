/**
 * The context budget of `tools/list` (what every session pays before its first call): at most
 * TOOL_LIST_BUDGET_CHARS for all tools together, with every tool still documented. A new tool that breaks
 * the budget fails here with the tools listed largest first, so the fix starts where the bytes are.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { makeConfig } from './config.js';
import { silentLogger } from './log.js';
import { createServer } from './server.js';
import { connectInProcess, type InProcessClient } from './testing/in-process.js';
import { manualClock } from './testing/manual-clock.js';
import { stubCoder } from './testing/stub-coder.js';
import { compactInputSchema, compactOutputSchema, TOOL_LIST_BUDGET_CHARS } from './tool-list.js';
import { ALL_TOOLS } from './tools/index.js';

describe('tools/list context budget', () => {
  let session: InProcessClient;
  let answer: { tools: Tool[] };
  beforeAll(async () => {
    const config = makeConfig({ coderUrl: 'http://coder.test', sessionToken: 't' });
    session = await connectInProcess(createServer({ coder: stubCoder(), clock: manualClock(), config, log: silentLogger }));
    answer = await session.client.listTools();
  });
  afterAll(async () => session.close());

  it(`costs at most ${TOOL_LIST_BUDGET_CHARS} characters for every tool together`, () => {
    const total = JSON.stringify(answer).length;
    const largest = answer.tools
      .map((t) => ({ name: t.name, chars: JSON.stringify(t).length, description: t.description?.length ?? 0, input: JSON.stringify(t.inputSchema).length }))
      .sort((a, b) => b.chars - a.chars)
      .map((t) => `${t.name} ${t.chars} (description ${t.description}, input schema ${t.input})`)
      .join('; ');
    expect(
      total,
      `tools/list is ${total} characters, over the budget of ${TOOL_LIST_BUDGET_CHARS}. Largest first: ${largest}. Shorten descriptions (say a thing once) or share input parts (tools/shared/schemas.ts).`,
    ).toBeLessThanOrEqual(TOOL_LIST_BUDGET_CHARS);
  });

  it('still documents every tool: a description, described inputs, all four hints, the fields of its structured answer', () => {
    expect(answer.tools.map((t) => t.name)).toEqual(ALL_TOOLS.map((t) => t.name));
    for (const t of answer.tools) {
      const def = ALL_TOOLS.find((d) => d.name === t.name);
      expect(t.description?.length ?? 0, t.name).toBeGreaterThan(80);
      expect(t.description, t.name).toMatch(/Next: /);
      for (const [field, schema] of Object.entries(t.inputSchema.properties ?? {})) expect((schema as { description?: string }).description, `${t.name}.${field}`).toMatch(/\w/);
      expect(Object.keys(t.annotations ?? {}).sort(), t.name).toEqual(['destructiveHint', 'idempotentHint', 'openWorldHint', 'readOnlyHint']);
      expect(Object.keys(t.outputSchema?.properties ?? {}), t.name).toEqual(Object.keys(def?.outputSchema.shape ?? {}));
    }
  });
});

describe('compact schemas', () => {
  it('keep inputs whole but drop the integer bounds zod writes, a pattern beside a format, minLength/minItems 1, a description said twice, the single value of "one or several", a flag\'s default false', () => {
    const input = z.toJSONSchema(
      z.strictObject({
        name: z.string().min(1).max(20).describe('A name'),
        code: z.string().min(2).describe('A code'),
        limit: z.number().int().describe('Page size'),
        since: z.iso.datetime({ offset: true }).describe('A time'),
        status: z.union([z.enum(['a', 'b']).describe('A status'), z.array(z.enum(['a', 'b'])).min(1)]).describe('Statuses'),
        kind: z.union([z.enum(['x', 'y']), z.array(z.enum(['x', 'z']))]).describe('Not one or several of the same'),
        force: z.boolean().default(false).describe('A flag'),
        keep: z.boolean().default(true).describe('On unless turned off'),
      }),
      { io: 'input' },
    );
    expect(compactInputSchema(input)).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 20, description: 'A name' },
        code: { type: 'string', minLength: 2, description: 'A code' },
        limit: { type: 'integer', description: 'Page size' },
        since: { type: 'string', format: 'date-time', description: 'A time' },
        status: { description: 'Statuses', type: 'array', items: { type: 'string', enum: ['a', 'b'] } },
        kind: { description: 'Not one or several of the same', anyOf: [{ type: 'string', enum: ['x', 'y'] }, { type: 'array', items: { type: 'string', enum: ['x', 'z'] } }] },
        force: { type: 'boolean', description: 'A flag' },
        keep: { default: true, type: 'boolean', description: 'On unless turned off' },
      },
      required: ['name', 'code', 'limit', 'since', 'status', 'kind'],
      additionalProperties: false,
    });
  });

  it('name the top-level output fields with their JSON types (nullable as two types)', () => {
    const output = z.toJSONSchema(
      z.object({ n: z.number().int(), ratio: z.number().nullable(), agent: z.object({ id: z.string() }), tags: z.array(z.string()), kind: z.literal('x').optional() }),
      { io: 'output' },
    );
    expect(compactOutputSchema(output)).toEqual({
      type: 'object',
      properties: { n: { type: 'integer' }, ratio: { type: ['number', 'null'] }, agent: { type: 'object' }, tags: { type: 'array' }, kind: { type: 'string' } },
    });
  });
});
