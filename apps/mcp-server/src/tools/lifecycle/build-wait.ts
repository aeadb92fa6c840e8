/**
 * Waiting on a workspace build (restart_agent, update_agent_template, and every write racing a build:
 * pause, resume, update, delete, send): Coder accepts one build at a time (409 while one runs) and a task
 * takes no input while it starts, so a caller waits, bounded, for the running build (or the start) to end,
 * reporting progress per poll, and when the bound is reached says which build runs and when to call again
 * instead of failing with Coder's bare 409.
 */
import { buildSettled, type Agent } from '@org/fleet-domain';
import type { CoderApiError, CoderResult, WorkspaceBuild } from '../../coder.js';
import type { ToolContext } from '../../define-tool.js';
import { toolFailure, type Outcome, type ToolFailure } from '../../failures.js';
import type { ChatTarget } from '../../backends/agents-backend.js';
import { agentOf, type TargetAgent } from './lifecycle-common.js';

/** Poll interval while a build runs (on the server's clock). */
export const BUILD_POLL_MS = 2_000;
/** Poll interval while a chat's turn is being interrupted (Coder stops a turn within seconds). */
const CHAT_POLL_MS = 1_000;
/** When a caller is told to try again after a build (or a start) outlasted the wait. */
const RETRY_AFTER_MS = BUILD_POLL_MS * 5;

/** The wait's bounds, epoch ms on the server clock. */
export interface Budget {
  readonly startMs: number;
  readonly endMs: number;
}

export const budgetOf = (ctx: Pick<ToolContext, 'now'>, ms: number): Budget => {
  const startMs = ctx.now().getTime();
  return { startMs, endMs: startMs + ms };
};

export const jobOf = (b: WorkspaceBuild): { transition?: string; jobStatus?: string } => ({
  ...(b.transition ? { transition: b.transition } : {}),
  ...(b.job?.status ? { jobStatus: b.job.status } : {}),
});

export type Waited = { ok: true; build: WorkspaceBuild } | { ok: false; failure: ToolFailure };

/**
 * Polls one build until its job has ended, within the budget, with a progress notification per poll.
 * A failed or canceled job is a `build_failed` failure carrying Coder's job error.
 */
export async function waitForBuild(ctx: ToolContext, target: Pick<TargetAgent, 'ref'>, build: WorkspaceBuild, budget: Budget, what: string, tool: string): Promise<Waited> {
  let current = build;
  for (;;) {
    const status = current.job?.status;
    if (buildSettled(status)) {
      if (status === 'succeeded') return { ok: true, build: current };
      const error = current.job?.error ? `: ${current.job.error}` : '';
      return {
        ok: false,
        failure: toolFailure('build_failed', `${capitalise(what)} (#${current.build_number ?? '?'} ${current.transition ?? ''}) of agent '${target.ref}' ended ${status ?? 'without a status'}${error}.`, 'Read get_agent_details for the workspace state and its build error; fix the cause (template, quota, image) before trying again.'),
      };
    }
    const now = ctx.now().getTime();
    if (now >= budget.endMs || ctx.signal.aborted) return { ok: false, failure: stillBuilding(target.ref, tool, current, budget) };
    await ctx.progress(now - budget.startMs, budget.endMs - budget.startMs, `Waiting for ${what} #${current.build_number ?? '?'} of ${target.ref}: ${current.status ?? status ?? 'pending'}`);
    await ctx.sleep(Math.min(BUILD_POLL_MS, budget.endMs - now));
    const r = await ctx.deps.coder.getWorkspaceBuild(current.id ?? '', { signal: ctx.signal });
    if (r.ok) current = r.value;
    else if (ctx.signal.aborted) return { ok: false, failure: stillBuilding(target.ref, tool, current, budget) };
  }
}

/** A build that outlasted the wait: says which, and when to call again. */
export function stillBuilding(ref: string, tool: string, build: WorkspaceBuild | undefined, budget: Budget): ToolFailure {
  return toolFailure(
    'build_in_progress',
    `Workspace build #${build?.build_number ?? '?'} ${build?.transition ?? ''} of agent '${ref}' is still running after ${Math.round((budget.endMs - budget.startMs) / 1000)} s of waiting; Coder accepts no other build until it ends.`,
    `Call ${tool} again in about ${RETRY_AFTER_MS / 1000} s; get_agent_details shows the build.`,
    { retryAfterMs: RETRY_AFTER_MS },
  );
}

/** How long a write that meets a running build (or a starting agent) waits for it before saying when to retry. */
export const RACE_WAIT_MS = 30_000;

/** The deadline of a write that may wait for a running build: the request's own, plus the wait. */
export const raceTimeoutMs = (_input: unknown, config: { requestTimeoutMs: number }): number => config.requestTimeoutMs + RACE_WAIT_MS;

/** What a write's race with a build leaves for its refusal path: the build that outlasted the wait, as a failure. */
export interface RaceState {
  stillRunning?: ToolFailure;
}

/**
 * A write Coder may refuse with 409 because a workspace build runs (pause during a start, resume or update
 * during the pause's stop build, delete on a Coder that does not cancel the running job): on that 409,
 * wait for the running build (bounded) and call once more. When the build outlasts the wait (or fails),
 * `race.stillRunning` holds the failure the caller answers with (see `raceRecover`).
 */
