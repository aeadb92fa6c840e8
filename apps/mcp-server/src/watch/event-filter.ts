/**
 * Which fleet events a caller asked for (get_fleet_events filters, resource subscriptions per agent).
 */
import type { FleetEvent, FleetEventKind, Severity } from '@org/fleet-domain';
import type { JournalEntry } from './event-journal.js';

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };

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
