/**
 * Fleet event: one journal entry as MCP clients see it (snake_case, one flat shape for every kind). Shared by
 * get_fleet_events, the fleet://events resource and the logging notifications of watch/session-delivery.ts.
 */
import { FLEET_EVENT_KINDS, type EventPage, type FleetEvent, type FleetEventKind, type Severity } from '@org/fleet-domain';
import { z } from 'zod';
import type { EventJournal, JournalEntry } from '../watch/event-journal.js';
import type { WatcherHealth } from '../watch/fleet-watcher.js';
import { ContentTrustSchema, SeveritySchema, UntrustedFieldsSchema, type ViewContext } from './parts.js';
import { CONTENT_TRUST, quoteUntrusted, UNTRUSTED_NOTICE } from './untrusted.js';
import { renderStoreTroubleText, StoreTroubleViewSchema } from './store-trouble.js';
import { renderWatcherHealthText, toWatcherHealthView, WatcherHealthViewSchema } from './watcher-health.js';

export const FleetEventKindSchema = z.enum(FLEET_EVENT_KINDS as [FleetEventKind, ...FleetEventKind[]]);

export const FleetEventViewSchema = z.object({
  cursor: z.string().describe('Cursor of this event: pass it as `since` to get only later events'),
  seq: z.number().int(),
  kind: FleetEventKindSchema,
  severity: SeveritySchema,
  at: z.string().describe('When the change was first observed (UTC ISO)'),
  recorded_at: z.string().describe('When the watcher recorded it (UTC ISO)'),
  agent_id: z.string().optional(),
  agent: z.string().optional().describe('owner/name'),
  message: z.string().describe('One line; quotes agent-written text (untrusted)'),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).describe('Kind-specific fields (from/to status, reason, state, used/capacity/ratio, flaps; collapsed = earlier state reports of this agent folded into this one)'),
});
export type FleetEventView = z.output<typeof FleetEventViewSchema>;

const DETAIL_KEYS = ['from', 'to', 'flaps', 'reason', 'state', 'stateMessage', 'status', 'lastStatus', 'used', 'capacity', 'ratio', 'source', 'errorKind', 'httpStatus', 'afterFailures'] as const;
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** `collapsed`: earlier state reports of the same agent folded into this one (get_fleet_events pages). */
export function toFleetEventView(entry: JournalEntry, journal: Pick<EventJournal, 'cursorFor'>, collapsed = 0): FleetEventView {
  const e: FleetEvent = entry.event;
  const details: Record<string, string | number | boolean> = {};
  const record = e as unknown as Record<string, unknown>;
  for (const key of DETAIL_KEYS) {
    const v = record[key];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') details[snake(key)] = v;
  }
  if (collapsed > 0) details['collapsed'] = collapsed;
  return {
    cursor: entry.cursor ?? journal.cursorFor(entry.seq),
    seq: entry.seq,
    kind: e.kind,
    severity: e.severity,
    at: e.at,
    recorded_at: new Date(entry.recordedAt).toISOString(),
    ...(e.agentId ? { agent_id: e.agentId } : {}),
    ...(e.agentName ? { agent: `${e.owner ?? '?'}/${e.agentName}` } : {}),
    message: e.message,
    details,
  };
}

/** Paths (in FleetEventViewSchema) of agent-written text. */
export const FLEET_EVENT_UNTRUSTED_FIELDS = ['message', 'details.state_message', 'details.reason'] as const;

/** One line: `- #seq at [severity] kind owner/name: "message"`. */
export function renderFleetEventText(e: FleetEventView): string {
  const folded = typeof e.details['collapsed'] === 'number' ? ` (+${e.details['collapsed']} earlier reports folded)` : '';
  return `- #${e.seq} ${e.at} [${e.severity}] ${e.kind}${e.agent ? ` ${e.agent}` : ''}: ${quoteUntrusted(e.message)}${folded}`;
}

// ---- a page of events (get_fleet_events) ---------------------------------------------------------------

export const FleetEventPageViewSchema = z.object({
  events: z.array(FleetEventViewSchema).describe('Oldest first'),
  next_cursor: z.string().describe('Pass as `since` next time'),
  has_more: z.boolean(),
  cursor_too_old: z.boolean().describe('The `since` cursor could not be honoured (events were purged, or it is from another journal): events start at the oldest kept or the most recent'),
  cursor_issue: z.enum(['evicted', 'other_epoch', 'future']).optional(),
  oldest_cursor: z.string().describe('The oldest cursor still answerable without loss'),
  left_out: z
    .object({ count: z.number().int(), by_kind: z.record(z.string(), z.number()), by_severity: z.record(z.string(), z.number()), agents: z.number().int() })
    .optional()
    .describe('Matching events after this page (limit reached): how many, per kind and severity; call again with next_cursor, or narrow with min_severity, kinds or agent'),
  default_min_severity: SeveritySchema.optional().describe('The severity floor this call used by default (a large fleet; no min_severity given): pass min_severity=info for every event'),
  waited: z.boolean().describe('The call waited for events'),
  timed_out: z.boolean().describe('The wait ended without a matching event'),
  watcher: WatcherHealthViewSchema,
  store: StoreTroubleViewSchema.optional().describe('Present when the durable journal could not be used: events come from memory'),
  content_trust: ContentTrustSchema,
  untrusted_fields: UntrustedFieldsSchema,
});
export type FleetEventPageView = z.output<typeof FleetEventPageViewSchema>;

