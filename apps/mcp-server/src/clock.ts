/** The only source of "now" for the server. Tests inject the simulator's manual clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
