import { defaultMinSeverity, LARGE_FLEET_AGENTS, pageFleetEvents, type EventPage, type Severity } from '@org/fleet-domain';
import type { EventQuery } from '@org/fleet-store';
import { z } from 'zod';
import { fitPage } from '../../answer-ceiling.js';
import { defineTool, failure, success, type ToolContext } from '../../define-tool.js';
import { toolFailure } from '../../failures.js';
import { FleetEventKindSchema, FleetEventPageViewSchema, type FleetEventPageSource, type FleetEventPageView, renderFleetEventPageText, toFleetEventPageView } from '../../views/fleet-event.js';
import { SeveritySchema } from '../../views/parts.js';
import { durableCursor, parseDurableCursor, storeTrouble } from '../../watch/durable-events.js';
import type { JournalEntry, JournalRead } from '../../watch/event-journal.js';
import { eventFilter } from '../../watch/event-filter.js';
import { AgentRefSchema } from '../shared/schemas.js';

export const MAX_WAIT_MS = 30_000;
/** Journal rows read per call: enough to fold state reports and summarise what a limit leaves out. */
export const READ_WINDOW = 1_000;

const inputSchema = z.object({
  since: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('A next_cursor, or an ISO time (audit); omit at first'),
  until: z.string().min(1).max(40).optional().describe('ISO time: events before it'),
  wait_ms: z
    .number()
    .int()
    .min(0)
    .max(MAX_WAIT_MS)
    .default(0)
    .describe('With since: wait up to this for a match'),
  min_severity: SeveritySchema.optional().describe(`Default info (over ${LARGE_FLEET_AGENTS} agents: warning, unless agent or kinds)`),
  kinds: z.array(FleetEventKindSchema).max(20).optional().describe('Only these kinds'),
  agent: AgentRefSchema.optional().describe('Only this agent (deleted: its id)'),
  fold_state_reports: z.boolean().default(true).describe('Fold repeated state_changed per agent (details.collapsed)'),
  limit: z.number().int().min(1).max(200).default(50).describe('Max events; left_out sums up the rest'),
});
/** The call's input with the severity floor it uses; `floor` when that was a large fleet's default (the answer says so). */
type Input = z.output<typeof inputSchema> & { min_severity: Severity; floor?: Severity };

/** What `since` names: nothing (the most recent events), a durable cursor, a time, or an in-memory cursor. */
type Since = { kind: 'none' } | { kind: 'durable'; seq: number } | { kind: 'time'; ms: number } | { kind: 'memory'; cursor: string };
const ISO_TIME = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

function parseSince(since: string | undefined): Since | 'bad_time' {
  if (since === undefined) return { kind: 'none' };
  const seq = parseDurableCursor(since);
  if (seq !== undefined) return { kind: 'durable', seq };
  if (ISO_TIME.test(since.trim())) {
    const ms = Date.parse(since.trim());
    return Number.isFinite(ms) ? { kind: 'time', ms } : 'bad_time';
  }
  return { kind: 'memory', cursor: since };
}

export const getFleetEventsTool = defineTool({
  name: 'get_fleet_events',
  title: 'Get fleet events',
  description:
    'Fleet changes and alerts (failed, completed, needs input, stuck, offline, capacity). Call without since for a cursor, then since=next_cursor with wait_ms. Next: get_agent_details on its agent.',
  toolset: 'events',
  effect: 'read',
  inputSchema,
  outputSchema: FleetEventPageViewSchema,
  timeoutMs: (input, config) => input.wait_ms + config.requestTimeoutMs,
  async handle(given, ctx) {
    const { watch, journal } = ctx.runtime;
    // A large fleet's info stream buries its alerts: an unscoped read starts at warning (fleet-domain decides).
    const minSeverity = given.min_severity ?? defaultMinSeverity(watch.health().agents, given);
    const input: Input = { ...given, min_severity: minSeverity, ...(given.min_severity === undefined && minSeverity !== 'info' ? { floor: minSeverity } : {}) };
    const since = parseSince(input.since);
    const until = input.until === undefined ? undefined : ISO_TIME.test(input.until.trim()) ? Date.parse(input.until.trim()) : Number.NaN;
    if (since === 'bad_time' || (until !== undefined && !Number.isFinite(until)))
      return failure(toolFailure('invalid_argument', `${JSON.stringify(since === 'bad_time' ? input.since : input.until)} is not an ISO time.`, 'Pass a time like 2026-12-01T12:00:00Z, or a next_cursor as since.'));
    const release = watch.acquire('get_fleet_events');
    try {
      await watch.ensureFresh();
      await journal.settled();
      // An in-memory cursor of this process (push notifications carry them) continues durably once committed.
      let from = since;
      if (from.kind === 'memory') {
        const m = /^([0-9a-f]+)-(\d+)$/.exec(from.cursor.trim());
        const stored = m && m[1] === watch.journal.epoch ? (Number(m[2]) === 0 ? undefined : journal.storeSeqFor(Number(m[2]))) : undefined;
        if (stored !== undefined) from = { kind: 'durable', seq: stored };
      }
      // A runtime whose watcher does not commit (per-caller Coder tokens) serves its own in-memory journal.
      if (!journal.durable && from.kind !== 'durable' && from.kind !== 'time') return fromMemory(input, ctx, from.kind === 'memory' ? from.cursor : undefined, until);
      if (from.kind === 'memory') {
        const mem = /^([0-9a-f]+)-(\d+)$/.exec(from.cursor.trim());
        if (!mem) return failure(invalidCursor(input.since ?? ''));
        // Not committed (store down) or from before the durable journal: the in-memory journal answers.
        if (mem[1] === watch.journal.epoch) return fromMemory(input, ctx, from.cursor, until);
      }
      const agentId = input.agent ? await agentIdOf(ctx, input.agent) : undefined;
      return await fromStore(input, ctx, from, until, agentId, since.kind === 'memory' ? since.cursor : undefined);
    } finally {
      release();
    }
  },
});