/** One journal read (JournalRead, or the first call's most recent events) and how the call waited. */
export interface FleetEventPageSource {
  /** The events shown (each agent's state reports folded) and what the limit left out. */
  page: EventPage<JournalEntry>;
  journal: Pick<EventJournal, 'cursorFor'>;
  read: { nextCursor: string; hasMore: boolean; cursorTooOld: boolean; cursorIssue?: string; oldestCursor: string };
  waited: boolean;
  timedOut: boolean;
  health: WatcherHealth;
  /** The floor a large fleet's unscoped read used by default (fleet-domain defaultMinSeverity). */
  defaultMinSeverity?: Severity;
}

export function toFleetEventPageView(p: FleetEventPageSource): FleetEventPageView {
  const { read } = p;
  const issue = read.cursorIssue === 'evicted' || read.cursorIssue === 'other_epoch' || read.cursorIssue === 'future' ? read.cursorIssue : undefined;
  return {
    events: p.page.events.map((e) => toFleetEventView(e.entry, p.journal, e.collapsed)),
    next_cursor: read.nextCursor,
    has_more: read.hasMore,
    ...(p.page.leftOut.count > 0
      ? { left_out: { count: p.page.leftOut.count, by_kind: { ...p.page.leftOut.byKind }, by_severity: { ...p.page.leftOut.bySeverity }, agents: p.page.leftOut.agents } }
      : {}),
    cursor_too_old: read.cursorTooOld,
    ...(issue ? { cursor_issue: issue } : {}),
    oldest_cursor: read.oldestCursor,
    ...(p.defaultMinSeverity ? { default_min_severity: p.defaultMinSeverity } : {}),
    waited: p.waited,
    timed_out: p.timedOut,
    watcher: toWatcherHealthView(p.health),
    content_trust: CONTENT_TRUST,
    untrusted_fields: FLEET_EVENT_UNTRUSTED_FIELDS.map((f) => `events[].${f}`),
  };
}

export function renderFleetEventPageText(d: FleetEventPageView, options: { first: boolean }, ctx: ViewContext): string {
  const { first } = options;
  const lines: string[] = [];
  if (d.cursor_too_old) {
    lines.push(
      `cursor_too_old (${d.cursor_issue ?? 'evicted'}): events after your cursor are no longer kept; showing from the oldest kept event (oldest_cursor ${d.oldest_cursor}). ${ctx.offers('get_fleet_status') ? 'Call get_fleet_status to resynchronise.' : ''}`.trimEnd(),
    );
  }
  if (d.events.length === 0) lines.push(first ? 'No recent fleet events.' : d.timed_out ? 'No matching fleet events arrived while waiting.' : 'No new fleet events.');
  else lines.push(`${d.events.length} fleet event${d.events.length === 1 ? '' : 's'}${first ? ' (most recent)' : ''}${d.has_more ? ', more available' : ''}:`);
  for (const e of d.events) lines.push(renderFleetEventText(e));
  if (d.default_min_severity) lines.push(`Large fleet: only ${d.default_min_severity} events and worse by default; pass min_severity=info (or agent, or kinds) for the rest.`);
  if (d.left_out) {
    const counts = (r: Record<string, number>) => Object.entries(r).sort(([, a], [, b]) => b - a).map(([k, n]) => `${k} ${n}`).join(', ');
    lines.push(`Left out (limit reached): ${d.left_out.count} more matching events from ${d.left_out.agents} agents (${counts(d.left_out.by_kind)}; ${counts(d.left_out.by_severity)}). Call again with since=next_cursor, or narrow with min_severity, kinds or agent.`);
  }
  const degraded = renderWatcherHealthText(d.watcher);
  if (degraded) lines.push(degraded);
  if (d.store) lines.push(renderStoreTroubleText(d.store));
  lines.push(`next_cursor: ${d.next_cursor}`);
  lines.push(`Next: get_fleet_events since=${d.next_cursor} wait_ms=30000 to wait for more${d.events.some((e) => e.agent) && ctx.offers('get_agent_details') ? '; get_agent_details on an agent above' : ''}.`);
  if (d.events.length > 0) lines.push(UNTRUSTED_NOTICE);
  return lines.join('\n');
}
