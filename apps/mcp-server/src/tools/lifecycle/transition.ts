/**
 * pause_agent and resume_agent are the same shape: a workspace build that moves the agent between running
 * and paused. `runTransition` holds that flow once: load the agent fresh, ask fleet-domain (checkAgentAction)
 * whether it is already where the action leads (answered without calling Coder), call Coder, let
 * fleet-domain read a refusal against the re-read agent (a race with another session or auto-pause ends in
 * the same state), journal it.
 * Coder before 2.29 has no pause/resume routes at all (404 on both trees); there the task's workspace is
 * stopped/started directly, which Coder documents as pausing/resuming the task.
 */
import { checkAgentAction } from '@org/fleet-domain';
import type { CoderClient, CoderResult } from '../../coder.js';
import { failure, success, type ToolContext, type ToolOutcome } from '../../define-tool.js';
import { fromDomainError } from '../../failures.js';
import type { ChatTarget } from '../../backends/agents-backend.js';
import { toAgentSummaryView, type AgentSummaryView } from '../../views/agent-core.js';
import { BuildSchema, buildView, conflictLines, ConflictSchema, loadAnyTarget, NextActionsSchema, recordMutation, refusalFailure, renderBuild, renderNext, ViaSchema, type BuildView, type ConflictNotice, type Loaded, type NextActions } from './lifecycle-common.js';

type LifecycleCall = CoderClient['pauseTask'];

export interface TransitionSpec {
  tool: 'pause_agent' | 'resume_agent';
  /** The fleet-domain action (checkAgentAction, explainCoderRefusal) and the verb in failure texts. */
  verb: 'pause' | 'resume';
  call: (coder: CoderClient) => LifecycleCall;
  /** The plain workspace build with the same effect (fallback on Coder without pause/resume routes). */
  workspaceTransition: 'stop' | 'start';
  nextWhenUnchanged: NextActions;
  nextWhenStarted: NextActions;
}

export interface TransitionOutcome {
  ref: string;
  agent: AgentSummaryView;
  unchanged: boolean;
  /** How Coder was asked: the tasks pause/resume endpoint, or a plain workspace build (Coder < 2.29). */
  via?: 'task_api' | 'workspace_build' | 'chat_interrupt' | 'chat_message';
  build?: BuildView;
  conflict?: ConflictNotice;
  next_actions: NextActions;
}

export async function runTransition(ctx: ToolContext, agentRef: string, spec: TransitionSpec): Promise<Loaded<TransitionOutcome>> {
  const loaded = await loadAnyTarget(ctx, agentRef, spec.verb);
  if (!loaded.ok) return loaded;
  if (loaded.value.kind === 'chat') return runChatTransition(ctx, loaded.value.target, spec);
  const target = loaded.value.target;
  const { agent, ref, resolved } = target;
  const unchanged: Loaded<TransitionOutcome> = { ok: true, value: { ref, agent: toAgentSummaryView(agent), unchanged: true, next_actions: spec.nextWhenUnchanged } };
  const plan = checkAgentAction(agent, spec.verb);
  if (!plan.ok) return { ok: false, failure: fromDomainError(plan.error) };
  if (plan.value === 'already_done') return unchanged;

  const opts = { signal: ctx.signal };
  let via: TransitionOutcome['via'] = 'task_api';
  let r: CoderResult<Parameters<typeof buildView>[0]> = await spec.call(ctx.deps.coder)(resolved.owner, resolved.id, opts);
  const workspaceId = target.task.workspace_id;
  if (!r.ok && r.error.kind === 'not_found' && workspaceId) {
    // The task exists (just read): a 404 here means this Coder has no pause/resume routes.
    const info = await ctx.deps.coder.getServerInfo(opts);
    if (info.ok && !info.value.features.pauseResume) {
      const b = await ctx.deps.coder.createWorkspaceBuild(workspaceId, { transition: spec.workspaceTransition }, opts);
      r = b.ok ? { ok: true, status: b.status, value: { workspaceBuild: b.value } } : b;
      via = 'workspace_build';
    }
  }
  if (!r.ok) {
    const refused = await refusalFailure(ctx, target, spec.verb, r.error, spec.verb);
    return refused ? { ok: false, failure: refused } : unchanged;
  }
  const conflict = await recordMutation(ctx, resolved.id, spec.tool, ref);
  return {
    ok: true,
    value: { ref, agent: toAgentSummaryView(agent), unchanged: false, via, build: buildView(r.value), ...(conflict ? { conflict } : {}), next_actions: spec.nextWhenStarted },
  };
}

