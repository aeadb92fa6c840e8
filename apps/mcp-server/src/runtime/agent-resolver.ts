/**
 * Agent references: a task id, a task name, or `owner/name`. Resolution goes through the (cached) tasks
 * list, so it costs at most one Coder call, and returns a pinned identity (owner + task id) that the
 * caller uses for every further Coder call (a task re-created under the same name is never hit by accident).
 */
import { resolveAgentRef, type Agent, type AgentIdentity } from '@org/fleet-domain';
import type { AnyTask } from '../coder.js';
import { fromCoderApiError, fromDomainError, type Outcome } from '../failures.js';
import type { TaskListSource } from './task-list.js';

export interface ResolvedAgent {
  /** Task id: use it (with `owner`) for every Coder call. */
  id: string;
  owner: string;
  name: string;
  /** `owner/name`, the unambiguous human reference. */
  ref: string;
  task: AnyTask;
}


export interface AgentResolver {
  resolve(ref: string): Promise<Outcome<ResolvedAgent>>;
}

const toResolved = (t: AnyTask): ResolvedAgent => ({ id: t.id, owner: t.owner_name, name: t.name, ref: `${t.owner_name}/${t.name}`, task: t });
const agentIdentity = (a: Agent): AgentIdentity => a;

export function createAgentResolver(tasks: TaskListSource): AgentResolver {
  /** Resolution against the (cached, or re-read when `force`) list; `missing` when nothing matches. */
  const attempt = async (ref: string, force: boolean): Promise<Outcome<ResolvedAgent> | 'missing'> => {
    const r = await tasks.list({ force });
    if (!r.ok) return { ok: false, failure: fromCoderApiError(r.error, { action: `look up agent '${ref}'`, subject: `Agent '${ref}'` }) };
    const found = resolveAgentRef(r.value.agents, ref, agentIdentity);
    // The agent came from this very read, so its task is in it (parsed now: only the one that matched).
    const task = found.ok ? r.value.task(found.value.id) : undefined;
    if (task) return { ok: true, value: toResolved(task) };
    if (found.ok) return { ok: false, failure: fromDomainError({ kind: 'agent_not_found', ref }) };
    return found.error.kind === 'agent_not_found' ? 'missing' : { ok: false, failure: fromDomainError(found.error) };
  };
  return {
    async resolve(ref) {
      // An empty reference never costs a Coder call.
      if (ref.trim() === '') return { ok: false, failure: fromDomainError({ kind: 'invalid_agent_ref', ref }) };
      const first = await attempt(ref, false);
      if (first !== 'missing') return first;
      // A cached list may predate the agent: re-read once before giving up.
      const second = await attempt(ref, true);
      if (second !== 'missing') return second;
      return { ok: false, failure: fromDomainError({ kind: 'agent_not_found', ref }) };
    },
  };
}
