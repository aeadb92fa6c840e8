/**
 * Small timing and statistics helpers for the server benchmark. Everything reports medians (and
 * percentiles) of several runs after a warm-up; ratios are taken between samples measured in the
 * same run, interleaved, so both sides see the same machine noise (2 shared cores).
 */

export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  // Nearest-rank on the sorted sample (p in 0..100).
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank] as number;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * Wall time and this process's CPU time (user + system, all threads) of `fn`. The CPU time does not
 * count time spent descheduled, so it is the steadier measure on a shared, loaded machine (everything
 * the scenarios time, simulator included, runs in this process).
 */
export async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000, value };
}

export interface PairedSamples {
  /** Times of the measured operation (ms). */
  subject: number[];
  /** Times of the baseline operation (ms), taken right before each subject sample. */
  baseline: number[];
  /** subject[i] / baseline[i]. */
  ratios: number[];
  /** The same pairs in CPU time. */
  subjectCpu: number[];
  baselineCpu: number[];
  cpuRatios: number[];
}

/**
 * Runs `warmup` unmeasured pairs, then `runs` measured (baseline, subject) pairs back to back.
 * `between` runs outside the timed sections (e.g. resetting counters or expiring caches).
 */
export async function pairedRuns(options: {
  runs: number;
  warmup: number;
  baseline: () => Promise<unknown>;
  subject: () => Promise<unknown>;
  between?: () => void | Promise<void>;
  afterSubject?: (value: unknown) => void;
}): Promise<PairedSamples> {
  const { runs, warmup, baseline, subject, between, afterSubject } = options;
  for (let i = 0; i < warmup; i++) {
    await between?.();
    await baseline();
    await between?.();
    await subject();
  }
  const out: PairedSamples = { subject: [], baseline: [], ratios: [], subjectCpu: [], baselineCpu: [], cpuRatios: [] };
  for (let i = 0; i < runs; i++) {
    await between?.();
    const b = await timeAsync(baseline);
    await between?.();
    const s = await timeAsync(subject);
    afterSubject?.(s.value);
    out.baseline.push(b.ms);
    out.subject.push(s.ms);
    out.ratios.push(s.ms / b.ms);
    out.baselineCpu.push(b.cpuMs);
    out.subjectCpu.push(s.cpuMs);
    out.cpuRatios.push(s.cpuMs / b.cpuMs);
  }
  return out;
}

export const fmtMs = (ms: number): string => (Number.isFinite(ms) ? (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2)) : 'n/a');
export const fmtRatio = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(2)}x` : 'n/a');
export const fmtBytes = (b: number): string =>
  b >= 1024 * 1024 ? `${(b / 1024 / 1024).toFixed(1)} MB` : b >= 1024 ? `${(b / 1024).toFixed(1)} KB` : `${b} B`;

/** Runs a full GC when node was started with --expose-gc (the bench target does), so one sample's garbage is not collected inside the next. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

/**
 * A full GC, then a short pause so V8's background sweeping (helper threads) finishes before the next
 * timed section: otherwise that work lands in the next sample's process CPU time.
 */
export async function settle(pauseMs = 25): Promise<void> {
  collectGarbage();
  await new Promise((resolve) => setTimeout(resolve, pauseMs));
}

/** Yields to the event loop (lets timers, sockets and GC-driven callbacks run between samples). */
export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
