import { z } from 'zod';
import { defineTool, failure, success } from '../../define-tool.js';
import { AgentRefSchema } from '../shared/schemas.js';
import { AgentSummaryViewSchema, toAgentSummaryView } from '../../views/agent-core.js';
import { runAgentAction } from './agent-action.js';
import { raceRecover, raceTimeoutMs, retryAfterBuild, type RaceState } from './build-wait.js';
import { ACTION_RESULT_FIELDS, conflictLines, echo, nextLines, offeredNext } from './lifecycle-common.js';
import { MAX_INPUT_CHARS } from './send-agent-input.tool.js';

const PREVIOUS_CHARS = 300;

const inputSchema = z.object({
  agent: AgentRefSchema,
  input: z.string().trim().min(1).max(MAX_INPUT_CHARS).describe('The new prompt'),
});

const outputSchema = z.object({
  agent: AgentSummaryViewSchema,
  updated: z.literal(true),
  input_chars: z.number().int().describe('Length of the new input'),
  previous_input: z.string().describe(`The replaced input, cut to ${PREVIOUS_CHARS} chars`),
  ...ACTION_RESULT_FIELDS,
});
type Output = z.output<typeof outputSchema>;

export const updateAgentTaskTool = defineTool({
  name: 'update_agent_task',
  title: 'Update agent task',
  description:
    'Replaces the prompt of a PAUSED task agent, to re-scope its work without deleting it; it works on it once resumed. Next: resume_agent.',
  toolset: 'lifecycle',
  effect: 'write',
  idempotent: true,
  timeoutMs: raceTimeoutMs,
  inputSchema,
  outputSchema,
  async handle(input, ctx) {
    const race: RaceState = {};
    const r = await runAgentAction(ctx, input.agent, {
      tool: 'update_agent_task',
      verb: 'update the task of',
      capability: 'update_input',
      action: 'update_input',
      // 409 right after a pause: its stop build still runs; wait for it (bounded) and update then.
      task: (target) => retryAfterBuild(ctx, target, 'update_agent_task', () => ctx.deps.coder.updateTaskInput(target.resolved.owner, target.resolved.id, input.input, { signal: ctx.signal }), race),
      recover: raceRecover(race),
    });
    if (!r.ok) return failure(r.failure);
    const { agent, ref } = r.value;
    const data: Output = {
      agent: toAgentSummaryView(agent),
      updated: true,
      input_chars: input.input.length,
      previous_input: echo(agent.initialPrompt, PREVIOUS_CHARS),
      ...(r.value.conflict ? { conflict: r.value.conflict } : {}),
      next_actions: offeredNext(ctx, [{ tool: 'resume_agent', why: 'The agent works on the new input once resumed.' }]),
    };
    return success(data, [`Updated the task input of paused agent ${ref} (id ${agent.id}): ${data.input_chars} chars replace the previous ${agent.initialPrompt.length}.`, ...conflictLines(data.conflict), ...nextLines(data.next_actions)].join('\n'));
  },
});
