/**
 * Fleet watch: the watcher (polling + diff + journal), per-session delivery (logging notifications and
 * resource subscriptions) and the config mapping. See README "How alerts reach Claude Code and other clients".
 */
import type { Clock } from '../clock.js';
import type { CoderClient } from '../coder.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { FleetPushSource, FleetReadSource } from '../backends/backend.js';
import { fleetStatusOptions } from '../runtime/fleet-options.js';
import { explainFailureFromBuild } from '../runtime/build-errors.js';
import { createFleetWatcher, type FleetWatcher, type WatcherDurability } from './fleet-watcher.js';
import type { Scheduler } from './scheduler.js';

export { createFleetWatcher, type FleetWatcher, type SocketHealth, type WatcherHealth, type CycleBatch, type WaitOutcome } from './fleet-watcher.js';
export { createEventJournal, type EventJournal, type JournalEntry, type JournalRead } from './event-journal.js';
export { realScheduler, type Scheduler, type TimerHandle } from './scheduler.js';

/** The watcher of one runtime (shared by every session using that runtime), configured from flags. */
export function createFleetWatcherFromConfig(deps: {
  tasks: FleetReadSource;
  /** Coder's chat watch socket (Agents era): changes arrive pushed, the poll reconciles. */
  push?: FleetPushSource;
  clock: Clock;
  config: Config;
  /** When given, agent_failed events carry the workspace build's error (one lookup per failure). */
  coder?: CoderClient;
  log?: Logger;
  scheduler?: Scheduler;
  durable?: WatcherDurability;
}): FleetWatcher {
  const { config, coder } = deps;
  return createFleetWatcher({
    tasks: deps.tasks,
    ...(deps.push ? { push: deps.push } : {}),
    ...(config.watchReconcileMs !== undefined ? { reconcileMs: config.watchReconcileMs } : {}),
    clock: deps.clock,
    ...(deps.scheduler ? { scheduler: deps.scheduler } : {}),
    ...(deps.durable ? { durable: deps.durable } : {}),
    ...(deps.log ? { log: deps.log.child({ component: 'fleet-watcher' }) } : {}),
    intervalMs: config.watchIntervalMs,
    debounceMs: config.watchDebounceMs,
    maxBackoffMs: config.watchMaxBackoffMs,
    journalSize: config.journalSize,
    alwaysOn: config.watchAlwaysOn,
    ...fleetStatusOptions(config),
    ...(coder ? { explainFailure: (agent, signal) => explainFailureFromBuild(coder, agent, signal) } : {}),
  });
}
