/**
 * Which time window a trend covers and how wide its buckets are: a preset range (1h, 24h, 7d, 30d) ending
 * now, or an explicit since/until. The bucket width is picked from a ladder of round widths so a series
 * has about 24 to 60 points (each ladder step is at most 2.5x the previous one, which keeps the count at or
 * above 24 whenever the range allows it). The previous period (for the change) has the same length and
 * ends where this one starts.
 */
import { err, ok, type Result } from '../result.js';
import { toEpochMs, type Instant } from '../mapping/timestamps.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const TREND_RANGES = ['1h', '24h', '7d', '30d'] as const;
export type TrendRange = (typeof TREND_RANGES)[number];
export const TREND_RANGE_MS: Readonly<Record<TrendRange, number>> = { '1h': HOUR, '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY };

/** At most this many points per series (the bucket grows instead). */
export const MAX_TREND_POINTS = 60;
/** Shortest explicit range: one default sample interval. */
export const MIN_TREND_RANGE_MS = MINUTE;
/** Longest explicit range (the ladder's widest bucket times MAX_TREND_POINTS). */
export const MAX_TREND_RANGE_MS = 400 * DAY;

/** Round bucket widths, narrowest first; never below one minute (the default sample interval). */
const BUCKET_LADDER_MS: readonly number[] = [
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  4 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  4 * DAY,
  7 * DAY,
];

export type TrendWindowRequest = { readonly range: TrendRange } | { readonly since: number; readonly until?: number };

export interface TrendWindow {
  /** Epoch ms, inclusive. */
  readonly from: number;
  /** Epoch ms, exclusive. */
  readonly to: number;
  readonly bucketMs: number;
  /** Number of buckets (the last one may be shorter than bucketMs). */
  readonly points: number;
  /** The period of equal length just before: [previousFrom, from). */
  readonly previousFrom: number;
}

export type TrendWindowError =
  | { readonly kind: 'until_not_after_since'; readonly since: number; readonly until: number }
  | { readonly kind: 'range_too_short'; readonly rangeMs: number; readonly minMs: number }
  | { readonly kind: 'range_too_long'; readonly rangeMs: number; readonly maxMs: number }
  | { readonly kind: 'since_in_future'; readonly since: number; readonly now: number };

/** The narrowest ladder width giving at most MAX_TREND_POINTS buckets over `rangeMs`. */
export function chooseBucketMs(rangeMs: number): number {
  for (const width of BUCKET_LADDER_MS) if (Math.ceil(rangeMs / width) <= MAX_TREND_POINTS) return width;
  return BUCKET_LADDER_MS[BUCKET_LADDER_MS.length - 1] as number;
}

/** The window for a request at `now`: a preset ends now; an explicit `until` defaults to now. */
export function chooseTrendWindow(request: TrendWindowRequest, now: Instant): Result<TrendWindow, TrendWindowError> {
  const nowMs = toEpochMs(now);
  let from: number;
  let to: number;
  if ('range' in request) {
    to = nowMs;
    from = nowMs - TREND_RANGE_MS[request.range];
  } else {
    from = request.since;
    to = request.until ?? nowMs;
    if (from >= nowMs && request.until === undefined) return err({ kind: 'since_in_future', since: from, now: nowMs });
    if (to <= from) return err({ kind: 'until_not_after_since', since: from, until: to });
    if (to - from < MIN_TREND_RANGE_MS) return err({ kind: 'range_too_short', rangeMs: to - from, minMs: MIN_TREND_RANGE_MS });
    if (to - from > MAX_TREND_RANGE_MS) return err({ kind: 'range_too_long', rangeMs: to - from, maxMs: MAX_TREND_RANGE_MS });
  }
  const rangeMs = to - from;
  const bucketMs = chooseBucketMs(rangeMs);
  return ok({ from, to, bucketMs, points: Math.ceil(rangeMs / bucketMs), previousFrom: from - rangeMs });
}