/** The message resume_agent sends to a chat (Coder Agents has no resume: a new turn is a new message). */
export const CHAT_RESUME_MESSAGE = 'continue';

/**
 * Chats have no pause or resume (supports() says how): pause interrupts the turn (the chat returns to idle,
 * history kept), resume sends "continue". Already idle (pause) or already working (resume): nothing is sent.
 */
async function runChatTransition(ctx: ToolContext, target: ChatTarget, spec: TransitionSpec): Promise<Loaded<TransitionOutcome>> {
  const agent = toAgentSummaryView(target.agent);
  const busy = ['busy', 'starting', 'stopping', 'blocked'].includes(target.agent.status);
  const nothing = spec.verb === 'pause' ? !busy : busy;
  if (nothing) return { ok: true, value: { ref: target.id, agent, unchanged: true, next_actions: spec.nextWhenUnchanged } };
  const chats = ctx.runtime.backend.chats;
  const r = spec.verb === 'pause' ? await chats.interrupt(target, ctx.signal) : await chats.sendInput(target, CHAT_RESUME_MESSAGE, { whenBusy: 'queue' }, ctx.signal);
  if (!r.ok) return r;
  const conflict = await recordMutation(ctx, target.id, spec.tool, target.id);
  return {
    ok: true,
    value: {
      ref: target.id,
      agent,
      unchanged: false,
      via: spec.verb === 'pause' ? 'chat_interrupt' : 'chat_message',
      ...(conflict ? { conflict } : {}),
      next_actions: [{ tool: 'get_agent_details', why: spec.verb === 'pause' ? 'The chat returns to idle once the turn stops.' : 'The chat is working again.' }],
    },
  };
}

/** Compact text: "Pausing agent a/b (id …, was idle): Coder started build #2 stop (stopping) id …" or the no-op line. */
export function transitionText(o: TransitionOutcome, whenUnchanged: string, doing: string, fallbackBuild: string): string {
  const head = o.unchanged
    ? `Agent ${o.ref} (id ${o.agent.id}) ${whenUnchanged}: nothing changed.`
    : o.via === 'chat_interrupt'
      ? `Interrupted agent ${o.ref} (a Coder Agents chat, was ${o.agent.status}): Coder Agents has no pause, so its turn was stopped; it returns to idle with its history kept.`
      : o.via === 'chat_message'
        ? `Sent "${CHAT_RESUME_MESSAGE}" to agent ${o.ref} (a Coder Agents chat, was ${o.agent.status}): Coder Agents has no resume, so a new turn was started.`
        : `${doing} agent ${o.ref} (id ${o.agent.id}, was ${o.agent.status}): Coder started ${o.build ? renderBuild(o.build) : fallbackBuild}.`;
  return [head, ...conflictLines(o.conflict), renderNext(o.next_actions)].join('\n');
}

/** The output fields pause_agent and resume_agent share, after `agent` and the tool's own "nothing to do" flag. */
export const TRANSITION_OUTPUT_FIELDS = {
  via: ViaSchema.optional(),
  build: BuildSchema.optional(),
  conflict: ConflictSchema.optional(),
  next_actions: NextActionsSchema,
};

/** A transition tool's whole handler: run it, name "nothing to do" as the tool's `flag`, render with `text`. */
export async function transitionResult<F extends string>(
  ctx: ToolContext,
  agentRef: string,
  spec: TransitionSpec,
  flag: F,
  text: (outcome: TransitionOutcome) => string,
): Promise<ToolOutcome<Omit<TransitionOutcome, 'ref' | 'unchanged'> & Record<F, boolean>>> {
  const r = await runTransition(ctx, agentRef, spec);
  if (!r.ok) return failure(r.failure);
  const { ref: _ref, unchanged, ...rest } = r.value;
  return success({ ...rest, [flag]: unchanged } as Omit<TransitionOutcome, 'ref' | 'unchanged'> & Record<F, boolean>, text(r.value));
}
