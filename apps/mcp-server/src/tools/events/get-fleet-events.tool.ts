import { z } from 'zod';
import { defineTool, failure, success } from '../../define-tool.js';
import { toolFailure } from '../../failures.js';
import type { JournalEntry } from '../../watch/event-journal.js';
import { EventViewSchema, FleetEventKindSchema, WatcherHealthSchema, eventFilter, toEventView, toHealthView } from '../../watch/event-view.js';
import { AgentRefSchema, SeveritySchema, UNTRUSTED_FIELDS_DESCRIPTION } from '../shared/schemas.js';
import { CONTENT_TRUST, quoteUntrusted, UNTRUSTED_NOTICE } from '../shared/untrusted.js';

export const MAX_WAIT_MS = 30_000;

const inputSchema = z.object({
  since: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('Cursor from a previous call (next_cursor): only events after it. Omit on the first call to get the current cursor and the most recent events'),
  wait_ms: z
    .number()
    .int()
    .min(0)
    .max(MAX_WAIT_MS)
    .default(0)
    .describe(`With since: wait up to this long (max ${MAX_WAIT_MS}) for a matching event; returns as soon as one arrives`),
  min_severity: SeveritySchema.default('info').describe('Only events at least this severe: info, warning (offline, stuck, needs input, capacity), critical (failed)'),
  kinds: z.array(FleetEventKindSchema).max(20).optional().describe('Only these event kinds (default all)'),
  agent: AgentRefSchema.optional().describe("Only events of this agent: task id, name or 'owner/name'"),
  limit: z.number().int().min(1).max(200).default(50).describe('At most this many events (has_more tells when there are more: call again with next_cursor)'),
});

const outputSchema = z.object({
  events: z.array(EventViewSchema).describe('Oldest first'),
  next_cursor: z.string().describe('Pass as `since` next time'),
  has_more: z.boolean(),
  cursor_too_old: z.boolean().describe('The `since` cursor could not be honoured (events were evicted, or the server restarted): events start at the oldest kept'),
  cursor_issue: z.enum(['evicted', 'other_epoch', 'future']).optional(),
  oldest_cursor: z.string().describe('The oldest cursor still answerable without loss'),
  waited: z.boolean().describe('The call waited for events'),
  timed_out: z.boolean().describe('The wait ended without a matching event'),
  watcher: WatcherHealthSchema,
  content_trust: z.literal(CONTENT_TRUST),
  untrusted_fields: z.array(z.string()).describe(UNTRUSTED_FIELDS_DESCRIPTION),
});
type Output = z.output<typeof outputSchema>;

export const getFleetEventsTool = defineTool({
  name: 'get_fleet_events',
  title: 'Get fleet events',
  description:
    'Fleet alerts and changes since a cursor: agent failed (with reason), task completed, needs input, stuck, offline/recovered, capacity warning/recovered, status and state changes. Call once without `since` to get a cursor, then call with since=next_cursor and wait_ms (up to 30000) to block until something happens: this is the reliable way to be told about the fleet (push notifications are not honoured by every client). Next: get_agent_details on an agent named in an event.',
  toolset: 'events',
  effect: 'read',
  inputSchema,
  outputSchema,
  timeoutMs: (input, config) => input.wait_ms + config.requestTimeoutMs,
  async handle(input, ctx) {
    const watch = ctx.runtime.watch;
    const release = watch.acquire('get_fleet_events');
    try {
      await watch.ensureFresh();
      const journal = watch.journal;
      const filter = eventFilter({ minSeverity: input.min_severity, ...(input.kinds ? { kinds: input.kinds } : {}), ...(input.agent ? { agent: input.agent } : {}) });

      if (input.since === undefined) {
        const entries = journal.recent(input.limit, filter);
        return done(entries, { nextCursor: journal.currentCursor(), hasMore: false, cursorTooOld: false, oldestCursor: journal.read(journal.currentCursor()).oldestCursor }, false, false);
      }
      let read = journal.read(input.since, { limit: input.limit, filter });
      if (read.cursorIssue === 'malformed') {
        return failure(
          toolFailure('invalid_cursor', `The cursor ${JSON.stringify(input.since)} is not a get_fleet_events cursor.`, 'Pass next_cursor from a previous get_fleet_events call, or omit since to start from now.'),
        );
      }
      let waited = false;
      let timedOut = false;
      if (read.entries.length === 0 && !read.cursorTooOld && input.wait_ms > 0) {
        waited = true;
        const outcome = await watch.waitFor((batch) => batch.some(filter), input.wait_ms, ctx.signal);
        timedOut = outcome === 'timeout';
        read = journal.read(input.since, { limit: input.limit, filter });
      }
      return done(read.entries, read, waited, timedOut);
    } finally {
      release();
    }

    function done(
      entries: JournalEntry[],
      read: { nextCursor: string; hasMore: boolean; cursorTooOld: boolean; cursorIssue?: string; oldestCursor: string },
      waited: boolean,
      timedOut: boolean,
    ) {
      const issue = read.cursorIssue === 'evicted' || read.cursorIssue === 'other_epoch' || read.cursorIssue === 'future' ? read.cursorIssue : undefined;
      const data: Output = {
        events: entries.map((e) => toEventView(e, watch.journal)),
        next_cursor: read.nextCursor,
        has_more: read.hasMore,
        cursor_too_old: read.cursorTooOld,
        ...(issue ? { cursor_issue: issue } : {}),
        oldest_cursor: read.oldestCursor,
        waited,
        timed_out: timedOut,
        watcher: toHealthView(watch.health()),
        content_trust: CONTENT_TRUST,
        untrusted_fields: ['events[].message', 'events[].details.state_message', 'events[].details.reason'],
      };
      return success(data, render(data, input.since === undefined));
    }
  },
});

function render(d: Output, first: boolean): string {
  const lines: string[] = [];
  if (d.cursor_too_old) {
    lines.push(
      `cursor_too_old (${d.cursor_issue ?? 'evicted'}): events after your cursor are no longer kept; showing from the oldest kept event (oldest_cursor ${d.oldest_cursor}). Call get_fleet_status to resynchronise.`,
    );
  }
  if (d.events.length === 0) lines.push(first ? 'No recent fleet events.' : d.timed_out ? 'No matching fleet events arrived while waiting.' : 'No new fleet events.');
  else lines.push(`${d.events.length} fleet event${d.events.length === 1 ? '' : 's'}${first ? ' (most recent)' : ''}${d.has_more ? ', more available' : ''}:`);
  for (const e of d.events) lines.push(`- #${e.seq} ${e.at} [${e.severity}] ${e.kind}${e.agent ? ` ${e.agent}` : ''}: ${quoteUntrusted(e.message)}`);
  const w = d.watcher;
  if (w.consecutive_failures > 0) {
    lines.push(`Watcher degraded: ${w.consecutive_failures} failed poll(s) (${w.last_error?.kind ?? 'error'}: ${w.last_error?.message ?? ''}); retrying in ${w.backoff_ms} ms; last success ${w.last_success_at ?? 'never'}.`);
  }
  lines.push(`next_cursor: ${d.next_cursor}`);
  lines.push(`Next: get_fleet_events since=${d.next_cursor} wait_ms=30000 to wait for more${d.events.some((e) => e.agent) ? '; get_agent_details on an agent above' : ''}.`);
  if (d.events.length > 0) lines.push(UNTRUSTED_NOTICE);
  return lines.join('\n');
}
