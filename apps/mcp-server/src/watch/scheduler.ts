/**
 * Timers for the fleet watcher and bounded waits, injectable so tests drive them with a manual clock
 * (see manual-scheduler.ts). The real scheduler unrefs its timers: a watcher never keeps the process alive.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Scheduler {
  /** Runs `fn` once after `ms` (a returned promise is awaited by manual schedulers, ignored by the real one). */
  schedule(ms: number, fn: () => void | Promise<void>): TimerHandle;
}

export const realScheduler: Scheduler = {
  schedule(ms, fn) {
    const timer = setTimeout(() => {
      void fn();
    }, Math.max(0, ms));
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};
