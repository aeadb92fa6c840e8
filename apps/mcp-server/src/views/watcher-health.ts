/**
 * Watcher health: the fleet watcher's state as get_fleet_events, fleet://status and fleet://events show it.
 */
import { z } from 'zod';
import type { WatcherHealth } from '../watch/fleet-watcher.js';

export const WatcherHealthViewSchema = z
  .object({
    state: z.enum(['stopped', 'running', 'backing_off']),
    polled_by: z.enum(['this_process', 'lease_holder']).describe('lease_holder: another server process on the same store polls Coder; events come from the store'),
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
    socket: z
      .object({
        state: z.string().describe('connecting | connected | reconnecting | auth_failed | failed | closed'),
        reason: z.string().optional(),
        since: z.string(),
        events: z.number().int().describe('Changes pushed since the watcher started'),
        reconnects: z.number().int(),
        reconcile_ms: z.number().int().describe('List-poll interval while connected (chats only); otherwise interval_ms'),
      })
      .nullable()
      .describe("Coder's chat watch socket (Agents era): changes are pushed, the list poll reconciles; null when polling only"),
  })
  .describe('Health of the fleet watcher that produces the events');
export type WatcherHealthView = z.output<typeof WatcherHealthViewSchema>;

export function toWatcherHealthView(h: WatcherHealth): WatcherHealthView {
  const round = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
  return {
    state: h.state,
    polled_by: h.pollsHere ? 'this_process' : 'lease_holder',
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
    socket: h.socket
      ? {
          state: h.socket.state,
          ...(h.socket.reason ? { reason: h.socket.reason } : {}),
          since: h.socket.since,
          events: h.socket.events,
          reconnects: h.socket.reconnects,
          reconcile_ms: h.socket.coversFleet ? h.socket.reconcileMs : h.intervalMs,
        }
      : null,
  };
}

/** One line when the watcher is degraded; undefined while it is healthy. */
export function renderWatcherHealthText(w: WatcherHealthView): string | undefined {
  const socket = w.socket && w.socket.state !== 'connected' && w.socket.state !== 'connecting'
    ? `Watch socket ${w.socket.state}${w.socket.reason ? ` (${w.socket.reason})` : ''} since ${w.socket.since}: polling every ${w.interval_ms} ms instead.`
    : undefined;
  if (w.consecutive_failures === 0) return socket;
  return (socket ? `${socket} ` : '') + `Watcher degraded: ${w.consecutive_failures} failed poll(s) (${w.last_error?.kind ?? 'error'}: ${w.last_error?.message ?? ''}); retrying in ${w.backoff_ms} ms; last success ${w.last_success_at ?? 'never'}.`;
}
