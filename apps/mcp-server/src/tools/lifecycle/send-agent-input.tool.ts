import { checkAgentAction } from '@org/fleet-domain';
import { z } from 'zod';
import type { ChatTarget } from '../../backends/agents-backend.js';
import { WHEN_BUSY, type WhenBusy } from '../../backends/backend.js';
import { defineTool, failure, success, type ToolContext, type ToolOutcome } from '../../define-tool.js';
import { fromDomainError, type ToolFailure } from '../../failures.js';
import { AgentRefSchema } from '../shared/schemas.js';
import { AgentSummaryViewSchema, toAgentSummaryView } from '../../views/agent-core.js';
import { answerLost, mutationSignal, outcomeUnknown, rereadSignal } from './outcome.js';
import { ConflictSchema, NextActionsSchema, conflictLines, definiteRefusal, loadAnyTarget, notSentText, recordMutation, renderNext } from './lifecycle-common.js';

export const MAX_INPUT_CHARS = 100_000;

const inputSchema = z.object({
  agent: AgentRefSchema,
  input: z.string().trim().min(1).max(MAX_INPUT_CHARS).describe('The message to send to the agent, as a user message (an instruction, an answer to its question, a follow-up task)'),
  when_busy: z
    .enum(WHEN_BUSY as [WhenBusy, ...WhenBusy[]])
    .default('queue')
    .describe(
      "When the agent is busy: 'queue' (default; a chat keeps it in Coder's queue and runs it after the current turn, a task refuses), 'fail' (send nothing), 'interrupt' (a chat stops its turn and takes the input now; tasks cannot)",
    ),
});

const outputSchema = z.object({
  agent: AgentSummaryViewSchema.describe('The agent as it was when the input was sent (it turns busy right after)'),
  sent: z.literal(true),
  delivery: z.enum(['delivered', 'queued']).optional().describe("Chats: 'queued' when the agent was busy and Coder queued the input (see queue_position)"),
  queue_position: z.number().int().optional().describe("Position in Coder's queue of this agent (1 = next); present when queued"),
  interrupted: z.boolean().optional().describe('Chats: the current turn was interrupted to take this input (when_busy interrupt)'),
  input_chars: z.number().int().describe('Length of the input sent'),
  conflict: ConflictSchema.optional(),
  recovered: z.string().optional().describe('Present when Coder’s answer was lost: what a re-read found'),
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
    const loaded = await loadAnyTarget(ctx, input.agent, 'send input to');
    if (!loaded.ok) return failure(loaded.failure);
    if (loaded.value.kind === 'chat') return sendToChat(ctx, loaded.value.target, input.input, input.when_busy);
    const target = loaded.value.target;
    const { agent, ref, resolved } = target;
    const ready = checkAgentAction(agent, 'send_input');
    if (!ready.ok) return failure(notSent(fromDomainError(ready.error), input.input));

    const r = await ctx.deps.coder.sendTaskInput(resolved.owner, resolved.id, input.input, { signal: mutationSignal(ctx) });
    let recovered: string | undefined;
    if (!r.ok) {
      // D1: bytes left but no answer came back. Never "NOT sent": re-read the log for this input.
      if (!answerLost(r.error, ctx)) return failure(notSent(await definiteRefusal(ctx, target, 'send_input', r.error, 'send input to'), input.input));
      const logs = await ctx.deps.coder.getTaskLogs(resolved.owner, resolved.id, { signal: rereadSignal(ctx) });
      const delivered = logs.ok && logs.value.logs.some((e) => e.type === 'input' && e.content.trim() === input.input.trim());
      if (!delivered)
        return failure(
          outcomeUnknown(
            `The input to agent ${ref} may or may not have been delivered`,
            r.error.kind,
            `check with get_agent_logs agent=${ref} type=input (is it there?) before sending it again.`,
          ),
        );
      recovered = `Coder's answer was lost (${r.error.kind}); a re-read of the agent's log shows the input was delivered.`;
    }

    const conflict = await recordMutation(ctx, resolved.id, 'send_agent_input', ref);
    const data: Output = {
      agent: toAgentSummaryView(agent),
      sent: true,
      input_chars: input.input.length,
      ...(conflict ? { conflict } : {}),
      ...(recovered ? { recovered } : {}),
      next_actions: [
        { tool: 'get_agent_details', why: 'The agent is working on it; check its state in a while.' },
        { tool: 'get_agent_logs', why: 'Read its answer once it is idle again.' },
      ],
    };
    return success(data, [...(recovered ? [recovered] : []), `Sent ${data.input_chars} chars to agent ${ref} (id ${agent.id}, was ${agent.status}); it is working on it now.`, ...conflictLines(conflict), renderNext(data.next_actions)].join('\n'));
  },
});

/** A chat takes input in any state: delivered now, or queued by Coder behind the current turn (or interrupting it). */
async function sendToChat(ctx: ToolContext, target: ChatTarget, text: string, whenBusy: WhenBusy): Promise<ToolOutcome<Output>> {
  const r = await ctx.runtime.backend.chats.sendInput(target, text, { whenBusy }, ctx.signal);
  if (!r.ok) return failure(notSent(r.failure, text));
  const o = r.value;
  const conflict = await recordMutation(ctx, target.id, 'send_agent_input', target.id);
  const queued = o.kind === 'queued';
  const data: Output = {
    agent: toAgentSummaryView(o.agent),
    sent: true,
    delivery: o.kind,
    ...(queued ? { queue_position: o.position } : { interrupted: o.interrupted }),
    input_chars: text.length,
    ...(conflict ? { conflict } : {}),
    next_actions: queued
      ? [
          { tool: 'interrupt_agent', why: 'Stop the current turn so the queue runs now.' },
          { tool: 'get_agent_details', why: 'See the queue and the current turn.' },
        ].filter((n) => ctx.offers(n.tool))
      : [
          { tool: 'get_agent_details', why: 'The agent is working on it; check its state in a while.' },
          { tool: 'get_agent_logs', why: 'Read its answer once it is idle again.' },
        ],
  };
  const head = queued
    ? `Queued ${text.length} chars for agent ${target.id} (was ${o.agent.status}): position ${o.position} in Coder's queue; it runs after the current turn.`
    : `Sent ${text.length} chars to agent ${target.id} (was ${o.agent.status}${o.interrupted ? ', its turn was interrupted' : ''}); it is working on it now.`;
  return success(data, [head, ...conflictLines(conflict), renderNext(data.next_actions)].join('\n'));
}

/**
 * A failed send quotes the unsent input in its text (so nothing is lost) and keeps it in the failure details
 * (clients that read structured error details).
 */
function notSent(f: ToolFailure, input: string): ToolFailure {
  return { ...f, message: `${f.message} ${notSentText(input)}`, details: { ...f.details, unsent_input: input } };
}
