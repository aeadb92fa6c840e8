/**
 * A scheduler driven by hand, for deterministic tests: `advance(ms)` moves time in steps, firing every
 * timer that falls due in order and awaiting what it returns (a watcher cycle talks to the simulator over
 * real HTTP, so it is async). `moveClock` moves the underlying clock (e.g. the simulator's `advance`).
 */
import type { Scheduler, TimerHandle } from './scheduler.js';

interface Timer {
  id: number;
  at: number;
  fn: () => void | Promise<void>;
}

export interface ManualScheduler extends Scheduler {
  /** Moves time forward by `ms`, firing due timers (and awaiting them) on the way. */
  advance(ms: number): Promise<void>;
  /** Fires timers already due (0 ms timers) without moving time. */
  flush(): Promise<void>;
  /** Timers still pending. */
  pending(): number;
}

export function createManualScheduler(options: { now: () => number; moveClock: (ms: number) => void }): ManualScheduler {
  let timers: Timer[] = [];
  let seq = 0;
  const nextDue = (limit: number) => timers.filter((t) => t.at <= limit).sort((a, b) => a.at - b.at || a.id - b.id)[0];
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  const fireDue = async (limit: number) => {
    for (let guard = 0; guard < 10_000; guard++) {
      await settle();
      const t = nextDue(limit);
      if (!t) return;
      const now = options.now();
      if (t.at > now) options.moveClock(t.at - now);
      timers = timers.filter((x) => x !== t);
      await t.fn();
    }
    throw new Error('manual scheduler: too many timers fired in one step (a timer re-arms itself at 0 ms?)');
  };
  return {
    schedule(ms, fn): TimerHandle {
      const timer: Timer = { id: ++seq, at: options.now() + Math.max(0, ms), fn };
      timers.push(timer);
      return { cancel: () => void (timers = timers.filter((t) => t !== timer)) };
    },
    async advance(ms) {
      const target = options.now() + ms;
      await fireDue(target);
      const now = options.now();
      if (target > now) options.moveClock(target - now);
      await fireDue(target);
    },
    flush: () => fireDue(options.now()),
    pending: () => timers.length,
  };
}
