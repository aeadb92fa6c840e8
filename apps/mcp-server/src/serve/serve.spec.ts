/**
 * `npx nx serve mcp-server`: runs the serve target's own command (from package.json) as Nx would, on a free
 * port (parallel runs never bind 8717), and speaks MCP to it over Streamable HTTP; the default port is checked
 * without binding it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startCoderSim } from '@org/coder-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from '../config.js';
import { APP_DIR, WORKSPACE_ROOT } from '../testing/built-binary.js';
import { freePort } from '../testing/free-port.js';
import { connectHttpClient, eventually } from '../testing/http-harness.js';
import { claudeCodeHttpCommand, coderConfigured, mcpUrlOf } from './serve-plan.js';

const serveTarget = (JSON.parse(readFileSync(`${APP_DIR}package.json`, 'utf8')) as { nx: { targets: { serve: { options: { command: string }; continuous?: boolean } } } }).nx
  .targets.serve;
const [serveTool, ...serveArgs] = serveTarget.options.command.split(' ') as [string, ...string[]];

/** The serve target's command, from the workspace root, with a clean env plus `env`. */
function serve(env: Record<string, string>, extraArgs: string[] = []) {
  const child = spawn(`${WORKSPACE_ROOT}node_modules/.bin/${serveTool}`, [...serveArgs, ...extraArgs], {
    cwd: WORKSPACE_ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stderr: () => stderr, stdout: () => stdout, exited, stop: () => stopServer(child.pid) };
}

/**
 * SIGTERM to the server itself, as a supervisor signals it. Not to the tsx wrapper: tsx waits only 30 ms for
 * its child to acknowledge a relayed signal, then SIGKILLs it and exits 143 — on a loaded machine that is a
 * flake about tsx, not about the server's graceful shutdown, which is what these tests check.
 */
function stopServer(wrapperPid: number | undefined): void {
  if (wrapperPid === undefined) return;
  let listed = '';
  try {
    listed = execFileSync('ps', ['-o', 'pid=', '--ppid', String(wrapperPid)], { encoding: 'utf8' });
  } catch {
    // ps exits 1 when the wrapper has no child (already gone): signal the wrapper itself.
  }
  const children = listed
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => pid > 0);
  for (const pid of children.length > 0 ? children : [wrapperPid]) process.kill(pid, 'SIGTERM');
}