function invalidCursor(since: string) {
  return toolFailure('invalid_cursor', `The cursor ${JSON.stringify(since)} is not a get_fleet_events cursor.`, 'Pass next_cursor from a previous get_fleet_events call, or omit since to start from now.');
}

/** The agent's id for the store filter: the live agent, else the reference itself (a deleted agent's id). */
async function agentIdOf(ctx: ToolContext, ref: string): Promise<string> {
  const resolved = await ctx.runtime.agents.resolve(ref);
  return resolved.ok ? resolved.value.id : ref;
}

async function fromStore(input: Input, ctx: ToolContext, from: Since, until: number | undefined, agentId: string | undefined, memoryCursor: string | undefined) {
  const { watch, journal } = ctx.runtime;
  const filter = eventFilter({ minSeverity: input.min_severity, ...(input.kinds ? { kinds: input.kinds } : {}), ...(input.agent ? { agent: agentId ?? input.agent } : {}) });
  const base: EventQuery = {
    minSeverity: input.min_severity,
    ...(input.kinds ? { kinds: input.kinds } : {}),
    ...(agentId ? { agentId } : {}),
    ...(until !== undefined ? { until } : {}),
    ...(from.kind === 'time' ? { since: from.ms } : {}),
  };
  const first = from.kind === 'none' || from.kind === 'memory';
  let after = from.kind === 'durable' ? from.seq : 0;
  const read = () => journal.read(first ? { ...base, newest: true, limit: input.limit } : { ...base, after, limit: READ_WINDOW });
  let r = await read();
  if (!r.ok) {
    if (from.kind === 'none' || memoryCursor !== undefined) return fromMemory(input, ctx, memoryCursor, until, storeTrouble(r.error));
    return failure(
      toolFailure(
        'store_unavailable',
        `The event journal (store) is unavailable, so ${JSON.stringify(input.since)} cannot be read: ${r.error.operation}: ${r.error.message}`,
        `${r.error.hint} Meanwhile call get_fleet_events without since for the events this process still holds in memory.`,
      ),
    );
  }
  // A cursor the journal cannot honour: beyond its head (another store) or before its oldest kept event (purged).
  let issue: 'future' | 'evicted' | 'other_epoch' | undefined;
  if (from.kind === 'memory') issue = 'other_epoch';
  else if (from.kind === 'durable' && from.seq > r.value.page.headSeq) issue = 'future';
  else if (from.kind === 'durable' && r.value.page.oldestSeq !== null && from.seq < r.value.page.oldestSeq - 1) issue = 'evicted';
  if (issue === 'future') {
    after = 0;
    r = await journal.read({ ...base, newest: true, limit: input.limit });
    if (!r.ok) return failure(toolFailure('store_unavailable', `The event journal (store) failed: ${r.error.message}`, r.error.hint));
  }
  let waited = false;
  let timedOut = false;
  const matching = (entries: readonly JournalEntry[]) => entries.filter(filter);
  if (!first && !issue && matching(r.value.entries).length === 0 && input.wait_ms > 0) {
    waited = true;
    // Woken by this process's watcher (lease holder) or by the store feed (a commit by the holder elsewhere).
    const outcome = await watch.waitFor((batch) => batch.some(filter), input.wait_ms, ctx.signal);
    timedOut = outcome === 'timeout';
    await journal.settled();
    const again = await read();
    if (again.ok) r = again;
  }
  const { entries: all, page } = r.value;
  const entries = matching(all);
  const full = !first && page.events.length === READ_WINDOW;
  const oldestCursor = durableCursor(Math.max(0, (page.oldestSeq ?? page.headSeq + 1) - 1));
  const fitted = fitPage(input.limit, (limit) => {
    const shown = pageFleetEvents(entries, { limit, collapseStateChanges: input.fold_state_reports });
    const last = entries[shown.consumed - 1];
    const covered = shown.consumed === entries.length;
    const nextCursor = durableCursor(first ? page.headSeq : covered || !last ? page.cursor : last.seq);
    const view = pageView(input, ctx, shown, { nextCursor, hasMore: !covered || full, cursorTooOld: issue !== undefined, ...(issue ? { cursorIssue: issue } : {}), oldestCursor }, waited, timedOut);
    return { data: view, text: renderFleetEventPageText(view, { first }, ctx.view()) };
  });
  return success(fitted.data, fitted.text);
}

