import {
  DEFAULT_MAX_SAMPLED_SCOPES,
  FLEET_SCOPE,
  SCOPED_TREND_METRICS,
  TREND_METRICS,
  TREND_RANGES,
  assertNever,
  chooseTrendWindow,
  formatUtcIso,
  ownerScope,
  parseTimestamp,
  templateScope,
  type TrendMetric,
  type TrendWindowError,
} from '@org/fleet-domain';
import type { RangeResult, StoreError } from '@org/fleet-store';
import { z } from 'zod';
import { defineTool, failure, success } from '../../define-tool.js';
import { toolFailure, type ToolFailure } from '../../failures.js';
import type { SamplerStatus } from '../../runtime/sampler.js';
import { TrendViewSchema, renderTrendText, toTrendView, type TrendView } from '../../views/trend.js';
import { OwnerFilterSchema, TemplateFilterSchema } from '../shared/schemas.js';

const DEFAULT_METRICS: readonly TrendMetric[] = ['active', 'utilization', 'attention', 'complete', 'error'];

const inputSchema = z.object({
  range: z.enum(TREND_RANGES).optional().describe('Ending now (default 24h)'),
  since: z.iso.datetime({ offset: true }).optional().describe('Start, instead of range'),
  until: z.iso.datetime({ offset: true }).optional().describe('End (default now)'),
  // Names are checked in the handler (the refusal lists them): an enum of every metric would cost tools/list budget.
  metrics: z.array(z.string().max(40)).optional().describe(`Default ${DEFAULT_METRICS.join(', ')}`),
  template: TemplateFilterSchema.optional().describe('One template'),
  owner: OwnerFilterSchema.optional().describe('One owner'),
});
type Input = z.output<typeof inputSchema>;

export const getFleetTrendsTool = defineTool({
  name: 'get_fleet_trends',
  title: 'Get fleet trends',
  description:
    'The fleet over time: per metric a series (null = no sample), change vs the previous period, sparklines. Next: get_fleet_status for now.',
  toolset: 'fleet',
  effect: 'read',
  inputSchema,
  outputSchema: TrendViewSchema,
  async handle(input, ctx) {
    const request = parseRequest(input, ctx.now());
    if (!request.ok) return failure(request.failure);
    const { window, scope, metrics } = request;
    // The sampler runs in the process holding the background lease; asking for trends makes sure one is started.
    await ctx.runtime.background.ensureStarted();
    const current = await ctx.runtime.store.run((s) => s.samples.range({ scope, metrics, from: window.from, to: window.to, bucketMs: window.bucketMs }));
    if (!current.ok) return failure(storeFailure(current.error));
    const previous = await ctx.runtime.store.run((s) => s.samples.range({ scope, metrics, from: window.previousFrom, to: window.from, bucketMs: window.from - window.previousFrom }));
    if (!previous.ok) return failure(storeFailure(previous.error));
    const sampler = ctx.runtime.sampler.status();
    const hasData = current.value.series.some((s) => s.buckets.some((b) => b.count > 0));
    const notice = hasData ? undefined : noSamplesNotice(sampler, scope);
    const view: TrendView = toTrendView({
      scope,
      from: window.from,
      to: window.to,
      bucketMs: window.bucketMs,
      series: hasData ? joinSeries(current.value, previous.value) : [],
      sampling: samplingView(sampler),
      ...(notice ? { notice } : {}),
    });
    return success(view, renderTrendText(view, ctx.view()));
  },
});

type Request = { ok: true; window: Extract<ReturnType<typeof chooseTrendWindow>, { ok: true }>['value']; scope: string; metrics: TrendMetric[] } | { ok: false; failure: ToolFailure };

