/**
 * FR-015 support: last-write-wins with conflict notification. Shared by all sessions of one process and,
 * through the store (@org/fleet-store), by every process on the same store (two stdio servers on one
 * machine, or replicas on Postgres).
 * `record` stores a mutation and returns the latest earlier mutation of the same agent by ANOTHER session
 * when it happened within the window (the caller turns it into a `conflict` notice in its result).
 */
import type { JsonObject } from '@org/fleet-store';
import type { Clock } from '../clock.js';
import type { StoreHandle } from './store-handle.js';

export interface MutationRecord {
  agentId: string;
  sessionId: string;
  /** Tool name or verb: "send_agent_input". */
  action: string;
  at: Date;
}

/** What the audit adds to a mutation (mutation-audit.ts); absent fields are recorded as unknown. */
export interface MutationAuditFields {
  principal?: string;
  arguments?: JsonObject;
  /** ok (default) | unknown | unchanged | failed:<code>. Only ok and unknown are conflicts. */
  outcome?: string;
  coderStatus?: number;
}

export interface MutationJournal {
  record(mutation: Omit<MutationRecord, 'at'> & MutationAuditFields): Promise<MutationRecord | undefined>;
}

/** In-process journal (also the fallback while the store is unavailable). */
export function createMutationJournal(options: { clock: Clock; windowMs: number; maxAgents?: number }): MutationJournal & {
  last(agentId: string): MutationRecord | undefined;
} {
  const { clock, windowMs, maxAgents = 10_000 } = options;
  const byAgent = new Map<string, MutationRecord>();
  return {
    async record(mutation) {
      if (mutation.outcome !== undefined && mutation.outcome !== 'ok' && mutation.outcome !== 'unknown') return undefined;
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
 * The journal in the store (shared handle, opened on first use). When the store is unavailable or a write
 * fails, the mutation goes to the in-process journal instead (conflicts between processes are then not seen);
 * the handle logs the degradation once and reports it to the watcher.
 */
export function createStoreMutationJournal(options: { store: StoreHandle; clock: Clock; windowMs: number }): MutationJournal {
  const fallback = createMutationJournal({ clock: options.clock, windowMs: options.windowMs });
  return {
    async record(mutation) {
      const fromMemory = await fallback.record(mutation); // keeps the in-process view current for a later fallback
      const recorded = await options.store.run((s) =>
        s.mutations.record(
          {
            principal: mutation.principal ?? 'unknown',
            sessionId: mutation.sessionId,
            tool: mutation.action,
            agentId: mutation.agentId,
            arguments: mutation.arguments ?? {},
            outcome: mutation.outcome ?? 'ok',
            coderStatus: mutation.coderStatus ?? null,
            at: options.clock.now().getTime(),
          },
          { conflictWindowMs: options.windowMs },
        ),
      );
      if (!recorded.ok) return fromMemory;
      const latest = recorded.value.conflicts[0];
      return latest && { agentId: latest.agentId, sessionId: latest.sessionId, action: latest.tool, at: new Date(latest.at) };
    },
  };
}
