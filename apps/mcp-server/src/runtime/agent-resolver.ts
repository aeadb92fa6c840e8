/**
 * Agent references: a task id, a task name, or `owner/name`. Resolution goes through the (cached) tasks
 * list, so it costs at most one Coder call, and returns a pinned identity (owner + task id) that the
 * caller uses for every further Coder call (a task re-created under the same name is never hit by accident).
 */
import type { AnyTask } from '../coder.js';
import { fromCoderApiError, toolFailure, type ToolFailure } from '../failures.js';
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

export type Resolution = { ok: true; value: ResolvedAgent } | { ok: false; failure: ToolFailure };

export interface AgentResolver {
  resolve(ref: string): Promise<Resolution>;
}

const MAX_CANDIDATES = 10;

export function matchAgents(tasks: readonly AnyTask[], ref: string): AnyTask[] {
  const wanted = ref.trim();
  const byId = tasks.filter((t) => t.id === wanted);
  if (byId.length > 0) return byId;
  const slash = wanted.indexOf('/');
  if (slash > 0) {
    const owner = wanted.slice(0, slash).toLowerCase();
    const name = wanted.slice(slash + 1);
    return tasks.filter((t) => String(t.owner_name).toLowerCase() === owner && (t.name === name || t.id === name));
  }
  return tasks.filter((t) => t.name === wanted);
}

const toResolved = (t: AnyTask): ResolvedAgent => ({ id: t.id, owner: t.owner_name, name: t.name, ref: `${t.owner_name}/${t.name}`, task: t });

export function createAgentResolver(tasks: TaskListSource): AgentResolver {
  const attempt = async (ref: string, force: boolean): Promise<Resolution | 'missing'> => {
    const r = await tasks.list({ force });
    if (!r.ok) return { ok: false, failure: fromCoderApiError(r.error, { action: `look up agent '${ref}'`, subject: `Agent '${ref}'` }) };
    const found = matchAgents(r.value.tasks, ref);
    if (found.length === 0) return 'missing';
    if (found.length > 1) {
      const refs = found.slice(0, MAX_CANDIDATES).map((t) => `${t.owner_name}/${t.name}`);
      return {
        ok: false,
        failure: toolFailure('agent_ambiguous', `Agent name '${ref}' matches ${found.length} agents: ${refs.join(', ')}.`, "Pass the agent as 'owner/name' or by task id.", {
          details: { candidates: refs },
        }),
      };
    }
    return { ok: true, value: toResolved(found[0] as AnyTask) };
  };
  return {
    async resolve(ref) {
      if (ref.trim() === '') return { ok: false, failure: toolFailure('invalid_argument', 'The agent reference is empty.', "Pass a task id, a name or 'owner/name' (see list_agents).") };
      const first = await attempt(ref, false);
      if (first !== 'missing') return first;
      // A cached list may predate the agent: re-read once before giving up.
      const second = await attempt(ref, true);
      if (second !== 'missing') return second;
      return { ok: false, failure: toolFailure('agent_not_found', `No agent matches '${ref}' (by id, name or owner/name).`, 'Call list_agents (search, owner filters) for valid names and ids.') };
    },
  };
}