describe('nx serve mcp-server', () => {
  it('serves MCP over HTTP on 127.0.0.1:8717 by default, as a plain command Nx reports failed when it exits non-zero', () => {
    const defaults = makeConfig({ coderUrl: 'https://coder.example.com', sessionToken: 't' });
    expect(mcpUrlOf(defaults)).toBe('http://127.0.0.1:8717/mcp');
    expect(serveArgs.join(' ')).not.toMatch(/--port|--host/);
    // A `continuous` target's exit is reported as success by Nx 23: the serve target must not be one.
    expect(serveTarget.continuous).toBeUndefined();
    expect(claudeCodeHttpCommand(defaults)).toBe('claude mcp add --transport http coder-fleet http://127.0.0.1:8717/mcp');
  });

  it('starts the bundled simulator when no Coder is configured and says so in the log, serverInfo, instructions and get_fleet_status', async () => {
    const port = await freePort();
    const p = serve({ FLEET_MCP_PORT: String(port), SIM_AGENTS: '6' });
    try {
      await eventually(() => p.stderr().includes('claude mcp add') || p.child.exitCode !== null, 600, 50);
      expect(p.stderr()).toContain(`claude mcp add --transport http coder-fleet http://127.0.0.1:${port}/mcp`);
      expect(p.stderr()).toContain('SIMULATED fleet');
      expect(p.stderr()).toMatch(/"msg":"coder-fleet-mcp started".*"simulated":true/);
      const c = await connectHttpClient(`http://127.0.0.1:${port}/mcp`, { token: null });
      const info = c.client.getServerVersion();
      expect(info?.name).toBe('coder-fleet-mcp');
      expect(info?.title).toContain('SIMULATED');
      expect(info?.description).toContain('simulator');
      expect(c.client.getInstructions()).toContain('SIMULATED fleet');
      const status = await c.call('get_fleet_status');
      expect(status.isError).toBeFalsy();
      expect(status.structuredContent).toMatchObject({ total: 6, deployment: { simulated: true } });
      expect((status.content[0] as { text: string }).text).toMatch(/^SIMULATED fleet/);
      await c.close();
    } finally {
      p.stop();
    }
    expect(await p.exited).toBe(0);
    expect(p.stdout()).toBe('');
  });

  it('-- --check reports the simulated deployment it would serve, and exits 0', async () => {
    // The flag as `npx nx serve mcp-server -- --check` appends it.
    const p = serve({ SIM_AGENTS: '3' }, ['--check']);
    expect(await p.exited).toBe(0);
    expect(p.stdout()).toMatch(/ok {4}coder {4}reachable at http:\/\/127\.0\.0\.1:\d+ \(the bundled simulator, not a real deployment\)/);
    expect(p.stdout()).toMatch(/ok {4}offers {3}Coder Tasks/);
    expect(p.stdout()).toMatch(/warn {2}store {4}memory/);
    expect(p.stdout()).toContain('Result: usable.');
  });

  describe('with a Coder configured', () => {
    let sim: Awaited<ReturnType<typeof startCoderSim>>;
    beforeAll(async () => {
      sim = await startCoderSim({ agents: 4, scenario: 'mixed', seed: 5 });
    });
    afterAll(async () => sim?.stop());

    it('serves that deployment, not the simulator', async () => {
      const port = await freePort();
      const p = serve({ FLEET_MCP_PORT: String(port), CODER_URL: sim.url, CODER_SESSION_TOKEN: sim.token });
      try {
        await eventually(() => p.stderr().includes('claude mcp add') || p.child.exitCode !== null, 600, 50);
        expect(p.stderr()).toContain(`serving the Coder deployment at ${sim.url}`);
        const c = await connectHttpClient(`http://127.0.0.1:${port}/mcp`, { token: null });
        expect(c.client.getServerVersion()?.title).toBe('Coder fleet');
        const status = await c.call('get_fleet_status');
        expect(status.structuredContent).toMatchObject({ total: 4, deployment: { simulated: false, coder_url: sim.url } });
        await c.close();
      } finally {
        p.stop();
      }
      expect(await p.exited).toBe(0);
      expect(p.stderr()).not.toContain(sim.token);
    });

    it('exits non-zero on a bad configuration (a Coder URL without a token), naming what to set', async () => {
      const p = serve({ CODER_URL: sim.url });
      expect(await p.exited).toBe(2);
      expect(p.stderr()).toContain('No Coder session token: set CODER_SESSION_TOKEN');
    });
  });

  it('decides "configured" from any Coder setting, by env or flag', () => {
    expect(coderConfigured([], {})).toBe(false);
    expect(coderConfigured([], { CODER_URL: '' })).toBe(false);
    expect(coderConfigured([], { CODER_URL: 'https://c' })).toBe(true);
    expect(coderConfigured([], { CODER_SESSION_TOKEN: 't' })).toBe(true);
    expect(coderConfigured([], { FLEET_MCP_CODER_TOKEN_FILE: '/t' })).toBe(true);
    expect(coderConfigured(['--coder-url=https://c'], {})).toBe(true);
    expect(coderConfigured(['--coder-token-file', '/t'], {})).toBe(true);
  });

  it('prints a claude mcp add line that names the token variable, never the token', () => {
    const token = 'x'.repeat(40);
    const line = claudeCodeHttpCommand(makeConfig({ coderUrl: 'https://c', sessionToken: 't', authToken: token, port: 9000 }));
    expect(line).toBe('claude mcp add --transport http coder-fleet http://127.0.0.1:9000/mcp --header "Authorization: Bearer $FLEET_MCP_AUTH_TOKEN"');
    expect(line).not.toContain(token);
  });
});
