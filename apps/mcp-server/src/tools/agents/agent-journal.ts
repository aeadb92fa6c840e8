/**
 * What the durable journal knows about one agent (get_agent_details `journal`): its transitions and alerts,
 * the changes made through this server, and — for an agent that no longer exists — when and by whom it
 * was deleted. A store that fails gives an empty history that says so (store: degraded), never a failure.
 */
import { FLEET_EVENT_KINDS } from '@org/fleet-domain';
import type { ToolContext } from '../../define-tool.js';
import { toAgentHistoryView, type AgentHistoryView } from '../../views/agent-history.js';
import { storeTrouble } from '../../watch/durable-events.js';
import { matchesAgentRef } from '../../watch/event-filter.js';
import { anonymiseSession } from '../lifecycle/lifecycle-common.js';

/** Journal entries shown per agent (each list); the store keeps all of them for --retention-days. */
export const AGENT_JOURNAL_ITEMS = 10;
/** Recent deletions searched for an agent named by owner/name (its id is gone with it). */
const DELETED_SEARCH = 1_000;
/** Everything but state reports (the details' `history` has those, from Coder). */
const TRANSITION_KINDS = FLEET_EVENT_KINDS.filter((k) => k !== 'state_changed');

export async function agentJournal(ctx: ToolContext, agentId: string, deleted = false): Promise<AgentHistoryView> {
  const [events, mutations] = await Promise.all([
    ctx.runtime.journal.read({ agentId, kinds: TRANSITION_KINDS, newest: true, limit: AGENT_JOURNAL_ITEMS }),
    ctx.runtime.store.run((s) => s.mutations.list({ agentId, limit: AGENT_JOURNAL_ITEMS })),
  ]);
  const failed = !events.ok ? events.error : !mutations.ok ? mutations.error : undefined;
  const entries = events.ok ? events.value.entries : [];
  const changes = mutations.ok ? mutations.value : [];
  const deletedEvent = entries.filter((e) => e.event.kind === 'agent_deleted').at(-1);
  const deleter = changes.find((m) => m.tool === 'delete_agent' && (m.outcome === 'ok' || m.outcome === 'unknown'));
  return toAgentHistoryView({
    events: entries,
    mutations: changes.map((m) => ({ at: m.at, tool: m.tool, principal: m.principal, session: anonymiseSession(m.sessionId), outcome: m.outcome, coderStatus: m.coderStatus })),
    ...(deleted ? { deleted: { at: deletedEvent?.event.at ?? (deleter ? new Date(deleter.at).toISOString() : null), by: deleter?.principal ?? null } } : {}),
    ...(failed ? { store: storeTrouble(failed) } : {}),
  });
}

/**
 * The id of an agent that no longer exists, from the journal: the reference itself when events or mutations
 * carry it as an agent id, else the newest agent_deleted event whose agent matches `ref` (name or owner/name).
 */
export async function deletedAgentId(ctx: ToolContext, ref: string): Promise<string | undefined> {
  const byId = await ctx.runtime.journal.read({ agentId: ref, newest: true, limit: 1 });
  if (byId.ok && byId.value.entries.length > 0) return ref;
  const mutated = await ctx.runtime.store.run((s) => s.mutations.list({ agentId: ref, limit: 1 }));
  if (mutated.ok && mutated.value.length > 0) return ref;
  const deletions = await ctx.runtime.journal.read({ kinds: ['agent_deleted'], newest: true, limit: DELETED_SEARCH });
  if (!deletions.ok) return undefined;
  return deletions.value.entries.reverse().find((e) => matchesAgentRef(e.event, ref))?.event.agentId;
}
