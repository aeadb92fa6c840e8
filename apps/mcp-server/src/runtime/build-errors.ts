/**
 * Why failed task agents failed, for the attention list (get_fleet_status, list_agents): the error of the
 * workspace's latest build (Coder's provisioner output: untrusted text). The task list does not carry it, so
 * it is read on demand, at most MAX_BUILD_ERROR_LOOKUPS workspaces per call (in parallel, each bounded in
 * time), and remembered per build: a finished build's error never changes. A chat's failure is its own
 * (last_error, already in its status reason), never a build's.
 */
import type { Agent } from '@org/fleet-domain';
import type { CoderClient } from '../coder.js';

export const MAX_BUILD_ERROR_LOOKUPS = 10;
const LOOKUP_TIMEOUT_MS = 3_000;
const MAX_REMEMBERED = 2_000;

export interface BuildErrors {
  /** Agent id → its latest build's error, for the failed task agents among `agents` (unknown ones left out). */
  of(agents: readonly Agent[], signal?: AbortSignal): Promise<ReadonlyMap<string, string>>;
}

type Lookup = { ok: true; error: string | undefined } | { ok: false };

/** The latest build's job error of a workspace (allow-listed field only, never the raw workspace). */
async function latestBuildError(coder: Pick<CoderClient, 'getWorkspace'>, workspaceId: string, signal: AbortSignal): Promise<Lookup> {
  const r = await coder.getWorkspace(workspaceId, { signal });
  if (!r.ok) return { ok: false };
  const error = r.value.latest_build?.job?.error?.replace(/\s+/g, ' ').trim();
  return { ok: true, error: error || undefined };
}

/** One agent's build error (the watcher's agent_failed events); `undefined` for a chat, no error, or no answer. */
export async function explainFailureFromBuild(coder: Pick<CoderClient, 'getWorkspace'>, agent: Agent, signal: AbortSignal): Promise<string | undefined> {
  if (agent.kind === 'chat' || !agent.workspace.id) return undefined;
  const r = await latestBuildError(coder, agent.workspace.id, signal);
  return r.ok ? r.error : undefined;
}

export function createBuildErrors(coder: Pick<CoderClient, 'getWorkspace'>): BuildErrors {
  // workspace id#build (number, else the task's updated_at) → its error ('' = the build has none)
  const remembered = new Map<string, string>();
  return {
    async of(agents, signal) {
      const found = new Map<string, string>();
      let lookups = 0;
      await Promise.all(
        agents.map(async (a) => {
          if (a.kind === 'chat' || a.status !== 'error' || !a.workspace.id) return;
          // A new build changes the build number (where the task list has one) and the task's updated_at.
          const key = `${a.workspace.id}#${a.workspace.buildNumber ?? a.updatedAt}`;
          let error = remembered.get(key);
          if (error === undefined) {
            if (lookups >= MAX_BUILD_ERROR_LOOKUPS) return;
            lookups += 1;
            const bounded = signal ? AbortSignal.any([signal, AbortSignal.timeout(LOOKUP_TIMEOUT_MS)]) : AbortSignal.timeout(LOOKUP_TIMEOUT_MS);
            const r = await latestBuildError(coder, a.workspace.id, bounded).catch((): Lookup => ({ ok: false }));
            if (!r.ok) return;
            error = r.error ?? '';
            remembered.set(key, error);
            if (remembered.size > MAX_REMEMBERED) remembered.delete(remembered.keys().next().value as string);
          }
          if (error) found.set(a.id, error);
        }),
      );
      return found;
    },
  };
}

/** The build errors of the failed agents an attention list shows (get_fleet_status, fleet://status); undefined when none failed. */
export async function buildErrorsOfAttention(
  errors: BuildErrors,
  attention: readonly { readonly agentId: string; readonly status: string }[],
  agents: readonly Agent[],
  signal?: AbortSignal,
): Promise<ReadonlyMap<string, string> | undefined> {
  const failed = new Set(attention.filter((a) => a.status === 'error').map((a) => a.agentId));
  return failed.size > 0 ? errors.of(agents.filter((a) => failed.has(a.id)), signal) : undefined;
}
