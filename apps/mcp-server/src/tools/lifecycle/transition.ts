/**
 * pause_agent and resume_agent are the same shape: a workspace build that moves the agent between running
 * and paused. `runTransition` is that action on the one lifecycle flow (agent-action.ts): fleet-domain says
 * whether the agent already is where the action leads (answered without calling Coder) and reads a refusal
 * against the re-read agent (a race with another session or auto-pause ends in the same state). Every
 * suggested next step is filtered to the tools this session offers.
 * Coder before 2.29 has no pause/resume routes at all (404 on both trees); there the task's workspace is
 * stopped/started directly, which Coder documents as pausing/resuming the task.
 */
import type { Agent, AgentStatus } from '@org/fleet-domain';
import type { CoderClient, CoderResult } from '../../coder.js';
import { failure, success, type ToolContext, type ToolOutcome } from '../../define-tool.js';
import { fromCoderApiError, toolFailure, type Outcome } from '../../failures.js';
import type { WorkspaceTarget } from '../../backends/workspaces-backend.js';
import { raceRecover, retryAfterBuild, type RaceState } from './build-wait.js';
import type { ChatTarget } from '../../backends/agents-backend.js';
import { toAgentSummaryView, type AgentSummaryView } from '../../views/agent-core.js';
import { AgentStatusSchema } from '../../views/parts.js';
import { readBackChat, runAgentAction } from './agent-action.js';
import { mutationSignal, mutationSignals } from './outcome.js';
import {
  ACTION_RESULT_FIELDS,
  agentOf,
  BuildSchema,
  buildView,
  conflictLines,
  nextLines,
  offeredNext,
  supportedNext,
  recoverByReread,
  renderBuild,
  ViaSchema,
  type BuildView,
  type ConflictNotice,
  type NextActions,
  type TargetAgent,
} from './lifecycle-common.js';

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
  /** After a change: the agent re-read from Coder (its build in progress); otherwise as found. */
  agent: AgentSummaryView;
  /** Its status before the call (when it changed). */
  previous_status?: AgentStatus;
  unchanged: boolean;
  /** How Coder was asked: the tasks pause/resume endpoint, or a plain workspace build (Coder < 2.29). */
  via?: 'task_api' | 'workspace_build' | 'chat_interrupt' | 'chat_message';
  build?: BuildView;
  conflict?: ConflictNotice;
  /** Coder's answer was lost; what a re-read found (D1). */
  recovered?: string;
  next_actions: NextActions;
}

