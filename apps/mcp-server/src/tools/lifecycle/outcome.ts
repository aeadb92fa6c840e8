/**
 * "Outcome unknown" is a state, not a failure (D1, ../shared/repro/ambiguous.mjs): when a mutation's request
 * may have reached Coder but its answer was lost (connection reset after connect, timeout), the tool must
 * not say "not sent" or "retry": following that advice created a second agent and re-sent a delivered
 * input. Instead it re-reads Coder and reports what it finds.
 *
 * - `mutationSignal` ends the mutation's own wait early enough (MUTATION_SHARE of the tool timeout) to
 *   leave time for the re-read before the tool's deadline;
 * - `answerLost` tells a lost answer (`delivery: 'unknown'`) from a request that never left (`not_sent`)
 *   or a definite answer from Coder (any HTTP status);
 * - `outcomeUnknown` is the failure when even the re-read cannot tell.
 */
import { createHash } from 'node:crypto';
import type { CoderApiError } from '../../coder.js';
import type { ToolContext } from '../../define-tool.js';
import { mayHaveBeenApplied } from '../../failures.js';
import type { MutationSignals } from '../../backends/backend.js';

export { outcomeUnknown } from '../../failures.js';

/** Share of the tool timeout the mutation request may use; the rest is for the re-read. */
export const MUTATION_SHARE = 0.6;
/** Upper bound of one re-read. */
export const REREAD_MAX_MS = 5_000;

/** The signal for the mutation request itself: the tool's signal, cut at MUTATION_SHARE of its timeout. */
export function mutationSignal(ctx: ToolContext): AbortSignal {
  return AbortSignal.any([ctx.signal, AbortSignal.timeout(Math.max(200, Math.floor(ctx.deps.config.requestTimeoutMs * MUTATION_SHARE)))]);
}

/** The signal for a re-read after a lost answer (independent of the mutation's, which may have fired). */
export function rereadSignal(ctx: ToolContext): AbortSignal {
  const budget = Math.max(200, Math.min(REREAD_MAX_MS, Math.floor(ctx.deps.config.requestTimeoutMs * (1 - MUTATION_SHARE)) - 100));
  return AbortSignal.any([ctx.signal, AbortSignal.timeout(budget)]);
}

/** True when the request may have been applied by Coder but no answer came back (see mayHaveBeenApplied). */
export function answerLost(error: CoderApiError, ctx: ToolContext): boolean {
  return mayHaveBeenApplied(error, ctx.signal.aborted); // a cancelled client or a timed-out tool: the funnel answers
}

/** The signals a backend mutation uses (the request's own, cut early; a fresh one per re-read; the caller's). */
export function mutationSignals(ctx: ToolContext): MutationSignals {
  return { caller: ctx.signal, request: mutationSignal(ctx), reread: () => rereadSignal(ctx) };
}

/**
 * A Coder name for a new task, fixed before the first attempt so a retry collides instead of duplicating:
 * a slug of the prompt plus 4 hex of a hash of `request` (owner, template version, preset, prompt). The
 * same request repeated (a client retrying after a lost answer or a timeout, even without a name) gets the
 * same name, so it is recognised as the earlier attempt instead of making a second agent.
 */
export function taskNameFor(prompt: string, request: readonly string[] = [prompt]): string {
  const suffix = createHash('sha256').update(request.join('\n')).digest('hex').slice(0, 4);
  const words = prompt
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean)
    .slice(0, 4);
  let slug = '';
  for (const w of words) {
    const next = slug ? `${slug}-${w}` : w;
    if (next.length > 22) break;
    slug = next;
  }
  return `${slug || 'task'}-${suffix}`;
}
