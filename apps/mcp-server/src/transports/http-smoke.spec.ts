/**
 * Smoke: the BUILT binary with `--transport http`, as an operator runs it: serves an authenticated session,
 * logs JSON to stderr without secrets, exits 0 on SIGTERM; refuses a non-loopback bind without auth.
 * `nx run mcp-server:test` builds first; a bare vitest run builds here when dist lacks the HTTP transport.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { startCoderSim } from '@org/coder-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, MAIN_JS as mainJs } from '../testing/built-binary.js';
import { freePort } from '../testing/free-port.js';
import { AUTH_TOKEN, connectHttpClient, eventually } from '../testing/http-harness.js';

function run(args: string[], env: Record<string, string>): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [mainJs, ...args], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stderr: () => stderr, exited };
}

describe('HTTP smoke (built binary)', () => {
  let sim: Awaited<ReturnType<typeof startCoderSim>>;
  beforeAll(async () => {
    ensureBuilt('transports/serve-http.js');
    sim = await startCoderSim({ agents: 8, scenario: 'mixed', seed: 3 });
  }, 240_000);
  afterAll(async () => sim?.stop());

  it('serves authenticated MCP over HTTP and shuts down cleanly on SIGTERM', async () => {
    const port = await freePort();
    const p = run(['--transport', 'http', '--port', String(port), '--log-level', 'debug'], { CODER_URL: sim.url, CODER_SESSION_TOKEN: sim.token, FLEET_MCP_AUTH_TOKEN: AUTH_TOKEN });
    try {
      await eventually(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status === 200, 500, 20);
      const c = await connectHttpClient(`http://127.0.0.1:${port}/mcp`);
      const status = await c.call('get_fleet_status');
      expect(status.isError).toBeFalsy();
      expect((status.structuredContent as { total: number }).total).toBe(8);
      await c.close();
      expect((await fetch(`http://127.0.0.1:${port}/mcp`, { method: 'POST' })).status).toBe(401);
    } finally {
      p.child.kill('SIGTERM');
    }
    expect(await p.exited).toBe(0);
    const lines = p.stderr().trim().split('\n').filter(Boolean);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(p.stderr()).toContain('"transport":"http"');
    expect(p.stderr()).not.toContain(sim.token);
    expect(p.stderr()).not.toContain(AUTH_TOKEN);
  });

  it('refuses to bind a non-loopback address without authentication', async () => {
    const p = run(['--transport', 'http', '--host', '0.0.0.0', '--port', String(await freePort())], { CODER_URL: sim.url, CODER_SESSION_TOKEN: sim.token });
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toMatch(/Refusing to bind 0\.0\.0\.0 without authentication/);
  });
});
