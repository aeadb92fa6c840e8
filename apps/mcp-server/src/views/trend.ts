/**
 * Trend: sampled fleet metrics over a window (get_fleet_trends). Each series is aligned with `window.bucket_starts`:
 * `values[i]` is the mean of the samples in bucket i (null = no sample: a gap, never 0) and `samples[i]`
 * their count. `change` compares the window's mean with the previous window of equal length. The text shows
 * one sparkline per metric (· = gap).
 */
import { formatUtcIso, periodChange, periodMean, sparkline, type PeriodChange, type TrendBucket } from '@org/fleet-domain';
import { z } from 'zod';
import type { ViewContext } from './parts.js';

const ChangeSchema = z.object({
  current: z.number().nullable().describe('Mean over this window'),
  previous: z.number().nullable().describe('Mean over the previous window of equal length'),
  absolute: z.number().nullable(),
  percent: z.number().nullable(),
});

export const TrendViewSchema = z.object({
  scope: z.string().describe('fleet, template:<name> or owner:<name>'),
  window: z.object({
    from: z.string(),
    to: z.string(),
    bucket_ms: z.number().int(),
    bucket_starts: z.array(z.string()).describe('Start of each bucket; series values align with it'),
  }),
  series: z.array(
    z.object({
      metric: z.string(),
      values: z.array(z.number().nullable()).describe('Mean per bucket; null = no sample (a gap, not 0)'),
      samples: z.array(z.number().int()).describe('Samples per bucket'),
      change: ChangeSchema,
    }),
  ),
  sampling: z.object({
    interval_s: z.number().int().describe('0 = sampling off'),
    running: z.boolean().describe('This server process is sampling'),
    started_at: z.string().optional(),
    last_sample_at: z.string().optional(),
    last_failure: z.string().optional(),
  }),
  notice: z.string().optional().describe('Why there is no or partial data, and what to do'),
});
export type TrendView = z.output<typeof TrendViewSchema>;

/** One metric's buckets over the window and its single previous-window bucket, as the store answers them. */
export interface TrendSource {
  scope: string;
  from: number;
  to: number;
  bucketMs: number;
  series: readonly { metric: string; buckets: readonly TrendBucket[]; previous: readonly TrendBucket[] }[];
  sampling: TrendView['sampling'];
  notice?: string;
}

/** Rounded to 4 significant digits: trends are read, not summed. */
const round = (v: number | null): number | null => (v === null ? null : Number(v.toPrecision(4)));

export function toTrendView(source: TrendSource): TrendView {
  const starts = source.series[0]?.buckets.map((b) => b.start) ?? [];
  return {
    scope: source.scope,
    window: { from: formatUtcIso(source.from), to: formatUtcIso(source.to), bucket_ms: source.bucketMs, bucket_starts: starts.map(formatUtcIso) },
    series: source.series.map((s) => {
      const change = periodChange(periodMean(s.buckets), periodMean(s.previous));
      return {
        metric: s.metric,
        values: s.buckets.map((b) => (b.count > 0 ? round(b.avg) : null)),
        samples: s.buckets.map((b) => b.count),
        change: { current: round(change.current), previous: round(change.previous), absolute: round(change.absolute), percent: round(change.percent) },
      };
    }),
    sampling: source.sampling,
    ...(source.notice ? { notice: source.notice } : {}),
  };
}

/** A metric value for people: utilisation in percent, times as durations, counts as numbers. */
function formatValue(metric: string, v: number | null): string {
  if (v === null) return 'n/a';
  if (metric === 'utilization') return `${Math.round(v * 100)}%`;
  if (metric.endsWith('_ms')) return formatDuration(v);
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 60_000) return `${Math.round(ms / 1000)}s`;
  if (abs < 3_600_000) return `${Math.round(ms / 60_000)}m`;
  if (abs < 86_400_000) return `${(ms / 3_600_000).toFixed(1)}h`;
  return `${(ms / 86_400_000).toFixed(1)}d`;
}

function formatChange(metric: string, c: PeriodChange): string {
  if (c.absolute === null) return 'no previous data to compare';
  const sign = c.absolute > 0 ? '+' : c.absolute < 0 ? '-' : '±';
  const abs = metric === 'utilization' ? `${Math.round(Math.abs(c.absolute) * 100)} pts` : formatValue(metric, Math.abs(c.absolute));
  return `${sign}${abs}${c.percent !== null ? ` (${c.percent >= 0 ? '+' : ''}${Math.round(c.percent)}%)` : ''} vs previous`;
}

export function renderTrendText(view: TrendView, ctx: ViewContext): string {
  const w = view.window;
  const lines = [`Trends of ${view.scope} from ${w.from} to ${w.to}, ${w.bucket_starts.length} buckets of ${formatDuration(w.bucket_ms)} (· = no sample).`];
  if (view.notice) lines.push(view.notice);
  const width = Math.max(0, ...view.series.map((s) => s.metric.length));
  for (const s of view.series) {
    const known = s.values.filter((v): v is number => v !== null);
    const range = known.length > 0 ? ` ${formatValue(s.metric, Math.min(...known))}..${formatValue(s.metric, Math.max(...known))}` : '';
    lines.push(`${s.metric.padEnd(width)} ${sparkline(s.values)}${range}; mean ${formatValue(s.metric, s.change.current)}, ${formatChange(s.metric, s.change)}`);
  }
  if (ctx.offers('get_fleet_status')) lines.push('Next: get_fleet_status for the fleet now (which agents need attention).');
  return lines.join('\n');
}
