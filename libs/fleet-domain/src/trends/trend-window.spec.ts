import { describe, expect, it } from 'vitest';
import { MAX_TREND_POINTS, TREND_RANGES, chooseBucketMs, chooseTrendWindow } from './trend-window.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);

describe('chooseTrendWindow', () => {
  it.each([
    ['1h', HOUR, MINUTE, 60],
    ['24h', DAY, 30 * MINUTE, 48],
    ['7d', 7 * DAY, 3 * HOUR, 56],
    ['30d', 30 * DAY, 12 * HOUR, 60],
  ] as const)('preset %s ends now: %d ms in buckets of %d ms (%d points), previous period of equal length', (range, length, bucketMs, points) => {
    const w = chooseTrendWindow({ range }, NOW);
    expect(w).toEqual({ ok: true, value: { from: NOW - length, to: NOW, bucketMs, points, previousFrom: NOW - 2 * length } });
  });

  it('every preset has 24 to 60 points', () => {
    for (const range of TREND_RANGES) {
      const w = chooseTrendWindow({ range }, NOW);
      if (!w.ok) throw new Error('preset refused');
      expect(w.value.points).toBeGreaterThanOrEqual(24);
      expect(w.value.points).toBeLessThanOrEqual(MAX_TREND_POINTS);
    }
  });

  it('since without until ends now; with until it is the explicit window', () => {
    expect(chooseTrendWindow({ since: NOW - 3 * HOUR }, NOW)).toMatchObject({ ok: true, value: { from: NOW - 3 * HOUR, to: NOW, bucketMs: 5 * MINUTE, points: 36 } });
    expect(chooseTrendWindow({ since: NOW - 10 * DAY, until: NOW - 9 * DAY }, NOW)).toMatchObject({
      ok: true,
      value: { from: NOW - 10 * DAY, to: NOW - 9 * DAY, bucketMs: 30 * MINUTE, points: 48, previousFrom: NOW - 11 * DAY },
    });
  });

  it.each([
    [{ since: NOW + HOUR }, 'since_in_future'],
    [{ since: NOW - HOUR, until: NOW - HOUR }, 'until_not_after_since'],
    [{ since: NOW - HOUR, until: NOW - 2 * HOUR }, 'until_not_after_since'],
    [{ since: NOW - 30_000 }, 'range_too_short'],
    [{ since: NOW - 500 * DAY }, 'range_too_long'],
  ])('refuses %j: %s', (request, kind) => {
    const w = chooseTrendWindow(request, NOW);
    expect(w.ok).toBe(false);
    if (!w.ok) expect(w.error.kind).toBe(kind);
  });
});

describe('chooseBucketMs', () => {
  it('keeps every range from 24 minutes to 400 days at 24..60 points', () => {
    for (let range = 24 * MINUTE; range <= 400 * DAY; range = Math.ceil(range * 1.07)) {
      const points = Math.ceil(range / chooseBucketMs(range));
      expect(points, `range ${range}`).toBeGreaterThanOrEqual(24);
      expect(points, `range ${range}`).toBeLessThanOrEqual(60);
    }
  });
  it('never goes below one minute (the sample interval)', () => {
    expect(chooseBucketMs(MINUTE)).toBe(MINUTE);
    expect(chooseBucketMs(10 * MINUTE)).toBe(MINUTE);
  });
});
