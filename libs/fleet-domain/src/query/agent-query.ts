/**
 * Selecting and ordering agents (list_agents, get_fleet_status scopes, resources): which agents match a
 * query and the sort key of each, so the shell only wires inputs to these functions. Pure, no locale
 * compare (keys are compared by code point or numerically by the caller's pager).
 */
import type { Agent, AgentStatus, Severity } from '../models/agent.js';
import { AGENT_STATUSES } from '../models/agent.js';
import { assertNever } from '../result.js';

/** Most severe first (critical 0, warning 1, info 2). */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 0, warning: 1, info: 2 };

/** `owner/name`, the human reference of an agent. */
export const agentRef = (a: Pick<Agent, 'owner' | 'name'>): string => `${a.owner}/${a.name}`;

/** Case-insensitive match of a template reference (id exact, name or display name). */
export function matchesTemplate(agent: Pick<Agent, 'template'>, ref: string): boolean {
  const r = ref.toLowerCase();
  return agent.template.id === ref || agent.template.name.toLowerCase() === r || agent.template.displayName.toLowerCase() === r;
}

/** Case-insensitive owner username, or the exact owner id. */
export function matchesOwner(agent: Pick<Agent, 'owner' | 'ownerId'>, owner: string): boolean {
  return agent.owner.toLowerCase() === owner.toLowerCase() || agent.ownerId === owner;
}

export interface AgentQuery {
  /** Any of these statuses (absent or empty: all). */
  readonly statuses?: readonly AgentStatus[];
  readonly owner?: string;
  readonly template?: string;
  /** Only agents whose template id is in this set (e.g. templates offering a capability). */
  readonly templateIds?: ReadonlySet<string>;
  /** true: only agents needing attention; false: only those that do not. */
  readonly needsAttention?: boolean;
  /** Case-insensitive text in name, display name, owner, template name/display name, prompt or state message. */
  readonly search?: string;
}

export function matchesAgentQuery(a: Agent, q: AgentQuery): boolean {
  if (q.statuses && q.statuses.length > 0 && !q.statuses.includes(a.status)) return false;
  if (q.owner && !matchesOwner(a, q.owner)) return false;
  if (q.template && !matchesTemplate(a, q.template)) return false;
  if (q.templateIds && !q.templateIds.has(a.template.id)) return false;
  if (q.needsAttention !== undefined && q.needsAttention !== (a.needsAttention !== undefined)) return false;
  if (q.search) {
    const s = q.search.toLowerCase();
    const hay = [a.name, a.displayName, a.owner, a.template.name, a.template.displayName, a.initialPrompt, a.state?.message ?? ''];
    if (!hay.some((h) => h.toLowerCase().includes(s))) return false;
  }
  return true;
}

export const AGENT_SORTS = ['name', 'last_activity', 'created', 'status', 'attention'] as const;
export type AgentSort = (typeof AGENT_SORTS)[number];

export type AgentSortKey = readonly (string | number)[];

const finiteOr = (n: number, fallback: number) => (Number.isFinite(n) ? n : fallback);
/** Rank of "no attention needed", after every severity. */
const NO_ATTENTION_RANK = 3;

/** Attention rank of an agent, ascending = most urgent first: SEVERITY_RANK, agents without attention last. */
export const attentionRank = (a: Pick<Agent, 'needsAttention'>): number => (a.needsAttention ? SEVERITY_RANK[a.needsAttention.severity] : NO_ATTENTION_RANK);

/** Comparator for `Array.prototype.sort`: most urgent attention first; equal ranks keep their order (stable sort). */
export const byAttention = (a: Pick<Agent, 'needsAttention'>, b: Pick<Agent, 'needsAttention'>): number => attentionRank(a) - attentionRank(b);

/**
 * Ascending sort key of an agent for `sort`: name = owner/name A→Z; last_activity and created = newest
 * first (unparsable times last); status = AGENT_STATUSES order, then name; attention = most severe first,
 * then longest-standing (unknown `since` last), agents without attention last, then name.
 */
export function agentSortKey(a: Agent, sort: AgentSort): AgentSortKey {
  switch (sort) {
    case 'name':
      return [agentRef(a)];
    case 'last_activity':
      return [-finiteOr(a.times.lastActivityAt, 0)];
    case 'created':
      return [-finiteOr(a.times.createdAt, 0)];
    case 'status':
      return [AGENT_STATUSES.indexOf(a.status), agentRef(a)];
    case 'attention': {
      const att = a.needsAttention;
      if (!att) return [attentionRank(a), 0, agentRef(a)];
      const since = att.since ? Date.parse(att.since) : Number.NaN;
      return [attentionRank(a), finiteOr(since, Number.MAX_SAFE_INTEGER), agentRef(a)];
    }
    default:
      return assertNever(sort, 'agent sort');
  }
}
