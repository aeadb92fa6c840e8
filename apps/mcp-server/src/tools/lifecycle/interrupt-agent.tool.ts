import { z } from 'zod';
import { defineTool, failure, success } from '../../define-tool.js';
import { AgentSummaryViewSchema, toAgentSummaryView } from '../../views/agent-core.js';
import { AgentRefSchema } from '../shared/schemas.js';
import { runAgentAction } from './agent-action.js';
import { ACTION_RESULT_FIELDS, conflictLines, nextLines, offeredNext } from './lifecycle-common.js';
import { mutationSignals } from './outcome.js';

const inputSchema = z.object({
  agent: AgentRefSchema,
});

const outputSchema = z.object({
  agent: AgentSummaryViewSchema.describe('The agent after the interrupt (as Coder has it then)'),
  already_idle: z.boolean().describe('The agent had no turn running: nothing was sent to Coder'),
  ...ACTION_RESULT_FIELDS,
});
type Output = z.output<typeof outputSchema>;

export const interruptAgentTool = defineTool({
  name: 'interrupt_agent',
  title: 'Interrupt agent',
  description:
    "Stops the running turn of a chat or workspace agent (ESC): back to idle, history kept; a chat's queued input runs next (tasks: use pause_agent). Next: send_agent_input.",
  toolset: 'lifecycle',
  effect: 'write',
  idempotent: true,
  inputSchema,
  outputSchema,
  async handle(input, ctx) {
    const r = await runAgentAction(ctx, input.agent, {
      tool: 'interrupt_agent',
      verb: 'interrupt',
      capability: 'interrupt',
      // Only chats can be interrupted (supports() refuses tasks first, naming pause_agent): the domain action is the pause.
      action: 'pause',
      chat: (target) => ctx.runtime.backend.chats.interrupt(target, mutationSignals(ctx)),
      chatChanged: (value) => !value.unchanged,
      // A workspace agent: ESC to its AgentAPI (a raw message) while a turn runs.
      workspace: (target) => ctx.runtime.backend.workspaces.interrupt(target, mutationSignals(ctx)),
      workspaceChanged: (value) => !value.unchanged,
    });
    if (!r.ok) return failure(r.failure);
    const done = r.value;
    const after = done.kind === 'chat' ? done.value.agent : done.kind === 'workspace' && done.value ? done.value.agent : done.agent;
    const recovered = done.kind === 'chat' ? done.value.recovered : undefined;
    const data: Output = {
      agent: toAgentSummaryView(after),
      already_idle: !done.changed,
      ...(done.conflict ? { conflict: done.conflict } : {}),
      ...(recovered ? { recovered } : {}),
      next_actions: offeredNext(ctx, [
        { tool: 'send_agent_input', why: 'Give the agent its next instruction.' },
        { tool: 'get_agent_logs', why: 'See where the turn stopped.' },
      ]),
    };
    const head = done.changed
      ? `Interrupted agent ${done.ref} (was ${done.agent.status}); it returns to idle with its history kept.`
      : `Agent ${done.ref} had no turn running (${done.agent.status}): nothing changed.`;
    return success(data, [...(recovered ? [recovered] : []), head, ...conflictLines(data.conflict), ...nextLines(data.next_actions)].join('\n'));
  },
});
