import { checkAgentAction } from '@org/fleet-domain';
import { z } from 'zod';
import { defineTool, failure, success } from '../../define-tool.js';
import { fromDomainError } from '../../failures.js';
import { unsupportedFailure } from '../../backends/backend.js';
import { AgentRefSchema } from '../shared/schemas.js';
import { AgentSummaryViewSchema, toAgentSummaryView } from '../../views/agent-core.js';
import { ConflictSchema, NextActionsSchema, conflictLines, definiteRefusal, echo, loadAnyTarget, recordMutation, unsupportedFor, renderNext } from './lifecycle-common.js';
import { MAX_INPUT_CHARS } from './send-agent-input.tool.js';

const PREVIOUS_CHARS = 300;

const inputSchema = z.object({
  agent: AgentRefSchema,
  input: z.string().trim().min(1).max(MAX_INPUT_CHARS).describe('The new task input (prompt) that replaces the current one; the agent works on it when resumed'),
});

const outputSchema = z.object({
  agent: AgentSummaryViewSchema,
  updated: z.literal(true),
  input_chars: z.number().int().describe('Length of the new input'),
  previous_input: z.string().describe(`The replaced input, cut to ${PREVIOUS_CHARS} chars`),
  conflict: ConflictSchema.optional(),
  next_actions: NextActionsSchema,
});
type Output = z.output<typeof outputSchema>;

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
    const loaded = await loadAnyTarget(ctx, input.agent, 'update the task of');
    if (!loaded.ok) return failure(loaded.failure);
    const unsupported = unsupportedFor(ctx, loaded.value.target.agent.kind, 'update_input');
    if (unsupported) return failure(unsupported);
    if (loaded.value.kind !== 'task') return failure(unsupportedFailure({ supported: false, reason: 'Only task agents have a task input to change.', next: [] }));
    const target = loaded.value.target;
    const { agent, ref, resolved } = target;
    const paused = checkAgentAction(agent, 'update_input');
    if (!paused.ok) return failure(fromDomainError(paused.error));

    const r = await ctx.deps.coder.updateTaskInput(resolved.owner, resolved.id, input.input, { signal: ctx.signal });
    if (!r.ok) return failure(await definiteRefusal(ctx, target, 'update_input', r.error, 'update the task of'));
    const conflict = await recordMutation(ctx, resolved.id, 'update_agent_task', ref);
    const data: Output = {
      agent: toAgentSummaryView(agent),
      updated: true,
      input_chars: input.input.length,
      previous_input: echo(agent.initialPrompt, PREVIOUS_CHARS),
      ...(conflict ? { conflict } : {}),
      next_actions: [{ tool: 'resume_agent', why: 'The agent works on the new input once resumed.' }],
    };
    return success(data, [`Updated the task input of paused agent ${ref} (id ${agent.id}): ${data.input_chars} chars replace the previous ${agent.initialPrompt.length}.`, ...conflictLines(conflict), renderNext(data.next_actions)].join('\n'));
  },
});
