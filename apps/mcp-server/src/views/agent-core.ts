/**
 * The agent facts every agent view shares (row, details, the fleet://agents resource, lifecycle answers):
 * each field's schema and its mapping from the domain Agent, written once.
 *
 * A second backend (Coder Agents/chats) adds optional facts only some agents have (`kind: 'task' | 'chat'`,
 * cost, PR, labels): add the field to AgentExtrasShape and its value to toAgentExtras, and every agent view
 * carries it (list_agents offers it in `fields`). No view maps the domain agent a second time.
 */
import { agentRef, type Agent } from '@org/fleet-domain';
import { z } from 'zod';
import { AgentStatusSchema } from './parts.js';

/** Identity and status: the fields the views pick from, in the order they list them. */
export const AgentCoreShape = {
  id: z.string().describe('Task id (stable; use it in later calls)'),
  ref: z.string().describe('owner/name'),
  name: z.string(),
  display_name: z.string(),
  owner: z.string(),
  status: AgentStatusSchema,
  status_reason: z.string().describe('Why the status is what it is'),
  coder_status: z.string().describe("Coder's own task status"),
};
export type AgentCore = z.output<z.ZodObject<typeof AgentCoreShape>>;

export function toAgentCore(a: Agent): AgentCore {
  return {
    id: a.id,
    ref: agentRef(a),
    name: a.name,
    display_name: a.displayName,
    owner: a.owner,
    status: a.status,
    status_reason: a.statusReason,
    coder_status: a.coderStatus,
  };
}

/** Optional facts that only some agents (or some backends) have. Every field here is `.optional()`. */
export const AgentExtrasShape = {
  kind: z.enum(['task', 'chat', 'workspace']).optional().describe('Which Coder surface the agent lives on: a Coder Task, or a Coder Agents chat (absent: task)'),
  cost_usd: z.number().optional().describe('Chats: AI cost so far in USD (whole chat tree), when known'),
  pr: z.string().optional().describe('Chats: the pull request, compactly: "#12 open +30/-4 changes_requested"'),
  pr_url: z.string().optional().describe('Chats: URL of the pull request'),
  labels: z.array(z.string()).optional().describe('Chats: labels as key:value'),
  queued: z.number().int().optional().describe("Chats: messages waiting in Coder's queue of this agent"),
} satisfies z.ZodRawShape;
export type AgentExtras = z.output<z.ZodObject<typeof AgentExtrasShape>>;

/** Values for AgentExtrasShape: absent facts are left out, never null (task agents carry none of them). */
export function toAgentExtras(a: Agent): AgentExtras {
  if (a.kind === 'task') return {};
  const pr = a.pr;
  return {
    kind: a.kind,
    ...(a.costMicros !== undefined ? { cost_usd: Math.round(a.costMicros / 10_000) / 100 } : {}),
    ...(pr
      ? {
          // A workspace agent's PR is only the URL it reported: no state or diff stats to show.
          pr: (a.kind === 'workspace' ? [pr.number !== undefined ? `#${pr.number}` : 'PR', 'reported'] : [pr.number !== undefined ? `#${pr.number}` : 'PR', pr.state, `+${pr.additions}/-${pr.deletions}`, pr.changesRequested ? 'changes_requested' : pr.approved ? 'approved' : ''])
            .filter((x) => x !== '')
            .join(' '),
          ...(pr.url ? { pr_url: pr.url } : {}),
        }
      : {}),
    ...(a.labels && Object.keys(a.labels).length > 0 ? { labels: Object.entries(a.labels).map(([k, v]) => `${k}:${v}`) } : {}),
    ...(a.queue && a.queue.count > 0 ? { queued: a.queue.count } : {}),
  };
}

/** The short agent block of lifecycle answers (create, send, pause, resume, update, delete). */
export const AgentSummaryViewSchema = z.object({
  id: AgentCoreShape.id,
  ref: AgentCoreShape.ref,
  name: AgentCoreShape.name,
  owner: AgentCoreShape.owner,
  status: AgentCoreShape.status,
  status_reason: AgentCoreShape.status_reason,
  coder_status: AgentCoreShape.coder_status,
  ...AgentExtrasShape,
});
export type AgentSummaryView = z.output<typeof AgentSummaryViewSchema>;

export function toAgentSummaryView(a: Agent): AgentSummaryView {
  const { id, ref, name, owner, status, status_reason, coder_status } = toAgentCore(a);
  return { id, ref, name, owner, status, status_reason, coder_status, ...toAgentExtras(a) };
}
