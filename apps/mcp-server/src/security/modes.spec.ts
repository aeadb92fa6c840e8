/**
 * Safety modes, as the client sees them: the tool list (name + hints) per mode is frozen in
 * __snapshots__/tool-modes.json, so any change of what a mode exposes shows up as a reviewed diff.
 * Update deliberately with `npx vitest run -u --config apps/mcp-server/vitest.config.mts src/security`.
 */
import { describe, expect, it } from 'vitest';
import { makeConfig, type ConfigInput } from '../config.js';
import { silentLogger } from '../log.js';
import { createServer } from '../server.js';
import { connectInProcess } from '../testing/in-process.js';
import { manualClock } from '../testing/manual-clock.js';
import { stubCoder } from '../testing/stub-coder.js';
import { ALL_TOOLS, selectTools } from '../tools/index.js';

const MODES: Record<string, Partial<ConfigInput>> = {
  default: {},
  'read-only': { readOnly: true },
  'disable-destructive': { disableDestructive: true },
  'toolsets=fleet,agents': { toolsets: ['fleet', 'agents'] },
  'toolsets=lifecycle,events + read-only': { toolsets: ['lifecycle', 'events'], readOnly: true },
  'toolsets=lifecycle + disable-destructive': { toolsets: ['lifecycle'], disableDestructive: true },
  'tools=list_agents,get_agent_details': { tools: ['list_agents', 'get_agent_details'] },
  'exclude-tools=delete_agent': { excludeTools: ['delete_agent'] },
};

const config = (overrides: Partial<ConfigInput>) => makeConfig({ coderUrl: 'http://coder.test', sessionToken: 't', ...overrides });

async function listed(overrides: Partial<ConfigInput>) {
  const session = await connectInProcess(createServer({ coder: stubCoder(), clock: manualClock(), config: config(overrides), log: silentLogger }));
  try {
    return (await session.client.listTools()).tools.map((t) => ({
      name: t.name,
      readOnly: t.annotations?.readOnlyHint === true,
      destructive: t.annotations?.destructiveHint === true,
    }));
  } finally {
    await session.close();
  }
}

describe('safety modes', () => {
  it('match the committed tool list per mode', async () => {
    const snapshot: Record<string, string[]> = {};
    for (const [mode, overrides] of Object.entries(MODES)) {
      snapshot[mode] = (await listed(overrides)).map((t) => `${t.name}${t.destructive ? ' (destructive)' : t.readOnly ? ' (read-only)' : ''}`);
    }
    await expect(`${JSON.stringify(snapshot, null, 2)}\n`).toMatchFileSnapshot('./__snapshots__/tool-modes.json');
  });

  it('read-only exposes only readOnlyHint tools and disable-destructive no destructiveHint tool', async () => {
    const ro = await listed({ readOnly: true });
    expect(ro.length).toBeGreaterThan(0);
    expect(ro.every((t) => t.readOnly && !t.destructive)).toBe(true);
    const nd = await listed({ disableDestructive: true });
    expect(nd.some((t) => t.destructive)).toBe(false);
    expect(nd.length).toBeGreaterThan(ro.length);
  });

  it('fails at start-up on unknown tool names, listing the valid ones', () => {
    const r = selectTools(config({ tools: ['list_agent'], excludeTools: ['nuke_fleet'] }), ALL_TOOLS);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatch(/^Unknown tool 'list_agent' in FLEET_MCP_TOOLS or --tools\. Valid names: .*list_agents/);
    expect(r.errors[1]).toMatch(/^Unknown tool 'nuke_fleet' in FLEET_MCP_EXCLUDE_TOOLS or --exclude-tools/);
    expect(() => createServer({ coder: stubCoder(), clock: manualClock(), config: config({ tools: ['list_agent'] }), log: silentLogger })).toThrow(/Unknown tool 'list_agent'/);
  });

  it('rejects unknown toolsets at config time', () => {
    expect(() => config({ toolsets: ['fleet', 'admin' as 'fleet'] })).toThrow();
  });
});
