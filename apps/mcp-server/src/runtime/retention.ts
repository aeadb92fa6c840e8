/**
 * `--retention-days` (default 30): a background job in the lease holder that deletes store history older than
 * the retention (events, mutations, trend samples, finished queue items) at once when it starts and then
 * hourly, so the store stays bounded (the sampler alone writes about 100 rows a minute). A failing store is
 * logged and tried again on the next beat, never a crash.
 */
import { DEFAULT_RETENTION_DAYS, parseRetentionDays, type PurgeResult, type StoreResult } from '@org/fleet-store';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Scheduler } from '../watch/scheduler.js';
import { createPeriodicLoop, type BackgroundJob } from './background.js';
import type { StoreHandle } from './store-handle.js';

export const RETENTION_PURGE_INTERVAL_MS = 60 * 60_000;

/** --retention-days (validated at start: a bad value never gets here, the default is only defensive). */
export function retentionDaysOf(config: Pick<Config, 'retentionDays'>): number {
  const days = parseRetentionDays(config.retentionDays);
  return days.ok ? days.value : DEFAULT_RETENTION_DAYS;
}

export interface RetentionJob extends BackgroundJob {
  purgeOnce(): Promise<StoreResult<PurgeResult>>;
}

export function createRetentionJob(options: { store: StoreHandle; scheduler: Scheduler; retentionDays: number; intervalMs?: number; log?: Logger }): RetentionJob {
  const { store, scheduler, retentionDays, log } = options;
  const intervalMs = options.intervalMs ?? RETENTION_PURGE_INTERVAL_MS;
  const purgeOnce = async (): Promise<StoreResult<PurgeResult>> => {
    const result = await store.run((s) => s.purge({ retentionDays }));
    if (!result.ok) log?.warn('retention: old history not purged (store failed); retrying next hour', { error: result.error.message });
    else if (Object.values(result.value).some((n) => n > 0)) log?.info('retention: purged history older than the retention', { retentionDays, ...result.value });
    return result;
  };
  const loop = createPeriodicLoop({ scheduler, nextDelayMs: () => intervalMs, run: purgeOnce, what: 'retention purge', ...(log ? { log } : {}) });

  return {
    name: 'retention',
    purgeOnce,
    start: () => loop.start(),
    stop: () => loop.stop(),
  };
}
