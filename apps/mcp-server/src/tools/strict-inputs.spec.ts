/**
 * Every argument counts: each registered tool refuses arguments it does not declare (naming them and the
 * ones it accepts) before anything reaches Coder, and its advertised input schema says so
 * (`additionalProperties: false` on every input object). New tools get this from defineTool.
 */
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoderClient } from '../coder.js';
import { makeConfig } from '../config.js';
import { silentLogger } from '../log.js';
import { createServer } from '../server.js';
import { connectInProcess, textOf, type InProcessClient } from '../testing/in-process.js';
import { manualClock } from '../testing/manual-clock.js';
import { stubCoder } from '../testing/stub-coder.js';
import { ALL_TOOLS } from './index.js';

/** Paths of the object nodes of a JSON schema that accept undeclared keys (records, with a value schema, are fine). */
function openObjects(schema: unknown, path = '$'): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const node = schema as Record<string, unknown>;
  const open = node['type'] === 'object' && node['properties'] !== undefined && node['additionalProperties'] !== false ? [path] : [];
  const children = Object.entries(node).flatMap(([key, value]) => {
    if (key === 'properties' && value && typeof value === 'object') return Object.entries(value).map(([k, v]) => [`${path}.${k}`, v] as const);
    if (Array.isArray(value)) return value.map((v, i) => [`${path}.${key}[${i}]`, v] as const);
    if (value && typeof value === 'object') return [[`${path}.${key}`, value] as const];
    return [];
  });
  return [...open, ...children.flatMap(([p, v]) => openObjects(v, p))];
}

describe('strict inputs', () => {
  let session: InProcessClient;
  let tools: Tool[];
  const coderCalls: string[] = [];
  beforeAll(async () => {
    const recording = new Proxy({} as CoderClient, {
      get: (_target, prop) => {
        const stub = stubCoder()[prop as keyof CoderClient] as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => {
          coderCalls.push(String(prop));
          return stub(...args);
        };
      },
    });
    const config = makeConfig({ coderUrl: 'http://coder.test', sessionToken: 't' });
    session = await connectInProcess(createServer({ coder: recording, clock: manualClock(), config, log: silentLogger }));
    tools = (await session.client.listTools()).tools;
  });
  afterAll(async () => session.close());
  const call = async (name: string, args: Record<string, unknown>) => (await session.client.callTool({ name, arguments: args })) as CallToolResult;

  it('registers every tool of the registry', () => {
    expect(tools.map((t) => t.name)).toEqual(ALL_TOOLS.map((t) => t.name));
  });

  it('advertises additionalProperties: false on every input object of every tool', () => {
    for (const t of tools) expect(openObjects(t.inputSchema), t.name).toEqual([]);
  });

  it('refuses an unknown argument on every tool, naming it and every accepted argument, without calling Coder', async () => {
    for (const t of tools) {
      coderCalls.length = 0;
      const r = await call(t.name, { all_idle: true });
      const text = textOf(r);
      expect(r.isError, `${t.name}: ${text}`).toBe(true);
      expect(text, t.name).toMatch(/^invalid_argument: /);
      expect(text, t.name).toContain('`all_idle`');
      for (const accepted of Object.keys(t.inputSchema.properties ?? {})) expect(text, `${t.name} lists ${accepted}`).toContain(accepted);
      expect(text, t.name).toContain('\nNext: ');
      expect(coderCalls, t.name).toEqual([]);
    }
  });

  it('names several unknown arguments at once, and keeps the text short for absurd names', async () => {
    const text = textOf(await call('pause_agent', { agent: 'alice/x', all_idle: true, priority: 'high', ['k'.repeat(10_000)]: 1 }));
    expect(text).toMatch(/^invalid_argument: pause_agent does not take the arguments `all_idle`, `priority`, `k+… \[truncated/);
    expect(text).toContain('It accepts: agent.');
    expect(text.length).toBeLessThan(1_000);
  });

  it('refuses an unknown key inside a nested input object, naming that object’s accepted keys', async () => {
    const text = textOf(await call('create_agent_task', { input: 'x', template: 'small', requirements: { cpu: 2, cpus: 4 } }));
    expect(text).toMatch(/^invalid_argument: create_agent_task does not take the argument `requirements\.cpus`/);
    expect(text).toContain('in `requirements`: capabilities, cpu, memory_gb, disk_gb, gpu');
  });

  it('still accepts the declared arguments (a known failure comes from Coder, not from the schema)', async () => {
    const text = textOf(await call('list_agents', { limit: 5 }));
    expect(text).not.toMatch(/^invalid_argument/);
  });
});
