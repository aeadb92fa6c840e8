import { z } from 'zod';
import { defineTool, failure, success } from '../../define-tool.js';
import { AgentRefSchema } from '../shared/schemas.js';
import {
  AgentSummarySchema,
  BuildSchema,
  ConflictSchema,
  NextActionsSchema,
  agentSummary,
  buildView,
  coderFailure,
  conflictLines,
  loadTarget,
  recordMutation,
  renderBuild,
  renderNext,
  rereadAgent,
} from './lifecycle-common.js';

const inputSchema = z.object({
  agent: AgentRefSchema,
});

const outputSchema = z.object({
  agent: AgentSummarySchema.describe('The agent as it was just before the pause'),
  already_paused: z.boolean().describe('The agent was already paused: nothing was sent to Coder'),
  build: BuildSchema.optional(),
  conflict: ConflictSchema.optional(),
  next_actions: NextActionsSchema,
});
type Output = z.output<typeof outputSchema>;

export const pauseAgentTool = defineTool({
  name: 'pause_agent',
  title: 'Pause agent',
  description:
    "Pauses an agent: Coder stops its workspace (a 'stop' build) and keeps the task, its prompt and a log snapshot, freeing capacity. Use it for agents that are idle, done for now, or should not continue yet; pausing a paused agent changes nothing. Next: update_agent_task to change its task, resume_agent to continue, or delete_agent when the work is finished.",
  toolset: 'lifecycle',
  effect: 'write',
  idempotent: true,
  inputSchema,
  outputSchema,
  async handle(input, ctx) {
    const loaded = await loadTarget(ctx, input.agent, 'pause');
    if (!loaded.ok) return failure(loaded.failure);
    const target = loaded.value;
    const { agent, ref, resolved } = target;
    const already = (): Output => ({
      agent: agentSummary(agent),
      already_paused: true,
      next_actions: [
        { tool: 'resume_agent', why: 'Continue its work.' },
        { tool: 'update_agent_task', why: 'Change its task input before resuming.' },
      ],
    });
    if (agent.status === 'paused') {
      const data = already();
      return success(data, render(data, ref));
    }

    const r = await ctx.deps.coder.pauseTask(resolved.owner, resolved.id, { signal: ctx.signal });
    if (!r.ok) {
      if (r.error.kind === 'conflict' && (await rereadAgent(ctx, target))?.status === 'paused') {
        // Paused meanwhile (another session, auto-pause): same end state.
        const data = already();
        return success(data, render(data, ref));
      }
      return failure(
        coderFailure(r.error, 'pause', ref, {
          hints: { conflict: 'A workspace build is probably still running (the agent is starting or stopping): wait until get_agent_details shows a stable status, then retry.' },
        }),
      );
    }
    const conflict = recordMutation(ctx, resolved.id, 'pause_agent', ref);
    const data: Output = {
      agent: agentSummary(agent),
      already_paused: false,
      build: buildView(r.value),
      ...(conflict ? { conflict } : {}),
      next_actions: [
        { tool: 'get_agent_details', why: 'The workspace is stopping; the agent shows paused once the stop build finishes.' },
        { tool: 'update_agent_task', why: 'Change its task input while it is paused.' },
        { tool: 'resume_agent', why: 'Continue later.' },
      ],
    };
    return success(data, render(data, ref));
  },
});

function render(d: Output, ref: string): string {
  const head = d.already_paused
    ? `Agent ${ref} (id ${d.agent.id}) is already paused: nothing changed.`
    : `Pausing agent ${ref} (id ${d.agent.id}, was ${d.agent.status}): Coder started ${d.build ? renderBuild(d.build) : 'a stop build'}.`;
  return [head, ...conflictLines(d.conflict), renderNext(d.next_actions)].join('\n');
}
