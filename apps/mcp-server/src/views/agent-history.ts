/**
 * Agent history from the durable journal (#14 item 3): the agent's status transitions and alerts as the
 * watcher recorded them, and the changes made through this server (who, when, outcome, Coder's status) —
 * kept after the agent is deleted, so get_agent_details can say when and by whom it went.
 */
import type { FleetEvent } from '@org/fleet-domain';
import { z } from 'zod';
import { StoreTroubleViewSchema, renderStoreTroubleText, type StoreTroubleView } from './store-trouble.js';
import { quoteUntrusted } from './untrusted.js';

/** The durable journal of one agent, kept after its deletion (undescribed: tools/list pays per described field). */
export const AgentHistoryViewSchema = z.object({
    transitions: z
      .array(z.object({ at: z.string(), kind: z.string(), severity: z.string(), message: z.string().describe('Untrusted agent text quoted') }))
      .describe('Status transitions and alerts, newest first'),
    mutations: z
      .array(z.object({ at: z.string(), tool: z.string(), principal: z.string(), session: z.string(), outcome: z.string(), coder_status: z.number().nullable() }))
      .describe('Changes made through this server, newest first: who, when, outcome'),
    deleted: z.object({ at: z.string().nullable(), by: z.string().nullable().describe('Principal, null when deleted outside this server') }).optional(),
    store: StoreTroubleViewSchema.optional(),
  });
export type AgentHistoryView = z.output<typeof AgentHistoryViewSchema>;

export interface AgentHistorySource {
  events: ReadonlyArray<{ event: FleetEvent; recordedAt: number }>;
  mutations: ReadonlyArray<{ at: number; tool: string; principal: string; session: string; outcome: string; coderStatus: number | null }>;
  /** Set when the agent is gone: the agent_deleted event's time and the principal of the delete that did it. */
  deleted?: { at: string | null; by: string | null };
  store?: StoreTroubleView;
}

/** Events and mutations arrive oldest or newest first; the view is newest first. */
export function toAgentHistoryView(s: AgentHistorySource): AgentHistoryView {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    transitions: [...s.events].sort((a, b) => b.event.at.localeCompare(a.event.at)).map(({ event }) => ({ at: event.at, kind: event.kind, severity: event.severity, message: event.message })),
    mutations: [...s.mutations].sort((a, b) => b.at - a.at).map((m) => ({ at: iso(m.at), tool: m.tool, principal: m.principal, session: m.session, outcome: m.outcome, coder_status: m.coderStatus })),
    ...(s.deleted ? { deleted: s.deleted } : {}),
    ...(s.store ? { store: s.store } : {}),
  };
}

export const AGENT_HISTORY_UNTRUSTED_FIELDS = ['journal.transitions[].message'] as const;

export function renderAgentHistoryText(h: AgentHistoryView): string[] {
  const lines: string[] = [];
  if (h.deleted) lines.push(`Deleted ${h.deleted.at ?? '(time not recorded)'} by ${h.deleted.by ?? 'someone outside this server (no delete_agent recorded)'}.`);
  if (h.transitions.length > 0) {
    lines.push('Journal (newest first):');
    for (const t of h.transitions) lines.push(`- ${t.at} [${t.severity}] ${t.kind}: ${quoteUntrusted(t.message)}`);
  }
  if (h.mutations.length > 0) {
    lines.push('Changes through this server (newest first):');
    for (const m of h.mutations) lines.push(`- ${m.at} ${m.tool} by ${m.principal} (${m.session}): ${m.outcome}${m.coder_status !== null ? `, Coder HTTP ${m.coder_status}` : ''}`);
  }
  if (h.store) lines.push(renderStoreTroubleText(h.store));
  return lines;
}
