import { describe, expect, it } from 'vitest';
import { periodChange, periodMean, type TrendBucket } from './period-change.js';

const b = (count: number, avg: number | null): TrendBucket => ({ start: 0, count, avg });

describe('periodMean', () => {
  it.each([
    ['no buckets', [], null],
    ['only gaps', [b(0, null), b(0, null)], null],
    ['one bucket', [b(3, 4)], 4],
    ['weighted by sample count', [b(1, 10), b(3, 2)], 4],
    ['gaps ignored, not read as zero', [b(2, 6), b(0, null), b(2, 6)], 6],
    ['a real zero counts', [b(1, 0), b(1, 10)], 5],
  ])('%s', (_name, buckets, expected) => expect(periodMean(buckets)).toBe(expected));
});

describe('periodChange', () => {
  it.each([
    [10, 8, 2, 25],
    [8, 10, -2, -20],
    [5, 5, 0, 0],
    [0, 0, 0, 0],
    [3, 0, 3, null],
    [-2, -4, 2, 50],
    [null, 4, null, null],
    [4, null, null, null],
    [null, null, null, null],
  ])('current %s vs previous %s: absolute %s, percent %s', (current, previous, absolute, percent) => {
    expect(periodChange(current, previous)).toEqual({ current, previous, absolute, percent });
  });
});
