import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { StoreTarget } from './config.js';
import { WRITER_BATCH, spawnChild, spawnPeer } from './contract/peer.js';
import { storeContract, value } from './contract/store-contract.js';
import { openStore } from './open.js';

const dir = mkdtempSync(join(tmpdir(), 'fleet-store-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
let n = 0;
const newLocation = async (): Promise<StoreTarget> => ({ kind: 'sqlite', path: join(dir, `store-${++n}`, 'fleet.sqlite'), isDefault: false });

storeContract({
  name: 'sqlite',
  newLocation,
  durable: true,
  // Another PROCESS on the same file (WAL).
  openPeer: spawnPeer,
  options: { pollMs: 50 },
});

describe('sqlite: crash safety', () => {
  test('kill -9 of a writer loses nothing it reported committed, and leaves no partial batch', async () => {
    const where = await newLocation();
    const writer = spawnChild('writer', where);
    let last = { batch: 0, headSeq: 0 };
    for await (const line of writer.lines) {
      last = JSON.parse(line) as typeof last;
      if (last.batch >= 20) break;
    }
    writer.child.kill('SIGKILL');
    expect((await writer.exited).signal).toBe('SIGKILL');
    expect(last.batch).toBeGreaterThanOrEqual(20);

    const store = value(await openStore(where));
    const events = [];
    for (let after = 0; ; ) {
      const page = value(await store.events.read({ after, limit: 10_000 }));
      events.push(...page.events);
      if (page.events.length === 0) break;
      after = page.cursor;
    }
    await store.close();
    expect(events.length).toBeGreaterThanOrEqual(last.batch * WRITER_BATCH);
    expect(events.length % WRITER_BATCH).toBe(0); // a batch is one transaction: all or nothing
    expect(events.at(-1)!.seq).toBeGreaterThanOrEqual(last.headSeq);
    const batches = new Set(events.map((e) => (e.payload as { batch: number }).batch));
    for (let b = 1; b <= last.batch; b++) expect(batches.has(b)).toBe(true);
  });
});

describe('sqlite: typed failures', () => {
  test('a folder that cannot be created answers a typed error, not an exception', async () => {
    // (Not under /proc: Node 20's recursive mkdirSync loops forever there.)
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const result = await openStore({ kind: 'sqlite', path: join(file, 'sub', 'fleet.sqlite'), isDefault: false });
    expect(result).toMatchObject({ ok: false, error: { kind: 'unavailable', code: 'ENOTDIR', operation: 'open' } });
  });

  test('a file that is not a database answers corrupt', async () => {
    const path = join(dir, 'garbage.sqlite');
    writeFileSync(path, 'this is not a sqlite database, just some text that is long enough to have a header'.repeat(20));
    const result = await openStore({ kind: 'sqlite', path, isDefault: false });
    expect(result).toMatchObject({ ok: false, error: { kind: 'corrupt' } });
  });
});
