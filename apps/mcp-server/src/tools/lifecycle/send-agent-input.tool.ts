import { z } from 'zod';
import type { CoderApiError } from '../../coder.js';
import { defineTool, failure, success } from '../../define-tool.js';
import { toolFailure, type ToolFailure } from '../../failures.js';
import { AgentRefSchema } from '../shared/schemas.js';
import {
  AgentSummarySchema,
  ConflictSchema,
  NextActionsSchema,
  agentSummary,
  coderFailure,
  conflictLines,
  inputReadiness,
  loadTarget,
  notSentText,
  recordMutation,
  renderNext,
  rereadAgent,
  type TargetAgent,
} from './lifecycle-common.js';

export const MAX_INPUT_CHARS = 100_000;

const inputSchema = z.object({
  agent: AgentRefSchema,
  input: z.string().trim().min(1).max(MAX_INPUT_CHARS).describe('The message to send to the agent, as a user message (an instruction, an answer to its question, a follow-up task)'),
});

const outputSchema = z.object({
  agent: AgentSummarySchema.describe('The agent as it was when the input was sent (it turns busy right after)'),
  sent: z.literal(true),
  input_chars: z.number().int().describe('Length of the input sent'),
  conflict: ConflictSchema.optional(),
  next_actions: NextActionsSchema,
});
type Output = z.output<typeof outputSchema>;

export const sendAgentInputTool = defineTool({
  name: 'send_agent_input',
  title: 'Send input to agent',
  description:
    "Sends a message to an agent that is waiting for input (idle, blocked on a question, or done and ready for a follow-up); the agent starts working on it. Fails fast, without sending and with the next step, when the agent is busy, paused, starting, offline or errored; a failed send always quotes your input back so it is not lost. Next: get_agent_details or get_agent_logs to follow the work.",
  toolset: 'lifecycle',
  effect: 'write',
  idempotent: false,
  inputSchema,
  outputSchema,
  async handle(input, ctx) {
    const loaded = await loadTarget(ctx, input.agent, 'send input to');
    if (!loaded.ok) return failure(loaded.failure);
    const target = loaded.value;
    const { agent, ref, resolved } = target;
    const notSent = notSentText(input.input);
    const notReady = inputReadiness(agent, ref, notSent);
    if (notReady) return failure(withInput(notReady, input.input));

    const r = await ctx.deps.coder.sendTaskInput(resolved.owner, resolved.id, input.input, { signal: ctx.signal });
    if (!r.ok) return failure(withInput(await explainRefusal(r.error, target, input.input, ctx), input.input));

    const conflict = recordMutation(ctx, resolved.id, 'send_agent_input', ref);
    const data: Output = {
      agent: agentSummary(agent),
      sent: true,
      input_chars: input.input.length,
      ...(conflict ? { conflict } : {}),
      next_actions: [
        { tool: 'get_agent_details', why: 'The agent is working on it; check its state in a while.' },
        { tool: 'get_agent_logs', why: 'Read its answer once it is idle again.' },
      ],
    };
    return success(data, [`Sent ${data.input_chars} chars to agent ${ref} (id ${agent.id}, was ${agent.status}); it is working on it now.`, ...conflictLines(conflict), renderNext(data.next_actions)].join('\n'));
  },
});

/** The failure keeps the unsent input in its details too (clients that read structured error details). */
function withInput(f: ToolFailure, input: string): ToolFailure {
  return { ...f, details: { ...f.details, unsent_input: input } };
}

/**
 * Coder refused although our pre-check passed (a race: the agent changed in between). 409 = wrong
 * lifecycle state, 502 = the in-workspace agent did not accept the message (busy or unreachable), 400 =
 * not active. Re-read the agent and explain with its current status; fall back to Coder's own words.
 */
async function explainRefusal(error: CoderApiError, target: TargetAgent, input: string, ctx: Parameters<typeof rereadAgent>[0]): Promise<ToolFailure> {
  const { ref } = target;
  const notSent = notSentText(input);
  const kind = error.kind;
  if (kind === 'conflict' || kind === 'upstream_unavailable' || kind === 'invalid_request') {
    const now = await rereadAgent(ctx, target);
    const fromStatus = now ? inputReadiness(now, ref, notSent) : undefined;
    if (fromStatus) return fromStatus;
    const said = `${error.message}${error.detail ? ` ${error.detail}` : ''}`;
    if (kind === 'conflict') {
      if (/paused|resume the task/i.test(said)) return inputReadiness({ status: 'paused', statusReason: `Coder: ${error.message}` }, ref, notSent) as ToolFailure;
      if (/resuming|pending|initializ/i.test(said)) return inputReadiness({ status: 'starting', statusReason: `Coder: ${error.message}` }, ref, notSent) as ToolFailure;
    }
    if (kind === 'upstream_unavailable') {
      if (/not ready|running|busy/i.test(said) || error.status === 502) {
        return toolFailure('agent_busy', `Agent '${ref}' did not accept the input: Coder says the agent is not ready for input (HTTP ${error.status ?? 502}: ${error.message}); it is most likely busy or momentarily unreachable. ${notSent}`, 'Wait until get_agent_details shows it idle, then call send_agent_input again with the same input (back off between tries).');
      }
    }
  }
  const base = coderFailure(error, 'send input to', ref);
  return { ...base, message: `${base.message} ${notSent}` };
}
