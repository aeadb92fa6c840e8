import { z } from 'zod';
import { defineTool } from '../../define-tool.js';
import { AgentRefSchema } from '../shared/schemas.js';
import { AgentSummaryViewSchema } from '../../views/agent-core.js';
import { raceTimeoutMs } from './build-wait.js';
import { TRANSITION_OUTPUT_FIELDS, transitionResult, transitionText, type TransitionSpec } from './transition.js';

const inputSchema = z.object({
  agent: AgentRefSchema,
});

const outputSchema = z.object({
  agent: AgentSummaryViewSchema.describe('The agent read back after the pause (its build in progress); as found when nothing changed'),
  already_paused: z.boolean().describe('The agent was already paused: nothing was sent to Coder'),
  ...TRANSITION_OUTPUT_FIELDS,
});

const PAUSE: TransitionSpec = {
  tool: 'pause_agent',
  verb: 'pause',
  workspaceTransition: 'stop',
  call: (coder) => coder.pauseTask,
  nextWhenUnchanged: [
    { tool: 'resume_agent', why: 'Continue its work.' },
    { tool: 'update_agent_task', why: 'Change its task input before resuming.' },
  ],
  nextWhenStarted: [
    { tool: 'get_agent_details', why: 'The workspace is stopping; the agent shows paused once the stop build finishes.' },
    { tool: 'update_agent_task', why: 'Change its task input while it is paused.' },
    { tool: 'resume_agent', why: 'Continue later.' },
  ],
};

export const pauseAgentTool = defineTool({
  name: 'pause_agent',
  title: 'Pause agent',
  description:
    "Pauses an agent idle or done for now: its workspace stops (task, prompt, log kept), freeing capacity; a chat's turn is interrupted. Next: resume_agent.",
  toolset: 'lifecycle',
  effect: 'write',
  idempotent: true,
  // A call that meets a running build waits for it (bounded) before answering.
  timeoutMs: raceTimeoutMs,
  inputSchema,
  outputSchema,
  handle: (input, ctx) => transitionResult(ctx, input.agent, PAUSE, 'already_paused', (o) => transitionText(o, 'is already paused', 'Pausing', 'a stop build')),
});
