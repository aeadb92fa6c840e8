/**
 * The installable server: `npm pack` of the `coder-fleet-mcp` package → install of the tarball into an empty
 * folder (offline, see testing/offline-install.ts) → `npx coder-fleet-mcp` speaks MCP over stdio, `--version`,
 * `--help`, and `--check` against the simulator (which also proves the store's migrations ship in the package).
 * Then the README's client setup snippets, each launched as its client would launch it, with the installed bin.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startCoderSim } from '@org/coder-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_TOKEN_ENV, makeConfig, OPTIONS, TOKEN_ENV } from '../config.js';
import { mcpUrlOf } from '../serve/serve-plan.js';
import { APP_DIR } from '../testing/built-binary.js';
import { freePort } from '../testing/free-port.js';
import { connectHttpClient, eventually } from '../testing/http-harness.js';
import { CLIENTS, readmeClientLaunches } from '../testing/readme-clients.js';
import { installOffline, npmPack } from '../testing/offline-install.js';
import { ensurePackaged, PACKAGE_DIR } from '../testing/packaged-server.js';
import { VERSION } from '../version.js';

const run = promisify(execFile);

describe('the installed coder-fleet-mcp package', () => {
  const transports: StdioClientTransport[] = [];
  const children: ChildProcess[] = [];
  const track = <T extends StdioClientTransport>(t: T): T => (transports.push(t), t);
  let dir: string;
  let sim: Awaited<ReturnType<typeof startCoderSim>>;
  /** A clean environment: what a user's shell would have, plus `env`. */
  const envWith = (env: Record<string, string> = {}) => ({ PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', XDG_STATE_HOME: join(dir, 'state'), ...env });
  const npx = (args: string[], env: Record<string, string> = {}) => run('npx', ['coder-fleet-mcp', ...args], { cwd: join(dir, 'app'), env: envWith(env), encoding: 'utf8' });

  beforeAll(async () => {
    ensurePackaged();
    dir = mkdtempSync(join(tmpdir(), 'coder-fleet-mcp-pkg-'));
    const tarball = npmPack(PACKAGE_DIR, dir);
    const app = join(dir, 'app');
    await run('mkdir', ['-p', app]);
    installOffline(app, [tarball]);
    sim = await startCoderSim({ agents: 7, scenario: 'mixed', seed: 11 });
  }, 240_000);
  afterAll(async () => {
    // Even after a failed or timed-out test: no server started here outlives the suite.
    for (const t of transports) await t.close().catch(() => undefined);
    for (const c of children) c.kill('SIGKILL');
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('names only registry packages and ships one bundled file with its migrations', () => {
    const installed = join(dir, 'app/node_modules/coder-fleet-mcp');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string>; dependencies: Record<string, string> };
    expect(manifest.version).toBe((JSON.parse(readFileSync(`${APP_DIR}package.json`, 'utf8')) as { version: string }).version);
    expect(manifest.bin).toEqual({ 'coder-fleet-mcp': 'dist/bin/coder-fleet-mcp.js' });
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['better-sqlite3', 'pg', 'ws']);
    for (const version of Object.values(manifest.dependencies)) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(existsSync(join(dir, 'app/node_modules/@org'))).toBe(false);
    expect(existsSync(join(installed, 'migrations/sqlite/0001_initial.sql'))).toBe(true);
  });

  it('--version prints the version, --help the flags', async () => {
    expect((await npx(['--version'])).stdout.trim()).toBe(VERSION);
    // Nothing external loads at start (better-sqlite3, pg, ws load on first use): the file alone answers.
    const alone = join(dir, 'alone.mjs');
    copyFileSync(join(dir, 'app/node_modules/coder-fleet-mcp/dist/bin/coder-fleet-mcp.js'), alone);
    expect((await run(process.execPath, [alone, '--version'], { cwd: dir, env: envWith(), encoding: 'utf8' })).stdout.trim()).toBe(VERSION);
    const help = await npx(['--help']);
    expect(help.stderr).toMatch(/--transport\s+FLEET_MCP_TRANSPORT/);
    expect(help.stderr).toContain('--check');
    expect(help.stdout).toBe('');
  });

  it('speaks MCP over stdio against a Coder, with nothing but protocol on stdout', async () => {
    const transport = track(new StdioClientTransport({
      command: 'npx',
      args: ['coder-fleet-mcp'],
      cwd: join(dir, 'app'),
      env: envWith({ CODER_URL: sim.url, CODER_SESSION_TOKEN: sim.token }),
      stderr: 'pipe',
    }));
    const client = new Client({ name: 'package-smoke', version: '0.0.0' });
    await client.connect(transport);
    try {
      expect(client.getServerVersion()).toMatchObject({ name: 'coder-fleet-mcp', version: VERSION });
      expect((await client.listTools()).tools.map((t) => t.name)).toContain('get_fleet_status');
      const status = (await client.callTool({ name: 'get_fleet_status', arguments: {} })) as CallToolResult;
      expect(status.isError).toBeFalsy();
      expect(status.structuredContent).toMatchObject({ total: 7, deployment: { simulated: false } });
    } finally {
      await client.close();
    }
  });

  it('exits when its client vanishes without a word (pipes closed, no EOF handshake), as after a killed client', async () => {
    const child = spawn(join(dir, 'app/node_modules/.bin/coder-fleet-mcp'), [], { env: envWith({ CODER_URL: sim.url, CODER_SESSION_TOKEN: sim.token }), stdio: 'pipe' });
    children.push(child);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const answered = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'gone', version: '0' } } })}\n`);
    await answered;
    for (const pipe of [child.stdin, child.stdout, child.stderr]) pipe.destroy();
    expect(await exited).toBe(0);
  });

  it('--check reports the deployment (the store opens from the package) and exits 0; a bad token exits 1', async () => {
    const good = await npx(['--check'], { CODER_URL: sim.url, CODER_SESSION_TOKEN: sim.token });
    expect(good.stdout).toMatch(/ok {4}store {4}sqlite .*\(opened and up to date/);
    expect(good.stdout).toContain('Result: usable.');
    const bad = await npx(['--check'], { CODER_URL: sim.url, CODER_SESSION_TOKEN: 'wrong-token' }).then(
      () => ({ code: 0, stdout: '' }),
      (e: { code: number; stdout: string }) => e,
    );
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/FAIL {2}token/);
  });

  describe('the README client setup snippets', () => {
    const launches = readmeClientLaunches();
    const stdio = launches.flatMap((l) => (l.kind === 'stdio' ? [l] : []));
    /** The snippet's environment with the placeholders filled in (URL and token of the simulator). */
    const filled = (env: Record<string, string>) => Object.fromEntries(Object.keys(env).map((k) => [k, k === 'CODER_URL' ? sim.url : k === TOKEN_ENV ? sim.token : (env[k] as string)]));

    it('has one for each client (Claude Code twice: stdio and HTTP), each launching the installed bin with the Coder variables', () => {
      expect([...new Set(launches.map((l) => l.client))].sort()).toEqual([...CLIENTS].sort());
      expect(launches.filter((l) => l.client === 'Claude Code').map((l) => l.kind).sort()).toEqual(['http', 'stdio']);
      const known = new Set<string>([...Object.values(OPTIONS).map((o) => o.env), TOKEN_ENV, AUTH_TOKEN_ENV]);
      for (const l of stdio) {
        expect(l.command, l.client).toBe('coder-fleet-mcp');
        expect(l.args, l.client).toEqual([]);
        expect(Object.keys(l.env).sort(), l.client).toEqual(['CODER_SESSION_TOKEN', 'CODER_URL']);
        for (const name of Object.keys(l.env)) expect(known.has(name), name).toBe(true);
      }
      const http = launches.find((l) => l.kind === 'http');
      expect(http?.kind === 'http' && http.url).toBe(mcpUrlOf(makeConfig({ coderUrl: 'https://c', sessionToken: 't' })));
    });

    it('each distinct stdio launch in the snippets, started as a client starts it, serves MCP', async () => {
      // The test above proves the snippets agree; one start per distinct launch keeps this under a few seconds.
      const distinct = [...new Map(stdio.map((l) => [JSON.stringify([l.command, l.args, Object.keys(l.env).sort()]), l])).values()];
      expect(distinct.length).toBeGreaterThan(0);
      for (const l of distinct) {
        const transport = track(new StdioClientTransport({
          command: l.command,
          args: l.args,
          env: { ...envWith(filled(l.env)), PATH: `${join(dir, 'app/node_modules/.bin')}:${process.env['PATH'] ?? ''}` },
          stderr: 'pipe',
        }));
        const client = new Client({ name: l.client, version: '0.0.0' });
        await client.connect(transport);
        try {
          expect(client.getServerVersion()?.name, l.client).toBe('coder-fleet-mcp');
          expect((await client.listTools()).tools.length, l.client).toBeGreaterThan(5);
        } finally {
          await client.close();
        }
      }
    });

    it('the HTTP snippet reaches the installed bin serving --transport http (on a free port instead of 8717)', async () => {
      const http = launches.find((l) => l.kind === 'http');
      if (http?.kind !== 'http') throw new Error('no HTTP snippet');
      const port = await freePort();
      const child = spawn(join(dir, 'app/node_modules/.bin/coder-fleet-mcp'), ['--transport', 'http', '--port', String(port)], {
        env: envWith({ CODER_URL: sim.url, CODER_SESSION_TOKEN: sim.token }),
        stdio: 'ignore',
      });
      children.push(child);
      try {
        await eventually(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status === 200, 600, 50);
        const c = await connectHttpClient(http.url.replace(':8717/', `:${port}/`), { token: null });
        expect(c.client.getServerVersion()?.name).toBe('coder-fleet-mcp');
        await c.close();
      } finally {
        child.kill('SIGTERM');
      }
    });
  });
});
