/**
 * The trend sampler (US5): a background job (it runs only in the store-lease holder) that every
 * `--sample-interval` reads the fleet once, through the runtime's cached read (a read another caller made
 * within the cache TTL is reused, never a second full load), computes the metrics with fleet-domain, and
 * writes the fleet, template and owner scopes in ONE `samples.write`.
 * Sample times sit on interval boundaries, so two processes sampling the same minute (a lease hand-over)
 * upsert one row instead of doubling it. Failures never crash and never write zeros: when Coder cannot be
 * read there is no sample (the trend shows a gap); when the store fails the sample is dropped and the next
 * tick tries again.
 */
import { sampleFleetMetrics, type FleetStatusOptions } from '@org/fleet-domain';
import type { SampleInput, StoreError } from '@org/fleet-store';
import type { FleetReadSource } from '../backends/backend.js';
import type { Clock } from '../clock.js';
import { fromCoderApiError } from '../failures.js';
import type { Logger } from '../log.js';
import type { Scheduler } from '../watch/scheduler.js';
import { createPeriodicLoop, type BackgroundJob } from './background.js';
import type { StoreHandle } from './store-handle.js';

export type SampleOutcome =
  | { kind: 'written'; at: number; rows: number }
  /** Coder could not be read: no sample (a gap). */
  | { kind: 'coder_failed'; message: string }
  /** The store refused the write: the sample is lost, the next tick tries again. */
  | { kind: 'store_failed'; error: StoreError };

export interface SamplerStatus {
  /** 0 when sampling is off (`--sample-interval 0`). */
  intervalMs: number;
  /** True while this process samples (it holds the background lease). */
  running: boolean;
  /** When this process last started sampling. */
  startedAt?: Date;
  /** Time of the last sample written by this process. */
  lastSampleAt?: Date;
  /** The last tick's failure, cleared by the next written sample. */
  lastFailure?: { at: Date; source: 'coder' | 'store'; message: string };
}

export interface Sampler extends BackgroundJob {
  status(): SamplerStatus;
  /** One sample now (what each tick does); tests and the first tick call it directly. */
  sampleOnce(): Promise<SampleOutcome>;
}

export function createSampler(options: {
  fleet: FleetReadSource;
  store: StoreHandle;
  clock: Clock;
  scheduler: Scheduler;
  intervalMs: number;
  statusOptions: FleetStatusOptions;
  /** Largest templates and owners sampled besides the fleet (fleet-domain's default when absent). */
  maxScopes?: number;
  log?: Logger;
}): Sampler {
  const { fleet, store, clock, scheduler, intervalMs, log } = options;
  let status: SamplerStatus = { intervalMs, running: false };

  const fail = (source: 'coder' | 'store', message: string): void => {
    if (status.lastFailure?.source !== source) log?.warn(`sampler: no trend sample (${source} failed); retrying every interval`, { error: message });
    status = { ...status, lastFailure: { at: clock.now(), source, message } };
  };

  const sampleOnce = async (): Promise<SampleOutcome> => {
    const read = await fleet.list();
    if (!read.ok) {
      const message = fromCoderApiError(read.error, { action: 'read the fleet for a trend sample' }).message;
      fail('coder', message);
      return { kind: 'coder_failed', message };
    }
    const nowMs = clock.now().getTime();
    const at = intervalMs > 0 ? nowMs - (nowMs % intervalMs) : nowMs;
    const samples: SampleInput[] = sampleFleetMetrics(read.value.agents, nowMs, { status: options.statusOptions, ...(options.maxScopes !== undefined ? { maxScopes: options.maxScopes } : {}) }).map(
      (s) => ({ at, scope: s.scope, metrics: { ...s.metrics } }),
    );
    const written = await store.run((s) => s.samples.write(samples));
    if (!written.ok) {
      fail('store', `${written.error.message} ${written.error.hint}`);
      return { kind: 'store_failed', error: written.error };
    }
    const next: SamplerStatus = { ...status, lastSampleAt: new Date(at) };
    delete next.lastFailure;
    status = next;
    return { kind: 'written', at, rows: written.value.written };
  };

  // The next sample on the next interval boundary (where the sample time is rounded to).
  const loop = createPeriodicLoop({
    scheduler,
    nextDelayMs: () => intervalMs - (clock.now().getTime() % intervalMs),
    run: sampleOnce,
    what: 'sampler tick',
    ...(log ? { log } : {}),
  });

  return {
    name: 'sampler',
    status: () => status,
    sampleOnce,
    start() {
      if (status.running || intervalMs <= 0) return;
      status = { ...status, running: true, startedAt: clock.now() };
      log?.info('sampler started', { intervalMs });
      loop.start();
    },
    async stop() {
      status = { ...status, running: false };
      await loop.stop();
    },
  };
}
