/**
 * Real server processes for replica specs: `startReplica` spawns the server from source (node + tsx, the
 * `@org/source` condition: no build needed, one process per replica so kill -9 kills exactly it) with the HTTP
 * transport on a free loopback port and a given `--store`, and waits for /healthz. `throwawaySchema` gives a
 * Postgres schema of its own per spec (FLEET_MCP_TEST_DATABASE_URL), dropped afterwards.
 * Callers must `stop()` every replica (afterAll): no orphan processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { expect, it } from 'vitest';
import { APP_DIR, WORKSPACE_ROOT } from './built-binary.js';
import { freePort } from './free-port.js';
import { AUTH_TOKEN, connectHttpClient, eventually, type HttpClient } from './http-harness.js';

export interface Replica {
  readonly pid: number;
  readonly mcpUrl: string;
  stderr(): string;
  /** Connects an MCP client (bearer AUTH_TOKEN). */
  connect(): Promise<HttpClient>;
  /** kill -9: no shutdown hook runs, the lease is not released. */
  crash(): Promise<void>;
  /** SIGTERM (or SIGKILL when still running after 10 s), then waits for the exit. Idempotent. */
  stop(): Promise<void>;
}

export async function startReplica(options: { coderUrl: string; coderToken: string; store: string; args?: string[] }): Promise<Replica> {
  const port = await freePort();
  const args = ['--conditions=@org/source', '--import', 'tsx', `${APP_DIR}src/main.ts`, '--transport', 'http', '--port', String(port), '--store', options.store, ...(options.args ?? [])];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: WORKSPACE_ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', CODER_URL: options.coderUrl, CODER_SESSION_TOKEN: options.coderToken, FLEET_MCP_AUTH_TOKEN: AUTH_TOKEN },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let running = true;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running = false;
      resolve();
    }),
  );
  const replica: Replica = {
    pid: child.pid ?? -1,
    mcpUrl: `http://127.0.0.1:${port}/mcp`,
    stderr: () => stderr,
    connect: () => connectHttpClient(replica.mcpUrl),
    async crash() {
      if (running) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (!running) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  try {
    await eventually(async () => {
      if (!running) throw new Error(`replica exited at start:\n${stderr}`);
      return (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status === 200;
    }, 450, 200); // ≤ 90 s: tsx compiles the server at start, slow on a loaded CI machine
  } catch (error) {
    await replica.stop();
    throw error;
  }
  return replica;
}

export const TEST_DATABASE_URL = process.env['FLEET_MCP_TEST_DATABASE_URL'];

/**
 * Inside a describe: the test database URL, or undefined after registering what stands in for the suite —
 * a failing test in CI (CI=true: the Postgres suites never skip there), a visible skip on a laptop.
 */
export function testDatabaseOrSkip(): string | undefined {
  if (TEST_DATABASE_URL) return TEST_DATABASE_URL;
  if (process.env['CI'] === 'true') it('FLEET_MCP_TEST_DATABASE_URL is set in CI', () => expect.fail('FLEET_MCP_TEST_DATABASE_URL is not set: .ci/run must provide PostgreSQL (this suite never skips in CI)'));
  else it.skip('skipped: FLEET_MCP_TEST_DATABASE_URL is not set (a laptop without Postgres)', () => undefined);
  return undefined;
}

/** A fresh schema name on the test database, its `--store` value, and `drop()` for afterAll. */
export function throwawaySchema(url: string, prefix = 'fleet_r'): { schema: string; store: string; query: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>; drop(): Promise<void> } {
  const schema = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const store = new URL(url);
  store.searchParams.set('schema', schema);
  const query = async (sql: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  };
  return {
    schema,
    store: store.toString(),
    query,
    drop: async () => void (await query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)),
  };
}
