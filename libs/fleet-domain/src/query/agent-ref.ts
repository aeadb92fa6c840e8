/**
 * Resolving an agent reference (a task id, a name, or `owner/name`) among candidates. Generic over the
 * candidate shape so the shell can resolve raw tasks (and pin their ids) without the domain reading wire
 * fields: the caller supplies the identity accessor.
 */
import type { AgentRefError } from '../errors.js';
import { err, ok, type Result } from '../result.js';

export interface AgentIdentity {
  readonly id: string;
  readonly owner: string;
  readonly name: string;
}

/** Candidates listed in an ambiguity error, at most. */
export const MAX_REF_CANDIDATES = 10;

/**
 * Every candidate `ref` names: an exact id wins; `owner/name` matches the owner case-insensitively and the
 * name (or id) exactly; a bare name matches exactly.
 */
export function matchAgentRef<T>(items: readonly T[], ref: string, identity: (item: T) => AgentIdentity): T[] {
  const wanted = ref.trim();
  const byId = items.filter((t) => identity(t).id === wanted);
  if (byId.length > 0) return byId;
  const slash = wanted.indexOf('/');
  if (slash > 0) {
    const owner = wanted.slice(0, slash).toLowerCase();
    const name = wanted.slice(slash + 1);
    return items.filter((t) => {
      const who = identity(t);
      return who.owner.toLowerCase() === owner && (who.name === name || who.id === name);
    });
  }
  return items.filter((t) => identity(t).name === wanted);
}

/** The one candidate `ref` names, or why not: `invalid_agent_ref` (empty), `agent_not_found`, `agent_ambiguous`. */
export function resolveAgentRef<T>(items: readonly T[], ref: string, identity: (item: T) => AgentIdentity): Result<T, AgentRefError> {
  if (ref.trim() === '') return err({ kind: 'invalid_agent_ref', ref });
  const found = matchAgentRef(items, ref, identity);
  const [first] = found;
  if (first === undefined) return err({ kind: 'agent_not_found', ref });
  if (found.length > 1) {
    const who = found.map(identity);
    return err({ kind: 'agent_ambiguous', ref, matches: found.length, candidates: who.slice(0, MAX_REF_CANDIDATES).map((w) => `${w.owner}/${w.name}`) });
  }
  return ok(first);
}
