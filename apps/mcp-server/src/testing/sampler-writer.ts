/**
 * Child process for the trend survival spec (run with `node --conditions=@org/source --import tsx
 * sampler-writer.ts <store-target-json> <start-ms>`): the real sampler writing one sample per simulated
 * minute to the given store, forever, printing `{"at": <ms>}` after each committed write. The spec kills it
 * with SIGKILL mid-stream and checks that every printed sample is still in the trend after reopening the store.
 */
import type { StoreTarget } from '@org/fleet-store';
import { buildFleet } from '@org/fleet-domain/testing';
import { createSampler } from '../runtime/sampler.js';
import { storeHandleForTarget } from '../runtime/store-handle.js';
import { realScheduler } from '../watch/scheduler.js';
import { manualClock } from './manual-clock.js';

const MINUTE = 60_000;

const target = JSON.parse(process.argv[2] ?? '{}') as StoreTarget;
const clock = manualClock(Number(process.argv[3]));
const agents = buildFleet({ counts: { busy: 6, idle: 4, error: 2 }, now: clock.now().getTime() });
const store = storeHandleForTarget(target, clock);
const sampler = createSampler({
  fleet: { list: async () => ({ ok: true, status: 200, value: { agents, count: agents.length, fetchedAt: clock.now() } }), invalidate: () => undefined },
  store,
  clock,
  scheduler: realScheduler,
  intervalMs: MINUTE,
  statusOptions: {},
});
for (;;) {
  clock.advance(MINUTE);
  const outcome = await sampler.sampleOnce();
  if (outcome.kind !== 'written') {
    process.stderr.write(`sample failed: ${JSON.stringify(outcome)}\n`);
    process.exit(3);
  }
  process.stdout.write(`${JSON.stringify({ at: outcome.at })}\n`);
  await new Promise((resolve) => setTimeout(resolve, 2));
}
