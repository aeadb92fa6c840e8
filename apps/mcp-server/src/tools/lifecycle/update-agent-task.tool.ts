import type { Agent } from '@org/fleet-domain';
import { z } from 'zod';
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
  echo,
  loadTarget,
  recordMutation,
  renderNext,
  rereadAgent,
} from './lifecycle-common.js';
import { MAX_INPUT_CHARS } from './send-agent-input.tool.js';

const PREVIOUS_CHARS = 300;

const inputSchema = z.object({
  agent: AgentRefSchema,
  input: z.string().trim().min(1).max(MAX_INPUT_CHARS).describe('The new task input (prompt) that replaces the current one; the agent works on it when resumed'),
});

const outputSchema = z.object({
  agent: AgentSummarySchema,
  updated: z.literal(true),
  input_chars: z.number().int().describe('Length of the new input'),
  previous_input: z.string().describe(`The replaced input, cut to ${PREVIOUS_CHARS} chars`),
  conflict: ConflictSchema.optional(),
  next_actions: NextActionsSchema,
});
type Output = z.output<typeof outputSchema>;

const notPaused = (agent: Pick<Agent, 'status' | 'statusReason'>, ref: string): ToolFailure =>
  toolFailure(
    'agent_not_paused',
    `Agent '${ref}' is ${agent.status === 'paused' ? 'not (or no longer) paused' : agent.status} (${agent.statusReason}); Coder changes the task input only while an agent is paused. Nothing was changed.`,
    'Call pause_agent first, then update_agent_task, then resume_agent (it continues with the new input). To steer a running agent without restarting it, use send_agent_input instead.',
  );

export const updateAgentTaskTool = defineTool({
  name: 'update_agent_task',
  title: 'Update agent task',
  description:
    "Replaces the task input (prompt) of a PAUSED agent; the agent works on the new input when it is resumed. Use it to re-scope or correct an assignment without deleting the agent and its workspace; it fails with the next step when the agent is not paused. Next: resume_agent.",
  toolset: 'lifecycle',
  effect: 'write',
  idempotent: true,
  inputSchema,
  outputSchema,
  async handle(input, ctx) {
    const loaded = await loadTarget(ctx, input.agent, 'update the task of');
    if (!loaded.ok) return failure(loaded.failure);
    const target = loaded.value;
    const { agent, ref, resolved } = target;
    if (agent.status !== 'paused') return failure(notPaused(agent, ref));

    const r = await ctx.deps.coder.updateTaskInput(resolved.owner, resolved.id, input.input, { signal: ctx.signal });
    if (!r.ok) {
      if (r.error.kind === 'conflict') return failure(notPaused((await rereadAgent(ctx, target)) ?? { status: agent.status, statusReason: `Coder: ${r.error.message}` }, ref));
      return failure(coderFailure(r.error, 'update the task of', ref));
    }
    const conflict = recordMutation(ctx, resolved.id, 'update_agent_task', ref);
    const data: Output = {
      agent: agentSummary(agent),
      updated: true,
      input_chars: input.input.length,
      previous_input: echo(agent.initialPrompt, PREVIOUS_CHARS),
      ...(conflict ? { conflict } : {}),
      next_actions: [{ tool: 'resume_agent', why: 'The agent works on the new input once resumed.' }],
    };
    return success(data, [`Updated the task input of paused agent ${ref} (id ${agent.id}): ${data.input_chars} chars replace the previous ${agent.initialPrompt.length}.`, ...conflictLines(conflict), renderNext(data.next_actions)].join('\n'));
  },
});