export async function runTransition(ctx: ToolContext, agentRef: string, spec: TransitionSpec): Promise<Outcome<TransitionOutcome>> {
  const race: RaceState = {};
  const reread = recoverByReread(ctx, spec.verb, (ref) => `check with get_agent_details agent=${ref}; ${spec.tool} does nothing when the agent is already ${spec.verb === 'pause' ? 'paused' : 'running'}, so calling it again after that check is safe.`);
  const r = await runAgentAction(ctx, agentRef, {
    tool: spec.tool,
    verb: spec.verb,
    capability: spec.verb,
    action: spec.verb,
    // 409: most often a build still runs (resume during the pause's stop build): wait for it, bounded, and retry once.
    task: (target) => retryAfterBuild(ctx, target, spec.tool, () => transitionCall(ctx, target, spec), race),
    recover: raceRecover(race, reread),
    chat: (target) => transitionChat(ctx, target, spec),
    chatChanged: (value) => value !== undefined,
    workspace: (target) => transitionWorkspace(ctx, target, spec),
  });
  if (!r.ok) return r;
  const done = r.value;
  const base = { ref: done.ref, agent: toAgentSummaryView(done.agent), ...(done.conflict ? { conflict: done.conflict } : {}) };
  if (done.kind === 'chat') {
    if (!done.value) return { ok: true, value: { ...base, unchanged: true, next_actions: offeredNext(ctx, [{ tool: 'get_agent_details', why: 'See what the chat is doing.' }]) } };
    const why = spec.verb === 'pause' ? 'The chat returns to idle once the turn stops.' : 'The chat is working again.';
    const recoveredChat = done.value.recovered;
    // Read back: the chat as Coder has it now (stopping its turn, or running again), not as it was.
    const after = done.value.agent ?? (await readBackChat(ctx, done.id));
    const readBack = after ? { agent: toAgentSummaryView(after), previous_status: done.agent.status } : {};
    return { ok: true, value: { ...base, ...readBack, unchanged: false, via: done.value.via, ...(recoveredChat ? { recovered: recoveredChat } : {}), next_actions: offeredNext(ctx, [{ tool: 'get_agent_details', why }]) } };
  }
  if (!done.changed) return { ok: true, value: { ...base, unchanged: true, next_actions: offeredNext(ctx, supportedNext(ctx, done.agent.kind, spec.nextWhenUnchanged)) } };
  if (done.kind === 'workspace') {
    const now = await ctx.runtime.backend.workspaces.load(done.id, ctx.signal);
    const after = now.ok ? { agent: toAgentSummaryView(now.value.agent), previous_status: done.agent.status } : {};
    const build = done.value ? { via: done.value.via, build: buildView(done.value.result) } : {};
    return { ok: true, value: { ...base, ...after, unchanged: false, ...build, next_actions: offeredNext(ctx, supportedNext(ctx, 'workspace', spec.nextWhenStarted)) } };
  }
  const started = done.value;
  // Read back: the answer shows the agent as Coder has it now (paused / starting), not as it was.
  const now = await ctx.deps.coder.getTask(done.target.resolved.owner, done.target.resolved.id, { signal: ctx.signal });
  const after = now.ok ? { agent: toAgentSummaryView(agentOf(ctx, now.value)), previous_status: done.agent.status } : {};
  return {
    ok: true,
    value: {
      ...base,
      ...after,
      unchanged: false,
      ...(started ? { via: started.via, build: buildView(started.result) } : {}),
      ...(done.recovered ? { recovered: done.recovered } : {}),
      next_actions: offeredNext(ctx, spec.nextWhenStarted),
    },
  };
}

type BuildAnswer = Parameters<typeof buildView>[0];

/**
 * The task's pause/resume endpoint; on Coder without those routes (a 404 for a task just read, and the
 * server's features say so) the plain workspace build with the same effect.
 */
async function transitionCall(ctx: ToolContext, target: TargetAgent, spec: TransitionSpec): Promise<CoderResult<{ via: 'task_api' | 'workspace_build'; result: BuildAnswer }>> {
  // Cut early (D1): a lost answer leaves time to re-read the task before the tool's deadline.
  const opts = { signal: mutationSignal(ctx) };
  const { owner, id } = target.resolved;
  const r = await spec.call(ctx.deps.coder)(owner, id, opts);
  if (r.ok) return { ...r, value: { via: 'task_api', result: r.value } };
  const workspaceId = target.task.workspace_id;
  if (r.error.kind !== 'not_found' || !workspaceId) return r;
  const info = await ctx.deps.coder.getServerInfo(opts);
  if (!info.ok || info.value.features.pauseResume) return r;
  const b = await ctx.deps.coder.createWorkspaceBuild(workspaceId, { transition: spec.workspaceTransition }, opts);
  return b.ok ? { ...b, value: { via: 'workspace_build', result: { workspaceBuild: b.value } } } : b;
}

/** A workspace agent: pause stops its workspace, resume starts it (plain builds; 409 while another build runs). */
async function transitionWorkspace(ctx: ToolContext, target: WorkspaceTarget, spec: TransitionSpec): Promise<Outcome<{ via: 'workspace_build'; result: BuildAnswer }>> {
  const r = await ctx.runtime.backend.workspaces.build(target, spec.workspaceTransition, mutationSignal(ctx));
  if (r.ok) return { ok: true, value: { via: 'workspace_build', result: { workspaceBuild: r.value } } };
  if (r.error.kind === 'conflict') {
    return {
      ok: false,
      failure: toolFailure('build_in_progress', `Coder refused the ${spec.workspaceTransition} build of agent '${target.ref}': another workspace build is running (${r.error.message}).`, `Call ${spec.tool} again in about 10 s; get_agent_details shows the build.`, { retryAfterMs: 10_000 }),
    };
  }
  return { ok: false, failure: fromCoderApiError(r.error, { action: `${spec.verb} agent '${target.ref}'`, subject: `Agent '${target.ref}'` }) };
}

