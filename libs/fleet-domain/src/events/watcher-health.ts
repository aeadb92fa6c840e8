/**
 * Watcher health as fleet events (D8, ../shared/repro/faults.mjs): a watcher blinded by a 401 or an outage,
 * or a store that went down, used to stay silent. A health change is an event like any other: it lands in
 * the journal (get_fleet_events, fleet://events), wakes waiting get_fleet_events calls, and the server
 * pushes it as a logging notification (`warning` when degraded, `info` on recovery). Its text is the
 * server's own (error kinds and HTTP statuses only, never Coder- or agent-written text).
 */
import type { FleetEvent, WatcherHealthSource } from './diff-fleet.js';

export type WatcherHealthChange =
  | { readonly kind: 'degraded'; readonly source: WatcherHealthSource; readonly at: Date; readonly error: { readonly kind: string; readonly status?: number }; readonly retryMs?: number }
  | { readonly kind: 'recovered'; readonly source: WatcherHealthSource; readonly at: Date; readonly afterFailures: number };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The fleet event for a health change (severity warning when degraded, info when recovered). */
export function watcherHealthEvent(change: WatcherHealthChange): Extract<FleetEvent, { kind: 'watcher_degraded' | 'watcher_recovered' }> {
  const at = change.at.toISOString();
  if (change.kind === 'recovered') {
    const message =
      change.source === 'coder'
        ? `Fleet alerts resumed: Coder answered again after ${plural(change.afterFailures, 'failed poll')}. Changes made meanwhile are reported as events now.`
        : 'The fleet store is available again: history and conflict checks across processes are durable again.';
    return { kind: 'watcher_recovered', severity: 'info', at, source: change.source, afterFailures: change.afterFailures, message };
  }
  const status = change.error.status !== undefined ? `, HTTP ${change.error.status}` : '';
  const retry = change.retryMs !== undefined ? ` The watcher retries every ${Math.max(1, Math.round(change.retryMs / 1000))} s or more.` : '';
  let message: string;
  if (change.source === 'store') {
    message = `The fleet store is unavailable (${change.error.kind}): events and conflict checks are kept in this process's memory only until it recovers. Check the store (--store, FLEET_MCP_DATABASE_URL) and the server log.`;
  } else {
    const why = change.error.kind === 'unauthorized' || change.error.kind === 'forbidden' ? 'Coder rejected the server’s session token' : 'Coder cannot be reached';
    message = `Fleet alerts are paused: ${why} (${change.error.kind}${status}).${retry} Until it recovers, no agent failures or input requests are reported. Check Coder and CODER_SESSION_TOKEN.`;
  }
  return {
    kind: 'watcher_degraded',
    severity: 'warning',
    at,
    source: change.source,
    errorKind: change.error.kind,
    ...(change.error.status !== undefined ? { httpStatus: change.error.status } : {}),
    message,
  };
}
