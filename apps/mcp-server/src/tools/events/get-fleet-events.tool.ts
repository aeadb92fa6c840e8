import { defaultMinSeverity, LARGE_FLEET_AGENTS, pageFleetEvents, type EventPage, type Severity } from '@org/fleet-domain';
import { z } from 'zod';
import { fitPage } from '../../answer-ceiling.js';
import { defineTool, failure, success } from '../../define-tool.js';
import { toolFailure } from '../../failures.js';
import { FleetEventKindSchema, FleetEventPageViewSchema, type FleetEventPageSource, renderFleetEventPageText, toFleetEventPageView } from '../../views/fleet-event.js';
import { SeveritySchema } from '../../views/parts.js';
import type { JournalEntry, JournalRead } from '../../watch/event-journal.js';
import { eventFilter } from '../../watch/event-filter.js';
import { AgentRefSchema } from '../shared/schemas.js';

export const MAX_WAIT_MS = 30_000;

const inputSchema = z.object({
  since: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('next_cursor of a previous call: only later events. Omit on the first call'),
  wait_ms: z
    .number()
    .int()
    .min(0)
    .max(MAX_WAIT_MS)
    .default(0)
    .describe('With since: wait up to this long for a matching event'),
  min_severity: SeveritySchema.optional().describe(`Only events at least this severe (default info; over ${LARGE_FLEET_AGENTS} agents warning, unless agent or kinds)`),
  kinds: z.array(FleetEventKindSchema).max(20).optional().describe('Only these event kinds (default all)'),
  agent: AgentRefSchema.optional().describe('Only events of this agent'),
  fold_state_reports: z.boolean().default(true).describe("Fold each agent's repeated state_changed into its newest (details.collapsed counts them); false: every report"),
  limit: z.number().int().min(1).max(200).default(50).describe('At most this many events (folded reports count once); left_out summarises the rest'),
});


export const getFleetEventsTool = defineTool({
  name: 'get_fleet_events',
  title: 'Get fleet events',
  description:
    'Fleet changes and alerts since a cursor (failed, completed, needs input, stuck, offline, capacity). Call without since for a cursor, then with since=next_cursor and wait_ms. Over 500 agents: warnings up by default. Next: get_agent_details on an event agent.',
  toolset: 'events',
  effect: 'read',
  inputSchema,
  outputSchema: FleetEventPageViewSchema,
  timeoutMs: (input, config) => input.wait_ms + config.requestTimeoutMs,
  async handle(input, ctx) {
    const watch = ctx.runtime.watch;
    const release = watch.acquire('get_fleet_events');
    try {
      await watch.ensureFresh();
      const journal = watch.journal;
      // A large fleet's info stream buries its alerts: an unscoped read starts at warning (fleet-domain decides).
      const minSeverity = input.min_severity ?? defaultMinSeverity(watch.health().agents, input);
      const defaultFloor = input.min_severity === undefined && minSeverity !== 'info' ? { defaultMinSeverity: minSeverity } : {};
      const filter = eventFilter({ minSeverity, ...(input.kinds ? { kinds: input.kinds } : {}), ...(input.agent ? { agent: input.agent } : {}) });

      if (input.since === undefined) {
        const recent = pageFleetEvents(journal.recent(input.limit, filter), { limit: input.limit, collapseStateChanges: input.fold_state_reports });
        return done(recent, { nextCursor: journal.currentCursor(), hasMore: false, cursorTooOld: false, oldestCursor: journal.read(journal.currentCursor()).oldestCursor }, false, false, defaultFloor);
      }
      let read = journal.read(input.since, { filter });
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
        read = journal.read(input.since, { filter });
      }
      const since = read;
      // Within the answer ceiling (answer-ceiling.ts): a page that would be larger holds fewer events, and its
      // cursor continues right after the last one covered (the server's net would cut events the cursor skips).
      const fitted = fitPage(input.limit, (limit) => {
        const [page, r] = limited(since, limit);
        const view = toFleetEventPageView({ page, journal: watch.journal, read: r, waited, timedOut, health: watch.health(), ...defaultFloor });
        return { data: view, text: renderFleetEventPageText(view, { first: false }, ctx.view()) };
      });
      return success(fitted.data, fitted.text);
    } finally {
      release();
    }

    /** At most `limit` events, each agent's state reports folded, the rest summarised; the cursor after the last one covered. */
    function limited(read: JournalRead, limit = input.limit): [EventPage<JournalEntry>, FleetEventPageSource['read']] {
      const page = pageFleetEvents(read.entries, { limit, collapseStateChanges: input.fold_state_reports });
      const last = read.entries[page.consumed - 1];
      const covered = page.consumed === read.entries.length;
      return [page, { ...read, nextCursor: covered || !last ? read.nextCursor : watch.journal.cursorFor(last.seq), hasMore: !covered }];
    }

    function done(page: EventPage<JournalEntry>, read: FleetEventPageSource['read'], waited: boolean, timedOut: boolean, defaultFloor: { defaultMinSeverity?: Severity }) {
      const view = toFleetEventPageView({ page, journal: watch.journal, read, waited, timedOut, health: watch.health(), ...defaultFloor });
      return success(view, renderFleetEventPageText(view, { first: input.since === undefined }, ctx.view()));
    }
  },
});
