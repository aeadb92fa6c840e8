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

/** A failed task's latest workspace build error (Coder's provisioner output, may quote template text: untrusted). */
export const BuildErrorSchema = z.string().optional().describe("Failed task: its workspace build's error (untrusted)");
/** How a build error reads in text: quoted, cut, after the agent it belongs to. */
export const BUILD_ERROR_TEXT_CHARS = 300;

export function toAttentionPart(n: Pick<NeedsAttention, 'reason' | 'severity' | 'since' | 'suggestion' | 'nextTools'>, ctx: ViewContext): AttentionPart {
  return {
    reason: n.reason,
    severity: n.severity,
    ...(n.since ? { since: n.since } : {}),
    suggestion: onlyOfferedTools(n.suggestion, ctx.offers),
    next_tools: n.nextTools.filter((t) => ctx.offers(t)),
  };
}

/**
 * A tool name as our own prose writes it (verb first, snake_case): get_agent_details, list_agents, … Views sit
 * below the tool registry, so the verbs are listed here; tools.spec.ts proves every registered name matches.
 */
export const TOOL_NAME = /\b(?:get|list|create|send|pause|resume|restart|update|delete|interrupt|manage)_[a-z]+(?:_[a-z]+)*\b/g;

/**
 * Advice text (fleet-domain suggestions, failure hints) without the sentences or clauses that name a tool
 * this session does not offer: in read-only mode "Check get_agent_logs; nudge it with send_agent_input."
 * keeps "Check get_agent_logs." Splits after `.`, `;`, `!`, `?` outside double-quoted (agent-written)
 * strings, so a quoted agent message is kept or dropped whole, never cut.
 */
export function onlyOfferedTools(text: string, offers: (tool: string) => boolean): string {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '.' || c === ';' || c === '!' || c === '?') && (i + 1 === text.length || text[i + 1] === ' ')) {
      parts.push(text.slice(start, i + 1).trim());
      start = i + 1;
    }
  }
  if (start < text.length && text.slice(start).trim()) parts.push(text.slice(start).trim());
  const kept = parts.filter((p) => [...p.matchAll(TOOL_NAME)].every((m) => offers(m[0])));
  if (kept.length === parts.length) return text;
  return kept.join(' ').replace(/;$/, '.');
}