function pageView(input: Input, ctx: ToolContext, page: EventPage<JournalEntry>, read: FleetEventPageSource['read'], waited: boolean, timedOut: boolean, store?: FleetEventPageView['store']): FleetEventPageView {
  const { watch, journal } = ctx.runtime;
  const unsaved = journal.status().unsaved;
  const view = toFleetEventPageView({ page, journal: watch.journal, read, waited, timedOut, health: watch.health(), ...(input.floor ? { defaultMinSeverity: input.floor } : {}) });
  const trouble = store ?? (unsaved > 0 ? { state: 'degraded' as const, failed: `${unsaved} events not yet saved to the store`, hint: 'They are retried every few seconds; see the server log.' } : undefined);
  return trouble ? { ...view, store: trouble } : view;
}

/** The in-memory journal of this process: the store is down, or the cursor predates the durable journal. */
async function fromMemory(input: Input, ctx: ToolContext, cursor: string | undefined, until: number | undefined, store?: FleetEventPageView['store']) {
  const { watch } = ctx.runtime;
  const journal = watch.journal;
  const byFilter = eventFilter({ minSeverity: input.min_severity, ...(input.kinds ? { kinds: input.kinds } : {}), ...(input.agent ? { agent: input.agent } : {}) });
  const filter = until === undefined ? byFilter : (e: JournalEntry) => byFilter(e) && Date.parse(e.event.at) < until;
  if (cursor === undefined) {
    const recent = pageFleetEvents(journal.recent(input.limit, filter), { limit: input.limit, collapseStateChanges: input.fold_state_reports });
    const view = pageView(input, ctx, recent, { nextCursor: journal.currentCursor(), hasMore: false, cursorTooOld: false, oldestCursor: journal.read(journal.currentCursor()).oldestCursor }, false, false, store);
    return success(view, renderFleetEventPageText(view, { first: true }, ctx.view()));
  }
  let read = journal.read(cursor, { filter });
  if (read.cursorIssue === 'malformed') return failure(invalidCursor(cursor));
  let waited = false;
  let timedOut = false;
  if (read.entries.length === 0 && !read.cursorTooOld && input.wait_ms > 0) {
    waited = true;
    const outcome = await watch.waitFor((batch) => batch.some(filter), input.wait_ms, ctx.signal);
    timedOut = outcome === 'timeout';
    read = journal.read(cursor, { filter });
  }
  const since = read;
  // Within the answer ceiling (answer-ceiling.ts): a page that would be larger holds fewer events, and its
  // cursor continues right after the last one covered (the server's net would cut events the cursor skips).
  const fitted = fitPage(input.limit, (limit) => {
    const page = pageFleetEvents(since.entries, { limit, collapseStateChanges: input.fold_state_reports });
    const last = since.entries[page.consumed - 1];
    const covered = page.consumed === since.entries.length;
    const r: JournalRead = { ...since, nextCursor: covered || !last ? since.nextCursor : journal.cursorFor(last.seq), hasMore: !covered };
    const view = pageView(input, ctx, page, r, waited, timedOut, store);
    return { data: view, text: renderFleetEventPageText(view, { first: false }, ctx.view()) };
  });
  return success(fitted.data, fitted.text);
}
