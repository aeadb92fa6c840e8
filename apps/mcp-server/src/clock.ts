/** The only source of "now" for the server. Tests inject the simulator's manual clock. */
export interface Clock {
  now(): Date;
  /**
   * Optional: waits `ms` of THIS clock's time (bounded waits such as create_agent_task `wait_until`).
   * A manual test clock implements it by advancing itself; absent → a real timer (see `sleepOn`).
   */
  sleep?(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = { now: () => new Date() };

/** Waits `ms` on `clock` (its own `sleep`, else a real timer); resolves early when `signal` aborts. */
export function sleepOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  if (clock.sleep) return clock.sleep(ms, signal);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