export async function retryAfterBuild<T>(ctx: ToolContext, target: TargetAgent, tool: string, call: () => Promise<CoderResult<T>>, race: RaceState): Promise<CoderResult<T>> {
  const first = await call();
  if (first.ok || first.error.kind !== 'conflict' || !target.task.workspace_id) return first;
  const ws = await ctx.deps.coder.getWorkspace(target.task.workspace_id, { signal: ctx.signal });
  const running = ws.ok ? ws.value.latest_build : undefined;
  if (!running || buildSettled(jobOf(running).jobStatus)) return first;
  const waited = await waitForBuild(ctx, target, running, budgetOf(ctx, RACE_WAIT_MS), `the running ${running.transition ?? ''} build`, tool);
  if (!waited.ok) {
    race.stillRunning = waited.failure;
    return first;
  }
  return call();
}

/** The `recover` of a write wrapped in `retryAfterBuild`: a 409 left by a build that outlasted the wait answers with that build. */
export const raceRecover =
  (race: RaceState, otherwise?: Recover) =>
  async (target: TargetAgent, error: CoderApiError): Promise<Outcome<{ recovered: string }> | undefined> =>
    error.kind === 'conflict' && race.stillRunning ? { ok: false, failure: race.stillRunning } : otherwise?.(target, error);

type Recover = (target: TargetAgent, error: CoderApiError) => Promise<Outcome<{ recovered: string }> | undefined>;

/**
 * A task agent that is starting (its start build running, or its agent still booting) takes no input:
 * poll it (bounded, progress per poll) until it is no longer starting. The agent as last read, or, when the
 * bound is reached, a `build_in_progress` failure saying when to call `tool` again.
 */
export async function waitWhileStarting(ctx: ToolContext, target: TargetAgent, tool: string): Promise<Outcome<TargetAgent>> {
  return waitWhileStartingWith(ctx, target, tool, async (current) => {
    const r = await ctx.deps.coder.getTask(target.resolved.owner, target.resolved.id, { signal: ctx.signal });
    return r.ok ? { ...current, task: r.value, agent: agentOf(ctx, r.value) } : undefined;
  });
}

/** `waitWhileStarting` for any agent kind with a workspace: `reread` reads it again (undefined: no answer this time). */
export async function waitWhileStartingWith<T extends { agent: Agent; ref: string }>(ctx: ToolContext, target: T, tool: string, reread: (current: T) => Promise<T | undefined>): Promise<Outcome<T>> {
  const budget = budgetOf(ctx, RACE_WAIT_MS);
  let current = target;
  while (current.agent.status === 'starting') {
    const now = ctx.now().getTime();
    if (now >= budget.endMs || ctx.signal.aborted) {
      return {
        ok: false,
        failure: toolFailure(
          'build_in_progress',
          `Agent '${target.ref}' is still starting (${current.agent.statusReason}) after ${Math.round((budget.endMs - budget.startMs) / 1000)} s of waiting; it takes no input until it is up.`,
          `Call ${tool} again in about ${RETRY_AFTER_MS / 1000} s; get_agent_details shows when it is idle.`,
          { retryAfterMs: RETRY_AFTER_MS },
        ),
      };
    }
    await ctx.progress(now - budget.startMs, budget.endMs - budget.startMs, `Waiting for ${target.ref} to start: ${current.agent.statusReason}`);
    await ctx.sleep(Math.min(BUILD_POLL_MS, budget.endMs - now));
    current = (await reread(current)) ?? current;
  }
  return { ok: true, value: current };
}

const interrupting = (c: ChatTarget): boolean => c.chat.status === 'interrupting' || (c.chat.children ?? []).some((child) => child.status === 'interrupting');

/**
 * A chat whose turn (or a subagent's) is being interrupted is in no state Coder archives: poll it (bounded,
 * progress per poll) until the interrupt has ended. The chat as last read, or, when the bound is reached, an
 * `agent_busy` failure saying when to call `tool` again.
 */
export async function waitWhileInterrupting(ctx: ToolContext, target: ChatTarget, tool: string): Promise<Outcome<ChatTarget>> {
  const budget = budgetOf(ctx, RACE_WAIT_MS);
  let current = target;
  while (interrupting(current)) {
    const now = ctx.now().getTime();
    if (now >= budget.endMs || ctx.signal.aborted) {
      return {
        ok: false,
        failure: toolFailure('agent_busy', `Agent ${target.id} is still stopping its turn after ${Math.round((budget.endMs - budget.startMs) / 1000)} s of waiting.`, `Call ${tool} again in about ${RETRY_AFTER_MS / 1000} s; get_agent_details shows when it is idle.`, {
          retryAfterMs: RETRY_AFTER_MS,
        }),
      };
    }
    await ctx.progress(now - budget.startMs, budget.endMs - budget.startMs, `Waiting for ${target.id} to stop its turn`);
    await ctx.sleep(Math.min(CHAT_POLL_MS, budget.endMs - now));
    const r = await ctx.runtime.backend.chats.load(current.id, ctx.signal);
    if (r.ok) current = r.value;
  }
  return { ok: true, value: current };
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
