import { describe, expect, it } from 'vitest';
import { manualClock } from '../testing/manual-clock.js';
import { createSingleFlightCache } from './single-flight-cache.js';

const deferred = <T>() => {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};

describe('createSingleFlightCache', () => {
  it('shares one in-flight load between concurrent callers', async () => {
    const clock = manualClock();
    const cache = createSingleFlightCache<number>({ clock, ttlMs: 1000 });
    const d = deferred<number>();
    let calls = 0;
    const load = () => {
      calls += 1;
      return d.promise;
    };
    const a = cache.get('k', load);
    const b = cache.get('k', load);
    d.resolve(42);
    expect(await Promise.all([a, b])).toEqual([42, 42]);
    expect(calls).toBe(1);
  });

  it('reuses a value for the TTL on the injected clock, then reloads', async () => {
    const clock = manualClock();
    const cache = createSingleFlightCache<number>({ clock, ttlMs: 1000 });
    let n = 0;
    const load = async () => ++n;
    expect(await cache.get('k', load)).toBe(1);
    clock.advance(999);
    expect(await cache.get('k', load)).toBe(1);
    clock.advance(1);
    expect(await cache.get('k', load)).toBe(2);
    expect(await cache.get('k', load, { force: true })).toBe(3);
    expect(cache.loads).toBe(3);
  });

  it('with TTL 0 keeps nothing but still shares an in-flight load', async () => {
    const cache = createSingleFlightCache<number>({ clock: manualClock(), ttlMs: 0 });
    let n = 0;
    const load = async () => ++n;
    expect(await Promise.all([cache.get('k', load), cache.get('k', load)])).toEqual([1, 1]);
    expect(await cache.get('k', load)).toBe(2);
    expect(cache.loads).toBe(2);
  });

  it('does not keep values rejected by shouldCache, nor errors', async () => {
    const cache = createSingleFlightCache<{ ok: boolean }>({ clock: manualClock(), ttlMs: 1000, shouldCache: (v) => v.ok });
    let n = 0;
    await cache.get('k', async () => ({ ok: false, n: ++n }));
    await cache.get('k', async () => ({ ok: false, n: ++n }));
    expect(n).toBe(2);
    await expect(cache.get('e', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await cache.get('e', async () => ({ ok: true }))).toEqual({ ok: true });
  });

  it('invalidate makes the next caller start a new load and drops the stale in-flight value', async () => {
    const cache = createSingleFlightCache<string>({ clock: manualClock(), ttlMs: 1000 });
    const first = deferred<string>();
    const a = cache.get('k', () => first.promise);
    cache.invalidate();
    const b = cache.get('k', async () => 'fresh');
    first.resolve('stale');
    expect(await a).toBe('stale');
    expect(await b).toBe('fresh');
    expect(await cache.get('k', async () => 'other')).toBe('fresh');
  });

  it('evicts the oldest entries beyond maxEntries', async () => {
    const cache = createSingleFlightCache<string>({ clock: manualClock(), ttlMs: 1000, maxEntries: 2 });
    await cache.get('a', async () => 'a1');
    await cache.get('b', async () => 'b1');
    await cache.get('c', async () => 'c1');
    expect(await cache.get('a', async () => 'a2')).toBe('a2');
    expect(await cache.get('c', async () => 'c2')).toBe('c1');
  });
});
