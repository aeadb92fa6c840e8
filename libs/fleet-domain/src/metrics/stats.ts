/**
 * Small robust statistics over plain number arrays. Inputs may contain NaN (unknown times): callers
 * filter them out first with `finite`. Sorting is O(n log n) on a Float64Array (numeric, no comparator).
 */
import type { InsufficientSamples } from '../errors.js';
import { err, ok, type Result } from '../result.js';

/** Keep finite numbers only, into a sorted Float64Array. */
export function sortedFinite(values: ArrayLike<number>): Float64Array {
  let n = 0;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) out[n++] = v;
  }
  return out.subarray(0, n).sort();
}

/** Linear-interpolated quantile (q in [0, 1]) of an ascending array; NaN when empty. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (n === 1) return sorted[0] as number;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

export function median(values: ArrayLike<number>): number {
  return quantileSorted(sortedFinite(values), 0.5);
}

/** Median absolute deviation around `center`. */
export function medianAbsoluteDeviation(values: ArrayLike<number>, center: number): number {
  const dev = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) dev[i] = Math.abs((values[i] as number) - center);
  return medianInPlace(dev);
}

/**
 * The k-th smallest (0-based) of `a[lo..hi]`, reordering that range so that everything before k is <= it
 * and everything after is >= it (Hoare's FIND). O(n) on average instead of a full sort.
 */
function selectInPlace(a: Float64Array, k: number, lo: number, hi: number): number {
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1] as number;
    let i = lo;
    let j = hi;
    do {
      while ((a[i] as number) < pivot) i++;
      while (pivot < (a[j] as number)) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    } while (i <= j);
    if (j < k) lo = i;
    if (k < i) hi = j;
  }
  return a[k] as number;
}

function minOf(a: Float64Array, lo: number, hi: number): number {
  let m = a[lo] as number;
  for (let i = lo + 1; i <= hi; i++) if ((a[i] as number) < m) m = a[i] as number;
  return m;
}

/**
 * `quantileSorted(sorted, q)` for every q of `qs` (ascending), on an unsorted array of finite numbers that
 * may be reordered: selections instead of a sort. Same interpolation, so the same values.
 */
export function quantilesInPlace(a: Float64Array, qs: readonly number[]): number[] {
  const n = a.length;
  const out: number[] = [];
  let from = 0; // every rank below `from` is settled: a[from..] holds the larger values
  for (const q of qs) {
    if (n === 0) {
      out.push(Number.NaN);
      continue;
    }
    const pos = (n - 1) * q;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    const a0 = selectInPlace(a, lo, Math.min(from, lo), n - 1);
    const b0 = hi === lo ? a0 : minOf(a, lo + 1, n - 1);
    out.push(a0 + (b0 - a0) * (pos - lo));
    from = lo + 1;
  }
  return out;
}

/** Median of finite numbers (reorders `a`). */
export function medianInPlace(a: Float64Array): number {
  return quantilesInPlace(a, [0.5])[0] as number;
}

/** Mean absolute deviation around `center` (fallback scale when MAD is 0). */
export function meanAbsoluteDeviation(values: ArrayLike<number>, center: number): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.abs((values[i] as number) - center);
  return sum / values.length;
}

export interface DurationStats {
  /** Number of agents that contributed a sample. */
  readonly count: number;
  readonly medianMs: number | null;
  readonly p90Ms: number | null;
  readonly maxMs: number | null;
  /** True when some samples are estimates (see the metric's documentation). */
  readonly approximate: boolean;
}

export function durationStats(samples: ArrayLike<number>, approximate = false): DurationStats {
  let n = 0;
  let max = -Infinity;
  const finite = new Float64Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i] as number;
    if (!Number.isFinite(v)) continue;
    finite[n++] = v;
    if (v > max) max = v;
  }
  if (n === 0) return { count: 0, medianMs: null, p90Ms: null, maxMs: null, approximate: false };
  const [medianMs, p90Ms] = quantilesInPlace(finite.subarray(0, n), [0.5, 0.9]) as [number, number];
  return { count: n, medianMs, p90Ms, maxMs: max, approximate };
}

/** The finite samples, or `insufficient_samples` when fewer than `need` (a statistic over too few values would mislead). */
export function requireSamples(metric: string, values: readonly number[], need: number): Result<number[], InsufficientSamples> {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.length >= need ? ok(finite) : err({ kind: 'insufficient_samples', metric, have: finite.length, need });
}

/**
 * The first `k` items of `items` in `compare` order, exactly as a stable sort followed by `slice(0, k)`
 * would return them, in O(n log k) instead of sorting everything (a 10,000-agent fleet shows 20).
 */
export function selectTop<T>(items: readonly T[], k: number, compare: (a: T, b: T) => number): T[] {
  const max = Math.max(0, Math.floor(k));
  const top: T[] = [];
  if (max === 0) return top;
  // Insertion into the kept list costs O(k) per insert: for a large share of the items a sort is cheaper.
  if (max * 16 >= items.length) return [...items].sort(compare).slice(0, max);
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as T;
    if (top.length === max && compare(item, top[max - 1] as T) >= 0) continue;
    // Upper bound: after every equal item already kept (a stable sort keeps input order for ties).
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(item, top[mid] as T) < 0) hi = mid;
      else lo = mid + 1;
    }
    top.splice(lo, 0, item);
    if (top.length > max) top.pop();
  }
  return top;
}
