/**
 * pause_agent and resume_agent are the same shape: a workspace build that moves the agent between running
 * and paused. `runTransition` holds that flow once: load the agent fresh, answer "nothing to do" without
 * calling Coder when it is already where the action leads, call Coder, treat a refusal whose re-read
 * shows the target state as the same end state (a race with another session or auto-pause), journal it.
 */
import type { AgentStatus } from '@org/fleet-domain';
import type { CoderApiError, CoderClient, CoderResult } from '../../coder.js';
import type { ToolContext } from '../../define-tool.js';
import type { CoderFailureContext } from '../../failures.js';
import {
  agentSummary,
  buildView,
  coderFailure,
  loadTarget,
  recordMutation,
  rereadAgent,
  type AgentSummary,
  type BuildView,
  type ConflictNotice,
  type Loaded,
  type NextActions,
} from './lifecycle-common.js';

type LifecycleCall = CoderClient['pauseTask'];

export interface TransitionSpec {
  tool: 'pause_agent' | 'resume_agent';
  verb: 'pause' | 'resume';
  /** Statuses in which the action changes nothing: answered without calling Coder. */
  unchanged: ReadonlySet<AgentStatus>;
  call: (coder: CoderClient) => LifecycleCall;
  /** Coder refusals after which a re-read may show the agent already got there (a race). */
  raceKinds: readonly CoderApiError['kind'][];
  /** Next-step hints for a refusal, given the agent's (re-read) status. */
  hints(status: AgentStatus): CoderFailureContext['hints'];
  nextWhenUnchanged: NextActions;
  nextWhenStarted: NextActions;
}

export interface TransitionOutcome {
  ref: string;
  agent: AgentSummary;
  unchanged: boolean;
  build?: BuildView;
  conflict?: ConflictNotice;
  next_actions: NextActions;
}

export async function runTransition(ctx: ToolContext, agentRef: string, spec: TransitionSpec): Promise<Loaded<TransitionOutcome>> {
  const loaded = await loadTarget(ctx, agentRef, spec.verb);
  if (!loaded.ok) return loaded;
  const target = loaded.value;
  const { agent, ref, resolved } = target;
  const unchanged: Loaded<TransitionOutcome> = { ok: true, value: { ref, agent: agentSummary(agent), unchanged: true, next_actions: spec.nextWhenUnchanged } };
  if (spec.unchanged.has(agent.status)) return unchanged;

  const r: CoderResult<Parameters<typeof buildView>[0]> = await spec.call(ctx.deps.coder)(resolved.owner, resolved.id, { signal: ctx.signal });
  if (!r.ok) {
    const now = spec.raceKinds.includes(r.error.kind) ? await rereadAgent(ctx, target) : undefined;
    if (now && spec.unchanged.has(now.status)) return unchanged;
    return { ok: false, failure: coderFailure(r.error, spec.verb, ref, { hints: spec.hints(now?.status ?? agent.status) }) };
  }
  const conflict = recordMutation(ctx, resolved.id, spec.tool, ref);
  return {
    ok: true,
    value: { ref, agent: agentSummary(agent), unchanged: false, build: buildView(r.value), ...(conflict ? { conflict } : {}), next_actions: spec.nextWhenStarted },
  };
}
