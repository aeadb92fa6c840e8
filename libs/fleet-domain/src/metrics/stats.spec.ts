import { describe, expect, it } from 'vitest';
import { durationStats, meanAbsoluteDeviation, median, medianAbsoluteDeviation, quantileSorted, quantilesInPlace, requireSamples, selectTop, sortedFinite } from './stats.js';

describe('stats', () => {
  it('quantilesInPlace (selection) gives exactly quantileSorted of the sorted values', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 16807) % 2147483647);
    for (const n of [1, 2, 3, 4, 5, 10, 11, 100, 1001]) {
      for (const spread of [3, 1000, 1e9]) {
        const xs = Array.from({ length: n }, () => rand() % spread);
        const sorted = Float64Array.from(xs).sort();
        const qs = [0, 0.25, 0.5, 0.9, 0.99, 1];
        expect(quantilesInPlace(Float64Array.from(xs), qs)).toEqual(qs.map((q) => quantileSorted(sorted, q)));
      }
    }
    expect(quantilesInPlace(new Float64Array(0), [0.5])).toEqual([Number.NaN]);
    expect(durationStats([5, Number.NaN, 1, 3, Infinity, 2])).toEqual({ count: 4, medianMs: 2.5, p90Ms: 4.4, maxMs: 5, approximate: false });
  });

  it('selectTop equals a stable sort + slice, ties in input order', () => {
    const items = [5, 3, 9, 3, 1, 7, 3, 8, 1, 6].map((v, i) => ({ v, i }));
    const cmp = (a: { v: number }, b: { v: number }) => a.v - b.v;
    for (const k of [0, 1, 3, 4, 5, 9, 10, 20]) expect(selectTop(items, k, cmp)).toEqual([...items].sort(cmp).slice(0, k));
    expect(selectTop(items, 2.7, cmp)).toEqual([items[4], items[8]]);
    const many = Array.from({ length: 500 }, (_, i) => ({ v: (i * 7919) % 101, i }));
    for (const k of [1, 10, 31, 32, 100]) expect(selectTop(many, k, cmp)).toEqual([...many].sort(cmp).slice(0, k));
  });

  it('sortedFinite drops NaN and Infinity', () => expect([...sortedFinite([3, Number.NaN, 1, Infinity, 2])]).toEqual([1, 2, 3]));
  it.each([
    [[7], 0.9, 7],
    [[1, 2, 3, 4], 0.5, 2.5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9.1],
  ])('quantile %j q=%d', (xs, q, expected) => expect(quantileSorted(xs, q)).toBeCloseTo(expected));
  it('quantile of nothing is NaN', () => expect(quantileSorted([], 0.5)).toBeNaN());
  it('median / MAD / mean AD', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(medianAbsoluteDeviation([1, 2, 3, 4, 100], 3)).toBe(1);
    expect(meanAbsoluteDeviation([1, 3], 2)).toBe(1);
    expect(meanAbsoluteDeviation([], 0)).toBeNaN();
  });
  it('durationStats', () => {
    expect(durationStats([])).toEqual({ count: 0, medianMs: null, p90Ms: null, maxMs: null, approximate: false });
    expect(durationStats([10, 20, 30, Number.NaN], true)).toEqual({ count: 3, medianMs: 20, p90Ms: 28, maxMs: 30, approximate: true });
  });
});

describe('requireSamples', () => {
  it.each([
    [[1, 2, 3], 3, true],
    [[1, Number.NaN, 3], 3, false],
    [[], 1, false],
    [[], 0, true],
  ])('%j need %i -> ok %s', (values, need, okay) => {
    const r = requireSamples('time to complete', values, need);
    expect(r.ok).toBe(okay);
    if (!r.ok) expect(r.error).toEqual({ kind: 'insufficient_samples', metric: 'time to complete', have: values.filter(Number.isFinite).length, need });
  });
});
