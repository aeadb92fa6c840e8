/**
 * The change of a metric against the previous period of equal length. A period's value is the mean of
 * its samples (each bucket weighted by its sample count), so a period with a few missing samples still
 * compares fairly; a period without any sample has no value, and then there is no change either (null,
 * never a change from or to 0).
 */

/** A bucket of a series as the store answers it: `count` 0 is a gap (then `avg` is null). */
export interface TrendBucket {
  readonly start: number;
  readonly count: number;
  readonly avg: number | null;
}

export interface PeriodChange {
  /** Mean over this period; null without samples. */
  readonly current: number | null;
  /** Mean over the previous period; null without samples. */
  readonly previous: number | null;
  /** current - previous; null when either side is null. */
  readonly absolute: number | null;
  /** Relative change in percent; null when either side is null, or previous is 0 and current is not. */
  readonly percent: number | null;
}

/** Sample-weighted mean of the buckets with data; null when every bucket is a gap. */
export function periodMean(buckets: readonly TrendBucket[]): number | null {
  let samples = 0;
  let sum = 0;
  for (const b of buckets) {
    if (b.count <= 0 || b.avg === null || !Number.isFinite(b.avg)) continue;
    samples += b.count;
    sum += b.avg * b.count;
  }
  return samples > 0 ? sum / samples : null;
}

export function periodChange(current: number | null, previous: number | null): PeriodChange {
  if (current === null || previous === null) return { current, previous, absolute: null, percent: null };
  const absolute = current - previous;
  const percent = previous !== 0 ? (absolute / Math.abs(previous)) * 100 : absolute === 0 ? 0 : null;
  return { current, previous, absolute, percent };
}
