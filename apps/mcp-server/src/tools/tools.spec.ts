/**
 * Freezes the public contract: every tool's name, title, annotations and input/output JSON schema as the
 * client sees them (tools/list). A contract change shows up as a diff of __snapshots__/tools.json.
 * Update deliberately with `npx vitest run -u --config apps/mcp-server/vitest.config.mts`.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig, type ConfigInput } from '../config.js';
import { silentLogger } from '../log.js';
import { createServer } from '../server.js';
import { connectInProcess, type InProcessClient } from '../testing/in-process.js';
import { manualClock } from '../testing/manual-clock.js';
import { stubCoder } from '../testing/stub-coder.js';
import { onlyOfferedTools, TOOL_NAME } from '../views/parts.js';
import { ALL_TOOLS } from './index.js';

async function toolsFor(overrides: Partial<ConfigInput> = {}): Promise<{ tools: Tool[]; session: InProcessClient }> {
  const config = makeConfig({ coderUrl: 'http://coder.test', sessionToken: 't', ...overrides });
  const session = await connectInProcess(createServer({ coder: stubCoder(), clock: manualClock(), config, log: silentLogger }));
  return { tools: (await session.client.listTools()).tools, session };
}

describe('tool contract', () => {
  let tools: Tool[];
  let session: InProcessClient;
  beforeAll(async () => {
    ({ tools, session } = await toolsFor());
  });
  afterAll(async () => session.close());

  it('matches the committed snapshot of names, titles, annotations and schemas', async () => {
    const contract = tools.map((t) => ({ name: t.name, title: t.title, annotations: t.annotations, inputSchema: t.inputSchema, outputSchema: t.outputSchema }));
    await expect(`${JSON.stringify(contract, null, 2)}\n`).toMatchFileSnapshot('./__snapshots__/tools.json');
  });

  it('registers every tool of the registry by default, names unique and valid', () => {
    expect(tools.map((t) => t.name)).toEqual(ALL_TOOLS.map((t) => t.name));
    expect(new Set(tools.map((t) => t.name)).size).toBe(tools.length);
    for (const t of tools) expect(t.name).toMatch(/^[a-z][a-z0-9_]{2,63}$/);
  });

  it('every tool name is recognised in advice text, so an unregistered one is always filtered out', () => {
    for (const tool of ALL_TOOLS) {
      expect([...tool.name.matchAll(TOOL_NAME)].map((m) => m[0])).toEqual([tool.name]);
      expect(onlyOfferedTools(`Look again later. Then ${tool.name}.`, (t) => t !== tool.name)).toBe('Look again later.');
    }
  });

  it('sets title, description and all four annotation hints explicitly on every tool', () => {
    for (const t of tools) {
      expect(t.title, t.name).toBeTruthy();
      expect((t.description ?? '').length, t.name).toBeGreaterThan(80);
      for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) expect(typeof t.annotations?.[hint], `${t.name}.${hint}`).toBe('boolean');
      expect(t.annotations?.openWorldHint).toBe(false);
      if (t.annotations?.readOnlyHint) expect(t.annotations.destructiveHint, t.name).toBe(false);
    }
  });

  it('describes every input field and declares an output schema', () => {
    for (const t of tools) {
      expect(t.outputSchema, t.name).toBeDefined();
      for (const [field, schema] of Object.entries(t.inputSchema.properties ?? {})) {
        expect((schema as { description?: string }).description, `${t.name}.${field}`).toMatch(/\w/);
      }
    }
  });

  it('read-only mode keeps exactly the readOnlyHint tools; disable-destructive drops destructive ones', async () => {
    const ro = await toolsFor({ readOnly: true });
    expect(ro.tools.map((t) => t.name)).toEqual(tools.filter((t) => t.annotations?.readOnlyHint === true).map((t) => t.name));
    await ro.session.close();
    const nd = await toolsFor({ disableDestructive: true });
    expect(nd.tools.map((t) => t.name)).toEqual(tools.filter((t) => t.annotations?.destructiveHint !== true).map((t) => t.name));
    await nd.session.close();
    const fleetOnly = await toolsFor({ toolsets: ['fleet'] });
    expect(fleetOnly.tools.map((t) => t.name)).toEqual(['get_fleet_status', 'get_fleet_trends']);
    await fleetOnly.session.close();
  });
});
