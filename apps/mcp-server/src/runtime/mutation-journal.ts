/**
 * FR-015 support: last-write-wins with conflict notification. Shared by all sessions of one process.
 * `record` stores a mutation and returns the earlier mutation of the same agent by ANOTHER session when
 * it happened within the window (the caller turns it into a `conflict` notice in its result).
 */
import type { Clock } from '../clock.js';

export interface MutationRecord {
  agentId: string;
  sessionId: string;
  /** Tool name or verb: "send_agent_input". */
  action: string;
  at: Date;
}

export interface MutationJournal {
  record(mutation: Omit<MutationRecord, 'at'>): MutationRecord | undefined;
  last(agentId: string): MutationRecord | undefined;
}

export function createMutationJournal(options: { clock: Clock; windowMs: number; maxAgents?: number }): MutationJournal {
  const { clock, windowMs, maxAgents = 10_000 } = options;
  const byAgent = new Map<string, MutationRecord>();
  return {
    record(mutation) {
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
