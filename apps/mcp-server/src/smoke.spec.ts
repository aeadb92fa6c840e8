/**
 * Smoke: spawn the BUILT server (`node apps/mcp-server/dist/main.js`) over stdio, exactly as an MCP client
 * would, against a running simulator, and call get_fleet_status. `nx run mcp-server:test` builds first
 * (the test target depends on build); a bare vitest run builds here when dist is missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startCoderSim } from '@org/coder-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_DIR as appDir, ensureBuilt, MAIN_JS as mainJs, WORKSPACE_ROOT as workspaceRoot } from './testing/built-binary.js';

describe('stdio smoke (built binary)', () => {
  let sim: Awaited<ReturnType<typeof startCoderSim>>;
  beforeAll(async () => {
    ensureBuilt();
    sim = await startCoderSim({ agents: 10, scenario: 'mixed', seed: 7 });
  }, 240_000);
  afterAll(async () => sim?.stop());

  it('serves get_fleet_status over stdio with nothing but protocol on stdout', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [mainJs, '--log-level', 'debug'],
      env: { PATH: process.env['PATH'] ?? '', CODER_URL: sim.url, CODER_SESSION_TOKEN: sim.token, FLEET_MCP_STORE: 'memory' },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const client = new Client({ name: 'smoke', version: '0.0.0' });
    await client.connect(transport);
    try {
      expect(client.getServerVersion()?.name).toBe('coder-fleet-mcp');
      const result = (await client.callTool({ name: 'get_fleet_status', arguments: {} })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      expect((result.structuredContent as { total: number }).total).toBe(10);
      const tools = await client.listTools();
      expect(tools.tools.map((t) => t.name)).toContain('list_agents');
    } finally {
      await client.close();
    }
    // Logs are JSON lines on stderr, and never contain the token.
    const lines = stderr.trim().split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(stderr).not.toContain(sim.token);
  }, 60_000);

  it('runs the one-command simulator demo (tsx, no build) that the README documents', async () => {
    const transport = new StdioClientTransport({
      command: `${workspaceRoot}node_modules/.bin/tsx`,
      args: ['--conditions=@org/source', `${appDir}src/testing/with-sim.ts`],
      cwd: workspaceRoot,
      env: { PATH: process.env['PATH'] ?? '', SIM_AGENTS: '12', FLEET_MCP_STORE: 'memory' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'smoke-demo', version: '0.0.0' });
    await client.connect(transport);
    try {
      const result = (await client.callTool({ name: 'list_agents', arguments: { limit: 3 } })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      expect((result.structuredContent as { fleet_total: number }).fleet_total).toBe(12);
    } finally {
      await client.close();
    }
  }, 60_000);

  it('exits non-zero naming what to set when the configuration is missing', () => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, [mainJs], { env: { PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const err = e as { status: number; stderr: Buffer };
      status = err.status;
      stderr = err.stderr.toString();
    }
    expect(status).toBe(2);
    expect(stderr).toContain('CODER_URL');
    expect(stderr).toContain('CODER_SESSION_TOKEN');
  });

  it('refuses to start when the flags leave no tool (--toolsets lifecycle --read-only)', () => {
    const r = spawnSync(process.execPath, [mainJs, '--toolsets', 'lifecycle', '--read-only'], {
      env: { PATH: process.env['PATH'] ?? '', CODER_URL: sim.url, CODER_SESSION_TOKEN: sim.token, FLEET_MCP_STORE: 'memory' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    expect(r.status).toBe(2);
    expect(r.stdout.toString()).toBe('');
    expect(r.stderr.toString()).toMatch(/No tool left to serve: --toolsets lifecycle selects create_agent_task, .*, and --read-only removes all of them/);
  });
});
