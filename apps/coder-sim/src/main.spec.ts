import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/**
 * node with the tsx loader in-process (not the tsx CLI): the CLI relays SIGTERM to a child and gives it only
 * ~30 ms to acknowledge, which fails on a busy machine (exit 143).
 */
const NODE = process.execPath;
const TSX_ARGS = ['--import', 'tsx', '--conditions=@org/source'];

/** Spawns the CLI from source: exactly one JSON line on stdout, logs on stderr, clean SIGTERM. */
describe('coder-sim CLI', () => {
  it('prints {url, token} once, serves, and stops on SIGTERM', async () => {
    const child = spawn(NODE, [...TSX_ARGS, 'apps/coder-sim/src/main.ts', '--agents', '5', '--seed', '3', '--token', 'cli-token'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const firstLine = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0] ?? '');
      });
      child.on('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    const { url, token } = JSON.parse(firstLine) as { url: string; token: string };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(token).toBe('cli-token');
    const res = await fetch(`${url}/api/v2/tasks`, { headers: { 'Coder-Session-Token': token } });
    expect(((await res.json()) as { count: number }).count).toBe(5);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('[coder-sim]');
    expect(stderr).not.toContain('cli-token');
  }, 30_000);

  it('exits 2 with usage on a bad flag', async () => {
    const child = spawn(NODE, [...TSX_ARGS, 'apps/coder-sim/src/main.ts', '--scenario', 'chaos'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Usage: coder-sim');
  }, 30_000);
});
