import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit.js';

describe('token bucket rate limiter', () => {
  it('allows a burst, then refills at the sustained rate, per key', () => {
    let t = 0;
    const limiter = createRateLimiter({ perMinute: 60, burst: 3, now: () => t });
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(limiter.take('b').ok).toBe(true);
    t += 500;
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterMs: 500 });
    t += 500;
    expect(limiter.take('a').ok).toBe(true);
    t += 60_000;
    expect([1, 2, 3, 4].map(() => limiter.take('a').ok)).toEqual([true, true, true, false]);
  });

  it('is off with perMinute 0 and bounds the number of tracked keys', () => {
    const off = createRateLimiter({ perMinute: 0, burst: 1, now: () => 0 });
    expect(Array.from({ length: 100 }, () => off.take('k').ok).every(Boolean)).toBe(true);
    const small = createRateLimiter({ perMinute: 60, burst: 1, now: () => 0, maxKeys: 2 });
    small.take('a');
    small.take('b');
    small.take('c');
    expect(small.size()).toBe(2);
    small.forget('c');
    expect(small.size()).toBe(1);
  });
});

describe('rate limiter: cost per message (D4)', () => {
  it('charges a batch one token per message and refuses a batch larger than the burst', () => {
    let t = 0;
    const limiter = createRateLimiter({ perMinute: 60, burst: 10, now: () => t });
    expect(limiter.take('s', 8).ok).toBe(true);
    expect(limiter.take('s', 3)).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(limiter.take('s', 2).ok).toBe(true);
    expect(limiter.take('s', 11)).toMatchObject({ ok: false, tooLarge: true });
    t += 10_000;
    expect(limiter.take('s', 10).ok).toBe(true);
  });
});
