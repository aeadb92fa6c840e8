import { z } from 'zod';
import { defineTool, failure, success } from '../../define-tool.js';
import { toolFailure } from '../../failures.js';
import { AgentSummaryViewSchema, toAgentSummaryView } from '../../views/agent-core.js';
import { AgentRefSchema } from '../shared/schemas.js';
import { ConflictSchema, NextActionsSchema, conflictLines, loadAnyTarget, recordMutation, renderNext, unsupportedFor } from './lifecycle-common.js';

const inputSchema = z.object({
  agent: AgentRefSchema,
});

const outputSchema = z.object({
  agent: AgentSummaryViewSchema.describe('The agent after the interrupt (Coder answers with the chat)'),
  already_idle: z.boolean().describe('The agent had no turn running: nothing was sent to Coder'),
  conflict: ConflictSchema.optional(),
  next_actions: NextActionsSchema,
});
type Output = z.output<typeof outputSchema>;

export const interruptAgentTool = defineTool({
  name: 'interrupt_agent',
  title: 'Interrupt agent',
  description:
    "Stops the running turn of a Coder Agents chat: the agent returns to idle with its history kept, and its queued input (if any) runs next. Coder Tasks cannot be interrupted: for a task agent this refuses and names pause_agent. Next: send_agent_input with new instructions, or delete_agent to archive it.",
  toolset: 'lifecycle',
  effect: 'write',
  idempotent: true,
  inputSchema,
  outputSchema,
  async handle(input, ctx) {
    const loaded = await loadAnyTarget(ctx, input.agent, 'interrupt');
    if (!loaded.ok) return failure(loaded.failure);
    const refused = unsupportedFor(ctx, loaded.value.kind, 'interrupt');
    if (refused) return failure(refused);
    if (loaded.value.kind !== 'chat') return failure(toolFailure('not_supported', `Agent ${input.agent} cannot be interrupted.`, 'Call pause_agent to stop it.'));
    const target = loaded.value.target;
    const r = await ctx.runtime.backend.chats.interrupt(target, ctx.signal);
    if (!r.ok) return failure(r.failure);
    const conflict = r.value.unchanged ? undefined : await recordMutation(ctx, target.id, 'interrupt_agent', target.id);
    const data: Output = {
      agent: toAgentSummaryView(r.value.agent),
      already_idle: r.value.unchanged,
      ...(conflict ? { conflict } : {}),
      next_actions: [
        { tool: 'send_agent_input', why: 'Give the agent its next instruction.' },
        { tool: 'get_agent_logs', why: 'See where the turn stopped.' },
      ].filter((n) => ctx.offers(n.tool)),
    };
    const head = r.value.unchanged
      ? `Agent ${target.id} had no turn running (${target.agent.status}): nothing changed.`
      : `Interrupted agent ${target.id} (was ${target.agent.status}); it returns to idle with its history kept.`;
    return success(data, [head, ...conflictLines(conflict), renderNext(data.next_actions)].join('\n'));
  },
});
