/**
 * A page of fleet events a model can follow (#15 item 5). At 10,000 agents the journal carries ~35 events/s,
 * most of them agents reporting a new state: an unfiltered loop read 265 KB in 40 s. One page keeps at most
 * `limit` events, folds each agent's repeated `state_changed` reports into its newest one (counting how many
 * were folded), and summarises what it left out by kind and severity, so the caller knows whether to page on
 * or to narrow the filter. Pure: the shell reads the journal, pages here, renders.
 */
import type { Severity } from '../models/agent.js';
import type { FleetEvent, FleetEventKind } from './diff-fleet.js';

export interface PagedEvent<E> {
  readonly entry: E;
  /** Earlier `state_changed` reports of the same agent folded into this one (0: none). */
  readonly collapsed: number;
}

export interface EventSummary {
  readonly count: number;
  readonly byKind: Readonly<Partial<Record<FleetEventKind, number>>>;
  readonly bySeverity: Readonly<Partial<Record<Severity, number>>>;
  /** Distinct agents the events name. */
  readonly agents: number;
}

export interface EventPage<E> {
  /** In journal order; a folded report sits where its newest member was recorded. */
  readonly events: readonly PagedEvent<E>[];
  /** How many input entries (from the start) the page covers, shown or folded: page on after the last of them. */
  readonly consumed: number;
  /** The entries after `consumed`, summarised. */
  readonly leftOut: EventSummary;
}

export interface EventPageOptions {
  /** At most this many events on the page (folded reports do not count). */
  readonly limit: number;
  /** Fold each agent's repeated `state_changed` into its newest (default true). */
  readonly collapseStateChanges?: boolean;
}

/** From this many agents on, an unscoped read defaults to warning and above (README "Large fleets"). */
export const LARGE_FLEET_AGENTS = 500;

/**
 * The severity floor of a read that names none. A large fleet's info stream (state reports, starts,
 * completions: tens per second at 10,000 agents) buries the alerts a model reads events for, so an
 * unscoped read of a fleet over LARGE_FLEET_AGENTS agents starts at `warning`. A read scoped to one agent
 * or to chosen kinds asked for those events: `info`. So does a fleet whose size is unknown yet.
 */
export function defaultMinSeverity(fleetSize: number | null, scope: { readonly agent?: string; readonly kinds?: readonly string[] }): Severity {
  if (scope.agent !== undefined || (scope.kinds !== undefined && scope.kinds.length > 0)) return 'info';
  return fleetSize !== null && fleetSize > LARGE_FLEET_AGENTS ? 'warning' : 'info';
}

/** Which events are low-value noise to fold per agent: an agent's self-reported state changes. */
const foldKey = (e: FleetEvent): string | undefined => (e.kind === 'state_changed' ? (e.agentId ?? e.agentName) : undefined);

export function pageFleetEvents<E extends { readonly event: FleetEvent }>(entries: readonly E[], options: EventPageOptions): EventPage<E> {
  const limit = Math.max(1, Math.floor(options.limit));
  const collapse = options.collapseStateChanges ?? true;
  const slots: (PagedEvent<E> | undefined)[] = [];
  const newestOf = new Map<string, number>();
  let shown = 0;
  let consumed = 0;
  for (const entry of entries) {
    const key = collapse ? foldKey(entry.event) : undefined;
    const earlier = key === undefined ? undefined : newestOf.get(key);
    // A new event needs room; a later report of an agent already on the page replaces its earlier one.
    if (earlier === undefined && shown >= limit) break;
    let collapsed = 0;
    if (earlier !== undefined) {
      collapsed = (slots[earlier]?.collapsed ?? 0) + 1;
      slots[earlier] = undefined;
      shown--;
    }
    if (key !== undefined) newestOf.set(key, slots.length);
    slots.push({ entry, collapsed });
    shown++;
    consumed++;
  }
  return {
    events: slots.filter((s): s is PagedEvent<E> => s !== undefined),
    consumed,
    leftOut: summarizeFleetEvents(entries.slice(consumed).map((e) => e.event)),
  };
}

export function summarizeFleetEvents(events: readonly FleetEvent[]): EventSummary {
  const byKind: Partial<Record<FleetEventKind, number>> = {};
  const bySeverity: Partial<Record<Severity, number>> = {};
  const agents = new Set<string>();
  for (const e of events) {
    byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
    bySeverity[e.severity] = (bySeverity[e.severity] ?? 0) + 1;
    const who = e.agentId ?? e.agentName;
    if (who) agents.add(who);
  }
  return { count: events.length, byKind, bySeverity, agents: agents.size };
}
