/** The simulator's notion of time: manual (tests step it) or real (demos). */
export interface SimClock {
  readonly kind: 'manual' | 'real';
  now(): number;
  /** Manual clocks only: move forward by `ms`. */
  advance(ms: number): number;
}

export const DEFAULT_START_TIME = Date.parse('2026-03-10T09:00:00.000Z');

export function createManualClock(startMs: number = DEFAULT_START_TIME): SimClock {
  let current = startMs;
  return {
    kind: 'manual',
    now: () => current,
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance(ms) needs a finite ms >= 0, got ${ms}`);
      current += ms;
      return current;
    },
  };
}

/** Wall-clock time, optionally accelerated (`speed` simulated ms per real ms) from the moment of creation. */
export function createRealClock(speed = 1): SimClock {
  if (!(speed > 0)) throw new RangeError(`speed must be > 0, got ${speed}`);
  const origin = Date.now();
  return {
    kind: 'real',
    now: () => (speed === 1 ? Date.now() : origin + Math.floor((Date.now() - origin) * speed)),
    advance() {
      throw new Error('advance() needs clock: "manual"; this simulator runs on real time');
    },
  };
}
