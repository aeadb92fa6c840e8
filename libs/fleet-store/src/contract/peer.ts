/**
 * Test support: a store opened in ANOTHER process (a child running child.ts), driven over JSON lines on
 * stdin/stdout. The parent sees it as a `FleetStore`, so the contract's multi-process cases read the same for
 * SQLite (a second process on one file) as for Postgres (a second pool).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { StoreTarget } from '../config.js';
import type { FleetStore } from '../types.js';

/** Events per transaction of the child's writer mode. */
export const WRITER_BATCH = 50;

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

export interface ChildHandle {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with each stdout line (JSON) the child prints. */
  lines: AsyncIterableIterator<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}

export function spawnChild(mode: 'serve' | 'writer', target: StoreTarget): ChildHandle {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, JSON.stringify(target)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, lines, exited, stderr: () => stderr };
}

export interface PeerStore {
  store: FleetStore;
  /** Ends the child (closing its store first). */
  close(): Promise<void>;
}

/** Opens `target` in a child process and returns a FleetStore proxy (subscribe is not proxied). */
export async function spawnPeer(target: StoreTarget): Promise<PeerStore> {
  const handle = spawnChild('serve', target);
  const pending = new Map<number, (reply: { ok: boolean; value?: unknown; error?: string }) => void>();
  let nextId = 1;
  const ready = await handle.lines.next();
  if (ready.done || JSON.parse(ready.value).ready !== true) {
    throw new Error(`peer did not start: ${ready.done ? '' : ready.value} ${handle.stderr()}`);
  }
  void (async () => {
    for await (const line of handle.lines) {
      const reply = JSON.parse(line) as { id: number; ok: boolean; value?: unknown; error?: string };
      pending.get(reply.id)?.(reply);
      pending.delete(reply.id);
    }
  })();
  const call =
    (path: string) =>
    (...args: unknown[]): Promise<unknown> =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, (reply) => (reply.ok ? resolve(reply.value) : reject(new Error(`peer ${path}: ${reply.error}`))));
        handle.child.stdin.write(`${JSON.stringify({ id, path, args })}\n`);
      });
  const group = (name: string) => new Proxy({}, { get: (_target, method) => call(`${name}.${String(method)}`) });
  const store = {
    adapter: target.kind === 'postgres' ? 'postgres' : 'sqlite',
    events: group('events'),
    mutations: group('mutations'),
    samples: group('samples'),
    queue: group('queue'),
    leases: group('leases'),
    purge: call('purge'),
    health: call('health'),
    subscribe: () => {
      throw new Error('subscribe is not proxied to a peer process');
    },
    close: async () => {
      await call('close')();
    },
  } as unknown as FleetStore;
  return {
    store,
    async close() {
      await store.close().catch(() => undefined);
      handle.child.stdin.end();
      await handle.exited;
    },
  };
}
