/**
 * A minimal MCP client over a spawned process's stdio (newline-delimited JSON-RPC), for timing the
 * cold start without an SDK client's own costs in the measurement. Also reads the child's RSS from
 * /proc/<pid>/status.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

interface JsonRpcResponse {
  id?: number;
  result?: unknown;
  error?: { code: number; message: string };
}

export interface StdioChild {
  pid: number;
  /** ms since spawn when the process was created (the reference point of every timing). */
  spawnedAt: number;
  request(method: string, params?: Record<string, unknown>): Promise<{ result: unknown; at: number }>;
  notify(method: string, params?: Record<string, unknown>): void;
  /** VmRSS and VmHWM (peak) in bytes, from /proc (Linux). */
  memory(): { rss: number; peak: number } | undefined;
  stderr(): string;
  kill(): Promise<void>;
}

export function spawnStdio(command: string, args: string[], options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): StdioChild {
  const spawnedAt = performance.now();
  const child: ChildProcessWithoutNullStreams = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const pending = new Map<number, { resolve: (v: { result: unknown; at: number }) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let errText = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (errText.length < 64_000) errText += chunk;
  });
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    const at = performance.now();
    let msg: JsonRpcResponse;
    try {
      msg = JSON.parse(line) as JsonRpcResponse;
    } catch {
      return;
    }
    if (msg.id === undefined) return;
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.error) p.reject(new Error(`${msg.error.code} ${msg.error.message}`));
    else p.resolve({ result: msg.result, at });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`child exited (${String(code)}) before answering; stderr: ${errText.slice(-2000)}`));
    pending.clear();
  });
  const send = (msg: Record<string, unknown>) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...msg })}\n`);

  return {
    pid: child.pid ?? -1,
    spawnedAt,
    request(method, params) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${method}: no answer within ${timeoutMs} ms; stderr: ${errText.slice(-2000)}`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        send({ id, method, ...(params ? { params } : {}) });
      });
    },
    notify(method, params) {
      send({ method, ...(params ? { params } : {}) });
    },
    memory() {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
        return { rss: kb('VmRSS'), peak: kb('VmHWM') };
      } catch {
        return undefined;
      }
    },
    stderr: () => errText,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export const INITIALIZE_PARAMS = {
  protocolVersion: '2025-06-18',
  capabilities: {},
  clientInfo: { name: 'coder-fleet-mcp-bench', version: '0.0.0' },
};

/** Spawns, then initialize → initialized → tools/list, timing both answers from the spawn. */
export async function coldStart(child: StdioChild): Promise<{ initializeMs: number; toolsListMs: number; tools: number }> {
  const init = await child.request('initialize', INITIALIZE_PARAMS);
  child.notify('notifications/initialized');
  const list = await child.request('tools/list');
  const tools = (list.result as { tools?: unknown[] }).tools?.length ?? 0;
  return { initializeMs: init.at - child.spawnedAt, toolsListMs: list.at - child.spawnedAt, tools };
}