function parseRequest(input: Input, now: Date): Request {
  const invalid = (message: string, hint: string): Request => ({ ok: false, failure: toolFailure('invalid_argument', message, hint) });
  if (input.range && (input.since || input.until)) return invalid('range and since/until were both given.', 'Pass either range (1h, 24h, 7d, 30d) or since (and optionally until).');
  if (input.until && !input.since) return invalid('until needs since.', 'Pass since as well, or use range for a window ending now.');
  if (input.template && input.owner) return invalid('template and owner were both given: trends are sampled per template or per owner, not per pair.', 'Pass one of them, or neither for the whole fleet.');
  const scope = input.template ? templateScope(input.template) : input.owner ? ownerScope(input.owner) : FLEET_SCOPE;
  const metrics = [...new Set(input.metrics ?? DEFAULT_METRICS)];
  const unknown = metrics.filter((m) => !(TREND_METRICS as readonly string[]).includes(m));
  if (unknown.length > 0 || metrics.length === 0)
    return invalid(`Unknown metric ${unknown.slice(0, 3).map((m) => JSON.stringify(m)).join(', ') || '(none given)'}${unknown.length > 3 ? ` and ${unknown.length - 3} more` : ''}.`, `Choose from ${TREND_METRICS.join(', ')} (a status name counts the agents in it), or omit metrics for the defaults.`);
  if (scope !== FLEET_SCOPE) {
    const unsampled = metrics.filter((m) => !(SCOPED_TREND_METRICS as readonly string[]).includes(m));
    if (unsampled.length > 0) return invalid(`${unsampled.join(', ')} is not sampled per template or owner.`, `Per template or owner choose from ${SCOPED_TREND_METRICS.join(', ')}; the fleet scope has every metric.`);
  }
  const window = chooseTrendWindow(
    input.since ? { since: parseTimestamp(input.since), ...(input.until ? { until: parseTimestamp(input.until) } : {}) } : { range: input.range ?? '24h' },
    now,
  );
  if (!window.ok) return { ok: false, failure: windowFailure(window.error) };
  return { ok: true, window: window.value, scope, metrics: metrics as TrendMetric[] };
}

function windowFailure(error: TrendWindowError): ToolFailure {
  const hint = 'Pass range (1h, 24h, 7d, 30d), or since before until, at least a minute and at most 400 days apart.';
  switch (error.kind) {
    case 'since_in_future':
      return toolFailure('invalid_argument', `since ${formatUtcIso(error.since)} is in the future (now ${formatUtcIso(error.now)}).`, hint);
    case 'until_not_after_since':
      return toolFailure('invalid_argument', `until ${formatUtcIso(error.until)} is not after since ${formatUtcIso(error.since)}.`, hint);
    case 'range_too_short':
      return toolFailure('invalid_argument', `The window is ${Math.round(error.rangeMs / 1000)} s; the shortest is ${error.minMs / 1000} s (one sample interval).`, hint);
    case 'range_too_long':
      return toolFailure('invalid_argument', `The window is ${Math.round(error.rangeMs / 86_400_000)} days; the longest is ${error.maxMs / 86_400_000} days.`, hint);
    default:
      return assertNever(error);
  }
}

function storeFailure(error: StoreError): ToolFailure {
  return toolFailure('store_unavailable', `Trends are read from the store, which failed (${error.kind}): ${error.message}`, `${error.hint} Meanwhile get_fleet_status answers from Coder for the fleet now.`, {
    details: { store_error: error.kind, retryable: error.retryable },
  });
}

/** Each metric's window buckets with its previous-window bucket (both ranges list the same metrics). */
function joinSeries(current: RangeResult, previous: RangeResult) {
  const before = new Map(previous.series.map((s) => [s.metric, s.buckets]));
  return current.series.map((s) => ({ metric: s.metric, buckets: s.buckets, previous: before.get(s.metric) ?? [] }));
}

function samplingView(status: SamplerStatus): TrendView['sampling'] {
  return {
    interval_s: Math.round(status.intervalMs / 1000),
    running: status.running,
    ...(status.startedAt ? { started_at: formatUtcIso(status.startedAt.getTime()) } : {}),
    ...(status.lastSampleAt ? { last_sample_at: formatUtcIso(status.lastSampleAt.getTime()) } : {}),
    ...(status.lastFailure ? { last_failure: `${formatUtcIso(status.lastFailure.at.getTime())} ${status.lastFailure.source}: ${status.lastFailure.message}` } : {}),
  };
}

/** What to tell a caller when the window holds no sample: why, and when there will be data. */
function noSamplesNotice(status: SamplerStatus, scope: string): string {
  const interval = Math.round(status.intervalMs / 1000);
  const scoped = scope === FLEET_SCOPE ? '' : ` Only the ${DEFAULT_MAX_SAMPLED_SCOPES} largest templates and owners are sampled: without a sample here, ${scope} may not be one of them (call without template/owner for the whole fleet).`;
  const failed = status.lastFailure ? ` The last attempt failed (${status.lastFailure.source}): ${status.lastFailure.message}` : '';
  if (status.intervalMs <= 0) return `No samples in this window: sampling is off (--sample-interval 0). Restart the server with --sample-interval 60 to record trends.${scoped}`;
  if (status.running && status.startedAt)
    return `No samples in this window yet: sampling started at ${formatUtcIso(status.startedAt.getTime())}, one sample every ${interval} s; the first is written within ${interval} s. Call again later; get_fleet_status shows the fleet now.${failed}${scoped}`;
  return `No samples in this window: this server process is not sampling (another server process sharing the store holds the background lease and samples every ${interval} s, or none has run in this window). Call again later; get_fleet_status shows the fleet now.${failed}${scoped}`;
}
