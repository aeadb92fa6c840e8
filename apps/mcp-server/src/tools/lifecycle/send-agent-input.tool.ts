import { z } from 'zod';
import type { CoderApiError } from '../../coder.js';
import { WHEN_BUSY, type WhenBusy } from '../../backends/backend.js';
import { defineTool, failure, success, type ToolContext } from '../../define-tool.js';
import type { Outcome, ToolFailure } from '../../failures.js';
import { AgentRefSchema } from '../shared/schemas.js';
import { AgentSummaryViewSchema, toAgentSummaryView } from '../../views/agent-core.js';
import { answerLost, mutationSignal, mutationSignals, outcomeUnknown, rereadSignal } from './outcome.js';
import { readBackChat, runAgentAction } from './agent-action.js';
import { AgentStatusSchema } from '../../views/parts.js';
import { raceTimeoutMs } from './build-wait.js';
import { ACTION_RESULT_FIELDS, conflictLines, nextLines, notSentText, offeredNext, type TargetAgent } from './lifecycle-common.js';

export const MAX_INPUT_CHARS = 100_000;

const inputSchema = z.object({
  agent: AgentRefSchema,
  input: z.string().trim().min(1).max(MAX_INPUT_CHARS).describe('The message: an instruction, an answer, a follow-up task'),
  when_busy: z
    .enum(WHEN_BUSY as [WhenBusy, ...WhenBusy[]])
    .default('queue')
    .describe(
      "If busy: queue (after the current turn), fail (send nothing), interrupt (chats: stop the turn, take it now)",
    ),
});

const outputSchema = z.object({
  agent: AgentSummaryViewSchema.describe('Chats: read back after the send; tasks: as it was when the input was sent (it turns busy right after)'),
  previous_status: AgentStatusSchema.optional().describe('Chats: its status before the send'),
  sent: z.literal(true),
  delivery: z.enum(['delivered', 'queued']).optional().describe("Chats: 'queued' when the agent was busy and Coder queued the input (see queue_position)"),
  queue_position: z.number().int().optional().describe("Position in Coder's queue of this agent (1 = next); present when queued"),
  interrupted: z.boolean().optional().describe('Chats: the current turn was interrupted to take this input (when_busy interrupt)'),
  input_chars: z.number().int().describe('Length of the input sent'),
  ...ACTION_RESULT_FIELDS,
});
type Output = z.output<typeof outputSchema>;

export const sendAgentInputTool = defineTool({
  name: 'send_agent_input',
  title: 'Send input to agent',
  description:
    "Sends a message to an agent waiting for input (idle, blocked, or done); it starts working on it. A busy chat queues it; otherwise a refusal says why and quotes your input back. Next: get_agent_details or get_agent_logs.",
  toolset: 'lifecycle',
  effect: 'write',
  idempotent: false,
  // A starting task is waited for (bounded) before the input is sent.
  timeoutMs: raceTimeoutMs,
  inputSchema,
  outputSchema,
  async handle(input, ctx) {
    const text = input.input;
    const r = await runAgentAction(ctx, input.agent, {
      tool: 'send_agent_input',
      verb: 'send input to',
      capability: 'send_input',
      action: 'send_input',
      waitWhileStarting: true,
      task: ({ resolved }) => ctx.deps.coder.sendTaskInput(resolved.owner, resolved.id, text, { signal: mutationSignal(ctx) }),
      recover: (target, error) => recoverLostSend(ctx, target, error, text),
      chat: (target) => ctx.runtime.backend.chats.sendInput(target, text, { whenBusy: input.when_busy }, mutationSignals(ctx)),
      onFailure: (f) => notSent(f, text),
    });
    if (!r.ok) return failure(r.failure);
    const done = r.value;
    const { agent, ref, conflict } = done;
    const working: Output['next_actions'] = [
      { tool: 'get_agent_details', why: 'The agent is working on it; check its state in a while.' },
      { tool: 'get_agent_logs', why: 'Read its answer once it is idle again.' },
    ];
    const sent = done.kind === 'chat' ? done.value : { kind: 'delivered' as const, agent, interrupted: false };
    const queued = sent.kind === 'queued';
    const recovered = done.kind === 'task' && done.changed ? done.recovered : done.kind === 'chat' ? done.value.recovered : undefined;
    // A chat is read back (running its turn, or busy with the input queued); a task's own report comes later.
    const after = done.kind === 'chat' ? await readBackChat(ctx, done.id) : undefined;
    const data: Output = {
      agent: toAgentSummaryView(after ?? sent.agent),
      ...(after ? { previous_status: sent.agent.status } : {}),
      sent: true,
      ...(done.kind === 'chat' ? { delivery: sent.kind, ...(sent.kind === 'queued' ? { queue_position: sent.position } : { interrupted: sent.interrupted }) } : {}),
      input_chars: text.length,
      ...(conflict ? { conflict } : {}),
      ...(recovered ? { recovered } : {}),
      next_actions: offeredNext(
        ctx,
        queued
          ? [
              { tool: 'interrupt_agent', why: 'Stop the current turn so the queue runs now.' },
              { tool: 'get_agent_details', why: 'See the queue and the current turn.' },
            ]
          : working,
      ),
    };
    const head =
      sent.kind === 'queued'
        ? `Queued ${text.length} chars for agent ${ref} (was ${sent.agent.status}${after ? `, now ${after.status}` : ''}): position ${sent.position} in Coder's queue; it runs after the current turn.`
        : `Sent ${text.length} chars to agent ${ref} (${done.kind === 'task' ? `id ${agent.id}, ` : ''}was ${sent.agent.status}${after ? `, now ${after.status}` : ''}${sent.interrupted ? ', its turn was interrupted' : ''}); it is working on it now.`;
    return success(data, [...(recovered ? [recovered] : []), head, ...conflictLines(conflict), ...nextLines(data.next_actions)].join('\n'));
  },
});

/** D1: the input left but no answer came back. Never "NOT sent": re-read the log for this input. */
async function recoverLostSend(ctx: ToolContext, target: TargetAgent, error: CoderApiError, text: string): Promise<Outcome<{ recovered: string }> | undefined> {
  if (!answerLost(error, ctx)) return undefined;
  const { owner, id } = target.resolved;
  const logs = await ctx.deps.coder.getTaskLogs(owner, id, { signal: rereadSignal(ctx) });
  const delivered = logs.ok && logs.value.logs.some((e) => e.type === 'input' && e.content.trim() === text.trim());
  if (!delivered)
    return {
      ok: false,
      failure: outcomeUnknown(`The input to agent ${target.ref} may or may not have been delivered`, error.kind, `check with get_agent_logs agent=${target.ref} type=input (is it there?) before sending it again.`),
    };
  return { ok: true, value: { recovered: `Coder's answer was lost (${error.kind}); a re-read of the agent's log shows the input was delivered.` } };
}

/**
 * A failed send quotes the unsent input in its text (so nothing is lost) and keeps it in the failure details
 * (clients that read structured error details).
 */
function notSent(f: ToolFailure, input: string): ToolFailure {
  return { ...f, message: `${f.message} ${notSentText(input)}`, details: { ...f.details, unsent_input: input } };
}
