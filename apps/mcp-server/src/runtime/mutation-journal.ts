/**
 * FR-015 support: last-write-wins with conflict notification. Shared by all sessions of one process and,
 * through the store (@org/fleet-store), by every process on the same store (two stdio servers on one
 * machine, or replicas on Postgres).
 * `record` stores a mutation and returns the latest earlier mutation of the same agent by ANOTHER session
 * when it happened within the window (the caller turns it into a `conflict` notice in its result).
 */
import type { FleetStore, StoreError, StoreResult } from '@org/fleet-store';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';

export interface MutationRecord {
  agentId: string;
  sessionId: string;
  /** Tool name or verb: "send_agent_input". */
  action: string;
  at: Date;
}

export interface MutationJournal {
  record(mutation: Omit<MutationRecord, 'at'>): Promise<MutationRecord | undefined>;
}

/** In-process journal (also the fallback while the store is unavailable). */
export function createMutationJournal(options: { clock: Clock; windowMs: number; maxAgents?: number }): MutationJournal & {
  last(agentId: string): MutationRecord | undefined;
} {
  const { clock, windowMs, maxAgents = 10_000 } = options;
  const byAgent = new Map<string, MutationRecord>();
  return {
    async record(mutation) {
      const now = clock.now();
      const previous = byAgent.get(mutation.agentId);
      byAgent.delete(mutation.agentId);
      byAgent.set(mutation.agentId, { ...mutation, at: now });
      if (byAgent.size > maxAgents) byAgent.delete(byAgent.keys().next().value as string);
      if (!previous || previous.sessionId === mutation.sessionId) return undefined;
      return now.getTime() - previous.at.getTime() <= windowMs ? previous : undefined;
    },
    last: (agentId) => byAgent.get(agentId),
  };
}

/**
 * The journal in the store. The store is opened on the first mutation (never on the start-up path); when it
 * cannot be opened or a write fails, the mutation goes to the in-process journal instead (conflicts between
 * processes are then not seen) and the failure is logged once per kind, with the store's own hint.
 */
export function createStoreMutationJournal(options: {
  open: () => Promise<StoreResult<FleetStore>>;
  clock: Clock;
  windowMs: number;
  log?: Logger;
}): MutationJournal & { close(): Promise<void> } {
  const fallback = createMutationJournal({ clock: options.clock, windowMs: options.windowMs });
  let opening: Promise<StoreResult<FleetStore>> | undefined;
  const reported = new Set<string>();
  const degrade = (error: StoreError): void => {
    if (reported.has(error.kind)) return;
    reported.add(error.kind);
    options.log?.warn('store degraded: conflicting writes are tracked in this process only', { kind: error.kind, error: error.message, hint: error.hint });
  };
  const store = async (): Promise<FleetStore | undefined> => {
    opening ??= options.open();
    const opened = await opening;
    if (opened.ok) return opened.value;
    if (opened.error.retryable) opening = undefined; // try again on a later mutation
    degrade(opened.error);
    return undefined;
  };
  return {
    async record(mutation) {
      const fromMemory = await fallback.record(mutation); // keeps the in-process view current for a later fallback
      const s = await store();
      if (!s) return fromMemory;
      const recorded = await s.mutations.record(
        { principal: 'unknown', sessionId: mutation.sessionId, tool: mutation.action, agentId: mutation.agentId, arguments: {}, outcome: 'ok', at: options.clock.now().getTime() },
        { conflictWindowMs: options.windowMs },
      );
      if (!recorded.ok) {
        degrade(recorded.error);
        return fromMemory;
      }
      const latest = recorded.value.conflicts[0];
      return latest && { agentId: latest.agentId, sessionId: latest.sessionId, action: latest.tool, at: new Date(latest.at) };
    },
    async close() {
      const opened = await opening;
      if (opened?.ok) await opened.value.close();
    },
  };
}
