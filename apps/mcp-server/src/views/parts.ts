/**
 * Output schema parts shared by several views (defined once; MCP-facing names are snake_case), and the
 * context every `to…View` receives.
 */
import { AGENT_STATUSES, ATTENTION_REASONS, type AgentStatus, type AttentionReason, type DurationStats, type NeedsAttention } from '@org/fleet-domain';
import { z } from 'zod';
import { CONTENT_TRUST } from './untrusted.js';

/** What a view may depend on besides the domain value: the time of the answer and the tools this session offers. */
export interface ViewContext {
  now: Date;
  /** True when `tool` is registered in this session (read-only mode, toolsets, exclude lists, header narrowing). */
  offers(tool: string): boolean;
}

/** A context offering every tool (tests, and callers that have no session). */
export const offersEverything = (now: Date): ViewContext => ({ now, offers: () => true });

export const AgentStatusSchema = z
  .enum(AGENT_STATUSES as [AgentStatus, ...AgentStatus[]])
  .describe('Fleet status: starting, busy (working), idle (waiting for input), complete, paused, offline, blocked (agent reported it needs help; a chat in requires_action), error, unknown, stopping (a chat being interrupted)');

export const AttentionReasonSchema = z.enum(ATTENTION_REASONS as [AttentionReason, ...AttentionReason[]]);
export const SeveritySchema = z.enum(['info', 'warning', 'critical']);

export const StatusCountsSchema = z
  .object(Object.fromEntries(AGENT_STATUSES.map((s) => [s, z.number().int()])) as Record<AgentStatus, z.ZodNumber>)
  .describe('Number of agents per status');

export const DurationStatsSchema = z.object({
  count: z.number().int().describe('Agents that contributed a sample'),
  median_ms: z.number().nullable(),
  p90_ms: z.number().nullable(),
  max_ms: z.number().nullable(),
  approximate: z.boolean().describe('Some samples are estimates'),
});
export const toDurationStatsView = (d: DurationStats): z.output<typeof DurationStatsSchema> => ({
  count: d.count,
  median_ms: d.medianMs,
  p90_ms: d.p90Ms,
  max_ms: d.maxMs,
  approximate: d.approximate,
});

export const UNTRUSTED_FIELDS_DESCRIPTION = 'Names of fields that hold untrusted agent-written text';
export const UntrustedFieldsSchema = z.array(z.string()).describe(UNTRUSTED_FIELDS_DESCRIPTION);
export const ContentTrustSchema = z.literal(CONTENT_TRUST);

/** Why an agent needs attention, the same in agent details and the fleet status attention list. */
export const AttentionShape = {
  reason: AttentionReasonSchema,
  severity: SeveritySchema,
  since: z.string().optional(),
  suggestion: z.string().describe('What is wrong and what to do next'),
  next_tools: z.array(z.string()),
};
export type AttentionPart = z.output<z.ZodObject<typeof AttentionShape>>;

export function toAttentionPart(n: Pick<NeedsAttention, 'reason' | 'severity' | 'since' | 'suggestion' | 'nextTools'>, ctx: ViewContext): AttentionPart {
  return {
    reason: n.reason,
    severity: n.severity,
    ...(n.since ? { since: n.since } : {}),
    suggestion: n.suggestion,
    next_tools: n.nextTools.filter((t) => ctx.offers(t)),
  };
}
