/**
 * Waiting on a workspace build (restart_agent, update_agent_template, and pause/resume racing a build):
 * Coder accepts one build at a time (409 while one runs), so a caller waits, bounded, for the running one
 * to end, reporting progress per poll, and when the bound is reached says which build runs and when to
 * call again instead of failing with Coder's bare 409.
 */
import { buildSettled } from '@org/fleet-domain';
import type { WorkspaceBuild } from '../../coder.js';
import type { ToolContext } from '../../define-tool.js';
import { toolFailure, type ToolFailure } from '../../failures.js';
import type { TargetAgent } from './lifecycle-common.js';

/** Poll interval while a build runs (on the server's clock). */
export const BUILD_POLL_MS = 2_000;

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
    `Call ${tool} again in about ${(BUILD_POLL_MS * 5) / 1000} s; get_agent_details shows the build.`,
    { retryAfterMs: BUILD_POLL_MS * 5 },
  );
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