/** The message resume_agent sends to a chat (Coder Agents has no resume: a new turn is a new message). */
export const CHAT_RESUME_MESSAGE = 'continue';

/**
 * Chats have no pause or resume (supports() says how): pause interrupts the turn (the chat returns to idle,
 * history kept), resume sends "continue". Already idle (pause) or already working (resume): nothing is sent
 * (`undefined`).
 */
async function transitionChat(ctx: ToolContext, target: ChatTarget, spec: TransitionSpec): Promise<Outcome<{ via: 'chat_interrupt' | 'chat_message'; agent?: Agent; recovered?: string } | undefined>> {
  const busy = ['busy', 'starting', 'stopping', 'blocked'].includes(target.agent.status);
  if (spec.verb === 'pause' ? !busy : busy) return { ok: true, value: undefined };
  const chats = ctx.runtime.backend.chats;
  const signals = mutationSignals(ctx);
  const recovered = (value: { recovered?: string }) => (value.recovered ? { recovered: value.recovered } : {});
  if (spec.verb === 'pause') {
    // The interrupt answers with the chat as it is now (stopping its turn).
    const r = await chats.interrupt(target, signals);
    return r.ok ? { ok: true, value: { via: 'chat_interrupt', agent: r.value.agent, ...recovered(r.value) } } : r;
  }
  // A message's answer has no chat: the caller reads it back.
  const r = await chats.sendInput(target, CHAT_RESUME_MESSAGE, { whenBusy: 'queue' }, signals);
  return r.ok ? { ok: true, value: { via: 'chat_message', ...recovered(r.value) } } : r;
}

/** Compact text: "Pausing agent a/b (id …, was idle): Coder started build #2 stop (stopping) id …" or the no-op line. */
export function transitionText(o: TransitionOutcome, whenUnchanged: string, doing: string, fallbackBuild: string): string {
  const head = o.unchanged
    ? `Agent ${o.ref} (id ${o.agent.id}) ${whenUnchanged}: nothing changed.`
    : o.via === 'chat_interrupt'
      ? `Interrupted agent ${o.ref} (a Coder Agents chat, ${wasNow(o)}): Coder Agents has no pause, so its turn was stopped; it returns to idle with its history kept.`
      : o.via === 'chat_message'
        ? `Sent "${CHAT_RESUME_MESSAGE}" to agent ${o.ref} (a Coder Agents chat, ${wasNow(o)}): Coder Agents has no resume, so a new turn was started.`
        : `${doing} agent ${o.ref} (id ${o.agent.id}, ${wasNow(o)}): Coder started ${o.build ? renderBuild(o.build) : fallbackBuild}.`;
  return [...(o.recovered ? [o.recovered] : []), head, ...conflictLines(o.conflict), ...nextLines(o.next_actions)].join('\n');
}

/** "was busy, now stopping" after a read back; "was busy" when the read back failed. */
const wasNow = (o: TransitionOutcome): string => `was ${o.previous_status ?? o.agent.status}${o.previous_status ? `, now ${o.agent.status}` : ''}`;

/** The output fields pause_agent and resume_agent share, after `agent` and the tool's own "nothing to do" flag. */
export const TRANSITION_OUTPUT_FIELDS = {
  previous_status: AgentStatusSchema.optional().describe('Its status before this call (when it changed; `agent` is then read back after the change)'),
  via: ViaSchema.optional(),
  build: BuildSchema.optional(),
  ...ACTION_RESULT_FIELDS,
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
