/**
 * How fleet events look to MCP clients (snake_case, one flat shape for every kind) and how they are
 * filtered. Shared by get_fleet_events, the fleet://events resource and logging notifications.
 */
import { FLEET_EVENT_KINDS, type FleetEvent, type FleetEventKind, type Severity } from '@org/fleet-domain';
import { z } from 'zod';
import type { EventJournal, JournalEntry } from './event-journal.js';
import type { WatcherHealth } from './fleet-watcher.js';

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };

export const FleetEventKindSchema = z.enum(FLEET_EVENT_KINDS as [FleetEventKind, ...FleetEventKind[]]);

export const EventViewSchema = z.object({
  cursor: z.string().describe('Cursor of this event: pass it as `since` to get only later events'),
  seq: z.number().int(),
  kind: FleetEventKindSchema,
  severity: z.enum(['info', 'warning', 'critical']),
  at: z.string().describe('When the change was first observed (UTC ISO)'),
  recorded_at: z.string().describe('When the watcher recorded it (UTC ISO)'),
  agent_id: z.string().optional(),
  agent: z.string().optional().describe('owner/name'),
  message: z.string().describe('One line; quotes agent-written text (untrusted)'),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).describe('Kind-specific fields (from/to status, reason, state, used/capacity/ratio, flaps)'),
});
export type EventView = z.output<typeof EventViewSchema>;

export const WatcherHealthSchema = z
  .object({
    state: z.enum(['stopped', 'running', 'backing_off']),
    interval_ms: z.number().int(),
    always_on: z.boolean(),
    interested: z.number().int().describe('Open waits and sessions with resource subscriptions keeping the watcher running'),
    last_success_at: z.string().nullable(),
    consecutive_failures: z.number().int(),
    backoff_ms: z.number().int().describe('Current back-off after Coder errors (0 when healthy)'),
    next_poll_at: z.string().nullable(),
    last_error: z.object({ kind: z.string(), status: z.number().optional(), message: z.string() }).nullable(),
    cycles: z.number().int(),
    agents: z.number().int().nullable(),
    last_cycle_cpu_ms: z.number().nullable(),
    avg_cycle_cpu_ms: z.number().nullable(),
    journal: z.object({ size: z.number().int(), capacity: z.number().int(), evicted: z.number().int() }),
  })
  .describe('Health of the fleet watcher that produces the events');
export type WatcherHealthView = z.output<typeof WatcherHealthSchema>;

const DETAIL_KEYS = ['from', 'to', 'flaps', 'reason', 'state', 'stateMessage', 'status', 'lastStatus', 'used', 'capacity', 'ratio'] as const;
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function toEventView(entry: JournalEntry, journal: Pick<EventJournal, 'cursorFor'>): EventView {
  const e: FleetEvent = entry.event;
  const details: Record<string, string | number | boolean> = {};
  const record = e as unknown as Record<string, unknown>;
  for (const key of DETAIL_KEYS) {
    const v = record[key];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') details[snake(key)] = v;
  }
  return {
    cursor: journal.cursorFor(entry.seq),
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

export function toHealthView(h: WatcherHealth): WatcherHealthView {
  const round = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
  return {
    state: h.state,
    interval_ms: h.intervalMs,
    always_on: h.alwaysOn,
    interested: h.interested,
    last_success_at: h.lastSuccessAt,
    consecutive_failures: h.consecutiveFailures,
    backoff_ms: h.backoffMs,
    next_poll_at: h.nextPollAt,
    last_error: h.lastError,
    cycles: h.cycles,
    agents: h.agents,
    last_cycle_cpu_ms: round(h.lastCycleCpuMs),
    avg_cycle_cpu_ms: round(h.avgCycleCpuMs),
    journal: { size: h.journal.size, capacity: h.journal.capacity, evicted: h.journal.evicted },
  };
}

export interface EventFilter {
  minSeverity?: Severity;
  kinds?: readonly FleetEventKind[];
  /** Task id, name, or owner/name (case-insensitive names). */
  agent?: string;
}

export function matchesAgentRef(e: FleetEvent, ref: string): boolean {
  if (e.agentId === ref) return true;
  if (!e.agentName) return false;
  const r = ref.toLowerCase();
  const slash = r.indexOf('/');
  if (slash < 0) return e.agentName.toLowerCase() === r;
  return (e.owner ?? '').toLowerCase() === r.slice(0, slash) && e.agentName.toLowerCase() === r.slice(slash + 1);
}

export function eventFilter(f: EventFilter): (entry: JournalEntry) => boolean {
  const min = SEVERITY_RANK[f.minSeverity ?? 'info'];
  const kinds = f.kinds && f.kinds.length > 0 ? new Set(f.kinds) : undefined;
  return ({ event }) => SEVERITY_RANK[event.severity] >= min && (!kinds || kinds.has(event.kind)) && (!f.agent || matchesAgentRef(event, f.agent));
}
