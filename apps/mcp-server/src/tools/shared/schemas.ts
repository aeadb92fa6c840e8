/** Reusable zod pieces for tool input/output schemas (MCP-facing names are snake_case). */
import { AGENT_STATUSES, type AgentStatus } from '@org/fleet-domain';
import { z } from 'zod';

export const AgentStatusSchema = z
  .enum(AGENT_STATUSES as [AgentStatus, ...AgentStatus[]])
  .describe('Fleet status: starting, busy (working), idle (waiting for input), complete, paused, offline, blocked (agent reported it needs help), error, unknown');

export const AttentionReasonSchema = z.enum(['error', 'offline', 'unhealthy', 'blocked', 'stuck', 'idle_waiting']);
export const SeveritySchema = z.enum(['info', 'warning', 'critical']);

export const AgentRefSchema = z
  .string()
  .min(1)
  .max(300)
  .describe("The agent: its task id, its name, or 'owner/name' (names are unique per owner)");

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

export const UNTRUSTED_FIELDS_DESCRIPTION = 'Names of fields that hold untrusted agent-written text';
