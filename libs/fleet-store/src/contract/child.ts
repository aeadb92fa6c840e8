/**
 * Child process for the contract suite (run with `node --import tsx child.ts <mode> <target-json>`):
 * - serve:  opens the store and answers JSON-line calls `{id, path: "events.append", args}` on stdin;
 * - writer: appends batches of 50 events forever, printing `{"batch": n, "headSeq": s}` after each commit
 *           (the kill -9 test kills it mid-stream and checks that every printed batch survived).
 */
import { createInterface } from 'node:readline';
import type { StoreTarget } from '../config.js';
import { openStore } from '../open.js';
import { WRITER_BATCH } from './peer.js';

const [mode, targetJson] = process.argv.slice(2);
const target = JSON.parse(targetJson ?? '{}') as StoreTarget;
const out = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value)}\n`);
};

const opened = await openStore(target, { busyTimeoutMs: 10_000 });
if (!opened.ok) {
  process.stderr.write(`open failed: ${JSON.stringify(opened.error)}\n`);
  process.exit(2);
}
const store = opened.value;

if (mode === 'writer') {
  for (let batch = 1; ; batch++) {
    const events = Array.from({ length: WRITER_BATCH }, (_, i) => ({
      kind: 'status_changed',
      severity: 'info' as const,
      agentId: `agent-${i}`,
      payload: { batch, i },
    }));
    const result = await store.events.append(events);
    if (!result.ok) {
      process.stderr.write(`append failed: ${JSON.stringify(result.error)}\n`);
      process.exit(3);
    }
    out({ batch, headSeq: result.value.headSeq });
  }
} else {
  out({ ready: true });
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const { id, path, args } = JSON.parse(line) as { id: number; path: string; args: unknown[] };
    const [group, method] = path.split('.') as [string, string | undefined];
    const owner = (method ? (store as unknown as Record<string, Record<string, unknown>>)[group] : store) as Record<string, unknown>;
    const fn = owner[method ?? group] as (...a: unknown[]) => Promise<unknown>;
    fn.apply(owner, args).then(
      (value) => out({ id, ok: true, value }),
      (error: unknown) => out({ id, ok: false, error: String(error) }),
    );
  });
  lines.on('close', () => {
    void store.close().then(() => process.exit(0));
  });
}
