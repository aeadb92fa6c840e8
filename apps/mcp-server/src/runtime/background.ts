/**
 * Background work that must run in ONE process per store (the fleet watcher's journal writes, the sampler,
 * the queue dispatcher): jobs registered here run while this process holds the background lease and stop
 * when it loses it. The lease beat starts on the first session (`ensureStarted`), never on the start-up path:
 * opening the store loads a native driver, which cold start must not pay for.
 */
import type { Logger } from '../log.js';
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
