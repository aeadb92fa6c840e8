/**
 * Background work that must run in ONE process per store (the fleet watcher's journal writes, the sampler,
 * the queue dispatcher): jobs registered here run while this process holds the background lease and stop
 * when it loses it. The lease beat starts on the first session (`ensureStarted`), never on the start-up path:
 * opening the store loads a native driver, which cold start must not pay for.
 */
import type { Logger } from '../log.js';
import type { Scheduler, TimerHandle } from '../watch/scheduler.js';
import type { Leadership } from './leadership.js';

export interface BackgroundJob {
  /** For logs: "sampler", "queue-dispatcher", "journal-writer". */
  name: string;
  /** Called when this process takes the lease (also when the job registers while already leading). */
  start(): void;
  /** Called when the lease is lost or the server stops. */
  stop(): void | Promise<void>;
}

export interface Background {
  /** Registers a job; returns a function that stops and removes it. */
  register(job: BackgroundJob): () => Promise<void>;
  /** Starts the lease beat (idempotent, never rejects). */
  ensureStarted(): Promise<void>;
  isLeader(): boolean;
  /** Stops every job and releases the lease (shutdown). */
  stop(): Promise<void>;
}

export function createBackground(options: { leadership: Leadership; log?: Logger }): Background {
  const { leadership, log } = options;
  const jobs = new Set<BackgroundJob>();
  const running = new Set<BackgroundJob>();
  let started: Promise<void> | undefined;

  const startJob = (job: BackgroundJob): void => {
    if (running.has(job)) return;
    try {
      job.start();
      running.add(job);
    } catch (error) {
      log?.error('background job failed to start', { job: job.name, error });
    }
  };
  const stopJob = async (job: BackgroundJob): Promise<void> => {
    if (!running.delete(job)) return;
    try {
      await job.stop();
    } catch (error) {
      log?.error('background job failed to stop', { job: job.name, error });
    }
  };
  leadership.onChange((leader) => {
    for (const job of jobs) {
      if (leader) startJob(job);
      else void stopJob(job);
    }
  });

  return {
    register(job) {
      jobs.add(job);
      if (leadership.isLeader()) startJob(job);
      return async () => {
        jobs.delete(job);
        await stopJob(job);
      };
    },
    ensureStarted() {
      started ??= leadership.start().catch((error: unknown) => log?.error('background lease failed to start', { error }));
      return started;
    },
    isLeader: () => leadership.isLeader(),
    async stop() {
      await Promise.all([...running].map(stopJob));
      await leadership.stop();
    },
  };
}

/** The beat of a periodic background job: `run` at once on start, then again `nextDelayMs()` after each run ends. */
export interface PeriodicLoop {
  start(): void;
  /** Cancels the next run and waits for one in flight. */
  stop(): Promise<void>;
}

/** A failing run is logged (as `what`) and the loop goes on: a background job never crashes the server. */
export function createPeriodicLoop(options: { scheduler: Scheduler; nextDelayMs: () => number; run: () => Promise<unknown>; what: string; log?: Logger }): PeriodicLoop {
  const { scheduler, log } = options;
  let running = false;
  let timer: TimerHandle | undefined;
  let inFlight: Promise<unknown> | undefined;
  const tick = async (): Promise<void> => {
    timer = undefined;
    if (!running) return;
    inFlight = options.run().catch((error: unknown) => log?.error(`${options.what} failed`, { error }));
    await inFlight;
    if (running) timer = scheduler.schedule(options.nextDelayMs(), tick);
  };
  return {
    start() {
      if (running) return;
      running = true;
      timer = scheduler.schedule(0, tick);
    },
    async stop() {
      running = false;
      timer?.cancel();
      timer = undefined;
      await inFlight;
    },
  };
}
